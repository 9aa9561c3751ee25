//! The hosted checkout: a page on the gateway's origin that merchants put in an iframe
//! (`pkg/frame.js` does the parent's side), with the widget it runs (`/pkg/*`).

use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use tower_http::services::ServeDir;

/// Any merchant may frame it; the page talks only to the origin its parent names, and
/// the merchant server it calls is the merchant's own (`connect-src`).
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; frame-ancestors *; base-uri 'none'; form-action 'self'";

/// Routes of the hosted page, its assets and the widget.
pub fn router(www_dir: PathBuf, pkg_dir: PathBuf) -> Router {
    let page = www_dir.join("hosted").join("checkout.html");
    Router::new()
        .route(
            "/hosted/checkout",
            get(move || {
                let page = page.clone();
                async move {
                    match tokio::fs::read_to_string(&page).await {
                        Ok(html) => (
                            [
                                (header::CONTENT_SECURITY_POLICY, CSP),
                                (header::CACHE_CONTROL, "no-cache"),
                            ],
                            Html(html),
                        )
                            .into_response(),
                        Err(error) => crate::error::ApiError::Internal(format!(
                            "cannot read {}: {error}",
                            page.display()
                        ))
                        .into_response(),
                    }
                }
            }),
        )
        .nest_service("/hosted/assets", ServeDir::new(www_dir.join("hosted")))
        .nest_service("/pkg", ServeDir::new(pkg_dir))
}
