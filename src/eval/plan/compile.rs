//! Checked rules to plan nodes: names become symbols and slots, constant
//! `let`s and constant arithmetic are folded, common shapes are fused
//! (`tariffs.autos.after`, a comparison with a constant, `"autos" in
//! tariffs`), and each rule's nesting is measured so that a rule the tree
//! evaluator would give up on (too deep) is left to it.

use crate::check::typed::{
    Aggregate, ArithOp, CheckKind, CmpOp, ConcessionField, ElementField, Expr, ExprKind, LetId,
    ProposalField, Quantifier, Rule, RuleSet, TariffField, Type,
};
use crate::value::{Decimal, Money, Scalar};

use super::super::value::{Atom, Op, arith, negate};
use super::intern::{FxMap, Interner, NO_SYM, Sym};
use super::node::{Base, Konst, Node, NodeId, Operand, Pred, PredId, Rate, SymField, Term};
use super::{Body, PlanCheck, PlanRule};

/// Deepest nesting compiled. The tree evaluator gives up at 512 levels
/// (counting `let` definitions where they are used); a rule that could
/// come near is evaluated by the tree evaluator instead, so both agree.
const MAX_HEIGHT: u32 = 400;

/// The rule is too deeply nested to compile.
#[derive(Debug)]
pub(super) struct TooDeep;

/// Compilation state of one `let`.
#[derive(Clone, Copy)]
enum LetState {
    Todo,
    Busy,
    /// Compiled: the node that stands for it, and its height.
    Done(NodeId, u32),
    Failed,
}

/// Builds the node arena of a plan.
pub(super) struct Compiler<'r> {
    rules: &'r RuleSet,
    pub(super) nodes: Vec<Node>,
    pub(super) strings: Interner,
    pub(super) facts: FxMap<Box<str>, u32>,
    /// The definition of each `let` slot.
    pub(super) let_defs: Vec<NodeId>,
    /// Element predicates.
    pub(super) preds: Vec<Pred>,
    lets: Vec<LetState>,
    /// Every node made, to make each only once.
    seen: FxMap<Node, NodeId>,
    /// By node: how many enclosing element binders it reads from outside
    /// itself (0: it depends on the proposal only).
    free: Vec<u32>,
    /// By node: the cached (`let`-like) node standing for it.
    memos: FxMap<NodeId, NodeId>,
    /// By predicate node: its element predicate.
    pred_ids: FxMap<NodeId, Option<PredId>>,
    /// By `let`: its cost (see [`Compiler::cost`]).
    let_costs: Vec<Option<Cost>>,
}

/// A bound on the steps the tree evaluator takes on an expression:
/// at most `size * n^nest` for a proposal whose longest list has `n`
/// elements, where `nest` counts the nested `where`s and quantifiers (each
/// evaluates its predicate once per element) and `list` is the longest
/// literal list the expression walks.
#[derive(Clone, Copy, Debug)]
struct Cost {
    size: f64,
    nest: u32,
    list: usize,
}

impl Cost {
    fn leaf() -> Cost {
        Cost {
            size: 1.0,
            nest: 0,
            list: 0,
        }
    }

    fn with(self, other: Cost) -> Cost {
        Cost {
            size: self.size + other.size,
            nest: self.nest.max(other.nest),
            list: self.list.max(other.list),
        }
    }
}

/// The part of the tree evaluator's step budget a compiled rule may use
/// before the rule is left to the tree evaluator, whose budget then
/// decides: a quarter, for the steps it spends finding where a clash is.
const STEP_SHARE: f64 = (super::super::expr::MAX_STEPS / 4) as f64;

