//! The `check` pipeline as a library call: load rules, load proposals,
//! evaluate every applicable rule against every proposal, collect findings.
//! The CLI and the tests both go through [`check`].

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::check::typed::{Rule, RuleSet, Scope};
use crate::check::unknown_party_warnings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::eval::{self, Explanation, Outcome};
use crate::files;
use crate::proposal::{self, Limits, Proposal};
use crate::rules;
use crate::source::Sources;

/// What to check and how.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Proposal files or folders.
    pub paths: Vec<PathBuf>,
    /// The folder of `.redline` files.
    pub rules_dir: PathBuf,
    /// Only the rules of this party and of the coalitions that list it.
    pub as_party: Option<String>,
    /// Record the full evaluation trace of each finding.
    pub explain: bool,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Limits on proposal files.
    pub limits: Limits,
}

impl CheckOptions {
    /// The defaults of `redlines check`: `proposals/` against `rules/`.
    pub fn new() -> CheckOptions {
        CheckOptions {
            paths: vec![PathBuf::from("proposals")],
            rules_dir: PathBuf::from("rules"),
            as_party: None,
            explain: false,
            max_file_size: files::DEFAULT_MAX_FILE_SIZE,
            limits: Limits::default(),
        }
    }
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions::new()
    }
}

/// The outcome of one rule for one proposal.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Index of the rule in [`CheckRun::rules`].
    pub rule: usize,
    /// Pass, violated, undetermined or not applicable.
    pub outcome: Outcome,
    /// Why it failed (violated and undetermined only).
    pub explanation: Option<Explanation>,
    /// The full evaluation trace, with `--explain`.
    pub trace: Option<String>,
}

/// All findings for one proposal, in rule order.
#[derive(Clone, Debug)]
pub struct ProposalReport {
    /// The proposal.
    pub proposal: Proposal,
    /// One finding per rule that applies to the proposal's parties.
    pub findings: Vec<Finding>,
}

/// A completed check: everything the reporters need.
#[derive(Debug)]
pub struct CheckRun {
    /// Every file read.
    pub sources: Sources,
    /// The checked rules.
    pub rules: RuleSet,
    /// Indices of the rules selected (all, or those of `--as`).
    pub selected: Vec<usize>,
    /// Proposals with their findings, in path and document order.
    pub reports: Vec<ProposalReport>,
    /// Static warnings (unused `let`s, unknown parties).
    pub warnings: Vec<Diagnostic>,
}

