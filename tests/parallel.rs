//! Parallel checking changes nothing but speed: with one thread or many,
//! streamed or kept whole, `redlines check` writes the same bytes in every
//! format, on the bundled files and on a generated workload; and the
//! compiled rules decide exactly what the tree evaluator decides.

use std::path::Path;
use std::process::Command;

use arbitrary::{Arbitrary, Unstructured};
use redlines::diagnostic::Style;
use redlines::eval::{self, Plan, Scratch};
use redlines::generate::{Scenario, check_texts};
use redlines::report::{github, human, json, junit, sarif, stream};
use redlines::run::{self, CheckOptions, CheckRun};
use redlines::workload;

const FORMATS: [&str; 5] = ["human", "json", "sarif", "junit", "github"];

/// Runs the binary in `dir`; returns stdout and the exit code.
fn redlines(dir: &Path, args: &[&str]) -> (Vec<u8>, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_redlines"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("the binary runs");
    (output.stdout, output.status.code())
}

/// Runs the binary in `dir`, which must refuse the input (exit 2); returns
/// what it printed on stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let (stderr, code) = redlines_stderr(dir, args);
    assert_eq!(code, Some(2), "{stderr}");
    stderr
}

/// Every format of `formats`, with one thread and with several, gives the
/// same bytes.
fn same_output_whatever_the_threads(dir: &Path, formats: &[&str], jobs: &[&str], extra: &[&str]) {
    for &format in formats {
        let mut outputs = Vec::new();
        for &jobs in jobs {
            let mut args = vec!["check", "--format", format, "--jobs", jobs];
            args.extend_from_slice(extra);
            outputs.push((jobs, redlines(dir, &args)));
        }
        let (_, (first, code)) = &outputs[0];
        assert!(!first.is_empty(), "{format}: no output");
        assert!(matches!(code, Some(0 | 1)), "{format}: exit {code:?}");
        for (jobs, (output, other_code)) in &outputs[1..] {
            assert_eq!(code, other_code, "{format} --jobs {jobs}: exit code");
            assert!(
                first == output,
                "{format} --jobs {jobs} differs from --jobs 1:\n{}",
                first_difference(first, output)
            );
        }
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(a.lines().count().min(b.lines().count()));
    format!(
        "line {}: {:?}\n   vs: {:?}",
        line + 1,
        a.lines().nth(line),
        b.lines().nth(line)
    )
}

fn bundled() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_bundled_files_give_the_same_bytes_with_one_thread_or_many() {
    let jobs = ["1", "2", "4", "0"];
    same_output_whatever_the_threads(bundled(), &FORMATS, &jobs, &[]);
    same_output_whatever_the_threads(
        bundled(),
        &FORMATS,
        &jobs,
        &["--explain", "--include-passes"],
    );
    same_output_whatever_the_threads(
        bundled(),
        &FORMATS,
        &jobs,
        &["--as", "japan", "--deny-warnings"],
    );
}

/// A workload of many small files and one stream long enough to be read
/// in batches.
fn generated_workload() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    workload::write(dir.path(), 11, 40, 150, false).expect("the workload is written");
    let stream = workload::stream(11, 150, 2600);
    assert!(stream.len() > 1 << 20, "the stream is read in batches");
    std::fs::write(dir.path().join("proposals/zz-stream.yaml"), stream).expect("written");
    dir
}

#[test]
fn a_generated_workload_gives_the_same_bytes_with_one_thread_or_many() {
    let dir = generated_workload();
    same_output_whatever_the_threads(dir.path(), &FORMATS, &["1", "3"], &[]);
    same_output_whatever_the_threads(
        dir.path(),
        &["human", "json"],
        &["1", "3"],
        &["--as", "us", "--explain", "--include-passes"],
    );
}

