//! WooshPay's errors: Stripe-like `{"error": {"type", "code", "message", "param"}}` with a
//! fitting HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use paywasm_core::wooshpay::objects::{ErrorAnswer, ErrorObject};

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
    /// The service cannot answer now (503, `api_error`, `service_unavailable`); the request
    /// may be repeated.
    #[error("{0}")]
    Unavailable(String),
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
            WpError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "api_error",
                "service_unavailable",
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

/// WooshPay's error shape, in which its router answers the shared layer's refusals.
#[derive(Debug, Clone, Copy)]
pub struct WooshpayShape;

impl crate::api::ErrorShape for WooshpayShape {
    fn refuse(self, refusal: crate::api::Refusal) -> Response {
        use crate::api::Refusal;
        match refusal {
            Refusal::Invalid(message) => WpError::InvalidRequest {
                code: "parameter_invalid",
                param: None,
                message,
            },
            Refusal::KeyInUse(message) => WpError::Idempotency {
                status: StatusCode::CONFLICT,
                message,
            },
            Refusal::KeyReused(message) => WpError::Idempotency {
                status: StatusCode::BAD_REQUEST,
                message,
            },
            Refusal::TooManyRequests(message) => WpError::RateLimit(message),
            Refusal::Unavailable(message) => WpError::Unavailable(message),
            Refusal::Framework {
                status,
                code,
                message,
            } => {
                let kind = if status.is_server_error() {
                    "api_error"
                } else {
                    "invalid_request_error"
                };
                let error = ErrorObject {
                    kind: kind.into(),
                    code: code.into(),
                    message,
                    param: None,
                };
                return (status, Json(ErrorAnswer { error })).into_response();
            }
            Refusal::Internal(detail) => WpError::Internal(detail),
        }
        .into_response()
    }
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

/// Parameters that cannot be read: a 400 `parameter_invalid`, with the parser's sentence.
impl From<crate::api::params::ParamError> for WpError {
    fn from(error: crate::api::params::ParamError) -> Self {
        WpError::InvalidRequest {
            code: "parameter_invalid",
            param: None,
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::params::ParamError;
    use crate::api::{ErrorShape, Refusal};
    use serde_json::json;

    async fn read(response: Response) -> (StatusCode, serde_json::Value) {
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    /// The shared layer's refusals keep their kind in WooshPay's shape: a fault of the layer is
    /// the server's (before, every one became a 400 `parameter_invalid`, telling the merchant
    /// to fix a request that was fine), and its details stay in the log.
    #[tokio::test]
    async fn the_shared_layers_refusals_keep_their_kind_in_wooshpays_shape() {
        let refuse = |refusal| read(WooshpayShape.refuse(refusal));
        let (status, body) = refuse(Refusal::Internal("disk I/O error".into())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["type"], "api_error");
        assert!(
            !body.to_string().contains("disk"),
            "internals stay in the log: {body}"
        );
        let (status, body) = refuse(Refusal::KeyInUse("still running".into())).await;
        assert_eq!(
            (status, &body["error"]["type"]),
            (StatusCode::CONFLICT, &json!("idempotency_error"))
        );
        let (status, body) = refuse(Refusal::TooManyRequests("slow down".into())).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (StatusCode::TOO_MANY_REQUESTS, &json!("rate_limit"))
        );
        let (status, body) = refuse(Refusal::Framework {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: "no such path".into(),
        })
        .await;
        assert_eq!(
            (status, &body["error"]["type"], &body["error"]["code"]),
            (
                StatusCode::NOT_FOUND,
                &json!("invalid_request_error"),
                &json!("not_found")
            )
        );
        let unreadable = WpError::from(ParamError::Malformed("amount must be an integer".into()));
        let (status, body) = read(unreadable.into_response()).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (StatusCode::BAD_REQUEST, &json!("parameter_invalid"))
        );
        assert_eq!(body["error"]["message"], "amount must be an integer");
    }
}
