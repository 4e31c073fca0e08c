//! Showing and applying a formatting: a unified diff for `--check`, and an
//! atomic replacement of the file otherwise.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use similar::Algorithm;
use similar::udiff::unified_diff as diff_lines;

/// A unified diff from `old` to `new`, with `a/NAME` and `b/NAME` headers
/// (so `patch -p1` can apply it), or the empty string when they are equal.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b) = (format!("a/{name}"), format!("b/{name}"));
    diff_lines(Algorithm::Patience, old, new, 3, Some((&a, &b)))
}

/// Replaces the file at `path` with `contents` so that no reader, and no
/// interrupted run, ever sees a half-written file: the text goes to a
/// temporary file in the same folder, which is then renamed over the
/// original. The file keeps its permissions; a symbolic link stays a link
/// and its target is replaced.
pub fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let permissions = fs::metadata(&target).map(|m| m.permissions()).ok();
    let mut temporary = tempfile::Builder::new()
        .prefix(".redlines-fmt-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temporary.write_all(contents.as_bytes())?;
    temporary.as_file().sync_all()?;
    if let Some(permissions) = permissions {
        temporary.as_file().set_permissions(permissions)?;
    }
    temporary.persist(&target).map_err(|error| error.error)?;
    // Make the rename itself durable where the platform allows it.
    if let Ok(folder) = fs::File::open(folder) {
        let _ = folder.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_names_both_sides() {
        let diff = unified_diff("r.redline", "let a=1\n", "let a = 1\n");
        assert_eq!(
            diff,
            "--- a/r.redline\n+++ b/r.redline\n@@ -1 +1 @@\n-let a=1\n+let a = 1\n"
        );
        assert_eq!(unified_diff("r.redline", "x\n", "x\n"), "");
    }

    #[test]
    fn files_are_replaced_whole() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("r.redline");
        fs::write(&path, "old").unwrap();
        write_atomically(&path, "new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        let left: Vec<_> = fs::read_dir(folder.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