impl<'r> Compiler<'r> {
    pub(super) fn new(rules: &'r RuleSet) -> Compiler<'r> {
        Compiler {
            rules,
            nodes: Vec::new(),
            strings: Interner::default(),
            facts: FxMap::default(),
            let_defs: Vec::new(),
            preds: Vec::new(),
            lets: vec![LetState::Todo; rules.lets.len()],
            seen: FxMap::default(),
            free: Vec::new(),
            memos: FxMap::default(),
            pred_ids: FxMap::default(),
            let_costs: vec![None; rules.lets.len()],
        }
    }

    /// Compiles one rule; `scope` is its scope's index in the plan.
    pub(super) fn rule(&mut self, index: usize, rule: &Rule, scope: u32) -> PlanRule {
        match self.rule_body(rule) {
            Ok((guards, checks)) => PlanRule {
                index,
                scope,
                max_len: self.max_len(rule),
                body: match (&*guards, &*checks) {
                    ([], &[check]) => Body::Check(check),
                    _ => Body::Full { guards, checks },
                },
            },
            Err(TooDeep) => PlanRule {
                index,
                scope,
                max_len: 0,
                body: Body::Tree,
            },
        }
    }

    /// The longest proposal list on which the tree evaluator certainly
    /// stays within its step budget for `rule`; on longer ones the rule is
    /// left to it, so that both give the same outcome.
    fn max_len(&mut self, rule: &Rule) -> u32 {
        let mut cost = Cost {
            size: 0.0,
            nest: 0,
            list: 0,
        };
        for guard in &rule.guards {
            cost = cost.with(self.cost(guard, 0));
        }
        for check in &rule.checks {
            cost = match &check.kind {
                CheckKind::Require(e) | CheckKind::Forbid(e) => cost.with(self.cost(e, 0)),
                CheckKind::Implies(a, b) => cost.with(self.cost(a, 0)).with(self.cost(b, 0)),
            };
        }
        let limit = if cost.size > STEP_SHARE {
            0.0
        } else if cost.nest == 0 {
            f64::INFINITY
        } else {
            (STEP_SHARE / cost.size)
                .powf(1.0 / f64::from(cost.nest))
                .floor()
        };
        if (cost.list as f64) > limit {
            return 0;
        }
        if limit >= f64::from(u32::MAX) {
            u32::MAX
        } else {
            limit as u32
        }
    }

    /// The [`Cost`] of an expression, `let`s counted where they are used.
    fn cost(&mut self, e: &Expr, depth: u32) -> Cost {
        if depth > MAX_HEIGHT {
            return Cost {
                size: f64::INFINITY,
                nest: 0,
                list: 0,
            };
        }
        let d = depth + 1;
        let own = Cost::leaf();
        match &e.kind {
            ExprKind::Const(_)
            | ExprKind::Proposal(_)
            | ExprKind::Fact(_)
            | ExprKind::TariffLine(_)
            | ExprKind::Element(_) => own,
            ExprKind::List(items) => {
                let mut cost = own;
                for item in items {
                    cost = cost.with(self.cost(item, d));
                }
                cost.list = cost.list.max(items.len());
                cost
            }
            ExprKind::Let(id) => {
                let index = id.0 as usize;
                if let Some(Some(known)) = self.let_costs.get(index) {
                    return own.with(*known);
                }
                let rules: &'r RuleSet = self.rules;
                let cost = match rules.lets.get(index) {
                    Some(def) => self.cost(&def.value, d),
                    None => Cost::leaf(),
                };
                if let Some(slot) = self.let_costs.get_mut(index) {
                    *slot = Some(cost);
                }
                own.with(cost)
            }
            ExprKind::ElementField(x, _)
            | ExprKind::Project(x, _)
            | ExprKind::Not(x)
            | ExprKind::Neg(x)
            | ExprKind::Aggregate(_, x) => own.with(self.cost(x, d)),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::In(a, b) => own.with(self.cost(a, d)).with(self.cost(b, d)),
            ExprKind::Between(a, b, c) => own
                .with(self.cost(a, d))
                .with(self.cost(b, d))
                .with(self.cost(c, d)),
            ExprKind::Where(c, p) | ExprKind::Quantified(_, c, p) => {
                let collection = self.cost(c, d);
                let predicate = self.cost(p, d);
                Cost {
                    size: 1.0 + collection.size + predicate.size,
                    nest: collection.nest.max(predicate.nest + 1),
                    list: collection.list.max(predicate.list),
                }
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn rule_body(&mut self, rule: &Rule) -> Result<(Box<[NodeId]>, Box<[PlanCheck]>), TooDeep> {
        let mut guards = Vec::with_capacity(rule.guards.len());
        for guard in &rule.guards {
            guards.push(self.top(guard)?);
        }
        let mut checks = Vec::with_capacity(rule.checks.len());
        for check in &rule.checks {
            checks.push(match &check.kind {
                CheckKind::Require(e) => PlanCheck::Require(self.top(e)?),
                CheckKind::Forbid(e) => PlanCheck::Forbid(self.top(e)?),
                CheckKind::Implies(a, b) => PlanCheck::Implies(self.top(a)?, self.top(b)?),
            });
        }
        Ok((guards.into(), checks.into()))
    }

    /// A statement's expression, refused when too deep.
    fn top(&mut self, e: &Expr) -> Result<NodeId, TooDeep> {
        let (node, height) = self.expr(e, 0)?;
        if height > MAX_HEIGHT {
            return Err(TooDeep);
        }
        Ok(node)
    }

    /// The node `node`, made if new.
    fn push(&mut self, node: Node) -> NodeId {
        if let Some(&id) = self.seen.get(&node) {
            return id;
        }
        let free = self.free_of(&node);
        // INVARIANT: rule files are bounded in size, so far fewer than 2^32
        // nodes are ever made.
        let id = NodeId::try_from(self.nodes.len()).unwrap_or(NodeId::MAX);
        self.seen.insert(node.clone(), id);
        self.nodes.push(node);
        self.free.push(free);
        id
    }

    fn free_at(&self, id: NodeId) -> u32 {
        self.free.get(id as usize).copied().unwrap_or(u32::MAX)
    }

    /// How many enclosing binders `node` reads from outside itself.
    fn free_of(&self, node: &Node) -> u32 {
        let f = |id: &NodeId| self.free_at(*id);
        match node {
            Node::Const(_)
            | Node::Consts(_)
            | Node::Proposal(_)
            | Node::Fact(_)
            | Node::Line(_)
            | Node::LineField(..)
            | Node::HasSector(_)
            | Node::Let(_)
            | Node::RateConst(..)
            | Node::Rates(..)
            | Node::LetConst(..)
            | Node::Select { .. }
            | Node::Selected { .. } => 0,
            Node::Element(depth) | Node::ElemField(depth, _) => depth.saturating_add(1),
            Node::List(items) | Node::InItems(_, items) => {
                let items = items.iter().map(f).max().unwrap_or(0);
                match node {
                    Node::InItems(x, _) => items.max(f(x)),
                    _ => items,
                }
            }
            Node::Field(x, _)
            | Node::Project(x, _)
            | Node::Not(x)
            | Node::Neg(x)
            | Node::CompareConst(_, x, _)
            | Node::InConsts(x, _)
            | Node::Count(x)
            | Node::Fold(_, x, _)
            | Node::Extremum(_, x, _) => f(x),
            Node::And(a, b)
            | Node::Or(a, b)
            | Node::Arith(_, a, b)
            | Node::Compare(_, a, b)
            | Node::In(a, b) => f(a).max(f(b)),
            Node::Between(a, b, c) => f(a).max(f(b)).max(f(c)),
            Node::Where(c, p, _) | Node::Quantified(_, c, p, _) => f(c).max(f(p).saturating_sub(1)),
            // The extremum is cached, so closed.
            Node::Extreme { fallback, .. } => f(fallback),
        }
    }

    /// A node that reads only the proposal and walks a collection is
    /// cached: computed at most once per proposal, whichever rules use it.
    fn memo(&mut self, id: NodeId) -> NodeId {
        let walks = matches!(
            self.nodes.get(id as usize),
            Some(
                Node::Where(..)
                    | Node::Quantified(..)
                    | Node::Selected { .. }
                    | Node::Count(_)
                    | Node::Fold(..)
                    | Node::Project(..)
                    | Node::Extremum(..)
                    | Node::In(..)
            )
        );
        if !walks || self.free_at(id) != 0 || self.projects_selection(id) {
            return id;
        }
        if let Some(&memo) = self.memos.get(&id) {
            return memo;
        }
        let slot = u32::try_from(self.let_defs.len()).unwrap_or(u32::MAX);
        self.let_defs.push(id);
        let memo = self.push(Node::Let(slot));
        self.memos.insert(id, memo);
        memo
    }

    /// Whether node `id` is `C.field` for a selection `C` of a proposal
    /// list: made lazily in a few instructions, cheaper than cached.
    fn projects_selection(&self, id: NodeId) -> bool {
        let Some(Node::Project(collection, _)) = self.nodes.get(id as usize) else {
            return false;
        };
        matches!(
            self.nodes.get(*collection as usize),
            Some(Node::Proposal(_) | Node::Select { .. })
        )
    }

    /// `C where P` as a [`Node::Select`], when `C` is the proposal's tariffs
    /// or concessions (or already such a selection) and `P` is a
    /// conjunction of [`Term`]s over a field of their elements.
    fn select(&self, collection: NodeId, pred: Option<PredId>, fallback: NodeId) -> Option<Node> {
        self.select_pred(collection, self.preds.get(pred? as usize)?, fallback)
    }

    /// [`Compiler::select`] for a predicate given itself.
    fn select_pred(&self, collection: NodeId, pred: &Pred, fallback: NodeId) -> Option<Node> {
        let (base, mut terms) = match self.nodes.get(collection as usize)? {
            Node::Proposal(ProposalField::Tariffs) => (Base::Tariffs, Vec::new()),
            Node::Proposal(ProposalField::Concessions) => (Base::Concessions, Vec::new()),
            Node::Select { base, terms, .. } => (*base, terms.to_vec()),
            _ => return None,
        };
        terms_of(pred, base, true, &mut terms)?;
        Some(Node::Select {
            base,
            terms: terms.into(),
            fallback,
        })
    }

    /// `any/no/all C where P` as a [`Node::Selected`], when `C where P`
    /// (for `all`, `C where not P`) makes a [`Node::Select`]: whether
    /// that selection is empty.
    fn selected(
        &self,
        quantifier: Quantifier,
        collection: NodeId,
        pred: Option<PredId>,
        fallback: NodeId,
    ) -> Option<Node> {
        let pred = self.preds.get(pred? as usize)?.clone();
        let (pred, any) = match quantifier {
            Quantifier::Any => (pred, true),
            Quantifier::No => (pred, false),
            Quantifier::All => (Pred::Not(Box::new(pred)), false),
        };
        let Node::Select { base, terms, .. } = self.select_pred(collection, &pred, fallback)?
        else {
            return None;
        };
        Some(Node::Selected {
            base,
            terms,
            any,
            fallback,
        })
    }

    fn konst_of(&self, id: NodeId) -> Option<&Konst> {
        match self.nodes.get(id as usize) {
            Some(Node::Const(k)) => Some(k),
            _ => None,
        }
    }

    /// Compiles `e` met at recursion `depth`; returns its node and height
    /// (the longest chain of nested evaluations it can make).
    fn expr(&mut self, e: &Expr, depth: u32) -> Result<(NodeId, u32), TooDeep> {
        if depth > MAX_HEIGHT {
            return Err(TooDeep);
        }
        let d = depth + 1;
        let (node, below) = match &e.kind {
            ExprKind::Const(scalar) => (Node::Const(self.konst(scalar)), 0),
            ExprKind::List(items) => {
                let mut ids = Vec::with_capacity(items.len());
                let mut height = 0;
                for item in items {
                    let (id, h) = self.expr(item, d)?;
                    ids.push(id);
                    height = height.max(h);
                }
                (self.list(ids), height)
            }
            ExprKind::Proposal(field) => (Node::Proposal(*field), 0),
            ExprKind::Fact(name) => (Node::Fact(self.fact(name)), 0),
            ExprKind::TariffLine(sector) => (Node::Line(self.strings.intern(sector)), 0),
            ExprKind::ElementField(base, field) => match &base.kind {
                ExprKind::TariffLine(sector) => {
                    let ElementField::Tariff(field) = field else {
                        return self.generic_field(base, *field, d);
                    };
                    (Node::LineField(self.strings.intern(sector), *field), 1)
                }
                ExprKind::Element(level) => (Node::ElemField(*level, *field), 1),
                _ => return self.generic_field(base, *field, d),
            },
            ExprKind::Project(collection, field) => {
                let (c, h) = self.expr(collection, d)?;
                (Node::Project(c, *field), h)
            }
            ExprKind::Element(level) => (Node::Element(*level), 0),
            ExprKind::Let(id) => return self.let_ref(*id, depth),
            ExprKind::Not(x) => {
                let (x, h) = self.expr(x, d)?;
                match self.konst_of(x) {
                    Some(Konst::Bool(b)) => (Node::Const(Konst::Bool(!b)), h),
                    _ => (Node::Not(x), h),
                }
            }
            ExprKind::Neg(x) => {
                let (x, h) = self.expr(x, d)?;
                let folded = self
                    .konst_of(x)
                    .and_then(|k| negate(atom(k)).ok().map(konst));
                (folded.map_or(Node::Neg(x), Node::Const), h)
            }
            ExprKind::And(a, b) => {
                let (a, ha) = self.expr(a, d)?;
                let (b, hb) = self.expr(b, d)?;
                (Node::And(a, b), ha.max(hb))
            }
            ExprKind::Or(a, b) => {
                let (a, ha) = self.expr(a, d)?;
                let (b, hb) = self.expr(b, d)?;
                (Node::Or(a, b), ha.max(hb))
            }
            ExprKind::Arith(op, a, b) => {
                let op = match op {
                    ArithOp::Add => Op::Add,
                    ArithOp::Sub => Op::Sub,
                    ArithOp::Mul => Op::Mul,
                    ArithOp::Div => Op::Div,
                };
                let (a, ha) = self.expr(a, d)?;
                let (b, hb) = self.expr(b, d)?;
                let folded = match (self.konst_of(a), self.konst_of(b)) {
                    (Some(x), Some(y)) => arith(op, atom(x), atom(y)).ok().map(konst),
                    _ => None,
                };
                (
                    folded.map_or(Node::Arith(op, a, b), Node::Const),
                    ha.max(hb),
                )
            }
            ExprKind::Compare(op, a, b) => {
                let (a, ha) = self.expr(a, d)?;
                let (b, hb) = self.expr(b, d)?;
                (self.comparison(*op, a, b), ha.max(hb))
            }
            ExprKind::In(x, collection) => return self.member(x, collection, d),
            ExprKind::Between(x, low, high) => {
                let (x, hx) = self.expr(x, d)?;
                let (low, hl) = self.expr(low, d)?;
                let (high, hh) = self.expr(high, d)?;
                (Node::Between(x, low, high), hx.max(hl).max(hh))
            }
            ExprKind::Where(collection, predicate) => {
                let (c, hc) = self.expr(collection, d)?;
                let (p, hp) = self.expr(predicate, d)?;
                let pred = self.pred_id(p);
                let filter = self.push(Node::Where(c, p, pred));
                let filter = self.memo(filter);
                match self.select(c, pred, filter) {
                    Some(select) => (select, hc.max(hp)),
                    None => return Ok((filter, hc.max(hp) + 1)),
                }
            }
            ExprKind::Quantified(quantifier, collection, predicate) => {
                let (c, hc) = self.expr(collection, d)?;
                let (p, hp) = self.expr(predicate, d)?;
                let pred = self.pred_id(p);
                let quantified = self.push(Node::Quantified(*quantifier, c, p, pred));
                let quantified = self.memo(quantified);
                let fused = match self.extreme(*quantifier, c, pred, quantified) {
                    Some(node) => Some(node),
                    None => self.selected(*quantifier, c, pred, quantified),
                };
                match fused {
                    Some(node) => (node, hc.max(hp)),
                    None => return Ok((quantified, hc.max(hp) + 1)),
                }
            }
            ExprKind::Aggregate(Aggregate::Count, x) => {
                let (x, h) = self.expr(x, d)?;
                (Node::Count(x), h)
            }
            ExprKind::Aggregate(aggregate, x) => {
                let (x, h) = self.expr(x, d)?;
                (Node::Fold(*aggregate, x, zero(&e.ty)), h)
            }
        };
        let id = self.push(node);
        Ok((self.memo(id), below + 1))
    }

    /// `a op b`, fused with a constant operand (moved to the right) and,
    /// for the commonest shapes, with what the other operand reads.
    fn comparison(&self, op: CmpOp, a: NodeId, b: NodeId) -> Node {
        let (op, x, k) = match (self.konst_of(a), self.konst_of(b)) {
            (_, Some(k)) => (op, a, k.clone()),
            (Some(k), None) => (flip(op), b, k.clone()),
            (None, None) => {
                return match (self.rate_of(a), self.rate_of(b)) {
                    (Some(x), Some(y)) => Node::Rates(op, x, y),
                    _ => Node::Compare(op, a, b),
                };
            }
        };
        match (self.nodes.get(x as usize), self.rate_of(x), k) {
            (_, Some((sym, rate)), Konst::Pct(bound)) => Node::RateConst(op, sym, rate, bound),
            (Some(Node::Let(slot)), _, k) => Node::LetConst(op, *slot, k),
            (_, _, k) => Node::CompareConst(op, x, k),
        }
    }

    /// The sector and rate that node `n` reads, if it is `tariffs.S.rate`.
    fn rate_of(&self, n: NodeId) -> Option<(Sym, Rate)> {
        match self.nodes.get(n as usize)? {
            Node::LineField(sym, field) => Some((*sym, Rate::of(ElementField::Tariff(*field))?)),
            _ => None,
        }
    }

    /// The predicate node `p` as an element predicate, if it is one.
    fn pred_id(&mut self, p: NodeId) -> Option<PredId> {
        if let Some(&known) = self.pred_ids.get(&p) {
            return known;
        }
        let id = match self.pred(p, 0) {
            Some(pred) => {
                let id = PredId::try_from(self.preds.len()).ok();
                self.preds.push(pred);
                id
            }
            None => None,
        };
        self.pred_ids.insert(p, id);
        id
    }

    /// `all/no/any C where rate op k` over a proposal-only C, as one
    /// comparison with the largest or smallest rate of C (computed once per
    /// proposal and shared by every such rule). Exact: `before` and `after`
    /// are on every tariff line, and percents are totally ordered.
    fn extreme(
        &mut self,
        quantifier: Quantifier,
        collection: NodeId,
        pred: Option<PredId>,
        fallback: NodeId,
    ) -> Option<Node> {
        if self.free_at(collection) != 0 {
            return None;
        }
        let Some(Pred::Const(op, Operand::Field(field), bound)) =
            pred.and_then(|id| self.preds.get(id as usize))
        else {
            return None;
        };
        let (op, field) = (*op, *field);
        let Konst::Pct(bound) = *bound else {
            return None;
        };
        Rate::of(field)?;
        // `all x op k`; `no x op k` is `all x op' k`; `any x op k` is
        // `not all x op' k`, op' being the negation of op.
        let (op, negate) = match quantifier {
            Quantifier::All => (op, false),
            Quantifier::No => (negation(op)?, false),
            Quantifier::Any => (negation(op)?, true),
        };
        let aggregate = match op {
            CmpOp::Lt | CmpOp::Le => Aggregate::Max,
            CmpOp::Gt | CmpOp::Ge => Aggregate::Min,
            CmpOp::Eq | CmpOp::Ne => return None,
        };
        let extremum = self.push(Node::Extremum(aggregate, collection, field));
        // Cached, as it reads the proposal only.
        let extremum = self.memo(extremum);
        let Some(&Node::Let(extremum)) = self.nodes.get(extremum as usize) else {
            return None;
        };
        Some(Node::Extreme {
            extremum,
            op,
            bound,
            negate,
            fallback,
        })
    }

    fn pred(&self, p: NodeId, depth: u32) -> Option<Pred> {
        if depth > 32 {
            return None;
        }
        Some(match self.nodes.get(p as usize)? {
            Node::CompareConst(op, a, k) => {
                let operand = self.operand(*a)?;
                match (op, symbol_field(operand), k) {
                    (CmpOp::Eq | CmpOp::Ne, Some(field), Konst::Str(sym, _)) if *sym != NO_SYM => {
                        Pred::Sym {
                            field,
                            sym: *sym,
                            eq: *op == CmpOp::Eq,
                        }
                    }
                    _ => Pred::Const(*op, operand, k.clone()),
                }
            }
            Node::Compare(op, a, b) => Pred::Operands(*op, self.operand(*a)?, self.operand(*b)?),
            Node::InConsts(x, konsts) => {
                let operand = self.operand(*x)?;
                let syms = konsts
                    .iter()
                    .map(|k| match k {
                        Konst::Str(sym, _) if *sym != NO_SYM => Some(*sym),
                        _ => None,
                    })
                    .collect::<Option<Box<[Sym]>>>();
                match (symbol_field(operand), syms) {
                    (Some(field), Some(syms)) => Pred::Syms(field, syms),
                    _ => Pred::In(operand, konsts.clone()),
                }
            }
            Node::Not(x) => Pred::Not(Box::new(self.pred(*x, depth + 1)?)),
            Node::And(a, b) => Pred::And(
                Box::new(self.pred(*a, depth + 1)?),
                Box::new(self.pred(*b, depth + 1)?),
            ),
            Node::Or(a, b) => Pred::Or(
                Box::new(self.pred(*a, depth + 1)?),
                Box::new(self.pred(*b, depth + 1)?),
            ),
            _ => return None,
        })
    }

    /// A node that reads the innermost element: a field of it, or itself.
    fn operand(&self, n: NodeId) -> Option<Operand> {
        match self.nodes.get(n as usize)? {
            Node::ElemField(0, field) => Some(Operand::Field(*field)),
            Node::Element(0) => Some(Operand::It),
            _ => None,
        }
    }

    fn generic_field(
        &mut self,
        base: &Expr,
        field: ElementField,
        d: u32,
    ) -> Result<(NodeId, u32), TooDeep> {
        let (b, h) = self.expr(base, d)?;
        Ok((self.push(Node::Field(b, field)), h + 1))
    }

    /// `x in C`: a literal list is compared item by item (an undetermined
    /// item does not hide a match), anything else as a whole.
    fn member(&mut self, x: &Expr, collection: &Expr, d: u32) -> Result<(NodeId, u32), TooDeep> {
        let (needle, hx) = self.expr(x, d)?;
        let (node, hc) = match &collection.kind {
            ExprKind::List(items) => {
                let mut ids = Vec::with_capacity(items.len());
                let mut height = 0;
                for item in items {
                    let (id, h) = self.expr(item, d)?;
                    ids.push(id);
                    height = height.max(h);
                }
                match self.all_konst(&ids) {
                    Some(konsts) => (Node::InConsts(needle, konsts), height),
                    None => (Node::InItems(needle, ids.into()), height),
                }
            }
            ExprKind::Proposal(ProposalField::Tariffs) => match self.konst_of(needle) {
                Some(Konst::Str(sym, _)) => (Node::HasSector(*sym), 1),
                _ => {
                    let (c, h) = self.expr(collection, d)?;
                    (Node::In(needle, c), h)
                }
            },
            _ => {
                let (c, h) = self.expr(collection, d)?;
                match self.nodes.get(c as usize) {
                    Some(Node::Consts(konsts)) => (Node::InConsts(needle, konsts.clone()), h),
                    _ => (Node::In(needle, c), h),
                }
            }
        };
        let id = self.push(node);
        Ok((self.memo(id), hx.max(hc) + 1))
    }

    fn all_konst(&self, ids: &[NodeId]) -> Option<Box<[Konst]>> {
        ids.iter().map(|&id| self.konst_of(id).cloned()).collect()
    }

    fn list(&mut self, ids: Vec<NodeId>) -> Node {
        match self.all_konst(&ids) {
            Some(konsts) => Node::Consts(konsts),
            None => Node::List(ids.into()),
        }
    }

    /// A `let` reference: the constant it folds to, or its cache slot.
    fn let_ref(&mut self, id: LetId, depth: u32) -> Result<(NodeId, u32), TooDeep> {
        let index = id.0 as usize;
        let state = self.lets.get(index).copied().unwrap_or(LetState::Failed);
        match state {
            LetState::Done(node, height) => Ok((node, height)),
            LetState::Busy | LetState::Failed => Err(TooDeep),
            LetState::Todo => {
                self.lets[index] = LetState::Busy;
                let rules: &'r RuleSet = self.rules;
                let Some(def) = rules.lets.get(index) else {
                    self.lets[index] = LetState::Failed;
                    return Err(TooDeep);
                };
                let (value, height) = match self.expr(&def.value, depth + 1) {
                    Ok(compiled) => compiled,
                    Err(TooDeep) => {
                        self.lets[index] = LetState::Failed;
                        return Err(TooDeep);
                    }
                };
                let node = match self.nodes.get(value as usize) {
                    // Constants are folded in; a cached node is cached
                    // already; a selection is cheaper than cached.
                    Some(Node::Const(_) | Node::Consts(_) | Node::Let(_) | Node::Select { .. }) => {
                        value
                    }
                    _ => {
                        let slot = u32::try_from(self.let_defs.len()).unwrap_or(u32::MAX);
                        self.let_defs.push(value);
                        self.push(Node::Let(slot))
                    }
                };
                let height = height + 1;
                self.lets[index] = LetState::Done(node, height);
                Ok((node, height))
            }
        }
    }

    fn fact(&mut self, name: &str) -> u32 {
        if let Some(&slot) = self.facts.get(name) {
            return slot;
        }
        let slot = u32::try_from(self.facts.len()).unwrap_or(u32::MAX);
        self.facts.insert(name.into(), slot);
        slot
    }

    fn konst(&mut self, scalar: &Scalar) -> Konst {
        match scalar {
            Scalar::Bool(b) => Konst::Bool(*b),
            Scalar::Number(n) => Konst::Num(*n),
            Scalar::Percent(p) => Konst::Pct(*p),
            Scalar::Money(m) => Konst::Money(*m),
            Scalar::Date(d) => Konst::Date(*d),
            Scalar::Str(s) => Konst::Str(self.strings.intern(s), (**s).into()),
        }
    }
}

/// The field an operand reads if it is one read with its symbol (see
/// [`Pred::Sym`]): a sector, `by` or `kind`.
fn symbol_field(operand: Operand) -> Option<ElementField> {
    match operand {
        Operand::Field(
            field @ (ElementField::Tariff(TariffField::Sector)
            | ElementField::Concession(ConcessionField::By | ConcessionField::Kind)),
        ) => Some(field),
        _ => None,
    }
}

/// Appends `pred` (negated unless `holds`) to `terms` as a conjunction of
/// [`Term`]s over the elements of `base`, if it is one. Exact: a symbol
/// comparison of a field that every element has is decided (never
/// undetermined) for every element, so `and` and `not` are those of sets.
fn terms_of(pred: &Pred, base: Base, holds: bool, terms: &mut Vec<Term>) -> Option<()> {
    let sym_field = |field: &ElementField| match (base, field) {
        (Base::Tariffs, ElementField::Tariff(TariffField::Sector)) => Some(SymField::Sector),
        (Base::Concessions, ElementField::Concession(ConcessionField::By)) => Some(SymField::By),
        (Base::Concessions, ElementField::Concession(ConcessionField::Kind)) => {
            Some(SymField::Kind)
        }
        _ => None,
    };
    match pred {
        Pred::Sym { field, sym, eq } => terms.push(Term {
            field: sym_field(field)?,
            syms: Box::new([*sym]),
            eq: *eq == holds,
        }),
        Pred::Syms(field, syms) => terms.push(Term {
            field: sym_field(field)?,
            syms: syms.clone(),
            eq: holds,
        }),
        Pred::Not(x) => terms_of(x, base, !holds, terms)?,
        Pred::And(a, b) if holds => {
            terms_of(a, base, true, terms)?;
            terms_of(b, base, true, terms)?;
        }
        Pred::And(..) | Pred::Or(..) | Pred::Const(..) | Pred::Operands(..) | Pred::In(..) => {
            return None;
        }
    }
    Some(())
}

/// `not (x op k)` as `x op' k`, for ordered values.
fn negation(op: CmpOp) -> Option<CmpOp> {
    Some(match op {
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Eq | CmpOp::Ne => return None,
    })
}

/// `k op x` as `x op' k`.
fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Eq => CmpOp::Eq,
        CmpOp::Ne => CmpOp::Ne,
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
    }
}

/// A constant as a scalar of the tree evaluator, for folding.
fn atom(k: &Konst) -> Atom<'_> {
    match k {
        Konst::Bool(b) => Atom::Bool(*b),
        Konst::Num(n) => Atom::Number(*n),
        Konst::Pct(p) => Atom::Percent(*p),
        Konst::Money(m) => Atom::Money(*m),
        Konst::Date(d) => Atom::Date(*d),
        Konst::Str(_, s) => Atom::Str(s),
    }
}

/// A folded number back as a constant (folding never makes a string).
fn konst(a: Atom<'_>) -> Konst {
    match a {
        Atom::Bool(b) => Konst::Bool(b),
        Atom::Number(n) => Konst::Num(n),
        Atom::Percent(p) => Konst::Pct(p),
        Atom::Money(m) => Konst::Money(m),
        Atom::Date(d) => Konst::Date(d),
        Atom::Str(s) => Konst::Str(NO_SYM, s.into()),
    }
}

/// The zero of a `sum` of an empty list, of the sum's type.
fn zero(ty: &Type) -> Konst {
    match ty {
        Type::Percent => Konst::Pct(Decimal::ZERO),
        Type::Money(_) => Konst::Money(Money {
            currency: None,
            amount: Decimal::ZERO,
        }),
        _ => Konst::Num(Decimal::ZERO),
    }
}
