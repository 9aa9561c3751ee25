//! Singapore's PayNow QR for a business (SGQR, [`crate::emvco`] merchant-presented mode): the
//! merchant is named by its UEN (Unique Entity Number), the amount is fixed, and a reference
//! tells the bank's transfer apart from the merchant's others, as a gateway's dynamic QR does.
//!
//! Fields, in the order the published SGQR encoders write them: `00` format, `01` dynamic
//! (`12`), `26` PayNow (`00` `SG.PAYNOW`, `01` proxy type `2` for a UEN, `02` the UEN, `03`
//! `0`: the amount cannot be edited, `04` the last day it may be paid, `YYYYMMDD`), `52`
//! merchant category (`0000`), `53` `702` (SGD), `54` the amount, `58` `SG`, `59` the
//! merchant's name, `60` its city, `62` additional data (`01` the bill number), `63` the CRC.

use crate::emvco::{field, finish};
use crate::money::{Amount, Currency};

/// A business's PayNow QR for one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill<'a> {
    /// The merchant's UEN: 9 or 10 upper-case letters and digits.
    pub uen: &'a str,
    /// The name the customer's bank app shows (at most 25 characters).
    pub merchant_name: &'a str,
    /// Identifies the payment to the bank (at most 25 upper-case letters and digits).
    pub reference: &'a str,
    /// In cents.
    pub amount: Amount,
    /// The last day it may be paid (`YYYYMMDD`), if any.
    pub expires_on: Option<&'a str>,
}

fn refuse(field: &'static str, value: &str) -> crate::Error {
    crate::Error::InvalidPayNowField {
        field,
        value: value.to_owned(),
    }
}

fn upper_alphanumeric(text: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The payload of `bill`.
pub fn payload(bill: &Bill<'_>) -> Result<String, crate::Error> {
    if !upper_alphanumeric(bill.uen, 9..=10) {
        return Err(refuse("UEN", bill.uen));
    }
    let printable = |b: u8| (b' '..=b'~').contains(&b);
    if bill.merchant_name.is_empty()
        || bill.merchant_name.len() > 25
        || !bill.merchant_name.bytes().all(printable)
    {
        return Err(refuse("merchant name", bill.merchant_name));
    }
    if !upper_alphanumeric(bill.reference, 1..=25) {
        return Err(refuse("reference", bill.reference));
    }
    let sgd = Currency::parse("SGD")?;
    let amount = sgd.format_decimal(bill.amount);
    // The amount field holds 13 characters: up to 9,999,999,999.99.
    if bill.amount.0 <= 0 || amount.len() > 13 {
        return Err(refuse("amount", &amount));
    }
    if let Some(day) = bill.expires_on {
        if day.len() != 8 || !day.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse("expiry date", day));
        }
    }
    let mut paynow = String::new();
    field(&mut paynow, "00", "SG.PAYNOW");
    field(&mut paynow, "01", "2");
    field(&mut paynow, "02", bill.uen);
    field(&mut paynow, "03", "0");
    if let Some(day) = bill.expires_on {
        field(&mut paynow, "04", day);
    }
    let mut additional = String::new();
    field(&mut additional, "01", bill.reference);
    let mut out = String::new();
    field(&mut out, "00", "01");
    field(&mut out, "01", "12");
    field(&mut out, "26", &paynow);
    field(&mut out, "52", "0000");
    field(&mut out, "53", "702");
    field(&mut out, "54", &amount);
    field(&mut out, "58", "SG");
    field(&mut out, "59", bill.merchant_name);
    field(&mut out, "60", "Singapore");
    field(&mut out, "62", &additional);
    Ok(finish(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emvco::{amount_of, crc_is_valid, fields, value_of};

    fn bill(amount: i64) -> Bill<'static> {
        Bill {
            uen: "201403121W",
            merchant_name: "PAYWASM DEMO SHOP",
            reference: "CHRG5VCD3J9C9R0P",
            amount: Amount(amount),
            expires_on: Some("20261207"),
        }
    }

    #[test]
    fn a_bill_reads_back_as_a_paynow_qr_for_its_amount() {
        let qr = payload(&bill(12_900)).unwrap();
        assert!(crc_is_valid(&qr), "{qr}");
        let read: Vec<_> = fields(&qr).map(|(tag, _)| tag).collect();
        assert_eq!(
            read,
            ["00", "01", "26", "52", "53", "54", "58", "59", "60", "62", "63"]
        );
        assert_eq!(value_of(&qr, "01"), Some("12"));
        let paynow = value_of(&qr, "26").unwrap();
        let paynow: Vec<_> = fields(paynow).collect();
        assert_eq!(
            paynow,
            [
                ("00", "SG.PAYNOW"),
                ("01", "2"),
                ("02", "201403121W"),
                ("03", "0"),
                ("04", "20261207")
            ]
        );
        assert_eq!(value_of(&qr, "53"), Some("702"));
        assert_eq!(value_of(&qr, "54"), Some("129.00"));
        assert_eq!(amount_of(&qr), Some(Amount(12_900)));
        assert_eq!(value_of(&qr, "58"), Some("SG"));
        assert_eq!(value_of(&qr, "59"), Some("PAYWASM DEMO SHOP"));
        let additional = value_of(&qr, "62").unwrap();
        assert_eq!(value_of(additional, "01"), Some("CHRG5VCD3J9C9R0P"));
    }

    #[test]
    fn fields_sgqr_does_not_allow_are_refused() {
        let refused = |bill: Bill<'_>| payload(&bill).is_err();
        assert!(refused(Bill {
            uen: "2014031",
            ..bill(100)
        }));
        assert!(refused(Bill {
            uen: "201403121w",
            ..bill(100)
        }));
        assert!(refused(Bill {
            merchant_name: "",
            ..bill(100)
        }));
        assert!(refused(Bill {
            merchant_name: "A SHOP WITH A NAME TOO LONG",
            ..bill(100)
        }));
        assert!(refused(Bill {
            merchant_name: "ร้าน",
            ..bill(100)
        }));
        assert!(refused(Bill {
            reference: "chrg",
            ..bill(100)
        }));
        assert!(refused(Bill {
            reference: "",
            ..bill(100)
        }));
        assert!(refused(bill(0)));
        assert!(refused(bill(-100)));
        assert!(refused(bill(1_000_000_000_000)));
        assert!(refused(Bill {
            expires_on: Some("2026-12-07"),
            ..bill(100)
        }));
        assert!(payload(&Bill {
            expires_on: None,
            ..bill(100)
        })
        .is_ok());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::emvco::{amount_of, crc_is_valid};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_bill_carries_its_amount_and_a_valid_crc(
            cents in 1i64..=2_000_000,
            reference in "[A-Z0-9]{1,25}",
            name in "[ -~]{1,25}",
        ) {
            let bill = Bill { uen: "53312345A", merchant_name: &name, reference: &reference, amount: Amount(cents), expires_on: None };
            let qr = payload(&bill).unwrap();
            prop_assert!(crc_is_valid(&qr));
            prop_assert_eq!(amount_of(&qr), Some(Amount(cents)));
        }
    }
}
