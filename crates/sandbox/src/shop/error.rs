//! The demo shop's errors are the merchant library's ([`MerchantError`]); here the shop's
//! error shape, in which its routers answer the sandbox's shared refusals.

use axum::response::{IntoResponse, Response};
pub use paywasm_merchant::error::MerchantError;

/// The shop's error shape, in which its router answers the shared layer's refusals.
#[derive(Debug, Clone, Copy)]
pub struct ShopShape;

impl crate::api::ErrorShape for ShopShape {
    fn refuse(self, refusal: crate::api::Refusal) -> Response {
        use crate::api::Refusal;
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
