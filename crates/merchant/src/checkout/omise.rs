//! Omise's part of the contract: `POST /checkout/charges` with `{"source", "order"}` charges
//! the order's amount (never one from the browser) after checking that the source the widget
//! made was made for it; one charge per order and source, however often the request is
//! repeated, and one payable charge per order (its earlier ones are ended first).

use super::{with_order, Checkout, Gateway};
use crate::client::OmiseClient;
use crate::connector::{Connector, Read};
use crate::error::MerchantError;
use crate::orders::Orders;
use crate::records::now_ms;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{post, MethodRouter};
use axum::Json;
use paywasm_core::checkout::{Payment, Status};
use paywasm_core::ids::{PrefixedId, SourceId};
use paywasm_core::method::Flow;
use paywasm_core::omise::objects::Charge;
use paywasm_core::time::Timestamp;
use serde::Deserialize;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most a charge request works on its order, gateway calls included: past it the
/// customer is asked to try again (the work is abandoned, and a repeat finds what it left).
pub const CHARGE_DEADLINE: Duration = Duration::from_secs(12);
/// How long a charge request's hold on its order lasts unless renewed (ms): the holder renews
/// it every [`ORDER_LOCK_RENEW`] while it works, so the hold of an instance that died runs
/// out this soon after.
const ORDER_LOCK_MS: i64 = 3_000;
/// How often a working charge request renews its hold.
const ORDER_LOCK_RENEW: Duration = Duration::from_secs(1);
/// How long a charge request waits for another request of the same order to finish: beyond
/// [`CHARGE_DEADLINE`], the longest a live holder works.
const ORDER_LOCK_WAIT: Duration = Duration::from_secs(15);

impl Gateway for OmiseClient {
    const PATH: &'static str = "/checkout/charges";

    fn start<O: Orders>() -> MethodRouter<Arc<Checkout<Self, O>>> {
        post(charges_create::<O>)
    }
}

