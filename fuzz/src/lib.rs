//! The fuzz targets' bodies, one function per parser. `cargo fuzz run <target>` calls them
//! from `fuzz_targets/`; `npm test` replays every kept input (`corpus/`, `artifacts/`)
//! through the same functions in ordinary tests (`crates/core/tests/fuzz_corpus.rs`,
//! `crates/sandbox/tests/fuzz_corpus.rs`, which include these files).

#[path = "core_targets.rs"]
pub mod core_targets;
#[path = "sandbox_targets.rs"]
pub mod sandbox_targets;
