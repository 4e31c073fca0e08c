//! Fuzz target `evaluate`: see `redlines::generate::fuzz_evaluate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redlines::generate::fuzz_evaluate(data));
