//! The `redlines` command: argument parsing and dispatch only.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = redlines::cli::Cli::parse();
    redlines::cli::run(cli)
}
