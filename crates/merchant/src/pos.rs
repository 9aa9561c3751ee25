//! The point of sale's endpoints (in-store, "B scan C"): the cashier scans the customer's
//! Alipay or WeChat Pay code and the merchant server charges it with the secret key, per seeds
//! 001 and 003. Only the merchant's staff may: every endpoint asks the merchant's
//! [`StaffAuth`] first, and there is no way to build them without one.
//!
//! - `POST /pos/charges` `{amount, currency, barcode, store_id, store_name, terminal_id}` with
//!   an `Idempotency-Key` per sale (required): the same key returns the same charge, so a
//!   second scan, a double Enter or a retry after a network error never charges twice; keys
//!   derived from it go to the gateway, so a retry after a lost gateway answer is safe too.
//!   The result is waited for at `GET /checkout/charges/:id?wait=N` ([`crate::checkout`]).
//! - `POST /pos/charges/:id/cancel`: expires the pending charge at the gateway;
//! - `POST /pos/charges/:id/refunds` `{amount}` (with an `Idempotency-Key`): full or partial,
//!   within the gateway's windows (Alipay in-store 12 months, WeChat Pay 90 days).

use crate::checkout::Checkout;
use crate::client::OmiseClient;
use crate::connector::Read;
use crate::error::MerchantError;
use crate::orders::Orders;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use paywasm_core::checkout::Payment;
use paywasm_core::method::SourceType;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::omise::objects::Refund;
use paywasm_core::pos::recognize;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::sync::Arc;

/// The merchant's staff authentication: who (if anyone) a request to the point of sale
/// comes from. The library serves the point of sale only with one.
pub trait StaffAuth: Send + Sync + 'static {
    /// The staff member that `headers` (a session cookie, a token) show, or `None`: the
    /// request is refused with 401 before anything else is read.
    fn staff(
        &self,
        headers: &HeaderMap,
    ) -> impl Future<Output = Result<Option<String>, MerchantError>> + Send;
}

/// What the point of sale needs of the merchant's orders beyond the checkout's.
pub trait Sales: Orders {
    /// Opens an order for an in-store sale of `amount`, described as `description`; its
    /// reference.
    fn open_sale(
        &self,
        amount: Amount,
        currency: &Currency,
        description: &str,
    ) -> impl Future<Output = Result<String, MerchantError>> + Send;

    /// `amount` of order `reference`'s charge `charge_id` was refunded (called again when a
    /// refund request is repeated: recording must be idempotent by `refund_id`).
    fn record_refund(
        &self,
        reference: &str,
        charge_id: &str,
        refund_id: &str,
        amount: Amount,
    ) -> impl Future<Output = Result<(), MerchantError>> + Send;
}

/// A sale scanned at the point of sale.
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

/// `POST /pos/charges/:id/refunds` body.
#[derive(Debug, Deserialize)]
pub struct PosRefund {
    /// In the smallest unit.
    pub amount: i64,
}

/// The point of sale of one merchant, over its checkout (the charges, their records and
/// waiting) and its staff authentication.
pub struct PointOfSale<O, A> {
    checkout: Arc<Checkout<OmiseClient, O>>,
    auth: A,
}

/// Refuses what a page of another site made a signed-in cashier's browser send (cross-site
/// request forgery): the browser says where a request comes from (`Sec-Fetch-Site`, or
/// `Origin` in older browsers). The session cookie's `SameSite` is the first defence; this
/// one does not depend on how the merchant's cookie is set. Requests from other programs
/// (no such headers) are left to the staff authentication.
pub fn refuse_cross_site(headers: &HeaderMap) -> Result<(), MerchantError> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let forged = match (text("sec-fetch-site"), text("origin")) {
        (Some(site), _) => !matches!(site, "same-origin" | "same-site" | "none"),
        (None, Some(origin)) => {
            let host = text("host").unwrap_or_default();
            origin
                .split_once("://")
                .is_none_or(|(_, authority)| authority != host)
        }
        (None, None) => false,
    };
    if forged {
        return Err(MerchantError::Forbidden(
            "the point of sale takes requests from its own pages only".into(),
        ));
    }
    Ok(())
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

impl<O: Sales, A: StaffAuth> PointOfSale<O, A> {
    /// The point of sale of `checkout`'s merchant, for the staff `auth` admits.
    pub fn new(checkout: Arc<Checkout<OmiseClient, O>>, auth: A) -> Arc<Self> {
        Arc::new(Self { checkout, auth })
    }

    /// The routes: `/pos/charges`, `/pos/charges/{id}/cancel`, `/pos/charges/{id}/refunds`.
    pub fn routes(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/pos/charges", post(charges_create::<O, A>))
            .route("/pos/charges/{id}/cancel", post(charges_cancel::<O, A>))
            .route("/pos/charges/{id}/refunds", post(refunds_create::<O, A>))
            .with_state(self.clone())
    }

    /// The staff member `headers` show, or a 401; a request another site made the cashier's
    /// browser send is refused first (403).
    async fn staff(&self, headers: &HeaderMap) -> Result<String, MerchantError> {
        refuse_cross_site(headers)?;
        self.auth.staff(headers).await?.ok_or_else(|| {
            MerchantError::Unauthorized(
                "sign in at the point of sale first: only the shop's staff may charge".into(),
            )
        })
    }

