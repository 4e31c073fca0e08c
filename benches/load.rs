//! Loading a rule set: reading, parsing and checking K `.redline` rules of
//! the seeded workload, then compiling them into a plan.

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use redlines::eval::Plan;
use redlines::rules;
use redlines::source::Sources;
use redlines::workload;

/// The binary's allocator, so that the figures are those of `redlines check`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("rules");
    for k in [10usize, 100, 1000] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        workload::write(dir.path(), 7, k, 0, false).expect("written");
        let rules_dir = dir.path().join("rules");
        // Timed as a run meets it: the run starts with the pool idle (the
        // setup waits for the syntax trees the last load freed in the
        // background), and keeps the rules it loaded (they are dropped
        // after the timing, as a run drops them at its end).
        group.bench_with_input(BenchmarkId::new("load_and_check", k), &k, |b, _| {
            b.iter_batched(
                || rayon::broadcast(|_| ()),
                |_| {
                    let mut sources = Sources::new();
                    let loaded = rules::load_rules(&rules_dir, &mut sources, u64::MAX);
                    (loaded.map(|loaded| loaded.rules), sources)
                },
                BatchSize::PerIteration,
            );
        });
        let mut sources = Sources::new();
        let Ok(loaded) = rules::load_rules(&rules_dir, &mut sources, u64::MAX) else {
            panic!("the workload's rules are invalid");
        };
        let selected: Vec<usize> = (0..loaded.rules.rules.len()).collect();
        group.bench_with_input(BenchmarkId::new("compile", k), &k, |b, _| {
            b.iter(|| Plan::new(&loaded.rules, &selected).len());
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
