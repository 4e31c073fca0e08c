//! Evaluating checked expressions against one proposal: paths, logic,
//! arithmetic and comparison. Collections live in `collection.rs`.
//!
//! Every evaluation gives a value or an [`Undet`]: missing data is never
//! silently false. Logic is three-valued and order-independent (SPEC §2.5);
//! short-circuiting only skips work whose result cannot matter.

use crate::check::typed::{
    ArithOp, CmpOp, ConcessionField, ElementField, Expr, ExprKind, LetId, ProposalField, RuleSet,
    TariffField, Type,
};
use crate::proposal::Proposal;
use crate::source::Span;

use super::reason::{Holder, Undet, Usage, Why, tariffs_anchor};
use super::scope::{Elements, LetCache};
use super::value::{Atom, Base, Clash, Elem, Op, Sel, Value, arith, equals, negate, order};

/// The result of evaluating an expression.
pub(crate) type Eval<'a> = Result<Value<'a>, Undet<'a>>;

/// The result of evaluating a condition.
pub(crate) type Truth<'a> = Result<bool, Undet<'a>>;

/// How deeply evaluation may recurse (through `let` chains included)
/// before it gives up with an undetermined result instead of overflowing
/// the stack.
const MAX_DEPTH: u32 = 512;

/// How many expressions one rule may evaluate on one proposal. Nested
/// quantifiers over large collections multiply (`any concessions where any
/// concessions where ...`); past this budget the rest is undetermined, so a
/// red line fails closed in a fraction of a second instead of running for
/// hours. Three-valued logic keeps every definite answer sound.
pub(crate) const MAX_STEPS: u64 = 10_000_000;

/// Evaluates expressions of one rule set against one proposal, caching
/// `let` values for the duration of one rule's evaluation.
pub(crate) struct Evaluator<'a> {
    /// The rules the expressions come from (for `let` definitions).
    pub(crate) rules: &'a RuleSet,
    /// The proposal being read.
    pub(crate) proposal: &'a Proposal,
    /// Elements bound by the enclosing `where`s and quantifiers, innermost last.
    elems: Elements<'a>,
    /// `let` values computed so far.
    lets: LetCache<'a>,
    /// Current recursion depth.
    depth: u32,
    /// Expressions evaluated so far (see [`MAX_STEPS`]).
    steps: u64,
}

/// A field read from a tariff line or concession.
pub(crate) enum Read<'a> {
    /// The field's value and where the proposal writes it.
    Present(Atom<'a>, Span),
    /// An optional field the element does not have; the span names the
    /// element (a line's sector key, a concession's item).
    Absent(Holder<'a>, &'static str, Span),
    /// The field does not belong to this kind of element.
    Invalid,
}

