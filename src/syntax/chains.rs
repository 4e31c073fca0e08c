//! A cheap scan that refuses overlong operator chains before pest sees them.
//!
//! `1 + 1 + 1 + ...` nests no brackets, but as a tree it is as deep as it is
//! long, and the converter refuses trees deeper than [`MAX_EXPR_DEPTH`]. A
//! 200,000-term chain would still be parsed in full first (most of a second,
//! more for a large file); this scan refuses it at once.
//!
//! The scan only ever under-counts: it counts, per bracket level, the infix
//! operators of each binding level since the last looser operator, and
//! starts again wherever a new expression may begin (a keyword, a comma, a
//! `where`, or an operand right after an operand). Left-associative chains
//! of one level nest one node per operator, so a count over the limit means
//! the converter would refuse the tree anyway: no valid file is refused.

use super::depth::MAX_EXPR_DEPTH;
use super::error::syntax_error;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Span};

/// Binding levels of infix operators, loosest first: `or`, `and`,
/// comparisons, `+ -`, `* /`.
const LEVELS: usize = 5;
const OR: usize = 0;
const AND: usize = 1;
const CMP: usize = 2;
const ADD: usize = 3;
const MUL: usize = 4;

/// Words after which a new expression begins.
const RESETS: [&str; 19] = [
    "require",
    "requires",
    "no",
    "deal",
    "unless",
    "if",
    "applies",
    "when",
    "because",
    "message",
    "let",
    "party",
    "coalition",
    "of",
    "redline",
    "concern",
    "note",
    "any",
    "all",
];

/// The chains of one bracket level.
#[derive(Clone, Copy, Default)]
struct Chain {
    /// Operators of each level since the last looser one.
    counts: [usize; LEVELS],
    /// Whether the last token ends an operand (so `-` is infix).
    after_operand: bool,
    /// Whether a `between` waits for its `and`.
    between: bool,
}

impl Chain {
    /// Counts an infix operator of `level` and returns its chain's length.
    fn infix(&mut self, level: usize) -> usize {
        for count in self.counts.iter_mut().skip(level + 1) {
            *count = 0;
        }
        // INVARIANT: `level` is one of the constants above, all < LEVELS.
        self.counts[level] += 1;
        self.after_operand = false;
        self.counts[level]
    }

    /// An operand begins; right after another one, it begins a new expression.
    fn operand(&mut self) {
        if self.after_operand {
            *self = Chain::default();
        }
        self.after_operand = true;
    }
}

