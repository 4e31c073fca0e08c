//! Hand-built checked rules and proposals for the evaluator's tests.
//!
//! Expressions are composed from pieces of text, so every node gets the
//! exact span it would have in a rule file: `cmp(after("autos"), Le,
//! lit("15%"))` is the text `tariffs.autos.after <= 15%`.

use crate::check::typed::{
    Aggregate, ArithOp, CmpOp, ConcessionField, ElementField, Expr, ExprKind, ProposalField,
    Quantifier, TariffField, Type,
};
use crate::source::{SourceId, Span};
use crate::value::{Scalar, parse_literal};

/// An expression with the text it is written as; spans are relative to the
/// start of the text until a [`Fixture`] places it in the rule file.
#[derive(Clone, Debug)]
pub struct T {
    pub text: String,
    pub expr: Expr,
}

/// A piece of an expression's text.
pub enum P {
    S(&'static str),
    E(T),
}

pub fn rule_span(start: usize, end: usize) -> Span {
    Span::new(SourceId(0), start, end)
}

pub fn leaf(text: &str, kind: ExprKind, ty: Type) -> T {
    T {
        text: text.to_owned(),
        expr: Expr {
            kind,
            ty,
            span: rule_span(0, text.len()),
        },
    }
}

/// Joins pieces of text and sub-expressions into one expression.
pub fn compose(pieces: Vec<P>, ty: Type, make: impl FnOnce(Vec<Expr>) -> ExprKind) -> T {
    let mut text = String::new();
    let mut children = Vec::new();
    for piece in pieces {
        match piece {
            P::S(s) => text.push_str(s),
            P::E(t) => {
                let mut expr = t.expr;
                shift(&mut expr, text.len());
                text.push_str(&t.text);
                children.push(expr);
            }
        }
    }
    let span = rule_span(0, text.len());
    T {
        expr: Expr {
            kind: make(children),
            ty,
            span,
        },
        text,
    }
}

pub fn two(children: Vec<Expr>) -> (Box<Expr>, Box<Expr>) {
    let mut it = children.into_iter().map(Box::new);
    (it.next().unwrap(), it.next().unwrap())
}

fn one(children: Vec<Expr>) -> Box<Expr> {
    children.into_iter().map(Box::new).next().unwrap()
}

/// Moves every span of `expr` by `by` bytes.
pub fn shift(expr: &mut Expr, by: usize) {
    expr.span = rule_span(expr.span.start as usize + by, expr.span.end as usize + by);
    match &mut expr.kind {
        ExprKind::Const(_)
        | ExprKind::Proposal(_)
        | ExprKind::Fact(_)
        | ExprKind::TariffLine(_)
        | ExprKind::Element(_)
        | ExprKind::Let(_) => {}
        ExprKind::List(items) => items.iter_mut().for_each(|e| shift(e, by)),
        ExprKind::ElementField(x, _)
        | ExprKind::Project(x, _)
        | ExprKind::Not(x)
        | ExprKind::Neg(x)
        | ExprKind::Aggregate(_, x) => shift(x, by),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Arith(_, a, b)
        | ExprKind::Compare(_, a, b)
        | ExprKind::In(a, b)
        | ExprKind::Where(a, b)
        | ExprKind::Quantified(_, a, b) => {
            shift(a, by);
            shift(b, by);
        }
        ExprKind::Between(a, b, c) => {
            shift(a, by);
            shift(b, by);
            shift(c, by);
        }
    }
}

/// A number, percent, money or date literal: `lit("15%")`.
pub fn lit(text: &str) -> T {
    let scalar = parse_literal(text).unwrap();
    let ty = Type::of_scalar(&scalar);
    leaf(text, ExprKind::Const(scalar), ty)
}

/// A string literal: `s("autos")` is `"autos"`.
pub fn s(value: &str) -> T {
    leaf(
        &format!("{value:?}"),
        ExprKind::Const(Scalar::str(value)),
        Type::Str,
    )
}

/// `true` / `false`.
pub fn b(value: bool) -> T {
    leaf(
        &value.to_string(),
        ExprKind::Const(Scalar::Bool(value)),
        Type::Bool,
    )
}

/// `tariffs.SECTOR`
pub fn line(sector: &str) -> T {
    leaf(
        &format!("tariffs.{sector}"),
        ExprKind::TariffLine(sector.to_owned()),
        Type::TariffLine,
    )
}

/// `tariffs.SECTOR.after`
pub fn after(sector: &str) -> T {
    tariff_field(line(sector), "after")
}

/// `BASE.FIELD` of a tariff line.
pub fn tariff_field(base: T, name: &'static str) -> T {
    let (field, ty) = match name {
        "sector" => (TariffField::Sector, Type::Str),
        "before" => (TariffField::Before, Type::Percent),
        "after" => (TariffField::After, Type::Percent),
        "effective" => (TariffField::Effective, Type::Date),
        "quota" => (TariffField::Quota, Type::Number),
        _ => (TariffField::Note, Type::Str),
    };
    compose(vec![P::E(base), P::S("."), P::S(name)], ty, |c| {
        ExprKind::ElementField(one(c), ElementField::Tariff(field))
    })
}

fn concession_field(name: &str) -> (ConcessionField, Type) {
    match name {
        "by" => (ConcessionField::By, Type::Party),
        "kind" => (ConcessionField::Kind, Type::Str),
        "item" => (ConcessionField::Item, Type::Str),
        _ => (ConcessionField::Amount, Type::Money(None)),
    }
}

/// A bare concession field inside a predicate: `amount`.
pub fn cfield(name: &str) -> T {
    cfield_at(name, 0)
}

/// A bare concession field of the element bound `depth` levels out.
pub fn cfield_at(name: &str, depth: u32) -> T {
    let (field, ty) = concession_field(name);
    let element = leaf(name, ExprKind::Element(depth), Type::Concession);
    leaf(
        name,
        ExprKind::ElementField(Box::new(element.expr), ElementField::Concession(field)),
        ty,
    )
}

/// A bare tariff-line field inside a predicate: `after`.
pub fn tfield(name: &'static str) -> T {
    let mut t = tariff_field(leaf("", ExprKind::Element(0), Type::TariffLine), name);
    t.text = name.to_owned();
    t.expr.span = rule_span(0, name.len());
    if let ExprKind::ElementField(base, _) = &mut t.expr.kind {
        base.span = rule_span(0, name.len());
    }
    t
}

/// `it`
pub fn it(ty: Type) -> T {
    leaf("it", ExprKind::Element(0), ty)
}

/// `facts.NAME`
pub fn fact(name: &str) -> T {
    leaf(
        &format!("facts.{name}"),
        ExprKind::Fact(name.to_owned()),
        Type::Fact,
    )
}

/// `concessions`
pub fn concessions() -> T {
    leaf(
        "concessions",
        ExprKind::Proposal(ProposalField::Concessions),
        Type::Concessions,
    )
}

/// `tariffs`
pub fn tariffs() -> T {
    leaf(
        "tariffs",
        ExprKind::Proposal(ProposalField::Tariffs),
        Type::Tariffs,
    )
}

/// `parties`
pub fn parties() -> T {
    leaf(
        "parties",
        ExprKind::Proposal(ProposalField::Parties),
        Type::List(Box::new(Type::Party)),
    )
}

/// `round`
pub fn round() -> T {
    leaf(
        "round",
        ExprKind::Proposal(ProposalField::Round),
        Type::Number,
    )
}

/// `C.amount`
pub fn amounts(c: T) -> T {
    compose(
        vec![P::E(c), P::S(".amount")],
        Type::List(Box::new(Type::Money(None))),
        |c| ExprKind::Project(one(c), ElementField::Concession(ConcessionField::Amount)),
    )
}

/// `C.after`
pub fn afters(c: T) -> T {
    compose(
        vec![P::E(c), P::S(".after")],
        Type::List(Box::new(Type::Percent)),
        |c| ExprKind::Project(one(c), ElementField::Tariff(TariffField::After)),
    )
}

pub fn not(x: T) -> T {
    compose(vec![P::S("not "), P::E(x)], Type::Bool, |c| {
        ExprKind::Not(one(c))
    })
}

pub fn neg(x: T) -> T {
    let ty = x.expr.ty.clone();
    compose(vec![P::S("-"), P::E(x)], ty, |c| ExprKind::Neg(one(c)))
}

pub fn and(a: T, b: T) -> T {
    compose(vec![P::E(a), P::S(" and "), P::E(b)], Type::Bool, |c| {
        let (a, b) = two(c);
        ExprKind::And(a, b)
    })
}

pub fn or(a: T, b: T) -> T {
    compose(vec![P::E(a), P::S(" or "), P::E(b)], Type::Bool, |c| {
        let (a, b) = two(c);
        ExprKind::Or(a, b)
    })
}

pub fn paren(x: T) -> T {
    let mut t = x;
    shift(&mut t.expr, 1);
    t.text = format!("({})", t.text);
    t.expr.span = rule_span(0, t.text.len());
    t
}

pub fn cmp(a: T, op: CmpOp, b: T) -> T {
    let sym = match op {
        CmpOp::Eq => " = ",
        CmpOp::Ne => " != ",
        CmpOp::Lt => " < ",
        CmpOp::Le => " <= ",
        CmpOp::Gt => " > ",
        CmpOp::Ge => " >= ",
    };
    compose(vec![P::E(a), P::S(sym), P::E(b)], Type::Bool, |c| {
        let (a, b) = two(c);
        ExprKind::Compare(op, a, b)
    })
}

pub fn arith(a: T, op: ArithOp, b: T) -> T {
    let sym = match op {
        ArithOp::Add => " + ",
        ArithOp::Sub => " - ",
        ArithOp::Mul => " * ",
        ArithOp::Div => " / ",
    };
    let ty = if a.expr.ty == Type::Number {
        b.expr.ty.clone()
    } else {
        a.expr.ty.clone()
    };
    compose(vec![P::E(a), P::S(sym), P::E(b)], ty, |c| {
        let (a, b) = two(c);
        ExprKind::Arith(op, a, b)
    })
}

pub fn in_(x: T, c: T) -> T {
    compose(vec![P::E(x), P::S(" in "), P::E(c)], Type::Bool, |c| {
        let (a, b) = two(c);
        ExprKind::In(a, b)
    })
}

pub fn between(x: T, lo: T, hi: T) -> T {
    compose(
        vec![
            P::E(x),
            P::S(" between "),
            P::E(lo),
            P::S(" and "),
            P::E(hi),
        ],
        Type::Bool,
        |c| {
            let mut it = c.into_iter().map(Box::new);
            ExprKind::Between(it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
        },
    )
}

pub fn list(items: Vec<T>) -> T {
    let ty = items.first().map_or(Type::Any, |t| t.expr.ty.clone());
    let mut pieces = vec![P::S("[")];
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            pieces.push(P::S(", "));
        }
        pieces.push(P::E(item));
    }
    pieces.push(P::S("]"));
    compose(pieces, Type::List(Box::new(ty)), ExprKind::List)
}

