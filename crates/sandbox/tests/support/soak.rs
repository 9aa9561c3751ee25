//! Simulated checkouts for the reliability tests (`soak.rs`, `process.rs`): each is driven as
//! the widget, the cashier and the customer's bank would drive it, repeating what failed, and
//! then checked in the customer's view, the shop's order and the gateway.

use paywasm_merchant::database::Database;
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method_ {
    PromptPay,
    AlipayOnline,
    AlipayInStore,
    WechatInStore,
    /// Alipay through WooshPay's PaymentIntents (seed 004).
    WooshpayAlipay,
    /// Alipay on WooshPay's hosted Checkout Session page (seed 004).
    WooshpaySession,
}

impl Method_ {
    /// Whether the checkout is paid on WooshPay (its records are WooshPay's, not charges).
    pub fn on_wooshpay(self) -> bool {
        matches!(self, Method_::WooshpayAlipay | Method_::WooshpaySession)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Paid,
    Failed,
    Expired,
}

/// What a checkout refunds after it is paid, in the smallest unit: a paid Alipay online
/// checkout (through the gateway's API, as a merchant's server would), a paid Alipay in-store
/// sale (through the shop's till API) and a paid WooshPay checkout (WooshPay's refunds API)
/// give back 10.00, once, however often the request is repeated. (PromptPay charges cannot be
/// refunded.)
pub fn planned_refund(method: Method_, outcome: Outcome) -> i64 {
    match (method, outcome) {
        (
            Method_::AlipayOnline
            | Method_::AlipayInStore
            | Method_::WooshpayAlipay
            | Method_::WooshpaySession,
            Outcome::Paid,
        ) => 1_000,
        _ => 0,
    }
}

impl Outcome {
    pub fn status(self) -> &'static str {
        match self {
            Outcome::Paid => "successful",
            Outcome::Failed => "failed",
            Outcome::Expired => "expired",
        }
    }
}

pub struct Soak {
    pub http: Client,
    pub gateway: String,
    pub shop: String,
    pub public_key: String,
    pub secret_key: String,
    pub wooshpay_public_key: String,
    pub wooshpay_secret_key: String,
    /// Calls that failed and were made again.
    pub retries: AtomicU64,
    /// The cashier's session at the point of sale, once signed in.
    pub staff: tokio::sync::OnceCell<String>,
}

/// How long after a charge is decided the widget may have to wait for the shop to say so: the
/// shop's fallback re-read of a waiting copy while webhooks arrive (60 s), with room for the
/// process's restarts.
const LONGEST_WAIT_AFTER_DECISION: Duration = Duration::from_secs(90);

/// The answer of a call, made again (as the widget, the shop's client or a bank would) while the
/// connection breaks, the answer is cut off, or the server answers 5xx or 429.
pub async fn call(soak: &Soak, request: impl Fn() -> RequestBuilder) -> (StatusCode, Value) {
    try_call(soak, request)
        .await
        .unwrap_or_else(|last_failure| panic!("{last_failure}"))
}

/// [`call`], or what its 40th failure in a row was (after some 20 s).
async fn try_call(
    soak: &Soak,
    request: impl Fn() -> RequestBuilder,
) -> Result<(StatusCode, Value), String> {
    let mut last_failure = String::new();
    for attempt in 0..40u32 {
        if attempt > 0 {
            soak.retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt.min(10)))).await;
        }
        let request = request();
        let url = request
            .try_clone()
            .and_then(|r| r.build().ok())
            .map(|r| format!("{} {}", r.method(), r.url()))
            .unwrap_or_default();
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                last_failure = format!("{url}: {error}");
                continue;
            }
        };
        let status = response.status();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => {
                last_failure = format!("{url}: {status}, the body was cut off: {error}");
                continue;
            }
        };
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            last_failure = format!("{url}: {status} {}", String::from_utf8_lossy(&body));
            continue;
        }
        return Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)));
    }
    Err(format!(
        "a call failed 40 times in a row; the last time: {last_failure}"
    ))
}

impl Soak {
    /// The cashier's session cookie (signed in once; the shop keeps its key across restarts).
    pub async fn staff(&self) -> String {
        self.staff
            .get_or_init(|| super::staff_cookie(&self.shop))
            .await
            .clone()
    }

