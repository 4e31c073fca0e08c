//! `redlines fmt`: one canonical layout for `.redline` files.
//!
//! The layout (documented with an example in the README):
//! - one item per line, a rule's statements one per line, indented by four
//!   spaces, `redline id "Title" {` on one line and `}` on its own;
//! - one blank line before and after every rule block; between other items
//!   and between statements, a blank line is kept where one was written
//!   (several become one); none at the start or end of a block;
//! - single spaces around operators and keywords, none inside brackets or
//!   before `.field`, `, ` between list items and arguments;
//! - a line longer than 100 columns is broken at its loosest operator
//!   first (`or`, then `and`, then comparisons, `+ -`, `* /`), before each
//!   operator of that chain, continuation lines indented four more; a
//!   `where` breaks after `where`, `E1 requires E2` before `requires`, and
//!   brackets put their contents on lines of their own;
//! - strings are written with the escapes the parser reads (`\"`, `\\`,
//!   `\n`, `\t`, and `\{`, `\}` in messages); literals, parentheses and
//!   everything else are kept as written;
//! - own-line comments stay before what follows them, trailing comments at
//!   the end of their line, comments inside an expression where they were,
//!   and comments at the end of a block inside it.
//!
//! The printer turns the syntax tree into a [`doc::Doc`] token by token,
//! putting every comment back before the token it preceded; the renderer
//! chooses the line breaks. [`format_source`] then parses its own output
//! and refuses to return it unless it reads back to the same tree and
//! comments: formatting can never change what a file means.

mod apply;
mod comments;
mod doc;
mod expr;
mod items;
mod printer;
mod shape;

pub use apply::{unified_diff, write_atomically};
pub use doc::{INDENT, WIDTH};
pub use shape::{same_shape, without_spans};

use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Span};
use crate::syntax::{ast, parse_file};

/// Formats a parsed file; `text` is the source it was parsed from (for
/// literals as written and for finding comments).
pub fn format_file(file: &ast::File, text: &str) -> String {
    let mut printer = printer::Printer::new(text, &file.comments);
    let rendered = doc::render(&printer.file(file));
    if rendered.is_empty() {
        rendered
    } else {
        rendered + "\n"
    }
}

/// Parses and formats the text of a `.redline` file, and checks that the
/// result reads back to the same tree and comments. Returns the syntax
/// diagnostics of a file that does not parse.
pub fn format_source(text: &str, source: SourceId) -> Result<String, Vec<Diagnostic>> {
    let file = parse_file(text, source)?;
    let formatted = format_file(&file, text);
    match parse_file(&formatted, source) {
        Ok(again) if same_shape(&file, &again) => Ok(formatted),
        _ => Err(vec![
            Diagnostic::error(
                "redlines::fmt::internal",
                "formatting would change what this file means, so it is left as it is",
            )
            .with_primary(Span::new(source, 0, 0), "in this file")
            .with_help("this is a bug in `redlines fmt`; please report it with the file"),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        match format_source(text, SourceId(0)) {
            Ok(formatted) => formatted,
            Err(diagnostics) => panic!("{diagnostics:?}"),
        }
    }

    #[test]
    fn items_and_statements_get_the_canonical_layout() {
        let text =
            "party  japan   \"Japan\"\nlet a=1+2*  3\nredline r \"T\"{require a>0 because \"x\"}";
        assert_eq!(
            fmt(text),
            "party japan \"Japan\"\nlet a = 1 + 2 * 3\n\nredline r \"T\" {\n    require a > 0\n    because \"x\"\n}\n"
        );
    }

    #[test]
    fn comments_stay_where_they_were() {
        let text = "# head\n\nlet a = 1 # one\n# before b\nlet b = [1, # inner\n 2]\n";
        assert_eq!(
            fmt(text),
            "# head\n\nlet a = 1 # one\n# before b\nlet b = [\n    1, # inner\n    2,\n]\n"
        );
    }

    #[test]
    fn an_empty_file_stays_empty() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n# only\n\n"), "# only\n");
    }
}
