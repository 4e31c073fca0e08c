//! Helpers shared by the integration tests that run the real binary.
//! Each test crate uses some of them.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `redlines` with `args` in `dir`, plain and 80 columns wide (output
/// to a pipe is never coloured).
pub fn redlines_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redlines"))
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "80")
        .env_remove("NO_COLOR")
        .output()
        .expect("the redlines binary runs")
}

/// Runs `redlines` with `args` in the package root.
pub fn redlines(args: &[&str]) -> Output {
    redlines_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}
