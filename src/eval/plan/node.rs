//! The compiled form of checked expressions, and the values it computes.
//!
//! Nodes live in one arena and refer to each other by index. Every name is
//! resolved ahead of time: a sector is a symbol, a `facts.*` name a slot, a
//! `let` a slot of the per-proposal cache, a constant an already parsed
//! value with its string interned.

use chrono::NaiveDate;

use crate::check::typed::{Aggregate, CmpOp, ElementField, ProposalField, Quantifier, TariffField};
use crate::value::{Decimal, Money};

use super::super::value::Op;
use super::intern::Sym;

/// Index of a node in [`super::Plan`]'s arena.
pub(crate) type NodeId = u32;

/// A constant, owned by the plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Konst {
    Bool(bool),
    Num(Decimal),
    Pct(Decimal),
    Money(Money),
    Date(NaiveDate),
    Str(Sym, Box<str>),
}

impl Konst {
    /// The constant as a runtime value.
    #[inline]
    pub(crate) fn value(&self) -> V<'_> {
        match self {
            Konst::Bool(b) => V::Bool(*b),
            Konst::Num(n) => V::Num(*n),
            Konst::Pct(p) => V::Pct(*p),
            Konst::Money(m) => V::Money(*m),
            Konst::Date(d) => V::Date(*d),
            Konst::Str(sym, text) => V::Str(*sym, text),
        }
    }
}

/// One compiled expression. Children are node indices. Equal nodes are
/// made once (hash-consing), so equal sub-expressions of different rules
/// are one node, and their value is computed once per proposal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    /// A constant scalar (literals, and `let`s and arithmetic folded ahead).
    Const(Konst),
    /// A list of constant scalars.
    Consts(Box<[Konst]>),
    /// A list whose items are computed.
    List(Box<[NodeId]>),
    /// A top-level proposal field.
    Proposal(ProposalField),
    /// `facts.NAME`, by slot.
    Fact(u32),
    /// `tariffs.SECTOR`.
    Line(Sym),
    /// `tariffs.SECTOR.field`.
    LineField(Sym, TariffField),
    /// A field of a single element value.
    Field(NodeId, ElementField),
    /// A field of the element bound `depth` levels out (a bare field name).
    ElemField(u32, ElementField),
    /// `C.field`.
    Project(NodeId, ElementField),
    /// The element bound `depth` levels out (`it`).
    Element(u32),
    /// A `let`, by slot of the per-proposal cache.
    Let(u32),
    Not(NodeId),
    Neg(NodeId),
    And(NodeId, NodeId),
    Or(NodeId, NodeId),
    Arith(Op, NodeId, NodeId),
    Compare(CmpOp, NodeId, NodeId),
    /// A comparison with a constant on the right (flipped if written left).
    CompareConst(CmpOp, NodeId, Konst),
    /// `tariffs.SECTOR.rate op k` with a percent `k`: the commonest
    /// comparison, decided without making values.
    RateConst(CmpOp, Sym, Rate, Decimal),
    /// `tariffs.A.rate op tariffs.B.rate`.
    Rates(CmpOp, (Sym, Rate), (Sym, Rate)),
    /// A comparison of a cached value (a `let` or a shared walk), by slot,
    /// with a constant.
    LetConst(CmpOp, u32, Konst),
    /// `x in C` for a computed collection.
    In(NodeId, NodeId),
    /// `x in [a, b]` with computed items.
    InItems(NodeId, Box<[NodeId]>),
    /// `x in ["a", "b"]` with constant items.
    InConsts(NodeId, Box<[Konst]>),
    /// `"autos" in tariffs`.
    HasSector(Sym),
    Between(NodeId, NodeId, NodeId),
    /// `C where P`, with P as an element predicate when it is one.
    Where(NodeId, NodeId, Option<PredId>),
    /// `tariffs where P1 where P2 ...` (or `concessions`), each predicate
    /// a conjunction of [`Term`]s: the elements every term holds for, read
    /// from the binding's symbol masks in a few instructions, so not
    /// cached. `fallback` is the (cached) `where` itself, evaluated for a
    /// list longer than 64.
    Select {
        base: Base,
        terms: Box<[Term]>,
        fallback: NodeId,
    },
    /// `any C where P` (`any`), or `no C where P` (not `any`), with `C
    /// where P` a [`Node::Select`] of these terms: whether it selects
    /// anything, by masks (cached like the quantifier it stands for).
    /// `all C where P` is `no C where not P`.
    /// `fallback` is the quantifier itself, evaluated for a list longer
    /// than 64.
    Selected {
        base: Base,
        terms: Box<[Term]>,
        any: bool,
        fallback: NodeId,
    },
    /// `any/all/no C where P`, likewise.
    Quantified(Quantifier, NodeId, NodeId, Option<PredId>),
    Count(NodeId),
    /// `sum`, `min` or `max`, with the zero an empty `sum` gives.
    Fold(Aggregate, NodeId, Konst),
    /// The largest (`Max`) or smallest (`Min`) value of a rate of every
    /// tariff line of a collection; an empty list when it has none.
    /// Undetermined when the collection is not a selection of tariff lines.
    Extremum(Aggregate, NodeId, ElementField),
    /// `all C where rate op k` decided from the extremum of the rate over
    /// C (see [`Node::Extremum`]), cached at slot `extremum`; `negate` for
    /// `any`. `fallback` is the quantifier itself, evaluated when the
    /// extremum is undetermined.
    Extreme {
        extremum: u32,
        op: CmpOp,
        bound: Decimal,
        negate: bool,
        fallback: NodeId,
    },
}

