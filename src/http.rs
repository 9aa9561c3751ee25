//! JSON over gloo-net, shared by the gateway and merchant clients. Bodies are written and read
//! by serde-wasm-bindgen through the browser's own `JSON.stringify` and `JSON.parse`, which
//! keeps a JSON parser (serde_json) out of the wasm that every customer downloads.

use crate::WidgetError;
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Who answered, for the customer's sentences ("We could not reach the shop").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Party {
    /// "the shop", mid-sentence.
    pub name: &'static str,
    /// "The shop", at the start of one.
    pub title: &'static str,
}

/// The payment gateway.
pub(crate) const GATEWAY: Party = Party {
    name: "the payment service",
    title: "The payment service",
};
/// The merchant server.
pub(crate) const SHOP: Party = Party {
    name: "the shop",
    title: "The shop",
};

/// `value` as a JSON text: a request body.
pub(crate) fn json(value: &impl Serialize) -> Result<String, WidgetError> {
    serde_wasm_bindgen::to_value(value)
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .map(String::from)
        .ok_or_else(|| WidgetError::InvalidOptions("a value cannot be sent as JSON".into()))
}

/// `request` with a JSON `body`.
pub(crate) fn with_json(request: RequestBuilder, body: &str) -> Result<Request, WidgetError> {
    request
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(|_| WidgetError::InvalidOptions("the request could not be made".into()))
}

/// Sends `request` and reads a JSON answer of type `T`, or the error object of a refusal:
/// Omise's `{"code","message"}` or WooshPay's `{"error": {"code","message"}}`.
pub(crate) async fn send<T: DeserializeOwned>(
    request: Request,
    party: Party,
) -> Result<T, WidgetError> {
    let body = send_for_value(request, party).await?;
    serde_wasm_bindgen::from_value(body)
        .map_err(|_| WidgetError::InvalidResponse { party: party.title })
}

/// What an error object says.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ErrorObject {
    code: Option<String>,
    message: Option<String>,
    /// WooshPay nests the object under `error`.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    error: JsValue,
}

impl ErrorObject {
    fn read(value: JsValue) -> Option<Self> {
        serde_wasm_bindgen::from_value(value).ok()
    }
}

/// [`send`], up to the answer's JSON value. Not generic, so that its code is in the
/// WebAssembly once, not once for each type read.
pub(crate) async fn send_for_value(request: Request, party: Party) -> Result<JsValue, WidgetError> {
    let (status, body) = send_raw(request, party).await?;
    if (200..300).contains(&status) {
        return body
            .filter(JsValue::is_object)
            .ok_or(WidgetError::InvalidResponse { party: party.title });
    }
    let error = body
        .and_then(ErrorObject::read)
        .map(|object| match object.error.is_object() {
            true => ErrorObject::read(object.error.clone()).unwrap_or(object),
            false => object,
        })
        .unwrap_or_default();
    Err(WidgetError::Refused {
        status,
        code: error.code.unwrap_or_else(|| format!("http_{status}")),
        message: error.message.unwrap_or_else(|| {
            format!(
                "{} answered with an error ({status}). Please try again.",
                party.title
            )
        }),
    })
}

/// Sends `request`: the status and the body parsed as JSON (`None` if it is not JSON), or
/// `Err` if no answer arrived.
pub(crate) async fn send_raw(
    request: Request,
    party: Party,
) -> Result<(u16, Option<JsValue>), WidgetError> {
    let unreachable = WidgetError::Network { party: party.name };
    let response = request.send().await.map_err(|_| unreachable.clone())?;
    let text = response.text().await.map_err(|_| unreachable)?;
    Ok((response.status(), js_sys::JSON::parse(&text).ok()))
}
