//! Explanations (SPEC §3): from a failing statement, descend to the smallest
//! failing sub-condition, say what it is beside what was required, and find
//! the proposal values that caused it.
//!
//! The descent carries the truth value the expression should have had:
//! through `and` it follows the false operand, through `not` it flips,
//! through a `let` it continues in the definition while the statement's
//! reference stays the place to point at.

use crate::check::typed::{
    Aggregate, Check, CheckKind, CmpOp, Expr, ExprKind, Quantifier, Template, TemplatePart,
};
use crate::source::{Sources, Span};

use super::Explanation;
use super::expr::Evaluator;
use super::reason::{Undet, tariffs_anchor, text};
use super::show;
use super::value::{Atom, Base, Elem, Value};

/// A failing sub-condition, found.
struct Located {
    /// The sub-condition.
    node: Span,
    /// The truth value it should have had.
    want: bool,
    /// The `let` reference in the statement the descent went through, if any.
    anchor: Option<Span>,
    /// What failed, with actual and required values.
    summary: String,
    /// Further labels in the rules.
    rule_labels: Vec<(Span, String)>,
    /// Labels in the proposal.
    proposal_labels: Vec<(Span, String)>,
}

/// Explains a violated statement.
pub(crate) fn violation<'a>(
    ev: &mut Evaluator<'a>,
    check: &'a Check,
    sources: &Sources,
) -> Explanation {
    let (found, premise) = match &check.kind {
        CheckKind::Require(e) => (locate(ev, sources, e, true, None), None),
        CheckKind::Forbid(e) => (locate(ev, sources, e, false, None), None),
        CheckKind::Implies(a, b) => (locate(ev, sources, b, true, None), Some(a.span)),
    };
    let mut rule_labels = Vec::new();
    if found.anchor.is_some() {
        let label = if found.want {
            "this is false"
        } else {
            "this is true"
        };
        rule_labels.push((found.node, label.to_owned()));
    }
    rule_labels.extend(found.rule_labels);
    if let Some(premise) = premise {
        rule_labels.push((premise, "this holds".to_owned()));
    }
    let rule_span = found.anchor.unwrap_or(found.node);
    finish(found.summary, rule_span, rule_labels, found.proposal_labels)
}

/// Explains an undetermined statement (or guard, when `check` is `None`).
pub(crate) fn undetermined<'a>(
    ev: &mut Evaluator<'a>,
    check: Option<&'a Check>,
    undet: &Undet<'a>,
    sources: &Sources,
) -> Explanation {
    let mut rule_labels = Vec::new();
    if undet.via_let.is_some() {
        rule_labels.push((undet.span, undet.rule_label().to_owned()));
    }
    if let Some(CheckKind::Implies(a, b)) = check.map(|c| &c.kind) {
        match (ev.truth(a), ev.truth(b)) {
            (Ok(true), _) => rule_labels.push((a.span, "this holds".to_owned())),
            (Err(_), Ok(false)) => rule_labels.push((b.span, "this does not hold".to_owned())),
            _ => {}
        }
    }
    let proposal_labels = undet.proposal_label().into_iter().collect();
    let rule_span = undet.via_let.unwrap_or(undet.span);
    finish(
        undet.summary(sources),
        rule_span,
        rule_labels,
        proposal_labels,
    )
}

/// The rule's `message` with its expressions interpolated; `?` stands for
/// an undetermined one.
pub(crate) fn message<'a>(ev: &mut Evaluator<'a>, template: &'a Template) -> String {
    let mut out = String::new();
    for part in &template.parts {
        match part {
            TemplatePart::Text(text) => out.push_str(text),
            TemplatePart::Expr(e) => match ev.eval(e) {
                Ok(value) => out.push_str(&show::plain(ev.proposal, &value)),
                Err(_) => out.push('?'),
            },
        }
    }
    out
}

fn finish(
    summary: String,
    rule_span: Span,
    mut rule_labels: Vec<(Span, String)>,
    mut proposal_labels: Vec<(Span, String)>,
) -> Explanation {
    rule_labels.retain(|(span, _)| *span != rule_span);
    dedup(&mut rule_labels);
    dedup(&mut proposal_labels);
    Explanation {
        summary,
        rule_span,
        rule_labels,
        proposal_labels,
        message: None,
    }
}

/// Keeps the first label of each span, in order.
fn dedup(labels: &mut Vec<(Span, String)>) {
    let mut seen = Vec::with_capacity(labels.len());
    labels.retain(|(span, _)| {
        let first = !seen.contains(span);
        seen.push(*span);
        first
    });
}

