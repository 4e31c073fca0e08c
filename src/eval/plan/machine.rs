//! Deciding compiled rules against one bound proposal. The semantics are
//! the tree evaluator's (`super::super::expr` and `collection`), reduced to
//! what an outcome needs: a value, or "undetermined" without its reason.

use std::cmp::Ordering;

use crate::check::typed::{
    Aggregate, CmpOp, ConcessionField, ElementField, ProposalField, Quantifier, TariffField,
};
use crate::proposal::Proposal;
use crate::value::{self, Decimal, Scalar, currencies_meet};

use super::super::Outcome;
use super::super::value::{Atom, Op, arith as tree_arith, negate as tree_negate};
use super::intern::{NO_SYM, Sym, same_str};
use super::node::{Base, Konst, Node, NodeId, Operand, Pred, PredId, Rate, Sel, SymField, Term, V};
use super::{Bound, NONE, Plan, PlanCheck};

/// Undetermined: missing data, a clash of units or currencies, an
/// overflow. Why is only worked out (by the tree evaluator) for a rule
/// that fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct U;

/// A value or undetermined.
pub(crate) type R<T> = Result<T, U>;

/// A field read from an element.
enum Read<'a> {
    Present(V<'a>),
    Absent,
    Invalid,
}

/// The state of an iteration over a collection value.
#[derive(Clone, Copy)]
enum Cursor<'a> {
    /// Selected elements of a proposal list, or one field of each.
    Base {
        base: Base,
        indices: Indices,
        field: Option<ElementField>,
    },
    /// A range of the value arena.
    Arena(u32, u32),
    /// A constant list.
    Consts(&'a [Konst]),
}

/// The indices a [`Sel`] selects, as an iteration.
#[derive(Clone, Copy)]
enum Indices {
    Range(u32, u32),
    Mask(u64),
    Idx(u32, u32),
}

/// Evaluates compiled nodes against one proposal.
pub(crate) struct Machine<'a> {
    nodes: &'a [Node],
    preds: &'a [Pred],
    let_defs: &'a [NodeId],
    kind_syms: &'a [Sym; 6],
    p: &'a Proposal,
    b: &'a Bound,
    /// `let` values computed so far for this proposal, by slot.
    lets: Vec<Option<R<V<'a>>>>,
    /// Computed lists.
    arena: Vec<V<'a>>,
    /// Index sets of selections of lists longer than 64.
    indices: Vec<u32>,
    /// Elements bound by the enclosing `where`s and quantifiers.
    elems: Vec<V<'a>>,
    /// Elements below this are hidden (inside a `let` definition).
    hidden: usize,
}

