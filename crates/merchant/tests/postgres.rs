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

/// A TCP relay to the database that can stop passing bytes: from the merchant server's side,
/// a database that hangs (a paused server, a network that drops packets). Connections keep
/// being accepted while it is paused, as a hung server's kernel accepts them.
struct Relay {
    address: std::net::SocketAddr,
    paused: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Relay {
    async fn to(target: std::net::SocketAddr) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let paused = std::sync::Arc::new(AtomicBool::new(false));
        let relay_paused = paused.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                for (mut from, mut to) in [(client_read, server_write), (server_read, client_write)]
                {
                    let paused = relay_paused.clone();
                    tokio::spawn(async move {
                        let mut buffer = vec![0; 16 * 1024];
                        loop {
                            let read = match from.read(&mut buffer).await {
                                Ok(0) | Err(_) => return,
                                Ok(read) => read,
                            };
                            while paused.load(Ordering::Relaxed) {
                                tokio::time::sleep(Duration::from_millis(10)).await;
                            }
                            if to.write_all(&buffer[..read]).await.is_err() {
                                return;
                            }
                        }
                    });
                }
            }
        });
        Self { address, paused }
    }

    fn pause(&self, paused: bool) {
        self.paused
            .store(paused, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A database that stops answering does not hold the merchant's requests: each is answered
/// `503` within the timeouts (a statement's, or getting a connection), the connections it
/// hung on are closed, not lent again, and once the database answers again so does the server.
#[tokio::test]
async fn a_database_that_hangs_is_answered_503_within_the_timeout_and_then_recovers() {
    use axum::response::IntoResponse;
    use paywasm_merchant::database::{Database, PostgresOptions};
    use paywasm_merchant::records::Records;
    use paywasm_merchant::MerchantError;
    let url = database();
    let server: std::net::SocketAddr = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    let relay = Relay::to(server).await;
    let relayed = url.replace(&server.to_string(), &relay.address.to_string());
    let options = PostgresOptions {
        pool_size: 2,
        wait: Duration::from_secs(1),
        statement: Duration::from_secs(1),
    };
    let records = Records::open(Database::postgres_with(&relayed, options).unwrap())
        .await
        .unwrap();
    let event = format!("evnt_test_hang_{:016x}", rand::random::<u64>());
    assert!(!records.handled(&event).await.unwrap());

    relay.pause(true);
    // More requests than connections: those that hold one wait on a statement, the others on
    // a connection, new ones on a server that accepts and never answers.
    let started = Instant::now();
    let answers = futures_util::future::join_all((0..6).map(|_| records.handled(&event))).await;
    let took = started.elapsed();
    for answer in answers {
        let refused = answer.expect_err("the database does not answer");
        assert!(
            matches!(refused, MerchantError::DatabaseUnavailable(_)),
            "{refused:?}"
        );
        assert_eq!(
            refused.into_response().status(),
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        );
    }
    println!(
        "6 requests to a hung database answered 503 in {} ms",
        took.as_millis()
    );
    assert!(took < Duration::from_secs(4), "answered in {took:?}");

    relay.pause(false);
    let recovered = Instant::now();
    loop {
        match records.handled(&event).await {
            Ok(handled) => break assert!(!handled),
            Err(error) if recovered.elapsed() < Duration::from_secs(10) => {
                println!("not yet: {}", error.detail());
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => panic!("the server did not recover: {}", error.detail()),
        }
    }
}

/// The database URL's `sslmode` and `sslrootcert` mean what they mean to `psql`: the
/// throwaway server offers TLS with a certificate of a CA made for the test
/// (`PAYWASM_TEST_POSTGRES_CA`), issued for localhost and 127.0.0.1.
#[tokio::test]
async fn tls_to_the_database_is_as_sslmode_says() {
    use paywasm_merchant::database::Database;
    let url = database();
    let ca = std::env::var("PAYWASM_TEST_POSTGRES_CA")
        .expect("PAYWASM_TEST_POSTGRES_CA names the test server's CA: run `npm test`");
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    let on =
        |host: &str, query: String| format!("postgres://postgres@{host}:{port}/postgres?{query}");
    async fn encrypted(url: &str) -> Result<bool, String> {
        let database = Database::postgres(url).map_err(|error| error.detail())?;
        let row: Option<(bool,)> = database
            .read_one(
                "",
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await
            .map_err(|error| error.detail())?;
        Ok(row.unwrap().0)
    }
    assert_eq!(
        encrypted(&on("127.0.0.1", "sslmode=disable".into())).await,
        Ok(false)
    );
    assert_eq!(
        encrypted(&url).await,
        Ok(true),
        "prefer: encrypted when offered"
    );
    assert_eq!(
        encrypted(&on("127.0.0.1", "sslmode=require".into())).await,
        Ok(true)
    );
    let verified = format!("sslmode=verify-full&sslrootcert={ca}");
    assert_eq!(
        encrypted(&on("localhost", verified.clone())).await,
        Ok(true)
    );
    assert_eq!(encrypted(&on("127.0.0.1", verified)).await, Ok(true));
    assert_eq!(
        encrypted(&on(
            "127.0.0.1",
            format!("sslmode=verify-ca&sslrootcert={ca}")
        ))
        .await,
        Ok(true)
    );
    // A server whose certificate names another host: verify-full refuses it (the connection
    // goes to the test server by its address, `hostaddr`, while the name checked is the
    // URL's host), verify-ca takes it (the CA is checked, the name is not).
    let elsewhere = |mode: &str| {
        format!(
            "postgres://postgres@db.elsewhere.example:{port}/postgres?hostaddr=127.0.0.1&sslmode={mode}&sslrootcert={ca}"
        )
    };
    let mismatch = encrypted(&elsewhere("verify-full")).await.unwrap_err();
    assert!(
        mismatch.contains("not valid for name \"db.elsewhere.example\""),
        "{mismatch}"
    );
    assert_eq!(encrypted(&elsewhere("verify-ca")).await, Ok(true));
    // The public roots do not know the test's CA: refused, with the reason.
    let unknown = encrypted(&on("localhost", "sslmode=verify-full".into()))
        .await
        .unwrap_err();
    assert!(
        unknown.contains("UnknownIssuer") || unknown.contains("certificate"),
        "{unknown}"
    );
    let bad_mode = encrypted(&on("localhost", "sslmode=sometimes".into()))
        .await
        .unwrap_err();
    assert!(bad_mode.contains("sslmode=sometimes"), "{bad_mode}");
}