/// A check that could not run: the input is invalid.
#[derive(Debug)]
pub struct CheckFailure {
    /// Every file read, for rendering.
    pub sources: Sources,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs a whole check.
pub fn check(options: &CheckOptions) -> Result<CheckRun, CheckFailure> {
    let mut sources = Sources::new();
    let loaded_rules = rules::load_rules(&options.rules_dir, &mut sources, options.max_file_size);
    let loaded_proposals = load_proposal_files(&options.paths, &mut sources, options);
    let (loaded_rules, proposals) = match (loaded_rules, loaded_proposals) {
        (Ok(rules), Ok(proposals)) => (rules, proposals),
        (rules, proposals) => {
            let mut diagnostics = rules.err().unwrap_or_default();
            diagnostics.extend(proposals.err().unwrap_or_default());
            return Err(CheckFailure {
                sources,
                diagnostics,
            });
        }
    };
    let proposal_parties: BTreeSet<String> = proposals
        .iter()
        .flat_map(|p| p.parties.value.iter().map(|party| party.value.clone()))
        .collect();
    let ruleset = loaded_rules.rules;
    let selected = match select_rules(&ruleset, options.as_party.as_deref(), &proposal_parties) {
        Ok(selected) => selected,
        Err(diagnostic) => {
            return Err(CheckFailure {
                sources,
                diagnostics: vec![diagnostic],
            });
        }
    };
    let mut warnings = loaded_rules.warnings;
    warnings.extend(unknown_party_warnings(
        &loaded_rules.party_literals,
        &ruleset,
        &proposal_parties,
    ));
    crate::check::sort_diagnostics(&mut warnings, &sources);
    let reports = proposals
        .into_iter()
        .map(|proposal| evaluate_proposal(&ruleset, &selected, proposal, &sources, options.explain))
        .collect();
    Ok(CheckRun {
        sources,
        rules: ruleset,
        selected,
        reports,
        warnings,
    })
}

/// Evaluates every selected rule that applies to one proposal.
fn evaluate_proposal(
    rules: &RuleSet,
    selected: &[usize],
    proposal: Proposal,
    sources: &Sources,
    explain: bool,
) -> ProposalReport {
    let findings = selected
        .iter()
        .filter(|&&index| eval::applies_to(&rules.rules[index].scope, &proposal))
        .map(|&index| {
            let rule = &rules.rules[index];
            let result = eval::evaluate(rules, rule, &proposal, sources);
            let failed = matches!(result.outcome, Outcome::Violated | Outcome::Undetermined);
            Finding {
                rule: index,
                outcome: result.outcome,
                explanation: result.explanation,
                trace: (explain && failed).then(|| eval::trace(rules, rule, &proposal, sources)),
            }
        })
        .collect();
    ProposalReport { proposal, findings }
}

/// Reads every proposal file under `paths`; all problems of all files.
fn load_proposal_files(
    paths: &[PathBuf],
    sources: &mut Sources,
    options: &CheckOptions,
) -> Result<Vec<Proposal>, Vec<Diagnostic>> {
    let files = files::find_files(paths, &["yaml", "yml", "json"])?;
    if files.is_empty() {
        let shown: Vec<String> = paths
            .iter()
            .map(|p| format!("`{}`", files::display(p)))
            .collect();
        return Err(vec![Diagnostic::error(
            "redlines::io::no_proposals",
            format!(
                "no proposal files (`.yaml`, `.yml`, `.json`) in {}",
                shown.join(", ")
            ),
        )]);
    }
    let mut proposals = Vec::new();
    let mut errors = Vec::new();
    for path in &files {
        let id = match files::read_file(path, sources, options.max_file_size) {
            Ok(id) => id,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match proposal::load_proposals(sources, id, &options.limits) {
            Ok(mut loaded) => proposals.append(&mut loaded),
            Err(mut e) => errors.append(&mut e),
        }
    }
    errors.extend(proposal::check_unique_ids(&proposals));
    if errors.is_empty() {
        Ok(proposals)
    } else {
        Err(errors)
    }
}

/// The rules `--as PARTY` selects: those owned by the party and by every
/// coalition that lists it. Without `--as`, every rule.
fn select_rules(
    rules: &RuleSet,
    as_party: Option<&str>,
    proposal_parties: &BTreeSet<String>,
) -> Result<Vec<usize>, Diagnostic> {
    let Some(party) = as_party else {
        return Ok((0..rules.rules.len()).collect());
    };
    let mentioned = proposal_parties.contains(party)
        || rules
            .owners
            .iter()
            .any(|owner| owner.id == party || owner.members.iter().any(|m| m == party));
    if !mentioned {
        let known: Vec<&str> = rules
            .owners
            .iter()
            .map(|o| o.id.as_str())
            .chain(proposal_parties.iter().map(String::as_str))
            .collect();
        let mut diagnostic = Diagnostic::error(
            "redlines::cli::unknown_party",
            format!("`--as {party}`: no rule file or proposal mentions this party"),
        );
        if let Some(help) = crate::diagnostic::suggestion(party, known) {
            diagnostic = diagnostic.with_help(help);
        }
        return Err(diagnostic);
    }
    Ok(rules
        .rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| selected_by(rule, party))
        .map(|(index, _)| index)
        .collect())
}

fn selected_by(rule: &Rule, party: &str) -> bool {
    match &rule.scope {
        Scope::Party(owner) => owner == party,
        Scope::Coalition { id, members } => id == party || members.iter().any(|m| m == party),
        Scope::Everyone(_) => false,
    }
}

/// How a run ends, as the exit code of SPEC §4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing blocks.
    Clear,
    /// A red line is crossed or undetermined (or, with `--deny-warnings`, a
    /// concern or warning).
    Blocked,
}

impl CheckRun {
    /// The rule a finding is about.
    pub fn rule(&self, finding: &Finding) -> &Rule {
        &self.rules.rules[finding.rule]
    }

    /// Whether a finding fails the run.
    pub fn blocks(&self, finding: &Finding, deny_warnings: bool) -> bool {
        let failed = matches!(finding.outcome, Outcome::Violated | Outcome::Undetermined);
        let severity = self.rule(finding).severity;
        failed && (severity == Severity::Error || (deny_warnings && severity == Severity::Warning))
    }

    /// The verdict of the whole run.
    pub fn verdict(&self, deny_warnings: bool) -> Verdict {
        let blocked = self
            .reports
            .iter()
            .flat_map(|r| &r.findings)
            .any(|f| self.blocks(f, deny_warnings))
            || (deny_warnings && !self.warnings.is_empty());
        if blocked {
            Verdict::Blocked
        } else {
            Verdict::Clear
        }
    }
}
