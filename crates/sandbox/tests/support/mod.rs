//! What the sandbox's HTTP tests share: a sandbox started in-process with a client (the
//! merchant server's, Omise.js's, the widget's and the customer's requests as helpers), the
//! two APIs' error-shape checks, the seed comparison and the one way to wait for something.
//!
//! A test of the gateway's own API needs neither the shop nor a socket: its sandbox is
//! [`Sandbox::in_process`], and [`respond`] hands the requests addressed to it to its router
//! directly, which saves each test the shop's start and each request a connection.
//! The simulated checkouts of the reliability tests are in [`soak`].

#![allow(dead_code)] // each test file uses part of it
#![allow(clippy::unwrap_used)] // a test that cannot read its answer should stop there

pub mod ledger;
pub mod soak;

use paywasm_sandbox::config::Config;
use paywasm_sandbox::Running;
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// A sandbox (gateway and demo shop) on loopback, and a client that does not follow
/// redirects (a test reads where it is sent).
/// The demo shop's address of a sandbox that runs it (every test's but the gateway-only one).
pub trait ShopUrl {
    /// `http://127.0.0.1:...`.
    fn shop(&self) -> &str;
}

impl ShopUrl for Running {
    fn shop(&self) -> &str {
        self.shop_url
            .as_deref()
            .expect("this sandbox runs the demo shop")
    }
}

pub struct Sandbox {
    pub running: Running,
    pub http: Client,
}

impl Sandbox {
    /// The sandbox of [`Config::for_tests`].
    pub async fn start() -> Self {
        Self::with(Config::for_tests()).await
    }

    /// The sandbox of `config`.
    pub async fn with(config: Config) -> Self {
        let running = paywasm_sandbox::start(config)
            .await
            .expect("sandbox starts");
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { running, http }
    }

    /// The gateway of [`Config::for_tests`] alone, without the shop, listening nowhere: requests
    /// to its [`Running::gateway_url`] go to its router ([`respond`]).
    pub async fn in_process() -> Self {
        Self::in_process_with(Config::for_tests()).await
    }

    /// The gateway of `config` alone, in-process (see [`Sandbox::in_process`]).
    pub async fn in_process_with(config: Config) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        // `.test` is reserved (RFC 2606): if a request escaped to the network, it would find
        // no host rather than someone else's.
        let origin = format!(
            "http://gateway-{}.in-process.test",
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let (running, router) = paywasm_sandbox::in_process(config, &origin)
            .await
            .expect("gateway starts");
        IN_PROCESS.lock().unwrap().insert(origin, router);
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { running, http }
    }

    /// The sandbox with its Omise webhooks sent to `endpoints` instead of the demo shop.
    pub async fn with_webhooks_to(endpoints: Vec<String>) -> Self {
        let mut config = Config::for_tests();
        config.webhook_urls = endpoints;
        Self::with(config).await
    }

