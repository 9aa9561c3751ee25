//! The demo shop's WooshPay mode (seed 004), beside its Omise one:
//!
//! - `GET /wooshpay`: the product in CNY with the widget (`gateway: "wooshpay"`), and a button
//!   to pay on WooshPay's hosted checkout page instead;
//! - `POST /wooshpay/payment_intents` `{order, terminal_type, os_type}`: creates and confirms a
//!   PaymentIntent for the order's amount (never the browser's) and the customer's terminal;
//! - `GET /wooshpay/return?order=...`: where Alipay sends the customer back; the widget resumes
//!   from the order's PaymentIntent (id and client secret from the shop's records, not the URL);
//! - `POST /wooshpay/sessions` (form `order`): a Checkout Session for the order, then its page;
//!   `GET /examples/wooshpay-session`: the same page in an iframe (`pkg/frame.js`);
//! - `POST /webhooks/wooshpay`: signed events; a succeeded PaymentIntent is re-read from the
//!   gateway before the order is marked paid.
//!
//! The shop registers its webhook endpoint with the gateway once and keeps its secret.

use super::checkout::{create_order_for, find_order, Order};
use super::error::MerchantError;
use super::ShopState;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use paywasm_core::ids;
use paywasm_core::method::GatewayKind;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::wooshpay::objects::{
    CheckoutSession, Event, EventObject, EventType, PaymentIntent, PaymentIntentStatus,
    WebhookEndpoint,
};
use paywasm_core::wooshpay::{OsType, TerminalType};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::net::SocketAddr;

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS wooshpay_intents (
    payment_intent  TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders (id),
    client_secret   TEXT NOT NULL,
    seq             INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS wooshpay_webhook (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    endpoint   TEXT NOT NULL,
    secret     TEXT NOT NULL
);
";

/// What the WooshPay mode sells: the scarf, priced for Alipay's Chinese customers.
const PRICE_CNY: i64 = 26_800;

fn wooshpay_order(state: &ShopState, id: &str) -> Result<Order, MerchantError> {
    find_order(state, id)?
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

/// A new order of the product, in CNY as WooshPay's Alipay takes it.
pub(crate) fn create_order(state: &ShopState) -> Result<Order, MerchantError> {
    create_order_for(
        state,
        super::PRODUCT.name,
        Amount(PRICE_CNY),
        Currency::parse("CNY")?,
    )
}

/// `GET /wooshpay`: a new order in CNY, with the checkout's first view (Alipay) in the page.
pub(crate) async fn product(
    State(state): State<ShopState>,
    headers: HeaderMap,
) -> Result<Response, MerchantError> {
    let order = create_order(&state)?;
    let price = order.currency.display(order.amount);
    let config = json!({ "widget": widget_config(&state, &order) });
    let first_view = super::pages::first_view_for(
        &headers,
        GatewayKind::Wooshpay,
        order.amount,
        &order.currency,
    );
    super::pages::render_with(
        &state,
        "wooshpay.html",
        super::PRODUCT.name,
        &price,
        config,
        &[("ORDER", order.id.clone())],
        &first_view,
    )
}

/// `POST /wooshpay/payment_intents` body.
#[derive(Debug, Deserialize)]
pub struct NewIntent {
    order: String,
    terminal_type: TerminalType,
    os_type: Option<OsType>,
    /// The widget's name for this request (a string, or a number such as the widget's random
    /// `0.8147...`), the same when it repeats the request after a lost answer: one
    /// PaymentIntent per order and request. Without it, every request makes a new one.
    request: Option<Value>,
}

/// The name `request` gives a request, if it can be one: 1-64 letters, digits, `.`, `-` or
/// `_`.
fn request_name(request: &Value) -> Option<String> {
    let name = match request {
        Value::String(name) => name.clone(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    let fits = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    fits.then_some(name)
}

pub(crate) async fn payment_intents_create(
    State(state): State<ShopState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<NewIntent>, JsonRejection>,
) -> Result<(StatusCode, Json<ClientView>), MerchantError> {
    let Json(request) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!(
            "send JSON {{\"order\", \"terminal_type\", \"os_type\", \"request\"}}: {}",
            rejection.body_text()
        ))
    })?;
    let name = match &request.request {
        None => None,
        Some(value) => Some(request_name(value).ok_or_else(|| {
            MerchantError::BadRequest(
                "request must be a number or 1-64 letters, digits, '.', '-' or '_'".into(),
            )
        })?),
    };
    let order = wooshpay_order(&state, &request.order)?;
    if order.paid {
        return Err(MerchantError::Refused(
            "order_paid",
            format!("order {} is already paid", order.id),
        ));
    }
    let alipay = paywasm_core::wooshpay::objects::AlipayOptions {
        terminal_type: request.terminal_type,
        os_type: request.os_type,
        client_ip: Some(peer.ip().to_string()),
    };
    let key = match &name {
        Some(name) => format!("shop-intent-{}-{name}", order.id),
        None => String::from(crate::ids::new::<ids::RequestId>()),
    };
    let intent: PaymentIntent = state
        .wooshpay
        .post_json(
            "/v1/payment_intents",
            &json!({
                "amount": order.amount.0,
                "currency": order.currency.as_str(),
                "confirm": true,
                "payment_method_data": { "type": "alipay" },
                "payment_method_types": ["alipay"],
                "payment_method_options": { "alipay": alipay },
                "return_url": format!("{}/wooshpay/return?order={}", state.shop_url, order.id),
                "description": format!("{} (order {})", super::PRODUCT.name, order.id),
                "metadata": { "order_id": order.id },
            }),
            &key,
        )
        .await?;
    // A repeated request gets the first PaymentIntent, which is recorded already.
    state.store.call(|db| {
        db.execute(
            "INSERT OR IGNORE INTO wooshpay_intents (payment_intent, order_id, client_secret, seq)
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM wooshpay_intents WHERE order_id = ?2))",
            rusqlite::params![intent.id, order.id, intent.client_secret],
        )
    })?;
    Ok((StatusCode::CREATED, Json(ClientView::of(intent))))
}

