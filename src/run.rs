//! The `check` pipeline as a library call: load rules, load proposals,
//! evaluate every applicable rule against every proposal, collect findings.
//! The CLI and the tests both go through [`check`].

mod pipeline;

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::check::typed::{Rule, RuleSet, Scope};
use crate::diagnostic::Diagnostic;
use crate::eval::{Explanation, Outcome};
use crate::files;
use crate::proposal::{Limits, Proposal};
use crate::rules::RuleLimits;
use crate::source::Sources;

pub use pipeline::{Consumer, RunContext, Walked, walk};

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
    /// Limits on rule files.
    pub rule_limits: RuleLimits,
    /// Threads that check proposals: 0 for one per core (or as many as
    /// `RAYON_NUM_THREADS` says), 1 to work on the calling thread alone.
    /// The output is the same whatever the number.
    pub jobs: usize,
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
            rule_limits: RuleLimits::default(),
            jobs: 0,
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
    /// Why it failed (violated and undetermined only). Boxed: a report has
    /// a finding for every rule and few fail, so findings stay small.
    pub explanation: Option<Box<Explanation>>,
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

/// Runs a whole check, keeping every report (see [`walk`] for a run
/// that hands reports on as they are made).
pub fn check(options: &CheckOptions) -> Result<CheckRun, CheckFailure> {
    let mut reports = Vec::new();
    let walked = walk(options, &pipeline::KeepReports, &mut |report| {
        reports.push(report);
    })?;
    Ok(CheckRun {
        sources: walked.sources,
        rules: walked.rules,
        selected: walked.selected,
        reports,
        warnings: walked.warnings,
    })
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
        // INVARIANT: findings are made with indices into this rule set.
        &self.rules.rules[finding.rule]
    }

    /// Whether a finding fails the run.
    pub fn blocks(&self, finding: &Finding, deny_warnings: bool) -> bool {
        self.context().blocks(finding, deny_warnings)
    }

    /// The files and rules of the run, for reporters.
    pub fn context(&self) -> RunContext<'_> {
        RunContext {
            sources: &self.sources,
            rules: &self.rules,
            selected: &self.selected,
        }
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
