//! pest pairs → our AST. This is the only module that sees pest types
//! besides the error translation in `error.rs`.

use std::sync::LazyLock;

use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::depth::{MAX_EXPR_DEPTH, check_nesting};
use super::error::{pest_error_to_diagnostic, syntax_error};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Span};
use crate::value::{Scalar, parse_literal};

#[derive(pest_derive::Parser)]
#[grammar = "grammar/redlines.pest"]
pub(super) struct RedlineParser;

/// Operator precedence, loosest first (SPEC §2.3).
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::postfix(Rule::between))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

/// Parses one `.redline` file into its syntax tree, or returns its syntax
/// diagnostics.
pub fn parse_file(text: &str, source: SourceId) -> Result<File, Vec<Diagnostic>> {
    check_nesting(text, source).map_err(|d| vec![d])?;
    // The chain scan refuses only trees the converter would refuse, which
    // the fast parser gives up on: it guards pest alone.
    if let Some(file) = super::fast::parse(text, source) {
        debug_assert_eq!(
            Some(&file),
            parse_with_grammar(text, source).ok().as_ref(),
            "the fast parser and the grammar disagree"
        );
        return Ok(file);
    }
    parse_with_grammar(text, source)
}

/// Parses with pest's parser generated from the grammar: the reference,
/// and the one that explains syntax errors.
pub(super) fn parse_with_grammar(text: &str, source: SourceId) -> Result<File, Vec<Diagnostic>> {
    super::chains::check_chains(text, source).map_err(|d| vec![d])?;
    let pairs = RedlineParser::parse(Rule::file, text)
        .map_err(|error| vec![pest_error_to_diagnostic(error, text, source)])?;
    let comments: Vec<Comment> = pairs
        .clone()
        .flatten()
        .filter(|pair| pair.as_rule() == Rule::COMMENT)
        .map(|pair| {
            let comment = pair.as_str().trim_end();
            let start = pair.as_span().start();
            Comment {
                text: comment.to_owned(),
                span: Span::new(source, start, start + comment.len()),
            }
        })
        .collect();
    let converter = Converter {
        source,
        text,
        comments: comments
            .iter()
            .map(|c| (c.span.start as usize, c.span.end as usize))
            .collect(),
    };
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for pair in pairs.flat_map(|file| inner(file)) {
        if pair.as_rule() == Rule::EOI {
            continue;
        }
        match converter.item(pair) {
            Ok(item) => items.push(item),
            Err(mut diagnostics) => errors.append(&mut diagnostics),
        }
    }
    if errors.is_empty() {
        Ok(File {
            source,
            items,
            comments,
        })
    } else {
        Err(errors)
    }
}

/// The children of a pair, comments left out.
fn inner(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| p.as_rule() != Rule::COMMENT)
}

type Converted<T> = Result<T, Vec<Diagnostic>>;

/// An expression under construction, with its nesting depth so that a
/// long operator chain cannot build a tree too deep to walk.
struct Built {
    expr: Expr,
    depth: usize,
}

struct Converter<'t> {
    source: SourceId,
    text: &'t str,
    /// Every comment's byte range, in source order.
    comments: Vec<(usize, usize)>,
}

/// Takes the next child, which the grammar guarantees is there.
fn next<'a>(children: &mut impl Iterator<Item = Pair<'a, Rule>>) -> Pair<'a, Rule> {
    // INVARIANT: only called where the grammar rule has that child.
    children.next().expect("grammar guarantees this child")
}

