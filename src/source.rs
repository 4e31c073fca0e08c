//! Source files and spans: every rule and proposal value remembers where it
//! came from, so that one diagnostic can point into several files.

use std::sync::Arc;

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
        (self.end - self.start) as usize
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

fn saturate(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// One loaded file: its display name and text.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or `<stdin>`).
    pub name: String,
    /// The whole text.
    pub text: String,
    /// Byte offset of the start of every line, for line/column look-ups.
    line_starts: Vec<usize>,
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
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count());
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// The text of a span, or the empty string if it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// The registry of every file loaded in one run.
///
/// Implements [`SourceCode`] over a virtual concatenation of all files, so a
/// single miette report can label a rule file and a proposal file at once.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<Arc<SourceFile>>,
    bases: Vec<usize>,
}

impl Sources {
    /// An empty registry.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        let base = match (self.files.last(), self.bases.last()) {
            (Some(file), Some(base)) => base + file.text.len() + 1,
            _ => 0,
        };
        let id = SourceId(saturate(self.files.len()));
        self.files.push(Arc::new(SourceFile::new(name, text)));
        self.bases.push(base);
        id
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
        let base = self.bases[span.source.0 as usize];
        SourceSpan::new((base + span.start as usize).into(), span.len())
    }

    fn locate(&self, global: usize) -> Option<usize> {
        let index = self.bases.partition_point(|&base| base <= global);
        index.checked_sub(1)
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
        let file = &self.files[index];
        let base = self.bases[index];
        let local = SourceSpan::new((span.offset() - base).into(), span.len());
        let contents =
            file.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + base).into(),
                contents.span().len(),
            ),
            contents.line(),
            contents.column(),
            contents.line_count(),
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
}
