//! A merchant who upgrades keeps every record: a database made by the schema that came before
//! versioned migrations (`tests/fixtures`, with one row of each table) is brought to the
//! latest version when the records open it, on SQLite and on a real PostgreSQL server
//! (`PAYWASM_TEST_POSTGRES`, started by `npm test`), where instances starting together apply
//! each migration once. A database a newer version migrated is refused, not guessed at.

#![allow(clippy::unwrap_used)] // a test that cannot reach its database should stop there

use paywasm_core::checkout::{Payment, Source, Status};
use paywasm_core::method::Flow;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::time::Timestamp;
use paywasm_merchant::records::{Records, Sale};

#[cfg(feature = "sqlite")]
const SQLITE_FIXTURE: &str = include_str!("fixtures/records-0.1.0.sqlite.sql");
#[cfg(feature = "postgres")]
const POSTGRES_FIXTURE: &str = include_str!("fixtures/records-0.1.0.postgres.sql");

/// Versions every database has applied once opened by this build, per dialect.
#[cfg(feature = "sqlite")]
const SQLITE_VERSIONS: &[i64] = &[1, 2, 3];
#[cfg(feature = "postgres")]
const POSTGRES_VERSIONS: &[i64] = &[1, 3];

/// A database of its own on the test server, so that the fixture meets no table made by
/// another test.
#[cfg(feature = "postgres")]
async fn fresh_postgres() -> String {
    let server = std::env::var("PAYWASM_TEST_POSTGRES").expect(
        "PAYWASM_TEST_POSTGRES names the test database: run `npm test`, or \
         `source scripts/postgres.sh` before cargo test",
    );
    let name = format!("paywasm_upgrade_{:016x}", rand::random::<u64>());
    let (client, connection) = tokio_postgres::connect(&server, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

#[cfg(feature = "postgres")]
async fn postgres_client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

fn paid_copy() -> Payment {
    Payment {
        id: "chrg_test_fixture1".into(),
        status: Status::Successful,
        amount: Amount(129_000),
        currency: Currency::thb(),
        authorize_uri: None,
        expires_at: Some(Timestamp::parse("2026-12-05T10:10:00Z").unwrap()),
        paid_at: Some(Timestamp::parse("2026-12-05T10:02:00Z").unwrap()),
        failure_code: None,
        failure_message: None,
        source: Source {
            source_type: "promptpay".into(),
            flow: Flow::Offline,
            scannable_code: None,
        },
    }
}

/// Every row of the fixture, read through the records as a running checkout reads them.
async fn every_record_is_intact(records: &Records) {
    let (copy, refreshed_ms) = records.copy("chrg_test_fixture1").await.unwrap().unwrap();
    assert_eq!(copy, paid_copy());
    assert_eq!(refreshed_ms, 1_796_464_920_000);
    assert_eq!(
        records.order_of("chrg_test_fixture2").await.unwrap(),
        Some("ord_fixture_2".into())
    );
    let pending = records.payments_of("ord_fixture_2", "omise").await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].status, Status::Pending);
    assert_eq!(pending[0].source.flow, Flow::AppRedirect);
    assert!(records.handled("evnt_test_fixture1").await.unwrap());
    assert!(!records.handled("evnt_test_other").await.unwrap());
    assert_eq!(
        records.payment_of("ord_fixture_1").await.unwrap(),
        Some("chrg_test_fixture1".into())
    );
    assert!(records.is_stray("chrg_test_fixture3").await.unwrap());
    assert_eq!(
        records.sale("sale-fixture-1").await.unwrap(),
        Some(Sale {
            fingerprint: "40000 THB alipay_cn".into(),
            order: "ord_fixture_2".into(),
            charge: Some("chrg_test_fixture2".into()),
        })
    );
    assert_eq!(
        records.attempts("ord_fixture_1").await.unwrap(),
        vec![(
            "checkout-ord_fixture_1-src_test_fixture1".to_owned(),
            r#"[["amount","129000"],["currency","THB"]]"#.to_owned(),
            Some("chrg_test_fixture1".to_owned()),
        )]
    );
    // A PaymentIntent keeps its order and client secret; its copy comes with its next read.
    assert_eq!(
        records
            .latest_payment("ord_fixture_3", "wooshpay")
            .await
            .unwrap(),
        Some((
            "pi_fixture1".into(),
            Some("pi_fixture1_secret_fixture".into())
        ))
    );
    assert_eq!(
        records.order_of("pi_fixture1").await.unwrap(),
        Some("ord_fixture_3".into())
    );
    assert_eq!(records.copy("pi_fixture1").await.unwrap(), None);
    assert_eq!(
        records.webhook_secrets("wooshpay").await.unwrap(),
        vec!["whsec_fixture".to_owned()]
    );
}

