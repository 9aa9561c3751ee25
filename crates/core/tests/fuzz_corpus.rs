//! Replays every input the coverage-guided fuzzers kept for the core's parsers (the corpus in
//! `fuzz/corpus/<target>/`, and any crash in `fuzz/artifacts/<target>/`) through the same
//! target bodies `cargo fuzz` runs (`fuzz/src/core_targets.rs`): what once crashed stays
//! fixed, without a nightly toolchain. Fuzzing itself: RELIABILITY.md, "Fuzzing".

#![cfg(feature = "webhooks")]
#![allow(clippy::unwrap_used)]

#[path = "../../../fuzz/src/core_targets.rs"]
mod core_targets;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn scanned_codes() {
    replay("barcode", core_targets::barcode);
}

#[test]
fn omise_signature_headers() {
    replay("omise_signature", core_targets::omise_signature);
}

#[test]
fn wooshpay_signature_headers() {
    replay("wooshpay_signature", core_targets::wooshpay_signature);
}

#[test]
fn emvco_payloads() {
    replay("emvco", core_targets::emvco);
}

#[test]
fn ids_codes_times_and_wire_objects() {
    replay("wire_text", core_targets::wire_text);
}
