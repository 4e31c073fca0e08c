//! Properties of the whole pipeline on generated inputs (`src/generate/`):
//! well-typed rule sets and valid proposals made from random bytes.
//!
//! - a generated rule set always parses and passes the static checks, and
//!   generated proposals always validate;
//! - printing a parsed file (`redlines fmt`) and parsing it again gives the
//!   same syntax tree, and printing is idempotent;
//! - formatting the rules never changes an outcome;
//! - evaluation is deterministic: the same check twice gives byte-identical
//!   output in every format;
//! - the output is byte-identical whatever the number of threads the
//!   proposals are evaluated on (`redlines check --jobs` included).

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;
use redlines::fmt::{format_file, without_spans};
use redlines::generate::{Outputs, Scenario, TextFile, check_texts, render_all};
use redlines::run::{self, CheckOptions, CheckRun};
use redlines::source::SourceId;
use redlines::syntax::parse_file;

/// A scenario from random bytes (enough bytes that most choices are made).
fn scenarios() -> impl Strategy<Value = Scenario> {
    proptest::collection::vec(any::<u8>(), 512..6000)
        .prop_filter_map("not enough bytes for a scenario", |bytes| {
            Scenario::arbitrary(&mut Unstructured::new(&bytes)).ok()
        })
}

/// 160 cases each, or `PROPTEST_CASES` for a longer search.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(160);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Checks a scenario that must be valid, or fails with its diagnostics.
fn check(scenario: &Scenario, threads: usize) -> CheckRun {
    match check_texts(&scenario.rules, &scenario.proposals, true, threads) {
        Ok(run) => run,
        Err(failure) => panic!(
            "generated input is invalid:\n{}\n{scenario:#?}",
            redlines::diagnostic::render_all(
                &failure.diagnostics,
                &failure.sources,
                redlines::diagnostic::Style::PLAIN
            )
        ),
    }
}

fn outputs(scenario: &Scenario, threads: usize) -> Outputs {
    render_all(&Ok(check(scenario, threads)))
}

/// The scenario's files in a temporary folder (`rules/`, `proposals/`).
fn on_disk(scenario: &Scenario) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("a temporary folder");
    for file in scenario.rules.iter().chain(&scenario.proposals) {
        let path = folder.path().join(&file.name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a folder");
        }
        std::fs::write(path, &file.text).expect("a file");
    }
    folder
}

/// (proposal id, rule id) → outcome, for comparing runs whose spans differ.
fn outcomes(run: &CheckRun) -> BTreeMap<(String, String), String> {
    run.reports
        .iter()
        .flat_map(|report| {
            report.findings.iter().map(|finding| {
                (
                    (report.proposal.id.value.clone(), rule_id(run, finding.rule)),
                    finding.outcome.as_str().to_owned(),
                )
            })
        })
        .collect()
}

fn rule_id(run: &CheckRun, index: usize) -> String {
    run.rules.rules[index].id.clone()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_rule_sets_parse_and_check(scenario in scenarios()) {
        let run = check(&scenario, 1);
        prop_assert!(!run.reports.is_empty());
    }

    #[test]
    fn printing_then_parsing_gives_the_same_tree(scenario in scenarios()) {
        for file in &scenario.rules {
            let tree = parse_file(&file.text, SourceId(0))
                .unwrap_or_else(|e| panic!("{e:?}\n{}", file.text));
            let printed = format_file(&tree, &file.text);
            let again = parse_file(&printed, SourceId(0))
                .unwrap_or_else(|e| panic!("printed file does not parse: {e:?}\n{printed}"));
            prop_assert_eq!(without_spans(&tree), without_spans(&again), "{}\n---\n{}", file.text, printed);
            prop_assert_eq!(format_file(&again, &printed), printed.clone(), "not idempotent");
        }
    }

    #[test]
    fn formatting_never_changes_an_outcome(scenario in scenarios()) {
        let formatted = Scenario {
            rules: scenario
                .rules
                .iter()
                .map(|file| {
                    let tree = parse_file(&file.text, SourceId(0)).unwrap_or_else(|e| panic!("{e:?}"));
                    TextFile { name: file.name.clone(), text: format_file(&tree, &file.text) }
                })
                .collect(),
            proposals: scenario.proposals.clone(),
        };
        prop_assert_eq!(outcomes(&check(&scenario, 1)), outcomes(&check(&formatted, 1)));
    }

    #[test]
    fn evaluation_is_deterministic(scenario in scenarios()) {
        prop_assert_eq!(outputs(&scenario, 1), outputs(&scenario, 1));
    }

    #[test]
    fn output_does_not_depend_on_the_number_of_threads(scenario in scenarios()) {
        let one = outputs(&scenario, 1);
        prop_assert_eq!(&one, &outputs(&scenario, 2));
        prop_assert_eq!(&one, &outputs(&scenario, 4));
        // The same through `redlines check`'s own pipeline and `jobs`.
        let folder = on_disk(&scenario);
        let jobs = |jobs| render_all(&run::check(&CheckOptions {
            paths: vec![folder.path().join("proposals")],
            rules_dir: folder.path().join("rules"),
            explain: true,
            jobs,
            ..CheckOptions::new()
        }));
        let sequential = jobs(1);
        prop_assert!(sequential.junit.contains("testsuite"), "{}", sequential.human);
        prop_assert_eq!(&sequential, &jobs(2));
        prop_assert_eq!(&sequential, &jobs(4));
    }
}
