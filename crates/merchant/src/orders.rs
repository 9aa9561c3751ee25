//! The merchant's orders, as the library asks for them: the merchant keeps its orders (in its
//! own database, with its own products); the library only reads what an order costs and tells
//! the merchant what became of its payment.

use crate::error::MerchantError;
use paywasm_core::money::{Amount, Currency};
use std::future::Future;

/// What an order reference names, as the library needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// What it costs: the only amount ever charged for it (never one from the browser).
    pub amount: Amount,
    /// In what.
    pub currency: Currency,
    /// The charge's description at the gateway (what the merchant's dashboard shows).
    pub description: String,
    /// Whether it is paid already: a paid order is not charged again.
    pub paid: bool,
    /// How long the customer may take to pay this order's QR (PromptPay), when the merchant
    /// says; `None`: the checkout's ([`crate::checkout::Checkout::set_qr_lifetime`]), else the
    /// gateway account's default.
    pub qr_lifetime: Option<std::time::Duration>,
}

/// Why a successful charge did not pay its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrayReason {
    /// The order was paid already, by charge `by` (a customer who paid two QR codes of one
    /// order, or paid a charge at the moment another one was started).
    AlreadyPaid {
        /// The charge that paid the order.
        by: String,
    },
    /// The charge is not for what the order costs now (the order's amount or currency
    /// changed after the customer was shown the QR or sent to pay), or the order is gone.
    AmountMismatch,
}

/// A successful charge that did not pay its order: money taken that the order does not
/// account for. The library refunds it in full where the method allows refunds (PromptPay
/// does not) and reports it to the merchant in every case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayPayment {
    /// The charge.
    pub charge_id: String,
    /// What it took.
    pub amount: Amount,
    /// In what.
    pub currency: Currency,
    /// Why it did not pay the order.
    pub reason: StrayReason,
    /// The refund the library made of it, or `None` when the method allows none: then the
    /// merchant must give the money back another way.
    pub refund_id: Option<String>,
}

/// The merchant's orders. Each method may be called more than once for the same event (a
/// webhook delivered twice, on two instances, or after a crash): recording must be idempotent.
pub trait Orders: Send + Sync + 'static {
    /// The order `reference` names, if there is one.
    fn order(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<Option<Order>, MerchantError>> + Send;

    /// A charge of order `reference` succeeded: the order is paid.
    fn record_payment(
        &self,
        reference: &str,
        charge_id: &str,
    ) -> impl Future<Output = Result<(), MerchantError>> + Send;

    /// A charge of order `reference` failed or expired (`failure_code` when the gateway
    /// gave one): the customer may try again, with another charge of the same order.
    fn record_failure(
        &self,
        reference: &str,
        charge_id: &str,
        failure_code: Option<&str>,
    ) -> impl Future<Output = Result<(), MerchantError>> + Send;

    /// A charge of order `reference` succeeded but did not pay it ([`StrayPayment`]): the
    /// order keeps the payment recorded by [`Orders::record_payment`], if any, and the
    /// merchant learns of the money to account for (called again for the same charge when an
    /// event is delivered again: recording must be idempotent by `charge_id`).
    fn record_stray_payment(
        &self,
        reference: &str,
        payment: &StrayPayment,
    ) -> impl Future<Output = Result<(), MerchantError>> + Send;
}

/// The order `reference` names, to be paid: refused when there is none (`not_found`) or it is
/// paid already (`order_paid`). Both gateways' checkouts ask this before charging.
pub(crate) async fn payable(orders: &impl Orders, reference: &str) -> Result<Order, MerchantError> {
    let order = orders
        .order(reference)
        .await?
        .ok_or_else(|| MerchantError::NotFound(format!("order {reference} was not found")))?;
    if order.paid {
        return Err(MerchantError::Refused(
            "order_paid",
            format!("order {reference} is already paid"),
        ));
    }
    Ok(order)
}
