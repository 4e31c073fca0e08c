//! The rule-language case corpus: every file under `tests/rule-cases/` is
//! loaded on its own, and its source and rendered diagnostics are
//! snapshotted side by side. Files under `valid/` must load without errors;
//! files under `invalid/` must produce at least one diagnostic.

use std::path::Path;

use redlines::diagnostic::{Style, render_all};
use redlines::source::Sources;

/// Loads one rule file; returns the rendered diagnostics and whether any
/// of them is an error.
fn load(path: &Path) -> (String, bool) {
    let mut sources = Sources::new();
    let result = redlines::rules::load_rule_files(&[path.to_path_buf()], &mut sources, 1 << 20);
    let (diagnostics, failed) = match result {
        Ok(loaded) => {
            // With no proposal in play, only the rule files declare parties.
            let mut warnings = loaded.warnings;
            warnings.extend(redlines::check::unknown_party_warnings(
                &loaded.party_literals,
                &loaded.rules,
                &Default::default(),
            ));
            (warnings, false)
        }
        Err(diagnostics) => (diagnostics, true),
    };
    (render_all(&diagnostics, &sources, Style::PLAIN), failed)
}

#[test]
fn rule_cases() {
    insta::glob!("rule-cases/**/*.redline", |path| {
        let source = std::fs::read_to_string(path).unwrap();
        // Relative to the package root (the tests' working directory), so
        // snapshots do not depend on where the repository is checked out.
        let relative = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        let (rendered, failed) = load(relative);
        let valid = path.components().any(|c| c.as_os_str() == "valid");
        if valid {
            assert!(!failed, "{} should load:\n{rendered}", path.display());
        } else {
            assert!(
                !rendered.is_empty(),
                "{} should report something",
                path.display()
            );
        }
        let shown = if source.len() > 2000 {
            format!("{}… ({} bytes)", &source[..200], source.len())
        } else {
            source
        };
        insta::assert_snapshot!(format!("{shown}\n──── diagnostics ────\n{rendered}"));
    });
}
