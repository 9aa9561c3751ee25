//! The shop's pages, each an askama template (`templates/shop/`) with the fields it shows:
//! text is escaped by the template; the two pieces of markup (the checkout's first view, made
//! by `paywasm_core::first_view`) and the widget's options (JSON in a `<script>` element, its
//! `<` escaped so that no value can close it) are marked safe where they are printed.

use crate::error::MerchantError;
use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use base64::prelude::{Engine, BASE64_STANDARD};
use paywasm_core::first_view;
use paywasm_core::test_codes::TestCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// `config` as the text of a `<script type="application/json">` element.
pub(crate) fn config_json(config: &Value) -> String {
    config.to_string().replace('<', "\\u003c")
}

/// `page` as the shop answers a page: under its Content Security Policy, never cached (each
/// view carries a new order).
pub(crate) fn respond(page: &impl Template) -> Result<Response, MerchantError> {
    let html = page.render().map_err(|error| {
        MerchantError::Internal(format!("a page could not be written: {error}"))
    })?;
    Ok((
        [
            (header::CONTENT_SECURITY_POLICY, csp()),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Html(html),
    )
        .into_response())
}

/// The pages' Content Security Policy: scripts from the shop only, plus the first view's
/// inline script by its hash.
fn csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let hash = BASE64_STANDARD.encode(Sha256::digest(first_view::SCRIPT.as_bytes()));
        CSP_TEMPLATE.replace("{FIRST_VIEW_HASH}", &format!("'sha256-{hash}'"))
    })
}

const CSP_TEMPLATE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {FIRST_VIEW_HASH}; style-src 'self'; img-src 'self' data: http://127.0.0.1:* http://localhost:* https:; connect-src 'self' http://127.0.0.1:* http://localhost:* https:; frame-src http://127.0.0.1:* http://localhost:* https:; frame-ancestors 'none'; base-uri 'none'; form-action 'self' http://127.0.0.1:* http://localhost:* https:";

/// `GET /`.
#[derive(Template)]
#[template(path = "shop/index.html")]
pub(crate) struct ProductPage<'a> {
    pub(crate) title: &'a str,
    pub(crate) product: &'a str,
    pub(crate) price: String,
    pub(crate) shipping: &'a str,
    /// "Pay with ...", the methods the page offers.
    pub(crate) methods: String,
    /// Links the marks of Opn's methods beyond the checkout's own (the page offers some).
    pub(crate) other_marks: bool,
    /// The checkout's build the page preloads (`pkg/{build}.js`): the one with Opn's other
    /// methods where it offers some.
    pub(crate) build: &'a str,
    pub(crate) config: String,
    pub(crate) first_view: String,
}

/// `GET /wooshpay`.
#[derive(Template)]
#[template(path = "shop/wooshpay.html")]
pub(crate) struct WooshpayProductPage<'a> {
    pub(crate) title: &'a str,
    pub(crate) product: &'a str,
    pub(crate) price: String,
    pub(crate) config: String,
    pub(crate) first_view: String,
    pub(crate) order: String,
}

/// A return page (either gateway's).
#[derive(Template)]
#[template(path = "shop/return.html")]
pub(crate) struct ReturnPage<'a> {
    pub(crate) title: &'a str,
    pub(crate) product: &'a str,
    pub(crate) config: String,
    pub(crate) first_view: String,
    /// The checkout's build the page preloads (`pkg/{build}.js`).
    pub(crate) build: &'a str,
}

/// `GET /pos`: the cashier's view, with the sandbox's test codes to scan.
#[derive(Template)]
#[template(path = "shop/pos.html")]
pub(crate) struct PosPage<'a> {
    pub(crate) title: &'a str,
    pub(crate) config: String,
    pub(crate) codes: Vec<TestCode>,
}

/// `GET /pos/sign-in`.
#[derive(Template)]
#[template(path = "shop/pos-sign-in.html")]
pub(crate) struct SignInPage<'a> {
    pub(crate) title: &'a str,
    pub(crate) next: &'a str,
    pub(crate) pin: &'a str,
    pub(crate) problem: &'a str,
}

/// Where a page loads the widget from: the demo's CDN (the gateway's versioned `/pkg/`), and
/// the integrity hashes of the files it links.
pub(crate) struct Cdn {
    pub(crate) gateway_url: String,
    /// `{gateway}/pkg/{version}/`.
    pub(crate) base: String,
    pub(crate) embed_integrity: String,
    pub(crate) css_integrity: String,
}

/// `GET /examples/script-tag`.
#[derive(Template)]
#[template(path = "shop/examples/script-tag.html")]
pub(crate) struct ScriptTagExample {
    pub(crate) cdn: Cdn,
    pub(crate) config: String,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) public_key: String,
    pub(crate) charge_url: String,
    pub(crate) order: String,
}

/// `GET /examples/omise-card`.
#[derive(Template)]
#[template(path = "shop/examples/omise-card.html")]
pub(crate) struct OmiseCardExample {
    pub(crate) cdn: Cdn,
    pub(crate) config: String,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) public_key: String,
    pub(crate) order: String,
}

/// `POST /examples/omise-card`.
#[derive(Template)]
#[template(path = "shop/examples/omise-card-received.html")]
pub(crate) struct OmiseCardReceived<'a> {
    pub(crate) title: &'a str,
    pub(crate) received: String,
}

/// `GET /examples/iframe`.
#[derive(Template)]
#[template(path = "shop/examples/iframe.html")]
pub(crate) struct IframeExample<'a> {
    pub(crate) product: &'a str,
    pub(crate) price: String,
    pub(crate) config: String,
}

/// `GET /examples/wooshpay-session`.
#[derive(Template)]
#[template(path = "shop/examples/wooshpay-session-start.html")]
pub(crate) struct WooshpaySessionStart<'a> {
    pub(crate) product: &'a str,
    pub(crate) price: String,
    pub(crate) order: String,
}

/// `POST /examples/wooshpay-session`.
#[derive(Template)]
#[template(path = "shop/examples/wooshpay-session.html")]
pub(crate) struct WooshpaySessionExample<'a> {
    pub(crate) product: &'a str,
    pub(crate) price: String,
    pub(crate) config: String,
}
