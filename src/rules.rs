//! Loading a folder of `.redline` files into a checked rule set.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::check::{self, ParsedFile, typed::RuleSet};
use crate::diagnostic::Diagnostic;
use crate::files;
use crate::source::{SourceId, Sources, Span};
use crate::syntax::{self, LengthLimits, ast};

/// Rules loaded from a folder: the checked set and its warnings.
pub struct LoadedRules {
    /// The checked rules.
    pub rules: RuleSet,
    /// Static warnings (unused `let`s, ...).
    pub warnings: Vec<Diagnostic>,
    /// String literals compared with party fields, for the unknown-party
    /// warning once proposals are read.
    pub party_literals: Vec<(String, Span)>,
}

/// Most rules in one run by default.
pub const DEFAULT_MAX_RULES: usize = 10_000;

/// Bounds on the rule files of a run, so that hostile input fails fast
/// with a diagnostic (nesting is bounded by the parser itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleLimits {
    /// Most `redline`, `concern` and `note` rules over all files.
    pub max_rules: usize,
    /// Longest names and strings.
    pub lengths: LengthLimits,
}

impl Default for RuleLimits {
    fn default() -> RuleLimits {
        RuleLimits {
            max_rules: DEFAULT_MAX_RULES,
            lengths: LengthLimits::default(),
        }
    }
}

/// Loads every `.redline` file under `dir` (sorted by path), parses and
/// checks them together. Returns every diagnostic of every file on failure.
pub fn load_rules(
    dir: &Path,
    sources: &mut Sources,
    max_file_size: u64,
) -> Result<LoadedRules, Vec<Diagnostic>> {
    load_rules_limited(dir, sources, max_file_size, &RuleLimits::default())
}

/// [`load_rules`] under the given limits.
pub fn load_rules_limited(
    dir: &Path,
    sources: &mut Sources,
    max_file_size: u64,
    limits: &RuleLimits,
) -> Result<LoadedRules, Vec<Diagnostic>> {
    let paths = files::find_files(&[dir.to_path_buf()], &["redline"])?;
    if paths.is_empty() {
        return Err(vec![
            Diagnostic::error(
                "redlines::io::no_rules",
                format!("no `.redline` files in `{}`", files::display(dir)),
            )
            .with_help(
                "point `--rules` at a folder of rule files, or run `redlines init` to start one",
            ),
        ]);
    }
    load_rule_files_limited(&paths, sources, max_file_size, limits)
}

/// Loads the given rule files, parses and checks them together.
pub fn load_rule_files(
    paths: &[PathBuf],
    sources: &mut Sources,
    max_file_size: u64,
) -> Result<LoadedRules, Vec<Diagnostic>> {
    load_rule_files_limited(paths, sources, max_file_size, &RuleLimits::default())
}

/// [`load_rule_files`] under the given limits.
pub fn load_rule_files_limited(
    paths: &[PathBuf],
    sources: &mut Sources,
    max_file_size: u64,
    limits: &RuleLimits,
) -> Result<LoadedRules, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        match files::read_file(path, sources, max_file_size) {
            Ok(id) => files.push((id, stem(path))),
            Err(e) => errors.push(e),
        }
    }
    check_rule_sources(&files, sources, limits, errors)
}

/// Parses and checks rule files already in `sources`, each with the owner
/// used when it declares no party or coalition (its stem). `errors` holds
/// problems found before (unreadable files), reported with the rest.
pub fn check_rule_sources(
    files: &[(SourceId, String)],
    sources: &Sources,
    limits: &RuleLimits,
    mut errors: Vec<Diagnostic>,
) -> Result<LoadedRules, Vec<Diagnostic>> {
    // Files are parsed on every core, the longest first so that no core is
    // left with a long file at the end; the rules are then checked together.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sources.file(files[i].0).text.len()));
    let mut results: Vec<(usize, Result<ast::File, Vec<Diagnostic>>)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            let id = files[i].0;
            (i, syntax::parse_file(&sources.file(id).text, id))
        })
        .collect();
    results.sort_by_key(|(i, _)| *i);
    let results = results.into_iter().map(|(_, result)| result);
    let mut parsed: Vec<(ast::File, String)> = Vec::new();
    for (result, (_, stem)) in results.zip(files) {
        match result {
            Ok(file) => {
                errors.extend(syntax::check_lengths(&file, &limits.lengths));
                parsed.push((file, stem.clone()));
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if let Some(over) = too_many_rules(&parsed, limits.max_rules) {
        errors.push(over);
        return Err(errors);
    }
    let inputs: Vec<ParsedFile<'_>> = parsed
        .iter()
        .map(|(file, stem)| ParsedFile {
            file,
            stem: stem.clone(),
        })
        .collect();
    let checked = check::check_files(&inputs);
    drop(inputs);
    // The syntax trees are not needed past the checker; freeing them takes
    // 0.4 ms for 1,000 rules, spent on the pool instead of before the run
    // can go on.
    rayon::spawn(move || drop(parsed));
    errors.extend(checked.diagnostics.iter().filter(|d| d.is_error()).cloned());
    match checked.rules {
        Some(rules) if errors.is_empty() => Ok(LoadedRules {
            rules,
            warnings: checked.diagnostics,
            party_literals: checked.party_literals,
        }),
        _ => {
            let mut all = errors;
            all.extend(checked.diagnostics.into_iter().filter(|d| !d.is_error()));
            check::sort_diagnostics(&mut all, sources);
            Err(all)
        }
    }
}

/// A diagnostic at the first rule past `max_rules`, if there is one.
fn too_many_rules(parsed: &[(ast::File, String)], max_rules: usize) -> Option<Diagnostic> {
    let over = parsed
        .iter()
        .flat_map(|(file, _)| &file.items)
        .filter_map(|item| match item {
            ast::Item::Rule(rule) => Some(rule.id.span),
            _ => None,
        })
        .nth(max_rules)?;
    Some(
        Diagnostic::error(
            "redlines::limit::rules",
            format!("more than {max_rules} rules in the rule files"),
        )
        .with_primary(over, "this rule is over the limit")
        .with_help("raise the limit with `--max-rules` if these rules are genuine"),
    )
}

/// The owner id of a file with no `party` or `coalition`: its stem.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
