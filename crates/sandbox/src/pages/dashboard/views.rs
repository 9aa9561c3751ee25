//! What the dashboard's templates show, made from the gateway's objects: the text of each
//! field, ready to print (the templates escape it).

use super::deliveries::EventRow;
use super::times::when;
use super::Filter;
use askama::Template;
use paywasm_core::failure::FailureCode;
use paywasm_core::method::Flow;
use paywasm_core::method::SourceType;
use paywasm_core::omise::objects::{Charge, ChargeStatus};

/// The statuses a charge has, as the list filters them.
pub(crate) const STATUSES: &[&str] = &["pending", "successful", "failed", "expired"];

/// The methods a charge may be of: the API's name and the one people read.
pub(crate) fn methods() -> Vec<(&'static str, String)> {
    SourceType::served()
        .map(|method| (method.as_str(), method_label(method)))
        .collect()
}

/// `Alipay (alipay_cn)`: two methods share a name.
fn method_label(method: SourceType) -> String {
    format!("{} ({})", method.method().display_name, method.as_str())
}

/// The sign-in form.
#[derive(Template)]
#[template(path = "dashboard/sign_in.html")]
pub(crate) struct SignIn {
    pub(crate) problem: Option<String>,
}

/// A page that names what was not found.
#[derive(Template)]
#[template(path = "dashboard/missing.html")]
pub(crate) struct Missing {
    pub(crate) problem: String,
}

/// The charges list.
#[derive(Template)]
#[template(path = "dashboard/charges.html")]
pub(crate) struct Charges {
    pub(crate) rows: Vec<Row>,
    pub(crate) filter: Filter,
    pub(crate) problem: Option<String>,
    pub(crate) statuses: &'static [&'static str],
    pub(crate) methods: Vec<(&'static str, String)>,
}

/// One charge in the list.
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) created: String,
    pub(crate) order: String,
    pub(crate) method: String,
    pub(crate) amount: String,
    pub(crate) status: String,
}

