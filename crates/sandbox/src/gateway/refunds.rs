//! Refunds: `POST /charges/:id/refunds`, `GET /charges/:id/refunds`,
//! `GET /charges/:id/refunds/:refund_id` and `GET /refunds`.
//!
//! Per the seeds: PromptPay charges cannot be refunded (002); Alipay in-store within 12 months
//! (001) and WeChat Pay within 90 days (003), in full or in parts; Alipay CN through the Refunds
//! API (000 names no window; the sandbox allows 12 months, as for Alipay in-store). Refunds
//! never add up to more than the charge.

use super::auth::SecretKey;
use super::error::ApiError;
use super::lists::{ListParams, Page};
use super::{now, GatewayState};
use crate::api::idempotency::Answer;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use paywasm_core::ids;
use paywasm_core::money::Amount;
use paywasm_core::omise::objects::{Charge, ChargeStatus, EventKey, List, Refund};
use rusqlite::OptionalExtension;

pub(crate) fn router() -> Router<GatewayState> {
    Router::new()
        .route(
            "/charges/{id}/refunds",
            get(refunds_index).post(refunds_create),
        )
        .route("/charges/{id}/refunds/{refund_id}", get(refunds_show))
        .route("/refunds", get(refunds_all))
}

const DAY: i64 = 86_400;

/// Why a refund is refused, before any state changes.
fn check(charge: &Charge, amount: Amount, at: i64) -> Result<(), ApiError> {
    let refuse = |why: String| Err(ApiError::FailedRefund(why));
    if charge.status != ChargeStatus::Successful {
        return refuse(format!(
            "charge {} is {}: only successful charges can be refunded",
            charge.id,
            charge.status.as_str()
        ));
    }
    let Some(window) = super::charges::refund_window_secs(charge.source.source_type) else {
        return refuse(format!(
            "{} charges cannot be refunded",
            charge.source.source_type.method().display_name
        ));
    };
    let paid_at = charge
        .paid_at
        .map_or(charge.created_at.unix(), |t| t.unix());
    if at > paid_at + window {
        return refuse(format!(
            "the refund window of {} days after payment has passed",
            window / DAY
        ));
    }
    let remaining = charge.amount.0 - charge.refunded_amount.0;
    if amount.0 > remaining {
        return Err(ApiError::InvalidAmount(format!(
            "amount must be at most {remaining}, what remains to refund of this charge"
        )));
    }
    Ok(())
}

async fn refunds_create(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(charge_id): Path<String>,
    answer: Answer,
    super::Body(params): super::Body,
) -> Result<Json<Refund>, ApiError> {
    let amount = params
        .amount("amount")?
        .ok_or_else(|| ApiError::InvalidAmount("amount is required".into()))?;
    let metadata = params.metadata("metadata")?;
    Ok(Json(create(&state, &charge_id, amount, metadata, &answer)?))
}

