//! Reading files from disk: finding rule and proposal files in folders,
//! refusing files that are too large or not UTF-8, and reporting every
//! file-system problem as a diagnostic instead of a panic.

use std::collections::HashSet;
use std::ffi::OsString;
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
    let size = checked_size(path, max_size)?;
    read_checked(path, size, sources, max_size)
}

/// Reads into `sources` a file already known (by [`checked_size`]) to be
/// a file of `size` bytes, at most `max_size`.
pub(crate) fn read_checked(
    path: &Path,
    size: u64,
    sources: &mut Sources,
    max_size: u64,
) -> Result<SourceId, Diagnostic> {
    let shown = display(path);
    let bytes = read_at_most(path, size, max_size).map_err(|e| io_error(&shown, &e))?;
    if bytes.len() as u64 > max_size {
        // The file grew after its size was read.
        return Err(too_large(&shown, bytes.len() as u64, max_size));
    }
    let text = utf8(&shown, bytes, 0)?;
    Ok(sources.add(shown, text))
}

/// The size of the file at `path`, once it is known to be a file of at
/// most `max_size` bytes.
pub(crate) fn checked_size(path: &Path, max_size: u64) -> Result<u64, Diagnostic> {
    let shown = display(path);
    let metadata = fs::metadata(path).map_err(|e| io_error(&shown, &e))?;
    if metadata.is_dir() {
        return Err(Diagnostic::error(
            "redlines::io::is_folder",
            format!("`{shown}` is a folder, not a file"),
        ));
    }
    if metadata.len() > max_size {
        return Err(too_large(&shown, metadata.len(), max_size));
    }
    Ok(metadata.len())
}

/// The problem of file `shown` being `size` bytes, over `max_size`.
pub(crate) fn too_large(shown: &str, size: u64, max_size: u64) -> Diagnostic {
    Diagnostic::error(
        "redlines::limit::file_size",
        format!("`{shown}` is {size} bytes, more than the limit of {max_size}"),
    )
    .with_help("raise the limit with `--max-file-size` if this file is genuine")
}

/// `bytes`, read from file `shown` at byte `offset`, as text.
pub(crate) fn utf8(shown: &str, bytes: Vec<u8>, offset: u64) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            "redlines::io::not_utf8",
            format!("`{shown}` is not UTF-8 text"),
        )
        .with_help(format!(
            "the first invalid byte is at offset {}",
            offset + e.utf8_error().valid_up_to() as u64
        ))
    })
}

/// Reads a file, but never more than one byte past `max_size`.
fn read_at_most(path: &Path, size: u64, max_size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    // Room for the whole file and one byte more, so that it is read in one
    // call and its end found in a second (from nothing, `read_to_end`
    // grows the buffer from 32 bytes: seven calls for a 1 KB file).
    let room = usize::try_from(size.min(max_size)).map_or(0, |size| size.saturating_add(1));
    let mut bytes = Vec::with_capacity(room);
    fs::File::open(path)?
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads standard input into `sources` as `<stdin>`.
pub fn read_stdin(sources: &mut Sources, max_size: u64) -> Result<SourceId, Diagnostic> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(max_size.saturating_add(1))
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
///
/// Symbolic links are followed, but a folder is searched once: a link back
/// to a folder being searched (a loop) is an error, and a second link to a
/// folder already searched adds nothing.
pub fn find_files(paths: &[PathBuf], extensions: &[&str]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let mut walk = Walk {
        extensions,
        found: Vec::new(),
        errors: Vec::new(),
        searched: HashSet::new(),
        open: Vec::new(),
    };
    for path in paths {
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk.folder(path, 0),
            Ok(_) => walk.found.push(path.clone()),
            Err(e) => walk.errors.push(io_error(&display(path), &e)),
        }
    }
    if !walk.errors.is_empty() {
        return Err(walk.errors);
    }
    let mut found = walk.found;
    // A folder is walked in order already (siblings by name, each folder's
    // files where its name puts them), with each file once; only files of
    // several paths need sorting together (10,000 files: 2 ms).
    if paths.len() > 1 {
        found.sort();
        found.dedup();
    }
    Ok(found)
}

/// A search of folders for files with given extensions.
struct Walk<'a> {
    extensions: &'a [&'a str],
    found: Vec<PathBuf>,
    errors: Vec<Diagnostic>,
    /// Every folder searched so far, as canonical paths.
    searched: HashSet<PathBuf>,
    /// The folders being searched, outermost first, as canonical paths.
    open: Vec<PathBuf>,
}

