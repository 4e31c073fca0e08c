//! Checking one expression: resolving names and paths, typing every node
//! and reporting unit errors, producing a typed [`Expr`].

use super::Checker;
use super::codes;
use super::typed::{Aggregate, ArithOp, CmpOp, Expr, ExprKind, ProposalField, Quantifier, Type};
use super::types::{Clash, element_field, element_field_names, plural, unify};
use crate::diagnostic::{Diagnostic, suggestion};
use crate::proposal::{PROPOSAL_FIELDS, TARIFF_LINE_FIELDS};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind as Ast, UnaryOp};

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

    fn expect_condition(&mut self, checked: Expr, what: &str) -> Option<Expr> {
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

    fn unary(&mut self, op: UnaryOp, op_span: Span, operand: Expr, span: Span) -> Option<Expr> {
        match op {
            UnaryOp::Not if operand.ty.is_condition() => Some(Expr {
                kind: ExprKind::Not(Box::new(operand)),
                ty: Type::Bool,
                span,
            }),
            UnaryOp::Neg if operand.ty.is_numeric() => Some(Expr {
                ty: operand.ty.clone(),
                kind: ExprKind::Neg(Box::new(operand)),
                span,
            }),
            _ => {
                let (symbol, needs) = match op {
                    UnaryOp::Not => ("not", "a condition"),
                    UnaryOp::Neg => ("-", "a number, percent or money"),
                };
                self.error(
                    Diagnostic::error(codes::MISMATCH, format!("`{symbol}` needs {needs}"))
                        .with_primary(operand.span, format!("this is {}", operand.ty))
                        .with_label(op_span, ""),
                )
            }
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        lhs: Expr,
        rhs: Expr,
        span: Span,
    ) -> Option<Expr> {
        let pair = |lhs, rhs| (Box::new(lhs), Box::new(rhs));
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let lhs = self.expect_condition(lhs, &format!("each side of `{}`", op.symbol()));
                let rhs = self.expect_condition(rhs, &format!("each side of `{}`", op.symbol()));
                let (a, b) = pair(lhs?, rhs?);
                let kind = if op == BinaryOp::And {
                    ExprKind::And(a, b)
                } else {
                    ExprKind::Or(a, b)
                };
                Some(Expr {
                    kind,
                    ty: Type::Bool,
                    span,
                })
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let (arith, ty) = self.arithmetic(op, op_span, &lhs, &rhs)?;
                let (a, b) = pair(lhs, rhs);
                Some(Expr {
                    kind: ExprKind::Arith(arith, a, b),
                    ty,
                    span,
                })
            }
            BinaryOp::In => self.membership(op_span, lhs, rhs, span),
            _ => {
                let cmp = match op {
                    BinaryOp::Eq => CmpOp::Eq,
                    BinaryOp::Ne => CmpOp::Ne,
                    BinaryOp::Lt => CmpOp::Lt,
                    BinaryOp::Le => CmpOp::Le,
                    BinaryOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                self.comparable(
                    op_span,
                    op.symbol(),
                    &lhs,
                    &rhs,
                    !matches!(cmp, CmpOp::Eq | CmpOp::Ne),
                )?;
                self.note_party_literal(&lhs, &rhs);
                let (a, b) = pair(lhs, rhs);
                Some(Expr {
                    kind: ExprKind::Compare(cmp, a, b),
                    ty: Type::Bool,
                    span,
                })
            }
        }
    }

    /// Checks that two operands may be compared (and ordered, if `ordered`).
    fn comparable(
        &mut self,
        op_span: Span,
        symbol: &str,
        lhs: &Expr,
        rhs: &Expr,
        ordered: bool,
    ) -> Option<()> {
        for side in [lhs, rhs] {
            if !side.ty.is_scalar() {
                return self.error(
                    Diagnostic::error(codes::MISMATCH, format!("`{symbol}` compares single values"))
                        .with_primary(side.span, format!("this is {}", side.ty))
                        .with_label(op_span, "")
                        .with_help("use `count(...)`, `sum(...)`, `in` or a quantifier to compare a collection"),
                );
            }
            if ordered && !side.ty.is_ordered() && side.ty != Type::Any {
                return self.error(
                    Diagnostic::error(codes::ORDERING, format!("`{symbol}` cannot order {}", plural(&side.ty)))
                        .with_primary(side.span, format!("this is {}", side.ty))
                        .with_label(op_span, "")
                        .with_help("only numbers, percents, money of one currency and dates are ordered; use `=` or `!=`"),
                );
            }
        }
        self.same_unit(op_span, symbol, lhs, rhs).map(|_| ())
    }

    /// The common type of two operands that must share a unit.
    fn same_unit(&mut self, op_span: Span, symbol: &str, lhs: &Expr, rhs: &Expr) -> Option<Type> {
        match unify(&lhs.ty, &rhs.ty) {
            Ok(ty) => Some(ty),
            Err(Clash::Currencies) => self.error(
                Diagnostic::error(
                    codes::CURRENCY,
                    format!("`{symbol}` mixes money of two currencies"),
                )
                .with_primary(op_span, "")
                .with_label(lhs.span, format!("{}", lhs.ty))
                .with_label(rhs.span, format!("{}", rhs.ty))
                .with_help("money of different currencies never mixes; convert one side by hand"),
            ),
            Err(Clash::Units) => self.error(
                Diagnostic::error(
                    codes::MISMATCH,
                    format!("`{symbol}` between {} and {}", lhs.ty, rhs.ty),
                )
                .with_primary(op_span, "these do not mix")
                .with_label(lhs.span, format!("{}", lhs.ty))
                .with_label(rhs.span, format!("{}", rhs.ty))
                .with_help(unit_help(&lhs.ty, &rhs.ty)),
            ),
        }
    }

    fn arithmetic(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        lhs: &Expr,
        rhs: &Expr,
    ) -> Option<(ArithOp, Type)> {
        let symbol = op.symbol();
        for side in [lhs, rhs] {
            if !side.ty.is_numeric() {
                let help = if side.ty == Type::Date {
                    "dates have no arithmetic; compare them with `<`, `>` or `between`"
                } else {
                    "arithmetic applies to numbers, percents and money"
                };
                return self.error(
                    Diagnostic::error(
                        codes::ARITHMETIC,
                        format!("`{symbol}` cannot apply to {}", side.ty),
                    )
                    .with_primary(side.span, format!("this is {}", side.ty))
                    .with_label(op_span, "")
                    .with_help(help),
                );
            }
        }
        let arith = match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Sub => ArithOp::Sub,
            BinaryOp::Mul => ArithOp::Mul,
            _ => ArithOp::Div,
        };
        let is_number = |ty: &Type| matches!(ty, Type::Number | Type::Fact);
        let ty = match arith {
            ArithOp::Add | ArithOp::Sub => self.same_unit(op_span, symbol, lhs, rhs)?,
            ArithOp::Mul if is_number(&lhs.ty) => rhs.ty.clone(),
            ArithOp::Mul if is_number(&rhs.ty) => lhs.ty.clone(),
            ArithOp::Div if is_number(&rhs.ty) => lhs.ty.clone(),
            _ => {
                let help = if arith == ArithOp::Div {
                    "`/` divides by a plain number only"
                } else {
                    "a plain number may scale anything (`2 * $5bn`), but two amounts with units do not multiply"
                };
                return self.error(
                    Diagnostic::error(
                        codes::ARITHMETIC,
                        format!("`{symbol}` between {} and {}", lhs.ty, rhs.ty),
                    )
                    .with_primary(op_span, "these do not combine")
                    .with_label(lhs.span, format!("{}", lhs.ty))
                    .with_label(rhs.span, format!("{}", rhs.ty))
                    .with_help(help),
                );
            }
        };
        Some((arith, ty))
    }

    fn membership(&mut self, op_span: Span, lhs: Expr, rhs: Expr, span: Span) -> Option<Expr> {
        let element = match &rhs.ty {
            Type::Tariffs => Type::Str,
            Type::List(element) => (**element).clone(),
            _ => {
                return self.error(
                    Diagnostic::error(codes::NOT_COLLECTION, "`in` needs a list or `tariffs` on its right")
                        .with_primary(rhs.span, format!("this is {}", rhs.ty))
                        .with_label(op_span, "")
                        .with_help("`\"autos\" in tariffs` tests for a sector; `\"japan\" in parties` for membership"),
                );
            }
        };
        let probe = Expr {
            kind: ExprKind::Const(crate::value::Scalar::Bool(false)),
            ty: element,
            span: rhs.span,
        };
        self.comparable(op_span, "in", &lhs, &probe, false)?;
        self.note_party_literal(&lhs, &probe);
        Some(Expr {
            kind: ExprKind::In(Box::new(lhs), Box::new(rhs)),
            ty: Type::Bool,
            span,
        })
    }

    fn between(&mut self, x: Expr, low: Expr, high: Expr, span: Span) -> Option<Expr> {
        self.comparable(low.span, "between", &x, &low, true)?;
        self.comparable(high.span, "between", &x, &high, true)?;
        Some(Expr {
            kind: ExprKind::Between(Box::new(x), Box::new(low), Box::new(high)),
            ty: Type::Bool,
            span,
        })
    }

    /// Remembers `by = "japn"`-style comparisons of a party with a string
    /// literal, to warn later about parties nobody declares.
    fn note_party_literal(&mut self, lhs: &Expr, rhs: &Expr) {
        for (party, literal) in [(lhs, rhs), (rhs, lhs)] {
            if party.ty == Type::Party
                && let ExprKind::Const(crate::value::Scalar::Str(name)) = &literal.kind
            {
                self.party_literals.push((name.to_string(), literal.span));
            }
        }
    }
}

fn unit_help(lhs: &Type, rhs: &Type) -> String {
    match (lhs, rhs) {
        (Type::Percent, Type::Number) | (Type::Number, Type::Percent) => {
            "write the number as a percent, e.g. `15%`".to_owned()
        }
        (Type::Percent, Type::Money(_)) | (Type::Money(_), Type::Percent) => {
            "a tariff rate is a percent; money is an amount like `$15bn`".to_owned()
        }
        _ => "both sides must be of the same kind: percent with percent, money with money of one currency, number with number".to_owned(),
    }
}

fn list_words(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}