impl<'a> Machine<'a> {
    pub(crate) fn new(
        plan: &'a Plan,
        p: &'a Proposal,
        b: &'a Bound,
        mut lets: Vec<Option<R<V<'a>>>>,
        arena: Vec<V<'a>>,
        indices: Vec<u32>,
        elems: Vec<V<'a>>,
    ) -> Machine<'a> {
        lets.resize(plan.let_defs.len(), None);
        Machine {
            nodes: &plan.nodes,
            preds: &plan.preds,
            let_defs: &plan.let_defs,
            kind_syms: &plan.kind_syms,
            p,
            b,
            lets,
            arena,
            indices,
            elems,
            hidden: 0,
        }
    }

    /// Gives the buffers back for reuse.
    #[allow(clippy::type_complexity)]
    pub(crate) fn into_parts(
        mut self,
    ) -> (Vec<Option<R<V<'a>>>>, Vec<V<'a>>, Vec<u32>, Vec<V<'a>>) {
        self.indices.clear();
        (self.lets, self.arena, self.indices, self.elems)
    }

    /// The outcome of a rule of one checking statement and no guard.
    #[inline(always)]
    pub(crate) fn decide_check(&mut self, check: PlanCheck) -> Outcome {
        match self.violated(check) {
            Ok(true) => Outcome::Violated,
            Ok(false) => Outcome::Pass,
            Err(U) => Outcome::Undetermined,
        }
    }

    /// Whether a checking statement is violated.
    #[inline(always)]
    fn violated(&mut self, check: PlanCheck) -> R<bool> {
        match check {
            PlanCheck::Require(e) => self.truth(e).map(|holds| !holds),
            PlanCheck::Forbid(e) => self.truth(e),
            PlanCheck::Implies(a, b) => self.implies(a, b),
        }
    }

    /// The outcome of a rule: guards first, then every check.
    #[inline(never)]
    pub(crate) fn decide(&mut self, guards: &[NodeId], checks: &[PlanCheck]) -> Outcome {
        let mut guard_undetermined = false;
        for &guard in guards {
            match self.truth(guard) {
                Ok(true) => {}
                Ok(false) => return Outcome::NotApplicable,
                Err(U) => guard_undetermined = true,
            }
        }
        if guard_undetermined {
            return Outcome::Undetermined;
        }
        let mut undetermined = false;
        for &check in checks {
            match self.violated(check) {
                Ok(true) => return Outcome::Violated,
                Ok(false) => {}
                Err(U) => undetermined = true,
            }
        }
        if undetermined {
            Outcome::Undetermined
        } else {
            Outcome::Pass
        }
    }

    /// Whether `a requires b` is violated.
    #[inline(never)]
    fn implies(&mut self, a: NodeId, b: NodeId) -> R<bool> {
        let premise = self.truth(a);
        if let Ok(false) = premise {
            return Ok(false);
        }
        match (premise, self.truth(b)) {
            (_, Ok(true)) => Ok(false),
            (Ok(_), Ok(false)) => Ok(true),
            _ => Err(U),
        }
    }

    #[inline]
    fn node(&self, n: NodeId) -> &'a Node {
        let nodes: &'a [Node] = self.nodes;
        // INVARIANT: node ids are made by the compiler of this plan, which
        // only refers to nodes it has pushed.
        &nodes[n as usize]
    }

    /// Evaluates a node to a value.
    pub(crate) fn eval(&mut self, n: NodeId) -> R<V<'a>> {
        match self.node(n) {
            Node::Const(k) => Ok(k.value()),
            Node::Consts(konsts) => Ok(V::Consts(konsts)),
            Node::List(items) => self.list(items),
            Node::Proposal(field) => self.proposal_field(*field),
            Node::Fact(slot) => self.fact(*slot),
            Node::Line(sym) => self.line(*sym).map(V::Line),
            Node::LineField(sym, field) => {
                let line = self.line(*sym)?;
                self.present(V::Line(line), ElementField::Tariff(*field))
            }
            Node::Field(base, field) => {
                let elem = self.eval(*base)?;
                self.present(elem, *field)
            }
            Node::ElemField(depth, field) => {
                let elem = self.element(*depth)?;
                self.present(elem, *field)
            }
            Node::Project(collection, field) => self.project(*collection, *field),
            Node::Element(depth) => self.element(*depth),
            Node::Let(slot) => self.let_value(*slot),
            Node::Neg(x) => {
                let x = self.atom(*x)?;
                negate(x)
            }
            Node::Arith(op, a, b) => {
                let x = self.atom(*a)?;
                let y = self.atom(*b)?;
                arith(*op, x, y)
            }
            Node::Where(collection, predicate, pred) => self.filter(*collection, *predicate, *pred),
            Node::Select {
                base,
                terms,
                fallback,
            } => self.select(*base, terms, *fallback),
            Node::Count(x) => self.count(*x),
            Node::Fold(aggregate, x, zero) => self.fold(*aggregate, *x, zero),
            Node::Extremum(aggregate, collection, field) => {
                self.extremum(*aggregate, *collection, *field)
            }
            Node::Extreme { .. }
            | Node::Not(_)
            | Node::And(..)
            | Node::Or(..)
            | Node::Compare(..)
            | Node::CompareConst(..)
            | Node::RateConst(..)
            | Node::Rates(..)
            | Node::LetConst(..)
            | Node::In(..)
            | Node::InItems(..)
            | Node::InConsts(..)
            | Node::HasSector(_)
            | Node::Between(..)
            | Node::Selected { .. }
            | Node::Quantified(..) => self.truth(n).map(V::Bool),
        }
    }

    /// Evaluates a condition: the commonest leaves (a sector's presence, a
    /// rate or a cached value against a constant) here, inlined into every
    /// caller, anything else out of line in [`Machine::compound`].
    #[inline(always)]
    pub(crate) fn truth(&mut self, n: NodeId) -> R<bool> {
        match self.node(n) {
            Node::HasSector(sym) => Ok(self
                .b
                .line_of
                .get(*sym as usize)
                .is_some_and(|&i| i != NONE)),
            Node::RateConst(op, sym, rate, bound) => {
                let x = self.rate(*sym, *rate)?;
                Ok(holds(*op, cmp_decimal(x, *bound)))
            }
            Node::LetConst(op, slot, k) => {
                let x = self.let_value(*slot)?;
                if !x.is_scalar() {
                    return Err(U);
                }
                compare(*op, x, k.value())
            }
            Node::Let(slot) => match self.let_value(*slot)? {
                V::Bool(b) => Ok(b),
                _ => Err(U),
            },
            Node::Extreme {
                extremum,
                op,
                bound,
                negate,
                fallback,
            } => match self.let_value(*extremum) {
                Ok(V::List(_, 0)) => Ok(!*negate),
                Ok(value) => compare(*op, value, V::Pct(*bound)).map(|all| all != *negate),
                Err(U) => self.compound(*fallback),
            },
            _ => self.compound(n),
        }
    }

    /// Evaluates a condition other than the leaves of [`Machine::truth`].
    #[inline(never)]
    fn compound(&mut self, n: NodeId) -> R<bool> {
        match self.node(n) {
            Node::HasSector(_)
            | Node::RateConst(..)
            | Node::LetConst(..)
            | Node::Let(_)
            | Node::Extreme { .. } => self.truth(n),
            Node::Not(x) => self.truth(*x).map(|b| !b),
            Node::And(a, b) => {
                let left = self.truth(*a);
                if let Ok(false) = left {
                    return Ok(false);
                }
                match (left, self.truth(*b)) {
                    (_, Ok(false)) => Ok(false),
                    (Err(U), _) | (_, Err(U)) => Err(U),
                    _ => Ok(true),
                }
            }
            Node::Or(a, b) => {
                let left = self.truth(*a);
                if let Ok(true) = left {
                    return Ok(true);
                }
                match (left, self.truth(*b)) {
                    (_, Ok(true)) => Ok(true),
                    (Err(U), _) | (_, Err(U)) => Err(U),
                    _ => Ok(false),
                }
            }
            Node::Compare(op, a, b) => {
                let x = self.atom(*a)?;
                let y = self.atom(*b)?;
                compare(*op, x, y)
            }
            Node::CompareConst(op, a, k) => {
                let x = self.atom(*a)?;
                compare(*op, x, k.value())
            }
            Node::Rates(op, (a, rate_a), (b, rate_b)) => {
                let x = self.rate(*a, *rate_a)?;
                let y = self.rate(*b, *rate_b)?;
                Ok(holds(*op, cmp_decimal(x, y)))
            }
            Node::In(x, collection) => self.member(*x, *collection),
            Node::InItems(x, items) => {
                let needle = self.atom(*x)?;
                let mut undetermined = false;
                for &item in items.iter() {
                    match self.atom(item).and_then(|value| equal(needle, value)) {
                        Ok(true) => return Ok(true),
                        Ok(false) => {}
                        Err(U) => undetermined = true,
                    }
                }
                if undetermined { Err(U) } else { Ok(false) }
            }
            Node::InConsts(x, konsts) => {
                let needle = self.atom(*x)?;
                let mut undetermined = false;
                for k in konsts.iter() {
                    match equal(needle, k.value()) {
                        Ok(true) => return Ok(true),
                        Ok(false) => {}
                        Err(U) => undetermined = true,
                    }
                }
                if undetermined { Err(U) } else { Ok(false) }
            }
            Node::Between(x, low, high) => {
                let x = self.atom(*x)?;
                let low = self.atom(*low)?;
                let high = self.atom(*high)?;
                let above = compare(CmpOp::Ge, x, low)?;
                let below = compare(CmpOp::Le, x, high)?;
                Ok(above && below)
            }
            Node::Quantified(quantifier, collection, predicate, pred) => {
                self.quantified(*quantifier, *collection, *predicate, *pred)
            }
            Node::Selected {
                base,
                terms,
                any,
                fallback,
            } => match self.selection(*base, terms) {
                Some(kept) => Ok((kept != 0) == *any),
                None => self.truth(*fallback),
            },
            Node::Extremum(..)
            | Node::Const(_)
            | Node::Consts(_)
            | Node::List(_)
            | Node::Proposal(_)
            | Node::Fact(_)
            | Node::Line(_)
            | Node::LineField(..)
            | Node::Field(..)
            | Node::ElemField(..)
            | Node::Project(..)
            | Node::Element(_)
            | Node::Neg(_)
            | Node::Arith(..)
            | Node::Where(..)
            | Node::Select { .. }
            | Node::Count(_)
            | Node::Fold(..) => match self.eval(n)? {
                V::Bool(b) => Ok(b),
                _ => Err(U),
            },
        }
    }

    /// Evaluates a node that must give one scalar.
    #[inline]
    fn atom(&mut self, n: NodeId) -> R<V<'a>> {
        let value = self.eval(n)?;
        if value.is_scalar() { Ok(value) } else { Err(U) }
    }

    /// The value of a `let` or shared walk: cached (inlined), else computed.
    #[inline(always)]
    fn let_value(&mut self, slot: u32) -> R<V<'a>> {
        match self.lets.get(slot as usize) {
            Some(Some(known)) => *known,
            _ => self.compute_let(slot),
        }
    }

    /// Computes the value of a `let` or shared walk into its slot.
    #[inline(never)]
    fn compute_let(&mut self, slot: u32) -> R<V<'a>> {
        let let_defs: &'a [NodeId] = self.let_defs;
        let Some(&def) = let_defs.get(slot as usize) else {
            return Err(U);
        };
        // A `let` is closed: it sees no element bound outside it.
        let outer = std::mem::replace(&mut self.hidden, self.elems.len());
        let value = self.eval(def);
        self.hidden = outer;
        if let Some(entry) = self.lets.get_mut(slot as usize) {
            *entry = Some(value);
        }
        value
    }

    fn element(&self, depth: u32) -> R<V<'a>> {
        let index = self.elems.len().checked_sub(1 + depth as usize).ok_or(U)?;
        if index < self.hidden {
            return Err(U);
        }
        self.elems.get(index).copied().ok_or(U)
    }

    /// Runs `f` with `elem` bound as the innermost element.
    #[inline]
    fn with_elem<T>(&mut self, elem: V<'a>, f: impl FnOnce(&mut Self) -> T) -> T {
        self.elems.push(elem);
        let result = f(self);
        self.elems.pop();
        result
    }

    #[inline(never)]
    fn list(&mut self, items: &'a [NodeId]) -> R<V<'a>> {
        // Items may use the arena while they are evaluated, so they are
        // gathered first and appended together.
        const INLINE: usize = 8;
        let mut inline = [V::Bool(false); INLINE];
        let mut spill = Vec::new();
        for (i, &item) in items.iter().enumerate() {
            let value = self.eval(item)?;
            if !value.is_one() {
                return Err(U);
            }
            match inline.get_mut(i) {
                Some(slot) => *slot = value,
                None => spill.push(value),
            }
        }
        let start = self.arena_len();
        self.arena
            .extend(inline.iter().take(items.len().min(INLINE)).copied());
        self.arena.extend(spill);
        Ok(V::List(start, self.arena_len() - start))
    }

    fn arena_len(&self) -> u32 {
        u32::try_from(self.arena.len()).unwrap_or(u32::MAX)
    }

    #[inline(never)]
    fn proposal_field(&self, field: ProposalField) -> R<V<'a>> {
        let p: &'a Proposal = self.p;
        Ok(match field {
            ProposalField::Id => V::Str(NO_SYM, &p.id.value),
            ProposalField::Title => V::Str(NO_SYM, &p.title.as_ref().ok_or(U)?.value),
            ProposalField::Deal => V::Str(NO_SYM, &p.deal.as_ref().ok_or(U)?.value),
            ProposalField::TabledBy => {
                V::Str(self.b.tabled_by, &p.tabled_by.as_ref().ok_or(U)?.value)
            }
            ProposalField::Round => V::Num(p.round.as_ref().ok_or(U)?.value),
            ProposalField::Date => V::Date(p.date.as_ref().ok_or(U)?.value),
            ProposalField::Parties => V::Coll(Base::Parties, Sel::All),
            ProposalField::Tariffs => V::Coll(Base::Tariffs, Sel::All),
            ProposalField::Concessions => V::Coll(Base::Concessions, Sel::All),
        })
    }

    #[inline(never)]
    fn fact(&self, slot: u32) -> R<V<'a>> {
        let p: &'a Proposal = self.p;
        let index = *self.b.fact_of.get(slot as usize).ok_or(U)?;
        let fact = p.facts.get(index as usize).ok_or(U)?;
        Ok(match &fact.value.value {
            Scalar::Bool(b) => V::Bool(*b),
            Scalar::Number(n) => V::Num(*n),
            Scalar::Percent(x) => V::Pct(*x),
            Scalar::Money(m) => V::Money(*m),
            Scalar::Date(d) => V::Date(*d),
            Scalar::Str(s) => V::Str(NO_SYM, s),
        })
    }

    /// `tariffs.SECTOR.rate`.
    #[inline]
    fn rate(&self, sym: Sym, rate: Rate) -> R<Decimal> {
        let p: &'a Proposal = self.p;
        let line = p.tariffs.get(self.line(sym)? as usize).ok_or(U)?;
        Ok(match rate {
            Rate::Before => line.before.value,
            Rate::After => line.after.value,
        })
    }

    /// The symbol of a field read with one (see [`Pred::Sym`]).
    #[inline]
    fn symbol(&self, elem: V<'a>, field: ElementField) -> R<Sym> {
        let b: &'a Bound = self.b;
        let at = |syms: &[Sym], i: u32| syms.get(i as usize).copied().ok_or(U);
        match (elem, field) {
            (V::Line(i), ElementField::Tariff(TariffField::Sector)) => at(&b.sector_sym, i),
            (V::Conc(i), ElementField::Concession(ConcessionField::By)) => at(&b.by_sym, i),
            (V::Conc(i), ElementField::Concession(ConcessionField::Kind)) => {
                let c = self.p.concessions.get(i as usize).ok_or(U)?;
                at(self.kind_syms, c.kind.value as u32)
            }
            _ => Err(U),
        }
    }

    #[inline]
    fn line(&self, sym: Sym) -> R<u32> {
        match self.b.line_of.get(sym as usize) {
            Some(&index) if index != NONE => Ok(index),
            _ => Err(U),
        }
    }

    /// The line of the sector named by a string value.
    #[inline(never)]
    fn sector_index(&self, sym: Sym, text: &str) -> Option<u32> {
        if sym != NO_SYM {
            return self
                .b
                .line_of
                .get(sym as usize)
                .copied()
                .filter(|&i| i != NONE);
        }
        self.p
            .tariffs
            .iter()
            .position(|line| line.sector.value == text)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// A field that must be present.
    #[inline]
    fn present(&self, elem: V<'a>, field: ElementField) -> R<V<'a>> {
        match self.read(elem, field) {
            Read::Present(value) => Ok(value),
            Read::Absent | Read::Invalid => Err(U),
        }
    }

    fn read(&self, elem: V<'a>, field: ElementField) -> Read<'a> {
        let p: &'a Proposal = self.p;
        match (elem, field) {
            (V::Line(i), ElementField::Tariff(field)) => {
                let Some(line) = p.tariffs.get(i as usize) else {
                    return Read::Invalid;
                };
                match field {
                    TariffField::Sector => Read::Present(V::Str(
                        self.b.sector_sym.get(i as usize).copied().unwrap_or(NO_SYM),
                        &line.sector.value,
                    )),
                    TariffField::Before => Read::Present(V::Pct(line.before.value)),
                    TariffField::After => Read::Present(V::Pct(line.after.value)),
                    TariffField::Effective => {
                        optional(line.effective.as_ref().map(|d| V::Date(d.value)))
                    }
                    TariffField::Quota => optional(line.quota.as_ref().map(|q| V::Num(q.value))),
                    TariffField::Note => {
                        optional(line.note.as_ref().map(|n| V::Str(NO_SYM, &n.value)))
                    }
                }
            }
            (V::Conc(i), ElementField::Concession(field)) => {
                let Some(c) = p.concessions.get(i as usize) else {
                    return Read::Invalid;
                };
                match field {
                    ConcessionField::By => Read::Present(V::Str(
                        self.b.by_sym.get(i as usize).copied().unwrap_or(NO_SYM),
                        &c.by.value,
                    )),
                    ConcessionField::Kind => Read::Present(V::Str(
                        self.kind_syms
                            .get(c.kind.value as usize)
                            .copied()
                            .unwrap_or(NO_SYM),
                        c.kind.value.as_str(),
                    )),
                    ConcessionField::Item => Read::Present(V::Str(NO_SYM, &c.item.value)),
                    ConcessionField::Amount => {
                        optional(c.amount.as_ref().map(|a| V::Money(a.value)))
                    }
                }
            }
            _ => Read::Invalid,
        }
    }

    fn base_len(&self, base: Base) -> u32 {
        let len = match base {
            Base::Tariffs => self.p.tariffs.len(),
            Base::Concessions => self.p.concessions.len(),
            Base::Parties => self.p.parties.value.len(),
        };
        u32::try_from(len).unwrap_or(u32::MAX)
    }

    fn base_elem(&self, base: Base, index: u32) -> V<'a> {
        let p: &'a Proposal = self.p;
        match base {
            Base::Tariffs => V::Line(index),
            Base::Concessions => V::Conc(index),
            Base::Parties => match p.parties.value.get(index as usize) {
                Some(party) => V::Str(
                    self.b
                        .party_sym
                        .get(index as usize)
                        .copied()
                        .unwrap_or(NO_SYM),
                    &party.value,
                ),
                // INVARIANT: indices come from `0..len`; a stand-in that
                // cannot happen, as in the tree evaluator.
                None => V::Str(NO_SYM, ""),
            },
        }
    }

    fn sel_count(&self, base: Base, sel: Sel) -> u32 {
        match sel {
            Sel::All => self.base_len(base),
            Sel::Mask(mask) => mask.count_ones(),
            Sel::Idx(_, len) => len,
        }
    }

    fn sel_contains(&self, sel: Sel, index: u32) -> bool {
        match sel {
            Sel::All => true,
            Sel::Mask(mask) => index < 64 && mask & (1u64 << index) != 0,
            Sel::Idx(start, len) => self
                .indices
                .get(start as usize..(start + len) as usize)
                .is_some_and(|slice| slice.binary_search(&index).is_ok()),
        }
    }

    fn indices_of(&self, base: Base, sel: Sel) -> Indices {
        match sel {
            Sel::All => Indices::Range(0, self.base_len(base)),
            Sel::Mask(mask) => Indices::Mask(mask),
            Sel::Idx(start, len) => Indices::Idx(start, start + len),
        }
    }

    fn next_index(&self, indices: &mut Indices) -> Option<u32> {
        match indices {
            Indices::Range(next, end) => {
                if next < end {
                    *next += 1;
                    Some(*next - 1)
                } else {
                    None
                }
            }
            Indices::Mask(mask) => {
                if *mask == 0 {
                    return None;
                }
                let index = mask.trailing_zeros();
                *mask &= *mask - 1;
                Some(index)
            }
            Indices::Idx(next, end) => {
                if next < end {
                    *next += 1;
                    self.indices.get(*next as usize - 1).copied()
                } else {
                    None
                }
            }
        }
    }

    /// An iteration over a collection value; `None` for a single value.
    fn cursor(&self, value: V<'a>) -> Option<Cursor<'a>> {
        match value {
            V::Coll(base, sel) => Some(Cursor::Base {
                base,
                indices: self.indices_of(base, sel),
                field: None,
            }),
            V::Proj(base, sel, field) => Some(Cursor::Base {
                base,
                indices: self.indices_of(base, sel),
                field: Some(field),
            }),
            V::List(start, len) => Some(Cursor::Arena(start, start + len)),
            V::Consts(konsts) => Some(Cursor::Consts(konsts)),
            _ => None,
        }
    }

    /// The next element of an iteration. A projection's cursor skips the
    /// elements that lack the field (a projection is only made of a
    /// collection whose elements have it, see [`Machine::project`]).
    fn next(&self, cursor: &mut Cursor<'a>) -> Option<V<'a>> {
        match cursor {
            Cursor::Base {
                base,
                indices,
                field,
            } => loop {
                let index = self.next_index(indices)?;
                let elem = self.base_elem(*base, index);
                let Some(field) = *field else {
                    return Some(elem);
                };
                if let Read::Present(value) = self.read(elem, field) {
                    return Some(value);
                }
            },
            Cursor::Arena(next, end) => {
                if next < end {
                    *next += 1;
                    self.arena.get(*next as usize - 1).copied()
                } else {
                    None
                }
            }
            Cursor::Consts(konsts) => {
                let (first, rest) = konsts.split_first()?;
                *konsts = rest;
                Some(first.value())
            }
        }
    }

    fn pred_of(&self, pred: Option<PredId>) -> Option<&'a Pred> {
        let preds: &'a [Pred] = self.preds;
        pred.and_then(|id| preds.get(id as usize))
    }

    /// Whether the predicate of a `where` or quantifier holds for `elem`:
    /// as an element predicate when it is one, else by binding the element.
    #[inline]
    fn holds(&mut self, elem: V<'a>, predicate: NodeId, pred: Option<&'a Pred>) -> R<bool> {
        match pred {
            Some(pred) => self.test(pred, elem),
            None => self.with_elem(elem, |m| m.truth(predicate)),
        }
    }

    /// Decides an element predicate for `elem`, with the logic of `truth`:
    /// comparisons of symbols here, inlined into every caller, anything
    /// else out of line in [`Machine::test_other`].
    #[inline(always)]
    fn test(&self, pred: &'a Pred, elem: V<'a>) -> R<bool> {
        match pred {
            Pred::Sym { field, sym, eq } => Ok((self.symbol(elem, *field)? == *sym) == *eq),
            Pred::Syms(field, syms) => {
                let sym = self.symbol(elem, *field)?;
                Ok(syms.contains(&sym))
            }
            _ => self.test_other(pred, elem),
        }
    }

    /// Decides an element predicate other than those of [`Machine::test`].
    #[inline(never)]
    fn test_other(&self, pred: &'a Pred, elem: V<'a>) -> R<bool> {
        match pred {
            Pred::Sym { .. } | Pred::Syms(..) => self.test(pred, elem),
            Pred::Const(op, a, k) => {
                let x = self.operand(*a, elem)?;
                compare(*op, x, k.value())
            }
            Pred::Operands(op, a, b) => {
                let x = self.operand(*a, elem)?;
                let y = self.operand(*b, elem)?;
                compare(*op, x, y)
            }
            Pred::In(a, konsts) => {
                let needle = self.operand(*a, elem)?;
                let mut undetermined = false;
                for k in konsts.iter() {
                    match equal(needle, k.value()) {
                        Ok(true) => return Ok(true),
                        Ok(false) => {}
                        Err(U) => undetermined = true,
                    }
                }
                if undetermined { Err(U) } else { Ok(false) }
            }
            Pred::Not(x) => self.test(x, elem).map(|b| !b),
            Pred::And(a, b) => {
                let left = self.test(a, elem);
                if let Ok(false) = left {
                    return Ok(false);
                }
                match (left, self.test(b, elem)) {
                    (_, Ok(false)) => Ok(false),
                    (Err(U), _) | (_, Err(U)) => Err(U),
                    _ => Ok(true),
                }
            }
            Pred::Or(a, b) => {
                let left = self.test(a, elem);
                if let Ok(true) = left {
                    return Ok(true);
                }
                match (left, self.test(b, elem)) {
                    (_, Ok(true)) => Ok(true),
                    (Err(U), _) | (_, Err(U)) => Err(U),
                    _ => Ok(false),
                }
            }
        }
    }

    #[inline]
    fn operand(&self, operand: Operand, elem: V<'a>) -> R<V<'a>> {
        match operand {
            Operand::Field(field) => self.present(elem, field),
            Operand::It if elem.is_scalar() => Ok(elem),
            Operand::It => Err(U),
        }
    }

    /// `C.field`: lazily over a proposal list, else read into the arena.
    #[inline(never)]
    fn project(&mut self, collection: NodeId, field: ElementField) -> R<V<'a>> {
        let value = self.eval(collection)?;
        if let V::Coll(base, sel) = value {
            let fits = matches!(
                (base, field),
                (Base::Tariffs, ElementField::Tariff(_))
                    | (Base::Concessions, ElementField::Concession(_))
            );
            if !fits && self.sel_count(base, sel) > 0 {
                return Err(U);
            }
            return Ok(V::Proj(base, sel, field));
        }
        let mut cursor = self.cursor(value).ok_or(U)?;
        let start = self.arena_len();
        while let Some(elem) = self.next(&mut cursor) {
            match self.read(elem, field) {
                Read::Present(value) => self.arena.push(value),
                Read::Absent => {}
                Read::Invalid => return Err(U),
            }
        }
        Ok(V::List(start, self.arena_len() - start))
    }

    /// `C where P`.
    #[inline(never)]
    fn filter(&mut self, collection: NodeId, predicate: NodeId, pred: Option<PredId>) -> R<V<'a>> {
        let pred = self.pred_of(pred);
        let value = self.eval(collection)?;
        if let V::Coll(base, sel) = value {
            if let Some((within, holds)) = self.masks(base, sel, pred) {
                return Ok(V::Coll(base, Sel::Mask(within & holds)));
            }
            let len = self.base_len(base);
            let mut indices = self.indices_of(base, sel);
            if len <= 64 {
                let mut kept = 0u64;
                while let Some(index) = self.next_index(&mut indices) {
                    let elem = self.base_elem(base, index);
                    if self.holds(elem, predicate, pred)? {
                        kept |= 1u64 << index;
                    }
                }
                return Ok(V::Coll(base, Sel::Mask(kept)));
            }
            let mut kept = Vec::new();
            while let Some(index) = self.next_index(&mut indices) {
                let elem = self.base_elem(base, index);
                if self.holds(elem, predicate, pred)? {
                    kept.push(index);
                }
            }
            let start = u32::try_from(self.indices.len()).unwrap_or(u32::MAX);
            let count = u32::try_from(kept.len()).unwrap_or(u32::MAX);
            self.indices.extend(kept);
            return Ok(V::Coll(base, Sel::Idx(start, count)));
        }
        // A list: decide which to keep, then copy them (the predicate may
        // use the arena meanwhile).
        let first = self.cursor(value).ok_or(U)?;
        let mut cursor = first;
        let mut kept = Vec::new();
        let mut position = 0usize;
        let mut mask = 0u64;
        while let Some(elem) = self.next(&mut cursor) {
            if self.holds(elem, predicate, pred)? {
                if position < 64 {
                    mask |= 1u64 << position;
                } else {
                    kept.push(position);
                }
            }
            position += 1;
        }
        let start = self.arena_len();
        let mut cursor = first;
        let mut position = 0usize;
        let mut more = kept.into_iter().peekable();
        while let Some(elem) = self.next(&mut cursor) {
            let keep = if position < 64 {
                mask & (1u64 << position) != 0
            } else {
                more.next_if_eq(&position).is_some()
            };
            if keep {
                self.arena.push(elem);
            }
            position += 1;
        }
        Ok(V::List(start, self.arena_len() - start))
    }

    /// A [`Node::Select`]: by masks, or its fallback on a list too long.
    #[inline(never)]
    fn select(&mut self, base: Base, terms: &'a [Term], fallback: NodeId) -> R<V<'a>> {
        match self.selection(base, terms) {
            Some(kept) => Ok(V::Coll(base, Sel::Mask(kept))),
            None => self.eval(fallback),
        }
    }

    /// The elements of `base` that every term holds for, as a mask read
    /// from the binding's symbol masks; `None` for a list longer than 64.
    #[inline]
    fn selection(&self, base: Base, terms: &[Term]) -> Option<u64> {
        let len = self.base_len(base);
        if len > 64 {
            return None;
        }
        let b: &'a Bound = self.b;
        let mut kept = u64::MAX.checked_shr(64 - len).unwrap_or(0);
        for term in terms {
            let masks: &[u64] = match term.field {
                SymField::Sector => &b.sector_mask,
                SymField::By => &b.by_mask,
                SymField::Kind => &b.kind_mask,
            };
            let mut any = 0;
            for &sym in &term.syms {
                any |= masks.get(sym as usize).copied().unwrap_or(0);
            }
            kept &= if term.eq { any } else { !any };
        }
        Some(kept)
    }

    /// For a selection of a list of at most 64 elements and a predicate
    /// made of symbol comparisons: the selected elements and those the
    /// predicate holds for, as masks, read from the binding's symbol masks
    /// without visiting the elements. `None` for anything else.
    #[inline]
    fn masks(&self, base: Base, sel: Sel, pred: Option<&'a Pred>) -> Option<(u64, u64)> {
        let pred = pred?;
        let len = self.base_len(base);
        if len > 64 {
            return None;
        }
        let all = u64::MAX.checked_shr(64 - len).unwrap_or(0);
        let within = match sel {
            Sel::All => all,
            Sel::Mask(mask) => mask,
            Sel::Idx(..) => return None,
        };
        Some((within, self.pred_mask(pred, base, all)?))
    }

    /// The elements of a list of at most 64 (`all` of them) for which a
    /// predicate made of symbol comparisons holds, as a mask. Exact: such
    /// a predicate is decided for every element of a list whose elements
    /// have the field, so `and`, `or` and `not` are those of masks. `None`
    /// for another predicate, or a field that the list's elements lack.
    fn pred_mask(&self, pred: &Pred, base: Base, all: u64) -> Option<u64> {
        Some(match pred {
            Pred::Sym { field, sym, eq } => {
                let mask = self.sym_masks(base, *field)?.get(*sym as usize).copied();
                let mask = mask.unwrap_or(0);
                if *eq { mask } else { all & !mask }
            }
            Pred::Syms(field, syms) => {
                let masks = self.sym_masks(base, *field)?;
                syms.iter()
                    .map(|&sym| masks.get(sym as usize).copied().unwrap_or(0))
                    .fold(0, |union, mask| union | mask)
            }
            Pred::Not(x) => all & !self.pred_mask(x, base, all)?,
            Pred::And(a, b) => self.pred_mask(a, base, all)? & self.pred_mask(b, base, all)?,
            Pred::Or(a, b) => self.pred_mask(a, base, all)? | self.pred_mask(b, base, all)?,
            Pred::Const(..) | Pred::Operands(..) | Pred::In(..) => return None,
        })
    }

    /// The binding's masks (by symbol) of a field read with its symbol, for
    /// the elements of `base`; `None` if they lack the field.
    fn sym_masks(&self, base: Base, field: ElementField) -> Option<&'a [u64]> {
        let b: &'a Bound = self.b;
        match (base, field) {
            (Base::Tariffs, ElementField::Tariff(TariffField::Sector)) => Some(&b.sector_mask),
            (Base::Concessions, ElementField::Concession(ConcessionField::By)) => Some(&b.by_mask),
            (Base::Concessions, ElementField::Concession(ConcessionField::Kind)) => {
                Some(&b.kind_mask)
            }
            _ => None,
        }
    }

    /// `any/all/no C where P`: a deciding element wins over undetermined ones.
    #[inline(never)]
    fn quantified(
        &mut self,
        quantifier: Quantifier,
        collection: NodeId,
        predicate: NodeId,
        pred: Option<PredId>,
    ) -> R<bool> {
        let pred = self.pred_of(pred);
        let value = self.eval(collection)?;
        if let V::Coll(base, sel) = value
            && let Some((within, holds)) = self.masks(base, sel, pred)
        {
            return Ok(match quantifier {
                Quantifier::Any => within & holds != 0,
                Quantifier::No => within & holds == 0,
                Quantifier::All => within & !holds == 0,
            });
        }
        let mut cursor = self.cursor(value).ok_or(U)?;
        let deciding = quantifier != Quantifier::All;
        let mut undetermined = false;
        while let Some(elem) = self.next(&mut cursor) {
            match self.holds(elem, predicate, pred) {
                Ok(holds) if holds == deciding => return Ok(quantifier == Quantifier::Any),
                Ok(_) => {}
                Err(U) => undetermined = true,
            }
        }
        if undetermined {
            Err(U)
        } else {
            Ok(quantifier != Quantifier::Any)
        }
    }

    /// `x in C`: a sector key of tariff lines, else membership by equality.
    #[inline(never)]
    fn member(&mut self, x: NodeId, collection: NodeId) -> R<bool> {
        let needle = self.atom(x)?;
        let value = self.eval(collection)?;
        if let V::Coll(Base::Tariffs, sel) = value {
            let V::Str(sym, text) = needle else {
                return Err(U);
            };
            return Ok(self
                .sector_index(sym, text)
                .is_some_and(|index| self.sel_contains(sel, index)));
        }
        let mut cursor = self.cursor(value).ok_or(U)?;
        let mut undetermined = false;
        while let Some(elem) = self.next(&mut cursor) {
            let found = if elem.is_scalar() {
                equal(needle, elem)
            } else {
                Err(U)
            };
            match found {
                Ok(true) => return Ok(true),
                Ok(false) => {}
                Err(U) => undetermined = true,
            }
        }
        if undetermined { Err(U) } else { Ok(false) }
    }

    /// `count(C)`.
    #[inline(never)]
    fn count(&mut self, x: NodeId) -> R<V<'a>> {
        let value = self.eval(x)?;
        let count = match value {
            V::Coll(base, sel) => self.sel_count(base, sel),
            V::List(_, len) => len,
            V::Consts(konsts) => u32::try_from(konsts.len()).unwrap_or(u32::MAX),
            V::Proj(..) => {
                let mut cursor = self.cursor(value).ok_or(U)?;
                let mut count = 0u32;
                while self.next(&mut cursor).is_some() {
                    count += 1;
                }
                count
            }
            _ => return Err(U),
        };
        Ok(V::Num(Decimal::from(count)))
    }

    /// The largest or smallest rate of a selection of tariff lines; an
    /// empty list for an empty selection; undetermined for anything else
    /// (the caller then evaluates the quantifier itself).
    #[inline(never)]
    fn extremum(
        &mut self,
        aggregate: Aggregate,
        collection: NodeId,
        field: ElementField,
    ) -> R<V<'a>> {
        let V::Coll(Base::Tariffs, sel) = self.eval(collection)? else {
            return Err(U);
        };
        let ElementField::Tariff(field) = field else {
            return Err(U);
        };
        let p: &'a Proposal = self.p;
        let mut indices = self.indices_of(Base::Tariffs, sel);
        let mut best: Option<Decimal> = None;
        while let Some(index) = self.next_index(&mut indices) {
            let line = p.tariffs.get(index as usize).ok_or(U)?;
            let rate = match field {
                TariffField::Before => line.before.value,
                TariffField::After => line.after.value,
                _ => return Err(U),
            };
            best = Some(match best {
                None => rate,
                Some(so_far) => {
                    let further = match aggregate {
                        Aggregate::Max => cmp_decimal(rate, so_far).is_gt(),
                        _ => cmp_decimal(rate, so_far).is_lt(),
                    };
                    if further { rate } else { so_far }
                }
            });
        }
        Ok(best.map_or(V::List(0, 0), V::Pct))
    }

    /// `sum`, `min`, `max`.
    #[inline(never)]
    fn fold(&mut self, aggregate: Aggregate, x: NodeId, zero: &'a Konst) -> R<V<'a>> {
        let value = self.eval(x)?;
        let mut cursor = self.cursor(value).ok_or(U)?;
        let mut acc: Option<V<'a>> = None;
        while let Some(item) = self.next(&mut cursor) {
            if !item.is_scalar() {
                return Err(U);
            }
            let Some(so_far) = acc else {
                acc = Some(item);
                continue;
            };
            acc = Some(match aggregate {
                Aggregate::Sum => arith(Op::Add, so_far, item)?,
                Aggregate::Min => {
                    if order(so_far, item)?.is_gt() {
                        item
                    } else {
                        so_far
                    }
                }
                _ => {
                    if order(so_far, item)?.is_lt() {
                        item
                    } else {
                        so_far
                    }
                }
            });
        }
        match (acc, aggregate) {
            (Some(value), _) => Ok(value),
            (None, Aggregate::Sum) => Ok(zero.value()),
            (None, _) => Err(U),
        }
    }
}

