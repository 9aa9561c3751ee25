//! The WooshPay API's background worker: each round it expires the Checkout Sessions past
//! their `expires_at` (so that `checkout.session.expired` is sent without anyone reading) and
//! delivers the due events through the shared delivery loop, signed with each endpoint's
//! secret.

use super::{now_ms, WooshpayState};
use crate::api::delivery::{Deliveries, Due, BATCH};
use paywasm_core::webhook::wooshpay;
use paywasm_core::wooshpay::objects::WebhookEndpoint;
use tokio::sync::watch;

/// A delivery's event (as it is sent) and the endpoint it goes to.
pub(crate) struct Target {
    event: String,
    endpoint: WebhookEndpoint,
}

impl Deliveries for WooshpayState {
    type Target = Target;
    const TABLE: &'static str = "wp_deliveries";

    fn store(&self) -> &crate::store::Store {
        &self.store
    }

    fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn before_round(&self) {
        if let Err(error) = super::checkout_sessions::expire_due(self) {
            tracing::error!(%error, "cannot expire due checkout sessions");
        }
    }

    fn due(&self, db: &rusqlite::Connection, now_ms: i64) -> rusqlite::Result<Vec<Due<Target>>> {
        let mut statement = db.prepare_cached(
            "SELECT d.id, e.body, w.body, d.attempts, d.created, d.next_attempt_ms FROM wp_deliveries d
             JOIN wp_events e ON e.id = d.event_id JOIN wp_webhook_endpoints w ON w.id = d.endpoint_id
             WHERE d.status = 'pending' AND d.next_attempt_ms <= ?1 ORDER BY d.next_attempt_ms LIMIT ?2",
        )?;
        let rows = statement.query_map(rusqlite::params![now_ms, BATCH], |row| {
            Ok(Due {
                id: row.get(0)?,
                target: Target {
                    event: row.get(1)?,
                    endpoint: crate::store::parsed(&row.get::<_, String>(2)?)?,
                },
                attempts: row.get(3)?,
                event_ms: row.get(4)?,
                due_ms: row.get(5)?,
            })
        })?;
        rows.collect()
    }

    fn request(&self, target: Target) -> Option<reqwest::RequestBuilder> {
        let secret = target.endpoint.secret.as_deref().unwrap_or_default();
        let signature = wooshpay::header(secret, now_ms() / 1_000, target.event.as_bytes());
        let url = super::redirect_target(&target.endpoint.url)?;
        Some(
            self.http
                .post(url)
                .header("Content-Type", "application/json")
                .header(wooshpay::SIGNATURE_HEADER, signature)
                .body(target.event),
        )
    }
}

/// Runs until `stop`: expires due Checkout Sessions and delivers due events.
pub(crate) async fn run(state: WooshpayState, stop: watch::Receiver<bool>) {
    let wake = state.wake.clone();
    crate::api::delivery::run(state, &wake, stop).await;
}
