//! Hostile input over real HTTP: every endpoint of the gateway (both APIs) and of the
//! shop that takes a body, a query or an id gets arbitrary bytes, JSON and forms under every
//! content type, with hostile ids. None may answer 5xx; every refusal is the API's own error
//! object with a sentence (Omise's `{object: "error", code, message}`, WooshPay's
//! `{error: {type, code, message}}`).
//!
//! `npm test` runs 64 cases per endpoint; a longer run:
//! `PAYWASM_HOSTILE_CASES=5000 cargo test -p paywasm-sandbox --test hostile -- --nocapture`.

#![allow(clippy::unwrap_used)]

mod support;

use support::ShopUrl;

use paywasm_sandbox::config::Config;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use reqwest::Method;
use serde_json::Value;

#[derive(Clone, Copy, Debug)]
enum Party {
    Gateway,
    Shop,
}

#[derive(Clone, Copy, Debug)]
enum Key {
    None,
    Public,
    Secret,
    WooshpaySecret,
    WooshpayPublic,
    /// The point of sale's signed-in cashier (its session cookie).
    Staff,
}

/// Every endpoint that reads input; `{id}` is replaced by a hostile id.
const ENDPOINTS: &[(Party, &str, &str, Key)] = &[
    (Party::Gateway, "POST", "/sources", Key::Public),
    (Party::Gateway, "POST", "/sources", Key::Secret),
    (Party::Gateway, "GET", "/sources/{id}", Key::Secret),
    (Party::Gateway, "POST", "/charges", Key::Secret),
    (Party::Gateway, "GET", "/charges?{query}", Key::Secret),
    (Party::Gateway, "GET", "/charges/{id}", Key::Secret),
    (Party::Gateway, "POST", "/charges/{id}/expire", Key::Secret),
    (
        Party::Gateway,
        "POST",
        "/charges/{id}/mark_as_paid",
        Key::Secret,
    ),
    (
        Party::Gateway,
        "POST",
        "/charges/{id}/backdate",
        Key::Secret,
    ),
    (Party::Gateway, "POST", "/charges/{id}/refunds", Key::Secret),
    (Party::Gateway, "GET", "/events?{query}", Key::Secret),
    (Party::Gateway, "GET", "/events/{id}", Key::Secret),
    (
        Party::Gateway,
        "POST",
        "/v1/payment_intents",
        Key::WooshpaySecret,
    ),
    (
        Party::Gateway,
        "GET",
        "/v1/payment_intents/{id}?{query}",
        Key::WooshpayPublic,
    ),
    (
        Party::Gateway,
        "POST",
        "/v1/payment_intents/{id}/confirm",
        Key::WooshpaySecret,
    ),
    (
        Party::Gateway,
        "POST",
        "/v1/payment_intents/{id}/cancel",
        Key::WooshpaySecret,
    ),
    (Party::Gateway, "POST", "/v1/refunds", Key::WooshpaySecret),
    (
        Party::Gateway,
        "POST",
        "/v1/checkout/sessions",
        Key::WooshpaySecret,
    ),
    (
        Party::Gateway,
        "POST",
        "/v1/webhook_endpoints",
        Key::WooshpaySecret,
    ),
    (Party::Gateway, "POST", "/sources", Key::None),
    (Party::Shop, "POST", "/checkout/charges", Key::None),
    (
        Party::Shop,
        "GET",
        "/checkout/charges/{id}?{query}",
        Key::None,
    ),
    (Party::Shop, "POST", "/pos/charges", Key::None),
    (Party::Shop, "POST", "/pos/charges", Key::Staff),
    (Party::Shop, "POST", "/pos/charges/{id}/cancel", Key::Staff),
    (Party::Shop, "POST", "/pos/charges/{id}/refunds", Key::Staff),
    (Party::Shop, "POST", "/pos/sign-in", Key::None),
    (Party::Shop, "POST", "/webhooks/omise", Key::None),
    (Party::Shop, "POST", "/webhooks/wooshpay", Key::None),
    (Party::Shop, "POST", "/wooshpay/payment_intents", Key::None),
    (Party::Shop, "POST", "/wooshpay/sessions", Key::None),
];

#[derive(Debug, Clone)]
struct Input {
    body: Vec<u8>,
    content_type: Option<&'static str>,
    id: String,
    query: String,
    header: String,
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z_]{1,10}(_test_[a-z0-9]{0,20})?",
        "-?[0-9]{1,22}",
        "[\\[\\]=&%a-z0-9.]{0,40}",
    ]
}

