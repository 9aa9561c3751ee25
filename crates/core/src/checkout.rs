//! The checkout's own model of a payment, whatever the gateway: what the widget shows, what
//! `onComplete` hands the merchant's page, what the merchant contract (`POST {chargeUrl}`,
//! `GET {chargeUrl}/{id}`) answers and what the merchant library records.
//!
//! Each gateway's wire objects convert to it at one boundary: Omise's charge in
//! [`crate::omise`], WooshPay's PaymentIntent in [`crate::wooshpay`].
//!
//! Its JSON is the merchant contract, and merchants' pages already read it, so it keeps the
//! names it was published with, which are those of an Omise charge (`authorize_uri`,
//! `source.type`, `source.scannable_code.image.download_uri`): a merchant server on Omise may
//! also answer with the whole charge. Code reads the payment through [`Payment::next_step`]
//! and [`Payment::failure`] rather than those names.

use crate::failure::FailureCode;
use crate::method::Flow;
use crate::money::{Amount, Currency};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

open_enum! {
    /// Where a payment is.
    pub enum Status {
        /// Waiting for the customer (or the cashier's scan).
        Pending = "pending",
        /// Paid.
        Successful = "successful",
        /// Declined; see [`Payment::failure`].
        Failed = "failed",
        /// Not paid in time, or given up.
        Expired = "expired",
        /// Reversed (voided) after authorisation.
        Reversed = "reversed",
    }
}

impl Status {
    /// Whether the status can never change again. A status this version does not know is
    /// not: a new server status must never end a customer's payment.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Status::Successful | Status::Failed | Status::Expired | Status::Reversed
        )
    }
}

/// A payment as the checkout knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// The gateway's id (`chrg_...`, `pi_...`).
    pub id: String,
    /// Where it is.
    pub status: Status,
    /// In the smallest currency unit.
    pub amount: Amount,
    /// Currency code.
    pub currency: Currency,
    /// The gateway's page to send the customer to, while the customer must act there.
    pub authorize_uri: Option<String>,
    /// When a pending payment expires, where the gateway says.
    pub expires_at: Option<Timestamp>,
    /// When it was paid (the receipt's date and time), where the gateway says.
    pub paid_at: Option<Timestamp>,
    /// Why it failed, as the gateway's code (read it with [`Payment::failure`]); text on the
    /// wire, so that a code this version does not know reaches the merchant as it came.
    pub failure_code: Option<String>,
    /// The gateway's sentence about why it failed.
    pub failure_message: Option<String>,
    /// How it is paid.
    pub source: Source,
}

/// How a payment is paid: the method and what the customer does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The method's name at its gateway (kept as text: a newer method must not break the
    /// widget).
    #[serde(rename = "type")]
    pub source_type: String,
    /// How the customer authorises it.
    pub flow: Flow,
    /// The QR the customer scans, for methods that show one.
    pub scannable_code: Option<Code>,
}

/// A code the customer scans, reduced to its image link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Code {
    /// The image.
    pub image: Image,
}

/// An image link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Where the image is downloaded.
    pub download_uri: String,
}

/// What the customer does next for a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep<'a> {
    /// Go to the gateway's page (or app) at this address.
    Redirect(&'a str),
    /// Scan this QR image (its address), while the checkout waits.
    ShowQr(&'a str),
    /// Nothing to show: wait for the gateway (a cashier's scan, a payment being processed).
    Wait,
    /// Nothing: the payment has ended.
    Done,
    /// The gateway asks the customer to go to its page but gave no address: the answer is
    /// broken.
    Missing,
}

impl Payment {
    /// What the customer does next.
    pub fn next_step(&self) -> NextStep<'_> {
        if self.status.is_terminal() {
            return NextStep::Done;
        }
        match self.source.flow {
            Flow::AppRedirect | Flow::Redirect => match &self.authorize_uri {
                Some(uri) => NextStep::Redirect(uri),
                None => NextStep::Missing,
            },
            Flow::Offline => match &self.source.scannable_code {
                Some(code) => NextStep::ShowQr(&code.image.download_uri),
                None => NextStep::Wait,
            },
        }
    }

    /// Why it failed, typed: `None` unless it failed with a code; a code this version does not
    /// know is [`FailureCode::Unknown`].
    pub fn failure(&self) -> Option<FailureCode> {
        self.failure_code.as_deref().map(FailureCode::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn payment(status: &str, flow: &str, extra: Value) -> Payment {
        let mut body = json!({
            "id": "chrg_test_1", "status": status, "amount": 129000, "currency": "THB",
            "authorize_uri": null, "expires_at": null, "paid_at": null,
            "failure_code": null, "failure_message": null,
            "source": {"type": "promptpay", "flow": flow, "scannable_code": null}
        });
        let fields = body.as_object_mut().unwrap();
        for (key, value) in extra.as_object().unwrap() {
            fields.insert(key.clone(), value.clone());
        }
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn statuses_round_trip_and_an_unknown_one_keeps_the_customer_waiting() {
        for name in [
            "pending",
            "successful",
            "failed",
            "expired",
            "reversed",
            "disputed",
        ] {
            let status: Status = serde_json::from_value(Value::from(name)).unwrap();
            assert_eq!(serde_json::to_value(&status).unwrap(), Value::from(name));
        }
        assert!(!Status::Pending.is_terminal());
        assert!(Status::Expired.is_terminal());
        assert!(!Status::parse("authorizing").is_terminal());
    }

    #[test]
    fn the_next_step_follows_the_flow_and_ends_with_the_payment() {
        let qr = json!({"source": {"type": "promptpay", "flow": "offline",
            "scannable_code": {"image": {"download_uri": "https://gw/qr.svg"}}}});
        assert_eq!(
            payment("pending", "offline", qr.clone()).next_step(),
            NextStep::ShowQr("https://gw/qr.svg")
        );
        assert_eq!(
            payment("pending", "offline", json!({})).next_step(),
            NextStep::Wait
        );
        assert_eq!(
            payment("successful", "offline", qr).next_step(),
            NextStep::Done
        );
        let uri = json!({"authorize_uri": "https://gw/pay"});
        assert_eq!(
            payment("pending", "app_redirect", uri).next_step(),
            NextStep::Redirect("https://gw/pay")
        );
        assert_eq!(
            payment("pending", "redirect", json!({})).next_step(),
            NextStep::Missing
        );
    }

    #[test]
    fn a_failure_is_typed_and_an_unknown_code_is_kept_as_it_came() {
        let failed = payment(
            "failed",
            "offline",
            json!({"failure_code": "insufficient_balance"}),
        );
        assert_eq!(failed.failure(), Some(FailureCode::InsufficientBalance));
        let newer = payment("failed", "offline", json!({"failure_code": "card_lost"}));
        assert_eq!(newer.failure(), Some(FailureCode::Unknown));
        assert_eq!(
            serde_json::to_value(&newer).unwrap()["failure_code"],
            "card_lost"
        );
        assert_eq!(payment("pending", "offline", json!({})).failure(), None);
    }
}
