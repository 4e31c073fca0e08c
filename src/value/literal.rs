//! Reading literal text (`25%`, `10pp`, `$550bn`, `1.33M`, `2025-07-09`) into
//! scalars. The rule parser and the proposal loader share this code, so a
//! value means the same in both.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Currency, Money, Scalar};

/// Why a piece of text is not a valid literal.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LiteralError {
    /// Not of any literal form.
    #[error("`{0}` is not a number, percent, amount of money or date")]
    Unrecognised(String),
    /// Looks like a date but is not a real calendar day.
    #[error("`{0}` is not a calendar date")]
    BadDate(String),
    /// Too large or too precise for an exact decimal.
    #[error("`{0}` is too large or has too many digits")]
    OutOfRange(String),
    /// A suffix that is not one of `k`, `m`/`M`, `bn`, `tn`.
    #[error("`{0}` has an unknown scale suffix; use `k`, `m`, `M`, `bn` or `tn`")]
    BadSuffix(String),
}

/// Parses one literal: a number with an optional scale suffix, a percent or
/// percentage points, money with a currency symbol, or an ISO date. A leading
/// `-` is accepted (proposals write negative values this way).
pub fn parse_literal(text: &str) -> Result<Scalar, LiteralError> {
    let text = text.trim();
    if looks_like_date(text) {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Scalar::Date)
            .map_err(|_| LiteralError::BadDate(text.to_owned()));
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let signed = |d: Decimal| if negative { -d } else { d };
    if let Some(first) = body.chars().next()
        && let Some(currency) = Currency::from_symbol(first)
    {
        let amount = scaled_number(text, &body[first.len_utf8()..])?;
        return Ok(Scalar::Money(Money {
            currency: Some(currency),
            amount: signed(amount),
        }));
    }
    if let Some(digits) = body.strip_suffix('%').or_else(|| body.strip_suffix("pp")) {
        return plain_decimal(text, digits).map(|d| Scalar::Percent(signed(d)));
    }
    scaled_number(text, body).map(|d| Scalar::Number(signed(d)))
}

fn looks_like_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

/// The multiplier of a scale suffix.
fn suffix_scale(suffix: &str) -> Option<u64> {
    Some(match suffix {
        "" => 1,
        "k" => 1_000,
        "m" | "M" => 1_000_000,
        "bn" => 1_000_000_000,
        "tn" => 1_000_000_000_000,
        _ => return None,
    })
}

fn scaled_number(whole: &str, body: &str) -> Result<Decimal, LiteralError> {
    let split = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (digits, suffix) = body.split_at(split);
    let scale = suffix_scale(suffix).ok_or_else(|| {
        if digits.is_empty() {
            LiteralError::Unrecognised(whole.to_owned())
        } else {
            LiteralError::BadSuffix(whole.to_owned())
        }
    })?;
    let value = plain_decimal(whole, digits)?;
    value
        .checked_mul(Decimal::from(scale))
        .map(|d| d.normalize())
        .ok_or_else(|| LiteralError::OutOfRange(whole.to_owned()))
}

fn plain_decimal(whole: &str, digits: &str) -> Result<Decimal, LiteralError> {
    let well_formed = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if !well_formed {
        return Err(LiteralError::Unrecognised(whole.to_owned()));
    }
    Decimal::from_str_exact(digits)
        .or_else(|_| Decimal::from_str(digits))
        .map(|d| d.normalize())
        .map_err(|_| LiteralError::OutOfRange(whole.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn reads_every_literal_form() {
        assert_eq!(parse_literal("25%"), Ok(Scalar::Percent(dec("25"))));
        assert_eq!(parse_literal("10pp"), Ok(Scalar::Percent(dec("10"))));
        assert_eq!(parse_literal("2.5%"), Ok(Scalar::Percent(dec("2.5"))));
        assert_eq!(parse_literal("1.33M"), Ok(Scalar::Number(dec("1330000"))));
        assert_eq!(parse_literal("100k"), Ok(Scalar::Number(dec("100000"))));
        assert_eq!(parse_literal("2bn"), Ok(Scalar::Number(dec("2000000000"))));
        assert_eq!(parse_literal("-3"), Ok(Scalar::Number(dec("-3"))));
        let money = |currency, amount: &str| {
            Ok(Scalar::Money(Money {
                currency: Some(currency),
                amount: dec(amount),
            }))
        };
        assert_eq!(
            parse_literal("$550bn"),
            money(Currency::Usd, "550000000000")
        );
        assert_eq!(parse_literal("$400m"), money(Currency::Usd, "400000000"));
        assert_eq!(
            parse_literal("$1.2tn"),
            money(Currency::Usd, "1200000000000")
        );
        assert_eq!(
            parse_literal("€600bn"),
            money(Currency::Eur, "600000000000")
        );
        assert_eq!(parse_literal("¥1tn"), money(Currency::Jpy, "1000000000000"));
        assert_eq!(parse_literal("£5bn"), money(Currency::Gbp, "5000000000"));
        assert_eq!(parse_literal("₩1tn"), money(Currency::Krw, "1000000000000"));
        assert_eq!(
            parse_literal("2025-07-09"),
            Ok(Scalar::Date(NaiveDate::from_ymd_opt(2025, 7, 9).unwrap()))
        );
    }

    #[test]
    fn rejects_malformed_literals() {
        assert!(matches!(
            parse_literal("2025-02-30"),
            Err(LiteralError::BadDate(_))
        ));
        assert!(matches!(
            parse_literal("15 %"),
            Err(LiteralError::Unrecognised(_))
        ));
        assert!(matches!(
            parse_literal("$5x"),
            Err(LiteralError::BadSuffix(_))
        ));
        assert!(matches!(
            parse_literal("1.2.3"),
            Err(LiteralError::Unrecognised(_))
        ));
        assert!(matches!(
            parse_literal("abc"),
            Err(LiteralError::Unrecognised(_))
        ));
        assert!(matches!(
            parse_literal("99999999999999999999999999999999tn"),
            Err(LiteralError::OutOfRange(_))
        ));
    }
}
