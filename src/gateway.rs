//! Omise's gateway, called with the public key: the browser creates sources and nothing else
//! (a WooshPay PaymentIntent is read by its adapter, `crate::adapter`).

use crate::http::{self, Outgoing, GATEWAY};
use crate::options::checked::Options;
use crate::WidgetError;
use gloo_net::http::{Request, RequestBuilder};
use paywasm_core::method::SourceType;
use paywasm_core::platform::PlatformType;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// The API version the widget speaks (sources need at least this one).
pub const API_VERSION: &str = paywasm_core::policy::OMISE_VERSION;

/// The part of a created source the widget needs.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedSource {
    /// `src_...`.
    pub id: String,
}

/// The body of `POST /sources`.
#[derive(Serialize)]
struct NewSource<'a> {
    #[serde(rename = "type")]
    source_type: &'a str,
    amount: i64,
    currency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<&'a str>,
}

fn basic_auth(key: &str) -> Result<String, WidgetError> {
    let window =
        web_sys::window().ok_or_else(|| WidgetError::InvalidOptions("no window".into()))?;
    let encoded = window
        .btoa(&format!("{key}:"))
        .map_err(|_| WidgetError::InvalidOptions("publicKey must be plain ASCII".into()))?;
    Ok(format!("Basic {encoded}"))
}

/// `POST /sources` with the public key; `platform_type` only for redirect methods, which
/// open the app on phones; the customer's `phone_number` where the method needs it
/// (TrueMoney Wallet). `sent`: the answer (a promise of the `Response`) of the same
/// request, which the page's first view already sent; it is read instead of asking again.
pub async fn create_source(
    options: &Options,
    method: SourceType,
    platform: PlatformType,
    phone_number: Option<&str>,
    sent: Option<js_sys::Promise>,
) -> Result<CreatedSource, WidgetError> {
    let body = http::json(&NewSource {
        source_type: method.as_str(),
        amount: options.amount.0,
        currency: options.currency.as_str(),
        platform_type: method.source_has_platform().then_some(platform.as_str()),
        phone_number,
    })?;
    let request = source_request(&options.gateway_url, options.public_key.as_str())?;
    http::send(
        Outgoing::new(request).json(&body).already_sent(sent),
        GATEWAY,
    )
    .await
}

/// `POST {gateway}/sources` with the public key.
fn source_request(gateway_url: &str, public_key: &str) -> Result<RequestBuilder, WidgetError> {
    Ok(
        Request::post(&format!("{}/sources", gateway_url.trim_end_matches('/')))
            .header("Authorization", &basic_auth(public_key)?)
            .header("Omise-Version", API_VERSION),
    )
}

/// The names of the methods the merchant's account takes, as Opn's Capability API lists them
/// (`GET /capability`, with the public key), each followed by a space; `None` when it cannot
/// be read. Walked as the JavaScript value it is, into one string: a type to read it into, or
/// a list of names, cost the widget more.
#[cfg(feature = "omise")]
pub async fn account_methods(options: &Options) -> Option<String> {
    use wasm_bindgen::JsCast;
    let request = Request::get(&format!(
        "{}/capability",
        options.gateway_url.trim_end_matches('/')
    ))
    .header(
        "Authorization",
        &basic_auth(options.public_key.as_str()).ok()?,
    )
    .header("Omise-Version", API_VERSION);
    let capability = http::send_for_value(Outgoing::new(request), GATEWAY)
        .await
        .ok()?;
    let methods: js_sys::Array = js_sys::Reflect::get(&capability, &"payment_methods".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let mut names = String::new();
    for method in methods.iter() {
        if let Some(name) = js_sys::Reflect::get(&method, &"name".into())
            .ok()
            .and_then(|name| name.as_string())
        {
            names.push_str(&name);
            names.push(' ');
        }
    }
    Some(names)
}

/// What the gateway answered to a source request, whatever it was: Omise.js hands merchants
/// the status code and the body as they are.
pub struct RawAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The parsed JSON body (a source or an error object).
    pub body: JsValue,
}

/// `POST /sources` with `params` (any JSON object; `type` is set from `source_type`) and the
/// public key, as Omise.js's `createSource` does, plus the `Omise-Version` header it omits.
pub async fn create_source_raw(
    gateway_url: &str,
    public_key: &str,
    source_type: &str,
    params: &JsValue,
) -> Result<RawAnswer, WidgetError> {
    let body = js_sys::Object::assign(
        &js_sys::Object::new(),
        &js_sys::Object::from(params.clone()),
    );
    js_sys::Reflect::set(&body, &"type".into(), &source_type.into())
        .map_err(|_| WidgetError::InvalidOptions("params must be an object".into()))?;
    let body = js_sys::JSON::stringify(&body)
        .map(String::from)
        .map_err(|_| WidgetError::InvalidOptions("params must be JSON".into()))?;
    let request = source_request(gateway_url, public_key)?;
    let (status, body) = http::send_raw(Outgoing::new(request).json(&body), GATEWAY).await?;
    let body = body.ok_or(WidgetError::InvalidResponse {
        party: GATEWAY.title,
    })?;
    Ok(RawAnswer { status, body })
}