#[test]
fn streamed_reports_are_the_reports_of_the_whole_run() {
    let dir = generated_workload();
    for jobs in [1, 0] {
        let options = CheckOptions {
            paths: vec![dir.path().join("proposals")],
            rules_dir: dir.path().join("rules"),
            jobs,
            ..CheckOptions::new()
        };
        let run = run::check(&options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
        assert_eq!(run.reports.len(), 2600);
        // Each format streamed, and the same format rendered from the run.
        let same = |format: stream::Streamed, deny_warnings: bool, whole: String| {
            let mut streamed = Vec::new();
            let verdict = stream::check(
                &options,
                format,
                Style::PLAIN,
                deny_warnings,
                &mut |bytes| streamed.extend_from_slice(bytes),
            )
            .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
            assert_eq!(String::from_utf8_lossy(&streamed), whole, "{format:?}");
            assert_eq!(verdict, run.verdict(deny_warnings), "{format:?}");
        };
        for deny_warnings in [false, true] {
            let human = human::render_run(&run, Style::PLAIN, deny_warnings);
            same(stream::Streamed::Human, deny_warnings, human);
            same(
                stream::Streamed::Sarif,
                deny_warnings,
                sarif::render_run(&run),
            );
            let junit = junit::render_run(&run, deny_warnings);
            same(stream::Streamed::Junit, deny_warnings, junit);
        }
        same(stream::Streamed::Github, false, github::render_run(&run));
        for (include_passes, deny_warnings) in [(false, false), (true, true)] {
            let format = stream::Streamed::Json { include_passes };
            let json = json::render_run(&run, include_passes, deny_warnings);
            same(format, deny_warnings, json);
        }
    }
}

/// Runs the binary in `dir`; returns stderr and the exit code.
fn redlines_stderr(dir: &Path, args: &[&str]) -> (String, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_redlines"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (stderr, output.status.code())
}

#[test]
fn files_of_many_windows_give_the_same_bytes_and_problems_in_order() {
    // 700 files are three windows of files; each window is checked while
    // the one before is taken, and a long stream in the middle of one is
    // read in batches between them.
    let dir = tempfile::tempdir().expect("a temporary folder");
    workload::write(dir.path(), 5, 10, 700, false).expect("the workload is written");
    let stream = workload::stream(5, 1000, 3400);
    assert!(stream.len() > 1 << 20, "the stream is read in batches");
    let proposals = dir.path().join("proposals");
    std::fs::write(proposals.join("p000300-stream.yaml"), stream).expect("written");
    same_output_whatever_the_threads(dir.path(), &["human", "json"], &["1", "3"], &[]);

    // Problems in the first window, in the second after the stream, and
    // in the third.
    let write = |name: &str, text: &[u8]| {
        std::fs::write(proposals.join(name), text).expect("written");
    };
    write("p000010.yaml", b"proposal: [unclosed\n");
    write("p000400.yaml", b"proposal: [unclosed\n");
    write("p000550.yaml", &[0xff, 0xfe]);
    std::fs::copy(
        proposals.join("p000649.yaml"),
        proposals.join("p000650.yaml"),
    )
    .expect("copied");
    let (one, code) = redlines_stderr(dir.path(), &["check", "--jobs", "1"]);
    let (many, other) = redlines_stderr(dir.path(), &["check", "--jobs", "3"]);
    assert_eq!((code, other), (Some(2), Some(2)));
    assert_eq!(one, many);
    let at = |needle: &str| {
        one.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in:\n{one}"))
    };
    assert!(at("p000010.yaml") < at("p000400.yaml"), "{one}");
    assert!(at("p000400.yaml") < at("p000550.yaml"), "{one}");
    assert!(at("p000550.yaml") < at("p000650.yaml"), "{one}");
}

#[test]
fn an_invalid_proposal_late_in_a_stream_fails_the_run_without_findings() {
    let dir = generated_workload();
    let mut text = workload::stream(11, 5000, 7500);
    text.push_str("---\nproposal: Bad\nparties: [us]\n");
    std::fs::write(dir.path().join("proposals/zzz-bad.yaml"), text).expect("written");
    for format in FORMATS {
        let (one, code) = redlines(dir.path(), &["check", "--format", format, "--jobs", "1"]);
        let (many, other) = redlines(dir.path(), &["check", "--format", format]);
        assert_eq!(code, Some(2), "{format}");
        assert_eq!(other, Some(2), "{format}");
        assert_eq!(one, many, "{format}");
        if format == "human" {
            assert!(one.is_empty(), "no findings are printed for an invalid run");
        }
    }
}

#[test]
fn a_problem_late_in_a_long_stream_is_shown_with_its_lines_in_the_file() {
    let dir = generated_workload();
    let mut text = workload::stream(11, 5000, 7500);
    let line = text.lines().count() + 2;
    text.push_str("---\nproposal: Bad\nparties: [us, eu]\n");
    text.push_str(&workload::stream(11, 7500, 8000));
    std::fs::write(dir.path().join("proposals/zzz-bad.yaml"), text).expect("written");
    for jobs in ["1", "2"] {
        let stderr = refused(dir.path(), &["check", "--jobs", jobs]);
        // The piece of the file this is in was dropped once checked, and is
        // read again to be shown.
        assert!(
            stderr.contains(&format!("proposals/zzz-bad.yaml:{line}:11]")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!(" {line} │ proposal: Bad")),
            "{stderr}"
        );
        assert!(stderr.contains(&format!(" {} │ ---", line - 1)), "{stderr}");
    }
}

#[test]
fn a_limit_reached_late_in_a_long_stream_is_reported_where_the_whole_file_reaches_it() {
    // Pieces of a stream are parsed side by side, each counting from zero;
    // where the counts over the whole file reach a limit, the piece is read
    // again. The diagnostic must be the one reading the file whole gives:
    // in the first piece, in a later one, in a later batch of pieces.
    let dir = generated_workload();
    let path = dir.path().join("proposals/zz-stream.yaml");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut sources = redlines::source::Sources::new();
    let whole = sources.add("whole", text.as_str());
    for nodes in [2_000, 20_000, 40_000, 70_000] {
        let limits = redlines::proposal::Limits {
            max_nodes: nodes,
            ..redlines::proposal::Limits::default()
        };
        let problems = redlines::proposal::load_proposals(&sources, whole, &limits)
            .expect_err("the limit is reached");
        assert_eq!(problems[0].code, "redlines::limit::nodes");
        let at = sources.start(problems[0].primary_span().expect("a span"));
        let header = format!("zz-stream.yaml:{}:{}]", at.line, at.column);
        for jobs in ["1", "2", "3"] {
            let limit = nodes.to_string();
            let stderr = refused(
                dir.path(),
                &["check", "--jobs", jobs, "--max-yaml-nodes", &limit],
            );
            assert!(
                stderr.contains(&header),
                "{nodes} values, {jobs} jobs: {stderr}"
            );
            assert_eq!(
                stderr.matches("redlines::limit::nodes").count(),
                1,
                "{stderr}"
            );
        }
    }
}

/// Outcomes of every selected rule on every proposal of a run, by the
/// compiled plan, next to those the run found.
fn plan_agrees_with(run: &CheckRun) {
    let plan = Plan::new(&run.rules, &run.selected);
    let mut scratch = Scratch::default();
    let mut decided = Vec::new();
    for report in &run.reports {
        plan.decide(&run.rules, &report.proposal, &mut scratch, &mut decided);
        let tree: Vec<_> = run
            .selected
            .iter()
            .map(|&i| &run.rules.rules[i])
            .enumerate()
            .filter(|(_, rule)| eval::applies_to(&rule.scope, &report.proposal))
            .map(|(n, rule)| {
                let index = run.selected[n];
                let outcome = eval::evaluate(&run.rules, rule, &report.proposal, &run.sources);
                (index, outcome.outcome)
            })
            .collect();
        assert_eq!(decided, tree, "proposal {}", report.proposal.id.value);
    }
}

#[test]
fn the_compiled_rules_decide_what_the_tree_evaluator_decides() {
    // The bundled rules and a generated workload.
    let options = CheckOptions {
        paths: vec![
            bundled().join("proposals"),
            bundled().join("tests/proposals/valid"),
        ],
        rules_dir: bundled().join("rules"),
        ..CheckOptions::new()
    };
    plan_agrees_with(&run::check(&options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics)));
    let dir = tempfile::tempdir().expect("a temporary folder");
    workload::write(dir.path(), 3, 200, 400, false).expect("written");
    let options = CheckOptions {
        paths: vec![dir.path().join("proposals")],
        rules_dir: dir.path().join("rules"),
        ..CheckOptions::new()
    };
    plan_agrees_with(&run::check(&options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics)));
}

