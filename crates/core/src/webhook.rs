//! Webhook signatures as Omise sends them: `Omise-Signature` is the hex HMAC-SHA256 of
//! `"{timestamp}.{raw body}"` keyed with the base64-decoded webhook secret (two values,
//! comma-separated, while a secret is being rotated); `Omise-Signature-Timestamp` is Unix seconds.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Header carrying the signature(s).
pub const SIGNATURE_HEADER: &str = "Omise-Signature";
/// Header carrying the timestamp the signature covers.
pub const TIMESTAMP_HEADER: &str = "Omise-Signature-Timestamp";
/// How far a timestamp may be from now before a delivery is refused as stale or replayed.
pub const TOLERANCE_SECS: i64 = 300;
/// Most signatures one delivery may carry: two while a secret is rotated, a spare for a
/// rotation that overlaps. A header with more is refused before anything is hashed.
pub const MAX_SIGNATURES: usize = 3;
/// The length of one signature in hex (HMAC-SHA256).
const SIGNATURE_HEX_LEN: usize = 64;

/// Why a delivery's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A header is missing or not in the expected form.
    #[error("the webhook signature headers are missing or malformed")]
    Malformed,
    /// The timestamp is too far from now.
    #[error("the webhook timestamp is more than {TOLERANCE_SECS} s from now (stale or replayed)")]
    Stale,
    /// No signature matches the body.
    #[error("the webhook signature does not match the body")]
    Mismatch,
}

fn mac(key: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature of `body` sent at `timestamp`, as lower-case hex.
pub fn sign(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    hex::encode(mac(key, timestamp, body).finalize().into_bytes())
}

/// Checks a delivery's headers against its raw body, in constant time per signature.
pub fn verify(
    key: &[u8],
    timestamp_header: &str,
    signature_header: &str,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let timestamp: i64 = timestamp_header
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed)?;
    // abs_diff: a hostile timestamp near i64's ends must read as stale, not overflow.
    if now.abs_diff(timestamp) > TOLERANCE_SECS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    // Unauthenticated input: the header is checked for shape before the body is hashed, and
    // the body is hashed once, whatever the number of candidates (each candidate costs a
    // 32-byte comparison, never a pass over the body).
    let candidates: Vec<&str> = signature_header.split(',').map(str::trim).collect();
    if candidates.len() > MAX_SIGNATURES {
        return Err(SignatureError::Malformed);
    }
    let mut signatures = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        if candidate.len() != SIGNATURE_HEX_LEN {
            return Err(SignatureError::Malformed);
        }
        signatures.push(hex::decode(candidate).map_err(|_| SignatureError::Malformed)?);
    }
    let expected = mac(key, timestamp, body);
    // Every candidate is compared (in constant time), so the time taken does not say which
    // one matched.
    let matched = signatures.iter().fold(false, |matched, signature| {
        expected.clone().verify_slice(signature).is_ok() | matched
    });
    if matched {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// WooshPay's (Stripe-style) signature header: one `WooshPay-Signature: t={timestamp},v1={hex}`
/// over the same `"{timestamp}.{raw body}"`, keyed with the endpoint's `whsec_...` secret as
/// given (several `v1` while a secret is being rotated).
pub mod wooshpay {
    use super::SignatureError;

    /// The header's name.
    pub const SIGNATURE_HEADER: &str = "WooshPay-Signature";

    /// The header's value for `body` sent at `timestamp`.
    pub fn header(secret: &str, timestamp: i64, body: &[u8]) -> String {
        format!(
            "t={timestamp},v1={}",
            super::sign(secret.as_bytes(), timestamp, body)
        )
    }

    /// Checks a delivery's header against its raw body.
    pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for part in header.split(',') {
            match part.trim().split_once('=') {
                Some(("t", value)) => timestamp = Some(value),
                Some(("v1", value)) => signatures.push(value),
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
        if signatures.is_empty() {
            return Err(SignatureError::Malformed);
        }
        super::verify(
            secret.as_bytes(),
            timestamp,
            &signatures.join(","),
            body,
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wooshpay_headers_verify_and_refuse_tampering_and_staleness() {
        let body = br#"{"type":"payment_intent.succeeded"}"#;
        let header = wooshpay::header("whsec_abc", 1_700_000_000, body);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(
            wooshpay::verify("whsec_abc", &header, body, 1_700_000_100),
            Ok(())
        );
        assert_eq!(
            wooshpay::verify("whsec_other", &header, body, 1_700_000_100),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            wooshpay::verify("whsec_abc", &header, b"{}", 1_700_000_100),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            wooshpay::verify("whsec_abc", &header, body, 1_700_001_000),
            Err(SignatureError::Stale)
        );
        let flood = format!("t=1700000000{}", ",v1=".repeat(5_000));
        for malformed in ["", "t=1700000000", "v1=00", "garbage", flood.as_str()] {
            assert_eq!(
                wooshpay::verify("whsec_abc", malformed, body, 1_700_000_100),
                Err(SignatureError::Malformed),
                "{malformed}"
            );
        }
    }

    const KEY: &[u8] = b"paywasm-sandbox-webhook-secret";

    #[test]
    fn matches_an_independent_hmac_sha256() {
        // The signature is HMAC-SHA256 over "{timestamp}.{body}"; the HMAC itself is checked
        // against RFC 4231's test case 2.
        let joined = sign(b"Jefe", 1_700_000_000, b"{}");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"1700000000.{}");
        assert_eq!(joined, hex::encode(mac.finalize().into_bytes()));
        let mut rfc = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        rfc.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(rfc.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn accepts_its_own_signature_and_either_of_two_during_rotation() {
        let body = br#"{"object":"event"}"#;
        let signature = sign(KEY, 1_000, body);
        assert_eq!(verify(KEY, "1000", &signature, body, 1_010), Ok(()));
        let old = sign(b"old secret", 1_000, body);
        assert_eq!(
            verify(KEY, "1000", &format!("{old},{signature}"), body, 1_000),
            Ok(())
        );
    }

    #[test]
    fn refuses_tampering_staleness_and_garbage() {
        let body = br#"{"object":"event","data":{"status":"successful"}}"#;
        let signature = sign(KEY, 1_000, body);
        let tampered = br#"{"object":"event","data":{"status":"successful "}}"#;
        assert_eq!(
            verify(KEY, "1000", &signature, tampered, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(KEY, "1001", &signature, body, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(KEY, "1000", &signature, body, 1_000 + TOLERANCE_SECS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(KEY, "soon", &signature, body, 1_000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(KEY, "1000", "zz", body, 1_000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(b"other", "1000", &signature, body, 1_000),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_flood_of_candidates_is_refused_before_the_body_is_hashed() {
        let body = vec![b'x'; 1 << 20];
        let signature = sign(KEY, 1_000, &body);
        // Empty candidates decode as valid (empty) hex: each one used to hash the whole body.
        for header in [
            ",".repeat(10_000),
            format!("{signature}{}", ",".repeat(10_000)),
            [signature.as_str(); MAX_SIGNATURES + 1].join(","),
            format!("{signature},"),
            format!("{signature}0"),
        ] {
            assert_eq!(
                verify(KEY, "1000", &header, &body, 1_000),
                Err(SignatureError::Malformed),
                "{}",
                &header[..header.len().min(80)]
            );
        }
        let rotation = [
            sign(b"old", 1_000, &body),
            signature.clone(),
            sign(b"new", 1_000, &body),
        ];
        assert_eq!(
            verify(KEY, "1000", &rotation.join(","), &body, 1_000),
            Ok(())
        );
    }
}
