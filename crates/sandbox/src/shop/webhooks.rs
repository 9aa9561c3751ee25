//! `POST /webhooks/omise`: the shop's webhook endpoint. It verifies the signature and its
//! timestamp, handles each event once, and re-reads the charge from the gateway rather than
//! trusting the event's copy, as the seeds recommend. A failure answers 5xx so the gateway
//! retries.

use super::checkout::{owns_charge, refresh};
use super::error::MerchantError;
use super::ShopState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use paywasm_core::webhook::{verify, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    key: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: String,
    id: String,
}

pub(crate) async fn webhooks_receive(
    State(state): State<ShopState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, MerchantError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let now = crate::api::now().unix();
    verify(
        &state.webhook_key,
        header(TIMESTAMP_HEADER),
        header(SIGNATURE_HEADER),
        &body,
        now,
    )
    .map_err(|error| MerchantError::Unauthorized(error.to_string()))?;
    state.last_webhook_ms.store(
        crate::api::delivery::now_ms(),
        std::sync::atomic::Ordering::Relaxed,
    );
    let event: Event = serde_json::from_slice(&body)
        .map_err(|_| MerchantError::BadRequest("the webhook body is not an event".into()))?;

    if state.records.handled(&event.id).await? {
        return Ok(Json(json!({"received": event.id, "duplicate": true})));
    }
    if event.data.object == "charge" && owns_charge(&state, &event.data.id).await? {
        refresh(&state, &event.data.id).await?;
        tracing::info!(event = %event.id, key = %event.key, charge = %event.data.id, "webhook handled");
    }
    state
        .records
        .mark_handled(&event.id, crate::api::delivery::now_ms())
        .await?;
    Ok(Json(json!({"received": event.id})))
}
