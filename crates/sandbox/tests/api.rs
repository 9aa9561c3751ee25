//! The sandbox over real HTTP: the gateway's API as a merchant server and Omise.js use it,
//! and the demo shop's checkout endpoints as the widget uses them.

#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

use paywasm_sandbox::config::Config;
use paywasm_sandbox::Running;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

struct Sandbox {
    running: Running,
    http: Client,
}

impl Sandbox {
    async fn start() -> Self {
        let running = paywasm_sandbox::start(Config::for_tests())
            .await
            .expect("sandbox starts");
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { running, http }
    }

    fn gateway(&self, method: reqwest::Method, path: &str, key: Option<&str>) -> RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}{path}", self.running.gateway_url));
        match key {
            Some(key) => request.basic_auth(key, Some("")),
            None => request,
        }
    }

    fn public(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        let key = self.running.public_key.clone();
        self.gateway(method, path, Some(&key))
    }

    fn secret(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        let key = self.running.secret_key.clone();
        self.gateway(method, path, Some(&key))
    }

    async fn promptpay_source(&self, amount: i64) -> Value {
        let (status, source) = send(
            self.public(reqwest::Method::POST, "/sources")
                .json(&json!({"type": "promptpay", "amount": amount, "currency": "THB"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{source}");
        source
    }

    async fn charge_form(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        send(self.secret(reqwest::Method::POST, "/charges").form(form)).await
    }

    /// Opens an order at the shop the way a customer does: by loading the product page.
    async fn shop_order(&self) -> Value {
        self.shop_order_at("/").await
    }

    /// The widget's request to the shop for a charge of `order` (from [`Self::shop_order`])
    /// with `source`.
    fn charge_request(&self, source: &Value, order: &Value) -> RequestBuilder {
        self.http
            .post(format!("{}/checkout/charges", self.running.shop_url))
            .json(&json!({"source": source["id"], "order": order["order"]}))
    }

    /// The widget's request `request` (its name, the same when repeated) to the WooshPay shop
    /// for a PaymentIntent for `order` (an order id), on a desktop.
    fn payment_intent_request(&self, order: &Value, request: &str) -> RequestBuilder {
        self.http
            .post(format!(
                "{}/wooshpay/payment_intents",
                self.running.shop_url
            ))
            .json(&json!({"order": order, "terminal_type": "WEB", "request": request}))
    }

    /// A new WooshPay order and its PaymentIntent, made by the shop and waiting at Alipay:
    /// the order id and the Alipay code value.
    async fn wooshpay_order_at_alipay(&self) -> (Value, String) {
        let order = self.shop_order_at("/wooshpay").await["order"].clone();
        let (status, intent) = send(self.payment_intent_request(&order, "tap-1")).await;
        assert_eq!(status, StatusCode::CREATED, "{intent}");
        let url = intent["next_action"]["alipay_handle_redirect"]["url"]
            .as_str()
            .unwrap();
        let code_value = url.split("codeValue=").nth(1).unwrap().to_owned();
        (order, code_value)
    }

    /// The customer pays at Alipay's test page for `code_value`.
    fn alipay_succeeds(&self, code_value: &str) -> RequestBuilder {
        self.http
            .post(format!(
                "{}/wooshpay/alipay/decide",
                self.running.gateway_url
            ))
            .form(&[("codeValue", code_value), ("decision", "succeed")])
    }

    /// The same at the product page `path` (`/wooshpay` for the WooshPay shop).
    async fn shop_order_at(&self, path: &str) -> Value {
        let page = self
            .http
            .get(format!("{}{path}", self.running.shop_url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        widget_config_in(&page)
    }
}

/// The widget's settings that a shop page writes into its `checkout-config` block.
fn widget_config_in(page: &str) -> Value {
    let start = page.find("id=\"checkout-config\">").expect("config block")
        + "id=\"checkout-config\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let config: Value = serde_json::from_str(&page[start..end]).unwrap();
    config["widget"].clone()
}

async fn send(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request is answered");
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// The answer, or `None` when the connection broke or the answer was cut off (injected faults).
async fn try_send(request: RequestBuilder) -> Option<(StatusCode, Value)> {
    let response = request.send().await.ok()?;
    let status = response.status();
    let body = response.bytes().await.ok()?;
    Some((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["object"], "error", "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["location"].is_string(), "{body}");
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn sources_have_every_field_of_the_seed_examples() {
    let sandbox = Sandbox::start().await;
    let source = sandbox.promptpay_source(400_000).await;
    // The keys of seed 000's source example (a superset of seed 002's).
    let mut seed_keys = [
        "object",
        "id",
        "livemode",
        "location",
        "amount",
        "barcode",
        "bank",
        "created_at",
        "currency",
        "email",
        "flow",
        "installment_term",
        "ip",
        "absorption_type",
        "name",
        "mobile_number",
        "phone_number",
        "platform_type",
        "scannable_code",
        "billing",
        "shipping",
        "items",
        "references",
        "provider_references",
        "store_id",
        "store_name",
        "terminal_id",
        "type",
        "zero_interest_installments",
        "charge_status",
        "receipt_amount",
        "discounts",
        "promotion_code",
    ]
    .map(String::from)
    .to_vec();
    seed_keys.sort();
    assert_eq!(keys(&source), seed_keys);
    assert!(source["id"].as_str().unwrap().starts_with("src_test_"));
    assert_eq!(source["flow"], "offline");
    assert_eq!(source["charge_status"], "unknown");
    assert_eq!(source["livemode"], false);
    assert_eq!(source["items"], json!([]));
}

#[tokio::test]
async fn forms_and_json_create_the_same_source() {
    let sandbox = Sandbox::start().await;
    let (status, form) = send(sandbox.public(reqwest::Method::POST, "/sources").form(&[
        ("type", "alipay_cn"),
        ("amount", "150000"),
        ("currency", "sgd"),
        ("platform_type", "WEB"),
    ]))
    .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert_eq!(form["currency"], "SGD");
    assert_eq!(form["flow"], "app_redirect");
    assert_eq!(form["platform_type"], "WEB");
    assert_eq!(form["amount"], 150_000);
}

#[tokio::test]
async fn keys_are_checked_like_the_real_api() {
    let sandbox = Sandbox::start().await;
    let body = json!({"type": "promptpay", "amount": 400000, "currency": "THB"});
    let (status, error) = send(
        sandbox
            .gateway(reqwest::Method::POST, "/sources", None)
            .json(&body),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");
    let (status, error) = send(
        sandbox
            .gateway(reqwest::Method::POST, "/sources", Some("pkey_test_wrong"))
            .json(&body),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");
    // the public key may create sources and nothing else
    let source = sandbox.promptpay_source(400_000).await;
    let (status, error) = send(sandbox.public(reqwest::Method::POST, "/charges").form(&[
        ("amount", "400000"),
        ("currency", "THB"),
        ("source", source["id"].as_str().unwrap()),
    ]))
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");
    let (status, _) = send(sandbox.public(reqwest::Method::GET, "/charges")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // the Omise-Version header is accepted
    let (status, _) = send(
        sandbox
            .public(reqwest::Method::POST, "/sources")
            .header("Omise-Version", "2017-11-02")
            .json(&body),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_promptpay_charge_matches_seed_002_and_serves_its_qr() {
    let sandbox = Sandbox::start().await;
    let source = sandbox.promptpay_source(400_000).await;
    let (status, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source", source["id"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(charge["status"], "pending");
    assert_eq!(
        (
            charge["fee"].clone(),
            charge["fee_vat"].clone(),
            charge["net"].clone()
        ),
        (json!(6600), json!(462), json!(392938))
    );
    assert_eq!(
        charge["transaction_fees"],
        json!({"fee_flat": "0.0", "fee_rate": "1.65", "vat_rate": "7.0"})
    );
    assert_eq!(charge["source"]["charge_status"], "pending");
    assert_eq!(charge["refunds"]["object"], "list");
    assert_eq!(charge["authorize_uri"], Value::Null);
    let created = charge["created_at"].as_str().unwrap();
    let expires = charge["expires_at"].as_str().unwrap();
    let created = paywasm_core::time::Timestamp::parse(created).unwrap();
    assert_eq!(
        paywasm_core::time::Timestamp::parse(expires).unwrap(),
        created.plus_seconds(86_400)
    );

    let image = &charge["source"]["scannable_code"]["image"];
    assert_eq!(image["filename"], "qrcode.svg");
    let uri = image["download_uri"].as_str().unwrap();
    assert!(uri.starts_with(&sandbox.running.gateway_url));
    let response = sandbox.http.get(uri).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = response.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"));
    // a guessed token gets nothing
    let guessed = format!("{}0000000000000000", &uri[..uri.len() - 16]);
    assert_eq!(
        sandbox.http.get(guessed).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_charge_can_create_its_source_inline() {
    let sandbox = Sandbox::start().await;
    let (status, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(charge["source"]["type"], "promptpay");
    assert_eq!(charge["source"]["amount"], 400_000);
    let (status, charge) = send(sandbox.secret(reqwest::Method::POST, "/charges").json(&json!({
        "amount": 150000, "currency": "SGD", "return_uri": "https://example.com/orders/345678/complete",
        "source": {"type": "alipay_cn", "platform_type": "WEB"}
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(
        (charge["fee"].clone(), charge["net"].clone()),
        (json!(4350), json!(145650))
    );
    // every key of seed 000's charge example, no more
    let mut seed_keys = [
        "acquirer_reference_number",
        "amount",
        "approval_code",
        "authorize_uri",
        "authorized",
        "authorized_at",
        "branch",
        "can_perform_void",
        "capturable",
        "capture",
        "card",
        "created_at",
        "currency",
        "customer",
        "description",
        "device",
        "disputable",
        "dispute",
        "expired",
        "expired_at",
        "expires_at",
        "failure_code",
        "failure_message",
        "fee",
        "fee_vat",
        "funding_amount",
        "funding_currency",
        "id",
        "interest",
        "interest_vat",
        "ip",
        "link",
        "linked_account",
        "livemode",
        "location",
        "metadata",
        "net",
        "object",
        "paid",
        "paid_at",
        "partially_refundable",
        "platform_fee",
        "refundable",
        "refunded_amount",
        "refunds",
        "return_uri",
        "reversed",
        "reversed_at",
        "reversible",
        "schedule",
        "source",
        "status",
        "terminal",
        "transaction",
        "transaction_fees",
        "voided",
        "zero_interest_installments",
    ]
    .map(String::from)
    .to_vec();
    seed_keys.sort();
    assert_eq!(keys(&charge), seed_keys);
    assert_eq!(charge["source"]["platform_type"], "WEB");
}

#[tokio::test]
async fn bad_charges_are_refused_with_the_reason() {
    let sandbox = Sandbox::start().await;
    let source = sandbox.promptpay_source(400_000).await;
    let id = source["id"].as_str().unwrap();
    let (status, error) = sandbox
        .charge_form(&[("amount", "300000"), ("currency", "THB"), ("source", id)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
    let (status, error) = sandbox
        .charge_form(&[
            ("amount", "1999"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_amount");
    assert!(
        error["message"].as_str().unwrap().contains("2000"),
        "{error}"
    );
    let (status, error) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "bitcoin"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");
    let (status, error) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source", "src_test_nope"),
        ])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&error, "not_found");
    let (status, error) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
            ("expires_at", "2020-07-01T15:00:00Z"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
    let (status, error) = send(
        sandbox
            .secret(reqwest::Method::POST, "/charges")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");

    // a source pays for one charge only
    let (status, _) = sandbox
        .charge_form(&[("amount", "400000"), ("currency", "THB"), ("source", id)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = sandbox
        .charge_form(&[("amount", "400000"), ("currency", "THB"), ("source", id)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
}

#[tokio::test]
async fn alipay_needs_a_safe_return_uri_and_is_decided_on_the_authorize_page() {
    let sandbox = Sandbox::start().await;
    let inline = |uri: Option<&'static str>| {
        let mut form = vec![
            ("amount", "150000"),
            ("currency", "THB"),
            ("source[type]", "alipay_cn"),
        ];
        if let Some(uri) = uri {
            form.push(("return_uri", uri));
        }
        form
    };
    let (status, error) = sandbox.charge_form(&inline(None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
    let (status, error) = sandbox
        .charge_form(&inline(Some("http://shop.example/return")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");

    let (status, charge) = sandbox
        .charge_form(&inline(Some("https://shop.example/orders/1/complete")))
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    let authorize_uri = charge["authorize_uri"].as_str().unwrap();
    assert!(authorize_uri.starts_with(&format!(
        "{}/payments/pay2_test_",
        sandbox.running.gateway_url
    )));
    let page = sandbox
        .http
        .get(authorize_uri)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(">Succeed</button>") && page.contains(">Fail</button>"),
        "{page}"
    );
    assert!(page.contains("1500.00 THB"));

    let decide = |decision: &'static str| {
        sandbox
            .http
            .post(authorize_uri)
            .form(&[("decision", decision)])
            .send()
    };
    let response = decide("succeed").await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "https://shop.example/orders/1/complete"
    );
    // pressing Fail afterwards (back button) changes nothing
    let response = decide("fail").await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, charge) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", charge["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(charge["status"], "successful");
    assert_eq!(charge["paid"], true);
    assert!(charge["paid_at"].is_string());
    assert_eq!(charge["source"]["charge_status"], "successful");
}

#[tokio::test]
async fn test_controls_end_pending_charges_once() {
    let sandbox = Sandbox::start().await;
    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let path = format!("/charges/{}", charge["id"].as_str().unwrap());
    let (status, failed) = send(
        sandbox
            .secret(reqwest::Method::POST, &format!("{path}/mark_as_failed"))
            .form(&[("failure_code", "payment_cancelled")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["failure_code"], "payment_cancelled");
    assert!(failed["failure_message"].is_string());
    let (status, error) =
        send(sandbox.secret(reqwest::Method::POST, &format!("{path}/mark_as_paid"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_charge");
    let (status, error) =
        send(sandbox.public(reqwest::Method::POST, &format!("{path}/mark_as_paid"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");

    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let path = format!("/charges/{}", charge["id"].as_str().unwrap());
    let (status, expired) =
        send(sandbox.secret(reqwest::Method::POST, &format!("{path}/expire"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (expired["status"].clone(), expired["expired"].clone()),
        (json!("expired"), json!(true))
    );
    assert_eq!(expired["source"]["charge_status"], "expired");
    // the expired QR is closed
    let uri = expired["source"]["scannable_code"]["image"]["download_uri"]
        .as_str()
        .unwrap();
    assert_eq!(
        sandbox.http.get(uri).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn charges_are_listed_newest_first() {
    let sandbox = Sandbox::start().await;
    let mut ids = vec![];
    for _ in 0..3 {
        let (_, charge) = sandbox
            .charge_form(&[
                ("amount", "400000"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
            ])
            .await;
        ids.push(charge["id"].as_str().unwrap().to_owned());
    }
    let (status, list) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["object"], "list");
    assert_eq!(list["total"], 3);
    let listed: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    let (_, page) = send(sandbox.secret(
        reqwest::Method::GET,
        "/charges?limit=1&offset=1&order=chronological",
    ))
    .await;
    assert_eq!(page["data"][0]["id"], ids[1].as_str());
    let (status, error) = send(sandbox.secret(reqwest::Method::GET, "/charges?limit=1000")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");
}

#[tokio::test]
async fn browsers_on_other_origins_may_create_sources() {
    let sandbox = Sandbox::start().await;
    let response = sandbox
        .gateway(reqwest::Method::OPTIONS, "/sources", None)
        .header("Origin", "http://127.0.0.1:7071")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type,omise-version",
        )
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let allowed = response.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("omise-version"),
        "{allowed}"
    );
}

#[tokio::test]
async fn the_shop_charges_its_own_amount_and_refuses_mismatched_sources() {
    let sandbox = Sandbox::start().await;
    let order = sandbox.shop_order().await;
    let charge_url = order["chargeUrl"].as_str().unwrap().to_owned();
    let amount = order["amount"].as_i64().unwrap();

    // a source for less than the order costs is refused
    let cheaper = sandbox.promptpay_source(amount - 100).await;
    let (status, error) = send(
        sandbox
            .http
            .post(&charge_url)
            .json(&json!({"source": cheaper["id"], "order": order["order"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&error, "amount_mismatch");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("the order costs 1290.00 THB"),
        "{error}"
    );

    let (status, error) = send(
        sandbox
            .http
            .post(&charge_url)
            .json(&json!({"source": cheaper["id"], "order": "ord_unknown"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&error, "not_found");
    let (status, error) = send(
        sandbox
            .http
            .post(&charge_url)
            .header("content-type", "application/json")
            .body("{\"amount\": 1}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");

    let source = sandbox.promptpay_source(amount).await;
    let (status, charge) = send(
        sandbox
            .http
            .post(&charge_url)
            .json(&json!({"source": source["id"], "order": order["order"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{charge}");
    assert_eq!(charge["amount"], amount);
    assert_eq!(charge["status"], "pending");
    // the browser's view has no fees or metadata
    assert!(
        charge.get("fee").is_none() && charge.get("metadata").is_none(),
        "{charge}"
    );
    assert!(charge["source"]["scannable_code"]["image"]["download_uri"].is_string());

    // the shop only answers for its own charges
    let (_, foreign) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let (status, _) = send(
        sandbox
            .http
            .get(format!("{charge_url}/{}", foreign["id"].as_str().unwrap())),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_shop_holds_a_status_request_until_the_charge_completes() {
    let sandbox = Sandbox::start().await;
    let order = sandbox.shop_order().await;
    let charge_url = order["chargeUrl"].as_str().unwrap().to_owned();
    let source = sandbox
        .promptpay_source(order["amount"].as_i64().unwrap())
        .await;
    let (_, charge) = send(
        sandbox
            .http
            .post(&charge_url)
            .json(&json!({"source": source["id"], "order": order["order"]})),
    )
    .await;
    let id = charge["id"].as_str().unwrap().to_owned();

    // no change: the request is held about as long as asked
    let started = Instant::now();
    let (_, still) = send(sandbox.http.get(format!("{charge_url}/{id}?wait=1"))).await;
    assert_eq!(still["status"], "pending");
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );

    // a payment during the hold answers it at once
    let held = tokio::spawn({
        let request = sandbox.http.get(format!("{charge_url}/{id}?wait=20"));
        async move {
            let started = Instant::now();
            let (_, charge) = send(request).await;
            (charge, started.elapsed())
        }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, _) = send(sandbox.secret(
        reqwest::Method::POST,
        &format!("/charges/{id}/mark_as_paid"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let (charge, elapsed) = held.await.unwrap();
    assert_eq!(charge["status"], "successful");
    assert!(
        elapsed < Duration::from_secs(3),
        "answered after {elapsed:?}"
    );

    // a paid order takes no second charge
    let again = sandbox
        .promptpay_source(order["amount"].as_i64().unwrap())
        .await;
    let (status, error) = send(
        sandbox
            .http
            .post(&charge_url)
            .json(&json!({"source": again["id"], "order": order["order"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&error, "order_paid");
}

/// The sandbox with its webhooks sent to `endpoints` instead of the demo shop.
async fn sandbox_with_webhooks(endpoints: Vec<String>) -> Sandbox {
    let mut config = Config::for_tests();
    config.webhook_urls = endpoints;
    let running = paywasm_sandbox::start(config)
        .await
        .expect("sandbox starts");
    Sandbox {
        running,
        http: Client::new(),
    }
}

async fn events(sandbox: &Sandbox) -> Vec<Value> {
    let (_, list) = send(sandbox.secret(
        reqwest::Method::GET,
        "/events?limit=100&order=chronological",
    ))
    .await;
    list["data"].as_array().cloned().unwrap_or_default()
}

async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn changes_are_recorded_as_events_and_delivered_to_the_shop() {
    let sandbox = Sandbox::start().await;
    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let id = charge["id"].as_str().unwrap().to_owned();
    send(sandbox.secret(
        reqwest::Method::POST,
        &format!("/charges/{id}/mark_as_paid"),
    ))
    .await;
    let recorded = events(&sandbox).await;
    let keys: Vec<&str> = recorded
        .iter()
        .filter(|e| e["data"]["id"] == id.as_str())
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["charge.create", "charge.complete"]);
    let complete = recorded
        .iter()
        .find(|e| e["key"] == "charge.complete")
        .unwrap();
    assert_eq!(complete["data"]["status"], "successful");
    assert!(complete["id"].as_str().unwrap().starts_with("evnt_test_"));
    let event_id = complete["id"].as_str().unwrap().to_owned();
    // delivered to the demo shop, which acknowledges
    eventually("the shop acknowledges the event", || async {
        let (_, event) =
            send(sandbox.secret(reqwest::Method::GET, &format!("/events/{event_id}"))).await;
        event["webhook_deliveries"][0]["delivery_status"] == "delivered"
            && event["webhook_deliveries"][0]["status"] == 200
    })
    .await;
    let (status, error) =
        send(sandbox.secret(reqwest::Method::GET, "/events/evnt_test_nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&error, "not_found");
}

#[tokio::test]
async fn webhooks_are_signed_and_retried_until_acknowledged() {
    use axum::http::HeaderMap;
    use std::sync::{Arc, Mutex};
    // A merchant endpoint that fails twice, then acknowledges; it records what it was sent.
    let received: Arc<Mutex<Vec<(HeaderMap, String)>>> = Arc::default();
    let endpoint = axum::Router::new().route(
        "/hook",
        axum::routing::post({
            let received = received.clone();
            move |headers: HeaderMap, body: String| async move {
                let mut received = received.lock().unwrap();
                received.push((headers, body));
                if received.len() <= 2 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, endpoint).await });

    let sandbox = sandbox_with_webhooks(vec![url]).await;
    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    eventually("the third attempt is acknowledged", || async {
        let recorded = events(&sandbox).await;
        recorded
            .first()
            .is_some_and(|e| e["webhook_deliveries"][0]["delivery_status"] == "delivered")
    })
    .await;
    let received = received.lock().unwrap().clone();
    assert_eq!(
        received.len(),
        3,
        "two failures, then the acknowledged attempt"
    );
    let key = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        paywasm_sandbox::config::DEFAULT_WEBHOOK_SECRET,
    )
    .unwrap();
    for (headers, body) in &received {
        let header = |name: &str| headers[name].to_str().unwrap().to_owned();
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap();
        paywasm_core::webhook::verify(
            &key,
            &header("omise-signature-timestamp"),
            &header("omise-signature"),
            body.as_bytes(),
            now,
        )
        .expect("every delivery is signed");
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            (event["key"].as_str(), event["data"]["id"].as_str()),
            (Some("charge.create"), charge["id"].as_str())
        );
    }
}

/// A receiver whose answer breaks after its status line ("200 OK", then the connection closes
/// before the promised body) has not acknowledged the event: the delivery is tried again, and
/// the second, whole answer delivers it. (Before, the status line alone counted: the soak test
/// lost events that a fault broke this way before the shop had acted.)
#[tokio::test]
async fn an_answer_broken_after_its_status_line_is_not_an_acknowledgement() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    tokio::spawn({
        let attempts = attempts.clone();
        async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                let attempt = attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut request = vec![0; 64 * 1024];
                    let _ = stream.read(&mut request).await;
                    let answer: &[u8] = if attempt == 0 {
                        b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n{\"recei"
                    } else {
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}"
                    };
                    let _ = stream.write_all(answer).await;
                    let _ = stream.shutdown().await;
                });
            }
        }
    });
    let sandbox = sandbox_with_webhooks(vec![url]).await;
    sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    eventually("the event is delivered by a whole answer", || async {
        events(&sandbox)
            .await
            .first()
            .is_some_and(|e| e["webhook_deliveries"][0]["delivery_status"] == "delivered")
    })
    .await;
    let recorded = events(&sandbox).await;
    assert_eq!(
        recorded[0]["webhook_deliveries"][0]["attempts"], 2,
        "{recorded:?}"
    );
}

#[tokio::test]
async fn the_shop_refuses_unsigned_stale_or_forged_webhooks_and_handles_each_event_once() {
    let sandbox = Sandbox::start().await;
    let url = format!("{}/webhooks/omise", sandbox.running.shop_url);
    let key = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        paywasm_sandbox::config::DEFAULT_WEBHOOK_SECRET,
    )
    .unwrap();
    let body = r#"{"object":"event","id":"evnt_test_1","key":"charge.complete","data":{"object":"charge","id":"chrg_test_x"}}"#;
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let post = |timestamp: i64, signature: String, body: &'static str| {
        sandbox
            .http
            .post(&url)
            .header("Omise-Signature-Timestamp", timestamp.to_string())
            .header("Omise-Signature", signature)
            .body(body)
            .send()
    };
    let (status, error) = send(sandbox.http.post(&url).body(body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&error, "authentication_failure");
    let forged = paywasm_core::webhook::sign(b"not the secret", now, body.as_bytes());
    assert_eq!(
        post(now, forged, body).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let stale = paywasm_core::webhook::sign(&key, now - 3_600, body.as_bytes());
    assert_eq!(
        post(now - 3_600, stale, body).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let good = paywasm_core::webhook::sign(&key, now, body.as_bytes());
    let first: Value = post(now, good.clone(), body)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["received"], "evnt_test_1");
    assert!(first.get("duplicate").is_none());
    let again: Value = post(now, good, body).await.unwrap().json().await.unwrap();
    assert_eq!(again["duplicate"], true);
}

#[tokio::test]
async fn pending_charges_expire_on_their_own_at_expires_at() {
    let sandbox = sandbox_with_webhooks(vec![]).await;
    let soon = paywasm_core::time::Timestamp(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap()
            + 2,
    );
    let (status, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
            ("expires_at", &soon.to_string()),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{charge}");
    assert_eq!(charge["expires_at"], soon.to_string());
    // nobody reads the charge: the gateway expires it and says so
    eventually("a charge.expire event", || async {
        events(&sandbox)
            .await
            .iter()
            .any(|e| e["key"] == "charge.expire")
    })
    .await;
    let (_, expired) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", charge["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["expired_at"], soon.to_string());
}

#[tokio::test]
async fn a_concurrent_payment_and_expiry_end_the_charge_exactly_once() {
    let sandbox = sandbox_with_webhooks(vec![]).await;
    for _ in 0..10 {
        let (_, charge) = sandbox
            .charge_form(&[
                ("amount", "400000"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
            ])
            .await;
        let id = charge["id"].as_str().unwrap();
        let pay = send(sandbox.secret(
            reqwest::Method::POST,
            &format!("/charges/{id}/mark_as_paid"),
        ));
        let expire = send(sandbox.secret(reqwest::Method::POST, &format!("/charges/{id}/expire")));
        let ((paid, _), (expired, _)) = tokio::join!(pay, expire);
        assert!(
            paid.is_success() != expired.is_success(),
            "exactly one wins: {paid} {expired}"
        );
        let (_, now) = send(sandbox.secret(reqwest::Method::GET, &format!("/charges/{id}"))).await;
        let expected = if paid.is_success() {
            "successful"
        } else {
            "expired"
        };
        assert_eq!(now["status"], expected);
        let endings = events(&sandbox)
            .await
            .iter()
            .filter(|e| e["data"]["id"] == id && e["key"] != "charge.create")
            .count();
        assert_eq!(endings, 1);
    }
}

#[tokio::test]
async fn lists_take_parameters_from_a_json_body_on_get() {
    let sandbox = Sandbox::start().await;
    for _ in 0..3 {
        sandbox
            .charge_form(&[
                ("amount", "400000"),
                ("currency", "THB"),
                ("source[type]", "promptpay"),
            ])
            .await;
    }
    // omise-python sends list parameters as a JSON body on GET
    let (status, list) = send(
        sandbox
            .secret(reqwest::Method::GET, "/charges")
            .json(&json!({"limit": 2, "order": "chronological"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        (
            list["limit"].clone(),
            list["total"].clone(),
            list["data"].as_array().unwrap().len()
        ),
        (json!(2), json!(3), 2)
    );
    assert_eq!(list["order"], "chronological");
    let (_, none) =
        send(sandbox.secret(reqwest::Method::GET, "/charges?to=2000-01-01T00:00:00Z")).await;
    assert_eq!(none["total"], 0);
    let (status, error) =
        send(sandbox.secret(reqwest::Method::GET, "/charges?from=yesterday")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");
}

#[tokio::test]
async fn in_store_charges_are_decided_by_test_barcodes() {
    let sandbox = Sandbox::start().await;
    // seed 001: source with the store, then the charge
    let (status, source) = send(sandbox.secret(reqwest::Method::POST, "/sources").form(&[
        ("type", "barcode_alipay"),
        ("amount", "400000"),
        ("currency", "THB"),
        ("barcode", "1234567890"),
        ("store_id", "store_1234"),
        ("store_name", "Some Store"),
        ("terminal_id", "POS-01"),
    ]))
    .await;
    assert_eq!(status, StatusCode::OK, "{source}");
    assert_eq!(
        (source["store_id"].as_str(), source["terminal_id"].as_str()),
        (Some("store_1234"), Some("POS-01"))
    );
    let (_, paid) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source", source["id"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(paid["status"], "successful", "{paid}");
    assert_eq!(
        paid["source"]["references"]["expires_at"],
        paid["expires_at"]
    );
    assert_eq!(
        (paid["fee"].clone(), paid["fee_vat"].clone()),
        (json!(6600), json!(462))
    );

    // seed 003: WeChat Pay in one call; each failure code by its barcode
    let sandbox = &sandbox;
    let wechat = |barcode: &'static str| async move {
        sandbox
            .charge_form(&[
                ("amount", "20000"),
                ("currency", "THB"),
                ("source[type]", "wechat_pay_upm"),
                ("source[barcode]", barcode),
            ])
            .await
    };
    for (barcode, code) in [
        ("134567890123456711", "payment_expired"),
        ("134567890123456712", "payment_rejected"),
        ("134567890123456713", "invalid_account"),
        ("134567890123456714", "insufficient_fund"),
        ("134567890123456715", "failed_processing"),
    ] {
        let (_, failed) = wechat(barcode).await;
        assert_eq!(
            (failed["status"].as_str(), failed["failure_code"].as_str()),
            (Some("failed"), Some(code))
        );
    }
    let (_, pending) = wechat("134567890123456701").await;
    assert_eq!(pending["status"], "pending");
    // Seed 003: the pending charge shows the scanned code as a QR document named after it:
    // the QR of the code itself (not a payment QR).
    let code = &pending["source"]["scannable_code"];
    assert_eq!(
        (&code["object"], &code["type"]),
        (&json!("barcode"), &json!("qr")),
        "{pending}"
    );
    assert_eq!(code["image"]["object"], "document");
    assert_eq!(code["image"]["kind"], "qr");
    assert_eq!(code["image"]["filename"], "134567890123456701.svg");
    assert!(code["image"]["id"]
        .as_str()
        .unwrap()
        .starts_with("docu_test_"));
    let svg = sandbox
        .http
        .get(code["image"]["download_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status(), StatusCode::OK);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert_eq!(
        svg.text().await.unwrap(),
        paywasm_core::qr::svg("134567890123456701", 256).unwrap()
    );
    let (status, expired) = send(sandbox.secret(
        reqwest::Method::POST,
        &format!("/charges/{}/expire", pending["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(expired["status"], "expired");

    let (status, error) = wechat("not-a-code").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");
    let (status, error) = sandbox
        .charge_form(&[
            ("amount", "20000"),
            ("currency", "THB"),
            ("source[type]", "wechat_pay_upm"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("barcode"),
        "{error}"
    );
}

#[tokio::test]
async fn refunds_follow_each_methods_rules_and_never_exceed_the_charge() {
    let sandbox = Sandbox::start().await;
    let (_, charge) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "barcode_alipay"),
            ("source[barcode]", "1234567890"),
        ])
        .await;
    let refunds = format!("/charges/{}/refunds", charge["id"].as_str().unwrap());
    let refund = |amount: &'static str| {
        send(
            sandbox
                .secret(reqwest::Method::POST, &refunds)
                .form(&[("amount", amount)]),
        )
    };
    let (status, first) = refund("100000").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        (first["object"].as_str(), first["amount"].as_i64()),
        (Some("refund"), Some(100_000))
    );
    assert!(first["id"].as_str().unwrap().starts_with("rfnd_test_"));
    let (status, _) = refund("250000").await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = refund("50001").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "invalid_amount");
    let (_, now) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", charge["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(now["refunded_amount"], 350_000);
    assert_eq!(now["refunds"]["total"], 2);
    assert_eq!(now["refundable"], true);
    let (_, list) = send(sandbox.secret(reqwest::Method::GET, &refunds)).await;
    assert_eq!(list["total"], 2);
    let (status, last) = refund("50000").await;
    assert_eq!(status, StatusCode::OK);
    let (_, shown) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("{refunds}/{}", last["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(shown, last);
    let (_, now) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", charge["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(
        (now["refunded_amount"].clone(), now["refundable"].clone()),
        (json!(400_000), json!(false))
    );
    assert!(events(&sandbox)
        .await
        .iter()
        .any(|e| e["key"] == "refund.create"));

    // PromptPay: never (seed 002); a pending charge: not yet
    let (_, promptpay) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "promptpay"),
        ])
        .await;
    let path = format!("/charges/{}/refunds", promptpay["id"].as_str().unwrap());
    let (status, error) = send(
        sandbox
            .secret(reqwest::Method::POST, &path)
            .form(&[("amount", "100")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "failed_refund");
    send(sandbox.secret(
        reqwest::Method::POST,
        &format!(
            "/charges/{}/mark_as_paid",
            promptpay["id"].as_str().unwrap()
        ),
    ))
    .await;
    let (status, error) = send(
        sandbox
            .secret(reqwest::Method::POST, &path)
            .form(&[("amount", "100")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("PromptPay"),
        "{error}"
    );
}

#[tokio::test]
async fn a_repeated_idempotent_request_returns_the_first_answer_and_creates_nothing() {
    let sandbox = Sandbox::start().await;
    let form = [
        ("amount", "400000"),
        ("currency", "THB"),
        ("source[type]", "promptpay"),
    ];
    let create = |key: &'static str, form: &[(&'static str, &'static str)]| {
        sandbox
            .secret(reqwest::Method::POST, "/charges")
            .header("Idempotency-Key", key)
            .form(form)
            .send()
    };
    let first = create("order-42", &form).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.unwrap();
    let again = create("order-42", &form).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let (_, list) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(list["total"], 1, "the retry created nothing");

    // the same key for another request is an error; another key is another charge
    let other = [
        ("amount", "500000"),
        ("currency", "THB"),
        ("source[type]", "promptpay"),
    ];
    let (status, error) = send(
        sandbox
            .secret(reqwest::Method::POST, "/charges")
            .header("Idempotency-Key", "order-42")
            .form(&other),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&error, "idempotency_key_in_use");
    let fresh: Value = create("order-43", &form)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(fresh["id"], first["id"]);
    // refused requests are kept too: the answer does not change on retry
    let bad = [
        ("amount", "1"),
        ("currency", "THB"),
        ("source[type]", "promptpay"),
    ];
    let refused = create("order-44", &bad).await.unwrap().status();
    assert_eq!(refused, StatusCode::BAD_REQUEST);
    assert_eq!(
        create("order-44", &bad).await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn hostile_input_gets_a_clear_error_never_a_server_error() {
    let sandbox = Sandbox::start().await;
    let huge = "a=".to_owned() + &"x".repeat(3 * 1024 * 1024);
    let bodies: Vec<(&str, String)> = vec![
        ("application/json", "{".into()),
        ("application/json", "[]".into()),
        ("application/json", "null".into()),
        ("application/json", r#"{"amount": 1e309, "currency": "THB", "type": "promptpay"}"#.into()),
        ("application/json", r#"{"amount": -5, "currency": "THB", "type": "promptpay"}"#.into()),
        ("application/json", r#"{"amount": 9223372036854775807, "currency": "THB", "type": "promptpay"}"#.into()),
        ("application/json", r#"{"amount": "400000", "currency": ["THB"], "type": "promptpay"}"#.into()),
        ("application/json", r#"{"amount": 400000, "currency": "THB", "type": {"x": 1}, "source": {"type": {"x": 1}}}"#.into()),
        ("application/x-www-form-urlencoded", "amount=%ZZ&currency=THB".into()),
        ("application/x-www-form-urlencoded", "source[[type]]=promptpay&amount=400000&currency=THB".into()),
        ("application/x-www-form-urlencoded", "amount=400000&currency=THB&source[type]=promptpay&expires_at=tomorrow".into()),
        ("application/x-www-form-urlencoded", "amount=400000&currency=THB&source=src_test_%00%01".into()),
        ("text/plain", huge),
    ];
    for path in [
        "/sources",
        "/charges",
        "/charges/chrg_test_x/refunds",
        "/charges/chrg_test_x/mark_as_failed",
    ] {
        for (content_type, body) in &bodies {
            let response = sandbox
                .secret(reqwest::Method::POST, path)
                .header("content-type", *content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = response.status();
            let error: Value = response.json().await.unwrap_or(Value::Null);
            assert!(
                status.is_client_error(),
                "{path} {} -> {status} {error}",
                &body[..body.len().min(80)]
            );
            assert_eq!(error["object"], "error", "{path}: {error}");
        }
    }
}

#[tokio::test]
async fn the_point_of_sale_charges_a_scanned_code_once_per_sale() {
    let sandbox = Sandbox::start().await;
    let pos = |key: Option<&'static str>, body: Value| {
        let mut request = sandbox
            .http
            .post(format!("{}/pos/charges", sandbox.running.shop_url))
            .json(&body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        send(request)
    };
    let sale = |barcode: &str| json!({"amount": 40000, "currency": "THB", "barcode": barcode, "store_id": "store_1234", "store_name": "Some Store", "terminal_id": "POS-01"});

    // Alipay (seed 001): paid at once with the sandbox's test code
    let (status, paid) = pos(Some("sale-1"), sale("281234567890123490")).await;
    assert_eq!(status, StatusCode::CREATED, "{paid}");
    assert_eq!(
        (paid["status"].as_str(), paid["source"]["type"].as_str()),
        (Some("successful"), Some("barcode_alipay"))
    );
    // a second scan, a double Enter, a retry: the same charge, nothing new at the gateway
    let (status, again) = pos(Some("sale-1"), sale("281234567890123490")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], paid["id"]);
    let (_, charges) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(charges["total"], 1);
    let (_, gateway_charge) = send(sandbox.secret(
        reqwest::Method::GET,
        &format!("/charges/{}", paid["id"].as_str().unwrap()),
    ))
    .await;
    assert_eq!(
        (
            gateway_charge["source"]["store_id"].as_str(),
            gateway_charge["source"]["terminal_id"].as_str()
        ),
        (Some("store_1234"), Some("POS-01"))
    );
    let (status, error) = pos(Some("sale-1"), sale("281234567890123401")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&error, "idempotency_key_in_use");

    // refused before any request: no key, a product barcode
    let (status, error) = pos(None, sale("281234567890123490")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&error, "bad_request");
    let (status, error) = pos(Some("sale-2"), sale("8850999320014")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not an Alipay or WeChat Pay"),
        "{error}"
    );
    let (_, charges) = send(sandbox.secret(reqwest::Method::GET, "/charges")).await;
    assert_eq!(charges["total"], 1);

    // WeChat Pay (seed 003): waits for the customer; the cashier cancels
    let (_, pending) = pos(Some("sale-3"), sale("134567890123456701")).await;
    assert_eq!(
        (
            pending["status"].as_str(),
            pending["source"]["type"].as_str()
        ),
        (Some("pending"), Some("wechat_pay_upm"))
    );
    let id = pending["id"].as_str().unwrap();
    let (status, cancelled) = send(sandbox.http.post(format!(
        "{}/pos/charges/{id}/cancel",
        sandbox.running.shop_url
    )))
    .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "expired");
    let (_, failed) = pos(Some("sale-4"), sale("134567890123456714")).await;
    assert_eq!(
        (failed["status"].as_str(), failed["failure_code"].as_str()),
        (Some("failed"), Some("insufficient_fund"))
    );

    // refunds through the shop, within the charge
    let refunds = format!(
        "{}/pos/charges/{}/refunds",
        sandbox.running.shop_url,
        paid["id"].as_str().unwrap()
    );
    let refund = |key: &'static str, amount: i64| {
        send(
            sandbox
                .http
                .post(&refunds)
                .header("Idempotency-Key", key)
                .json(&json!({"amount": amount})),
        )
    };
    let (status, first) = refund("refund-1", 10000).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (_, repeated) = refund("refund-1", 10000).await;
    assert_eq!(
        repeated["id"], first["id"],
        "a repeated refund request refunds once"
    );
    let (status, error) = refund("refund-2", 30001).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error["message"].as_str().unwrap().contains("at most 30000"),
        "{error}"
    );
}

#[tokio::test]
async fn backdate_moves_only_ended_charges_and_only_by_sane_days() {
    let sandbox = Sandbox::start().await;
    let (_, paid) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "wechat_pay_upm"),
            ("source[barcode]", "134567890123456790"),
        ])
        .await;
    let path = format!("/charges/{}/backdate", paid["id"].as_str().unwrap());
    for days in ["0", "-1", "3651", "ten", ""] {
        let (status, error) = send(
            sandbox
                .secret(reqwest::Method::POST, &path)
                .form(&[("days", days)]),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "days={days}: {error}");
        assert_error(&error, "bad_request");
    }
    let (status, moved) = send(
        sandbox
            .secret(reqwest::Method::POST, &path)
            .form(&[("days", "91")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let day = |field: &str, charge: &Value| {
        paywasm_core::time::Timestamp::parse(charge[field].as_str().unwrap())
            .unwrap()
            .0
    };
    assert_eq!(day("paid_at", &paid) - day("paid_at", &moved), 91 * 86_400);
    assert_eq!(
        day("created_at", &paid) - day("created_at", &moved),
        91 * 86_400
    );

    let (_, pending) = sandbox
        .charge_form(&[
            ("amount", "400000"),
            ("currency", "THB"),
            ("source[type]", "wechat_pay_upm"),
            ("source[barcode]", "134567890123456701"),
        ])
        .await;
    let (status, error) = send(
        sandbox
            .secret(
                reqwest::Method::POST,
                &format!("/charges/{}/backdate", pending["id"].as_str().unwrap()),
            )
            .form(&[("days", "1")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"].as_str().unwrap().contains("pending"),
        "{error}"
    );
}

#[tokio::test]
async fn without_webhooks_the_shop_still_learns_of_a_payment_by_reading_the_gateway() {
    // Webhooks go nowhere: the shop hears nothing, so after 10 s of silence it re-reads.
    let mut config = Config::for_tests();
    config.webhook_urls = vec!["http://127.0.0.1:9/nowhere".into()];
    let running = paywasm_sandbox::start(config).await.unwrap();
    let sandbox = Sandbox {
        running,
        http: Client::new(),
    };
    let order = sandbox.shop_order().await;
    let charge_url = order["chargeUrl"].as_str().unwrap().to_owned();
    let source = sandbox
        .promptpay_source(order["amount"].as_i64().unwrap())
        .await;
    let (status, charge) = send(
        sandbox
            .http
            .post(&charge_url)
            .json(&json!({"source": source["id"], "order": order["order"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{charge}");
    let id = charge["id"].as_str().unwrap();
    let (status, _) = send(sandbox.secret(
        reqwest::Method::POST,
        &format!("/charges/{id}/mark_as_paid"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let started = Instant::now();
    let (_, seen) = send(sandbox.http.get(format!("{charge_url}/{id}?wait=25"))).await;
    assert_eq!(seen["status"], "successful", "{seen}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_key_beyond_its_rate_gets_429_in_the_error_shape_of_its_api() {
    let mut config = Config::for_tests();
    config.rate_limit = 5; // 5 per second, bursts of 10
    let running = paywasm_sandbox::start(config).await.unwrap();
    let http = Client::new();
    let charges = format!("{}/charges/chrg_test_none", running.gateway_url);
    let get = |key: &str| http.get(&charges).basic_auth(key, Some(""));
    for _ in 0..10 {
        let (status, body) = send(get(&running.secret_key)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let response = get(&running.secret_key).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body: Value = response.json().await.unwrap();
    assert_error(&body, "too_many_requests");
    // Another key has its own allowance.
    let (status, _) = send(get(&running.public_key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // WooshPay's API answers in its own shape.
    let intents = format!("{}/v1/payment_intents", running.gateway_url);
    for _ in 0..10 {
        send(http.get(&intents).bearer_auth(&running.wooshpay_secret_key)).await;
    }
    let (status, body) = send(http.get(&intents).bearer_auth(&running.wooshpay_secret_key)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "rate_limit", "{body}");
    // A second later the key is admitted again.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (status, _) = send(get(&running.secret_key)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    running.stop().await;
}

/// The published widget and its hosted page carry no key: a page's files are never rate
/// limited, however many customers behind one address load them (the exemption named
/// `/hosted/`, where the hosted page was before it moved into `/pkg/`).
#[tokio::test]
async fn the_widgets_files_are_not_rate_limited() {
    let pkg = std::env::temp_dir().join(format!("paywasm-pkg-limit-{}", std::process::id()));
    std::fs::create_dir_all(pkg.join("hosted")).unwrap();
    std::fs::write(pkg.join("package.json"), r#"{ "version": "1.0.0" }"#).unwrap();
    std::fs::write(pkg.join("hosted").join("index.html"), "<!doctype html>").unwrap();
    let mut config = Config {
        pkg_dir: pkg.clone(),
        ..Config::for_tests()
    };
    config.rate_limit = 1; // 1 per second, bursts of 2
    let running = paywasm_sandbox::start(config).await.unwrap();
    let http = Client::new();
    for _ in 0..10 {
        let response = http
            .get(format!("{}/pkg/hosted/", running.gateway_url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    // The API beside it is limited.
    let charges = format!("{}/charges/chrg_test_none", running.gateway_url);
    let mut limited = false;
    for _ in 0..4 {
        let response = http
            .get(&charges)
            .basic_auth(&running.secret_key, Some(""))
            .send()
            .await
            .unwrap();
        limited |= response.status() == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited);
    running.stop().await;
    let _ = std::fs::remove_dir_all(pkg);
}

/// How often the widget asks the shop for a charge or a PaymentIntent when the shop answers
/// 5xx (`src/merchant.rs`).
const WIDGET_ATTEMPTS: u32 = 3;

#[tokio::test]
async fn the_shop_retries_the_gateway_through_faults_and_charges_once() {
    // A third of the calls to the gateway break after the gateway acted, before it read
    // anything, or answer 503: the shop's checkout still answers, with one charge per checkout.
    let faults = paywasm_sandbox::faults::Faults::parse("0.3:drop,reset,error").unwrap();
    let mut config = Config::for_tests();
    config.gateway_faults = Some(faults.clone());
    let running = paywasm_sandbox::start(config).await.unwrap();
    let sandbox = Sandbox {
        running,
        http: Client::new(),
    };
    for _ in 0..10 {
        let widget = sandbox.shop_order().await;
        let source = loop {
            let request = sandbox
                .public(reqwest::Method::POST, "/sources")
                .json(&json!({"type": "promptpay", "amount": widget["amount"], "currency": "THB"}));
            if let Some((StatusCode::OK, source)) = try_send(request).await {
                break source;
            }
        };
        // The shop gives up on the gateway after six attempts (~3 s), answering 502; the
        // widget then repeats its request, up to three times (`src/merchant.rs`). At this
        // fault rate the shop gives up on about 1 checkout in 50, so the test does as the
        // widget does, and the repeat must not make a second charge.
        let mut attempt = 1;
        let (status, charge) = loop {
            let (status, charge) = send(sandbox.charge_request(&source, &widget)).await;
            if !status.is_server_error() || attempt == WIDGET_ATTEMPTS {
                break (status, charge);
            }
            assert_error(&charge, "bad_gateway");
            attempt += 1;
        };
        assert_eq!(status, StatusCode::CREATED, "{charge}");
    }
    let charges = loop {
        let request = sandbox.secret(reqwest::Method::GET, "/charges?limit=100");
        if let Some((StatusCode::OK, list)) = try_send(request).await {
            break list;
        }
    };
    assert_eq!(charges["total"], 10, "one charge per checkout");
    assert!(
        faults.total() >= 5,
        "faults were injected: {:?}",
        faults.injected()
    );
    sandbox.running.stop().await;
}

#[tokio::test]
async fn the_shop_retries_wooshpay_through_faults_and_makes_one_payment_intent_each_time() {
    // A fifth of the calls to WooshPay's API break after it acted, before it read anything, or
    // answer 503: each PaymentIntent the customer asks the shop for is made once at the
    // gateway, however often the shop repeated its call, or the widget its request when the
    // shop gave up (counted in the gateway's database). Requests go on until answers were lost
    // after the gateway acted (the case that would make a second PaymentIntent) at least twice.
    let faults = paywasm_sandbox::faults::Faults::parse("0.2:drop,reset,error").unwrap();
    let drops = || {
        faults
            .injected()
            .iter()
            .find(|(kind, _)| kind.name() == "drop")
            .map_or(0, |(_, count)| *count)
    };
    let data = std::env::temp_dir().join(format!("paywasm-wp-faults-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let mut config = Config::for_tests();
    config.gateway_faults = Some(faults.clone());
    config.data_dir = Some(data.clone());
    let sandbox = Sandbox {
        running: paywasm_sandbox::start(config).await.unwrap(),
        http: Client::new(),
    };
    let mut attempts = 0;
    while attempts < 10 || (drops() < 2 && attempts < 100) {
        attempts += 1;
        let order = sandbox.shop_order_at("/wooshpay").await["order"].clone();
        let request = format!("tap-{attempts}");
        let mut attempt = 1;
        let (status, intent) = loop {
            let (status, intent) = send(sandbox.payment_intent_request(&order, &request)).await;
            if !status.is_server_error() || attempt == WIDGET_ATTEMPTS {
                break (status, intent);
            }
            attempt += 1;
        };
        assert_eq!(status, StatusCode::CREATED, "{intent}");
        assert_eq!(intent["status"], "requires_action", "{intent}");
    }
    let made: i64 = rusqlite::Connection::open(data.join("gateway.sqlite"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM wp_payment_intents", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(made, attempts, "one PaymentIntent per request to the shop");
    assert!(
        drops() >= 2,
        "faults were injected: {:?}",
        faults.injected()
    );
    sandbox.running.stop().await;
    let _ = std::fs::remove_dir_all(&data);
}

/// Reads one HTTP/1.1 answer with a `content-length` from `stream`.
async fn read_answer(stream: &mut tokio::io::BufReader<tokio::net::TcpStream>) -> usize {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let mut length = 0;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.unwrap();
    length
}

/// A browser fetches a page's scripts on the connection that brought the page. Without
/// TCP_NODELAY on the servers' sockets, an answer written in two pieces (head, then file) on
/// such a kept-alive connection waited for the browser's delayed ACK: 40 ms on Linux for each
/// script, measured as 40 ms more time to interactive (BENCHMARKS.md).
#[tokio::test]
async fn answers_on_a_kept_alive_connection_are_not_held_back() {
    use tokio::io::AsyncWriteExt;
    let sandbox = Sandbox::start().await;
    let mut times = Vec::new();
    // Several connections to each server: whether Linux delays an ACK varies by connection
    // and over time.
    let servers = [&sandbox.running.shop_url, &sandbox.running.gateway_url];
    for url in servers.into_iter().cycle().take(8) {
        let address = url.trim_start_matches("http://");
        let path = if url == &sandbox.running.shop_url {
            "/assets/shop.css"
        } else {
            "/wooshpay/assets/checkout.css"
        };
        let request = format!("GET {path} HTTP/1.1\r\nhost: {address}\r\n\r\n");
        let mut stream =
            tokio::io::BufReader::new(tokio::net::TcpStream::connect(address).await.unwrap());
        // Past the start of the connection, where Linux still acknowledges at once.
        for _ in 0..4 {
            stream
                .get_mut()
                .write_all(request.as_bytes())
                .await
                .unwrap();
            assert!(read_answer(&mut stream).await > 0, "{path} has a body");
        }
        for _ in 0..5 {
            let asked = Instant::now();
            stream
                .get_mut()
                .write_all(request.as_bytes())
                .await
                .unwrap();
            read_answer(&mut stream).await;
            times.push(asked.elapsed());
        }
    }
    // A held-back answer waits out the 40 ms delayed ACK; a file from a local server takes
    // well under a millisecond, and a busy machine may slow one or two, not a tenth of them.
    let held_back = times
        .iter()
        .filter(|time| **time >= Duration::from_millis(30))
        .count();
    assert!(
        held_back < times.len() / 10,
        "{held_back} of {} answers on kept-alive connections took 30 ms or more: {times:?}",
        times.len()
    );
    sandbox.running.stop().await;
}

/// The product page carries the checkout's first view for the customer's language and
/// platform, and its Content Security Policy allows exactly the inline script on the page (by
/// its sha256), nothing inline besides.
#[tokio::test]
async fn the_product_page_has_the_first_view_and_its_policy_allows_only_its_script() {
    use base64::prelude::{Engine, BASE64_STANDARD};
    use sha2::{Digest, Sha256};
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    let sandbox = Sandbox::start().await;
    let response = sandbox
        .http
        .get(format!("{}/", sandbox.running.shop_url))
        .header("accept-language", "th-TH,th;q=0.9,en;q=0.8")
        .header("user-agent", IPHONE)
        .send()
        .await
        .unwrap();
    let policy = response
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let page = response.text().await.unwrap();

    let view_at = page.find("data-paywasm-first-view").expect("a first view");
    assert!(page[..view_at].ends_with(
        r#"<section class="paywasm" lang="th" data-state="choosing" aria-busy="false" "#
    ));
    assert!(
        page.contains(r#"data-method="promptpay""#),
        "PromptPay is offered"
    );
    assert!(!page.contains("unsafe-inline"), "{policy}");

    // Every inline script (a <script> without src or type) is allowed by its hash.
    let inline: Vec<&str> = page
        .match_indices("<script>")
        .map(|(at, _)| {
            let body = &page[at + "<script>".len()..];
            &body[..body.find("</script>").unwrap()]
        })
        .collect();
    assert_eq!(inline.len(), 1, "one inline script: the first view's");
    let hash = BASE64_STANDARD.encode(Sha256::digest(inline[0].as_bytes()));
    assert!(
        policy.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
        )),
        "{policy}"
    );
    sandbox.running.stop().await;
}

#[tokio::test]
async fn the_return_page_says_it_is_confirming_in_the_customers_language_until_the_widget_runs() {
    let sandbox = Sandbox::start().await;
    let widget = sandbox.shop_order().await;
    let (_, source) = send(
        sandbox
            .public(reqwest::Method::POST, "/sources")
            .json(&json!({"type": "alipay_cn", "amount": widget["amount"], "currency": "THB", "platform_type": "WEB"})),
    )
    .await;
    let (status, charge) = send(sandbox.charge_request(&source, &widget)).await;
    assert_eq!(status, StatusCode::CREATED, "{charge}");
    let return_page = |order: String| {
        let request = sandbox
            .http
            .get(format!("{}/return?order={order}", sandbox.running.shop_url))
            .header("accept-language", "ja-JP,ja;q=0.9");
        async move { request.send().await.unwrap().text().await.unwrap() }
    };

    let page = return_page(widget["order"].as_str().unwrap().to_owned()).await;
    assert!(
        page.contains(r#"<div id="checkout" class="checkout"><section class="paywasm" lang="ja" data-state="confirming" aria-busy="true" data-paywasm-first-view>"#),
        "{page}"
    );
    assert!(page.contains(">お支払いを確認しています…</p>"), "{page}");
    // An order the shop does not know: the page says so, and nothing says "confirming".
    let page = return_page("ord_unknown".into()).await;
    assert!(!page.contains("data-paywasm-first-view"), "{page}");
    assert!(page.contains("could not find this order"), "{page}");
    sandbox.running.stop().await;
}

/// Waits up to 30 s for `done`.
async fn until(done: impl Fn() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "waited 30 s for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The shop learns that a WooshPay order is paid from the `payment_intent.succeeded` webhook,
/// reading the PaymentIntent back from the gateway before it believes it. When that read
/// fails, the shop must not count the event as handled: the gateway's next delivery of it is
/// the only way the order will ever be paid.
#[tokio::test]
async fn a_wooshpay_payment_the_shop_could_not_confirm_at_first_is_confirmed_when_the_event_comes_again(
) {
    let data = std::env::temp_dir().join(format!("paywasm-wp-webhook-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    // Both off until the step they break.
    let at_gateway = paywasm_sandbox::faults::Faults::parse("0:error").unwrap();
    let at_shop = paywasm_sandbox::faults::Faults::parse("0:error").unwrap();
    let mut config = Config::for_tests();
    config.data_dir = Some(data.clone());
    config.gateway_faults = Some(at_gateway.clone());
    config.shop_faults = Some(at_shop.clone());
    let sandbox = Sandbox {
        running: paywasm_sandbox::start(config).await.unwrap(),
        http: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    };
    let (order, code_value) = sandbox.wooshpay_order_at_alipay().await;
    let paid = || -> bool {
        rusqlite::Connection::open(data.join("shop.sqlite"))
            .unwrap()
            .query_row(
                "SELECT paid FROM orders WHERE id = ?1",
                [order.as_str().unwrap()],
                |row| row.get(0),
            )
            .unwrap()
    };

    // The first delivery is refused at the shop's door, so that the next one comes while the
    // gateway refuses the shop's reading of the PaymentIntent (503, six times: the shop gives
    // up and answers the delivery 502).
    at_shop.set_rate(1.0);
    let (status, _) = send(sandbox.alipay_succeeds(&code_value)).await;
    assert!(status.is_redirection(), "{status}");
    until(|| at_shop.total() >= 1, "the first delivery").await;
    at_gateway.set_rate(1.0);
    at_shop.set_rate(0.0);
    until(|| at_gateway.total() >= 6, "the shop to give up reading").await;
    at_gateway.set_rate(0.0);
    assert!(
        !paid(),
        "the order is not paid before the shop has read the payment"
    );

    // The gateway delivers the event again (2 s later): now the shop reads the PaymentIntent.
    until(paid, "the order to be paid").await;
    sandbox.running.stop().await;
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn a_repeated_request_for_a_wooshpay_payment_gets_the_same_payment_intent() {
    let sandbox = Sandbox::start().await;
    let (running, http) = (&sandbox.running, &sandbox.http);
    let order = sandbox.shop_order_at("/wooshpay").await["order"].clone();
    let ask = |request: Value| {
        send(
            http.post(format!("{}/wooshpay/payment_intents", running.shop_url))
                .json(&json!({"order": order, "terminal_type": "WEB", "request": request})),
        )
    };
    let (status, first) = ask(json!(0.8147236863931789)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    // The widget repeats its request after the answer was lost: the same PaymentIntent.
    let (status, again) = ask(json!(0.8147236863931789)).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["client_secret"], first["client_secret"]);
    // A new tap (after a failed attempt) is a new request: a new PaymentIntent. A name may
    // also be a string.
    let (_, second) = ask(json!("tap-2")).await;
    assert_ne!(second["id"], first["id"], "{second}");
    // A name that cannot be one is refused in the shop's error shape.
    let (status, refused) = ask(json!("tap 3; DROP")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_error(&refused, "bad_request");
    sandbox.running.stop().await;
}

/// The shop registers its WooshPay webhook endpoint at its first start and keeps the secret.
/// A shop that died after the gateway made the endpoint, before it kept the secret (the crash
/// test's first start can), must not make a second endpoint at its next start: the gateway
/// would sign half the deliveries with a secret the shop never learnt, and they would never
/// be accepted.
#[tokio::test]
async fn a_shop_that_died_while_registering_its_wooshpay_webhook_learns_the_same_endpoint_again() {
    let data = std::env::temp_dir().join(format!("paywasm-wp-register-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    // The same addresses at each start, as a restarted server has.
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
    };
    let (gateway_addr, shop_addr) = (free_port(), free_port());
    let config = || {
        let mut config = Config::for_tests();
        config.data_dir = Some(data.clone());
        config.gateway_addr = gateway_addr;
        config.shop_addr = shop_addr;
        config
    };
    let shop = || rusqlite::Connection::open(data.join("shop.sqlite")).unwrap();
    let registered = || {
        shop()
            .query_row("SELECT COUNT(*) FROM wooshpay_webhook", [], |row| {
                row.get::<_, i64>(0)
            })
            .unwrap_or(0)
            == 1
    };
    let first = paywasm_sandbox::start(config()).await.unwrap();
    until(registered, "the shop to register its endpoint").await;
    first.stop().await;
    // As if the shop had died before keeping the secret.
    shop().execute("DELETE FROM wooshpay_webhook", []).unwrap();
    let sandbox = Sandbox {
        running: paywasm_sandbox::start(config()).await.unwrap(),
        http: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    };
    until(registered, "the shop to register again").await;
    let gateway = || rusqlite::Connection::open(data.join("gateway.sqlite")).unwrap();
    let endpoints: i64 = gateway()
        .query_row("SELECT COUNT(*) FROM wp_webhook_endpoints", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(endpoints, 1, "one endpoint for the shop");

    // And its deliveries are accepted: a payment's events all arrive.
    let (_, code_value) = sandbox.wooshpay_order_at_alipay().await;
    send(sandbox.alipay_succeeds(&code_value)).await;
    until(
        || {
            gateway()
                .query_row(
                    "SELECT COUNT(*) = 0 FROM wp_deliveries WHERE status != 'delivered'",
                    [],
                    |row| row.get(0),
                )
                .unwrap()
        },
        "every delivery to be accepted",
    )
    .await;
    sandbox.running.stop().await;
    let _ = std::fs::remove_dir_all(&data);
}

/// The widget's files answer as a CDN must for a page on another origin (README: "From a
/// CDN"), on the gateway and on the shop: CORS for modules, wasm and stylesheets, the wasm's
/// media type, a year's immutable caching for the versioned path and revalidation for the
/// unversioned one, and the hosted page with its policy.
#[tokio::test]
async fn the_widget_is_served_as_a_cdn_serves_it_from_both_servers() {
    let pkg = std::env::temp_dir().join(format!("paywasm-pkg-{}", std::process::id()));
    std::fs::create_dir_all(pkg.join("hosted")).unwrap();
    std::fs::write(
        pkg.join("package.json"),
        r#"{ "name": "paywasm", "version": "9.8.7" }"#,
    )
    .unwrap();
    std::fs::write(pkg.join("paywasm_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("embed.js"), "/* embed */").unwrap();
    std::fs::write(pkg.join("hosted").join("index.html"), "<!doctype html>").unwrap();
    let config = Config {
        pkg_dir: pkg.clone(),
        ..Config::for_tests()
    };
    let running = paywasm_sandbox::start(config)
        .await
        .expect("sandbox starts");
    let http = Client::new();
    for server in [&running.gateway_url, &running.shop_url] {
        for (path, cache, media_type) in [
            (
                "/pkg/9.8.7/paywasm_bg.wasm",
                "public, max-age=31536000, immutable",
                "application/wasm",
            ),
            (
                "/pkg/9.8.7/embed.js",
                "public, max-age=31536000, immutable",
                "text/javascript",
            ),
            ("/pkg/embed.js", "no-cache", "text/javascript"),
            ("/pkg/hosted/", "no-cache", "text/html"),
        ] {
            let response = http
                .get(format!("{server}{path}"))
                .header("origin", "https://merchant.example")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{server}{path}");
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map_or(String::new(), |value| value.to_str().unwrap().to_owned())
            };
            assert_eq!(header("cache-control"), cache, "{server}{path}");
            assert!(
                header("content-type").starts_with(media_type),
                "{server}{path}"
            );
            assert_eq!(header("access-control-allow-origin"), "*", "{server}{path}");
            assert_eq!(header("cross-origin-resource-policy"), "cross-origin");
            assert_eq!(header("x-content-type-options"), "nosniff");
            let policy = header("content-security-policy");
            if path.contains("/hosted/") {
                assert!(
                    policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
                    "{policy}"
                );
            } else {
                assert!(policy.is_empty(), "{path}: {policy}");
            }
        }
        // Another version than the package's is not served under its name.
        let other = http
            .get(format!("{server}/pkg/0.0.1/embed.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::NOT_FOUND);
    }
    std::fs::remove_dir_all(pkg).unwrap();
}

/// The sandbox calls itself started only once the demo shop's WooshPay webhook endpoint exists:
/// an event made before it would reach no endpoint, and a payment made in the first moments
/// would never be confirmed by its webhook. Refused gateway calls (60% here) only delay the
/// start. (Before, the registration ran in the background and `start` returned at once.)
#[tokio::test]
async fn the_sandbox_starts_with_the_shops_wooshpay_webhook_registered() {
    let data = std::env::temp_dir().join(format!("paywasm-wp-ready-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let mut config = Config::for_tests();
    config.data_dir = Some(data.clone());
    config.gateway_faults = Some(paywasm_sandbox::faults::Faults::parse("0.6:error").unwrap());
    let running = paywasm_sandbox::start(config)
        .await
        .expect("sandbox starts");
    let registered: i64 = rusqlite::Connection::open(data.join("shop.sqlite"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM wooshpay_webhook", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(
        registered, 1,
        "the endpoint is registered when start returns"
    );
    running.stop().await;
    let _ = std::fs::remove_dir_all(&data);
}
