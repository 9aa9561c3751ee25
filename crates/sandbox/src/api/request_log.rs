//! The last requests the gateway answered, for the dashboard's **Requests** page: when, which
//! API, method and path, which kind of key, the status, the `Idempotency-Key`, how long the
//! answer took, and the start of the body with every key and secret masked.
//!
//! Kept in memory (the newest [`CAPACITY`]): it is a developer's view of the last minutes, not a
//! record, so it costs a request no write to the store. The body is copied as the handler
//! reads it (its first `KEPT_BYTES`), so logging changes neither what a handler receives nor
//! how much a request may send.

use super::credentials::{presented_key, KeyKind, Keys};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// Requests kept, newest first.
pub const CAPACITY: usize = 200;
/// The most bytes of a body kept for its excerpt.
const KEPT_BYTES: usize = 4 * 1024;
/// What a masked value shows.
const MASK: &str = "•••";

/// One request the gateway answered.
#[derive(Debug, Clone)]
pub struct Logged {
    /// When it arrived (epoch ms).
    pub at_ms: i64,
    /// `Omise` or `WooshPay`.
    pub api: &'static str,
    /// `POST`.
    pub method: String,
    /// The path and query, secrets masked.
    pub path: String,
    /// `secret key`, `public key`, `unknown key` or `no key`.
    pub key: &'static str,
    /// The status answered.
    pub status: u16,
    /// The `Idempotency-Key` header, if sent.
    pub idempotency_key: Option<String>,
    /// How long the answer took.
    pub took_ms: u64,
    /// The start of the body, secrets masked.
    pub excerpt: String,
}

/// The log, shared by both APIs' routers and read by the dashboard.
#[derive(Clone, Default)]
pub struct RequestLog {
    entries: Arc<Mutex<VecDeque<Logged>>>,
}

impl RequestLog {
    /// The requests kept, newest first.
    pub fn newest_first(&self) -> Vec<Logged> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    fn push(&self, entry: Logged) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.push_front(entry);
        entries.truncate(CAPACITY);
    }
}

/// What the middleware needs: the log, the API's name, and the account's keys (both APIs').
#[derive(Clone)]
pub struct Logging {
    /// Where requests are written.
    pub log: RequestLog,
    /// `Omise` or `WooshPay`.
    pub api: &'static str,
    /// The keys a request may present.
    pub keys: Arc<Vec<Keys>>,
}

/// Middleware: logs each request of the router it wraps (the dashboard's own pages excepted).
pub async fn record(State(logging): State<Logging>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/dashboard") {
        return next.run(request).await;
    }
    let started = std::time::Instant::now();
    let at_ms = super::delivery::now_ms();
    let method = request.method().to_string();
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |path| mask_path(path.as_str()),
    );
    // A path can be as long as the server accepts: the log keeps its start, as of a body.
    let path = super::excerpt(&path);
    let key = match presented_key(request.headers()) {
        None => "no key",
        Some((_, presented)) => match logging
            .keys
            .iter()
            .find_map(|keys| keys.classify(&presented))
        {
            Some(KeyKind::Secret) => "secret key",
            Some(KeyKind::Public) => "public key",
            None => "unknown key",
        },
    };
    let idempotency_key = request
        .headers()
        .get("idempotency-key")
        .map(|value| super::excerpt(&String::from_utf8_lossy(value.as_bytes())));
    let is_json = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("json"));
    let kept: Arc<Mutex<Vec<u8>>> = Arc::default();
    let (parts, body) = request.into_parts();
    let copying = kept.clone();
    let body = Body::from_stream(body.into_data_stream().map(move |chunk| {
        if let Ok(bytes) = &chunk {
            keep_start(&copying, bytes);
        }
        chunk
    }));
    let response = next.run(Request::from_parts(parts, body)).await;
    let body = kept.lock().map(|kept| kept.clone()).unwrap_or_default();
    logging.log.push(Logged {
        at_ms,
        api: logging.api,
        method,
        path,
        key,
        status: response.status().as_u16(),
        idempotency_key,
        took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        excerpt: super::excerpt(&masked_body(&body, is_json)),
    });
    response
}

