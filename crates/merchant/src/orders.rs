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
