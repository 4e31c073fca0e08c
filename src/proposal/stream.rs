//! Reading a long proposal file from disk a piece at a time. The file is
//! cut at `---` lines into pieces of about a given number of documents;
//! each piece is a source of its own (its lines numbered as in the whole
//! file) and is parsed and validated alone, with the limits counted over
//! the whole file. Neither the text nor the tree of a long stream is ever
//! held whole.
//!
//! YAML allows a document marker (`---` at the start of a line, then a
//! blank or the line's end) nowhere but between documents, so cutting
//! there splits no document. Directives (`%YAML`) stay with the marker
//! they precede.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::load::convert;
use super::model::Proposal;
use crate::diagnostic::Diagnostic;
use crate::files;
use crate::source::{Origin, SourceFile, SourceId, line_breaks};
use crate::yaml::{self, Counts, FileKind, Limits};

/// One piece of a streamed file, read and validated.
#[derive(Debug)]
pub struct FilePiece {
    /// The piece's text. It must be added to the run's sources with the id
    /// its spans were given (see [`stream_proposals`]).
    pub source: SourceFile,
    /// The valid proposals of the piece, in file order.
    pub proposals: Vec<Proposal>,
    /// The problems found in the piece, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the proposal file at `path` in pieces of about `documents`
/// documents, handing each to `each` as it is read. Piece `i` (from 0)
/// has the source id `first + i`: the caller adds the pieces to its
/// sources, in order, starting at `first`.
///
/// Gives what [`super::load_proposals`] gives on the whole file, piece by
/// piece: a YAML error or an exceeded limit stops reading, and the file is
/// invalid as a whole if any piece has problems. A file that cannot be read
/// at all (missing, a folder, larger than `max_size`) is an error before
/// any piece.
pub fn stream_proposals(
    path: &Path,
    first: SourceId,
    limits: &Limits,
    max_size: u64,
    documents: usize,
    each: &mut dyn FnMut(FilePiece),
) -> Result<(), Diagnostic> {
    let mut reader = PieceReader::open(path, max_size)?;
    let mut counts = Counts::default();
    let mut id = first;
    while let Some(RawPiece { source, layout }) = reader.next(documents) {
        let parsed = parse_piece(&source.text, &layout, id, limits, &mut counts);
        each(FilePiece {
            source,
            proposals: parsed.proposals,
            diagnostics: parsed.diagnostics,
        });
        if parsed.stop {
            break;
        }
        id = SourceId(id.0 + 1);
    }
    Ok(())
}

/// A long proposal file read from disk a piece at a time, each piece cut
/// at a document marker but not yet parsed, so that pieces can be parsed
/// apart (see [`parse_piece`]).
pub(crate) struct PieceReader {
    cutter: Cutter<BufReader<std::io::Take<std::fs::File>>>,
    path: std::path::PathBuf,
    shown: String,
    json: bool,
    max_size: u64,
    /// Whether the next piece is the file's first.
    first: bool,
    /// Whether the last piece has been read.
    done: bool,
}

/// One piece of a streamed file as read: its text, to be added to the
/// run's sources, and where the piece lies in it.
pub(crate) struct RawPiece {
    /// The piece with the lines around it, numbered as in the whole file.
    pub source: SourceFile,
    /// How to parse it.
    pub layout: Layout,
}

/// Where a piece lies in its text and in its file, or why it could not be
/// read.
#[derive(Debug)]
pub(crate) struct Layout {
    /// The piece itself within its text (the rest is context).
    piece: std::ops::Range<usize>,
    /// Whether it is the file's first piece.
    first: bool,
    /// Whether it ends the file.
    last: bool,
    /// Whether the file is JSON.
    json: bool,
    /// The problem that stopped the reading here (the piece is then empty
    /// and the last).
    problem: Option<Diagnostic>,
}

/// A piece parsed and validated.
pub(crate) struct ParsedPiece {
    /// The valid proposals, in file order.
    pub proposals: Vec<Proposal>,
    /// The problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether reading stops after this piece: the file ends, or it has a
    /// YAML error or an exceeded limit.
    pub stop: bool,
}

impl PieceReader {
    /// Opens the file at `path`, once it is known to be a file of at most
    /// `max_size` bytes.
    pub(crate) fn open(path: &Path, max_size: u64) -> Result<PieceReader, Diagnostic> {
        let shown = files::display(path);
        files::checked_size(path, max_size)?;
        let file = std::fs::File::open(path).map_err(|e| files::io_error(&shown, &e))?;
        Ok(PieceReader {
            cutter: Cutter::new(BufReader::new(file.take(max_size.saturating_add(1)))),
            path: path.to_owned(),
            json: shown.to_ascii_lowercase().ends_with(".json"),
            shown,
            max_size,
            first: true,
            done: false,
        })
    }

