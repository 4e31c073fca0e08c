//! Every example of SPEC.md (copied into `tests/spec/`) parses, passes the
//! static checks, and behaves as the SPEC describes.

use std::path::Path;

use redlines::diagnostic::{Style, render_all};
use redlines::eval::Outcome;
use redlines::run::{CheckOptions, check};
use redlines::source::Sources;

#[test]
fn spec_rule_examples_pass_the_static_checks() {
    let mut sources = Sources::new();
    let loaded = redlines::rules::load_rules(Path::new("tests/spec/rules"), &mut sources, 1 << 20)
        .unwrap_or_else(|e| panic!("{}", render_all(&e, &sources, Style::PLAIN)));
    assert!(
        loaded.warnings.is_empty(),
        "{}",
        render_all(&loaded.warnings, &sources, Style::PLAIN)
    );
    assert_eq!(loaded.rules.rules.len(), 6);
}

#[test]
fn the_spec_proposal_checks_as_section_3_describes() {
    let options = CheckOptions {
        paths: vec!["tests/spec/proposals".into()],
        rules_dir: "tests/spec/rules".into(),
        ..CheckOptions::new()
    };
    let run = check(&options)
        .unwrap_or_else(|e| panic!("{}", render_all(&e.diagnostics, &e.sources, Style::PLAIN)));
    let report = &run.reports[0];
    let outcome = |id: &str| {
        report
            .findings
            .iter()
            .find(|f| run.rule(f).id == id)
            .map(|f| f.outcome)
            .unwrap_or_else(|| panic!("no finding for {id}"))
    };
    assert_eq!(outcome("japan/autos_on_table"), Outcome::Pass);
    assert_eq!(outcome("japan/ldp_survival"), Outcome::Violated);
    assert_eq!(outcome("japan/no_fourteen"), Outcome::Violated);
    assert_eq!(outcome("japan/keep_cards"), Outcome::Pass);
    assert_eq!(outcome("japan/safety_for_relief"), Outcome::Pass);
    assert_eq!(outcome("fragments/spec_fragments"), Outcome::Violated);

    // §3: the failing statement's label shows the actual value beside the
    // required one, and the proposal line that set it.
    let ldp = report
        .findings
        .iter()
        .find(|f| run.rule(f).id == "japan/ldp_survival")
        .unwrap();
    let explanation = ldp.explanation.as_ref().unwrap();
    assert_eq!(
        explanation.summary,
        "tariffs.autos.after is 25%, required <= 15%"
    );
    assert_eq!(run.sources.slice(explanation.rule_span), "auto_relief");
    let (span, text) = &explanation.proposal_labels[0];
    assert_eq!(text, "set here");
    assert_eq!(run.sources.slice(*span), "25%");
    assert_eq!(run.sources.start(*span).line, 12);
}
