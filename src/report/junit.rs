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
use crate::run::{CheckRun, Finding, ProposalReport, RunContext};

use super::finding_diagnostic_in;
use super::location::{Location, failing_statement, proposal_span, rule_span};

/// Renders a completed run as JUnit XML.
pub fn render_run(run: &CheckRun, deny_warnings: bool) -> String {
    let context = run.context();
    let mut totals = Totals::default();
    let mut suites = String::new();
    for report in &run.reports {
        let piece = render_report(&context, report, deny_warnings);
        totals.add(&piece.totals);
        suites.push_str(&piece.suite);
    }
    let frame = Frame::new(&totals);
    [frame.head.as_str(), &suites, &frame.tail].concat()
}

/// What one proposal adds to the report: its `<testsuite>` and its counts.
#[derive(Debug)]
pub struct Piece {
    /// The testsuite element, on lines of its own, as in the whole report.
    pub(crate) suite: String,
    /// Its share of the counts on `<testsuites>`.
    pub(crate) totals: Totals,
    blocks: bool,
}

impl Piece {
    /// Whether the proposal blocks the run.
    pub fn blocked(&self) -> bool {
        self.blocks
    }
}

/// The counts on the `<testsuites>` element.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Totals {
    suites: usize,
    tests: usize,
    skipped: usize,
    failures: usize,
    errors: usize,
}

impl Totals {
    /// The counts of one suite.
    fn of(suite: &TestSuite) -> Totals {
        Totals {
            suites: 1,
            tests: suite.tests,
            skipped: suite.skipped,
            failures: suite.failures,
            errors: suite.errors,
        }
    }

    /// Adds a piece's counts.
    pub(crate) fn add(&mut self, other: &Totals) {
        self.suites += other.suites;
        self.tests += other.tests;
        self.skipped += other.skipped;
        self.failures += other.failures;
        self.errors += other.errors;
    }
}

/// Renders one proposal's testsuite (see [`render_run`]).
pub fn render_report(
    context: &RunContext<'_>,
    report: &ProposalReport,
    deny_warnings: bool,
) -> Piece {
    let suite = suite(context, report, deny_warnings);
    let totals = Totals::of(&suite);
    Piece {
        suite: suite_text(suite),
        totals,
        blocks: report
            .findings
            .iter()
            .any(|f| context.blocks(f, deny_warnings)),
    }
}

/// A testsuite element as it appears in a whole report. quick-junit
/// writes whole reports: this one holds the suite alone, between the lines
/// of `<testsuites>`.
fn suite_text(suite: TestSuite) -> String {
    let mut one = Report::new(NAME);
    one.add_test_suite(suite);
    let text = to_text(&one);
    let start = root_end(&text);
    let end = text.rfind(CLOSE).unwrap_or(text.len()).max(start);
    text[start..end].to_owned()
}

/// The report's name.
const NAME: &str = "redlines";

/// The line that closes `<testsuites>` after its suites.
const CLOSE: &str = "\n</testsuites>";

/// The report around the suites: up to the end of the `<testsuites>` tag
/// (with the run's counts), and from where it closes.
pub(crate) struct Frame {
    pub(crate) head: String,
    pub(crate) tail: String,
}

impl Frame {
    /// The frame of a run with these counts.
    pub(crate) fn new(totals: &Totals) -> Frame {
        let mut report = Report::new(NAME);
        report.tests = totals.tests;
        report.skipped = totals.skipped;
        report.failures = totals.failures;
        report.errors = totals.errors;
        let empty = to_text(&report);
        if totals.suites == 0 {
            return Frame {
                head: empty,
                tail: String::new(),
            };
        }
        let head = empty[..root_end(&empty)].to_owned();
        // With suites, the element closes on a line of its own.
        let mut one = Report::new(NAME);
        one.add_test_suite(TestSuite::new(""));
        let text = to_text(&one);
        let tail = text[text.rfind(CLOSE).unwrap_or(text.len())..].to_owned();
        Frame { head, tail }
    }
}

/// Where the `<testsuites>` start tag ends (its attributes are a name and
/// numbers, with no `>` in them).
fn root_end(text: &str) -> usize {
    text.find("<testsuites")
        .and_then(|at| text[at..].find('>').map(|end| at + end + 1))
        .unwrap_or(text.len())
}

fn to_text(report: &Report) -> String {
    // Writing XML into memory only fails on an I/O error, which a Vec never has.
    report.to_string().unwrap_or_default()
}

fn suite(context: &RunContext<'_>, report: &ProposalReport, deny_warnings: bool) -> TestSuite {
    let file = context.sources.name(report.proposal.span.source);
    let mut suite = TestSuite::new(format!("{} ({file})", report.proposal.id.value));
    suite.add_property(Property::new("proposal", report.proposal.id.value.as_str()));
    suite.add_property(Property::new("file", file));
    for finding in &report.findings {
        suite.add_test_case(case(context, report, finding, deny_warnings));
    }
    suite
}

fn case(
    run: &RunContext<'_>,
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
            let message = finding_diagnostic_in(run, finding)
                .map_or_else(|| rule.title.clone(), |d| d.message);
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
            finding_diagnostic_in(run, finding).map_or_else(|| rule.title.clone(), |d| d.message);
        case.set_system_out(format!(
            "{}: {message}\n{}",
            rule.keyword,
            details(run, report, finding)
        ));
    }
    case
}

/// Expected beside actual, and where to look in both files.
fn details(run: &RunContext<'_>, report: &ProposalReport, finding: &Finding) -> String {
    let rule = run.rule(finding);
    let mut text = String::new();
    let expected = failing_statement(run, finding).map_or_else(
        || "the rule passes".to_owned(),
        |statement| format!("`{statement}` holds"),
    );
    let _ = writeln!(text, "expected: {expected}");
    let actual = finding
        .explanation
        .as_ref()
        .map_or("", |e| e.summary.as_str());
    let _ = writeln!(text, "actual:   {}: {actual}", finding.outcome.as_str());
    let rule_at = Location::of(run.sources, rule_span(run, finding));
    let _ = writeln!(
        text,
        "rule:     {}:{}:{}",
        rule_at.file, rule_at.line, rule_at.column
    );
    let proposal_at = Location::of(run.sources, proposal_span(report, finding));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(index: usize) -> TestSuite {
        let mut suite = TestSuite::new(format!("p{index} (a <file> & \"more\")"));
        suite.add_test_case(TestCase::new("passes", TestCaseStatus::success()));
        let mut failure = TestCaseStatus::non_success(NonSuccessKind::Failure);
        failure
            .set_message("crossed")
            .set_description("expected: x\nactual: y\n");
        suite.add_test_case(TestCase::new("fails", failure));
        suite.add_test_case(TestCase::new("skipped", TestCaseStatus::skipped()));
        suite
    }

    #[test]
    fn a_report_streamed_suite_by_suite_is_the_report_written_whole() {
        for count in 0..3 {
            let mut whole = Report::new(NAME);
            let mut totals = Totals::default();
            let mut suites = String::new();
            for index in 0..count {
                whole.add_test_suite(suite(index));
                let one = suite(index);
                totals.add(&Totals::of(&one));
                suites.push_str(&suite_text(one));
            }
            let frame = Frame::new(&totals);
            let streamed = [frame.head, suites, frame.tail].concat();
            assert_eq!(streamed, to_text(&whole), "{count} suites");
        }
    }
}
