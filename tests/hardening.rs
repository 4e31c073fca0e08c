//! No input can crash, hang or fool the checker: the real binary on hostile
//! rule files and proposals, on every limit, and on file-system trouble.
//!
//! Each hostile run is made under a cap on the process's address space, so
//! "uses little memory" is enforced by the kernel, and is timed.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The address space a hostile run may use (KiB): a normal check needs
/// far less, and a billion-laughs expansion far more.
const MEMORY_CAP_KIB: u64 = 512 * 1024;

/// How long a hostile run may take.
const TIME_CAP: Duration = Duration::from_secs(1);

const JAPAN: &str = include_str!("../rules/japan.redline");
const US_OFFER: &str = include_str!("../proposals/us-offer-r1.yaml");

/// A scratch project: `rules/` and `proposals/` in a temporary folder.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A project with the bundled Japanese rules and the US round-1 offer.
    fn new() -> Project {
        let project = Project::empty();
        project.write("rules/japan.redline", JAPAN);
        project.write("proposals/us-offer-r1.yaml", US_OFFER);
        project
    }

    fn empty() -> Project {
        let dir = tempfile::tempdir().expect("a temporary folder");
        fs::create_dir_all(dir.path().join("rules")).expect("rules/");
        fs::create_dir_all(dir.path().join("proposals")).expect("proposals/");
        Project { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("parent folder");
        }
        fs::write(path, contents).expect("a scratch file");
    }

    /// Runs `redlines ARGS` in the project under the memory cap.
    fn run(&self, args: &[&str]) -> Run {
        let start = Instant::now();
        let output = Command::new("sh")
            .arg("-c")
            // A hang ends after a minute (exit 124) instead of stalling CI.
            .arg(format!(
                "ulimit -v {MEMORY_CAP_KIB} && exec timeout 60 \"$0\" \"$@\""
            ))
            .arg(env!("CARGO_BIN_EXE_redlines"))
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("COLUMNS", "80")
            // The cap is on address space, which every thread and malloc
            // arena reserves: keep both few, whatever the number of cores.
            .env("RAYON_NUM_THREADS", "2")
            .env("MALLOC_ARENA_MAX", "2")
            .stdin(Stdio::null())
            .output()
            .expect("the redlines binary runs");
        Run {
            output,
            elapsed: start.elapsed(),
        }
    }

    /// Runs a hostile input: the best time of three, so a busy machine
    /// does not make the test flaky.
    fn run_timed(&self, args: &[&str]) -> Run {
        let mut best = self.run(args);
        for _ in 0..2 {
            if best.elapsed < TIME_CAP {
                break;
            }
            let again = self.run(args);
            if again.elapsed < best.elapsed {
                best = again;
            }
        }
        best
    }
}

struct Run {
    output: Output,
    elapsed: Duration,
}

impl Run {
    fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Asserts a clean refusal: exit 2, the diagnostic `code`, no panic.
    fn refused_with(&self, code: &str) -> &Run {
        let stderr = self.stderr();
        assert_eq!(self.code(), Some(2), "exit code\n{stderr}");
        assert!(stderr.contains(code), "expected `{code}` in:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        self
    }

    /// Asserts the run took less than [`TIME_CAP`].
    fn fast(&self) -> &Run {
        assert!(
            self.elapsed < TIME_CAP,
            "took {:?}\n{}",
            self.elapsed,
            self.stderr()
        );
        self
    }
}

// ── The three hostile inputs of the issue ───────────────────────────────

#[test]
fn a_200000_deep_rule_expression_fails_fast_in_little_memory() {
    let project = Project::new();
    let depth = 200_000;
    let shapes = [
        format!("let a = {}1{}\n", "(".repeat(depth), ")".repeat(depth)),
        format!("let a = {}1{}\n", "[".repeat(depth), "]".repeat(depth)),
        format!("let a = {}true\n", "not ".repeat(depth)),
        format!("let a = {}1\n", "-".repeat(depth)),
        format!("let a = concessions{}\n", " where true".repeat(depth)),
        // A flat chain: not nested in the text, but 200,000 deep as a tree.
        format!("let a = 1{}\n", " + 1".repeat(depth)),
    ];
    for shape in shapes {
        project.write("rules/deep.redline", &shape);
        project
            .run_timed(&["check"])
            .refused_with("redlines::syntax::too_deep")
            .fast();
    }
}

#[test]
fn a_billion_laughs_proposal_fails_fast_in_little_memory() {
    let project = Project::new();
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let list = [previous.as_str(); 10].join(", ");
        laughs.push_str(&format!("a{level}: &a{level} [{list}]\n"));
    }
    project.write("proposals/laughs.yaml", &laughs);
    project
        .run_timed(&["check"])
        .refused_with("redlines::limit::")
        .fast();
    // With a generous alias budget, the expanded size stops it just as fast.
    let run = project.run_timed(&["check", "--max-yaml-aliases", "1000000"]);
    run.refused_with("more than 1000000 values").fast();
}

