//! The one YAML reader of the crate: a small spanned tree, built from
//! `saphyr_parser`'s event stream under hard [`Limits`]. Proposal files
//! (`crate::proposal`) and rule-test files (`crate::testing`) are both read
//! with it; [`FileKind`] only names the diagnostics it reports.
//!
//! We pull the parser's events ourselves instead of using saphyr's tree
//! loader: the loader (`Parser::load`) recurses once per nesting level,
//! stops at the first error, names only one of two duplicate keys and
//! copies aliased subtrees; its markers count characters, not bytes. Here
//! the tree is an arena (no recursion to build, walk or drop it), every node
//! keeps an exact byte span, duplicate keys are reported with both spans,
//! nesting is counted as the events arrive, and an alias is a reference to
//! its anchor whose expanded size is counted, never copied, so a "billion
//! laughs" file stops as soon as its expansion passes the limits.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Span};

mod tree;

use tree::{Kind, Tree};
pub(crate) use tree::{NodeId, NodeRef, Shape, Text};

/// Bounds on what one file may contain, so that a hostile file fails fast
/// with a diagnostic instead of exhausting time, memory or stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of lists and mappings (the document's mapping is 1).
    pub max_depth: usize,
    /// Most values in one file, counting every alias as the size of what it names.
    pub max_nodes: usize,
    /// Most alias uses (`*name`) in one file.
    pub max_aliases: usize,
    /// Longest key or value, in bytes.
    pub max_string_len: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 64,
            max_nodes: 1_000_000,
            max_aliases: 1_000,
            max_string_len: 64 * 1024,
        }
    }
}

/// What kind of file is read: it names the diagnostics the reader reports
/// (invalid syntax, a duplicate key, too deep a nesting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// A proposal file; `json` when it is JSON, which a syntax error names.
    Proposal {
        /// The file is JSON (a subset of YAML) rather than YAML.
        json: bool,
    },
    /// A rule-test file (`*.test.yaml`).
    Test,
}

/// The codes and words of the reader's own diagnostics for one [`FileKind`].
struct Names {
    /// The code of a syntax error (and of an alias inside what it names).
    syntax_code: &'static str,
    syntax_message: &'static str,
    duplicate_key_code: &'static str,
    depth_help: &'static str,
}

impl FileKind {
    fn names(self) -> Names {
        match self {
            FileKind::Proposal { json } => Names {
                syntax_code: "redlines::proposal::yaml",
                syntax_message: if json {
                    "this file is not valid JSON"
                } else {
                    "this file is not valid YAML"
                },
                duplicate_key_code: "redlines::proposal::duplicate_key",
                depth_help: "a proposal needs only four levels: the document, a section, an entry and its fields",
            },
            FileKind::Test => Names {
                syntax_code: "redlines::test::yaml",
                syntax_message: "this test file is not valid YAML",
                duplicate_key_code: "redlines::test::duplicate_key",
                depth_help: "a test file needs the list of cases, a case, and the four levels of a `given:` proposal",
            },
        }
    }
}

/// One document of a stream.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Document {
    /// The top node.
    pub root: NodeId,
    /// The `---` marker, or an empty span where the document starts.
    pub start: Span,
}

/// A parsed file: its tree, its complete documents, and the problems found
/// while reading it (YAML errors, exceeded limits, duplicate keys).
#[derive(Debug)]
pub(crate) struct Stream {
    /// Every node of every document.
    pub tree: Tree,
    /// The documents read completely, in file order.
    pub documents: Vec<Document>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether reading stopped early (a YAML error or an exceeded limit).
    pub stopped: bool,
}

impl Stream {
    /// The top node of a document.
    pub fn root(&self, document: &Document) -> NodeRef<'_> {
        self.tree.get(document.root)
    }
}

/// Reads `text` (file `file`, a `kind` file) into a tree, stopping at the
/// first YAML error or exceeded limit; duplicate keys are reported and
/// reading goes on.
pub(crate) fn parse(text: &str, file: SourceId, limits: &Limits, kind: FileKind) -> Stream {
    parse_counting(
        text,
        0..text.len(),
        file,
        limits,
        kind,
        &mut Counts::default(),
    )
}

