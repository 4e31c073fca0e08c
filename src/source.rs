//! Source files and spans: every rule and proposal value remembers where it
//! came from, so that one diagnostic can point into several files.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Identifies one loaded file within a [`Sources`] registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the range belongs to.
    pub source: SourceId,
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span of `start..end` in `source`.
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span {
            source,
            start: saturate(start),
            end: saturate(end.max(start)),
        }
    }

    /// The smallest span covering both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

fn saturate(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// One loaded file, or one piece of a long file: its display name and text.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or `<stdin>`).
    pub name: String,
    /// The whole text (empty while the piece is evicted).
    pub text: String,
    /// Byte offset of the start of every line, for line/column look-ups
    /// (`u32`, as in spans); found on the first look-up, since most files
    /// of a run are never shown.
    line_starts: OnceLock<Vec<u32>>,
    /// Lines of the file before this piece (0 for a whole file).
    first_line: usize,
    /// Where a piece of a file on disk came from, so that its text can be
    /// dropped and read again.
    origin: Option<Origin>,
}

/// Where on disk the text of a piece of a file is.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The file to read it from.
    pub path: PathBuf,
    /// Byte offset of the piece in that file.
    pub offset: u64,
}

/// A 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl SourceFile {
    /// A file named `name` with contents `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            first_line: 0,
            origin: None,
        }
    }

    /// A piece of the file at `origin` (named `name`) that starts at the
    /// beginning of line `first_line + 1`: its lines and columns are
    /// counted as in the whole file.
    pub fn piece(
        name: impl Into<String>,
        text: String,
        first_line: usize,
        origin: Origin,
    ) -> SourceFile {
        SourceFile {
            first_line,
            origin: Some(origin),
            ..SourceFile::new(name, text)
        }
    }

    /// This piece without its text (its length and place are kept), or
    /// `None` for a file that cannot be read again.
    fn evicted(&self) -> Option<SourceFile> {
        Some(SourceFile {
            name: self.name.clone(),
            text: String::new(),
            line_starts: OnceLock::new(),
            first_line: self.first_line,
            origin: Some(self.origin.clone()?),
        })
    }

    /// This evicted piece with its `len` bytes of text read again, if the
    /// file still holds the same UTF-8 text there.
    fn reloaded(&self, len: usize) -> Option<SourceFile> {
        use std::io::{Read as _, Seek as _};
        let origin = self.origin.as_ref()?;
        let mut file = std::fs::File::open(&origin.path).ok()?;
        file.seek(std::io::SeekFrom::Start(origin.offset)).ok()?;
        let mut bytes = vec![0; len];
        file.read_exact(&mut bytes).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        Some(SourceFile::piece(
            self.name.clone(),
            text,
            self.first_line,
            origin.clone(),
        ))
    }

    /// The line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        // INVARIANT: `line_starts` begins with 0, so the partition point is >= 1.
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&start| start as usize <= offset) - 1;
        let line_start = line_starts[line] as usize;
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count());
        LineCol {
            line: self.first_line + line + 1,
            column: column + 1,
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// The byte offset where 0-based line `line` starts, if there is one.
    fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts().get(line).map(|&start| start as usize)
    }

    /// The 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts()
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1)
    }

    /// What miette's own `read_span` reads of the whole text for
    /// `start..end` with `before` and `after` lines of context, found in the
    /// line index instead of by scanning the text from its start. `None`
    /// for a span that starts between the `\r` and the `\n` of a line
    /// break, which miette reads in a way of its own.
    fn lines_around(&self, start: usize, end: usize, before: usize, after: usize) -> Option<Lines> {
        let text = self.text.as_bytes();
        if start > 0 && text[start - 1] == b'\r' && text.get(start) == Some(&b'\n') {
            return None;
        }
        let starts = self.line_starts();
        let at = |line: usize| starts.get(line).map_or(text.len(), |&start| start as usize);
        let line = self.line_of(start);
        let first = line - line.min(before);
        // The span's last byte, and the whole line break if it is a `\r\n`.
        let mut last = end.saturating_sub(1);
        if text.get(last) == Some(&b'\r') && text.get(last + 1) == Some(&b'\n') {
            last += 1;
        }
        // The first line that starts after the span's last byte.
        let next = starts.partition_point(|&start| (start as usize) < last + 2);
        let to = if text.is_empty() {
            0
        } else if after == 0 {
            last + 1
        } else {
            // Through that line's end, then `after` lines more.
            at(next + after)
        };
        // Without lines before, miette starts at the span itself, and gives
        // its column unless it read a line break after it.
        let (from, column) = match before {
            0 if after == 0 || next == starts.len() => (start, start - at(line)),
            0 => (start, 0),
            _ => (at(first), 0),
        };
        let line_count = starts.partition_point(|&start| start as usize <= to) - 1;
        Some(Lines {
            range: from..to,
            line: first,
            column,
            line_count,
        })
    }

    /// Whole lines around `start..end`: a margin more than the context
    /// miette asks for, so that it reads exactly what it would read in the
    /// whole text. Returns the byte range and the 0-based line it starts on.
    fn window(
        &self,
        start: usize,
        end: usize,
        before: usize,
        after: usize,
    ) -> (std::ops::Range<usize>, usize) {
        let first = self.line_of(start).saturating_sub(before.saturating_add(1));
        let last = self.line_of(end).saturating_add(after).saturating_add(2);
        let from = self.line_start(first).unwrap_or(0);
        let to = self.line_start(last).unwrap_or(self.text.len());
        (from..to, first)
    }

    /// At most [`CLIP`] bytes either side of `start..end`, within its line,
    /// on character boundaries.
    fn clip(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let line = self.line_of(start);
        let line_start = self.line_start(line).unwrap_or(0);
        let line_end = self
            .text
            .get(end..)
            .and_then(|rest| rest.find(['\n', '\r']))
            .map_or(self.text.len(), |i| end + i);
        let mut from = start.saturating_sub(CLIP).max(line_start);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let mut to = end.saturating_add(CLIP).min(line_end);
        while !self.text.is_char_boundary(to) {
            to -= 1;
        }
        from.min(start)..to.max(end)
    }

    /// The text of a span, or the empty string if it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    if bytes.contains(&b'\r') {
        let ends = (0..bytes.len()).filter(|&i| ends_line(bytes, i));
        starts.extend(ends.map(|i| saturate(i + 1)));
    } else {
        // The common case, found with `memchr`.
        starts.extend(text.match_indices('\n').map(|(i, _)| saturate(i + 1)));
    }
    starts
}

