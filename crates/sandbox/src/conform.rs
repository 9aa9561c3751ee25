//! `paywasm-sandbox conform`: drives a merchant's server through the widget's merchant contract
//! (README, "Merchant server contract"; `crates/merchant/openapi.json`) and says, point by point, what
//! holds. The server is the merchant's own, configured with a running sandbox's keys: the
//! check makes sources at that gateway with the public key, pays a charge the way a
//! customer's phone would (the QR's **Simulate payment**), and signs webhooks with the
//! sandbox's webhook key, as the gateway does.
//!
//! It needs one unpaid order of the merchant's, which it pays: the order's reference and what
//! it costs.

use crate::config::{DEFAULT_PUBLIC_KEY, DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET};
use base64::Engine;
use paywasm_core::webhook::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// What to check, and against what.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "paywasm-sandbox conform",
    about = "Checks a merchant server against the widget's merchant contract"
)]
pub struct ConformArgs {
    /// The merchant server's address (`https://shop.example`).
    #[arg(long)]
    pub merchant: String,
    /// The widget's charge URL at the merchant (`chargeUrl`); default `{merchant}/checkout/charges`.
    #[arg(long)]
    pub charge_url: Option<String>,
    /// The merchant's webhook endpoint; default `{merchant}/webhooks/omise`.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// An unpaid order of the merchant's, which the check pays.
    #[arg(long)]
    pub order: String,
    /// A second unpaid order of the same amount and currency, which the check charges with a
    /// redirect method (TrueMoney Wallet in THB, GrabPay in SGD) and leaves unpaid; without
    /// it, that point is not checked.
    #[arg(long)]
    pub redirect_order: Option<String>,
    /// What the order costs, in the currency's smallest unit (`129000` for 1,290.00 THB).
    #[arg(long)]
    pub amount: i64,
    /// The order's currency.
    #[arg(long, default_value = "THB")]
    pub currency: String,
    /// The sandbox gateway the merchant server uses.
    #[arg(long, default_value = "http://127.0.0.1:7070")]
    pub gateway: String,
    /// The sandbox's public key, which the merchant's server is configured with too.
    #[arg(long, default_value = DEFAULT_PUBLIC_KEY)]
    pub public_key: String,
    /// The sandbox's secret key (to list the gateway's events, which the check delivers again).
    #[arg(long, default_value = DEFAULT_SECRET_KEY)]
    pub secret_key: String,
    /// The sandbox's webhook key (base64), which the merchant's server verifies.
    #[arg(long, default_value = DEFAULT_WEBHOOK_SECRET)]
    pub webhook_secret: String,
}

/// One point of the contract and whether it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// What the contract says.
    pub name: &'static str,
    /// `Ok`, or what the server did instead.
    pub outcome: Result<(), String>,
}

/// Every point checked, in order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The points.
    pub points: Vec<Point>,
}

impl Report {
    /// Whether every point held.
    pub fn passed(&self) -> bool {
        self.points.iter().all(|point| point.outcome.is_ok())
    }

    /// The point named `name`, if it was checked.
    pub fn point(&self, name: &str) -> Option<&Point> {
        self.points.iter().find(|point| point.name == name)
    }

    fn note(&mut self, name: &'static str, outcome: Result<(), String>) {
        self.points.push(Point { name, outcome });
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for point in &self.points {
            match &point.outcome {
                Ok(()) => writeln!(f, "pass  {}", point.name)?,
                Err(why) => writeln!(f, "FAIL  {}\n      {why}", point.name)?,
            }
        }
        let passed = self.points.iter().filter(|p| p.outcome.is_ok()).count();
        writeln!(f, "{passed} of {} points hold", self.points.len())
    }
}

