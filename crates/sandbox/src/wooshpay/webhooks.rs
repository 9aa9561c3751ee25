//! Webhook endpoints (`POST /v1/webhook_endpoints`, `GET /v1/webhook_endpoints`) and signed
//! event deliveries.
//!
//! An event is written in the same transaction as the change it records, with one delivery per
//! endpoint that enabled its type (or `*`). A worker POSTs each, signed with the endpoint's
//! secret (`WooshPay-Signature: t=...,v1=...`), until a 2xx, backing off 1 s doubling to an
//! hour, for three days; deliveries survive a restart ([`super::worker`]).

use super::auth::Secret;
use super::error::WpError;
use super::{list, now_ms, random_alphanumeric, Body, WooshpayState};
use crate::api::idempotency::Answer;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use paywasm_core::ids;
use paywasm_core::wooshpay::objects::{
    Event, EventData, EventObject, EventType, List, WebhookEndpoint,
};
use rusqlite::Transaction;

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
        id: crate::ids::new::<ids::WebhookEndpointId>(),
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
            rusqlite::params![&*endpoint.id, body],
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
        id: crate::ids::new::<ids::WooshpayEventId>(),
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
            &*event.id,
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
                rusqlite::params![String::from(crate::ids::new::<ids::WooshpayDeliveryId>()), &*event.id, &*endpoint.id, due_ms],
            )?;
            queued += 1;
        }
    }
    Ok(queued)
}
