//! The typed proposal of SPEC §1. Every value keeps the span it was read
//! from, so findings can point at the proposal line that caused them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::source::Span;
use crate::value::{Money, Scalar};

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written: the value itself, not its key.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// One proposal: one YAML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The whole document.
    pub span: Span,
    /// `proposal:` — the id, `[a-z0-9._-]+`, unique in a run.
    pub id: Spanned<String>,
    /// `title:`
    pub title: Option<Spanned<String>>,
    /// `deal:` — the negotiation it belongs to.
    pub deal: Option<Spanned<String>>,
    /// `round:` — an integer >= 1.
    pub round: Option<Spanned<Decimal>>,
    /// `date:`
    pub date: Option<Spanned<NaiveDate>>,
    /// `tabled_by:` — a party id from `parties`.
    pub tabled_by: Option<Spanned<String>>,
    /// `parties:` — two or more party ids; the span is the whole list.
    pub parties: Spanned<Vec<Spanned<String>>>,
    /// `tariffs:` — in file order; empty when absent.
    pub tariffs: Vec<TariffLine>,
    /// The `tariffs` key, when present (for "no such sector" labels).
    pub tariffs_span: Option<Span>,
    /// `concessions:` — in file order; empty when absent.
    pub concessions: Vec<Concession>,
    /// The `concessions` key, when present.
    pub concessions_span: Option<Span>,
    /// `facts:` — free-form key to scalar, in file order.
    pub facts: Vec<Fact>,
    /// The `facts` key, when present.
    pub facts_span: Option<Span>,
}

/// One sector's tariff line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TariffLine {
    /// The whole line (key and value).
    pub span: Span,
    /// The sector key, `[a-z0-9_]+`.
    pub sector: Spanned<String>,
    /// The rate before the deal, in percent.
    pub before: Spanned<Decimal>,
    /// The rate after the deal, in percent.
    pub after: Spanned<Decimal>,
    /// When the new rate takes effect.
    pub effective: Option<Spanned<NaiveDate>>,
    /// A quantity quota (a plain number).
    pub quota: Option<Spanned<Decimal>>,
    /// Free text.
    pub note: Option<Spanned<String>>,
}

/// What kind of thing a concession gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConcessionKind {
    /// `investment`
    Investment,
    /// `purchase`
    Purchase,
    /// `market-access`
    MarketAccess,
    /// `regulatory`
    Regulatory,
    /// `cooperation`
    Cooperation,
    /// `other`
    Other,
}

impl ConcessionKind {
    /// Every kind, in the order the SPEC lists them.
    pub const ALL: [ConcessionKind; 6] = [
        ConcessionKind::Investment,
        ConcessionKind::Purchase,
        ConcessionKind::MarketAccess,
        ConcessionKind::Regulatory,
        ConcessionKind::Cooperation,
        ConcessionKind::Other,
    ];

    /// The word used in proposals and rules.
    pub fn as_str(self) -> &'static str {
        match self {
            ConcessionKind::Investment => "investment",
            ConcessionKind::Purchase => "purchase",
            ConcessionKind::MarketAccess => "market-access",
            ConcessionKind::Regulatory => "regulatory",
            ConcessionKind::Cooperation => "cooperation",
            ConcessionKind::Other => "other",
        }
    }

    /// The kind written as `word`, if any.
    pub fn from_word(word: &str) -> Option<ConcessionKind> {
        ConcessionKind::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

/// One concession: what one party gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concession {
    /// The whole list item.
    pub span: Span,
    /// The party that gives it.
    pub by: Spanned<String>,
    /// What kind of thing it is.
    pub kind: Spanned<ConcessionKind>,
    /// What is given, in words.
    pub item: Spanned<String>,
    /// Its value, when given.
    pub amount: Option<Spanned<Money>>,
}

/// One entry of `facts:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// The key.
    pub key: Spanned<String>,
    /// The value, typed as a literal (`true`, `15%`, `$1bn`, text).
    pub value: Spanned<Scalar>,
}

/// The fields a tariff line has, as rules name them.
pub const TARIFF_LINE_FIELDS: [&str; 6] =
    ["sector", "before", "after", "effective", "quota", "note"];

/// The fields a concession has, as rules name them.
pub const CONCESSION_FIELDS: [&str; 4] = ["by", "kind", "item", "amount"];

/// The top-level keys of a proposal.
pub const PROPOSAL_FIELDS: [&str; 10] = [
    "proposal",
    "title",
    "deal",
    "round",
    "date",
    "tabled_by",
    "parties",
    "tariffs",
    "concessions",
    "facts",
];
