//! Orders and their charges: the merchant side of DESIGN.md's contract.
//!
//! The amount is always the order's: the browser names an order and a source, never an
//! amount, and a source whose amount or currency differs from the order's is refused.
//!
//! The shop keeps its own copy of each charge, refreshed from the gateway when a webhook says
//! it changed ([`super::webhooks`]); status requests read that copy and wait on it, so waiting
//! customers cost the gateway nothing. Should webhooks stop arriving, a copy older than
//! [`FALLBACK_REFRESH_MS`] is re-read once for all its waiters (while they arrive, only one
//! older than [`SLOW_FALLBACK_REFRESH_MS`]).

use super::error::MerchantError;
use super::{ShopState, PRODUCT};
use crate::api::delivery::now_ms;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use paywasm_core::ids::{self, PrefixedId};
use paywasm_core::money::{Amount, Currency};
use paywasm_core::objects::{ChargeStatus, CheckoutCharge};
use rusqlite::OptionalExtension;
use serde::Deserialize;
use std::time::{Duration, Instant};

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orders (
    id          TEXT PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    product     TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    paid        INTEGER NOT NULL DEFAULT 0
);
";

/// An order of the shop.
#[derive(Debug, Clone)]
pub struct Order {
    /// `ord_...`.
    pub id: String,
    /// What it costs.
    pub amount: Amount,
    /// In what.
    pub currency: Currency,
    /// Whether a charge for it succeeded.
    pub paid: bool,
}

/// Opens an order for the shop's product.
pub(crate) fn create_order(state: &ShopState) -> Result<Order, MerchantError> {
    create_order_for(state, PRODUCT.name, Amount(PRODUCT.amount), Currency::thb())
}

/// Opens an order for `product` at `amount`.
pub(crate) fn create_order_for(
    state: &ShopState,
    product: &str,
    amount: Amount,
    currency: Currency,
) -> Result<Order, MerchantError> {
    let id = String::from(crate::ids::new::<ids::OrderId>());
    let now = crate::api::now().unix();
    state.store.call(|db| {
        db.execute(
            "INSERT INTO orders (id, created_at, product, amount, currency) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![id, now, product, amount.0, currency.as_str()],
        )
    })?;
    Ok(Order {
        id,
        amount,
        currency,
        paid: false,
    })
}

pub(crate) fn find_order(state: &ShopState, id: &str) -> Result<Option<Order>, MerchantError> {
    let row = state.store.call(|db| {
        db.query_row(
            "SELECT amount, currency, paid FROM orders WHERE id = ?1",
            [id],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, bool>(2)?,
                ))
            },
        )
        .optional()
    })?;
    row.map(|(amount, currency, paid)| {
        Ok(Order {
            id: id.to_owned(),
            amount: Amount(amount),
            currency: Currency::parse(&currency)?,
            paid,
        })
    })
    .transpose()
}

/// While webhooks arrive, a pending copy older than this is still re-read once (a single lost
/// delivery waits for the gateway's retry otherwise).
pub const SLOW_FALLBACK_REFRESH_MS: i64 = 60_000;
/// When no webhook has arrived for this long, pending copies older than this are re-read: the
/// webhooks may be misconfigured or down. Re-reading every waiting charge this often costs the
/// gateway a read per charge every 10 s (1,000 a second at 10,000 waiting customers), which is
/// why it is not done while webhooks flow (BENCHMARKS.md).
pub const FALLBACK_REFRESH_MS: i64 = 10_000;

/// How old a pending copy may get before it is re-read, given how recently a webhook came.
pub(crate) fn refresh_after_ms(state: &ShopState, now_ms: i64) -> i64 {
    let last = state
        .last_webhook_ms
        .load(std::sync::atomic::Ordering::Relaxed);
    if now_ms - last >= FALLBACK_REFRESH_MS {
        FALLBACK_REFRESH_MS
    } else {
        SLOW_FALLBACK_REFRESH_MS
    }
}

/// Re-reads a charge from the gateway (the seeds' advice after a webhook), keeps the copy
/// (which wakes the charge's waiters), and pays the order if it succeeded.
pub(crate) async fn refresh(
    state: &ShopState,
    charge_id: &str,
) -> Result<CheckoutCharge, MerchantError> {
    let charge = state.gateway.charge(charge_id).await?;
    let copy = CheckoutCharge::from(&charge);
    if charge.status == ChargeStatus::Successful {
        if let Some(order) = state.records.order_of(charge_id).await? {
            state
                .store
                .call(|db| db.execute("UPDATE orders SET paid = 1 WHERE id = ?1", [&order]))?;
        }
    }
    state.records.update_copy(&copy, now_ms()).await?;
    Ok(copy)
}