#[test]
fn the_compiled_rules_agree_on_lists_longer_than_a_mask() {
    // The plan selects elements of lists of up to 64 by bit masks, and walks
    // longer lists: proposals of 70 extra tariff lines or 10 times their
    // concessions take the walks.
    let dir = tempfile::tempdir().expect("a temporary folder");
    workload::write(dir.path(), 3, 200, 0, false).expect("written");
    let proposals = dir.path().join("proposals");
    std::fs::create_dir_all(&proposals).expect("proposals/");
    let mut stream = String::new();
    for index in 0..200 {
        let text = workload::proposal(3, index);
        let (head, rest) = text.split_once("concessions:\n").unwrap_or((&text, ""));
        let (items, facts) = rest.split_at(rest.find("facts:").unwrap_or(rest.len()));
        let mut long = String::new();
        if index % 2 == 0 {
            let extra: String = (0..70)
                .map(|n| {
                    format!(
                        "  extra_{n}: {{ before: {}%, after: {}% }}\n",
                        n % 30,
                        n % 20
                    )
                })
                .collect();
            long.push_str(&head.replacen("tariffs:\n", &format!("tariffs:\n{extra}"), 1));
        } else {
            long.push_str(head);
        }
        if !items.is_empty() {
            long.push_str("concessions:\n");
            long.push_str(&items.repeat(if index % 3 == 0 { 10 } else { 1 }));
        }
        long.push_str(facts);
        stream.push_str("---\n");
        stream.push_str(&long);
    }
    std::fs::write(proposals.join("long.yaml"), stream).expect("written");
    let options = CheckOptions {
        paths: vec![proposals],
        rules_dir: dir.path().join("rules"),
        ..CheckOptions::new()
    };
    let run = run::check(&options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    assert!(
        run.reports
            .iter()
            .any(|r| r.proposal.concessions.len() > 64)
    );
    assert!(run.reports.iter().any(|r| r.proposal.tariffs.len() > 64));
    plan_agrees_with(&run);
}

#[test]
fn the_compiled_rules_agree_on_arbitrary_rules_and_proposals() {
    // Seeded bytes through the fuzzers' generator: every construct of the
    // language, facts of every type, missing data, several currencies.
    let mut state = 0x5eed_u64;
    let mut checked = 0;
    for _ in 0..400 {
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (state >> 33) as u8
            })
            .collect();
        let Ok(scenario) = Scenario::arbitrary(&mut Unstructured::new(&bytes)) else {
            continue;
        };
        let Ok(run) = check_texts(&scenario.rules, &scenario.proposals, false, 1) else {
            continue;
        };
        plan_agrees_with(&run);
        checked += 1;
    }
    assert!(checked > 100, "only {checked} scenarios were valid");
}
