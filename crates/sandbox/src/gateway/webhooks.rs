//! The gateway's background work: delivering Omise's webhooks (the rows written with each
//! event, see [`super::events`], signed with the gateway's key; the schedule and the loop are
//! [`crate::api::delivery`]'s) and expiring charges on time.

use super::GatewayState;
use crate::api::delivery::{now_ms, Deliveries, Due, BATCH};
use paywasm_core::webhook::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use tokio::sync::watch;

/// A delivery's event and where it goes.
pub(crate) struct Target {
    event_id: String,
    uri: String,
}

impl Deliveries for GatewayState {
    type Target = Target;
    const TABLE: &'static str = "webhook_deliveries";

    fn store(&self) -> &crate::store::Store {
        &self.store
    }

    fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn before_round(&self) {
        if let Err(error) = super::charges::expire_due(self) {
            tracing::error!(%error, "cannot expire due charges");
        }
        // One table of keys serves both APIs.
        crate::api::idempotency::prune(&self.store, crate::api::now().unix());
    }

    fn due(&self, db: &rusqlite::Connection, now_ms: i64) -> rusqlite::Result<Vec<Due<Target>>> {
        let mut statement = db.prepare_cached(
            "SELECT id, event_id, uri, attempts, created_at, next_attempt_ms FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms LIMIT ?2",
        )?;
        let rows = statement.query_map(rusqlite::params![now_ms, BATCH], |row| {
            Ok(Due {
                id: row.get(0)?,
                target: Target {
                    event_id: row.get(1)?,
                    uri: row.get(2)?,
                },
                attempts: row.get(3)?,
                // Omise's events are made in whole seconds.
                event_ms: row.get::<_, i64>(4)?.saturating_mul(1_000),
                due_ms: row.get(5)?,
            })
        })?;
        rows.collect()
    }

    fn request(&self, target: Target) -> Option<reqwest::RequestBuilder> {
        let mut event = self
            .store
            .call(|db| super::events::object(db, &target.event_id))
            .ok()??;
        // The delivered event carries no delivery records of its own.
        if let Some(object) = event.as_object_mut() {
            object.remove("webhook_deliveries");
        }
        let body = event.to_string();
        let timestamp = now_ms() / 1_000;
        let signature = sign(&self.webhook_key, timestamp, body.as_bytes());
        Some(
            self.http
                .post(&target.uri)
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, signature)
                .header(TIMESTAMP_HEADER, timestamp.to_string())
                .body(body),
        )
    }
}

/// Runs until `stop`: delivers due webhooks and expires pending charges past `expires_at`.
pub(crate) async fn run(state: GatewayState, stop: watch::Receiver<bool>) {
    let wake = state.wake.clone();
    crate::api::delivery::run(state, &wake, stop).await;
}
