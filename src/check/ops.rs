//! Checking operators: logic, arithmetic with units, comparisons, `in`
//! and `between`. Units must match before any proposal is read.

use super::Checker;
use super::codes;
use super::typed::{ArithOp, CmpOp, Expr, ExprKind, Type};
use super::types::{Clash, plural, unify};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, UnaryOp};

impl Checker<'_> {
    pub(super) fn unary(
        &mut self,
        op: UnaryOp,
        op_span: Span,
        operand: Expr,
        span: Span,
    ) -> Option<Expr> {
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

    pub(super) fn binary(
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

    pub(super) fn between(&mut self, x: Expr, low: Expr, high: Expr, span: Span) -> Option<Expr> {
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
