//! The json format: one document per run, in the versioned schema of
//! `docs/json-output.md`. Keys come in a fixed order (struct order), so the
//! output is stable from run to run.

use serde::Serialize;

use crate::check::typed::Scope;
use crate::diagnostic::Diagnostic;
use crate::run::{CheckRun, Finding, ProposalReport, RunContext, Verdict};
use crate::source::Sources;

use super::array::{Entries, SEPARATOR, entry, split_at_empty};
use super::finding_diagnostic_in;
use super::location::{
    Counts, Location, SeverityCounts, failed, failing_statement, proposal_span, rule_span,
    severity_word,
};

/// The schema version; bumped on any change that could break a reader.
pub const VERSION: &str = "1";

/// How deep the long arrays (`proposals`, `findings`) are: keys of the
/// top-level object.
pub(crate) const DEPTH: usize = 1;

/// The whole document.
#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    verdict: &'static str,
    summary: Summary,
    proposals: Vec<ProposalEntry<'a>>,
    findings: Vec<FindingEntry<'a>>,
    warnings: Vec<DiagnosticEntry>,
    errors: Vec<DiagnosticEntry>,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct Summary {
    proposals: usize,
    blocked: usize,
    rules: usize,
    outcomes: Counts,
    severities: SeverityCounts,
}

#[derive(Serialize)]
struct ProposalEntry<'a> {
    id: &'a str,
    file: &'a str,
    location: Location,
    verdict: &'static str,
    outcomes: Counts,
}

#[derive(Serialize)]
struct FindingEntry<'a> {
    proposal: &'a str,
    file: &'a str,
    rule: &'a str,
    title: &'a str,
    party: &'a str,
    scope: &'static str,
    kind: &'static str,
    severity: &'static str,
    outcome: &'static str,
    blocks: bool,
    message: &'a str,
    explanation: Option<ExplanationEntry<'a>>,
    rule_location: Location,
    proposal_location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a str>,
}

#[derive(Serialize)]
struct ExplanationEntry<'a> {
    code: &'static str,
    summary: &'a str,
    statement: Option<String>,
    because: Option<&'a str>,
    help: Option<String>,
    labels: Vec<LabelEntry>,
}

#[derive(Serialize)]
struct LabelEntry {
    text: String,
    primary: bool,
    location: Location,
}

#[derive(Serialize)]
struct DiagnosticEntry {
    code: &'static str,
    severity: &'static str,
    message: String,
    help: Option<String>,
    labels: Vec<LabelEntry>,
}

/// Renders a completed run. `include_passes` also lists the rules that
/// pass and those an `applies when` guard skipped.
pub fn render_run(run: &CheckRun, include_passes: bool, deny_warnings: bool) -> String {
    let context = run.context();
    let mut summary = Summary::default();
    let (mut proposals, mut proposals_text) = (Entries::new(DEPTH), String::new());
    let (mut findings, mut findings_text) = (Entries::new(DEPTH), String::new());
    for report in &run.reports {
        let piece = render_report(&context, report, include_passes, deny_warnings);
        summary.add(&piece.summary);
        proposals.add(&piece.proposal, &mut |text| proposals_text.push_str(text));
        findings.add(&piece.findings, &mut |text| findings_text.push_str(text));
    }
    let frame = Frame::new(
        summary,
        run.selected.len(),
        run.verdict(deny_warnings),
        &run.sources,
        &run.warnings,
    );
    [
        frame.head.as_str(),
        &proposals_text,
        &proposals.end(),
        &frame.middle,
        &findings_text,
        &findings.end(),
        &frame.tail,
    ]
    .concat()
}

impl Summary {
    /// Adds a piece's part of the summary.
    pub(crate) fn add(&mut self, piece: &Summary) {
        self.proposals += piece.proposals;
        self.blocked += piece.blocked;
        self.outcomes.merge(&piece.outcomes);
        self.severities.merge(&piece.severities);
    }
}

/// What one proposal adds to the document: its entry, its findings'
/// entries and its part of the summary.
#[derive(Debug)]
pub struct Piece {
    /// The proposal's entry, as it appears in `proposals`.
    pub(crate) proposal: String,
    /// Its findings' entries, as they appear in `findings` (may be empty).
    pub(crate) findings: String,
    /// Its part of the summary.
    pub(crate) summary: Summary,
}

impl Piece {
    /// Whether the proposal blocks the run.
    pub fn blocked(&self) -> bool {
        self.summary.blocked > 0
    }
}

