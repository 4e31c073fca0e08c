//! Inputs that crashed a fuzz target (fuzz/, see the README's "Fuzzing and
//! limits"), kept so that they never crash again. Each file under
//! `tests/regressions/TARGET/` is replayed through the function the fuzz
//! target `TARGET` calls; adding a case is adding a file.

use std::fs;
use std::path::PathBuf;

use redlines::generate::{fuzz_evaluate, fuzz_proposal, fuzz_rules};

/// The inputs kept for one target, sorted by name.
fn cases(target: &str) -> Vec<(String, Vec<u8>)> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(target);
    // A target with no finding yet has no folder.
    let Ok(entries) = fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut cases: Vec<(String, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry.expect("a readable folder entry").path();
            let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.display().to_string(), bytes)
        })
        .collect();
    cases.sort();
    cases
}

/// Runs every case of `target`, reporting all that panic.
fn replay(target: &str, run: fn(&[u8])) {
    let cases = cases(target);
    let failed: Vec<&str> = cases
        .iter()
        .filter(|(_, bytes)| std::panic::catch_unwind(|| run(bytes)).is_err())
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(failed.is_empty(), "these inputs still crash: {failed:#?}");
}

#[test]
fn rule_files_that_crashed_the_parser_or_checker() {
    replay("rules", fuzz_rules);
}

#[test]
fn proposal_files_that_crashed_the_loader() {
    replay("proposal", fuzz_proposal);
}

#[test]
fn generated_scenarios_that_crashed_evaluation() {
    replay("evaluate", fuzz_evaluate);
}