fn hostile_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        hostile_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            // Field names the endpoints read, so values reach the validation behind them.
            proptest::collection::btree_map(
                prop_oneof![
                    Just("amount".to_owned()),
                    Just("currency".to_owned()),
                    Just("type".to_owned()),
                    Just("source".to_owned()),
                    Just("order".to_owned()),
                    Just("barcode".to_owned()),
                    Just("metadata".to_owned()),
                    Just("line_items".to_owned()),
                    Just("id".to_owned()),
                    Just("payment_intent".to_owned()),
                    Just("store_id".to_owned()),
                    Just("terminal_id".to_owned()),
                    Just("days".to_owned()),
                    Just("url".to_owned()),
                    Just("return_url".to_owned()),
                    Just("data".to_owned()),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn hostile_input() -> impl Strategy<Value = Input> {
    let body = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        hostile_json().prop_map(|v| v.to_string().into_bytes()),
        proptest::collection::vec((hostile_text(), hostile_text()), 0..6).prop_map(|pairs| {
            pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes()
        }),
    ];
    let content_type = prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("application/x-www-form-urlencoded")),
        Just(Some("text/plain")),
        Just(Some("multipart/form-data; boundary=x")),
    ];
    (
        body,
        content_type,
        hostile_text(),
        hostile_text(),
        hostile_text(),
    )
        .prop_map(|(body, content_type, id, query, header)| Input {
            body,
            content_type,
            id,
            query,
            header,
        })
}

fn is_error_object(body: &Value) -> bool {
    let omise = body["object"] == "error"
        && body["code"].as_str().is_some_and(|c| !c.is_empty())
        && body["message"].as_str().is_some_and(|m| !m.is_empty());
    let wooshpay = body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty())
        && body["error"]["type"].is_string();
    omise || wooshpay
}

#[test]
fn no_input_makes_a_server_error_and_every_refusal_is_an_error_object() {
    let cases: u32 = std::env::var("PAYWASM_HOSTILE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut config = Config::for_tests();
    config.rate_limit = 0; // the limiter would answer most of these with 429
    let running = runtime.block_on(paywasm_sandbox::start(config)).unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let staff = runtime.block_on(support::staff_cookie(running.shop()));
    let sent = std::cell::Cell::new(0u64);
    for &(party, method, path, key) in ENDPOINTS {
        let mut runner = TestRunner::new(RunnerConfig {
            cases,
            failure_persistence: None,
            ..RunnerConfig::default()
        });
        let result = runner.run(&hostile_input(), |input| {
            let encoded_id: String = url_encode(&input.id);
            let path = path
                .replace("{id}", &encoded_id)
                .replace("{query}", &url_encode_query(&input.query));
            let base = match party {
                Party::Gateway => &running.gateway_url,
                Party::Shop => running.shop(),
            };
            let mut request = http.request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{base}{path}"),
            );
            request = match key {
                Key::None => request,
                Key::Public => request.basic_auth(&running.public_key, Some("")),
                Key::Secret => request.basic_auth(&running.secret_key, Some("")),
                Key::WooshpaySecret => request.bearer_auth(&running.wooshpay_secret_key),
                Key::WooshpayPublic => request.bearer_auth(&running.wooshpay_public_key),
                Key::Staff => request.header("Cookie", &staff),
            };
            if let Some(content_type) = input.content_type {
                request = request.header("Content-Type", content_type);
            }
            // Headers a hostile caller controls: idempotency keys and webhook signatures.
            if let Ok(value) = reqwest::header::HeaderValue::from_str(&input.header) {
                request = request
                    .header("Idempotency-Key", value.clone())
                    .header("Omise-Signature", value.clone())
                    .header("Omise-Signature-Timestamp", value.clone())
                    .header("WooshPay-Signature", value);
            }
            if method == "POST" {
                request = request.body(input.body.clone());
            }
            let (status, body) = runtime.block_on(async {
                let response = request.send().await.unwrap();
                let status = response.status();
                let bytes = response.bytes().await.unwrap();
                (status, bytes)
            });
            sent.set(sent.get() + 1);
            let text = String::from_utf8_lossy(&body);
            if status.is_server_error() {
                return Err(TestCaseError::fail(format!(
                    "{method} {path}: {status} {text}"
                )));
            }
            if status.is_client_error() {
                let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                if !is_error_object(&json) {
                    return Err(TestCaseError::fail(format!(
                        "{method} {path}: {status} without an error object: {text}"
                    )));
                }
            }
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{party:?} {method} {path}: {failure}");
        }
    }
    println!(
        "hostile input: {} requests to {} endpoints, no 5xx, every refusal an error object",
        sent.get(),
        ENDPOINTS.len()
    );
    runtime.block_on(running.stop());
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A query string with `&` and `=` kept, so that it reads as parameters.
fn url_encode_query(text: &str) -> String {
    text.split('&')
        .map(|pair| {
            pair.split('=')
                .map(url_encode)
                .collect::<Vec<_>>()
                .join("=")
        })
        .collect::<Vec<_>>()
        .join("&")
}