/// The points, named as the report prints them.
pub mod points {
    /// `POST {chargeUrl}` makes a charge of the order, for its amount.
    pub const CHARGE: &str = "a charge is made for the order's amount (201)";
    /// The same request again gets the same charge.
    pub const REPEAT: &str = "a repeated request gets the same charge";
    /// A source for another amount is refused.
    pub const MISMATCH: &str = "a source for another amount is refused (422 amount_mismatch)";
    /// An order the server does not have is refused.
    pub const UNKNOWN_ORDER: &str = "an order the server does not have is refused (404)";
    /// A body that is not the contract's is refused.
    pub const MALFORMED: &str = "a malformed request is refused (400)";
    /// The charge is read back.
    pub const READ: &str = "the charge is read back (GET {chargeUrl}/{id})";
    /// A charge the server did not make is not shown.
    pub const NOT_MINE: &str = "a charge the server did not make is not shown (404)";
    /// `?wait=N` holds a pending charge's reader.
    pub const HELD: &str = "a pending charge's reader is held (?wait=2)";
    /// A held reader is answered when the charge is paid.
    pub const WOKEN: &str = "a waiting reader is told as soon as the charge is paid";
    /// A paid order takes no new charge.
    pub const PAID: &str = "a paid order is refused (422 order_paid)";
    /// A webhook signed with another key is refused.
    pub const BAD_SIGNATURE: &str = "a webhook with a bad signature is refused (401)";
    /// A webhook signed long ago is refused.
    pub const STALE: &str = "a webhook signed an hour ago is refused (401)";
    /// The same webhook twice is acknowledged twice.
    pub const DUPLICATE: &str = "a webhook delivered twice is acknowledged both times (2xx)";
    /// After it all, the charge is paid once.
    pub const STILL_PAID: &str = "after the repeats, the charge is still successful";
    /// A redirect method's charge sends the customer to the gateway and back.
    pub const REDIRECT: &str =
        "a redirect method's charge sends the customer to the gateway and back (authorize_uri, return_uri)";
}

/// Runs every point against the merchant's server: what held and what did not. Only a
/// gateway that cannot be used (no source can be made) stops it early.
pub async fn run(args: &ConformArgs) -> Report {
    let mut report = Report::default();
    let check = match Check::new(args) {
        Ok(check) => check,
        Err(why) => {
            report.note(points::CHARGE, Err(why));
            return report;
        }
    };
    check.run(&mut report).await;
    report
}

struct Check<'a> {
    args: &'a ConformArgs,
    http: reqwest::Client,
    charge_url: String,
    webhook_url: String,
    webhook_key: Vec<u8>,
}

/// An answer's status and JSON body (`null` when it has none).
type Answer = (StatusCode, Value);

