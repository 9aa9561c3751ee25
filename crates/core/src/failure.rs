//! The seeds' failure codes (`charge.failure_code`): one enum, from which the gateway's message
//! ([`FailureCode::message`]), the customer's sentence (`i18n::failure_reason`) and the
//! cashier's advice (the widget's cashier words) all come, each by an exhaustive `match`, so a
//! new code cannot be left without words.
//!
//! A gateway's object carries the code as [`ReportedFailure`], an open enum that keeps a newer
//! gateway's text. [`FailureCode`] itself keeps none, which makes it `Copy`: the widget, which
//! only needs the customer's sentence, is 0.2 KB lighter for it.

/// Why a charge failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureCode {
    /// The customer did not pay before the charge expired (seed 003).
    PaymentExpired,
    /// The provider or the customer's wallet declined it (seeds 000, 001, 003).
    PaymentRejected,
    /// The customer cancelled in the app (seed 001).
    PaymentCancelled,
    /// The provider could not process it (seeds 001, 003).
    FailedProcessing,
    /// The customer's account cannot make this payment (seed 003).
    InvalidAccount,
    /// Not enough money in the wallet (seed 003's spelling).
    InsufficientFund,
    /// Not enough money in the wallet (seed 001's spelling).
    InsufficientBalance,
    /// The customer did not confirm in time (seed 001).
    Timeout,
    /// A code this version does not know (a newer gateway's): the charge keeps its text; a
    /// unit arm keeps the enum `Copy`, which the widget's weight prefers (0.2 KB less).
    Unknown,
}

impl FailureCode {
    /// Every code the seeds name.
    pub const KNOWN: [FailureCode; 8] = [
        FailureCode::PaymentExpired,
        FailureCode::PaymentRejected,
        FailureCode::PaymentCancelled,
        FailureCode::FailedProcessing,
        FailureCode::InvalidAccount,
        FailureCode::InsufficientFund,
        FailureCode::InsufficientBalance,
        FailureCode::Timeout,
    ];

    /// The codes a charge of `method` may fail with, as its seed lists them (the test-mode
    /// dashboard offers these).
    pub fn of_method(method: crate::method::SourceType) -> &'static [FailureCode] {
        use crate::method::SourceType;
        use FailureCode::*;
        match method {
            SourceType::AlipayCn => &[
                PaymentExpired,
                PaymentRejected,
                FailedProcessing,
                InvalidAccount,
                InsufficientFund,
            ],
            SourceType::BarcodeAlipay => &[
                PaymentCancelled,
                FailedProcessing,
                InsufficientBalance,
                PaymentRejected,
                Timeout,
            ],
            // PayNow is a bank transfer, as PromptPay is: its failures are taken to be
            // PromptPay's until Opn's are found (docs/methods.md).
            SourceType::Promptpay | SourceType::Paynow => {
                &[FailedProcessing, InsufficientBalance, PaymentCancelled]
            }
            SourceType::WechatPayUpm => &[
                PaymentExpired,
                PaymentRejected,
                InvalidAccount,
                InsufficientFund,
                FailedProcessing,
            ],
            // Opn's pages stored here do not list these methods' codes: a QR paid from an app
            // fails as PromptPay's does, a wallet or bank app as Alipay CN's (docs/methods.md).
            #[cfg(feature = "gateway-methods")]
            SourceType::GatewayOnly(other) => match other.flow() {
                crate::method::Flow::Offline => Self::of_method(SourceType::Promptpay),
                _ => Self::of_method(SourceType::AlipayCn),
            },
        }
    }

    /// The code for its API name; an unknown name is [`FailureCode::Unknown`].
    pub fn parse(code: &str) -> Self {
        // A match, not a search of KNOWN: the widget carries this, and the search costs it 0.3 KB.
        match code {
            "payment_expired" => FailureCode::PaymentExpired,
            "payment_rejected" => FailureCode::PaymentRejected,
            "payment_cancelled" => FailureCode::PaymentCancelled,
            "failed_processing" => FailureCode::FailedProcessing,
            "invalid_account" => FailureCode::InvalidAccount,
            "insufficient_fund" => FailureCode::InsufficientFund,
            "insufficient_balance" => FailureCode::InsufficientBalance,
            "timeout" => FailureCode::Timeout,
            _ => FailureCode::Unknown,
        }
    }

    /// The API name (`payment_rejected`, ...); `unknown` for [`FailureCode::Unknown`].
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCode::PaymentExpired => "payment_expired",
            FailureCode::PaymentRejected => "payment_rejected",
            FailureCode::PaymentCancelled => "payment_cancelled",
            FailureCode::FailedProcessing => "failed_processing",
            FailureCode::InvalidAccount => "invalid_account",
            FailureCode::InsufficientFund => "insufficient_fund",
            FailureCode::InsufficientBalance => "insufficient_balance",
            FailureCode::Timeout => "timeout",
            FailureCode::Unknown => "unknown",
        }
    }

    /// The gateway's sentence for it (the charge's `failure_message`).
    pub fn message(self) -> &'static str {
        match self {
            FailureCode::PaymentExpired => "the payment expired before the customer completed it",
            FailureCode::PaymentRejected => "the payment was rejected by the provider",
            FailureCode::PaymentCancelled => "the customer cancelled the payment",
            FailureCode::FailedProcessing => "the payment could not be processed",
            FailureCode::InvalidAccount => "the customer's account cannot make this payment",
            FailureCode::InsufficientFund | FailureCode::InsufficientBalance => {
                "the customer's balance is insufficient"
            }
            FailureCode::Timeout => "the customer did not confirm the payment in time",
            FailureCode::Unknown => "the payment failed",
        }
    }
}

