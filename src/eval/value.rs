//! Runtime values: scalars borrowed from the rules or the proposal, single
//! tariff lines and concessions by index, and collections as selections of
//! the proposal's lists. Nothing here copies the proposal.

use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

use chrono::NaiveDate;

use crate::proposal::Proposal;
use crate::value::{self, Currency, Decimal, Money, Overflow, Scalar, Unit, currencies_meet};

/// One scalar at run time. Strings borrow from the rules or the proposal,
/// so reading a field never allocates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Atom<'a> {
    /// `true` / `false`.
    Bool(bool),
    /// A plain number.
    Number(Decimal),
    /// A percent (the number before `%`).
    Percent(Decimal),
    /// Money, possibly the currency-less zero.
    Money(Money),
    /// A date.
    Date(NaiveDate),
    /// Text.
    Str(&'a str),
}

impl<'a> Atom<'a> {
    /// Borrows a scalar.
    pub(crate) fn of(scalar: &'a Scalar) -> Atom<'a> {
        match scalar {
            Scalar::Bool(b) => Atom::Bool(*b),
            Scalar::Number(n) => Atom::Number(*n),
            Scalar::Percent(p) => Atom::Percent(*p),
            Scalar::Money(m) => Atom::Money(*m),
            Scalar::Date(d) => Atom::Date(*d),
            Scalar::Str(s) => Atom::Str(s),
        }
    }

    /// The kind of value, for messages.
    pub(crate) fn unit(self) -> Unit {
        match self {
            Atom::Bool(_) => Unit::Bool,
            Atom::Number(_) => Unit::Number,
            Atom::Percent(_) => Unit::Percent,
            Atom::Money(m) => Unit::Money(m.currency),
            Atom::Date(_) => Unit::Date,
            Atom::Str(_) => Unit::Str,
        }
    }

    /// The value as plain text, for messages (strings without quotes).
    pub(crate) fn plain(self) -> String {
        match self {
            Atom::Str(s) => s.to_owned(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Atom<'_> {
    /// Writes the value as a literal of the rule language.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Atom::Bool(b) => Scalar::Bool(b).fmt(f),
            Atom::Number(n) => Scalar::Number(n).fmt(f),
            Atom::Percent(p) => Scalar::Percent(p).fmt(f),
            Atom::Money(m) => m.fmt(f),
            Atom::Date(d) => Scalar::Date(d).fmt(f),
            Atom::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// One element of a collection, or a single non-collection value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Elem<'a> {
    /// A scalar.
    Atom(Atom<'a>),
    /// The tariff line at this index of `Proposal::tariffs`.
    Line(usize),
    /// The concession at this index of `Proposal::concessions`.
    Concession(usize),
}

/// A list of the proposal that a collection selects from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Base {
    /// `tariffs`
    Tariffs,
    /// `concessions`
    Concessions,
    /// `parties`
    Parties,
}

impl Base {
    /// How many elements the proposal has in this list.
    pub(crate) fn len(self, proposal: &Proposal) -> usize {
        match self {
            Base::Tariffs => proposal.tariffs.len(),
            Base::Concessions => proposal.concessions.len(),
            Base::Parties => proposal.parties.value.len(),
        }
    }

    /// The element at `index` (which must be below `len`).
    pub(crate) fn elem<'a>(self, proposal: &'a Proposal, index: usize) -> Elem<'a> {
        match self {
            Base::Tariffs => Elem::Line(index),
            Base::Concessions => Elem::Concession(index),
            Base::Parties => match proposal.parties.value.get(index) {
                Some(party) => Elem::Atom(Atom::Str(&party.value)),
                // INVARIANT: indices come from iterating `0..len`; an empty
                // string is a harmless stand-in that cannot happen.
                None => Elem::Atom(Atom::Str("")),
            },
        }
    }

    /// The noun for one element and for several, for labels.
    pub(crate) fn nouns(self) -> (&'static str, &'static str) {
        match self {
            Base::Tariffs => ("tariff line", "tariff lines"),
            Base::Concessions => ("concession", "concessions"),
            Base::Parties => ("party", "parties"),
        }
    }
}

/// Which elements of a [`Base`] a collection holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Sel {
    /// Every element.
    All,
    /// The elements whose bit is set (lists of at most 64 elements).
    Mask(u64),
    /// The elements at these indices, ascending.
    Indices(Rc<[usize]>),
}

impl Sel {
    /// The selected indices, ascending, of a list of `len` elements.
    pub(crate) fn iter(&self, len: usize) -> SelIter<'_> {
        match self {
            Sel::All => SelIter::Range(0..len),
            Sel::Mask(mask) => SelIter::Mask(*mask),
            Sel::Indices(indices) => SelIter::Indices(indices.iter()),
        }
    }