/// Checks that no operator chain in `text` is longer than [`MAX_EXPR_DEPTH`].
pub fn check_chains(text: &str, source: SourceId) -> Result<(), Diagnostic> {
    let bytes = text.as_bytes();
    // Chains of the enclosing bracket levels; strings are skipped whole
    // (an interpolation `{...}` inside one opens a level of its own).
    let mut levels = vec![Chain::default()];
    // The level of each open string, and whether it is a `message`
    // template (whose `{` opens an interpolation).
    let mut strings: Vec<(usize, bool)> = Vec::new();
    let mut after_message = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        i += 1;
        if let Some(&(level, template)) = strings.last()
            && level == levels.len()
        {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    strings.pop();
                }
                b'{' if template => levels.push(Chain::default()),
                _ => {}
            }
            continue;
        }
        let template = std::mem::take(&mut after_message);
        let Some(chain) = levels.last_mut() else {
            // INVARIANT: the outermost level is never popped.
            return Ok(());
        };
        let length = match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                0
            }
            b'"' => {
                chain.operand();
                strings.push((levels.len(), template));
                0
            }
            b' ' | b'\t' | b'\r' | b'\n' => {
                after_message = template;
                0
            }
            b'(' | b'[' | b'{' => {
                chain.operand();
                chain.after_operand = false;
                levels.push(Chain::default());
                0
            }
            b')' | b']' | b'}' => {
                if levels.len() > 1 {
                    levels.pop();
                    // The string an interpolation was in goes on.
                    if let Some(outer) = levels.last_mut() {
                        outer.after_operand = b != b'}';
                    }
                }
                0
            }
            b',' => {
                *chain = Chain::default();
                0
            }
            b'+' => chain.infix(ADD),
            b'-' if chain.after_operand => chain.infix(ADD),
            b'*' | b'/' => chain.infix(MUL),
            b'<' | b'>' | b'=' | b'!' => {
                while i < bytes.len() && matches!(bytes[i], b'<' | b'>' | b'=' | b'!') {
                    i += 1;
                }
                chain.infix(CMP)
            }
            b'0'..=b'9' => {
                // A literal: `25%`, `1.33M`, `2025-07-09`.
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'%' | b'-'))
                {
                    i += 1;
                }
                chain.operand();
                0
            }
            _ if b.is_ascii_alphabetic() => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                match &text[start..i] {
                    "or" => chain.infix(OR),
                    "and" if chain.between => {
                        chain.between = false;
                        chain.after_operand = false;
                        0
                    }
                    "and" => chain.infix(AND),
                    "in" => chain.infix(CMP),
                    "between" => {
                        let length = chain.infix(CMP);
                        chain.between = true;
                        length
                    }
                    "not" => {
                        chain.after_operand = false;
                        0
                    }
                    "where" => {
                        *chain = Chain::default();
                        0
                    }
                    word if RESETS.contains(&word) => {
                        *chain = Chain::default();
                        after_message = word == "message";
                        0
                    }
                    _ => {
                        chain.operand();
                        // A path goes on through `.field`.
                        while i + 1 < bytes.len()
                            && bytes[i] == b'.'
                            && (bytes[i + 1].is_ascii_alphanumeric() || bytes[i + 1] == b'_')
                        {
                            i += 1;
                            while i < bytes.len()
                                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                            {
                                i += 1;
                            }
                        }
                        0
                    }
                }
            }
            _ => 0,
        };
        if length > MAX_EXPR_DEPTH {
            return Err(syntax_error(
                "redlines::syntax::too_deep",
                format!("expression is nested more than {MAX_EXPR_DEPTH} levels deep"),
            )
            .with_primary(
                Span::new(source, start, i.min(text.len())),
                "this operator makes the chain too long",
            )
            .with_help("split the expression into smaller named parts with `let`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), Diagnostic> {
        check_chains(text, SourceId(0))
    }

    #[test]
    fn long_chains_of_one_level_are_refused() {
        for op in ["+", "-", "*", "/", "and", "or"] {
            let text = format!("let a = x{}", format!(" {op} x").repeat(300));
            assert!(check(&text).is_err(), "{op}");
        }
        assert!(check(&format!("let a = x{}", " + x".repeat(256))).is_ok());
    }

    #[test]
    fn chains_split_by_looser_operators_statements_or_brackets_pass() {
        let conjuncts = vec!["x + 1 + 2 > 3"; 200].join(" and ");
        assert!(check(&format!("let a = {conjuncts}")).is_ok());
        let statements = "require a + b + c\n".repeat(300);
        assert!(check(&format!("redline r \"T\" {{ {statements} }}")).is_ok());
        let requires = "a + b requires c + d\n".repeat(300);
        assert!(check(&format!("redline r \"T\" {{ {requires} }}")).is_ok());
        let lists = format!("let a = [{}]", vec!["1 + 2"; 300].join(", "));
        assert!(check(&lists).is_ok());
        let dates = vec!["d - 1 = 2025-07-09 - 1"; 200].join(" or ");
        assert!(check(&format!("let a = {dates}")).is_ok());
        let plain = format!("redline r \"{{{}\" {{ require x }}", "+ ".repeat(400));
        assert!(check(&plain).is_ok());
        let template = format!(
            "redline r \"T\" {{ message \"{{x{}}}\" }}",
            " + x".repeat(400)
        );
        assert!(check(&template).is_err());
        let betweens = vec!["x between 1 and 2"; 200].join(" and ");
        assert!(check(&format!("let a = {betweens}")).is_ok());
        let strings = format!("let a = \"{}\"", "+ ".repeat(400));
        assert!(check(&strings).is_ok());
        let comments = format!("# {}\nlet a = 1", "+ ".repeat(400));
        assert!(check(&comments).is_ok());
    }
}
