//! A small spanned YAML tree for rule-test files, built from
//! `saphyr_parser`'s events without recursion and under a depth limit.
//!
//! Test files are lists of cases with a few scalar fields and lists of rule
//! ids, so the tree is plain: scalars, lists, mappings, and aliases kept as
//! unresolved markers. An inline `given:` proposal is not read here beyond
//! its span; the proposal loader reads it (see [`super::load`]).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Span};

/// Deepest nesting allowed in a test file (a `given:` proposal needs five
/// levels more than the case around it; the proposal loader applies its
/// own, lower limit to that part).
const MAX_DEPTH: usize = 128;

/// One value of a test file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// Where it is written.
    pub span: Span,
}

/// What a value is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A single value, as written after unescaping; `plain` when unquoted.
    Scalar {
        /// The text.
        text: String,
        /// Written without quotes.
        plain: bool,
    },
    /// A list.
    List(Vec<Node>),
    /// Key and value pairs in file order, repeated keys left out.
    Map(Vec<(Node, Node)>),
    /// `*name`: a reference the test-file reader does not follow.
    Alias,
}

impl Node {
    /// Whether YAML reads this as null.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The text of a scalar that is not null.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// How diagnostics describe what was found.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            _ if self.is_null() => "nothing",
            Kind::Scalar { .. } => "a single value",
            Kind::List(_) => "a list",
            Kind::Map(_) => "a mapping",
            Kind::Alias => "an alias",
        }
    }
}

/// The documents of a file and the problems found reading it. Reading stops
/// at the first YAML error; duplicate keys are reported and reading goes on.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Complete documents, in file order.
    pub documents: Vec<Node>,
    /// YAML errors and duplicate keys.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `text`, the test file `file`.
pub fn parse(text: &str, file: SourceId) -> Parsed {
    let mut builder = Builder {
        file,
        text,
        offsets: Offsets::new(text),
        open: Vec::new(),
        parsed: Parsed::default(),
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let step = match next {
            Ok((event, span)) => builder.event(event, span),
            Err(error) => Err(builder.scan_error(&error)),
        };
        if let Err(diagnostic) = step {
            builder.parsed.diagnostics.push(diagnostic);
            break;
        }
    }
    builder.parsed
}

/// A list or mapping whose end has not been seen yet.
struct Open {
    start: usize,
    flow: bool,
    last_end: usize,
    items: Vec<Node>,
    /// For a mapping: a key waiting for its value (`None` for a list).
    map: Option<MapState>,
}

#[derive(Default)]
struct MapState {
    pairs: Vec<(Node, Node)>,
    key: Option<(Node, bool)>,
    seen: HashMap<String, Span>,
}

