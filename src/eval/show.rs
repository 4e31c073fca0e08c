//! Runtime values in words: as literals for summaries and traces, as plain
//! text for `message` interpolation.

use std::fmt::Write;

use crate::proposal::Proposal;
use crate::source::Span;

use super::value::{Base, Elem, Value};

/// How many elements a value display lists before it says "...".
const SHOWN: usize = 10;

/// A value as summaries and traces show it: scalars as literals (`25%`,
/// `"japan"`), tariff lines by sector, concessions by item.
pub(crate) fn value(proposal: &Proposal, value: &Value<'_>) -> String {
    match value {
        Value::One(elem) => elem_phrase(proposal, *elem),
        Value::Coll(Base::Parties, _) | Value::List(_) => {
            let mut out = String::from("[");
            list(proposal, value, &mut out, |elem, out| {
                let _ = write!(out, "{}", literal(proposal, elem));
            });
            out.push(']');
            out
        }
        Value::Coll(base, sel) => {
            let count = sel.count(base.len(proposal));
            let (one, many) = base.nouns();
            let mut out = format!("{count} {}", if count == 1 { one } else { many });
            if count > 0 {
                out.push_str(" (");
                list(proposal, value, &mut out, |elem, out| {
                    out.push_str(&name(proposal, elem))
                });
                out.push(')');
            }
            out
        }
    }
}

/// A value as plain text for messages: strings unquoted, lists as `a, b`.
pub(crate) fn plain(proposal: &Proposal, value: &Value<'_>) -> String {
    match value {
        Value::One(elem) => name(proposal, *elem),
        _ => {
            let mut out = String::new();
            if let Some(elems) = value.elems(proposal) {
                for (i, elem) in elems.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&name(proposal, elem));
                }
            }
            out
        }
    }
}

/// Writes up to [`SHOWN`] elements separated by commas.
fn list<'a>(
    proposal: &'a Proposal,
    value: &Value<'a>,
    out: &mut String,
    mut each: impl FnMut(Elem<'a>, &mut String),
) {
    let Some(elems) = value.elems(proposal) else {
        return;
    };
    for (i, elem) in elems.enumerate() {
        if i == SHOWN {
            out.push_str(", ...");
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        each(elem, out);
    }
}

/// An element as a literal, or by name for lines and concessions.
fn literal(proposal: &Proposal, elem: Elem<'_>) -> String {
    match elem {
        Elem::Atom(atom) => atom.to_string(),
        other => name(proposal, other),
    }
}

/// An element as plain text: a scalar unquoted, a line's sector, a
/// concession's item.
pub(crate) fn name(proposal: &Proposal, elem: Elem<'_>) -> String {
    match elem {
        Elem::Atom(atom) => atom.plain(),
        Elem::Line(i) => proposal
            .tariffs
            .get(i)
            .map_or_else(String::new, |line| line.sector.value.clone()),
        Elem::Concession(i) => proposal
            .concessions
            .get(i)
            .map_or_else(String::new, |c| c.item.value.clone()),
    }
}

/// An element in a sentence: "the `autos` tariff line", "the concession
/// `Alaska LNG project`", or a literal.
pub(crate) fn elem_phrase(proposal: &Proposal, elem: Elem<'_>) -> String {
    match elem {
        Elem::Atom(atom) => atom.to_string(),
        Elem::Line(_) => format!("the `{}` tariff line", name(proposal, elem)),
        Elem::Concession(_) => format!("the concession `{}`", name(proposal, elem)),
    }
}

/// Where the proposal names an element (a line's sector key, a
/// concession's item: one line, unlike the whole element), and its noun;
/// `None` for scalars.
pub(crate) fn elem_span(proposal: &Proposal, elem: Elem<'_>) -> Option<(Span, &'static str)> {
    match elem {
        Elem::Atom(_) => None,
        Elem::Line(i) => proposal
            .tariffs
            .get(i)
            .map(|line| (line.sector.span, "tariff line")),
        Elem::Concession(i) => proposal
            .concessions
            .get(i)
            .map(|c| (c.item.span, "concession")),
    }
}
