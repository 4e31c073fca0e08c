//! `redlines init`: scaffold a starter project.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{EXIT_CLEAR, EXIT_INVALID, Output};
use crate::diagnostic::render;
use crate::files;
use crate::init;
use crate::source::Sources;

/// Arguments of `redlines init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to scaffold (created if missing).
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
}

/// Writes the starter and returns the exit code: 0 when written, 2 when a
/// file is in the way or cannot be written.
pub fn run(args: &InitArgs, output: &mut Output) -> u8 {
    match init::init(&args.dir) {
        Ok(written) => {
            let mut text = String::new();
            for path in &written {
                let _ = writeln!(text, "created {}", files::display(path));
            }
            let dir = files::display(&args.dir);
            let enter = if dir == "." {
                String::new()
            } else {
                format!("cd {dir} && ")
            };
            let _ = writeln!(
                text,
                "\nnext: `{enter}redlines check` checks proposals/ against rules/, `redlines test` runs tests/"
            );
            output.print(&text);
            EXIT_CLEAR
        }
        Err(diagnostic) => {
            output.eprint(&render(&diagnostic, &Sources::new(), output.style));
            EXIT_INVALID
        }
    }
}
