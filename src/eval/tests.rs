//! Evaluator tests on hand-built checked rules: `tests/build.rs` composes
//! expressions with their text, `tests/fixture.rs` places them in a rule
//! file and builds proposals.

mod build;
mod explanations;
mod fixture;
mod semantics;

use build::{T, after, cmp, lit};
use fixture::{Fixture, Prop};

use crate::check::typed::CmpOp;
use crate::proposal::Proposal;
use crate::source::{Sources, Span};

use super::{Explanation, Outcome, Plan, RuleResult, Scratch, evaluate};

fn run(fx: Fixture, proposal: &Proposal) -> (RuleResult, Sources) {
    let (rules, sources) = fx.finish();
    let result = evaluate(&rules, &rules.rules[0], proposal, &sources);
    assert_eq!(
        result.explanation.is_some(),
        matches!(result.outcome, Outcome::Violated | Outcome::Undetermined),
        "{result:?}"
    );
    // The compiled plan decides every case exactly as the tree does.
    let plan = Plan::new(&rules, &[0]);
    let mut decided = Vec::new();
    plan.decide(&rules, proposal, &mut Scratch::default(), &mut decided);
    assert_eq!(decided, [(0, result.outcome)], "plan and tree disagree");
    (result, sources)
}

/// The outcome of `require t`.
fn outcome(t: T, proposal: &Proposal) -> Outcome {
    let mut fx = Fixture::new();
    fx.require(t);
    run(fx, proposal).0.outcome
}

/// The truth of a condition: `Some(b)`, or `None` when undetermined.
fn truth(t: T, proposal: &Proposal) -> Option<bool> {
    match outcome(t, proposal) {
        Outcome::Pass => Some(true),
        Outcome::Violated => Some(false),
        _ => None,
    }
}

/// The explanation of `require t`.
fn explain(fx: Fixture, proposal: &Proposal) -> (Explanation, Sources) {
    let (result, sources) = run(fx, proposal);
    (result.explanation.expect("a failing rule"), sources)
}

fn explain_require(t: T, proposal: &Proposal) -> (Explanation, Sources) {
    let mut fx = Fixture::new();
    fx.require(t);
    explain(fx, proposal)
}

fn us_offer() -> Proposal {
    Prop::new()
        .line("baseline", "10%", "10%")
        .line("reciprocal", "24%", "27.5%")
        .line("autos", "25%", "25%")
        .concession("japan", "investment", "Alaska LNG project", Some("$10bn"))
        .concession("japan", "purchase", "soybeans and corn", None)
        .concession("japan", "regulatory", "car safety standards", Some("$5bn"))
        .fact("ldp_majority", "false")
        .fact("mood", "tense")
        .done()
}

fn missing() -> T {
    cmp(after("rice"), CmpOp::Le, lit("15%"))
}

fn slice(sources: &Sources, span: Span) -> &str {
    sources.slice(span)
}
