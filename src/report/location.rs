//! What the machine formats share about a finding: where it is (file, line,
//! column in the rule and in the proposal), the statement that failed, and
//! counts over a run. Keeping this in one place makes every format point at
//! the same lines.

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::eval::Outcome;
use crate::run::{Finding, ProposalReport, RunContext};
use crate::source::{Sources, Span};

/// A range in a file, as people and editors count: 1-based lines and
/// columns (columns in characters), the end exclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file as given on the command line (relative paths stay relative).
    pub file: String,
    /// 1-based line of the first character.
    pub line: usize,
    /// 1-based column of the first character.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column just past the last character.
    pub end_column: usize,
}

impl Location {
    /// Where `span` is.
    pub fn of(sources: &Sources, span: Span) -> Location {
        let start = sources.start(span);
        let end = sources.end(span);
        Location {
            file: sources.name(span.source).to_owned(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

/// Where a finding points in the rule file: the smallest failing
/// sub-condition, or the rule's id when the rule did not fail.
pub fn rule_span(run: &RunContext<'_>, finding: &Finding) -> Span {
    finding
        .explanation
        .as_ref()
        .map_or(run.rule(finding).id_span, |e| e.rule_span)
}

/// Where a finding points in the proposal: the first proposal value that
/// caused it, else the proposal's id.
pub fn proposal_span(report: &ProposalReport, finding: &Finding) -> Span {
    finding
        .explanation
        .as_ref()
        .and_then(|e| e.proposal_labels.first())
        .map_or(report.proposal.id.span, |(span, _)| *span)
}

/// The checking statement (or `applies when` guard) of the rule that holds
/// the failing sub-condition, as written, on one line.
pub fn failing_statement(run: &RunContext<'_>, finding: &Finding) -> Option<String> {
    let failing = finding.explanation.as_ref()?.rule_span;
    let rule = run.rule(finding);
    let within = |span: Span| {
        span.source == failing.source && span.start <= failing.start && failing.end <= span.end
    };
    let text = |span: Span| one_line(run.sources.slice(span));
    if let Some(check) = rule.checks.iter().find(|check| within(check.span)) {
        return Some(text(check.span));
    }
    let guard = rule.guards.iter().find(|guard| within(guard.span))?;
    Some(format!("applies when {}", text(guard.span)))
}

/// `text` with every run of whitespace (line breaks included) made one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many findings of a run have each outcome, and how many failed
/// findings (violated or undetermined) have each severity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Findings that pass.
    pub pass: usize,
    /// Findings that are violated.
    pub violated: usize,
    /// Findings that are undetermined.
    pub undetermined: usize,
    /// Findings skipped by an `applies when` guard.
    pub not_applicable: usize,
}

/// Failed findings (violated or undetermined) by the severity of their rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    /// Red lines crossed or undetermined.
    pub error: usize,
    /// Concerns.
    pub warning: usize,
    /// Notes.
    pub note: usize,
}

impl Counts {
    /// Counts one finding.
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.pass += 1,
            Outcome::Violated => self.violated += 1,
            Outcome::Undetermined => self.undetermined += 1,
            Outcome::NotApplicable => self.not_applicable += 1,
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &Counts) {
        self.pass += other.pass;
        self.violated += other.violated;
        self.undetermined += other.undetermined;
        self.not_applicable += other.not_applicable;
    }
}

impl SeverityCounts {
    /// Counts one failed finding.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Note => self.note += 1,
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &SeverityCounts) {
        self.error += other.error;
        self.warning += other.warning;
        self.note += other.note;
    }
}

/// Whether a finding is one the formats list as a problem.
pub fn failed(finding: &Finding) -> bool {
    matches!(finding.outcome, Outcome::Violated | Outcome::Undetermined)
}

/// A severity in words, as the machine formats write it.
pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}
