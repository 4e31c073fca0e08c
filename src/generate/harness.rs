//! An in-memory `redlines check` over texts, and the fuzz targets' entry
//! points. A fuzz target is one call to one of these functions, so a
//! crashing input is replayed by a test with the same call.

use std::collections::BTreeSet;
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};

use super::{Scenario, TextFile};
use crate::check::{self, ParsedFile, unknown_party_warnings};
use crate::diagnostic::{self, Style};
use crate::eval::{self, Outcome};
use crate::proposal::{self, Limits};
use crate::report::{github, human, json, junit, sarif};
use crate::rules::{self, RuleLimits};
use crate::run::{CheckFailure, CheckRun, Finding, ProposalReport};
use crate::source::Sources;
use crate::syntax;

/// Every output format of one run (or the failure report of each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outputs {
    /// The human report, plain style.
    pub human: String,
    /// JSON, passes included.
    pub json: String,
    /// SARIF (empty for a failed run).
    pub sarif: String,
    /// JUnit XML (empty for a failed run).
    pub junit: String,
    /// GitHub workflow commands.
    pub github: String,
}

/// `redlines check` on texts instead of files: rule files, then proposal
/// files, with the default limits. `threads` evaluates the proposals on
/// that many threads (1: on this one); the result must not depend on it.
pub fn check_texts(
    rules: &[TextFile],
    proposals: &[TextFile],
    explain: bool,
    threads: usize,
) -> Result<CheckRun, CheckFailure> {
    let mut sources = Sources::new();
    let rule_files: Vec<_> = rules
        .iter()
        .map(|file| {
            let id = sources.add(file.name.clone(), file.text.clone());
            (id, stem(&file.name))
        })
        .collect();
    let checked =
        rules::check_rule_sources(&rule_files, &sources, &RuleLimits::default(), Vec::new());
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    let mut loaded = Vec::new();
    for file in proposals {
        let id = sources.add(file.name.clone(), file.text.clone());
        match proposal::load_proposals(&sources, id, &Limits::default()) {
            Ok(mut p) => loaded.append(&mut p),
            Err(mut e) => errors.append(&mut e),
        }
    }
    errors.extend(proposal::check_unique_ids(&loaded));
    let checked = match checked {
        Ok(checked) if errors.is_empty() => checked,
        _ => {
            return Err(CheckFailure {
                sources,
                diagnostics: errors,
            });
        }
    };
    let ruleset = checked.rules;
    let parties: BTreeSet<String> = loaded
        .iter()
        .flat_map(|p| p.parties.value.iter().map(|party| party.value.clone()))
        .collect();
    let mut warnings = checked.warnings;
    warnings.extend(unknown_party_warnings(
        &checked.party_literals,
        &ruleset,
        &parties,
    ));
    check::sort_diagnostics(&mut warnings, &sources);
    let selected: Vec<usize> = (0..ruleset.rules.len()).collect();
    let evaluate = |proposal: proposal::Proposal| {
        let findings = selected
            .iter()
            .filter(|&&i| eval::applies_to(&ruleset.rules[i].scope, &proposal))
            .map(|&i| {
                let rule = &ruleset.rules[i];
                let result = eval::evaluate(&ruleset, rule, &proposal, &sources);
                let failed = matches!(result.outcome, Outcome::Violated | Outcome::Undetermined);
                Finding {
                    rule: i,
                    outcome: result.outcome,
                    explanation: result.explanation.map(Box::new),
                    trace: (explain && failed)
                        .then(|| eval::trace(&ruleset, rule, &proposal, &sources)),
                }
            })
            .collect();
        ProposalReport { proposal, findings }
    };
    let reports = if threads <= 1 {
        loaded.into_iter().map(evaluate).collect()
    } else {
        in_threads(loaded, threads, &evaluate)
    };
    Ok(CheckRun {
        sources,
        rules: ruleset,
        selected,
        reports,
        warnings,
    })
}

