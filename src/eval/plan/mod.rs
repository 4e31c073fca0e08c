//! The fast path: checked rules compiled into a [`Plan`] that decides
//! outcomes without name look-ups, string comparisons of paths or
//! allocation per rule.
//!
//! A plan is made once per run. Each proposal is *bound* to it once (its
//! sector keys, party ids and `facts` keys looked up in the plan's tables),
//! then every applicable rule is decided against the binding, with `let`
//! values computed at most once per proposal and shared by every rule
//! that reads them. Outcomes are exactly the tree evaluator's
//! ([`super::evaluate`]); the tree evaluator still explains every rule that
//! fails, and decides the rare rule nested too deeply to compile.

mod compile;
mod intern;
mod machine;
mod node;

use crate::check::typed::{RuleSet, Scope};
use crate::proposal::{ConcessionKind, Proposal};

use super::Outcome;
use compile::Compiler;
use intern::{FxMap, Interner, NO_SYM, Sym};
use machine::{Machine, R};
use node::{NodeId, V};

/// Compiled rules, ready to decide outcomes for any number of proposals
/// (from any number of threads: a plan is immutable).
#[derive(Debug)]
pub struct Plan {
    nodes: Vec<Node>,
    rules: Vec<PlanRule>,
    let_defs: Vec<NodeId>,
    preds: Vec<Pred>,
    strings: Interner,
    facts: FxMap<Box<str>, u32>,
    scopes: Vec<PlanScope>,
    /// The symbol of each concession kind, in [`ConcessionKind::ALL`] order.
    kind_syms: [Sym; 6],
}

use node::{Node, Pred};

/// One compiled rule.
#[derive(Debug)]
struct PlanRule {
    /// Its index in [`RuleSet::rules`].
    index: usize,
    /// Its scope's index in [`Plan::scopes`].
    scope: u32,
    /// Decided by the tree evaluator on a proposal with a longer list than
    /// this, where its step budget might end the evaluation.
    max_len: u32,
    body: Body,
}

/// The statements of a compiled rule.
#[derive(Debug)]
enum Body {
    /// Decided by the tree evaluator (nested too deeply to compile).
    Tree,
    /// One checking statement and no guard: the commonest shape, decided
    /// without walking lists of statements.
    Check(PlanCheck),
    /// Guards and checking statements.
    Full {
        guards: Box<[NodeId]>,
        checks: Box<[PlanCheck]>,
    },
}

/// A compiled checking statement.
#[derive(Clone, Copy, Debug)]
enum PlanCheck {
    Require(NodeId),
    Forbid(NodeId),
    Implies(NodeId, NodeId),
}

/// Which proposals a group of rules applies to, by party symbol.
#[derive(Debug, PartialEq, Eq)]
enum PlanScope {
    Party(Sym),
    Coalition(Box<[Sym]>),
    Everyone,
}

