//! The shop's server-rendered pages: the templates in `templates/shop/` with the checkout's settings
//! put in a JSON block (read by the page's module script), and on the product page the
//! checkout's first view (`paywasm_core::first_view`), whose one inline script the Content
//! Security Policy allows by its hash.

use super::checkout::{find_order, new_order};
use super::error::MerchantError;
use super::views::{self, config_json, respond};
use super::{ShopState, PRODUCT};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use base64::prelude::{Engine, BASE64_STANDARD};
use paywasm_core::first_view;
use paywasm_core::i18n;
use paywasm_core::ids::{self, PrefixedId};
use paywasm_core::method::{checkout_methods, GatewayKind};
use paywasm_core::money::{Amount, Currency};
use paywasm_core::objects::PlatformType;
use paywasm_core::platform::detect_platform;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The pages' Content Security Policy: scripts from the shop only, plus the first view's
/// inline script by its hash.
pub(crate) fn csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let hash = BASE64_STANDARD.encode(Sha256::digest(first_view::SCRIPT.as_bytes()));
        CSP_TEMPLATE.replace("{FIRST_VIEW_HASH}", &format!("'sha256-{hash}'"))
    })
}

const CSP_TEMPLATE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {FIRST_VIEW_HASH}; style-src 'self'; img-src 'self' data: http://127.0.0.1:* http://localhost:* https:; connect-src 'self' http://127.0.0.1:* http://localhost:* https:; frame-src http://127.0.0.1:* http://localhost:* https:; frame-ancestors 'none'; base-uri 'none'; form-action 'self' http://127.0.0.1:* http://localhost:* https:";

fn widget_config(state: &ShopState, order_id: &str, amount: i64, currency: &str) -> Value {
    json!({
        "publicKey": state.public_key,
        "gatewayUrl": state.gateway_url,
        "chargeUrl": format!("{}/checkout/charges", state.shop_url),
        "order": order_id,
        "amount": amount,
        "currency": currency,
        "merchantName": "paywasm demo shop",
    })
}

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
}

/// The customer's platform from the `User-Agent`. Touch points are not sent: an iPad in
/// desktop mode gets the desktop's methods here, and the widget's own choice when it takes over.
fn customer_platform(headers: &HeaderMap) -> PlatformType {
    detect_platform(header(headers, header::USER_AGENT), 0)
}

/// The widget's words in the first of the browser's languages (`Accept-Language`, in its
/// order of preference: `th-TH,th;q=0.9,en;q=0.8`) that the widget speaks; the widget reads
/// the same list from `navigator.languages`.
fn customer_texts(headers: &HeaderMap) -> &'static i18n::Texts {
    let languages = header(headers, header::ACCEPT_LANGUAGE)
        .split(',')
        .map(|tag| tag.split(';').next().unwrap_or("").trim());
    i18n::choose(None, languages)
}

/// The checkout's first view, offering what the widget will offer on `gateway` for the
/// customer's platform, in the customer's language.
pub(crate) fn first_view_for(
    headers: &HeaderMap,
    gateway: GatewayKind,
    amount: Amount,
    currency: &Currency,
) -> String {
    let methods = checkout_methods(gateway, amount, currency, customer_platform(headers));
    first_view::html(customer_texts(headers), amount, currency, &methods)
}

/// `GET /`: the product page, with a new order and the checkout's method buttons already in
/// the HTML (in the customer's language, for the customer's platform), so that they can be
/// used before the widget has loaded.
pub(crate) async fn product(
    State(state): State<ShopState>,
    headers: HeaderMap,
) -> Result<Response, MerchantError> {
    let order = new_order()?;
    let price = order.currency.display(order.amount);
    let config = json!({ "widget": widget_config(&state, &order.id, order.amount.0, order.currency.as_str()) });
    let first_view = first_view_for(&headers, GatewayKind::Omise, order.amount, &order.currency);
    respond(&views::ProductPage {
        title: PRODUCT.name,
        product: PRODUCT.name,
        price,
        config: config_json(&config),
        first_view,
    })
}

/// Query of the return page.
#[derive(Debug, Deserialize)]
pub(crate) struct ReturnQuery {
    order: Option<String>,
}

