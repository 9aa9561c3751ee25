//! WooshPay (seed 004) as the widget meets it: which payments its Alipay takes, and a
//! PaymentIntent's client-safe view (what a browser may read with the publishable key and the
//! client secret) turned into the checkout's own charge model, so one flow serves both
//! gateways.

use crate::money::{Amount, Currency};
use crate::objects::{ChargeStatus, CheckoutCharge, CheckoutSource, Flow, PlatformType};
use serde::Deserialize;

/// The currencies seed 004 lists for Alipay.
pub const CURRENCIES: [&str; 5] = ["CNY", "GBP", "USD", "EUR", "HKD"];

/// Whether WooshPay's Alipay takes `amount` in `currency` (at least 0.01, no maximum).
pub fn accepts(amount: Amount, currency: &Currency) -> bool {
    amount.0 >= 1 && CURRENCIES.contains(&currency.as_str())
}

/// `payment_method_options.alipay.terminal_type` and `os_type` for the customer's platform:
/// a QR on the web, the Alipay app on phones.
pub fn terminal(platform: PlatformType) -> (&'static str, Option<&'static str>) {
    match platform {
        PlatformType::Web => ("WEB", None),
        PlatformType::Ios => ("APP", Some("IOS")),
        PlatformType::Android => ("APP", Some("ANDROID")),
    }
}

/// The fields of a PaymentIntent the widget reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PaymentIntentView {
    /// `pi_...`.
    pub id: String,
    /// `requires_action`, `succeeded`, ...
    pub status: String,
    /// Smallest currency unit.
    pub amount: i64,
    /// Upper-case code.
    pub currency: String,
    /// Where Alipay is, while the customer must act.
    #[serde(default)]
    pub next_action: Option<NextAction>,
    /// Why the last attempt failed.
    #[serde(default)]
    pub last_payment_error: Option<PaymentError>,
}

/// `next_action`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NextAction {
    /// `alipay_handle_redirect`.
    #[serde(default)]
    pub alipay_handle_redirect: Option<RedirectTo>,
}

/// `alipay_handle_redirect`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RedirectTo {
    /// Alipay's page (a QR on the web, the app on phones).
    pub url: String,
}

/// `last_payment_error`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PaymentError {
    /// A sentence for people.
    #[serde(default)]
    pub message: Option<String>,
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

    /// The checkout's view: `succeeded` is successful; a failed attempt (back to
    /// `requires_payment_method` with an error) is failed; `canceled` ends like an expiry;
    /// everything else is still pending.
    pub fn to_checkout_charge(&self) -> Result<CheckoutCharge, crate::Error> {
        let failed = self.status == "requires_payment_method" && self.last_payment_error.is_some();
        let status = match self.status.as_str() {
            "succeeded" => ChargeStatus::Successful,
            "canceled" => ChargeStatus::Expired,
            _ if failed => ChargeStatus::Failed,
            _ => ChargeStatus::Pending,
        };
        Ok(CheckoutCharge {
            id: self.id.clone(),
            status,
            amount: Amount(self.amount),
            currency: Currency::parse(&self.currency)?,
            authorize_uri: self.redirect_url().map(str::to_owned),
            expires_at: None,
            paid_at: None,
            failure_code: failed.then(|| "payment_rejected".to_owned()),
            failure_message: self
                .last_payment_error
                .as_ref()
                .filter(|_| failed)
                .and_then(|error| error.message.clone()),
            source: CheckoutSource {
                source_type: crate::method::GatewayKind::Wooshpay
                    .method_name(crate::method::SourceType::AlipayCn)
                    .into(),
                flow: Flow::AppRedirect,
                scannable_code: None,
            },
        })
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
        let charge = |rest: &str| {
            view(&format!("{{{base},{rest}}}"))
                .to_checkout_charge()
                .unwrap()
        };
        assert_eq!(
            charge(r#""status":"succeeded""#).status,
            ChargeStatus::Successful
        );
        assert_eq!(
            charge(r#""status":"canceled""#).status,
            ChargeStatus::Expired
        );
        assert_eq!(
            charge(r#""status":"processing""#).status,
            ChargeStatus::Pending
        );
        assert_eq!(
            charge(r#""status":"requires_payment_method""#).status,
            ChargeStatus::Pending
        );
        let failed = charge(
            r#""status":"requires_payment_method","last_payment_error":{"message":"declined"}"#,
        );
        assert_eq!(
            (failed.status, failed.failure_message.as_deref()),
            (ChargeStatus::Failed, Some("declined"))
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
        assert_eq!(terminal(PlatformType::Android), ("APP", Some("ANDROID")));
        assert_eq!(terminal(PlatformType::Web), ("WEB", None));
    }
}
