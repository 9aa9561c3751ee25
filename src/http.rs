//! JSON over `fetch`, shared by the gateway and merchant clients. Bodies are parsed by the
//! browser's `JSON.parse` and read field by field ([`crate::js`]), which keeps a JSON parser
//! and serde's machinery out of the wasm.

use crate::js::{FromJs, Obj};
use crate::WidgetError;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A request for the browser's `fetch`: a few lines instead of an HTTP crate in the wasm.
pub struct Request {
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
    signal: Option<web_sys::AbortSignal>,
}

impl Request {
    /// `GET url`.
    pub fn get(url: &str) -> Self {
        Self::new("GET", url)
    }

    /// `POST url`.
    pub fn post(url: &str) -> Self {
        Self::new("POST", url)
    }

    fn new(method: &'static str, url: &str) -> Self {
        Self {
            method,
            url: url.to_owned(),
            headers: Vec::new(),
            body: None,
            signal: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: String) -> Self {
        self.body = Some(body);
        self
    }

    /// Lets `signal` abort the request.
    pub fn abort_signal(mut self, signal: Option<&web_sys::AbortSignal>) -> Self {
        self.signal = signal.cloned();
        self
    }

    /// Sends it: the status and the body's text, or `Err` if no answer arrived.
    pub async fn send(self) -> Result<(u16, String), JsValue> {
        let init = web_sys::RequestInit::new();
        init.set_method(self.method);
        let headers = web_sys::Headers::new()?;
        for (name, value) in &self.headers {
            headers.set(name, value)?;
        }
        init.set_headers(&headers);
        if let Some(body) = &self.body {
            init.set_body(&JsValue::from_str(body));
        }
        if let Some(signal) = &self.signal {
            init.set_signal(Some(signal));
        }
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(&self.url, &init))
                .await?
                .dyn_into()?;
        let text = JsFuture::from(response.text()?).await?;
        Ok((response.status(), text.as_string().unwrap_or_default()))
    }
}

/// Sends `request` and reads a JSON answer of type `T`, or the error object of a refusal:
/// Omise's `{"code","message"}` or WooshPay's `{"error": {"code","message"}}`.
pub(crate) async fn send<T: FromJs>(
    request: Request,
    party: &'static str,
    party_title: &'static str,
) -> Result<T, WidgetError> {
    let body = send_for_object(request, party, party_title).await?;
    T::from_js(&body).ok_or(WidgetError::InvalidResponse { party: party_title })
}

/// [`send`], up to the answer's JSON object. Not generic, so that its code is in the
/// WebAssembly once, not once for each type read.
pub(crate) async fn send_for_object(
    request: Request,
    party: &'static str,
    party_title: &'static str,
) -> Result<Obj, WidgetError> {
    let (status, text) = request
        .send()
        .await
        .map_err(|_| WidgetError::Network { party })?;
    let parsed: Result<JsValue, _> = js_sys::JSON::parse(&text);
    if (200..300).contains(&status) {
        return parsed
            .ok()
            .and_then(Obj::new)
            .ok_or(WidgetError::InvalidResponse { party: party_title });
    }
    let body = parsed.ok().and_then(Obj::new);
    let error = body
        .as_ref()
        .map(|b| b.obj("error").unwrap_or_else(|| b.clone()));
    let (code, message) = error.map_or((None, None), |e| (e.str("code"), e.str("message")));
    Err(WidgetError::Refused {
        status,
        code: code.unwrap_or_else(|| format!("http_{status}")),
        message: message.unwrap_or_else(|| {
            format!("{party_title} answered with an error ({status}). Please try again.")
        }),
    })
}
