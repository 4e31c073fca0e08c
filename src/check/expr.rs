//! Checking one expression: resolving names and paths, typing every node
//! and reporting unit errors, producing a typed [`Expr`].

use super::Checker;
use super::codes;
use super::typed::{Aggregate, Expr, ExprKind, ProposalField, Quantifier, Type};
use super::types::{element_field, element_field_names, unify};
use crate::diagnostic::{Diagnostic, suggestion};
use crate::proposal::{PROPOSAL_FIELDS, TARIFF_LINE_FIELDS};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind as Ast};

/// The functions the language knows.
const FUNCTIONS: [&str; 4] = ["count", "sum", "min", "max"];

impl Checker<'_> {
    /// Checks `e` in file `file`, with `elements` the types of the elements
    /// bound by enclosing `where`s and quantifiers (innermost last).
    /// Returns `None` after reporting an error.
    pub(super) fn expr(
        &mut self,
        file: usize,
        e: &ast::Expr,
        elements: &mut Vec<Type>,
    ) -> Option<Expr> {
        let span = e.span;
        let typed = |kind, ty| Some(Expr { kind, ty, span });
        match &e.kind {
            Ast::Literal(value) => typed(ExprKind::Const(value.clone()), Type::of_scalar(value)),
            Ast::List(items) => self.list(file, items, span, elements),
            Ast::Path(segments) => self.path(file, segments, span, elements),
            Ast::Field(inner, field) => {
                let base = self.expr(file, inner, elements)?;
                self.field(base, field, span)
            }
            Ast::Call(name, args) => self.call(file, name, args, span, elements),
            Ast::Paren(inner) => self.expr(file, inner, elements),
            Ast::Unary(op, op_span, operand) => {
                let operand = self.expr(file, operand, elements)?;
                self.unary(*op, *op_span, operand, span)
            }
            Ast::Binary(op, op_span, lhs, rhs) => {
                let lhs = self.expr(file, lhs, elements);
                let rhs = self.expr(file, rhs, elements);
                self.binary(*op, *op_span, lhs?, rhs?, span)
            }
            Ast::Between(x, low, high) => {
                let x = self.expr(file, x, elements);
                let low = self.expr(file, low, elements);
                let high = self.expr(file, high, elements);
                self.between(x?, low?, high?, span)
            }
            Ast::Where(collection, predicate) => {
                let (collection, predicate) = self.bind(file, collection, predicate, elements)?;
                let ty = collection.ty.clone();
                typed(
                    ExprKind::Where(Box::new(collection), Box::new(predicate)),
                    ty,
                )
            }
            Ast::Quantified(quantifier, collection, predicate) => {
                let (collection, predicate) = self.bind(file, collection, predicate, elements)?;
                let quantifier = match quantifier {
                    ast::Quantifier::Any => Quantifier::Any,
                    ast::Quantifier::All => Quantifier::All,
                    ast::Quantifier::No => Quantifier::No,
                };
                typed(
                    ExprKind::Quantified(quantifier, Box::new(collection), Box::new(predicate)),
                    Type::Bool,
                )
            }
        }
    }

    /// Checks that `e` is a condition (boolean), reporting if it is not.
    pub(super) fn condition(&mut self, file: usize, e: &ast::Expr, what: &str) -> Option<Expr> {
        let checked = self.expr(file, e, &mut Vec::new())?;
        self.expect_condition(checked, what)
    }

    pub(super) fn expect_condition(&mut self, checked: Expr, what: &str) -> Option<Expr> {
        if checked.ty.is_condition() {
            return Some(checked);
        }
        self.error(
            Diagnostic::error(codes::NOT_BOOLEAN, format!("{what} must be a condition"))
                .with_primary(
                    checked.span,
                    format!("this is {}, not true or false", checked.ty),
                )
                .with_help("compare it with something, e.g. `tariffs.autos.after <= 15%`"),
        )
    }

    /// `C where P` and quantifiers: checks C, then P with C's element bound.
    fn bind(
        &mut self,
        file: usize,
        collection: &ast::Expr,
        predicate: &ast::Expr,
        elements: &mut Vec<Type>,
    ) -> Option<(Expr, Expr)> {
        let collection = self.expr(file, collection, elements)?;
        let Some(element) = collection.ty.element() else {
            return self.error(
                Diagnostic::error(codes::NOT_COLLECTION, "`where` needs a collection")
                    .with_primary(collection.span, format!("this is {}", collection.ty))
                    .with_help("filter `tariffs`, `concessions`, `parties` or a list"),
            );
        };
        elements.push(element);
        let predicate = self.expr(file, predicate, elements);
        elements.pop();
        let predicate = self.expect_condition(predicate?, "the condition after `where`")?;
        Some((collection, predicate))
    }

    fn list(
        &mut self,
        file: usize,
        items: &[ast::Expr],
        span: Span,
        elements: &mut Vec<Type>,
    ) -> Option<Expr> {
        let mut checked = Vec::new();
        let mut ty = Type::Any;
        let mut failed = false;
        for item in items {
            let Some(item) = self.expr(file, item, elements) else {
                failed = true;
                continue;
            };
            if !item.ty.is_scalar() {
                failed = true;
                self.error::<()>(
                    Diagnostic::error(codes::MISMATCH, "a list holds single values")
                        .with_primary(item.span, format!("this is {}", item.ty)),
                );
            }
            match unify(&ty, &item.ty) {
                Ok(common) => ty = common,
                Err(_) => {
                    failed = true;
                    self.error::<()>(
                        Diagnostic::error(codes::MISMATCH, "list items must all be of one type")
                            .with_primary(item.span, format!("this is {}", item.ty))
                            .with_label(span, format!("a list of {ty}")),
                    );
                }
            }
            checked.push(item);
        }
        if failed {
            return None;
        }
        Some(Expr {
            kind: ExprKind::List(checked),
            ty: Type::List(Box::new(ty)),
            span,
        })
    }

    /// Resolves a path: an element field, `it`, a `let`, or a proposal field,
    /// then each `.field` after it.
    fn path(
        &mut self,
        file: usize,
        segments: &[ast::Ident],
        span: Span,
        elements: &mut [Type],
    ) -> Option<Expr> {
        let (first, mut rest) = segments.split_first()?;
        let mut base = self.name(file, first, elements)?;
        match (&base.kind, rest) {
            // `tariffs.SECTOR` names a tariff line, unless SECTOR is a
            // tariff-line field, which projects over all lines.
            (ExprKind::Proposal(ProposalField::Tariffs), [sector, tail @ ..])
                if !TARIFF_LINE_FIELDS.contains(&sector.name.as_str()) =>
            {
                base = Expr {
                    kind: ExprKind::TariffLine(sector.name.clone()),
                    ty: Type::TariffLine,
                    span: first.span.to(sector.span),
                };
                rest = tail;
            }
            (ExprKind::Fact(key), _) if key.is_empty() => {
                let Some((key, tail)) = rest.split_first() else {
                    return self.error(
                        Diagnostic::error(codes::UNKNOWN_PATH, "`facts` needs a name")
                            .with_primary(first.span, "which fact?")
                            .with_help("write `facts.NAME`, e.g. `facts.ldp_majority`"),
                    );
                };
                base = Expr {
                    kind: ExprKind::Fact(key.name.clone()),
                    ty: Type::Fact,
                    span: first.span.to(key.span),
                };
                rest = tail;
            }
            _ => {}
        }
        for field in rest {
            base = self.field(base, field, first.span.to(field.span))?;
        }
        base.span = span;
        Some(base)
    }

    fn name(&mut self, file: usize, name: &ast::Ident, elements: &mut [Type]) -> Option<Expr> {
        let span = name.span;
        if name.name == "it" {
            return match elements.last() {
                Some(element) => Some(Expr {
                    kind: ExprKind::Element(0),
                    ty: element.clone(),
                    span,
                }),
                None => self.error(
                    Diagnostic::error(codes::UNKNOWN_NAME, "`it` is only defined inside `where`")
                        .with_primary(span, "no element here")
                        .with_help(
                            "`it` is the element in `C where P` and in `any/all/no C where P`",
                        ),
                ),
            };
        }
        for (depth, element) in elements.iter().rev().enumerate() {
            if let Some((field, ty)) = element_field(element, &name.name) {
                let element = Expr {
                    kind: ExprKind::Element(depth as u32),
                    ty: element.clone(),
                    span,
                };
                return Some(Expr {
                    kind: ExprKind::ElementField(Box::new(element), field),
                    ty,
                    span,
                });
            }
        }
        if let Some(id) = self.let_named(file, &name.name) {
            let ty = self.let_type(id, span)?;
            return Some(Expr {
                kind: ExprKind::Let(id),
                ty,
                span,
            });
        }
        let field = match name.name.as_str() {
            "proposal" => Some((ProposalField::Id, Type::Str)),
            "title" => Some((ProposalField::Title, Type::Str)),
            "deal" => Some((ProposalField::Deal, Type::Str)),
            "round" => Some((ProposalField::Round, Type::Number)),
            "date" => Some((ProposalField::Date, Type::Date)),
            "tabled_by" => Some((ProposalField::TabledBy, Type::Party)),
            "parties" => Some((ProposalField::Parties, Type::List(Box::new(Type::Party)))),
            "tariffs" => Some((ProposalField::Tariffs, Type::Tariffs)),
            "concessions" => Some((ProposalField::Concessions, Type::Concessions)),
            "facts" => {
                // Completed into `facts.NAME` by `path`.
                return Some(Expr {
                    kind: ExprKind::Fact(String::new()),
                    ty: Type::Fact,
                    span,
                });
            }
            _ => None,
        };
        if let Some((field, ty)) = field {
            return Some(Expr {
                kind: ExprKind::Proposal(field),
                ty,
                span,
            });
        }
        let mut candidates: Vec<&str> = PROPOSAL_FIELDS.to_vec();
        for element in elements.iter() {
            candidates.extend(element_field_names(element));
        }
        let let_names = self.let_names(file);
        candidates.extend(let_names.iter().map(String::as_str));
        let mut diagnostic =
            Diagnostic::error(codes::UNKNOWN_NAME, format!("unknown name `{}`", name.name))
                .with_primary(span, "not a `let`, a proposal field or a field in scope");
        let mut help: Vec<String> = suggestion(&name.name, candidates).into_iter().collect();
        if let Some(element) = elements
            .last()
            .filter(|e| !element_field_names(e).is_empty())
        {
            help.push(format!(
                "inside this `where`, {element} has the fields {}",
                list_words(element_field_names(element))
            ));
        }
        if !help.is_empty() {
            diagnostic = diagnostic.with_help(help.join("\n"));
        }
        self.error(diagnostic)
    }

    /// `.field` on a value: a tariff line's or concession's field, or a
    /// projection over a collection.
    fn field(&mut self, base: Expr, field: &ast::Ident, span: Span) -> Option<Expr> {
        let element = match &base.ty {
            Type::TariffLine | Type::Concession => None,
            Type::Tariffs | Type::Concessions => base.ty.element(),
            _ => {
                return self.error(
                    Diagnostic::error(codes::UNKNOWN_PATH, format!("{} has no fields", base.ty))
                        .with_primary(field.span, format!("no field `{}` here", field.name))
                        .with_label(base.span, format!("this is {}", base.ty)),
                );
            }
        };
        let owner = element.clone().unwrap_or_else(|| base.ty.clone());
        let Some((resolved, ty)) = element_field(&owner, &field.name) else {
            let mut diagnostic = Diagnostic::error(
                codes::UNKNOWN_PATH,
                format!("unknown field `{}` of {}", field.name, owner),
            )
            .with_primary(field.span, "no such field");
            let names = element_field_names(&owner);
            let help = suggestion(&field.name, names.iter().copied())
                .unwrap_or_else(|| format!("the fields are {}", list_words(names)));
            diagnostic = diagnostic.with_help(help);
            return self.error(diagnostic);
        };
        let (kind, ty) = match element {
            Some(_) => (
                ExprKind::Project(Box::new(base), resolved),
                Type::List(Box::new(ty)),
            ),
            None => (ExprKind::ElementField(Box::new(base), resolved), ty),
        };
        Some(Expr { kind, ty, span })
    }

    fn call(
        &mut self,
        file: usize,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
        elements: &mut Vec<Type>,
    ) -> Option<Expr> {
        let aggregate = match name.name.as_str() {
            "count" => Aggregate::Count,
            "sum" => Aggregate::Sum,
            "min" => Aggregate::Min,
            "max" => Aggregate::Max,
            other => {
                let mut diagnostic = Diagnostic::error(
                    codes::UNKNOWN_FUNCTION,
                    format!("unknown function `{other}`"),
                )
                .with_primary(name.span, "not a function");
                let help = suggestion(other, FUNCTIONS).unwrap_or_else(|| {
                    "the functions are `count`, `sum`, `min` and `max`".to_owned()
                });
                diagnostic = diagnostic.with_help(help);
                return self.error(diagnostic);
            }
        };
        let [arg] = args else {
            return self.error(
                Diagnostic::error(codes::ARITY, format!("`{}` takes one argument", name.name))
                    .with_primary(span, format!("{} arguments given", args.len())),
            );
        };
        let arg = self.expr(file, arg, elements)?;
        let Some(element) = arg.ty.element() else {
            return self.error(
                Diagnostic::error(
                    codes::NOT_COLLECTION,
                    format!("`{}` needs a collection", name.name),
                )
                .with_primary(arg.span, format!("this is {}", arg.ty)),
            );
        };
        let ty = match aggregate {
            Aggregate::Count => Type::Number,
            Aggregate::Sum if matches!(element, Type::Any) => Type::Number,
            Aggregate::Sum if element.is_numeric() => element,
            Aggregate::Min | Aggregate::Max if element.is_ordered() => element,
            _ => {
                let needs = if aggregate == Aggregate::Sum {
                    "numbers, percents or money"
                } else {
                    "numbers, percents, money or dates"
                };
                return self.error(
                    Diagnostic::error(
                        codes::MISMATCH,
                        format!("`{}` needs a list of {needs}", name.name),
                    )
                    .with_primary(arg.span, format!("this is {}", arg.ty))
                    .with_help(
                        "pick a field, e.g. `sum(concessions.amount)` or `max(tariffs.after)`",
                    ),
                );
            }
        };
        Some(Expr {
            kind: ExprKind::Aggregate(aggregate, Box::new(arg)),
            ty,
            span,
        })
    }
}

fn list_words(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}
