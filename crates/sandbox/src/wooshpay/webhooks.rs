//! Webhook endpoints (`POST /v1/webhook_endpoints`, `GET /v1/webhook_endpoints`) and signed
//! event deliveries.
//!
//! An event is written in the same transaction as the change it records, with one delivery per
//! endpoint that enabled its type (or `*`). A worker POSTs each, signed with the endpoint's
//! secret (`WooshPay-Signature: t=...,v1=...`), until a 2xx, backing off 1 s doubling to an
//! hour, for three days; deliveries survive a restart. The same worker expires Checkout
//! Sessions past `expires_at`, so `checkout.session.expired` is sent without anyone reading.

use super::auth::Secret;
use super::error::WpError;
use super::{list, now_ms, random_alphanumeric, Body, WooshpayState};
use crate::api::delivery::{Deliveries, Due, BATCH};
use crate::api::idempotency::Answer;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use paywasm_core::ids;
use paywasm_core::webhook::wooshpay;
use paywasm_core::wooshpay::objects::{
    Event, EventData, EventObject, EventType, List, WebhookEndpoint,
};
use rusqlite::Transaction;
use tokio::sync::watch;

pub(crate) fn router() -> Router<WooshpayState> {
    Router::new().route("/v1/webhook_endpoints", post(create).get(index))
}

async fn create(
    State(state): State<WooshpayState>,
    _: Secret,
    answer: Answer,
    Body(params): Body,
) -> Result<Json<WebhookEndpoint>, WpError> {
    let url = params
        .str("url")?
        .ok_or_else(|| WpError::missing("url"))?
        .to_owned();
    super::check_url("url", &url)?;
    let events: Vec<String> = list(params.value("enabled_events"))
        .and_then(|items| {
            items
                .into_iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .filter(|events| !events.is_empty())
        .ok_or_else(|| WpError::missing("enabled_events"))?;
    if let Some(unknown) = events
        .iter()
        .find(|e| e.as_str() != "*" && !EventType::parse(e).is_known())
    {
        return Err(WpError::invalid(
            "enabled_events",
            format!(
                "{unknown} is not an event type: use * or {}",
                super::one_of(EventType::KNOWN)
            ),
        ));
    }
    let endpoint = WebhookEndpoint {
        id: String::from(crate::ids::new::<ids::WebhookEndpointId>()),
        object: "webhook_endpoint".into(),
        url,
        enabled_events: events,
        status: "enabled".into(),
        livemode: false,
        created: now_ms(),
        secret: Some(format!("whsec_{}", random_alphanumeric(32))),
    };
    let body = crate::store::json_text(&endpoint)?;
    // The answer, with its secret, is kept with the endpoint: a merchant that repeats its
    // request after a crash or a lost answer learns the secret of the endpoint that exists.
    state.store.call(|db| {
        let tx = db.transaction()?;
        tx.execute(
            "INSERT INTO wp_webhook_endpoints (id, body) VALUES (?1, ?2)",
            rusqlite::params![endpoint.id, body],
        )?;
        answer.keep(&tx, &body)?;
        tx.commit()
    })?;
    Ok(Json(endpoint))
}

async fn index(
    State(state): State<WooshpayState>,
    _: Secret,
) -> Result<Json<List<WebhookEndpoint>>, WpError> {
    let mut data = state.store.call(|db| {
        let mut statement = db.prepare("SELECT body FROM wp_webhook_endpoints ORDER BY seq")?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
        endpoints(&rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })?;
    // The secret is shown once, when the endpoint is created.
    for endpoint in &mut data {
        endpoint.secret = None;
    }
    Ok(Json(List::at("/v1/webhook_endpoints", data)))
}

fn endpoints(bodies: &[String]) -> rusqlite::Result<Vec<WebhookEndpoint>> {
    bodies
        .iter()
        .map(|body| crate::store::parsed(body))
        .collect()
}

/// Delivers event `id` again, as a new delivery to each endpoint that enables its type now
/// (with its own retries); how many were queued.
pub(crate) fn resend(state: &WooshpayState, id: &str) -> Result<usize, WpError> {
    let queued = state.store.call(|db| {
        let tx = db.transaction()?;
        let body: Option<String> = rusqlite::OptionalExtension::optional(tx.query_row(
            "SELECT body FROM wp_events WHERE id = ?1",
            [id],
            |row| row.get(0),
        ))?;
        let Some(body) = body else { return Ok(None) };
        let event: Event = crate::store::parsed(&body)?;
        let queued = queue(&tx, &event)?;
        tx.commit()?;
        Ok(Some((queued, event.kind)))
    })?;
    let (queued, kind) =
        queued.ok_or_else(|| WpError::NotFound(format!("No such event: '{id}'")))?;
    if queued == 0 {
        return Err(WpError::UnexpectedState {
            code: "no_webhook_endpoint",
            message: format!(
                "no webhook endpoint takes {} events: register one with POST /v1/webhook_endpoints",
                kind.as_str()
            ),
        });
    }
    state.wake.notify_one();
    Ok(queued)
}

/// Records event `kind` about `object`, with its deliveries, in `tx`.
pub(crate) fn record(
    tx: &Transaction<'_>,
    kind: EventType,
    object: impl Into<EventObject>,
) -> rusqlite::Result<()> {
    let event = Event {
        id: String::from(crate::ids::new::<ids::WooshpayEventId>()),
        object: "event".into(),
        kind,
        created: now_ms(),
        livemode: false,
        data: EventData {
            object: object.into(),
        },
    };
    tx.execute(
        "INSERT INTO wp_events (id, type, created, body) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            event.id,
            event.kind.as_str(),
            event.created,
            crate::store::json_text(&event)?
        ],
    )?;
    queue(tx, &event)?;
    Ok(())
}

/// Queues `event` for each endpoint that enables its type, due now; how many.
fn queue(tx: &Transaction<'_>, event: &Event) -> rusqlite::Result<usize> {
    let bodies = {
        let mut statement = tx.prepare("SELECT body FROM wp_webhook_endpoints")?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let due_ms = now_ms();
    let mut queued = 0;
    for endpoint in endpoints(&bodies)? {
        if endpoint.wants(&event.kind) {
            tx.execute(
                "INSERT INTO wp_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_ms, created)
                 VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4)",
                rusqlite::params![String::from(crate::ids::new::<ids::WooshpayDeliveryId>()), event.id, endpoint.id, due_ms],
            )?;
            queued += 1;
        }
    }
    Ok(queued)
}

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
        let mut statement = db.prepare(
            "SELECT d.id, e.body, w.body, d.attempts, d.created FROM wp_deliveries d
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