    pub fn gateway(&self, method: Method, path: &str, key: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.gateway))
            .basic_auth(key, Some(""))
    }

    /// The customer's bank decides charge `id` at the gateway (`decision`: `mark_as_paid`,
    /// `mark_as_failed`), asked again until an answer arrives.
    pub async fn decide(&self, id: &str, decision: &str) {
        let path = format!("/charges/{id}/{decision}");
        let (status, answer) =
            call(self, || self.gateway(Method::POST, &path, &self.secret_key)).await;
        assert_eq!(status, 200, "{decision} {id}: {answer}");
    }

    pub fn shop(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.shop))
    }

    /// A request to WooshPay's API with `key` (Bearer).
    pub fn wooshpay(&self, method: Method, path: &str, key: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.gateway))
            .bearer_auth(key)
    }

    /// The customer opens the product page: a new order.
    pub async fn order(&self) -> (String, i64) {
        self.order_at("/").await
    }

    /// The customer opens the product page at `path`: a new order.
    pub async fn order_at(&self, path: &str) -> (String, i64) {
        for attempt in 0..40u64 {
            if attempt > 0 {
                self.retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50 * attempt.min(10))).await;
            }
            let Ok(response) = self.shop(Method::GET, path).send().await else {
                continue;
            };
            let Ok(page) = response.text().await else {
                continue;
            };
            let marker = "id=\"checkout-config\">";
            let Some(start) = page.find(marker).map(|i| i + marker.len()) else {
                continue;
            };
            let end = start + page[start..].find("</script>").unwrap();
            let config: Value = serde_json::from_str(&page[start..end]).unwrap();
            let widget = &config["widget"];
            return (
                widget["order"].as_str().unwrap().to_owned(),
                widget["amount"].as_i64().unwrap(),
            );
        }
        panic!("the product page never loaded");
    }

    /// Drives one checkout to its end; returns the charge id (the PaymentIntent's on WooshPay)
    /// and the status the customer saw.
    pub async fn checkout(&self, n: usize, method: Method_, outcome: Outcome) -> (String, String) {
        let charge = match method {
            Method_::WooshpayAlipay => return self.wooshpay_checkout(outcome).await,
            Method_::WooshpaySession => return self.wooshpay_session(outcome).await,
            Method_::PromptPay | Method_::AlipayOnline => {
                let (order, amount) = self.order().await;
                let source_type = if method == Method_::PromptPay {
                    "promptpay"
                } else {
                    "alipay_cn"
                };
                let mut source_body =
                    json!({"type": source_type, "amount": amount, "currency": "THB"});
                if method == Method_::AlipayOnline {
                    source_body["platform_type"] = json!("IOS");
                }
                // The widget: a source with the public key (a repeat makes another source, which
                // is harmless: only a charge moves money)...
                let (status, source) = call(self, || {
                    self.gateway(Method::POST, "/sources", &self.public_key)
                        .json(&source_body)
                })
                .await;
                assert_eq!(status, StatusCode::OK, "{source}");
                // ...then the shop's charge for the order, repeated with the same source.
                let body = json!({"source": source["id"], "order": order});
                let (status, charge) = call(self, || {
                    self.shop(Method::POST, "/checkout/charges").json(&body)
                })
                .await;
                assert_eq!(status, StatusCode::CREATED, "{charge}");
                charge
            }
            Method_::AlipayInStore | Method_::WechatInStore => {
                // Ending in 01: the sandbox leaves the charge pending until decided (barcodes.rs).
                let barcode = if method == Method_::AlipayInStore {
                    format!("28{n:014}01")
                } else {
                    format!("13{n:014}01")
                };
                let body = json!({
                    "amount": 12_345, "currency": "THB", "barcode": barcode,
                    "store_id": "store_1", "store_name": "Soak store", "terminal_id": "POS-1",
                });
                let key = format!("soak-sale-{n}");
                let staff = self.staff().await;
                let (status, charge) = call(self, || {
                    self.shop(Method::POST, "/pos/charges")
                        .header("Cookie", &staff)
                        .header("Idempotency-Key", &key)
                        .json(&body)
                })
                .await;
                assert!(status.is_success(), "{status} {charge}");
                charge
            }
        };
        let id = charge["id"].as_str().unwrap().to_owned();
        // The customer's bank (or the cashier's Cancel) decides, with a key so that a repeat
        // after a lost answer is the same decision.
        let (method_, path, key) = match outcome {
            Outcome::Paid => (
                Method::POST,
                format!("/charges/{id}/mark_as_paid"),
                self.secret_key.clone(),
            ),
            Outcome::Failed => (
                Method::POST,
                format!("/charges/{id}/mark_as_failed"),
                self.secret_key.clone(),
            ),
            Outcome::Expired => (
                Method::POST,
                format!("/charges/{id}/expire"),
                self.secret_key.clone(),
            ),
        };
        let decision_key = format!("soak-decide-{id}");
        let staff = self.staff().await;
        let (status, decided) = call(self, || {
            let request = if outcome == Outcome::Expired
                && matches!(method, Method_::AlipayInStore | Method_::WechatInStore)
            {
                self.shop(Method::POST, &format!("/pos/charges/{id}/cancel"))
                    .header("Cookie", &staff)
            } else {
                self.gateway(method_.clone(), &path, &key)
            };
            request.header("Idempotency-Key", &decision_key)
        })
        .await;
        assert!(status.is_success(), "{outcome:?} {status} {decided}");
        // The widget waits on the shop's long poll until the charge ends. It never gives up:
        // while the process dies every second or two, almost every held request is cut, and
        // the shop may learn of the decision only from the webhook's later retries (1, 2, 4,
        // 8, 16 s... after failed deliveries) or its own re-read of the copy (60 s while other
        // webhooks arrive). So the wait may take that long, and only a wait beyond it fails.
        let waiting_since = Instant::now();
        let seen = loop {
            let answer = try_call(self, || {
                self.shop(Method::GET, &format!("/checkout/charges/{id}?wait=10"))
            })
            .await;
            let (status, charge) = match answer {
                Ok(answer) => answer,
                Err(_) if waiting_since.elapsed() < LONGEST_WAIT_AFTER_DECISION => continue,
                Err(last_failure) => panic!(
                    "the shop did not tell the customer of {id} ({outcome:?}) within {LONGEST_WAIT_AFTER_DECISION:?}: {last_failure}"
                ),
            };
            assert_eq!(status, StatusCode::OK, "{charge}");
            let seen = charge["status"].as_str().unwrap().to_owned();
            if seen != "pending" {
                break seen;
            }
        };
        let refund = planned_refund(method, outcome);
        if refund > 0 {
            let refund_key = format!("soak-refund-{id}");
            let staff = self.staff().await;
            let (status, refunded) = call(self, || {
                let request = if method == Method_::AlipayInStore {
                    self.shop(Method::POST, &format!("/pos/charges/{id}/refunds"))
                        .header("Cookie", &staff)
                        .json(&json!({"amount": refund}))
                } else {
                    self.gateway(
                        Method::POST,
                        &format!("/charges/{id}/refunds"),
                        &self.secret_key,
                    )
                    .form(&[("amount", refund.to_string())])
                };
                request.header("Idempotency-Key", &refund_key)
            })
            .await;
            assert!(status.is_success(), "refund: {status} {refunded}");
        }
        (id, seen)
    }

    /// A WooshPay checkout: the shop makes and confirms the PaymentIntent (repeated after a
    /// lost answer, which may leave an unused PaymentIntent behind, as a customer's second
    /// tap would); Alipay's page decides, or the merchant cancels; the widget reads the
    /// PaymentIntent with the publishable key and its client secret until it ends.
    async fn wooshpay_checkout(&self, outcome: Outcome) -> (String, String) {
        let (order, _) = self.order_at("/wooshpay").await;
        let body = json!({"order": order, "terminal_type": "WEB"});
        let (status, intent) = call(self, || {
            self.shop(Method::POST, "/wooshpay/payment_intents")
                .json(&body)
        })
        .await;
        assert_eq!(status, StatusCode::CREATED, "{intent}");
        let id = intent["id"].as_str().unwrap().to_owned();
        let client_secret = intent["client_secret"].as_str().unwrap().to_owned();
        match outcome {
            Outcome::Paid | Outcome::Failed => self.decide_at_alipay(&intent, outcome).await,
            Outcome::Expired => {
                let key = format!("soak-cancel-{id}");
                let (status, canceled) = call(self, || {
                    self.wooshpay(
                        Method::POST,
                        &format!("/v1/payment_intents/{id}/cancel"),
                        &self.wooshpay_secret_key,
                    )
                    .header("Idempotency-Key", &key)
                })
                .await;
                assert!(
                    status.is_success() || status.is_redirection(),
                    "{outcome:?} {status} {canceled}"
                );
            }
        }
        let seen = loop {
            let (status, intent) = call(self, || {
                self.wooshpay(
                    Method::GET,
                    &format!("/v1/payment_intents/{id}?client_secret={client_secret}"),
                    &self.wooshpay_public_key,
                )
            })
            .await;
            assert_eq!(status, StatusCode::OK, "{intent}");
            let view: paywasm_core::wooshpay::PaymentIntentView =
                serde_json::from_value(intent).unwrap();
            let seen = view.to_payment().unwrap().status;
            if seen != paywasm_core::checkout::Status::Pending {
                break seen.as_str().to_owned();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        self.wooshpay_refund(&id, planned_refund(Method_::WooshpayAlipay, outcome))
            .await;
        (id, seen)
    }

    /// The customer at Alipay's page for the PaymentIntent `intent` (its `next_action`): pays
    /// (`Paid`) or is declined (`Failed`).
    async fn decide_at_alipay(&self, intent: &Value, outcome: Outcome) {
        let url = intent["next_action"]["alipay_handle_redirect"]["url"]
            .as_str()
            .unwrap_or_else(|| panic!("an attempt is under way at Alipay: {intent}"));
        let code_value = url.split("codeValue=").nth(1).unwrap();
        let decision = if outcome == Outcome::Paid {
            "succeed"
        } else {
            "fail"
        };
        // A second press finds the attempt decided: safe to repeat.
        let (status, decided) = call(self, || {
            self.http
                .post(format!("{}/wooshpay/alipay/decide", self.gateway))
                .form(&[("codeValue", code_value), ("decision", decision)])
        })
        .await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{outcome:?} {status} {decided}"
        );
    }

    /// Refunds `amount` of the PaymentIntent `id`, if any, once.
    async fn wooshpay_refund(&self, id: &str, amount: i64) {
        if amount == 0 {
            return;
        }
        let key = format!("soak-refund-{id}");
        let (status, refunded) = call(self, || {
            self.wooshpay(Method::POST, "/v1/refunds", &self.wooshpay_secret_key)
                .header("Idempotency-Key", &key)
                .json(&json!({"payment_intent": id, "amount": amount}))
        })
        .await;
        assert_eq!(status, StatusCode::OK, "refund: {refunded}");
    }

    /// A WooshPay Checkout Session: the shop makes it and sends the customer to its page
    /// (a repeat after a lost answer makes another session, as a second press of the shop's
    /// button would); the page shows the QR, which Alipay decides, or the merchant expires
    /// the session; the page's script reads the session's status until it ends. Returns the
    /// session's PaymentIntent.
    async fn wooshpay_session(&self, outcome: Outcome) -> (String, String) {
        let (order, _) = self.order_at("/wooshpay").await;
        let page = self.session_page(&order).await;
        let (path, query) = page.split_once('?').unwrap();
        let session = path.rsplit('/').next().unwrap().to_owned();
        // The customer's browser opens the page, which starts the desktop's Alipay attempt.
        loop {
            let opened = self.http.get(&page).send().await;
            if let Ok(response) = opened {
                if response.status() == StatusCode::OK && response.text().await.is_ok() {
                    break;
                }
            }
            self.retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let read = |path: String| {
            call(self, move || {
                self.wooshpay(Method::GET, &path, &self.wooshpay_secret_key)
            })
        };
        let (_, found) = read(format!("/v1/checkout/sessions/{session}")).await;
        let intent_id = found["payment_intent"].as_str().unwrap().to_owned();
        match outcome {
            Outcome::Paid | Outcome::Failed => {
                let (_, intent) = read(format!("/v1/payment_intents/{intent_id}")).await;
                self.decide_at_alipay(&intent, outcome).await;
            }
            Outcome::Expired => {
                let key = format!("soak-expire-{session}");
                let (status, expired) = call(self, || {
                    self.wooshpay(
                        Method::POST,
                        &format!("/v1/checkout/sessions/{session}/expire"),
                        &self.wooshpay_secret_key,
                    )
                    .header("Idempotency-Key", &key)
                })
                .await;
                assert_eq!(status, StatusCode::OK, "{expired}");
            }
        }
        // The page's script: the session's status, until it ends.
        let seen = loop {
            let (status, now) = call(self, || {
                self.http.get(format!(
                    "{}/wooshpay/pay/{session}/status?{query}",
                    self.gateway
                ))
            })
            .await;
            assert_eq!(status, StatusCode::OK, "{now}");
            if now["status"] == "complete" {
                break "successful";
            }
            if now["status"] == "expired" {
                break "expired";
            }
            if now["attempt_failed"] == true {
                break "failed";
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        self.wooshpay_refund(
            &intent_id,
            planned_refund(Method_::WooshpaySession, outcome),
        )
        .await;
        (intent_id, seen.to_owned())
    }

    /// The shop's answer to the customer's "Pay on WooshPay's checkout page": the session's
    /// page, where it sends the customer.
    async fn session_page(&self, order: &str) -> String {
        for attempt in 0..40u64 {
            if attempt > 0 {
                self.retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50 * attempt.min(10))).await;
            }
            let sent = self
                .shop(Method::POST, "/wooshpay/sessions")
                .form(&[("order", order)])
                .send()
                .await;
            let Ok(response) = sent else { continue };
            if response.status().is_redirection() {
                let location = response.headers()["location"].to_str().unwrap().to_owned();
                return location;
            }
            let status = response.status();
            assert!(
                status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS,
                "{status}"
            );
        }
        panic!("the shop never made the Checkout Session");
    }

    /// `count` PromptPay charges made directly at the gateway (as a merchant's server would),
    /// each due to expire on its own 12 to 19 s after it is asked for (time enough to repeat
    /// the call through restarts on a busy machine); their ids, and the last expiry (epoch s).
    pub async fn expiring_charges(&self, count: usize) -> (HashSet<String>, i64) {
        let now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64
        };
        let mut ids = HashSet::new();
        let mut last = 0;
        for n in 0..count {
            // Fixed before the first attempt: a repeat under the same Idempotency-Key must
            // send the same request.
            let at = now() + 12 + (n % 8) as i64;
            last = last.max(at);
            let expires_at = paywasm_core::time::Timestamp(at).to_string();
            let key = format!("soak-expiring-{n}");
            let (status, charge) = call(self, || {
                self.gateway(Method::POST, "/charges", &self.secret_key)
                    .header("Idempotency-Key", &key)
                    .form(&[
                        ("amount", "12345"),
                        ("currency", "THB"),
                        ("source[type]", "promptpay"),
                        ("expires_at", expires_at.as_str()),
                    ])
            })
            .await;
            assert_eq!(status, StatusCode::OK, "{charge}");
            ids.insert(charge["id"].as_str().unwrap().to_owned());
        }
        (ids, last)
    }

    /// Every object of a gateway list, page by page.
    pub async fn list(&self, path: &str) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let (status, page) = call(self, || {
                self.gateway(
                    Method::GET,
                    &format!("{path}?limit=100&offset={}", all.len()),
                    &self.secret_key,
                )
            })
            .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let data = page["data"].as_array().unwrap();
            all.extend(data.iter().cloned());
            if data.is_empty() || all.len() as u64 >= page["total"].as_u64().unwrap() {
                return all;
            }
        }
    }
}

