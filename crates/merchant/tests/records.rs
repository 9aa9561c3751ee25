//! The merchant library's records, the same contract on both stores: SQLite (one instance)
//! and a real PostgreSQL server (`PAYWASM_TEST_POSTGRES`, started by `npm test`), where two
//! instances share them and a change on one wakes the customer waiting on the other.

#![allow(clippy::unwrap_used)] // a test that cannot reach its database should stop there

use paywasm_core::checkout::{Payment, Source, Status};
use paywasm_core::method::Flow;
use paywasm_core::money::{Amount, Currency};
use paywasm_merchant::records::Records;
use std::time::Duration;
use tokio::time::timeout;

#[cfg(feature = "postgres")]
fn database() -> String {
    std::env::var("PAYWASM_TEST_POSTGRES").expect(
        "PAYWASM_TEST_POSTGRES names the test database: run `npm test`, or \
         `source scripts/postgres.sh` before cargo test",
    )
}

fn checkout_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Ids no earlier run on the same database has used.
fn unique(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::random::<u64>())
}

fn charge(id: &str, status: Status) -> Payment {
    Payment {
        id: id.to_owned(),
        status,
        amount: Amount(129_000),
        currency: Currency::thb(),
        authorize_uri: None,
        expires_at: None,
        paid_at: None,
        failure_code: None,
        failure_message: None,
        source: Source {
            source_type: "promptpay".into(),
            flow: Flow::Offline,
            scannable_code: None,
        },
    }
}

