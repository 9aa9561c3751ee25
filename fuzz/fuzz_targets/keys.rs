#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| paywasm_fuzz::sandbox_targets::keys(data));