/// `checkouts` plans: a sixth each of the six methods, ending paid (half), failed or expired.
pub fn plans(checkouts: usize) -> Vec<(Method_, Outcome)> {
    let methods = [
        Method_::PromptPay,
        Method_::AlipayOnline,
        Method_::AlipayInStore,
        Method_::WechatInStore,
        Method_::WooshpayAlipay,
        Method_::WooshpaySession,
    ];
    let outcomes = [
        Outcome::Paid,
        Outcome::Paid,
        Outcome::Failed,
        Outcome::Expired,
    ];
    (0..checkouts)
        .map(|n| match (methods[n % 6], outcomes[(n / 6) % 4]) {
            // Only offline (and in-store) charges can be expired: an Alipay redirect that the
            // customer abandons ends failed.
            (Method_::AlipayOnline, Outcome::Expired) => (Method_::AlipayOnline, Outcome::Failed),
            plan => plan,
        })
        .collect()
}

/// Drives every plan, `concurrency` at a time; the charge id and the status the customer saw.
pub async fn drive(
    soak: &Arc<Soak>,
    plans: &[(Method_, Outcome)],
    first: usize,
    concurrency: usize,
) -> Vec<(String, String)> {
    let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = Vec::new();
    for (n, (method, outcome)) in plans.iter().copied().enumerate() {
        let n = first + n;
        let soak = soak.clone();
        let permit = semaphore.clone().acquire_owned().await.unwrap();
        tasks.push(tokio::spawn(async move {
            let result = soak.checkout(n, method, outcome).await;
            drop(permit);
            result
        }));
    }
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(task.await.unwrap());
    }
    seen
}

