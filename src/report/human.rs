//! The human format: a verdict line per proposal, each finding as a miette
//! report pointing into the rule and the proposal, and a summary.

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Severity, Style, render};
use crate::eval::Outcome;
use crate::run::{CheckRun, ProposalReport, RunContext};
use crate::source::Sources;

use super::finding_diagnostic_in;

/// Counts of failed findings by severity.
#[derive(Default)]
struct Tally {
    redlines: usize,
    undetermined: usize,
    concerns: usize,
    notes: usize,
    passed: usize,
}

impl Tally {
    fn of(run: &RunContext<'_>, report: &ProposalReport) -> Tally {
        let mut tally = Tally::default();
        for finding in &report.findings {
            let severity = run.rule(finding).severity;
            match (finding.outcome, severity) {
                (Outcome::Pass, _) => tally.passed += 1,
                (Outcome::NotApplicable, _) => {}
                (Outcome::Violated, Severity::Error) => tally.redlines += 1,
                (Outcome::Undetermined, Severity::Error) => tally.undetermined += 1,
                (_, Severity::Warning) => tally.concerns += 1,
                (_, Severity::Note) => tally.notes += 1,
            }
        }
        tally
    }

    fn add(&mut self, other: &Tally) {
        self.redlines += other.redlines;
        self.undetermined += other.undetermined;
        self.concerns += other.concerns;
        self.notes += other.notes;
        self.passed += other.passed;
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.redlines > 0 {
            parts.push(count(
                self.redlines,
                "red line crossed",
                "red lines crossed",
            ));
        }
        if self.undetermined > 0 {
            parts.push(count(
                self.undetermined,
                "red line undetermined",
                "red lines undetermined",
            ));
        }
        if self.concerns > 0 {
            parts.push(count(self.concerns, "concern", "concerns"));
        }
        if self.notes > 0 {
            parts.push(count(self.notes, "note", "notes"));
        }
        parts.push(count(self.passed, "rule passes", "rules pass"));
        parts.join(", ")
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Renders the whole run.
pub fn render_run(run: &CheckRun, style: Style, deny_warnings: bool) -> String {
    let mut out = render_warnings(&run.warnings, &run.sources, style);
    let mut totals = Totals::default();
    let context = run.context();
    for report in &run.reports {
        let piece = render_report(&context, report, style, deny_warnings);
        out.push_str(&piece.text);
        totals.add(&piece);
    }
    out.push_str(&totals.render(run.selected.len()));
    out
}

/// The static warnings, first in the report.
pub fn render_warnings(warnings: &[Diagnostic], sources: &Sources, style: Style) -> String {
    let mut out = String::new();
    for warning in warnings {
        out.push_str(&render(warning, sources, style));
        out.push('\n');
    }
    out
}

/// One proposal's part of the report: its verdict line and findings, and
/// what the summary counts of it.
pub struct Piece {
    /// The text.
    pub text: String,
    tally: Tally,
    blocked: bool,
}

/// What the summary line counts.
#[derive(Default)]
pub struct Totals {
    proposals: usize,
    blocked: usize,
    tally: Tally,
}

impl Piece {
    /// Whether the proposal blocks the run.
    pub fn blocked(&self) -> bool {
        self.blocked
    }
}

impl Totals {
    /// Counts one proposal's piece.
    pub fn add(&mut self, piece: &Piece) {
        self.proposals += 1;
        self.blocked += usize::from(piece.blocked);
        self.tally.add(&piece.tally);
    }

    /// The summary line, for a run of `rules` selected rules.
    pub fn render(&self, rules: usize) -> String {
        format!(
            "{} against {}: {} blocked, {} clear; {}\n",
            count(self.proposals, "proposal checked", "proposals checked"),
            count(rules, "rule", "rules"),
            self.blocked,
            self.proposals - self.blocked,
            self.tally.describe()
        )
    }
}

/// Renders one proposal: its verdict line, then each failed finding.
pub fn render_report(
    run: &RunContext<'_>,
    report: &ProposalReport,
    style: Style,
    deny_warnings: bool,
) -> Piece {
    let mut out = String::new();
    let tally = Tally::of(run, report);
    let blocked = report.findings.iter().any(|f| run.blocks(f, deny_warnings));
    let (mark, verdict) = if blocked {
        ("✗", "blocked")
    } else {
        ("✓", "clear")
    };
    let file = run.sources.name(report.proposal.span.source);
    let _ = writeln!(
        out,
        "{mark} {} ({file}): {verdict}: {}",
        report.proposal.id.value,
        tally.describe()
    );
    for finding in &report.findings {
        let Some(diagnostic) = finding_diagnostic_in(run, finding) else {
            continue;
        };
        out.push('\n');
        out.push_str(&render(&diagnostic, run.sources, style));
        if let Some(trace) = &finding.trace {
            out.push_str("  evaluation:\n");
            for line in trace.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    out.push('\n');
    Piece {
        text: out,
        tally,
        blocked,
    }
}
