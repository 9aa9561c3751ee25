//! A WooshPay-compatible API beside the Omise one, on the same gateway address under `/v1/`
//! (seed 004): PaymentIntents confirmed with Alipay, refunds, Checkout Sessions and webhook
//! endpoints. Stripe-like: Bearer keys, amounts in the smallest unit, `created` in epoch
//! milliseconds, errors as `{"error": {...}}` ([`error`]). Its objects are the core's
//! (`paywasm_core::wooshpay::objects`).
//!
//! Each resource module owns its routes and queries: [`payment_intents`] (with [`refunds`]),
//! [`checkout_sessions`] and [`webhooks`] (endpoints, and events as an outbox); [`decisions`]
//! applies what the customer decides at Alipay to a PaymentIntent and its session, and
//! [`worker`] expires sessions and delivers events. The test pages that stand in for Alipay's
//! cashier and app, and the hosted checkout page, are in [`crate::pages`].

pub mod auth;
pub mod checkout_sessions;
pub mod decisions;
pub mod error;
pub mod payment_intents;
pub mod refunds;
pub mod webhooks;
pub mod worker;

use crate::api::credentials::Keys;
use crate::api::params::Params;
use crate::store::Store;
use axum::routing::any;
use axum::Router;
use error::WpError;
use paywasm_core::open_enum::OpenEnum;
use serde_json::Value;
use std::sync::Arc;

use tokio::sync::Notify;

/// Default WooshPay test publishable key.
pub const DEFAULT_PUBLIC_KEY: &str = "pk_test_paywasm0sandbox0wooshpay";
/// Default WooshPay test secret key.
pub const DEFAULT_SECRET_KEY: &str = "sk_test_paywasm0sandbox0wooshpay";

/// What the WooshPay handlers share.
#[derive(Clone)]
pub struct WooshpayState {
    pub(crate) store: Store,
    pub(crate) keys: Keys,
    /// The gateway's base URL, for the test pages' links.
    pub(crate) base_url: String,
    /// The client that delivers webhooks.
    pub(crate) http: reqwest::Client,
    /// Wakes the background worker when an event is recorded.
    pub(crate) wake: Arc<Notify>,
}

impl WooshpayState {
    /// State over the gateway's `store`, with WooshPay's `keys`, linking under `base_url`; the
    /// WooshPay schema is applied here, before any handler or worker can use the state.
    pub fn new(store: Store, keys: Keys, base_url: String) -> Result<Self, crate::StartError> {
        store.migrate(SCHEMA)?;
        store.migrate(crate::api::delivery::SCHEMA)?;
        // Webhook deliveries go to the endpoint registered, not wherever it redirects (a
        // redirect could point the gateway at the merchant's private network).
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            store,
            keys,
            base_url,
            http,
            wake: Arc::new(Notify::new()),
        })
    }
}

/// The currencies seed 004 lists for Alipay (the core's list, which the widget checks too).
pub(crate) use paywasm_core::wooshpay::CURRENCIES;

pub(crate) use crate::api::delivery::now_ms;

pub(crate) use crate::ids::random_alphanumeric;

/// A `return_url`, `success_url` or `cancel_url`: HTTPS (or plain HTTP on loopback). The seed
/// itself sends `"www.baidu.com"`: a URL without a scheme is taken as HTTPS when the customer
/// is sent there, and echoed as given.
pub(crate) fn check_url(param: &str, url: &str) -> Result<(), WpError> {
    let invalid = || {
        WpError::invalid(
            param,
            format!("{param} must be an https:// URL (http:// only for localhost)"),
        )
    };
    let absolute = redirect_target(url).ok_or_else(invalid)?;
    let rest = absolute
        .strip_prefix("https://")
        .or_else(|| absolute.strip_prefix("http://"))
        .ok_or_else(invalid)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || url.len() > 2048 {
        return Err(invalid());
    }
    if absolute.starts_with("http://") {
        let host = authority
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(authority, |(host, _)| host);
        if !matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            return Err(invalid());
        }
    }
    Ok(())
}

/// Where to send the customer for a stored URL: `None` for a scheme other than HTTP(S).
pub(crate) fn redirect_target(url: &str) -> Option<String> {
    let url = url.trim();
    if url.starts_with("https://") || url.starts_with("http://") {
        return Some(url.to_owned());
    }
    let scheme_like = url
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '.']));
    if scheme_like || url.is_empty() || url.starts_with('/') {
        return None;
    }
    Some(format!("https://{url}"))
}

