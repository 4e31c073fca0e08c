//! `redlines test` end to end: the project's own rule tests (tests/rules/)
//! pass and exercise every bundled rule; a failing case is shown as a
//! diagnostic with expected beside actual; an invalid test file is refused.

use std::fs;

mod support;
use support::{redlines, redlines_in, stderr, stdout};

/// The project's rule tests: `redlines test` with its defaults (the rules in
/// `rules/`, the tests in `tests/`, which holds `tests/rules/*.test.yaml`).
#[test]
fn the_bundled_rules_pass_their_own_tests() {
    let output = redlines(&["test"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    let last = text.lines().last().unwrap_or("");
    assert!(last.ends_with(" passed, 0 failed"), "{text}");
    assert!(
        !text.contains("not exercised"),
        "every bundled rule has a case:\n{text}"
    );
    insta::assert_snapshot!("bundled", text);
}

/// Every outcome appears in the bundled tests' expectations.
#[test]
fn the_bundled_tests_expect_every_outcome() {
    let mut all = String::new();
    for entry in
        fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules")).expect("tests/rules")
    {
        let path = entry.expect("an entry").path();
        all.push_str(&fs::read_to_string(path).expect("a test file"));
    }
    for outcome in [
        "violated:",
        "pass:",
        "undetermined:",
        "not_applicable:",
        "given:",
        "proposal: ../../proposals/",
    ] {
        assert!(all.contains(outcome), "no `{outcome}` in tests/rules");
    }
}

/// A small project whose test file has one case that holds and one that
/// does not.
fn failing_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    fs::create_dir_all(root.join("rules")).expect("rules/");
    fs::create_dir_all(root.join("proposals")).expect("proposals/");
    fs::create_dir_all(root.join("tests")).expect("tests/");
    fs::write(
        root.join("rules/japan.redline"),
        "party japan \"Japan\"\n\nredline ldp_survival \"LDP survival requires auto relief\" {\n    require tariffs.autos.after <= 15%\n}\n\nnote unused \"Never named by a case\" {\n    require count(concessions) < 10\n}\n",
    )
    .expect("a rule file");
    fs::write(
        root.join("proposals/offer.yaml"),
        "proposal: offer\nparties: [us, japan]\ntariffs:\n  autos: { before: 25%, after: 25% }\n",
    )
    .expect("a proposal");
    fs::write(
        root.join("tests/japan.test.yaml"),
        "- name: the offer crosses the red line\n  proposal: ../proposals/offer.yaml\n  expect:\n    violated: [japan/ldp_survival]\n\n- name: a wrong expectation\n  given:\n    proposal: relief\n    parties: [us, japan]\n    tariffs:\n      autos: { before: 25%, after: 10% }\n  expect:\n    violated: [japan/ldp_survival]\n",
    )
    .expect("a test file");
    dir
}

#[test]
fn a_failing_case_shows_expected_and_actual_at_the_case() {
    let project = failing_project();
    let output = redlines_in(project.path(), &["test"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(text.contains("✓ the offer crosses the red line"), "{text}");
    assert!(text.contains("✗ a wrong expectation"), "{text}");
    assert!(
        text.contains("expected `japan/ldp_survival` to be violated, but it passes"),
        "{text}"
    );
    assert!(text.contains("expected violated, got pass"), "{text}");
    // The inline proposal is shown where it is written in the test file.
    assert!(text.contains("tests/japan.test.yaml:13:16"), "{text}");
    assert!(
        text.contains("japan/unused"),
        "the unexercised rule is reported:\n{text}"
    );
    assert_eq!(text.lines().last(), Some("1 passed, 1 failed"), "{text}");
    insta::assert_snapshot!("failing", text);
}

#[test]
fn a_case_can_expect_every_outcome() {
    let project = failing_project();
    fs::write(
        project.path().join("tests/japan.test.yaml"),
        "- name: undetermined without an autos line\n  given: { proposal: a, parties: [us, japan] }\n  expect: { undetermined: [japan/ldp_survival], pass: [japan/unused] }\n\n- name: not applicable without Japan\n  given: { proposal: b, parties: [us, eu] }\n  expect: { not_applicable: [japan/ldp_survival, japan/unused] }\n",
    )
    .expect("a test file");
    let output = redlines_in(project.path(), &["test"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert_eq!(text.lines().last(), Some("2 passed, 0 failed"), "{text}");
}

#[test]
fn the_tests_folder_is_found_beside_the_rules_folder() {
    let project = failing_project();
    let nested = project.path().join("deal");
    fs::create_dir_all(&nested).expect("deal/");
    for folder in ["rules", "proposals", "tests"] {
        fs::rename(project.path().join(folder), nested.join(folder)).expect("move");
    }
    let output = redlines_in(project.path(), &["test", "--rules", "deal/rules"]);
    let text = stdout(&output);
    assert!(
        text.starts_with("deal/tests/japan.test.yaml"),
        "{text}{}",
        stderr(&output)
    );
    assert_eq!(text.lines().last(), Some("1 passed, 1 failed"), "{text}");
}

#[test]
fn an_invalid_test_file_is_refused_with_every_problem() {
    let project = failing_project();
    fs::write(
        project.path().join("tests/japan.test.yaml"),
        "- name: typos\n  proposal: ../proposals/offer.yaml\n  expect:\n    violatd: [japan/ldp_survivl]\n- nme: no name\n  given: { proposal: c, parties: [us, japan], tariffs: { autos: { before: 25%, after: 15 } } }\n  expect: { pass: [japan/ldp_survivl] }\n",
    )
    .expect("a test file");
    let output = redlines_in(project.path(), &["test"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    for expected in [
        "unknown outcome `violatd`",
        "did you mean `violated`?",
        "unknown key `nme` in a case",
        "this case has no `name`",
        "unknown rule `japan/ldp_survivl`",
        "did you mean `japan/ldp_survival`?",
        "bare number `15` where a percent is expected",
        "tests/japan.test.yaml:6:",
    ] {
        assert!(text.contains(expected), "`{expected}` in:\n{text}");
    }
    insta::assert_snapshot!("invalid", text);
}

#[test]
fn no_test_files_is_an_error() {
    let project = failing_project();
    fs::remove_file(project.path().join("tests/japan.test.yaml")).expect("remove");
    let output = redlines_in(project.path(), &["test"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no test files (`*.test.yaml`) in `tests`"),
        "{}",
        stderr(&output)
    );
}
