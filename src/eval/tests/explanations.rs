//! Explanations, messages and traces.

use crate::check::typed::{CmpOp, Quantifier};
use crate::eval::trace;

use super::build::*;
use super::fixture::{Fixture, Prop};
use super::{explain, explain_require, missing, slice, truth, us_offer};

#[test]
fn a_violation_shows_actual_and_required_values() {
    let p = us_offer();
    let (e, sources) = explain_require(cmp(after("autos"), CmpOp::Le, lit("15%")), &p);
    assert_eq!(e.summary, "tariffs.autos.after is 25%, required <= 15%");
    assert_eq!(slice(&sources, e.rule_span), "tariffs.autos.after <= 15%");
    assert_eq!(
        e.proposal_labels,
        vec![(p.tariffs[2].after.span, "set here".to_owned())]
    );
    assert!(e.rule_labels.is_empty());
    assert_eq!(e.message, None);
}

#[test]
fn a_literal_on_the_left_reads_as_the_path_first() {
    let p = us_offer();
    let (e, _) = explain_require(cmp(lit("15%"), CmpOp::Ge, after("autos")), &p);
    assert_eq!(e.summary, "tariffs.autos.after is 25%, required <= 15%");
}

#[test]
fn a_missing_tariff_line_is_undetermined_and_named() {
    let p = us_offer();
    let (e, sources) = explain_require(missing(), &p);
    assert_eq!(
        e.summary,
        "tariffs.rice.after is missing: the proposal has no `rice` tariff line"
    );
    assert_eq!(slice(&sources, e.rule_span), "tariffs.rice.after");
    assert_eq!(
        e.proposal_labels,
        vec![(p.tariffs_span.unwrap(), "no `rice` line here".to_owned())]
    );
    // Without a `tariffs` key the label goes on the proposal id.
    let bare = Prop::new().done();
    let (e, _) = explain_require(missing(), &bare);
    assert_eq!(
        e.proposal_labels,
        vec![(bare.id.span, "no `rice` line here".to_owned())]
    );
}

#[test]
fn a_failure_inside_a_let_points_at_the_reference() {
    let p = us_offer();
    let mut fx = Fixture::new();
    let relief = fx.let_("auto_relief", cmp(after("autos"), CmpOp::Le, lit("15%")));
    fx.require(relief);
    let (e, sources) = explain(fx, &p);
    assert_eq!(e.summary, "tariffs.autos.after is 25%, required <= 15%");
    assert_eq!(slice(&sources, e.rule_span), "auto_relief");
    let labels: Vec<_> = e
        .rule_labels
        .iter()
        .map(|(s, l)| (slice(&sources, *s), l.as_str()))
        .collect();
    assert_eq!(
        labels,
        vec![("tariffs.autos.after <= 15%", "this is false")]
    );
    assert_eq!(
        e.proposal_labels,
        vec![(p.tariffs[2].after.span, "set here".to_owned())]
    );
    // The reference is the one in the statement, not the `let` name.
    assert!(e.rule_span.start > 30, "{:?}", e.rule_span);
}

#[test]
fn an_undetermined_let_points_at_the_reference_and_labels_the_path() {
    let p = us_offer();
    let mut fx = Fixture::new();
    let inner = fx.let_("rice_rate", after("rice"));
    let relief = fx.let_("rice_relief", cmp(inner, CmpOp::Le, lit("15%")));
    fx.require(and(b(true), relief));
    let (e, sources) = explain(fx, &p);
    assert_eq!(
        e.summary,
        "tariffs.rice.after is missing: the proposal has no `rice` tariff line"
    );
    assert_eq!(slice(&sources, e.rule_span), "rice_relief");
    let labels: Vec<_> = e
        .rule_labels
        .iter()
        .map(|(s, l)| (slice(&sources, *s), l.as_str()))
        .collect();
    assert_eq!(labels, vec![("tariffs.rice.after", "missing")]);
}

#[test]
fn and_or_explanations_find_the_failing_part() {
    let p = us_offer();
    let guarded = and(
        in_(s("autos"), tariffs()),
        cmp(after("autos"), CmpOp::Le, lit("15%")),
    );
    let (e, sources) = explain_require(guarded, &p);
    assert_eq!(e.summary, "tariffs.autos.after is 25%, required <= 15%");
    assert_eq!(slice(&sources, e.rule_span), "tariffs.autos.after <= 15%");
    let either = or(
        cmp(after("autos"), CmpOp::Le, lit("15%")),
        not(fact("ldp_majority")),
    );
    assert_eq!(truth(either, &p), Some(true));
    let neither = or(
        cmp(after("autos"), CmpOp::Le, lit("15%")),
        fact("ldp_majority"),
    );
    let (e, sources) = explain_require(neither, &p);
    assert_eq!(
        e.summary,
        "none of these holds: tariffs.autos.after is 25%, required <= 15%; facts.ldp_majority is false, required true"
    );
    assert_eq!(
        slice(&sources, e.rule_span),
        "tariffs.autos.after <= 15% or facts.ldp_majority"
    );
    let (e, _) = explain_require(not(cmp(after("autos"), CmpOp::Ge, lit("20%"))), &p);
    assert_eq!(e.summary, "tariffs.autos.after is 25%, must not be >= 20%");
}

