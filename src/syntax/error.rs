//! Translating pest's errors into diagnostics that read like a person
//! wrote them: expected tokens in words, never grammar rule names.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::parser::GrammarRule as Rule;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Span};

/// A syntax diagnostic with the given code.
pub fn syntax_error(code: &'static str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, message)
}

/// Turns a pest error into our diagnostic.
pub fn pest_error_to_diagnostic(error: Error<Rule>, text: &str, source: SourceId) -> Diagnostic {
    let offset = match error.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    let positives = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { message } => {
            return syntax_error(
                "redlines::syntax::too_deep",
                "the file nests too deeply to read",
            )
            .with_primary(Span::new(source, offset, offset), message.clone())
            .with_help("split deep expressions into smaller named parts with `let`");
        }
    };
    let found = token_at(text, offset);
    let span = Span::new(source, offset, offset + found.len());
    let expected = describe_expected(&positives);
    let (message, label) = match found {
        "" => (
            "unexpected end of file".to_owned(),
            expected_label(&expected),
        ),
        "\"" if unclosed_string(text, offset) => (
            "unclosed string".to_owned(),
            "this string has no closing `\"` on its line".to_owned(),
        ),
        token => (format!("unexpected `{token}`"), expected_label(&expected)),
    };
    let mut diagnostic =
        syntax_error("redlines::syntax::unexpected", message).with_primary(span, label);
    let starts_item = ITEM_KEYWORDS.contains(&found);
    let unclosed = innermost_unclosed(text, offset, starts_item);
    if let Some((_, bracket)) = unclosed
        && bracket != '{'
    {
        let closer = if bracket == '(' { "`)`" } else { "`]`" };
        let mut with_closer = expected.clone();
        with_closer.push(closer);
        diagnostic.labels[0].text = expected_label(&with_closer);
    }
    if let Some((open, bracket)) = unclosed {
        diagnostic = diagnostic.with_label(
            Span::new(source, open, open + bracket.len_utf8()),
            format!("`{bracket}` opened here"),
        );
    }
    if let Some(help) = help_for(found, &expected, word_before(text, offset), starts_item) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

fn expected_label(expected: &[&str]) -> String {
    match expected {
        [] => "not expected here".to_owned(),
        [one] => format!("expected {one}"),
        [init @ .., last] => format!("expected {} or {last}", init.join(", ")),
    }
}

/// Keywords that start a top-level item.
const ITEM_KEYWORDS: [&str; 6] = ["party", "coalition", "let", "redline", "concern", "note"];

/// Keywords that start a statement.
const STATEMENT_KEYWORDS: [&str; 4] = ["require", "applies", "because", "message"];

fn help_for(found: &str, expected: &[&str], before: &str, starts_item: bool) -> Option<String> {
    if found == "==" || found.starts_with("==") {
        return Some("equality is written with a single `=`".to_owned());
    }
    if starts_item && expected.contains(&"`requires`") {
        return Some("close the rule block with `}` before the next item".to_owned());
    }
    if let Some(keyword) = crate::diagnostic::did_you_mean(before, STATEMENT_KEYWORDS) {
        return Some(format!("did you mean `{keyword}`?"));
    }
    if found == "-" && expected == ["`requires`"] {
        return Some(
            "a statement may not begin with a unary minus; parenthesise it: `(-x) ...`".to_owned(),
        );
    }
    if expected == ["a name"] && found.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Some(
            "names are lowercase letters, digits and `_`, starting with a letter".to_owned(),
        );
    }
    if expected.contains(&"`requires`") {
        return Some(
            "a statement is `require E`, `no deal unless E`, `no deal if E`, `E1 requires E2`, `applies when E`, `because \"...\"` or `message \"...\"`"
                .to_owned(),
        );
    }
    None
}

