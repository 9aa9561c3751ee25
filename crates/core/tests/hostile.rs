//! Hostile input: every parser of the core that reads what someone else wrote (a
//! scanned payment code, a webhook's signature headers, an EMVCo payload read back from a QR,
//! codes and names in API objects, a WooshPay PaymentIntent) is given arbitrary input. None may
//! panic; each answers a value or its error.
//!
//! `npm test` runs proptest's default 256 cases per property; a longer run:
//! `PROPTEST_CASES=200000 cargo test -p paywasm-core --all-features --test hostile`.

#![allow(clippy::unwrap_used)]

use paywasm_core::emvco;
use paywasm_core::method::SourceType;
use paywasm_core::money::{Amount, Currency};
use paywasm_core::omise::objects::ChargeStatus;
use paywasm_core::pos::{recognize, CodeError};
use paywasm_core::time::Timestamp;
use paywasm_core::webhook::{self, SignatureError};
use paywasm_core::wooshpay::PaymentIntentView;
use proptest::prelude::*;

/// Text a hostile party might send: anything, or near-misses of the real forms.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 \r\n\t]{0,40}",
        "-?[0-9]{0,25}",
        "[0-9a-fA-F,tv1= ]{0,80}",
        "(00|01|26|29|30|52|53|54|58|59|60|62|63)[0-9]{2}[0-9A-Za-z.]{0,30}",
    ]
}

proptest! {
    #[test]
    fn a_scanned_code_is_recognized_only_as_a_wallets_code(scanned in hostile_text()) {
        match recognize(&scanned) {
            Ok(code) => {
                prop_assert!(code.digits.bytes().all(|b| b.is_ascii_digit()));
                let prefix: u8 = code.digits[..2].parse().unwrap();
                match code.source_type {
                    SourceType::BarcodeAlipay => prop_assert!((25..=30).contains(&prefix) && (16..=24).contains(&code.digits.len())),
                    SourceType::WechatPayUpm => prop_assert!((10..=15).contains(&prefix) && code.digits.len() == 18),
                    other => prop_assert!(false, "recognized as {other:?}"),
                }
            }
            Err(CodeError::Empty | CodeError::NotDigits | CodeError::UnknownWallet) => {}
        }
    }

    #[test]
    fn webhook_signature_headers_never_panic_and_never_pass_unsigned(
        timestamp in hostile_text(),
        signature in hostile_text(),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        now in any::<i64>(),
    ) {
        let key = b"paywasm-sandbox-webhook-secret";
        // Only the real signature of this body and timestamp may pass.
        if webhook::verify(key, &timestamp, &signature, &body, now).is_ok() {
            let t: i64 = timestamp.trim().parse().unwrap();
            prop_assert!(signature.split(',').any(|s| s.trim().eq_ignore_ascii_case(&webhook::sign(key, t, &body))));
        }
        let header = format!("t={timestamp},v1={signature}");
        let _ = webhook::wooshpay::verify("whsec_test", &header, &body, now);
        let _ = webhook::wooshpay::verify("whsec_test", &signature, &body, now);
    }

    #[test]
    fn a_signed_delivery_passes_and_any_change_is_refused(
        body in proptest::collection::vec(any::<u8>(), 0..200),
        now in -4_000_000_000i64..4_000_000_000,
        skew in -300i64..=300,
        flip in any::<prop::sample::Index>(),
    ) {
        let key = b"secret";
        let sent = now + skew;
        let signature = webhook::sign(key, sent, &body);
        prop_assert_eq!(webhook::verify(key, &sent.to_string(), &signature, &body, now), Ok(()));
        // A replay beyond the tolerance is stale however well signed.
        let late = now + webhook::TOLERANCE_SECS + 1 + skew.abs();
        prop_assert_eq!(webhook::verify(key, &sent.to_string(), &signature, &body, late + skew.abs()), Err(SignatureError::Stale));
        if !body.is_empty() {
            let mut tampered = body.clone();
            let i = flip.index(tampered.len());
            tampered[i] ^= 1;
            prop_assert_eq!(webhook::verify(key, &sent.to_string(), &signature, &tampered, now), Err(SignatureError::Mismatch));
        }
    }

    #[test]
    fn emvco_payloads_read_back_never_panic(payload in hostile_text()) {
        let _ = emvco::crc_is_valid(&payload);
        if let Some(amount) = emvco::amount_of(&payload) {
            prop_assert!(amount.0 >= 0);
        }
    }

    #[test]
    fn codes_names_and_times_from_the_wire_never_panic(text in hostile_text()) {
        let _ = Currency::parse(&text);
        let _ = SourceType::parse(&text);
        let _ = ChargeStatus::parse(&text);
        let _ = Timestamp::parse(&text);
    }

    #[test]
    fn a_payment_intent_of_any_shape_is_read_or_refused(json in hostile_json()) {
        if let Ok(view) = serde_json::from_value::<PaymentIntentView>(json) {
            let _ = view.redirect_url();
            let _ = view.to_payment();
        }
    }
}

/// JSON of the PaymentIntent's shape with hostile values, or anything.
fn hostile_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        hostile_text().prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    (
        value.clone(),
        hostile_text(),
        any::<i64>(),
        hostile_text(),
        value,
    )
        .prop_map(
            |(next_action, status, amount, currency, last_payment_error)| {
                serde_json::json!({
                    "id": "pi_1", "object": "payment_intent", "status": status, "amount": amount,
                    "currency": currency, "next_action": next_action,
                    "last_payment_error": last_payment_error,
                })
            },
        )
}

#[test]
fn the_amount_of_a_payload_that_overflows_is_refused() {
    // 18 digits of baht: times 100 would overflow an i64.
    let payload = "5421922337203685477580.00";
    assert_eq!(emvco::amount_of(payload), None);
    assert_eq!(emvco::amount_of("540512.50"), Some(Amount(1250)));
    // Signs are not amounts.
    assert_eq!(emvco::amount_of("5405-1.-5"), None);
    assert_eq!(emvco::amount_of("5404+1.5"), None);
}

#[test]
fn a_timestamp_at_the_end_of_time_is_stale_not_a_panic() {
    let signature = webhook::sign(b"k", 0, b"{}");
    assert_eq!(
        webhook::verify(
            b"k",
            "-9223372036854775808",
            &signature,
            b"{}",
            1_700_000_000
        ),
        Err(SignatureError::Stale)
    );
    assert_eq!(
        webhook::verify(b"k", "9223372036854775807", &signature, b"{}", -1),
        Err(SignatureError::Stale)
    );
}