impl<'a> Check<'a> {
    fn new(args: &'a ConformArgs) -> Result<Self, String> {
        let merchant = args.merchant.trim_end_matches('/');
        let webhook_key = base64::engine::general_purpose::STANDARD
            .decode(&args.webhook_secret)
            .map_err(|error| format!("--webhook-secret is not base64: {error}"))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(40))
            .build()
            .map_err(|error| format!("cannot make an HTTP client: {error}"))?;
        Ok(Self {
            args,
            http,
            charge_url: args
                .charge_url
                .clone()
                .unwrap_or_else(|| format!("{merchant}/checkout/charges")),
            webhook_url: args
                .webhook_url
                .clone()
                .unwrap_or_else(|| format!("{merchant}/webhooks/omise")),
            webhook_key,
        })
    }

    async fn answer(request: reqwest::RequestBuilder) -> Result<Answer, String> {
        let response = request
            .send()
            .await
            .map_err(|error| format!("no answer: {error}"))?;
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        Ok((status, body))
    }

    /// The QR method the check pays with, the one of the order's currency.
    fn qr_method(&self) -> Result<&'static str, String> {
        match self.args.currency.to_ascii_uppercase().as_str() {
            "THB" => Ok("promptpay"),
            "SGD" => Ok("paynow"),
            other => Err(format!(
                "the check pays by QR: PromptPay (THB) or PayNow (SGD), not {other}"
            )),
        }
    }

    /// A source of the QR method of `amount` in the order's currency, made with the public key.
    async fn source(&self, amount: i64) -> Result<String, String> {
        self.source_of(&[("type", self.qr_method()?)], amount).await
    }

    /// A source with `params` (its type, and what that type needs) of `amount` in the order's
    /// currency, made with the public key.
    async fn source_of(&self, params: &[(&str, &str)], amount: i64) -> Result<String, String> {
        let amount = amount.to_string();
        let mut form = vec![
            ("amount", amount.as_str()),
            ("currency", self.args.currency.as_str()),
        ];
        form.extend_from_slice(params);
        let (status, body) = Self::answer(
            self.http
                .post(format!("{}/sources", self.args.gateway))
                .basic_auth(&self.args.public_key, Some(""))
                .form(&form),
        )
        .await?;
        match body["id"].as_str() {
            Some(id) if status.is_success() => Ok(id.to_owned()),
            _ => Err(format!(
                "the gateway at {} made no source ({status}): {body}",
                self.args.gateway
            )),
        }
    }

    async fn charge(&self, body: &Value) -> Result<Answer, String> {
        Self::answer(self.http.post(&self.charge_url).json(body)).await
    }

    /// The merchant's answer to a charge of `order` with a new source of `amount`.
    async fn charge_new_source(&self, amount: i64, order: &str) -> Result<Answer, String> {
        let source = self.source(amount).await?;
        self.charge(&json!({"source": source, "order": order}))
            .await
    }

    async fn read(&self, id: &str, wait: u32) -> Result<Answer, String> {
        Self::answer(
            self.http
                .get(format!("{}/{id}?wait={wait}", self.charge_url)),
        )
        .await
    }

    /// Posts `body` to the webhook endpoint, signed with `key` at `timestamp`.
    async fn deliver(&self, body: &[u8], key: &[u8], timestamp: i64) -> Result<Answer, String> {
        Self::answer(
            self.http
                .post(&self.webhook_url)
                .header("content-type", "application/json")
                .header(TIMESTAMP_HEADER, timestamp.to_string())
                .header(SIGNATURE_HEADER, sign(key, timestamp, body))
                .body(body.to_vec()),
        )
        .await
    }

    /// The gateway's newest event about charge `id` (the check delivers it again).
    async fn event_of(&self, id: &str) -> Result<Value, String> {
        let (status, list) = Self::answer(
            self.http
                .get(format!("{}/events?limit=100", self.args.gateway))
                .basic_auth(&self.args.secret_key, Some("")),
        )
        .await?;
        let events = list["data"].as_array().cloned().unwrap_or_default();
        events
            .into_iter()
            .find(|event| event["data"]["id"] == id)
            .ok_or_else(|| format!("the gateway lists no event about {id} ({status})"))
    }

    async fn run(&self, report: &mut Report) {
        let args = self.args;
        let source = match self.source(args.amount).await {
            Ok(source) => source,
            Err(why) => return report.note(points::CHARGE, Err(why)),
        };
        let request = json!({"source": source, "order": args.order});
        let charge = self.charge(&request).await;
        let charged = charge.as_ref().ok().and_then(|(status, body)| {
            (*status == StatusCode::CREATED)
                .then(|| body["id"].as_str().map(str::to_owned))
                .flatten()
        });
        report.note(
            points::CHARGE,
            charge.and_then(|answer| self.is_new_charge(&answer)),
        );
        let Some(id) = charged else {
            return;
        };

        let repeat = self.charge(&request).await;
        report.note(
            points::REPEAT,
            repeat.and_then(|(status, body)| match (status, body["id"].as_str()) {
                (StatusCode::CREATED | StatusCode::OK, Some(again)) if again == id => Ok(()),
                _ => Err(format!("answered {status}: {body}")),
            }),
        );

        let outcome = self
            .charge_new_source(args.amount + 100, &args.order)
            .await
            .and_then(|answer| {
                refused(
                    &answer,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("amount_mismatch"),
                )
            });
        report.note(points::MISMATCH, outcome);

        let unknown = format!("conform-no-such-order-{:016x}", rand::random::<u64>());
        let outcome = self
            .charge_new_source(args.amount, &unknown)
            .await
            .and_then(|answer| refused(&answer, StatusCode::NOT_FOUND, None));
        report.note(points::UNKNOWN_ORDER, outcome);

        let outcome = self
            .charge(&json!({"order": args.order}))
            .await
            .and_then(|answer| refused(&answer, StatusCode::BAD_REQUEST, None));
        report.note(points::MALFORMED, outcome);

        let read = self.read(&id, 0).await;
        report.note(
            points::READ,
            read.and_then(|(status, body)| {
                if status == StatusCode::OK
                    && body["id"] == id.as_str()
                    && body["status"] == "pending"
                {
                    Ok(())
                } else {
                    Err(format!("answered {status}: {body}"))
                }
            }),
        );

        let outcome = self
            .read("chrg_test_conform00000000000", 0)
            .await
            .and_then(|answer| refused(&answer, StatusCode::NOT_FOUND, None));
        report.note(points::NOT_MINE, outcome);

        let started = Instant::now();
        let held = self.read(&id, 2).await;
        let elapsed = started.elapsed();
        report.note(
            points::HELD,
            held.and_then(|(status, body)| {
                if status != StatusCode::OK || body["status"] != "pending" {
                    Err(format!("answered {status}: {body}"))
                } else if elapsed < Duration::from_millis(1_500) {
                    Err(format!("answered after {elapsed:?}, not held"))
                } else {
                    Ok(())
                }
            }),
        );

        report.note(points::WOKEN, self.woken_when_paid(&id).await);

        let outcome = self
            .charge_new_source(args.amount, &args.order)
            .await
            .and_then(|answer| {
                refused(
                    &answer,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("order_paid"),
                )
            });
        report.note(points::PAID, outcome);

        // A forged or stale delivery must be refused before its body is believed: any event
        // will do for those two.
        let forged = serde_json::to_vec(&json!({
            "object": "event",
            "id": format!("evnt_test_conform{:016x}", rand::random::<u64>()),
            "key": "charge.complete",
            "data": {"object": "charge", "id": id},
        }))
        .unwrap_or_default();
        let outcome = self
            .deliver(&forged, b"not the merchant's webhook key", now_secs())
            .await
            .and_then(|answer| refused(&answer, StatusCode::UNAUTHORIZED, None));
        report.note(points::BAD_SIGNATURE, outcome);
        let outcome = self
            .deliver(&forged, &self.webhook_key, now_secs() - 3_600)
            .await
            .and_then(|answer| refused(&answer, StatusCode::UNAUTHORIZED, None));
        report.note(points::STALE, outcome);
        report.note(points::DUPLICATE, self.delivered_twice(&id).await);

        if let Some(order) = &args.redirect_order {
            report.note(points::REDIRECT, self.redirect_charge(order).await);
        }

        let still = self.read(&id, 0).await;
        report.note(
            points::STILL_PAID,
            still.and_then(|(status, body)| {
                if status == StatusCode::OK && body["status"] == "successful" {
                    Ok(())
                } else {
                    Err(format!("answered {status}: {body}"))
                }
            }),
        );
    }

    /// Charges `order` with a redirect method of the order's currency: the merchant's answer
    /// sends the customer to the gateway (`authorize_uri`), and the charge the gateway holds
    /// brings them back (`return_uri`).
    async fn redirect_charge(&self, order: &str) -> Result<(), String> {
        let params: &[(&str, &str)] = match self.args.currency.to_ascii_uppercase().as_str() {
            "THB" => &[("type", "truemoney"), ("phone_number", "0812345678")],
            "SGD" => &[("type", "grabpay")],
            other => return Err(format!("no redirect method is checked in {other}")),
        };
        let source = self.source_of(params, self.args.amount).await?;
        let (status, body) = self
            .charge(&json!({"source": source, "order": order}))
            .await?;
        let sent_to = body["authorize_uri"].as_str().unwrap_or_default();
        if status != StatusCode::CREATED || !sent_to.starts_with(&self.args.gateway) {
            return Err(format!(
                "expected 201 with an authorize_uri at the gateway; answered {status}: {body}"
            ));
        }
        let id = body["id"].as_str().unwrap_or_default();
        let (status, charge) = Self::answer(
            self.http
                .get(format!("{}/charges/{id}", self.args.gateway))
                .basic_auth(&self.args.secret_key, Some("")),
        )
        .await?;
        match charge["return_uri"].as_str() {
            Some(uri) if status.is_success() && !uri.is_empty() => Ok(()),
            _ => Err(format!(
                "the gateway's charge {id} has no return_uri ({status}): {charge}"
            )),
        }
    }

    /// Delivers the gateway's own event about charge `id` twice, signed now: both times
    /// acknowledged.
    async fn delivered_twice(&self, id: &str) -> Result<(), String> {
        let event = self.event_of(id).await?;
        let body = serde_json::to_vec(&event).unwrap_or_default();
        for _ in 0..2 {
            let (status, answer) = self.deliver(&body, &self.webhook_key, now_secs()).await?;
            if !status.is_success() {
                return Err(format!("answered {status}: {answer}"));
            }
        }
        Ok(())
    }

    /// Whether `answer` is a new pending charge of the QR method of the order's amount, with its QR.
    fn is_new_charge(&self, (status, body): &Answer) -> Result<(), String> {
        let args = self.args;
        let fits = *status == StatusCode::CREATED
            && body["status"] == "pending"
            && body["amount"] == args.amount
            && body["currency"]
                .as_str()
                .is_some_and(|c| c.eq_ignore_ascii_case(&args.currency))
            && self
                .qr_method()
                .is_ok_and(|method| body["source"]["type"] == method)
            && body["source"]["scannable_code"]["image"]["download_uri"].is_string();
        if fits {
            Ok(())
        } else {
            Err(format!(
                "expected 201 with a pending {} charge of {} {} and its QR; answered {status}: {body}",
                self.qr_method().unwrap_or("QR"),
                args.amount,
                args.currency
            ))
        }
    }

    /// Holds a reader of pending charge `id`, pays the charge as the customer's phone would,
    /// and expects the reader answered `successful` within 10 s.
    async fn woken_when_paid(&self, id: &str) -> Result<(), String> {
        let (_, copy) = self.read(id, 0).await?;
        let qr = copy["source"]["scannable_code"]["image"]["download_uri"]
            .as_str()
            .ok_or_else(|| format!("the charge has no QR to pay: {copy}"))?
            .to_owned();
        let waiting = {
            let (http, url) = (
                self.http.clone(),
                format!("{}/{id}?wait=25", self.charge_url),
            );
            tokio::spawn(async move { Self::answer(http.get(url)).await })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        let paid_at = Instant::now();
        let (status, _) = Self::answer(
            self.http
                .post(format!("{qr}/simulate"))
                .form(&[("decision", "succeed")]),
        )
        .await?;
        if !status.is_success() {
            return Err(format!("the sandbox did not pay the charge ({status})"));
        }
        let (status, body) = waiting
            .await
            .map_err(|error| format!("the reader stopped: {error}"))??;
        let took = paid_at.elapsed();
        if status != StatusCode::OK || body["status"] != "successful" {
            Err(format!("answered {status}: {body}"))
        } else if took > Duration::from_secs(10) {
            Err(format!("told {took:?} after the payment"))
        } else {
            Ok(())
        }
    }
}

/// Whether `answer` is a refusal with `status` in the contract's error object (with `code`,
/// when one is named).
fn refused((got, body): &Answer, status: StatusCode, code: Option<&str>) -> Result<(), String> {
    let error_object = body["object"] == "error"
        && body["code"].is_string()
        && body["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty());
    let code_fits = code.is_none_or(|code| body["code"] == code);
    if *got == status && error_object && code_fits {
        Ok(())
    } else {
        Err(format!(
            "expected {status}{} in the error object {{\"object\": \"error\", \"code\", \"message\"}}; answered {got}: {body}",
            code.map(|code| format!(" {code}")).unwrap_or_default()
        ))
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}
