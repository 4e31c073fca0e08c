//! The proposal loader on the files in `tests/proposals/`: every valid file
//! loads, every invalid one has its rendered diagnostics snapshotted, and
//! hostile input fails fast.

use std::path::Path;
use std::time::{Duration, Instant};

use redlines::diagnostic::{Diagnostic, Style, render_all};
use redlines::proposal::{Limits, Proposal, check_unique_ids, load_proposals};
use redlines::source::{LineCol, Sources};

/// Loads one file of `tests/proposals/` under its path relative to `tests/`.
fn load_file(path: &Path) -> (Sources, Result<Vec<Proposal>, Vec<Diagnostic>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let mut sources = Sources::new();
    let file = sources.add(name, text);
    let result = load_proposals(&sources, file, &Limits::default());
    (sources, result)
}

/// Loads generated text; returns the diagnostic codes and how long it took.
fn load_text(name: &str, text: String, limits: &Limits) -> (Vec<&'static str>, Duration) {
    let mut sources = Sources::new();
    let file = sources.add(name, text);
    let started = Instant::now();
    let result = load_proposals(&sources, file, limits);
    let took = started.elapsed();
    let codes = match result {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.iter().map(|d| d.code).collect(),
    };
    (codes, took)
}

#[test]
fn valid_proposals_load() {
    insta::glob!("proposals/valid/*", |path| {
        let (sources, result) = load_file(path);
        if let Err(diagnostics) = &result {
            panic!("{}", render_all(diagnostics, &sources, Style::PLAIN));
        }
    });
}

#[test]
fn invalid_proposals_report_every_problem() {
    insta::glob!("proposals/invalid/*", |path| {
        let (sources, result) = load_file(path);
        let diagnostics = result.err().unwrap_or_default();
        assert!(!diagnostics.is_empty(), "{} loaded", path.display());
        insta::assert_snapshot!(render_all(&diagnostics, &sources, Style::PLAIN));
    });
}

#[test]
fn the_spec_example_reads_every_field() {
    let (_, result) = load_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/proposals/valid/us-japan-r2.yaml"),
    );
    let proposals = result.unwrap();
    let proposal = &proposals[0];
    assert_eq!(proposal.id.value, "us-japan-r2");
    assert_eq!(
        proposal.round.as_ref().map(|r| r.value.to_string()),
        Some("2".into())
    );
    let sectors: Vec<_> = proposal
        .tariffs
        .iter()
        .map(|t| t.sector.value.as_str())
        .collect();
    assert_eq!(
        sectors,
        ["baseline", "reciprocal", "autos", "auto_parts", "steel"]
    );
    assert_eq!(proposal.concessions.len(), 2);
    assert_eq!(proposal.facts[0].key.value, "ldp_majority");
}

#[test]
fn spans_land_on_the_right_column_after_non_ascii_text() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/proposals/valid/eu-us-non-ascii.yaml");
    let (sources, result) = load_file(&path);
    let proposals = result.unwrap();
    let proposal = &proposals[0];
    let title = proposal.title.as_ref().unwrap();
    assert_eq!(
        sources.slice(title.span),
        "日米・欧米交渉 — EU–US framework"
    );
    let amount = proposal.concessions[1].amount.as_ref().unwrap();
    assert_eq!(sources.slice(amount.span), "€600bn");
    assert_eq!(
        sources.start(amount.span),
        LineCol {
            line: 17,
            column: 13
        }
    );
    let note = proposal.tariffs[0].note.as_ref().unwrap();
    assert_eq!(sources.slice(note.span), "\"voitures et pièces, 自動車\"");
    // A label on the amount is drawn under `€600bn`, not a few bytes off.
    let label = Diagnostic::error("redlines::test", "a label after non-ASCII text")
        .with_primary(amount.span, "this amount");
    insta::assert_snapshot!(render_all(&[label], &sources, Style::PLAIN));
}

