//! The demo shop (the `paywasm-shop` crate, a merchant's server) as the sandbox runs it beside
//! the gateway: the shape in which the sandbox's shared layers (rate limit, faults, the
//! framework's refusals) answer in front of it, the merchant contract's.

use crate::api::{ErrorShape, Refusal};
use axum::response::{IntoResponse, Response};
use paywasm_merchant::error::MerchantError;

/// The shop's error shape, in which its router answers the shared layer's refusals.
#[derive(Debug, Clone, Copy)]
pub struct ShopShape;

impl ErrorShape for ShopShape {
    fn refuse(self, refusal: Refusal) -> Response {
        match refusal {
            Refusal::Invalid(message) => MerchantError::BadRequest(message),
            Refusal::KeyInUse(message) | Refusal::KeyReused(message) => {
                MerchantError::Refused("idempotency_key_in_use", message)
            }
            Refusal::TooManyRequests(message) | Refusal::Unavailable(message) => {
                MerchantError::Unavailable(message)
            }
            Refusal::Framework {
                status,
                code,
                message,
            } => return paywasm_merchant::error::error_answer(status, code, &message),
            Refusal::Internal(detail) => MerchantError::Internal(detail),
        }
        .into_response()
    }
}
