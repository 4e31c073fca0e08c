//! Type helpers for the checker: names of types in words, and which types
//! may meet in comparisons and arithmetic.

use std::fmt;

use super::typed::{ConcessionField, ElementField, TariffField, Type};
use crate::value::{Scalar, Unit};

impl fmt::Display for Type {
    /// The type in words, for diagnostics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("a boolean"),
            Type::Number => f.write_str("a number"),
            Type::Percent => f.write_str("a percent"),
            Type::Money(currency) => write!(f, "{}", Unit::Money(*currency)),
            Type::Date => f.write_str("a date"),
            Type::Str => f.write_str("a string"),
            Type::Party => f.write_str("a party id"),
            Type::Fact => f.write_str("a fact"),
            Type::Any => f.write_str("any value"),
            Type::List(element) => write!(f, "a list of {}", plural(element)),
            Type::Tariffs => f.write_str("the tariff lines"),
            Type::Concessions => f.write_str("the concessions"),
            Type::TariffLine => f.write_str("a tariff line"),
            Type::Concession => f.write_str("a concession"),
        }
    }
}

/// The type in the plural, for "cannot order booleans".
pub fn plural(ty: &Type) -> String {
    match ty {
        Type::Bool => "booleans".into(),
        Type::Number => "numbers".into(),
        Type::Percent => "percents".into(),
        Type::Money(currency) => Unit::Money(*currency).to_string(),
        Type::Date => "dates".into(),
        Type::Str => "strings".into(),
        Type::Party => "party ids".into(),
        Type::Fact => "facts".into(),
        Type::Any => "values".into(),
        Type::List(inner) => format!("lists of {}", plural(inner)),
        Type::Tariffs | Type::TariffLine => "tariff lines".into(),
        Type::Concessions | Type::Concession => "concessions".into(),
    }
}

impl Type {
    /// The type of a constant.
    pub fn of_scalar(value: &Scalar) -> Type {
        match value.unit() {
            Unit::Bool => Type::Bool,
            Unit::Number => Type::Number,
            Unit::Percent => Type::Percent,
            Unit::Money(currency) => Type::Money(currency),
            Unit::Date => Type::Date,
            Unit::Str => Type::Str,
        }
    }

    /// Whether values of this type can be tested as conditions.
    pub fn is_condition(&self) -> bool {
        matches!(self, Type::Bool | Type::Fact)
    }

    /// Whether arithmetic applies (numbers, percents, money; facts at run time).
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Type::Number | Type::Percent | Type::Money(_) | Type::Fact
        )
    }

    /// Whether `<`, `>` and friends apply.
    pub fn is_ordered(&self) -> bool {
        self.is_numeric() || matches!(self, Type::Date)
    }

    /// Whether this is a single value (not a collection or element).
    pub fn is_scalar(&self) -> bool {
        !matches!(
            self,
            Type::List(_) | Type::Tariffs | Type::Concessions | Type::TariffLine | Type::Concession
        )
    }

    /// The element type, if this is a collection.
    pub fn element(&self) -> Option<Type> {
        match self {
            Type::List(element) => Some((**element).clone()),
            Type::Tariffs => Some(Type::TariffLine),
            Type::Concessions => Some(Type::Concession),
            _ => None,
        }
    }
}

/// Why two types cannot meet.
pub enum Clash {
    /// Different units.
    Units,
    /// Money in two different currencies.
    Currencies,
}

/// The common type of two operands that must share a unit (comparison,
/// `+`, `-`, list items), or why they cannot.
pub fn unify(a: &Type, b: &Type) -> Result<Type, Clash> {
    match (a, b) {
        (Type::Any, other) | (other, Type::Any) => Ok(other.clone()),
        (Type::Fact, other) | (other, Type::Fact) if other.is_scalar() => Ok(other.clone()),
        (Type::Money(x), Type::Money(y)) => match (x, y) {
            (Some(x), Some(y)) if x != y => Err(Clash::Currencies),
            (Some(c), _) | (_, Some(c)) => Ok(Type::Money(Some(*c))),
            (None, None) => Ok(Type::Money(None)),
        },
        (Type::Party, Type::Str) | (Type::Str, Type::Party) => Ok(Type::Str),
        (Type::List(x), Type::List(y)) => unify(x, y).map(|t| Type::List(Box::new(t))),
        (x, y) if x == y => Ok(x.clone()),
        _ => Err(Clash::Units),
    }
}

/// A field of an element type, by name.
pub fn element_field(element: &Type, name: &str) -> Option<(ElementField, Type)> {
    match element {
        Type::TariffLine => {
            let (field, ty) = match name {
                "sector" => (TariffField::Sector, Type::Str),
                "before" => (TariffField::Before, Type::Percent),
                "after" => (TariffField::After, Type::Percent),
                "effective" => (TariffField::Effective, Type::Date),
                "quota" => (TariffField::Quota, Type::Number),
                "note" => (TariffField::Note, Type::Str),
                _ => return None,
            };
            Some((ElementField::Tariff(field), ty))
        }
        Type::Concession => {
            let (field, ty) = match name {
                "by" => (ConcessionField::By, Type::Party),
                "kind" => (ConcessionField::Kind, Type::Str),
                "item" => (ConcessionField::Item, Type::Str),
                "amount" => (ConcessionField::Amount, Type::Money(None)),
                _ => return None,
            };
            Some((ElementField::Concession(field), ty))
        }
        _ => None,
    }
}

/// The field names of an element type, for did-you-mean.
pub fn element_field_names(element: &Type) -> &'static [&'static str] {
    match element {
        Type::TariffLine => &crate::proposal::TARIFF_LINE_FIELDS,
        Type::Concession => &crate::proposal::CONCESSION_FIELDS,
        _ => &[],
    }
}