/// `GET /return?order=...`: where the customer lands after the authorize page; the widget
/// resumes from the order's charge and shows how it ended.
pub(crate) async fn return_page(
    State(state): State<ShopState>,
    Query(query): Query<ReturnQuery>,
    headers: HeaderMap,
) -> Result<Response, MerchantError> {
    let order = match &query.order {
        Some(id) => find_order(&state.database, id).await?,
        None => None,
    };
    let charge_id = match &order {
        Some(order) => state.checkout.records().latest_charge(&order.id).await?,
        None => None,
    };
    let widget = match (order, charge_id) {
        (Some(order), Some(charge_id)) => {
            let mut widget =
                widget_config(&state, &order.id, order.amount.0, order.currency.as_str());
            widget["chargeId"] = charge_id.into();
            Some(widget)
        }
        _ => None,
    };
    render_return(&headers, GatewayKind::Omise, widget)
}

/// A return page: the widget resuming the payment (`widget`: its options), shown at first as
/// "Confirming your payment…" in the customer's language, or, without one, what to do next.
/// The page preloads the checkout's build for `gateway` (each gateway's is its own).
pub(crate) fn render_return(
    headers: &HeaderMap,
    gateway: GatewayKind,
    widget: Option<Value>,
) -> Result<Response, MerchantError> {
    let (config, first_view) = match widget {
        Some(widget) => (
            json!({ "widget": widget }),
            first_view::confirming(customer_texts(headers)),
        ),
        None => (
            json!({ "error": "We could not find this order's payment. Please go back to the shop and try again." }),
            String::new(),
        ),
    };
    respond(&views::ReturnPage {
        title: "Your payment",
        product: PRODUCT.name,
        config: config_json(&config),
        first_view,
        build: checkout_build(gateway),
    })
}

/// The checkout's build (`pkg/{build}.js`) for a gateway's page.
pub(crate) fn checkout_build(gateway: GatewayKind) -> &'static str {
    match gateway {
        GatewayKind::Omise => "paywasm",
        GatewayKind::Wooshpay => "paywasm_wooshpay",
    }
}

/// Query of the script-tag example.
#[derive(Debug, Deserialize)]
pub(crate) struct ScriptTagQuery {
    /// `off`: the page without a Content Security Policy (a merchant page that has none).
    csp: Option<String>,
}