/// What the browser may know of the shop's PaymentIntent: the widget's fields
/// ([`paywasm_core::wooshpay::PaymentIntentView`]) and the client secret, never the metadata
/// or the customer's IP.
#[derive(Debug, Serialize)]
pub struct ClientView {
    id: String,
    client_secret: String,
    status: PaymentIntentStatus,
    amount: i64,
    currency: String,
    next_action: Option<paywasm_core::wooshpay::NextAction>,
}

impl ClientView {
    fn of(intent: PaymentIntent) -> Self {
        Self {
            id: intent.id,
            client_secret: intent.client_secret,
            status: intent.status,
            amount: intent.amount,
            currency: intent.currency,
            next_action: intent.next_action,
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct OrderQuery {
    order: Option<String>,
}

/// `GET /wooshpay/return?order=...`.
pub(crate) async fn return_page(
    State(state): State<ShopState>,
    Query(query): Query<OrderQuery>,
    headers: HeaderMap,
) -> Result<Response, MerchantError> {
    let order = match &query.order {
        Some(id) => wooshpay_order(&state, id).ok(),
        None => None,
    };
    let latest = match &order {
        Some(order) => state.store.call(|db| {
            db.query_row(
                "SELECT payment_intent, client_secret FROM wooshpay_intents WHERE order_id = ?1 ORDER BY seq DESC LIMIT 1",
                [&order.id],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
            )
            .optional()
        })?,
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
    super::pages::render_return(&state, &headers, widget)
}

#[derive(Debug, Deserialize)]
pub(crate) struct SessionForm {
    order: String,
}

/// `POST /wooshpay/sessions`: pay the order on WooshPay's hosted checkout page.
pub(crate) async fn sessions_create(
    State(state): State<ShopState>,
    Form(form): Form<SessionForm>,
) -> Result<Response, MerchantError> {
    let order = wooshpay_order(&state, &form.order)?;
    let session = create_session(&state, &order).await?;
    Ok(Redirect::to(&session.url).into_response())
}

/// `GET /examples/wooshpay-session`: a Checkout Session for a new order, in an iframe.
pub(crate) async fn session_frame_example(
    State(state): State<ShopState>,
) -> Result<Response, MerchantError> {
    let order = create_order_for(
        &state,
        super::PRODUCT.name,
        Amount(PRICE_CNY),
        Currency::parse("CNY")?,
    )?;
    let session = create_session(&state, &order).await?;
    let price = order.currency.display(order.amount);
    let config = json!({ "url": session.url, "successUrl": session.success_url });
    super::pages::render_with(
        &state,
        "examples/wooshpay-session.html",
        "WooshPay Checkout Session in an iframe",
        &price,
        config,
        &[],
        "",
    )
}

/// A Checkout Session for `order`, back to the shop either way.
pub(crate) async fn create_session(
    state: &ShopState,
    order: &Order,
) -> Result<CheckoutSession, MerchantError> {
    let session: CheckoutSession = state
        .wooshpay
        .post_json(
            "/v1/checkout/sessions",
            &json!({
                "mode": "payment",
                "success_url": format!("{}/wooshpay/return?order={}", state.shop_url, order.id),
                "cancel_url": format!("{}/wooshpay", state.shop_url),
                "payment_method_types": ["alipay"],
                "line_items": [{
                    "price_data": {
                        "currency": order.currency.as_str(),
                        "unit_amount": order.amount.0,
                        "product_data": { "name": super::PRODUCT.name },
                    },
                    "quantity": 1,
                }],
                "metadata": { "order_id": order.id },
            }),
            // A new key: each press of the button is a new session, but one press repeated
            // after a lost answer is not.
            &String::from(crate::ids::new::<ids::RequestId>()),
        )
        .await?;
    state.store.call(|db| {
        db.execute(
            "INSERT INTO wooshpay_intents (payment_intent, order_id, client_secret, seq)
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM wooshpay_intents WHERE order_id = ?2))",
            rusqlite::params![session.payment_intent, order.id, session.client_secret],
        )
    })?;
    Ok(session)
}

/// Registers the shop's webhook endpoint with the gateway, once: the secret is kept in the
/// shop's database, so a restart keeps verifying the deliveries still under way.
pub async fn register_webhook(state: &ShopState) -> Result<(), MerchantError> {
    let known: Option<String> = state.store.call(|db| {
        db.query_row("SELECT secret FROM wooshpay_webhook", [], |row| row.get(0))
            .optional()
    })?;
    if known.is_some() {
        return Ok(());
    }
    // Under a key of its own: if the shop dies after the gateway made the endpoint but before
    // the secret was kept here, the next start gets that endpoint's secret, instead of making
    // a second endpoint whose deliveries the shop could never verify.
    let url = format!("{}/webhooks/wooshpay", state.shop_url);
    let endpoint: WebhookEndpoint = state
        .wooshpay
        .post_json(
            "/v1/webhook_endpoints",
            &json!({ "url": url, "enabled_events": ["*"] }),
            &format!("shop-webhook-endpoint {url}"),
        )
        .await?;
    state.store.call(|db| {
        db.execute(
            "INSERT OR IGNORE INTO wooshpay_webhook (singleton, endpoint, secret) VALUES (1, ?1, ?2)",
            rusqlite::params![endpoint.id, endpoint.secret],
        )
    })?;
    Ok(())
}

/// The shop's order paid by the PaymentIntent `id` (from an event) and the intent's id, if the
/// gateway confirms it: never trust the event's copy, read the PaymentIntent from the gateway.
async fn confirmed_payment(
    state: &ShopState,
    id: &str,
) -> Result<Option<(String, String)>, MerchantError> {
    let order_id: Option<String> = state.store.call(|db| {
        db.query_row(
            "SELECT order_id FROM wooshpay_intents WHERE payment_intent = ?1",
            [id],
            |row| row.get(0),
        )
        .optional()
    })?;
    let Some(order_id) = order_id else {
        return Ok(None);
    };
    let intent: PaymentIntent = state
        .wooshpay
        .get(&format!("/v1/payment_intents/{id}"))
        .await?;
    let order = wooshpay_order(state, &order_id)?;
    let confirmed = intent.status == PaymentIntentStatus::Succeeded
        && intent.amount == order.amount.0
        && intent.currency == order.currency.as_str();
    Ok(confirmed.then_some((order_id, intent.id)))
}

/// `POST /webhooks/wooshpay`.
pub(crate) async fn webhooks_receive(
    State(state): State<ShopState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, MerchantError> {
    use paywasm_core::webhook::wooshpay;
    let secret: Option<String> = state.store.call(|db| {
        db.query_row("SELECT secret FROM wooshpay_webhook", [], |row| row.get(0))
            .optional()
    })?;
    let secret = secret.ok_or_else(|| {
        MerchantError::Unauthorized("no WooshPay webhook endpoint is registered".into())
    })?;
    let header = headers
        .get(wooshpay::SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let now = crate::api::now().unix();
    wooshpay::verify(&secret, header, &body, now)
        .map_err(|error| MerchantError::Unauthorized(error.to_string()))?;
    let event: Event = serde_json::from_slice(&body).map_err(|error| {
        MerchantError::BadRequest(format!("the event is not a WooshPay event: {error}"))
    })?;
    let event_id = event.id;
    if state.checkout.records().handled(&event_id).await? {
        return Ok(StatusCode::OK);
    }
    // The event counts as handled only after its effect: if anything before fails (the
    // gateway cannot be read, the process dies), the shop answers an error or nothing, and the
    // gateway's next delivery of the event is handled afresh (paying an order is idempotent).
    let paid_order = match (&event.kind, &event.data.object) {
        (EventType::PaymentIntentSucceeded, EventObject::PaymentIntent(intent)) => {
            confirmed_payment(&state, &intent.id).await?
        }
        _ => None,
    };
    if let Some((order_id, _)) = &paid_order {
        state
            .store
            .call(|db| db.execute("UPDATE orders SET paid = 1 WHERE id = ?1", [order_id]))?;
    }
    state
        .checkout
        .records()
        .mark_handled(&event_id, crate::api::delivery::now_ms())
        .await?;
    if let Some((order_id, intent_id)) = paid_order {
        tracing::info!(order = %order_id, payment_intent = %intent_id, "order paid (WooshPay)");
    }
    Ok(StatusCode::OK)
}
