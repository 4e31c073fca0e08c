//! The one diagnostic type every stage reports with, and its rendering.
//!
//! Each stage builds [`Diagnostic`]s with a stable code
//! (`redlines::syntax::unexpected`, `redlines::type::mismatch`, ...); the
//! reporters turn them into miette reports or machine formats. Keeping the
//! data separate from miette lets one diagnostic label several files.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::source::{Sources, Span};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information only.
    Note,
    /// Worth a look; fails the run only with `--deny-warnings`.
    Warning,
    /// Blocks: invalid input, or a crossed red line.
    Error,
}

/// A labelled span inside a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// What is labelled.
    pub span: Span,
    /// The text shown beside it (may be empty).
    pub text: String,
    /// Whether this is the main point of the diagnostic.
    pub primary: bool,
}

/// A problem or finding, with labels into one or more files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `redlines::type::mismatch`.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// One lowercase line, no final period.
    pub message: String,
    /// Labelled spans; the first primary one is where the problem is.
    pub labels: Vec<Label>,
    /// Longer advice shown under the snippets.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a code and message and no labels yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    /// A warning with a code and message and no labels yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Sets the severity.
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    /// Adds the primary label.
    pub fn with_primary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            text: text.into(),
            primary: true,
        });
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            text: text.into(),
            primary: false,
        });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The span of the first primary label, else of the first label.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|label| label.primary)
            .or(self.labels.first())
            .map(|label| label.span)
    }

    /// Whether this diagnostic is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics, most often the result of a failed stage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
}

/// A diagnostic bound to the sources it points into, as miette wants it.
pub struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    sources: &'a Sources,
}

impl<'a> Rendered<'a> {
    /// Binds `diagnostic` to `sources`.
    pub fn new(diagnostic: &'a Diagnostic, sources: &'a Sources) -> Rendered<'a> {
        Rendered {
            diagnostic,
            sources,
        }
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // A finding names its rule in the message; its code adds nothing there.
        let finding = self.diagnostic.code.starts_with("redlines::finding::");
        (!finding).then(|| Box::new(self.diagnostic.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.sources)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.diagnostic.labels.iter().map(|label| {
            let text = (!label.text.is_empty()).then(|| label.text.clone());
            let span = self.sources.global(label.span);
            if label.primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })))
    }
}

/// How a report is drawn: colours and width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Whether to use ANSI colours.
    pub color: bool,
    /// Terminal width to wrap at.
    pub width: usize,
}

impl Style {
    /// The deterministic style used in tests and snapshots: no colour, 80 columns.
    pub const PLAIN: Style = Style {
        color: false,
        width: 80,
    };
}

/// Renders one diagnostic as miette's graphical report.
pub fn render(diagnostic: &Diagnostic, sources: &Sources, style: Style) -> String {
    let handler = handler(style).with_wrap_lines(!fits(diagnostic, style.width));
    render_with(&handler, diagnostic, sources)
}

/// miette's graphical handler in `style`, wrapping text.
fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
}

fn render_with(
    handler: &GraphicalReportHandler,
    diagnostic: &Diagnostic,
    sources: &Sources,
) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail; a render error would only lose text.
    let _ = handler.render_report(&mut out, &Rendered::new(diagnostic, sources));
    out
}

/// The widest indent miette puts before wrapped text (`  help: `).
const WIDEST_INDENT: usize = 8;

/// Whether miette would leave the message and help of `diagnostic`
/// unwrapped at `width`: every line fits beside the widest indent and is
/// plain (no blank line, no space at either end, no control character).
/// Then it can skip wrapping, which is a fifth of the cost of rendering a
/// report, for the same text.
fn fits(diagnostic: &Diagnostic, width: usize) -> bool {
    // miette wraps at two columns less than the width it is given.
    let room = width.saturating_sub(2 + WIDEST_INDENT);
    let plain_line = |line: &str| {
        !line.is_empty()
            && !line.starts_with(char::is_whitespace)
            && !line.ends_with(char::is_whitespace)
            && !line.contains(char::is_control)
            && textwrap::core::display_width(line) <= room
    };
    let plain = |text: &str| !text.is_empty() && text.split('\n').all(plain_line);
    plain(&diagnostic.message) && diagnostic.help.as_deref().is_none_or(plain)
}

/// Renders many diagnostics, one after the other.
pub fn render_all(diagnostics: &[Diagnostic], sources: &Sources, style: Style) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| render(diagnostic, sources, style))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The closest of `candidates` to `name`, if one is close enough to suggest.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|candidate| *candidate != name)
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(name.len().min(candidate.len()) / 3))
        .min()
        .map(|(_, candidate)| candidate)
}

/// ` (did you mean `x`?)`-style help text, or `None`.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(name, candidates).map(|best| format!("did you mean `{best}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    #[test]
    fn suggestions_pick_the_closest_name() {
        assert_eq!(
            did_you_mean("aftr", ["before", "after", "quota"]),
            Some("after")
        );
        assert_eq!(did_you_mean("zzzzzz", ["before", "after"]), None);
    }

    #[test]
    fn reports_that_skip_wrapping_read_as_wrapped_ones() {
        let mut sources = Sources::new();
        let file = sources.add("p.yaml", "tariffs:\n  autos: 15%\n");
        let words = [
            "autos",
            "at-or-below",
            "日本の",
            "x",
            "€25bn",
            "tariff-rate-quota",
            "a_very_long_identifier_without_any_break_in_it_at_all_whatsoever",
        ];
        let mut seed = 7u64;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        // Texts of words with single or double spaces and line breaks.
        let mut text = move |max: usize| {
            let mut out = String::new();
            for i in 0..1 + next(max) {
                out.push_str(match (i, next(12)) {
                    (0, _) => "",
                    (_, 0) => "\n",
                    (_, 1) => "  ",
                    _ => " ",
                });
                out.push_str(words[next(words.len())]);
            }
            (out, next(2) == 0)
        };
        let mut skipped = 0;
        for _ in 0..3000 {
            let (message, with_help) = text(16);
            let mut diagnostic = Diagnostic::error("redlines::test", message)
                .with_primary(Span::new(file, 11, 14), "here");
            if with_help {
                diagnostic = diagnostic.with_help(text(16).0);
            }
            for style in [
                Style::PLAIN,
                Style {
                    color: true,
                    width: 60,
                },
            ] {
                skipped += usize::from(fits(&diagnostic, style.width));
                assert_eq!(
                    render(&diagnostic, &sources, style),
                    render_with(&handler(style), &diagnostic, &sources),
                    "{diagnostic:?}"
                );
            }
        }
        assert!(skipped > 1000, "only {skipped} reports skipped wrapping");
    }

    #[test]
    fn one_report_can_label_two_files() {
        let mut sources = Sources::new();
        let rule = sources.add("rules/a.redline", "require x\n");
        let proposal = sources.add("p.yaml", "x: 1\n");
        let diagnostic = Diagnostic::error("redlines::test", "two files")
            .with_primary(Span::new(rule, 8, 9), "here")
            .with_label(Span::new(proposal, 0, 1), "and here");
        let out = render(&diagnostic, &sources, Style::PLAIN);
        assert!(out.contains("rules/a.redline:1:9"), "{out}");
        assert!(out.contains("p.yaml:1:1"), "{out}");
    }
}
