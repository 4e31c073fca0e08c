//! Rule tests as read from `*.test.yaml` files: cases, each a proposal and
//! the outcomes it should give, every part with its span.

use crate::eval::Outcome;
use crate::proposal::{Proposal, Spanned};
use crate::source::SourceId;

/// One test file.
#[derive(Clone, Debug)]
pub struct TestFile {
    /// The file in the run's sources.
    pub source: SourceId,
    /// Its cases, in file order.
    pub cases: Vec<Case>,
}

/// One case: a proposal and the outcomes some rules should give on it.
#[derive(Clone, Debug)]
pub struct Case {
    /// `name:`, shown in the report.
    pub name: Spanned<String>,
    /// The proposal, from `proposal:` (a file) or `given:` (inline).
    pub proposal: Proposal,
    /// `expect:`, in file order.
    pub expect: Vec<Expectation>,
}

/// One rule and the outcome it should have.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// The full rule id as written.
    pub rule: Spanned<String>,
    /// The index of that rule in the rule set.
    pub rule_index: usize,
    /// The outcome expected.
    pub outcome: Outcome,
}

/// The keys of `expect:`, one per outcome.
pub const OUTCOME_KEYS: [(&str, Outcome); 4] = [
    ("violated", Outcome::Violated),
    ("pass", Outcome::Pass),
    ("undetermined", Outcome::Undetermined),
    ("not_applicable", Outcome::NotApplicable),
];

/// The keys of a case.
pub const CASE_KEYS: [&str; 5] = ["name", "proposal", "given", "id", "expect"];
