//! A model-based test of WooshPay's money path: random sequences of what customers (several
//! tabs of one order, each its own PaymentIntent), Alipay, the shop (a new price) and the
//! gateway's webhooks do, applied to two instances of the merchant library sharing their
//! records (one SQLite database, or each on its own connection to PostgreSQL, as two servers
//! are), against the real test gateway. The gateway sends no webhooks of its own: each
//! `Deliver` step hands one event, signed, to an instance, so an event comes early, late,
//! twice, or never (until the customer's return page settles the latest PaymentIntent, or the
//! end of the run delivers what is left).
//!
//! After every step: an order is paid by one PaymentIntent at most, and none is both the
//! order's payment and a stray one. Once everything is delivered: every succeeded
//! PaymentIntent is the order's payment (for what the order cost then) or a stray payment
//! refunded in full at the gateway, so the money taken is the money accounted for.

use super::*;
use paywasm_core::wooshpay::{OsType, TerminalType};
use paywasm_merchant::checkout::wooshpay::NewIntent;
use paywasm_merchant::checkout::Checkout;
use paywasm_merchant::client::WooshpayClient;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The order's prices, in fen.
const PRICES: [i64; 2] = [20, 35];
/// The webhook endpoint's secret the records keep.
const WEBHOOK_SECRET: &str = "whsec_model";

#[derive(Clone, Debug)]
enum Step {
    /// A customer's tab asks for a PaymentIntent, under one of a few request names (a repeat
    /// of a name is the same request, its answer lost), on instance `on`.
    Start { request: usize, on: usize },
    /// The customer pays PaymentIntent `intent` at Alipay.
    Pay { intent: usize },
    /// Alipay declines it.
    Decline { intent: usize },
    /// The merchant cancels it.
    Cancel { intent: usize },
    /// The merchant refunds part of it (from the dashboard, say).
    RefundPart { intent: usize },
    /// The shop changes the order's price.
    Reprice { price: usize },
    /// The gateway delivers the event of PaymentIntent `intent`'s current state to `on`.
    Deliver { intent: usize, on: usize },
    /// The customer comes back from Alipay to the return page, served by `on`.
    Return { on: usize },
}

fn step() -> impl Strategy<Value = Step> {
    // Weighted towards what moves money: tabs started and paid, events delivered.
    prop_oneof![
        3 => (0..3usize, 0..2usize).prop_map(|(request, on)| Step::Start { request, on }),
        4 => (0..4usize).prop_map(|intent| Step::Pay { intent }),
        1 => (0..4usize).prop_map(|intent| Step::Decline { intent }),
        1 => (0..4usize).prop_map(|intent| Step::Cancel { intent }),
        1 => (0..4usize).prop_map(|intent| Step::RefundPart { intent }),
        1 => (0..PRICES.len()).prop_map(|price| Step::Reprice { price }),
        3 => (0..4usize, 0..2usize).prop_map(|(intent, on)| Step::Deliver { intent, on }),
        1 => (0..2usize).prop_map(|on| Step::Return { on }),
    ]
}

struct World {
    /// The order the run pays (its own, as the records may be shared with other runs).
    order: String,
    sandbox: Sandbox,
    ledger: Ledger,
    instances: Vec<Arc<Checkout<WooshpayClient, Ledger>>>,
    /// The PaymentIntents made, oldest first, with what the browser got (its `next_action`).
    intents: Vec<Value>,
}

impl World {
    /// A world on SQLite (both instances on one database), or with each instance on its own
    /// connection to the test PostgreSQL database, as two servers are.
    async fn new(on_postgres: bool) -> Self {
        let sandbox = silent_gateway().await;
        let ledger = Ledger::default();
        let mut instances = Vec::new();
        let shared = sqlite_records();
        for _ in 0..2 {
            let records = if on_postgres {
                let url = std::env::var("PAYWASM_TEST_POSTGRES").expect(
                    "PAYWASM_TEST_POSTGRES names the test database: run `npm test`, or \
                     `source scripts/postgres.sh` before cargo test",
                );
                Records::postgres(&url).await.unwrap()
            } else {
                shared.clone()
            };
            records
                .keep_webhook_endpoint("wooshpay", "we_test_model", WEBHOOK_SECRET)
                .await
                .unwrap();
            instances.push(wooshpay_checkout(&sandbox, &ledger, records));
        }
        let order = format!("ord_wpm_{:016x}", rand::random::<u64>());
        ledger.open_in(&order, PRICES[0], Currency::parse("CNY").unwrap());
        Self {
            order,
            sandbox,
            ledger,
            instances,
            intents: Vec::new(),
        }
    }

