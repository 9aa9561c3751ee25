//! CORS for an API a browser calls from any merchant's origin with a public key (Omise.js's
//! sources, a PaymentIntent read with its client secret): every origin, `GET` and `POST`, the
//! key's `Authorization`, JSON, `Idempotency-Key` and the API's own headers; no cookies.

use axum::http::{header, HeaderName, Method};
use tower_http::cors::{Any, CorsLayer};

/// The layer for an API whose requests may also carry `headers` (Omise's `Omise-Version`).
pub fn public_api(headers: &[&'static str]) -> CorsLayer {
    let own = headers.iter().map(|name| HeaderName::from_static(name));
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(
            [
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
            ]
            .into_iter()
            .chain(own)
            .collect::<Vec<_>>(),
        )
        .max_age(std::time::Duration::from_secs(600))
}
