//! Well-typed `.redline` files, written as text from `arbitrary` bytes.
//!
//! Every expression is generated for a wanted type, so the result always
//! passes the static checks; operands are parenthesised exactly where the
//! precedence of SPEC §2.3 needs it (plus sometimes where it does not), so
//! the parser's operator handling is exercised too.

use arbitrary::{Result, Unstructured};

use super::{PARTIES, SECTORS, pick, string_text};

/// Binding strength of an expression as printed, loosest first.
mod prec {
    /// `C where P` and quantifiers: the predicate reaches to the right.
    pub const WHERE: u8 = 0;
    pub const OR: u8 = 1;
    pub const AND: u8 = 2;
    pub const NOT: u8 = 3;
    pub const CMP: u8 = 4;
    pub const ADD: u8 = 5;
    pub const MUL: u8 = 6;
    pub const NEG: u8 = 7;
    pub const ATOM: u8 = 8;
}

/// The currencies of money literals.
const CURRENCIES: [char; 5] = ['$', '€', '¥', '£', '₩'];

/// A generated type. `Money` always has a currency: a currency-less source
/// (`amount`, `sum(concessions.amount)`) is compatible with any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Num,
    Pct,
    Money(char),
    Date,
    Str,
    Party,
    Tariffs,
    Concessions,
    List(Box<Ty>),
}

/// The element bound by an enclosing `where` or quantifier.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Element {
    Tariff,
    Concession,
    Scalar(Ty),
}

/// A printed expression and how tightly it binds.
struct E {
    text: String,
    prec: u8,
}

impl E {
    fn new(text: impl Into<String>, prec: u8) -> E {
        E {
            text: text.into(),
            prec,
        }
    }

    fn atom(text: impl Into<String>) -> E {
        E::new(text, prec::ATOM)
    }

    /// The text, in parentheses when it binds looser than `min`.
    fn at(self, min: u8) -> String {
        if self.prec < min {
            format!("({})", self.text)
        } else {
            self.text
        }
    }
}

/// Generates the expressions of one file.
pub struct ExprGen<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    /// The `let`s usable so far (declared earlier, so no cycle is possible).
    lets: Vec<(String, Ty)>,
    /// Enclosing `where` elements, innermost last.
    scope: Vec<Element>,
    /// Remaining expression budget, so that generation always ends.
    budget: u32,
}

impl<'u, 'a> ExprGen<'u, 'a> {
    pub fn new(u: &'u mut Unstructured<'a>) -> ExprGen<'u, 'a> {
        ExprGen {
            u,
            lets: Vec::new(),
            scope: Vec::new(),
            budget: 400,
        }
    }

