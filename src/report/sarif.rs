//! The sarif format: SARIF 2.1.0 for code-scanning annotations.
//!
//! Only the part of SARIF we fill is modelled, as plain serde structs; the
//! test suite validates the output against the official schema. Every
//! finding that is violated or undetermined is a result located at the
//! proposal value that caused it, with the rule as a related location.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::run::{CheckRun, Finding, ProposalReport, RunContext};
use crate::source::{Sources, Span};

use super::array::{Entries, SEPARATOR, entry, split_at_empty};
use super::finding_diagnostic_in;
use super::location::{failed, proposal_span};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    /// Our columns count characters, not UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Text>,
    default_configuration: Configuration,
    properties: Properties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

#[derive(Serialize)]
struct ResultProperties {
    proposal: String,
    outcome: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// How deep `results` is: a key of the run object in the top-level `runs`
/// array.
pub(crate) const DEPTH: usize = 3;

/// Renders a completed run as a SARIF log.
pub fn render_run(run: &CheckRun) -> String {
    let context = run.context();
    let mut findings = Entries::new(DEPTH);
    let mut text = String::new();
    for report in &run.reports {
        let piece = render_report(&context, report, false);
        findings.add(&piece.results, &mut |entries| text.push_str(entries));
    }
    let frame = Frame::new(&context, &run.warnings);
    [frame.open(&findings), text, frame.close(&findings)].concat()
}

/// What one proposal adds to the log: its results, and whether it blocks
/// the run.
#[derive(Debug)]
pub struct Piece {
    /// Its results, as they appear in `results` (may be empty).
    pub(crate) results: String,
    blocks: bool,
}

impl Piece {
    /// Whether the proposal blocks the run.
    pub fn blocked(&self) -> bool {
        self.blocks
    }
}

/// Renders one proposal's results (see [`render_run`]); `deny_warnings`
/// only decides whether it blocks the run.
pub fn render_report(
    context: &RunContext<'_>,
    report: &ProposalReport,
    deny_warnings: bool,
) -> Piece {
    let results: Vec<String> = report
        .findings
        .iter()
        .filter(|f| failed(f))
        .filter_map(|finding| finding_result(context, report, finding))
        .map(|result| entry(&result, DEPTH))
        .collect();
    Piece {
        results: results.join(SEPARATOR),
        blocks: report
            .findings
            .iter()
            .any(|f| context.blocks(f, deny_warnings)),
    }
}

/// The log around the results of the proposals: the tool and its rules,
/// and the results of the static warnings, which come first.
pub(crate) struct Frame {
    head: String,
    warnings: String,
    tail: String,
}

impl Frame {
    /// The frame of a run of these rules with these static warnings.
    pub(crate) fn new(context: &RunContext<'_>, warnings: &[Diagnostic]) -> Frame {
        let mut rules: Vec<Descriptor> = context
            .selected
            .iter()
            .map(|&index| rule_descriptor(context, index))
            .collect();
        let warning_codes: BTreeSet<&'static str> = warnings.iter().map(|w| w.code).collect();
        let first_code_index = rules.len();
        rules.extend(warning_codes.iter().map(|code| code_descriptor(code)));
        let mut warning_results = Vec::new();
        for warning in warnings {
            let index = warning_codes
                .iter()
                .position(|c| *c == warning.code)
                .unwrap_or(0);
            if let Some(result) = warning_result(context.sources, warning, first_code_index + index)
            {
                warning_results.push(entry(&result, DEPTH));
            }
        }
        Frame::around(&log(rules, Vec::new()), &warning_results)
    }

    /// The frame of `log`, whose results are empty, with the entries of
    /// the warnings' results.
    fn around(log: &Log, warnings: &[String]) -> Frame {
        let (head, tail) = split_at_empty(&to_text(log), "results");
        Frame {
            head,
            warnings: warnings.join(SEPARATOR),
            tail,
        }
    }

    /// The log up to the first result of a proposal: `findings` are those
    /// that follow.
    pub(crate) fn open(&self, findings: &Entries) -> String {
        let mut text = self.head.clone();
        if !self.warnings.is_empty() {
            text.push('\n');
            text.push_str(&self.warnings);
            if findings.any() {
                text.push(',');
            }
        }
        text
    }