    /// The next piece of about `documents` documents, or `None` after the
    /// last. A piece that cannot be read (an I/O error, a file grown past
    /// the size limit, bytes that are not UTF-8) comes as an empty last
    /// piece with the problem.
    pub(crate) fn next(&mut self, documents: usize) -> Option<RawPiece> {
        if self.done {
            return None;
        }
        let shown = &self.shown;
        let first = std::mem::replace(&mut self.first, false);
        let read = self
            .cutter
            .next(documents.max(1))
            .map_err(|e| files::io_error(shown, &e))
            .and_then(|cut| {
                if self.cutter.read > self.max_size {
                    // The file grew after its size was read.
                    return Err(files::too_large(shown, self.cutter.read, self.max_size));
                }
                let text = files::utf8(shown, cut.bytes, cut.offset)?;
                Ok((text, cut.piece, cut.offset, cut.first_line, cut.last))
            });
        let (text, piece, offset, first_line, last, problem) = match read {
            Ok((text, piece, offset, first_line, last)) => {
                (text, piece, offset, first_line, last, None)
            }
            Err(problem) => {
                let (offset, lines) = (self.cutter.start, self.cutter.lines);
                (String::new(), 0..0, offset, lines, true, Some(problem))
            }
        };
        self.done = last;
        let origin = Origin {
            path: self.path.clone(),
            offset,
        };
        Some(RawPiece {
            source: SourceFile::piece(shown.clone(), text, first_line, origin),
            layout: Layout {
                piece,
                first,
                last,
                json: self.json,
                problem,
            },
        })
    }
}

/// Parses and validates a piece read by [`PieceReader`] whose text is
/// `text` and whose source id is `id`, counting against the limits from
/// `counts` on and leaving there what was counted (a file is limited as a
/// whole).
pub(crate) fn parse_piece(
    text: &str,
    layout: &Layout,
    id: SourceId,
    limits: &Limits,
    counts: &mut Counts,
) -> ParsedPiece {
    if let Some(problem) = &layout.problem {
        return ParsedPiece {
            proposals: Vec::new(),
            diagnostics: vec![problem.clone()],
            stop: true,
        };
    }
    let kind = FileKind::Proposal { json: layout.json };
    let mut stream = yaml::parse_counting(text, layout.piece.clone(), id, limits, kind, counts);
    let whole = layout.first && layout.last;
    let several = !whole || stream.documents.len() > 1;
    let (proposals, diagnostics) = convert(&mut stream, id, layout.json, several, whole);
    ParsedPiece {
        proposals,
        diagnostics,
        stop: stream.stopped || layout.last,
    }
}

/// The bytes of one piece of a file, with the line of the file before it
/// and the lines after it through the line after the next document marker
/// (where there are such), so that its diagnostics show the lines around
/// what they point at, and a document cut short fails, as in the whole
/// file.
struct Cut {
    bytes: Vec<u8>,
    /// The piece itself within `bytes`.
    piece: std::ops::Range<usize>,
    /// Byte offset of `bytes` in the file.
    offset: u64,
    /// Lines of the file before `bytes`.
    first_line: usize,
    /// Whether the piece ends the file.
    last: bool,
}

/// Cuts a file into pieces of whole documents at `---` lines.
struct Cutter<R> {
    reader: R,
    /// Lines read after the piece before: the start of the next piece
    /// (directives and a marker) and one line more.
    ahead: VecDeque<Vec<u8>>,
    /// The last line of the piece before.
    line_before: Vec<u8>,
    /// Bytes read so far.
    read: u64,
    /// Byte offset of the next piece.
    start: u64,
    /// Lines of the file before the next piece.
    lines: usize,
    /// Whether the first piece is still to come (its first document may
    /// have no marker).
    first: bool,
}

impl<R: BufRead> Cutter<R> {
    fn new(reader: R) -> Cutter<R> {
        Cutter {
            reader,
            ahead: VecDeque::new(),
            line_before: Vec::new(),
            read: 0,
            start: 0,
            lines: 0,
            first: true,
        }
    }

