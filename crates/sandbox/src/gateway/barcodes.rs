//! How the sandbox decides in-store charges (`barcode_alipay`, `wechat_pay_upm`): by the
//! customer's payment code, the way card test numbers work. The last two digits decide:
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

use super::charges::Outcome;
use super::error::ApiError;
use paywasm_core::failure::FailureCode;
use paywasm_core::method::SourceType;

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

/// One of the sandbox's test codes: a wallet's code that asks for one outcome.
#[derive(Debug, Clone)]
pub struct TestCode {
    /// The wallet whose code it is (`Alipay`, `WeChat Pay`).
    pub wallet: &'static str,
    /// What scanning it does, in words.
    pub outcome: String,
    /// The digits.
    pub code: String,
}

/// A code of each outcome of each wallet, as the table above says: pays at once, waits for
/// the app, and each failure. Alipay's codes begin with 28, WeChat Pay's with 13 (18 digits,
/// as theirs are).
pub fn test_codes() -> Vec<TestCode> {
    let wallets = [
        ("Alipay", "2812345678901234", ALIPAY_FAILURES),
        ("WeChat Pay", "1345678901234567", WECHAT_FAILURES),
    ];
    let mut codes = Vec::new();
    for (wallet, stem, failures) in wallets {
        let code = |ending: &str| format!("{stem}{ending}");
        codes.push(TestCode {
            wallet,
            outcome: "pays at once".into(),
            code: code("00"),
        });
        codes.push(TestCode {
            wallet,
            outcome: "waits for the customer in the app".into(),
            code: code("01"),
        });
        for (n, failure) in failures.iter().enumerate() {
            codes.push(TestCode {
                wallet,
                outcome: format!("fails: {}", failure.as_str()),
                code: code(&format!("1{}", n + 1)),
            });
        }
    }
    codes
}

/// Refuses a payment code that no wallet would show: 10 to 32 digits.
pub(crate) fn check(barcode: &str) -> Result<(), ApiError> {
    if (10..=32).contains(&barcode.len()) && barcode.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(
            "barcode must be the customer's payment code: 10 to 32 digits".into(),
        ))
    }
}

/// The outcome a test barcode asks for; `None` keeps the charge pending.
pub(crate) fn outcome(source_type: SourceType, barcode: &str) -> Option<Outcome> {
    let failures = match source_type {
        SourceType::BarcodeAlipay => ALIPAY_FAILURES,
        SourceType::WechatPayUpm => WECHAT_FAILURES,
        _ => return None,
    };
    let suffix = barcode.get(barcode.len().saturating_sub(2)..).unwrap_or("");
    match suffix {
        "01" => None,
        "11" | "12" | "13" | "14" | "15" => {
            let index = usize::from(suffix.as_bytes()[1] - b'1');
            let code = failures[index];
            Some(Outcome::Failed {
                code: code.as_str().into(),
                message: code.message().into(),
            })
        }
        _ => Some(Outcome::Paid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_two_digits_decide() {
        assert!(matches!(
            outcome(SourceType::BarcodeAlipay, "1234567890"),
            Some(Outcome::Paid)
        ));
        assert!(outcome(SourceType::BarcodeAlipay, "281234567890123401").is_none());
        let failed = |t, code: &str| match outcome(t, code) {
            Some(Outcome::Failed { code, .. }) => code,
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
            assert!(check(&listed.code).is_ok());
            let said = match outcome(method, &listed.code) {
                None => "waits for the customer in the app".to_owned(),
                Some(Outcome::Paid) => "pays at once".to_owned(),
                Some(Outcome::Failed { code, .. }) => format!("fails: {code}"),
                Some(Outcome::Expired) => "expires".to_owned(),
            };
            assert_eq!(said, listed.outcome, "{}", listed.code);
        }
    }

    #[test]
    fn codes_must_be_digits_of_a_plausible_length() {
        assert!(check("1234567890").is_ok());
        for bad in [
            "",
            "123",
            "12345678901234567890123456789012345",
            "12345abcde",
            "１２３４５６７８９０",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
