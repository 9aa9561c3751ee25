//! The widget's merchant contract on the Omise API (README, "Merchant server contract"):
//!
//! - `POST /checkout/charges` with `{"source", "order"}`: charges the order's amount (never
//!   one from the browser) after checking that the source was made for it; one charge per
//!   order and source, however often the request is repeated;
//! - `GET /checkout/charges/:id?wait=N`: this merchant's charge, held up to N seconds (at
//!   most 30) while pending, woken by the webhook that changes it;
//! - `POST /webhooks/omise`: the gateway's signed events, verified with their timestamp,
//!   handled once each, and re-read from the gateway rather than trusted.
//!
//! Status requests read the merchant's copy of each charge ([`crate::records`]), so waiting
//! customers cost the gateway nothing. Should webhooks stop arriving, a copy older than
//! [`FALLBACK_REFRESH_MS`] is re-read once for all its waiters (while they arrive, only one
//! older than [`SLOW_FALLBACK_REFRESH_MS`]).

use crate::client::OmiseClient;
use crate::error::MerchantError;
use crate::orders::Orders;
use crate::records::Records;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywasm_core::ids::{PrefixedId, SourceId};
use paywasm_core::objects::{ChargeStatus, CheckoutCharge};
use paywasm_core::webhook::{verify, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// While webhooks arrive, a pending copy older than this is still re-read once (a single lost
/// delivery waits for the gateway's retry otherwise).
pub const SLOW_FALLBACK_REFRESH_MS: i64 = 60_000;
/// When no webhook has arrived for this long, pending copies older than this are re-read: the
/// webhooks may be misconfigured or down. Re-reading every waiting charge this often costs the
/// gateway a read per charge every 10 s (1,000 a second at 10,000 waiting customers), which is
/// why it is not done while webhooks flow (BENCHMARKS.md).
pub const FALLBACK_REFRESH_MS: i64 = 10_000;

/// Longest hold of a status request, in seconds.
pub const MAX_WAIT_SECS: u32 = 30;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// `url` with the `order` query parameter `reference` (encoded: a merchant's references may
/// hold any character): where a customer returns to.
pub(crate) fn with_order(url: &str, reference: &str) -> Result<String, MerchantError> {
    let mut url = reqwest::Url::parse(url).map_err(|error| {
        MerchantError::Internal(format!("the return URL {url:?} is not a URL: {error}"))
    })?;
    url.query_pairs_mut().append_pair("order", reference);
    Ok(url.into())
}

/// The Omise checkout of one merchant: its orders, its records, its client of the gateway.
pub struct Checkout<O> {
    orders: O,
    records: Records,
    gateway: OmiseClient,
    webhook_key: Vec<u8>,
    return_url: String,
    /// When the last verified webhook arrived here, or was handled by any instance as the
    /// records last said (ms): the fallback refresh depends on it.
    last_webhook_ms: AtomicI64,
    /// When the records were last asked for it (ms): at most once a second.
    last_webhook_checked_ms: AtomicI64,
}

impl<O: Orders> Checkout<O> {
    /// The checkout of `orders`, kept in `records`, through `gateway`; webhooks are signed
    /// with `webhook_key` (the decoded secret); after an `app_redirect` the customer returns
    /// to `return_url` with `?order=` (or `&order=`) and the order's reference.
    ///
    /// `return_url` is the merchant's public address, the same on every instance: a charge
    /// request that one instance sent before it died is sent again by the instance the
    /// customer moves to, under the same `Idempotency-Key`, and the gateway takes it for the
    /// same request only if its body is the same.
    pub fn new(
        orders: O,
        records: Records,
        gateway: OmiseClient,
        webhook_key: Vec<u8>,
        return_url: String,
    ) -> Arc<Self> {
        Arc::new(Self {
            orders,
            records,
            gateway,
            webhook_key,
            return_url,
            // Webhooks are presumed to flow from the start; silence is noticed after 10 s.
            last_webhook_ms: AtomicI64::new(now_ms()),
            last_webhook_checked_ms: AtomicI64::new(0),
        })
    }

    /// The routes of the contract: `/checkout/charges`, `/checkout/charges/{id}` (what the
    /// browser calls: give them the CORS a hosted page needs) and `/webhooks/omise`.
    pub fn routes(self: &Arc<Self>) -> (Router, Router) {
        let browser = Router::new()
            .route("/checkout/charges", post(charges_create::<O>))
            .route("/checkout/charges/{id}", get(charges_show::<O>))
            .with_state(self.clone());
        let webhooks = Router::new()
            .route("/webhooks/omise", post(webhooks_receive::<O>))
            .with_state(self.clone());
        (browser, webhooks)
    }

    /// The merchant's records.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// The client of the gateway.
    pub fn gateway(&self) -> &OmiseClient {
        &self.gateway
    }

    /// The merchant's orders.
    pub fn orders(&self) -> &O {
        &self.orders
    }

    /// Whether `charge_id` is one of this merchant's charges.
    pub async fn owns(&self, charge_id: &str) -> Result<bool, MerchantError> {
        Ok(self.records.order_of(charge_id).await?.is_some())
    }

    /// Re-reads a charge from the gateway (the seeds' advice after a webhook), tells the
    /// merchant's orders how it ended, and keeps the copy, which wakes its waiters.
    pub async fn refresh(&self, charge_id: &str) -> Result<CheckoutCharge, MerchantError> {
        let charge = self.gateway.charge(charge_id).await?;
        let copy = CheckoutCharge::from(&charge);
        if let Some(order) = self.records.order_of(charge_id).await? {
            match charge.status {
                ChargeStatus::Successful => self.orders.record_payment(&order, charge_id).await?,
                ChargeStatus::Failed | ChargeStatus::Expired => {
                    self.orders
                        .record_failure(&order, charge_id, copy.failure_code.as_deref())
                        .await?
                }
                _ => {}
            }
        }
        self.records.update_copy(&copy, now_ms()).await?;
        Ok(copy)
    }

    /// Charges order `reference` with source `source_id`, or refuses.
    pub async fn charge(
        &self,
        reference: &str,
        source_id: &str,
    ) -> Result<CheckoutCharge, MerchantError> {
        if SourceId::parse(source_id).is_none() {
            return Err(MerchantError::BadRequest(
                "source must be a source id (src_...)".into(),
            ));
        }
        let order = crate::orders::payable(&self.orders, reference).await?;
        let source = self.gateway.source(source_id).await?;
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
        let return_uri = with_order(&self.return_url, reference)?;
        // One charge per order and source, however often the widget or this server repeats the
        // request after a lost answer: the gateway answers a repeated key with the first charge.
        let key = format!("checkout-{reference}-{}", source.id);
        let charge = self
            .gateway
            .create_charge_idempotent(
                &[
                    ("amount", order.amount.0.to_string()),
                    ("currency", order.currency.to_string()),
                    ("source", source.id.clone()),
                    ("return_uri", return_uri),
                    ("description", order.description.clone()),
                    ("metadata[order_id]", reference.to_owned()),
                ],
                &key,
            )
            .await?;
        let copy = CheckoutCharge::from(&charge);
        self.records
            .record_charge(reference, &copy, now_ms())
            .await?;
        Ok(copy)
    }

    /// How old a pending copy may get before it is re-read, given how recently a webhook came
    /// to any instance. With several instances, the gateway's deliveries may all reach
    /// another one: before this instance takes the webhooks for stopped, it asks the records
    /// (at most once a second), which know when any instance last handled one.
    async fn refresh_after_ms(&self, now_ms: i64) -> Result<i64, MerchantError> {
        let silent = |last: i64| now_ms - last >= FALLBACK_REFRESH_MS;
        let mut last = self.last_webhook_ms.load(Ordering::Relaxed);
        if silent(last)
            && now_ms - self.last_webhook_checked_ms.swap(now_ms, Ordering::Relaxed) >= 1_000
        {
            if let Some(handled) = self.records.last_webhook_ms().await? {
                last = last.max(handled);
                self.last_webhook_ms.fetch_max(handled, Ordering::Relaxed);
            }
        }
        Ok(if silent(last) {
            FALLBACK_REFRESH_MS
        } else {
            SLOW_FALLBACK_REFRESH_MS
        })
    }

    /// This merchant's charge `charge_id`, once it is no longer pending or `wait` has passed.
    pub async fn status(
        &self,
        charge_id: &str,
        wait: Duration,
    ) -> Result<CheckoutCharge, MerchantError> {
        let deadline = Instant::now() + wait;
        // Registered before the first read, so a change between the read and the wait still
        // wakes it.
        let mut waiting = self.records.waiters().wait_on(charge_id);
        loop {
            // Only the merchant's own charges: a browser cannot read arbitrary charges here.
            let (mut charge, refreshed_ms) =
                self.records.copy(charge_id).await?.ok_or_else(|| {
                    MerchantError::NotFound(format!("charge {charge_id} was not found"))
                })?;
            let age_ms = now_ms() - refreshed_ms;
            let refresh_after = self.refresh_after_ms(now_ms()).await?;
            if charge.status == ChargeStatus::Pending && age_ms >= refresh_after {
                charge = self.refresh(charge_id).await?;
            }
            let now = Instant::now();
            if charge.status != ChargeStatus::Pending || now >= deadline {
                return Ok(charge);
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

    /// Handles one webhook delivery: its signature and timestamp verified, each event once, the
    /// charge re-read from the gateway. What it answers (`{"received": id}`), or why not: a
    /// failure is a 5xx so that the gateway delivers the event again.
    pub async fn receive_webhook(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Value, MerchantError> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        verify(
            &self.webhook_key,
            header(TIMESTAMP_HEADER),
            header(SIGNATURE_HEADER),
            body,
            now_ms() / 1_000,
        )
        .map_err(|error| MerchantError::Unauthorized(error.to_string()))?;
        self.last_webhook_ms.store(now_ms(), Ordering::Relaxed);
        let event: Event = serde_json::from_slice(body)
            .map_err(|_| MerchantError::BadRequest("the webhook body is not an event".into()))?;
        if self.records.handled(&event.id).await? {
            return Ok(json!({"received": event.id, "duplicate": true}));
        }
        if event.data.object == "charge" && self.owns(&event.data.id).await? {
            self.refresh(&event.data.id).await?;
            tracing::info!(event = %event.id, key = %event.key, charge = %event.data.id, "webhook handled");
        }
        self.records.mark_handled(&event.id, now_ms()).await?;
        Ok(json!({"received": event.id}))
    }
}

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

/// `POST /checkout/charges` body.
#[derive(Debug, Deserialize)]
struct CreateCharge {
    /// The source the widget created (`src_...`).
    source: String,
    /// The merchant's order reference.
    order: String,
}

async fn charges_create<O: Orders>(
    State(checkout): State<Arc<Checkout<O>>>,
    body: Result<Json<CreateCharge>, JsonRejection>,
) -> Result<(StatusCode, Json<CheckoutCharge>), MerchantError> {
    let Json(request) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!(
            "send JSON {{\"source\": \"src_...\", \"order\": \"...\"}}: {}",
            rejection.body_text()
        ))
    })?;
    let charge = checkout.charge(&request.order, &request.source).await?;
    Ok((StatusCode::CREATED, Json(charge)))
}

/// Query of `GET /checkout/charges/:id`.
#[derive(Debug, Deserialize)]
struct Wait {
    /// Seconds to hold the request while the charge is pending (at most [`MAX_WAIT_SECS`]).
    wait: Option<u32>,
}

async fn charges_show<O: Orders>(
    State(checkout): State<Arc<Checkout<O>>>,
    Path(id): Path<String>,
    Query(query): Query<Wait>,
) -> Result<Json<CheckoutCharge>, MerchantError> {
    let wait = Duration::from_secs(u64::from(query.wait.unwrap_or(0).min(MAX_WAIT_SECS)));
    Ok(Json(checkout.status(&id, wait).await?))
}

async fn webhooks_receive<O: Orders>(
    State(checkout): State<Arc<Checkout<O>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, MerchantError> {
    Ok(Json(checkout.receive_webhook(&headers, &body).await?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_return_url_names_the_order_encoded() {
        let url = super::with_order("https://shop.example/return", "ord_1").unwrap();
        assert_eq!(url, "https://shop.example/return?order=ord_1");
        let url = super::with_order("https://shop.example/pay?step=2", "A&B 1").unwrap();
        assert_eq!(url, "https://shop.example/pay?step=2&order=A%26B+1");
        assert!(super::with_order("not a url", "ord_1").is_err());
    }
}
