//! `redlines init` end to end: the starter it writes passes `check` and
//! `test` at once, and it never overwrites a file.

use std::fs;

mod support;
use support::redlines_in;

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn the_starter_passes_check_and_test_at_once() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let output = redlines_in(dir.path(), &["init", "starter"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let starter = dir.path().join("starter");
    for file in [
        "rules/home.redline",
        "proposals/offer-r1.yaml",
        "tests/home.test.yaml",
        ".github/workflows/redlines.yml",
    ] {
        assert!(starter.join(file).is_file(), "{file}");
        assert!(text(&output.stdout).contains(&format!("created starter/{file}")));
    }

    let check = redlines_in(&starter, &["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    let check = redlines_in(
        &starter,
        &["check", "--format", "github", "--deny-warnings"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));

    let test = redlines_in(&starter, &["test"]);
    let out = text(&test.stdout);
    assert_eq!(test.status.code(), Some(0), "{out}{}", text(&test.stderr));
    assert_eq!(out.lines().last(), Some("3 passed, 0 failed"), "{out}");
    assert!(!out.contains("not exercised"), "{out}");
}

#[test]
fn the_workflow_runs_the_tests_and_the_github_format() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    redlines_in(dir.path(), &["init"]);
    let workflow = fs::read_to_string(dir.path().join(".github/workflows/redlines.yml"))
        .expect("the workflow");
    assert!(workflow.contains("redlines test"), "{workflow}");
    assert!(
        workflow.contains("redlines check --format github"),
        "{workflow}"
    );
}

#[test]
fn init_never_overwrites_a_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    fs::create_dir_all(dir.path().join("rules")).expect("rules/");
    fs::write(dir.path().join("rules/home.redline"), "# mine\n").expect("a file in the way");
    let output = redlines_in(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(2));
    let error = text(&output.stderr);
    assert!(
        error.contains("would overwrite `rules/home.redline`"),
        "{error}"
    );
    assert!(error.contains("nothing was written"), "{error}");
    assert_eq!(
        fs::read_to_string(dir.path().join("rules/home.redline")).expect("kept"),
        "# mine\n"
    );
    assert!(
        !dir.path().join("proposals").exists(),
        "nothing else is written"
    );
}
