//! WooshPay (seed 004): its API objects ([`objects`]), which payments its Alipay takes, and a
//! PaymentIntent's client-safe view (what a browser may read with the publishable key and the
//! client secret) as the checkout's [`Payment`]: its one boundary
//! with the model.

use crate::checkout::{Payment, Source, Status};
use crate::method::Flow;
use crate::money::{Amount, Currency};
use crate::platform::PlatformType;
use serde::Deserialize;

pub mod objects;

pub use objects::{NextAction, OsType, PaymentErrorCode, PaymentIntentStatus, TerminalType};

/// Which payments WooshPay's Alipay takes, as the method registry says.
pub use crate::method::{wooshpay_accepts as accepts, WOOSHPAY_CURRENCIES as CURRENCIES};

/// `payment_method_options.alipay.terminal_type` and `os_type` for the customer's platform:
/// a QR on the web, the Alipay app on phones.
pub fn terminal(platform: PlatformType) -> (TerminalType, Option<OsType>) {
    let (terminal_type, os_type) = terminal_names(platform);
    (
        TerminalType::parse(terminal_type),
        os_type.map(OsType::parse),
    )
}

/// [`terminal`]'s wire names, for the widget: the open enums' `as_str` would cost the checkout
/// 0.2 KB gzip to write the same text.
pub fn terminal_names(platform: PlatformType) -> (&'static str, Option<&'static str>) {
    match platform {
        PlatformType::Web => ("WEB", None),
        PlatformType::Ios => ("APP", Some("IOS")),
        PlatformType::Android => ("APP", Some("ANDROID")),
    }
}

/// The fields of a PaymentIntent's client-safe view the widget reads, and no others: each
/// field read is code in the customer's download ([`objects::PaymentIntent`] is the whole).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PaymentIntentView {
    /// `pi_...`.
    pub id: String,
    /// Where it is.
    pub status: PaymentIntentStatus,
    /// Smallest currency unit.
    pub amount: Amount,
    /// Upper-case code, as text: read as a [`Currency`] by [`PaymentIntentView::to_payment`]
    /// (serde's reading of it costs the checkout 0.4 KB gzip more).
    pub currency: String,
    /// Where Alipay is, while the customer must act.
    #[serde(default)]
    pub next_action: Option<ActionView>,
    /// Why the last attempt failed.
    #[serde(default)]
    pub last_payment_error: Option<ErrorView>,
}

/// `next_action`, as the widget reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ActionView {
    /// Alipay's page.
    #[serde(default)]
    pub alipay_handle_redirect: Option<objects::RedirectTo>,
}

/// `last_payment_error`, as the widget reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ErrorView {
    /// The gateway's sentence.
    #[serde(default)]
    pub message: String,
}

impl PaymentIntentView {
    /// Where to send the customer, if anywhere.
    pub fn redirect_url(&self) -> Option<&str> {
        self.next_action
            .as_ref()?
            .alipay_handle_redirect
            .as_ref()
            .map(|to| to.url.as_str())
    }

    /// The payment: `succeeded` is successful; a failed attempt (back to
    /// `requires_payment_method` with an error) is failed, with the error code's failure code
    /// (whose sentence the customer reads in their language); `canceled` ends like an expiry;
    /// everything else, a status this version does not know too, is still pending.
    pub fn to_payment(&self) -> Result<Payment, crate::Error> {
        Ok(self.payment_in(Currency::parse(&self.currency)?))
    }