fn optional(value: Option<V<'_>>) -> Read<'_> {
    value.map_or(Read::Absent, Read::Present)
}

/// Whether `op` holds of two values ordered `ordering`.
#[inline]
fn holds(op: CmpOp, ordering: Ordering) -> bool {
    match op {
        CmpOp::Eq => ordering.is_eq(),
        CmpOp::Ne => ordering.is_ne(),
        CmpOp::Lt => ordering.is_lt(),
        CmpOp::Le => ordering.is_le(),
        CmpOp::Gt => ordering.is_gt(),
        CmpOp::Ge => ordering.is_ge(),
    }
}

/// `x op y` on two scalars: numbers, percents, amounts and dates here
/// (inlined), other values in [`compare_other`].
#[inline(always)]
fn compare(op: CmpOp, x: V<'_>, y: V<'_>) -> R<bool> {
    match (x, y) {
        (V::Num(a), V::Num(b)) | (V::Pct(a), V::Pct(b)) => Ok(holds(op, cmp_decimal(a, b))),
        (V::Money(a), V::Money(b)) if currencies_meet(&a, &b) => {
            Ok(holds(op, cmp_decimal(a.amount, b.amount)))
        }
        (V::Date(a), V::Date(b)) => Ok(holds(op, a.cmp(&b))),
        _ => compare_other(op, x, y),
    }
}

/// `x op y` on two scalars.
#[inline(never)]
fn compare_other(op: CmpOp, x: V<'_>, y: V<'_>) -> R<bool> {
    match op {
        CmpOp::Eq => equal(x, y),
        CmpOp::Ne => equal(x, y).map(|eq| !eq),
        CmpOp::Lt => order(x, y).map(Ordering::is_lt),
        CmpOp::Le => order(x, y).map(Ordering::is_le),
        CmpOp::Gt => order(x, y).map(Ordering::is_gt),
        CmpOp::Ge => order(x, y).map(Ordering::is_ge),
    }
}

/// Equality of two scalars of one kind; strings by symbol when both have one.
#[inline]
fn equal(x: V<'_>, y: V<'_>) -> R<bool> {
    match (x, y) {
        (V::Str(a, a_text), V::Str(b, b_text)) => Ok(same_str(a, a_text, b, b_text)),
        (V::Bool(a), V::Bool(b)) => Ok(a == b),
        _ => order(x, y).map(Ordering::is_eq),
    }
}

/// Order of two numbers, percents, amounts of one currency or dates.
#[inline]
fn order(x: V<'_>, y: V<'_>) -> R<Ordering> {
    match (x, y) {
        (V::Num(a), V::Num(b)) | (V::Pct(a), V::Pct(b)) => Ok(cmp_decimal(a, b)),
        (V::Date(a), V::Date(b)) => Ok(a.cmp(&b)),
        (V::Money(a), V::Money(b)) if currencies_meet(&a, &b) => {
            Ok(cmp_decimal(a.amount, b.amount))
        }
        _ => Err(U),
    }
}

/// Compares two decimals; those of one scale (`25%` and `15%`) by their
/// integer mantissas, without rescaling (inlined), others out of line.
#[inline(always)]
fn cmp_decimal(a: Decimal, b: Decimal) -> Ordering {
    if a.scale() == b.scale() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        cmp_rescaled(a, b)
    }
}