    /// The log after the last result of a proposal.
    pub(crate) fn close(&self, findings: &Entries) -> String {
        let end = if self.warnings.is_empty() {
            findings.end()
        } else {
            Entries::closing(DEPTH)
        };
        end + &self.tail
    }
}

/// The log of a run with these rules and results.
fn log(rules: Vec<Descriptor>, results: Vec<SarifResult>) -> Log {
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "redlines",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

fn to_text(log: &Log) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(log).unwrap_or_default();
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_descriptor(context: &RunContext<'_>, index: usize) -> Descriptor {
    let rule = &context.rules.rules[index];
    let party = rule.scope.owner().to_owned();
    Descriptor {
        id: rule.id.clone(),
        short_description: Text {
            text: rule.title.clone(),
        },
        help: rule.because.as_ref().map(|because| Text {
            text: because.clone(),
        }),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: Properties {
            tags: vec![rule.keyword.to_owned(), party.clone()],
            party: Some(party),
            kind: Some(rule.keyword),
        },
    }
}

fn code_descriptor(code: &str) -> Descriptor {
    Descriptor {
        id: code.to_owned(),
        short_description: Text {
            text: format!("static check of the rule files: `{code}`"),
        },
        help: None,
        default_configuration: Configuration { level: "warning" },
        properties: Properties {
            party: None,
            kind: None,
            tags: vec!["static-check".to_owned()],
        },
    }
}

fn finding_result(
    context: &RunContext<'_>,
    report: &ProposalReport,
    finding: &Finding,
) -> Option<SarifResult> {
    let diagnostic = finding_diagnostic_in(context, finding)?;
    let explanation = finding.explanation.as_ref()?;
    let rule = context.rule(finding);
    let rule_index = context
        .selected
        .iter()
        .position(|&i| i == finding.rule)
        .unwrap_or(0);
    let sources = context.sources;
    let mut related = vec![location(
        sources,
        explanation.rule_span,
        Some(1),
        Some(format!(
            "{} {}: {}",
            rule.keyword, rule.id, explanation.summary
        )),
    )];
    let proposal_labels = explanation.proposal_labels.iter().skip(1);
    for (span, text) in explanation.rule_labels.iter().chain(proposal_labels) {
        related.push(location(
            sources,
            *span,
            Some(related.len() + 1),
            Some(text.clone()),
        ));
    }
    let primary_text = explanation.proposal_labels.first().map_or_else(
        || format!("in proposal `{}`", report.proposal.id.value),
        |(_, text)| text.clone(),
    );
    Some(SarifResult {
        rule_id: rule.id.clone(),
        rule_index,
        level: level(rule.severity),
        message: Text {
            text: format!("{}\n{}", diagnostic.message, explanation.summary),
        },
        locations: vec![location(
            sources,
            proposal_span(report, finding),
            None,
            Some(primary_text),
        )],
        related_locations: related,
        properties: Some(ResultProperties {
            proposal: report.proposal.id.value.clone(),
            outcome: finding.outcome.as_str(),
        }),
    })
}

fn warning_result(
    sources: &Sources,
    warning: &Diagnostic,
    rule_index: usize,
) -> Option<SarifResult> {
    let span = warning.primary_span()?;
    let related = warning
        .labels
        .iter()
        .filter(|label| label.span != span)
        .enumerate()
        .map(|(i, label)| location(sources, label.span, Some(i + 1), Some(label.text.clone())))
        .collect();
    let primary_text = warning
        .labels
        .iter()
        .find(|label| label.span == span)
        .map(|label| label.text.clone())
        .filter(|text| !text.is_empty());
    let message = match &warning.help {
        Some(help) => format!("{}\n{help}", warning.message),
        None => warning.message.clone(),
    };
    Some(SarifResult {
        rule_id: warning.code.to_owned(),
        rule_index,
        level: level(warning.severity),
        message: Text { text: message },
        locations: vec![location(sources, span, None, primary_text)],
        related_locations: related,
        properties: None,
    })
}

fn location(
    sources: &Sources,
    span: Span,
    id: Option<usize>,
    message: Option<String>,
) -> SarifLocation {
    let start = sources.start(span);
    let end = sources.end(span);
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(sources.name(span.source)),
            },
            region: Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            },
        },
        message: message.filter(|m| !m.is_empty()).map(|text| Text { text }),
    }
}

/// A file path as a URI reference: relative paths stay relative (code
/// scanning resolves them against the repository), absolute ones become
/// `file://` URIs; anything outside the unreserved set is percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str) -> SarifResult {
        SarifResult {
            rule_id: id.to_owned(),
            rule_index: 0,
            level: "error",
            message: Text {
                text: format!("{id} \"quoted\"\nsecond line"),
            },
            locations: Vec::new(),
            related_locations: Vec::new(),
            properties: None,
        }
    }

    #[test]
    fn a_log_streamed_around_its_warnings_is_the_log_written_whole() {
        for warnings in 0..3 {
            for findings in 0..3 {
                let warning_results: Vec<SarifResult> =
                    (0..warnings).map(|i| result(&format!("w{i}"))).collect();
                let finding_results: Vec<SarifResult> =
                    (0..findings).map(|i| result(&format!("f{i}"))).collect();
                let whole = to_text(&log(
                    Vec::new(),
                    warning_results
                        .iter()
                        .chain(&finding_results)
                        .map(|r| result(&r.rule_id))
                        .collect(),
                ));
                let warning_entries: Vec<String> =
                    warning_results.iter().map(|r| entry(r, DEPTH)).collect();
                let frame = Frame::around(&log(Vec::new(), Vec::new()), &warning_entries);
                let mut entries = Entries::new(DEPTH);
                let mut text = String::new();
                for finding in &finding_results {
                    entries.add(&entry(finding, DEPTH), &mut |t| text.push_str(t));
                }
                let streamed = [frame.open(&entries), text, frame.close(&entries)].concat();
                assert_eq!(streamed, whole, "{warnings} warnings, {findings} findings");
            }
        }
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            uri("proposals/us-offer-r1.yaml"),
            "proposals/us-offer-r1.yaml"
        );
        assert_eq!(uri("my proposals/é.yaml"), "my%20proposals/%C3%A9.yaml");
        assert_eq!(uri("/tmp/a.yaml"), "file:///tmp/a.yaml");
    }
}