    /// Charges `sale` once under `key`: a repeat gets the first charge (200), a first one
    /// the new charge (201).
    pub async fn charge(
        &self,
        key: &str,
        sale: &PosCharge,
        staff: &str,
    ) -> Result<(StatusCode, Payment), MerchantError> {
        let code = recognize(&sale.barcode)
            .map_err(|error| MerchantError::BadRequest(format!("{error}")))?;
        let currency = Currency::parse(&sale.currency)?;
        let amount = Amount(sale.amount);
        code.source_type.method().check(amount, &currency)?;
        let fingerprint = serde_json::to_string(sale)?;
        let records = self.checkout.records();
        let started = match records.sale(key).await? {
            Some(sale) => sale,
            None => {
                let description = format!("In-store sale ({}, {staff})", sale.terminal_id);
                let order = self
                    .checkout
                    .orders()
                    .open_sale(amount, &currency, &description)
                    .await?;
                // Another instance may have started it meanwhile: the sale kept is the one.
                records.start_sale(key, &fingerprint, &order).await?
            }
        };
        if started.fingerprint != fingerprint {
            return Err(MerchantError::Refused(
                "idempotency_key_in_use",
                "this Idempotency-Key was used for a different sale".into(),
            ));
        }
        if let Some(charge_id) = &started.charge {
            let (charge, _) = records
                .copy(charge_id)
                .await?
                .ok_or_else(|| MerchantError::Internal("a recorded sale lost its charge".into()))?;
            return Ok((StatusCode::OK, charge));
        }
        // Started before but its answer was lost, or new: the gateway's idempotency keys
        // return the charge it already made.
        let order = started.order;
        let common = [
            ("amount", amount.0.to_string()),
            ("currency", currency.to_string()),
            ("description", format!("In-store sale (order {order})")),
            ("metadata[order_id]", order.clone()),
        ];
        let gateway = self.checkout.gateway();
        let charge = match code.source_type {
            // Seed 001: a source with the store and terminal, then the charge.
            SourceType::BarcodeAlipay => {
                let source = gateway
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
                params.push(("source", source.id.into()));
                gateway
                    .create_charge_idempotent(&params, &format!("pos-{key}-charge"))
                    .await?
            }
            // Seed 003: one call, the source inline.
            _ => {
                let mut params = common.to_vec();
                params.push(("source[type]", "wechat_pay_upm".into()));
                params.push(("source[barcode]", code.digits.clone()));
                gateway
                    .create_charge_idempotent(&params, &format!("pos-{key}-charge"))
                    .await?
            }
        };
        // A code paid on the spot is final in the gateway's answer: the order is told now, as
        // the charge is kept (its webhook may have come before the charge was known here).
        let copy = self.checkout.record(&order, &Read::from(&charge)).await?;
        records.finish_sale(key, &charge.id).await?;
        tracing::info!(%order, charge = %charge.id, %staff, "in-store sale charged");
        Ok((StatusCode::CREATED, copy))
    }

    /// The order of in-store charge `id`, or a 404: the point of sale acts on the sales made
    /// at it only, never on an online customer's charge.
    async fn order_of(&self, id: &str) -> Result<String, MerchantError> {
        self.checkout
            .records()
            .sale_of_charge(id)
            .await?
            .ok_or_else(|| MerchantError::NotFound(format!("no in-store sale made charge {id}")))
    }

    /// Expires pending charge `id` at the gateway: the customer did not pay.
    pub async fn cancel(&self, id: &str) -> Result<Payment, MerchantError> {
        self.order_of(id).await?;
        self.checkout.gateway().expire(id).await?;
        self.checkout.refresh(id).await
    }

    /// Refunds `amount` of charge `id` once under `key`.
    pub async fn refund(&self, id: &str, amount: i64, key: &str) -> Result<Refund, MerchantError> {
        let order = self.order_of(id).await?;
        let refund = self
            .checkout
            .gateway()
            .refund(id, amount, &format!("pos-refund-{key}"))
            .await?;
        self.checkout
            .orders()
            .record_refund(&order, id, &refund.id, refund.amount)
            .await?;
        self.checkout.refresh(id).await?;
        Ok(refund)
    }
}

async fn charges_create<O: Sales, A: StaffAuth>(
    State(pos): State<Arc<PointOfSale<O, A>>>,
    headers: HeaderMap,
    body: Result<Json<PosCharge>, JsonRejection>,
) -> Result<(StatusCode, Json<Payment>), MerchantError> {
    let staff = pos.staff(&headers).await?;
    let key = idempotency_key(&headers)?;
    let Json(sale) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!("send the sale as JSON: {}", rejection.body_text()))
    })?;
    let (status, charge) = pos.charge(&key, &sale, &staff).await?;
    Ok((status, Json(charge)))
}

async fn charges_cancel<O: Sales, A: StaffAuth>(
    State(pos): State<Arc<PointOfSale<O, A>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Payment>, MerchantError> {
    pos.staff(&headers).await?;
    Ok(Json(pos.cancel(&id).await?))
}

async fn refunds_create<O: Sales, A: StaffAuth>(
    State(pos): State<Arc<PointOfSale<O, A>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<PosRefund>, JsonRejection>,
) -> Result<Json<Refund>, MerchantError> {
    pos.staff(&headers).await?;
    let key = idempotency_key(&headers)?;
    let Json(refund) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!(
            "send {{\"amount\": ...}}: {}",
            rejection.body_text()
        ))
    })?;
    Ok(Json(pos.refund(&id, refund.amount, &key).await?))
}
