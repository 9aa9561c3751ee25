//! The gateway's errors, answered as its error object with a fitting HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use paywasm_core::objects::ErrorObject;

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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = self.status_and_code();
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        (status, Json(self.object())).into_response()
    }
}

/// The API a router answers for, and so the shape of the errors its shared layers
/// (idempotency, rate limits) answer with. Each router names its own where it is built; no
/// error's shape is chosen from the request's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Omise's `{object: "error", location, code, message}`.
    Omise,
    /// WooshPay's `{error: {type, code, message}}`.
    Wooshpay,
}

/// Middleware: the framework's own refusals (a body or query that does not parse, a wrong
/// content type, a body over the limit, a wrong method, an unknown path) come as plain text;
/// this answers them as the router's own error object, made by its `render` (the Omise
/// gateway's [`omise_refusal`], WooshPay's, the shop's), so a client always reads the error
/// object of the party it called. Pages' own HTML refusals are left as they are.
pub async fn plain_refusals_as_error_objects(
    axum::extract::State(render): axum::extract::State<RenderRefusal>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_none_or(|value| value.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let message = match text.trim() {
        "" => status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_owned(),
        text => text.to_owned(),
    };
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "request_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        status if status.is_server_error() => "internal_error",
        _ => "bad_request",
    };
    let mut response = (status, Json(render(status, code, message))).into_response();
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response
}

/// Makes a router's error object for a refusal: its status, a code, a message.
pub type RenderRefusal = fn(StatusCode, &'static str, String) -> serde_json::Value;

/// A refusal as the Omise API's error object.
pub fn omise_refusal(_: StatusCode, code: &'static str, message: String) -> serde_json::Value {
    serde_json::to_value(ErrorObject::new(code, message)).unwrap_or_default()
}
