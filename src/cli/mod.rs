//! The command line (SPEC §4): one file per subcommand. Everything here is
//! also reachable through the library, so it can be tested in-process.

mod check;
mod fmt;
mod init;
mod output;
mod schema;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use fmt::FmtArgs;
pub use init::InitArgs;
pub use output::Output;
pub use test::TestArgs;

/// Exit code: nothing blocks.
pub const EXIT_CLEAR: u8 = 0;
/// Exit code: a red line is crossed or undetermined.
pub const EXIT_BLOCKED: u8 = 1;
/// Exit code: invalid input or misuse.
pub const EXIT_INVALID: u8 = 2;

/// Check draft trade-deal proposals against the red lines of the parties
/// who must sign them.
#[derive(Debug, Parser)]
#[command(name = "redlines", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check proposals against the rules.
    Check(CheckArgs),
    /// Run the rule tests: expected outcomes of rules on given proposals.
    Test(TestArgs),
    /// Scaffold a starter project: rules, proposals, tests and a CI workflow.
    Init(InitArgs),
    /// Rewrite `.redline` files in the canonical layout (`--check`: only show the diff).
    Fmt(FmtArgs),
    /// Print the JSON Schema of the proposal format, for editors.
    Schema,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable reports with source snippets.
    Human,
    /// One JSON document in the versioned schema of docs/json-output.md.
    Json,
    /// SARIF 2.1.0, for code-scanning annotations.
    Sarif,
    /// JUnit XML: a testsuite per proposal, a testcase per rule.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// Arguments of `redlines check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Proposal files or folders.
    #[arg(default_value = "proposals")]
    pub paths: Vec<PathBuf>,
    /// The folder of `.redline` rule files.
    #[arg(long, default_value = "rules", value_name = "DIR")]
    pub rules: PathBuf,
    /// Only the rules of PARTY and of the coalitions that list it.
    #[arg(long = "as", value_name = "PARTY")]
    pub as_party: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Concerns (and static warnings) also fail the run.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print the full evaluation trace of each finding.
    #[arg(long)]
    pub explain: bool,
    /// With `--format json`, also list passing and skipped rules.
    #[arg(long)]
    pub include_passes: bool,
    /// Threads that check proposals (0: one per core). The output is the
    /// same whatever the number; `--jobs 1` works on one thread.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Largest file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = redlines_default_max_file_size())]
    pub max_file_size: u64,
    /// Deepest nesting allowed in a proposal file.
    #[arg(long, value_name = "LEVELS", default_value_t = crate::proposal::Limits::default().max_depth)]
    pub max_yaml_depth: usize,
    /// Most YAML alias uses allowed in a proposal file.
    #[arg(long, value_name = "N", default_value_t = crate::proposal::Limits::default().max_aliases)]
    pub max_yaml_aliases: usize,
    /// Most values in a proposal file (an alias counts as what it names).
    #[arg(long, value_name = "N", default_value_t = crate::proposal::Limits::default().max_nodes)]
    pub max_yaml_nodes: usize,
    /// Longest string in a rule or proposal file, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::syntax::DEFAULT_MAX_STRING_LEN)]
    pub max_string_length: usize,
    /// Most rules over all rule files.
    #[arg(long, value_name = "N", default_value_t = crate::rules::DEFAULT_MAX_RULES)]
    pub max_rules: usize,
}

fn redlines_default_max_file_size() -> u64 {
    crate::files::DEFAULT_MAX_FILE_SIZE
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let mut output = Output::stdio();
    let code = match cli.command {
        Command::Check(args) => check::run(&args, &mut output),
        Command::Test(args) => test::run(&args, &mut output),
        Command::Init(args) => init::run(&args, &mut output),
        Command::Fmt(args) => fmt::run(&args, &mut output),
        Command::Schema => schema::run(&mut output),
    };
    ExitCode::from(code)
}
