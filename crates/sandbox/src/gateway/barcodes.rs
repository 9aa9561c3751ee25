//! How the sandbox decides in-store charges (`barcode_alipay`, `wechat_pay_upm`): by the
//! customer's payment code, as `paywasm_core::test_codes` publishes (the last two digits
//! decide, the way card test numbers work).

use super::charges::Outcome;
use super::error::ApiError;
use paywasm_core::method::SourceType;
use paywasm_core::test_codes::TestOutcome;

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
    match paywasm_core::test_codes::outcome(source_type, barcode)? {
        TestOutcome::Waits => None,
        TestOutcome::Pays => Some(Outcome::Paid),
        TestOutcome::Fails(code) => Some(Outcome::Failed {
            code: code.as_str().into(),
            message: code.message().into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_code_ends_its_charge_as_it_asks() {
        assert!(matches!(
            outcome(SourceType::BarcodeAlipay, "1234567890"),
            Some(Outcome::Paid)
        ));
        assert!(outcome(SourceType::BarcodeAlipay, "281234567890123401").is_none());
        assert!(matches!(
            outcome(SourceType::WechatPayUpm, "134567890123456714"),
            Some(Outcome::Failed { code, .. }) if code == "insufficient_fund"
        ));
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
