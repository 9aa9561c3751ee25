//! The gateway, called with the public key: on Omise the browser creates sources and nothing
//! else; on WooshPay it reads a PaymentIntent's client-safe fields with its client secret.

use crate::http::Request;
use crate::options::Options;
use crate::WidgetError;
use paywasm_core::method::SourceType;
use paywasm_core::objects::PlatformType;

/// The API version the widget speaks (sources need at least this one).
pub const API_VERSION: &str = "2017-11-02";

/// The part of a created source the widget needs.
#[derive(Debug, Clone)]
pub struct CreatedSource {
    /// `src_...`.
    pub id: String,
}

impl crate::js::FromJs for CreatedSource {
    fn from_js(obj: &crate::js::Obj) -> Option<Self> {
        Some(Self { id: obj.str("id")? })
    }
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
/// open the app on phones.
pub async fn create_source(
    options: &Options,
    method: SourceType,
    platform: PlatformType,
) -> Result<CreatedSource, WidgetError> {
    let platform_type = (method == SourceType::AlipayCn).then_some(platform.as_str());
    let body = crate::js::json(&[
        ("type", method.as_str().into()),
        ("amount", crate::js::amount(options.amount.0)),
        ("currency", options.currency.as_str().into()),
        ("platform_type", crate::js::opt(platform_type)),
    ])?;
    let request = source_request(&options.gateway_url, &options.public_key, body)?;
    crate::http::send(request, GATEWAY, GATEWAY_TITLE).await
}

const GATEWAY: &str = "the payment service";
const GATEWAY_TITLE: &str = "The payment service";

/// `POST {gateway}/sources` with the public key and a JSON body.
fn source_request(
    gateway_url: &str,
    public_key: &str,
    body: String,
) -> Result<Request, WidgetError> {
    Ok(
        Request::post(&format!("{}/sources", gateway_url.trim_end_matches('/')))
            .header("Authorization", &basic_auth(public_key)?)
            .header("Omise-Version", API_VERSION)
            .header("Content-Type", "application/json")
            .body(body),
    )
}

/// What the gateway answered to a source request, whatever it was: Omise.js hands merchants
/// the status code and the body as they are.
pub struct RawAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The parsed JSON body (a source or an error object).
    pub body: wasm_bindgen::JsValue,
}

/// `POST /sources` with `params` (any JSON object; `type` is set from `source_type`) and the
/// public key, as Omise.js's `createSource` does, plus the `Omise-Version` header it omits.
pub async fn create_source_raw(
    gateway_url: &str,
    public_key: &str,
    source_type: &str,
    params: &wasm_bindgen::JsValue,
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
    let request = source_request(gateway_url, public_key, body)?;
    let (status, text) = request
        .send()
        .await
        .map_err(|_| WidgetError::Network { party: GATEWAY })?;
    let body = js_sys::JSON::parse(&text).map_err(|_| WidgetError::InvalidResponse {
        party: GATEWAY_TITLE,
    })?;
    Ok(RawAnswer { status, body })
}

/// WooshPay: `GET {gateway}/v1/payment_intents/{id}?client_secret=...` with the publishable
/// key, as the checkout's charge model.
pub async fn payment_intent(
    options: &Options,
    id: &str,
    client_secret: &str,
) -> Result<paywasm_core::objects::CheckoutCharge, WidgetError> {
    let url = format!(
        "{}/v1/payment_intents/{}?client_secret={}",
        options.gateway_url,
        String::from(js_sys::encode_uri_component(id)),
        String::from(js_sys::encode_uri_component(client_secret)),
    );
    let request =
        Request::get(&url).header("Authorization", &format!("Bearer {}", options.public_key));
    let intent: paywasm_core::wooshpay::PaymentIntentView =
        crate::http::send(request, GATEWAY, GATEWAY_TITLE).await?;
    intent
        .to_checkout_charge()
        .map_err(|_| WidgetError::InvalidResponse {
            party: GATEWAY_TITLE,
        })
}
