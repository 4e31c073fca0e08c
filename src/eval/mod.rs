//! Evaluation (SPEC §2.2, §2.3, §2.5, §3): the outcome of one checked rule on
//! one proposal, with fail-closed semantics for missing data, and for a
//! rule that fails an explanation that points at the smallest failing
//! sub-condition in the rule and at the proposal values that caused it.
//!
//! Runtime values borrow from the rules and the proposal; nothing is
//! formatted unless a rule fails (or a trace is asked for).

mod collection;
mod explain;
mod expr;
mod plan;
mod reason;
mod scope;
mod show;
mod trace;
mod value;

#[cfg(test)]
mod tests;

use crate::check::typed::{Check, CheckKind, Rule, RuleSet, Scope};
use crate::proposal::Proposal;
use crate::source::{Sources, Span};

use expr::Evaluator;
pub use plan::{Plan, Scratch};
use reason::Undet;

/// The outcome of one applicable rule on one proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every checking statement holds.
    Pass,
    /// A checking statement is violated.
    Violated,
    /// No statement is violated, but one cannot be decided (missing data,
    /// division by zero, ...), or an `applies when` guard cannot.
    Undetermined,
    /// An `applies when` guard is false: the rule is skipped.
    NotApplicable,
}

impl Outcome {
    /// The outcome in words, as the machine formats write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Violated => "violated",
            Outcome::Undetermined => "undetermined",
            Outcome::NotApplicable => "not_applicable",
        }
    }
}

/// Why a rule is violated or undetermined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// What failed, with the actual value beside the required one:
    /// "tariffs.autos.after is 25%, required <= 15%".
    pub summary: String,
    /// The smallest failing sub-condition, inside the failing statement as
    /// written (a `let` reference when the failure is inside the `let`).
    pub rule_span: Span,
    /// Secondary labels in rule files.
    pub rule_labels: Vec<(Span, String)>,
    /// The proposal values (or keys) that caused it.
    pub proposal_labels: Vec<(Span, String)>,
    /// The rule's `message`, interpolated (`?` for an undetermined part).
    pub message: Option<String>,
}

/// The outcome of one rule on one proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleResult {
    /// The outcome.
    pub outcome: Outcome,
    /// Present exactly for [`Outcome::Violated`] and [`Outcome::Undetermined`].
    pub explanation: Option<Explanation>,
}

/// Whether rules of `scope` apply to `proposal`: its party is one of the
/// proposal's parties, any member of its coalition is, or it applies to all.
pub fn applies_to(scope: &Scope, proposal: &Proposal) -> bool {
    let is_party = |id: &str| proposal.parties.value.iter().any(|p| p.value == id);
    match scope {
        Scope::Party(id) => is_party(id),
        Scope::Coalition { members, .. } => members.iter().any(|m| is_party(m)),
        Scope::Everyone(_) => true,
    }
}

/// Evaluates `rule` (of `rules`) on `proposal`. The caller has checked that
/// the rule applies to the proposal ([`applies_to`]); `applies when` guards
/// are handled here.
pub fn evaluate(
    rules: &RuleSet,
    rule: &Rule,
    proposal: &Proposal,
    sources: &Sources,
) -> RuleResult {
    let mut ev = Evaluator::new(rules, proposal);
    let (outcome, failure) = decide(&mut ev, rule);
    let explanation = failure.map(|failure| {
        let mut explanation = match failure {
            Failure::Violated(check) => explain::violation(&mut ev, check, sources),
            Failure::Undetermined(check, undet) => {
                explain::undetermined(&mut ev, check, &undet, sources)
            }
        };
        explanation.message = rule
            .message
            .as_ref()
            .map(|template| explain::message(&mut ev, template));
        explanation
    });
    RuleResult {
        outcome,
        explanation,
    }
}

/// The `--explain` trace of `rule` on `proposal`: the whole evaluation as an
/// indented tree, one line per sub-expression with its value.
pub fn trace(rules: &RuleSet, rule: &Rule, proposal: &Proposal, sources: &Sources) -> String {
    let mut ev = Evaluator::new(rules, proposal);
    let (outcome, _) = decide(&mut ev, rule);
    trace::rule(&mut ev, rule, outcome, sources)
}

/// The outcome of `rule` on `proposal`, without an explanation: what the
/// compiled [`Plan`] gives, computed by walking the tree.
pub(crate) fn outcome(rules: &RuleSet, rule: &Rule, proposal: &Proposal) -> Outcome {
    let mut ev = Evaluator::new(rules, proposal);
    decide(&mut ev, rule).0
}

/// What made a rule fail.
enum Failure<'a> {
    /// This statement is violated.
    Violated(&'a Check),
    /// This statement (or a guard, when `None`) is undetermined.
    Undetermined(Option<&'a Check>, Undet<'a>),
}

/// Guards first, then every check: violated if any check is, else
/// undetermined if any is, else pass.
fn decide<'a>(ev: &mut Evaluator<'a>, rule: &'a Rule) -> (Outcome, Option<Failure<'a>>) {
    let mut guard_undetermined = None;
    for guard in &rule.guards {
        match ev.truth(guard) {
            Ok(true) => {}
            Ok(false) => return (Outcome::NotApplicable, None),
            Err(undet) => {
                guard_undetermined.get_or_insert(undet);
            }
        }
    }
    if let Some(undet) = guard_undetermined {
        return (
            Outcome::Undetermined,
            Some(Failure::Undetermined(None, undet)),
        );
    }
    let mut undetermined = None;
    for check in &rule.checks {
        match status(ev, check) {
            Status::Holds => {}
            Status::Violated => return (Outcome::Violated, Some(Failure::Violated(check))),
            Status::Undetermined(undet) => {
                undetermined.get_or_insert((check, undet));
            }
        }
    }
    match undetermined {
        Some((check, undet)) => (
            Outcome::Undetermined,
            Some(Failure::Undetermined(Some(check), undet)),
        ),
        None => (Outcome::Pass, None),
    }
}

/// Whether one checking statement holds.
pub(crate) enum Status<'a> {
    Holds,
    Violated,
    Undetermined(Undet<'a>),
}

/// Evaluates one checking statement.
pub(crate) fn status<'a>(ev: &mut Evaluator<'a>, check: &'a Check) -> Status<'a> {
    let verdict = |truth, violated_when| match truth {
        Ok(value) if value == violated_when => Status::Violated,
        Ok(_) => Status::Holds,
        Err(undet) => Status::Undetermined(undet),
    };
    match &check.kind {
        CheckKind::Require(e) => verdict(ev.truth(e), false),
        CheckKind::Forbid(e) => verdict(ev.truth(e), true),
        CheckKind::Implies(a, b) => {
            let premise = ev.truth(a);
            if let Ok(false) = premise {
                return Status::Holds;
            }
            match (premise, ev.truth(b)) {
                (_, Ok(true)) => Status::Holds,
                (Ok(_), Ok(false)) => Status::Violated,
                (Err(undet), _) | (_, Err(undet)) => Status::Undetermined(undet),
            }
        }
    }
}