/// Compares two decimals of different scales.
#[inline(never)]
fn cmp_rescaled(a: Decimal, b: Decimal) -> Ordering {
    a.cmp(&b)
}

/// `x op y`: the tree evaluator's arithmetic, with the sums and
/// differences of numbers and of percents done here.
fn arith<'a>(op: Op, x: V<'a>, y: V<'a>) -> R<V<'a>> {
    let (a, b, unit): (_, _, fn(Decimal) -> V<'a>) = match (x, y) {
        (V::Num(a), V::Num(b)) => (a, b, V::Num),
        (V::Pct(a), V::Pct(b)) => (a, b, V::Pct),
        _ => return arith_atoms(op, x, y),
    };
    let result = match op {
        Op::Add => value::add(a, b),
        Op::Sub => value::sub(a, b),
        Op::Mul | Op::Div => return arith_atoms(op, x, y),
    };
    result.map(unit).map_err(|_| U)
}

/// `x op y` by the tree evaluator's arithmetic.
fn arith_atoms<'a>(op: Op, x: V<'a>, y: V<'a>) -> R<V<'a>> {
    let (Some(a), Some(b)) = (to_atom(x), to_atom(y)) else {
        return Err(U);
    };
    tree_arith(op, a, b).map(from_atom).map_err(|_| U)
}