/// How many lines `bytes` ends (its line breaks).
pub(crate) fn line_breaks(bytes: &[u8]) -> usize {
    if bytes.contains(&b'\r') {
        (0..bytes.len()).filter(|&i| ends_line(bytes, i)).count()
    } else {
        bytes.iter().filter(|&&b| b == b'\n').count()
    }
}

/// Whether byte `i` of `bytes` ends a line: a `\n`, or a `\r` not before
/// one (a line ends at `\n`, `\r\n` or a lone `\r`, as in YAML and miette).
fn ends_line(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\n' => true,
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// Above this many bytes, a snippet shows only a window of the span's line.
const MAX_SNIPPET: usize = 4096;

/// Bytes kept either side of a span in such a window.
const CLIP: usize = 120;

/// The registry of every file loaded in one run.
///
/// Implements [`SourceCode`] over a virtual concatenation of all files, so a
/// single miette report can label a rule file and a proposal file at once.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<Arc<SourceFile>>,
    /// Where each file starts in the concatenation.
    bases: Vec<usize>,
    /// Length of each file's text (kept while its text is evicted).
    lengths: Vec<usize>,
}

impl Sources {
    /// An empty registry.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        self.push(SourceFile::new(name, text))
    }

    /// Adds a file (or a piece of one) and returns its id.
    pub fn push(&mut self, file: SourceFile) -> SourceId {
        self.push_shared(Arc::new(file))
    }

    /// The id the next file added will have.
    pub fn next_id(&self) -> SourceId {
        SourceId(saturate(self.files.len()))
    }

    fn push_shared(&mut self, file: Arc<SourceFile>) -> SourceId {
        let base = match (self.bases.last(), self.lengths.last()) {
            (Some(base), Some(len)) => base + len + 1,
            _ => 0,
        };
        let id = self.next_id();
        self.bases.push(base);
        self.lengths.push(file.text.len());
        self.files.push(file);
        id
    }

    /// Drops the text of a piece of a file (see [`SourceFile::piece`]),
    /// keeping its place, to be read again by [`Sources::reload`] if a
    /// diagnostic needs it. Other files are kept as they are.
    pub fn evict(&mut self, id: SourceId) {
        let index = id.0 as usize;
        if let Some(evicted) = self.files.get(index).and_then(|file| file.evicted()) {
            self.files[index] = Arc::new(evicted);
        }
    }

    /// Reads the text of the evicted pieces among `ids` again. A piece whose
    /// file no longer holds the same text stays empty (its diagnostics then
    /// show no snippet).
    pub fn reload(&mut self, ids: impl IntoIterator<Item = SourceId>) {
        for id in ids {
            let index = id.0 as usize;
            let (Some(file), Some(&len)) = (self.files.get(index), self.lengths.get(index)) else {
                continue;
            };
            if file.text.len() != len
                && let Some(reloaded) = file.reloaded(len)
            {
                self.files[index] = Arc::new(reloaded);
            }
        }
    }

    /// The file behind an id.
    ///
    /// Ids are only ever made by [`Sources::add`] on this registry.
    pub fn file(&self, id: SourceId) -> &SourceFile {
        // INVARIANT: ids come from `add` on this registry, which never removes files.
        &self.files[id.0 as usize]
    }

    /// The display name of a file.
    pub fn name(&self, id: SourceId) -> &str {
        &self.file(id).name
    }

    /// Line and column of the start of a span.
    pub fn start(&self, span: Span) -> LineCol {
        self.file(span.source).line_col(span.start as usize)
    }

    /// Line and column of the end of a span.
    pub fn end(&self, span: Span) -> LineCol {
        self.file(span.source).line_col(span.end as usize)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.file(span.source).slice(span)
    }

    /// The span in the virtual concatenation that miette renders from.
    pub fn global(&self, span: Span) -> SourceSpan {
        // INVARIANT: spans carry ids made by `add` on this registry.
        let base = self.bases[span.source.0 as usize];
        SourceSpan::new((base + span.start as usize).into(), span.len())
    }

    /// Moves every file of `other` to the end of this registry, in order,
    /// without copying their text; returns their ids here. (Files read in
    /// parallel into registries of their own join the run's this way.)
    pub fn append(&mut self, other: Sources) -> Vec<SourceId> {
        other
            .files
            .into_iter()
            .map(|file| self.push_shared(file))
            .collect()
    }

    fn locate(&self, global: usize) -> Option<usize> {
        let index = self.bases.partition_point(|&base| base <= global);
        index.checked_sub(1)
    }
}

