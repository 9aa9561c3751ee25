//! The PromptPay Thai QR payload (EMVCo merchant-presented mode) and its CRC.
//!
//! Fields are TLV: two-digit tag, two-digit length, value. Tag order follows the widely used
//! encoders (00, 01, 29/30, 58, 53, 54, 63) so the known test vectors match byte for byte.

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

fn tlv(out: &mut String, tag: &str, value: &str) {
    out.push_str(tag);
    out.push_str(&format!("{:02}", value.len()));
    out.push_str(value);
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
            tlv(&mut merchant, "00", AID_MERCHANT);
            tlv(&mut merchant, sub_tag, &value);
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
            tlv(&mut merchant, "00", AID_BILL_PAYMENT);
            tlv(&mut merchant, "01", biller_id);
            tlv(&mut merchant, "02", reference1);
            if let Some(reference2) = reference2 {
                tlv(&mut merchant, "03", reference2);
            }
            "30"
        }
    };
    let mut out = String::new();
    tlv(&mut out, "00", "01");
    tlv(&mut out, "01", if amount.is_some() { "12" } else { "11" });
    tlv(&mut out, tag, &merchant);
    tlv(&mut out, "58", "TH");
    tlv(&mut out, "53", "764");
    if let Some(amount) = amount {
        tlv(&mut out, "54", &Currency::thb().format_decimal(amount));
    }
    out.push_str("6304");
    let crc = crc16_ccitt_false(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    Ok(out)
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final xor.
pub fn crc16_ccitt_false(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0xFFFF_u16, |crc, &byte| {
        (0..8).fold(crc ^ (u16::from(byte) << 8), |crc, _| {
            if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            }
        })
    })
}

/// Whether `payload` ends in a `6304` CRC field that matches the rest.
pub fn crc_is_valid(payload: &str) -> bool {
    let Some(body_len) = payload.len().checked_sub(4) else {
        return false;
    };
    if !payload.is_char_boundary(body_len) || !payload[..body_len].ends_with("6304") {
        return false;
    }
    let expected = format!("{:04X}", crc16_ccitt_false(&payload.as_bytes()[..body_len]));
    payload[body_len..] == expected
}

/// The amount field (tag 54) of a payload, in satang, if it has one and it is well-formed.
pub fn amount_of(payload: &str) -> Option<Amount> {
    let mut rest = payload;
    while rest.len() >= 4 {
        let tag = rest.get(..2)?;
        let len: usize = rest.get(2..4)?.parse().ok()?;
        let value = rest.get(4..4 + len)?;
        if tag == "54" {
            let (baht, satang) = value.split_once('.').unwrap_or((value, "00"));
            let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            if !digits(baht) || !digits(satang) {
                return None;
            }
            let satang = format!("{satang:0<2}");
            // Checked: a hostile payload may carry more baht than an i64 holds in satang.
            let baht = baht.parse::<i64>().ok()?.checked_mul(100)?;
            return Some(Amount(
                baht.checked_add(satang.get(..2)?.parse::<i64>().ok()?)?,
            ));
        }
        rest = &rest[4 + len..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

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
    fn a_changed_byte_breaks_the_crc() {
        let qr = payload(&Target::ProxyId("0801234567".into()), Some(Amount(2_000))).unwrap();
        assert!(crc_is_valid(&qr));
        let tampered = qr.replacen("20.00", "21.00", 1);
        assert!(!crc_is_valid(&tampered));
        assert!(!crc_is_valid("6304"));
        assert!(!crc_is_valid(""));
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
