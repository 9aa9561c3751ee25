//! The point of sale's endpoints (in-store, "B scan C"): the cashier scans the customer's
//! Alipay or WeChat Pay code and the shop charges it with the secret key, per seeds 001 and 003.
//!
//! - `POST /pos/charges` `{amount, currency, barcode, store_id, store_name, terminal_id}` with
//!   an `Idempotency-Key` per sale (required): the same key returns the same charge, so a second
//!   scan, a double Enter or a retry after a network error never charges twice. The shop passes
//!   keys derived from it to the gateway, so a retry after a lost gateway answer is safe too.
//! - `GET /checkout/charges/:id?wait=N` (shared with the online checkout) to wait for the result;
//! - `POST /pos/charges/:id/cancel`: expires the pending charge at the gateway;
//! - `POST /pos/charges/:id/refunds` `{amount}` (with an `Idempotency-Key`): full or partial,
//!   within the gateway's windows (Alipay in-store 12 months, WeChat Pay 90 days).
//!
//! In production these endpoints belong behind the POS staff's authentication; the demo shop
//! has none.

use super::checkout::create_order_for;
use super::error::MerchantError;
use super::ShopState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use paywasm_core::method::SourceType;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::objects::CheckoutCharge;
use paywasm_core::pos::recognize;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS pos_sales (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    charge_id    TEXT
);
";

/// A sale scanned at the POS.
#[derive(Debug, Deserialize, Serialize)]
pub struct PosCharge {
    /// In the smallest unit.
    pub amount: i64,
    /// `THB`.
    pub currency: String,
    /// The customer's payment code, as scanned.
    pub barcode: String,
    /// The store.
    pub store_id: String,
    /// The store's name.
    pub store_name: Option<String>,
    /// The terminal.
    pub terminal_id: String,
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, MerchantError> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_owned)
        .ok_or_else(|| {
            MerchantError::BadRequest("send an Idempotency-Key header, one per sale".into())
        })
}

pub(crate) async fn pos_charges_create(
    State(state): State<ShopState>,
    headers: HeaderMap,
    body: Result<Json<PosCharge>, JsonRejection>,
) -> Result<(StatusCode, Json<CheckoutCharge>), MerchantError> {
    let key = idempotency_key(&headers)?;
    let Json(sale) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!("send the sale as JSON: {}", rejection.body_text()))
    })?;
    let code =
        recognize(&sale.barcode).map_err(|error| MerchantError::BadRequest(format!("{error}")))?;
    let currency = Currency::parse(&sale.currency)?;
    let amount = Amount(sale.amount);
    code.source_type.method().check(amount, &currency)?;
    let fingerprint = serde_json::to_string(&sale).map_err(crate::store::StoreError::from)?;

    let existing = state.store.call(|db| {
        db.query_row(
            "SELECT fingerprint, order_id, charge_id FROM pos_sales WHERE key = ?1",
            [&key],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                ))
            },
        )
        .optional()
    })?;
    let order_id = match existing {
        Some((first, _, _)) if first != fingerprint => {
            return Err(MerchantError::Refused(
                "idempotency_key_in_use",
                "this Idempotency-Key was used for a different sale".into(),
            ));
        }
        Some((_, _, Some(charge_id))) => {
            let (charge, _) = state
                .checkout
                .records()
                .copy(&charge_id)
                .await?
                .ok_or_else(|| MerchantError::Internal("a recorded sale lost its charge".into()))?;
            return Ok((StatusCode::OK, Json(charge)));
        }
        // Started before but its answer was lost: run again; the gateway's idempotency keys
        // return the charge it already made.
        Some((_, order_id, None)) => order_id,
        None => {
            let order = create_order_for(&state, "In-store sale", amount, currency.clone())?;
            state.store.call(|db| {
                db.execute(
                    "INSERT INTO pos_sales (key, fingerprint, order_id) VALUES (?1, ?2, ?3)",
                    rusqlite::params![key, fingerprint, order.id],
                )
            })?;
            order.id
        }
    };

    let common = [
        ("amount", amount.0.to_string()),
        ("currency", currency.to_string()),
        ("description", format!("In-store sale (order {order_id})")),
        ("metadata[order_id]", order_id.clone()),
    ];
    let charge = match code.source_type {
        // Seed 001: a source with the store and terminal, then the charge.
        SourceType::BarcodeAlipay => {
            let source = state
                .checkout
                .gateway()
                .create_source_idempotent(
                    &[
                        ("type", "barcode_alipay".into()),
                        ("amount", amount.0.to_string()),
                        ("currency", currency.to_string()),
                        ("barcode", code.digits.clone()),
                        ("store_id", sale.store_id.clone()),
                        ("store_name", sale.store_name.clone().unwrap_or_default()),
                        ("terminal_id", sale.terminal_id.clone()),
                    ],
                    &format!("pos-{key}-source"),
                )
                .await?;
            let mut params = common.to_vec();
            params.push(("source", source.id));
            state
                .checkout
                .gateway()
                .create_charge_idempotent(&params, &format!("pos-{key}-charge"))
                .await?
        }
        // Seed 003: one call, the source inline.
        _ => {
            let mut params = common.to_vec();
            params.push(("source[type]", "wechat_pay_upm".into()));
            params.push(("source[barcode]", code.digits.clone()));
            state
                .checkout
                .gateway()
                .create_charge_idempotent(&params, &format!("pos-{key}-charge"))
                .await?
        }
    };
    let copy = CheckoutCharge::from(&charge);
    state
        .checkout
        .records()
        .record_charge(&order_id, &copy, crate::api::delivery::now_ms())
        .await?;
    state.store.call(|db| {
        db.execute(
            "UPDATE pos_sales SET charge_id = ?2 WHERE key = ?1",
            rusqlite::params![key, charge.id],
        )
    })?;
    Ok((StatusCode::CREATED, Json(copy)))
}

pub(crate) async fn pos_charges_cancel(
    State(state): State<ShopState>,
    Path(id): Path<String>,
) -> Result<Json<CheckoutCharge>, MerchantError> {
    if !state.checkout.owns(&id).await? {
        return Err(MerchantError::NotFound(format!(
            "charge {id} was not found"
        )));
    }
    state.checkout.gateway().expire(&id).await?;
    Ok(Json(state.checkout.refresh(&id).await?))
}

/// `POST /pos/charges/:id/refunds` body.
#[derive(Debug, Deserialize)]
pub struct PosRefund {
    /// In the smallest unit.
    pub amount: i64,
}

pub(crate) async fn pos_refunds_create(
    State(state): State<ShopState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<PosRefund>, JsonRejection>,
) -> Result<Json<Value>, MerchantError> {
    let key = idempotency_key(&headers)?;
    let Json(refund) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!(
            "send {{\"amount\": ...}}: {}",
            rejection.body_text()
        ))
    })?;
    if !state.checkout.owns(&id).await? {
        return Err(MerchantError::NotFound(format!(
            "charge {id} was not found"
        )));
    }
    let refund = state
        .checkout
        .gateway()
        .refund(&id, refund.amount, &format!("pos-refund-{key}"))
        .await?;
    state.checkout.refresh(&id).await?;
    Ok(Json(refund))
}