pub fn where_(c: T, p: T) -> T {
    let ty = c.expr.ty.clone();
    compose(vec![P::E(c), P::S(" where "), P::E(p)], ty, |c| {
        let (a, b) = two(c);
        ExprKind::Where(a, b)
    })
}

pub fn quant(q: Quantifier, c: T, p: T) -> T {
    let word = match q {
        Quantifier::Any => "any ",
        Quantifier::All => "all ",
        Quantifier::No => "no ",
    };
    compose(
        vec![P::S(word), P::E(c), P::S(" where "), P::E(p)],
        Type::Bool,
        |c| {
            let (a, b) = two(c);
            ExprKind::Quantified(q, a, b)
        },
    )
}

pub fn count(x: T) -> T {
    compose(
        vec![P::S("count("), P::E(x), P::S(")")],
        Type::Number,
        |c| ExprKind::Aggregate(Aggregate::Count, one(c)),
    )
}

/// `sum(x)`, `min(x)`, `max(x)` of a list of `ty`.
pub fn agg(aggregate: Aggregate, x: T, ty: Type) -> T {
    let open = match aggregate {
        Aggregate::Count => "count(",
        Aggregate::Sum => "sum(",
        Aggregate::Min => "min(",
        Aggregate::Max => "max(",
    };
    compose(vec![P::S(open), P::E(x), P::S(")")], ty, |c| {
        ExprKind::Aggregate(aggregate, one(c))
    })
}
