#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| paywasm_fuzz::core_targets::wooshpay_signature(data));
