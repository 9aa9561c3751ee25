//! In-store ("B scan C") payment codes: which wallet a scanned code belongs to, before any
//! request is made.
//!
//! The code a customer shows is a number. Prefixes, as the wallets publish them:
//! - **Alipay** payment codes: 16 to 24 digits starting with 25 to 30;
//! - **WeChat Pay** payment codes: 18 digits starting with 10 to 15.
//!
//! A scanner (keyboard wedge) may add spaces or a trailing carriage return; they are ignored.

use crate::method::SourceType;

/// Why a scanned code cannot be charged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Nothing was scanned.
    #[error("no code was scanned")]
    Empty,
    /// Letters or symbols: not a wallet's payment code (a product barcode, a URL...).
    #[error("this is not a payment code: payment codes are digits only")]
    NotDigits,
    /// Digits, but no supported wallet issues codes like it.
    #[error("this code is not an Alipay or WeChat Pay payment code")]
    UnknownWallet,
}

/// A recognised payment code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentCode {
    /// The digits, cleaned of scanner noise.
    pub digits: String,
    /// The source type that charges it.
    pub source_type: SourceType,
}

/// Recognises the wallet of a scanned code.
pub fn recognize(scanned: &str) -> Result<PaymentCode, CodeError> {
    let digits: String = scanned.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Err(CodeError::Empty);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::NotDigits);
    }
    let prefix: u8 = digits[..2.min(digits.len())].parse().unwrap_or(0);
    let source_type = match (prefix, digits.len()) {
        (25..=30, 16..=24) => SourceType::BarcodeAlipay,
        (10..=15, 18) => SourceType::WechatPayUpm,
        _ => return Err(CodeError::UnknownWallet),
    };
    Ok(PaymentCode {
        digits,
        source_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alipay_and_wechat_codes_are_told_apart_by_their_prefix() {
        assert_eq!(
            recognize("281234567890123401").unwrap().source_type,
            SourceType::BarcodeAlipay
        );
        assert_eq!(
            recognize("2512345678901234").unwrap().source_type,
            SourceType::BarcodeAlipay
        );
        assert_eq!(
            recognize("134567890123456701").unwrap().source_type,
            SourceType::WechatPayUpm
        );
        assert_eq!(
            recognize("101234567890123456").unwrap().source_type,
            SourceType::WechatPayUpm
        );
    }

    #[test]
    fn scanner_noise_is_ignored() {
        let code = recognize(" 2812 3456 7890 1234 01\r\n").unwrap();
        assert_eq!(code.digits, "281234567890123401");
    }

    #[test]
    fn anything_else_is_refused_before_a_request() {
        assert_eq!(recognize(""), Err(CodeError::Empty));
        assert_eq!(recognize("   "), Err(CodeError::Empty));
        assert_eq!(
            recognize("https://qr.alipay.com/x"),
            Err(CodeError::NotDigits)
        );
        assert_eq!(recognize("8850999320014"), Err(CodeError::UnknownWallet)); // an EAN-13 product barcode
        assert_eq!(
            recognize("13456789012345670"),
            Err(CodeError::UnknownWallet)
        ); // WeChat prefix, 17 digits
        assert_eq!(
            recognize("311234567890123401"),
            Err(CodeError::UnknownWallet)
        );
        assert_eq!(recognize("1234567890"), Err(CodeError::UnknownWallet));
    }
}
