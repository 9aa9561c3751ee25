//! The framework's own refusals (a body or query that does not parse, a wrong content type,
//! a body over the limit, a wrong method, an unknown path) as the router's own error object.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use paywasm_core::objects::ErrorObject;

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
