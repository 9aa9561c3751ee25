//! The merchant library (`paywasm-merchant`) mounted as a merchant would mount it, against the
//! test gateway over real HTTP: its Omise contract on both stores, SQLite (one instance) and a
//! real PostgreSQL server (`PAYWASM_TEST_POSTGRES`, started by `npm test`), where two
//! instances share the records and the customer waiting on B is woken by the webhook that
//! reached A.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

mod support;

use base64::Engine;
use paywasm_merchant::checkout::Checkout;
use paywasm_merchant::client::OmiseClient;
use paywasm_merchant::records::Records;
use paywasm_sandbox::config::Config;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::ledger::Ledger;
use support::{assert_shop_error, send, Sandbox};

/// One instance of the merchant's server: the library's routes on their own port.
struct Instance {
    url: String,
}

async fn bind() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

fn serve(
    listener: tokio::net::TcpListener,
    url: String,
    sandbox: &Sandbox,
    orders: &Ledger,
    records: Records,
) -> Instance {
    let webhook_key = base64::engine::general_purpose::STANDARD
        .decode(Config::for_tests().webhook_secret)
        .unwrap();
    let gateway = OmiseClient::new(
        sandbox.running.gateway_url.clone(),
        sandbox.running.secret_key.clone(),
    )
    .unwrap();
    let checkout = Checkout::new(
        orders.clone(),
        records,
        gateway,
        vec![webhook_key],
        format!("{url}/return"),
    );
    let (browser, webhooks) = checkout.routes();
    tokio::spawn(async move {
        axum::serve(listener, browser.merge(webhooks))
            .await
            .unwrap();
    });
    Instance { url }
}

fn database() -> String {
    std::env::var("PAYWASM_TEST_POSTGRES").expect(
        "PAYWASM_TEST_POSTGRES names the test database: run `npm test`, or \
         `source scripts/postgres.sh` before cargo test",
    )
}

