//! `redlines test`: run the rule tests (SPEC §4).

use std::path::PathBuf;

use super::{EXIT_BLOCKED, EXIT_CLEAR, EXIT_INVALID, Output};
use crate::diagnostic::render_all;
use crate::proposal::Limits;
use crate::testing::{self, TestOptions};

/// Arguments of `redlines test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Test files, or folders searched for `*.test.yaml` files [default: the
    /// `tests/` folder beside the rules folder, so `tests/` for `rules/`]
    #[arg(value_name = "DIR")]
    pub paths: Vec<PathBuf>,
    /// The folder of `.redline` rule files under test.
    #[arg(long, default_value = "rules", value_name = "DIR")]
    pub rules: PathBuf,
    /// Largest file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::files::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

/// Runs the tests and returns the exit code: 0 when every case passes, 1
/// when one fails, 2 when the rules or the tests are invalid.
pub fn run(args: &TestArgs, output: &mut Output) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![testing::default_tests_dir(&args.rules)]
    } else {
        args.paths.clone()
    };
    let options = TestOptions {
        paths,
        rules_dir: args.rules.clone(),
        max_file_size: args.max_file_size,
        limits: Limits::default(),
    };
    match testing::run(&options) {
        Ok(run) => {
            output.print(&testing::render(&run, output.style));
            if run.failed() == 0 {
                EXIT_CLEAR
            } else {
                EXIT_BLOCKED
            }
        }
        Err(failure) => {
            output.eprint(&render_all(
                &failure.diagnostics,
                &failure.sources,
                output.style,
            ));
            EXIT_INVALID
        }
    }
}
