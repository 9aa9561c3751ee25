//! Replays every input the fuzzers kept for a target (`fuzz/corpus/<target>/`, and any crash
//! in `fuzz/artifacts/<target>/`): shared by the crates' `fuzz_corpus` tests, which include it.

/// Runs every kept input of `target` through `run`; refuses a target with none kept.
pub fn replay(target: &str, run: fn(&[u8])) {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut count = 0;
    for kept in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(kept).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a kept input can be listed").path();
            run(&std::fs::read(&path).expect("a kept input can be read"));
            count += 1;
        }
    }
    assert!(
        count > 0,
        "no kept inputs for {target}: run `cargo fuzz run {target}`"
    );
}
