//! The human format: a verdict line per proposal, each finding as a miette
//! report pointing into the rule and the proposal, and a summary.

use std::fmt::Write as _;

use crate::diagnostic::{Severity, Style, render};
use crate::eval::Outcome;
use crate::run::{CheckRun, ProposalReport};

use super::finding_diagnostic;

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
    fn of(run: &CheckRun, report: &ProposalReport) -> Tally {
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
    let mut out = String::new();
    for warning in &run.warnings {
        out.push_str(&render(warning, &run.sources, style));
        out.push('\n');
    }
    let mut total = Tally::default();
    let mut blocked = 0;
    for report in &run.reports {
        let tally = Tally::of(run, report);
        total.add(&tally);
        let blocks = report.findings.iter().any(|f| run.blocks(f, deny_warnings));
        blocked += usize::from(blocks);
        let (mark, verdict) = if blocks {
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
            let Some(diagnostic) = finding_diagnostic(run, finding) else {
                continue;
            };
            out.push('\n');
            out.push_str(&render(&diagnostic, &run.sources, style));
            if let Some(trace) = &finding.trace {
                out.push_str("  evaluation:\n");
                for line in trace.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        out.push('\n');
    }
    let proposals = run.reports.len();
    let _ = writeln!(
        out,
        "{} against {}: {blocked} blocked, {} clear; {}",
        count(proposals, "proposal checked", "proposals checked"),
        count(run.selected.len(), "rule", "rules"),
        proposals - blocked,
        total.describe()
    );
    out
}