/// Lines of a file around a span, as miette reads them: the byte range,
/// its first line (0-based), the span's column when no line before is
/// read, and how many line breaks precede the range's end.
struct Lines {
    range: std::ops::Range<usize>,
    line: usize,
    column: usize,
    line_count: usize,
}

/// What miette is handed of a file for one span, borrowing the file.
struct Snippet<'a> {
    name: &'a str,
    data: &'a [u8],
    span: SourceSpan,
    line: usize,
    column: usize,
    line_count: usize,
}

impl<'a> SpanContents<'a> for Snippet<'a> {
    fn data(&self) -> &'a [u8] {
        self.data
    }

    fn span(&self) -> &SourceSpan {
        &self.span
    }

    fn name(&self) -> Option<&str> {
        Some(self.name)
    }

    fn line(&self) -> usize {
        self.line
    }

    fn column(&self) -> usize {
        self.column
    }

    fn line_count(&self) -> usize {
        self.line_count
    }
}

impl SourceCode for Sources {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let index = self.locate(span.offset()).ok_or(MietteError::OutOfBounds)?;
        let file = self.files.get(index).ok_or(MietteError::OutOfBounds)?;
        let base = self.bases.get(index).copied().unwrap_or(0);
        let start = span.offset() - base;
        let end = start
            .checked_add(span.len())
            .filter(|&end| end <= file.text.len())
            .ok_or(MietteError::OutOfBounds)?;
        // miette reads a span by scanning the text from its start: hand it
        // only the lines around the span, so that a diagnostic costs the same
        // in a large file as in a small one, and only a window of a very long
        // line (a minified JSON file), so that it stays readable.
        let (mut window, mut line) =
            file.window(start, end, context_lines_before, context_lines_after);
        if window.len() <= MAX_SNIPPET
            && let Some(lines) =
                file.lines_around(start, end, context_lines_before, context_lines_after)
        {
            return Ok(Box::new(Snippet {
                name: &file.name,
                data: &file.text.as_bytes()[lines.range.clone()],
                span: SourceSpan::new((lines.range.start + base).into(), lines.range.len()),
                // Lines count from the start of the whole file, which a
                // piece of a long file does not begin with.
                line: lines.line + file.first_line,
                column: lines.column,
                line_count: lines.line_count + file.first_line,
            }));
        }
        if window.len() > MAX_SNIPPET {
            window = file.clip(start, end);
            line = file.line_of(start);
        }
        let text = file
            .text
            .get(window.clone())
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((start - window.start).into(), end - start);
        let contents = text.read_span(&local, context_lines_before, context_lines_after)?;
        // A clipped window starts inside its line.
        let line_start = file.line_start(line).unwrap_or(0);
        let shift = window.start - line_start.min(window.start);
        let column = if contents.line() == 0 {
            contents.column() + shift
        } else {
            contents.column()
        };
        // Lines count from the start of the whole file, which a piece of a
        // long file does not begin with.
        let line = line + file.first_line;
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + window.start + base).into(),
                contents.span().len(),
            ),
            contents.line() + line,
            column,
            // miette counts every line break from the start of what it read.
            contents.line_count() + line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let file = SourceFile::new("a", "ab\n€x\n");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_col(6), LineCol { line: 2, column: 2 });
        assert_eq!(file.line_col(99), LineCol { line: 3, column: 1 });
        // `\r\n` ends one line, and so does a lone `\r`.
        let file = SourceFile::new("a", "a\rb\r\nc\n");
        assert_eq!(file.line_col(2), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_col(4), LineCol { line: 2, column: 3 });
        assert_eq!(file.line_col(5), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn global_spans_map_back_to_their_file() {
        let mut sources = Sources::new();
        let a = sources.add("a", "first\n");
        let b = sources.add("b", "second\n");
        let span = sources.global(Span::new(b, 1, 3));
        let contents = sources.read_span(&span, 0, 0).unwrap();
        assert_eq!(contents.name(), Some("b"));
        assert_eq!(std::str::from_utf8(contents.data()).unwrap(), "ec");
        assert_eq!(contents.span().offset(), span.offset());
        assert_eq!(sources.slice(Span::new(a, 0, 5)), "first");
    }

    /// What miette reads of `text` itself, and what [`Sources`] gives for
    /// the same span of the same text placed after another file.
    fn both_reads(
        text: &str,
        start: usize,
        end: usize,
        before: usize,
        after: usize,
    ) -> (String, String) {
        let show = |contents: &dyn SpanContents<'_>, base: usize| {
            format!(
                "{:?} at {}+{} line {} column {} of {} lines: {:?}",
                contents.name(),
                contents.span().offset() - base,
                contents.span().len(),
                contents.line(),
                contents.column(),
                contents.line_count(),
                String::from_utf8_lossy(contents.data()),
            )
        };
        let span = SourceSpan::new(start.into(), end - start);
        let miette = text.read_span(&span, before, after).unwrap();
        let mut sources = Sources::new();
        sources.add("first.yaml", "a: 1\n");
        let id = sources.add("p.yaml", text);
        let global = sources.global(Span::new(id, start, end));
        let base = global.offset() - start;
        let ours = sources.read_span(&global, before, after).unwrap();
        let expected = show(&*miette, 0).replacen("None", "Some(\"p.yaml\")", 1);
        (show(&*ours, base), expected)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// A span is read exactly as miette reads it from the whole text:
        /// the same lines, line, column and line count, whatever the line
        /// breaks (`\n`, `\r\n`, a lone `\r`), the characters and the
        /// context asked for.
        #[test]
        fn a_span_reads_as_miette_reads_it_from_the_whole_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["a", "b", " ", ":", "é", "€", "\n", "\n", "\r\n", "\r"]),
                0..120,
            ),
            from in 0usize..1000,
            length in 0usize..1000,
            before in 0usize..3,
            after in 0usize..3,
        ) {
            let text: String = pieces.concat();
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let start = boundaries[from % boundaries.len()];
            let rest: Vec<usize> = boundaries.iter().copied().filter(|&i| i >= start).collect();
            let end = rest[length % rest.len()];
            let (ours, miette) = both_reads(&text, start, end, before, after);
            proptest::prop_assert_eq!(ours, miette, "text {:?}, span {}..{}", text, start, end);
        }
    }

    #[test]
    fn a_piece_of_a_file_counts_lines_from_the_start_of_the_file() {
        let origin = Origin {
            path: PathBuf::from("p.yaml"),
            offset: 120,
        };
        let mut sources = Sources::new();
        let id = sources.push(SourceFile::piece(
            "p.yaml",
            "a: 1\nb: 2\n".to_owned(),
            40,
            origin,
        ));
        assert_eq!(
            sources.start(Span::new(id, 5, 6)),
            LineCol {
                line: 42,
                column: 1
            }
        );
        let span = sources.global(Span::new(id, 5, 6));
        let contents = sources.read_span(&span, 1, 1).unwrap();
        assert_eq!(contents.line(), 40);
        assert_eq!(
            std::str::from_utf8(contents.data()).unwrap(),
            "a: 1\nb: 2\n"
        );
    }

    #[test]
    fn an_evicted_piece_keeps_its_place_and_is_read_again_from_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        std::fs::write(&path, "a: 1\n---\nb: 2\n").unwrap();
        let origin = Origin { path, offset: 5 };
        let mut sources = Sources::new();
        let piece = sources.push(SourceFile::piece(
            "p.yaml",
            "---\nb: 2\n".to_owned(),
            1,
            origin,
        ));
        let after = sources.add("q.yaml", "c: 3\n");
        let global = sources.global(Span::new(after, 0, 1));
        sources.evict(piece);
        assert_eq!(sources.file(piece).text, "");
        assert_eq!(sources.global(Span::new(after, 0, 1)), global);
        sources.reload([piece]);
        assert_eq!(sources.slice(Span::new(piece, 4, 8)), "b: 2");
        assert_eq!(
            sources.start(Span::new(piece, 4, 8)),
            LineCol { line: 3, column: 1 }
        );
        // A whole file has nowhere to be read again from: it is kept.
        sources.evict(after);
        assert_eq!(sources.file(after).text, "c: 3\n");
    }
}
