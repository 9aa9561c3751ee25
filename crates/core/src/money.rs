//! Amounts in the smallest currency unit, and currency codes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in the smallest unit of its currency (`400000` THB is 4,000.00 baht).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(pub i64);

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An ISO 4217 currency code, kept upper-case (clients such as omise-python send `thb`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Thai baht.
    pub fn thb() -> Self {
        Self("THB".into())
    }

    /// Parses a three-letter code in any case.
    pub fn parse(code: &str) -> Result<Self, crate::Error> {
        let code = code.trim();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(Self(code.to_ascii_uppercase()))
        } else {
            Err(crate::Error::InvalidCurrency(code.to_owned()))
        }
    }

    /// The upper-case code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point. Every currency the seeds name (THB, SGD, CNY, GBP, USD,
    /// EUR, HKD) has two; JPY-like zero-decimal currencies are listed here when a method takes them.
    pub fn exponent(&self) -> u32 {
        match self.0.as_str() {
            "JPY" | "KRW" | "VND" => 0,
            _ => 2,
        }
    }

    /// `amount` written with the currency's decimals, e.g. `4000.00` (no grouping, no symbol).
    pub fn format_decimal(&self, amount: Amount) -> String {
        let exponent = self.exponent();
        if exponent == 0 {
            return amount.0.to_string();
        }
        let unit = 10i64.pow(exponent);
        let sign = if amount.0 < 0 { "-" } else { "" };
        let abs = amount.0.unsigned_abs();
        let unit = unit as u64;
        format!(
            "{sign}{}.{:0width$}",
            abs / unit,
            abs % unit,
            width = exponent as usize
        )
    }

    /// An amount a person wrote in this currency's units (`1290`, `1,290.5`, `1290.00`), in
    /// the smallest unit; `None` when it is not a positive amount with at most the currency's
    /// decimals.
    pub fn parse_decimal(&self, text: &str) -> Option<Amount> {
        let text: String = text.trim().chars().filter(|c| *c != ',').collect();
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let exponent = self.exponent() as usize;
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > exponent {
            return None;
        }
        let padded = format!("{whole}{fraction:0<exponent$}");
        padded
            .parse::<i64>()
            .ok()
            .filter(|units| *units > 0)
            .map(Amount)
    }

    /// `amount` for people: code, grouped digits and the currency's decimals (`THB 1,290.00`).
    pub fn display(&self, amount: Amount) -> String {
        let plain = self.format_decimal(amount);
        let (sign, unsigned) = plain
            .strip_prefix('-')
            .map_or(("", plain.as_str()), |rest| ("-", rest));
        let (whole, fraction) = unsigned
            .split_once('.')
            .map_or((unsigned, None), |(w, f)| (w, Some(f)));
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        match fraction {
            Some(fraction) => format!("{} {sign}{grouped}.{fraction}", self.0),
            None => format!("{} {sign}{grouped}", self.0),
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = crate::Error;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::parse(&code)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_normalised_to_upper_case() {
        assert_eq!(Currency::parse("thb").unwrap().as_str(), "THB");
        assert!(Currency::parse("baht").is_err());
        assert!(Currency::parse("").is_err());
    }

    #[test]
    fn amounts_print_with_the_currency_decimals() {
        assert_eq!(Currency::thb().format_decimal(Amount(400000)), "4000.00");
        assert_eq!(Currency::thb().format_decimal(Amount(422)), "4.22");
        assert_eq!(Currency::thb().format_decimal(Amount(5)), "0.05");
        assert_eq!(
            Currency::parse("JPY").unwrap().format_decimal(Amount(500)),
            "500"
        );
    }

    #[test]
    fn amounts_display_grouped_for_people() {
        let thb = Currency::thb();
        assert_eq!(thb.display(Amount(129_000)), "THB 1,290.00");
        assert_eq!(thb.display(Amount(15_000_000)), "THB 150,000.00");
        assert_eq!(thb.display(Amount(2_000)), "THB 20.00");
        assert_eq!(thb.display(Amount(-100_000_000)), "THB -1,000,000.00");
        assert_eq!(
            Currency::parse("JPY").unwrap().display(Amount(1_234_567)),
            "JPY 1,234,567"
        );
    }

    #[test]
    fn a_written_amount_reads_in_the_smallest_unit_or_not_at_all() {
        let thb = Currency::thb();
        assert_eq!(thb.parse_decimal("1290"), Some(Amount(129_000)));
        assert_eq!(thb.parse_decimal(" 1,290.5 "), Some(Amount(129_050)));
        assert_eq!(thb.parse_decimal("0.01"), Some(Amount(1)));
        for refused in [
            "",
            "0",
            "0.00",
            "-5",
            "1.234",
            "12a",
            "1.2.3",
            ".5",
            "1e3",
            "99999999999999999999",
        ] {
            assert_eq!(thb.parse_decimal(refused), None, "{refused:?}");
        }
        let yen = Currency::parse("JPY").unwrap();
        assert_eq!(yen.parse_decimal("500"), Some(Amount(500)));
        assert_eq!(yen.parse_decimal("500.5"), None);
    }
}