/// After the upgrade, a PaymentIntent kept before it gets its copy when next read, and an
/// order's new payment comes after its old ones (the return page resumes the latest).
async fn the_upgraded_records_go_on(records: &Records) {
    let intent = Payment {
        id: "pi_fixture1".into(),
        status: Status::Pending,
        currency: Currency::parse("CNY").unwrap(),
        source: Source {
            source_type: "alipay".into(),
            flow: Flow::AppRedirect,
            scannable_code: None,
        },
        ..paid_copy()
    };
    assert!(records.update_copy(&intent, 1_000, None).await.unwrap());
    assert_eq!(
        records.copy("pi_fixture1").await.unwrap(),
        Some((intent.clone(), 1_000))
    );
    let later = Payment {
        id: "pi_fixture2".into(),
        ..intent
    };
    records
        .record_payment("wooshpay", "ord_fixture_3", &later, Some("secret_2"), 2_000)
        .await
        .unwrap();
    assert_eq!(
        records
            .latest_payment("ord_fixture_3", "wooshpay")
            .await
            .unwrap(),
        Some(("pi_fixture2".into(), Some("secret_2".into())))
    );
}

#[cfg(feature = "sqlite")]
fn sqlite_versions(store: &paywasm_store::Store) -> Vec<i64> {
    store
        .call(|db| {
            db.prepare("SELECT version FROM paywasm_records_migrations ORDER BY version")?
                .query_map([], |row| row.get(0))?
                .collect()
        })
        .unwrap()
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_records_made_before_migrations_are_upgraded_intact() {
    let dir = std::env::temp_dir().join(format!("paywasm-upgrade-{:016x}", rand::random::<u64>()));
    {
        let store = paywasm_store::Store::open(Some(&dir), "merchant").unwrap();
        store.call(|db| db.execute_batch(SQLITE_FIXTURE)).unwrap();
        store.durable().await;
    }
    for _restart in 0..2 {
        let store = paywasm_store::Store::open(Some(&dir), "merchant").unwrap();
        let records = Records::sqlite(store.clone()).unwrap();
        every_record_is_intact(&records).await;
        assert_eq!(sqlite_versions(&store), SQLITE_VERSIONS);
        store.durable().await;
    }
    let store = paywasm_store::Store::open(Some(&dir), "merchant").unwrap();
    the_upgraded_records_go_on(&Records::sqlite(store.clone()).unwrap()).await;
    // The return page's query reads the order's payments by the index.
    let plan: String = store
        .call(|db| {
            db.query_row(
                "EXPLAIN QUERY PLAN SELECT payment_id FROM payments \
                 WHERE order_id = 'x' AND gateway = 'wooshpay' ORDER BY seq DESC LIMIT 1",
                [],
                |row| row.get(3),
            )
        })
        .unwrap();
    assert!(plan.contains("payments_by_order"), "{plan}");
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgresql_records_made_before_migrations_are_upgraded_once_by_instances_starting_together(
) {
    let url = fresh_postgres().await;
    postgres_client(&url)
        .await
        .batch_execute(POSTGRES_FIXTURE)
        .await
        .unwrap();
    let starting = (0..4).map(|_| Records::postgres(&url));
    let instances: Vec<Records> = futures_util::future::join_all(starting)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    for records in &instances {
        every_record_is_intact(records).await;
    }
    the_upgraded_records_go_on(&instances[0]).await;
    let history = postgres_client(&url)
        .await
        .query(
            "SELECT version FROM paywasm_records_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap();
    let versions: Vec<i64> = history
        .iter()
        .map(|row| i64::from(row.get::<_, i32>(0)))
        .collect();
    assert_eq!(versions, POSTGRES_VERSIONS, "each migration applied once");
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_database_a_newer_version_migrated_is_refused_and_left_as_it_is() {
    let store = paywasm_store::Store::open(None, "merchant").unwrap();
    Records::sqlite(store.clone()).unwrap();
    store
        .call(|db| {
            db.execute(
                "INSERT INTO paywasm_records_migrations (version, name, applied_on, checksum) \
                 VALUES (99, 'from_the_future', '2027-01-01T00:00:00Z', '1')",
                [],
            )
        })
        .unwrap();
    let refused = Records::sqlite(store.clone()).err().unwrap().detail();
    assert!(
        refused.contains("paywasm_records_migrations")
            && refused.contains("V99")
            && refused.contains("newer version"),
        "{refused}"
    );
    assert_eq!(sqlite_versions(&store), [1, 2, 3, 99]);
}
