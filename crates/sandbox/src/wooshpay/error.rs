//! WooshPay's errors: Stripe-like `{"error": {"type", "code", "message", "param"}}` with a
//! fitting HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use paywasm_core::wooshpay::objects::{ErrorAnswer, ErrorObject};
use serde_json::json;

/// Everything a WooshPay request can fail with. Messages are for people and never include
/// internals.
#[derive(Debug, thiserror::Error)]
pub enum WpError {
    /// A missing, malformed or invalid parameter (400, `invalid_request_error`).
    #[error("{message}")]
    InvalidRequest {
        /// A machine-readable code such as `parameter_missing`.
        code: &'static str,
        /// The parameter at fault, if one is.
        param: Option<String>,
        /// What is wrong, for people.
        message: String,
    },
    /// Missing or wrong key, or the publishable key where the secret key is needed (401).
    #[error("{0}")]
    Authentication(String),
    /// No such object (404).
    #[error("{0}")]
    NotFound(String),
    /// The object's state does not allow this (400, `payment_intent_unexpected_state`...).
    #[error("{message}")]
    UnexpectedState {
        /// The state code.
        code: &'static str,
        /// What is wrong, for people.
        message: String,
    },
    /// An `Idempotency-Key` used for another request (400), or while its first request is
    /// still being processed (409): `idempotency_error`, as Stripe-like APIs answer.
    #[error("{message}")]
    Idempotency {
        /// 400 or 409.
        status: StatusCode,
        /// What is wrong, for people.
        message: String,
    },
    /// Too many requests with this key (429, `rate_limit`).
    #[error("{0}")]
    RateLimit(String),
    /// A fault inside the sandbox (500); details go to the log, not the client.
    #[error("internal error")]
    Internal(String),
}

impl WpError {
    /// An invalid (or missing) parameter.
    pub fn param(code: &'static str, param: &str, message: impl Into<String>) -> Self {
        WpError::InvalidRequest {
            code,
            param: Some(param.to_owned()),
            message: message.into(),
        }
    }

    /// A missing parameter.
    pub fn missing(param: &str) -> Self {
        Self::param(
            "parameter_missing",
            param,
            format!("missing required param: {param}"),
        )
    }

    /// A parameter with a value the API does not take.
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Self::param("parameter_invalid", param, message)
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str, Option<&str>) {
        match self {
            WpError::InvalidRequest { code, param, .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                code,
                param.as_deref(),
            ),
            WpError::Authentication(_) => (
                StatusCode::UNAUTHORIZED,
                "authentication_error",
                "api_key_invalid",
                None,
            ),
            WpError::NotFound(_) => (
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                "resource_missing",
                None,
            ),
            WpError::UnexpectedState { code, .. } => {
                (StatusCode::BAD_REQUEST, "invalid_request_error", code, None)
            }
            WpError::Idempotency { status, .. } => {
                (*status, "idempotency_error", "idempotency_key_in_use", None)
            }
            WpError::RateLimit(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "invalid_request_error",
                "rate_limit",
                None,
            ),
            WpError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "api_error",
                "internal_error",
                None,
            ),
        }
    }
}

impl IntoResponse for WpError {
    fn into_response(self) -> Response {
        if let WpError::Internal(detail) = &self {
            tracing::error!(%detail, "wooshpay internal error");
        }
        let (status, kind, code, param) = self.parts();
        let error = ErrorObject {
            kind: kind.into(),
            code: code.into(),
            message: self.to_string(),
            param: param.map(Into::into),
        };
        (status, Json(ErrorAnswer { error })).into_response()
    }
}

/// A refusal as WooshPay's error object (for [`crate::api::refusals::plain_refusals_as_error_objects`]).
pub fn refusal(status: StatusCode, code: &'static str, message: String) -> serde_json::Value {
    let kind = if status.is_server_error() {
        "api_error"
    } else {
        "invalid_request_error"
    };
    json!(ErrorAnswer {
        error: ErrorObject {
            kind: kind.into(),
            code: code.into(),
            message,
            param: None,
        }
    })
}

impl From<crate::store::StoreError> for WpError {
    fn from(error: crate::store::StoreError) -> Self {
        WpError::Internal(error.to_string())
    }
}

impl From<serde_json::Error> for WpError {
    fn from(error: serde_json::Error) -> Self {
        WpError::Internal(error.to_string())
    }
}

impl From<rusqlite::Error> for WpError {
    fn from(error: rusqlite::Error) -> Self {
        WpError::Internal(error.to_string())
    }
}

/// The shared layers (the body parser, keys, idempotency, the store) answer in the Omise
/// shape; here each keeps its sentence and its kind in this API's: an internal fault stays a
/// 500 `api_error`, a refusal of the request's form a 400.
impl From<crate::error::ApiError> for WpError {
    fn from(error: crate::error::ApiError) -> Self {
        use crate::error::ApiError as A;
        match error {
            A::Internal(detail) => WpError::Internal(detail),
            A::ServiceUnavailable(detail) | A::BadGateway(detail) => WpError::Internal(detail),
            A::AuthenticationFailure(message) => WpError::Authentication(message),
            A::NotFound(message) => WpError::NotFound(message),
            A::TooManyRequests(message) => WpError::RateLimit(message),
            other => WpError::InvalidRequest {
                code: "parameter_invalid",
                param: None,
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    async fn answer(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = WpError::from(error).into_response();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    /// A fault of the shared layers is the server's, in WooshPay's shape: before, every one
    /// became a 400 `parameter_invalid`, telling the merchant to fix a request that was fine.
    #[tokio::test]
    async fn the_shared_layers_errors_keep_their_kind_in_wooshpays_shape() {
        let (status, body) = answer(ApiError::Internal("disk I/O error".into())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["type"], "api_error");
        assert!(
            !body.to_string().contains("disk"),
            "internals stay in the log: {body}"
        );
        let (status, body) = answer(ApiError::NotFound("no such thing".into())).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (StatusCode::NOT_FOUND, &json!("resource_missing"))
        );
        let (status, body) = answer(ApiError::AuthenticationFailure("bad key".into())).await;
        assert_eq!(
            (status, &body["error"]["type"]),
            (StatusCode::UNAUTHORIZED, &json!("authentication_error"))
        );
        let (status, body) = answer(ApiError::BadRequest("amount must be an integer".into())).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (StatusCode::BAD_REQUEST, &json!("parameter_invalid"))
        );
        assert_eq!(body["error"]["message"], "amount must be an integer");
    }
}
