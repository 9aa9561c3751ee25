//! The merchant server's own errors: what its endpoints (the widget's, the cashier's, the
//! webhooks') refuse, answered as `{"object": "error", "code", "message"}`, the object the
//! widget reads from any merchant server (README, "Merchant server contract"). Without the
//! gateway's `location`: that links a gateway's documentation, which does not document a
//! merchant's server.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Everything a request to a merchant server can fail with. The message is for people and never
/// includes internals.
#[derive(Debug, thiserror::Error)]
pub enum MerchantError {
    /// The request is malformed (400, `bad_request`).
    #[error("{0}")]
    BadRequest(String),
    /// No such order or charge (404, `not_found`).
    #[error("{0}")]
    NotFound(String),
    /// The order's state refuses it (422): `amount_mismatch`, `order_paid`, ...
    #[error("{1}")]
    Refused(&'static str, String),
    /// A webhook without a valid signature, or a request without a signed-in session (401,
    /// `authentication_failure`).
    #[error("{0}")]
    Unauthorized(String),
    /// A request that another site's page made the browser send (403, `forbidden`).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts from this client: wait before trying again (429,
    /// `too_many_requests`).
    #[error("{0}")]
    TooManyRequests(String),
    /// The gateway refused or failed (502, `bad_gateway`).
    #[error("{0}")]
    Gateway(String),
    /// The server cannot answer now (503, `service_unavailable`); the request may be repeated.
    #[error("{0}")]
    Unavailable(String),
    /// The server's database cannot be reached now (503, `service_unavailable`): a restart or
    /// a failover passes, and the request may be made again. The cause goes to the log and the
    /// operator ([`Self::detail`]), not the client.
    #[error("the shop cannot reach its records now; try again in a moment")]
    DatabaseUnavailable(String),
    /// A fault inside the server (500); details go to the log, not the client.
    #[error("internal error")]
    Internal(String),
}

impl MerchantError {
    /// What went wrong, for the operator (a log, a server that cannot start): with an
    /// internal error's detail, which clients are never shown.
    pub fn detail(&self) -> String {
        match self {
            MerchantError::Internal(detail) | MerchantError::DatabaseUnavailable(detail) => {
                detail.clone()
            }
            other => other.to_string(),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            MerchantError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            MerchantError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            MerchantError::Refused(code, _) => (StatusCode::UNPROCESSABLE_ENTITY, code),
            MerchantError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "authentication_failure"),
            MerchantError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            MerchantError::TooManyRequests(_) => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
            }
            MerchantError::Gateway(_) => (StatusCode::BAD_GATEWAY, "bad_gateway"),
            MerchantError::Unavailable(_) | MerchantError::DatabaseUnavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable")
            }
            MerchantError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }
}

impl IntoResponse for MerchantError {
    fn into_response(self) -> Response {
        match &self {
            MerchantError::Internal(detail) => {
                tracing::error!(%detail, "merchant server internal error")
            }
            MerchantError::DatabaseUnavailable(detail) => {
                tracing::warn!(%detail, "the database cannot be reached")
            }
            _ => {}
        }
        let (status, code) = self.status_and_code();
        error_answer(status, code, &self.to_string())
    }
}

/// The error object `{"object": "error", "code", "message"}` with `status`: how every refusal
/// of a merchant server is told, its own and its framework's.
pub fn error_answer(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "object": "error", "code": code, "message": message });
    (status, Json(body)).into_response()
}

#[cfg(feature = "sqlite")]
impl From<paywasm_store::StoreError> for MerchantError {
    fn from(error: paywasm_store::StoreError) -> Self {
        MerchantError::Internal(error.to_string())
    }
}

impl From<serde_json::Error> for MerchantError {
    fn from(error: serde_json::Error) -> Self {
        MerchantError::Internal(error.to_string())
    }
}

/// An order or sale the core's rules refuse (an amount outside the method's limits, a
/// currency it does not take).
impl From<paywasm_core::Error> for MerchantError {
    fn from(error: paywasm_core::Error) -> Self {
        MerchantError::BadRequest(error.to_string())
    }
}