/// What the checks found.
#[derive(Debug)]
pub struct Verdict {
    pub wrong_in_widget: usize,
    pub wrong_in_shop: usize,
    pub wrong_at_gateway: usize,
    /// Charges whose refunded amount is not the one refund planned (none, or one repeated).
    pub wrong_refunds: usize,
    pub duplicates: usize,
    pub charges: usize,
    pub events: usize,
    pub undelivered: usize,
    pub unprocessed: usize,
    pub redelivered: usize,
}

impl Verdict {
    /// Events not delivered or not processed.
    pub fn lost(&self) -> usize {
        self.undelivered.max(self.unprocessed)
    }

    /// Prints the figures.
    pub fn print(&self, checkouts: usize) {
        println!(
            "  wrong outcomes: widget {}, shop {}, gateway {}",
            self.wrong_in_widget, self.wrong_in_shop, self.wrong_at_gateway
        );
        println!("  wrong refunded amounts: {}", self.wrong_refunds);
        println!(
            "  duplicate charges: {} ({} charges and PaymentIntents for {checkouts} checkouts)",
            self.duplicates, self.charges
        );
        println!(
            "  webhook events: {}, lost {} (undelivered {}, unprocessed {}), deliveries repeated {}",
            self.events, self.lost(), self.undelivered, self.unprocessed, self.redelivered
        );
    }

