//! JSON over gloo-net, shared by the gateway and merchant clients. Bodies are written and read
//! by serde-wasm-bindgen through the browser's own `JSON.stringify` and `JSON.parse`, which
//! keeps a JSON parser (serde_json) out of the wasm that every customer downloads.

use crate::WidgetError;
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

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

/// How long the widget waits for an answer before it gives the request up (then repeats it,
/// or tells the customer what to do), unless the request says otherwise: above the longest a
/// merchant server takes to answer for a charge (its wait for the order, then the gateway's).
pub(crate) const ANSWER_DEADLINE_MS: u32 = 30_000;

/// A request to send: gloo's builder, its JSON body if it has one, and how long to wait for
/// the answer before giving the request up (without a deadline, a request the network left
/// hanging would leave the customer waiting for ever).
pub(crate) struct Outgoing<'a> {
    request: RequestBuilder,
    body: Option<&'a str>,
    deadline_ms: u32,
    sent: Option<js_sys::Promise>,
}

impl<'a> Outgoing<'a> {
    /// `request`, without a body, given up after [`ANSWER_DEADLINE_MS`].
    pub(crate) fn new(request: RequestBuilder) -> Self {
        Self {
            request,
            body: None,
            deadline_ms: ANSWER_DEADLINE_MS,
            sent: None,
        }
    }

    /// Already sent by the page (the first view's script, while the widget loaded): `sent` is
    /// the promise of its `Response`, whose answer is read as this request's instead of asking
    /// again. Always inlined: wasm-opt left it a call at each of its uses, which cost bytes
    /// for a function that only moves a field.
    #[inline(always)]
    pub(crate) fn already_sent(self, sent: Option<js_sys::Promise>) -> Self {
        Self { sent, ..self }
    }

    /// With the JSON `body`.
    pub(crate) fn json(self, body: &'a str) -> Self {
        Self {
            body: Some(body),
            ..self
        }
    }

    /// Given up after `ms` instead.
    pub(crate) fn deadline(self, ms: u32) -> Self {
        Self {
            deadline_ms: ms,
            ..self
        }
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `AbortSignal.timeout(ms)`: a signal that aborts by itself, with no timer of the page's
    /// to keep or clear (an error where the browser predates it: the request then has none).
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn deadline_signal(ms: u32) -> Result<web_sys::AbortSignal, JsValue>;

    /// The global `fetch(request)` (as gloo-net binds it: no window needed).
    #[wasm_bindgen(js_name = fetch)]
    fn fetch(request: &web_sys::Request) -> js_sys::Promise;
}

/// `value` as a JSON text: a request body.
pub(crate) fn json(value: &impl Serialize) -> Result<String, WidgetError> {
    serde_wasm_bindgen::to_value(value)
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .map(String::from)
        .ok_or_else(|| WidgetError::InvalidOptions("a value cannot be sent as JSON".into()))
}

/// Sends `request` and reads a JSON answer of type `T`, or the error object of a refusal:
/// Omise's `{"code","message"}` or WooshPay's `{"error": {"code","message"}}`.
pub(crate) async fn send<T: DeserializeOwned>(
    request: Outgoing<'_>,
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
pub(crate) async fn send_for_value(
    request: Outgoing<'_>,
    party: Party,
) -> Result<JsValue, WidgetError> {
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
/// `Err` if no answer arrived (by its deadline).
pub(crate) async fn send_raw(
    request: Outgoing<'_>,
    party: Party,
) -> Result<(u16, Option<JsValue>), WidgetError> {
    let sent = request.sent;
    let signal = deadline_signal(request.deadline_ms).ok();
    let builder = request.request.abort_signal(signal.as_ref());
    let built = match request.body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body),
        None => builder.build(),
    };
    let request: Request =
        built.map_err(|_| WidgetError::InvalidOptions("the request could not be made".into()))?;
    let unreachable = WidgetError::Network { party: party.name };
    // Fetched here rather than by gloo's `send`, so that one path reads the answer of this
    // request and of the same request the page already sent.
    let answer = sent.unwrap_or_else(|| fetch(&request.into()));
    let response = wasm_bindgen_futures::JsFuture::from(answer)
        .await
        .ok()
        .and_then(|answer| answer.dyn_into::<web_sys::Response>().ok())
        .map(gloo_net::http::Response::from)
        .ok_or_else(|| unreachable.clone())?;
    let text = response.text().await.map_err(|_| unreachable)?;
    Ok((response.status(), js_sys::JSON::parse(&text).ok()))
}
