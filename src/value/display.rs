//! Writing scalars back as literals: `25%`, `$550bn`, `1.33M`.

use std::fmt;

use rust_decimal::Decimal;

use super::{Currency, Money, Scalar, Unit};

/// Scale suffixes from largest to smallest, with their multipliers.
const MONEY_SCALES: [(&str, u64); 3] = [
    ("tn", 1_000_000_000_000),
    ("bn", 1_000_000_000),
    ("m", 1_000_000),
];
const NUMBER_SCALES: [(&str, u64); 4] = [
    ("tn", 1_000_000_000_000),
    ("bn", 1_000_000_000),
    ("M", 1_000_000),
    ("k", 1_000),
];

fn write_scaled(f: &mut fmt::Formatter<'_>, value: Decimal, scales: &[(&str, u64)]) -> fmt::Result {
    for &(suffix, scale) in scales {
        let scale = Decimal::from(scale);
        if value.abs() >= scale {
            let scaled = (value / scale).normalize();
            // Keep the short form only when it is exact and readable.
            if scaled * scale == value && scaled.scale() <= 3 {
                return write!(f, "{scaled}{suffix}");
            }
        }
    }
    write!(f, "{}", value.normalize())
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(currency) = self.currency else {
            return write!(f, "{}", self.amount.normalize());
        };
        if self.amount.is_sign_negative() && !self.amount.is_zero() {
            f.write_str("-")?;
        }
        write!(f, "{}", currency.symbol())?;
        write_scaled(f, self.amount.abs(), &MONEY_SCALES)
    }
}

impl fmt::Display for Scalar {
    /// Writes the value as a literal of the rule language (strings quoted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Number(n) => write_scaled(f, *n, &NUMBER_SCALES),
            Scalar::Percent(p) => write!(f, "{}%", p.normalize()),
            Scalar::Money(m) => write!(f, "{m}"),
            Scalar::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Scalar::Str(s) => write!(f, "{s:?}"),
        }
    }
}

impl Scalar {
    /// The value as plain text, for interpolation into messages (strings
    /// without quotes).
    pub fn plain(&self) -> String {
        match self {
            Scalar::Str(s) => s.to_string(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Unit {
    /// Names the kind of value in words, for diagnostics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Bool => f.write_str("boolean"),
            Unit::Number => f.write_str("number"),
            Unit::Percent => f.write_str("percent"),
            Unit::Money(None) => f.write_str("money"),
            Unit::Money(Some(currency)) => write!(f, "money in {}", currency_name(*currency)),
            Unit::Date => f.write_str("date"),
            Unit::Str => f.write_str("string"),
        }
    }
}

fn currency_name(currency: Currency) -> &'static str {
    match currency {
        Currency::Usd => "US dollars ($)",
        Currency::Eur => "euros (€)",
        Currency::Jpy => "yen (¥)",
        Currency::Gbp => "pounds (£)",
        Currency::Krw => "won (₩)",
    }
}

#[cfg(test)]
mod tests {
    use crate::value::parse_literal;

    fn round_trip(text: &str) -> String {
        parse_literal(text).unwrap().to_string()
    }

    #[test]
    fn values_print_as_literals() {
        for text in [
            "25%",
            "12.5%",
            "$550bn",
            "$400m",
            "$1.2tn",
            "€600bn",
            "1.33M",
            "100k",
            "3",
            "2025-07-09",
        ] {
            assert_eq!(round_trip(text), text);
        }
        assert_eq!(round_trip("10pp"), "10%");
        assert_eq!(round_trip("$1500"), "$1500");
        assert_eq!(round_trip("-$5bn"), "-$5bn");
    }
}
