//! Wake-ups across instances on a real PostgreSQL server (`npm test` starts a throwaway one,
//! `scripts/postgres.sh`, and names it in `PAYWASM_TEST_POSTGRES`).

#![allow(clippy::unwrap_used)] // a test that cannot reach its database should stop there

use paywasm_merchant::postgres::{listen, notify_changed};
use paywasm_merchant::waiters::Waiters;
use std::time::{Duration, Instant};
use tokio::time::timeout;

fn database() -> String {
    std::env::var("PAYWASM_TEST_POSTGRES").expect(
        "PAYWASM_TEST_POSTGRES names the test database: run `npm test`, or \
         `source scripts/postgres.sh` before cargo test",
    )
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

/// A webhook recorded on instance A wakes the customer waiting on instance B, once A's
/// transaction commits and not before; customers of other charges sleep on.
#[tokio::test]
async fn a_change_committed_on_one_instance_wakes_its_waiters_on_another() {
    let url = database();
    let (a, b) = (Waiters::default(), Waiters::default());
    let _listening_a = listen(&url, a.clone()).await.unwrap();
    let _listening_b = listen(&url, b.clone()).await.unwrap();
    let mut on_b = b.wait_on("chrg_test_cross_1");
    let mut other_on_a = a.wait_on("chrg_test_cross_2");

    let mut instance_a = connect(&url).await;
    let transaction = instance_a.transaction().await.unwrap();
    notify_changed(&transaction, "chrg_test_cross_1")
        .await
        .unwrap();
    assert!(
        timeout(Duration::from_millis(200), on_b.changed())
            .await
            .is_err(),
        "nobody is woken before the change is committed"
    );
    let committed = Instant::now();
    transaction.commit().await.unwrap();
    timeout(Duration::from_secs(2), on_b.changed())
        .await
        .expect("the customer waiting on B is woken");
    println!(
        "woken on the other instance {} ms after the commit",
        committed.elapsed().as_millis()
    );
    assert!(
        timeout(Duration::from_millis(100), other_on_a.changed())
            .await
            .is_err(),
        "another charge's customer is not woken"
    );
}

/// When an instance's listening connection is lost, what was notified meanwhile reached no
/// one there: on reconnecting it wakes all its waiters (each re-reads its charge), and later
/// notifications reach it again.
#[tokio::test]
async fn a_listener_that_lost_its_connection_reconnects_and_wakes_everyone() {
    let url = database();
    let waiters = Waiters::default();
    // Named, so that only this listener's session is ended (the other tests' run beside it).
    let named = format!("{url}?application_name=paywasm_reconnect_test");
    let mut listener = listen(&named, waiters.clone()).await.unwrap();
    let mut waiting = waiters.wait_on("chrg_test_reconnect");
    let admin = connect(&url).await;
    let ended = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = 'paywasm_reconnect_test'",
            &[],
        )
        .await
        .unwrap();
    assert!(!ended.is_empty(), "the listener's session was found");
    timeout(Duration::from_secs(5), listener.connected(2))
        .await
        .expect("the listener reconnects");
    timeout(Duration::from_secs(1), waiting.changed())
        .await
        .expect("its waiters are woken to re-read");
    notify_changed(&admin, "chrg_test_reconnect").await.unwrap();
    timeout(Duration::from_secs(2), waiting.changed())
        .await
        .expect("notifications reach it again");
}

/// A database that cannot be reached is a passing state, not a fault: the merchant server
/// answers 503 `service_unavailable` (which the widget and a merchant's monitoring treat as
/// "try again"), without the cause, which the operator gets. (Before: 500 `internal_error`.)
#[tokio::test]
async fn a_database_that_cannot_be_reached_is_unavailable_not_a_fault() {
    use axum::response::IntoResponse;
    let unreachable =
        paywasm_merchant::database::Database::postgres("postgres://postgres@127.0.0.1:1/none")
            .unwrap();
    let error = unreachable
        .execute("", "SELECT 1", &[])
        .await
        .expect_err("nothing listens there");
    assert!(
        error.detail().contains("error connecting"),
        "{}",
        error.detail()
    );
    let response = error.into_response();
    assert_eq!(
        response.status(),
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    );
    let body = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["code"], "service_unavailable");
    assert!(
        !body["message"].as_str().unwrap().contains("127.0.0.1"),
        "{body}"
    );
}