#[test]
fn one_hundred_thousand_nested_yaml_mappings_fail_fast_in_little_memory() {
    let project = Project::new();
    let depth = 100_000;
    let shapes = [
        format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth)),
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth)),
        format!(
            "proposal: p\nfacts: {}1{}",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        ),
    ];
    for shape in shapes {
        project.write("proposals/deep.yaml", &shape);
        project
            .run_timed(&["check"])
            .refused_with("redlines::limit::depth")
            .fast();
        project.write("proposals/deep.json", &shape);
        fs::remove_file(project.path("proposals/deep.yaml")).expect("remove");
        project
            .run_timed(&["check"])
            .refused_with("redlines::limit::depth")
            .fast();
        fs::remove_file(project.path("proposals/deep.json")).expect("remove");
    }
}

#[test]
fn a_diagnostic_on_a_huge_line_shows_a_window_of_it() {
    let project = Project::new();
    // A minified JSON proposal of a megabyte, wrong at its very end.
    let padding = format!("\"{}\"", "x".repeat(1_000_000));
    project.write(
        "proposals/minified.json",
        format!("{{\"proposal\": \"min\", \"title\": {padding}, \"parties\": [\"us\", \"japan\"], \"oops\": 1}}"),
    );
    let run = project.run_timed(&["check", "--max-string-length", "2000000"]);
    run.refused_with("redlines::proposal::unknown_key").fast();
    assert!(
        run.stderr().len() < 2_000,
        "{} bytes of report",
        run.stderr().len()
    );
    assert!(
        run.stderr().contains("proposals/minified.json:1:10000"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_memory_cap_leaves_room_for_an_ordinary_check() {
    let run = Project::new().run(&["check"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(
        run.stdout().contains("japan/ldp_survival"),
        "{}",
        run.stdout()
    );
}

// ── Every limit: its own diagnostic, exit 2, and a flag to raise it ─────

#[test]
fn file_size_limit() {
    let project = Project::new();
    project
        .run(&["check", "--max-file-size", "100"])
        .refused_with("redlines::limit::file_size");
    let run = project.run(&["check", "--max-file-size", "1000000"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    // The largest limit a user can type does not overflow.
    let run = project.run(&["check", "--max-file-size", &u64::MAX.to_string()]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
}

#[test]
fn yaml_depth_limit() {
    let project = Project::new();
    project
        .run(&["check", "--max-yaml-depth", "2"])
        .refused_with("redlines::limit::depth");
}

#[test]
fn yaml_alias_limit() {
    let project = Project::new();
    project.write(
        "proposals/alias.yaml",
        "proposal: aliased\ntabled_by: &us us\nparties: [*us, japan]\n",
    );
    project
        .run(&["check", "--max-yaml-aliases", "0"])
        .refused_with("redlines::limit::aliases");
    let run = project.run(&["check", "--max-yaml-aliases", "1"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
}

#[test]
fn yaml_node_limit() {
    let project = Project::new();
    project
        .run(&["check", "--max-yaml-nodes", "10"])
        .refused_with("redlines::limit::nodes");
}

#[test]
fn string_length_limit_in_rules_and_proposals() {
    let project = Project::empty();
    project.write("proposals/us-offer-r1.yaml", US_OFFER);
    let long = "x".repeat(100);
    project.write(
        "rules/long.redline",
        format!("redline r \"title\" {{\n    require true\n    because \"{long}\"\n}}\n"),
    );
    project
        .run(&["check", "--max-string-length", "50"])
        .refused_with("redlines::limit::string");
    let run = project.run(&["check", "--max-string-length", "200"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    // The same flag bounds the strings of a proposal.
    project.write(
        "rules/long.redline",
        "redline r \"title\" { require true }\n",
    );
    project
        .run(&["check", "--max-string-length", "5"])
        .refused_with("redlines::limit::string");
}

#[test]
fn identifier_length_limit() {
    let project = Project::new();
    let name = format!("a{}", "b".repeat(300));
    project.write("rules/names.redline", format!("let {name} = 1\n"));
    project
        .run(&["check"])
        .refused_with("redlines::limit::identifier");
}

#[test]
fn rule_count_limit() {
    let project = Project::new();
    project
        .run(&["check", "--max-rules", "2"])
        .refused_with("redlines::limit::rules");
    let many: String = (0..10_001)
        .map(|i| format!("note n{i} \"T\" {{ require true }}\n"))
        .collect();
    project.write("rules/many.redline", &many);
    project
        .run(&["check"])
        .refused_with("redlines::limit::rules");
    let run = project.run(&["check", "--max-rules", "20000"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
}

#[test]
fn rule_nesting_limit() {
    let project = Project::new();
    project.write(
        "rules/deep.redline",
        format!("let a = {}1{}\n", "(".repeat(129), ")".repeat(129)),
    );
    project
        .run(&["check"])
        .refused_with("redlines::syntax::too_deep");
}

// ── Hostile files and the file system ───────────────────────────────────

#[test]
fn non_utf8_files_are_refused() {
    let project = Project::new();
    project.write("rules/latin1.redline", b"let caf\xe9 = 1\n");
    project
        .run(&["check"])
        .refused_with("redlines::io::not_utf8");
    fs::remove_file(project.path("rules/latin1.redline")).expect("remove");
    project.write("proposals/latin1.yaml", b"proposal: p\ntitle: caf\xe9\n");
    project
        .run(&["check"])
        .refused_with("redlines::io::not_utf8");
}

#[test]
fn a_folder_where_a_file_is_expected() {
    let project = Project::new();
    // A test case whose proposal is a folder.
    fs::create_dir_all(project.path("proposals/folder.yaml")).expect("folder");
    project.write(
        "rules/tests/japan.test.yaml",
        "- name: a folder\n  proposal: ../../proposals/folder.yaml\n  expect:\n    pass: [japan/no_fourteen]\n",
    );
    project
        .run(&["test", "rules/tests"])
        .refused_with("redlines::io::is_folder");
    // A folder named like a proposal file holds no proposals.
    project
        .run(&["check", "proposals/folder.yaml"])
        .refused_with("redlines::io::no_proposals");
}

#[test]
fn a_named_pipe_does_not_hang_the_check() {
    let project = Project::new();
    let made = Command::new("mkfifo")
        .arg(project.path("rules/pipe.redline"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("no mkfifo here; skipped");
        return;
    }
    project
        .run_timed(&["check"])
        .refused_with("redlines::io::not_a_file")
        .fast();
}

#[test]
fn unreadable_files_are_refused() {
    let project = Project::new();
    std::os::unix::fs::symlink("nowhere.redline", project.path("rules/gone.redline"))
        .expect("symlink");
    project
        .run(&["check"])
        .refused_with("redlines::io::not_found");
    fs::remove_file(project.path("rules/gone.redline")).expect("remove");

    // Without read permission (root reads anything, so only as a user).
    use std::os::unix::fs::PermissionsExt;
    let locked = project.path("proposals/locked.yaml");
    fs::write(&locked, US_OFFER.replace("us-offer-r1", "locked")).expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    if fs::read(&locked).is_err() {
        project
            .run(&["check"])
            .refused_with("redlines::io::permission");
    }
}

#[test]
fn symlink_loops_in_a_rules_folder_are_refused() {
    let project = Project::new();
    let rules = project.path("rules");
    std::os::unix::fs::symlink(&rules, rules.join("loop")).expect("symlink");
    project
        .run_timed(&["check"])
        .refused_with("redlines::io::link_loop")
        .fast();
    // Many links to the same folder would be searched 2^32 times over.
    for name in ["a", "b", "c", "d"] {
        std::os::unix::fs::symlink(&rules, rules.join(name)).expect("symlink");
    }
    project
        .run_timed(&["check"])
        .refused_with("redlines::io::link_loop")
        .fast();
    // A link to itself.
    let project = Project::new();
    std::os::unix::fs::symlink("self.redline", project.path("rules/self.redline"))
        .expect("symlink");
    project
        .run_timed(&["check"])
        .refused_with("redlines::io::")
        .fast();
}

#[test]
fn a_second_link_to_a_searched_folder_adds_nothing() {
    let project = Project::new();
    let shared = project.path("shared");
    fs::create_dir_all(&shared).expect("shared/");
    fs::write(
        shared.join("extra.redline"),
        "note extra \"Extra\" { require true }\n",
    )
    .expect("write");
    let rules = project.path("rules");
    std::os::unix::fs::symlink(&shared, rules.join("one")).expect("symlink");
    std::os::unix::fs::symlink(&shared, rules.join("two")).expect("symlink");
    let run = project.run(&["check"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    let project = Project::new();
    let bin = env!("CARGO_BIN_EXE_redlines");
    for args in [
        "check",
        "check --explain",
        "check --format json",
        "check --format sarif",
        "schema",
    ] {
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "\"$0\" {args} | head -c 1 > /dev/null; echo \"status=${{PIPESTATUS[0]}}\" >&2"
            ))
            .arg(bin)
            .current_dir(project.dir.path())
            .output()
            .expect("bash runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args}: {stderr}");
        assert!(
            stderr.contains("status=0") || stderr.contains("status=1"),
            "{args}: {stderr}"
        );
    }
    // The reader gone before anything is written.
    let mut child = Command::new(bin)
        .args(["check", "--explain"])
        .current_dir(project.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
}

#[test]
fn nested_quantifiers_over_a_large_proposal_end_undetermined() {
    let project = Project::empty();
    let concessions: String = (0..1000)
        .map(|i| format!("  - {{by: japan, kind: purchase, item: i{i}}}\n"))
        .collect();
    project.write(
        "proposals/many.yaml",
        format!("proposal: many\nparties: [us, japan]\nconcessions:\n{concessions}"),
    );
    // A billion predicate evaluations: far past the evaluation budget.
    project.write(
        "rules/bomb.redline",
        "redline bomb \"Bomb\" {\n    require not (any concessions where any concessions where any concessions where kind = \"x\")\n}\n",
    );
    let run = project.run(&["check"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(run.stdout().contains("too many steps"), "{}", run.stdout());
    assert!(
        run.elapsed < Duration::from_secs(30),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn overflowing_exact_decimals_give_a_diagnostic_not_a_wrap() {
    let project = Project::empty();
    project.write(
        "proposals/big.yaml",
        "proposal: big\nparties: [us, japan]\ntariffs:\n  autos: { before: 79228162514264337593543950335%, after: 1% }\nconcessions:\n  - by: japan\n    kind: investment\n    item: a\n    amount: $79228162514264337593543950335\n  - by: japan\n    kind: investment\n    item: b\n    amount: $79228162514264337593543950335\n",
    );
    project.write(
        "rules/big.redline",
        "redline sum_overflows \"Sum\" { require sum(concessions.amount) > $0 }\n\
         redline product_overflows \"Product\" { require tariffs.autos.before * 2 > 0% }\n\
         redline negation \"Negation\" { require -tariffs.autos.before < 0% }\n",
    );
    let run = project.run(&["check", "--format", "json", "--include-passes"]);
    let stdout = run.stdout();
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON output");
    let finding = |rule: &str| {
        json["findings"]
            .as_array()
            .and_then(|all| all.iter().find(|f| f["rule"] == format!("big/{rule}")))
            .cloned()
            .unwrap_or_else(|| panic!("no finding for `{rule}` in {stdout}"))
    };
    let outcome = |rule: &str| finding(rule)["outcome"].as_str().map(str::to_owned);
    // Overflow leaves the statement undetermined (fail closed), with a message.
    assert_eq!(
        outcome("sum_overflows").as_deref(),
        Some("undetermined"),
        "{stdout}"
    );
    assert_eq!(
        outcome("product_overflows").as_deref(),
        Some("undetermined"),
        "{stdout}"
    );
    assert_eq!(outcome("negation").as_deref(), Some("pass"), "{stdout}");
    let summary = finding("sum_overflows")["explanation"]["summary"].to_string();
    assert!(summary.contains("overflow"), "{summary}");
    // A literal too large to hold is a syntax error, not a wrap.
    project.write(
        "rules/big.redline",
        "redline r \"T\" { require 792281625142643375935439503350% > 0% }\n",
    );
    project
        .run(&["check"])
        .refused_with("redlines::syntax::literal");
}
