//! The `redlines` command: argument parsing and dispatch only.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = redlines::cli::Cli::parse();
    redlines::cli::run(cli)
}
