//! `redlines fmt`: rewrite `.redline` files in the canonical layout, or,
//! with `--check`, show what would change. Every file is parsed before any
//! is written, so a file that does not parse leaves all of them untouched.

use std::path::{Path, PathBuf};

use super::{EXIT_BLOCKED, EXIT_CLEAR, EXIT_INVALID, Output};
use crate::diagnostic::{Diagnostic, render_all};
use crate::files::{self, DEFAULT_MAX_FILE_SIZE};
use crate::fmt::{format_source, unified_diff, write_atomically};
use crate::source::{SourceId, Sources};

/// Arguments of `redlines fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// `.redline` files or folders; `-` reads standard input and writes the
    /// result to standard output.
    #[arg(default_value = "rules")]
    pub paths: Vec<PathBuf>,
    /// Change nothing: print a unified diff of what would change, and exit
    /// with 1 if anything would.
    #[arg(long)]
    pub check: bool,
    /// Largest file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

/// One file to format: where it came from (`None` for standard input).
struct Input {
    path: Option<PathBuf>,
    id: SourceId,
}

/// Runs `fmt` and returns the exit code.
pub fn run(args: &FmtArgs, output: &mut Output) -> u8 {
    let mut sources = Sources::new();
    let inputs = match read_inputs(args, &mut sources) {
        Ok(inputs) => inputs,
        Err(diagnostics) => return invalid(&diagnostics, &sources, output),
    };
    let mut formatted = Vec::new();
    let mut errors = Vec::new();
    for input in &inputs {
        match format_source(&sources.file(input.id).text, input.id) {
            Ok(text) => formatted.push(text),
            Err(mut diagnostics) => errors.append(&mut diagnostics),
        }
    }
    if !errors.is_empty() {
        return invalid(&errors, &sources, output);
    }
    let mut changed = 0;
    for (input, new) in inputs.iter().zip(&formatted) {
        let file = sources.file(input.id);
        let unchanged = file.text == *new;
        changed += usize::from(!unchanged);
        match &input.path {
            _ if args.check => output.print(&unified_diff(&file.name, &file.text, new)),
            None => output.print(new),
            Some(_) if unchanged => {}
            Some(path) => {
                if let Err(error) = write_atomically(path, new) {
                    errors.push(Diagnostic::error(
                        "redlines::io::write",
                        format!("`{}` cannot be written: {error}", files::display(path)),
                    ));
                }
            }
        }
    }
    if !errors.is_empty() {
        return invalid(&errors, &sources, output);
    }
    if args.check && changed > 0 {
        let files = if changed == 1 { "file" } else { "files" };
        output.eprint(&format!(
            "{changed} of {} {files} would be reformatted; run `redlines fmt` to apply\n",
            inputs.len()
        ));
        return EXIT_BLOCKED;
    }
    EXIT_CLEAR
}

/// Reads standard input (for `-`) and every `.redline` file under the
/// other paths.
fn read_inputs(args: &FmtArgs, sources: &mut Sources) -> Result<Vec<Input>, Vec<Diagnostic>> {
    let stdin = Path::new("-");
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    if args.paths.iter().any(|path| path == stdin) {
        match files::read_stdin(sources, args.max_file_size) {
            Ok(id) => inputs.push(Input { path: None, id }),
            Err(error) => errors.push(error),
        }
    }
    let paths: Vec<PathBuf> = args.paths.iter().filter(|p| *p != stdin).cloned().collect();
    let found = if paths.is_empty() {
        Vec::new()
    } else {
        files::find_files(&paths, &["redline"])?
    };
    for path in found {
        match files::read_file(&path, sources, args.max_file_size) {
            Ok(id) => inputs.push(Input {
                path: Some(path),
                id,
            }),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

fn invalid(diagnostics: &[Diagnostic], sources: &Sources, output: &mut Output) -> u8 {
    output.eprint(&render_all(diagnostics, sources, output.style));
    EXIT_INVALID
}
