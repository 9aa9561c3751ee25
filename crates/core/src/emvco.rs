//! EMVCo merchant-presented QR payloads, the form of PromptPay's Thai QR ([`crate::promptpay`])
//! and PayNow's SGQR ([`crate::paynow`]): fields are TLV (a two-digit tag, a two-digit length,
//! the value), the last one a CRC (tag `63`) over everything before it.

use crate::money::Amount;

/// Appends field `tag` with `value`. A field holds at most 99 characters: longer values are
/// the callers' to refuse before they get here.
pub(crate) fn field(out: &mut String, tag: &str, value: &str) {
    debug_assert!(
        value.len() <= 99,
        "an EMVCo field holds at most 99 characters"
    );
    out.push_str(tag);
    out.push_str(&format!("{:02}", value.len()));
    out.push_str(value);
}

/// `fields` with its CRC field appended: the finished payload.
pub(crate) fn finish(mut fields: String) -> String {
    fields.push_str("6304");
    let crc = crc16_ccitt_false(fields.as_bytes());
    fields.push_str(&format!("{crc:04X}"));
    fields
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

/// The fields of `payload` (or of a field holding fields, as `26` and `62` do), in order, as
/// `(tag, value)`; they stop where the text stops being well-formed.
pub fn fields(payload: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = payload;
    std::iter::from_fn(move || {
        let tag = rest.get(..2)?;
        let len: usize = rest.get(2..4)?.parse().ok()?;
        let value = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((tag, value))
    })
}

/// The value of field `tag` of `payload`, if it has one.
pub fn value_of<'p>(payload: &'p str, tag: &str) -> Option<&'p str> {
    fields(payload)
        .find(|(at, _)| *at == tag)
        .map(|(_, value)| value)
}

/// The amount field (tag `54`) of a payload, in the smallest unit of a currency with two
/// decimals (baht and satang, dollars and cents), if it has one and it is well-formed.
pub fn amount_of(payload: &str) -> Option<Amount> {
    let value = value_of(payload, "54")?;
    let (whole, cents) = value.split_once('.').unwrap_or((value, "00"));
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(cents) {
        return None;
    }
    let cents = format!("{cents:0<2}");
    // Checked: a hostile payload may carry more than an i64 holds in the smallest unit.
    let whole = whole.parse::<i64>().ok()?.checked_mul(100)?;
    Some(Amount(
        whole.checked_add(cents.get(..2)?.parse::<i64>().ok()?)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    #[test]
    fn fields_are_read_in_order_and_stop_at_malformed_text() {
        let read: Vec<_> = fields("000201010212263100").collect();
        assert_eq!(read, [("00", "01"), ("01", "12")]);
        assert_eq!(value_of("0002015303702", "53"), Some("702"));
        assert_eq!(value_of("00020153", "53"), None);
        assert_eq!(fields("").count(), 0);
    }

    #[test]
    fn a_changed_byte_breaks_the_crc() {
        let payload = finish("000201010212540520.00".to_owned());
        assert!(crc_is_valid(&payload));
        assert!(!crc_is_valid(&payload.replacen("20.00", "21.00", 1)));
        assert!(!crc_is_valid("6304"));
        assert!(!crc_is_valid(""));
    }
}
