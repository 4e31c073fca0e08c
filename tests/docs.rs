//! The documentation stays true: every diagnostic code the source can emit
//! is listed in docs/diagnostics.md, and every listed code exists.

use std::collections::BTreeSet;
use std::path::Path;

/// Every `redlines::a::b` string literal in the files under `dir`.
fn codes_in(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            codes_in(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split("\"redlines::").skip(1) {
                let code: String = piece
                    .chars()
                    .take_while(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':'
                    })
                    .collect();
                if piece[code.len()..].starts_with('"')
                    && code.matches("::").count() == 1
                    && !code.ends_with(':')
                {
                    found.insert(format!("redlines::{code}"));
                }
            }
        }
    }
}

#[test]
fn every_diagnostic_code_is_documented() {
    let mut emitted = BTreeSet::new();
    codes_in(Path::new("src"), &mut emitted);
    let docs = std::fs::read_to_string("docs/diagnostics.md").unwrap();
    let documented: BTreeSet<String> = docs
        .split('`')
        .filter(|piece| piece.starts_with("redlines::"))
        .map(str::to_owned)
        .collect();
    let missing: Vec<_> = emitted.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&emitted).collect();
    assert!(
        missing.is_empty(),
        "codes missing from docs/diagnostics.md: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "codes documented but never emitted: {stale:?}"
    );
}
