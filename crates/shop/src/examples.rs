//! The examples of the ways a merchant puts the checkout on a page, each for a new order: the
//! script tag from a CDN (`/examples/script-tag`), Omise.js's OmiseCard
//! (`/examples/omise-card`), the hosted checkout in an iframe (`/examples/iframe`, either
//! gateway), and WooshPay's hosted Checkout Session in an iframe (`/examples/wooshpay-session`).

use crate::checkout::new_order;
use crate::error::MerchantError;
use crate::pages::{offer_only, offered, widget_config};
use crate::views::{self, config_json, respond};
use crate::wooshpay::{create_session, SessionForm};
use crate::{ShopState, PRODUCT};
use axum::extract::{Form, Query, State};
use axum::http::header;
use axum::response::Response;
use paywasm_core::ids::{self, PrefixedId};
use serde::Deserialize;
use serde_json::{json, Value};

/// Query of the script-tag example.
#[derive(Debug, Deserialize)]
pub(crate) struct ScriptTagQuery {
    /// `off`: the page without a Content Security Policy (a merchant page that has none).
    csp: Option<String>,
}

/// The widget's versioned folder on the demo's CDN (the gateway's `/pkg/{version}/`, another
/// origin than the shop's), and the integrity hashes of the files a page links from it.
fn cdn(state: &ShopState) -> views::Cdn {
    views::Cdn {
        gateway_url: state.gateway_url.clone(),
        base: format!("{}/pkg/{}/", state.gateway_url, state.widget_version),
        embed_integrity: state.integrity("embed.js").unwrap_or_default(),
        css_integrity: state.integrity("paywasm.css").unwrap_or_default(),
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
        let order = crate::wooshpay::new_order()?;
        let widget = crate::wooshpay::widget_config(&state, &order);
        (widget, order.currency.display(order.amount))
    } else {
        let order = new_order()?;
        let mut widget = widget_config(&state, &order.id, order.amount.0, order.currency.as_str());
        let offered = offered(None, state.account_methods.get().await.as_deref());
        offer_only(&mut widget, offered.as_deref());
        (widget, order.currency.display(order.amount))
    };
    widget["frameUrl"] = Value::String(state.hosted_page.clone());
    respond(&views::IframeExample {
        product: PRODUCT.name,
        price,
        config: config_json(&widget),
    })
}

/// `GET /examples/wooshpay-session`: the product and a button that opens its Checkout
/// Session in an iframe. A view writes nothing and asks the gateway for nothing: the session
/// is made when the button is pressed.
pub(crate) async fn session_frame_start() -> Result<Response, MerchantError> {
    let order = new_order()?;
    let price = order.currency.display(order.amount);
    respond(&views::WooshpaySessionStart {
        product: super::PRODUCT.name,
        price,
        order: order.id,
    })
}

/// `POST /examples/wooshpay-session` (form `order`): the order's Checkout Session, in an
/// iframe.
pub(crate) async fn session_frame_example(
    State(state): State<ShopState>,
    Form(form): Form<SessionForm>,
) -> Result<Response, MerchantError> {
    let session = create_session(&state, &form.order).await?;
    let price = session.currency.display(session.amount_total);
    let config = json!({ "url": session.url, "successUrl": session.success_url });
    respond(&views::WooshpaySessionExample {
        product: super::PRODUCT.name,
        price,
        config: config_json(&config),
    })
}
