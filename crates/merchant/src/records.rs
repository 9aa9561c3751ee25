//! A merchant server's own records of the gateway: which charges belong to which order, its
//! copy of each charge (what status requests read and wait on, so waiting customers cost the
//! gateway nothing), and which webhook events it has handled (each is handled once, however
//! often the gateway delivers it).
//!
//! Two stores keep them, behind one [`Records`]:
//!
//! WooshPay's are kept beside them: each order's PaymentIntents with their client secrets (the
//! return page resumes the latest) and the secret of the merchant's webhook endpoint.
//!
//! - **SQLite** ([`Records::sqlite`]), the embedded default for one instance, on the
//!   `paywasm-store` group-commit store: a changed copy wakes this instance's waiters once it
//!   is committed;
//! - **PostgreSQL** ([`Records::postgres`], or the merchant's own pool with
//!   [`Records::postgres_pool`]) for several instances: they share the records, and a changed
//!   copy is announced with `NOTIFY` in the transaction that writes it, so the customer waiting
//!   on any instance is woken ([`crate::postgres`]).
//!
//! The order itself (its amount, whether it is paid) is the merchant's, not kept here.

use crate::error::MerchantError;
use crate::waiters::Waiters;
use paywasm_core::objects::CheckoutCharge;
use rusqlite::OptionalExtension;
use std::sync::Arc;

