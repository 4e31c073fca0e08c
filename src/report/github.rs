//! The github format: GitHub Actions workflow commands, one per finding,
//! so each violated or undetermined rule shows as an annotation on the
//! proposal line that caused it (`::error` for red lines, `::warning` for
//! concerns, `::notice` for notes).

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Severity};
use crate::eval::Outcome;
use crate::run::{CheckRun, ProposalReport, RunContext};
use crate::source::{Sources, Span};

use super::finding_diagnostic_in;
use super::location::{failed, proposal_span};

/// Renders a completed run: static warnings first, then every failed
/// finding in proposal and rule order.
pub fn render_run(run: &CheckRun) -> String {
    let mut out = render_warnings(&run.warnings, &run.sources);
    let context = run.context();
    for report in &run.reports {
        out.push_str(&render_report(&context, report));
    }
    out
}

/// The static warnings, first.
pub fn render_warnings(warnings: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for warning in warnings {
        push_diagnostic(&mut out, sources, warning, None);
    }
    out
}

/// The commands of one proposal's failed findings, in rule order.
pub fn render_report(run: &RunContext<'_>, report: &ProposalReport) -> String {
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| failed(f)) {
        let Some(diagnostic) = finding_diagnostic_in(run, finding) else {
            continue;
        };
        let rule = run.rule(finding);
        let title = format!("{} {}: {}", rule.keyword, rule.id, rule.title);
        // The title names the rule; the message says what failed, then why
        // the rule exists. An undetermined finding says what is missing
        // and what that means (the first line of its help).
        let mut message = diagnostic.message.clone();
        let detail = match (finding.outcome, &diagnostic.help, &finding.explanation) {
            (Outcome::Undetermined, Some(help), _) => help.lines().next().map(str::to_owned),
            (_, _, Some(explanation)) => Some(explanation.summary.clone()),
            _ => None,
        };
        for line in detail.iter().chain(&rule.because) {
            let _ = write!(message, "\n{line}");
        }
        let span = proposal_span(report, finding);
        push_command(
            &mut out,
            run.sources,
            diagnostic.severity,
            Some(span),
            &title,
            &message,
        );
    }
    out
}

/// Renders the problems of a run that could not start (invalid rules or
/// proposals), so they are annotated on the lines at fault too.
pub fn render_failure(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        push_diagnostic(&mut out, sources, diagnostic, Some(diagnostic.code));
    }
    out
}

fn push_diagnostic(
    out: &mut String,
    sources: &Sources,
    diagnostic: &Diagnostic,
    title: Option<&str>,
) {
    let mut message = diagnostic.message.clone();
    let primary = diagnostic.primary_span();
    if let Some(label) = diagnostic
        .labels
        .iter()
        .find(|l| Some(l.span) == primary && !l.text.is_empty())
    {
        let _ = write!(message, "\n{}", label.text);
    }
    if let Some(help) = &diagnostic.help {
        let _ = write!(message, "\n{help}");
    }
    push_command(
        out,
        sources,
        diagnostic.severity,
        primary,
        title.unwrap_or(diagnostic.code),
        &message,
    );
}

fn push_command(
    out: &mut String,
    sources: &Sources,
    severity: Severity,
    span: Option<Span>,
    title: &str,
    message: &str,
) {
    let command = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut properties = Vec::new();
    if let Some(span) = span {
        let start = sources.start(span);
        let end = sources.end(span);
        properties.push(format!(
            "file={}",
            escape_property(sources.name(span.source))
        ));
        properties.push(format!("line={}", start.line));
        if end.line == start.line {
            properties.push(format!("col={}", start.column));
            properties.push(format!("endColumn={}", end.column));
        } else {
            properties.push(format!("col={}", start.column));
            properties.push(format!("endLine={}", end.line));
        }
    }
    properties.push(format!("title={}", escape_property(title)));
    let _ = writeln!(
        out,
        "::{command} {}::{}",
        properties.join(","),
        escape_data(message)
    );
}

/// Escapes the message of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_properties_are_escaped() {
        assert_eq!(escape_data("50% off\r\nnext"), "50%25 off%0D%0Anext");
        assert_eq!(escape_property("a: b, c%\n"), "a%3A b%2C c%25%0A");
    }
}
