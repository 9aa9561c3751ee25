//! Parsers of the core that read bytes someone else wrote. Each body must not panic, and
//! checks what its parser promises of what it accepts.

use paywasm_core::emvco;
use paywasm_core::ids::{ChargeId, PrefixedId, SourceId};
use paywasm_core::money::Currency;
use paywasm_core::pos::recognize;
use paywasm_core::time::Timestamp;
use paywasm_core::webhook;

const KEY: &[u8] = b"paywasm-fuzz-webhook-key";
const NOW: i64 = 1_700_000_000;

/// Splits `data` at its first two newlines: two header values and a body.
fn headers_and_body(data: &[u8]) -> (String, String, &[u8]) {
    let mut parts = data.splitn(3, |&b| b == b'\n');
    let first = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let second = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    (first, second, parts.next().unwrap_or_default())
}

/// A scanned payment code: a wallet's code is digits of a wallet's prefix and length.
pub fn barcode(data: &[u8]) {
    let scanned = String::from_utf8_lossy(data);
    if let Ok(code) = recognize(&scanned) {
        assert!(code.digits.bytes().all(|b| b.is_ascii_digit()), "{code:?}");
        assert!((16..=24).contains(&code.digits.len()), "{code:?}");
    }
}

/// Omise's `Omise-Signature-Timestamp` and `Omise-Signature` headers over a body: only the
/// real signature of the body passes.
pub fn omise_signature(data: &[u8]) {
    let (timestamp, signature, body) = headers_and_body(data);
    if webhook::verify(KEY, &timestamp, &signature, body, NOW).is_ok() {
        let timestamp: i64 = timestamp
            .trim()
            .parse()
            .expect("a verified timestamp parses");
        // Hex in either case is the same signature.
        let expected = webhook::sign(KEY, timestamp, body);
        assert!(signature
            .split(',')
            .any(|candidate| candidate.trim().eq_ignore_ascii_case(&expected)));
    }
}

/// WooshPay's `WooshPay-Signature` header over a body.
pub fn wooshpay_signature(data: &[u8]) {
    let (header, _, body) = headers_and_body(data);
    let _ = webhook::wooshpay::verify("whsec_fuzz", &header, body, NOW);
}

/// An EMVCo payload read back from a QR: its CRC, its fields and its amount.
pub fn emvco(data: &[u8]) {
    let payload = String::from_utf8_lossy(data);
    let valid = emvco::crc_is_valid(&payload);
    for (tag, value) in emvco::fields(&payload) {
        assert!(tag.len() == 2 && value.len() <= 99, "{tag} {value}");
    }
    if let Some(amount) = emvco::amount_of(&payload) {
        assert!(amount.0 >= 0, "{amount:?}");
    }
    let _ = valid;
}

/// Ids, currency codes and times as they come on the wire.
pub fn wire_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(id) = ChargeId::parse(&text) {
        assert_eq!(id.as_str(), text);
    }
    let _ = SourceId::parse(&text);
    if let Ok(currency) = Currency::parse(&text) {
        assert_eq!(currency.as_str().len(), 3);
    }
    let _ = Timestamp::parse(&text);
    let _ = serde_json::from_slice::<paywasm_core::omise::objects::Charge>(data);
    let _ = serde_json::from_slice::<paywasm_core::wooshpay::PaymentIntentView>(data);
}
