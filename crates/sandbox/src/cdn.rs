//! The built widget (`pkg/`), served by the gateway and by the shop as a CDN must serve it, so
//! that a page on any origin can load it (README: "From a CDN"):
//!
//! - `/pkg/{version}/*` (the version in `pkg/package.json`): cached for a year, immutable, since
//!   a published version never changes; `/pkg/*`: `no-cache`, revalidated on every load;
//! - `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy: cross-origin`: module
//!   scripts, `fetch` of the wasm and a `crossorigin` stylesheet are CORS requests; the files are
//!   public and no credentials are involved;
//! - `application/wasm` for the wasm (streaming compilation requires it), `nosniff`;
//! - brotli or gzip to a browser that accepts it: the build writes each file's brotli 11 and
//!   `gzip -9` copies beside it (`scripts/precompress.mjs`), served as is, with no compressing
//!   per request; the checkout's wasm travels as 73 KB (brotli) or 85 KB (gzip) instead of 212;
//! - the hosted page (`hosted/`) with its Content Security Policy. Test mode: any shop may
//!   frame it (`frame-ancestors *`); a merchant names its shops (README: "The hosted page").

use axum::http::{header, HeaderValue};
use axum::Router;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The hosted page's policy when the sandbox serves it: its own scripts and styles, the wasm,
/// and requests to the gateway and the merchant server (any loopback or HTTPS origin here).
const HOSTED_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https: http://127.0.0.1:* http://localhost:*; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; frame-ancestors *; base-uri 'none'; form-action 'none'";

/// Cache-Control of a versioned path, which never changes once published.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of an unversioned path, which follows the latest build.
pub const REVALIDATE: &str = "no-cache";

/// The widget's version, as `pkg/package.json` names it (the npm package, `embed.js` and the
/// hosted page's protocol share it).
pub fn widget_version(pkg_dir: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(pkg_dir.join("package.json")).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&manifest).ok()?;
    manifest["version"].as_str().map(str::to_owned)
}

fn files(dir: PathBuf, cache_control: &'static str) -> Router {
    let set = |name: header::HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(axum::middleware::map_response(hosted_page_policy))
        .layer(set(header::CACHE_CONTROL, cache_control))
        .layer(set(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .layer(set(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "cross-origin",
        ))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // The same path answers brotli, gzip or neither by the request's Accept-Encoding: a
        // shared cache must keep them apart.
        .layer(set(header::VARY, "accept-encoding"))
}

/// The hosted page's policy on the package's one kind of page, HTML (`hosted/index.html`).
async fn hosted_page_policy(mut response: axum::response::Response) -> axum::response::Response {
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|media_type| media_type.as_bytes().starts_with(b"text/html"));
    if is_page {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(HOSTED_CSP),
        );
    }
    response
}

/// Routes `/pkg/*` and `/pkg/{version}/*` to the built widget in `pkg_dir`.
pub fn router(pkg_dir: &Path) -> Router {
    let unversioned = Router::new().nest("/pkg", files(pkg_dir.to_owned(), REVALIDATE));
    match widget_version(pkg_dir) {
        Some(version) => unversioned.nest(
            &format!("/pkg/{version}"),
            files(pkg_dir.to_owned(), IMMUTABLE),
        ),
        None => unversioned,
    }
}