fn keep_start(kept: &Mutex<Vec<u8>>, bytes: &Bytes) {
    let Ok(mut kept) = kept.lock() else { return };
    let room = KEPT_BYTES.saturating_sub(kept.len());
    kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// Whether a parameter named `name` holds a secret, whatever its value looks like.
/// By its words (`api_key`, `metadata[client_secret]`, `pin`), so that `shipping` is not a
/// `pin`.
fn secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("security_code")
        || name.contains("card_number")
        || name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| {
                matches!(
                    word,
                    "secret" | "password" | "passcode" | "key" | "token" | "pin" | "cvc" | "cvv"
                )
            })
}

/// `text` with every key or secret in it masked: `skey_test_…`, `pk_live_…`, `whsec_…` and
/// a PaymentIntent's `pi_…_secret_…` keep their kind and lose the rest.
pub fn mask_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(&mask_word(word));
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn mask_word(word: &str) -> String {
    if let Some(at) = word.find("_secret_") {
        return format!("{}{MASK}", &word[..at + "_secret_".len()]);
    }
    for kind in ["skey_", "pkey_", "sk_", "pk_", "whsec_", "rk_"] {
        if let Some(rest) = word.strip_prefix(kind) {
            let mode = ["test_", "live_"]
                .into_iter()
                .find(|mode| rest.starts_with(mode))
                .unwrap_or_default();
            return format!("{kind}{mode}{MASK}");
        }
    }
    word.to_owned()
}

/// A path and query with secret parameters' values and any key in it masked.
fn mask_path(path: &str) -> String {
    let Some((path, query)) = path.split_once('?') else {
        return mask_text(path);
    };
    let pairs = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if secret_name(name) => format!("{name}={MASK}"),
            _ => mask_text(pair),
        })
        .collect::<Vec<_>>();
    format!("{}?{}", mask_text(path), pairs.join("&"))
}

/// The body as text, secrets masked: a JSON or form body by its parameters' names and values,
/// anything else (or a body cut short) by its values.
fn masked_body(body: &[u8], is_json: bool) -> String {
    let text = String::from_utf8_lossy(body);
    if is_json {
        if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
            mask_json(&mut value);
            return value.to_string();
        }
    } else if let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) {
        if !pairs.is_empty() {
            return pairs
                .iter()
                .map(|(name, value)| {
                    let value = if secret_name(name) {
                        MASK.to_owned()
                    } else {
                        mask_text(value)
                    };
                    format!("{}={value}", mask_text(name))
                })
                .collect::<Vec<_>>()
                .join("&");
        }
    }
    mask_text(&text)
}

fn mask_json(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                if secret_name(name) && !field.is_object() && !field.is_array() {
                    *field = Value::String(MASK.into());
                } else {
                    mask_json(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        Value::String(text) => *text = mask_text(text),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_secrets_are_masked_wherever_they_are() {
        assert_eq!(
            mask_text("with skey_test_5abc, pk_live_x and pi_123_secret_456."),
            "with skey_test_•••, pk_live_••• and pi_123_secret_•••."
        );
        assert_eq!(mask_text("chrg_test_5abc amount"), "chrg_test_5abc amount");
        assert_eq!(
            mask_path("/payment_intents/pi_1?client_secret=pi_1_secret_2&expand=x"),
            "/payment_intents/pi_1?client_secret=•••&expand=x"
        );
        assert_eq!(
            masked_body(
                br#"{"amount":100,"metadata":{"api_key":"abc","note":"skey_test_9"}}"#,
                true
            ),
            r#"{"amount":100,"metadata":{"api_key":"•••","note":"skey_test_•••"}}"#
        );
        assert_eq!(
            masked_body(b"amount=100&password=hunter2&note=sk_test_1", false),
            "amount=100&password=•••&note=sk_test_•••"
        );
        assert_eq!(
            masked_body(b"shipping=1&metadata[pin]=1234&keyword=a", false),
            "shipping=1&metadata[pin]=•••&keyword=a"
        );
        // A body cut short is masked by its values.
        assert_eq!(
            masked_body(br#"{"n":"skey_test_1"#, true),
            r#"{"n":"skey_test_•••"#
        );
    }
}
