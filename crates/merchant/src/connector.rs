//! What the merchant library asks of each gateway, written once per gateway: its payment
//! object read from the gateway as a [`Read`] (what its order needs to know, [`Settled`], and
//! the copy customers read, each one conversion), a refund, and its webhooks' signatures and
//! events read as a [`Delivery`]. What a payment means for its order (`settlement`), how a
//! delivery is handled once (`webhooks`) and the checkout contract itself
//! ([`crate::checkout::Checkout`]) are written once over it, for every gateway.

use crate::client::{OmiseClient, WooshpayClient};
use crate::error::MerchantError;
use axum::http::HeaderMap;
use paywasm_core::checkout::{Payment, Status};
use paywasm_core::money::{Amount, Currency};
use paywasm_core::omise::objects::Charge;
use paywasm_core::wooshpay::objects::{
    Event, EventObject, EventType, PaymentIntent, PaymentIntentStatus, Refund,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::future::Future;

/// A webhook delivery whose signature was verified: its event, and the payment it is news of,
/// if any (the payment is read again from the gateway, never taken from the event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The event's id: each is handled once.
    pub event: String,
    /// The payment whose state the event announces.
    pub payment: Option<String>,
}

/// A gateway's payment (an Omise charge, a WooshPay PaymentIntent) as it is now at the gateway,
/// reduced to what its order needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    /// The gateway's id.
    pub id: String,
    /// Where it is: only `Successful` takes money; `Failed` and `Expired` end it unpaid.
    pub status: Status,
    /// What it takes.
    pub amount: Amount,
    /// In what.
    pub currency: Currency,
    /// Why it failed, where the gateway says.
    pub failure_code: Option<paywasm_core::failure::ReportedFailure>,
    /// What a refund may still take back now, as far as the payment says (a PaymentIntent
    /// does not say what was refunded of it): zero where the method allows no refund.
    pub refundable: Amount,
    /// A refund made of it already, if the gateway says.
    pub refund: Option<String>,
    /// The merchant's order its metadata names (every payment this library makes names one).
    pub order: Option<String>,
}

/// A payment as its gateway has it now.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// What its order needs to know.
    pub settled: Settled,
    /// The copy customers read and wait on.
    pub copy: Payment,
    /// What lets a browser read and confirm it at the gateway, where the gateway has one.
    pub client_secret: Option<String>,
}

impl From<&Charge> for Read {
    fn from(charge: &Charge) -> Self {
        Self {
            settled: Settled::from(charge),
            copy: Payment::from(charge),
            client_secret: None,
        }
    }
}

impl From<&PaymentIntent> for Read {
    fn from(intent: &PaymentIntent) -> Self {
        Self {
            settled: Settled::from(intent),
            copy: Payment::from(intent),
            client_secret: Some(intent.client_secret.clone()),
        }
    }
}

/// The order a payment's metadata names.
fn order_named(metadata: &Map<String, Value>) -> Option<String> {
    metadata
        .get("order_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

impl From<&Charge> for Settled {
    fn from(charge: &Charge) -> Self {
        Self {
            id: charge.id.to_string(),
            status: charge.status.clone(),
            amount: charge.amount,
            currency: charge.currency.clone(),
            failure_code: charge.failure_code.clone(),
            refundable: if charge.refundable {
                Amount(charge.amount.0 - charge.refunded_amount.0)
            } else {
                Amount(0)
            },
            refund: charge
                .refunds
                .data
                .first()
                .map(|refund| refund.id.to_string()),
            order: order_named(&charge.metadata),
        }
    }
}

/// A PaymentIntent: `succeeded` took the money, `canceled` ended it unpaid; an attempt that
/// failed leaves it payable again (the customer may try once more), so it is still pending, as
/// is a status this version does not know.
impl From<&PaymentIntent> for Settled {
    fn from(intent: &PaymentIntent) -> Self {
        let status = match intent.status {
            PaymentIntentStatus::Succeeded => Status::Successful,
            PaymentIntentStatus::Canceled => Status::Expired,
            _ => Status::Pending,
        };
        Self {
            id: intent.id.to_string(),
            refundable: if status == Status::Successful {
                intent.amount_received
            } else {
                Amount(0)
            },
            status,
            amount: intent.amount,
            currency: intent.currency.clone(),
            failure_code: None,
            refund: None,
            order: order_named(&intent.metadata),
        }
    }
}

/// One gateway's part of the checkout: reading its payments, refunding them, and its webhooks.
pub trait Connector: Send + Sync + 'static {
    /// Its name: in the records beside each of its payments, and in its webhook route
    /// (`/webhooks/{NAME}`).
    const NAME: &'static str;

    /// Payment `id` as the gateway has it now; [`MerchantError::NotFound`] when the gateway has
    /// none under this key.
    fn read(&self, id: &str) -> impl Future<Output = Result<Read, MerchantError>> + Send;

    /// Verifies a webhook delivery (`headers` and `body`) against the endpoint's `secrets`
    /// (any of them may have signed it) at `now` (seconds), and reads its event.
    fn verify_delivery(
        headers: &HeaderMap,
        body: &[u8],
        secrets: &[Vec<u8>],
        now: i64,
    ) -> Result<Delivery, MerchantError>;

    /// Refunds what remains of payment `id` (`remaining`, as the payment was last read), once
    /// under `key` (a repeat gets the same refund): the refund's id.
    fn refund_rest(
        &self,
        id: &str,
        remaining: Amount,
        key: &str,
    ) -> impl Future<Output = Result<String, MerchantError>> + Send;
}

/// The header `name` of a delivery, or empty.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
}