    fn intent(&self, index: usize) -> Option<&Value> {
        (!self.intents.is_empty()).then(|| &self.intents[index % self.intents.len()])
    }

    async fn apply(&mut self, step: &Step) {
        match *step {
            Step::Start { request, on } => {
                let paid_before = !self.ledger.payments_of(&self.order).is_empty();
                let started = self.instances[on]
                    .payment_intent(
                        NewIntent {
                            order: self.order.clone(),
                            terminal_type: TerminalType::Web,
                            os_type: None::<OsType>,
                            request: Some(Value::from(format!("tab-{request}"))),
                        },
                        "203.0.113.9",
                    )
                    .await;
                match started {
                    Ok(view) => {
                        assert!(!paid_before, "a paid order was offered a new payment");
                        let view = serde_json::to_value(view).unwrap();
                        if !self.intents.iter().any(|known| known["id"] == view["id"]) {
                            self.intents.push(view);
                        }
                    }
                    Err(MerchantError::Refused("order_paid", _)) => {
                        assert!(paid_before, "an unpaid order was refused as paid")
                    }
                    Err(other) => panic!("starting a payment failed: {other:?}"),
                }
            }
            Step::Pay { intent } | Step::Decline { intent } => {
                let Some(intent) = self.intent(intent).cloned() else {
                    return;
                };
                let decision = match step {
                    Step::Pay { .. } => "succeed",
                    _ => "fail",
                };
                // A PaymentIntent canceled or paid already is not payable: Alipay's page says so.
                self.sandbox.pay_at_alipay(&intent, decision).await;
            }
            Step::Cancel { intent } => {
                let Some(id) = self.intent(intent).map(|intent| intent["id"].clone()) else {
                    return;
                };
                let path = format!("/v1/payment_intents/{}/cancel", id.as_str().unwrap());
                // Refused when it succeeded (or is canceled) already.
                send(self.sandbox.wooshpay_secret(Method::POST, &path)).await;
            }
            Step::RefundPart { intent } => {
                let Some(id) = self.intent(intent).map(|intent| intent["id"].clone()) else {
                    return;
                };
                // Refused unless it succeeded and 5 fen remain.
                send(
                    self.sandbox
                        .wooshpay_secret(Method::POST, "/v1/refunds")
                        .json(&serde_json::json!({"payment_intent": id, "amount": 5})),
                )
                .await;
            }
            Step::Reprice { price } => {
                let mut books = self.ledger.0.lock().unwrap();
                if let Some(order) = books.orders.get_mut(&self.order) {
                    order.amount = Amount(PRICES[price]);
                }
            }
            Step::Deliver { intent, on } => {
                let Some(id) = self.intent(intent).map(|intent| intent["id"].clone()) else {
                    return;
                };
                self.deliver(id.as_str().unwrap(), on).await;
            }
            Step::Return { on } => {
                let Some(intent) = self.intents.last() else {
                    return;
                };
                // The token the gateway sends the customer back with, from the return URL.
                let paid = self.sandbox.intent(intent["id"].as_str().unwrap()).await;
                let return_url = paid["return_url"].as_str().unwrap().to_owned();
                let token = return_url.split("token=").nth(1).unwrap();
                let resumed = self.instances[on].resume(&self.order, token).await.unwrap();
                assert!(resumed.is_some(), "the return page found no PaymentIntent");
            }
        }
    }

