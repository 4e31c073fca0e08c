//! Converting one spanned YAML document into a typed [`Proposal`], checking
//! it strictly against SPEC §1 and reporting every problem, not just the
//! first.
//!
//! Values are read from the text of each scalar, not from YAML's own typing:
//! `after: "15%"` is a percent like `after: 15%`, and `after: 15` is a bare
//! number whichever way it is quoted.

mod sections;

use std::collections::HashMap;

use super::model::{Concession, Proposal, Spanned, TariffLine};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::source::Span;
use crate::value::{LiteralError, Scalar, parse_literal};
use crate::yaml::{NodeId, NodeRef, Shape, Text};

const UNKNOWN_KEY: &str = "redlines::proposal::unknown_key";
const MISSING_KEY: &str = "redlines::proposal::missing_key";
const WRONG_TYPE: &str = "redlines::proposal::wrong_type";
const BARE_NUMBER: &str = "redlines::proposal::bare_number";
const BAD_VALUE: &str = "redlines::proposal::bad_value";

/// Reads one document as a proposal. Every problem found is added to
/// `diagnostics`; the proposal is returned only when there was none.
/// `json` makes help texts quote values the way JSON needs.
pub(crate) fn proposal(
    root: NodeRef<'_>,
    json: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Proposal> {
    let before = diagnostics.len();
    let mut checker = Checker {
        json,
        diagnostics,
        parties: None,
        lines_read: HashMap::new(),
        concessions_read: HashMap::new(),
    };
    let proposal = checker.proposal(root);
    if checker.diagnostics.len() > before {
        None
    } else {
        proposal
    }
}

/// The parties as listed, valid or not, for `by:` and `tabled_by:` checks.
struct PartyList {
    names: HashMap<String, Span>,
    in_order: Vec<String>,
    span: Span,
}

/// Reads one document, adding every problem to `diagnostics`.
struct Checker<'d> {
    json: bool,
    diagnostics: &'d mut Vec<Diagnostic>,
    parties: Option<PartyList>,
    /// Tariff lines and concessions already read, by node, so that one
    /// reached through many aliases costs (and reports) only once.
    lines_read: HashMap<NodeId, Option<TariffLine>>,
    concessions_read: HashMap<NodeId, Option<Concession>>,
}

/// The known keys found in one mapping.
struct Fields<'t> {
    /// What "missing key" labels point at.
    head: Span,
    /// What the mapping is, for messages: `proposal`, `tariff line`, ...
    what: &'static str,
    found: Vec<(&'static str, NodeRef<'t>, NodeRef<'t>)>,
    /// Keys that an unknown key was taken for (`aftr` for `after`): their
    /// absence is already explained.
    suggested: Vec<&'static str>,
}

impl<'t> Fields<'t> {
    fn get(&self, name: &str) -> Option<(NodeRef<'t>, NodeRef<'t>)> {
        self.found
            .iter()
            .find(|(found, ..)| *found == name)
            .map(|&(_, key, value)| (key, value))
    }

    /// An optional field's key and value; null counts as absent.
    fn optional(&self, name: &str) -> Option<(NodeRef<'t>, NodeRef<'t>)> {
        self.get(name).filter(|(_, value)| !value.is_null())
    }
}

/// What kind of literal a field holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Percent,
    Money,
    Date,
    Number,
}

impl Want {
    fn noun(self) -> &'static str {
        match self {
            Want::Percent => "a percent",
            Want::Money => "an amount of money",
            Want::Date => "a date",
            Want::Number => "a plain number",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Want::Percent => "write a percent like `15%` or `2.5%`",
            Want::Money => "write money with a currency symbol, like `$10bn`, `€600bn` or `¥1tn`",
            Want::Date => "write dates as `YYYY-MM-DD`, like `2025-07-09`",
            Want::Number => "write a plain number, like `50000` or `1.2M`",
        }
    }
}