    /// The next piece: whole lines, ending just before the marker (or the
    /// directives before it) that would start document `documents + 1`, or
    /// at the end of the file.
    fn next(&mut self, documents: usize) -> std::io::Result<Cut> {
        let mut bytes = Vec::new();
        let mut markers = usize::from(self.first);
        self.first = false;
        // Where the run of directive lines just read began, if the last
        // line read was one.
        let mut directives: Option<usize> = None;
        loop {
            let start = bytes.len();
            if !self.line(&mut bytes)? {
                return Ok(self.cut(bytes, true));
            }
            let line = &bytes[start..];
            if line.first() == Some(&b'%') {
                directives.get_or_insert(start);
                continue;
            }
            if is_marker(line) {
                let cut_at = directives.unwrap_or(start);
                if markers >= documents && cut_at > 0 {
                    // The next piece's first lines go back ahead of what
                    // is still to be read, with one line more for context.
                    let next = bytes.split_off(cut_at);
                    let mut ahead: VecDeque<Vec<u8>> = next
                        .split_inclusive(|&b| b == b'\n')
                        .map(<[u8]>::to_vec)
                        .collect();
                    let mut more = Vec::new();
                    if !self.ahead.is_empty() {
                        ahead.append(&mut self.ahead);
                    } else if self.read_line(&mut more)? {
                        ahead.push_back(more);
                    }
                    self.ahead = ahead;
                    return Ok(self.cut(bytes, false));
                }
                markers += 1;
            }
            directives = None;
        }
    }

    /// Adds the next line to `bytes`; false at the end of the file.
    fn line(&mut self, bytes: &mut Vec<u8>) -> std::io::Result<bool> {
        match self.ahead.pop_front() {
            Some(line) => {
                bytes.extend_from_slice(&line);
                Ok(true)
            }
            None => self.read_line(bytes),
        }
    }

    fn read_line(&mut self, bytes: &mut Vec<u8>) -> std::io::Result<bool> {
        let read = self.reader.read_until(b'\n', bytes)?;
        self.read += read as u64;
        Ok(read > 0)
    }

    /// The piece `piece`, with its context, and the cutter moved past it.
    fn cut(&mut self, mut piece: Vec<u8>, last: bool) -> Cut {
        let before = std::mem::take(&mut self.line_before);
        self.line_before = last_line(&piece).to_vec();
        let lines = line_breaks(&piece);
        let len = piece.len();
        let mut bytes = before;
        let range = bytes.len()..bytes.len() + len;
        let first_line = self.lines - line_breaks(&bytes);
        let offset = self.start - bytes.len() as u64;
        bytes.append(&mut piece);
        for line in &self.ahead {
            bytes.extend_from_slice(line);
        }
        self.start += len as u64;
        self.lines += lines;
        Cut {
            bytes,
            piece: range,
            offset,
            first_line,
            last,
        }
    }
}

/// The last line of `bytes`, its line break included.
fn last_line(bytes: &[u8]) -> &[u8] {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let start = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    &bytes[start..]
}

/// Whether `line` starts a document: `---`, then a blank or the line's end.
fn is_marker(line: &[u8]) -> bool {
    line.starts_with(b"---") && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Style, render_all};
    use crate::proposal::load_proposals;
    use crate::source::Sources;

