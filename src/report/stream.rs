//! Every format of a run, its reports rendered as they are made (in
//! parallel, see [`crate::run::walk`]) instead of kept: memory stays flat
//! however many proposals a run checks.
//!
//! The output is byte for byte what the `render_run` of each format's
//! module gives for the same run. What comes first in it (the static
//! warnings, json's summary, junit's counts) and whether there is any
//! output at all (an invalid proposal anywhere makes the run fail with
//! diagnostics only) are known only once every proposal is read, so the
//! rendered reports wait in spill buffers (memory, then a temporary file
//! past a megabyte) until then.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

use crate::diagnostic::Style;
use crate::run::{self, CheckFailure, CheckOptions, Consumer, ProposalReport, RunContext, Verdict};

use super::array::Entries;
use super::{github, human, json, junit, sarif};

/// A format that can be rendered as reports are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Streamed {
    /// [`super::human`].
    Human,
    /// [`super::github`].
    Github,
    /// [`super::json`]; `include_passes` lists every rule's finding.
    Json {
        /// Also list the rules that pass or do not apply.
        include_passes: bool,
    },
    /// [`super::sarif`].
    Sarif,
    /// [`super::junit`].
    Junit,
}

/// Checks `options` and writes the report in `format` to `print`, piece by
/// piece. Returns the verdict, or the problems of an invalid input (then
/// nothing was printed).
pub fn check(
    options: &CheckOptions,
    format: Streamed,
    style: Style,
    deny_warnings: bool,
    print: &mut dyn FnMut(&[u8]),
) -> Result<Verdict, CheckFailure> {
    let mut spill = Spill::default();
    let mut blocked = false;
    match format {
        Streamed::Human => {
            let mut totals = human::Totals::default();
            let consumer = Human {
                style,
                deny_warnings,
            };
            let walked = run::walk(options, &consumer, &mut |piece: human::Piece| {
                blocked |= piece.blocked();
                totals.add(&piece);
                spill.write(&piece.text);
            })?;
            print(human::render_warnings(&walked.warnings, &walked.sources, style).as_bytes());
            spill.drain(print);
            print(totals.render(walked.selected.len()).as_bytes());
            Ok(verdict(
                blocked || (deny_warnings && !walked.warnings.is_empty()),
            ))
        }
        Streamed::Github => {
            let consumer = Github { deny_warnings };
            let walked = run::walk(options, &consumer, &mut |(text, blocks): (String, bool)| {
                blocked |= blocks;
                spill.write(&text);
            })?;
            print(github::render_warnings(&walked.warnings, &walked.sources).as_bytes());
            spill.drain(print);
            Ok(verdict(
                blocked || (deny_warnings && !walked.warnings.is_empty()),
            ))
        }
        Streamed::Json { include_passes } => {
            let consumer = Json {
                include_passes,
                deny_warnings,
            };
            let mut summary = json::Summary::default();
            let (mut proposals, mut findings) =
                (Entries::new(json::DEPTH), Entries::new(json::DEPTH));
            let mut findings_spill = Spill::default();
            let walked = run::walk(options, &consumer, &mut |piece: json::Piece| {
                blocked |= piece.blocked();
                summary.add(&piece.summary);
                proposals.add(&piece.proposal, &mut |text| spill.write(text));
                findings.add(&piece.findings, &mut |text| findings_spill.write(text));
            })?;
            let verdict = verdict(blocked || (deny_warnings && !walked.warnings.is_empty()));
            let frame = json::Frame::new(
                summary,
                walked.selected.len(),
                verdict,
                &walked.sources,
                &walked.warnings,
            );
            print(frame.head.as_bytes());
            spill.drain(print);
            print(proposals.end().as_bytes());
            print(frame.middle.as_bytes());
            findings_spill.drain(print);
            print(findings.end().as_bytes());
            print(frame.tail.as_bytes());
            Ok(verdict)
        }
        Streamed::Sarif => {
            let consumer = Sarif { deny_warnings };
            let mut findings = Entries::new(sarif::DEPTH);
            let walked = run::walk(options, &consumer, &mut |piece: sarif::Piece| {
                blocked |= piece.blocked();
                findings.add(&piece.results, &mut |text| spill.write(text));
            })?;
            let context = RunContext {
                sources: &walked.sources,
                rules: &walked.rules,
                selected: &walked.selected,
            };
            let frame = sarif::Frame::new(&context, &walked.warnings);
            print(frame.open(&findings).as_bytes());
            spill.drain(print);
            print(frame.close(&findings).as_bytes());
            Ok(verdict(
                blocked || (deny_warnings && !walked.warnings.is_empty()),
            ))
        }
        Streamed::Junit => {
            let consumer = Junit { deny_warnings };
            let mut totals = junit::Totals::default();
            let walked = run::walk(options, &consumer, &mut |piece: junit::Piece| {
                blocked |= piece.blocked();
                totals.add(&piece.totals);
                spill.write(&piece.suite);
            })?;
            let frame = junit::Frame::new(&totals);
            print(frame.head.as_bytes());
            spill.drain(print);
            print(frame.tail.as_bytes());
            Ok(verdict(
                blocked || (deny_warnings && !walked.warnings.is_empty()),
            ))
        }
    }
}

