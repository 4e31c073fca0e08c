//! From files to findings in-process: `run::check` (reports kept) and the
//! streamed human report, on N proposal files against 100 rules, with one
//! thread and with every core.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use redlines::diagnostic::Style;
use redlines::report::stream;
use redlines::run::{self, CheckOptions};
use redlines::workload;

/// The binary's allocator, so that the figures are those of `redlines check`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn end_to_end(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    for n in [100u64, 1000] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        workload::write(dir.path(), 7, 100, n, false).expect("written");
        group.throughput(Throughput::Elements(n));
        for jobs in [1usize, 0] {
            let options = CheckOptions {
                paths: vec![dir.path().join("proposals")],
                rules_dir: dir.path().join("rules"),
                jobs,
                ..CheckOptions::new()
            };
            let threads = if jobs == 1 { "1 thread" } else { "every core" };
            group.bench_with_input(
                BenchmarkId::new(format!("kept, {threads}"), n),
                &n,
                |b, _| {
                    b.iter(|| {
                        run::check(&options)
                            .map(|run| run.reports.len())
                            .unwrap_or(0)
                    })
                },
            );
            group.bench_with_input(
                BenchmarkId::new(format!("human, {threads}"), n),
                &n,
                |b, _| {
                    b.iter(|| {
                        let mut bytes = 0;
                        let _ = stream::check(
                            &options,
                            stream::Streamed::Human,
                            Style::PLAIN,
                            false,
                            &mut |text: &[u8]| bytes += text.len(),
                        );
                        bytes
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
