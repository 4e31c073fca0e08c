//! Deciding rules per proposal with the compiled plan, on one thread: the
//! throughput is in (rule, proposal) pairs, so criterion's time per element
//! is the cost per rule per proposal. The tree evaluator (which explains
//! the rules that fail) is measured beside it for comparison.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use redlines::eval::{self, Plan, Scratch};
use redlines::proposal::{self, Limits, Proposal};
use redlines::rules;
use redlines::source::Sources;
use redlines::workload;

/// The binary's allocator, so that the figures are those of `redlines check`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PROPOSALS: u64 = 1000;

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide");
    for k in [10usize, 100, 1000] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        workload::write(dir.path(), 7, k, 0, false).expect("written");
        let mut sources = Sources::new();
        let Ok(loaded) = rules::load_rules(&dir.path().join("rules"), &mut sources, u64::MAX)
        else {
            panic!("the workload's rules are invalid");
        };
        let id = sources.add("stream.yaml", workload::stream(7, 0, PROPOSALS));
        let proposals: Vec<Proposal> =
            match proposal::load_proposals(&sources, id, &Limits::default()) {
                Ok(proposals) => proposals,
                Err(errors) => panic!("{errors:?}"),
            };
        let selected: Vec<usize> = (0..loaded.rules.rules.len()).collect();
        let plan = Plan::new(&loaded.rules, &selected);
        group.throughput(Throughput::Elements(PROPOSALS * k as u64));
        group.bench_with_input(BenchmarkId::new("plan", k), &k, |b, _| {
            let mut scratch = Scratch::default();
            let mut out = Vec::new();
            b.iter(|| {
                let mut decided = 0;
                for proposal in &proposals {
                    plan.decide(&loaded.rules, proposal, &mut scratch, &mut out);
                    decided += out.len();
                }
                decided
            });
        });
        if k <= 100 {
            group.bench_with_input(BenchmarkId::new("tree", k), &k, |b, _| {
                b.iter(|| {
                    let mut failed = 0;
                    for proposal in &proposals {
                        for rule in &loaded.rules.rules {
                            if eval::applies_to(&rule.scope, proposal) {
                                let result =
                                    eval::evaluate(&loaded.rules, rule, proposal, &sources);
                                failed += usize::from(result.explanation.is_some());
                            }
                        }
                    }
                    failed
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
