//! WooshPay's part of the contract (seed 004): `POST /wooshpay/payment_intents`
//! `{order, terminal_type, os_type, request}` creates and confirms a PaymentIntent for the
//! order's amount (never the browser's) and the customer's terminal; one per order and
//! `request`, however often the request is repeated.
//!
//! Beside it, what the merchant's pages call: [`Checkout::resume`] (the return page resumes
//! the order's latest PaymentIntent), [`Checkout::create_session`] (a hosted Checkout Session
//! for an order) and [`Checkout::register_webhook`] (once: the endpoint's secret is kept in
//! the records, shared by every instance).
//!
//! A PaymentIntent that succeeded or was canceled is settled with its order as an Omise charge
//! is: one PaymentIntent pays an order, for what it costs; any other success is refunded. An
//! attempt that failed leaves it payable (the customer may try again).

use super::{with_order, Checkout, Gateway};
use crate::client::WooshpayClient;
use crate::connector::{Connector, Read};
use crate::error::MerchantError;
use crate::orders::Orders;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{post, MethodRouter};
use axum::Json;
use hmac::Mac;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::wooshpay::objects::{
    AlipayOptions, CheckoutSession, PaymentIntent, PaymentIntentStatus, WebhookEndpoint,
};
use paywasm_core::wooshpay::{NextAction, OsType, TerminalType};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;

/// What the browser may know of the merchant's PaymentIntent: the widget's fields
/// ([`paywasm_core::wooshpay::PaymentIntentView`]) and the client secret, never the metadata
/// or the customer's IP.
#[derive(Debug, Serialize)]
pub struct ClientView {
    id: String,
    client_secret: String,
    status: PaymentIntentStatus,
    amount: Amount,
    currency: Currency,
    next_action: Option<NextAction>,
}

impl ClientView {
    fn of(intent: PaymentIntent) -> Self {
        Self {
            id: intent.id.into(),
            client_secret: intent.client_secret,
            status: intent.status,
            amount: intent.amount,
            currency: intent.currency,
            next_action: intent.next_action,
        }
    }
}

/// `POST /wooshpay/payment_intents` body.
#[derive(Debug, Deserialize)]
pub struct NewIntent {
    /// The merchant's order reference.
    pub order: String,
    /// The customer's terminal (`WEB`, `WAP`, `APP`).
    pub terminal_type: TerminalType,
    /// The customer's OS, for `APP`.
    pub os_type: Option<OsType>,
    /// The widget's name for this request (a string, or a number such as the widget's random
    /// `0.8147...`), the same when it repeats the request after a lost answer: one
    /// PaymentIntent per order and request. Without it, every request makes a new one.
    pub request: Option<Value>,
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

/// A key no other request uses, for a write that must happen once per press of a button.
fn fresh_key(what: &str) -> String {
    format!("{what}-{:032x}", rand::random::<u128>())
}

impl Gateway for WooshpayClient {
    const PATH: &'static str = "/wooshpay/payment_intents";

    fn start<O: Orders>() -> MethodRouter<Arc<Checkout<Self, O>>> {
        post(payment_intents_create::<O>)
    }
}

impl<O: Orders> Checkout<WooshpayClient, O> {
    /// Where the gateway sends the customer back: the return URL with the order's reference
    /// and its token, which proves the visitor was sent by the gateway (or is the customer who
    /// paid), not someone who read or guessed the reference.
    fn return_uri(&self, reference: &str) -> Result<String, MerchantError> {
        let mut url = with_order(&self.return_url, reference)?;
        url.push_str("&token=");
        url.push_str(&hex::encode(
            self.return_mac(reference).finalize().into_bytes(),
        ));
        Ok(url)
    }

    fn return_mac(&self, reference: &str) -> hmac::Hmac<sha2::Sha256> {
        let key = self.gateway.derived_key("paywasm wooshpay return");
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key)
            .expect("HMAC takes keys of any length");
        mac.update(reference.as_bytes());
        mac
    }

    /// Creates and confirms a PaymentIntent for order `request.order`, for a customer at
    /// `client_ip`.
    pub async fn payment_intent(
        &self,
        request: NewIntent,
        client_ip: &str,
    ) -> Result<ClientView, MerchantError> {
        let name = match &request.request {
            None => None,
            Some(value) => Some(request_name(value).ok_or_else(|| {
                MerchantError::BadRequest(
                    "request must be a number or 1-64 letters, digits, '.', '-' or '_'".into(),
                )
            })?),
        };
        let reference = request.order.as_str();
        let order = crate::orders::payable(&self.orders, reference).await?;
        crate::settlement::refuse_if_paid(&self.records, reference).await?;
        let alipay = AlipayOptions {
            terminal_type: request.terminal_type,
            os_type: request.os_type,
            client_ip: Some(client_ip.to_owned()),
        };
        // The customer's address is part of the request (Alipay's risk checks read it), so it
        // is part of the key: a phone whose answer was lost because it moved to another network
        // repeats the request from a new address, and gets a PaymentIntent for that address
        // instead of a refusal of the same key with another body. The first one was never
        // shown to the customer and expires unpaid. So is the order's price: a repeat after
        // the merchant changed it asks for the new price (should the customer pay both, the
        // second is refunded as a stray payment).
        let key = match &name {
            Some(name) => format!(
                "shop-intent-{reference}-{name}-{client_ip}-{}{}",
                order.amount.0, order.currency
            ),
            None => fresh_key("shop-intent"),
        };
        let intent: PaymentIntent = self
            .gateway
            .post_json(
                "/v1/payment_intents",
                &json!({
                    "amount": order.amount.0,
                    "currency": order.currency.as_str(),
                    "confirm": true,
                    "payment_method_data": { "type": "alipay" },
                    "payment_method_types": ["alipay"],
                    "payment_method_options": { "alipay": alipay },
                    "return_url": self.return_uri(reference)?,
                    "description": order.description,
                    "metadata": { "order_id": reference },
                }),
                &key,
            )
            .await?;
        // A repeated request gets the first PaymentIntent, which is recorded already.
        self.record(reference, &Read::from(&intent)).await?;
        Ok(ClientView::of(intent))
    }