    pub fn u(&mut self) -> &mut Unstructured<'a> {
        self.u
    }

    /// Declares a `let` usable by later expressions.
    pub fn declare(&mut self, name: String, ty: Ty) {
        self.lets.push((name, ty));
    }

    /// A type for a `let` or an interpolation.
    pub fn any_type(&mut self, collections: bool) -> Result<Ty> {
        let n = if collections { 10 } else { 7 };
        Ok(match self.u.int_in_range(0..=n)? {
            0 => Ty::Bool,
            1 => Ty::Num,
            2 => Ty::Pct,
            3 => Ty::Money(*pick(self.u, &CURRENCIES)?),
            4 => Ty::Date,
            5 => Ty::Str,
            6 | 7 => Ty::Party,
            8 => Ty::Tariffs,
            9 => Ty::Concessions,
            _ => Ty::List(Box::new(self.list_element()?)),
        })
    }

    fn list_element(&mut self) -> Result<Ty> {
        Ok(match self.u.int_in_range(0..=5)? {
            0 => Ty::Num,
            1 => Ty::Pct,
            2 => Ty::Money(*pick(self.u, &CURRENCIES)?),
            3 => Ty::Date,
            4 => Ty::Str,
            _ => Ty::Party,
        })
    }

    /// A complete expression of type `ty`, as written after `require` or `=`.
    pub fn top(&mut self, ty: &Ty, depth: u32) -> Result<String> {
        Ok(self.expr(ty, depth)?.text)
    }

    fn expr(&mut self, ty: &Ty, depth: u32) -> Result<E> {
        self.budget = self.budget.saturating_sub(1);
        let depth = if self.budget == 0 { 0 } else { depth };
        let e = match ty {
            Ty::Bool => self.boolean(depth)?,
            Ty::Num | Ty::Pct | Ty::Money(_) => self.numeric(ty, depth)?,
            Ty::Date => self.date(depth)?,
            Ty::Str | Ty::Party => self.text(ty, depth)?,
            Ty::Tariffs | Ty::Concessions => self.collection(ty, depth)?,
            Ty::List(element) => self.list(element, depth)?,
        };
        // Now and then, parentheses that are not needed.
        if e.prec < prec::ATOM && self.u.ratio(1, 12)? {
            return Ok(E::atom(format!("({})", e.text)));
        }
        Ok(e)
    }

    /// A `let` of a type compatible with `ty`, if any.
    fn let_of(&mut self, ty: &Ty) -> Result<Option<E>> {
        let names: Vec<String> = self
            .lets
            .iter()
            .filter(|(_, t)| t == ty)
            .map(|(n, _)| n.clone())
            .collect();
        if names.is_empty() || !self.u.ratio(1, 3)? {
            return Ok(None);
        }
        Ok(Some(E::atom(pick(self.u, &names)?.clone())))
    }

    /// A field of the innermost element that has type `ty`, if any.
    fn field_of(&mut self, ty: &Ty) -> Result<Option<E>> {
        let fields: &[&str] = match (self.scope.last(), ty) {
            (Some(Element::Tariff), Ty::Pct) => &["after", "before", "it.after", "it.before"],
            (Some(Element::Tariff), Ty::Num) => &["quota", "it.quota"],
            (Some(Element::Tariff), Ty::Date) => &["effective", "it.effective"],
            (Some(Element::Tariff), Ty::Str) => &["sector", "note", "it.sector"],
            (Some(Element::Concession), Ty::Money(_)) => &["amount", "it.amount"],
            (Some(Element::Concession), Ty::Str) => &["kind", "item", "it.kind"],
            (Some(Element::Concession), Ty::Party) => &["by", "it.by"],
            (Some(Element::Scalar(element)), _) if element == ty => &["it"],
            _ => &[],
        };
        if fields.is_empty() || !self.u.ratio(1, 2)? {
            return Ok(None);
        }
        Ok(Some(E::atom(*pick(self.u, fields)?)))
    }

    fn sector(&mut self) -> Result<&'static str> {
        pick(self.u, &SECTORS).copied()
    }

    fn boolean(&mut self, depth: u32) -> Result<E> {
        if let Some(e) = self.let_of(&Ty::Bool)? {
            return Ok(e);
        }
        let choice = if depth == 0 {
            self.u.int_in_range(0..=3)?
        } else {
            self.u.int_in_range(0..=15)?
        };
        Ok(match choice {
            0 => E::atom(if self.u.arbitrary()? { "true" } else { "false" }),
            1 => E::atom(format!("facts.{}", pick(self.u, &super::FACTS)?)),
            2 => E::new(format!("\"{}\" in tariffs", self.sector()?), prec::CMP),
            3 => E::new(
                format!("\"{}\" in parties", pick(self.u, &PARTIES)?),
                prec::CMP,
            ),
            4 | 5 => {
                let (op, p) = if self.u.arbitrary()? {
                    ("and", prec::AND)
                } else {
                    ("or", prec::OR)
                };
                let a = self.expr(&Ty::Bool, depth - 1)?.at(p);
                let b = self.expr(&Ty::Bool, depth - 1)?.at(p + 1);
                E::new(format!("{a} {op} {b}"), p)
            }
            6 => {
                let a = self.expr(&Ty::Bool, depth - 1)?.at(prec::NOT);
                E::new(format!("not {a}"), prec::NOT)
            }
            7..=9 => {
                let ty = self.ordered_type()?;
                let op = *pick(self.u, &["=", "!=", "<", "<=", ">", ">="])?;
                let a = self.expr(&ty, depth - 1)?.at(prec::ADD);
                let b = self.expr(&ty, depth - 1)?.at(prec::ADD);
                E::new(format!("{a} {op} {b}"), prec::CMP)
            }
            10 => {
                let ty = self.any_type(false)?;
                let op = *pick(self.u, &["=", "!="])?;
                let a = self.expr(&ty, depth - 1)?.at(prec::ADD);
                let b = self.expr(&ty, depth - 1)?.at(prec::ADD);
                E::new(format!("{a} {op} {b}"), prec::CMP)
            }
            11 => {
                let ty = self.ordered_type()?;
                let x = self.expr(&ty, depth - 1)?.at(prec::ADD);
                let lo = self.expr(&ty, depth - 1)?.at(prec::ADD);
                let hi = self.expr(&ty, depth - 1)?.at(prec::ADD);
                E::new(format!("{x} between {lo} and {hi}"), prec::CMP)
            }
            12 => {
                let element = self.list_element()?;
                let x = self.expr(&element, depth - 1)?.at(prec::ADD);
                let list = self.expr(&Ty::List(Box::new(element)), depth - 1)?;
                E::new(format!("{x} in {}", list.at(prec::ADD)), prec::CMP)
            }
            13 => {
                let x = self.expr(&Ty::Str, depth - 1)?.at(prec::ADD);
                E::new(format!("{x} in tariffs"), prec::CMP)
            }
            _ => {
                let quantifier = *pick(self.u, &["any", "all", "no"])?;
                let (collection, element) = self.collection_operand(depth - 1)?;
                let predicate = self.predicate(element, depth - 1)?;
                E::new(
                    format!("{quantifier} {collection} where {predicate}"),
                    prec::WHERE,
                )
            }
        })
    }

    fn ordered_type(&mut self) -> Result<Ty> {
        Ok(match self.u.int_in_range(0..=3)? {
            0 => Ty::Num,
            1 => Ty::Pct,
            2 => Ty::Money(*pick(self.u, &CURRENCIES)?),
            _ => Ty::Date,
        })
    }

    /// A collection as the single operand of `where` or a quantifier, and
    /// the element its predicate sees.
    fn collection_operand(&mut self, depth: u32) -> Result<(String, Element)> {
        Ok(match self.u.int_in_range(0..=3)? {
            0 => (
                self.expr(&Ty::Tariffs, depth)?.at(prec::ATOM),
                Element::Tariff,
            ),
            1 => (
                self.expr(&Ty::Concessions, depth)?.at(prec::ATOM),
                Element::Concession,
            ),
            2 => ("parties".to_owned(), Element::Scalar(Ty::Party)),
            _ => {
                let element = self.list_element()?;
                let list = self.expr(&Ty::List(Box::new(element.clone())), depth)?;
                (list.at(prec::ATOM), Element::Scalar(element))
            }
        })
    }

    /// A condition over `element`, with the element in scope.
    fn predicate(&mut self, element: Element, depth: u32) -> Result<String> {
        self.scope.push(element);
        let predicate = self.expr(&Ty::Bool, depth);
        self.scope.pop();
        Ok(predicate?.text)
    }

    fn numeric(&mut self, ty: &Ty, depth: u32) -> Result<E> {
        if let Some(e) = self.field_of(ty)? {
            return Ok(e);
        }
        if let Some(e) = self.let_of(ty)? {
            return Ok(e);
        }
        let choice = if depth == 0 {
            self.u.int_in_range(0..=2)?
        } else {
            self.u.int_in_range(0..=11)?
        };
        Ok(match choice {
            // A fact acts as a plain number in arithmetic (`facts.x * $5bn`
            // is money), so it stands only where a number is wanted.
            2 if *ty == Ty::Num => E::atom(format!("facts.{}", pick(self.u, &super::FACTS)?)),
            0..=2 => self.numeric_leaf(ty)?,
            3 | 4 => {
                let op = *pick(self.u, &["+", "-"])?;
                let p = prec::ADD;
                let a = self.expr(ty, depth - 1)?.at(p);
                let b = self.expr(ty, depth - 1)?.at(p + 1);
                E::new(format!("{a} {op} {b}"), p)
            }
            5 => {
                let p = prec::MUL;
                let (a, b) = if self.u.arbitrary()? {
                    (
                        self.expr(&Ty::Num, depth - 1)?.at(p),
                        self.expr(ty, depth - 1)?.at(p + 1),
                    )
                } else {
                    (
                        self.expr(ty, depth - 1)?.at(p),
                        self.expr(&Ty::Num, depth - 1)?.at(p + 1),
                    )
                };
                E::new(format!("{a} * {b}"), p)
            }
            6 => {
                let p = prec::MUL;
                let a = self.expr(ty, depth - 1)?.at(p);
                let b = self.expr(&Ty::Num, depth - 1)?.at(p + 1);
                E::new(format!("{a} / {b}"), p)
            }
            7 => {
                let a = self.expr(ty, depth - 1)?.at(prec::NEG);
                E::new(format!("-{a}"), prec::NEG)
            }
            8 if *ty == Ty::Num => {
                let ty = self.any_type(true)?;
                let collection = match ty {
                    Ty::Tariffs | Ty::Concessions | Ty::List(_) => self.expr(&ty, depth - 1)?,
                    _ => E::atom("[]"),
                };
                E::atom(format!("count({})", collection.text))
            }
            _ => {
                let function = *pick(self.u, &["sum", "min", "max"])?;
                let list = self.expr(&Ty::List(Box::new(ty.clone())), depth - 1)?;
                E::atom(format!("{function}({})", list.text))
            }
        })
    }

    fn numeric_leaf(&mut self, ty: &Ty) -> Result<E> {
        Ok(match ty {
            Ty::Num => match self.u.int_in_range(0..=4)? {
                0 => E::atom("round"),
                1 => E::atom(format!("tariffs.{}.quota", self.sector()?)),
                _ => E::atom(number(self.u)?),
            },
            Ty::Pct => match self.u.int_in_range(0..=3)? {
                0 => E::atom(format!(
                    "tariffs.{}.{}",
                    self.sector()?,
                    pick(self.u, &["after", "before"])?
                )),
                _ => {
                    let suffix = if self.u.ratio(1, 4)? { "pp" } else { "%" };
                    E::atom(format!("{}{suffix}", decimal(self.u)?))
                }
            },
            Ty::Money(currency) => match self.u.int_in_range(0..=3)? {
                0 => E::atom("sum(concessions.amount)"),
                _ => E::atom(format!("{currency}{}", number(self.u)?)),
            },
            // INVARIANT: `numeric` only calls this for the three numeric types.
            _ => unreachable!("numeric_leaf is only called for numeric types"),
        })
    }

    fn date(&mut self, depth: u32) -> Result<E> {
        if let Some(e) = self.field_of(&Ty::Date)? {
            return Ok(e);
        }
        if let Some(e) = self.let_of(&Ty::Date)? {
            return Ok(e);
        }
        let choice = if depth == 0 {
            self.u.int_in_range(0..=2)?
        } else {
            self.u.int_in_range(0..=3)?
        };
        Ok(match choice {
            0 => E::atom(date(self.u)?),
            1 => E::atom("date"),
            2 => E::atom(format!("tariffs.{}.effective", self.sector()?)),
            _ => {
                let function = *pick(self.u, &["min", "max"])?;
                let list = self.expr(&Ty::List(Box::new(Ty::Date)), depth - 1)?;
                E::atom(format!("{function}({})", list.text))
            }
        })
    }

    fn text(&mut self, ty: &Ty, _depth: u32) -> Result<E> {
        if let Some(e) = self.field_of(ty)? {
            return Ok(e);
        }
        if let Some(e) = self.let_of(ty)? {
            return Ok(e);
        }
        Ok(match (ty, self.u.int_in_range(0..=4)?) {
            (Ty::Party, 0) => E::atom("tabled_by"),
            (Ty::Party, _) => E::atom(format!("\"{}\"", pick(self.u, &PARTIES)?)),
            (_, 0) => E::atom(*pick(self.u, &["title", "deal", "proposal"])?),
            (_, 1) => E::atom(format!("tariffs.{}.note", self.sector()?)),
            (_, 2) => E::atom(format!("\"{}\"", self.sector()?)),
            _ => E::atom(format!("\"{}\"", string_text(self.u, false)?)),
        })
    }

    fn collection(&mut self, ty: &Ty, depth: u32) -> Result<E> {
        if let Some(e) = self.let_of(ty)? {
            return Ok(e);
        }
        let (name, element) = if *ty == Ty::Tariffs {
            ("tariffs", Element::Tariff)
        } else {
            ("concessions", Element::Concession)
        };
        if depth == 0 || self.u.ratio(1, 3)? {
            return Ok(E::atom(name));
        }
        let operand = self.expr(ty, depth - 1)?.at(prec::ATOM);
        let predicate = self.predicate(element, depth - 1)?;
        Ok(E::new(format!("{operand} where {predicate}"), prec::WHERE))
    }

    fn list(&mut self, element: &Ty, depth: u32) -> Result<E> {
        if let Some(e) = self.let_of(&Ty::List(Box::new(element.clone())))? {
            return Ok(e);
        }
        let choice = if depth == 0 {
            0
        } else {
            self.u.int_in_range(0..=3)?
        };
        Ok(match choice {
            // A projection over tariffs or concessions, when the element
            // type is one of their fields.
            1 | 2 => match self.projection(element, depth - 1)? {
                Some(e) => e,
                None => self.list_literal(element, depth - 1)?,
            },
            3 => {
                let operand = self
                    .expr(&Ty::List(Box::new(element.clone())), depth - 1)?
                    .at(prec::ATOM);
                let predicate = self.predicate(Element::Scalar(element.clone()), depth - 1)?;
                E::new(format!("{operand} where {predicate}"), prec::WHERE)
            }
            _ if *element == Ty::Party && self.u.arbitrary()? => E::atom("parties"),
            _ => self.list_literal(element, depth.saturating_sub(1))?,
        })
    }

    fn projection(&mut self, element: &Ty, depth: u32) -> Result<Option<E>> {
        let (collection, fields): (Ty, &[&str]) = match element {
            Ty::Pct => (Ty::Tariffs, &["after", "before"]),
            Ty::Num => (Ty::Tariffs, &["quota"]),
            Ty::Date => (Ty::Tariffs, &["effective"]),
            Ty::Str => (Ty::Concessions, &["kind", "item"]),
            Ty::Money(_) => (Ty::Concessions, &["amount"]),
            Ty::Party => (Ty::Concessions, &["by"]),
            _ => return Ok(None),
        };
        let field = *pick(self.u, fields)?;
        let base = self.expr(&collection, depth)?;
        let plain = base
            .text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let base = if plain {
            base.text
        } else {
            format!("({})", base.text)
        };
        Ok(Some(E::atom(format!("{base}.{field}"))))
    }

    fn list_literal(&mut self, element: &Ty, depth: u32) -> Result<E> {
        let n = self.u.int_in_range(1..=4)?;
        let mut items = Vec::new();
        for _ in 0..n {
            items.push(self.expr(element, depth)?.text);
        }
        Ok(E::atom(format!("[{}]", items.join(", "))))
    }
}

/// A plain number literal: `3`, `1.33M`, `100k`, sometimes huge.
pub fn number(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 20)? {
        // The largest exact decimal: arithmetic on it overflows.
        return Ok("79228162514264337593543950335".to_owned());
    }
    let suffix = *pick(u, &["", "", "", "k", "m", "M", "bn", "tn"])?;
    Ok(format!("{}{suffix}", decimal(u)?))
}

/// `12`, `2.5`, `0.001`.
pub fn decimal(u: &mut Unstructured<'_>) -> Result<String> {
    let whole: u16 = u.int_in_range(0..=999)?;
    Ok(match u.int_in_range(0..=3)? {
        0 => format!("{whole}.{}", u.int_in_range(0..=99u8)?),
        1 => format!("{whole}.0000000000000000000000001"),
        _ => whole.to_string(),
    })
}

/// A real calendar date.
pub fn date(u: &mut Unstructured<'_>) -> Result<String> {
    let year = u.int_in_range(1990..=2040)?;
    let month = u.int_in_range(1..=12u32)?;
    let day = u.int_in_range(1..=28u32)?;
    if u.ratio(1, 10)? {
        return Ok("2024-02-29".to_owned());
    }
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}