/// What the limits have counted so far in one file.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    /// Values, aliases counted as the size of what they name.
    nodes: usize,
    /// Alias uses.
    aliases: usize,
}

impl Counts {
    /// What `self` and `other` count together.
    pub(crate) fn plus(self, other: Counts) -> Counts {
        Counts {
            nodes: self.nodes.saturating_add(other.nodes),
            aliases: self.aliases.saturating_add(other.aliases),
        }
    }

    /// Whether reading could have counted this much without stopping at a
    /// limit.
    pub(crate) fn within(&self, limits: &Limits) -> bool {
        self.nodes <= limits.max_nodes && self.aliases <= limits.max_aliases
    }
}

/// Reads the documents that start in `within` of `text` like [`parse`],
/// counting against the limits from `counts` on and leaving there what was
/// counted: a long file read in pieces is limited as a whole. Spans are
/// offsets in `text`; what follows `within` is read up to the next
/// document's start (so that a document cut short fails as it would in the
/// whole file), and what precedes it is only there to be shown.
pub(crate) fn parse_counting(
    text: &str,
    within: std::ops::Range<usize>,
    file: SourceId,
    limits: &Limits,
    kind: FileKind,
    counts: &mut Counts,
) -> Stream {
    let read = text.get(within.start..).unwrap_or("");
    let mut builder = Builder {
        file,
        names: kind.names(),
        text,
        offsets: Offsets::new(read, within.start),
        limits,
        tree: Tree::default(),
        open: Vec::new(),
        anchors: HashMap::new(),
        documents: Vec::new(),
        diagnostics: Vec::new(),
        root: None,
        document_start: Span::new(file, within.start, within.start),
        nodes: counts.nodes,
        aliases: counts.aliases,
    };
    let mut parser = Parser::new_from_str(read);
    let mut stopped = false;
    while let Some(next) = parser.next_event() {
        let step = match next {
            Ok((Event::DocumentStart(_), span))
                if builder.offsets.byte(span.start.index()) >= within.end =>
            {
                break;
            }
            Ok((event, span)) => builder.event(event, span),
            Err(error) => Err(builder.scan_error(&error)),
        };
        if let Err(diagnostic) = step {
            builder.diagnostics.push(diagnostic);
            stopped = true;
            break;
        }
    }
    *counts = Counts {
        nodes: builder.nodes,
        aliases: builder.aliases,
    };
    Stream {
        tree: builder.tree,
        documents: builder.documents,
        diagnostics: builder.diagnostics,
        stopped,
    }
}

/// Turns saphyr's character indices into byte offsets in linear time: the
/// byte offset of every 64th character is kept, the rest is walked.
struct Offsets<'a> {
    /// The text read.
    text: &'a str,
    /// Where it starts in the file's text.
    base: usize,
    checkpoints: Option<Vec<usize>>,
}

const CHECKPOINT_STEP: usize = 64;