    /// Hands the event of PaymentIntent `id`'s current state, signed, to instance `on`.
    async fn deliver(&self, id: &str, on: usize) {
        let intent = self.sandbox.intent(id).await;
        let kind = match intent["status"].as_str().unwrap() {
            "succeeded" => "payment_intent.succeeded",
            "canceled" => "payment_intent.canceled",
            _ => "payment_intent.requires_action",
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let event = serde_json::json!({
            "id": format!("evt_{id}_{}", intent["status"].as_str().unwrap()),
            "object": "event", "type": kind, "created": now * 1000, "livemode": false,
            "data": {"object": intent},
        });
        let body = serde_json::to_vec(&event).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            paywasm_core::webhook::wooshpay::SIGNATURE_HEADER,
            HeaderValue::from_str(&paywasm_core::webhook::wooshpay::header(
                WEBHOOK_SECRET,
                now,
                &body,
            ))
            .unwrap(),
        );
        self.instances[on]
            .receive_webhook(&headers, &body)
            .await
            .unwrap();
    }

    /// What holds after every step.
    fn check_always(&self) {
        let paid = self.ledger.payments_of(&self.order);
        assert!(paid.len() <= 1, "the order was paid by {paid:?}");
        for stray in self.ledger.strays_of(&self.order) {
            assert!(
                !paid.contains(&stray.charge_id),
                "{} both paid the order and is stray",
                stray.charge_id
            );
        }
    }

    /// Every event delivered (one of them twice, on the other instance): all money taken is
    /// accounted for.
    async fn check_settled(&self) {
        for (index, intent) in self.intents.iter().enumerate() {
            let id = intent["id"].as_str().unwrap();
            self.deliver(id, index % 2).await;
            if index == 0 {
                self.deliver(id, 1).await;
            }
        }
        self.check_always();
        let (strays, payments) = {
            let books = self.ledger.0.lock().unwrap();
            let strays: BTreeMap<String, _> = books
                .strays
                .iter()
                .map(|(_, stray)| (stray.charge_id.clone(), stray.clone()))
                .collect();
            (strays, books.payments.clone())
        };
        let mut taken = 0;
        let mut succeeded = 0;
        for intent in &self.intents {
            let id = intent["id"].as_str().unwrap();
            let now = self.sandbox.intent(id).await;
            if now["status"] != "succeeded" {
                assert!(
                    !strays.contains_key(id) && payments.iter().all(|p| p.charge != id),
                    "{id} took no money but was recorded: {now}"
                );
                continue;
            }
            succeeded += 1;
            let amount = now["amount_received"].as_i64().unwrap();
            taken += amount;
            if let Some(payment) = payments.iter().find(|p| p.charge == id) {
                assert_eq!(
                    payment.amount.0, amount,
                    "{id} paid the order for another price"
                );
            } else {
                let stray = strays
                    .get(id)
                    .unwrap_or_else(|| panic!("{id} took money that nothing accounts for"));
                assert_eq!(stray.amount.0, amount);
                let (_, refunds) = send(
                    self.sandbox
                        .wooshpay_secret(Method::GET, &format!("/v1/refunds?payment_intent={id}")),
                )
                .await;
                let refunded: i64 = refunds["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|refund| refund["amount"].as_i64().unwrap())
                    .sum();
                assert_eq!(refunded, amount, "stray {id} was not refunded in full");
                assert!(stray.refund_id.is_some());
            }
        }
        let accounted: i64 = payments.iter().map(|p| p.amount.0).sum::<i64>()
            + strays.values().map(|stray| stray.amount.0).sum::<i64>();
        assert_eq!(
            taken, accounted,
            "{succeeded} PaymentIntents took {taken}, the books account for {accounted}"
        );
    }
}

/// Runs `steps` in a new world, checking after each, then settles everything.
async fn run_on(on_postgres: bool, steps: &[Step]) -> World {
    let mut world = World::new(on_postgres).await;
    for step in steps {
        world.apply(step).await;
        world.check_always();
    }
    world.check_settled().await;
    world
}

/// One run of the model, stopped when done.
fn model_run(on_postgres: bool, steps: &[Step]) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let world = run_on(on_postgres, steps).await;
        world.sandbox.running.stop().await;
    });
}

