//! A cheap scan that refuses absurdly nested input before pest sees it.
//!
//! pest guards its own recursion, but a 200,000-deep expression should get
//! a clear diagnostic at once, and our own tree walks must never see more
//! than a bounded depth. The scan counts brackets, `where` clauses (whose
//! predicate nests to the right, up to the `,` or keyword that ends its
//! expression) and runs of prefix operators.

use super::error::syntax_error;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Span};

/// How deeply brackets, `where` clauses and prefix operators may nest.
pub const MAX_NESTING: usize = 128;

/// How deep an expression tree may grow (long operator chains included).
pub const MAX_EXPR_DEPTH: usize = 256;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Inside brackets (or at top level), with the `where`s seen so far.
    Code { wheres: usize },
    /// Inside a string; `{` opens an interpolation.
    Str,
}

/// Checks that `text` does not nest deeper than [`MAX_NESTING`].
pub fn check_nesting(text: &str, source: SourceId) -> Result<(), Diagnostic> {
    let mut stack = vec![Frame::Code { wheres: 0 }];
    // Whether the innermost frame is a string (the top of `stack`).
    let mut in_string = false;
    let mut depth = 0usize;
    let mut prefix_run = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if in_string {
            // Inside a string only these bytes do anything.
            match bytes[i..]
                .iter()
                .position(|b| matches!(b, b'\\' | b'"' | b'\n' | b'{'))
            {
                Some(skip) => i += skip,
                None => break,
            }
        }
        let b = bytes[i];
        let start = i;
        i += 1;
        // Only a deeper level or a longer prefix run can go over the limit.
        let mut grew = false;
        if in_string {
            match b {
                b'\\' => i += 1,
                b'{' => {
                    stack.push(Frame::Code { wheres: 0 });
                    in_string = false;
                    depth += 1;
                    grew = true;
                }
                _ => {
                    stack.pop();
                    in_string = stack.last() == Some(&Frame::Str);
                }
            }
        } else {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'#' => {
                    i += bytes[i..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .unwrap_or(bytes.len() - i);
                }
                b'"' => {
                    stack.push(Frame::Str);
                    in_string = true;
                }
                b'(' | b'[' | b'{' => {
                    stack.push(Frame::Code { wheres: 0 });
                    depth += 1;
                    grew = true;
                }
                b')' | b']' | b'}' => {
                    if stack.len() > 1
                        && let Some(Frame::Code { wheres }) = stack.pop()
                    {
                        depth = depth.saturating_sub(1 + wheres);
                    }
                    in_string = stack.last() == Some(&Frame::Str);
                }
                b',' => {
                    end_wheres(&mut stack, &mut depth);
                    prefix_run = 0;
                }
                b'-' => {
                    prefix_run += 1;
                    grew = true;
                }
                _ if b.is_ascii_alphabetic() => {
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    {
                        i += 1;
                    }
                    match &text[start..i] {
                        "not" => {
                            prefix_run += 1;
                            grew = true;
                        }
                        "where" => {
                            if let Some(Frame::Code { wheres }) = stack.last_mut() {
                                *wheres += 1;
                            }
                            depth += 1;
                            prefix_run = 0;
                            grew = true;
                        }
                        "require" | "requires" | "unless" | "if" | "when" | "because"
                        | "message" | "let" | "party" | "coalition" | "of" | "redline"
                        | "concern" => {
                            end_wheres(&mut stack, &mut depth);
                            prefix_run = 0;
                        }
                        _ => prefix_run = 0,
                    }
                }
                _ => prefix_run = 0,
            }
        }
        if grew && (depth > MAX_NESTING || prefix_run > MAX_NESTING) {
            return Err(too_deep(Span::new(source, start, i.min(text.len()))));
        }
    }
    Ok(())
}

/// Ends the `where` clauses of the innermost bracket level (at a `,` or a
/// keyword that no expression contains, which begins a new statement, item
/// or expression): their predicates end there.
fn end_wheres(stack: &mut [Frame], depth: &mut usize) {
    if let Some(Frame::Code { wheres }) = stack.last_mut() {
        *depth = depth.saturating_sub(*wheres);
        *wheres = 0;
    }
}

fn too_deep(span: Span) -> Diagnostic {
    syntax_error(
        "redlines::syntax::too_deep",
        format!("expression is nested more than {MAX_NESTING} levels deep"),
    )
    .with_primary(span, "too deep from here on")
    .with_help("split the expression into smaller named parts with `let`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), Diagnostic> {
        check_nesting(text, SourceId(0))
    }

    #[test]
    fn ordinary_nesting_passes() {
        assert!(check("let a = ((1 + 2) * [3, 4]) # ((((\n").is_ok());
        assert!(check("let s = \"((((((\"").is_ok());
    }

    #[test]
    fn deep_brackets_fail_at_the_first_too_deep_one() {
        let text = format!("let a = {}1{}", "(".repeat(200), ")".repeat(200));
        let error = check(&text).unwrap_err();
        assert_eq!(error.code, "redlines::syntax::too_deep");
        assert_eq!(error.primary_span().unwrap().start, 8 + 128);
    }

    #[test]
    fn long_prefix_runs_and_where_chains_fail() {
        assert!(check(&format!("let a = {}x", "not ".repeat(200))).is_err());
        assert!(check(&format!("let a = {}x", "- ".repeat(200))).is_err());
        assert!(check(&format!("let a = x{}", " where x".repeat(200))).is_err());
        assert!(check(&format!("let a = x{}", " - x".repeat(200))).is_ok());
    }

    #[test]
    fn where_clauses_of_separate_expressions_do_not_add_up() {
        let lets = "let a = c where x = 1\n".repeat(200);
        assert!(check(&lets).is_ok());
        let statements = "require all c where x\n".repeat(200);
        assert!(check(&format!("redline r \"t\" {{ {statements} }}")).is_ok());
        assert!(check(&format!("let a = [{}]", "c where x, ".repeat(200))).is_ok());
        // A chain of nested `where`s still counts.
        assert!(check(&format!("let a = c{}", " where any c".repeat(200))).is_err());
    }
}
