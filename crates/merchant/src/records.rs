//! A merchant server's own records of its gateways, the same for every gateway: which payments
//! (Omise's charges, WooshPay's PaymentIntents) belong to which order, its copy of each (what
//! status requests read and wait on, so waiting customers cost the gateway nothing) with its
//! client secret where the gateway has one (WooshPay's return page resumes the latest), which
//! webhook events it has handled (each is handled once, however often the gateway delivers it,
//! on whichever instance), and the secrets of the webhook endpoints registered through an API.
//!
//! They are kept in a [`Database`], one of two stores:
//!
//! - **SQLite** ([`Records::sqlite`]), the embedded default for one instance, on the
//!   `paywasm-store` group-commit store: a changed copy wakes this instance's waiters once it
//!   is committed;
//! - **PostgreSQL** ([`Records::postgres`]; sized and timed with
//!   [`Database::postgres_with`], opened by [`Records::open`]) for several instances: they share the records, and a changed
//!   copy is announced with `NOTIFY` by the statement that writes it, so the customer waiting
//!   on any instance is woken ([`crate::postgres`]).
//!
//! The order itself (its amount, whether it is paid) is the merchant's, not kept here.

use crate::customers::HeldRequests;
use crate::database::{Database, Param, Schema};
use crate::error::MerchantError;
use crate::rereads::Rereads;
use crate::waiters::Waiters;
use paywasm_core::checkout::Payment;
use std::sync::Arc;

/// The records' versioned migrations, one folder per dialect (the PostgreSQL tables are
/// prefixed `paywasm_`, as they share the merchant's database).
mod migrations {
    pub(super) mod sqlite {
        refinery::embed_migrations!("migrations/sqlite");
    }
    pub(super) mod postgres {
        refinery::embed_migrations!("migrations/postgres");
    }
}

/// The records' tables and their history (`paywasm_records_migrations`).
pub fn schema() -> Schema {
    Schema {
        history: "paywasm_records_migrations",
        sqlite: migrations::sqlite::migrations::runner(),
        postgres: migrations::postgres::migrations::runner(),
    }
}

/// A copy's update on PostgreSQL, which announces the change on [`crate::postgres::CHANNEL`]
/// and notes the webhook event it answers (if any) handled, in the same statement.
#[cfg(feature = "postgres")]
static UPDATE_COPY_AND_NOTIFY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH changed AS (
             UPDATE paywasm_payments SET copy = $2, refreshed_ms = $3
             WHERE payment_id = $1
               AND ($4 <> 'pending' OR copy IS NULL OR (copy::json ->> 'status') = 'pending')
             RETURNING payment_id
         ), handled AS (
             INSERT INTO paywasm_processed_events (id, processed_ms)
             SELECT $5::text, $3 WHERE $5::text IS NOT NULL
             ON CONFLICT (id) DO NOTHING
         )
         SELECT pg_notify('{}', payment_id) FROM changed",
        crate::postgres::CHANNEL
    )
});
/// Never run without PostgreSQL.
#[cfg(not(feature = "postgres"))]
static UPDATE_COPY_AND_NOTIFY: std::sync::LazyLock<String> = std::sync::LazyLock::new(String::new);

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// A merchant server's records, in SQLite or PostgreSQL, and the customers waiting on them.
#[derive(Clone)]
pub struct Records {
    database: Database,
    /// Wakes this instance's waiters of the charges any instance changes (PostgreSQL).
    #[cfg(feature = "postgres")]
    _listener: Option<Arc<crate::postgres::Listener>>,
    waiters: Waiters,
    /// The status requests this instance holds, whichever checkout over these records holds
    /// them: the caps protect the instance, not one checkout.
    held: Arc<HeldRequests>,
    /// The re-reads of waiting customers' charges this instance may still make, whichever
    /// checkout makes them: the budgets protect the merchant's gateway account.
    rereads: Arc<Rereads>,
}

fn stored(charge: &Payment) -> Result<String, MerchantError> {
    serde_json::to_string(charge).map_err(|error| MerchantError::Internal(error.to_string()))
}

