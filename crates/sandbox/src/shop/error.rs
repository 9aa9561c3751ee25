//! The demo shop's own errors: what its endpoints (the widget's, the cashier's, the
//! webhooks') refuse, answered as `{"object": "error", "code", "message"}`, the object the
//! widget reads from any merchant server (README, "Merchant server contract"). Without the
//! gateway's `location`: that links Omise's documentation, which does not document a shop.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Everything a request to the shop can fail with. The message is for people and never
/// includes internals.
#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    /// The request is malformed (400, `bad_request`).
    #[error("{0}")]
    BadRequest(String),
    /// No such order or charge (404, `not_found`).
    #[error("{0}")]
    NotFound(String),
    /// The order's state refuses it (422): `amount_mismatch`, `order_paid`, ...
    #[error("{1}")]
    Refused(&'static str, String),
    /// A webhook without a valid signature (401, `authentication_failure`).
    #[error("{0}")]
    Unauthorized(String),
    /// The gateway refused or failed (502, `bad_gateway`).
    #[error("{0}")]
    Gateway(String),
    /// The shop cannot answer now (503, `service_unavailable`); the request may be repeated.
    #[error("{0}")]
    Unavailable(String),
    /// A fault inside the shop (500); details go to the log, not the client.
    #[error("internal error")]
    Internal(String),
}

impl ShopError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ShopError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ShopError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ShopError::Refused(code, _) => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ShopError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "authentication_failure"),
            ShopError::Gateway(_) => (StatusCode::BAD_GATEWAY, "bad_gateway"),
            ShopError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable"),
            ShopError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }
}

impl IntoResponse for ShopError {
    fn into_response(self) -> Response {
        if let ShopError::Internal(detail) = &self {
            tracing::error!(%detail, "shop internal error");
        }
        let (status, code) = self.status_and_code();
        let body =
            serde_json::json!({ "object": "error", "code": code, "message": self.to_string() });
        (status, Json(body)).into_response()
    }
}

/// The shop's error shape, in which its router answers the shared layer's refusals.
#[derive(Debug, Clone, Copy)]
pub struct ShopShape;

impl crate::api::ErrorShape for ShopShape {
    fn refuse(self, refusal: crate::api::Refusal) -> Response {
        use crate::api::Refusal;
        match refusal {
            Refusal::Invalid(message) => ShopError::BadRequest(message),
            Refusal::KeyInUse(message) | Refusal::KeyReused(message) => {
                ShopError::Refused("idempotency_key_in_use", message)
            }
            Refusal::TooManyRequests(message) | Refusal::Unavailable(message) => {
                ShopError::Unavailable(message)
            }
            Refusal::Framework {
                status,
                code,
                message,
            } => {
                let body =
                    serde_json::json!({ "object": "error", "code": code, "message": message });
                return (status, Json(body)).into_response();
            }
            Refusal::Internal(detail) => ShopError::Internal(detail),
        }
        .into_response()
    }
}

impl From<crate::store::StoreError> for ShopError {
    fn from(error: crate::store::StoreError) -> Self {
        ShopError::Internal(error.to_string())
    }
}

impl From<serde_json::Error> for ShopError {
    fn from(error: serde_json::Error) -> Self {
        ShopError::Internal(error.to_string())
    }
}

/// An order or sale the core's rules refuse (an amount outside the method's limits, a
/// currency it does not take).
impl From<paywasm_core::Error> for ShopError {
    fn from(error: paywasm_core::Error) -> Self {
        ShopError::BadRequest(error.to_string())
    }
}