impl Walk<'_> {
    fn folder(&mut self, folder: &Path, depth: usize) {
        if depth > MAX_FOLDER_DEPTH {
            self.errors.push(Diagnostic::error(
                "redlines::io::too_deep",
                format!(
                    "`{}` is nested more than {MAX_FOLDER_DEPTH} folders deep",
                    display(folder)
                ),
            ));
            return;
        }
        let canonical = match fs::canonicalize(folder) {
            Ok(canonical) => canonical,
            Err(e) => {
                self.errors.push(io_error(&display(folder), &e));
                return;
            }
        };
        if self.open.contains(&canonical) {
            self.errors.push(
                Diagnostic::error(
                    "redlines::io::link_loop",
                    format!(
                        "`{}` leads back to a folder that contains it",
                        display(folder)
                    ),
                )
                .with_help("a symbolic link makes a loop; remove it or point it elsewhere"),
            );
            return;
        }
        if !self.searched.insert(canonical.clone()) {
            return;
        }
        let entries = match fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) => {
                self.errors.push(io_error(&display(folder), &e));
                return;
            }
        };
        // The entry's own type needs no `stat` (a folder of 10,000 files is
        // listed in a few milliseconds); a link is followed to what it names.
        let mut paths: Vec<(OsString, PathBuf, Option<fs::FileType>)> = entries
            .filter_map(|entry| {
                entry
                    .ok()
                    .map(|e| (e.file_name(), e.path(), e.file_type().ok()))
            })
            .collect();
        // Siblings order as their names do; comparing names alone spares
        // splitting every path into components (10,000 files: 6 ms).
        paths.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.open.push(canonical);
        for (_, path, file_type) in paths {
            let file_type = match file_type {
                Some(file_type) if !file_type.is_symlink() => Ok(file_type),
                _ => fs::metadata(&path).map(|metadata| metadata.file_type()),
            };
            match file_type {
                Ok(file_type) if file_type.is_dir() => self.folder(&path, depth + 1),
                Ok(file_type) => {
                    let matches = path
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| self.extensions.contains(&e));
                    if matches && !file_type.is_file() {
                        // A named pipe or a device in a folder would block
                        // the run or never end; one named on the command
                        // line is read (within the size limit) as asked.
                        self.errors.push(
                            Diagnostic::error(
                                "redlines::io::not_a_file",
                                format!("`{}` is not a regular file", display(&path)),
                            )
                            .with_help("remove the pipe, socket or device from the folder"),
                        );
                    } else if matches {
                        self.found.push(path);
                    }
                }
                Err(e) => self.errors.push(io_error(&display(&path), &e)),
            }
        }
        self.open.pop();
    }
}

/// A path as shown to users: relative paths as given, with `/` separators.
pub fn display(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// The problem of a file (shown as `shown`) that cannot be read.
pub(crate) fn io_error(shown: &str, error: &std::io::Error) -> Diagnostic {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_whole_whatever_its_size_was_said_to_be() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        let text = "proposal: p\n".repeat(1000);
        fs::write(&path, &text).unwrap();
        let len = text.len() as u64;
        // The size read beforehand is only a hint: the file may have grown
        // or shrunk since.
        for size in [0, 1, len - 1, len, len + 1, 1 << 20] {
            let bytes = read_at_most(&path, size, u64::MAX).unwrap();
            assert_eq!(bytes, text.as_bytes(), "size hint {size}");
        }
    }

    #[test]
    fn a_folder_is_walked_in_the_order_of_its_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("proposals");
        // Names whose byte order differs from their paths' order ('-' and
        // '.' sort before '/'), a folder named like a file's stem, capitals,
        // and a name past ASCII.
        for file in [
            "a.yaml",
            "a-b.yaml",
            "a/x.yaml",
            "a/b/y.yaml",
            "a/b.yaml",
            "a.b/z.yaml",
            "B.yaml",
            "b/ä.yaml",
            "b/a.yml",
            "é.json",
            "notes.txt",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "").unwrap();
        }
        let found = find_files(std::slice::from_ref(&root), &["yaml", "yml", "json"]).unwrap();
        let mut sorted = found.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(found, sorted);
        assert_eq!(found.len(), 10);
        // Several paths, overlapping, are sorted together without repeats.
        let found = find_files(
            &[root.join("b"), root.clone(), root.join("a/x.yaml")],
            &["yaml", "yml", "json"],
        )
        .unwrap();
        assert_eq!(found, sorted);
    }

    #[test]
    fn a_file_is_never_read_more_than_a_byte_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        fs::write(&path, "0123456789").unwrap();
        for size in [0, 4, 10] {
            assert_eq!(read_at_most(&path, size, 4).unwrap(), b"01234");
        }
        assert_eq!(read_at_most(&path, 10, 10).unwrap(), b"0123456789");
    }
}
