//! `redlines init`: a starter project in which `redlines check` and
//! `redlines test` pass at once: one rule file, one proposal, one test file
//! and a GitHub Actions workflow. Existing files are never overwritten.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::files;

/// One file of the starter: where it goes (relative to the folder) and
/// what it holds.
#[derive(Clone, Copy, Debug)]
pub struct Template {
    /// The path inside the scaffolded folder, with `/` separators.
    pub path: &'static str,
    /// The contents.
    pub text: &'static str,
}

/// Every file `init` writes.
pub const TEMPLATES: [Template; 4] = [
    Template {
        path: "rules/home.redline",
        text: include_str!("init/templates/home.redline"),
    },
    Template {
        path: "proposals/offer-r1.yaml",
        text: include_str!("init/templates/offer-r1.yaml"),
    },
    Template {
        path: "tests/home.test.yaml",
        text: include_str!("init/templates/home.test.yaml"),
    },
    Template {
        path: ".github/workflows/redlines.yml",
        text: include_str!("init/templates/redlines.yml"),
    },
];

/// Writes the starter into `dir` (created if needed) and returns the files
/// written. If any of them exists already, nothing is written and the error
/// names every file in the way.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let targets: Vec<(PathBuf, &Template)> =
        TEMPLATES.iter().map(|t| (dir.join(t.path), t)).collect();
    let existing: Vec<String> = targets
        .iter()
        .filter(|(path, _)| fs::symlink_metadata(path).is_ok())
        .map(|(path, _)| format!("`{}`", files::display(path)))
        .collect();
    if !existing.is_empty() {
        let (noun, verb) = if existing.len() == 1 {
            ("file", "exists")
        } else {
            ("files", "exist")
        };
        return Err(Diagnostic::error(
            "redlines::init::exists",
            format!("`redlines init` would overwrite {}", existing.join(", ")),
        )
        .with_help(format!(
            "the {noun} {verb} already and nothing was written; run `redlines init` in an empty folder, or move the {noun} away first"
        )));
    }
    let mut written = Vec::new();
    for (path, template) in targets {
        write_new(&path, template.text)?;
        written.push(path);
    }
    Ok(written)
}

/// Creates `path` (and its folders) with `text`, refusing to replace a file
/// that appeared since the check.
fn write_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let shown = files::display(path);
    let failed = |e: std::io::Error| {
        let message = if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!("`redlines init` would overwrite `{shown}`")
        } else {
            format!("`{shown}` cannot be written: {e}")
        };
        Diagnostic::error("redlines::init::write", message)
    };
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder).map_err(failed)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)
}
