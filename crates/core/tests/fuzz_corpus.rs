//! Replays every input the coverage-guided fuzzers kept for the core's parsers (the corpus in
//! `fuzz/corpus/<target>/`, and any crash in `fuzz/artifacts/<target>/`) through the same
//! target bodies `cargo fuzz` runs (`fuzz/src/core_targets.rs`): what once crashed stays
//! fixed, without a nightly toolchain. Fuzzing itself: RELIABILITY.md, "Fuzzing".

#![cfg(feature = "webhooks")]
#![allow(clippy::unwrap_used)]

#[path = "../../../fuzz/src/core_targets.rs"]
mod core_targets;

/// Runs every kept input of `target` through `run`; how many there were.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut count = 0;
    for kept in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(kept).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            run(&std::fs::read(&path).unwrap());
            count += 1;
        }
    }
    assert!(
        count > 0,
        "no kept inputs for {target}: run `cargo fuzz run {target}`"
    );
    count
}

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
