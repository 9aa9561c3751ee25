//! Events (`GET /events`, `GET /events/:id`) and the record of their webhook deliveries.
//!
//! An event is written in the same transaction as the change it describes, together with one
//! pending delivery per webhook endpoint, so a crash can never keep a change and lose its
//! webhook: the [`super::webhooks`] worker picks pending deliveries up after a restart.

use super::auth::SecretKey;
use super::error::ApiError;
use super::lists::{ListParams, Page};
use super::{now, GatewayState};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use paywasm_core::ids;
use paywasm_core::omise::objects::{EventKey, List};
use paywasm_core::time::Timestamp;
use paywasm_store::Cached;
use rusqlite::{OptionalExtension, Transaction};
use serde_json::{json, Value};

pub(crate) fn router() -> Router<GatewayState> {
    Router::new()
        .route("/events", get(events_index))
        .route("/events/{id}", get(events_show))
}

/// Records an event about `data` (a charge or a refund) with a pending delivery to each
/// endpoint, inside the caller's transaction. Returns the event's id.
pub(crate) fn record(
    tx: &Transaction<'_>,
    key: EventKey,
    data: &Value,
    endpoints: &[String],
) -> rusqlite::Result<String> {
    let id = String::from(crate::ids::new::<ids::EventId>());
    let created_at = now();
    tx.execute_cached(
        "INSERT INTO events (id, key, created_at, data) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![id, key.as_str(), created_at.unix(), data.to_string()],
    )?;
    let due_ms = crate::api::delivery::now_ms();
    for uri in endpoints {
        tx.execute_cached(
            "INSERT INTO webhook_deliveries (id, event_id, uri, status, attempts, next_attempt_ms, created_at)
             VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?5)",
            rusqlite::params![String::from(crate::ids::new::<ids::DeliveryId>()), id, uri, due_ms, created_at.unix()],
        )?;
    }
    Ok(id)
}

/// Delivers event `id` again to each of the gateway's endpoints (the dashboard's **Resend**): a
/// new delivery each, with its own retries. How many were queued; refused when there is no
/// such event or no endpoint to send to.
pub(crate) fn resend(state: &GatewayState, id: &str) -> Result<usize, ApiError> {
    let endpoints = state.webhook_endpoints.clone();
    if endpoints.is_empty() {
        return Err(ApiError::BadRequest(
            "the gateway has no webhook endpoint to send to (--webhook-url)".into(),
        ));
    }
    let queued = state.store.call(|db| {
        let tx = db.transaction()?;
        let known: Option<i64> = tx
            .query_row_cached("SELECT 1 FROM events WHERE id = ?1", [id], |row| row.get(0))
            .optional()?;
        if known.is_none() {
            return Ok(None);
        }
        let due_ms = crate::api::delivery::now_ms();
        let created_at = now().unix();
        for uri in endpoints.iter() {
            tx.execute_cached(
                "INSERT INTO webhook_deliveries (id, event_id, uri, status, attempts, next_attempt_ms, created_at)
                 VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?5)",
                rusqlite::params![String::from(crate::ids::new::<ids::DeliveryId>()), id, uri, due_ms, created_at],
            )?;
        }
        tx.commit()?;
        Ok(Some(endpoints.len()))
    })?;
    let queued = queued.ok_or_else(|| ApiError::NotFound(format!("event {id} was not found")))?;
    state.wake.notify_one();
    Ok(queued)
}

/// An event's deliveries, oldest first: read with the event by every delivery of it.
const DELIVERIES_OF_EVENT: &str = "SELECT id, uri, status, response_status, attempts, created_at
     FROM webhook_deliveries WHERE event_id = ?1 ORDER BY rowid";

/// An event as the API shows it, with its deliveries.
pub(crate) fn object(db: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<Value>> {
    let row = db
        .query_row_cached(
            "SELECT key, created_at, data FROM events WHERE id = ?1",
            [id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    let Some((key, created_at, data)) = row else {
        return Ok(None);
    };
    let mut statement = db.prepare_cached(DELIVERIES_OF_EVENT)?;
    let deliveries = statement
        .query_map([id], |row| {
            Ok(json!({
                "object": "webhook_delivery",
                "id": row.get::<_, String>(0)?,
                "uri": row.get::<_, String>(1)?,
                "delivery_status": row.get::<_, String>(2)?,
                "status": row.get::<_, Option<i64>>(3)?,
                "attempts": row.get::<_, i64>(4)?,
                "created_at": Timestamp(row.get::<_, i64>(5)?).to_string(),
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(json!({
        "object": "event",
        "id": id,
        "livemode": false,
        "location": format!("/events/{id}"),
        "key": key,
        "created_at": Timestamp(created_at).to_string(),
        "data": serde_json::from_str::<Value>(&data).unwrap_or(Value::Null),
        "webhook_deliveries": deliveries,
    })))
}

async fn events_show(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .store
        .call(|db| object(db, &id))?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("event {id} was not found")))
}

async fn events_index(
    State(state): State<GatewayState>,
    _: SecretKey,
    params: ListParams,
) -> Result<Json<List<Value>>, ApiError> {
    let page = Page::from_params(&params)?;
    let (ids, total) = state.store.call(|db| page.query_ids(db, "events"))?;
    let mut data = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(event) = state.store.call(|db| object(db, &id))? {
            data.push(event);
        }
    }
    Ok(Json(page.list(data, total, "/events")))
}

#[cfg(test)]
mod tests {
    /// Each delivery reads its event's deliveries: a scan of every delivery ever made, under
    /// the store's one lock, cost each payment, re-read and delivery of the gateway hundreds of
    /// milliseconds at 10,000 charges (BENCHMARKS.md).
    #[test]
    fn an_events_deliveries_are_found_by_index() {
        let store = crate::store::Store::open(None, "gateway").unwrap();
        store.migrate(super::super::SCHEMA).unwrap();
        let plan: Vec<String> = store
            .call(|db| {
                db.prepare_cached(&format!(
                    "EXPLAIN QUERY PLAN {}",
                    super::DELIVERIES_OF_EVENT
                ))?
                .query_map(["evnt_test_1"], |row| row.get::<_, String>(3))?
                .collect()
            })
            .unwrap();
        assert!(
            plan.iter()
                .any(|step| step.contains("USING INDEX deliveries_of_event")),
            "{plan:?}"
        );
    }
}