#[test]
fn quantifier_explanations_label_the_element() {
    let p = us_offer();
    let mut fx = Fixture::new();
    fx.require(quant(
        Quantifier::No,
        concessions(),
        cmp(cfield("kind"), CmpOp::Eq, s("regulatory")),
    ));
    let (e, _) = explain(fx, &p);
    assert_eq!(
        e.summary,
        "the concession `car safety standards` matches `kind = \"regulatory\"`"
    );
    assert_eq!(
        e.proposal_labels,
        vec![(
            p.concessions[2].item.span,
            "this concession matches".to_owned()
        )]
    );

    let all_small = quant(
        Quantifier::All,
        tariffs(),
        cmp(tfield("after"), CmpOp::Le, lit("25%")),
    );
    let (e, sources) = explain_require(all_small, &p);
    assert_eq!(
        e.summary,
        "the `reciprocal` tariff line does not satisfy the condition: after is 27.5%, required <= 25%"
    );
    assert_eq!(
        slice(&sources, e.rule_span),
        "all tariffs where after <= 25%"
    );
    assert_eq!(
        e.proposal_labels,
        vec![(
            p.tariffs[1].sector.span,
            "this tariff line does not satisfy it".to_owned()
        )]
    );

    let any_rice = quant(
        Quantifier::Any,
        tariffs(),
        cmp(tfield("sector"), CmpOp::Eq, s("rice")),
    );
    let (e, _) = explain_require(any_rice, &p);
    assert_eq!(e.summary, "no element of tariffs satisfies the condition");
    assert_eq!(
        e.proposal_labels,
        vec![(p.tariffs_span.unwrap(), "none of these matches".to_owned())]
    );
}

#[test]
fn counts_are_labelled_at_the_list_key() {
    let p = us_offer();
    let mut fx = Fixture::new();
    let ours = fx.let_(
        "our_concessions",
        where_(concessions(), cmp(cfield("by"), CmpOp::Eq, s("japan"))),
    );
    fx.require(cmp(count(ours), CmpOp::Le, lit("2")));
    let (e, _) = explain(fx, &p);
    assert_eq!(e.summary, "count(our_concessions) is 3, required <= 2");
    assert_eq!(
        e.proposal_labels,
        vec![(
            p.concessions_span.unwrap(),
            "3 matching concessions here".to_owned()
        )]
    );
    let (e, _) = explain_require(cmp(count(concessions()), CmpOp::Le, lit("1")), &p);
    assert_eq!(
        e.proposal_labels,
        vec![(p.concessions_span.unwrap(), "3 concessions here".to_owned())]
    );
}

#[test]
fn messages_interpolate_plain_values() {
    let p = us_offer();
    let mut fx = Fixture::new();
    fx.require(cmp(count(concessions()), CmpOp::Le, lit("2")));
    fx.message(vec![
        P::S("Japan offers "),
        P::E(count(concessions())),
        P::S(" concessions to "),
        P::E(parties()),
        P::S("; autos at "),
        P::E(after("autos")),
        P::S(", rice at "),
        P::E(after("rice")),
        P::S(", "),
        P::E(s("done")),
    ]);
    let (e, _) = explain(fx, &p);
    assert_eq!(
        e.message.as_deref(),
        Some("Japan offers 3 concessions to us, japan; autos at 25%, rice at ?, done")
    );
}

#[test]
fn the_trace_shows_every_step() {
    let p = us_offer();
    let mut fx = Fixture::new();
    let ours = fx.let_(
        "our_concessions",
        where_(concessions(), cmp(cfield("by"), CmpOp::Eq, s("japan"))),
    );
    let relief = fx.let_("auto_relief", cmp(after("autos"), CmpOp::Le, lit("15%")));
    fx.require(and(
        relief.clone(),
        cmp(count(ours.clone()), CmpOp::Le, lit("3")),
    ));
    fx.require(relief);
    fx.require(cmp(count(ours), CmpOp::Ge, lit("0")));
    let (rules, sources) = fx.finish();
    let text = trace(&rules, &rules.rules[0], &p, &sources);
    let expected = "\
test/rule on p1: violated
  require auto_relief and count(our_concessions) <= 3 → violated
    auto_relief and count(our_concessions) <= 3 → false
      auto_relief → false
        let auto_relief = tariffs.autos.after <= 15%
          tariffs.autos.after <= 15% → false
            tariffs.autos.after → 25%
      count(our_concessions) <= 3 → true
        count(our_concessions) → 3
          our_concessions → 3 concessions (Alaska LNG project, soybeans and corn, car safety standards)
            let our_concessions = concessions where by = \"japan\"
              concessions where by = \"japan\" → 3 concessions (Alaska LNG project, soybeans and corn, car safety standards)
                concessions → 3 concessions (Alaska LNG project, soybeans and corn, car safety standards)
                by = \"japan\", for each of 3 elements:
                  the concession `Alaska LNG project` → true
                  the concession `soybeans and corn` → true
                  the concession `car safety standards` → true
  require auto_relief → violated
    auto_relief → false
      (`auto_relief` is traced above)
  require count(our_concessions) >= 0 → holds
    count(our_concessions) >= 0 → true
      count(our_concessions) → 3
        our_concessions → 3 concessions (Alaska LNG project, soybeans and corn, car safety standards)
          (`our_concessions` is traced above)
";
    assert_eq!(text, expected);
}