impl<'a> Offsets<'a> {
    fn new(text: &'a str, base: usize) -> Offsets<'a> {
        let checkpoints = (!text.is_ascii()).then(|| {
            text.char_indices()
                .step_by(CHECKPOINT_STEP)
                .map(|(byte, _)| byte)
                .collect()
        });
        Offsets {
            text,
            base,
            checkpoints,
        }
    }

    /// The byte offset in the file's text of character `char_index` of the
    /// text read.
    fn byte(&self, char_index: usize) -> usize {
        self.base + self.byte_in_text(char_index)
    }

    fn byte_in_text(&self, char_index: usize) -> usize {
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

/// A list or mapping whose end has not been seen yet.
struct Open {
    start: usize,
    /// Written with brackets, so its end is the closing bracket.
    flow: bool,
    anchor: usize,
    /// Sum of the children's expanded sizes.
    size: usize,
    /// End of the last child, which ends a block collection.
    last_end: usize,
    body: OpenBody,
}

enum OpenBody {
    List(Vec<NodeId>),
    Map {
        pairs: Vec<(NodeId, NodeId)>,
        /// A key waiting for its value, and whether it repeats an earlier key.
        key: Option<(NodeId, bool)>,
        /// Every scalar key seen so far, with where it was first written.
        seen: Seen,
    },
}

/// The scalar keys of a mapping so far, with where each was first written:
/// a list while the mapping is small (no allocation per key), an index
/// once it is large (no quadratic time).
#[derive(Default)]
struct Seen {
    keys: Vec<(NodeId, Span)>,
    index: HashMap<String, Span>,
}

/// Keys a mapping may have before they are indexed.
const KEYS_LISTED: usize = 16;

impl Seen {
    /// Where key `text` was first written, if it was.
    fn first(&self, tree: &Tree, text: &str) -> Option<Span> {
        if !self.index.is_empty() {
            return self.index.get(text).copied();
        }
        self.keys
            .iter()
            .find(|(key, _)| tree.scalar_text(*key) == Some(text))
            .map(|(_, span)| *span)
    }

    /// Records scalar key `key`, written at `span`.
    fn insert(&mut self, tree: &Tree, key: NodeId, span: Span) {
        if self.index.is_empty() && self.keys.len() < KEYS_LISTED {
            self.keys.push((key, span));
            return;
        }
        let text = |key| tree.scalar_text(key).unwrap_or_default().to_owned();
        for (listed, span) in self.keys.drain(..) {
            self.index.insert(text(listed), span);
        }
        self.index.insert(text(key), span);
    }
}

struct Builder<'a> {
    file: SourceId,
    names: Names,
    text: &'a str,
    offsets: Offsets<'a>,
    limits: &'a Limits,
    tree: Tree,
    open: Vec<Open>,
    anchors: HashMap<usize, NodeId>,
    documents: Vec<Document>,
    diagnostics: Vec<Diagnostic>,
    root: Option<NodeId>,
    document_start: Span,
    /// Values so far, aliases counted as the size of what they name.
    nodes: usize,
    aliases: usize,
}

/// An error that stops reading the file.
type Stop = Diagnostic;

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: saphyr_parser::Span) -> Result<(), Stop> {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.root = None;
                self.document_start = Span::new(self.file, start, end);
                Ok(())
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    self.documents.push(Document {
                        root,
                        start: self.document_start,
                    });
                }
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(&text, style, tag.as_deref(), anchor, start, end)
            }
            Event::Alias(anchor) => self.alias(anchor, start, end),
            Event::SequenceStart(anchor, _) => self.open(anchor, start, end, true),
            Event::MappingStart(anchor, _) => self.open(anchor, start, end, false),
            Event::SequenceEnd | Event::MappingEnd => self.close(start, end),
        }
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        anchor: usize,
        start: usize,
        end: usize,
    ) -> Result<(), Stop> {
        let span = Span::new(self.file, start, self.trim_end(start, end));
        if text.len() > self.limits.max_string_len {
            return Err(Diagnostic::error(
                "redlines::limit::string",
                format!(
                    "a value is longer than the limit of {} bytes",
                    self.limits.max_string_len
                ),
            )
            .with_primary(span, format!("this value is {} bytes long", text.len())));
        }
        self.count(1, span, false)?;
        let is_str_tag = tag.is_some_and(|tag| tag.is_yaml_core_schema() && tag.suffix == "str");
        let text = Text {
            text: text.to_owned(),
            plain: style == ScalarStyle::Plain && !is_str_tag,
        };
        let id = self.tree.push(Kind::Scalar(text), span, 1);
        self.finish(id, anchor);
        Ok(())
    }

    fn alias(&mut self, anchor: usize, start: usize, end: usize) -> Result<(), Stop> {
        let span = Span::new(self.file, start, end);
        self.aliases += 1;
        if self.aliases > self.limits.max_aliases {
            return Err(Diagnostic::error(
                "redlines::limit::aliases",
                format!("more than {} aliases in this file", self.limits.max_aliases),
            )
            .with_primary(span, "this alias is over the limit")
            .with_help("write the values out instead of referring to them with `*name`"));
        }
        let Some(&target) = self.anchors.get(&anchor) else {
            return Err(Diagnostic::error(
                self.names.syntax_code,
                "an alias refers to the value that contains it",
            )
            .with_primary(span, "this alias is inside the value it names"));
        };
        let size = self.tree.size(target);
        self.count(size, span, true)?;
        let id = self.tree.push(Kind::Alias(target), span, size);
        self.attach(id, span);
        Ok(())
    }

    fn open(&mut self, anchor: usize, start: usize, end: usize, list: bool) -> Result<(), Stop> {
        let span = Span::new(self.file, start, end);
        if self.open.len() >= self.limits.max_depth {
            let level = self.open.len() + 1;
            return Err(self.depth_error(
                self.limits.max_depth,
                span,
                format!("level {level} starts here"),
            ));
        }
        self.count(1, span, false)?;
        let written = self.text.get(start..end).unwrap_or("").trim_end();
        let body = if list {
            OpenBody::List(Vec::new())
        } else {
            OpenBody::Map {
                pairs: Vec::new(),
                key: None,
                seen: Seen::default(),
            }
        };
        self.open.push(Open {
            start,
            flow: written.ends_with(['[', '{']),
            anchor,
            size: 0,
            last_end: start,
            body,
        });
        Ok(())
    }

    /// Ends the innermost open collection; the end event spans `start..end`.
    fn close(&mut self, start: usize, end: usize) -> Result<(), Stop> {
        // The parser balances starts and ends; a stray end is ignored.
        let Some(open) = self.open.pop() else {
            return Ok(());
        };
        // A flow collection ends at its closing bracket (the end event also
        // covers blanks and a comment after it); a block one at its last value.
        let bracket = matches!(self.text.as_bytes().get(start), Some(b']' | b'}'));
        let end = match (open.flow, bracket) {
            (true, true) => start + 1,
            (true, false) => self.trim_end(open.start, end),
            (false, _) => open.last_end,
        };
        let span = Span::new(self.file, open.start, end);
        let kind = match open.body {
            OpenBody::List(items) => Kind::List(items),
            OpenBody::Map { pairs, .. } => Kind::Map(pairs),
        };
        let id = self.tree.push(kind, span, open.size.saturating_add(1));
        self.finish(id, open.anchor);
        Ok(())
    }

    /// Records the anchor of a complete node and attaches it to its parent.
    fn finish(&mut self, id: NodeId, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, id);
        }
        let span = self.tree.get(id).span();
        self.attach(id, span);
    }

    fn attach(&mut self, id: NodeId, span: Span) {
        let size = self.tree.size(id);
        let Some(parent) = self.open.last_mut() else {
            self.root = Some(id);
            return;
        };
        parent.size = parent.size.saturating_add(size);
        parent.last_end = parent.last_end.max(span.end as usize);
        match &mut parent.body {
            OpenBody::List(items) => items.push(id),
            OpenBody::Map { pairs, key, seen } => match key.take() {
                Some((key, false)) => pairs.push((key, id)),
                Some((_, true)) => {}
                None => {
                    let repeated = match self.tree.scalar_text(id) {
                        Some(text) => match seen.first(&self.tree, text) {
                            Some(first) => {
                                let code = self.names.duplicate_key_code;
                                self.diagnostics
                                    .push(duplicate_key(code, text, span, first));
                                true
                            }
                            None => {
                                seen.insert(&self.tree, id, span);
                                false
                            }
                        },
                        None => false,
                    };
                    *key = Some((id, repeated));
                }
            },
        }
    }

    /// Counts `n` more values; `alias` says an alias's expansion added them.
    fn count(&mut self, n: usize, span: Span, alias: bool) -> Result<(), Stop> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes <= self.limits.max_nodes {
            return Ok(());
        }
        let max = self.limits.max_nodes;
        Err(if alias {
            Diagnostic::error(
                "redlines::limit::aliases",
                format!("aliases expand this file to more than {max} values"),
            )
            .with_primary(span, format!("this alias stands for {n} values"))
            .with_help("each use of an alias counts as a copy of what it names; write the values out instead")
        } else {
            Diagnostic::error(
                "redlines::limit::nodes",
                format!("this file holds more than {max} values"),
            )
            .with_primary(span, "the limit is reached here")
        })
    }

    fn scan_error(&self, error: &ScanError) -> Stop {
        let at = self.offsets.byte(error.marker().index());
        let content_end = self.text.trim_end().len();
        let mut label = error.info().to_owned();
        // miette cannot draw a label past the last line, so an error at the
        // end of the file points at the last character written instead.
        let start = if at >= content_end && content_end > 0 {
            label.push_str(", at the end of the file");
            self.text
                .trim_end()
                .char_indices()
                .next_back()
                .map_or(0, |(index, _)| index)
        } else {
            at
        };
        let width = self.text.get(start..).and_then(|rest| rest.chars().next());
        let end = start + width.map_or(0, char::len_utf8);
        let span = Span::new(self.file, start, end);
        if error.info() == SCANNER_DEPTH_ERROR {
            // The scanner reads ahead inside brackets, so it can meet its own
            // bracket limit before our depth check sees the events.
            let depth = self.limits.max_depth.min(SCANNER_MAX_DEPTH);
            return self.depth_error(
                depth,
                span,
                format!("more than {SCANNER_MAX_DEPTH} brackets are open here"),
            );
        }
        Diagnostic::error(self.names.syntax_code, self.names.syntax_message)
            .with_primary(span, label)
    }

    fn depth_error(&self, max_depth: usize, span: Span, label: String) -> Diagnostic {
        Diagnostic::error(
            "redlines::limit::depth",
            format!("values are nested more than {max_depth} levels deep"),
        )
        .with_primary(span, label)
        .with_help(self.names.depth_help)
    }

    /// `end` moved back over trailing blanks and line breaks (block scalars
    /// include them).
    fn trim_end(&self, start: usize, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = end.min(bytes.len());
        // INVARIANT: `start < end <= bytes.len()` inside the loop.
        while end > start && bytes[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        end
    }
}