/// Finds the smallest sub-condition of `e` that made it differ from `want`.
fn locate<'a>(
    ev: &mut Evaluator<'a>,
    sources: &Sources,
    e: &'a Expr,
    want: bool,
    anchor: Option<Span>,
) -> Located {
    match &e.kind {
        ExprKind::Let(id) => {
            if let Some(def) = ev.let_def(*id) {
                let anchor = anchor.or(Some(e.span));
                return ev.closed(|ev| locate(ev, sources, def, want, anchor));
            }
        }
        ExprKind::Not(x) => return locate(ev, sources, x, !want, anchor),
        ExprKind::And(..) | ExprKind::Or(..) => {
            let is_and = matches!(e.kind, ExprKind::And(..));
            let mut operands = Vec::new();
            flatten(e, is_and, &mut operands);
            // `and` that should hold fails on one false operand, `or` that
            // should not hold on one true operand: follow it.
            if want == is_and {
                if let Some(operand) = operands.iter().find(|op| ev.truth(op) == Ok(!want)) {
                    return locate(ev, sources, operand, want, anchor);
                }
            } else {
                return every_operand(ev, sources, e, &operands, want, anchor);
            }
        }
        _ => {}
    }
    let (summary, rule_labels, proposal_labels) = leaf(ev, sources, e, want);
    Located {
        node: e.span,
        want,
        anchor,
        summary,
        rule_labels,
        proposal_labels,
    }
}

/// The operands of a chain of `and` (or `or`), in order.
fn flatten<'a>(e: &'a Expr, is_and: bool, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::And(a, b) if is_and => {
            flatten(a, is_and, out);
            flatten(b, is_and, out);
        }
        ExprKind::Or(a, b) if !is_and => {
            flatten(a, is_and, out);
            flatten(b, is_and, out);
        }
        _ => out.push(e),
    }
}

/// An `or` that should hold where no operand does, or an `and` that should
/// not hold where every operand does: the whole chain is the failing part.
fn every_operand<'a>(
    ev: &mut Evaluator<'a>,
    sources: &Sources,
    e: &'a Expr,
    operands: &[&'a Expr],
    want: bool,
    anchor: Option<Span>,
) -> Located {
    let mut parts = Vec::with_capacity(operands.len());
    let mut proposal_labels = Vec::new();
    for operand in operands {
        let found = locate(ev, sources, operand, want, None);
        parts.push(found.summary);
        proposal_labels.extend(found.proposal_labels);
    }
    let lead = if want {
        "none of these holds"
    } else {
        "all of these hold"
    };
    Located {
        node: e.span,
        want,
        anchor,
        summary: format!("{lead}: {}", parts.join("; ")),
        rule_labels: Vec::new(),
        proposal_labels,
    }
}

type Leaf = (String, Vec<(Span, String)>, Vec<(Span, String)>);

/// Describes a comparison, membership, range, quantifier or plain
/// condition that is not `want`.
fn leaf<'a>(ev: &mut Evaluator<'a>, sources: &Sources, e: &'a Expr, want: bool) -> Leaf {
    let required = if want { "required" } else { "must not be" };
    match &e.kind {
        ExprKind::Compare(op, a, b) => {
            // Put the proposal side first: `15% >= x` reads as `x <= 15%`.
            let (op, a, b) = if is_const(a) && !is_const(b) {
                (flip(*op), b, a)
            } else {
                (*op, a, b)
            };
            let summary = format!(
                "{} is {}, {required} {} {}",
                text(sources, a.span),
                shown(ev, a),
                op.symbol(),
                operand(ev, sources, b)
            );
            let mut labels = provenance(ev, a);
            labels.extend(provenance(ev, b));
            (summary, Vec::new(), labels)
        }
        ExprKind::Between(x, low, high) => {
            let summary = format!(
                "{} is {}, {} between {} and {}",
                text(sources, x.span),
                shown(ev, x),
                if want { "required" } else { "must not be" },
                operand(ev, sources, low),
                operand(ev, sources, high)
            );
            (summary, Vec::new(), provenance(ev, x))
        }
        ExprKind::In(x, collection) => membership(ev, sources, x, collection, want),
        ExprKind::Quantified(quantifier, collection, predicate) => {
            quantified(ev, sources, *quantifier, collection, predicate, want)
        }
        _ => {
            let summary = format!(
                "{} is {}, required {want}",
                text(sources, e.span),
                shown(ev, e)
            );
            (summary, Vec::new(), provenance(ev, e))
        }
    }
}

fn is_const(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Const(_) | ExprKind::List(_))
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