    /// The pieces of `text` cut at most `documents` documents at a time:
    /// each piece's text, its first line, and whether it is the last.
    fn cuts(text: &str, documents: usize) -> Vec<(String, usize, bool)> {
        let mut cutter = Cutter::new(text.as_bytes());
        let mut cuts: Vec<(String, usize, bool)> = Vec::new();
        loop {
            let cut = cutter.next(documents).unwrap();
            let before = &cut.bytes[..cut.piece.start];
            let offset = cut.offset as usize + before.len();
            assert_eq!(offset, cuts.iter().map(|(t, _, _)| t.len()).sum::<usize>());
            // The context is the line before the piece, and the lines after
            // it through the next marker and one more.
            let whole = text.as_bytes();
            assert_eq!(before, last_line(&whole[..offset]));
            let end = offset + cut.piece.len();
            let after = whole[end..].split_inclusive(|&b| b == b'\n');
            let mut through = 0;
            let mut marker = false;
            for line in after {
                through += line.len();
                if marker {
                    break;
                }
                marker = is_marker(line);
            }
            assert_eq!(&cut.bytes[cut.piece.end..], &whole[end..end + through]);
            let first = cut.first_line + line_breaks(before);
            let piece = String::from_utf8(cut.bytes[cut.piece].to_vec()).unwrap();
            cuts.push((piece, first, cut.last));
            if cut.last {
                let whole: String = cuts.iter().map(|(t, _, _)| t.as_str()).collect();
                assert_eq!(whole, text, "the pieces make up the file");
                return cuts;
            }
        }
    }