/// Refunds `amount` of charge `charge_id` (the API, the dashboard): refused, changing nothing,
/// past the method's window or what remains of the charge.
pub(crate) fn create(
    state: &GatewayState,
    charge_id: &str,
    amount: Amount,
    metadata: serde_json::Map<String, serde_json::Value>,
    answer: &Answer,
) -> Result<Refund, ApiError> {
    // Read once through `load`, so a charge past its expiry is expired first.
    super::charges::load(state, charge_id)?;
    let endpoints = state.webhook_endpoints.clone();
    let at = now();
    // Read, check and write in one transaction: concurrent refunds cannot exceed the charge.
    let refund = state.store.call(|db| {
        let tx = db.transaction()?;
        let body: String = tx.query_row(
            "SELECT body FROM charges WHERE id = ?1",
            [charge_id],
            |row| row.get(0),
        )?;
        let mut charge: Charge = serde_json::from_str(&body)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        if let Err(refused) = check(&charge, amount, at.unix()) {
            return Ok(Err(refused));
        }
        // Seed 000: before the day's settlement an Alipay CN charge is voided, not refunded
        // (the whole charge only: no part of a payment is voided).
        let void = super::charges::voidable(&charge, at) && amount == charge.amount;
        let id = crate::ids::new::<ids::RefundId>();
        let refund = Refund {
            object: "refund".into(),
            location: format!("/charges/{}/refunds/{id}", charge.id),
            id: id.clone(),
            livemode: false,
            amount,
            currency: charge.currency.clone(),
            funding_amount: amount,
            funding_currency: charge.funding_currency.clone(),
            charge: charge.id.clone(),
            transaction: String::from(crate::ids::new::<ids::TransactionId>()),
            status: "closed".into(),
            voided: void,
            metadata,
            created_at: at,
        };
        let refund_text = crate::store::json_text(&refund)?;
        charge.refunded_amount = Amount(charge.refunded_amount.0 + amount.0);
        let remaining = charge.amount.0 - charge.refunded_amount.0;
        charge.refundable = remaining > 0;
        charge.partially_refundable = remaining > 0;
        charge.voided |= void;
        super::charges::tell_void(&mut charge, at);
        charge.refunds.data.push(refund.clone());
        charge.refunds.total += 1;
        charge.refunds.to = at;
        let body = serde_json::to_string(&charge)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        tx.execute(
            "UPDATE charges SET body = ?2 WHERE id = ?1",
            rusqlite::params![&*charge.id, body],
        )?;
        tx.execute(
            "INSERT INTO refunds (id, charge_id, created_at, body) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![&*id, &*charge.id, at.unix(), refund_text],
        )?;
        let event_data = serde_json::to_value(&refund)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        super::events::record(&tx, EventKey::RefundCreate, &event_data, &endpoints)?;
        answer.keep(&tx, &refund_text)?;
        tx.commit()?;
        Ok(Ok(refund))
    })??;
    state.wake.notify_one();
    Ok(refund)
}

fn refund_by_id(state: &GatewayState, id: &str) -> Result<Option<(String, Refund)>, ApiError> {
    Ok(state.store.call(|db| {
        db.query_row(
            "SELECT charge_id, body FROM refunds WHERE id = ?1",
            [id],
            |row| {
                let body: String = row.get(1)?;
                Ok((row.get::<_, String>(0)?, crate::store::parsed(&body)?))
            },
        )
        .optional()
    })?)
}

async fn refunds_show(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path((charge_id, refund_id)): Path<(String, String)>,
) -> Result<Json<Refund>, ApiError> {
    match refund_by_id(&state, &refund_id)? {
        Some((owner, refund)) if owner == charge_id => Ok(Json(refund)),
        _ => Err(ApiError::NotFound(format!(
            "refund {refund_id} was not found"
        ))),
    }
}

fn page_of(
    state: &GatewayState,
    page: &Page,
    charge_id: Option<&str>,
    location: &str,
) -> Result<List<Refund>, ApiError> {
    let (ids, total) = state
        .store
        .call(|db| page.query_ids_where(db, "refunds", charge_id.map(|id| ("charge_id", id))))?;
    let mut data = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some((_, refund)) = refund_by_id(state, &id)? {
            data.push(refund);
        }
    }
    Ok(page.list(data, total, location))
}

async fn refunds_index(
    State(state): State<GatewayState>,
    _: SecretKey,
    Path(charge_id): Path<String>,
    params: ListParams,
) -> Result<Json<List<Refund>>, ApiError> {
    super::charges::load(&state, &charge_id)?;
    let page = Page::from_params(&params)?;
    Ok(Json(page_of(
        &state,
        &page,
        Some(&charge_id),
        &format!("/charges/{charge_id}/refunds"),
    )?))
}

async fn refunds_all(
    State(state): State<GatewayState>,
    _: SecretKey,
    params: ListParams,
) -> Result<Json<List<Refund>>, ApiError> {
    let page = Page::from_params(&params)?;
    Ok(Json(page_of(&state, &page, None, "/refunds")?))
}
