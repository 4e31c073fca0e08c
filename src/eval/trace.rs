//! The `--explain` trace: the whole evaluation of one rule on one proposal
//! as an indented tree, one line per sub-expression with its value.
//!
//! Literals get no line of their own (their text is their value); a `let`
//! is traced under its first reference only; inside `where` and the
//! quantifiers each element shows the predicate's value.

use std::fmt::Write;

use crate::check::typed::{CheckKind, Expr, ExprKind, LetId, Rule};
use crate::source::Sources;

use super::expr::{Eval, Evaluator};
use super::reason::text;
use super::value::{Atom, Elem, Value};
use super::{Outcome, Status, show, status};

/// How many elements of a collection the trace lists.
const MAX_ELEMENTS: usize = 20;

struct Tracer<'e, 'a, 's> {
    ev: &'e mut Evaluator<'a>,
    sources: &'s Sources,
    out: String,
    seen_lets: Vec<LetId>,
}

/// Traces `rule`, whose outcome is `outcome`.
pub(crate) fn rule<'a>(
    ev: &mut Evaluator<'a>,
    rule: &'a Rule,
    outcome: Outcome,
    sources: &Sources,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} on {}: {}",
        rule.id,
        ev.proposal.id.value,
        outcome.as_str()
    );
    let mut tracer = Tracer {
        ev,
        sources,
        out,
        seen_lets: Vec::new(),
    };
    for guard in &rule.guards {
        let result = tracer.ev.truth(guard).map(|b| Value::atom(Atom::Bool(b)));
        let written = format!("applies when {}", text(sources, guard.span));
        tracer.line(1, &written, &result);
        tracer.children(guard, 2);
    }
    if outcome == Outcome::NotApplicable {
        return tracer.out;
    }
    for check in &rule.checks {
        let verdict = match status(tracer.ev, check) {
            Status::Holds => "holds".to_owned(),
            Status::Violated => "violated".to_owned(),
            Status::Undetermined(undet) => format!("undetermined: {}", undet.summary(sources)),
        };
        let written = text(sources, check.span);
        tracer.push_line(1, &format!("{written} → {verdict}"));
        match &check.kind {
            CheckKind::Require(e) | CheckKind::Forbid(e) => tracer.expr(e, 2),
            CheckKind::Implies(a, b) => {
                tracer.expr(a, 2);
                tracer.expr(b, 2);
            }
        }
    }
    tracer.out
}

impl<'a> Tracer<'_, 'a, '_> {
    fn push_line(&mut self, depth: usize, line: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(line);
        self.out.push('\n');
    }

    fn line(&mut self, depth: usize, written: &str, result: &Eval<'a>) {
        let shown = self.shown(result);
        self.push_line(depth, &format!("{written} → {shown}"));
    }

    fn shown(&self, result: &Eval<'a>) -> String {
        match result {
            Ok(value) => show::value(self.ev.proposal, value),
            Err(undet) => format!("undetermined: {}", undet.summary(self.sources)),
        }
    }

    /// One line for `e`, then its sub-expressions.
    fn expr(&mut self, e: &'a Expr, depth: usize) {
        let result = self.ev.eval(e);
        let written = text(self.sources, e.span);
        self.line(depth, &written, &result);
        self.children(e, depth + 1);
    }

    /// A sub-expression, unless it is a literal.
    fn child(&mut self, e: &'a Expr, depth: usize) {
        if !matches!(e.kind, ExprKind::Const(_)) {
            self.expr(e, depth);
        }
    }

    fn children(&mut self, e: &'a Expr, depth: usize) {
        match &e.kind {
            ExprKind::Const(_)
            | ExprKind::Proposal(_)
            | ExprKind::Fact(_)
            | ExprKind::TariffLine(_)
            | ExprKind::Element(_) => {}
            ExprKind::List(items) => {
                for item in items {
                    self.child(item, depth);
                }
            }
            ExprKind::ElementField(base, _) => {
                // `tariffs.autos.after` and `amount` are shown whole.
                if !matches!(base.kind, ExprKind::TariffLine(_) | ExprKind::Element(_)) {
                    self.child(base, depth);
                }
            }
            ExprKind::Project(x, _)
            | ExprKind::Not(x)
            | ExprKind::Neg(x)
            | ExprKind::Aggregate(_, x) => self.child(x, depth),
            ExprKind::Let(id) => self.let_definition(*id, depth),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::In(a, b) => {
                self.child(a, depth);
                self.child(b, depth);
            }
            ExprKind::Between(x, low, high) => {
                self.child(x, depth);
                self.child(low, depth);
                self.child(high, depth);
            }
            ExprKind::Where(collection, predicate)
            | ExprKind::Quantified(_, collection, predicate) => {
                self.child(collection, depth);
                self.elements(collection, predicate, depth);
            }
        }
    }

    /// A `let`'s definition, the first time it is referenced.
    fn let_definition(&mut self, id: LetId, depth: usize) {
        let name = self.ev.let_name(id);
        if self.seen_lets.contains(&id) {
            self.push_line(depth, &format!("(`{name}` is traced above)"));
            return;
        }
        self.seen_lets.push(id);
        let Some(def) = self.ev.let_def(id) else {
            return;
        };
        self.push_line(
            depth,
            &format!("let {name} = {}", text(self.sources, def.span)),
        );
        // Traced lines are never inside a predicate, so no element is bound
        // here and the definition sees what it would see on its own.
        self.expr(def, depth + 1);
    }

    /// The predicate's value for each element (up to [`MAX_ELEMENTS`]).
    fn elements(&mut self, collection: &'a Expr, predicate: &'a Expr, depth: usize) {
        let proposal = self.ev.proposal;
        let Ok(value) = self.ev.eval(collection) else {
            return;
        };
        let elems: Vec<Elem<'a>> = value
            .elems(proposal)
            .map_or_else(Vec::new, Iterator::collect);
        let condition = text(self.sources, predicate.span);
        let count = elems.len();
        let noun = if count == 1 { "element" } else { "elements" };
        self.push_line(depth, &format!("{condition}, for each of {count} {noun}:"));
        for &elem in elems.iter().take(MAX_ELEMENTS) {
            let result = self
                .ev
                .with_elem(elem, |ev| ev.truth(predicate))
                .map(|b| Value::atom(Atom::Bool(b)));
            let phrase = show::elem_phrase(proposal, elem);
            self.line(depth + 1, &phrase, &result);
        }
        if count > MAX_ELEMENTS {
            self.push_line(depth + 1, &format!("... {} more", count - MAX_ELEMENTS));
        }
    }
}
