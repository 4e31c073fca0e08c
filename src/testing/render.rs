//! How rule tests are shown: a line per case, each failed expectation as a
//! diagnostic under its case, the rules no case exercises, and a final
//! `N passed, M failed`.

use std::fmt::Write as _;

use crate::check::typed::Rule;
use crate::diagnostic::{Diagnostic, Style, render as render_diagnostic};
use crate::eval::{self, Outcome, RuleResult};

use super::TestRun;
use super::model::{Case, Expectation};

/// The diagnostic for an expectation that did not hold: at the expectation
/// in the test file, and at the rule and the proposal value when the rule
/// failed.
pub(super) fn mismatch(
    case: &Case,
    expectation: &Expectation,
    rule: &Rule,
    actual: &RuleResult,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        "redlines::test::failed",
        format!(
            "expected `{}` to {}, but it {}",
            rule.id,
            infinitive(expectation.outcome),
            present(actual.outcome)
        ),
    )
    .with_primary(
        expectation.rule.span,
        format!(
            "expected {}, got {}",
            expectation.outcome.as_str(),
            actual.outcome.as_str()
        ),
    )
    .with_label(case.name.span, "in this case");
    match &actual.explanation {
        Some(explanation) => {
            diagnostic = diagnostic.with_label(explanation.rule_span, explanation.summary.clone());
            for (span, text) in explanation
                .rule_labels
                .iter()
                .chain(&explanation.proposal_labels)
            {
                diagnostic = diagnostic.with_label(*span, text.clone());
            }
        }
        None => {
            let text = match actual.outcome {
                Outcome::NotApplicable if !eval::applies_to(&rule.scope, &case.proposal) => {
                    format!(
                        "does not apply: `{}` is not among the proposal's parties",
                        rule.scope.owner()
                    )
                }
                Outcome::NotApplicable => "skipped: an `applies when` guard is false".to_owned(),
                _ => "every statement holds for this proposal".to_owned(),
            };
            diagnostic = diagnostic.with_label(rule.id_span, text);
        }
    }
    diagnostic
}

fn infinitive(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "pass",
        Outcome::Violated => "be violated",
        Outcome::Undetermined => "be undetermined",
        Outcome::NotApplicable => "be not applicable",
    }
}

fn present(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "passes",
        Outcome::Violated => "is violated",
        Outcome::Undetermined => "is undetermined",
        Outcome::NotApplicable => "is not applicable",
    }
}

/// Renders a whole test run.
pub fn render(run: &TestRun, style: Style) -> String {
    let mut out = String::new();
    for warning in &run.warnings {
        out.push_str(&render_diagnostic(warning, &run.sources, style));
        out.push('\n');
    }
    for file in &run.files {
        let _ = writeln!(out, "{}", file.file);
        for case in &file.cases {
            let mark = if case.failures.is_empty() {
                "✓"
            } else {
                "✗"
            };
            let _ = writeln!(out, "  {mark} {}", case.name);
            for failure in &case.failures {
                out.push('\n');
                out.push_str(&render_diagnostic(failure, &run.sources, style));
            }
            if !case.failures.is_empty() {
                out.push('\n');
            }
        }
    }
    if !run.unexercised.is_empty() {
        let count = run.unexercised.len();
        let rules = if count == 1 { "rule is" } else { "rules are" };
        let _ = writeln!(out, "\n⚠ {count} {rules} not exercised by any case:");
        let width = run
            .unexercised
            .iter()
            .map(|u| u.rule.len())
            .max()
            .unwrap_or(0);
        for unexercised in &run.unexercised {
            let at = run.sources.start(unexercised.span);
            let file = run.sources.name(unexercised.span.source);
            let _ = writeln!(
                out,
                "    {:width$}  {file}:{}:{}",
                unexercised.rule, at.line, at.column
            );
        }
    }
    let _ = writeln!(out, "\n{} passed, {} failed", run.passed(), run.failed());
    out
}
