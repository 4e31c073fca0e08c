//! The performance table of docs/PERFORMANCE.md: `cargo bench --bench table`.
//!
//! For K = 10, 100, 1000 rules and N = 1,000, 10,000, 100,000 proposals of
//! the seeded workload (`redlines::workload`), one multi-document stream
//! per N:
//! - rules: loading and checking the K rules, and compiling them (best of 5);
//! - parse: reading and validating the N proposals on one thread, nothing
//!   checked (the YAML loader alone);
//! - decide: deciding every applicable rule for every proposal with the
//!   compiled plan on one thread, per rule per proposal (and per
//!   applicable pair), each batch of proposals timed three times, the best
//!   kept;
//! - check: the whole `redlines check` process (human format, to
//!   /dev/null) on every core, and its peak memory (from `/usr/bin/time`).
//!
//! Then parsing alone against the whole check for N = 10,000 proposals as
//! 10,000 files, in interleaved rounds: medians, bests, and how often the
//! check was faster.
//! `REDLINES_TABLE_QUICK=1` stops at N = 10,000.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use redlines::eval::{Plan, Scratch};
use redlines::proposal::{self, Limits, Proposal};
use redlines::rules;
use redlines::source::Sources;
use redlines::workload;

/// The binary's allocator, so that the figures are those of `redlines check`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEED: u64 = 7;

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    let quick = std::env::var_os("REDLINES_TABLE_QUICK").is_some();
    let ns: &[u64] = if quick {
        &[1_000, 10_000]
    } else {
        &[1_000, 10_000, 100_000]
    };
    let root = tempfile::tempdir().expect("a temporary folder");
    println!(
        "{:>5} {:>7} | {:>8} {:>8} | {:>9} | {:>9} {:>9} | {:>9} {:>8}",
        "K", "N", "rules ms", "plan ms", "parse ms", "ns/rule", "ns/pair", "check ms", "peak MB"
    );
    println!("{}", "-".repeat(98));
    let mut parse_ms = std::collections::HashMap::new();
    for k in [10usize, 100, 1000] {
        let dir = root.path().join(format!("k{k}"));
        workload::write(&dir, SEED, k, 0, true).expect("rules are written");
        let (load_ms, plan_ms) = load_rules(&dir.join("rules"));
        for &n in ns {
            let stream = root.path().join(format!("n{n}.yaml"));
            if !stream.exists() {
                write_stream(&stream, n);
            }
            let parse = *parse_ms
                .entry(n)
                .or_insert_with(|| parse_only(std::slice::from_ref(&stream)));
            let (per_rule, per_pair) = decide(&dir.join("rules"), &stream);
            let (check_ms, peak) = whole_process(&dir.join("rules"), &stream);
            println!(
                "{k:>5} {n:>7} | {load_ms:>8.2} {plan_ms:>8.2} | {parse:>9.0} | {per_rule:>9.1} {per_pair:>9.1} | {check_ms:>9.0} {:>8}",
                peak.map_or("-".to_owned(), |mb| format!("{mb:.1}"))
            );
        }
    }
    println!();
    // 10,000 proposals as 10,000 files, against 100 rules.
    let dir = root.path().join("files");
    workload::write(&dir, SEED, 100, 10_000, false).expect("the files are written");
    let files: Vec<PathBuf> = {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("proposals"))
            .expect("the folder is read")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        files
    };
    // Interleaved rounds, so that both sides meet the same phase of the
    // machine, whose speed drifts by tens of percent within minutes.
    let rounds: Vec<(f64, f64, Option<f64>)> = (0..ROUNDS)
        .map(|_| {
            let parse = parse_only(&files);
            let (check, peak) = whole_process(&dir.join("rules"), &dir.join("proposals"));
            (parse, check, peak)
        })
        .collect();
    let parse: Vec<f64> = rounds.iter().map(|round| round.0).collect();
    let check: Vec<f64> = rounds.iter().map(|round| round.1).collect();
    let ratios: Vec<f64> = rounds.iter().map(|round| round.1 / round.0).collect();
    let wins = rounds.iter().filter(|round| round.1 <= round.0).count();
    let peak = rounds
        .iter()
        .filter_map(|round| round.2)
        .fold(None, |most: Option<f64>, mb| {
            Some(most.map_or(mb, |most| most.max(mb)))
        });
    println!("10,000 files against 100 rules, {ROUNDS} interleaved rounds (median, best):");
    println!(
        "  parse only, one thread (read + YAML + validate): {:>6.0} {:>6.0} ms",
        median(&parse),
        best(&parse)
    );
    println!(
        "  redlines check, whole process, every core:        {:>6.0} {:>6.0} ms  (peak {})",
        median(&check),
        best(&check),
        peak.map_or("-".to_owned(), |mb| format!("{mb:.1} MB"))
    );
    println!(
        "  check / parse: median {:.2}; the check was faster in {wins} of {ROUNDS} rounds",
        median(&ratios)
    );
}

