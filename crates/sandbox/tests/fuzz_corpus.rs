//! Replays every input the coverage-guided fuzzers kept for the sandbox's request parsers
//! (`fuzz/corpus/<target>/`, crashes in `fuzz/artifacts/<target>/`) through the same target
//! bodies `cargo fuzz` runs (`fuzz/src/sandbox_targets.rs`). Fuzzing itself: RELIABILITY.md.

#![allow(clippy::unwrap_used)]

#[path = "../../../fuzz/src/sandbox_targets.rs"]
mod sandbox_targets;

/// Runs every kept input of `target` through `run`.
fn replay(target: &str, run: fn(&[u8])) {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut count = 0;
    for kept in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(kept).join(target)) else {
            continue;
        };
        for entry in entries {
            run(&std::fs::read(entry.unwrap().path()).unwrap());
            count += 1;
        }
    }
    assert!(
        count > 0,
        "no kept inputs for {target}: run `cargo fuzz run {target}`"
    );
}

#[test]
fn request_parameters() {
    replay("params", sandbox_targets::params);
}

#[test]
fn presented_keys() {
    replay("keys", sandbox_targets::keys);
}
