//! Putting comments back: a cursor over the source that the printer moves
//! token by token, handing out the comments that come before each token.
//!
//! The syntax tree has spans for names, literals and operators but not for
//! keywords and punctuation; those are found by skipping whitespace and
//! comments from the end of the previous token, the way the grammar reads
//! them. A comment is *trailing* when code comes before it on its line, and
//! *own-line* otherwise.

use crate::syntax::ast::Comment;

/// A comment handed out by the cursor, with what the printer needs to know
/// about its place.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The comment text, `#` included.
    pub text: String,
    /// Whether code comes before it on its line.
    pub trailing: bool,
    /// Whether a blank line separates it from what comes before it.
    pub blank_before: bool,
}

/// The cursor: comments not yet printed, and the end of the last token.
pub struct Cursor<'a> {
    text: &'a str,
    comments: &'a [Comment],
    next: usize,
    position: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str, comments: &'a [Comment]) -> Cursor<'a> {
        Cursor {
            text,
            comments,
            next: 0,
            position: 0,
        }
    }

    /// The comments that start before `offset`, in order; the cursor moves
    /// past them.
    pub fn take_before(&mut self, offset: usize) -> Vec<Placed> {
        let mut taken = Vec::new();
        while let Some(comment) = self.comments.get(self.next) {
            let start = comment.span.start as usize;
            if start >= offset {
                break;
            }
            taken.push(Placed {
                text: comment.text.clone(),
                trailing: !self.starts_line(start),
                blank_before: self.blank_between(self.position, start),
            });
            self.next += 1;
            self.position = self.position.max(comment.span.end as usize);
        }
        taken
    }

    /// Every comment not printed yet (those at the end of the file).
    pub fn take_rest(&mut self) -> Vec<Placed> {
        self.take_before(usize::MAX)
    }

    /// Whether a blank line separates the last token or comment from
    /// `offset`.
    pub fn blank_before(&self, offset: usize) -> bool {
        self.blank_between(self.position, offset)
    }

    /// Records that a token ends at `end`.
    pub fn advance_to(&mut self, end: usize) {
        self.position = self.position.max(end);
    }

    /// Where the next token begins: past whitespace and comments from the
    /// end of the previous one.
    pub fn next_token(&self) -> usize {
        let bytes = self.text.as_bytes();
        let mut at = self.position;
        while at < bytes.len() {
            match bytes[at] {
                b' ' | b'\t' | b'\r' | b'\n' => at += 1,
                b'#' => {
                    while at < bytes.len() && bytes[at] != b'\n' {
                        at += 1;
                    }
                }
                _ => break,
            }
        }
        at
    }

    /// Where `token` begins, if it is the next token.
    pub fn find(&self, token: &str) -> Option<usize> {
        let at = self.next_token();
        self.text
            .get(at..)
            .is_some_and(|rest| rest.starts_with(token))
            .then_some(at)
    }

    /// Whether only whitespace comes before `offset` on its line.
    fn starts_line(&self, offset: usize) -> bool {
        let before = self.text.get(..offset).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        before[line_start..].trim().is_empty()
    }

    /// Whether the text between two offsets holds an empty line.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        let gap = self.text.get(from.min(to)..to).unwrap_or("");
        gap.matches('\n').count() >= 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceId, Span};

    fn comment(text: &str, source: &str) -> Comment {
        let start = source.find(text).unwrap();
        Comment {
            text: text.to_owned(),
            span: Span::new(SourceId(0), start, start + text.len()),
        }
    }

    #[test]
    fn comments_are_trailing_or_on_their_own_line() {
        let source = "a # one\n\n# two\nb";
        let comments = [comment("# one", source), comment("# two", source)];
        let mut cursor = Cursor::new(source, &comments);
        cursor.advance_to(1);
        let taken = cursor.take_before(source.len() - 1);
        assert!(taken[0].trailing && !taken[0].blank_before);
        assert!(!taken[1].trailing && taken[1].blank_before);
        assert!(!cursor.blank_before(source.len() - 1));
    }

    #[test]
    fn tokens_are_found_past_comments() {
        let source = "x # (\n  ( y";
        let comments = [comment("# (", source)];
        let mut cursor = Cursor::new(source, &comments);
        cursor.advance_to(1);
        assert_eq!(cursor.find("("), Some(8));
        assert_eq!(cursor.find("y"), None);
    }
}
