//! Reporters: turn a [`CheckRun`](crate::run::CheckRun) into the output
//! formats of SPEC §4.

mod array;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod location;
pub mod sarif;
pub mod stream;

use crate::diagnostic::Diagnostic;
use crate::eval::Outcome;
use crate::run::{CheckRun, Finding, RunContext};

/// The diagnostic a violated or undetermined finding is shown as: labels in
/// the rule file and the proposal, the `because` as help.
pub fn finding_diagnostic(run: &CheckRun, finding: &Finding) -> Option<Diagnostic> {
    finding_diagnostic_in(&run.context(), finding)
}

/// [`finding_diagnostic`] for a run whose reports are handed on as they
/// are made (see [`crate::run::walk`]).
pub fn finding_diagnostic_in(context: &RunContext<'_>, finding: &Finding) -> Option<Diagnostic> {
    let explanation = finding.explanation.as_ref()?;
    let rule = context.rule(finding);
    let text = explanation.message.as_deref().unwrap_or(&rule.title);
    let (code, message) = match finding.outcome {
        Outcome::Violated => (
            "redlines::finding::violated",
            format!("{}: {text}", rule.id),
        ),
        Outcome::Undetermined => (
            "redlines::finding::undetermined",
            format!("{}: {text} (undetermined)", rule.id),
        ),
        Outcome::Pass | Outcome::NotApplicable => return None,
    };
    let mut diagnostic = Diagnostic::error(code, message)
        .with_severity(rule.severity)
        .with_primary(explanation.rule_span, explanation.summary.clone());
    for (span, text) in &explanation.rule_labels {
        diagnostic = diagnostic.with_label(*span, text.clone());
    }
    for (span, text) in &explanation.proposal_labels {
        diagnostic = diagnostic.with_label(*span, text.clone());
    }
    let mut help = Vec::new();
    if finding.outcome == Outcome::Undetermined {
        help.push(match rule.keyword {
            "redline" => format!(
                "{}; a red line that cannot be decided counts as crossed",
                explanation.summary
            ),
            _ => format!(
                "{}; this {} cannot be decided",
                explanation.summary, rule.keyword
            ),
        });
    }
    if explanation.message.is_some() {
        help.push(format!("{} {}: {}", rule.keyword, rule.id, rule.title));
    }
    if let Some(because) = &rule.because {
        help.push(because.clone());
    }
    if !help.is_empty() {
        diagnostic = diagnostic.with_help(help.join("\n"));
    }
    Some(diagnostic)
}
