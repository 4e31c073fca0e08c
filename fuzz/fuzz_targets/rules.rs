//! Fuzz target `rules`: see `redlines::generate::fuzz_rules`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redlines::generate::fuzz_rules(data));
