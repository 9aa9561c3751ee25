//! What the merchant library asks of each gateway, written once per gateway: its payment
//! object read as a [`Settled`] payment (one conversion each), and a refund. What a payment
//! means for its order ([`crate::settlement`]) is written once over it, for every gateway.

use crate::client::{OmiseClient, WooshpayClient};
use crate::error::MerchantError;
use paywasm_core::checkout::Status;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::omise::objects::Charge;
use paywasm_core::wooshpay::objects::{PaymentIntent, PaymentIntentStatus, Refund};
use serde_json::{json, Map, Value};
use std::future::Future;

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
    pub failure_code: Option<String>,
    /// What a refund may still take back now: zero where the method allows no refund.
    pub refundable: Amount,
    /// A refund made of it already, if the gateway says.
    pub refund: Option<String>,
    /// The merchant's order its metadata names (every payment this library makes names one).
    pub order: Option<String>,
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
            id: charge.id.clone(),
            status: charge.status.clone(),
            amount: charge.amount,
            currency: charge.currency.clone(),
            failure_code: charge.failure_code.clone(),
            refundable: if charge.refundable {
                Amount(charge.amount.0 - charge.refunded_amount.0)
            } else {
                Amount(0)
            },
            refund: charge.refunds.data.first().map(|refund| refund.id.clone()),
            order: order_named(&charge.metadata),
        }
    }
}

impl Settled {
    /// A PaymentIntent: `succeeded` took the money, `canceled` ended it unpaid; an attempt that
    /// failed leaves it payable again (the customer may try once more), so it is still pending,
    /// as is a status this version does not know. A currency the gateway spells in a way this
    /// version cannot read is an error, never a guess.
    pub fn of_intent(intent: &PaymentIntent) -> Result<Self, MerchantError> {
        let status = match intent.status {
            PaymentIntentStatus::Succeeded => Status::Successful,
            PaymentIntentStatus::Canceled => Status::Expired,
            _ => Status::Pending,
        };
        let currency = Currency::parse(&intent.currency).map_err(|error| {
            MerchantError::Gateway(format!(
                "PaymentIntent {} has a currency this library cannot read: {error}",
                intent.id
            ))
        })?;
        Ok(Self {
            id: intent.id.clone(),
            refundable: if status == Status::Successful {
                Amount(intent.amount_received)
            } else {
                Amount(0)
            },
            status,
            amount: Amount(intent.amount),
            currency,
            failure_code: None,
            refund: None,
            order: order_named(&intent.metadata),
        })
    }
}

/// One gateway's part of settlement.
pub trait Connector: Send + Sync + 'static {
    /// Refunds `amount` of payment `id`, once under `key` (a repeat gets the same refund):
    /// the refund's id.
    fn refund_payment(
        &self,
        id: &str,
        amount: Amount,
        key: &str,
    ) -> impl Future<Output = Result<String, MerchantError>> + Send;
}

impl Connector for OmiseClient {
    async fn refund_payment(
        &self,
        id: &str,
        amount: Amount,
        key: &str,
    ) -> Result<String, MerchantError> {
        Ok(self.refund(id, amount.0, key).await?.id)
    }
}

impl Connector for WooshpayClient {
    async fn refund_payment(
        &self,
        id: &str,
        amount: Amount,
        key: &str,
    ) -> Result<String, MerchantError> {
        let refund: Refund = self
            .post_json(
                "/v1/refunds",
                &json!({ "payment_intent": id, "amount": amount.0 }),
                key,
            )
            .await?;
        Ok(refund.id)
    }
}
