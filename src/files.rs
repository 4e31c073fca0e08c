//! Reading files from disk: finding rule and proposal files in folders,
//! refusing files that are too large or not UTF-8, and reporting every
//! file-system problem as a diagnostic instead of a panic.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Sources};

/// The largest file read by default (bytes).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// How deep folders are searched.
const MAX_FOLDER_DEPTH: usize = 32;

/// Reads one file into `sources`.
pub fn read_file(
    path: &Path,
    sources: &mut Sources,
    max_size: u64,
) -> Result<SourceId, Diagnostic> {
    let shown = display(path);
    let metadata = fs::metadata(path).map_err(|e| io_error(&shown, &e))?;
    if metadata.is_dir() {
        return Err(Diagnostic::error(
            "redlines::io::is_folder",
            format!("`{shown}` is a folder, not a file"),
        ));
    }
    if metadata.len() > max_size {
        return Err(Diagnostic::error(
            "redlines::limit::file_size",
            format!(
                "`{shown}` is {} bytes, more than the limit of {max_size}",
                metadata.len()
            ),
        )
        .with_help("raise the limit with `--max-file-size` if this file is genuine"));
    }
    let bytes = fs::read(path).map_err(|e| io_error(&shown, &e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            "redlines::io::not_utf8",
            format!("`{shown}` is not UTF-8 text"),
        )
        .with_help(format!(
            "the first invalid byte is at offset {}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(sources.add(shown, text))
}

/// Reads standard input into `sources` as `<stdin>`.
pub fn read_stdin(sources: &mut Sources, max_size: u64) -> Result<SourceId, Diagnostic> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error("<stdin>", &e))?;
    if bytes.len() as u64 > max_size {
        return Err(Diagnostic::error(
            "redlines::limit::file_size",
            format!("standard input is more than the limit of {max_size} bytes"),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error("redlines::io::not_utf8", "standard input is not UTF-8 text")
    })?;
    Ok(sources.add("<stdin>", text))
}

/// Every file under `paths` (files are taken as given, folders searched)
/// whose extension is one of `extensions`, sorted, without duplicates.
pub fn find_files(paths: &[PathBuf], extensions: &[&str]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, extensions, 0, &mut found, &mut errors),
            Ok(_) => found.push(path.clone()),
            Err(e) => errors.push(io_error(&display(path), &e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(
    folder: &Path,
    extensions: &[&str],
    depth: usize,
    found: &mut Vec<PathBuf>,
    errors: &mut Vec<Diagnostic>,
) {
    if depth > MAX_FOLDER_DEPTH {
        errors.push(Diagnostic::error(
            "redlines::io::too_deep",
            format!(
                "`{}` is nested more than {MAX_FOLDER_DEPTH} folders deep (a symbolic link loop?)",
                display(folder)
            ),
        ));
        return;
    }
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(io_error(&display(folder), &e));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        match fs::metadata(&path) {
            Ok(metadata) if metadata.is_dir() => walk(&path, extensions, depth + 1, found, errors),
            Ok(_) => {
                let matches = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| extensions.contains(&e));
                if matches {
                    found.push(path);
                }
            }
            Err(e) => errors.push(io_error(&display(&path), &e)),
        }
    }
}

/// A path as shown to users: relative paths as given, with `/` separators.
pub fn display(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

fn io_error(shown: &str, error: &std::io::Error) -> Diagnostic {
    let (code, what) = match error.kind() {
        std::io::ErrorKind::NotFound => ("redlines::io::not_found", "does not exist".to_owned()),
        std::io::ErrorKind::PermissionDenied => (
            "redlines::io::permission",
            "cannot be read: permission denied".to_owned(),
        ),
        _ => ("redlines::io::read", format!("cannot be read: {error}")),
    };
    Diagnostic::error(code, format!("`{shown}` {what}"))
}
