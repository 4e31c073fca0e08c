//! The junit format: a testsuite per proposal, a testcase per applicable
//! rule, for CI systems that show test reports.
//!
//! A finding that fails the run (a red line crossed or undetermined, or a
//! concern with `--deny-warnings`) is a `<failure>` whose text shows what
//! the rule expects beside what the proposal has; a concern or note that
//! does not fail the run passes with its finding in `<system-out>`; a rule
//! that `applies when` skipped is `<skipped>`.

use std::fmt::Write as _;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::eval::Outcome;
use crate::run::{CheckRun, Finding, ProposalReport};

use super::finding_diagnostic;
use super::location::{Location, failing_statement, proposal_span, rule_span};

/// Renders a completed run as JUnit XML.
pub fn render_run(run: &CheckRun, deny_warnings: bool) -> String {
    let mut report = Report::new("redlines");
    for proposal in &run.reports {
        report.add_test_suite(suite(run, proposal, deny_warnings));
    }
    // Writing XML into memory only fails on an I/O error, which a Vec never has.
    report.to_string().unwrap_or_default()
}

fn suite(run: &CheckRun, report: &ProposalReport, deny_warnings: bool) -> TestSuite {
    let file = run.sources.name(report.proposal.span.source);
    let mut suite = TestSuite::new(format!("{} ({file})", report.proposal.id.value));
    suite.add_property(Property::new("proposal", report.proposal.id.value.as_str()));
    suite.add_property(Property::new("file", file));
    for finding in &report.findings {
        suite.add_test_case(case(run, report, finding, deny_warnings));
    }
    suite
}

fn case(
    run: &CheckRun,
    report: &ProposalReport,
    finding: &Finding,
    deny_warnings: bool,
) -> TestCase {
    let rule = run.rule(finding);
    let status = match finding.outcome {
        Outcome::Pass => TestCaseStatus::success(),
        Outcome::NotApplicable => {
            let mut status = TestCaseStatus::skipped();
            status.set_message("not applicable: an `applies when` guard is false");
            status
        }
        Outcome::Violated | Outcome::Undetermined if run.blocks(finding, deny_warnings) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let message =
                finding_diagnostic(run, finding).map_or_else(|| rule.title.clone(), |d| d.message);
            status
                .set_message(message)
                .set_type(format!("{} {}", rule.keyword, finding.outcome.as_str()))
                .set_description(details(run, report, finding));
            status
        }
        Outcome::Violated | Outcome::Undetermined => TestCaseStatus::success(),
    };
    let non_blocking = matches!(status, TestCaseStatus::Success { .. })
        && matches!(finding.outcome, Outcome::Violated | Outcome::Undetermined);
    let mut case = TestCase::new(rule.id.as_str(), status);
    case.set_classname(report.proposal.id.value.as_str());
    if non_blocking {
        let message =
            finding_diagnostic(run, finding).map_or_else(|| rule.title.clone(), |d| d.message);
        case.set_system_out(format!(
            "{}: {message}\n{}",
            rule.keyword,
            details(run, report, finding)
        ));
    }
    case
}

/// Expected beside actual, and where to look in both files.
fn details(run: &CheckRun, report: &ProposalReport, finding: &Finding) -> String {
    let rule = run.rule(finding);
    let mut text = String::new();
    let expected = failing_statement(&run.context(), finding).map_or_else(
        || "the rule passes".to_owned(),
        |statement| format!("`{statement}` holds"),
    );
    let _ = writeln!(text, "expected: {expected}");
    let actual = finding
        .explanation
        .as_ref()
        .map_or("", |e| e.summary.as_str());
    let _ = writeln!(text, "actual:   {}: {actual}", finding.outcome.as_str());
    let rule_at = Location::of(&run.sources, rule_span(&run.context(), finding));
    let _ = writeln!(
        text,
        "rule:     {}:{}:{}",
        rule_at.file, rule_at.line, rule_at.column
    );
    let proposal_at = Location::of(&run.sources, proposal_span(report, finding));
    let _ = writeln!(
        text,
        "proposal: {}:{}:{}",
        proposal_at.file, proposal_at.line, proposal_at.column
    );
    if let Some(because) = &rule.because {
        let _ = writeln!(text, "because:  {because}");
    }
    text
}