proptest! {
    #![proptest_config(model::config(48))]
    #[test]
    fn wooshpays_money_path_holds_on_one_database(steps in proptest::collection::vec(step(), 4..30)) {
        model_run(false, &steps);
    }
}

proptest! {
    #![proptest_config(model::config(16))]
    #[test]
    fn wooshpays_money_path_holds_on_two_instances_sharing_postgresql(
        steps in proptest::collection::vec(step(), 4..30)
    ) {
        model_run(true, &steps);
    }
}

/// Runs `steps` on SQLite.
async fn run(steps: &[Step]) -> World {
    run_on(false, steps).await
}

/// Before: WooshPay's receiver paid an order once per succeeded PaymentIntent, so a customer
/// who paid in two tabs paid twice, and the merchant was never told of the second payment.
#[tokio::test]
async fn a_second_paid_payment_intent_of_an_order_is_refunded_not_counted() {
    let world = run(&[
        Step::Start { request: 0, on: 0 },
        Step::Start { request: 1, on: 1 },
        Step::Pay { intent: 0 },
        Step::Pay { intent: 1 },
        Step::Deliver { intent: 1, on: 0 },
        Step::Deliver { intent: 0, on: 1 },
    ])
    .await;
    let paid_by = world.ledger.payments_of(&world.order);
    let strays = world.ledger.strays_of(&world.order);
    assert_eq!(
        (paid_by.len(), strays.len()),
        (1, 1),
        "{paid_by:?} {strays:?}"
    );
    assert_eq!(
        strays[0].reason,
        StrayReason::AlreadyPaid {
            by: paid_by[0].clone()
        }
    );
    world.sandbox.running.stop().await;
}

/// Before: a PaymentIntent paid for a price the order no longer has was dropped: the money
/// was taken, the order stayed unpaid, and the merchant was never told.
#[tokio::test]
async fn a_payment_intent_paid_for_an_old_price_is_refunded_and_reported() {
    let world = run(&[
        Step::Start { request: 0, on: 0 },
        Step::Reprice { price: 1 },
        Step::Pay { intent: 0 },
        Step::Deliver { intent: 0, on: 1 },
    ])
    .await;
    assert!(world.ledger.payments_of(&world.order).is_empty());
    let strays = world.ledger.strays_of(&world.order);
    assert_eq!(strays.len(), 1, "{strays:?}");
    assert_eq!(strays[0].reason, StrayReason::AmountMismatch);
    world.sandbox.running.stop().await;
}

/// Before: an order paid at Alipay whose webhook never came stayed unpaid; the customer's
/// return page now settles the PaymentIntent it resumes.
#[tokio::test]
async fn the_return_page_pays_the_order_when_the_webhook_never_comes() {
    let mut world = World::new(false).await;
    for step in [
        Step::Start { request: 0, on: 0 },
        Step::Pay { intent: 0 },
        Step::Return { on: 1 },
    ] {
        world.apply(&step).await;
    }
    assert_eq!(
        world.ledger.payments_of(&world.order),
        vec![world.intents[0]["id"].as_str().unwrap().to_owned()]
    );
    world.sandbox.running.stop().await;
}

/// Before: a stray PaymentIntent was refunded by asking for all it received, which the gateway
/// refuses once the merchant has refunded part of it: the rest of the customer's money stayed
/// with the merchant.
#[tokio::test]
async fn a_stray_payment_intent_refunded_in_part_is_refunded_in_full() {
    let world = run(&[
        Step::Start { request: 0, on: 0 },
        Step::Start { request: 1, on: 1 },
        Step::Pay { intent: 0 },
        Step::Pay { intent: 1 },
        Step::RefundPart { intent: 1 },
        Step::Deliver { intent: 0, on: 0 },
        Step::Deliver { intent: 1, on: 1 },
    ])
    .await;
    let strays = world.ledger.strays_of(&world.order);
    assert_eq!(strays.len(), 1, "{strays:?}");
    assert!(strays[0].refund_id.is_some(), "{strays:?}");
    world.sandbox.running.stop().await;
}