/// An Omise event, as far as a delivery needs it.
#[derive(Debug, Deserialize)]
struct OmiseEvent {
    id: String,
    data: OmiseEventData,
}

#[derive(Debug, Deserialize)]
struct OmiseEventData {
    object: String,
    id: String,
}

impl Connector for OmiseClient {
    const NAME: &'static str = "omise";

    async fn read(&self, id: &str) -> Result<Read, MerchantError> {
        Ok(Read::from(&self.charge(id).await?))
    }

    fn verify_delivery(
        headers: &HeaderMap,
        body: &[u8],
        secrets: &[Vec<u8>],
        now: i64,
    ) -> Result<Delivery, MerchantError> {
        use paywasm_core::webhook::{verify, SIGNATURE_HEADER, TIMESTAMP_HEADER};
        let (timestamp, signature) = (
            header(headers, TIMESTAMP_HEADER),
            header(headers, SIGNATURE_HEADER),
        );
        verify_with_any(secrets, |secret| {
            verify(secret, timestamp, signature, body, now).map_err(|error| error.to_string())
        })?;
        let event: OmiseEvent = serde_json::from_slice(body)
            .map_err(|_| MerchantError::BadRequest("the webhook body is not an event".into()))?;
        Ok(Delivery {
            payment: (event.data.object == "charge").then_some(event.data.id),
            event: event.id,
        })
    }

    /// A charge says what was refunded of it: `remaining` is exact.
    async fn refund_rest(
        &self,
        id: &str,
        remaining: Amount,
        key: &str,
    ) -> Result<String, MerchantError> {
        Ok(self.refund(id, remaining.0, key).await?.id.into())
    }
}

impl Connector for WooshpayClient {
    const NAME: &'static str = "wooshpay";

    async fn read(&self, id: &str) -> Result<Read, MerchantError> {
        let intent: PaymentIntent = self.get(&format!("/v1/payment_intents/{id}")).await?;
        Ok(Read::from(&intent))
    }

    /// Only a PaymentIntent that succeeded or was canceled is news to its order: a failed
    /// attempt leaves it payable.
    fn verify_delivery(
        headers: &HeaderMap,
        body: &[u8],
        secrets: &[Vec<u8>],
        now: i64,
    ) -> Result<Delivery, MerchantError> {
        use paywasm_core::webhook::wooshpay;
        let signature = header(headers, wooshpay::SIGNATURE_HEADER);
        verify_with_any(secrets, |secret| {
            let secret = std::str::from_utf8(secret).map_err(|error| error.to_string())?;
            wooshpay::verify(secret, signature, body, now).map_err(|error| error.to_string())
        })?;
        let event: Event = serde_json::from_slice(body).map_err(|error| {
            MerchantError::BadRequest(format!("the event is not a WooshPay event: {error}"))
        })?;
        let payment = match (&event.kind, &event.data.object) {
            (
                EventType::PaymentIntentSucceeded | EventType::PaymentIntentCanceled,
                EventObject::PaymentIntent(intent),
            ) => Some(intent.id.to_string()),
            _ => None,
        };
        Ok(Delivery {
            event: event.id.into(),
            payment,
        })
    }

    /// Without an amount: a PaymentIntent does not say what was refunded of it, and the
    /// gateway refunds what remains when no amount is given, so a payment the merchant
    /// refunded in part is refunded in full, not refused for asking too much.
    async fn refund_rest(
        &self,
        id: &str,
        _remaining: Amount,
        key: &str,
    ) -> Result<String, MerchantError> {
        let refund: Refund = self
            .post_json("/v1/refunds", &json!({ "payment_intent": id }), key)
            .await?;
        Ok(refund.id.into())
    }
}

/// Ok when one of `secrets` verifies the delivery; else why the last one did not.
fn verify_with_any(
    secrets: &[Vec<u8>],
    verify: impl Fn(&[u8]) -> Result<(), String>,
) -> Result<(), MerchantError> {
    let mut why = "no webhook secret is configured".to_owned();
    for secret in secrets {
        match verify(secret) {
            Ok(()) => return Ok(()),
            Err(error) => why = error,
        }
    }
    Err(MerchantError::Unauthorized(why))
}
