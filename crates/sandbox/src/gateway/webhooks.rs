//! The gateway's background work: delivering Omise's webhooks (the rows written with each
//! event, see [`super::events`], signed with the gateway's key; the schedule and the loop are
//! [`crate::api::delivery`]'s) and expiring charges on time.

use super::GatewayState;
use crate::api::delivery::{now_ms, Deliveries};
use paywasm_core::webhook::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use tokio::sync::watch;

const BATCH: i64 = 64;

pub(crate) struct Due {
    id: String,
    event_id: String,
    uri: String,
    attempts: u32,
    created_at: i64,
}

fn due_deliveries(state: &GatewayState) -> Vec<Due> {
    let now = now_ms();
    state
        .store
        .call(|db| {
            let mut statement = db.prepare(
                "SELECT id, event_id, uri, attempts, created_at FROM webhook_deliveries
                 WHERE status = 'pending' AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms LIMIT ?2",
            )?;
            let rows = statement
                .query_map(rusqlite::params![now, BATCH], |row| {
                    Ok(Due {
                        id: row.get(0)?,
                        event_id: row.get(1)?,
                        uri: row.get(2)?,
                        attempts: row.get(3)?,
                        created_at: row.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .unwrap_or_else(|error| {
            tracing::error!(%error, "cannot read due webhook deliveries");
            vec![]
        })
}

/// How many deliveries are due now (for the debug log only: it counts the whole table).
fn due_count(state: &GatewayState) -> i64 {
    let now = now_ms();
    state
        .store
        .call(|db| {
            db.query_row(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_ms <= ?1",
                [now],
                |row| row.get(0),
            )
        })
        .unwrap_or(-1)
}

async fn deliver(state: GatewayState, due: Due) {
    let Ok(Some(mut event)) = state
        .store
        .call(|db| super::events::object(db, &due.event_id))
    else {
        return;
    };
    // The delivered event carries no delivery records of its own.
    if let Some(object) = event.as_object_mut() {
        object.remove("webhook_deliveries");
    }
    let body = event.to_string();
    let timestamp = now_ms() / 1_000;
    let signature = sign(&state.webhook_key, timestamp, body.as_bytes());
    let answer = state
        .http
        .post(&due.uri)
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .body(body)
        .send()
        .await;
    let attempted =
        crate::api::delivery::attempt(answer, due.attempts, due.created_at * 1_000).await;
    if attempted.status != "delivered" {
        tracing::warn!(delivery = %due.id, uri = %due.uri, status = ?attempted.response_status, attempts = attempted.attempts, "webhook not acknowledged; will retry");
    }
    let result = state
        .store
        .call(|db| attempted.keep(db, "webhook_deliveries", &due.id));
    if let Err(error) = result {
        tracing::error!(%error, "cannot record a webhook delivery");
    }
}

impl Deliveries for GatewayState {
    type Due = Due;

    fn before_round(&self) {
        if let Err(error) = super::charges::expire_due(self) {
            tracing::error!(%error, "cannot expire due charges");
        }
    }

    fn due(&self) -> Vec<Due> {
        due_deliveries(self)
    }

    async fn deliver(&self, due: Due) {
        deliver(self.clone(), due).await;
    }

    fn still_due(&self) -> i64 {
        due_count(self)
    }
}

/// Runs until `stop`: delivers due webhooks and expires pending charges past `expires_at`.
pub(crate) async fn run(state: GatewayState, stop: watch::Receiver<bool>) {
    let wake = state.wake.clone();
    crate::api::delivery::run(state, &wake, stop).await;
}