/// A failure code as a gateway's object carries it (Omise's `failure_code`): one this version
/// knows, or a newer gateway's, kept as it came. On the wire it is the bare text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportedFailure {
    /// A code of [`FailureCode::KNOWN`] (never [`FailureCode::Unknown`]: [`ReportedFailure::parse`]
    /// and the conversion from a code make that `Unknown` text).
    Known(FailureCode),
    /// A code this version does not know.
    Unknown(String),
}

impl ReportedFailure {
    /// The code for its API text.
    pub fn parse(text: &str) -> Self {
        match FailureCode::parse(text) {
            FailureCode::Unknown => Self::Unknown(text.to_owned()),
            known => Self::Known(known),
        }
    }

    /// The code, for its words: [`FailureCode::Unknown`] for text this version does not know.
    pub fn code(&self) -> FailureCode {
        match self {
            Self::Known(code) => *code,
            Self::Unknown(_) => FailureCode::Unknown,
        }
    }

    /// The API's text for it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Known(code) => code.as_str(),
            Self::Unknown(text) => text,
        }
    }
}

impl From<FailureCode> for ReportedFailure {
    fn from(code: FailureCode) -> Self {
        Self::parse(code.as_str())
    }
}

impl std::fmt::Display for ReportedFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ReportedFailure {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ReportedFailure {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_reads_back_and_an_unknown_one_is_kept() {
        for code in FailureCode::KNOWN {
            assert_eq!(FailureCode::parse(code.as_str()), code);
            assert_ne!(
                code.message(),
                "the payment failed",
                "{code:?} has its own sentence"
            );
        }
        assert_eq!(FailureCode::parse("card_lost"), FailureCode::Unknown);
        assert_eq!(FailureCode::Unknown.message(), "the payment failed");
    }

    #[test]
    fn a_reported_code_is_typed_and_a_newer_gateways_text_is_kept() {
        for code in FailureCode::KNOWN {
            let reported: ReportedFailure =
                serde_json::from_value(serde_json::json!(code.as_str())).unwrap();
            assert_eq!(reported, ReportedFailure::Known(code));
            assert_eq!(ReportedFailure::from(code), reported);
            assert_eq!(serde_json::to_value(&reported).unwrap(), code.as_str());
        }
        let newer: ReportedFailure =
            serde_json::from_value(serde_json::json!("card_lost")).unwrap();
        assert_eq!(newer, ReportedFailure::Unknown("card_lost".into()));
        assert_eq!(newer.code(), FailureCode::Unknown);
        assert_eq!(serde_json::to_value(&newer).unwrap(), "card_lost");
        assert_eq!(
            ReportedFailure::from(FailureCode::Unknown),
            ReportedFailure::Unknown("unknown".into())
        );
    }
}
