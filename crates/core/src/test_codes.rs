//! The sandbox's in-store test codes, the way card test numbers work: the customer's payment
//! code decides what the sandbox does with a `barcode_alipay` or `wechat_pay_upm` charge, by its
//! last two digits. A published contract between the sandbox and whoever tests against it (the
//! demo shop's point of sale lists them):
//!
//! | ends in | outcome |
//! |---|---|
//! | `01` | stays `pending` (the customer has to confirm in the app): end it with `mark_as_paid`, `mark_as_failed` or `expire` |
//! | `11` ... `15` | `failed` with the method's seed failure codes, in the seed's order (below) |
//! | anything else | `successful` at once (the seed's `1234567890` pays) |
//!
//! Alipay in-store (seed 001): `11` payment_cancelled, `12` failed_processing, `13`
//! insufficient_balance, `14` payment_rejected, `15` timeout. WeChat Pay (seed 003): `11`
//! payment_expired, `12` payment_rejected, `13` invalid_account, `14` insufficient_fund, `15`
//! failed_processing.

use crate::failure::FailureCode;
use crate::method::SourceType;

const ALIPAY_FAILURES: [FailureCode; 5] = [
    FailureCode::PaymentCancelled,
    FailureCode::FailedProcessing,
    FailureCode::InsufficientBalance,
    FailureCode::PaymentRejected,
    FailureCode::Timeout,
];
const WECHAT_FAILURES: [FailureCode; 5] = [
    FailureCode::PaymentExpired,
    FailureCode::PaymentRejected,
    FailureCode::InvalidAccount,
    FailureCode::InsufficientFund,
    FailureCode::FailedProcessing,
];

/// What a test code asks the sandbox to do with its charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestOutcome {
    /// Successful at once.
    Pays,
    /// Pending, until the customer confirms in the app (a test control ends it).
    Waits,
    /// Failed, with this code.
    Fails(FailureCode),
}

impl TestOutcome {
    /// What scanning the code does, in words.
    pub fn words(self) -> String {
        match self {
            TestOutcome::Pays => "pays at once".to_owned(),
            TestOutcome::Waits => "waits for the customer in the app".to_owned(),
            TestOutcome::Fails(code) => format!("fails: {}", code.as_str()),
        }
    }
}

/// What `barcode` asks for when charged with `source_type`; `None` for a method that is not
/// paid by a scanned code.
pub fn outcome(source_type: SourceType, barcode: &str) -> Option<TestOutcome> {
    let failures = match source_type {
        SourceType::BarcodeAlipay => ALIPAY_FAILURES,
        SourceType::WechatPayUpm => WECHAT_FAILURES,
        _ => return None,
    };
    let suffix = barcode.get(barcode.len().saturating_sub(2)..).unwrap_or("");
    Some(match suffix {
        "01" => TestOutcome::Waits,
        "11" | "12" | "13" | "14" | "15" => {
            TestOutcome::Fails(failures[usize::from(suffix.as_bytes()[1] - b'1')])
        }
        _ => TestOutcome::Pays,
    })
}

/// One test code: a wallet's code that asks for one outcome.
#[derive(Debug, Clone)]
pub struct TestCode {
    /// The wallet whose code it is (`Alipay`, `WeChat Pay`).
    pub wallet: &'static str,
    /// What scanning it does, in words.
    pub outcome: String,
    /// The digits.
    pub code: String,
}

/// A code of each outcome of each wallet: pays at once, waits for the app, and each failure.
/// Alipay's codes begin with 28, WeChat Pay's with 13 (18 digits, as theirs are).
pub fn test_codes() -> Vec<TestCode> {
    let wallets = [
        ("Alipay", "2812345678901234", ALIPAY_FAILURES),
        ("WeChat Pay", "1345678901234567", WECHAT_FAILURES),
    ];
    let mut codes = Vec::new();
    for (wallet, stem, failures) in wallets {
        let outcomes = [TestOutcome::Pays, TestOutcome::Waits]
            .into_iter()
            .chain(failures.into_iter().map(TestOutcome::Fails));
        for (outcome, ending) in outcomes.zip(["00", "01", "11", "12", "13", "14", "15"]) {
            codes.push(TestCode {
                wallet,
                outcome: outcome.words(),
                code: format!("{stem}{ending}"),
            });
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_two_digits_decide() {
        assert_eq!(
            outcome(SourceType::BarcodeAlipay, "1234567890"),
            Some(TestOutcome::Pays)
        );
        assert_eq!(
            outcome(SourceType::BarcodeAlipay, "281234567890123401"),
            Some(TestOutcome::Waits)
        );
        let failed = |t, code: &str| match outcome(t, code) {
            Some(TestOutcome::Fails(code)) => code.as_str(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            failed(SourceType::BarcodeAlipay, "281234567890123411"),
            "payment_cancelled"
        );
        assert_eq!(
            failed(SourceType::BarcodeAlipay, "281234567890123415"),
            "timeout"
        );
        assert_eq!(
            failed(SourceType::WechatPayUpm, "134567890123456711"),
            "payment_expired"
        );
        assert_eq!(
            failed(SourceType::WechatPayUpm, "134567890123456714"),
            "insufficient_fund"
        );
        assert_eq!(outcome(SourceType::Promptpay, "1234567890"), None);
    }

    #[test]
    fn each_listed_test_code_does_what_its_words_say() {
        let codes = test_codes();
        assert_eq!(codes.len(), 14);
        for listed in codes {
            let method = if listed.wallet == "Alipay" {
                SourceType::BarcodeAlipay
            } else {
                SourceType::WechatPayUpm
            };
            let asked = outcome(method, &listed.code).unwrap();
            assert_eq!(asked.words(), listed.outcome, "{}", listed.code);
            assert!(
                crate::pos::recognize(&listed.code).is_ok(),
                "{}",
                listed.code
            );
        }
    }
}
