//! Collections: `where`, projection, quantifiers, membership and the
//! aggregates. Selections of the proposal's lists are kept as index sets,
//! and `sum`/`min`/`max` over a projection stream the field values, so the
//! common forms do not allocate.

use crate::check::typed::{Aggregate, ElementField, Expr, ExprKind, Quantifier, Type};
use crate::source::Span;
use crate::value::{Decimal, Money};

use super::expr::{Eval, Evaluator, Read, Truth, unsupported};
use super::reason::{Undet, Usage, Why};
use super::value::{Atom, Base, Clash, Elem, Op, SelBuilder, Value, arith, equals, order};

impl<'a> Evaluator<'a> {
    /// `C where P`: the elements for which P holds. If P is undetermined for
    /// any element, so is the whole selection.
    pub(crate) fn filter(
        &mut self,
        collection: &'a Expr,
        predicate: &'a Expr,
        span: Span,
    ) -> Eval<'a> {
        let proposal = self.proposal;
        match self.eval(collection)? {
            Value::Coll(base, sel) => {
                let len = base.len(proposal);
                let mut kept = SelBuilder::new(len);
                for index in sel.iter(len) {
                    let elem = base.elem(proposal, index);
                    if self.with_elem(elem, |ev| ev.truth(predicate))? {
                        kept.keep(index);
                    }
                }
                Ok(Value::Coll(base, kept.finish()))
            }
            Value::List(items) => {
                let mut kept = Vec::new();
                for &elem in items.iter() {
                    if self.with_elem(elem, |ev| ev.truth(predicate))? {
                        kept.push(elem);
                    }
                }
                Ok(Value::List(kept.into()))
            }
            Value::One(_) => Err(unsupported("`where` over a single value", span)),
        }
    }

    /// `C.field`: the field over the elements, absent optional fields left out.
    pub(crate) fn project(
        &mut self,
        collection: &'a Expr,
        field: ElementField,
        span: Span,
    ) -> Eval<'a> {
        let mut items = Vec::new();
        self.each_field(collection, field, span, |atom, _| {
            items.push(Elem::Atom(atom));
            Ok(())
        })?;
        Ok(Value::List(items.into()))
    }

    /// Calls `f` with each present value of `field` over a collection, and
    /// where the proposal writes it.
    fn each_field(
        &mut self,
        collection: &'a Expr,
        field: ElementField,
        span: Span,
        mut f: impl FnMut(Atom<'a>, Span) -> Result<(), Undet<'a>>,
    ) -> Result<(), Undet<'a>> {
        let value = self.eval(collection)?;
        let Some(elems) = value.elems(self.proposal) else {
            return Err(unsupported("a projection of a single value", span));
        };
        for elem in elems {
            match self.read(elem, field) {
                Read::Present(atom, at) => f(atom, at)?,
                Read::Absent(..) => {}
                Read::Invalid => return Err(unsupported("no such field", span)),
            }
        }
        Ok(())
    }

    /// Calls `f` with each scalar of a list expression, streaming projections.
    fn each_atom(
        &mut self,
        list: &'a Expr,
        mut f: impl FnMut(Atom<'a>, Option<Span>) -> Result<(), Undet<'a>>,
    ) -> Result<(), Undet<'a>> {
        if let ExprKind::Project(collection, field) = &list.kind {
            return self.each_field(collection, *field, list.span, |atom, at| f(atom, Some(at)));
        }
        let value = self.eval(list)?;
        let Some(elems) = value.elems(self.proposal) else {
            return Err(unsupported("an aggregate of a single value", list.span));
        };
        for elem in elems {
            match elem {
                Elem::Atom(atom) => f(atom, None)?,
                _ => return Err(unsupported("an aggregate of non-scalar values", list.span)),
            }
        }
        Ok(())
    }

    /// `any/all/no C where P`, three-valued: a deciding element wins over
    /// undetermined ones, whatever their order.
    pub(crate) fn quantified(
        &mut self,
        quantifier: Quantifier,
        collection: &'a Expr,
        predicate: &'a Expr,
    ) -> Truth<'a> {
        let value = self.eval(collection)?;
        let Some(elems) = value.elems(self.proposal) else {
            return Err(unsupported(
                "a quantifier over a single value",
                collection.span,
            ));
        };
        // `all` is decided by an element for which P is false; `any` and
        // `no` by one for which it is true.
        let deciding = quantifier != Quantifier::All;
        let mut undetermined = None;
        for elem in elems {
            match self.with_elem(elem, |ev| ev.truth(predicate)) {
                Ok(holds) if holds == deciding => return Ok(quantifier == Quantifier::Any),
                Ok(_) => {}
                Err(u) => {
                    undetermined.get_or_insert(u);
                }
            }
        }
        match undetermined {
            Some(u) => Err(u),
            None => Ok(quantifier != Quantifier::Any),
        }
    }

    /// `x in C`: a sector key of tariff lines, else membership by equality.
    pub(crate) fn member(&mut self, x: &'a Expr, collection: &'a Expr, span: Span) -> Truth<'a> {
        let needle = self.atom(x)?;
        let mut undetermined = None;
        if let ExprKind::List(items) = &collection.kind {
            // A literal list: compare item by item, without building it.
            for item in items {
                let found = self
                    .atom(item)
                    .and_then(|atom| self.equal(needle, x, atom, item, span));
                match found {
                    Ok(true) => return Ok(true),
                    Ok(false) => {}
                    Err(u) => {
                        undetermined.get_or_insert(u);
                    }
                }
            }
            return undetermined.map_or(Ok(false), Err);
        }
        let value = self.eval(collection)?;
        if let Value::Coll(Base::Tariffs, sel) = &value {
            let Atom::Str(key) = needle else {
                return Err(self.clash(
                    Clash::Units(needle.unit(), crate::value::Unit::Str),
                    span,
                    (x, needle),
                    None,
                    Usage::Compared,
                ));
            };
            return Ok(self.line_index(key).is_some_and(|i| sel.contains(i)));
        }
        let Some(elems) = value.elems(self.proposal) else {
            return Err(unsupported("`in` a single value", collection.span));
        };
        for elem in elems {
            let found = match elem {
                Elem::Atom(atom) => self.equal(needle, x, atom, collection, span),
                _ => Err(unsupported(
                    "`in` a collection of tariff lines or concessions",
                    span,
                )),
            };
            match found {
                Ok(true) => return Ok(true),
                Ok(false) => {}
                Err(u) => {
                    undetermined.get_or_insert(u);
                }
            }
        }
        undetermined.map_or(Ok(false), Err)
    }

    fn equal(
        &mut self,
        a: Atom<'a>,
        a_expr: &'a Expr,
        b: Atom<'a>,
        b_expr: &'a Expr,
        span: Span,
    ) -> Truth<'a> {
        equals(a, b).map_err(|clash| {
            self.clash(clash, span, (a_expr, a), Some((b_expr, b)), Usage::Compared)
        })
    }

    /// `count`, `sum`, `min`, `max`.
    pub(crate) fn aggregate(&mut self, aggregate: Aggregate, x: &'a Expr, e: &'a Expr) -> Eval<'a> {
        if aggregate == Aggregate::Count {
            let value = self.eval(x)?;
            let count = match &value {
                Value::Coll(base, sel) => sel.count(base.len(self.proposal)),
                Value::List(items) => items.len(),
                Value::One(_) => return Err(unsupported("`count` of a single value", x.span)),
            };
            return Ok(Value::atom(Atom::Number(Decimal::from(count))));
        }
        let mut acc: Option<Atom<'a>> = None;
        self.each_atom(x, |atom, at| {
            let Some(so_far) = acc else {
                acc = Some(atom);
                return Ok(());
            };
            let next = match aggregate {
                Aggregate::Sum => arith(Op::Add, so_far, atom),
                Aggregate::Min => {
                    order(so_far, atom).map(|o| if o.is_gt() { atom } else { so_far })
                }
                _ => order(so_far, atom).map(|o| if o.is_lt() { atom } else { so_far }),
            };
            acc = Some(next.map_err(|clash| aggregate_clash(clash, e.span, at))?);
            Ok(())
        })?;
        match (acc, aggregate) {
            (Some(atom), _) => Ok(Value::atom(atom)),
            (None, Aggregate::Sum) => Ok(Value::atom(zero(&e.ty))),
            (None, _) => Err(Undet::new(Why::Empty, e.span, None)),
        }
    }
}

/// The zero of a `sum` of an empty list, of the sum's type. The zero of
/// money has no currency, so it compares with money of any currency.
fn zero<'a>(ty: &Type) -> Atom<'a> {
    match ty {
        Type::Percent => Atom::Percent(Decimal::ZERO),
        Type::Money(_) => Atom::Money(Money {
            currency: None,
            amount: Decimal::ZERO,
        }),
        _ => Atom::Number(Decimal::ZERO),
    }
}

fn aggregate_clash<'a>(clash: Clash, span: Span, at: Option<Span>) -> Undet<'a> {
    match clash {
        Clash::Currencies(first, other) => Undet::new(
            Why::ListCurrencies {
                pair: (first, other),
            },
            span,
            at,
        ),
        Clash::Overflow => Undet::new(Why::Overflow, span, None),
        _ => unsupported("a list of values of different kinds", span),
    }
}
