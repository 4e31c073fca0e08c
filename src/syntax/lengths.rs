//! Limits on the length of names and strings in a parsed `.redline` file.
//!
//! A 10 MB identifier or `because` text is not a rule anyone wrote: it is
//! refused with a diagnostic that names the limit, instead of flowing into
//! every report. The walk uses its own stack, so no tree can overflow it.

use super::ast::{Expr, ExprKind, File, Ident, Item, StatementKind, StrLit, TemplatePart};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// Longest identifier (party, rule, `let` or field name) by default, in bytes.
pub const DEFAULT_MAX_IDENTIFIER_LEN: usize = 256;

/// Longest string literal or message text by default, in bytes.
pub const DEFAULT_MAX_STRING_LEN: usize = 64 * 1024;

/// How long names and strings in a rule file may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LengthLimits {
    /// Longest identifier, in bytes.
    pub max_identifier_len: usize,
    /// Longest string literal or message text, in bytes.
    pub max_string_len: usize,
}

impl Default for LengthLimits {
    fn default() -> LengthLimits {
        LengthLimits {
            max_identifier_len: DEFAULT_MAX_IDENTIFIER_LEN,
            max_string_len: DEFAULT_MAX_STRING_LEN,
        }
    }
}

/// Every identifier and string of `file` that is longer than `limits`
/// allow, one diagnostic each, in file order.
pub fn check_lengths(file: &File, limits: &LengthLimits) -> Vec<Diagnostic> {
    let mut walk = Lengths {
        limits,
        diagnostics: Vec::new(),
    };
    for item in &file.items {
        walk.item(item);
    }
    walk.diagnostics.sort_by_key(|d| d.primary_span());
    walk.diagnostics
}

struct Lengths<'a> {
    limits: &'a LengthLimits,
    diagnostics: Vec<Diagnostic>,
}

impl Lengths<'_> {
    fn item(&mut self, item: &Item) {
        match item {
            Item::Party(party) => {
                self.ident(&party.id);
                self.string(&party.name);
            }
            Item::Coalition(coalition) => {
                self.ident(&coalition.id);
                self.string(&coalition.name);
                coalition.members.iter().for_each(|m| self.ident(m));
            }
            Item::Let(decl) => {
                self.ident(&decl.name);
                self.expr(&decl.value);
            }
            Item::Rule(rule) => {
                self.ident(&rule.id);
                self.string(&rule.title);
                for statement in &rule.statements {
                    match &statement.kind {
                        StatementKind::Require(e)
                        | StatementKind::NoDealUnless(e)
                        | StatementKind::NoDealIf(e)
                        | StatementKind::AppliesWhen(e) => self.expr(e),
                        StatementKind::Requires(a, b) => {
                            self.expr(a);
                            self.expr(b);
                        }
                        StatementKind::Because(text) => self.string(text),
                        StatementKind::Message(template) => {
                            let text: usize = template
                                .parts
                                .iter()
                                .map(|part| match part {
                                    TemplatePart::Text(text) => text.len(),
                                    TemplatePart::Expr(_) => 0,
                                })
                                .sum();
                            self.text(text, template.span);
                            for part in &template.parts {
                                if let TemplatePart::Expr(e) = part {
                                    self.expr(e);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every identifier and string literal inside `root`.
    fn expr(&mut self, root: &Expr) {
        let mut stack = vec![root];
        while let Some(expr) = stack.pop() {
            match &expr.kind {
                ExprKind::Literal(crate::value::Scalar::Str(text)) => {
                    self.text(text.len(), expr.span);
                }
                ExprKind::Literal(_) => {}
                ExprKind::List(items) => stack.extend(items),
                ExprKind::Path(segments) => segments.iter().for_each(|s| self.ident(s)),
                ExprKind::Call(name, args) => {
                    self.ident(name);
                    stack.extend(args);
                }
                ExprKind::Field(base, field) => {
                    self.ident(field);
                    stack.push(base);
                }
                ExprKind::Paren(inner) | ExprKind::Unary(_, _, inner) => stack.push(inner),
                ExprKind::Binary(_, _, a, b)
                | ExprKind::Where(a, b)
                | ExprKind::Quantified(_, a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                ExprKind::Between(x, low, high) => {
                    stack.push(x);
                    stack.push(low);
                    stack.push(high);
                }
            }
        }
    }

    fn ident(&mut self, ident: &Ident) {
        let max = self.limits.max_identifier_len;
        if ident.name.len() > max {
            self.diagnostics.push(
                Diagnostic::error(
                    "redlines::limit::identifier",
                    format!("a name is longer than the limit of {max} bytes"),
                )
                .with_primary(
                    ident.span,
                    format!("this name is {} bytes long", ident.name.len()),
                )
                .with_help("use a shorter name"),
            );
        }
    }

    fn string(&mut self, string: &StrLit) {
        self.text(string.value.len(), string.span);
    }

    fn text(&mut self, len: usize, span: Span) {
        let max = self.limits.max_string_len;
        if len > max {
            self.diagnostics.push(
                Diagnostic::error(
                    "redlines::limit::string",
                    format!("a string is longer than the limit of {max} bytes"),
                )
                .with_primary(span, format!("this string is {len} bytes long"))
                .with_help("raise the limit with `--max-string-length` if this text is genuine"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;
    use crate::syntax::parse_file;

    fn codes(text: &str, limits: LengthLimits) -> Vec<&'static str> {
        let file = parse_file(text, SourceId(0)).unwrap_or_else(|e| panic!("{e:?}"));
        check_lengths(&file, &limits)
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn long_names_and_strings_are_refused() {
        let limits = LengthLimits {
            max_identifier_len: 8,
            max_string_len: 4,
        };
        assert!(codes("party japan \"Jp\"\nlet abc = \"ok\"", limits).is_empty());
        assert_eq!(
            codes("party japanese_x \"Jp\"", limits),
            ["redlines::limit::identifier"]
        );
        assert_eq!(
            codes("let a = [\"fine\", \"too long\"]", limits),
            ["redlines::limit::string"]
        );
        assert_eq!(
            codes(
                "redline r \"T\" { require tariffs.autos.afterwards_x\n message \"ab{1}cde\" }",
                limits
            ),
            ["redlines::limit::identifier", "redlines::limit::string"]
        );
    }
}