/// The value of an expression, shown.
fn shown<'a>(ev: &mut Evaluator<'a>, e: &'a Expr) -> String {
    match ev.eval(e) {
        Ok(value) => show::value(ev.proposal, &value),
        Err(_) => "undetermined".to_owned(),
    }
}

/// The required side of a comparison: its text, with its value when that
/// says more (`tariffs.steel.after (20%)`).
fn operand<'a>(ev: &mut Evaluator<'a>, sources: &Sources, e: &'a Expr) -> String {
    let written = text(sources, e.span);
    if is_const(e) {
        return written;
    }
    let value = shown(ev, e);
    if value == written {
        written
    } else {
        format!("{written} ({value})")
    }
}

fn membership<'a>(
    ev: &mut Evaluator<'a>,
    sources: &Sources,
    x: &'a Expr,
    collection: &'a Expr,
    want: bool,
) -> Leaf {
    let needle = ev.atom(x).ok();
    let subject = match (is_const(x), needle) {
        (true, Some(atom)) => atom.to_string(),
        _ => format!("{} is {}, which", text(sources, x.span), shown(ev, x)),
    };
    let target = text(sources, collection.span);
    let mut labels = Vec::new();
    let sectors = matches!(ev.eval(collection), Ok(Value::Coll(Base::Tariffs, _)));
    let summary = if sectors {
        let line = match needle {
            Some(Atom::Str(key)) => ev.line_index(key).map(|i| (i, key)),
            _ => None,
        };
        match (line, needle) {
            (Some((i, key)), _) => {
                if let Some(line) = ev.proposal.tariffs.get(i) {
                    let label = if want {
                        format!("the `{key}` line is left out")
                    } else {
                        "here".to_owned()
                    };
                    labels.push((line.sector.span, label));
                }
            }
            (None, Some(atom)) => {
                labels.push((
                    tariffs_anchor(ev.proposal),
                    format!("no `{}` line here", atom.plain()),
                ));
            }
            _ => {}
        }
        let not = if want { "not " } else { "" };
        format!("{subject} is {not}a sector of {target}")
    } else {
        if let Some(root) = root(ev, collection) {
            let label = if want {
                "not among these"
            } else {
                "among these"
            };
            labels.push((root.span, label.to_owned()));
        }
        let not = if want { "not " } else { "" };
        format!("{subject} is {not}in {target}")
    };
    (summary, Vec::new(), labels)
}

fn quantified<'a>(
    ev: &mut Evaluator<'a>,
    sources: &Sources,
    quantifier: Quantifier,
    collection: &'a Expr,
    predicate: &'a Expr,
    want: bool,
) -> Leaf {
    let target = text(sources, collection.span);
    let proposal = ev.proposal;
    let value = match ev.eval(collection) {
        Ok(value) => value,
        Err(_) => return (format!("{target} is undetermined"), Vec::new(), Vec::new()),
    };
    let elems: Vec<Elem<'a>> = value
        .elems(proposal)
        .map_or_else(Vec::new, Iterator::collect);
    let root = root(ev, collection);
    let holds = quantifier_holds(quantifier, want);
    match holds {
        // `any` that should hold, or `no` that should not: nothing matches.
        Some(true) => {
            let mut summary = format!("no element of {target} satisfies the condition");
            if elems.is_empty() {
                summary.push_str(&format!(" ({target} is empty)"));
            }
            let labels = root
                .filter(|_| !elems.is_empty())
                .map(|r| (r.span, "none of these matches".to_owned()))
                .into_iter()
                .collect();
            (summary, Vec::new(), labels)
        }
        // `all` that should not hold: everything matches.
        Some(false) => {
            let summary = format!("every element of {target} satisfies the condition");
            let labels = root
                .map(|r| (r.span, "all of these match".to_owned()))
                .into_iter()
                .collect();
            (summary, Vec::new(), labels)
        }
        // `all` that should hold: one element fails; `no` (or `any`) that
        // should not hold: one element matches.
        None => {
            let fails = quantifier == Quantifier::All;
            let culprit = elems
                .iter()
                .copied()
                .find(|elem| ev.with_elem(*elem, |ev| ev.truth(predicate)) == Ok(!fails));
            let Some(elem) = culprit else {
                return (format!("{target} does not decide"), Vec::new(), Vec::new());
            };
            let phrase = show::elem_phrase(proposal, elem);
            let mut proposal_labels = Vec::new();
            let mut rule_labels = Vec::new();
            let summary = if fails {
                let inner = ev.with_elem(elem, |ev| locate(ev, sources, predicate, true, None));
                if inner.node != predicate.span {
                    rule_labels.push((inner.node, "false for this element".to_owned()));
                }
                if let Some((span, noun)) = show::elem_span(proposal, elem) {
                    proposal_labels.push((span, format!("this {noun} does not satisfy it")));
                } else {
                    proposal_labels.extend(inner.proposal_labels);
                }
                format!("{phrase} does not satisfy the condition: {}", inner.summary)
            } else {
                if let Some((span, noun)) = show::elem_span(proposal, elem) {
                    proposal_labels.push((span, format!("this {noun} matches")));
                }
                format!("{phrase} matches `{}`", text(sources, predicate.span))
            };
            (summary, rule_labels, proposal_labels)
        }
    }
}

