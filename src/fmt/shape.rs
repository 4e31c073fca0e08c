//! What "the same meaning" is for the formatter: the same syntax tree once
//! every span is set aside, and the same comments in the same order.

use crate::source::{SourceId, Span};
use crate::syntax::ast::{
    Comment, Expr, ExprKind, File, Ident, Item, Statement, StatementKind, StrLit, TemplatePart,
};

/// Whether two parses of a file hold the same items and the same comments,
/// wherever they are in the text.
pub fn same_shape(a: &File, b: &File) -> bool {
    without_spans(a) == without_spans(b)
}

/// A copy of the tree with every span (and the file id) zeroed; comments
/// keep their text and order.
pub fn without_spans(file: &File) -> File {
    let mut file = file.clone();
    file.source = SourceId(0);
    file.items.iter_mut().for_each(item);
    file.comments
        .iter_mut()
        .for_each(|c: &mut Comment| c.span = ZERO);
    file
}

const ZERO: Span = Span {
    source: SourceId(0),
    start: 0,
    end: 0,
};

fn ident(ident: &mut Ident) {
    ident.span = ZERO;
}

fn string(string: &mut StrLit) {
    string.span = ZERO;
}

fn item(item: &mut Item) {
    match item {
        Item::Party(party) => {
            ident(&mut party.id);
            string(&mut party.name);
            party.span = ZERO;
        }
        Item::Coalition(coalition) => {
            ident(&mut coalition.id);
            string(&mut coalition.name);
            coalition.members.iter_mut().for_each(ident);
            coalition.span = ZERO;
        }
        Item::Let(decl) => {
            ident(&mut decl.name);
            expr(&mut decl.value);
            decl.span = ZERO;
        }
        Item::Rule(rule) => {
            ident(&mut rule.id);
            string(&mut rule.title);
            rule.statements.iter_mut().for_each(statement);
            rule.open = ZERO;
            rule.span = ZERO;
        }
    }
}

fn statement(statement: &mut Statement) {
    statement.span = ZERO;
    match &mut statement.kind {
        StatementKind::Require(e)
        | StatementKind::NoDealUnless(e)
        | StatementKind::NoDealIf(e)
        | StatementKind::AppliesWhen(e) => expr(e),
        StatementKind::Requires(a, b) => {
            expr(a);
            expr(b);
        }
        StatementKind::Because(text) => string(text),
        StatementKind::Message(template) => {
            template.span = ZERO;
            for part in &mut template.parts {
                if let TemplatePart::Expr(e) = part {
                    expr(e);
                }
            }
        }
    }
}

fn expr(e: &mut Expr) {
    e.span = ZERO;
    match &mut e.kind {
        ExprKind::Literal(_) => {}
        ExprKind::List(items) => items.iter_mut().for_each(expr),
        ExprKind::Path(segments) => segments.iter_mut().for_each(ident),
        ExprKind::Call(name, args) => {
            ident(name);
            args.iter_mut().for_each(expr);
        }
        ExprKind::Field(inner, field) => {
            expr(inner);
            ident(field);
        }
        ExprKind::Paren(inner) => expr(inner),
        ExprKind::Unary(_, op, operand) => {
            *op = ZERO;
            expr(operand);
        }
        ExprKind::Binary(_, op, left, right) => {
            *op = ZERO;
            expr(left);
            expr(right);
        }
        ExprKind::Between(value, low, high) => {
            expr(value);
            expr(low);
            expr(high);
        }
        ExprKind::Where(collection, predicate) | ExprKind::Quantified(_, collection, predicate) => {
            expr(collection);
            expr(predicate);
        }
    }
}