    /// The latest PaymentIntent of order `reference` and its client secret, for the return
    /// page to resume, settled with its order first; `None` when the order has none, is not the
    /// merchant's, or `token` is not the one of the return URL the gateway was given (the client secret lets its holder read
    /// and confirm the PaymentIntent: it goes only to whom the gateway sent back).
    pub async fn resume(
        &self,
        reference: &str,
        token: &str,
    ) -> Result<Option<(String, String)>, MerchantError> {
        let token_matches = hex::decode(token)
            .is_ok_and(|token| self.return_mac(reference).verify_slice(&token).is_ok());
        if !token_matches || self.orders.order(reference).await?.is_none() {
            return Ok(None);
        }
        let latest = self
            .records
            .latest_payment(reference, WooshpayClient::NAME)
            .await?;
        let Some((intent, Some(client_secret))) = latest else {
            return Ok(None);
        };
        // The customer is back from Alipay: the PaymentIntent is settled now, so that the
        // order is paid even if its webhook is late or never comes. The return page is shown
        // all the same when the gateway cannot be read: the event settles it later.
        if let Err(error) = self.refresh(&intent).await {
            tracing::warn!(%error, payment_intent = %intent, "a returning customer's PaymentIntent could not be settled");
        }
        Ok(Some((intent, client_secret)))
    }

    /// A Checkout Session (WooshPay's hosted page) for order `reference`, named `product`;
    /// the customer comes back to the return URL when paid, to `cancel_url` otherwise.
    pub async fn create_session(
        &self,
        reference: &str,
        product: &str,
        cancel_url: &str,
    ) -> Result<CheckoutSession, MerchantError> {
        let order = crate::orders::payable(&self.orders, reference).await?;
        let session: CheckoutSession = self
            .gateway
            .post_json(
                "/v1/checkout/sessions",
                &json!({
                    "mode": "payment",
                    "success_url": self.return_uri(reference)?,
                    "cancel_url": cancel_url,
                    "payment_method_types": ["alipay"],
                    "line_items": [{
                        "price_data": {
                            "currency": order.currency.as_str(),
                            "unit_amount": order.amount.0,
                            "product_data": { "name": product },
                        },
                        "quantity": 1,
                    }],
                    "metadata": { "order_id": reference },
                }),
                // A new key: each press of the button is a new session, but one press repeated
                // after a lost answer is not.
                &fresh_key("shop-session"),
            )
            .await?;
        // Its PaymentIntent is read for the copy kept of it: the session names only its id.
        let intent = self.gateway.read(&session.payment_intent).await?;
        self.record(reference, &intent).await?;
        Ok(session)
    }

    /// Registers the merchant's webhook endpoint `url` with the gateway, unless one is
    /// registered already: its secret is kept in the records, so a restart (or another
    /// instance) keeps verifying deliveries. Instances starting together may each register
    /// one: every secret is kept, and a delivery signed with any of them is verified.
    pub async fn register_webhook(&self, url: &str) -> Result<(), MerchantError> {
        let name = WooshpayClient::NAME;
        if !self.records.webhook_secrets(name).await?.is_empty() {
            return Ok(());
        }
        // Under a key of its own: if the server dies after the gateway made the endpoint but
        // before the secret was kept, the next start gets that endpoint's secret, instead of
        // making a second endpoint whose deliveries could never be verified.
        let endpoint: WebhookEndpoint = self
            .gateway
            .post_json(
                "/v1/webhook_endpoints",
                &json!({ "url": url, "enabled_events": ["*"] }),
                &format!("shop-webhook-endpoint {url}"),
            )
            .await?;
        let secret = endpoint.secret.ok_or_else(|| {
            MerchantError::Gateway("the new webhook endpoint came without its secret".into())
        })?;
        self.records
            .keep_webhook_endpoint(name, &endpoint.id, &secret)
            .await
    }
}

async fn payment_intents_create<O: Orders>(
    State(checkout): State<Arc<Checkout<WooshpayClient, O>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<NewIntent>, JsonRejection>,
) -> Result<(StatusCode, Json<ClientView>), MerchantError> {
    let Json(request) = body.map_err(|rejection| {
        MerchantError::BadRequest(format!(
            "send JSON {{\"order\", \"terminal_type\", \"os_type\", \"request\"}}: {}",
            rejection.body_text()
        ))
    })?;
    let customer = checkout.proxies.client(peer.ip(), &headers);
    let view = checkout
        .payment_intent(request, &customer.to_string())
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}
