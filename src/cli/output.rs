//! Where command output goes, and how it looks: colour follows the
//! terminal and `NO_COLOR`; a closed pipe (`redlines check | head -1`) ends
//! output quietly instead of panicking.

use std::io::{self, IsTerminal, Write};

use crate::diagnostic::Style;

/// The standard streams of a command, or buffers in tests.
pub struct Output {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    /// How reports are drawn.
    pub style: Style,
}

impl Output {
    /// Standard output and error, styled for the terminal.
    pub fn stdio() -> Output {
        let terminal = io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100);
        Output {
            out: Box::new(io::stdout()),
            err: Box::new(io::stderr()),
            style: Style {
                color: terminal && !no_color,
                width,
            },
        }
    }

    /// Output into the given writers with the plain test style.
    pub fn to(out: Box<dyn Write>, err: Box<dyn Write>) -> Output {
        Output {
            out,
            err,
            style: Style::PLAIN,
        }
    }

    /// Writes to standard output; a closed pipe is not an error.
    pub fn print(&mut self, text: &str) {
        self.write(text.as_bytes());
    }

    /// Writes bytes (UTF-8 text, maybe cut inside a character) to
    /// standard output.
    pub fn write(&mut self, bytes: &[u8]) {
        let _ = self.out.write_all(bytes).and_then(|()| self.out.flush());
    }

    /// Writes to standard error.
    pub fn eprint(&mut self, text: &str) {
        let _ = self
            .err
            .write_all(text.as_bytes())
            .and_then(|()| self.err.flush());
    }
}
