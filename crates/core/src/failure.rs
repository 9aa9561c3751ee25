//! The seeds' failure codes (`charge.failure_code`): one enum, from which the gateway's message
//! ([`FailureCode::message`]), the customer's sentence (`i18n::failure_reason`) and the
//! cashier's advice (the widget's cashier words) all come, each by an exhaustive `match`, so a
//! new code cannot be left without words. On the wire the code stays text.

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
            SourceType::Promptpay => &[FailedProcessing, InsufficientBalance, PaymentCancelled],
            SourceType::WechatPayUpm => &[
                PaymentExpired,
                PaymentRejected,
                InvalidAccount,
                InsufficientFund,
                FailedProcessing,
            ],
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
}
