//! Scalar values shared by the rule language and proposals: exact decimals
//! with their units (percent, money of one currency, plain numbers), dates,
//! strings and booleans.
//!
//! Numbers are [`Decimal`]s, never binary floating point, so that
//! `0.1% + 0.2% = 0.3%` holds exactly.

mod display;
mod literal;

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::NaiveDate;
pub use rust_decimal::Decimal;

pub use literal::{LiteralError, parse_literal};

/// A currency money can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Currency {
    /// US dollars, `$`.
    Usd,
    /// Euros, `€`.
    Eur,
    /// Japanese yen, `¥`.
    Jpy,
    /// Pounds sterling, `£`.
    Gbp,
    /// South Korean won, `₩`.
    Krw,
}

impl Currency {
    /// Every currency, in a fixed order.
    pub const ALL: [Currency; 5] = [
        Currency::Usd,
        Currency::Eur,
        Currency::Jpy,
        Currency::Gbp,
        Currency::Krw,
    ];

    /// The symbol money of this currency is written with.
    pub fn symbol(self) -> char {
        match self {
            Currency::Usd => '$',
            Currency::Eur => '€',
            Currency::Jpy => '¥',
            Currency::Gbp => '£',
            Currency::Krw => '₩',
        }
    }

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Jpy => "JPY",
            Currency::Gbp => "GBP",
            Currency::Krw => "KRW",
        }
    }

    /// The currency written with `symbol`, if any.
    pub fn from_symbol(symbol: char) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.symbol() == symbol)
    }
}

/// An amount of money. The currency is `None` only for the zero that `sum`
/// of an empty list gives, which compares with money of any currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    /// The currency, or `None` for the currency-less zero.
    pub currency: Option<Currency>,
    /// The amount in whole units of the currency.
    pub amount: Decimal,
}

/// The unit-bearing kind of a scalar, used in type errors and schemas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// `true` / `false`.
    Bool,
    /// A plain number.
    Number,
    /// A percent or percentage points.
    Percent,
    /// Money; `None` when the currency is not known before run time.
    Money(Option<Currency>),
    /// A calendar date.
    Date,
    /// Text.
    Str,
}

/// One scalar value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// `true` / `false`.
    Bool(bool),
    /// A plain number: `3`, `1.33M`.
    Number(Decimal),
    /// A percent, stored as the number before `%`: `25%` is 25.
    Percent(Decimal),
    /// Money: `$550bn`.
    Money(Money),
    /// A date: `2025-07-09`.
    Date(NaiveDate),
    /// Text.
    Str(Arc<str>),
}

/// Arithmetic went outside what an exact decimal can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

impl Scalar {
    /// The kind of this value.
    pub fn unit(&self) -> Unit {
        match self {
            Scalar::Bool(_) => Unit::Bool,
            Scalar::Number(_) => Unit::Number,
            Scalar::Percent(_) => Unit::Percent,
            Scalar::Money(money) => Unit::Money(money.currency),
            Scalar::Date(_) => Unit::Date,
            Scalar::Str(_) => Unit::Str,
        }
    }

    /// A string value.
    pub fn str(text: &str) -> Scalar {
        Scalar::Str(Arc::from(text))
    }

    /// Compares two values of compatible kinds; `None` when they cannot be
    /// ordered (different units, different currencies, booleans or strings).
    pub fn partial_order(&self, other: &Scalar) -> Option<Ordering> {
        match (self, other) {
            (Scalar::Number(a), Scalar::Number(b)) | (Scalar::Percent(a), Scalar::Percent(b)) => {
                Some(a.cmp(b))
            }
            (Scalar::Money(a), Scalar::Money(b)) if currencies_meet(a, b) => {
                Some(a.amount.cmp(&b.amount))
            }
            (Scalar::Date(a), Scalar::Date(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// Equality across units: `None` when the two cannot be compared.
    pub fn equals(&self, other: &Scalar) -> Option<bool> {
        match (self, other) {
            (Scalar::Bool(a), Scalar::Bool(b)) => Some(a == b),
            (Scalar::Str(a), Scalar::Str(b)) => Some(a == b),
            _ => self.partial_order(other).map(Ordering::is_eq),
        }
    }
}

/// Whether two amounts may be compared or added: same currency, or one is
/// the currency-less zero.
pub fn currencies_meet(a: &Money, b: &Money) -> bool {
    a.currency.is_none() || b.currency.is_none() || a.currency == b.currency
}

/// Adds two exact decimals, reporting overflow instead of wrapping.
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_add(b).ok_or(Overflow)
}

/// Subtracts two exact decimals, reporting overflow instead of wrapping.
pub fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_sub(b).ok_or(Overflow)
}

/// Multiplies two exact decimals, reporting overflow instead of wrapping.
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_mul(b).ok_or(Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str) -> Scalar {
        parse_literal(text).unwrap()
    }

    fn number(scalar: Scalar) -> Decimal {
        match scalar {
            Scalar::Percent(d) | Scalar::Number(d) => d,
            Scalar::Money(m) => m.amount,
            other => panic!("not numeric: {other:?}"),
        }
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        let sum = add(number(lit("0.1%")), number(lit("0.2%"))).unwrap();
        assert_eq!(Scalar::Percent(sum), lit("0.3%"));
        let diff = sub(number(lit("27.5%")), number(lit("15%"))).unwrap();
        assert_eq!(Scalar::Percent(diff), lit("12.5pp"));
    }

    #[test]
    fn money_of_two_currencies_does_not_compare() {
        assert_eq!(lit("$1bn").partial_order(&lit("€1bn")), None);
        assert_eq!(
            lit("$1bn").partial_order(&lit("$1000m")),
            Some(Ordering::Equal)
        );
        let zero = Scalar::Money(Money {
            currency: None,
            amount: Decimal::ZERO,
        });
        assert_eq!(zero.partial_order(&lit("€1bn")), Some(Ordering::Less));
    }

    #[test]
    fn overflow_is_reported() {
        assert_eq!(mul(Decimal::MAX, Decimal::TWO), Err(Overflow));
    }
}