/// Renders one proposal's report (see [`render_run`]).
pub fn render_report(
    context: &RunContext<'_>,
    report: &ProposalReport,
    include_passes: bool,
    deny_warnings: bool,
) -> Piece {
    let mut summary = Summary {
        proposals: 1,
        ..Summary::default()
    };
    let mut outcomes = Counts::default();
    let mut blocks = false;
    let mut findings = Vec::new();
    for finding in &report.findings {
        outcomes.add(finding.outcome);
        summary.outcomes.add(finding.outcome);
        blocks |= context.blocks(finding, deny_warnings);
        if failed(finding) {
            summary.severities.add(context.rule(finding).severity);
        }
        if include_passes || failed(finding) {
            findings.push(entry(
                &finding_entry(context, report, finding, deny_warnings),
                DEPTH,
            ));
        }
    }
    summary.blocked = usize::from(blocks);
    let proposal = ProposalEntry {
        id: &report.proposal.id.value,
        file: context.sources.name(report.proposal.span.source),
        location: Location::of(context.sources, report.proposal.id.span),
        verdict: if blocks { "blocked" } else { "clear" },
        outcomes,
    };
    Piece {
        proposal: entry(&proposal, DEPTH),
        findings: findings.join(SEPARATOR),
        summary,
    }
}

/// The document around the entries of its two long arrays: up to the
/// opening bracket of `proposals`, from its closing bracket to the opening
/// one of `findings`, and from its closing bracket on.
pub(crate) struct Frame {
    pub(crate) head: String,
    pub(crate) middle: String,
    pub(crate) tail: String,
}

impl Frame {
    /// The frame of a run of `rules` rules with this summary and verdict.
    pub(crate) fn new(
        summary: Summary,
        rules: usize,
        verdict: Verdict,
        sources: &Sources,
        warnings: &[Diagnostic],
    ) -> Frame {
        let document = Document {
            version: VERSION,
            verdict: match verdict {
                Verdict::Clear => "clear",
                Verdict::Blocked => "blocked",
            },
            summary: Summary { rules, ..summary },
            proposals: Vec::new(),
            findings: Vec::new(),
            warnings: warnings
                .iter()
                .map(|d| diagnostic_entry(sources, d))
                .collect(),
            errors: Vec::new(),
        };
        let text = to_text(&document);
        // The arrays are empty here; the summary before them holds only
        // numbers, so the last of each key is the array's.
        let (head, rest) = split_at_empty(&text, "proposals");
        let (middle, tail) = split_at_empty(&rest, "findings");
        Frame { head, middle, tail }
    }
}

/// Renders a run that could not start because the input is invalid: the
/// same document with verdict `invalid` and every problem under `errors`.
pub fn render_failure(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        diagnostics.iter().partition(|d| d.is_error());
    let document = Document {
        version: VERSION,
        verdict: "invalid",
        summary: Summary::default(),
        proposals: Vec::new(),
        findings: Vec::new(),
        warnings: warnings
            .into_iter()
            .map(|d| diagnostic_entry(sources, d))
            .collect(),
        errors: errors
            .into_iter()
            .map(|d| diagnostic_entry(sources, d))
            .collect(),
    };
    to_text(&document)
}

fn to_text(document: &Document<'_>) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}

fn finding_entry<'a>(
    run: &'a RunContext<'a>,
    report: &'a ProposalReport,
    finding: &'a Finding,
    deny_warnings: bool,
) -> FindingEntry<'a> {
    let rule = run.rule(finding);
    let explanation = finding.explanation.as_ref().map(|explanation| {
        let diagnostic = finding_diagnostic_in(run, finding);
        ExplanationEntry {
            code: diagnostic
                .as_ref()
                .map_or("redlines::finding::violated", |d| d.code),
            summary: &explanation.summary,
            statement: failing_statement(run, finding),
            because: rule.because.as_deref(),
            help: diagnostic.as_ref().and_then(|d| d.help.clone()),
            labels: diagnostic
                .map(|d| labels(run.sources, &d))
                .unwrap_or_default(),
        }
    });
    let message = finding
        .explanation
        .as_ref()
        .and_then(|e| e.message.as_deref())
        .unwrap_or(&rule.title);
    FindingEntry {
        proposal: &report.proposal.id.value,
        file: run.sources.name(report.proposal.span.source),
        rule: &rule.id,
        title: &rule.title,
        party: rule.scope.owner(),
        scope: match rule.scope {
            Scope::Party(_) => "party",
            Scope::Coalition { .. } => "coalition",
            Scope::Everyone(_) => "everyone",
        },
        kind: rule.keyword,
        severity: severity_word(rule.severity),
        outcome: finding.outcome.as_str(),
        blocks: run.blocks(finding, deny_warnings),
        message,
        explanation,
        rule_location: Location::of(run.sources, rule_span(run, finding)),
        proposal_location: Location::of(run.sources, proposal_span(report, finding)),
        trace: finding.trace.as_deref(),
    }
}

fn diagnostic_entry(sources: &Sources, diagnostic: &Diagnostic) -> DiagnosticEntry {
    DiagnosticEntry {
        code: diagnostic.code,
        severity: severity_word(diagnostic.severity),
        message: diagnostic.message.clone(),
        help: diagnostic.help.clone(),
        labels: labels(sources, diagnostic),
    }
}

fn labels(sources: &Sources, diagnostic: &Diagnostic) -> Vec<LabelEntry> {
    diagnostic
        .labels
        .iter()
        .map(|label| LabelEntry {
            text: label.text.clone(),
            primary: label.primary,
            location: Location::of(sources, label.span),
        })
        .collect()
}