/// The integrity hash the build recorded for a published file (`pkg/integrity.json`).
fn integrity(state: &ShopState, file: &str) -> String {
    std::fs::read_to_string(state.pkg_dir.join("integrity.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|manifest| manifest["files"][file].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The widget's versioned folder on the demo's CDN (the gateway's `/pkg/{version}/`, another
/// origin than the shop's), and the integrity hashes of the files a page links from it.
fn cdn(state: &ShopState) -> views::Cdn {
    views::Cdn {
        gateway_url: state.gateway_url.clone(),
        base: format!("{}/pkg/{}/", state.gateway_url, state.widget_version),
        embed_integrity: integrity(state, "embed.js"),
        css_integrity: integrity(state, "paywasm.css"),
    }
}

/// A page that loads the widget from the CDN gets a policy naming it, as a merchant's must;
/// with `csp=off`, none (a merchant page that has none).
fn with_cdn_policy(
    state: &ShopState,
    mut page: Response,
    csp: Option<&str>,
) -> Result<Response, MerchantError> {
    let gateway = &state.gateway_url;
    let policy = format!(
        "default-src 'self'; script-src 'self' {gateway} 'wasm-unsafe-eval'; style-src 'self' {gateway}; img-src 'self' data: {gateway}; connect-src 'self' {gateway}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    );
    let headers = page.headers_mut();
    match csp {
        Some("off") => headers.remove(header::CONTENT_SECURITY_POLICY),
        _ => headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_str(&policy)
                .map_err(|error| MerchantError::Internal(format!("the policy: {error}")))?,
        ),
    };
    Ok(page)
}

/// `GET /examples/script-tag`: the script-tag way as a merchant writes it, `embed.js` loaded
/// from a CDN on another origin (the gateway's versioned `/pkg/`, served as a CDN serves it)
/// with its integrity hash, Omise.js-compatible merchant code and a declarative checkout, for
/// a new order. `?csp=off` serves it without a policy.
pub(crate) async fn script_tag_example(
    State(state): State<ShopState>,
    Query(query): Query<ScriptTagQuery>,
) -> Result<Response, MerchantError> {
    let order = new_order()?;
    let widget = widget_config(&state, &order.id, order.amount.0, order.currency.as_str());
    let page = respond(&views::ScriptTagExample {
        cdn: cdn(&state),
        config: config_json(&widget),
        amount: order.amount.0,
        currency: order.currency.to_string(),
        public_key: state.public_key.clone(),
        charge_url: format!("{}/checkout/charges", state.shop_url),
        order: order.id.clone(),
    })?;
    with_cdn_policy(&state, page, query.csp.as_deref())
}

/// `GET /examples/omise-card`: a page written for Omise.js's OmiseCard (its script in a form,
/// and `configure`/`configureButton`/`attach`/`open` from the page's script), on `embed.js`
/// from the CDN, for a new order.
pub(crate) async fn omise_card_example(
    State(state): State<ShopState>,
) -> Result<Response, MerchantError> {
    let order = new_order()?;
    let widget = widget_config(&state, &order.id, order.amount.0, order.currency.as_str());
    let page = respond(&views::OmiseCardExample {
        cdn: cdn(&state),
        config: config_json(&widget),
        amount: order.amount.0,
        currency: order.currency.to_string(),
        public_key: state.public_key.clone(),
        order: order.id.clone(),
    })?;
    with_cdn_policy(&state, page, None)
}

/// What OmiseCard's form posts: Omise.js's hidden fields, and the shop's own.
#[derive(Debug, Deserialize)]
pub(crate) struct OmiseCardForm {
    #[serde(rename = "omiseSource", default)]
    omise_source: String,
    #[serde(rename = "omiseToken", default)]
    omise_token: String,
    order: Option<String>,
}

/// `POST /examples/omise-card`: the form OmiseCard filled and submitted. The shop reads the
/// source back from the gateway with its secret key (a merchant would charge it now) and says
/// what it received.
pub(crate) async fn omise_card_received(
    State(state): State<ShopState>,
    axum::Form(form): axum::Form<OmiseCardForm>,
) -> Result<Response, MerchantError> {
    if !form.omise_token.is_empty() || ids::SourceId::parse(&form.omise_source).is_none() {
        return Err(MerchantError::BadRequest(
            "the form carries no payment source (omiseSource)".into(),
        ));
    }
    let source = state.checkout.gateway().source(&form.omise_source).await?;
    let received = format!(
        "The shop received source {} for order {}: {}, {}.",
        source.id,
        form.order.unwrap_or_default(),
        source.source_type.as_str(),
        source.currency.display(source.amount),
    );
    respond(&views::OmiseCardReceived {
        title: "OmiseCard example",
        received,
    })
}

/// Query of the hosted-checkout example.
#[derive(Debug, Deserialize)]
pub(crate) struct IframeQuery {
    /// `wooshpay`: the same frame on WooshPay's PaymentIntents.
    gateway: Option<String>,
}

/// `GET /examples/iframe`: the hosted checkout (the hosted page, on its own origin) in an
/// iframe, for a new order; `?gateway=wooshpay` for WooshPay.
pub(crate) async fn iframe_example(
    State(state): State<ShopState>,
    Query(query): Query<IframeQuery>,
) -> Result<Response, MerchantError> {
    let (mut widget, price) = if query.gateway.as_deref() == Some("wooshpay") {
        let order = super::wooshpay::new_order()?;
        let widget = super::wooshpay::widget_config(&state, &order);
        (widget, order.currency.display(order.amount))
    } else {
        let order = new_order()?;
        let widget = widget_config(&state, &order.id, order.amount.0, order.currency.as_str());
        (widget, order.currency.display(order.amount))
    };
    widget["frameUrl"] = Value::String(state.hosted_page.clone());
    respond(&views::IframeExample {
        product: PRODUCT.name,
        price,
        config: config_json(&widget),
    })
}

/// Query of the POS page.
#[derive(Debug, Deserialize)]
pub(crate) struct PosQuery {
    amount: Option<i64>,
}

/// `GET /pos?amount=N`: the cashier view for a sale of N (smallest unit; default THB 400.00).
pub(crate) async fn pos_page(
    State(state): State<ShopState>,
    Query(query): Query<PosQuery>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Result<Response, MerchantError> {
    if state.staff.of(&headers).await?.is_none() {
        let here = uri.path_and_query().map_or("/pos", |path| path.as_str());
        let mut next = url::form_urlencoded::Serializer::new(String::new());
        next.append_pair("next", here);
        return Ok(
            axum::response::Redirect::to(&format!("/pos/sign-in?{}", next.finish()))
                .into_response(),
        );
    }
    let amount = query.amount.unwrap_or(40_000);
    let config = json!({
        "widget": {
            "mode": "pos",
            "amount": amount,
            "currency": "THB",
            "posUrl": format!("{}/pos/charges", state.shop_url),
            "chargeUrl": format!("{}/checkout/charges", state.shop_url),
            "storeId": "store_1234",
            "storeName": "paywasm demo shop (Silom)",
            "terminalId": "POS-01",
        }
    });
    respond(&views::PosPage {
        title: "Point of sale",
        config: config_json(&config),
        codes: paywasm_core::test_codes::test_codes(),
    })
}