/// What every store must do. `reader` is the instance customers wait on; `writer` records and
/// updates (the same instance with SQLite; another one with PostgreSQL).
async fn the_contract(writer: &Records, reader: &Records) {
    let order = unique("ord");
    let (first, second) = (unique("chrg_test"), unique("chrg_test"));
    assert_eq!(reader.latest_payment(&order, "omise").await.unwrap(), None);
    writer
        .record_payment(
            "omise",
            &order,
            &charge(&first, Status::Pending),
            None,
            1_000,
        )
        .await
        .unwrap();
    writer
        .record_payment(
            "omise",
            &order,
            &charge(&second, Status::Pending),
            None,
            2_000,
        )
        .await
        .unwrap();
    assert_eq!(
        reader.latest_payment(&order, "omise").await.unwrap(),
        Some((second.clone(), None)),
        "the latest charge is the order's to resume"
    );
    assert_eq!(
        reader.order_of(&first).await.unwrap().as_deref(),
        Some(order.as_str())
    );
    assert_eq!(
        reader.order_of("chrg_test_someone_elses").await.unwrap(),
        None
    );
    assert!(reader
        .copy("chrg_test_someone_elses")
        .await
        .unwrap()
        .is_none());

    // A customer waits on the reader; the writer keeps a fresher copy from the gateway.
    let mut waiting = reader.waiters().wait_on(&first);
    // It answers a webhook event, noted handled in the same commit.
    let paid = charge(&first, Status::Successful);
    let announced = unique("evnt_test");
    assert!(writer
        .update_copy(&paid, 5_000, Some(&announced))
        .await
        .unwrap());
    assert!(reader.handled(&announced).await.unwrap());
    timeout(Duration::from_secs(2), waiting.changed())
        .await
        .expect("the waiting customer is woken");
    let (copy, refreshed_ms) = reader.copy(&first).await.unwrap().unwrap();
    assert_eq!(copy.status, Status::Successful);
    assert_eq!(refreshed_ms, 5_000);
    // A repeated charge request (its answer was lost) does not bring back the older copy.
    writer
        .record_payment(
            "omise",
            &order,
            &charge(&first, Status::Pending),
            None,
            6_000,
        )
        .await
        .unwrap();
    let (copy, _) = reader.copy(&first).await.unwrap().unwrap();
    assert_eq!(copy.status, Status::Successful);
    // A charge never recorded is not kept; the event that announced it is handled all the
    // same (delivered again, it would find nothing more to do).
    let stranger = unique("evnt_test");
    assert!(!writer
        .update_copy(
            &charge(&unique("chrg_test"), Status::Failed),
            7_000,
            Some(&stranger)
        )
        .await
        .unwrap());
    assert!(reader.handled(&stranger).await.unwrap());

    // Another gateway's payments of the same order (WooshPay's PaymentIntents, with their
    // client secrets: the return page resumes the latest) are kept beside them, apart.
    let (intent, later) = (unique("pi"), unique("pi"));
    for (id, secret) in [
        (&intent, "secret_1"),
        (&intent, "secret_1"),
        (&later, "secret_2"),
    ] {
        writer
            .record_payment(
                "wooshpay",
                &order,
                &charge(id, Status::Pending),
                Some(secret),
                8_000,
            )
            .await
            .unwrap();
    }
    assert_eq!(
        reader.latest_payment(&order, "wooshpay").await.unwrap(),
        Some((later.clone(), Some("secret_2".to_owned())))
    );
    assert_eq!(
        reader.latest_payment(&order, "omise").await.unwrap(),
        Some((second.clone(), None)),
        "one gateway's payments are not another's"
    );
    assert_eq!(
        reader.order_of(&intent).await.unwrap().as_deref(),
        Some(order.as_str())
    );
    let omise: Vec<String> = reader
        .payments_of(&order, "omise")
        .await
        .unwrap()
        .into_iter()
        .map(|copy| copy.id)
        .collect();
    assert_eq!(omise, [first.clone(), second.clone()]);
    // When any instance last handled a webhook: every instance reads the same.
    let handled_at = checkout_now_ms();
    writer
        .mark_handled(&unique("evnt_test"), handled_at)
        .await
        .unwrap();
    assert!(reader.last_webhook_ms().await.unwrap() >= Some(handled_at));

    // Two instances starting together may each register an endpoint: both secrets are kept,
    // on every instance, so that either endpoint's deliveries are verified.
    let (first, second) = (unique("whsec"), unique("whsec"));
    writer
        .keep_webhook_endpoint("wooshpay", &unique("we"), &first)
        .await
        .unwrap();
    reader
        .keep_webhook_endpoint("wooshpay", &unique("we"), &second)
        .await
        .unwrap();
    // (The PostgreSQL test database is shared by other runs: others may be kept too.)
    let kept = reader.webhook_secrets("wooshpay").await.unwrap();
    assert!(kept.contains(&first) && kept.contains(&second), "{kept:?}");
    let others = reader.webhook_secrets("omise").await.unwrap();
    assert!(
        !others.contains(&first),
        "one gateway's secrets are not another's"
    );

    // A sale at the point of sale, under its key: the first start wins, on any instance.
    let key = unique("sale");
    assert_eq!(reader.sale(&key).await.unwrap(), None);
    let started = writer
        .start_sale(&key, "{\"amount\":1}", &order)
        .await
        .unwrap();
    assert_eq!(
        (started.order.as_str(), started.charge),
        (order.as_str(), None)
    );
    let again = reader
        .start_sale(&key, "{\"amount\":2}", "ord_other")
        .await
        .unwrap();
    assert_eq!(
        (again.fingerprint.as_str(), again.order.as_str()),
        ("{\"amount\":1}", order.as_str()),
        "a second start finds the first sale"
    );
    writer.finish_sale(&key, &first).await.unwrap();
    assert_eq!(
        reader.sale(&key).await.unwrap().unwrap().charge.as_deref(),
        Some(first.as_str())
    );

    // Each webhook event is handled once, wherever it arrives.
    let event = unique("evnt_test");
    assert!(!reader.handled(&event).await.unwrap());
    writer.mark_handled(&event, 8_000).await.unwrap();
    writer.mark_handled(&event, 9_000).await.unwrap();
    assert!(reader.handled(&event).await.unwrap());

    // An order is paid by the first charge to claim it, whichever instance asks; a charge
    // judged stray stays so.
    let paid = unique("ord");
    let stray = unique("chrg_test");
    assert_eq!(
        reader.settlement_of(&paid, &first).await.unwrap(),
        (None, false)
    );
    let claims = tokio::join!(
        writer.claim_payment(&paid, &first, 10_000),
        reader.claim_payment(&paid, &second, 10_000),
    );
    let winner = claims.0.unwrap();
    assert_eq!(
        claims.1.unwrap(),
        winner,
        "both claims name the same charge"
    );
    assert!(winner == first || winner == second);
    assert_eq!(
        writer.claim_payment(&paid, &stray, 11_000).await.unwrap(),
        winner,
        "a later claim is told who paid"
    );
    writer.mark_stray(&paid, &stray).await.unwrap();
    assert_eq!(
        reader.settlement_of(&paid, &stray).await.unwrap(),
        (Some(winner.clone()), true)
    );
    assert_eq!(
        reader.settlement_of(&paid, &winner).await.unwrap(),
        (Some(winner), false)
    );
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_keeps_the_contract() {
    let records = Records::sqlite(paywasm_store::Store::open(None, "merchant").unwrap()).unwrap();
    the_contract(&records, &records).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgresql_keeps_the_contract_on_one_instance() {
    let records = Records::postgres(&database()).await.unwrap();
    the_contract(&records, &records).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgresql_keeps_the_contract_across_two_instances() {
    let url = database();
    let (a, b) = tokio::join!(Records::postgres(&url), Records::postgres(&url));
    the_contract(&a.unwrap(), &b.unwrap()).await;
}

/// A data folder's SQLite records outlive the instance that wrote them.
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_records_survive_a_restart() {
    let dir = std::env::temp_dir().join(unique("paywasm-records"));
    let order = unique("ord");
    let id = unique("chrg_test");
    {
        let store = paywasm_store::Store::open(Some(&dir), "merchant").unwrap();
        let records = Records::sqlite(store.clone()).unwrap();
        records
            .record_payment("omise", &order, &charge(&id, Status::Pending), None, 1_000)
            .await
            .unwrap();
        store.durable().await;
    }
    let records =
        Records::sqlite(paywasm_store::Store::open(Some(&dir), "merchant").unwrap()).unwrap();
    assert_eq!(
        records.latest_payment(&order, "omise").await.unwrap(),
        Some((id, None))
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// One charge request of an order at a time, on every instance: a hold lasts until its time
/// runs out unless its holder renews it, so a live holder keeps it however long it works,
/// and the hold of an instance that died (it renews nothing) runs out soon.
async fn holds_on_orders(a: &Records, b: &Records) {
    let order = unique("ord_held");
    let t = 1_700_000_000_000;
    assert!(a.lock_order(&order, "a", t, t + 3_000).await.unwrap());
    assert!(!b
        .lock_order(&order, "b", t + 1_000, t + 4_000)
        .await
        .unwrap());
    // A renews before its time runs out: B still waits past A's first 3 s.
    assert!(a
        .lock_order(&order, "a", t + 2_000, t + 5_000)
        .await
        .unwrap());
    assert!(!b
        .lock_order(&order, "b", t + 3_500, t + 6_500)
        .await
        .unwrap());
    // A stops renewing (it died): B takes the order once A's time has run out.
    assert!(b
        .lock_order(&order, "b", t + 5_001, t + 8_001)
        .await
        .unwrap());
    assert!(!a
        .lock_order(&order, "a", t + 5_002, t + 8_002)
        .await
        .unwrap());
    b.unlock_order(&order, "b").await.unwrap();
    assert!(a
        .lock_order(&order, "a", t + 5_003, t + 8_003)
        .await
        .unwrap());
}

#[tokio::test]
async fn holds_on_orders_are_renewed_by_their_holder_and_run_out_without_it() {
    #[cfg(feature = "sqlite")]
    {
        let store = paywasm_store::Store::open(None, "merchant").unwrap();
        let sqlite = Records::sqlite(store).unwrap();
        holds_on_orders(&sqlite, &sqlite).await;
    }
    #[cfg(feature = "postgres")]
    {
        let url = database();
        let (a, b) = tokio::join!(Records::postgres(&url), Records::postgres(&url));
        holds_on_orders(&a.unwrap(), &b.unwrap()).await;
    }
}