    /// Fails the test on any wrong outcome, duplicate or lost event.
    pub fn assert_all_right(&self) {
        assert_eq!(
            self.wrong_in_widget, 0,
            "checkouts the widget saw end wrongly"
        );
        assert_eq!(self.wrong_in_shop, 0, "orders in the wrong state");
        assert_eq!(self.wrong_at_gateway, 0, "charges in the wrong state");
        assert_eq!(self.wrong_refunds, 0, "charges refunded wrongly");
        assert_eq!(self.duplicates, 0, "duplicate charges");
        assert_eq!(self.lost(), 0, "webhook events lost");
    }
}

/// What the gateway's database says of WooshPay's side, read directly: its API lists neither
/// PaymentIntents nor events.
struct WooshpayRecords {
    db: rusqlite::Connection,
}

impl WooshpayRecords {
    fn open(gateway_db: &Path) -> Self {
        Self {
            db: rusqlite::Connection::open(gateway_db).unwrap(),
        }
    }

    fn count(&self, sql: &str) -> usize {
        self.db
            .query_row(sql, [], |row| row.get::<_, i64>(0))
            .unwrap() as usize
    }

    fn status(&self, id: &str) -> Option<String> {
        self.db
            .query_row(
                "SELECT status FROM wp_payment_intents WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .ok()
    }

    fn refunded(&self, id: &str) -> i64 {
        self.db
            .query_row(
                "SELECT COALESCE(SUM(amount), 0) FROM wp_refunds WHERE payment_intent = ?1",
                [id],
                |row| row.get(0),
            )
            .unwrap()
    }

    fn undelivered(&self) -> usize {
        self.count("SELECT COUNT(*) FROM wp_deliveries WHERE status != 'delivered'")
    }

    fn event_ids(&self) -> Vec<String> {
        self.db
            .prepare("SELECT id FROM wp_events")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

/// The WooshPay PaymentIntent status an outcome leaves.
fn wooshpay_status(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Paid => "succeeded",
        Outcome::Failed => "requires_payment_method",
        Outcome::Expired => "canceled",
    }
}

/// The demo shop's records as its database keeps them (SQLite in the data folder, or the
/// PostgreSQL database its instances share), read directly.
pub struct ShopRecords(Database);

impl ShopRecords {
    /// The shop's SQLite database in `data`.
    pub fn sqlite(data: &Path) -> Self {
        Self(Database::Sqlite(
            paywasm_sandbox::store::Store::open(Some(data), "shop").unwrap(),
        ))
    }

    /// The PostgreSQL database at `url`.
    pub fn postgres(url: &str) -> Self {
        Self(Database::postgres(url).unwrap())
    }

    /// The webhook events the shop handled.
    pub async fn processed(&self) -> HashSet<String> {
        let rows: Vec<(String,)> = self
            .0
            .read_all(
                "SELECT id FROM processed_events",
                "SELECT id FROM paywasm_processed_events",
                &[],
            )
            .await
            .unwrap();
        rows.into_iter().map(|(id,)| id).collect()
    }

    /// Whether the order of charge (or PaymentIntent) `id` is paid, if the shop knows it.
    pub async fn paid(&self, id: &str) -> Option<bool> {
        let row: Option<(bool,)> = self
            .0
            .read_one(
                "SELECT o.paid FROM orders o JOIN payments p ON p.order_id = o.id WHERE p.payment_id = ?1",
                "SELECT o.paid FROM shop_orders o JOIN paywasm_payments p ON p.order_id = o.id WHERE p.payment_id = $1",
                &[id.into()],
            )
            .await
            .unwrap();
        row.map(|(paid,)| paid)
    }
}

/// Checks every checkout in the customer's view (`seen`), the gateway (its database in
/// `gateway_data`) and the `shop`'s records, and every webhook event (waiting for retries to
/// deliver).
pub async fn verify(
    soak: &Soak,
    plans: &[(Method_, Outcome)],
    seen: &[(String, String)],
    gateway_data: &Path,
    shop: &ShopRecords,
    others: &HashSet<String>,
) -> Verdict {
    // The customer's view.
    let wrong_in_widget = plans
        .iter()
        .zip(seen)
        .filter(|((_, outcome), (_, status))| status != outcome.status())
        .count();

    // The gateway: one charge per checkout, each in its planned state (charges the test made
    // for another purpose, `others`, set aside).
    let mut charges = soak.list("/charges").await;
    charges.retain(|charge| !others.contains(charge["id"].as_str().unwrap()));
    let planned: HashMap<&str, Outcome> = seen
        .iter()
        .zip(plans)
        .map(|((id, _), (_, outcome))| (id.as_str(), *outcome))
        .collect();
    let on_wooshpay: Vec<(&str, Outcome)> = seen
        .iter()
        .zip(plans)
        .filter(|(_, (method, _))| method.on_wooshpay())
        .map(|((id, _), (_, outcome))| (id.as_str(), *outcome))
        .collect();
    let wooshpay = WooshpayRecords::open(&gateway_data.join("gateway.sqlite"));
    // On WooshPay an unused PaymentIntent may be left by a repeated request; a second one
    // that succeeded would be a double payment.
    let paid_on_wooshpay = on_wooshpay
        .iter()
        .filter(|(_, outcome)| *outcome == Outcome::Paid)
        .count();
    let duplicates = charges
        .len()
        .saturating_sub(plans.len() - on_wooshpay.len())
        + wooshpay
            .count("SELECT COUNT(*) FROM wp_payment_intents WHERE status = 'succeeded'")
            .saturating_sub(paid_on_wooshpay);
    let wrong_at_gateway = on_wooshpay
        .iter()
        .filter(|(id, outcome)| wooshpay.status(id).as_deref() != Some(wooshpay_status(*outcome)))
        .count()
        + charges
            .iter()
            .filter(|charge| {
                planned
                    .get(charge["id"].as_str().unwrap())
                    .map(|o| o.status())
                    != charge["status"].as_str()
            })
            .count();

    let refunds: HashMap<&str, i64> = seen
        .iter()
        .zip(plans)
        .map(|((id, _), (method, outcome))| (id.as_str(), planned_refund(*method, *outcome)))
        .collect();
    let wrong_refunds = charges
        .iter()
        .filter(|charge| {
            refunds.get(charge["id"].as_str().unwrap()).copied()
                != charge["refunded_amount"].as_i64()
        })
        .count()
        + on_wooshpay
            .iter()
            .filter(|(id, _)| refunds.get(id).copied() != Some(wooshpay.refunded(id)))
            .count();

    // Webhooks: every event delivered (retries run in the background) and processed once. A
    // delivery refused six times in a row (faults, a busy shop) is next tried 64 s later
    // (backoff 1, 2, 4 ... s): the wait allows for that.
    let deadline = Instant::now() + Duration::from_secs(150);
    let (events, undelivered) = loop {
        let undelivered_on_wooshpay = wooshpay.undelivered();
        let events = soak.list("/events").await;
        let undelivered = events
            .iter()
            .filter(|event| {
                !event["webhook_deliveries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|delivery| delivery["delivery_status"] == "delivered")
            })
            .count();
        let undelivered = undelivered + undelivered_on_wooshpay;
        if undelivered == 0 || Instant::now() > deadline {
            // What a failure needs to be understood: each undelivered event and its attempts.
            for event in events.iter().filter(|event| {
                !event["webhook_deliveries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|delivery| delivery["delivery_status"] == "delivered")
            }) {
                println!(
                    "  undelivered: {} {} {} deliveries {}",
                    event["id"], event["key"], event["data"]["id"], event["webhook_deliveries"]
                );
            }
            break (events, undelivered);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let redelivered = events
        .iter()
        .flat_map(|event| event["webhook_deliveries"].as_array().unwrap().clone())
        .filter(|delivery| delivery["attempts"].as_u64().unwrap_or(0) > 1)
        .count();
    // WooshPay's event list is read after the deliveries were seen done, and the gateway may
    // have made events since (a Checkout Session expiring): those get the time a delivery
    // takes before they count as unprocessed.
    let settle_by = Instant::now() + Duration::from_secs(30);
    let (processed, wooshpay_events) = loop {
        let processed = shop.processed().await;
        let wooshpay_events = wooshpay.event_ids();
        let all_in = (events.iter().map(|event| event["id"].as_str().unwrap()))
            .chain(wooshpay_events.iter().map(String::as_str))
            .all(|id| processed.contains(id));
        if all_in || Instant::now() > settle_by {
            break (processed, wooshpay_events);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let unprocessed_ids: Vec<&str> = events
        .iter()
        .map(|event| event["id"].as_str().unwrap())
        .chain(wooshpay_events.iter().map(String::as_str))
        .filter(|id| !processed.contains(*id))
        .collect();
    // What a failure needs to be understood: which events the shop never processed.
    for id in unprocessed_ids.iter().take(10) {
        match events.iter().find(|event| event["id"] == *id) {
            Some(event) => println!(
                "  unprocessed: {id} {} {} deliveries {}",
                event["key"], event["data"]["id"], event["webhook_deliveries"]
            ),
            None => println!("  unprocessed: {id} (WooshPay)"),
        }
    }
    let unprocessed = unprocessed_ids.len();
    // The shop, once the webhooks are in (a WooshPay order is paid by its webhook): an order
    // is paid exactly when its charge succeeded.
    let mut wrong_in_shop = 0;
    for (id, outcome) in &planned {
        let paid = shop.paid(id).await;
        if paid != Some(*outcome == Outcome::Paid) {
            wrong_in_shop += 1;
        }
    }

    Verdict {
        wrong_in_widget,
        wrong_in_shop,
        wrong_at_gateway,
        wrong_refunds,
        duplicates,
        charges: charges.len() + wooshpay.count("SELECT COUNT(*) FROM wp_payment_intents"),
        events: events.len() + wooshpay_events.len(),
        undelivered,
        unprocessed,
        redelivered,
    }
}