fn verdict(blocked: bool) -> Verdict {
    if blocked {
        Verdict::Blocked
    } else {
        Verdict::Clear
    }
}

struct Human {
    style: Style,
    deny_warnings: bool,
}

impl Consumer for Human {
    type Piece = human::Piece;
    const KEEPS_SPANS: bool = false;

    fn piece(&self, context: &RunContext<'_>, report: ProposalReport) -> human::Piece {
        human::render_report(context, &report, self.style, self.deny_warnings)
    }
}

struct Github {
    deny_warnings: bool,
}

impl Consumer for Github {
    /// The commands, and whether the proposal blocks the run.
    type Piece = (String, bool);
    const KEEPS_SPANS: bool = false;

    fn piece(&self, context: &RunContext<'_>, report: ProposalReport) -> (String, bool) {
        let blocks = report
            .findings
            .iter()
            .any(|f| context.blocks(f, self.deny_warnings));
        (github::render_report(context, &report), blocks)
    }
}

struct Sarif {
    deny_warnings: bool,
}

impl Consumer for Sarif {
    type Piece = sarif::Piece;
    const KEEPS_SPANS: bool = false;

    fn piece(&self, context: &RunContext<'_>, report: ProposalReport) -> sarif::Piece {
        sarif::render_report(context, &report, self.deny_warnings)
    }
}

struct Junit {
    deny_warnings: bool,
}

impl Consumer for Junit {
    type Piece = junit::Piece;
    const KEEPS_SPANS: bool = false;

    fn piece(&self, context: &RunContext<'_>, report: ProposalReport) -> junit::Piece {
        junit::render_report(context, &report, self.deny_warnings)
    }
}

struct Json {
    include_passes: bool,
    deny_warnings: bool,
}

impl Consumer for Json {
    type Piece = json::Piece;
    const KEEPS_SPANS: bool = false;

    fn piece(&self, context: &RunContext<'_>, report: ProposalReport) -> json::Piece {
        json::render_report(context, &report, self.include_passes, self.deny_warnings)
    }
}

/// Text kept in memory up to this size, then in a temporary file.
const IN_MEMORY: usize = 1 << 20;

/// Text written now and read back once, in order.
#[derive(Default)]
struct Spill {
    memory: String,
    file: Option<BufWriter<File>>,
}

impl Spill {
    fn write(&mut self, text: &str) {
        if self.file.is_none() && self.memory.len() + text.len() > IN_MEMORY {
            // Past the memory budget: move to a temporary file (deleted
            // when closed). If none can be made, memory it is.
            if let Ok(file) = tempfile::tempfile() {
                let mut file = BufWriter::with_capacity(IN_MEMORY, file);
                if file.write_all(self.memory.as_bytes()).is_ok() {
                    self.memory.clear();
                    self.file = Some(file);
                }
            }
        }
        if let Some(file) = &mut self.file {
            if file.write_all(text.as_bytes()).is_ok() {
                return;
            }
            // The file failed: take back what it holds, and go on in memory.
            let mut back = String::new();
            if let Ok(mut file) = file.get_ref().try_clone()
                && file.seek(SeekFrom::Start(0)).is_ok()
            {
                let _ = file.read_to_string(&mut back);
            }
            back.push_str(std::str::from_utf8(file.buffer()).unwrap_or_default());
            self.memory = back;
            self.file = None;
        }
        self.memory.push_str(text);
    }

    /// Hands everything written to `print`, in order.
    fn drain(self, print: &mut dyn FnMut(&[u8])) {
        if let Some(file) = self.file
            && let Ok(mut file) = file.into_inner()
            && file.seek(SeekFrom::Start(0)).is_ok()
        {
            let mut buffer = vec![0u8; IN_MEMORY];
            loop {
                match file.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(read) => print(&buffer[..read]),
                }
            }
        }
        if !self.memory.is_empty() {
            print(self.memory.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_text_comes_back_whole_and_in_order() {
        let mut spill = Spill::default();
        let piece = "é€ line of a report\n".repeat(1000);
        let mut expected = String::new();
        while expected.len() <= IN_MEMORY + (1 << 17) {
            spill.write(&piece);
            expected.push_str(&piece);
        }
        spill.write("end\n");
        expected.push_str("end\n");
        assert!(spill.file.is_some(), "past the budget, text goes to a file");
        let mut back = Vec::new();
        spill.drain(&mut |bytes| back.extend_from_slice(bytes));
        assert_eq!(back, expected.as_bytes());
    }
}
