//! The gateway's errors, answered as its error object with a fitting HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use paywasm_core::omise::objects::ErrorObject;

/// Everything a request to the gateway (or the shop) can fail with. The message is for people
/// and never includes internals.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Missing or wrong key, or a public key where the secret key is needed (401).
    #[error("{0}")]
    AuthenticationFailure(String),
    /// No such object (404).
    #[error("{0}")]
    NotFound(String),
    /// The request cannot make a valid charge (400).
    #[error("{0}")]
    InvalidCharge(String),
    /// The amount is outside the method's limits or not an amount (400).
    #[error("{0}")]
    InvalidAmount(String),
    /// The request's body or parameters are malformed (400).
    #[error("{0}")]
    BadRequest(String),
    /// The charge cannot be expired (400).
    #[error("{0}")]
    FailedExpire(String),
    /// The charge cannot be refunded, or not by this much (400).
    #[error("{0}")]
    FailedRefund(String),
    /// The request conflicts with the object's state (422), e.g. a source already charged.
    #[error("{1}")]
    Unprocessable(&'static str, String),
    /// A request under this `Idempotency-Key` is still being answered (409): repeat it
    /// shortly for its answer.
    #[error("{0}")]
    KeyInUse(String),
    /// Too many requests with this key (429).
    #[error("{0}")]
    TooManyRequests(String),
    /// The service cannot answer now (503); the request may be retried.
    #[error("{0}")]
    ServiceUnavailable(String),
    /// A call to another party failed (502).
    #[error("{0}")]
    BadGateway(String),
    /// A fault inside the sandbox (500); details go to the log, not the client.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::AuthenticationFailure(_) => {
                (StatusCode::UNAUTHORIZED, "authentication_failure")
            }
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::InvalidCharge(_) => (StatusCode::BAD_REQUEST, "invalid_charge"),
            ApiError::InvalidAmount(_) => (StatusCode::BAD_REQUEST, "invalid_amount"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::FailedExpire(_) => (StatusCode::BAD_REQUEST, "failed_expire"),
            ApiError::FailedRefund(_) => (StatusCode::BAD_REQUEST, "failed_refund"),
            ApiError::Unprocessable(code, _) => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ApiError::KeyInUse(_) => (StatusCode::CONFLICT, "idempotency_key_in_use"),
            ApiError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::ServiceUnavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable")
            }
            ApiError::BadGateway(_) => (StatusCode::BAD_GATEWAY, "bad_gateway"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }

    /// The error object this error is answered with.
    pub fn object(&self) -> ErrorObject {
        ErrorObject::new(self.status_and_code().1, self.to_string())
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<paywasm_core::Error> for ApiError {
    fn from(error: paywasm_core::Error) -> Self {
        use paywasm_core::Error as E;
        match error {
            E::AmountOutOfLimits { .. } => ApiError::InvalidAmount(error.to_string()),
            E::CurrencyNotSupported { .. } => ApiError::InvalidCharge(error.to_string()),
            _ => ApiError::BadRequest(error.to_string()),
        }
    }
}

impl From<crate::api::params::ParamError> for ApiError {
    fn from(error: crate::api::params::ParamError) -> Self {
        use crate::api::params::ParamError;
        match error {
            ParamError::Malformed(message) => ApiError::BadRequest(message),
            ParamError::InvalidAmount(message) => ApiError::InvalidAmount(message),
        }
    }
}

/// The Omise API's error shape, in which its router answers the shared layer's refusals.
#[derive(Debug, Clone, Copy)]
pub struct OmiseShape;

impl crate::api::ErrorShape for OmiseShape {
    fn refuse(self, refusal: crate::api::Refusal) -> Response {
        use crate::api::Refusal;
        match refusal {
            Refusal::Invalid(message) => ApiError::BadRequest(message),
            Refusal::KeyInUse(message) => ApiError::KeyInUse(message),
            Refusal::KeyReused(message) => {
                ApiError::Unprocessable("idempotency_key_in_use", message)
            }
            Refusal::TooManyRequests(message) => ApiError::TooManyRequests(message),
            Refusal::Unavailable(message) => ApiError::ServiceUnavailable(message),
            Refusal::Framework {
                status,
                code,
                message,
            } => return (status, Json(ErrorObject::new(code, message))).into_response(),
            Refusal::Internal(detail) => ApiError::Internal(detail),
        }
        .into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = self.status_and_code();
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        (status, Json(self.object())).into_response()
    }
}