/// How a quantifier that is not `want` failed: `Some(true)` when no
/// element matched though one should have, `Some(false)` when every element
/// matched though one should not have, `None` when one element decided it.
fn quantifier_holds(quantifier: Quantifier, want: bool) -> Option<bool> {
    match (quantifier, want) {
        (Quantifier::Any, true) | (Quantifier::No, false) => Some(true),
        (Quantifier::All, false) => Some(false),
        _ => None,
    }
}

/// The proposal list a collection expression selects from.
struct Root {
    span: Span,
    base: Base,
    filtered: bool,
}

fn root<'a>(ev: &mut Evaluator<'a>, e: &'a Expr) -> Option<Root> {
    use crate::check::typed::ProposalField;
    let p = ev.proposal;
    let whole = |span, base| {
        Some(Root {
            span,
            base,
            filtered: false,
        })
    };
    match &e.kind {
        ExprKind::Proposal(ProposalField::Tariffs) => whole(tariffs_anchor(p), Base::Tariffs),
        ExprKind::Proposal(ProposalField::Concessions) => {
            whole(p.concessions_span.unwrap_or(p.id.span), Base::Concessions)
        }
        ExprKind::Proposal(ProposalField::Parties) => whole(p.parties.span, Base::Parties),
        ExprKind::Where(c, _) => root(ev, c).map(|r| Root {
            filtered: true,
            ..r
        }),
        ExprKind::Project(c, _) => root(ev, c),
        ExprKind::Let(id) => {
            let def = ev.let_def(*id)?;
            ev.closed(|ev| root(ev, def))
        }
        _ => None,
    }
}

/// The proposal values an expression reads, labelled.
fn provenance<'a>(ev: &mut Evaluator<'a>, e: &'a Expr) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    collect_provenance(ev, e, &mut out);
    out
}

fn collect_provenance<'a>(ev: &mut Evaluator<'a>, e: &'a Expr, out: &mut Vec<(Span, String)>) {
    match &e.kind {
        ExprKind::ElementField(..) | ExprKind::Fact(_) | ExprKind::Proposal(_) => {
            if let Some(span) = ev.source_span(e) {
                out.push((span, "set here".to_owned()));
            }
        }
        ExprKind::Let(id) => {
            if let Some(def) = ev.let_def(*id) {
                ev.closed(|ev| collect_provenance(ev, def, out));
            }
        }
        ExprKind::Neg(x) => collect_provenance(ev, x, out),
        ExprKind::Arith(_, a, b) => {
            collect_provenance(ev, a, out);
            collect_provenance(ev, b, out);
        }
        ExprKind::Aggregate(aggregate, x) => {
            let Some(root) = root(ev, x) else {
                return;
            };
            let count = match ev.eval(e) {
                Ok(Value::One(Elem::Atom(Atom::Number(n)))) if *aggregate == Aggregate::Count => {
                    n.to_string()
                }
                _ => counted(ev, x),
            };
            let (one, many) = root.base.nouns();
            let noun = if count == "1" { one } else { many };
            let values = if count == "1" { "value" } else { "values" };
            let label = match (aggregate, root.filtered) {
                (Aggregate::Count, false) => format!("{count} {noun} here"),
                (Aggregate::Count, true) => format!("{count} matching {noun} here"),
                (Aggregate::Sum, _) => format!("sum of {count} {values} here"),
                (Aggregate::Min, _) => format!("lowest of {count} {values} here"),
                (Aggregate::Max, _) => format!("highest of {count} {values} here"),
            };
            out.push((root.span, label));
        }
        _ => {}
    }
}

/// How many values a list expression holds, as text.
fn counted<'a>(ev: &mut Evaluator<'a>, list: &'a Expr) -> String {
    let proposal = ev.proposal;
    match ev.eval(list) {
        Ok(value) => value.elems(proposal).map_or(0, Iterator::count).to_string(),
        Err(_) => "?".to_owned(),
    }
}