    /// How many elements are selected, of a list of `len`.
    pub(crate) fn count(&self, len: usize) -> usize {
        match self {
            Sel::All => len,
            Sel::Mask(mask) => mask.count_ones() as usize,
            Sel::Indices(indices) => indices.len(),
        }
    }

    /// Whether `index` is selected.
    pub(crate) fn contains(&self, index: usize) -> bool {
        match self {
            Sel::All => true,
            Sel::Mask(mask) => index < 64 && mask & (1u64 << index) != 0,
            Sel::Indices(indices) => indices.binary_search(&index).is_ok(),
        }
    }
}

/// Builds a [`Sel`] of a list of `len` elements, index by ascending index;
/// does not allocate for lists of at most 64 elements.
pub(crate) struct SelBuilder {
    len: usize,
    mask: u64,
    many: Vec<usize>,
}

impl SelBuilder {
    /// An empty selection of a list of `len` elements.
    pub(crate) fn new(len: usize) -> SelBuilder {
        SelBuilder {
            len,
            mask: 0,
            many: Vec::new(),
        }
    }

    /// Selects `index` (larger than every index selected before).
    pub(crate) fn keep(&mut self, index: usize) {
        if self.len <= 64 && index < 64 {
            self.mask |= 1u64 << index;
        } else {
            self.many.push(index);
        }
    }

    /// The selection.
    pub(crate) fn finish(self) -> Sel {
        if self.len <= 64 {
            Sel::Mask(self.mask)
        } else {
            Sel::Indices(self.many.into())
        }
    }
}

/// The indices a [`Sel`] selects.
pub(crate) enum SelIter<'s> {
    Range(std::ops::Range<usize>),
    Mask(u64),
    Indices(std::slice::Iter<'s, usize>),
}

impl Iterator for SelIter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            SelIter::Range(range) => range.next(),
            SelIter::Mask(mask) => {
                if *mask == 0 {
                    return None;
                }
                let index = mask.trailing_zeros() as usize;
                *mask &= *mask - 1;
                Some(index)
            }
            SelIter::Indices(indices) => indices.next().copied(),
        }
    }
}

/// A runtime value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// A scalar, a tariff line or a concession.
    One(Elem<'a>),
    /// A selection of one of the proposal's lists.
    Coll(Base, Sel),
    /// A computed list (a literal list or a projection).
    List(Rc<[Elem<'a>]>),
}

impl<'a> Value<'a> {
    /// A scalar value.
    pub(crate) fn atom(atom: Atom<'a>) -> Value<'a> {
        Value::One(Elem::Atom(atom))
    }

    /// The elements of a collection, or `None` for a single value.
    pub(crate) fn elems<'v>(&'v self, proposal: &'a Proposal) -> Option<Elems<'v, 'a>> {
        match self {
            Value::One(_) => None,
            Value::Coll(base, sel) => Some(Elems::Base {
                base: *base,
                proposal,
                indices: sel.iter(base.len(proposal)),
            }),
            Value::List(items) => Some(Elems::List(items.iter())),
        }
    }
}

/// Iterates the elements of a collection value.
pub(crate) enum Elems<'v, 'a> {
    Base {
        base: Base,
        proposal: &'a Proposal,
        indices: SelIter<'v>,
    },
    List(std::slice::Iter<'v, Elem<'a>>),
}

impl<'a> Iterator for Elems<'_, 'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        match self {
            Elems::Base {
                base,
                proposal,
                indices,
            } => indices.next().map(|i| base.elem(proposal, i)),
            Elems::List(items) => items.next().copied(),
        }
    }
}

/// Why two scalars cannot be compared or combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Clash {
    /// Money of two different currencies.
    Currencies(Currency, Currency),
    /// Values of two different kinds (only `facts.*` get here).
    Units(Unit, Unit),
    /// Values of a kind that has no order (strings, booleans).
    Unordered(Unit),
    /// A division by zero.
    DivisionByZero,
    /// The result does not fit an exact decimal.
    Overflow,
}

impl From<Overflow> for Clash {
    fn from(_: Overflow) -> Clash {
        Clash::Overflow
    }
}

/// Equality of two scalars of one kind.
pub(crate) fn equals(a: Atom<'_>, b: Atom<'_>) -> Result<bool, Clash> {
    match (a, b) {
        (Atom::Bool(x), Atom::Bool(y)) => Ok(x == y),
        (Atom::Str(x), Atom::Str(y)) => Ok(x == y),
        _ => order(a, b).map(Ordering::is_eq),
    }
}

