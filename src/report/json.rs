//! The json format: one document per run, in the versioned schema of
//! `docs/json-output.md`. Keys come in a fixed order (struct order), so the
//! output is stable from run to run.

use serde::Serialize;

use crate::check::typed::Scope;
use crate::diagnostic::Diagnostic;
use crate::run::{CheckRun, Finding, ProposalReport, Verdict};
use crate::source::Sources;

use super::finding_diagnostic;
use super::location::{
    Counts, Location, SeverityCounts, failed, failing_statement, proposal_span, rule_span,
    severity_word,
};

/// The schema version; bumped on any change that could break a reader.
pub const VERSION: &str = "1";

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

#[derive(Default, Serialize)]
struct Summary {
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
    let mut summary = Summary {
        proposals: run.reports.len(),
        rules: run.selected.len(),
        ..Summary::default()
    };
    let mut proposals = Vec::new();
    let mut findings = Vec::new();
    for report in &run.reports {
        let mut outcomes = Counts::default();
        let mut blocks = false;
        for finding in &report.findings {
            outcomes.add(finding.outcome);
            summary.outcomes.add(finding.outcome);
            blocks |= run.blocks(finding, deny_warnings);
            if failed(finding) {
                summary.severities.add(run.rule(finding).severity);
            }
            if include_passes || failed(finding) {
                findings.push(finding_entry(run, report, finding, deny_warnings));
            }
        }
        summary.blocked += usize::from(blocks);
        proposals.push(ProposalEntry {
            id: &report.proposal.id.value,
            file: run.sources.name(report.proposal.span.source),
            location: Location::of(&run.sources, report.proposal.id.span),
            verdict: if blocks { "blocked" } else { "clear" },
            outcomes,
        });
    }
    let document = Document {
        version: VERSION,
        verdict: match run.verdict(deny_warnings) {
            Verdict::Clear => "clear",
            Verdict::Blocked => "blocked",
        },
        summary,
        proposals,
        findings,
        warnings: run
            .warnings
            .iter()
            .map(|d| diagnostic_entry(&run.sources, d))
            .collect(),
        errors: Vec::new(),
    };
    to_text(&document)
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
    run: &'a CheckRun,
    report: &'a ProposalReport,
    finding: &'a Finding,
    deny_warnings: bool,
) -> FindingEntry<'a> {
    let rule = run.rule(finding);
    let explanation = finding.explanation.as_ref().map(|explanation| {
        let diagnostic = finding_diagnostic(run, finding);
        ExplanationEntry {
            code: diagnostic
                .as_ref()
                .map_or("redlines::finding::violated", |d| d.code),
            summary: &explanation.summary,
            statement: failing_statement(run, finding),
            because: rule.because.as_deref(),
            help: diagnostic.as_ref().and_then(|d| d.help.clone()),
            labels: diagnostic
                .map(|d| labels(&run.sources, &d))
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
        rule_location: Location::of(&run.sources, rule_span(run, finding)),
        proposal_location: Location::of(&run.sources, proposal_span(report, finding)),
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
