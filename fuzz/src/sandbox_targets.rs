//! Parsers of the sandbox that read request bytes: parameters (form or JSON) and the keys a
//! request presents.

use axum::http::{HeaderMap, HeaderValue};
use paywasm_sandbox::api::credentials::presented_key;
use paywasm_sandbox::api::params::Params;

/// A request body as a form (first byte even) or JSON: parsed or refused, and every typed
/// getter answers or refuses.
pub fn params(data: &[u8]) {
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    if let Ok(params) = Params::parse(body, kind % 2 == 1) {
        for key in [
            "amount", "currency", "source", "type", "metadata", "barcode",
        ] {
            let _ = params.amount(key);
            let _ = params.str(key);
            let _ = params.integer(key);
            let _ = params.object(key);
            let _ = params.metadata(key);
        }
    }
}

/// An `Authorization` header: Basic or Bearer, or nothing.
pub fn keys(data: &[u8]) {
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(axum::http::header::AUTHORIZATION, value);
    let _ = presented_key(&headers);
}