/// Maps `f` over `items` on `threads` scoped threads, keeping the order.
fn in_threads<T: Send, R: Send>(
    items: Vec<T>,
    threads: usize,
    f: &(impl Fn(T) -> R + Sync),
) -> Vec<R> {
    let chunk = items.len().div_ceil(threads).max(1);
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        chunks.push(items.by_ref().take(chunk).collect());
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            // INVARIANT: a panic in a worker is a bug to surface, as on one thread.
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn stem(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every output format of a run, or of its failure.
pub fn render_all(result: &Result<CheckRun, CheckFailure>) -> Outputs {
    match result {
        Ok(run) => Outputs {
            human: human::render_run(run, Style::PLAIN, false),
            json: json::render_run(run, true, false),
            sarif: sarif::render_run(run),
            junit: junit::render_run(run, false),
            github: github::render_run(run),
        },
        Err(failure) => Outputs {
            human: diagnostic::render_all(&failure.diagnostics, &failure.sources, Style::PLAIN),
            json: json::render_failure(&failure.sources, &failure.diagnostics),
            sarif: String::new(),
            junit: String::new(),
            github: github::render_failure(&failure.sources, &failure.diagnostics),
        },
    }
}

/// Fuzz target `rules`: any text as a `.redline` file must parse or give
/// diagnostics, check, render and format without a panic; formatting a
/// file that parses must succeed and read back to the same tree.
pub fn fuzz_rules(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = TextFile {
        name: "rules/fuzz.redline".to_owned(),
        text: text.to_owned(),
    };
    let mut sources = Sources::new();
    let id = sources.add(file.name.clone(), file.text.clone());
    let parsed = syntax::parse_file(text, id);
    let diagnostics = match &parsed {
        Ok(tree) => {
            let _ = syntax::check_lengths(tree, &syntax::LengthLimits::default());
            let checked = check::check_files(&[ParsedFile {
                file: tree,
                stem: "fuzz".to_owned(),
            }]);
            let formatted = crate::fmt::format_source(text, id);
            if let Err(e) = &formatted {
                panic!("a file that parses does not format: {e:?}");
            }
            checked.diagnostics
        }
        Err(diagnostics) => diagnostics.clone(),
    };
    let _ = diagnostic::render_all(&diagnostics, &sources, Style::PLAIN);
    let _ = json::render_failure(&sources, &diagnostics);
    let _ = github::render_failure(&sources, &diagnostics);
}

/// The bundled rule files, to evaluate fuzzed proposals against.
const BUNDLED_RULES: [(&str, &str); 3] = [
    (
        "rules/japan.redline",
        include_str!("../../rules/japan.redline"),
    ),
    ("rules/us.redline", include_str!("../../rules/us.redline")),
    (
        "rules/coalition.redline",
        include_str!("../../rules/coalition.redline"),
    ),
];

/// Fuzz target `proposal`: any bytes as a proposal file (`.yaml` or
/// `.json`, under default or tight limits, chosen by the first byte) must
/// load or give diagnostics; what loads is checked against the bundled
/// rules and rendered in every format.
pub fn fuzz_proposal(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = if mode & 1 == 0 { "p.yaml" } else { "p.json" };
    let limits = if mode & 2 == 0 {
        Limits::default()
    } else {
        Limits {
            max_depth: 4,
            max_nodes: 64,
            max_aliases: 4,
            max_string_len: 16,
        }
    };
    let mut sources = Sources::new();
    let id = sources.add(name, text);
    match proposal::load_proposals(&sources, id, &limits) {
        Ok(proposals) => {
            let _ = proposal::check_unique_ids(&proposals);
            let rules: Vec<TextFile> = BUNDLED_RULES
                .iter()
                .map(|(name, text)| TextFile {
                    name: (*name).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect();
            let file = TextFile {
                name: name.to_owned(),
                text: text.to_owned(),
            };
            let result = check_texts(&rules, &[file], mode & 4 != 0, 1);
            let _ = render_all(&result);
        }
        Err(diagnostics) => {
            let _ = diagnostic::render_all(&diagnostics, &sources, Style::PLAIN);
            let _ = json::render_failure(&sources, &diagnostics);
            let _ = github::render_failure(&sources, &diagnostics);
        }
    }
}

/// Fuzz target `evaluate`: a generated well-typed rule set against
/// generated valid proposals must check, evaluate and render in every
/// format, twice with the same bytes.
pub fn fuzz_evaluate(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(scenario) = Scenario::arbitrary(&mut u) else {
        return;
    };
    let explain = u.arbitrary().unwrap_or(false);
    let first = check_texts(&scenario.rules, &scenario.proposals, explain, 1);
    if let Err(failure) = &first {
        panic!(
            "a generated scenario is invalid:\n{}\n{scenario:#?}",
            diagnostic::render_all(&failure.diagnostics, &failure.sources, Style::PLAIN)
        );
    }
    let outputs = render_all(&first);
    let second = render_all(&check_texts(
        &scenario.rules,
        &scenario.proposals,
        explain,
        2,
    ));
    assert_eq!(outputs, second, "the same check gave two outputs");
}