    /// [`PaymentIntentView::to_payment`], its currency read.
    fn payment_in(&self, currency: Currency) -> Payment {
        let failure = match (&self.status, &self.last_payment_error) {
            (PaymentIntentStatus::RequiresPaymentMethod, Some(error)) => Some(error),
            _ => None,
        };
        let status = match &self.status {
            PaymentIntentStatus::Succeeded => Status::Successful,
            PaymentIntentStatus::Canceled => Status::Expired,
            _ if failure.is_some() => Status::Failed,
            _ => Status::Pending,
        };
        Payment {
            id: self.id.clone(),
            status,
            amount: self.amount,
            currency,
            authorize_uri: self.redirect_url().map(str::to_owned),
            expires_at: None,
            paid_at: None,
            // Every WooshPay error code is a rejection to the customer
            // (`PaymentErrorCode::failure_code`), so the view does not read the code: parsing
            // it would cost the checkout 0.7 KB gzip to reach the same sentence.
            failure_code: failure.map(|_| {
                PaymentErrorCode::PaymentAttemptFailed
                    .failure_code()
                    .as_str()
                    .to_owned()
            }),
            failure_message: failure.map(|error| error.message.clone()),
            source: Source {
                source_type: crate::method::GatewayKind::Wooshpay
                    .method_name(crate::method::SourceType::AlipayCn)
                    .into(),
                flow: Flow::AppRedirect,
                scannable_code: None,
            },
        }
    }
}

/// The fields the widget reads, of the whole PaymentIntent the merchant's server holds.
impl From<&objects::PaymentIntent> for PaymentIntentView {
    fn from(intent: &objects::PaymentIntent) -> Self {
        Self {
            id: intent.id.to_string(),
            status: intent.status.clone(),
            amount: intent.amount,
            currency: intent.currency.to_string(),
            next_action: intent.next_action.as_ref().map(|action| ActionView {
                alipay_handle_redirect: action.alipay_handle_redirect.clone(),
            }),
            last_payment_error: intent.last_payment_error.as_ref().map(|error| ErrorView {
                message: error.message.clone(),
            }),
        }
    }
}

/// The payment the widget would show for it ([`PaymentIntentView::to_payment`]): what the
/// merchant's server keeps as its copy.
impl From<&objects::PaymentIntent> for Payment {
    fn from(intent: &objects::PaymentIntent) -> Self {
        PaymentIntentView::from(intent).payment_in(intent.currency.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(json: &str) -> PaymentIntentView {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn statuses_map_to_the_checkouts_outcomes() {
        let base = r#""id":"pi_1","amount":20,"currency":"CNY""#;
        let charge = |rest: &str| view(&format!("{{{base},{rest}}}")).to_payment().unwrap();
        assert_eq!(charge(r#""status":"succeeded""#).status, Status::Successful);
        assert_eq!(charge(r#""status":"canceled""#).status, Status::Expired);
        assert_eq!(charge(r#""status":"processing""#).status, Status::Pending);
        assert_eq!(
            charge(r#""status":"requires_payment_method""#).status,
            Status::Pending
        );
        let failed = charge(
            r#""status":"requires_payment_method","last_payment_error":{"type":"invalid_request_error","code":"payment_intent_payment_attempt_failed","message":"declined"}"#,
        );
        assert_eq!(
            (
                failed.status,
                failed.failure_code.as_deref(),
                failed.failure_message.as_deref()
            ),
            (Status::Failed, Some("payment_rejected"), Some("declined"))
        );
        // A status a newer gateway adds keeps the customer waiting, never ends the payment.
        assert_eq!(
            charge(r#""status":"requires_capture""#).status,
            Status::Pending
        );
        let waiting = charge(
            r#""status":"requires_action","next_action":{"type":"redirect_to_url","alipay_handle_redirect":{"url":"https://x/y"}}"#,
        );
        assert_eq!(waiting.authorize_uri.as_deref(), Some("https://x/y"));
    }

    #[test]
    fn currencies_and_minimum_follow_the_seed() {
        assert!(accepts(Amount(1), &Currency::parse("cny").unwrap()));
        assert!(!accepts(Amount(0), &Currency::parse("CNY").unwrap()));
        assert!(!accepts(Amount(100), &Currency::parse("THB").unwrap()));
        assert_eq!(
            terminal(PlatformType::Android),
            (TerminalType::App, Some(OsType::Android))
        );
        assert_eq!(terminal(PlatformType::Web), (TerminalType::Web, None));
        for platform in [PlatformType::Web, PlatformType::Ios, PlatformType::Android] {
            let (terminal_type, os_type) = terminal(platform);
            assert!(terminal_type.is_known() && os_type.is_none_or(|os| os.is_known()));
        }
    }
}