/// What saphyr's scanner says when more than [`SCANNER_MAX_DEPTH`] brackets are open.
const SCANNER_DEPTH_ERROR: &str = "recursion limit exceeded";

/// How many brackets saphyr's scanner lets one open at once.
const SCANNER_MAX_DEPTH: usize = 255;

fn duplicate_key(code: &'static str, key: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(code, format!("duplicate key `{key}`"))
        .with_primary(span, "written again here")
        .with_label(first, "first written here")
        .with_help("a key may appear only once in a mapping; remove or merge one of them")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROPOSAL: FileKind = FileKind::Proposal { json: false };

    fn parse_str(text: &str) -> Stream {
        parse(text, SourceId(0), &Limits::default(), PROPOSAL)
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    /// The key and value pairs of a mapping.
    fn entries(node: NodeRef<'_>) -> Vec<(NodeRef<'_>, NodeRef<'_>)> {
        match node.shape() {
            Shape::Map(entries) => entries.collect(),
            _ => panic!("not a mapping"),
        }
    }

    /// The values of the first document, a mapping.
    fn values(stream: &Stream) -> Vec<NodeRef<'_>> {
        let root = stream.root(&stream.documents[0]);
        entries(root).into_iter().map(|(_, value)| value).collect()
    }

    #[test]
    fn spans_are_byte_ranges_after_non_ascii_text() {
        let text = "# 日本 €\ntitle: \"日本 offer\"\namount: €600bn # ¥\nnote: |\n  line\n\n";
        let stream = parse_str(text);
        assert!(stream.diagnostics.is_empty());
        let spans: Vec<_> = entries(stream.root(&stream.documents[0]))
            .into_iter()
            .flat_map(|(k, v)| [slice(text, k.span()), slice(text, v.span())])
            .collect();
        assert_eq!(
            spans,
            [
                "title",
                "\"日本 offer\"",
                "amount",
                "€600bn",
                "note",
                "line"
            ]
        );
    }

    #[test]
    fn flow_collections_end_at_their_bracket_and_block_ones_at_their_last_value() {
        let text = "a: { b: 1 }   \nc:\n  - x\n  - y\n\n# end\n";
        let stream = parse_str(text);
        let root = stream.root(&stream.documents[0]);
        let values: Vec<_> = values(&stream)
            .into_iter()
            .map(|v| slice(text, v.span()))
            .collect();
        assert_eq!(values, ["{ b: 1 }", "- x\n  - y"]);
        assert_eq!(slice(text, root.span()), "a: { b: 1 }   \nc:\n  - x\n  - y");
    }

    #[test]
    fn a_flow_collection_ends_at_its_bracket_before_a_trailing_comment() {
        let text = "- name: é case\n  given:\n    proposal: a\n    parties: [us, eu]  # x\n  other: {a: 1}   # y\n";
        let stream = parse_str(text);
        assert!(stream.diagnostics.is_empty(), "{:?}", stream.diagnostics);
        let Shape::List(mut cases) = stream.root(&stream.documents[0]).shape() else {
            panic!("not a list")
        };
        let values: Vec<_> = entries(cases.next().unwrap())
            .into_iter()
            .map(|(_, v)| slice(text, v.span()))
            .collect();
        assert_eq!(
            values,
            ["é case", "proposal: a\n    parties: [us, eu]", "{a: 1}"]
        );
    }

    #[test]
    fn text_is_a_value_that_is_not_null_and_an_alias_shows_where_its_value_is() {
        let text = "a: &p {x: 1}  # c\nb: *p\nc: ~\nd: '~'\n";
        let stream = parse_str(text);
        let values = values(&stream);
        let spans: Vec<_> = values
            .iter()
            .map(|v| (slice(text, v.span()), slice(text, v.value_span())))
            .collect();
        assert_eq!(spans[0], ("&p {x: 1}", "&p {x: 1}"));
        assert_eq!(spans[1], ("*p", "&p {x: 1}"));
        let texts: Vec<_> = values.iter().map(|v| v.text()).collect();
        assert_eq!(texts, [None, None, None, Some("~")]);
    }

    #[test]
    fn a_test_file_names_its_own_diagnostics() {
        let code = |text: &str| {
            let stream = parse(text, SourceId(0), &Limits::default(), FileKind::Test);
            stream
                .diagnostics
                .first()
                .map(|d| (d.code, d.message.clone()))
        };
        assert_eq!(
            code("a: 1\na: 2\n"),
            Some((
                "redlines::test::duplicate_key",
                "duplicate key `a`".to_owned()
            ))
        );
        assert_eq!(
            code("a: [1\n"),
            Some((
                "redlines::test::yaml",
                "this test file is not valid YAML".to_owned()
            ))
        );
        assert_eq!(
            code("{a: [1\n"),
            Some((
                "redlines::test::yaml",
                "this test file is not valid YAML".to_owned()
            ))
        );
        let nested = "[".repeat(65) + &"]".repeat(65);
        assert_eq!(
            code(&nested).map(|(code, _)| code),
            Some("redlines::limit::depth")
        );
        let json = parse(
            "{",
            SourceId(0),
            &Limits::default(),
            FileKind::Proposal { json: true },
        );
        assert_eq!(json.diagnostics[0].message, "this file is not valid JSON");
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_spans_and_the_first_is_kept() {
        let text = "a: 1\nb: 2\na: 3\n";
        let stream = parse_str(text);
        assert_eq!(stream.diagnostics.len(), 1);
        let diagnostic = &stream.diagnostics[0];
        assert_eq!(diagnostic.code, "redlines::proposal::duplicate_key");
        let spans: Vec<_> = diagnostic.labels.iter().map(|l| l.span.start).collect();
        assert_eq!(spans, [10, 0]);
        let values = values(&stream);
        assert_eq!(values.len(), 2);
        assert_eq!(values[0].text(), Some("1"));
    }

    #[test]
    fn duplicate_keys_are_found_in_small_and_large_mappings_alike() {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k3: again\nk30: again\n");
        let stream = parse_str(&text);
        let firsts: Vec<&str> = stream
            .diagnostics
            .iter()
            .map(|d| slice(&text, d.labels[1].span))
            .collect();
        assert_eq!(firsts, ["k3", "k30"]);
        let small = parse_str("k1: 1\nk2: 2\nk1: 3\n");
        assert_eq!(small.diagnostics.len(), 1);
    }

    #[test]
    fn an_alias_is_seen_at_its_own_span_with_the_anchored_value() {
        let text = "a: &r 10%\nb: *r\n";
        let stream = parse_str(text);
        let b = values(&stream)[1];
        assert_eq!(slice(text, b.span()), "*r");
        assert_eq!(b.scalar().map(|t| t.text.as_str()), Some("10%"));
    }

    #[test]
    fn quoted_and_tagged_scalars_are_not_plain() {
        let text = "a: '15'\nb: !!str 15\nc: 15\nd: ~\ne: '~'\n";
        let stream = parse_str(text);
        let values = values(&stream);
        let plain: Vec<_> = values.iter().map(|v| v.scalar().map(|t| t.plain)).collect();
        assert_eq!(
            plain,
            [
                Some(false),
                Some(false),
                Some(true),
                Some(true),
                Some(false)
            ]
        );
        let nulls: Vec<_> = values.iter().map(|v| v.is_null()).collect();
        assert_eq!(nulls, [false, false, false, true, false]);
    }

    #[test]
    fn each_document_of_a_stream_is_kept() {
        let stream = parse_str("a: 1\n---\nb: 2\n---\n");
        assert_eq!(stream.documents.len(), 3);
        assert!(stream.root(&stream.documents[2]).is_null());
        assert!(!stream.stopped);
    }

    #[test]
    fn a_syntax_error_stops_reading_and_points_at_its_position() {
        let start = |text| {
            let stream = parse_str(text);
            assert!(stream.stopped);
            assert_eq!(stream.diagnostics[0].code, "redlines::proposal::yaml");
            stream.diagnostics[0].primary_span().map(|s| s.start)
        };
        assert_eq!(start("a: b\n  c: d\n"), Some(8));
        // At the end of the file, the label moves back onto the last character.
        assert_eq!(start("a: [1, 2\n\n"), Some(7));
    }

    #[test]
    fn a_self_containing_alias_stops_reading() {
        let stream = parse_str("a: &x [1, *x]\n");
        assert!(stream.stopped);
        assert_eq!(stream.diagnostics[0].code, "redlines::proposal::yaml");
    }

    #[test]
    fn limits_stop_reading_with_their_own_codes() {
        let limits = Limits {
            max_depth: 2,
            max_nodes: 10,
            max_aliases: 1,
            max_string_len: 4,
        };
        let code = |text: &str| {
            let stream = parse(text, SourceId(0), &limits, PROPOSAL);
            assert!(stream.stopped, "{text}");
            stream.diagnostics.last().map(|d| d.code)
        };
        assert_eq!(code("a: [[1]]"), Some("redlines::limit::depth"));
        assert_eq!(
            code("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"),
            Some("redlines::limit::nodes")
        );
        assert_eq!(code("[&a 1, *a, *a]"), Some("redlines::limit::aliases"));
        assert_eq!(
            code("[&a [1, 2, 3, 4], *a]"),
            Some("redlines::limit::aliases")
        );
        assert_eq!(code("a: hello"), Some("redlines::limit::string"));
    }

    #[test]
    fn character_indices_map_to_bytes_beyond_the_first_checkpoint() {
        let text = "€".repeat(200) + "x";
        let offsets = Offsets::new(&text, 0);
        assert_eq!(offsets.byte(0), 0);
        assert_eq!(offsets.byte(130), 390);
        assert_eq!(offsets.byte(200), 600);
        assert_eq!(offsets.byte(201), 601);
        assert_eq!(offsets.byte(5000), 601);
        assert_eq!(Offsets::new("abc", 0).byte(2), 2);
        assert_eq!(Offsets::new("abc", 10).byte(2), 12);
    }
}