#[test]
fn duplicate_ids_across_files_label_both() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/proposals/ids");
    let mut sources = Sources::new();
    let mut proposals = Vec::new();
    for name in ["a.yaml", "b.yaml"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let file = sources.add(format!("tests/proposals/ids/{name}"), text);
        proposals.extend(load_proposals(&sources, file, &Limits::default()).unwrap());
    }
    let diagnostics = check_unique_ids(&proposals);
    insta::assert_snapshot!(render_all(&diagnostics, &sources, Style::PLAIN));
}

/// 100,000 levels of nesting, written three ways. A block mapping needs two
/// more columns of indentation per level, so its file grows with the square
/// of the depth; 2,000 levels (4 MB) stand in for it.
fn deep_files() -> Vec<(&'static str, String)> {
    let depth = 100_000;
    let flow = "{a: ".repeat(depth) + "1" + &"}".repeat(depth);
    let block_list = "- ".repeat(depth) + "x\n";
    let mut block_map = String::new();
    for level in 0..2_000 {
        block_map.push_str(&"  ".repeat(level));
        block_map.push_str("a:\n");
    }
    vec![
        ("flow mapping", flow),
        ("block list", block_list),
        ("block mapping", block_map),
    ]
}

fn billion_laughs() -> String {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let uses = vec![format!("*{}", pair[0]); 9].join(", ");
        text.push_str(&format!("{}: &{} [{uses}]\n", pair[1], pair[1]));
    }
    text
}

#[test]
fn hostile_nesting_fails_fast() {
    for (name, text) in deep_files() {
        let (codes, took) = load_text("deep.yaml", text, &Limits::default());
        eprintln!("{name}: {took:?}");
        assert_eq!(codes, ["redlines::limit::depth"], "{name}");
        assert!(took < Duration::from_millis(500), "{name} took {took:?}");
    }
}

#[test]
fn billion_laughs_fails_fast() {
    let (codes, took) = load_text("laughs.yaml", billion_laughs(), &Limits::default());
    eprintln!("billion laughs: {took:?}");
    assert_eq!(codes, ["redlines::limit::aliases"]);
    assert!(took < Duration::from_millis(500), "took {took:?}");
}

#[test]
fn hostile_input_needs_no_deep_stack() {
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut files = deep_files();
            files.push(("billion laughs", billion_laughs()));
            files
                .into_iter()
                .map(|(_, text)| load_text("hostile.yaml", text, &Limits::default()).0)
                .collect::<Vec<_>>()
        })
        .unwrap();
    let codes = worker.join().unwrap();
    assert!(codes.iter().all(|c| c.len() == 1), "{codes:?}");
}

#[test]
fn raised_limits_still_fail_cleanly() {
    // Beyond 255 open brackets saphyr's scanner stops on its own; that is
    // still reported as too deep, not as broken YAML.
    let lenient = Limits {
        max_depth: 100_000,
        ..Limits::default()
    };
    let flow = "[".repeat(100_000) + &"]".repeat(100_000);
    let (codes, took) = load_text("deep.yaml", flow, &lenient);
    assert_eq!(codes, ["redlines::limit::depth"]);
    assert!(took < Duration::from_millis(500), "took {took:?}");
}

#[test]
fn too_many_values_and_too_long_strings_are_limits() {
    let small = Limits {
        max_nodes: 1_000,
        ..Limits::default()
    };
    let list = format!("[{}]", vec!["1"; 2_000].join(", "));
    assert_eq!(
        load_text("big.yaml", list, &small).0,
        ["redlines::limit::nodes"]
    );
    let long = format!(
        "proposal: p\nparties: [us, eu]\ntitle: {}\n",
        "x".repeat(70_000)
    );
    assert_eq!(
        load_text("long.yaml", long, &Limits::default()).0,
        ["redlines::limit::string"]
    );
    let aliases = format!("a: &a 1\nb: [{}]\n", vec!["*a"; 1_001].join(", "));
    assert_eq!(
        load_text("aliases.yaml", aliases, &Limits::default()).0,
        ["redlines::limit::aliases"]
    );
}
