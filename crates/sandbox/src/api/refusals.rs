//! The framework's own refusals (a body or query that does not parse, a wrong content type,
//! a body over the limit, a wrong method, an unknown path) as the router's own error object.

use super::{ErrorShape, Refusal};
use axum::http::StatusCode;
use axum::response::Response;

/// Middleware: the framework's own refusals (a body or query that does not parse, a wrong
/// content type, a body over the limit, a wrong method, an unknown path) come as plain text;
/// this answers them as the router's own error object, in its `shape` (the Omise gateway's,
/// WooshPay's, the shop's), so a client always reads the error object of the party it called.
/// Pages' own HTML refusals are left as they are.
pub async fn plain_refusals_as_error_objects<S: ErrorShape>(
    axum::extract::State(shape): axum::extract::State<S>,
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
    let mut response = shape.refuse(Refusal::Framework {
        status,
        code,
        message,
    });
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response
}