fn read(body: &str) -> Result<Payment, MerchantError> {
    serde_json::from_str(body)
        .map_err(|error| MerchantError::Internal(format!("a stored charge is corrupt: {error}")))
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

#[cfg(feature = "sqlite")]
/// Drops every hold on an order kept in `store`: on SQLite there is one instance, so a hold
/// left in the file is its predecessor's, which died holding it.
fn forget_dead_holds(store: &paywasm_store::Store) -> Result<(), MerchantError> {
    store.migrate("DELETE FROM order_locks;")?;
    Ok(())
}

impl Records {
    /// The records in `store` (its schema applied), for one instance.
    #[cfg(feature = "sqlite")]
    pub fn sqlite(store: paywasm_store::Store) -> Result<Self, MerchantError> {
        crate::database::migrate_sqlite(&store, schema())?;
        forget_dead_holds(&store)?;
        Ok(Self {
            database: Database::Sqlite(store),
            #[cfg(feature = "postgres")]
            _listener: None,
            waiters: Waiters::default(),
            held: Arc::default(),
            rereads: Arc::default(),
        })
    }

    /// The records in the PostgreSQL database at `url` (its schema applied), shared with the
    /// other instances that use it.
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str) -> Result<Self, MerchantError> {
        Self::open(Database::postgres(url)?).await
    }

    /// The records in `database` (its schema applied); on PostgreSQL, with this instance's
    /// listener for the changes every instance makes.
    pub async fn open(database: Database) -> Result<Self, MerchantError> {
        database.migrate(schema()).await?;
        let waiters = Waiters::default();
        #[cfg(feature = "sqlite")]
        if let Some(store) = database.sqlite() {
            forget_dead_holds(store)?;
        }
        #[cfg(feature = "postgres")]
        let listener = match &database {
            Database::Postgres { url, .. } => Some(Arc::new(
                crate::postgres::listen(url, waiters.clone()).await?,
            )),
            #[cfg(feature = "sqlite")]
            Database::Sqlite(_) => None,
        };
        Ok(Self {
            database,
            #[cfg(feature = "postgres")]
            _listener: listener,
            waiters,
            held: Arc::default(),
            rereads: Arc::default(),
        })
    }

    /// The database the records are kept in.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The customers waiting on this instance.
    pub fn waiters(&self) -> &Waiters {
        &self.waiters
    }

    /// The status requests held on this instance, and their caps.
    pub(crate) fn held(&self) -> &HeldRequests {
        &self.held
    }

    /// The re-reads of waiting customers' charges this instance may still make.
    pub(crate) fn rereads(&self) -> &Rereads {
        &self.rereads
    }

    /// Records payment `copy`, made at gateway `gateway` ([`crate::connector::Connector::NAME`])
    /// for `order`, as the order's latest, with its client secret where the gateway has one,
    /// unless it is recorded already: a repeated request (its answer was lost) never replaces
    /// the copy kept, which a webhook may have brought up to date meanwhile.
    pub async fn record_payment(
        &self,
        gateway: &str,
        order: &str,
        copy: &Payment,
        client_secret: Option<&str>,
        now_ms: i64,
    ) -> Result<(), MerchantError> {
        let body = stored(copy)?;
        self.database
            .execute(
                "INSERT INTO payments (payment_id, gateway, order_id, seq, copy, refreshed_ms, client_secret)
                 VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM payments WHERE order_id = ?3), ?4, ?5, ?6)
                 ON CONFLICT (payment_id) DO NOTHING",
                "INSERT INTO paywasm_payments (payment_id, gateway, order_id, copy, refreshed_ms, client_secret)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING",
                &[
                    (&copy.id).into(),
                    gateway.into(),
                    order.into(),
                    (&body).into(),
                    now_ms.into(),
                    client_secret.into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// The id of `order`'s latest payment at `gateway`, and its client secret where the
    /// gateway has one.
    pub async fn latest_payment(
        &self,
        order: &str,
        gateway: &str,
    ) -> Result<Option<(String, Option<String>)>, MerchantError> {
        self.database
            .read_one(
                "SELECT payment_id, client_secret FROM payments WHERE order_id = ?1 AND gateway = ?2
                 ORDER BY seq DESC LIMIT 1",
                "SELECT payment_id, client_secret FROM paywasm_payments WHERE order_id = $1 AND gateway = $2
                 ORDER BY seq DESC LIMIT 1",
                &[order.into(), gateway.into()],
            )
            .await
    }

    /// The order payment `id` belongs to, if it is one of this merchant's.
    pub async fn order_of(&self, id: &str) -> Result<Option<String>, MerchantError> {
        self.text(
            "SELECT order_id FROM payments WHERE payment_id = ?1",
            "SELECT order_id FROM paywasm_payments WHERE payment_id = $1",
            id,
        )
        .await
    }

    /// The one text column a query by one key reads, if it finds a row.
    async fn text(
        &self,
        sqlite: &str,
        postgres: &str,
        key: &str,
    ) -> Result<Option<String>, MerchantError> {
        let row: Option<(String,)> = self
            .database
            .read_one(sqlite, postgres, &[key.into()])
            .await?;
        Ok(row.map(|(text,)| text))
    }

    /// The copy of payment `id` and when it was last read from the gateway (epoch ms); `None`
    /// for a payment that is not this merchant's, or has no copy yet (a PaymentIntent
    /// recorded before copies were kept of them, until its gateway is next read).
    pub async fn copy(&self, id: &str) -> Result<Option<(Payment, i64)>, MerchantError> {
        let row: Option<(String, i64)> = self
            .database
            .read_one(
                "SELECT copy, refreshed_ms FROM payments WHERE payment_id = ?1 AND copy IS NOT NULL",
                "SELECT copy, refreshed_ms FROM paywasm_payments WHERE payment_id = $1 AND copy IS NOT NULL",
                &[id.into()],
            )
            .await?;
        row.map(|(body, refreshed)| Ok((read(&body)?, refreshed)))
            .transpose()
    }

    /// Keeps `charge` as the copy of a payment just read from the gateway and, once that is
    /// committed, wakes whoever waits on it, on every instance. When the read answers webhook
    /// event `handled`, the event is noted handled in the same commit ([`Self::mark_handled`]):
    /// a webhook's last write costs one flush of the database's log, not two. Whether the
    /// payment is one of this merchant's (a payment it never recorded is not kept).
    pub async fn update_copy(
        &self,
        charge: &Payment,
        now_ms: i64,
        handled: Option<&str>,
    ) -> Result<bool, MerchantError> {
        let body = stored(charge)?;
        // On PostgreSQL the change is announced to every instance by the same statement, so
        // the notification goes out when (and only if) the change is committed. A final copy
        // is never replaced by a pending one: two re-reads may finish in either order, and the
        // older one must not undo what the customer was already shown.
        let updated = self
            .database
            .execute_together(
                &[
                    "UPDATE payments SET copy = ?2, refreshed_ms = ?3
                     WHERE payment_id = ?1
                       AND (?4 <> 'pending' OR copy IS NULL OR json_extract(copy, '$.status') = 'pending')",
                    "INSERT INTO processed_events (id, processed_ms)
                     SELECT ?5, ?3 WHERE ?5 IS NOT NULL
                     ON CONFLICT (id) DO NOTHING",
                ],
                &UPDATE_COPY_AND_NOTIFY,
                &[
                    (&charge.id).into(),
                    (&body).into(),
                    now_ms.into(),
                    charge.status.as_str().into(),
                    Param::OptionalText(handled),
                ],
            )
            .await?;
        #[cfg(feature = "sqlite")]
        if self.database.sqlite().is_some() {
            // One instance: its own waiters are all there are.
            self.waiters.wake(&charge.id);
        }
        Ok(updated > 0)
    }

    /// Whether webhook event `event_id` was handled already.
    pub async fn handled(&self, event_id: &str) -> Result<bool, MerchantError> {
        let seen = self
            .text(
                "SELECT id FROM processed_events WHERE id = ?1",
                "SELECT id FROM paywasm_processed_events WHERE id = $1",
                event_id,
            )
            .await?;
        Ok(seen.is_some())
    }

    /// Notes that webhook event `event_id` was handled (again is harmless).
    pub async fn mark_handled(&self, event_id: &str, now_ms: i64) -> Result<(), MerchantError> {
        self.database
            .execute(
                "INSERT INTO processed_events (id, processed_ms) VALUES (?1, ?2)
                 ON CONFLICT (id) DO NOTHING",
                "INSERT INTO paywasm_processed_events (id, processed_ms) VALUES ($1, $2)
                 ON CONFLICT (id) DO NOTHING",
                &[event_id.into(), now_ms.into()],
            )
            .await?;
        Ok(())
    }

    /// When the last webhook event was handled (epoch ms), by any instance: whether webhooks
    /// flow is the merchant's, not one instance's (an instance the gateway's deliveries never
    /// reach still hears of them through the records).
    pub async fn last_webhook_ms(&self) -> Result<Option<i64>, MerchantError> {
        let row: Option<(Option<i64>,)> = self
            .database
            .read_one(
                "SELECT MAX(processed_ms) FROM processed_events",
                "SELECT MAX(processed_ms) FROM paywasm_processed_events",
                &[],
            )
            .await?;
        Ok(row.and_then(|(last,)| last))
    }

    /// The signing secrets of the merchant's webhook endpoints at `gateway` registered through
    /// its API: one, unless instances starting together each registered one before either
    /// kept it.
    pub async fn webhook_secrets(&self, gateway: &str) -> Result<Vec<String>, MerchantError> {
        let rows: Vec<(String,)> = self
            .database
            .read_all(
                "SELECT secret FROM webhook_endpoints WHERE gateway = ?1",
                "SELECT secret FROM paywasm_webhook_endpoints WHERE gateway = $1",
                &[gateway.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|(secret,)| secret).collect())
    }

    /// Keeps webhook endpoint `endpoint` of `gateway` and its `secret` (again is harmless).
    pub async fn keep_webhook_endpoint(
        &self,
        gateway: &str,
        endpoint: &str,
        secret: &str,
    ) -> Result<(), MerchantError> {
        self.database
            .execute(
                "INSERT INTO webhook_endpoints (endpoint, gateway, secret) VALUES (?1, ?2, ?3)
                 ON CONFLICT (endpoint) DO NOTHING",
                "INSERT INTO paywasm_webhook_endpoints (endpoint, gateway, secret) VALUES ($1, $2, $3)
                 ON CONFLICT (endpoint) DO NOTHING",
                &[endpoint.into(), gateway.into(), secret.into()],
            )
            .await?;
        Ok(())
    }

    /// The sale under `key`, if one was started.
    pub async fn sale(&self, key: &str) -> Result<Option<Sale>, MerchantError> {
        let row: Option<(String, String, Option<String>)> = self
            .database
            .read_one(
                "SELECT fingerprint, order_id, charge_id FROM pos_sales WHERE key = ?1",
                "SELECT fingerprint, order_id, charge_id FROM paywasm_pos_sales WHERE key = $1",
                &[key.into()],
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
        self.database
            .execute(
                "INSERT INTO pos_sales (key, fingerprint, order_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO NOTHING",
                "INSERT INTO paywasm_pos_sales (key, fingerprint, order_id) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO NOTHING",
                &[key.into(), fingerprint.into(), order.into()],
            )
            .await?;
        self.sale(key)
            .await?
            .ok_or_else(|| MerchantError::Internal(format!("the sale {key} was not kept")))
    }

    /// The order of the in-store sale that made charge `charge_id`, if a sale did.
    pub async fn sale_of_charge(&self, charge_id: &str) -> Result<Option<String>, MerchantError> {
        self.text(
            "SELECT order_id FROM pos_sales WHERE charge_id = ?1",
            "SELECT order_id FROM paywasm_pos_sales WHERE charge_id = $1",
            charge_id,
        )
        .await
    }

    /// Notes that the sale under `key` made charge `charge_id`.
    pub async fn finish_sale(&self, key: &str, charge_id: &str) -> Result<(), MerchantError> {
        self.database
            .execute(
                "UPDATE pos_sales SET charge_id = ?2 WHERE key = ?1",
                "UPDATE paywasm_pos_sales SET charge_id = $2 WHERE key = $1",
                &[key.into(), charge_id.into()],
            )
            .await?;
        Ok(())
    }

    /// The charge recorded as having paid `order`, if one has.
    pub async fn payment_of(&self, order: &str) -> Result<Option<String>, MerchantError> {
        self.text(
            "SELECT charge_id FROM order_payments WHERE order_id = ?1",
            "SELECT charge_id FROM paywasm_order_payments WHERE order_id = $1",
            order,
        )
        .await
    }

    /// The charge recorded as having paid `order`, if one has, and whether `charge_id` was
    /// judged a stray payment: what settling `charge_id` for `order` asks first, in one round
    /// trip.
    pub async fn settlement_of(
        &self,
        order: &str,
        charge_id: &str,
    ) -> Result<(Option<String>, bool), MerchantError> {
        let row: Option<(Option<String>, bool)> = self
            .database
            .read_one(
                "SELECT (SELECT charge_id FROM order_payments WHERE order_id = ?1),
                        EXISTS (SELECT 1 FROM stray_charges WHERE charge_id = ?2)",
                "SELECT (SELECT charge_id FROM paywasm_order_payments WHERE order_id = $1),
                        EXISTS (SELECT 1 FROM paywasm_stray_charges WHERE charge_id = $2)",
                &[order.into(), charge_id.into()],
            )
            .await?;
        Ok(row.unwrap_or((None, false)))
    }

    /// Records that `charge_id` paid `order`, unless another charge did first (on any
    /// instance): the charge that paid it, which is `charge_id` only for the first.
    pub async fn claim_payment(
        &self,
        order: &str,
        charge_id: &str,
        now_ms: i64,
    ) -> Result<String, MerchantError> {
        // The insert names the claim it made; only when another charge's claim was there
        // first is that one read (a second round trip, in a statement of its own: one taken
        // with the insert's snapshot might not see a claim committed while it waited).
        let claimed: Option<(String,)> = self
            .database
            .read_one(
                "INSERT INTO order_payments (order_id, charge_id, paid_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (order_id) DO NOTHING RETURNING charge_id",
                "INSERT INTO paywasm_order_payments (order_id, charge_id, paid_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (order_id) DO NOTHING RETURNING charge_id",
                &[order.into(), charge_id.into(), now_ms.into()],
            )
            .await?;
        match claimed {
            Some((claimed,)) => Ok(claimed),
            None => self.payment_of(order).await?.ok_or_else(|| {
                MerchantError::Internal(format!("the payment of {order} was not kept"))
            }),
        }
    }

    /// Notes that `charge_id` will never pay `order` (it was judged a stray payment): the
    /// judgement stands, whatever the order costs later.
    pub async fn mark_stray(&self, order: &str, charge_id: &str) -> Result<(), MerchantError> {
        self.database
            .execute(
                "INSERT INTO stray_charges (charge_id, order_id) VALUES (?1, ?2)
                 ON CONFLICT (charge_id) DO NOTHING",
                "INSERT INTO paywasm_stray_charges (charge_id, order_id) VALUES ($1, $2)
                 ON CONFLICT (charge_id) DO NOTHING",
                &[charge_id.into(), order.into()],
            )
            .await?;
        Ok(())
    }

    /// Whether `charge_id` was judged a stray payment.
    pub async fn is_stray(&self, charge_id: &str) -> Result<bool, MerchantError> {
        let found = self
            .text(
                "SELECT order_id FROM stray_charges WHERE charge_id = ?1",
                "SELECT order_id FROM paywasm_stray_charges WHERE charge_id = $1",
                charge_id,
            )
            .await?;
        Ok(found.is_some())
    }

    /// Takes `order` for `holder` until `until_ms` (or renews `holder`'s hold), unless another
    /// holder has it and its time has not run out (a holder that died loses it then): whether
    /// `holder` has it now.
    pub async fn lock_order(
        &self,
        order: &str,
        holder: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<bool, MerchantError> {
        self.database
            .execute(
                "INSERT INTO order_locks (order_id, holder, until_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (order_id) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
                 WHERE order_locks.until_ms < ?4 OR order_locks.holder = excluded.holder",
                "INSERT INTO paywasm_order_locks (order_id, holder, until_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (order_id) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
                 WHERE paywasm_order_locks.until_ms < $4 OR paywasm_order_locks.holder = excluded.holder",
                &[order.into(), holder.into(), until_ms.into(), now_ms.into()],
            )
            .await?;
        let held = self
            .text(
                "SELECT holder FROM order_locks WHERE order_id = ?1",
                "SELECT holder FROM paywasm_order_locks WHERE order_id = $1",
                order,
            )
            .await?;
        Ok(held.as_deref() == Some(holder))
    }

    /// Gives `order` back, if `holder` still has it.
    pub async fn unlock_order(&self, order: &str, holder: &str) -> Result<(), MerchantError> {
        self.database
            .execute(
                "DELETE FROM order_locks WHERE order_id = ?1 AND holder = ?2",
                "DELETE FROM paywasm_order_locks WHERE order_id = $1 AND holder = $2",
                &[order.into(), holder.into()],
            )
            .await?;
        Ok(())
    }

    /// Notes, before it is sent, the charge request for `order` under `key` with its
    /// `params` (as JSON): should the answer be lost with the process, the next charge of the
    /// order sends it again to learn the charge, and ends it.
    pub async fn begin_attempt(
        &self,
        key: &str,
        order: &str,
        params: &str,
    ) -> Result<(), MerchantError> {
        self.database
            .execute(
                "INSERT INTO order_attempts (key, order_id, params) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO NOTHING",
                "INSERT INTO paywasm_order_attempts (key, order_id, params) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO NOTHING",
                &[key.into(), order.into(), params.into()],
            )
            .await?;
        Ok(())
    }

    /// Notes that the charge request under `key` made `charge_id`.
    pub async fn finish_attempt(&self, key: &str, charge_id: &str) -> Result<(), MerchantError> {
        self.database
            .execute(
                "UPDATE order_attempts SET charge_id = ?2 WHERE key = ?1",
                "UPDATE paywasm_order_attempts SET charge_id = $2 WHERE key = $1",
                &[key.into(), charge_id.into()],
            )
            .await?;
        Ok(())
    }

    /// `order`'s charge requests: key, parameters (JSON) and the charge once known.
    pub async fn attempts(
        &self,
        order: &str,
    ) -> Result<Vec<(String, String, Option<String>)>, MerchantError> {
        self.database
            .read_all(
                "SELECT key, params, charge_id FROM order_attempts WHERE order_id = ?1",
                "SELECT key, params, charge_id FROM paywasm_order_attempts WHERE order_id = $1",
                &[order.into()],
            )
            .await
    }

    /// The copies of `order`'s payments at `gateway`, oldest first.
    pub async fn payments_of(
        &self,
        order: &str,
        gateway: &str,
    ) -> Result<Vec<Payment>, MerchantError> {
        let rows: Vec<(String,)> = self
            .database
            .read_all(
                "SELECT copy FROM payments WHERE order_id = ?1 AND gateway = ?2 AND copy IS NOT NULL ORDER BY seq",
                "SELECT copy FROM paywasm_payments WHERE order_id = $1 AND gateway = $2 AND copy IS NOT NULL ORDER BY seq",
                &[order.into(), gateway.into()],
            )
            .await?;
        rows.iter().map(|(body,)| read(body)).collect()
    }
}
