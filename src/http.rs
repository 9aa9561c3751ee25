//! JSON over `fetch`, shared by the gateway and merchant clients. Bodies are parsed by the
//! browser's `JSON.parse` and converted with serde-wasm-bindgen, which keeps a JSON parser out
//! of the wasm.

use crate::WidgetError;
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// An error object as the gateways and merchant servers answer: Omise's `{"code","message"}`
/// or WooshPay's `{"error": {"code","message"}}`.
#[derive(serde::Deserialize)]
struct ErrorBody {
    code: Option<String>,
    message: Option<String>,
    error: Option<NestedError>,
}

#[derive(serde::Deserialize)]
struct NestedError {
    code: Option<String>,
    message: Option<String>,
}

pub(crate) fn json_body<T: Serialize>(value: &T) -> Result<String, WidgetError> {
    let value = serde_wasm_bindgen::to_value(value)
        .map_err(|e| WidgetError::InvalidOptions(e.to_string()))?;
    js_sys::JSON::stringify(&value)
        .map(String::from)
        .map_err(|_| WidgetError::InvalidOptions("a value cannot be sent as JSON".into()))
}

/// Sends `request` and reads a JSON answer of type `T`, or the error object of a refusal.
pub(crate) async fn send<T: DeserializeOwned>(
    request: Request,
    party: &'static str,
    party_title: &'static str,
) -> Result<T, WidgetError> {
    let response: Response = request
        .send()
        .await
        .map_err(|_| WidgetError::Network { party })?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|_| WidgetError::Network { party })?;
    let parsed: Result<JsValue, _> = js_sys::JSON::parse(&text);
    if (200..300).contains(&status) {
        let value = parsed.map_err(|_| WidgetError::InvalidResponse { party: party_title })?;
        return serde_wasm_bindgen::from_value(value)
            .map_err(|_| WidgetError::InvalidResponse { party: party_title });
    }
    let body: Option<ErrorBody> = parsed
        .ok()
        .and_then(|value| serde_wasm_bindgen::from_value(value).ok());
    let (code, message) = body.map_or((None, None), |b| match b.error {
        Some(nested) => (nested.code, nested.message),
        None => (b.code, b.message),
    });
    Err(WidgetError::Refused {
        status,
        code: code.unwrap_or_else(|| format!("http_{status}")),
        message: message.unwrap_or_else(|| {
            format!("{party_title} answered with an error ({status}). Please try again.")
        }),
    })
}
