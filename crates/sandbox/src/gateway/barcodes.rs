//! The customer's payment code of an in-store charge (`barcode_alipay`, `wechat_pay_upm`):
//! what the gateway takes as one. What a code makes of its charge is the published test
//! codes' (`paywasm_core::test_codes`, applied by `charges`).

use super::error::ApiError;

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

#[cfg(test)]
mod tests {
    use super::*;

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