    #[test]
    fn a_file_is_cut_before_document_markers_only() {
        let text = "a: 1\n--- # two\nb: |\n  ---\n----\n---\r\nc: 3\n---\n";
        let pieces = cuts(text, 1);
        let texts: Vec<&str> = pieces.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "a: 1\n",
                "--- # two\nb: |\n  ---\n----\n",
                "---\r\nc: 3\n",
                "---\n"
            ]
        );
        let lines: Vec<usize> = pieces.iter().map(|(_, line, _)| *line).collect();
        assert_eq!(lines, [0, 1, 5, 7]);
        assert!(pieces[..3].iter().all(|(_, _, last)| !last));
        assert_eq!(cuts(text, 2).len(), 2);
        assert_eq!(cuts(text, 100), [(text.to_owned(), 0, true)]);
    }

    #[test]
    fn directives_stay_with_the_document_they_precede() {
        let text = "%YAML 1.2\n---\na: 1\n...\n%YAML 1.2\n%TAG ! tag:x,2025:\n---\nb: 2\n";
        let texts: Vec<String> = cuts(text, 1).into_iter().map(|(t, _, _)| t).collect();
        assert_eq!(
            texts,
            [
                "%YAML 1.2\n---\na: 1\n...\n",
                "%YAML 1.2\n%TAG ! tag:x,2025:\n---\nb: 2\n"
            ]
        );
    }

    #[test]
    fn markers_in_a_row_are_cut_one_at_a_time() {
        let text = "---\n---\n%YAML 1.2\n---\n---\n...\n%YAML 1.2\n---\na: 1\n---\n";
        let texts: Vec<String> = cuts(text, 1).into_iter().map(|(t, _, _)| t).collect();
        assert_eq!(
            texts,
            [
                "---\n",
                "---\n",
                "%YAML 1.2\n---\n",
                "---\n...\n",
                "%YAML 1.2\n---\na: 1\n",
                "---\n"
            ]
        );
        assert_eq!(cuts(text, 2).len(), 4);
    }

    #[test]
    fn an_empty_file_is_one_last_piece() {
        assert_eq!(cuts("", 3), [(String::new(), 0, true)]);
    }

    /// What reading `text` gives, proposals and diagnostics rendered (so
    /// lines and snippets are compared, not spans).
    fn outcome(sources: &Sources, proposals: &[Proposal], diagnostics: &[Diagnostic]) -> String {
        let ids: Vec<String> = proposals
            .iter()
            .map(|p| format!("{} at {:?}", p.id.value, sources.start(p.id.span)))
            .collect();
        format!(
            "{ids:?}\n{}",
            render_all(diagnostics, sources, Style::PLAIN)
        )
    }

    #[test]
    fn pieces_give_what_the_whole_file_gives() {
        let doc = |id: &str| format!("proposal: {id}\nparties: [us, eu]\n");
        let valid: String = (0..7)
            .map(|i| doc(&format!("p{i}")))
            .collect::<Vec<_>>()
            .join("---\n");
        let texts = [
            valid.clone(),
            format!(
                "{valid}---\nproposal: Bad\nparties: [us]\n---\n{}",
                doc("q")
            ),
            format!("{valid}---\n---\n{}", doc("r")),
            format!("{valid}---\nproposal: [unclosed\n---\n{}", doc("s")),
            format!("{valid}---\nproposal: t\nproposal: t\nparties: [us, eu]\n"),
            format!("{valid}---\nproposal: u\nparties: [us, eu]\nnotes: \"x\n---\ny\"\n"),
            // A lone `\r` ends a line too, in a piece as in the whole file.
            format!(
                "{valid}---\nproposal: v\rparties: [us, eu]\nnotes: x\n---\nproposal: Bad\rparties: [us]\n"
            ),
            doc("only"),
            String::new(),
            "---\n".to_owned(),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        for text in texts {
            std::fs::write(&path, &text).unwrap();
            let shown = files::display(&path);
            let mut sources = Sources::new();
            let file = sources.add(shown, text.as_str());
            let whole = match load_proposals(&sources, file, &Limits::default()) {
                Ok(proposals) => outcome(&sources, &proposals, &[]),
                Err(diagnostics) => outcome(&sources, &[], &diagnostics),
            };
            for documents in [1, 2, 3, 100] {
                let mut sources = Sources::new();
                let mut proposals = Vec::new();
                let mut diagnostics = Vec::new();
                let first = sources.next_id();
                stream_proposals(
                    &path,
                    first,
                    &Limits::default(),
                    u64::MAX,
                    documents,
                    &mut |p| {
                        sources.push(p.source);
                        proposals.extend(p.proposals);
                        diagnostics.extend(p.diagnostics);
                    },
                )
                .unwrap();
                let pieces = if diagnostics.is_empty() {
                    outcome(&sources, &proposals, &[])
                } else {
                    outcome(&sources, &[], &diagnostics)
                };
                assert_eq!(pieces, whole, "{documents} documents a piece: {text:?}");
            }
        }
    }

    #[test]
    fn limits_count_over_the_whole_file() {
        let doc = "proposal: p\nparties: [us, eu]\n";
        let text = [doc; 6].join("---\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        std::fs::write(&path, &text).unwrap();
        let limits = Limits {
            max_nodes: 20,
            ..Limits::default()
        };
        let mut codes = Vec::new();
        let mut pieces = 0;
        stream_proposals(&path, SourceId(0), &limits, u64::MAX, 1, &mut |p| {
            pieces += 1;
            codes.extend(p.diagnostics.iter().map(|d| d.code));
        })
        .unwrap();
        assert_eq!(codes, ["redlines::limit::nodes"]);
        assert!(pieces < 6, "reading stops at the limit");
    }

    #[test]
    fn a_file_that_cannot_be_read_is_an_error_before_any_piece() {
        let dir = tempfile::tempdir().unwrap();
        let mut pieces = 0;
        let missing = stream_proposals(
            &dir.path().join("none.yaml"),
            SourceId(0),
            &Limits::default(),
            u64::MAX,
            1,
            &mut |_| pieces += 1,
        );
        assert_eq!(missing.unwrap_err().code, "redlines::io::not_found");
        let path = dir.path().join("p.yaml");
        std::fs::write(&path, "proposal: p\n").unwrap();
        let large = stream_proposals(&path, SourceId(0), &Limits::default(), 4, 1, &mut |_| {
            pieces += 1
        });
        assert_eq!(large.unwrap_err().code, "redlines::limit::file_size");
        assert_eq!(pieces, 0);
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_offset_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        let mut bytes = b"proposal: a\nparties: [us, eu]\n---\nproposal: b\n".to_vec();
        bytes.extend([0xff, b'\n']);
        std::fs::write(&path, &bytes).unwrap();
        let mut diagnostics = Vec::new();
        stream_proposals(
            &path,
            SourceId(0),
            &Limits::default(),
            u64::MAX,
            1,
            &mut |p| {
                diagnostics.extend(p.diagnostics);
            },
        )
        .unwrap();
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "redlines::io::not_utf8");
        assert_eq!(
            diagnostics[0].help.as_deref(),
            Some("the first invalid byte is at offset 46")
        );
    }
}
