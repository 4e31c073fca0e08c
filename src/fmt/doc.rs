//! A small Wadler-style document and its renderer.
//!
//! The printer describes layout with [`Doc`]s: text, places where a line
//! may break, groups that are printed on one line when they fit and broken
//! at every such place when they do not, and indentation. The renderer picks
//! the layout: an outer group (the loosest operator) breaks before an inner
//! one, so long expressions break at `or`, then `and`, and so on.
//!
//! Comments need three extras: a [`Doc::LineSuffix`] is held back until
//! the end of the line (a trailing comment), a [`Doc::CommentLine`] ends the
//! line a comment is on, and no line break ever adds a second newline at the
//! start of an empty line, so a comment followed by a break prints once.

/// How wide a line may be before groups break.
pub const WIDTH: usize = 100;

/// One level of indentation.
pub const INDENT: usize = 4;

/// A layout description.
#[derive(Clone, Debug)]
pub enum Doc {
    /// Text without newlines.
    Text(String),
    /// One space, except at the start of a line.
    Space,
    /// A space on one line, a line break when the group breaks.
    Line,
    /// Nothing on one line, a line break when the group breaks.
    SoftLine,
    /// Always a new line, even after an empty one (blank lines between items).
    HardLine,
    /// Ends the line a comment is on: a new line, indented at least one
    /// level deeper than the statement it is in, unless the line is empty.
    CommentLine,
    /// Text printed only when the group breaks (a list's trailing comma).
    IfBreak(&'static str),
    /// A trailing comment, printed at the end of the current line.
    LineSuffix(String),
    /// Several docs, one after the other.
    Concat(Vec<Doc>),
    /// Indents the lines that start inside.
    Indent(Box<Doc>),
    /// On one line if it fits (and holds no forced break), else broken.
    Group {
        /// What is grouped.
        doc: Box<Doc>,
        /// Whether it holds a forced line break and so can never be flat.
        hard: bool,
    },
    /// Always on one line (except for forced breaks): a message's `{...}`.
    Flat(Box<Doc>),
    /// A statement or item: comment breaks inside are indented relative to it.
    Base(Box<Doc>),
}

impl Doc {
    /// A piece of text.
    pub fn text(text: impl Into<String>) -> Doc {
        Doc::Text(text.into())
    }

    /// A group, which knows whether it holds a forced break.
    pub fn group(doc: Doc) -> Doc {
        let hard = doc.has_forced_break();
        Doc::Group {
            doc: Box::new(doc),
            hard,
        }
    }

    /// Indents the lines that start inside `doc`.
    pub fn indent(doc: Doc) -> Doc {
        Doc::Indent(Box::new(doc))
    }