/// Whether the shop has a charge with this id.
pub(crate) async fn owns_charge(state: &ShopState, charge_id: &str) -> Result<bool, MerchantError> {
    Ok(state.records.order_of(charge_id).await?.is_some())
}

/// `POST /checkout/charges` body.
#[derive(Debug, Deserialize)]
pub struct CreateCharge {
    /// The source the widget created (`src_...`).
    pub source: String,
    /// The shop's order reference.
    pub order: String,
}

pub(crate) async fn charges_create(
    State(state): State<ShopState>,
    body: Result<Json<CreateCharge>, JsonRejection>,
) -> Result<(StatusCode, Json<CheckoutCharge>), MerchantError> {
    let Json(request) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!(
            "send JSON {{\"source\": \"src_...\", \"order\": \"...\"}}: {}",
            rejection.body_text()
        ))
    })?;
    if ids::SourceId::parse(&request.source).is_none() {
        return Err(MerchantError::BadRequest(
            "source must be a source id (src_...)".into(),
        ));
    }
    let order = find_order(&state, &request.order)?
        .ok_or_else(|| MerchantError::NotFound(format!("order {} was not found", request.order)))?;
    if order.paid {
        return Err(MerchantError::Refused(
            "order_paid",
            format!("order {} is already paid", order.id),
        ));
    }
    let source = state.gateway.source(&request.source).await?;
    if source.amount != order.amount || source.currency != order.currency {
        return Err(MerchantError::Refused(
            "amount_mismatch",
            format!(
                "the source is for {} {} but the order costs {} {}",
                source.currency.format_decimal(source.amount),
                source.currency,
                order.currency.format_decimal(order.amount),
                order.currency
            ),
        ));
    }
    let return_uri = format!("{}/return?order={}", state.shop_url, order.id);
    // One charge per order and source, however often the widget or this server repeats the
    // request after a lost answer: the gateway answers a repeated key with the first charge.
    let key = format!("checkout-{}-{}", order.id, source.id);
    let charge = state
        .gateway
        .create_charge_idempotent(
            &[
                ("amount", order.amount.0.to_string()),
                ("currency", order.currency.to_string()),
                ("source", source.id.clone()),
                ("return_uri", return_uri),
                (
                    "description",
                    format!("{} (order {})", PRODUCT.name, order.id),
                ),
                ("metadata[order_id]", order.id.clone()),
            ],
            &key,
        )
        .await?;
    let copy = CheckoutCharge::from(&charge);
    state
        .records
        .record_charge(&order.id, &copy, now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(copy)))
}

/// Query of `GET /checkout/charges/:id`.
#[derive(Debug, Deserialize)]
pub struct Wait {
    /// Seconds to hold the request while the charge is pending (at most 30).
    pub wait: Option<u32>,
}

/// Longest hold of a status request.
const MAX_WAIT_SECS: u32 = 30;

pub(crate) async fn charges_show(
    State(state): State<ShopState>,
    Path(id): Path<String>,
    Query(query): Query<Wait>,
) -> Result<Json<CheckoutCharge>, MerchantError> {
    let wait = Duration::from_secs(u64::from(query.wait.unwrap_or(0).min(MAX_WAIT_SECS)));
    let deadline = Instant::now() + wait;
    // Registered before the first read, so a webhook between the read and the wait still wakes it.
    let mut waiting = state.records.waiters().wait_on(&id);
    loop {
        // Only the shop's own charges: a browser cannot read arbitrary charges through the shop.
        let (mut charge, refreshed_ms) = state
            .records
            .copy(&id)
            .await?
            .ok_or_else(|| MerchantError::NotFound(format!("charge {id} was not found")))?;
        let age_ms = now_ms() - refreshed_ms;
        let refresh_after = refresh_after_ms(&state, now_ms());
        if charge.status == ChargeStatus::Pending && age_ms >= refresh_after {
            charge = refresh(&state, &id).await?;
        }
        let now = Instant::now();
        if charge.status != ChargeStatus::Pending || now >= deadline {
            return Ok(Json(charge));
        }
        // Checked again at least every FALLBACK_REFRESH_MS, in case webhooks stop meanwhile.
        let until_refresh = Duration::from_millis(
            u64::try_from((refresh_after - age_ms).min(FALLBACK_REFRESH_MS)).unwrap_or(0),
        );
        tokio::select! {
            _ = waiting.changed() => {}
            _ = tokio::time::sleep_until(deadline.min(now + until_refresh).into()) => {}
        }
    }
}