impl<'a> Evaluator<'a> {
    /// An evaluator with nothing cached yet.
    pub(crate) fn new(rules: &'a RuleSet, proposal: &'a Proposal) -> Evaluator<'a> {
        Evaluator {
            rules,
            proposal,
            elems: Elements::default(),
            lets: LetCache::default(),
            depth: 0,
            steps: 0,
        }
    }

    fn enter(&mut self, span: Span) -> Result<(), Undet<'a>> {
        if self.depth >= MAX_DEPTH {
            return Err(unsupported("the rule nests too deeply", span));
        }
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(unsupported(
                "the rule takes too many steps to evaluate on this proposal",
                span,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// Evaluates an expression to a value.
    pub(crate) fn eval(&mut self, e: &'a Expr) -> Eval<'a> {
        self.enter(e.span)?;
        let result = self.eval_kind(e);
        self.depth -= 1;
        result
    }

    /// Evaluates a condition.
    pub(crate) fn truth(&mut self, e: &'a Expr) -> Truth<'a> {
        self.enter(e.span)?;
        let result = self.truth_kind(e);
        self.depth -= 1;
        result
    }

    /// Evaluates an expression that must give one scalar.
    pub(crate) fn atom(&mut self, e: &'a Expr) -> Result<Atom<'a>, Undet<'a>> {
        match self.eval(e)? {
            Value::One(Elem::Atom(atom)) => Ok(atom),
            _ => Err(unsupported("a single value was expected", e.span)),
        }
    }

    fn eval_kind(&mut self, e: &'a Expr) -> Eval<'a> {
        match &e.kind {
            ExprKind::Const(scalar) => Ok(Value::atom(Atom::of(scalar))),
            ExprKind::List(items) => self.list(items),
            ExprKind::Proposal(field) => self.proposal_field(*field, e.span),
            ExprKind::Fact(name) => self.fact(name, e.span).map(|(atom, _)| Value::atom(atom)),
            ExprKind::TariffLine(sector) => {
                self.line(sector, e.span).map(|i| Value::One(Elem::Line(i)))
            }
            ExprKind::ElementField(base, field) => self
                .element_field(base, *field, e.span)
                .map(|(atom, _)| Value::atom(atom)),
            ExprKind::Project(collection, field) => self.project(collection, *field, e.span),
            ExprKind::Element(depth) => self.element(*depth, e.span).map(Value::One),
            ExprKind::Let(id) => self.let_value(*id, e.span),
            ExprKind::Neg(x) => {
                let value = self.atom(x)?;
                negate(value)
                    .map(Value::atom)
                    .map_err(|clash| self.clash(clash, e.span, (x, value), None, Usage::Combined))
            }
            ExprKind::Arith(op, a, b) => self.arith(*op, a, b, e.span).map(Value::atom),
            ExprKind::Where(collection, predicate) => self.filter(collection, predicate, e.span),
            ExprKind::Aggregate(aggregate, x) => self.aggregate(*aggregate, x, e),
            ExprKind::Not(_)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::Compare(..)
            | ExprKind::In(..)
            | ExprKind::Between(..)
            | ExprKind::Quantified(..) => self.truth_kind(e).map(|b| Value::atom(Atom::Bool(b))),
        }
    }

    fn truth_kind(&mut self, e: &'a Expr) -> Truth<'a> {
        match &e.kind {
            ExprKind::Not(x) => self.truth(x).map(|b| !b),
            ExprKind::And(a, b) => {
                let left = self.truth(a);
                if let Ok(false) = left {
                    return Ok(false);
                }
                match (left, self.truth(b)) {
                    (_, Ok(false)) => Ok(false),
                    (Err(u), _) | (_, Err(u)) => Err(u),
                    _ => Ok(true),
                }
            }
            ExprKind::Or(a, b) => {
                let left = self.truth(a);
                if let Ok(true) = left {
                    return Ok(true);
                }
                match (left, self.truth(b)) {
                    (_, Ok(true)) => Ok(true),
                    (Err(u), _) | (_, Err(u)) => Err(u),
                    _ => Ok(false),
                }
            }
            ExprKind::Compare(op, a, b) => self.compare(*op, a, b, e.span),
            ExprKind::In(x, collection) => self.member(x, collection, e.span),
            ExprKind::Between(x, low, high) => self.between(x, low, high, e.span),
            ExprKind::Quantified(quantifier, collection, predicate) => {
                self.quantified(*quantifier, collection, predicate)
            }
            _ => match self.eval_kind(e)? {
                Value::One(Elem::Atom(Atom::Bool(b))) => Ok(b),
                Value::One(Elem::Atom(other)) => Err(Undet::new(
                    Why::Mismatch {
                        subject: e.span,
                        found: other.unit(),
                        other: None,
                        usage: Usage::Condition,
                    },
                    e.span,
                    self.source_span(e),
                )),
                _ => Err(unsupported("a condition was expected", e.span)),
            },
        }
    }

    /// Runs `f` with `elem` bound as the innermost element.
    pub(crate) fn with_elem<R>(&mut self, elem: Elem<'a>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.elems.push(elem);
        let result = f(self);
        self.elems.pop();
        result
    }

    /// Runs `f` with no element bound, as a `let` definition is evaluated.
    pub(crate) fn closed<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let outer = self.elems.hide();
        let result = f(self);
        self.elems.restore(outer);
        result
    }

    /// The definition of a `let`.
    pub(crate) fn let_def(&self, id: LetId) -> Option<&'a Expr> {
        let rules: &'a RuleSet = self.rules;
        rules.lets.get(id.0 as usize).map(|l| &l.value)
    }

    /// The name of a `let`.
    pub(crate) fn let_name(&self, id: LetId) -> &'a str {
        let rules: &'a RuleSet = self.rules;
        rules
            .lets
            .get(id.0 as usize)
            .map_or("?", |l| l.name.as_str())
    }

    fn let_value(&mut self, id: LetId, span: Span) -> Eval<'a> {
        let cached = self.lets.get(id).cloned();
        let result = match cached {
            Some(value) => value,
            None => {
                let Some(def) = self.let_def(id) else {
                    return Err(unsupported("an unknown `let`", span));
                };
                let result = self.closed(|ev| ev.eval(def));
                self.lets.insert(id, result.clone());
                result
            }
        };
        result.map_err(|mut u| {
            // Outer references overwrite inner ones as the result travels
            // outwards, so the statement's own reference wins.
            u.via_let = Some(span);
            u
        })
    }

    fn element(&self, depth: u32, span: Span) -> Result<Elem<'a>, Undet<'a>> {
        self.elems
            .get(depth)
            .ok_or_else(|| unsupported("an element outside of any `where`", span))
    }

    fn list(&mut self, items: &'a [Expr]) -> Eval<'a> {
        let mut elems = Vec::with_capacity(items.len());
        for item in items {
            match self.eval(item)? {
                Value::One(elem) => elems.push(elem),
                _ => return Err(unsupported("a list cannot hold a collection", item.span)),
            }
        }
        Ok(Value::List(elems.into()))
    }

    fn proposal_field(&self, field: ProposalField, span: Span) -> Eval<'a> {
        let p: &'a Proposal = self.proposal;
        let missing = |name: &'static str| {
            Undet::new(
                Why::MissingField {
                    holder: Holder::Proposal,
                    field: name,
                },
                span,
                Some(p.id.span),
            )
        };
        let atom = match field {
            ProposalField::Id => Atom::Str(&p.id.value),
            ProposalField::Title => {
                Atom::Str(&p.title.as_ref().ok_or_else(|| missing("title"))?.value)
            }
            ProposalField::Deal => {
                Atom::Str(&p.deal.as_ref().ok_or_else(|| missing("deal"))?.value)
            }
            ProposalField::TabledBy => Atom::Str(
                &p.tabled_by
                    .as_ref()
                    .ok_or_else(|| missing("tabled_by"))?
                    .value,
            ),
            ProposalField::Round => {
                Atom::Number(p.round.as_ref().ok_or_else(|| missing("round"))?.value)
            }
            ProposalField::Date => {
                Atom::Date(p.date.as_ref().ok_or_else(|| missing("date"))?.value)
            }
            ProposalField::Parties => return Ok(Value::Coll(Base::Parties, Sel::All)),
            ProposalField::Tariffs => return Ok(Value::Coll(Base::Tariffs, Sel::All)),
            ProposalField::Concessions => return Ok(Value::Coll(Base::Concessions, Sel::All)),
        };
        Ok(Value::atom(atom))
    }

    /// `facts.NAME`, with where the proposal writes it.
    pub(crate) fn fact(&self, name: &'a str, span: Span) -> Result<(Atom<'a>, Span), Undet<'a>> {
        let p: &'a Proposal = self.proposal;
        match p.facts.iter().find(|fact| fact.key.value == name) {
            Some(fact) => Ok((Atom::of(&fact.value.value), fact.value.span)),
            None => Err(Undet::new(
                Why::MissingFact { name },
                span,
                Some(p.facts_span.unwrap_or(p.id.span)),
            )),
        }
    }

    /// The index of the tariff line of `sector`, if the proposal has one.
    pub(crate) fn line_index(&self, sector: &str) -> Option<usize> {
        self.proposal
            .tariffs
            .iter()
            .position(|line| line.sector.value == sector)
    }

    fn line(&self, sector: &'a str, span: Span) -> Result<usize, Undet<'a>> {
        self.line_index(sector).ok_or_else(|| {
            Undet::new(
                Why::MissingLine { sector },
                span,
                Some(tariffs_anchor(self.proposal)),
            )
        })
    }

    /// A field of one element value (`tariffs.autos.after`, `it.amount`),
    /// with where the proposal writes it.
    pub(crate) fn element_field(
        &mut self,
        base: &'a Expr,
        field: ElementField,
        span: Span,
    ) -> Result<(Atom<'a>, Span), Undet<'a>> {
        let elem = match self.eval(base) {
            Ok(Value::One(elem)) => elem,
            Ok(_) => return Err(unsupported("a field of a collection", span)),
            Err(mut u) => {
                // Name the whole path as written: `tariffs.autos.after`.
                if let (Why::MissingLine { .. }, ExprKind::TariffLine(_)) = (&u.why, &base.kind) {
                    u.span = span;
                }
                return Err(u);
            }
        };
        match self.read(elem, field) {
            Read::Present(atom, at) => Ok((atom, at)),
            Read::Absent(holder, name, at) => Err(Undet::new(
                Why::MissingField {
                    holder,
                    field: name,
                },
                span,
                Some(at),
            )),
            Read::Invalid => Err(unsupported("no such field", span)),
        }
    }

    /// Reads a field of a tariff line or concession.
    pub(crate) fn read(&self, elem: Elem<'a>, field: ElementField) -> Read<'a> {
        let p: &'a Proposal = self.proposal;
        match (elem, field) {
            (Elem::Line(i), ElementField::Tariff(field)) => {
                let Some(line) = p.tariffs.get(i) else {
                    return Read::Invalid;
                };
                let absent =
                    |name| Read::Absent(Holder::Line(&line.sector.value), name, line.sector.span);
                match field {
                    TariffField::Sector => {
                        Read::Present(Atom::Str(&line.sector.value), line.sector.span)
                    }
                    TariffField::Before => {
                        Read::Present(Atom::Percent(line.before.value), line.before.span)
                    }
                    TariffField::After => {
                        Read::Present(Atom::Percent(line.after.value), line.after.span)
                    }
                    TariffField::Effective => line.effective.as_ref().map_or_else(
                        || absent("effective"),
                        |d| Read::Present(Atom::Date(d.value), d.span),
                    ),
                    TariffField::Quota => line.quota.as_ref().map_or_else(
                        || absent("quota"),
                        |q| Read::Present(Atom::Number(q.value), q.span),
                    ),
                    TariffField::Note => line.note.as_ref().map_or_else(
                        || absent("note"),
                        |n| Read::Present(Atom::Str(&n.value), n.span),
                    ),
                }
            }
            (Elem::Concession(i), ElementField::Concession(field)) => {
                let Some(c) = p.concessions.get(i) else {
                    return Read::Invalid;
                };
                match field {
                    ConcessionField::By => Read::Present(Atom::Str(&c.by.value), c.by.span),
                    ConcessionField::Kind => {
                        Read::Present(Atom::Str(c.kind.value.as_str()), c.kind.span)
                    }
                    ConcessionField::Item => Read::Present(Atom::Str(&c.item.value), c.item.span),
                    ConcessionField::Amount => c.amount.as_ref().map_or_else(
                        || Read::Absent(Holder::Concession(&c.item.value), "amount", c.item.span),
                        |a| Read::Present(Atom::Money(a.value), a.span),
                    ),
                }
            }
            _ => Read::Invalid,
        }
    }

    fn arith(
        &mut self,
        op: ArithOp,
        a: &'a Expr,
        b: &'a Expr,
        span: Span,
    ) -> Result<Atom<'a>, Undet<'a>> {
        let x = self.atom(a)?;
        let y = self.atom(b)?;
        let op = match op {
            ArithOp::Add => Op::Add,
            ArithOp::Sub => Op::Sub,
            ArithOp::Mul => Op::Mul,
            ArithOp::Div => Op::Div,
        };
        arith(op, x, y)
            .map_err(|clash| self.clash(clash, span, (a, x), Some((b, y)), Usage::Combined))
    }

    fn compare(&mut self, op: CmpOp, a: &'a Expr, b: &'a Expr, span: Span) -> Truth<'a> {
        let x = self.atom(a)?;
        let y = self.atom(b)?;
        compare_atoms(op, x, y).map_err(|clash| {
            let usage = match clash {
                Clash::Unordered(_) => Usage::Ordered,
                _ => Usage::Compared,
            };
            self.clash(clash, span, (a, x), Some((b, y)), usage)
        })
    }

    fn between(&mut self, x: &'a Expr, low: &'a Expr, high: &'a Expr, span: Span) -> Truth<'a> {
        let value = self.atom(x)?;
        let lo = self.atom(low)?;
        let hi = self.atom(high)?;
        let above = compare_atoms(CmpOp::Ge, value, lo).map_err(|clash| {
            self.clash(clash, span, (x, value), Some((low, lo)), Usage::Compared)
        })?;
        let below = compare_atoms(CmpOp::Le, value, hi).map_err(|clash| {
            self.clash(clash, span, (x, value), Some((high, hi)), Usage::Compared)
        })?;
        Ok(above && below)
    }

    /// Turns a clash between two operands into an undetermined result,
    /// naming the `facts.*` operand when there is one.
    pub(crate) fn clash(
        &mut self,
        clash: Clash,
        span: Span,
        left: (&'a Expr, Atom<'a>),
        right: Option<(&'a Expr, Atom<'a>)>,
        usage: Usage,
    ) -> Undet<'a> {
        match clash {
            Clash::Currencies(l, r) => {
                let right_expr = right.map_or(left.0, |(e, _)| e);
                let (at, at_currency) = match self.source_span(left.0) {
                    Some(at) => (Some(at), Some(l)),
                    None => (self.source_span(right_expr), Some(r)),
                };
                Undet::new(
                    Why::Currencies {
                        left: left.0.span,
                        right: right_expr.span,
                        pair: (l, r),
                        at_currency,
                    },
                    span,
                    at,
                )
            }
            Clash::Units(..) | Clash::Unordered(_) => {
                let (subject, other) = match right {
                    Some(r) if r.0.ty == Type::Fact && left.0.ty != Type::Fact => (r, Some(left)),
                    _ => (left, right),
                };
                let why = Why::Mismatch {
                    subject: subject.0.span,
                    found: subject.1.unit(),
                    other: other.map(|(_, atom)| atom.unit()),
                    usage,
                };
                let at = self.source_span(subject.0);
                Undet::new(why, span, at)
            }
            Clash::DivisionByZero => {
                let at = right.and_then(|(divisor, _)| self.source_span(divisor));
                Undet::new(Why::DivisionByZero, span, at)
            }
            Clash::Overflow => Undet::new(Why::Overflow, span, None),
        }
    }

    /// Where the proposal writes the value a path expression reads, if it
    /// reads one directly (`tariffs.autos.after`, `facts.x`, `round`, a
    /// `let` that is such a path).
    pub(crate) fn source_span(&mut self, e: &'a Expr) -> Option<Span> {
        let p: &'a Proposal = self.proposal;
        match &e.kind {
            ExprKind::Fact(name) => self.fact(name, e.span).ok().map(|(_, at)| at),
            ExprKind::ElementField(base, field) => self
                .element_field(base, *field, e.span)
                .ok()
                .map(|(_, at)| at),
            ExprKind::Proposal(field) => match field {
                ProposalField::Id => Some(p.id.span),
                ProposalField::Title => p.title.as_ref().map(|v| v.span),
                ProposalField::Deal => p.deal.as_ref().map(|v| v.span),
                ProposalField::TabledBy => p.tabled_by.as_ref().map(|v| v.span),
                ProposalField::Round => p.round.as_ref().map(|v| v.span),
                ProposalField::Date => p.date.as_ref().map(|v| v.span),
                ProposalField::Parties => Some(p.parties.span),
                ProposalField::Tariffs => p.tariffs_span,
                ProposalField::Concessions => p.concessions_span,
            },
            ExprKind::Let(id) => {
                let def = self.let_def(*id)?;
                self.closed(|ev| ev.source_span(def))
            }
            _ => None,
        }
    }
}

/// `x op y` on two scalars.
pub(crate) fn compare_atoms(op: CmpOp, x: Atom<'_>, y: Atom<'_>) -> Result<bool, Clash> {
    match op {
        CmpOp::Eq => equals(x, y),
        CmpOp::Ne => equals(x, y).map(|eq| !eq),
        CmpOp::Lt => order(x, y).map(|o| o.is_lt()),
        CmpOp::Le => order(x, y).map(|o| o.is_le()),
        CmpOp::Gt => order(x, y).map(|o| o.is_gt()),
        CmpOp::Ge => order(x, y).map(|o| o.is_ge()),
    }
}

/// An undetermined result for something the checker should have refused.
pub(crate) fn unsupported<'a>(what: &'static str, span: Span) -> Undet<'a> {
    Undet::new(Why::Unsupported(what), span, None)
}
