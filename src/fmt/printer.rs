//! The printer's state and the token-level helpers the item and expression
//! printers share: every token goes through [`Printer::token`], which puts
//! the comments written before it back in front of it.

use super::comments::Cursor;
use super::doc::{Doc, concat};
use crate::source::Span;
use crate::syntax::ast::Comment;

/// Turns a syntax tree back into a [`Doc`], token by token.
pub struct Printer<'a> {
    /// The source text the tree was parsed from.
    pub(super) text: &'a str,
    /// Where the printer is in that text.
    pub(super) cursor: Cursor<'a>,
}

impl<'a> Printer<'a> {
    /// A printer for a file with this text and these comments.
    pub fn new(text: &'a str, comments: &'a [Comment]) -> Printer<'a> {
        Printer {
            text,
            cursor: Cursor::new(text, comments),
        }
    }

    /// The comments written before `offset`, inside a statement or an item
    /// header: a trailing one stays at the end of its line, an own-line one
    /// gets a line of its own; either way the line ends after it.
    pub(super) fn comments_before(&mut self, offset: usize) -> Doc {
        let mut docs = Vec::new();
        for comment in self.cursor.take_before(offset) {
            if comment.trailing {
                docs.push(Doc::LineSuffix(comment.text));
            } else {
                docs.push(Doc::CommentLine);
                docs.push(Doc::Text(comment.text));
            }
            docs.push(Doc::CommentLine);
        }
        concat(docs)
    }

    /// A token at a known place, after the comments written before it.
    pub(super) fn token(&mut self, start: usize, end: usize, text: impl Into<String>) -> Doc {
        let comments = self.comments_before(start);
        self.cursor.advance_to(end);
        concat([comments, Doc::Text(text.into())])
    }

    /// A token whose span the syntax tree holds.
    pub(super) fn spanned(&mut self, span: Span, text: impl Into<String>) -> Doc {
        self.token(span.start as usize, span.end as usize, text)
    }

    /// The source text of a span (a literal as written).
    pub(super) fn source(&self, span: Span) -> &'a str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// A keyword or punctuation that the tree holds no span for: the next
    /// token in the source.
    pub(super) fn word(&mut self, word: &'static str) -> Doc {
        let start = self.locate(word);
        self.token(start, start + word.len(), word)
    }

    /// Where the next `word` is in the source.
    pub(super) fn locate(&self, word: &str) -> usize {
        let found = self.cursor.find(word);
        debug_assert!(found.is_some(), "the formatter expected `{word}` next");
        found.unwrap_or_else(|| self.cursor.next_token())
    }

    /// A line break before the token at `offset`, with the comments written
    /// before that token put *before* the break, so that a comment at the
    /// end of a line stays there.
    pub(super) fn break_before(&mut self, line: Doc, offset: usize) -> Doc {
        concat([self.comments_before(offset), line])
    }

    /// A line break before the next `word`; see [`Printer::break_before`].
    pub(super) fn break_before_word(&mut self, line: Doc, word: &str) -> Doc {
        let offset = self.locate(word);
        self.break_before(line, offset)
    }
}

/// A string as the parser reads it back: quoted, with `\"`, `\\`, `\n` and
/// `\t` escaped, and in a message also `\{` and `\}`.
pub fn quote(value: &str, template: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    out.push_str(&escape(value, template));
    out.push('"');
    out
}

/// The text of a string or message part with its escapes.
pub fn escape(value: &str, template: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '{' if template => out.push_str("\\{"),
            '}' if template => out.push_str("\\}"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_the_way_the_parser_reads_them() {
        assert_eq!(
            quote("a \"b\" \\ {c}\n\t", false),
            r#""a \"b\" \\ {c}\n\t""#
        );
        assert_eq!(quote("{c}", true), r#""\{c\}""#);
    }
}
