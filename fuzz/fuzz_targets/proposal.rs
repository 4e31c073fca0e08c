//! Fuzz target `proposal`: see `redlines::generate::fuzz_proposal`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| redlines::generate::fuzz_proposal(data));