/// The SQLite schema. `order_charges.seq` orders an order's charges (the latest is resumed).
const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS order_charges (
    charge_id     TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    charge        TEXT NOT NULL,
    refreshed_ms  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS order_charges_by_order ON order_charges (order_id, seq);
CREATE TABLE IF NOT EXISTS processed_events (
    id            TEXT PRIMARY KEY,
    processed_ms  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS wooshpay_intents (
    payment_intent  TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL,
    client_secret   TEXT NOT NULL,
    seq             INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS wooshpay_webhook (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    endpoint   TEXT NOT NULL,
    secret     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pos_sales (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    charge_id    TEXT
);
";

/// The PostgreSQL schema: the same records, with a sequence shared by every instance (two
/// instances recording charges of one order at once get distinct, ordered numbers).
const POSTGRES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS paywasm_order_charges (
    charge_id     TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL,
    seq           BIGINT GENERATED ALWAYS AS IDENTITY,
    charge        TEXT NOT NULL,
    refreshed_ms  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS paywasm_order_charges_by_order ON paywasm_order_charges (order_id, seq);
CREATE TABLE IF NOT EXISTS paywasm_processed_events (
    id            TEXT PRIMARY KEY,
    processed_ms  BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS paywasm_wooshpay_intents (
    payment_intent  TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL,
    client_secret   TEXT NOT NULL,
    seq             BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS paywasm_wooshpay_intents_by_order ON paywasm_wooshpay_intents (order_id, seq);
CREATE TABLE IF NOT EXISTS paywasm_wooshpay_webhook (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    endpoint   TEXT NOT NULL,
    secret     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS paywasm_pos_sales (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    charge_id    TEXT
);
";

/// Serializes schema changes across instances starting at once (`CREATE ... IF NOT EXISTS`
/// is not safe to race in PostgreSQL).
const SCHEMA_LOCK: i64 = 0x7061_7977_6173_6d01;

/// A merchant server's records, in SQLite or PostgreSQL, and the customers waiting on them.
#[derive(Clone)]
pub struct Records {
    backend: Backend,
    waiters: Waiters,
}

#[derive(Clone)]
enum Backend {
    Sqlite(paywasm_store::Store),
    Postgres {
        pool: deadpool_postgres::Pool,
        /// Wakes this instance's waiters of the charges any instance changes.
        _listener: Arc<crate::postgres::Listener>,
    },
}

impl From<tokio_postgres::Error> for MerchantError {
    fn from(error: tokio_postgres::Error) -> Self {
        MerchantError::Internal(format!("database error: {error}"))
    }
}

impl From<deadpool_postgres::PoolError> for MerchantError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        MerchantError::Internal(format!("database pool: {error}"))
    }
}

impl From<rusqlite::Error> for MerchantError {
    fn from(error: rusqlite::Error) -> Self {
        MerchantError::Internal(format!("database error: {error}"))
    }
}

fn stored(charge: &CheckoutCharge) -> Result<String, MerchantError> {
    serde_json::to_string(charge).map_err(|error| MerchantError::Internal(error.to_string()))
}

fn read(body: &str) -> Result<CheckoutCharge, MerchantError> {
    serde_json::from_str(body)
        .map_err(|error| MerchantError::Internal(format!("a stored charge is corrupt: {error}")))
}

/// What a read returns per row, from either store.
trait Columns: Sized {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
    fn from_postgres(row: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error>;
}

impl Columns for String {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        row.get(0)
    }
    fn from_postgres(row: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error> {
        row.try_get(0)
    }
}

impl Columns for (String, String) {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok((row.get(0)?, row.get(1)?))
    }
    fn from_postgres(row: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error> {
        Ok((row.try_get(0)?, row.try_get(1)?))
    }
}

impl Columns for (String, i64) {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok((row.get(0)?, row.get(1)?))
    }
    fn from_postgres(row: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error> {
        Ok((row.try_get(0)?, row.try_get(1)?))
    }
}

impl Columns for (String, String, Option<String>) {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    }
    fn from_postgres(row: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error> {
        Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))
    }
}

/// A sale at the point of sale, under its `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sale {
    /// What was asked for, as text: the same key with another request is refused.
    pub fingerprint: String,
    /// The order opened for it.
    pub order: String,
    /// Its charge, once the gateway made it.
    pub charge: Option<String>,
}

impl Records {
    /// The first row of a read by text `keys`: `sqlite` and `postgres` are the same query in
    /// each store's dialect and tables.
    async fn read_one<T: Columns>(
        &self,
        sqlite: &str,
        postgres: &str,
        keys: &[&str],
    ) -> Result<Option<T>, MerchantError> {
        Ok(match &self.backend {
            Backend::Sqlite(store) => store.call(|db| {
                db.query_row(sqlite, rusqlite::params_from_iter(keys), |row| {
                    T::from_sqlite(row)
                })
                .optional()
            })?,
            Backend::Postgres { pool, .. } => {
                let keys: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = keys
                    .iter()
                    .map(|key| key as &(dyn tokio_postgres::types::ToSql + Sync))
                    .collect();
                match pool.get().await?.query_opt(postgres, &keys).await? {
                    Some(row) => Some(T::from_postgres(&row)?),
                    None => None,
                }
            }
        })
    }
}

impl Records {
    /// The records in `store` (its schema applied), for one instance.
    pub fn sqlite(store: paywasm_store::Store) -> Result<Self, MerchantError> {
        store.migrate(SQLITE_SCHEMA)?;
        Ok(Self {
            backend: Backend::Sqlite(store),
            waiters: Waiters::default(),
        })
    }

    /// The records in the PostgreSQL database at `url` (its schema applied), shared with the
    /// other instances that use it.
    pub async fn postgres(url: &str) -> Result<Self, MerchantError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| MerchantError::Internal(format!("the database URL: {error}")))?;
        let manager = deadpool_postgres::Manager::new(config, tokio_postgres::NoTls);
        let pool = deadpool_postgres::Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(|error| MerchantError::Internal(format!("database pool: {error}")))?;
        Self::postgres_pool(pool, url).await
    }

    /// The records through the merchant's own `pool`; `listen_url` names the same database
    /// for the one connection that listens for changes (a pooled one cannot: it is shared).
    pub async fn postgres_pool(
        pool: deadpool_postgres::Pool,
        listen_url: &str,
    ) -> Result<Self, MerchantError> {
        {
            let mut client = pool.get().await?;
            let transaction = client.transaction().await?;
            transaction
                .execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
                .await?;
            transaction.batch_execute(POSTGRES_SCHEMA).await?;
            transaction.commit().await?;
        }
        let waiters = Waiters::default();
        let listener = crate::postgres::listen(listen_url, waiters.clone()).await?;
        Ok(Self {
            backend: Backend::Postgres {
                pool,
                _listener: Arc::new(listener),
            },
            waiters,
        })
    }

    /// The customers waiting on this instance.
    pub fn waiters(&self) -> &Waiters {
        &self.waiters
    }

    /// Records `charge` as `order`'s latest, with this copy of it, unless it is recorded
    /// already: a repeated request (its answer was lost) never replaces the copy kept, which a
    /// webhook may have brought up to date meanwhile.
    pub async fn record_charge(
        &self,
        order: &str,
        charge: &CheckoutCharge,
        now_ms: i64,
    ) -> Result<(), MerchantError> {
        let body = stored(charge)?;
        match &self.backend {
            Backend::Sqlite(store) => {
                store.call(|db| {
                    db.execute(
                        "INSERT INTO order_charges (charge_id, order_id, seq, charge, refreshed_ms)
                         VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_charges WHERE order_id = ?2), ?3, ?4)
                         ON CONFLICT (charge_id) DO NOTHING",
                        rusqlite::params![charge.id, order, body, now_ms],
                    )
                })?;
            }
            Backend::Postgres { pool, .. } => {
                pool.get()
                    .await?
                    .execute(
                        "INSERT INTO paywasm_order_charges (charge_id, order_id, charge, refreshed_ms)
                         VALUES ($1, $2, $3, $4) ON CONFLICT (charge_id) DO NOTHING",
                        &[&charge.id, &order, &body, &now_ms],
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// The id of `order`'s latest charge, if it has one.
    pub async fn latest_charge(&self, order: &str) -> Result<Option<String>, MerchantError> {
        self.read_one(
            "SELECT charge_id FROM order_charges WHERE order_id = ?1 ORDER BY seq DESC LIMIT 1",
            "SELECT charge_id FROM paywasm_order_charges WHERE order_id = $1 ORDER BY seq DESC LIMIT 1",
            &[order],
        )
        .await
    }

    /// The order `charge_id` belongs to, if it is one of this merchant's charges.
    pub async fn order_of(&self, charge_id: &str) -> Result<Option<String>, MerchantError> {
        self.read_one(
            "SELECT order_id FROM order_charges WHERE charge_id = ?1",
            "SELECT order_id FROM paywasm_order_charges WHERE charge_id = $1",
            &[charge_id],
        )
        .await
    }

    /// The copy of `charge_id` and when it was last read from the gateway (epoch ms).
    pub async fn copy(
        &self,
        charge_id: &str,
    ) -> Result<Option<(CheckoutCharge, i64)>, MerchantError> {
        let row: Option<(String, i64)> = self
            .read_one(
                "SELECT charge, refreshed_ms FROM order_charges WHERE charge_id = ?1",
                "SELECT charge, refreshed_ms FROM paywasm_order_charges WHERE charge_id = $1",
                &[charge_id],
            )
            .await?;
        row.map(|(body, refreshed)| Ok((read(&body)?, refreshed)))
            .transpose()
    }

    /// Keeps `charge` as the copy just read from the gateway and, once that is committed,
    /// wakes whoever waits on it, on every instance. Whether the charge is one of this
    /// merchant's (a charge it never recorded is not kept).
    pub async fn update_copy(
        &self,
        charge: &CheckoutCharge,
        now_ms: i64,
    ) -> Result<bool, MerchantError> {
        let body = stored(charge)?;
        let known = match &self.backend {
            Backend::Sqlite(store) => {
                let updated = store.call(|db| {
                    db.execute(
                        "UPDATE order_charges SET charge = ?2, refreshed_ms = ?3 WHERE charge_id = ?1",
                        rusqlite::params![charge.id, body, now_ms],
                    )
                })?;
                // One instance: its own waiters are all there are.
                self.waiters.wake(&charge.id);
                updated > 0
            }
            Backend::Postgres { pool, .. } => {
                let mut client = pool.get().await?;
                let transaction = client.transaction().await?;
                let updated = transaction
                    .execute(
                        "UPDATE paywasm_order_charges SET charge = $2, refreshed_ms = $3 WHERE charge_id = $1",
                        &[&charge.id, &body, &now_ms],
                    )
                    .await?;
                if updated > 0 {
                    crate::postgres::notify_changed(&*transaction, &charge.id).await?;
                }
                transaction.commit().await?;
                updated > 0
            }
        };
        Ok(known)
    }

    /// Whether webhook event `event_id` was handled already.
    pub async fn handled(&self, event_id: &str) -> Result<bool, MerchantError> {
        let seen: Option<String> = self
            .read_one(
                "SELECT id FROM processed_events WHERE id = ?1",
                "SELECT id FROM paywasm_processed_events WHERE id = $1",
                &[event_id],
            )
            .await?;
        Ok(seen.is_some())
    }

    /// Notes that webhook event `event_id` was handled (again is harmless).
    pub async fn mark_handled(&self, event_id: &str, now_ms: i64) -> Result<(), MerchantError> {
        match &self.backend {
            Backend::Sqlite(store) => {
                store.call(|db| {
                    db.execute(
                        "INSERT OR IGNORE INTO processed_events (id, processed_ms) VALUES (?1, ?2)",
                        rusqlite::params![event_id, now_ms],
                    )
                })?;
            }
            Backend::Postgres { pool, .. } => {
                pool.get()
                    .await?
                    .execute(
                        "INSERT INTO paywasm_processed_events (id, processed_ms) VALUES ($1, $2)
                         ON CONFLICT (id) DO NOTHING",
                        &[&event_id, &now_ms],
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// Records PaymentIntent `intent` (with its client secret) as `order`'s latest, unless it
    /// is recorded already (a repeated request gets the first PaymentIntent).
    pub async fn record_intent(
        &self,
        order: &str,
        intent: &str,
        client_secret: &str,
    ) -> Result<(), MerchantError> {
        match &self.backend {
            Backend::Sqlite(store) => {
                store.call(|db| {
                    db.execute(
                        "INSERT OR IGNORE INTO wooshpay_intents (payment_intent, order_id, client_secret, seq)
                         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM wooshpay_intents WHERE order_id = ?2))",
                        rusqlite::params![intent, order, client_secret],
                    )
                })?;
            }
            Backend::Postgres { pool, .. } => {
                pool.get()
                    .await?
                    .execute(
                        "INSERT INTO paywasm_wooshpay_intents (payment_intent, order_id, client_secret)
                         VALUES ($1, $2, $3) ON CONFLICT (payment_intent) DO NOTHING",
                        &[&intent, &order, &client_secret],
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// `order`'s latest PaymentIntent and its client secret, if it has one.
    pub async fn latest_intent(
        &self,
        order: &str,
    ) -> Result<Option<(String, String)>, MerchantError> {
        self.read_one(
            "SELECT payment_intent, client_secret FROM wooshpay_intents WHERE order_id = ?1 ORDER BY seq DESC LIMIT 1",
            "SELECT payment_intent, client_secret FROM paywasm_wooshpay_intents WHERE order_id = $1 ORDER BY seq DESC LIMIT 1",
            &[order],
        )
        .await
    }

    /// The order PaymentIntent `intent` belongs to, if it is one of this merchant's.
    pub async fn order_of_intent(&self, intent: &str) -> Result<Option<String>, MerchantError> {
        self.read_one(
            "SELECT order_id FROM wooshpay_intents WHERE payment_intent = ?1",
            "SELECT order_id FROM paywasm_wooshpay_intents WHERE payment_intent = $1",
            &[intent],
        )
        .await
    }

    /// The signing secret of the merchant's WooshPay webhook endpoint, once it is registered.
    pub async fn wooshpay_webhook_secret(&self) -> Result<Option<String>, MerchantError> {
        self.read_one(
            "SELECT secret FROM wooshpay_webhook",
            "SELECT secret FROM paywasm_wooshpay_webhook",
            &[],
        )
        .await
    }

    /// Keeps the WooshPay webhook endpoint `endpoint` and its `secret`, unless one is kept
    /// already (the first registration wins, on every instance).
    pub async fn keep_wooshpay_webhook(
        &self,
        endpoint: &str,
        secret: &str,
    ) -> Result<(), MerchantError> {
        match &self.backend {
            Backend::Sqlite(store) => {
                store.call(|db| {
                    db.execute(
                        "INSERT OR IGNORE INTO wooshpay_webhook (singleton, endpoint, secret) VALUES (1, ?1, ?2)",
                        rusqlite::params![endpoint, secret],
                    )
                })?;
            }
            Backend::Postgres { pool, .. } => {
                pool.get()
                    .await?
                    .execute(
                        "INSERT INTO paywasm_wooshpay_webhook (singleton, endpoint, secret) VALUES (1, $1, $2)
                         ON CONFLICT (singleton) DO NOTHING",
                        &[&endpoint, &secret],
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// The sale under `key`, if one was started.
    pub async fn sale(&self, key: &str) -> Result<Option<Sale>, MerchantError> {
        let row: Option<(String, String, Option<String>)> = self
            .read_one(
                "SELECT fingerprint, order_id, charge_id FROM pos_sales WHERE key = ?1",
                "SELECT fingerprint, order_id, charge_id FROM paywasm_pos_sales WHERE key = $1",
                &[key],
            )
            .await?;
        Ok(row.map(|(fingerprint, order, charge)| Sale {
            fingerprint,
            order,
            charge,
        }))
    }

    /// Starts the sale under `key` for `order`, unless one was started under it already (on
    /// this instance or another): the sale kept under the key, whichever started it.
    pub async fn start_sale(
        &self,
        key: &str,
        fingerprint: &str,
        order: &str,
    ) -> Result<Sale, MerchantError> {
        match &self.backend {
            Backend::Sqlite(store) => {
                store.call(|db| {
                    db.execute(
                        "INSERT OR IGNORE INTO pos_sales (key, fingerprint, order_id) VALUES (?1, ?2, ?3)",
                        rusqlite::params![key, fingerprint, order],
                    )
                })?;
            }
            Backend::Postgres { pool, .. } => {
                pool.get()
                    .await?
                    .execute(
                        "INSERT INTO paywasm_pos_sales (key, fingerprint, order_id) VALUES ($1, $2, $3)
                         ON CONFLICT (key) DO NOTHING",
                        &[&key, &fingerprint, &order],
                    )
                    .await?;
            }
        }
        self.sale(key)
            .await?
            .ok_or_else(|| MerchantError::Internal(format!("the sale {key} was not kept")))
    }

    /// Notes that the sale under `key` made charge `charge_id`.
    pub async fn finish_sale(&self, key: &str, charge_id: &str) -> Result<(), MerchantError> {
        match &self.backend {
            Backend::Sqlite(store) => {
                store.call(|db| {
                    db.execute(
                        "UPDATE pos_sales SET charge_id = ?2 WHERE key = ?1",
                        rusqlite::params![key, charge_id],
                    )
                })?;
            }
            Backend::Postgres { pool, .. } => {
                pool.get()
                    .await?
                    .execute(
                        "UPDATE paywasm_pos_sales SET charge_id = $2 WHERE key = $1",
                        &[&key, &charge_id],
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