/// Rounds of the 10,000-file comparison.
const ROUNDS: usize = 10;

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn best(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn write_stream(path: &Path, n: u64) {
    use std::io::Write;
    let file = std::fs::File::create(path).expect("the stream is created");
    let mut out = std::io::BufWriter::new(file);
    for start in (0..n).step_by(1000) {
        let end = (start + 1000).min(n);
        if start > 0 {
            out.write_all(b"---\n").expect("written");
        }
        out.write_all(workload::stream(SEED, start, end).as_bytes())
            .expect("written");
    }
    out.flush().expect("written");
}

/// Loading and checking the rules, then compiling them: best of 5, in ms.
fn load_rules(dir: &Path) -> (f64, f64) {
    let mut best = (f64::INFINITY, f64::INFINITY);
    for _ in 0..5 {
        let mut sources = Sources::new();
        let start = Instant::now();
        let loaded = match rules::load_rules(dir, &mut sources, u64::MAX) {
            Ok(loaded) => loaded,
            Err(errors) => panic!("the workload's rules are invalid: {errors:?}"),
        };
        let load = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        let selected: Vec<usize> = (0..loaded.rules.rules.len()).collect();
        let plan = Plan::new(&loaded.rules, &selected);
        let compile = start.elapsed().as_secs_f64() * 1e3;
        std::hint::black_box(plan);
        best = (best.0.min(load), best.1.min(compile));
    }
    best
}

/// Limits that a 100,000-document stream fits in.
fn big_limits() -> Limits {
    Limits {
        max_nodes: usize::MAX,
        ..Limits::default()
    }
}

/// Reading and validating the proposals of `files` on one thread, in ms.
fn parse_only(files: &[PathBuf]) -> f64 {
    let start = Instant::now();
    let mut count = 0usize;
    for path in files {
        read_proposals(path, &mut |proposals| count += proposals.len());
    }
    std::hint::black_box(count);
    start.elapsed().as_secs_f64() * 1e3
}

/// Reads the proposals of one file as `redlines check` does: a long file
/// streamed from disk in pieces (here of 512 documents), a short one whole.
fn read_proposals(path: &Path, each: &mut dyn FnMut(Vec<Proposal>)) {
    let mut sources = Sources::new();
    let long = std::fs::metadata(path).is_ok_and(|m| m.len() > 1 << 20);
    if long {
        let first = sources.next_id();
        let read =
            proposal::stream_proposals(path, first, &big_limits(), u64::MAX, 512, &mut |piece| {
                sources.push(piece.source);
                each(piece.proposals);
            });
        if let Err(error) = read {
            panic!("{error:?}");
        }
        return;
    }
    let id = match redlines::files::read_file(path, &mut sources, u64::MAX) {
        Ok(id) => id,
        Err(error) => panic!("{error:?}"),
    };
    match proposal::load_proposals(&sources, id, &big_limits()) {
        Ok(proposals) => each(proposals),
        Err(errors) => panic!("{errors:?}"),
    }
}

/// Deciding every rule for every proposal on one thread: ns per rule per
/// proposal, and per applicable (rule, proposal) pair.
fn decide(rules_dir: &Path, stream: &Path) -> (f64, f64) {
    let mut sources = Sources::new();
    let loaded = match rules::load_rules(rules_dir, &mut sources, u64::MAX) {
        Ok(loaded) => loaded,
        Err(errors) => panic!("{errors:?}"),
    };
    let selected: Vec<usize> = (0..loaded.rules.rules.len()).collect();
    let plan = Plan::new(&loaded.rules, &selected);
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    let mut nanos = 0u128;
    let mut proposals = 0usize;
    let mut pairs = 0usize;
    read_proposals(stream, &mut |batch| {
        // A pass to warm the caches (and count the pairs), then the best of
        // three timed passes, so that a slow moment does not make the row.
        for proposal in &batch {
            plan.decide(&loaded.rules, proposal, &mut scratch, &mut out);
            pairs += out.len();
        }
        let mut best = u128::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            for proposal in &batch {
                plan.decide(&loaded.rules, proposal, &mut scratch, &mut out);
            }
            best = best.min(start.elapsed().as_nanos());
        }
        nanos += best;
        proposals += batch.len();
    });
    let nanos = nanos as f64;
    (
        nanos / (proposals as f64 * selected.len() as f64),
        nanos / pairs.max(1) as f64,
    )
}

/// The whole `redlines check` process: wall time in ms and peak resident
/// memory in MB (when `/usr/bin/time` is there to measure it).
fn whole_process(rules_dir: &Path, proposals: &Path) -> (f64, Option<f64>) {
    let binary = env!("CARGO_BIN_EXE_redlines");
    let args = [
        "check".as_ref(),
        "--rules".as_ref(),
        rules_dir.as_os_str(),
        "--max-file-size".as_ref(),
        "1000000000".as_ref(),
        "--max-yaml-nodes".as_ref(),
        "100000000".as_ref(),
        proposals.as_os_str(),
    ];
    let time = Path::new("/usr/bin/time");
    let start = Instant::now();
    let output = if time.exists() {
        Command::new(time)
            .args(["-f", "%M"])
            .arg(binary)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
    } else {
        Command::new(binary)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
    };
    let elapsed = start.elapsed().as_secs_f64() * 1e3;
    let output = output.expect("redlines runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "redlines check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let peak = String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()
        .and_then(|line| line.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    (elapsed, peak)
}