impl<O: Orders> Checkout<OmiseClient, O> {
    /// When a QR charge of `order` made now should expire, if the order or the checkout says.
    fn qr_expiry(
        &self,
        order: &crate::orders::Order,
        method: paywasm_core::method::SourceType,
    ) -> Option<Timestamp> {
        let method = method.method();
        if method.flow != Flow::Offline {
            return None;
        }
        let secs = match order.qr_lifetime {
            Some(lifetime) => i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX),
            None => self.qr_lifetime_secs.load(Ordering::Relaxed),
        };
        (secs > 0).then(|| {
            let now = Timestamp(now_ms() / 1_000);
            now.plus_seconds(secs.clamp(1, method.default_expiry_secs))
        })
    }

    /// Charges order `reference` with source `source_id`, or refuses. The order's earlier
    /// charges that can still be paid are ended first, so that an order has one payable
    /// charge at most; a paid order is refused (`order_paid`). The work goes on to its end
    /// (or its deadline) even if the customer's connection drops meanwhile.
    pub async fn charge(
        self: &Arc<Self>,
        reference: &str,
        source_id: &str,
    ) -> Result<Payment, MerchantError> {
        let checkout = self.clone();
        let (reference, source_id) = (reference.to_owned(), source_id.to_owned());
        tokio::spawn(async move { checkout.charge_now(&reference, &source_id).await })
            .await
            .map_err(|error| MerchantError::Internal(format!("a charge request stopped: {error}")))?
            .map_err(for_the_customer)
    }

    async fn charge_now(&self, reference: &str, source_id: &str) -> Result<Payment, MerchantError> {
        if SourceId::parse(source_id).is_none() {
            return Err(MerchantError::BadRequest(
                "source must be a source id (src_...)".into(),
            ));
        }
        let order = crate::orders::payable(&self.orders, reference).await?;
        self.refuse_if_paid(reference).await?;
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
        let holder = format!("{:032x}", rand::random::<u128>());
        self.lock_order(reference, &holder).await?;
        let charged = tokio::time::timeout(
            CHARGE_DEADLINE,
            self.holding(
                reference,
                &holder,
                self.charge_locked(reference, &order, &source),
            ),
        )
        .await
        .unwrap_or_else(|_| {
            Err(MerchantError::Unavailable(
                "the payment gateway did not answer in time: try again".into(),
            ))
        });
        self.records.unlock_order(reference, &holder).await?;
        charged
    }

    /// Runs `work` while renewing `holder`'s hold on order `reference` every
    /// [`ORDER_LOCK_RENEW`]: a live request keeps its hold however long the gateway takes,
    /// and the hold of an instance that died runs out within [`ORDER_LOCK_MS`].
    async fn holding<T>(
        &self,
        reference: &str,
        holder: &str,
        work: impl std::future::Future<Output = T>,
    ) -> T {
        tokio::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return done,
                _ = tokio::time::sleep(ORDER_LOCK_RENEW) => {
                    let now = now_ms();
                    if let Err(error) = self
                        .records
                        .lock_order(reference, holder, now, now + ORDER_LOCK_MS)
                        .await
                    {
                        tracing::warn!(%error, order = %reference, "a hold on an order could not be renewed");
                    }
                }
            }
        }
    }

    /// Refuses a charge of an order that a charge already paid (`order_paid`).
    async fn refuse_if_paid(&self, reference: &str) -> Result<(), MerchantError> {
        crate::settlement::refuse_if_paid(&self.records, reference).await
    }

    /// Takes order `reference` for this request: one charge request of an order at a time,
    /// on any instance. Waits a while for another to finish, then asks the customer to try
    /// again.
    async fn lock_order(&self, reference: &str, holder: &str) -> Result<(), MerchantError> {
        let give_up = Instant::now() + ORDER_LOCK_WAIT;
        loop {
            let now = now_ms();
            if self
                .records
                .lock_order(reference, holder, now, now + ORDER_LOCK_MS)
                .await?
            {
                return Ok(());
            }
            if Instant::now() >= give_up {
                return Err(MerchantError::Unavailable(
                    "another payment of this order is being started: try again in a moment".into(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The charge of `reference` under the order's lock: earlier charges ended, this one
    /// noted before it is asked for, then asked for and kept.
    async fn charge_locked(
        &self,
        reference: &str,
        order: &crate::orders::Order,
        source: &paywasm_core::omise::objects::Source,
    ) -> Result<Payment, MerchantError> {
        // One charge per order and source, however often the widget or this server repeats the
        // request after a lost answer: the gateway answers a repeated key with the first charge.
        let key = format!("checkout-{reference}-{}", source.id);
        self.end_earlier_charges(reference, &key).await?;
        self.refuse_if_paid(reference).await?;
        let first = self
            .records
            .attempts(reference)
            .await?
            .into_iter()
            .find(|(attempt, ..)| *attempt == key);
        let params: Vec<(String, String)> = match first {
            // A repeat sends what the first request sent, its `expires_at` too: the gateway
            // takes a repeated key for the same request only with the same body.
            Some((_, sent, _)) => serde_json::from_str(&sent)?,
            None => {
                let mut params = vec![
                    ("amount".to_owned(), order.amount.0.to_string()),
                    ("currency".to_owned(), order.currency.to_string()),
                    ("source".to_owned(), source.id.to_string()),
                    (
                        "return_uri".to_owned(),
                        with_order(&self.return_url, reference)?,
                    ),
                    ("description".to_owned(), order.description.clone()),
                    ("metadata[order_id]".to_owned(), reference.to_owned()),
                ];
                if let Some(expires_at) = self.qr_expiry(order, source.source_type) {
                    params.push(("expires_at".to_owned(), expires_at.to_string()));
                }
                params
            }
        };
        self.records
            .begin_attempt(&key, reference, &serde_json::to_string(&params)?)
            .await?;
        let charge = self.send_attempt(&key, &params).await?;
        self.records.finish_attempt(&key, &charge.id).await?;
        self.record(reference, &Read::from(&charge)).await
    }

    /// Sends the charge request under `key` (again, when it was sent before).
    async fn send_attempt(
        &self,
        key: &str,
        params: &[(String, String)],
    ) -> Result<Charge, MerchantError> {
        let params: Vec<(&str, String)> = params
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        self.gateway.create_charge_idempotent(&params, key).await
    }

    /// Ends every charge of order `reference` that can still be paid, but the one of request
    /// `key` (a repeat of it gets that charge): expired at the gateway, then re-read and
    /// settled. A request whose answer was lost with its process is sent again first, to
    /// learn its charge. Refuses when one of them was paid meanwhile (`order_paid`).
    async fn end_earlier_charges(&self, reference: &str, key: &str) -> Result<(), MerchantError> {
        let mut mine = None;
        for (attempt, params, charge_id) in self.records.attempts(reference).await? {
            if let Some(charge_id) = charge_id {
                if attempt == key {
                    mine = Some(charge_id);
                }
                continue;
            }
            // Sent before, its answer lost (this request's own first attempt among them: its
            // charge may have been recorded meanwhile by its webhook, and must not be taken
            // for an earlier one).
            let params: Vec<(String, String)> = serde_json::from_str(&params)?;
            match self.send_attempt(&attempt, &params).await {
                Ok(charge) => {
                    self.records.finish_attempt(&attempt, &charge.id).await?;
                    self.record(reference, &Read::from(&charge)).await?;
                    if attempt == key {
                        mine = Some(charge.id.into());
                    }
                }
                // Refused: the gateway made no charge under it.
                Err(MerchantError::Refused(_, why)) => {
                    tracing::info!(%attempt, %why, "an unanswered charge request was refused when sent again");
                }
                Err(other) => return Err(other),
            }
        }
        for copy in self
            .records
            .payments_of(reference, OmiseClient::NAME)
            .await?
        {
            if copy.status.is_terminal() || mine.as_deref() == Some(copy.id.as_str()) {
                continue;
            }
            match self.gateway.expire(&copy.id).await {
                // Refused: the charge was decided meanwhile; the re-read below says how.
                Ok(_) | Err(MerchantError::Refused(..)) => {}
                Err(other) => return Err(other),
            }
            let now = self.refresh(&copy.id).await?;
            if now.status == Status::Successful {
                self.refuse_if_paid(reference).await?;
            } else if !now.status.is_terminal() {
                return Err(MerchantError::Unavailable(format!(
                    "an earlier payment of order {reference} could not be ended yet: try again"
                )));
            }
        }
        Ok(())
    }
}

/// What the customer's browser may be told of `error`: the gateway's own sentences name its
/// objects and pages (ids, URLs), which are the merchant's business, so a refusal by the
/// gateway goes to the log and the customer gets a sentence saying what to do.
fn for_the_customer(error: MerchantError) -> MerchantError {
    match error {
        MerchantError::Refused("payment_refused", detail) => {
            tracing::info!(%detail, "the gateway refused a charge");
            MerchantError::Refused(
                "payment_refused",
                "The payment provider refused this payment. Try again, or choose another way \
                 to pay."
                    .into(),
            )
        }
        other => other,
    }
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
    State(checkout): State<Arc<Checkout<OmiseClient, O>>>,
    body: Result<Json<CreateCharge>, JsonRejection>,
) -> Result<(StatusCode, Json<Payment>), MerchantError> {
    let Json(request) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!(
            "send JSON {{\"source\": \"src_...\", \"order\": \"...\"}}: {}",
            rejection.body_text()
        ))
    })?;
    let charge = checkout.charge(&request.order, &request.source).await?;
    Ok((StatusCode::CREATED, Json(charge)))
}