struct Builder<'a> {
    file: SourceId,
    text: &'a str,
    offsets: Offsets<'a>,
    open: Vec<Open>,
    parsed: Parsed,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: saphyr_parser::Span) -> Result<(), Diagnostic> {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        match event {
            Event::Scalar(text, style, _, _) => {
                let span = Span::new(self.file, start, self.trim_end(start, end));
                let kind = Kind::Scalar {
                    text: text.into_owned(),
                    plain: style == ScalarStyle::Plain,
                };
                self.attach(Node { kind, span });
                Ok(())
            }
            Event::Alias(_) => {
                let span = Span::new(self.file, start, end);
                self.attach(Node {
                    kind: Kind::Alias,
                    span,
                });
                Ok(())
            }
            Event::SequenceStart(..) => self.start(start, end, false),
            Event::MappingStart(..) => self.start(start, end, true),
            Event::SequenceEnd | Event::MappingEnd => {
                self.close(start, end);
                Ok(())
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => Ok(()),
        }
    }

    fn start(&mut self, start: usize, end: usize, map: bool) -> Result<(), Diagnostic> {
        if self.open.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                "redlines::limit::depth",
                format!("values are nested more than {MAX_DEPTH} levels deep"),
            )
            .with_primary(
                Span::new(self.file, start, end),
                "this level is over the limit",
            ));
        }
        let written = self.text.get(start..end).unwrap_or("").trim_end();
        self.open.push(Open {
            start,
            flow: written.ends_with(['[', '{']),
            last_end: start,
            items: Vec::new(),
            map: map.then(MapState::default),
        });
        Ok(())
    }

    /// Ends the innermost open collection; the end event spans `start..end`.
    fn close(&mut self, start: usize, end: usize) {
        // The parser balances starts and ends; a stray end is ignored.
        let Some(open) = self.open.pop() else {
            return;
        };
        // A flow collection ends at its bracket (the end event also covers a
        // comment after it); a block one at its last value.
        let bracket = matches!(self.text.as_bytes().get(start), Some(b']' | b'}'));
        let end = match (open.flow, bracket) {
            (true, true) => start + 1,
            (true, false) => self.trim_end(open.start, end),
            (false, _) => open.last_end,
        };
        let span = Span::new(self.file, open.start, end);
        let kind = match open.map {
            Some(state) => Kind::Map(state.pairs),
            None => Kind::List(open.items),
        };
        self.attach(Node { kind, span });
    }

    fn attach(&mut self, node: Node) {
        let Some(parent) = self.open.last_mut() else {
            self.parsed.documents.push(node);
            return;
        };
        parent.last_end = parent.last_end.max(node.span.end as usize);
        let Some(map) = &mut parent.map else {
            parent.items.push(node);
            return;
        };
        match map.key.take() {
            Some((key, false)) => map.pairs.push((key, node)),
            Some((_, true)) => {}
            None => {
                let mut repeated = false;
                if let Some(text) = node.text() {
                    match map.seen.get(text) {
                        Some(&first) => {
                            repeated = true;
                            self.parsed.diagnostics.push(
                                Diagnostic::error(
                                    "redlines::test::duplicate_key",
                                    format!("duplicate key `{text}`"),
                                )
                                .with_primary(node.span, "written again here")
                                .with_label(first, "first written here"),
                            );
                        }
                        None => {
                            map.seen.insert(text.to_owned(), node.span);
                        }
                    }
                }
                map.key = Some((node, repeated));
            }
        }
    }

    fn scan_error(&self, error: &ScanError) -> Diagnostic {
        let start = self.offsets.byte(error.marker().index());
        let width = self.text.get(start..).and_then(|rest| rest.chars().next());
        let end = start + width.map_or(0, char::len_utf8);
        Diagnostic::error("redlines::test::yaml", "this test file is not valid YAML")
            .with_primary(Span::new(self.file, start, end), error.info())
    }

    /// `end` moved back over trailing blanks and line breaks.
    fn trim_end(&self, start: usize, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = end.min(bytes.len());
        while end > start && bytes[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        end
    }
}

/// Turns the parser's character indices into byte offsets: the byte offset
/// of every 64th character is kept, the rest is walked.
struct Offsets<'a> {
    text: &'a str,
    checkpoints: Option<Vec<usize>>,
}

const CHECKPOINT_STEP: usize = 64;

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Offsets<'a> {
        let checkpoints = (!text.is_ascii()).then(|| {
            text.char_indices()
                .step_by(CHECKPOINT_STEP)
                .map(|(byte, _)| byte)
                .collect()
        });
        Offsets { text, checkpoints }
    }

    fn byte(&self, char_index: usize) -> usize {
        let Some(checkpoints) = &self.checkpoints else {
            return char_index.min(self.text.len());
        };
        let Some(&base) = checkpoints.get(char_index / CHECKPOINT_STEP) else {
            return self.text.len();
        };
        self.text
            .get(base..)
            .and_then(|rest| rest.char_indices().nth(char_index % CHECKPOINT_STEP))
            .map_or(self.text.len(), |(offset, _)| base + offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn block_and_flow_values_have_exact_spans() {
        let text = "- name: é case\n  given:\n    proposal: a\n    parties: [us, eu]  # x\n  other: {a: 1}   # y\n";
        let parsed = parse(text, SourceId(0));
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let Kind::List(cases) = &parsed.documents[0].kind else {
            panic!("not a list")
        };
        let Kind::Map(pairs) = &cases[0].kind else {
            panic!("not a map")
        };
        let values: Vec<&str> = pairs.iter().map(|(_, v)| slice(text, v.span)).collect();
        assert_eq!(
            values,
            ["é case", "proposal: a\n    parties: [us, eu]", "{a: 1}"]
        );
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_are_diagnostics() {
        let parsed = parse("a: 1\na: 2\n", SourceId(0));
        assert_eq!(parsed.diagnostics[0].code, "redlines::test::duplicate_key");
        let parsed = parse("a: [1\n", SourceId(0));
        assert_eq!(parsed.diagnostics[0].code, "redlines::test::yaml");
    }

    #[test]
    fn nesting_is_limited() {
        let text = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let parsed = parse(&text, SourceId(0));
        assert_eq!(parsed.diagnostics[0].code, "redlines::limit::depth");
    }
}
