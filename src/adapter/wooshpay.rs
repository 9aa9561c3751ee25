//! WooshPay (seed 004): the merchant server creates and confirms a PaymentIntent for the
//! customer's platform (`POST {chargeUrl}`), the customer follows its `next_action` to Alipay,
//! and the browser reads the PaymentIntent at the gateway with the publishable key and the
//! client secret.

use super::{Adapter, Sent};
use crate::http::{self, Outgoing, GATEWAY, SHOP};
use crate::options::checked::{Gateway, Options};
use crate::{merchant, WidgetError};
use gloo_net::http::Request;
use paywasm_core::checkout::Payment;
use paywasm_core::method::{GatewayKind, SourceType};
use paywasm_core::platform::PlatformType;
use paywasm_core::wooshpay::{terminal_names, PaymentIntentView};
use serde::Serialize;

/// WooshPay's checkout.
pub(crate) struct Wooshpay;

/// The body of `POST {chargeUrl}`. The request is named (`request`, new for each call), so
/// that the shop answers a repeat after a lost answer with the same PaymentIntent.
#[derive(Serialize)]
struct NewPaymentIntent<'a> {
    order: &'a str,
    terminal_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    os_type: Option<&'a str>,
    request: f64,
}

impl Adapter for Wooshpay {
    const KIND: GatewayKind = GatewayKind::Wooshpay;

    const OTHERS_REFUSED: &'static str = "Omise is not in this build (paywasm_wooshpay.js): the npm package and embed.js load paywasm.js for any gateway but \"wooshpay\"; a Leptos app on Omise leaves the paywasm crate's `wooshpay` feature off";

    /// Asks the merchant server to create and confirm a PaymentIntent for the order, for the
    /// customer's terminal (`WEB`: Alipay's QR page; `APP`: the Alipay app). WooshPay's one
    /// method is Alipay, so `method` chooses nothing, and no page sends a source for it.
    async fn start(
        options: &Options,
        order: &str,
        _method: SourceType,
        platform: PlatformType,
        _phone_number: Option<&str>,
        _sent: Sent,
    ) -> Result<Payment, WidgetError> {
        let (terminal_type, os_type) = terminal_names(platform);
        let body = http::json(&NewPaymentIntent {
            order,
            terminal_type,
            os_type,
            // A random number: JSON.stringify writes it, so no float formatting comes into
            // the wasm.
            request: js_sys::Math::random(),
        })?;
        let intent: PaymentIntentView =
            merchant::post_repeating(&options.charge_url, body, None).await?;
        intent
            .to_payment()
            .map_err(|_| WidgetError::InvalidResponse { party: SHOP.title })
    }

    /// `GET {gateway}/v1/payment_intents/{id}?client_secret=...` with the publishable key.
    async fn read(options: &Options, id: &str) -> Result<Payment, WidgetError> {
        let client_secret = match &options.gateway {
            Gateway::Wooshpay {
                client_secret: Some(secret),
            } => secret.as_str(),
            _ => "",
        };
        let url = format!(
            "{}/v1/payment_intents/{}",
            options.gateway_url,
            String::from(js_sys::encode_uri_component(id)),
        );
        let request = Request::get(&url)
            .query([("client_secret", client_secret)])
            .header(
                "Authorization",
                &format!("Bearer {}", options.public_key.as_str()),
            );
        let intent: PaymentIntentView = http::send(Outgoing::new(request), GATEWAY).await?;
        intent
            .to_payment()
            .map_err(|_| WidgetError::InvalidResponse {
                party: GATEWAY.title,
            })
    }
}
