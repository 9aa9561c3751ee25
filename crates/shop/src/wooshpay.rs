//! The demo shop's WooshPay mode (seed 004), beside its Omise one:
//!
//! - `GET /wooshpay`: the product in CNY with the widget (`gateway: "wooshpay"`), and a button
//!   to pay on WooshPay's hosted checkout page instead;
//! - `POST /wooshpay/payment_intents`, `GET /wooshpay/payment_intents/{id}`,
//!   `POST /webhooks/wooshpay`: the widget's contract on WooshPay's API, served by the merchant
//!   library (`paywasm_merchant::checkout`, with WooshPay's connector) over the shop's CNY
//!   orders;
//! - `GET /wooshpay/return?order=...&token=...`: where Alipay sends the customer back; the
//!   widget resumes from the order's PaymentIntent (id and client secret from the shop's
//!   records, not the URL; only for the token the gateway was given);
//! - `POST /wooshpay/sessions` (form `order`): a Checkout Session for the order, then its page;
//!   `GET /examples/wooshpay-session`: the same page in an iframe (`pkg/frame.js`);
//!
//! The shop registers its webhook endpoint with the gateway once (the library keeps its
//! secret).

use super::checkout::{find_order, Listing, Order};
use super::error::MerchantError;
use super::views::{self, config_json, respond};
use super::ShopState;
use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use paywasm_core::method::GatewayKind;
use paywasm_core::wooshpay::objects::CheckoutSession;
use serde::Deserialize;
use serde_json::{json, Value};

/// What the WooshPay mode sells: the scarf, priced for Alipay's Chinese customers.
pub(crate) const LISTING: Listing = Listing {
    product: super::PRODUCT.name,
    amount: 26_800,
    currency: "CNY",
};

async fn wooshpay_order(state: &ShopState, id: &str) -> Result<Order, MerchantError> {
    find_order(&state.database, id)
        .await?
        .filter(|order| order.currency.as_str() == "CNY")
        .ok_or_else(|| MerchantError::NotFound(format!("order {id} was not found")))
}

/// The widget's settings for `order`.
pub(crate) fn widget_config(state: &ShopState, order: &Order) -> Value {
    json!({
        "gateway": "wooshpay",
        "publicKey": state.wooshpay_public_key,
        "gatewayUrl": state.gateway_url,
        "chargeUrl": format!("{}/wooshpay/payment_intents", state.shop_url),
        "order": order.id,
        "amount": order.amount.0,
        "currency": order.currency.as_str(),
        "merchantName": "paywasm demo shop",
    })
}

/// A new order of the product, in CNY as WooshPay's Alipay takes it, for a page: nothing is
/// written.
pub(crate) fn new_order() -> Result<Order, MerchantError> {
    LISTING.new_order()
}

/// `GET /wooshpay`: a new order in CNY, with the checkout's first view (Alipay) in the page.
pub(crate) async fn product(
    State(state): State<ShopState>,
    headers: HeaderMap,
) -> Result<Response, MerchantError> {
    let order = new_order()?;
    let price = order.currency.display(order.amount);
    let config = json!({ "widget": widget_config(&state, &order) });
    let methods = super::pages::methods_for(
        &headers,
        GatewayKind::Wooshpay,
        order.amount,
        &order.currency,
        // WooshPay answers no capability request: its one method is Alipay.
        None,
    );
    let first_view = super::pages::first_view_for(
        &state,
        &headers,
        order.amount,
        &order.currency,
        &methods,
        // WooshPay's checkout makes no source in the browser: its PaymentIntent is the server's.
        None,
        "paywasm_wooshpay",
    );
    respond(&views::WooshpayProductPage {
        title: super::PRODUCT.name,
        product: super::PRODUCT.name,
        price,
        config: config_json(&config),
        first_view,
        order: order.id.clone(),
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReturnQuery {
    order: Option<String>,
    token: Option<String>,
}

/// `GET /wooshpay/return?order=...&token=...`.
pub(crate) async fn return_page(
    State(state): State<ShopState>,
    Query(query): Query<ReturnQuery>,
    headers: HeaderMap,
) -> Result<Response, MerchantError> {
    let order = match &query.order {
        Some(id) => wooshpay_order(&state, id).await.ok(),
        None => None,
    };
    let latest = match &order {
        Some(order) => {
            let token = query.token.as_deref().unwrap_or_default();
            state.wooshpay.resume(&order.id, token).await?
        }
        None => None,
    };
    let widget = match (order, latest) {
        (Some(order), Some((intent, secret))) => {
            let mut widget = widget_config(&state, &order);
            widget["chargeId"] = intent.into();
            widget["clientSecret"] = secret.into();
            Some(widget)
        }
        _ => None,
    };
    super::pages::render_return(&headers, GatewayKind::Wooshpay, widget)
}

#[derive(Debug, Deserialize)]
pub(crate) struct SessionForm {
    pub(crate) order: String,
}

/// `POST /wooshpay/sessions`: pay the order on WooshPay's hosted checkout page.
pub(crate) async fn sessions_create(
    State(state): State<ShopState>,
    Form(form): Form<SessionForm>,
) -> Result<Response, MerchantError> {
    let session = create_session(&state, &form.order).await?;
    Ok(Redirect::to(&session.url).into_response())
}

/// A Checkout Session for order `reference`, back to the shop either way.
pub(crate) async fn create_session(
    state: &ShopState,
    reference: &str,
) -> Result<CheckoutSession, MerchantError> {
    state
        .wooshpay
        .create_session(
            reference,
            super::PRODUCT.name,
            &format!("{}/wooshpay", state.shop_url),
        )
        .await
}

/// Registers the shop's webhook endpoint with the gateway, once (the merchant library keeps
/// its secret in the shop's records).
pub async fn register_webhook(state: &ShopState) -> Result<(), MerchantError> {
    state
        .wooshpay
        .register_webhook(&format!("{}/webhooks/wooshpay", state.shop_url))
        .await
}