impl<'t> Checker<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Sorts a mapping's keys into the known ones and reports the others.
    /// "Missing key" labels will point at `head`, else at the first key.
    fn fields(
        &mut self,
        map: NodeRef<'t>,
        head: Option<Span>,
        what: &'static str,
        allowed: &[&'static str],
    ) -> Fields<'t> {
        let mut fields = Fields {
            head: head.unwrap_or(map.span()),
            what,
            found: Vec::new(),
            suggested: Vec::new(),
        };
        let Shape::Map(entries) = map.shape() else {
            return fields;
        };
        for (index, (key, value)) in entries.enumerate() {
            if index == 0 && head.is_none() {
                fields.head = key.span();
            }
            let Some(name) = self.key(key, what) else {
                continue;
            };
            match allowed.iter().find(|known| **known == name.text) {
                Some(known) => fields.found.push((known, key, value)),
                None => {
                    let meant = self.unknown_key(&name.text, key.span(), what, allowed);
                    if let Some(meant) = meant.filter(|m| !fields.suggested.contains(m)) {
                        fields.suggested.push(meant);
                    }
                }
            }
        }
        fields
    }

    /// A mapping key's text, or a reported error when it is not a name.
    fn key(&mut self, key: NodeRef<'t>, what: &str) -> Option<&'t Text> {
        match key.shape() {
            Shape::Scalar(text) => Some(text),
            Shape::Null => {
                self.report(
                    Diagnostic::error(WRONG_TYPE, format!("a key in a {what} has no name"))
                        .with_primary(key.span(), "empty key"),
                );
                None
            }
            Shape::List(_) | Shape::Map(_) => {
                let found = key.describe();
                self.report(
                    Diagnostic::error(
                        WRONG_TYPE,
                        format!("a key in a {what} must be a name, not {found}"),
                    )
                    .with_primary(key.span(), format!("this key is {found}")),
                );
                None
            }
        }
    }

    /// Reports an unknown key; returns the known key it was probably meant
    /// to be.
    fn unknown_key(
        &mut self,
        name: &str,
        span: Span,
        what: &str,
        allowed: &[&'static str],
    ) -> Option<&'static str> {
        let meant = did_you_mean(name, allowed.iter().copied());
        let help = match meant {
            Some(meant) => format!("did you mean `{meant}`?"),
            None => format!("the keys of a {what} are {}", listing(allowed, "and")),
        };
        self.report(
            Diagnostic::error(
                UNKNOWN_KEY,
                format!("unknown key {} in a {what}", shown(name)),
            )
            .with_primary(span, "unknown key")
            .with_help(help),
        );
        meant
    }

    /// A required field's key and value, or a reported error.
    fn required(
        &mut self,
        fields: &Fields<'t>,
        name: &str,
        example: &str,
    ) -> Option<(NodeRef<'t>, NodeRef<'t>)> {
        let what = fields.what;
        let owner = if what == "proposal" { "document" } else { what };
        match fields.get(name) {
            None if fields.suggested.contains(&name) => None,
            None => {
                self.report(
                    Diagnostic::error(MISSING_KEY, format!("missing key `{name}` in a {what}"))
                        .with_primary(fields.head, format!("this {owner} has no `{name}`"))
                        .with_help(format!("add `{example}`")),
                );
                None
            }
            Some((key, value)) if value.is_null() => {
                self.report(
                    Diagnostic::error(MISSING_KEY, format!("key `{name}` has no value"))
                        .with_primary(key.span(), "no value given")
                        .with_help(format!("write `{example}`")),
                );
                None
            }
            found => found,
        }
    }

    /// A single value, or a reported error when `value` is a list, a
    /// mapping or null. `what` names the field, `expected` what it holds.
    fn single(&mut self, value: NodeRef<'t>, what: &str, expected: &str) -> Option<&'t Text> {
        if let Shape::Scalar(text) = value.shape() {
            return Some(text);
        }
        let found = value.describe();
        self.report(
            Diagnostic::error(
                WRONG_TYPE,
                format!("{what} must be {expected}, not {found}"),
            )
            .with_primary(value.span(), format!("this is {found}")),
        );
        None
    }

    fn string(&mut self, value: NodeRef<'t>, what: &str) -> Option<Spanned<String>> {
        self.single(value, what, "text")
            .map(|text| Spanned::new(text.text.clone(), value.span()))
    }

    /// `text` as the user should type it: quoted in a JSON file.
    fn written(&self, text: &str) -> String {
        if self.json {
            shown(&format!("\"{text}\""))
        } else {
            shown(text)
        }
    }

    /// A literal of the kind `want`, taken out of its scalar by `pick`.
    fn literal<T>(
        &mut self,
        value: NodeRef<'t>,
        what: &str,
        want: Want,
        pick: impl Fn(&Scalar) -> Option<T>,
    ) -> Option<Spanned<T>> {
        let text = &self.single(value, what, want.noun())?.text;
        let span = value.span();
        let parsed = parse_literal(text);
        if let Some(picked) = parsed.as_ref().ok().and_then(&pick) {
            return Some(Spanned::new(picked, span));
        }
        let diagnostic = match parsed {
            Ok(Scalar::Number(_)) if want == Want::Percent => Diagnostic::error(
                BARE_NUMBER,
                format!("bare number {} where a percent is expected", shown(text)),
            )
            .with_primary(span, "a plain number, not a percent")
            .with_help(format!(
                "write {}",
                self.written(&format!("{}%", text.trim()))
            )),
            Ok(Scalar::Number(_)) if want == Want::Money => Diagnostic::error(
                BAD_VALUE,
                format!("{} is not an amount of money", shown(text)),
            )
            .with_primary(span, "a plain number has no currency")
            .with_help(format!(
                "write money with a currency symbol, like {}",
                self.written(&format!("${}", text.trim()))
            )),
            Err(LiteralError::Unrecognised(_)) if text.contains(char::is_whitespace) => {
                let joined: String = text.split_whitespace().collect();
                let help = match parse_literal(&joined).ok().as_ref().and_then(&pick) {
                    Some(_) => format!("write {} without spaces", self.written(&joined)),
                    None => want.example().to_owned(),
                };
                Diagnostic::error(BAD_VALUE, format!("{} is not {}", shown(text), want.noun()))
                    .with_primary(span, format!("expected {}", want.noun()))
                    .with_help(help)
            }
            Ok(other) => {
                Diagnostic::error(BAD_VALUE, format!("{} is not {}", shown(text), want.noun()))
                    .with_primary(span, format!("this is {}", describe(&other)))
                    .with_help(want.example())
            }
            Err(error) => {
                Diagnostic::error(BAD_VALUE, format!("{} is not {}", shown(text), want.noun()))
                    .with_primary(span, reason(&error, want))
                    .with_help(want.example())
            }
        };
        self.report(diagnostic);
        None
    }
}

/// User text for a message: in backticks, on one line, and not too long.
fn shown(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    let mut out = String::from("`");
    for (index, c) in text.chars().enumerate() {
        if index == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// `` `a`, `b` and `c` `` (or `or` for `and`).
fn listing<S: AsRef<str>>(names: &[S], and: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {and} {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// What a literal of the wrong kind is, for a label.
fn describe(scalar: &Scalar) -> &'static str {
    match scalar {
        Scalar::Bool(_) => "a boolean",
        Scalar::Number(_) => "a plain number",
        Scalar::Percent(_) => "a percent",
        Scalar::Money(_) => "an amount of money",
        Scalar::Date(_) => "a date",
        Scalar::Str(_) => "text",
    }
}

/// Why a text is not the literal `want`, for a label.
fn reason(error: &LiteralError, want: Want) -> String {
    match error {
        LiteralError::BadDate(_) => "not a day of the calendar".to_owned(),
        _ if want == Want::Date => "expected a date".to_owned(),
        LiteralError::Unrecognised(_) => format!("expected {}", want.noun()),
        LiteralError::OutOfRange(_) => "too large or too many digits".to_owned(),
        LiteralError::BadSuffix(_) => {
            "unknown scale suffix; use `k`, `m`, `M`, `bn` or `tn`".to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_in_messages_is_one_short_line() {
        assert_eq!(shown("a\nb"), "`a\\nb`");
        assert_eq!(shown(&"x".repeat(50)), format!("`{}…`", "x".repeat(40)));
        assert_eq!(listing(&["a", "b", "c"], "or"), "`a`, `b` or `c`");
    }
}