impl Converter<'_> {
    /// The span of a pair without the whitespace and comments pest's
    /// implicit skipping may leave at its end.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        Span::new(
            self.source,
            start,
            self.tight_end(start, pair.as_span().end()),
        )
    }

    /// Where the last real token before `end` ends: before any white space
    /// and comments that pest's implicit skipping left at the end of a pair.
    fn tight_end(&self, start: usize, mut end: usize) -> usize {
        let bytes = self.text.as_bytes();
        loop {
            while end > start && bytes.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
                end -= 1;
            }
            match self
                .comments
                .binary_search_by_key(&end, |&(_, comment_end)| comment_end)
            {
                Ok(index) if self.comments[index].0 >= start => end = self.comments[index].0,
                _ => return end,
            }
        }
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(&pair),
        }
    }

    fn item(&self, pair: Pair<'_, Rule>) -> Converted<Item> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut children = inner(pair).filter(|p| !is_keyword(p.as_rule()));
        match rule {
            Rule::party_decl => Ok(Item::Party(PartyDecl {
                id: self.ident(next(&mut children)),
                name: self.string(next(&mut children))?,
                span,
            })),
            Rule::coalition_decl => Ok(Item::Coalition(CoalitionDecl {
                id: self.ident(next(&mut children)),
                name: self.string(next(&mut children))?,
                members: children.map(|p| self.ident(p)).collect(),
                span,
            })),
            Rule::let_decl => Ok(Item::Let(LetDecl {
                name: self.ident(next(&mut children)),
                value: self.expr(next(&mut children))?,
                span,
            })),
            Rule::rule_decl => self.rule(span, children),
            // INVARIANT: the grammar's `item` is exactly these four rules.
            _ => unreachable!("grammar: item is one of four rules"),
        }
    }

    fn rule<'a>(
        &self,
        span: Span,
        mut children: impl Iterator<Item = Pair<'a, Rule>>,
    ) -> Converted<Item> {
        let kind = match next(&mut children).as_str() {
            "redline" => RuleKind::Redline,
            "concern" => RuleKind::Concern,
            _ => RuleKind::Note,
        };
        let id = self.ident(next(&mut children));
        let title = self.string(next(&mut children))?;
        let block = next(&mut children);
        let block_span = self.span(&block);
        let open = Span::new(
            self.source,
            block_span.start as usize,
            block_span.start as usize + 1,
        );
        let mut statements = Vec::new();
        let mut errors = Vec::new();
        for statement in inner(block) {
            match self.statement(statement) {
                Ok(statement) => statements.push(statement),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Item::Rule(RuleDecl {
            kind,
            id,
            title,
            statements,
            open,
            span,
        }))
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Converted<Statement> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut children = inner(pair).filter(|p| !is_keyword(p.as_rule()));
        let kind = match rule {
            Rule::require_stmt => StatementKind::Require(self.expr(next(&mut children))?),
            Rule::unless_stmt => StatementKind::NoDealUnless(self.expr(next(&mut children))?),
            Rule::if_stmt => StatementKind::NoDealIf(self.expr(next(&mut children))?),
            Rule::applies_stmt => StatementKind::AppliesWhen(self.expr(next(&mut children))?),
            Rule::because_stmt => StatementKind::Because(self.string(next(&mut children))?),
            Rule::message_stmt => StatementKind::Message(self.template(next(&mut children))?),
            Rule::requires_stmt => {
                let condition = self.expr(next(&mut children));
                let requirement = self.expr(next(&mut children));
                match (condition, requirement) {
                    (Ok(c), Ok(r)) => StatementKind::Requires(c, r),
                    (Err(mut a), Err(mut b)) => {
                        a.append(&mut b);
                        return Err(a);
                    }
                    (Err(e), _) | (_, Err(e)) => return Err(e),
                }
            }
            // INVARIANT: the grammar's `statement` is exactly these seven rules.
            _ => unreachable!("grammar: statement is one of seven rules"),
        };
        Ok(Statement { kind, span })
    }

    fn string(&self, pair: Pair<'_, Rule>) -> Converted<StrLit> {
        let span = self.span(&pair);
        let text = inner(pair).next().map_or("", |p| p.as_str());
        let value = unescape(text, span).map_err(|d| vec![d])?;
        Ok(StrLit { value, span })
    }

    fn template(&self, pair: Pair<'_, Rule>) -> Converted<Template> {
        let span = self.span(&pair);
        let mut parts = Vec::new();
        let mut errors = Vec::new();
        for part in inner(pair) {
            match part.as_rule() {
                Rule::template_text => match unescape(part.as_str(), self.span(&part)) {
                    Ok(text) => parts.push(TemplatePart::Text(text)),
                    Err(e) => errors.push(e),
                },
                _ => match inner(part).next().map(|e| self.expr(e)) {
                    Some(Ok(expr)) => parts.push(TemplatePart::Expr(expr)),
                    Some(Err(mut e)) => errors.append(&mut e),
                    None => {}
                },
            }
        }
        if errors.is_empty() {
            Ok(Template { parts, span })
        } else {
            Err(errors)
        }
    }

    /// Converts an `expr` or `bound` pair, applying operator precedence.
    fn expr(&self, pair: Pair<'_, Rule>) -> Converted<Expr> {
        self.pratt(inner(pair).collect::<Vec<_>>().into_iter())
            .map(|built| built.expr)
    }

    fn pratt<'a>(&self, pairs: impl Iterator<Item = Pair<'a, Rule>>) -> Converted<Built> {
        PRATT
            .map_primary(|operand| self.operand(operand))
            .map_prefix(|op, operand| {
                let operand = operand?;
                let op_span = self.span(&op);
                let unary = if op.as_rule() == Rule::op_not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                self.build(
                    op_span.to(operand.expr.span),
                    ExprKind::Unary(unary, op_span, Box::new(operand.expr)),
                    operand.depth,
                )
            })
            .map_postfix(|operand, between| {
                let operand = operand?;
                let mut bounds = inner(between).filter(|p| p.as_rule() == Rule::bound);
                let low = self.pratt(inner(next(&mut bounds)))?;
                let high = self.pratt(inner(next(&mut bounds)))?;
                let depth = operand.depth.max(low.depth).max(high.depth);
                self.build(
                    operand.expr.span.to(high.expr.span),
                    ExprKind::Between(
                        Box::new(operand.expr),
                        Box::new(low.expr),
                        Box::new(high.expr),
                    ),
                    depth,
                )
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = both(lhs, rhs)?;
                let op_span = self.span(&op);
                let binary = binary_op(op.as_rule());
                if binary.is_comparison() {
                    self.check_not_chained(&lhs.expr, binary, op_span)?;
                    self.check_not_chained(&rhs.expr, binary, op_span)?;
                }
                self.build(
                    lhs.expr.span.to(rhs.expr.span),
                    ExprKind::Binary(binary, op_span, Box::new(lhs.expr), Box::new(rhs.expr)),
                    lhs.depth.max(rhs.depth),
                )
            })
            .parse(pairs)
    }

    /// Wraps a node one level deeper than `depth`, refusing trees deeper
    /// than the evaluator may walk.
    fn build(&self, span: Span, kind: ExprKind, depth: usize) -> Converted<Built> {
        let depth = depth + 1;
        if depth > MAX_EXPR_DEPTH {
            return Err(vec![
                syntax_error(
                    "redlines::syntax::too_deep",
                    format!("expression is nested more than {MAX_EXPR_DEPTH} levels deep"),
                )
                .with_primary(span, "this expression is too deep")
                .with_help("split it into smaller named parts with `let`"),
            ]);
        }
        Ok(Built {
            expr: Expr { kind, span },
            depth,
        })
    }

    /// Applies `.field` projections to a computed value.
    fn members<'a>(
        &self,
        mut built: Built,
        members: impl Iterator<Item = Pair<'a, Rule>>,
    ) -> Converted<Built> {
        for member in members {
            let field = self.ident(next(&mut inner(member)));
            let span = built.expr.span.to(field.span);
            built = self.build(
                span,
                ExprKind::Field(Box::new(built.expr), field),
                built.depth,
            )?;
        }
        Ok(built)
    }

    fn check_not_chained(&self, side: &Expr, op: BinaryOp, op_span: Span) -> Converted<()> {
        if let ExprKind::Binary(inner_op, inner_span, _, _) = &side.kind
            && inner_op.is_comparison()
        {
            return Err(vec![
                syntax_error(
                    "redlines::syntax::chained_comparison",
                    "comparisons do not chain",
                )
                .with_primary(
                    op_span,
                    format!(
                        "`{}` compares the result of another comparison",
                        op.symbol()
                    ),
                )
                .with_label(*inner_span, "first comparison")
                .with_help("join two comparisons with `and` (`a < b and b < c`), or use `between`"),
            ]);
        }
        Ok(())
    }

    fn operand(&self, pair: Pair<'_, Rule>) -> Converted<Built> {
        let span = self.span(&pair);
        let mut children = inner(pair);
        let first = next(&mut children);
        if first.as_rule() == Rule::quantified {
            let mut parts = inner(first);
            let quantifier = match next(&mut parts).as_str() {
                "any" => Quantifier::Any,
                "all" => Quantifier::All,
                _ => Quantifier::No,
            };
            let collection = self.primary(next(&mut parts))?;
            let predicate = self.where_predicate(next(&mut parts))?;
            let depth = collection.depth.max(predicate.depth);
            return self.build(
                span,
                ExprKind::Quantified(
                    quantifier,
                    Box::new(collection.expr),
                    Box::new(predicate.expr),
                ),
                depth,
            );
        }
        let primary = self.primary(first)?;
        match children.next() {
            None => Ok(primary),
            Some(clause) => {
                let predicate = self.where_predicate(clause)?;
                let depth = primary.depth.max(predicate.depth);
                self.build(
                    span,
                    ExprKind::Where(Box::new(primary.expr), Box::new(predicate.expr)),
                    depth,
                )
            }
        }
    }

    fn where_predicate(&self, clause: Pair<'_, Rule>) -> Converted<Built> {
        let expr = inner(clause)
            .find(|p| p.as_rule() == Rule::expr)
            .map(|p| self.pratt(inner(p)));
        // INVARIANT: the grammar's where_clause always holds an expr.
        expr.unwrap_or_else(|| unreachable!("where_clause without expr"))
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Converted<Built> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::paren => {
                let mut children = inner(pair).peekable();
                let inside = self.pratt(inner(next(&mut children)))?;
                let close = children.peek().map_or(span.end as usize, |m| m.as_span().start());
                let paren_span = Span::new(self.source, span.start as usize, close);
                let built = self.build(paren_span, ExprKind::Paren(Box::new(inside.expr)), inside.depth)?;
                self.members(built, children)
            }
            Rule::list => {
                let mut items = Vec::new();
                let mut depth = 0;
                let mut errors = Vec::new();
                for item in inner(pair) {
                    match self.pratt(inner(item)) {
                        Ok(built) => {
                            depth = depth.max(built.depth);
                            items.push(built.expr);
                        }
                        Err(mut e) => errors.append(&mut e),
                    }
                }
                if !errors.is_empty() {
                    return Err(errors);
                }
                self.build(span, ExprKind::List(items), depth)
            }
            Rule::call => {
                let mut children = inner(pair);
                let name = self.ident(next(&mut inner(next(&mut children))));
                let mut args = Vec::new();
                let mut depth = 0;
                let mut members = Vec::new();
                for child in children {
                    if child.as_rule() == Rule::member {
                        members.push(child);
                        continue;
                    }
                    let built = self.pratt(inner(child))?;
                    depth = depth.max(built.depth);
                    args.push(built.expr);
                }
                let call_end = members.first().map_or(span.end as usize, |m| m.as_span().start());
                let call_span = Span::new(self.source, span.start as usize, call_end);
                let built = self.build(call_span, ExprKind::Call(name, args), depth)?;
                self.members(built, members.into_iter())
            }
            Rule::path => {
                let segments = inner(pair).map(|p| self.ident(p)).collect();
                self.build(span, ExprKind::Path(segments), 0)
            }
            Rule::boolean => {
                let value = pair.as_str() == "true";
                self.build(span, ExprKind::Literal(Scalar::Bool(value)), 0)
            }
            Rule::string => {
                let text = self.string(pair)?;
                self.build(span, ExprKind::Literal(Scalar::str(&text.value)), 0)
            }
            Rule::date | Rule::quantity => match parse_literal(pair.as_str()) {
                Ok(value) => self.build(span, ExprKind::Literal(value), 0),
                Err(error) => Err(vec![
                    syntax_error("redlines::syntax::literal", error.to_string())
                        .with_primary(span, "not a valid literal")
                        .with_help(
                            "write percents as `15%` or `10pp`, money as `$550bn` (or €, ¥, £, ₩ with k, m, bn, tn), numbers as `1.33M` or `100k`, dates as `2025-07-09`",
                        ),
                ]),
            },
            // INVARIANT: `primary` is one of the rules above.
            other => unreachable!("grammar: unexpected primary {other:?}"),
        }
    }
}

