//! Orders and their charges: the merchant side of DESIGN.md's contract.
//!
//! The amount is always the order's: the browser names an order and a source, never an
//! amount, and a source whose amount or currency differs from the order's is refused.

use super::{ShopState, PRODUCT};
use crate::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::objects::{Charge, ChargeStatus, CheckoutCharge};
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
CREATE TABLE IF NOT EXISTS order_charges (
    charge_id   TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    seq         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS order_charges_by_order ON order_charges (order_id, seq);
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
pub(crate) fn create_order(state: &ShopState) -> Result<Order, ApiError> {
    let id = crate::ids::new_id("ord").replacen("ord_test_", "ord_", 1);
    let now = crate::gateway::now().unix();
    state.store.call(|db| {
        db.execute(
            "INSERT INTO orders (id, created_at, product, amount, currency) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![id, now, PRODUCT.name, PRODUCT.amount, PRODUCT.currency],
        )
    })?;
    Ok(Order {
        id,
        amount: Amount(PRODUCT.amount),
        currency: Currency::thb(),
        paid: false,
    })
}

pub(crate) fn find_order(state: &ShopState, id: &str) -> Result<Option<Order>, ApiError> {
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

/// The order's latest charge, if any.
pub(crate) fn latest_charge_of(
    state: &ShopState,
    order_id: &str,
) -> Result<Option<String>, ApiError> {
    Ok(state.store.call(|db| {
        db.query_row(
            "SELECT charge_id FROM order_charges WHERE order_id = ?1 ORDER BY seq DESC LIMIT 1",
            [order_id],
            |row| row.get(0),
        )
        .optional()
    })?)
}

fn order_of_charge(state: &ShopState, charge_id: &str) -> Result<Option<String>, ApiError> {
    Ok(state.store.call(|db| {
        db.query_row(
            "SELECT order_id FROM order_charges WHERE charge_id = ?1",
            [charge_id],
            |row| row.get(0),
        )
        .optional()
    })?)
}

/// Records what the shop learnt of a charge: a successful one pays its order.
fn note_status(state: &ShopState, order_id: &str, charge: &Charge) -> Result<(), ApiError> {
    if charge.status == ChargeStatus::Successful {
        state
            .store
            .call(|db| db.execute("UPDATE orders SET paid = 1 WHERE id = ?1", [order_id]))?;
    }
    Ok(())
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
) -> Result<(StatusCode, Json<CheckoutCharge>), ApiError> {
    let Json(request) = body.map_err(|rejection| {
        ApiError::BadRequest(format!(
            "send JSON {{\"source\": \"src_...\", \"order\": \"...\"}}: {}",
            rejection.body_text()
        ))
    })?;
    if !request.source.starts_with("src_") || request.source.len() > 64 {
        return Err(ApiError::BadRequest(
            "source must be a source id (src_...)".into(),
        ));
    }
    let order = find_order(&state, &request.order)?
        .ok_or_else(|| ApiError::NotFound(format!("order {} was not found", request.order)))?;
    if order.paid {
        return Err(ApiError::Unprocessable(
            "order_paid",
            format!("order {} is already paid", order.id),
        ));
    }
    let source = state.gateway.source(&request.source).await?;
    if source.amount != order.amount || source.currency != order.currency {
        return Err(ApiError::Unprocessable(
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
    let charge = state
        .gateway
        .create_charge(&[
            ("amount", order.amount.0.to_string()),
            ("currency", order.currency.to_string()),
            ("source", source.id.clone()),
            ("return_uri", return_uri),
            (
                "description",
                format!("{} (order {})", PRODUCT.name, order.id),
            ),
            ("metadata[order_id]", order.id.clone()),
        ])
        .await?;
    state.store.call(|db| {
        db.execute(
            "INSERT INTO order_charges (charge_id, order_id, seq)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_charges WHERE order_id = ?2))",
            rusqlite::params![charge.id, order.id],
        )
    })?;
    Ok((StatusCode::CREATED, Json(CheckoutCharge::from(&charge))))
}

/// Query of `GET /checkout/charges/:id`.
#[derive(Debug, Deserialize)]
pub struct Wait {
    /// Seconds to hold the request while the charge is pending (at most 30).
    pub wait: Option<u32>,
}

/// Longest hold of a status request.
const MAX_WAIT_SECS: u32 = 30;
/// How often a held request re-reads the gateway. Webhooks will replace this.
const RECHECK: Duration = Duration::from_millis(250);

pub(crate) async fn charges_show(
    State(state): State<ShopState>,
    Path(id): Path<String>,
    Query(query): Query<Wait>,
) -> Result<Json<CheckoutCharge>, ApiError> {
    // Only the shop's own charges: a browser cannot read arbitrary charges through the shop.
    let order_id = order_of_charge(&state, &id)?
        .ok_or_else(|| ApiError::NotFound(format!("charge {id} was not found")))?;
    let wait = Duration::from_secs(u64::from(query.wait.unwrap_or(0).min(MAX_WAIT_SECS)));
    let deadline = Instant::now() + wait;
    loop {
        let charge = state.gateway.charge(&id).await?;
        note_status(&state, &order_id, &charge)?;
        if charge.status != ChargeStatus::Pending || Instant::now() + RECHECK > deadline {
            return Ok(Json(CheckoutCharge::from(&charge)));
        }
        tokio::time::sleep(RECHECK).await;
    }
}
