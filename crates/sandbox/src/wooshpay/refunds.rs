//! Refunds of succeeded PaymentIntents: `POST /v1/refunds` (`payment_intent`, `amount`
//! optional: the rest), `GET /v1/refunds/:id`, `GET /v1/refunds?payment_intent=`. Partial and
//! several refunds, never more than was received (seed 004).

use super::auth::Secret;
use super::error::WpError;
use super::payment_intents::{self, Status};
use super::{now_ms, Body, WooshpayState};
use crate::api::idempotency::Answer;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywasm_core::ids;
use paywasm_core::money::Amount;
use paywasm_core::wooshpay::objects::{EventType, List, Refund, RefundReason, RefundStatus};
use rusqlite::OptionalExtension;
use std::collections::HashMap;

pub(crate) fn router() -> Router<WooshpayState> {
    Router::new()
        .route("/v1/refunds", post(create).get(index))
        .route("/v1/refunds/{id}", get(retrieve))
}

async fn create(
    State(state): State<WooshpayState>,
    _: Secret,
    answer: Answer,
    Body(params): Body,
) -> Result<Json<Refund>, WpError> {
    let intent_id = params
        .str("payment_intent")?
        .ok_or_else(|| WpError::missing("payment_intent"))?
        .to_owned();
    let asked = params.integer("amount").map_err(|_| {
        WpError::invalid(
            "amount",
            "amount must be an integer in the smallest currency unit",
        )
    })?;
    if asked.is_some_and(|amount| amount < 1) {
        return Err(WpError::invalid("amount", "amount must be at least 1"));
    }
    let reason = super::enum_param::<RefundReason>(&params, "reason")?;
    let metadata = params.metadata("metadata")?;
    refund(&state, &intent_id, asked, reason, metadata, &answer).map(Json)
}

/// Refunds `asked` (`None`: what remains) of PaymentIntent `intent_id`, kept as the `answer`
/// to the request that asked; the API's and the dashboard's one way to refund.
pub(crate) fn refund(
    state: &WooshpayState,
    intent_id: &str,
    asked: Option<i64>,
    reason: Option<RefundReason>,
    metadata: serde_json::Map<String, serde_json::Value>,
    answer: &Answer,
) -> Result<Refund, WpError> {
    let intent = payment_intents::load(state, intent_id)?;
    if intent.status != Status::Succeeded {
        return Err(WpError::UnexpectedState {
            code: "charge_not_refundable",
            message: format!(
                "PaymentIntent {intent_id} is {}: only a succeeded PaymentIntent can be refunded",
                intent.status.as_str()
            ),
        });
    }
    // Sum, check and insert in one transaction: concurrent refunds cannot exceed the payment.
    let refund = state.store.call(|db| {
        let tx = db.transaction()?;
        let refunded: i64 = tx.query_row(
            "SELECT COALESCE(SUM(amount), 0) FROM wp_refunds WHERE payment_intent = ?1",
            [intent_id],
            |row| row.get(0),
        )?;
        let remaining = intent.amount_received.0 - refunded;
        let amount = asked.unwrap_or(remaining);
        if remaining <= 0 || amount > remaining {
            return Ok(Err(remaining));
        }
        let refund = Refund {
            id: crate::ids::new::<ids::WooshpayRefundId>(),
            object: "refund".into(),
            amount: Amount(amount),
            currency: intent.currency.clone(),
            created: now_ms(),
            payment_intent: intent.id.clone(),
            reason,
            status: RefundStatus::Succeeded,
            metadata,
        };
        let body = crate::store::json_text(&refund)?;
        tx.execute(
            "INSERT INTO wp_refunds (id, payment_intent, amount, body) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![&*refund.id, intent_id, amount, body],
        )?;
        super::webhooks::record(&tx, EventType::RefundCreated, refund.clone())?;
        answer.keep(&tx, &body)?;
        tx.commit()?;
        Ok(Ok(refund))
    })?;
    state.wake.notify_one();
    refund.map_err(|remaining| {
        WpError::param(
            "amount_too_large",
            "amount",
            if remaining <= 0 {
                "This PaymentIntent has been refunded in full".to_owned()
            } else {
                format!("amount must be at most {remaining}, what remains to refund")
            },
        )
    })
}

async fn retrieve(
    State(state): State<WooshpayState>,
    _: Secret,
    Path(id): Path<String>,
) -> Result<Json<Refund>, WpError> {
    let body: Option<String> = state.store.call(|db| {
        db.query_row("SELECT body FROM wp_refunds WHERE id = ?1", [&id], |row| {
            row.get(0)
        })
        .optional()
    })?;
    let body = body.ok_or_else(|| WpError::NotFound(format!("No such refund: '{id}'")))?;
    Ok(Json(crate::store::parsed(&body)?))
}

async fn index(
    State(state): State<WooshpayState>,
    _: Secret,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<List<Refund>>, WpError> {
    let intent = query.get("payment_intent").cloned().unwrap_or_default();
    let bodies: Vec<String> = state.store.call(|db| {
        let mut statement = db.prepare(
            "SELECT body FROM wp_refunds WHERE ?1 = '' OR payment_intent = ?1 ORDER BY seq DESC LIMIT 100",
        )?;
        let rows = statement.query_map([&intent], |row| row.get(0))?;
        rows.collect()
    })?;
    let data = bodies
        .iter()
        .map(|body| crate::store::parsed(body))
        .collect::<rusqlite::Result<Vec<Refund>>>()?;
    Ok(Json(List::at("/v1/refunds", data)))
}
