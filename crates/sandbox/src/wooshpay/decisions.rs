//! What the customer decides at Alipay (the test pages' buttons, the dashboard's), applied to
//! the PaymentIntent whose attempt it is and, when it pays, to the Checkout Session the
//! PaymentIntent belongs to: one transaction for both.

use super::error::WpError;
use super::payment_intents::{load, load_by_code, save_if, PaymentIntent, Status};
use super::WooshpayState;
use crate::api::idempotency::Answer;
use paywasm_core::wooshpay::objects::{EventType, PaymentError, PaymentErrorCode};

/// How the customer's attempt at Alipay ends (the test pages' buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Paid.
    Succeed,
    /// Accepted, settling.
    Processing,
    /// Declined.
    Fail,
}

/// Applies the customer's decision to the PaymentIntent behind `code_value`.
pub(crate) fn decide(
    state: &WooshpayState,
    code_value: &str,
    decision: Decision,
) -> Result<PaymentIntent, WpError> {
    let mut intent = load_by_code(state, code_value)?;
    let id = intent.id.clone();
    let before = intent.status.clone();
    if !matches!(before, Status::RequiresAction | Status::Processing)
        || (before == Status::Processing && decision == Decision::Processing)
    {
        return Ok(intent);
    }
    intent.next_action = None;
    let event = match decision {
        Decision::Succeed => EventType::PaymentIntentSucceeded,
        Decision::Processing => EventType::PaymentIntentProcessing,
        Decision::Fail => EventType::PaymentIntentPaymentFailed,
    };
    match decision {
        Decision::Succeed => {
            intent.status = Status::Succeeded;
            intent.amount_received = intent.amount;
        }
        Decision::Processing => intent.status = Status::Processing,
        Decision::Fail => {
            intent.status = Status::RequiresPaymentMethod;
            intent.last_payment_error = Some(PaymentError::new(
                PaymentErrorCode::PaymentAttemptFailed,
                intent.payment_method.clone(),
            ));
            intent.payment_method = None;
        }
    }
    let succeeded = intent.status == Status::Succeeded;
    let saved = save_if(
        state,
        &intent,
        before,
        None,
        Some(event),
        &Answer::none(),
        |tx| {
            if succeeded {
                super::checkout_sessions::complete(tx, &id)?;
            }
            Ok(())
        },
    )?;
    if saved {
        Ok(intent)
    } else {
        load(state, &id)
    }
}
