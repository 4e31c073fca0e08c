//! `redlines check` end to end: the real binary on real files, for every
//! outcome kind, fail-closed, `--as`, `--deny-warnings`, `--explain`, exit
//! codes and bad input. Rendered output is snapshotted (no colour, 80
//! columns: output to a pipe is never coloured, and `COLUMNS` fixes width).

use std::io::Read;
use std::process::{Command, Output, Stdio};

mod support;
use support::{redlines, stderr, stdout};

fn check_fixture(extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "tests/check/proposals",
        "--rules",
        "tests/check/rules",
    ];
    args.extend_from_slice(extra);
    redlines(&args)
}

#[test]
fn bundled_rules_and_proposals_read_as_a_briefing() {
    let output = redlines(&["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("✗ us-offer-r1"), "{text}");
    assert!(text.contains("× japan/ldp_survival"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when piped");
    insta::assert_snapshot!("bundled", text);
}

#[test]
fn every_outcome_kind_is_reported() {
    let output = check_fixture(&[]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    // violated, with the actual value beside the required one and a label
    // on the proposal line that caused it
    assert!(
        text.contains("tariffs.autos.after is 25%, required <= 15%"),
        "{text}"
    );
    assert!(text.contains("violated.yaml:5:32"), "{text}");
    // undetermined: a missing line fails closed and names what is missing
    assert!(
        text.contains("japan/ldp_survival: LDP survival requires auto relief (undetermined)"),
        "{text}"
    );
    assert!(
        text.contains("the proposal has no `autos` tariff line"),
        "{text}"
    );
    assert!(text.contains("✗ missing (tests/check/proposals/missing.yaml): blocked: 1 red line crossed, 1 red line undetermined"), "{text}");
    // pass, and not applicable (`applies when round >= 2` in round 1; Korea's
    // rules never apply to a US–Japan proposal)
    assert!(
        text.contains("✓ pass (tests/check/proposals/pass.yaml): clear: 5 rules pass"),
        "{text}"
    );
    assert!(text.contains("✗ violated (tests/check/proposals/violated.yaml): blocked: 1 red line crossed, 3 rules pass"), "{text}");
    assert!(!text.contains("korea/"), "{text}");
    insta::assert_snapshot!("outcomes", text);
}

#[test]
fn concerns_fail_the_run_only_with_deny_warnings() {
    let args = [
        "check",
        "tests/check/proposals/concern.yaml",
        "--rules",
        "tests/check/rules",
    ];
    let output = redlines(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("✓ concern"));
    let mut denied = args.to_vec();
    denied.push("--deny-warnings");
    let output = redlines(&denied);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("✗ concern"));
}

#[test]
fn notes_never_fail_the_run() {
    // pass.yaml has no failures; concern.yaml's note fails but only the
    // concern decides the exit code under --deny-warnings.
    let output = redlines(&[
        "check",
        "tests/check/proposals/pass.yaml",
        "--rules",
        "tests/check/rules",
        "--deny-warnings",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn as_selects_a_party_and_its_coalitions() {
    let output = check_fixture(&["--as", "eu"]);
    let text = stdout(&output);
    assert!(text.contains("against 1 rule:"), "{text}");
    assert!(text.contains("autos_first/autos_on_table"), "{text}");
    assert!(!text.contains("japan/"), "{text}");
    assert_eq!(output.status.code(), Some(1));

    let output = check_fixture(&["--as", "japan"]);
    assert!(
        stdout(&output).contains("against 5 rules:"),
        "{}",
        stdout(&output)
    );

    let output = check_fixture(&["--as", "japn"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("`--as japn`: no rule file or proposal mentions this party"),
        "{text}"
    );
    assert!(text.contains("did you mean `japan`?"), "{text}");
}

#[test]
fn explain_prints_the_evaluation_trace() {
    let output = redlines(&[
        "check",
        "tests/check/proposals/violated.yaml",
        "--rules",
        "tests/check/rules",
        "--explain",
    ]);
    let text = stdout(&output);
    assert!(text.contains("evaluation:"), "{text}");
    assert!(text.contains("25%"), "{text}");
    insta::assert_snapshot!("explain", text);
}

#[test]
fn invalid_proposals_report_every_problem_and_exit_2() {
    let output = redlines(&["check", "tests/check/bad", "--rules", "tests/check/rules"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    let text = stderr(&output);
    for code in ["unknown_party", "unknown_key", "bad_value", "yaml"] {
        assert!(
            text.contains(&format!("redlines::proposal::{code}")),
            "{code}: {text}"
        );
    }
    insta::assert_snapshot!("bad_proposals", text);
}

#[test]
fn invalid_rules_exit_2_with_every_diagnostic() {
    let output = redlines(&[
        "check",
        "tests/check/proposals",
        "--rules",
        "tests/rule-cases/invalid",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("redlines::syntax::unexpected"), "{text}");
    assert!(text.contains("redlines::type::mismatch"), "{text}");
    assert!(text.contains("redlines::name::let_cycle"), "{text}");
}

#[test]
fn missing_paths_and_empty_folders_are_errors() {
    let output = redlines(&["check", "no/such/folder", "--rules", "tests/check/rules"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`no/such/folder` does not exist"),
        "{}",
        stderr(&output)
    );

    let output = redlines(&["check", "tests/check/proposals", "--rules", "no/rules"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`no/rules` does not exist"),
        "{}",
        stderr(&output)
    );

    let output = redlines(&[
        "check",
        "tests/check/proposals",
        "--rules",
        "tests/check/proposals",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no `.redline` files"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn misuse_of_the_command_line_exits_2() {
    let output = redlines(&["check", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    let output = redlines(&["check", "--format", "pdf"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redlines"))
        .arg("check")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the redlines binary runs");
    let mut first = [0u8; 16];
    let mut pipe = child.stdout.take().expect("piped stdout");
    pipe.read_exact(&mut first).expect("some output");
    drop(pipe);
    let status = child.wait().expect("the process ends");
    let mut errors = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut errors)
        .ok();
    assert!(!errors.contains("panicked"), "{errors}");
    assert_ne!(status.code(), Some(101), "a panic exits 101");
}

#[test]
fn output_is_deterministic() {
    let first = stdout(&check_fixture(&[]));
    let second = stdout(&check_fixture(&[]));
    assert_eq!(first, second);
}