impl Plan {
    /// Compiles the rules of `rules` at the indices `selected`, in that order.
    pub fn new(rules: &RuleSet, selected: &[usize]) -> Plan {
        let mut compiler = Compiler::new(rules);
        let mut scopes: Vec<PlanScope> = Vec::new();
        let mut scope_ids: FxMap<String, u32> = FxMap::default();
        let mut kind_syms = [NO_SYM; 6];
        for (slot, kind) in kind_syms.iter_mut().zip(ConcessionKind::ALL) {
            *slot = compiler_intern(&mut compiler, kind.as_str());
        }
        let mut compiled = Vec::with_capacity(selected.len());
        for &index in selected {
            let Some(rule) = rules.rules.get(index) else {
                continue;
            };
            let key = scope_key(&rule.scope);
            let scope = match scope_ids.get(&key) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(scopes.len()).unwrap_or(u32::MAX);
                    scopes.push(plan_scope(&mut compiler, &rule.scope));
                    scope_ids.insert(key, id);
                    id
                }
            };
            compiled.push(compiler.rule(index, rule, scope));
        }
        Plan {
            nodes: compiler.nodes,
            rules: compiled,
            let_defs: compiler.let_defs,
            preds: compiler.preds,
            strings: compiler.strings,
            facts: compiler.facts,
            scopes,
            kind_syms,
        }
    }

    /// How many rules the plan decides.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether the plan has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Decides every rule of the plan that applies to `proposal`, in plan
    /// order, into `out` as (index in [`RuleSet::rules`], outcome).
    /// `rules` must be the rule set the plan was made from.
    pub fn decide(
        &self,
        rules: &RuleSet,
        proposal: &Proposal,
        scratch: &mut Scratch,
        out: &mut Vec<(usize, Outcome)>,
    ) {
        out.clear();
        let Scratch {
            bound,
            lets,
            arena,
            indices,
            elems,
        } = scratch;
        bound.bind(self, proposal);
        let mut machine = Machine::new(
            self,
            proposal,
            bound,
            recycle(std::mem::take(lets)),
            recycle(std::mem::take(arena)),
            std::mem::take(indices),
            recycle(std::mem::take(elems)),
        );
        let len = [
            proposal.tariffs.len(),
            proposal.concessions.len(),
            proposal.parties.value.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        for rule in &self.rules {
            if !bound
                .scope_ok
                .get(rule.scope as usize)
                .copied()
                .unwrap_or(false)
            {
                continue;
            }
            let outcome = match &rule.body {
                Body::Check(check) if len <= rule.max_len => machine.decide_check(*check),
                Body::Full { guards, checks } if len <= rule.max_len => {
                    machine.decide(guards, checks)
                }
                Body::Tree | Body::Check(_) | Body::Full { .. } => rules
                    .rules
                    .get(rule.index)
                    .map_or(Outcome::Undetermined, |r| {
                        super::outcome(rules, r, proposal)
                    }),
            };
            out.push((rule.index, outcome));
        }
        let (l, a, i, e) = machine.into_parts();
        *lets = recycle(l);
        *arena = recycle(a);
        *indices = i;
        *elems = recycle(e);
        bound.unbind(self);
    }
}

fn compiler_intern(compiler: &mut Compiler<'_>, text: &str) -> Sym {
    compiler.strings.intern(text)
}

fn scope_key(scope: &Scope) -> String {
    match scope {
        Scope::Party(id) => format!("p {id}"),
        Scope::Coalition { id, members } => format!("c {id} {}", members.join(" ")),
        Scope::Everyone(id) => format!("e {id}"),
    }
}

fn plan_scope(compiler: &mut Compiler<'_>, scope: &Scope) -> PlanScope {
    match scope {
        Scope::Party(id) => PlanScope::Party(compiler.strings.intern(id)),
        Scope::Coalition { members, .. } => {
            PlanScope::Coalition(members.iter().map(|m| compiler.strings.intern(m)).collect())
        }
        Scope::Everyone(_) => PlanScope::Everyone,
    }
}

/// Reuses a vector's allocation for values of another lifetime: the
/// vector is emptied, and collecting an empty `IntoIter` in place keeps
/// its buffer.
fn recycle<T, U>(mut items: Vec<T>) -> Vec<U> {
    items.clear();
    items.into_iter().filter_map(|_| None).collect()
}

/// Working memory for [`Plan::decide`], reused from proposal to proposal
/// (one per thread), so that deciding does not allocate once warm.
#[derive(Default)]
pub struct Scratch {
    bound: Bound,
    lets: Vec<Option<R<V<'static>>>>,
    arena: Vec<V<'static>>,
    indices: Vec<u32>,
    elems: Vec<V<'static>>,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scratch")
    }
}

/// A proposal's keys, looked up in a plan's tables.
#[derive(Default)]
pub(crate) struct Bound {
    /// The symbol of each tariff line's sector.
    pub(crate) sector_sym: Vec<Sym>,
    /// By symbol: the index of the tariff line of that sector, or `NONE`.
    pub(crate) line_of: Vec<u32>,
    /// By `facts` slot: the index of that fact, or `NONE`.
    pub(crate) fact_of: Vec<u32>,
    /// The symbol of each party.
    pub(crate) party_sym: Vec<Sym>,
    /// The symbol of each concession's `by`.
    pub(crate) by_sym: Vec<Sym>,
    /// By symbol: the tariff lines of that sector, as a mask of the first
    /// 64 lines (see [`Bound::mask_bit`]).
    pub(crate) sector_mask: Vec<u64>,
    /// By symbol: the concessions by that party, likewise.
    pub(crate) by_mask: Vec<u64>,
    /// By symbol: the concessions of the kind it names, likewise.
    pub(crate) kind_mask: Vec<u64>,
    /// The symbol of `tabled_by`.
    pub(crate) tabled_by: Sym,
    /// By scope: whether its rules apply.
    pub(crate) scope_ok: Vec<bool>,
}

