//! Expressions: single spaces around operators, none inside brackets,
//! `, ` between items; a chain of one operator (`a or b or c`) breaks
//! before every operator, the loosest chain first, continuation lines
//! indented one level; a `where` breaks after `where`. Parentheses are kept
//! exactly as written and literals are printed as written (`10pp` stays
//! `10pp`), so the printed text reads back to the same tree.

use super::doc::{Doc, concat};
use super::printer::{Printer, escape, quote};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Template, TemplatePart, UnaryOp};
use crate::value::Scalar;

/// How tightly an operator binds; operators of one level form a chain.
fn level(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Add | BinaryOp::Sub => 4,
        BinaryOp::Mul | BinaryOp::Div => 5,
        _ => 3,
    }
}

impl Printer<'_> {
    /// An expression in running text (a statement, a `let`, a predicate).
    pub(super) fn expr(&mut self, expr: &Expr) -> Doc {
        self.expr_in(expr, false)
    }

    /// An expression; `bracketed` when it alone fills brackets, whose own
    /// indentation then holds its continuation lines.
    fn expr_in(&mut self, expr: &Expr, bracketed: bool) -> Doc {
        // Comments before an expression go before all of its groups, so
        // that they break the outermost one and not, say, `a = b` inside
        // `a = b and c`.
        let leading = self.comments_before(expr.span.start as usize);
        let doc = self.expr_kind(expr, bracketed);
        concat([leading, doc])
    }

    fn expr_kind(&mut self, expr: &Expr, bracketed: bool) -> Doc {
        let start = expr.span.start as usize;
        match &expr.kind {
            ExprKind::Literal(Scalar::Str(value)) => self.spanned(expr.span, quote(value, false)),
            ExprKind::Literal(_) | ExprKind::Path(_) => {
                let written = self.source(expr.span);
                self.spanned(expr.span, written)
            }
            ExprKind::List(items) => self.list(start, items),
            ExprKind::Call(name, args) => {
                let name_doc = self.spanned(name.span, format!("{}(", name.name));
                // The `(` follows the name directly (SPEC §2.5).
                self.cursor.advance_to(name.span.end as usize + 1);
                self.call(name_doc, args)
            }
            ExprKind::Field(inner, field) => {
                let inner = self.expr(inner);
                let dot = self.word(".");
                let field = self.spanned(field.span, field.name.clone());
                concat([inner, dot, field])
            }
            ExprKind::Paren(inner) => {
                let open = self.token(start, start + 1, "(");
                let line = self.break_before(Doc::SoftLine, inner.span.start as usize);
                let inside = self.expr_in(inner, true);
                let dangling = self.dangling(")");
                let close = self.word(")");
                Doc::group(concat([
                    open,
                    Doc::indent(concat([line, inside, dangling])),
                    Doc::SoftLine,
                    close,
                ]))
            }
            ExprKind::Unary(op, op_span, operand) => {
                let (word, space) = match op {
                    UnaryOp::Not => ("not", Doc::Space),
                    UnaryOp::Neg => ("-", concat([])),
                };
                let op = self.spanned(*op_span, word);
                let operand = self.expr(operand);
                concat([op, space, operand])
            }
            ExprKind::Binary(op, ..) => self.chain(expr, level(*op), bracketed),
            ExprKind::Between(value, low, high) => {
                let value = self.expr(value);
                let line = self.break_before_word(Doc::Line, "between");
                let between = self.word("between");
                let low = self.expr(low);
                let and_line = self.break_before_word(Doc::Line, "and");
                let and = self.word("and");
                let high = self.expr(high);
                Doc::group(concat([
                    value,
                    Doc::indent(concat([
                        line,
                        between,
                        Doc::Space,
                        low,
                        and_line,
                        and,
                        Doc::Space,
                        high,
                    ])),
                ]))
            }
            ExprKind::Where(collection, predicate) => {
                let collection = self.expr(collection);
                self.where_clause(collection, predicate)
            }
            ExprKind::Quantified(quantifier, collection, predicate) => {
                let keyword = quantifier.keyword();
                let keyword = self.token(start, start + keyword.len(), keyword);
                let collection = self.expr(collection);
                self.where_clause(concat([keyword, Doc::Space, collection]), predicate)
            }
        }
    }

    /// The comments before a closing bracket, kept inside the brackets.
    fn dangling(&mut self, close: &str) -> Doc {
        let offset = self.locate(close);
        self.comments_before(offset)
    }

    /// `head where P`, broken after `where` when it does not fit.
    fn where_clause(&mut self, head: Doc, predicate: &Expr) -> Doc {
        let keyword = self.word("where");
        let line = self.break_before(Doc::Line, predicate.span.start as usize);
        let predicate = self.expr(predicate);
        Doc::group(concat([
            head,
            Doc::Space,
            keyword,
            Doc::indent(concat([line, predicate])),
        ]))
    }

    /// A chain of operators of one level, `a or b or c`, broken before each
    /// operator when it does not fit.
    fn chain(&mut self, expr: &Expr, chain_level: u8, bracketed: bool) -> Doc {
        let mut links = Vec::new();
        let mut first = expr;
        while let ExprKind::Binary(op, op_span, left, right) = &first.kind {
            if level(*op) != chain_level {
                break;
            }
            links.push((*op, *op_span, right));
            first = left;
        }
        links.reverse();
        let head = self.expr(first);
        // A tighter chain in first place indents its own breaks one level
        // deeper, so `a and b` broken inside `... or c` does not line up
        // with the `or`.
        let head = if matches!(first.kind, ExprKind::Binary(..)) {
            Doc::indent(head)
        } else {
            head
        };
        let mut rest = Vec::new();
        for (op, op_span, right) in links {
            rest.push(self.break_before(Doc::Line, op_span.start as usize));
            rest.push(self.spanned(op_span, op.symbol()));
            rest.push(Doc::Space);
            rest.push(self.expr(right));
        }
        let rest = if bracketed {
            concat(rest)
        } else {
            Doc::indent(concat(rest))
        };
        Doc::group(concat([head, rest]))
    }

    /// `name(a, b)`; `name` already holds the `(`.
    fn call(&mut self, name: Doc, args: &[Expr]) -> Doc {
        if args.is_empty() {
            let close = self.word(")");
            return concat([name, close]);
        }
        let mut inside = Vec::new();
        for (index, arg) in args.iter().enumerate() {
            if index > 0 {
                inside.push(self.word(","));
                inside.push(self.break_before(Doc::Line, arg.span.start as usize));
            } else {
                inside.push(self.break_before(Doc::SoftLine, arg.span.start as usize));
            }
            inside.push(self.expr_in(arg, true));
        }
        inside.push(self.dangling(")"));
        let close = self.word(")");
        Doc::group(concat([
            name,
            Doc::indent(concat(inside)),
            Doc::SoftLine,
            close,
        ]))
    }

    /// `[a, b, c]`, one item per line with a trailing comma when broken.
    fn list(&mut self, start: usize, items: &[Expr]) -> Doc {
        let open = self.token(start, start + 1, "[");
        if items.is_empty() {
            let close = self.word("]");
            return concat([open, close]);
        }
        let mut inside = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                inside.push(self.word(","));
                inside.push(self.break_before(Doc::Line, item.span.start as usize));
            } else {
                inside.push(self.break_before(Doc::SoftLine, item.span.start as usize));
            }
            inside.push(self.expr_in(item, true));
        }
        inside.push(Doc::IfBreak(","));
        if let Some(comma) = self.cursor.find(",") {
            inside.push(self.comments_before(comma));
            self.cursor.advance_to(comma + 1);
        }
        inside.push(self.dangling("]"));
        let close = self.word("]");
        Doc::group(concat([
            open,
            Doc::indent(concat(inside)),
            Doc::SoftLine,
            close,
        ]))
    }

    /// A message: text with `{expr}` interpolations, always on one line
    /// (unless a comment inside an interpolation ends it).
    pub(super) fn template(&mut self, template: &Template) -> Doc {
        let start = template.span.start as usize;
        let mut docs = vec![self.token(start, start + 1, "\"")];
        for part in &template.parts {
            match part {
                TemplatePart::Text(text) => docs.push(Doc::Text(escape(text, true))),
                TemplatePart::Expr(expr) => {
                    let inside = self.expr(expr);
                    let close = self.word("}");
                    docs.push(Doc::text("{"));
                    docs.push(Doc::Flat(Box::new(concat([inside, close]))));
                }
            }
        }
        docs.push(Doc::text("\""));
        self.cursor.advance_to(template.span.end as usize);
        concat(docs)
    }
}
