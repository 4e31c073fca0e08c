//! `redlines fmt` through the command line: `--check` shows a diff and
//! changes nothing, files are replaced whole and keep their permissions, a
//! file that does not parse stops everything, `-` reads standard input.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const UGLY: &str = "party japan\"Japan\"\nlet a=1+2 # sum\nredline r \"R\"{require a>0}\n";
const PRETTY: &str =
    "party japan \"Japan\"\nlet a = 1 + 2 # sum\n\nredline r \"R\" {\n    require a > 0\n}\n";

fn redlines(args: &[&str], folder: &Path, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redlines"))
        .args(args)
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_shows_a_diff_and_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    fs::create_dir(folder.path().join("rules")).unwrap();
    let path = folder.path().join("rules/japan.redline");
    fs::write(&path, UGLY).unwrap();
    let out = redlines(&["fmt", "--check"], folder.path(), None);
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.starts_with("--- a/rules/japan.redline\n+++ b/rules/japan.redline\n"),
        "{diff}"
    );
    assert!(diff.contains("\n-let a=1+2 # sum\n"), "{diff}");
    assert!(diff.contains("\n+let a = 1 + 2 # sum\n"), "{diff}");
    assert!(text(&out.stderr).contains("1 of 1 file would be reformatted"));
    assert_eq!(fs::read_to_string(&path).unwrap(), UGLY);
}

#[test]
fn fmt_rewrites_files_in_place_and_then_has_nothing_to_do() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("japan.redline");
    fs::write(&path, UGLY).unwrap();
    let out = redlines(&["fmt", "japan.redline"], folder.path(), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(fs::read_to_string(&path).unwrap(), PRETTY);
    let out = redlines(&["fmt", "--check", "."], folder.path(), None);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let names: Vec<_> = fs::read_dir(folder.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left behind");
}

#[cfg(unix)]
#[test]
fn fmt_keeps_the_permissions_of_a_file() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("japan.redline");
    fs::write(&path, UGLY).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let out = redlines(&["fmt", "japan.redline"], folder.path(), None);
    assert_eq!(out.status.code(), Some(0));
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn a_file_that_does_not_parse_stops_everything() {
    let folder = tempfile::tempdir().unwrap();
    fs::write(folder.path().join("a.redline"), UGLY).unwrap();
    fs::write(
        folder.path().join("b.redline"),
        "redline r \"R\" { require }\n",
    )
    .unwrap();
    for args in [&["fmt", "."][..], &["fmt", "--check", "."][..]] {
        let out = redlines(args, folder.path(), None);
        assert_eq!(out.status.code(), Some(2));
        let errors = text(&out.stderr);
        assert!(errors.contains("b.redline"), "{errors}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            fs::read_to_string(folder.path().join("a.redline")).unwrap(),
            UGLY
        );
    }
}

#[test]
fn a_dash_reads_standard_input() {
    let folder = tempfile::tempdir().unwrap();
    let out = redlines(&["fmt", "-"], folder.path(), Some(UGLY));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), PRETTY);
    let out = redlines(&["fmt", "--check", "-"], folder.path(), Some(UGLY));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("--- a/<stdin>\n+++ b/<stdin>\n"));
    let out = redlines(&["fmt", "--check", "-"], folder.path(), Some(PRETTY));
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}