/// A rate of a tariff line, the fields that every line has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Rate {
    Before,
    After,
}

impl Rate {
    /// The rate that `field` names, if it names one.
    pub(crate) fn of(field: ElementField) -> Option<Rate> {
        match field {
            ElementField::Tariff(TariffField::Before) => Some(Rate::Before),
            ElementField::Tariff(TariffField::After) => Some(Rate::After),
            _ => None,
        }
    }
}

/// Index of an element predicate in [`super::Plan`]'s list.
pub(crate) type PredId = u32;

/// A predicate over the innermost element alone, made of comparisons of
/// its fields with constants and with each other, `in` a constant list,
/// and the logic operators: the common shape of a `where` or quantifier
/// predicate (`by = "japan" and kind = "investment"`, `after < before`),
/// decided for each element without binding it or walking nodes.
#[derive(Clone, Debug)]
pub(crate) enum Pred {
    /// `operand op constant`.
    Const(CmpOp, Operand, Konst),
    /// `operand op operand`.
    Operands(CmpOp, Operand, Operand),
    /// `operand in [constants]`.
    In(Operand, Box<[Konst]>),
    /// `field = "text"` (`!=` when not `eq`) for a field read with its
    /// symbol (a sector, `by`, `kind`) and an interned constant: equal
    /// exactly when the symbols are, as a string without a symbol equals
    /// no interned one.
    Sym {
        field: ElementField,
        sym: Sym,
        eq: bool,
    },
    /// `field in ["a", "b"]` likewise, for interned constants.
    Syms(ElementField, Box<[Sym]>),
    Not(Box<Pred>),
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
}

/// A field read with its symbol, by the table of the binding's symbol
/// masks that holds it (see [`super::Bound`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SymField {
    Sector,
    By,
    Kind,
}

/// One condition of a [`Node::Select`]: an element's `field` is one of
/// `syms` (`eq`) or none of them (not `eq`); `field = "a"` and
/// `field in ["a", "b"]`, or their negations, as [`Pred::Sym`] and
/// [`Pred::Syms`] decide them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Term {
    pub(crate) field: SymField,
    pub(crate) syms: Box<[Sym]>,
    pub(crate) eq: bool,
}

/// A value of the innermost element.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Operand {
    /// One of its fields.
    Field(ElementField),
    /// The element itself (`it`, in a list of scalars).
    It,
}

/// A list of the proposal that a collection selects from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Base {
    Tariffs,
    Concessions,
    Parties,
}

/// Which elements of a [`Base`] a collection holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sel {
    /// Every element.
    All,
    /// The elements whose bit is set (lists of at most 64 elements).
    Mask(u64),
    /// The indices at this range of the machine's index arena, ascending.
    Idx(u32, u32),
}

/// A runtime value. Scalars borrow strings from the plan or the proposal;
/// collections are selections of the proposal's lists or ranges of the
/// machine's arena, so every value is `Copy` and nothing is freed.
#[derive(Clone, Copy, Debug)]
pub(crate) enum V<'a> {
    Bool(bool),
    Num(Decimal),
    Pct(Decimal),
    Money(Money),
    Date(NaiveDate),
    Str(Sym, &'a str),
    /// The tariff line at this index.
    Line(u32),
    /// The concession at this index.
    Conc(u32),
    /// A selection of one of the proposal's lists.
    Coll(Base, Sel),
    /// `C.field` over a selection, not yet read: absent optional fields
    /// are skipped as it is iterated.
    Proj(Base, Sel, ElementField),
    /// A constant list.
    Consts(&'a [Konst]),
    /// A computed list: this range of the machine's value arena.
    List(u32, u32),
}

impl V<'_> {
    /// Whether the value is a scalar.
    #[inline]
    pub(crate) fn is_scalar(&self) -> bool {
        matches!(
            self,
            V::Bool(_) | V::Num(_) | V::Pct(_) | V::Money(_) | V::Date(_) | V::Str(..)
        )
    }

    /// Whether the value is a single value (a scalar, a line or a concession).
    #[inline]
    pub(crate) fn is_one(&self) -> bool {
        self.is_scalar() || matches!(self, V::Line(_) | V::Conc(_))
    }
}