fn negate(x: V<'_>) -> R<V<'_>> {
    let a = to_atom(x).ok_or(U)?;
    tree_negate(a).map(from_atom).map_err(|_| U)
}

fn to_atom(v: V<'_>) -> Option<Atom<'_>> {
    Some(match v {
        V::Bool(b) => Atom::Bool(b),
        V::Num(n) => Atom::Number(n),
        V::Pct(p) => Atom::Percent(p),
        V::Money(m) => Atom::Money(m),
        V::Date(d) => Atom::Date(d),
        V::Str(_, s) => Atom::Str(s),
        _ => return None,
    })
}

fn from_atom(a: Atom<'_>) -> V<'_> {
    match a {
        Atom::Bool(b) => V::Bool(b),
        Atom::Number(n) => V::Num(n),
        Atom::Percent(p) => V::Pct(p),
        Atom::Money(m) => V::Money(m),
        Atom::Date(d) => V::Date(d),
        Atom::Str(s) => V::Str(NO_SYM, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare_as_rust_decimal_orders_them() {
        let mut values = vec![
            Decimal::ZERO,
            Decimal::from_parts(0, 0, 0, true, 0),
            Decimal::from_parts(0, 0, 0, true, 2),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_parts(u32::MAX, u32::MAX, 1, false, 28),
            Decimal::from_parts(0, 1, 0, true, 3),
        ];
        for mantissa in [-2500i64, -15, -1, 0, 1, 15, 150, 2500, 1 << 40] {
            for scale in [0, 1, 2, 5] {
                values.push(Decimal::new(mantissa, scale));
            }
        }
        for &a in &values {
            for &b in &values {
                assert_eq!(cmp_decimal(a, b), a.cmp(&b), "{a} and {b}");
            }
        }
    }
}
