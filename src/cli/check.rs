//! `redlines check`: proposals against rules, in one of the output formats.

use super::{CheckArgs, EXIT_BLOCKED, EXIT_CLEAR, EXIT_INVALID, Format, Output};
use crate::diagnostic::render_all;
use crate::proposal::Limits;
use crate::report::human;
use crate::run::{self, CheckOptions, Verdict};

/// Runs `check` and returns the exit code.
pub fn run(args: &CheckArgs, output: &mut Output) -> u8 {
    let options = CheckOptions {
        paths: args.paths.clone(),
        rules_dir: args.rules.clone(),
        as_party: args.as_party.clone(),
        explain: args.explain,
        max_file_size: args.max_file_size,
        limits: Limits {
            max_depth: args.max_yaml_depth,
            max_aliases: args.max_yaml_aliases,
            ..Limits::default()
        },
    };
    let run = match run::check(&options) {
        Ok(run) => run,
        Err(failure) => {
            output.eprint(&render_all(
                &failure.diagnostics,
                &failure.sources,
                output.style,
            ));
            return EXIT_INVALID;
        }
    };
    let text = match args.format {
        Format::Human => human::render_run(&run, output.style, args.deny_warnings),
    };
    output.print(&text);
    match run.verdict(args.deny_warnings) {
        Verdict::Clear => EXIT_CLEAR,
        Verdict::Blocked => EXIT_BLOCKED,
    }
}
