//! The PromptPay Thai QR payload ([`crate::emvco`], merchant-presented mode).
//!
//! Tag order follows the widely used encoders (00, 01, 29/30, 58, 53, 54, 63) so the known
//! test vectors match byte for byte.

use crate::emvco::{field, finish};
use crate::money::{Amount, Currency};

const AID_MERCHANT: &str = "A000000677010111";
const AID_BILL_PAYMENT: &str = "A000000677010112";

/// Whom the payment goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A phone number, a 13-digit national or tax id, or a 15-digit e-wallet id (tag 29).
    ProxyId(String),
    /// A biller with payment references (tag 30), as gateways issue per charge.
    BillPayment {
        /// 15-digit biller id (tax id + suffix).
        biller_id: String,
        /// Reference 1, identifying the payment (up to 20 characters, A-Z and 0-9).
        reference1: String,
        /// Optional reference 2.
        reference2: Option<String>,
    },
}

/// The proxy id field (sub-tag and value) of a PromptPay id: phone numbers become `0066` +
/// nine digits, tax ids stay 13 digits, e-wallet ids 15.
fn proxy_field(id: &str) -> Result<(&'static str, String), crate::Error> {
    let digits: String = id.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(crate::Error::InvalidPromptPayId(id.to_owned()));
    }
    match digits.len() {
        15 => Ok(("03", digits)),
        13 => Ok(("02", digits)),
        10 if digits.starts_with('0') => {
            Ok(("01", format!("{:0>13}", format!("66{}", &digits[1..]))))
        }
        _ => Err(crate::Error::InvalidPromptPayId(id.to_owned())),
    }
}

fn is_reference(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 20
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The payload for `target`, with `amount` (THB, satang) when given.
pub fn payload(target: &Target, amount: Option<Amount>) -> Result<String, crate::Error> {
    let mut merchant = String::new();
    let tag = match target {
        Target::ProxyId(id) => {
            let (sub_tag, value) = proxy_field(id)?;
            field(&mut merchant, "00", AID_MERCHANT);
            field(&mut merchant, sub_tag, &value);
            "29"
        }
        Target::BillPayment {
            biller_id,
            reference1,
            reference2,
        } => {
            let valid_biller =
                biller_id.len() == 15 && biller_id.chars().all(|c| c.is_ascii_digit());
            let valid_refs =
                is_reference(reference1) && reference2.as_deref().is_none_or(is_reference);
            if !valid_biller || !valid_refs {
                return Err(crate::Error::InvalidPromptPayId(biller_id.clone()));
            }
            field(&mut merchant, "00", AID_BILL_PAYMENT);
            field(&mut merchant, "01", biller_id);
            field(&mut merchant, "02", reference1);
            if let Some(reference2) = reference2 {
                field(&mut merchant, "03", reference2);
            }
            "30"
        }
    };
    let mut out = String::new();
    field(&mut out, "00", "01");
    field(&mut out, "01", if amount.is_some() { "12" } else { "11" });
    field(&mut out, tag, &merchant);
    field(&mut out, "58", "TH");
    field(&mut out, "53", "764");
    if let Some(amount) = amount {
        field(&mut out, "54", &Currency::thb().format_decimal(amount));
    }
    Ok(finish(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emvco::{amount_of, crc_is_valid};

    #[test]
    fn matches_the_published_vectors() {
        // dtinth/promptpay-qr's test vectors (REFERENCES.md)
        assert_eq!(
            payload(&Target::ProxyId("0801234567".into()), None).unwrap(),
            "00020101021129370016A000000677010111011300668012345675802TH530376463046197"
        );
        assert_eq!(
            payload(&Target::ProxyId("1111111111111".into()), None).unwrap(),
            "00020101021129370016A000000677010111021311111111111115802TH530376463047B5A"
        );
        assert_eq!(
            payload(&Target::ProxyId("000-000-0000".into()), Some(Amount(422))).unwrap(),
            "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469"
        );
    }

    #[test]
    fn bill_payments_carry_the_references_and_the_amount() {
        let target = Target::BillPayment {
            biller_id: "010555600000001".into(),
            reference1: "CHRG5VCD3J9C9R0P".into(),
            reference2: None,
        };
        let qr = payload(&target, Some(Amount(400_000))).unwrap();
        assert!(qr.starts_with("000201010212305"), "{qr}");
        assert!(qr.contains("0016A000000677010112"));
        assert!(qr.contains("0115010555600000001"));
        assert!(qr.contains("0216CHRG5VCD3J9C9R0P"));
        assert!(qr.contains("54074000.00"));
        assert!(crc_is_valid(&qr));
        assert_eq!(amount_of(&qr), Some(Amount(400_000)));
    }

    #[test]
    fn refuses_ids_that_are_not_promptpay_ids() {
        for id in ["", "12345", "08012345ab", "1801234567"] {
            assert!(payload(&Target::ProxyId(id.into()), None).is_err(), "{id}");
        }
        let lower_ref = Target::BillPayment {
            biller_id: "010555600000001".into(),
            reference1: "lower".into(),
            reference2: None,
        };
        assert!(payload(&lower_ref, None).is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::emvco::{amount_of, crc_is_valid};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_payload_carries_its_amount_and_a_valid_crc(satang in 1i64..=15_000_000, phone in "0[689][0-9]{8}") {
            let qr = payload(&Target::ProxyId(phone), Some(Amount(satang))).unwrap();
            prop_assert!(crc_is_valid(&qr));
            prop_assert_eq!(amount_of(&qr), Some(Amount(satang)));
        }

        #[test]
        fn any_text_is_checked_without_panicking(text in "\\PC{0,80}") {
            let _ = crc_is_valid(&text);
            let _ = amount_of(&text);
            let _ = payload(&Target::ProxyId(text), None);
        }
    }
}
