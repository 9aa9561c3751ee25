//! What a gateway's payment means for its order, written once for every gateway: a success
//! pays the order only if it is the order's first and for what the order costs; any other
//! success is refunded where the method allows it and reported
//! ([`Orders::record_stray_payment`]); a failure or an expiry is told to the orders. Safe to
//! repeat, in any order, on any instance: the order's payment is claimed once in the records,
//! and a refund is made once under its key.

use crate::connector::{Connector, Settled};
use crate::error::MerchantError;
use crate::orders::{Orders, StrayPayment, StrayReason};
use crate::records::{now_ms, Records};
use paywasm_core::checkout::Status;

/// Tells `orders` what `payment` of order `reference`, as the gateway has it now, means for
/// the order.
pub(crate) async fn settle<O: Orders, C: Connector>(
    orders: &O,
    records: &Records,
    gateway: &C,
    reference: &str,
    payment: &Settled,
) -> Result<(), MerchantError> {
    match payment.status {
        Status::Successful => {}
        Status::Failed | Status::Expired => {
            return orders
                .record_failure(
                    reference,
                    &payment.id,
                    payment.failure_code.as_ref().map(|code| code.as_str()),
                )
                .await;
        }
        _ => return Ok(()),
    }
    let stray = |reason| stray(orders, records, gateway, reference, payment, reason);
    let (paid_by, judged_stray) = records.settlement_of(reference, &payment.id).await?;
    let paid_by = match paid_by {
        // Recorded before (the event delivered again): the amount was checked then, and an
        // order whose price changed since stays paid by it.
        Some(paid_by) => paid_by,
        None => {
            // Judged once: a payment found not to fit stays a stray payment (refunded,
            // perhaps) even if the order's price comes back to its amount.
            let fits = !judged_stray
                && orders.order(reference).await?.is_some_and(|order| {
                    order.amount == payment.amount && order.currency == payment.currency
                });
            if !fits {
                return stray(StrayReason::AmountMismatch).await;
            }
            records
                .claim_payment(reference, &payment.id, now_ms())
                .await?
        }
    };
    if paid_by == payment.id {
        orders.record_payment(reference, &payment.id).await
    } else {
        stray(StrayReason::AlreadyPaid { by: paid_by }).await
    }
}

/// Refunds a successful `payment` that did not pay its order, in full where the method allows
/// it, and reports it to the merchant.
async fn stray<O: Orders, C: Connector>(
    orders: &O,
    records: &Records,
    gateway: &C,
    reference: &str,
    payment: &Settled,
    reason: StrayReason,
) -> Result<(), MerchantError> {
    records.mark_stray(reference, &payment.id).await?;
    let refund_id = if payment.refundable.0 > 0 {
        // One key per payment: delivered again, the event gets the same refund back.
        let key = format!("stray-refund-{}", payment.id);
        match gateway
            .refund_rest(&payment.id, payment.refundable, &key)
            .await
        {
            Ok(refund) => Some(refund),
            // The method or its window allows none: the merchant must repay it otherwise.
            Err(MerchantError::Refused(_, why)) => {
                tracing::warn!(payment = %payment.id, %why, "a stray payment could not be refunded");
                None
            }
            Err(other) => return Err(other),
        }
    } else {
        payment.refund.clone()
    };
    tracing::warn!(order = %reference, payment = %payment.id, ?reason, ?refund_id, "a successful payment did not pay its order");
    orders
        .record_stray_payment(
            reference,
            &StrayPayment {
                charge_id: payment.id.clone(),
                amount: payment.amount,
                currency: payment.currency.clone(),
                reason,
                refund_id,
            },
        )
        .await
}

/// Refuses to start a payment of an order that a payment already paid (`order_paid`), whatever
/// the merchant's orders say yet.
pub(crate) async fn refuse_if_paid(
    records: &Records,
    reference: &str,
) -> Result<(), MerchantError> {
    match records.payment_of(reference).await? {
        Some(_) => Err(MerchantError::Refused(
            "order_paid",
            format!("order {reference} is already paid"),
        )),
        None => Ok(()),
    }
}
