//! `redlines check`: proposals against rules, in one of the output formats.

use super::{CheckArgs, EXIT_BLOCKED, EXIT_CLEAR, EXIT_INVALID, Format, Output};
use crate::diagnostic::render_all;
use crate::proposal::Limits;
use crate::report::{github, human, json, junit, sarif};
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
            // Machine readers get the problems in their own format too.
            match args.format {
                Format::Json => output.print(&json::render_failure(
                    &failure.sources,
                    &failure.diagnostics,
                )),
                Format::Github => output.print(&github::render_failure(
                    &failure.sources,
                    &failure.diagnostics,
                )),
                Format::Human | Format::Sarif | Format::Junit => {}
            }
            return EXIT_INVALID;
        }
    };
    let text = match args.format {
        Format::Human => human::render_run(&run, output.style, args.deny_warnings),
        Format::Json => json::render_run(&run, args.include_passes, args.deny_warnings),
        Format::Sarif => sarif::render_run(&run),
        Format::Junit => junit::render_run(&run, args.deny_warnings),
        Format::Github => github::render_run(&run),
    };
    output.print(&text);
    match run.verdict(args.deny_warnings) {
        Verdict::Clear => EXIT_CLEAR,
        Verdict::Blocked => EXIT_BLOCKED,
    }
}