    /// Whether this doc always breaks a line somewhere.
    fn has_forced_break(&self) -> bool {
        match self {
            Doc::HardLine | Doc::CommentLine => true,
            Doc::Concat(docs) => docs.iter().any(Doc::has_forced_break),
            Doc::Indent(doc) | Doc::Flat(doc) | Doc::Base(doc) => doc.has_forced_break(),
            Doc::Group { hard, .. } => *hard,
            Doc::Text(_)
            | Doc::Space
            | Doc::Line
            | Doc::SoftLine
            | Doc::IfBreak(_)
            | Doc::LineSuffix(_) => false,
        }
    }
}

/// Builds a [`Doc::Concat`] from a list of docs.
pub fn concat(docs: impl IntoIterator<Item = Doc>) -> Doc {
    Doc::Concat(docs.into_iter().collect())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// A doc waiting to be printed: its indentation, the indentation of the
/// statement it is in, and whether its groups are flat.
#[derive(Clone, Copy)]
struct Command<'d> {
    indent: usize,
    base: usize,
    mode: Mode,
    doc: &'d Doc,
}

/// Renders a doc to text: no trailing spaces, lines at most [`WIDTH`]
/// columns where the layout allows.
pub fn render(doc: &Doc) -> String {
    let mut out = Output::new();
    let mut stack = vec![Command {
        indent: 0,
        base: 0,
        mode: Mode::Break,
        doc,
    }];
    while let Some(command) = stack.pop() {
        let Command {
            indent,
            base,
            mode,
            doc,
        } = command;
        match doc {
            Doc::Text(text) => out.text(text),
            Doc::Space => out.space(),
            Doc::Line | Doc::SoftLine if mode == Mode::Flat => {
                if matches!(doc, Doc::Line) {
                    out.space();
                }
            }
            Doc::Line | Doc::SoftLine => out.soft_newline(indent),
            Doc::HardLine => out.newline(indent),
            Doc::CommentLine => out.soft_newline(indent.max(base + INDENT)),
            Doc::IfBreak(text) => {
                if mode == Mode::Break {
                    out.text(text);
                }
            }
            // A trailing comment that a line break got ahead of stays on
            // a line of its own rather than joining another comment.
            Doc::LineSuffix(text) if out.at_line_start => out.text(text),
            Doc::LineSuffix(text) => out.suffixes.push(text.clone()),
            Doc::Concat(docs) => {
                stack.extend(docs.iter().rev().map(|doc| Command { doc, ..command }));
            }
            Doc::Indent(inner) => stack.push(Command {
                indent: indent + INDENT,
                doc: inner,
                ..command
            }),
            Doc::Flat(inner) => stack.push(Command {
                mode: Mode::Flat,
                doc: inner,
                ..command
            }),
            Doc::Base(inner) => stack.push(Command {
                base: indent,
                doc: inner,
                ..command
            }),
            Doc::Group { doc: inner, hard } => {
                let flat = mode == Mode::Flat
                    || (!hard && fits(inner, &stack, WIDTH.saturating_sub(out.start_column())));
                stack.push(Command {
                    mode: if flat { Mode::Flat } else { Mode::Break },
                    doc: inner,
                    ..command
                });
            }
        }
    }
    out.finish()
}

/// Whether `doc`, printed flat, and what follows it up to the next line
/// break fit in `room` columns.
fn fits(doc: &Doc, rest: &[Command<'_>], room: usize) -> bool {
    let mut room = room as isize;
    let mut stack = vec![(Mode::Flat, doc)];
    let mut rest = rest.iter().rev();
    loop {
        let (mode, doc) = match stack.pop() {
            Some(next) => next,
            None => match rest.next() {
                Some(command) => (command.mode, command.doc),
                None => return true,
            },
        };
        match doc {
            Doc::Text(text) => room -= width(text) as isize,
            Doc::Space => room -= 1,
            Doc::Line if mode == Mode::Flat => room -= 1,
            Doc::SoftLine if mode == Mode::Flat => {}
            Doc::Line | Doc::SoftLine | Doc::HardLine | Doc::CommentLine => return true,
            Doc::IfBreak(text) => {
                if mode == Mode::Break {
                    room -= width(text) as isize;
                }
            }
            Doc::LineSuffix(_) => {}
            Doc::Concat(docs) => stack.extend(docs.iter().rev().map(|doc| (mode, doc))),
            Doc::Indent(inner) | Doc::Base(inner) => stack.push((mode, inner)),
            Doc::Flat(inner) => stack.push((Mode::Flat, inner)),
            Doc::Group { doc: inner, hard } => {
                let mode = if *hard { Mode::Break } else { mode };
                stack.push((mode, inner));
            }
        }
        if room < 0 {
            return false;
        }
    }
}

/// Display width of text: one column per character.
fn width(text: &str) -> usize {
    text.chars().count()
}

/// The text being rendered, with the state of the current line.
struct Output {
    text: String,
    /// Columns used on the current line.
    column: usize,
    /// Whether nothing (not even indentation) is on the current line yet.
    at_line_start: bool,
    /// The indentation the current line gets when text arrives.
    pending_indent: usize,
    /// Trailing comments waiting for the end of the line.
    suffixes: Vec<String>,
}

impl Output {
    fn new() -> Output {
        Output {
            text: String::new(),
            column: 0,
            at_line_start: true,
            pending_indent: 0,
            suffixes: Vec::new(),
        }
    }

    fn text(&mut self, text: &str) {
        if self.at_line_start {
            self.text
                .extend(std::iter::repeat_n(' ', self.pending_indent));
            self.column = self.pending_indent;
            self.at_line_start = false;
        }
        self.text.push_str(text);
        self.column += width(text);
    }

    /// The column the next text starts at.
    fn start_column(&self) -> usize {
        if self.at_line_start {
            self.pending_indent
        } else {
            self.column
        }
    }

    fn space(&mut self) {
        if !self.at_line_start {
            self.text(" ");
        }
    }

    /// Ends the line, unless it is still empty: then only its indentation
    /// changes.
    fn soft_newline(&mut self, indent: usize) {
        if self.at_line_start {
            self.pending_indent = indent;
        } else {
            self.newline(indent);
        }
    }

    fn newline(&mut self, indent: usize) {
        self.flush_suffixes();
        self.trim_line_end();
        self.text.push('\n');
        self.column = 0;
        self.at_line_start = true;
        self.pending_indent = indent;
    }

    fn flush_suffixes(&mut self) {
        for suffix in std::mem::take(&mut self.suffixes) {
            if self.at_line_start {
                self.text(&suffix);
            } else {
                self.trim_line_end();
                self.text.push(' ');
                self.text.push_str(&suffix);
            }
        }
    }

    fn trim_line_end(&mut self) {
        let kept = self.text.trim_end_matches([' ', '\t']).len();
        self.text.truncate(kept);
    }

    fn finish(mut self) -> String {
        self.flush_suffixes();
        self.trim_line_end();
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(words: &[&str]) -> Doc {
        let mut parts = vec![Doc::text(words[0])];
        for word in &words[1..] {
            parts.push(Doc::indent(concat([
                Doc::Line,
                Doc::text("or "),
                Doc::text(*word),
            ])));
        }
        Doc::group(concat(parts))
    }

    #[test]
    fn a_group_stays_flat_when_it_fits() {
        assert_eq!(render(&chain(&["a", "b", "c"])), "a or b or c");
    }

    #[test]
    fn a_group_breaks_at_every_line_when_too_long() {
        let long = "x".repeat(60);
        let doc = chain(&[&long, &long]);
        assert_eq!(render(&doc), format!("{long}\n    or {long}"));
    }

    #[test]
    fn a_comment_line_never_adds_an_empty_line() {
        let doc = Doc::group(concat([
            Doc::text("a"),
            Doc::LineSuffix("# c".into()),
            Doc::CommentLine,
            Doc::indent(concat([Doc::Line, Doc::text("or b")])),
        ]));
        assert_eq!(render(&doc), "a # c\n    or b");
    }

    #[test]
    fn hard_lines_make_blank_lines_without_trailing_spaces() {
        let doc = Doc::indent(concat([
            Doc::text("a"),
            Doc::HardLine,
            Doc::HardLine,
            Doc::text("b"),
        ]));
        assert_eq!(render(&doc), "a\n\n    b");
    }
}