/// The words for what the parser would have accepted, deduplicated, in a
/// stable order.
fn describe_expected(positives: &[Rule]) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Vec::new();
    for rule in positives {
        // `and` inside `between` is also an operator: say it once.
        if *rule == Rule::kw_and && positives.contains(&Rule::op_and) {
            continue;
        }
        if let Some(word) = describe(*rule)
            && !words.contains(&word)
        {
            words.push(word);
        }
    }
    words.sort_by_key(|word| ORDER.iter().position(|w| w == word).unwrap_or(ORDER.len()));
    words
}

/// The order in which expected things are listed.
const ORDER: [&str; 12] = [
    "a statement",
    "`requires`",
    "an expression",
    "an operator",
    "`where`",
    "a name",
    "a string",
    "`{`",
    "`}`",
    "`)`",
    "`]`",
    "an item (`party`, `coalition`, `let`, `redline`, `concern` or `note`)",
];

fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::expr
        | Rule::bound
        | Rule::operand
        | Rule::quantified
        | Rule::paren
        | Rule::list
        | Rule::call
        | Rule::call_name
        | Rule::path
        | Rule::date
        | Rule::quantity
        | Rule::boolean
        | Rule::op_not
        | Rule::op_neg
        | Rule::quantifier => "an expression",
        Rule::op_or
        | Rule::op_and
        | Rule::op_in
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_ne
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_eq
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::between => "an operator",
        Rule::where_clause | Rule::kw_where => "`where`",
        Rule::name | Rule::field => "a name",
        Rule::string | Rule::template => "a string",
        Rule::block => "`{`",
        Rule::require_stmt
        | Rule::unless_stmt
        | Rule::if_stmt
        | Rule::applies_stmt
        | Rule::because_stmt
        | Rule::message_stmt => "a statement",
        Rule::requires_stmt | Rule::kw_requires => "`requires`",
        Rule::party_decl
        | Rule::coalition_decl
        | Rule::let_decl
        | Rule::rule_decl
        | Rule::rule_kind
        | Rule::EOI => "an item (`party`, `coalition`, `let`, `redline`, `concern` or `note`)",
        // `and` is expected as an operator, or inside `between A and B`.
        Rule::kw_and => "an operator",
        Rule::kw_of => "`of`",
        Rule::kw_when => "`when`",
        Rule::kw_deal => "`deal`",
        Rule::kw_unless | Rule::kw_if => "`unless` or `if`",
        _ => return None,
    })
}

/// The word just before `offset` (after skipping white space), or "".
fn word_before(text: &str, offset: usize) -> &str {
    let head = text[..offset].trim_end();
    // The start of the trailing run of name characters; the character
    // before it may be several bytes long (`€600bn`).
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map_or(head.len(), |(i, _)| i);
    &head[start..]
}

/// The token at `offset`, for "unexpected `x`" (empty at end of input).
fn token_at(text: &str, offset: usize) -> &str {
    let rest = text.get(offset..).unwrap_or("");
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return "";
    };
    let end = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '%'))
            .unwrap_or(rest.len())
    } else if "<>=!".contains(first) {
        rest.find(|c: char| !"<>=!".contains(c))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    &rest[..end]
}

/// Whether the `"` at `offset` opens a string that its line never closes.
fn unclosed_string(text: &str, offset: usize) -> bool {
    let line = text[offset + 1..].split('\n').next().unwrap_or("");
    let mut escaped = false;
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return false,
            _ => {}
        }
    }
    true
}

/// The innermost bracket still open at `offset`, skipping strings and
/// comments, when the error is at the end of the input or right after it.
fn innermost_unclosed(text: &str, offset: usize, starts_item: bool) -> Option<(usize, char)> {
    let at_end = text[offset..].trim().is_empty();
    let at_closer = text[offset..].starts_with([')', ']', '}']);
    if !at_end && !starts_item && !at_closer {
        return None;
    }
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut chars = text[..offset].char_indices();
    let mut in_string = false;
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => open.push((i, c)),
            ')' | ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}