fn order_of(charge: &Charge) -> String {
    charge
        .metadata
        .get("order_id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("—")
        .to_owned()
}

impl Row {
    pub(crate) fn of(charge: &Charge) -> Self {
        Self {
            id: charge.id.to_string(),
            created: when(charge.created_at),
            order: order_of(charge),
            method: method_label(charge.source.source_type),
            amount: charge.currency.display(charge.amount),
            status: charge.status.as_str().to_owned(),
        }
    }
}

/// A charge as its page shows it.
pub(crate) struct ChargeView {
    pub(crate) id: String,
    pub(crate) status: String,
    pub(crate) amount: String,
    pub(crate) refunded: Option<String>,
    pub(crate) method: String,
    pub(crate) source_id: String,
    pub(crate) created: String,
    pub(crate) expires: Option<String>,
    pub(crate) paid: Option<String>,
    pub(crate) failure: Option<String>,
    pub(crate) order: String,
    pub(crate) metadata: Vec<(String, String)>,
    /// The QR image's address, while the charge can be paid by it.
    pub(crate) qr: Option<String>,
    pub(crate) pending: bool,
    pub(crate) expirable: bool,
    pub(crate) refundable: bool,
    pub(crate) not_refundable_why: String,
    pub(crate) currency: String,
    /// What remains to refund, in the currency's units.
    pub(crate) remaining: String,
}

/// One refund of a charge.
pub(crate) struct RefundRow {
    pub(crate) id: String,
    pub(crate) created: String,
    pub(crate) amount: String,
}

/// A charge's page.
#[derive(Template)]
#[template(path = "dashboard/charge.html")]
pub(crate) struct ChargePage {
    pub(crate) charge: ChargeView,
    pub(crate) events: Vec<EventRow>,
    /// Where **Resend** returns to: this page.
    pub(crate) back: &'static str,
    pub(crate) refunds: Vec<RefundRow>,
    /// Its method's failure codes, with the gateway's sentence for each.
    pub(crate) failure_codes: Vec<(&'static str, &'static str)>,
    pub(crate) done: Option<String>,
    pub(crate) problem: Option<String>,
}

impl ChargePage {
    pub(crate) fn of(
        charge: &Charge,
        events: Vec<EventRow>,
        done: Option<String>,
        problem: Option<String>,
    ) -> Self {
        let pending = charge.status == ChargeStatus::Pending;
        let remaining = paywasm_core::money::Amount(charge.amount.0 - charge.refunded_amount.0);
        let refundable = charge.status == ChargeStatus::Successful && charge.refundable;
        let method = charge.source.source_type;
        let not_refundable_why = if remaining.0 <= 0 {
            "it is refunded in full".to_owned()
        } else if crate::gateway::charges::refund_window_secs(method).is_none() {
            format!(
                "{} payments cannot be refunded through the gateway",
                method.method().display_name
            )
        } else {
            "its refund window has passed".to_owned()
        };
        let view = ChargeView {
            id: charge.id.to_string(),
            status: charge.status.as_str().to_owned(),
            amount: charge.currency.display(charge.amount),
            refunded: (charge.refunded_amount.0 > 0)
                .then(|| charge.currency.display(charge.refunded_amount)),
            method: method_label(charge.source.source_type),
            source_id: charge.source.id.to_string(),
            created: when(charge.created_at),
            expires: charge.expires_at.map(when),
            paid: charge.paid_at.map(when),
            failure: charge.failure_code.as_ref().map(|code| {
                format!(
                    "{code}: {}",
                    charge.failure_message.as_deref().unwrap_or_default()
                )
            }),
            order: order_of(charge),
            metadata: metadata_rows(&charge.metadata),
            qr: charge
                .source
                .scannable_code
                .as_ref()
                .filter(|_| pending)
                .map(|code| code.image.download_uri.clone()),
            pending,
            expirable: pending && charge.source.flow == Flow::Offline,
            refundable,
            not_refundable_why,
            currency: charge.currency.as_str().to_owned(),
            remaining: charge.currency.format_decimal(remaining),
        };
        let refunds = charge
            .refunds
            .data
            .iter()
            .map(|refund| RefundRow {
                id: refund.id.to_string(),
                created: when(refund.created_at),
                amount: refund.currency.display(refund.amount),
            })
            .collect();
        Self {
            charge: view,
            events,
            back: "charge",
            refunds,
            failure_codes: FailureCode::of_method(charge.source.source_type)
                .iter()
                .map(|code| (code.as_str(), code.message()))
                .collect(),
            done,
            problem,
        }
    }
}

/// The newest events, each with its delivery attempts.
#[derive(Template)]
#[template(path = "dashboard/events.html")]
pub(crate) struct Events {
    pub(crate) events: Vec<EventRow>,
    /// Where **Resend** returns to: this page.
    pub(crate) back: &'static str,
    /// The event keys to filter by, and the one chosen.
    pub(crate) keys: Vec<String>,
    pub(crate) key: String,
    pub(crate) done: Option<&'static str>,
    pub(crate) problem: Option<&'static str>,
}

/// The last requests the gateway answered.
#[derive(Template)]
#[template(path = "dashboard/requests.html")]
pub(crate) struct Requests {
    pub(crate) rows: Vec<RequestRow>,
    pub(crate) filter: super::RequestsFilter,
    pub(crate) problem: Option<&'static str>,
    pub(crate) capacity: usize,
}

/// One request, as the Requests page shows it.
pub(crate) struct RequestRow {
    pub(crate) at: String,
    pub(crate) api: &'static str,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) key: &'static str,
    pub(crate) status: u16,
    /// `successful` for 2xx and 3xx, `failed` otherwise, for its colour.
    pub(crate) tone: &'static str,
    pub(crate) idempotency_key: String,
    pub(crate) took: String,
    pub(crate) excerpt: String,
}

impl RequestRow {
    pub(crate) fn of(logged: crate::api::request_log::Logged) -> Self {
        Self {
            at: format!(
                "{}.{:03}",
                when(paywasm_core::time::Timestamp(
                    logged.at_ms.div_euclid(1_000)
                )),
                logged.at_ms.rem_euclid(1_000)
            ),
            api: logged.api,
            method: logged.method,
            path: logged.path,
            key: logged.key,
            status: logged.status,
            tone: if logged.status < 400 {
                "successful"
            } else {
                "failed"
            },
            idempotency_key: logged.idempotency_key.unwrap_or_else(|| "—".to_owned()),
            took: format!("{} ms", logged.took_ms),
            excerpt: logged.excerpt,
        }
    }
}

/// What a successful action's page says (`?done=`), for the actions the dashboard has.
pub(crate) fn done_sentence(done: &str) -> Option<&'static str> {
    match done {
        "paid" => Some("Marked as paid. The merchant's webhook endpoint is told."),
        "failed" => Some("Marked as failed. The merchant's webhook endpoint is told."),
        "expired" => Some("Expired. The merchant's webhook endpoint is told."),
        "refunded" => Some("Refunded. The merchant's webhook endpoint is told."),
        "resent" => Some("Sent again to the merchant's webhook endpoint."),
        _ => None,
    }
}

/// An object's metadata as its page lists it: each key, and its value as text (a string as
/// it is, anything else as JSON).
pub(crate) fn metadata_rows(
    metadata: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(String, String)> {
    metadata
        .iter()
        .map(|(key, value)| {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            (key.clone(), text)
        })
        .collect()
}

/// Why an API refused an action, for the page.
pub(crate) fn refusal_sentence(refused: &impl std::fmt::Display) -> String {
    format!("Refused: {refused}.")
}
