#[test]
#[ignore]
fn bench_tmp() {
    use std::path::PathBuf;
    let mut sources = crate::source::Sources::new();
    let paths: Vec<PathBuf> = [
        "rules/japan.redline",
        "rules/us.redline",
        "rules/coalition.redline",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let loaded = crate::rules::load_rule_files(&paths, &mut sources, 1 << 20)
        .unwrap_or_else(|d| panic!("{d:?}"));
    let mut proposals = Vec::new();
    for f in [
        "proposals/us-offer-r1.yaml",
        "proposals/agreement-2025-09.yaml",
        "proposals/japan-all-cards.yaml",
    ] {
        let id = crate::files::read_file(&PathBuf::from(f), &mut sources, 1 << 20).unwrap();
        proposals
            .extend(crate::proposal::load_proposals(&sources, id, &Default::default()).unwrap());
    }
    let rules = &loaded.rules;
    let n = 20000;
    let start = std::time::Instant::now();
    let mut count = 0usize;
    for _ in 0..n {
        for p in &proposals {
            for r in &rules.rules {
                let res = super::evaluate(rules, r, p, &sources);
                count += res.outcome as usize;
            }
        }
    }
    let evals = n * proposals.len() * rules.rules.len();
    let el = start.elapsed();
    eprintln!(
        "{} evals, {:?} per eval ({count})",
        evals,
        el / evals as u32
    );
    // pass-only timing
    let start = std::time::Instant::now();
    let mut k = 0;
    for _ in 0..n {
        for p in &proposals {
            for r in &rules.rules {
                let mut ev = super::expr::Evaluator::new(rules, p);
                let (o, _) = super::decide(&mut ev, r);
                k += o as usize;
            }
        }
    }
    eprintln!(
        "decide only: {:?} per eval ({k})",
        start.elapsed() / evals as u32
    );
}
#[test]
#[ignore]
fn sizes() {
    eprintln!(
        "Undet {} Value {} Eval {} Atom {} Elem {} Why {}",
        std::mem::size_of::<super::reason::Undet>(),
        std::mem::size_of::<super::value::Value>(),
        std::mem::size_of::<super::expr::Eval>(),
        std::mem::size_of::<super::value::Atom>(),
        std::mem::size_of::<super::value::Elem>(),
        std::mem::size_of::<super::reason::Why>()
    );
}
#[test]
#[ignore]
fn per_rule() {
    use std::path::PathBuf;
    let mut sources = crate::source::Sources::new();
    let paths: Vec<PathBuf> = [
        "rules/japan.redline",
        "rules/us.redline",
        "rules/coalition.redline",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let loaded = crate::rules::load_rule_files(&paths, &mut sources, 1 << 20)
        .unwrap_or_else(|d| panic!("{d:?}"));
    let mut proposals = Vec::new();
    for f in [
        "proposals/us-offer-r1.yaml",
        "proposals/agreement-2025-09.yaml",
        "proposals/japan-all-cards.yaml",
    ] {
        let id = crate::files::read_file(&PathBuf::from(f), &mut sources, 1 << 20).unwrap();
        proposals
            .extend(crate::proposal::load_proposals(&sources, id, &Default::default()).unwrap());
    }
    let rules = &loaded.rules;
    let n = 20000u32;
    for r in &rules.rules {
        let start = std::time::Instant::now();
        let mut k = 0;
        for _ in 0..n {
            for p in &proposals {
                let mut ev = super::expr::Evaluator::new(rules, p);
                let (o, _) = super::decide(&mut ev, r);
                k += o as usize;
            }
        }
        eprintln!(
            "{:40} {:?} ({k})",
            r.id,
            start.elapsed() / (n * proposals.len() as u32)
        );
    }
}
