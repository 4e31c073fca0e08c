//! Why an expression is undetermined: missing data, a division by zero, a
//! clash only the proposal's values reveal. Reasons are kept as data (spans
//! and borrowed names) and put into words only when a finding is reported,
//! so an undetermined operand that `and`/`or` absorbs costs no allocation.

use crate::proposal::Proposal;
use crate::source::{Sources, Span};
use crate::value::{Currency, Unit};

use super::value::{currency_name, unit_phrase};

/// An undetermined result.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Undet<'a> {
    /// What is missing or wrong.
    pub(crate) why: Why<'a>,
    /// The rule sub-expression where it arose.
    pub(crate) span: Span,
    /// The proposal value (or key) involved, if any.
    pub(crate) at: Option<Span>,
    /// The outermost `let` reference it came through, if any: the place in
    /// the statement to point at.
    pub(crate) via_let: Option<Span>,
}

impl<'a> Undet<'a> {
    /// An undetermined result arising at `span`.
    pub(crate) fn new(why: Why<'a>, span: Span, at: Option<Span>) -> Undet<'a> {
        Undet {
            why,
            span,
            at,
            via_let: None,
        }
    }
}

/// Whose optional field is absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Holder<'a> {
    /// The proposal itself (`round`, `date`, ...).
    Proposal,
    /// The tariff line of this sector.
    Line(&'a str),
    /// The concession with this item.
    Concession(&'a str),
}

/// How a value of the wrong kind was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Usage {
    /// In a comparison with a value of another kind.
    Compared,
    /// In arithmetic with a value of another kind.
    Combined,
    /// As a condition.
    Condition,
    /// In an ordering comparison.
    Ordered,
}

/// What made an expression undetermined.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Why<'a> {
    /// `tariffs.SECTOR` with no such line.
    MissingLine { sector: &'a str },
    /// An absent optional field.
    MissingField {
        holder: Holder<'a>,
        field: &'static str,
    },
    /// `facts.NAME` with no such fact.
    MissingFact { name: &'a str },
    /// A division by zero.
    DivisionByZero,
    /// A result too large for an exact decimal.
    Overflow,
    /// Money of two currencies in one comparison or operation.
    Currencies {
        left: Span,
        right: Span,
        pair: (Currency, Currency),
        at_currency: Option<Currency>,
    },
    /// A `sum`, `min` or `max` over amounts of two currencies.
    ListCurrencies { pair: (Currency, Currency) },
    /// A `facts.*` value of the wrong kind.
    Mismatch {
        subject: Span,
        found: Unit,
        other: Option<Unit>,
        usage: Usage,
    },
    /// `min`/`max` of an empty list.
    Empty,
    /// Something the checker should have refused.
    Unsupported(&'static str),
}

/// The rule text of a span on one line, blanks collapsed.
pub(crate) fn text(sources: &Sources, span: Span) -> String {
    sources
        .slice(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Undet<'_> {
    /// The finding's summary: what is missing or wrong, naming the rule text.
    pub(crate) fn summary(&self, sources: &Sources) -> String {
        let here = text(sources, self.span);
        match &self.why {
            Why::MissingLine { sector } => {
                format!("{here} is missing: the proposal has no `{sector}` tariff line")
            }
            Why::MissingField { holder, field } => match holder {
                Holder::Proposal => format!("{here} is missing: the proposal has no `{field}`"),
                Holder::Line(sector) => {
                    format!("{here} is missing: the `{sector}` tariff line has no `{field}`")
                }
                Holder::Concession(item) => {
                    format!("{here} is missing: the concession `{item}` has no `{field}`")
                }
            },
            Why::MissingFact { name } => {
                format!("{here} is missing: the proposal has no fact `{name}`")
            }
            Why::DivisionByZero => format!("division by zero in `{here}`"),
            Why::Overflow => format!("arithmetic overflow in `{here}`"),
            Why::Currencies {
                left, right, pair, ..
            } => format!(
                "`{here}` mixes currencies: {} is in {} and {} in {}",
                text(sources, *left),
                currency_name(pair.0),
                text(sources, *right),
                currency_name(pair.1)
            ),
            Why::ListCurrencies { pair } => format!(
                "`{here}` mixes amounts of different currencies: {} and {}",
                currency_name(pair.0),
                currency_name(pair.1)
            ),
            Why::Mismatch {
                subject,
                found,
                other,
                usage,
            } => {
                let subject = text(sources, *subject);
                let found = unit_phrase(*found);
                match (usage, other) {
                    (Usage::Compared, Some(other)) => {
                        format!(
                            "{subject} is {found}, compared with {}",
                            unit_phrase(*other)
                        )
                    }
                    (Usage::Combined, Some(other)) => {
                        format!(
                            "{subject} is {found}, used in arithmetic with {}",
                            unit_phrase(*other)
                        )
                    }
                    (Usage::Condition, _) => format!("{subject} is {found}, used as a condition"),
                    (Usage::Ordered, _) => format!("{subject} is {found}, which has no order"),
                    (_, None) => format!("{subject} is {found}, which does not fit here"),
                }
            }
            Why::Empty => format!("{here} has no value: the list is empty"),
            Why::Unsupported(what) => format!("{here} cannot be evaluated: {what}"),
        }
    }

    /// A short label for the rule sub-expression where it arose, when that
    /// is inside a `let` definition.
    pub(crate) fn rule_label(&self) -> &'static str {
        match self.why {
            Why::MissingLine { .. } | Why::MissingField { .. } | Why::MissingFact { .. } => {
                "missing"
            }
            Why::DivisionByZero => "division by zero",
            Why::Overflow => "overflow",
            Why::Currencies { .. } | Why::ListCurrencies { .. } => "mixed currencies",
            Why::Mismatch { .. } => "mismatched kinds",
            Why::Empty => "empty list",
            Why::Unsupported(_) => "undetermined",
        }
    }

    /// The label for the proposal value involved, if any.
    pub(crate) fn proposal_label(&self) -> Option<(Span, String)> {
        let at = self.at?;
        let label = match &self.why {
            Why::MissingLine { sector } => format!("no `{sector}` line here"),
            Why::MissingField { holder, field } => match holder {
                Holder::Proposal => format!("no `{field}` here"),
                Holder::Line(_) => format!("no `{field}` in this line"),
                Holder::Concession(_) => format!("no `{field}` in this concession"),
            },
            Why::MissingFact { name } => format!("no `{name}` fact here"),
            Why::DivisionByZero => "zero here".to_owned(),
            Why::Currencies {
                at_currency: Some(currency),
                ..
            } => format!("in {}", currency_name(*currency)),
            Why::ListCurrencies { pair } => format!("in {}", currency_name(pair.1)),
            Why::Mismatch { found, .. } => format!("{} here", unit_phrase(*found)),
            _ => return None,
        };
        Some((at, label))
    }
}

/// Where to point when a tariff line is missing: the `tariffs` key, else
/// the proposal id.
pub(crate) fn tariffs_anchor(proposal: &Proposal) -> Span {
    proposal.tariffs_span.unwrap_or(proposal.id.span)
}