/// Order of two numbers, percents, amounts of one currency or dates.
pub(crate) fn order(a: Atom<'_>, b: Atom<'_>) -> Result<Ordering, Clash> {
    match (a, b) {
        (Atom::Number(x), Atom::Number(y)) | (Atom::Percent(x), Atom::Percent(y)) => Ok(x.cmp(&y)),
        (Atom::Date(x), Atom::Date(y)) => Ok(x.cmp(&y)),
        (Atom::Money(x), Atom::Money(y)) => {
            meet(x, y)?;
            Ok(x.amount.cmp(&y.amount))
        }
        (Atom::Bool(_), Atom::Bool(_)) | (Atom::Str(_), Atom::Str(_)) => {
            Err(Clash::Unordered(a.unit()))
        }
        _ => Err(Clash::Units(a.unit(), b.unit())),
    }
}

fn meet(x: Money, y: Money) -> Result<Option<Currency>, Clash> {
    if currencies_meet(&x, &y) {
        Ok(x.currency.or(y.currency))
    } else {
        match (x.currency, y.currency) {
            (Some(a), Some(b)) => Err(Clash::Currencies(a, b)),
            // INVARIANT: `currencies_meet` holds when either is `None`.
            _ => Ok(None),
        }
    }
}

/// The four operators on scalars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// `a op b` on exact decimals: percent with percent, money with money of
/// one currency, a number scaling anything, division by a number only.
pub(crate) fn arith<'a>(op: Op, a: Atom<'a>, b: Atom<'a>) -> Result<Atom<'a>, Clash> {
    let linear = |f: fn(Decimal, Decimal) -> Result<Decimal, Overflow>| -> Result<Atom<'a>, Clash> {
        match (a, b) {
            (Atom::Number(x), Atom::Number(y)) => Ok(Atom::Number(f(x, y)?)),
            (Atom::Percent(x), Atom::Percent(y)) => Ok(Atom::Percent(f(x, y)?)),
            (Atom::Money(x), Atom::Money(y)) => {
                let currency = meet(x, y)?;
                Ok(Atom::Money(Money {
                    currency,
                    amount: f(x.amount, y.amount)?,
                }))
            }
            _ => Err(Clash::Units(a.unit(), b.unit())),
        }
    };
    match op {
        Op::Add => linear(value::add),
        Op::Sub => linear(value::sub),
        Op::Mul => match (a, b) {
            (Atom::Number(n), other) | (other, Atom::Number(n)) => {
                scale(other, |x| value::mul(x, n))
            }
            _ => Err(Clash::Units(a.unit(), b.unit())),
        },
        Op::Div => match b {
            Atom::Number(n) if n.is_zero() => Err(Clash::DivisionByZero),
            Atom::Number(n) => scale(a, |x| x.checked_div(n).ok_or(Overflow)),
            _ => Err(Clash::Units(a.unit(), b.unit())),
        },
    }
}

/// `-a`.
pub(crate) fn negate(a: Atom<'_>) -> Result<Atom<'_>, Clash> {
    scale(a, |x| Ok(-x)).map_err(|_| Clash::Units(a.unit(), Unit::Number))
}

/// Applies `f` to the magnitude of a number, percent or amount.
fn scale<'a>(
    a: Atom<'a>,
    f: impl Fn(Decimal) -> Result<Decimal, Overflow>,
) -> Result<Atom<'a>, Clash> {
    match a {
        Atom::Number(x) => Ok(Atom::Number(f(x)?)),
        Atom::Percent(x) => Ok(Atom::Percent(f(x)?)),
        Atom::Money(m) => Ok(Atom::Money(Money {
            currency: m.currency,
            amount: f(m.amount)?,
        })),
        other => Err(Clash::Units(other.unit(), Unit::Number)),
    }
}

/// A kind of value with its article, for messages: "a percent", "an amount
/// of money in euros (€)".
pub(crate) fn unit_phrase(unit: Unit) -> String {
    match unit {
        Unit::Bool => "a boolean".to_owned(),
        Unit::Number => "a number".to_owned(),
        Unit::Percent => "a percent".to_owned(),
        Unit::Money(None) => "an amount of money".to_owned(),
        Unit::Money(Some(currency)) => format!("an amount in {}", currency_name(currency)),
        Unit::Date => "a date".to_owned(),
        Unit::Str => "a string".to_owned(),
    }
}

/// A currency in words: "euros (€)".
pub(crate) fn currency_name(currency: Currency) -> String {
    Unit::Money(Some(currency))
        .to_string()
        .trim_start_matches("money in ")
        .to_owned()
}