    /// The gateway's URL for `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.gateway_url)
    }

    /// A request to the gateway, with `key` as Omise's clients send it (Basic, no password).
    pub fn gateway(&self, method: Method, path: &str, key: Option<&str>) -> RequestBuilder {
        let request = self.http.request(method, self.url(path));
        match key {
            Some(key) => request.basic_auth(key, Some("")),
            None => request,
        }
    }

    /// Omise.js's request, with the public key.
    pub fn public(&self, method: Method, path: &str) -> RequestBuilder {
        let key = self.running.public_key.clone();
        self.gateway(method, path, Some(&key))
    }

    /// The merchant server's request to the Omise API, with the secret key.
    pub fn secret(&self, method: Method, path: &str) -> RequestBuilder {
        let key = self.running.secret_key.clone();
        self.gateway(method, path, Some(&key))
    }

    /// The merchant server's request to the WooshPay API, with its secret key as a Bearer.
    pub fn wooshpay_secret(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(&self.running.wooshpay_secret_key)
    }

    /// A browser's request to the WooshPay API, with the publishable key as a Bearer.
    pub fn wooshpay_public(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(&self.running.wooshpay_public_key)
    }

    /// A new PromptPay source of `amount` satang, as Omise.js makes it.
    pub async fn promptpay_source(&self, amount: i64) -> Value {
        let (status, source) = send(
            self.public(Method::POST, "/sources")
                .json(&json!({"type": "promptpay", "amount": amount, "currency": "THB"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{source}");
        source
    }

    /// A pending Alipay CN charge of SGD 1,500.00 (the customer not yet at Alipay).
    pub async fn alipay_cn_charge(&self) -> Value {
        let (status, charge) = self
            .charge_form(&[
                ("amount", "150000"),
                ("currency", "SGD"),
                ("source[type]", "alipay_cn"),
                ("source[platform_type]", "WEB"),
                ("return_uri", "https://example.com/orders/1/complete"),
            ])
            .await;
        assert_eq!(status, StatusCode::OK, "{charge}");
        charge
    }

    /// A charge made from a form, as Omise's clients send it.
    pub async fn charge_form(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        send(self.secret(Method::POST, "/charges").form(form)).await
    }

    /// All the Omise events, oldest first.
    pub async fn events(&self) -> Vec<Value> {
        let (_, list) =
            send(self.secret(Method::GET, "/events?limit=100&order=chronological")).await;
        list["data"].as_array().cloned().unwrap_or_default()
    }

    /// A WooshPay PaymentIntent made from `body`.
    pub async fn create_intent(&self, body: &Value) -> Value {
        let (status, intent) = send(
            self.wooshpay_secret(Method::POST, "/v1/payment_intents")
                .json(body),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{intent}");
        intent
    }

    /// The WooshPay PaymentIntent `id` as the gateway has it now.
    pub async fn intent(&self, id: &str) -> Value {
        send(self.wooshpay_secret(Method::GET, &format!("/v1/payment_intents/{id}")))
            .await
            .1
    }

    /// Follows `next_action` to the test Alipay page and presses `decision` there; returns
    /// where the customer is sent next.
    pub async fn pay_at_alipay(&self, intent: &Value, decision: &str) -> Option<String> {
        let url = intent["next_action"]["alipay_handle_redirect"]["url"]
            .as_str()
            .unwrap();
        assert!(url.starts_with(&self.running.gateway_url), "{url}");
        let page = respond(self.http.get(url)).await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        let code_value = url.split("codeValue=").nth(1).unwrap();
        if !page.contains("role=\"status\"") {
            assert!(page.contains(&format!("value=\"{code_value}\"")), "{page}");
        }
        let response = respond(self.alipay_decides(code_value, decision))
            .await
            .unwrap();
        response
            .headers()
            .get("location")
            .map(|location| location.to_str().unwrap().to_owned())
    }

    /// The customer presses `decision` at Alipay's test page for `code_value`.
    pub fn alipay_decides(&self, code_value: &str, decision: &str) -> RequestBuilder {
        self.http
            .post(self.url("/wooshpay/alipay/decide"))
            .form(&[("codeValue", code_value), ("decision", decision)])
    }

    /// The customer pays at Alipay's test page for `code_value`.
    pub fn alipay_succeeds(&self, code_value: &str) -> RequestBuilder {
        self.alipay_decides(code_value, "succeed")
    }

    /// An order of the shop, as a customer gets one: by loading the product page (the shop
    /// stores it at its first charge).
    pub async fn shop_order(&self) -> Value {
        self.shop_order_at("/").await
    }

    /// The same at the product page `path` (`/wooshpay` for the WooshPay shop).
    pub async fn shop_order_at(&self, path: &str) -> Value {
        widget_config_in(&self.page(format!("{}{path}", self.running.shop())).await)
    }

    /// The page at `url`, as text.
    pub async fn page(&self, url: impl reqwest::IntoUrl) -> String {
        respond(self.http.get(url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The widget's request to the shop for a charge of `order` (from [`Self::shop_order`])
    /// with `source`.
    pub fn charge_request(&self, source: &Value, order: &Value) -> RequestBuilder {
        self.http
            .post(format!("{}/checkout/charges", self.running.shop()))
            .json(&json!({"source": source["id"], "order": order["order"]}))
    }

    /// The widget's request `request` (its name, the same when repeated) to the WooshPay shop
    /// for a PaymentIntent for `order` (an order id), on a desktop.
    pub fn payment_intent_request(&self, order: &Value, request: &str) -> RequestBuilder {
        self.http
            .post(format!("{}/wooshpay/payment_intents", self.running.shop()))
            .json(&json!({"order": order, "terminal_type": "WEB", "request": request}))
    }

    /// A new WooshPay order and its PaymentIntent, made by the shop and waiting at Alipay:
    /// the order id and the Alipay code value.
    pub async fn wooshpay_order_at_alipay(&self) -> (Value, String) {
        let order = self.shop_order_at("/wooshpay").await["order"].clone();
        let (status, intent) = send(self.payment_intent_request(&order, "tap-1")).await;
        assert_eq!(status, StatusCode::CREATED, "{intent}");
        let url = intent["next_action"]["alipay_handle_redirect"]["url"]
            .as_str()
            .unwrap();
        let code_value = url.split("codeValue=").nth(1).unwrap().to_owned();
        (order, code_value)
    }
}

/// How long a charge could be paid when it was made: `expires_at - created_at`, in seconds.
pub fn lifetime_secs(charge: &Value) -> i64 {
    let at = |field: &str| {
        paywasm_core::time::Timestamp::parse(charge[field].as_str().unwrap())
            .unwrap()
            .unix()
    };
    at("expires_at") - at("created_at")
}

/// The widget's settings that a shop page writes into its `checkout-config` block.
pub fn widget_config_in(page: &str) -> Value {
    let start = page.find("id=\"checkout-config\">").expect("config block")
        + "id=\"checkout-config\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let config: Value = serde_json::from_str(&page[start..end]).unwrap();
    config["widget"].clone()
}

/// The in-process gateways' routers, by their origin.
static IN_PROCESS: LazyLock<Mutex<HashMap<String, axum::Router>>> = LazyLock::new(Default::default);

/// The body of `request` as a browser that takes brotli gets it: asserts it came brotli, and
/// returns its bytes on the wire.
pub async fn brotli_bytes(request: RequestBuilder) -> Vec<u8> {
    let response = respond(request.header("accept-encoding", "gzip, deflate, br"))
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
    response.bytes().await.unwrap().to_vec()
}

/// The answer to `request`: given by the in-process gateway it is addressed to
/// ([`Sandbox::in_process`]), or else fetched over the network.
pub async fn respond(request: RequestBuilder) -> reqwest::Result<reqwest::Response> {
    use tower::ServiceExt;
    let (client, request) = request.build_split();
    let request = request?;
    let origin = request.url().origin().ascii_serialization();
    let router = IN_PROCESS.lock().unwrap().get(&origin).cloned();
    let Some(router) = router else {
        return client.execute(request).await;
    };
    // What the connection would have added: the Host header, and the peer (a customer on
    // loopback), which the gateway reads for its records.
    let host = request.url().authority().to_owned();
    let request: axum::http::Request<reqwest::Body> = request.try_into()?;
    let (mut parts, body) = request.into_parts();
    parts
        .headers
        .entry(axum::http::header::HOST)
        .or_insert(host.parse().unwrap());
    parts
        .extensions
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            40_000,
        ))));
    let body = body.as_bytes().map(<[u8]>::to_vec).unwrap_or_default();
    let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body));
    let answer = match router.oneshot(request).await {
        Ok(answer) => answer,
        Err(never) => match never {},
    };
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("the router's answer is read to its end");
    Ok(axum::http::Response::from_parts(parts, body.to_vec()).into())
}

/// The answer's status and JSON body (`null` when it has none).
pub async fn send(request: RequestBuilder) -> (StatusCode, Value) {
    let response = respond(request).await.expect("request is answered");
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// The answer, or `None` when the connection broke or the answer was cut off (injected faults).
pub async fn try_send(request: RequestBuilder) -> Option<(StatusCode, Value)> {
    let response = respond(request).await.ok()?;
    let status = response.status();
    let body = response.bytes().await.ok()?;
    Some((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

/// `body` is Omise's error object with `code`, a message and a documentation link.
pub fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["object"], "error", "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["location"].is_string(), "{body}");
}

/// `body` is the shop's error object with `code` and a message: the widget reads no more,
/// and the shop claims no documentation link (Omise's `location` is Omise's).
pub fn assert_shop_error(body: &Value, code: &str) {
    assert_eq!(body["object"], "error", "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body.get("location").is_none(), "{body}");
}

/// The answer is `expected` with WooshPay's error object: `code`, a type and a message.
pub fn assert_wooshpay_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["type"].is_string(), "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// An object's keys, sorted.
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

/// Waits up to 30 s for `check` to hold, asking every 50 ms; fails naming `what`.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "waited 30 s for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The seed example `name` (`tests/fixtures/`: `seed004/payment_intent_web_request`, ...).
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Checks `ours` against the seed's example `seed`, field by field: every field the seed
/// shows is present with the same value, except what each answer makes anew, which must have
/// the seed's form: ids (`src_test_...`, `pi_` and 19 digits), times, the servers' origins in
/// URLs, addresses, client secrets, live mode (ours is always test mode), and WooshPay's
/// page `url`s.
pub fn assert_like_seed(seed: &Value, ours: &Value, path: &str) {
    match (seed, ours) {
        (Value::Object(seed), Value::Object(ours_object)) => {
            for (key, expected) in seed {
                let at = format!("{path}.{key}");
                let actual = ours_object
                    .get(key)
                    .unwrap_or_else(|| panic!("{at} is missing"));
                match key.as_str() {
                    "created" | "updated" | "expires_at" if expected.is_number() => {
                        assert!(actual.as_i64().unwrap() > 1_600_000_000_000, "{at}: ms")
                    }
                    "client_secret" => {
                        let id = ours_object
                            .get("payment_intent")
                            .or(ours_object.get("id"))
                            .unwrap()
                            .as_str()
                            .unwrap();
                        let secret = actual.as_str().unwrap();
                        assert!(
                            secret.starts_with(&format!("{id}_secret_")),
                            "{at}: {actual}"
                        );
                    }
                    "livemode" => assert_eq!(actual, &json!(false), "{at}: test mode"),
                    // WooshPay's pages (Alipay's cashier, the hosted session) are the
                    // sandbox's own test pages, at paths of its own.
                    "url" => assert!(actual.as_str().unwrap().starts_with("http"), "{at}"),
                    // a WeChat Pay QR document's number (seed 003), the gateway's own
                    "filename" if expected.as_str().is_some_and(|name| name.len() == 22) => {
                        let name = actual.as_str().unwrap().strip_suffix(".svg").unwrap();
                        assert!(
                            name.len() == 18 && name.bytes().all(|b| b.is_ascii_digit()),
                            "{at}: {actual}"
                        )
                    }
                    _ => assert_like_seed(expected, actual, &at),
                }
            }
        }
        (Value::Array(seed), Value::Array(ours)) => {
            assert_eq!(seed.len(), ours.len(), "{path}: length");
            for (index, (expected, actual)) in seed.iter().zip(ours).enumerate() {
                assert_like_seed(expected, actual, &format!("{path}[{index}]"));
            }
        }
        (Value::String(seed), Value::String(ours)) => {
            assert_eq!(
                generalized(seed),
                generalized(ours),
                "{path}: {seed:?} and {ours:?}"
            )
        }
        _ => assert_eq!(seed, ours, "{path}"),
    }
}

/// `text` with what each answer makes anew replaced by its kind: `<time>` for a time (not
/// the epoch, which is a fixed bound), `<origin>` for a URL's scheme and host, `<ip>`, and in
/// each id only its prefix (`chrg_<id>`, `pi_<19 digits>`, `..._secret_<secret>`), and
/// `<token>` for a document's download token.
pub fn generalized(text: &str) -> String {
    let is_time = text.len() == 20
        && text.as_bytes()[10] == b'T'
        && text.ends_with('Z')
        && !text.starts_with("1970");
    if is_time {
        return "<time>".into();
    }
    if text.split('.').count() == 4 && text.split('.').all(|part| part.parse::<u8>().is_ok()) {
        return "<ip>".into();
    }
    let (origin, rest) = match text.split_once("://") {
        Some((_, after)) => {
            let path_at = after.find('/').unwrap_or(after.len());
            ("<origin>", &after[path_at..])
        }
        None => ("", text),
    };
    let mut out = origin.to_owned();
    let mut word = String::new();
    for c in rest.chars().chain(std::iter::once('/')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        out.push_str(&generalized_id(&word));
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

fn generalized_id(word: &str) -> String {
    if let Some((id, _)) = word.split_once("_secret_") {
        return format!("{}_secret_<secret>", generalized_id(id));
    }
    // Omise's: `chrg_test_` (test mode) or `chrg_` (live, as seed 002 shows), then 19 of
    // [0-9a-z]; WooshPay's: `pi_` and 19 digits.
    let (prefix, rest) = match word.split_once("_test_") {
        Some(split) => split,
        None => word.split_once('_').unwrap_or((word, "")),
    };
    let base36 = |b: u8| b.is_ascii_digit() || b.is_ascii_lowercase();
    let upper_hex = |b: u8| b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
    if word.len() == 16 && word.bytes().all(upper_hex) {
        // a document's download token
        "<token>".into()
    } else if rest.len() == 19 && rest.bytes().all(|b| b.is_ascii_digit()) {
        format!("{prefix}_<19 digits>")
    } else if rest.len() == 19 && rest.bytes().all(base36) {
        format!("{prefix}_<id>")
    } else {
        word.to_owned()
    }
}

/// Signs in at the demo shop's point of sale with its demo PIN, as a cashier does; the
/// session cookie to send (`name=value`). Made again while the shop's answer is lost or
/// refused (injected faults).
pub async fn staff_cookie(shop_url: &str) -> String {
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for _ in 0..40 {
        let answer = http
            .post(format!("{shop_url}/pos/sign-in"))
            .form(&[
                ("pin", paywasm_sandbox::shop::staff::DEMO_PIN),
                ("next", "/pos"),
            ])
            .send()
            .await;
        if let Some(cookie) = answer.ok().and_then(|response| {
            let cookie = response.headers().get(reqwest::header::SET_COOKIE)?;
            Some(cookie.to_str().ok()?.split(';').next()?.to_owned())
        }) {
            return cookie;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not sign in at the point of sale");
}

/// A new, empty database on the test PostgreSQL server (`PAYWASM_TEST_POSTGRES`, started by
/// `npm test`): its URL. Each test gets its own, as each merchant would: the shop keeps
/// things that belong to one gateway (its WooshPay webhook secret), which another test's
/// gateway would not know.
pub async fn fresh_postgres_database() -> String {
    let server = std::env::var("PAYWASM_TEST_POSTGRES").expect(
        "PAYWASM_TEST_POSTGRES names the test server: run `npm test`, or \
         `source scripts/postgres.sh` before cargo test",
    );
    let name = format!("paywasm_{:016x}", rand::random::<u64>());
    paywasm_merchant::database::Database::postgres(&server)
        .unwrap()
        .execute("", &format!("CREATE DATABASE {name}"), &[])
        .await
        .unwrap();
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&name);
    url.to_string()
}

/// The text of the QR code drawn in `svg` (the gateway's QR documents), read as a phone's
/// camera would: the dark squares of its path laid on a bitmap, which a QR decoder scans.
pub fn qr_text(svg: &str) -> String {
    let number = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[start..start + svg[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let (width, height) = (number("width"), number("height"));
    let mut dark = vec![false; width * height];
    let path = &svg[svg.find(" d=\"").unwrap() + 4..];
    let path = &path[..path.find('"').unwrap()];
    // Each square: `M{left} {top}h{width}v{height}H{left}V{top}`.
    for square in path.split('M').filter(|s| !s.is_empty()) {
        let values: Vec<usize> = square
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (left, top, w, h) = (values[0], values[1], values[2], values[3]);
        for y in top..top + h {
            dark[y * width + left..y * width + left + w].fill(true);
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| dark[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the document");
    grids[0].decode().unwrap().1
}
