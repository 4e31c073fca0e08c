//! `redlines check`: proposals against rules, in one of the output formats.

use super::{CheckArgs, EXIT_BLOCKED, EXIT_CLEAR, EXIT_INVALID, Format, Output};
use crate::diagnostic::render_all;
use crate::proposal::Limits;
use crate::report::{github, human, json, junit, sarif, stream};
use crate::rules::RuleLimits;
use crate::run::{self, CheckOptions, Verdict};
use crate::syntax::LengthLimits;

/// Runs `check` and returns the exit code.
pub fn run(args: &CheckArgs, output: &mut Output) -> u8 {
    let options = CheckOptions {
        paths: args.paths.clone(),
        rules_dir: args.rules.clone(),
        as_party: args.as_party.clone(),
        explain: args.explain,
        jobs: args.jobs,
        max_file_size: args.max_file_size,
        limits: Limits {
            max_depth: args.max_yaml_depth,
            max_aliases: args.max_yaml_aliases,
            max_nodes: args.max_yaml_nodes,
            max_string_len: args.max_string_length,
        },
        rule_limits: RuleLimits {
            max_rules: args.max_rules,
            lengths: LengthLimits {
                max_string_len: args.max_string_length,
                ..LengthLimits::default()
            },
        },
    };
    // The human and github formats are written as proposals are checked.
    if let Some(code) = streamed(args, &options, output) {
        return code;
    }
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

/// Runs `check` in a format rendered as proposals are checked (human,
/// github); `None` for the other formats.
fn streamed(args: &CheckArgs, options: &CheckOptions, output: &mut Output) -> Option<u8> {
    let format = match args.format {
        Format::Human => stream::Streamed::Human,
        Format::Github => stream::Streamed::Github,
        Format::Json | Format::Sarif | Format::Junit => return None,
    };
    let style = output.style;
    let result = stream::check(options, format, style, args.deny_warnings, &mut |text| {
        output.print(text)
    });
    Some(match result {
        Ok(Verdict::Clear) => EXIT_CLEAR,
        Ok(Verdict::Blocked) => EXIT_BLOCKED,
        Err(failure) => {
            output.eprint(&render_all(
                &failure.diagnostics,
                &failure.sources,
                output.style,
            ));
            if format == stream::Streamed::Github {
                output.print(&github::render_failure(
                    &failure.sources,
                    &failure.diagnostics,
                ));
            }
            EXIT_INVALID
        }
    })
}
