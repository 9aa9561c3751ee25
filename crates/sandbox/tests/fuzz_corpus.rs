//! Replays every input the coverage-guided fuzzers kept for the sandbox's request parsers
//! (`fuzz/corpus/<target>/`, crashes in `fuzz/artifacts/<target>/`) through the same target
//! bodies `cargo fuzz` runs (`fuzz/src/sandbox_targets.rs`). Fuzzing itself: RELIABILITY.md.

#![allow(clippy::unwrap_used)]

#[path = "../../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../../fuzz/src/sandbox_targets.rs"]
mod sandbox_targets;

use replay::replay;

#[test]
fn request_parameters() {
    replay("params", sandbox_targets::params);
}

#[test]
fn presented_keys() {
    replay("keys", sandbox_targets::keys);
}