fn both<A, B>(a: Converted<A>, b: Converted<B>) -> Converted<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(mut a), Err(mut b)) => {
            a.append(&mut b);
            Err(a)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

fn binary_op(rule: Rule) -> BinaryOp {
    match rule {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_in => BinaryOp::In,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        Rule::op_div => BinaryOp::Div,
        // INVARIANT: the Pratt parser only calls this with its infix rules.
        other => unreachable!("grammar: {other:?} is not an infix operator"),
    }
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_party
            | Rule::kw_coalition
            | Rule::kw_of
            | Rule::kw_let
            | Rule::kw_require
            | Rule::kw_requires
            | Rule::kw_no
            | Rule::kw_deal
            | Rule::kw_unless
            | Rule::kw_if
            | Rule::kw_applies
            | Rule::kw_when
            | Rule::kw_because
            | Rule::kw_message
    )
}

/// Resolves the escapes of a string or message text.
pub(super) fn unescape(text: &str, span: Span) -> Result<String, Diagnostic> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(c @ ('"' | '\\' | '{' | '}')) => out.push(c),
            other => {
                let shown = other.map_or(String::new(), String::from);
                return Err(syntax_error(
                    "redlines::syntax::escape",
                    format!("unknown escape `\\{shown}` in a string"),
                )
                .with_primary(span, "in this string")
                .with_help("the escapes are `\\\"`, `\\\\`, `\\{`, `\\}`, `\\n` and `\\t`"));
            }
        }
    }
    Ok(out)
}

/// Rule names pest reports, exposed to the error translator.
pub(super) use Rule as GrammarRule;
