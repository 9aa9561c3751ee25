//! The gateway's background work: delivering webhooks and expiring charges on time.
//!
//! Deliveries are rows in the database (written with the event, see [`super::events`]), so
//! they survive a restart. Each is POSTed, signed, until the endpoint answers 2xx, with
//! backoff 1 s, 2 s, 4 s ... capped at one hour, for up to three days.

use super::GatewayState;
use paywasm_core::webhook::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

const GIVE_UP_AFTER_MS: i64 = 3 * 24 * 3_600 * 1_000;
const BATCH: i64 = 64;

/// Delay before retry number `attempts` (1-based).
/// The receiver's HTTP status, and whether it acknowledged the event: a 2xx answer received
/// whole. A status line alone is not an acknowledgement: a connection broken in the middle of
/// the answer may come from a receiver that never acted (as a proxy or a crash can produce),
/// so the event is delivered again; receivers handle each event once (by its id).
pub(crate) async fn acknowledged(
    answer: Result<reqwest::Response, reqwest::Error>,
) -> (Option<i64>, bool) {
    let Ok(response) = answer else {
        return (None, false);
    };
    let status = i64::from(response.status().as_u16());
    let whole = response.bytes().await.is_ok();
    (Some(status), whole && (200..300).contains(&status))
}

fn backoff_ms(attempts: u32) -> i64 {
    1_000i64
        .saturating_mul(1 << attempts.saturating_sub(1).min(12))
        .min(3_600_000)
}

struct Due {
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
    let (status, delivered) = acknowledged(answer).await;
    let attempts = due.attempts + 1;
    let now = now_ms();
    let (outcome, next) = if delivered {
        ("delivered", now)
    } else if now - due.created_at * 1_000 > GIVE_UP_AFTER_MS {
        ("failed", now)
    } else {
        ("pending", now + backoff_ms(attempts))
    };
    if !delivered {
        tracing::warn!(delivery = %due.id, uri = %due.uri, ?status, attempts, "webhook not acknowledged; will retry");
    }
    let result = state.store.call(|db| {
        db.execute(
            "UPDATE webhook_deliveries SET status = ?2, attempts = ?3, next_attempt_ms = ?4, response_status = ?5 WHERE id = ?1",
            rusqlite::params![due.id, outcome, attempts, next, status],
        )
    });
    if let Err(error) = result {
        tracing::error!(%error, "cannot record a webhook delivery");
    }
}

/// Runs until `stop`: delivers due webhooks and expires pending charges past `expires_at`.
pub(crate) async fn run(state: GatewayState, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(error) = super::charges::expire_due(&state) {
            tracing::error!(%error, "cannot expire due charges");
        }
        let round = due_deliveries(&state);
        let (delivered, started) = (round.len(), Instant::now());
        let mut batch = tokio::task::JoinSet::new();
        for due in round {
            batch.spawn(deliver(state.clone(), due));
        }
        while batch.join_next().await.is_some() {}
        if delivered > 0 && tracing::enabled!(tracing::Level::DEBUG) {
            // What a slow benchmark run needs to explain itself (scripts/bench-reaction.mjs):
            // how long a round took and how many deliveries were already waiting after it.
            tracing::debug!(
                delivered,
                took_ms = started.elapsed().as_millis() as u64,
                still_due = due_count(&state),
                "webhook round"
            );
        }
        tokio::select! {
            _ = state.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_to_an_hour() {
        let delays: Vec<i64> = (1..=14).map(super::backoff_ms).collect();
        assert_eq!(&delays[..4], [1_000, 2_000, 4_000, 8_000]);
        assert_eq!(delays[13], 3_600_000);
    }
}
