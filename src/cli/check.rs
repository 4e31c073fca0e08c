//! `redlines check`: proposals against rules, in one of the output formats.

use super::{CheckArgs, EXIT_BLOCKED, EXIT_CLEAR, EXIT_INVALID, Format, Output};
use crate::diagnostic::render_all;
use crate::proposal::Limits;
use crate::report::{github, json, stream};
use crate::rules::RuleLimits;
use crate::run::{CheckOptions, Verdict};
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
    let format = match args.format {
        Format::Human => stream::Streamed::Human,
        Format::Github => stream::Streamed::Github,
        Format::Json => stream::Streamed::Json {
            include_passes: args.include_passes,
        },
        Format::Sarif => stream::Streamed::Sarif,
        Format::Junit => stream::Streamed::Junit,
    };
    streamed(args, &options, format, output)
}

/// Runs `check` with its reports rendered as proposals are checked, and
/// returns the exit code.
fn streamed(
    args: &CheckArgs,
    options: &CheckOptions,
    format: stream::Streamed,
    output: &mut Output,
) -> u8 {
    let style = output.style;
    let result = stream::check(options, format, style, args.deny_warnings, &mut |bytes| {
        output.write(bytes)
    });
    match result {
        Ok(Verdict::Clear) => EXIT_CLEAR,
        Ok(Verdict::Blocked) => EXIT_BLOCKED,
        Err(failure) => {
            output.eprint(&render_all(
                &failure.diagnostics,
                &failure.sources,
                output.style,
            ));
            // Machine readers get the problems in their own format too.
            match format {
                stream::Streamed::Json { .. } => output.print(&json::render_failure(
                    &failure.sources,
                    &failure.diagnostics,
                )),
                stream::Streamed::Github => output.print(&github::render_failure(
                    &failure.sources,
                    &failure.diagnostics,
                )),
                stream::Streamed::Human | stream::Streamed::Sarif | stream::Streamed::Junit => {}
            }
            EXIT_INVALID
        }
    }
}