/// Opens `order` (THB 1,290.00) and charges it through `instance` with a new PromptPay
/// source: the charge's id.
async fn charge_order(sandbox: &Sandbox, orders: &Ledger, instance: &str, order: &str) -> String {
    orders.open(order, 129_000);
    let source = sandbox.promptpay_source(129_000).await;
    let (status, charge) = send(
        sandbox
            .http
            .post(format!("{instance}/checkout/charges"))
            .json(&json!({"source": source["id"], "order": order})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{charge}");
    charge["id"].as_str().unwrap().to_owned()
}

/// `n` orders named `{prefix}_{k}`, each charged through `instance`: their charges' ids.
async fn charge_orders(
    sandbox: &Sandbox,
    orders: &Ledger,
    instance: &Instance,
    prefix: &str,
    n: usize,
) -> Vec<String> {
    let mut charges = vec![];
    for k in 0..n {
        let order = format!("{prefix}_{k}");
        charges.push(charge_order(sandbox, orders, &instance.url, &order).await);
    }
    charges
}

/// The one number `sql` (with `?1` = `since`) reads from the instance's SQLite `store`.
fn count(store: &paywasm_store::Store, sql: &'static str, since: i64) -> i64 {
    store
        .call(|db| db.query_row(sql, [since], |row| row.get::<_, i64>(0)))
        .unwrap()
}

/// Every charge of `charges` asked for once, at once, through `instance` (no hold): each is
/// still pending.
async fn ask_all_at_once(sandbox: &Sandbox, instance: &Instance, charges: &[String]) {
    let mut asked = tokio::task::JoinSet::new();
    for id in charges {
        let request = sandbox
            .http
            .get(format!("{}/checkout/charges/{id}", instance.url));
        asked.spawn(send(request));
    }
    while let Some(answer) = asked.join_next().await {
        let (status, charge) = answer.unwrap();
        assert_eq!(status, StatusCode::OK, "{charge}");
        assert_eq!(charge["status"], "pending");
    }
}

/// What the library must do on any store: the customer pays on `a`'s charge and waits on `b`;
/// the gateway's webhooks reach `a` only.
async fn the_contract(sandbox: &Sandbox, orders: &Ledger, a: &Instance, b: &Instance) {
    let order = format!("ord_{:016x}", rand::random::<u64>());
    orders.open(&order, 129_000);
    let source = sandbox.promptpay_source(129_000).await;
    let charge_request = || {
        sandbox
            .http
            .post(format!("{}/checkout/charges", a.url))
            .json(&json!({"source": source["id"], "order": order}))
    };
    let (status, charge) = send(charge_request()).await;
    assert_eq!(status, StatusCode::CREATED, "{charge}");
    assert_eq!(charge["status"], "pending");
    assert_eq!(charge["amount"], 129_000);
    let id = charge["id"].as_str().unwrap().to_owned();
    // Repeated (its answer was lost): the same charge, not a second one.
    let (status, again) = send(charge_request()).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["id"], id.as_str());

    // A source made for another amount is refused: only the order's amount is charged.
    let cheaper = sandbox.promptpay_source(2_000).await;
    let (status, refused) = send(
        sandbox
            .http
            .post(format!("{}/checkout/charges", a.url))
            .json(&json!({"source": cheaper["id"], "order": order})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_shop_error(&refused, "amount_mismatch");

    // The customer waits on B; the payment's webhook reaches A.
    let held = tokio::spawn({
        let request = sandbox
            .http
            .get(format!("{}/checkout/charges/{id}?wait=20", b.url));
        async move {
            let started = Instant::now();
            let (_, charge) = send(request).await;
            (charge, started.elapsed())
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paid_at = Instant::now();
    let (status, _) = send(sandbox.secret(
        reqwest::Method::POST,
        &format!("/charges/{id}/mark_as_paid"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let (charge, _) = held.await.unwrap();
    let reaction = paid_at.elapsed();
    assert_eq!(charge["status"], "successful", "{charge}");
    println!("the waiting customer learned of the payment {reaction:?} after it");
    assert!(
        reaction < Duration::from_secs(3),
        "answered after {reaction:?}"
    );
    assert!(
        orders.payments_of(&order).contains(&id),
        "the merchant's order was told it is paid"
    );

    // A paid order is not charged again.
    let another = sandbox.promptpay_source(129_000).await;
    let (status, refused) = send(
        sandbox
            .http
            .post(format!("{}/checkout/charges", b.url))
            .json(&json!({"source": another["id"], "order": order})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_shop_error(&refused, "order_paid");

    // A webhook without a valid signature is refused; a charge that is not the merchant's is
    // not shown.
    let (status, refused) = send(
        sandbox
            .http
            .post(format!("{}/webhooks/omise", b.url))
            .json(&json!({"id": "evnt_test_forged", "key": "charge.complete", "data": {"object": "charge", "id": id}})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_shop_error(&refused, "authentication_failure");
    let (status, _): (StatusCode, Value) = send(sandbox.http.get(format!(
        "{}/checkout/charges/chrg_test_someone_elses",
        b.url
    )))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// One instance of a merchant on SQLite (its store, for the test to look into), behind a
/// gateway whose webhooks reach it.
async fn one_instance_on_sqlite() -> (Sandbox, Ledger, Instance, paywasm_store::Store) {
    one_instance_on_sqlite_hearing("/webhooks/omise").await
}

/// One instance of a merchant on SQLite, behind a gateway whose webhooks go to the instance's
/// `path` (a path it does not serve: they never reach it).
async fn one_instance_on_sqlite_hearing(
    path: &str,
) -> (Sandbox, Ledger, Instance, paywasm_store::Store) {
    let (listener, url) = bind().await;
    let sandbox = Sandbox::with_webhooks_to(vec![format!("{url}{path}")]).await;
    let orders = Ledger::default();
    let store = paywasm_store::Store::open(None, "merchant").unwrap();
    let records = Records::sqlite(store.clone()).unwrap();
    let instance = serve(listener, url, &sandbox, &orders, records);
    (sandbox, orders, instance, store)
}

#[tokio::test]
async fn the_library_serves_the_contract_on_sqlite() {
    let (sandbox, orders, instance, _) = one_instance_on_sqlite().await;
    the_contract(&sandbox, &orders, &instance, &instance).await;
    sandbox.running.stop().await;
}

/// While webhooks flow, waiting customers' copies that have grown old are still re-read from
/// the gateway in case a delivery was lost, but within the instance's budget
/// ([`paywasm_merchant::rereads`]): thirty customers whose copies are all 70 s old cost the
/// gateway account a burst of ten reads, not thirty. (Before, every waiting customer was
/// re-read each minute: 10,000 waiting cost the account 170 reads a second.)
#[tokio::test]
async fn while_webhooks_flow_old_copies_are_re_read_within_the_instance_budget() {
    const CUSTOMERS: usize = 30;
    let (sandbox, orders, instance, store) = one_instance_on_sqlite().await;
    let charges = charge_orders(&sandbox, &orders, &instance, "ord_budget", CUSTOMERS).await;
    let count = |sql, since| count(&store, sql, since);
    // The charges' webhooks arrived: they flow.
    support::eventually("the shop to handle the charges' webhooks", || async {
        count("SELECT COUNT(*) FROM processed_events WHERE ?1 = ?1", 0) >= CUSTOMERS as i64
    })
    .await;
    let aged = count("SELECT MAX(refreshed_ms) - ?1 FROM payments", 70_000);
    store
        .call(|db| db.execute("UPDATE payments SET refreshed_ms = ?1", [aged]))
        .unwrap();
    ask_all_at_once(&sandbox, &instance, &charges).await;
    let re_read = count(
        "SELECT COUNT(*) FROM payments WHERE refreshed_ms > ?1",
        aged,
    );
    assert_eq!(
        re_read,
        i64::from(paywasm_merchant::rereads::SAFETY_NET_REREADS_PER_SEC),
        "copies re-read from the gateway: a burst of the budget, the others later"
    );
    sandbox.running.stop().await;
}

/// When no webhook comes, every waiting customer's copy older than 10 s is re-read (that is
/// how customers learn they paid), but within a budget of its own
/// ([`paywasm_merchant::rereads::SILENT_REREADS_PER_SEC`]): 120 customers whose copies are
/// all 20 s old cost the gateway account a burst of 50 reads (and what refilled meanwhile),
/// not 120. (Before, 10,000 waiting through a quiet spell cost the account 1,000 reads a
/// second, five times what it admits.)
#[tokio::test]
async fn while_webhooks_are_silent_old_copies_are_re_read_within_a_budget_of_their_own() {
    use paywasm_merchant::rereads::SILENT_REREADS_PER_SEC;
    const CUSTOMERS: usize = 120;
    let (sandbox, orders, instance, store) =
        one_instance_on_sqlite_hearing("/webhooks/nowhere").await;
    // An instance takes the webhooks for flowing until it has heard none for 10 s.
    let silent_from = Instant::now() + Duration::from_millis(10_500);
    let charges = charge_orders(&sandbox, &orders, &instance, "ord_silent", CUSTOMERS).await;
    let count = |sql, since| count(&store, sql, since);
    assert_eq!(
        count("SELECT COUNT(*) FROM processed_events WHERE ?1 = ?1", 0),
        0,
        "no webhook reaches the shop"
    );
    let aged = count("SELECT MAX(refreshed_ms) - ?1 FROM payments", 20_000);
    store
        .call(|db| db.execute("UPDATE payments SET refreshed_ms = ?1", [aged]))
        .unwrap();
    tokio::time::sleep_until(silent_from.into()).await;
    let asking = Instant::now();
    ask_all_at_once(&sandbox, &instance, &charges).await;
    let refilled = (asking.elapsed().as_secs_f64() * f64::from(SILENT_REREADS_PER_SEC)).ceil();
    let re_read = count(
        "SELECT COUNT(*) FROM payments WHERE refreshed_ms > ?1",
        aged,
    );
    println!("{re_read} of {CUSTOMERS} copies re-read, {refilled} refilled while asking");
    assert!(
        re_read >= i64::from(SILENT_REREADS_PER_SEC)
            && re_read <= i64::from(SILENT_REREADS_PER_SEC) + refilled as i64
            && re_read < CUSTOMERS as i64,
        "copies re-read from the gateway: {re_read}, a burst of the budget, the others later"
    );
    sandbox.running.stop().await;
}

/// Two instances A and B of one merchant, sharing the PostgreSQL `database`, behind a gateway
/// whose webhooks reach A only.
async fn two_instances(database: &str) -> (Sandbox, Ledger, Instance, Instance) {
    let ((listener_a, url_a), (listener_b, url_b)) = (bind().await, bind().await);
    let sandbox = Sandbox::with_webhooks_to(vec![format!("{url_a}/webhooks/omise")]).await;
    let orders = Ledger::default();
    let (records_a, records_b) =
        tokio::join!(Records::postgres(database), Records::postgres(database));
    let a = serve(listener_a, url_a, &sandbox, &orders, records_a.unwrap());
    let b = serve(listener_b, url_b, &sandbox, &orders, records_b.unwrap());
    (sandbox, orders, a, b)
}

#[tokio::test]
async fn two_instances_on_postgresql_serve_one_merchant() {
    let (sandbox, orders, a, b) = two_instances(&database()).await;
    the_contract(&sandbox, &orders, &a, &b).await;
    sandbox.running.stop().await;
}

/// An instance the gateway's webhooks never reach (they all go to A) knows from the shared
/// records that they flow: after 10 s of hearing none itself, it does not take them for
/// stopped and re-read every waiting customer's charge from the gateway every 10 s. (Before,
/// each instance judged by the webhooks it received itself.)
#[tokio::test]
async fn an_instance_that_receives_no_webhooks_knows_they_flow_to_another() {
    let database = support::fresh_postgres_database().await;
    let (sandbox, orders, a, b) = two_instances(&database).await;
    let waiting = charge_order(&sandbox, &orders, &b.url, "ord_waiting_on_b").await;
    // B hears no webhook for more than 10 s; meanwhile they reach A (this charge's
    // charge.create, just before B is asked).
    tokio::time::sleep(Duration::from_millis(10_500)).await;
    charge_order(&sandbox, &orders, &a.url, "ord_paid_through_a").await;
    let db = paywasm_merchant::database::Database::postgres(&database).unwrap();
    let refreshed = || async {
        let row: Option<(i64,)> = db
            .read_one(
                "",
                "SELECT refreshed_ms FROM paywasm_payments WHERE payment_id = $1",
                &[waiting.as_str().into()],
            )
            .await
            .unwrap();
        row.unwrap().0
    };
    support::eventually("A to handle the new charge's webhook", || async {
        db.read_one::<(i64,)>("", "SELECT COUNT(*) FROM paywasm_processed_events", &[])
            .await
            .unwrap()
            .unwrap()
            .0
            >= 2
    })
    .await;
    // The waiting customer's copy is 40 s old: older than the 10 s after which a silent
    // instance re-reads, younger than the 60 s after which it is re-read anyway.
    db.execute(
        "",
        "UPDATE paywasm_payments SET refreshed_ms = refreshed_ms - 40000 WHERE payment_id = $1",
        &[waiting.as_str().into()],
    )
    .await
    .unwrap();
    let before = refreshed().await;
    let (status, charge) = send(
        sandbox
            .http
            .get(format!("{}/checkout/charges/{waiting}", b.url)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(charge["status"], "pending");
    assert_eq!(
        refreshed().await,
        before,
        "B re-read the charge from the gateway although webhooks flow to A"
    );
    // B is asked on, five times a second, for longer than the 10 s after which it would take
    // the webhooks for stopped, while they keep reaching A: B still hears of them (before,
    // each question within a second of the last put off B's look at the records, so that
    // 10 s after its first look B took the webhooks for stopped for good and re-read every
    // waiting customer's charge every 10 s, unbudgeted).
    // The copy made 20 s younger (about 30 s old): old enough for a silent instance's
    // re-read, young enough for no other during the 12 s.
    db.execute(
        "",
        "UPDATE paywasm_payments SET refreshed_ms = $2 WHERE payment_id = $1",
        &[waiting.as_str().into(), (before + 20_000).into()],
    )
    .await
    .unwrap();
    let before = refreshed().await;
    let asking = Instant::now();
    let mut paid_through_a = 0;
    while asking.elapsed() < Duration::from_secs(12) {
        if asking.elapsed() >= Duration::from_secs(4 * paid_through_a) {
            paid_through_a += 1;
            charge_order(
                &sandbox,
                &orders,
                &a.url,
                &format!("ord_more_through_a_{paid_through_a}"),
            )
            .await;
        }
        let (status, charge) = send(
            sandbox
                .http
                .get(format!("{}/checkout/charges/{waiting}", b.url)),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{charge}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        refreshed().await,
        before,
        "B took the webhooks for stopped while it was asked often, and re-read the charge"
    );
    sandbox.running.stop().await;
}