/// No index.
pub(crate) const NONE: u32 = u32::MAX;

impl Bound {
    fn bind(&mut self, plan: &Plan, p: &Proposal) {
        let symbols = plan.strings.len();
        if self.line_of.len() < symbols {
            self.line_of.resize(symbols, NONE);
            self.sector_mask.resize(symbols, 0);
            self.by_mask.resize(symbols, 0);
            self.kind_mask.resize(symbols, 0);
        }
        self.fact_of.clear();
        self.fact_of.resize(plan.facts.len(), NONE);
        self.sector_sym.clear();
        for (i, line) in p.tariffs.iter().enumerate() {
            let sym = plan.strings.get(&line.sector.value);
            self.sector_sym.push(sym);
            if let Some(slot) = self.line_of.get_mut(sym as usize)
                && *slot == NONE
            {
                *slot = u32::try_from(i).unwrap_or(NONE);
            }
            if let Some(mask) = self.sector_mask.get_mut(sym as usize) {
                *mask |= Bound::mask_bit(i);
            }
        }
        if !plan.facts.is_empty() {
            for (i, fact) in p.facts.iter().enumerate() {
                if let Some(&slot) = plan.facts.get(fact.key.value.as_str())
                    && let Some(entry) = self.fact_of.get_mut(slot as usize)
                    && *entry == NONE
                {
                    *entry = u32::try_from(i).unwrap_or(NONE);
                }
            }
        }
        self.party_sym.clear();
        self.party_sym.extend(
            p.parties
                .value
                .iter()
                .map(|party| plan.strings.get(&party.value)),
        );
        self.by_sym.clear();
        for (i, c) in p.concessions.iter().enumerate() {
            let by = plan.strings.get(&c.by.value);
            self.by_sym.push(by);
            let bit = Bound::mask_bit(i);
            if let Some(mask) = self.by_mask.get_mut(by as usize) {
                *mask |= bit;
            }
            let kind = plan.kind_syms.get(c.kind.value as usize).copied();
            if let Some(mask) = kind.and_then(|kind| self.kind_mask.get_mut(kind as usize)) {
                *mask |= bit;
            }
        }
        self.tabled_by = p
            .tabled_by
            .as_ref()
            .map_or(NO_SYM, |t| plan.strings.get(&t.value));
        self.scope_ok.clear();
        for scope in &plan.scopes {
            let ok = match scope {
                PlanScope::Party(sym) => has_party(&self.party_sym, *sym),
                PlanScope::Coalition(members) => {
                    members.iter().any(|&m| has_party(&self.party_sym, m))
                }
                PlanScope::Everyone => true,
            };
            self.scope_ok.push(ok);
        }
    }

    /// The bit of element `index` in a mask: none past the 64th (masks
    /// are only read for lists of at most 64 elements).
    #[inline]
    pub(crate) fn mask_bit(index: usize) -> u64 {
        1u64.checked_shl(u32::try_from(index).unwrap_or(u32::MAX))
            .unwrap_or(0)
    }

    fn unbind(&mut self, plan: &Plan) {
        for &sym in &self.sector_sym {
            if let Some(slot) = self.line_of.get_mut(sym as usize) {
                *slot = NONE;
            }
            if let Some(mask) = self.sector_mask.get_mut(sym as usize) {
                *mask = 0;
            }
        }
        for &sym in &self.by_sym {
            if let Some(mask) = self.by_mask.get_mut(sym as usize) {
                *mask = 0;
            }
        }
        for &sym in &plan.kind_syms {
            if let Some(mask) = self.kind_mask.get_mut(sym as usize) {
                *mask = 0;
            }
        }
    }
}

fn has_party(parties: &[Sym], sym: Sym) -> bool {
    sym != NO_SYM && parties.contains(&sym)
}