/// An optional parameter holding one of the API's enums: text the API does not know is
/// refused, with the values it does.
pub(crate) fn enum_param<T: OpenEnum + std::fmt::Display>(
    params: &Params,
    param: &str,
) -> Result<Option<T>, WpError> {
    match params.str(param)?.map(T::parse) {
        Some(value) if !value.is_known() => Err(WpError::invalid(
            param,
            format!("{param} must be one of {}", one_of(T::KNOWN)),
        )),
        value => Ok(value),
    }
}

/// The values of an API enum, for an error's message: `a, b or c`.
pub(crate) fn one_of<T: std::fmt::Display>(known: &[T]) -> String {
    let names: Vec<String> = known.iter().map(ToString::to_string).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A request's parameters (JSON or form), refused in this API's error shape.
pub(crate) struct Body(pub Params);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Body {
    type Rejection = WpError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, WpError> {
        Params::read(request, state)
            .await
            .map(Body)
            .map_err(WpError::from)
    }
}

/// A list parameter: a JSON array, a form's `a[]=x` or `a[0]=x`, or a single string.
pub(crate) fn list(value: Option<&Value>) -> Option<Vec<Value>> {
    match value? {
        Value::Array(items) => Some(items.clone()),
        Value::Object(indexed) => {
            let mut items: Vec<(usize, Value)> = indexed
                .iter()
                .map(|(index, value)| index.parse().ok().map(|i| (i, value.clone())))
                .collect::<Option<_>>()?;
            items.sort_by_key(|(index, _)| *index);
            Some(items.into_iter().map(|(_, value)| value).collect())
        }
        single @ Value::String(_) => Some(vec![single.clone()]),
        _ => None,
    }
}

/// A boolean parameter: JSON `true`/`false` or a form's `"true"`/`"false"`.
pub(crate) fn boolean(param: &str, value: Option<&Value>) -> Result<Option<bool>, WpError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(Value::String(text)) if text == "true" => Ok(Some(true)),
        Some(Value::String(text)) if text == "false" => Ok(Some(false)),
        Some(_) => Err(WpError::invalid(
            param,
            format!("{param} must be true or false"),
        )),
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS wp_payment_intents (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    created     INTEGER NOT NULL,
    status      TEXT NOT NULL,
    code_value  TEXT UNIQUE,
    body        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS wp_refunds (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    payment_intent  TEXT NOT NULL REFERENCES wp_payment_intents (id),
    amount          INTEGER NOT NULL,
    body            TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS wp_webhook_endpoints (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    id    TEXT NOT NULL UNIQUE,
    body  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS wp_events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    type     TEXT NOT NULL,
    created  INTEGER NOT NULL,
    body     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS wp_deliveries (
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES wp_events (id),
    endpoint_id      TEXT NOT NULL REFERENCES wp_webhook_endpoints (id),
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_ms  INTEGER NOT NULL,
    response_status  INTEGER,
    created          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS wp_deliveries_due ON wp_deliveries (status, next_attempt_ms);
-- A PaymentIntent's refunds, read with it.
CREATE INDEX IF NOT EXISTS wp_refunds_of_intent ON wp_refunds (payment_intent);
CREATE TABLE IF NOT EXISTS wp_checkout_sessions (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    payment_intent  TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    expires_at      INTEGER NOT NULL,
    body            TEXT NOT NULL
);
";

/// The WooshPay routes, for merging into the gateway's router. Browsers on any origin may read
/// a PaymentIntent with the publishable key and its client secret, so CORS allows every origin.
pub fn app(state: WooshpayState) -> Router {
    let cors = crate::api::cors::public_api(&[]);
    Router::new()
        .merge(payment_intents::router())
        .merge(refunds::router())
        .merge(checkout_sessions::router())
        .merge(webhooks::router())
        .route(
            "/v1/{*rest}",
            any(|| async { WpError::NotFound("Unrecognized request URL".into()) }),
        )
        .layer(axum::middleware::from_fn_with_state(
            (state.store.clone(), error::WooshpayShape),
            crate::api::idempotency::layer::<error::WooshpayShape>,
        ))
        .layer(cors)
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_https_or_loopback_http_and_scheme_less_means_https() {
        for good in [
            "https://wooshpay.com",
            "www.baidu.com",
            "http://127.0.0.1:7071/return",
            "http://localhost/x",
        ] {
            assert!(check_url("return_url", good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "http://example.com/",
            "ftp://example.com",
            "/relative",
            "",
            "https://user@evil.com",
            "data:text/html,hi",
        ] {
            assert!(check_url("return_url", bad).is_err(), "{bad}");
        }
        assert_eq!(
            redirect_target("www.baidu.com").as_deref(),
            Some("https://www.baidu.com")
        );
    }
}
