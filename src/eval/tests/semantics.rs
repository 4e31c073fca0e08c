//! Outcomes: three-valued logic, missing data, arithmetic, collections.

use crate::check::typed::{Aggregate, ArithOp, CmpOp, Quantifier, Scope, Type};
use crate::eval::{Outcome, applies_to};

use super::build::*;
use super::fixture::{Fixture, Prop};
use super::{explain, explain_require, missing, outcome, run, slice, truth, us_offer};

#[test]
fn every_outcome_kind() {
    let p = us_offer();
    assert_eq!(
        outcome(cmp(after("autos"), CmpOp::Le, lit("25%")), &p),
        Outcome::Pass
    );
    assert_eq!(
        outcome(cmp(after("autos"), CmpOp::Le, lit("15%")), &p),
        Outcome::Violated
    );
    assert_eq!(outcome(missing(), &p), Outcome::Undetermined);
    let mut fx = Fixture::new();
    fx.guard(in_(s("rice"), tariffs()));
    fx.require(missing());
    assert_eq!(run(fx, &p).0.outcome, Outcome::NotApplicable);
}

#[test]
fn guards_skip_the_rule_or_fail_closed() {
    let p = us_offer();
    let guarded = |guards: Vec<T>| {
        let mut fx = Fixture::new();
        for guard in guards {
            fx.guard(guard);
        }
        fx.require(cmp(after("autos"), CmpOp::Le, lit("15%")));
        run(fx, &p).0
    };
    assert_eq!(guarded(vec![b(false)]).outcome, Outcome::NotApplicable);
    assert_eq!(guarded(vec![b(true)]).outcome, Outcome::Violated);
    let undetermined = guarded(vec![missing()]);
    assert_eq!(undetermined.outcome, Outcome::Undetermined);
    assert!(
        undetermined
            .explanation
            .unwrap()
            .summary
            .contains("no `rice` tariff line")
    );
    // A false guard wins over an undetermined one, in either order.
    assert_eq!(
        guarded(vec![missing(), b(false)]).outcome,
        Outcome::NotApplicable
    );
    assert_eq!(
        guarded(vec![b(false), missing()]).outcome,
        Outcome::NotApplicable
    );
}

#[test]
fn logic_is_three_valued_and_order_independent() {
    let p = us_offer();
    assert_eq!(truth(and(missing(), b(false)), &p), Some(false));
    assert_eq!(truth(and(b(false), missing()), &p), Some(false));
    assert_eq!(truth(and(missing(), b(true)), &p), None);
    assert_eq!(truth(and(b(true), missing()), &p), None);
    assert_eq!(truth(or(missing(), b(true)), &p), Some(true));
    assert_eq!(truth(or(b(true), missing()), &p), Some(true));
    assert_eq!(truth(or(missing(), b(false)), &p), None);
    assert_eq!(truth(not(missing()), &p), None);
    assert_eq!(truth(not(b(false)), &p), Some(true));
    // `missing and false` as a forbidden condition holds: nothing is violated.
    let mut fx = Fixture::new();
    fx.forbid(and(missing(), b(false)));
    assert_eq!(run(fx, &p).0.outcome, Outcome::Pass);
}

#[test]
fn quantifiers_are_three_valued() {
    // One concession has an amount, one has none.
    let p = Prop::new()
        .concession("japan", "investment", "LNG", Some("$10bn"))
        .concession("japan", "purchase", "soybeans", None)
        .done();
    let over = |q, limit: &str| {
        quant(
            q,
            concessions(),
            cmp(cfield("amount"), CmpOp::Gt, lit(limit)),
        )
    };
    assert_eq!(truth(over(Quantifier::Any, "$5bn"), &p), Some(true));
    assert_eq!(truth(over(Quantifier::Any, "$50bn"), &p), None);
    assert_eq!(truth(over(Quantifier::All, "$50bn"), &p), Some(false));
    assert_eq!(truth(over(Quantifier::All, "$5bn"), &p), None);
    assert_eq!(truth(over(Quantifier::No, "$5bn"), &p), Some(false));
    assert_eq!(truth(over(Quantifier::No, "$50bn"), &p), None);
    let empty = Prop::new().done();
    assert_eq!(truth(over(Quantifier::Any, "$5bn"), &empty), Some(false));
    assert_eq!(truth(over(Quantifier::All, "$5bn"), &empty), Some(true));
    assert_eq!(truth(over(Quantifier::No, "$5bn"), &empty), Some(true));
    // Reading an absent field by name is undetermined, and says which.
    let (e, sources) = explain_require(over(Quantifier::All, "$5bn"), &p);
    assert_eq!(
        e.summary,
        "amount is missing: the concession `soybeans` has no `amount`"
    );
    assert_eq!(slice(&sources, e.rule_span), "amount");
    assert_eq!(
        e.proposal_labels,
        vec![(
            p.concessions[1].item.span,
            "no `amount` in this concession".to_owned()
        )]
    );
}

#[test]
fn a_where_with_an_undetermined_predicate_is_undetermined() {
    let p = Prop::new()
        .concession("japan", "investment", "LNG", Some("$10bn"))
        .concession("japan", "purchase", "soybeans", None)
        .done();
    let big = where_(concessions(), cmp(cfield("amount"), CmpOp::Gt, lit("$5bn")));
    assert_eq!(truth(cmp(count(big), CmpOp::Le, lit("5")), &p), None);
    let japan = where_(concessions(), cmp(cfield("by"), CmpOp::Eq, s("japan")));
    assert_eq!(
        truth(cmp(count(japan), CmpOp::Eq, lit("2")), &p),
        Some(true)
    );
}

#[test]
fn missing_optional_data_is_undetermined() {
    let p = us_offer();
    let effective = cmp(
        tariff_field(line("autos"), "effective"),
        CmpOp::Le,
        lit("2025-08-01"),
    );
    let (e, sources) = explain_require(effective, &p);
    assert_eq!(
        e.summary,
        "tariffs.autos.effective is missing: the `autos` tariff line has no `effective`"
    );
    assert_eq!(slice(&sources, e.rule_span), "tariffs.autos.effective");
    assert_eq!(
        e.proposal_labels,
        vec![(
            p.tariffs[2].sector.span,
            "no `effective` in this line".to_owned()
        )]
    );

    let (e, _) = explain_require(fact("lower_house"), &p);
    assert_eq!(
        e.summary,
        "facts.lower_house is missing: the proposal has no fact `lower_house`"
    );
    assert_eq!(
        e.proposal_labels,
        vec![(
            p.facts_span.unwrap(),
            "no `lower_house` fact here".to_owned()
        )]
    );

    let (e, _) = explain_require(cmp(round(), CmpOp::Le, lit("3")), &p);
    assert_eq!(e.summary, "round is missing: the proposal has no `round`");
    let with_round = Prop::new().round(2).done();
    assert_eq!(
        truth(cmp(round(), CmpOp::Le, lit("3")), &with_round),
        Some(true)
    );
}

#[test]
fn absent_tariffs_and_concessions_are_empty() {
    let bare = Prop::new().done();
    assert_eq!(
        truth(cmp(count(concessions()), CmpOp::Eq, lit("0")), &bare),
        Some(true)
    );
    assert_eq!(
        truth(cmp(count(tariffs()), CmpOp::Eq, lit("0")), &bare),
        Some(true)
    );
    assert_eq!(truth(in_(s("autos"), tariffs()), &bare), Some(false));
}

#[test]
fn division_by_zero_is_undetermined() {
    let p = us_offer();
    let bare = Prop::new().line("autos", "25%", "25%").done();
    let ratio = cmp(
        arith(after("autos"), ArithOp::Div, count(concessions())),
        CmpOp::Le,
        lit("5%"),
    );
    assert_eq!(truth(ratio.clone(), &p), Some(false));
    let (e, _) = explain_require(ratio, &bare);
    assert_eq!(
        e.summary,
        "division by zero in `tariffs.autos.after / count(concessions)`"
    );
}

#[test]
fn arithmetic_is_exact_and_overflow_is_undetermined() {
    let p = us_offer();
    let gap = arith(after("reciprocal"), ArithOp::Sub, after("baseline"));
    assert_eq!(
        truth(cmp(gap.clone(), CmpOp::Eq, lit("17.5pp")), &p),
        Some(true)
    );
    let mut fx = Fixture::new();
    fx.forbid(cmp(gap, CmpOp::Ge, lit("14pp")));
    let (e, _) = explain(fx, &p);
    assert_eq!(
        e.summary,
        "tariffs.reciprocal.after - tariffs.baseline.after is 17.5%, must not be >= 14pp"
    );
    assert_eq!(
        e.proposal_labels,
        vec![
            (p.tariffs[1].after.span, "set here".to_owned()),
            (p.tariffs[0].after.span, "set here".to_owned())
        ]
    );
    assert_eq!(
        truth(
            cmp(
                arith(lit("2"), ArithOp::Mul, lit("$5bn")),
                CmpOp::Eq,
                lit("$10bn")
            ),
            &p
        ),
        Some(true)
    );
    assert_eq!(
        truth(cmp(neg(lit("5%")), CmpOp::Lt, lit("0%")), &p),
        Some(true)
    );
    let huge = arith(
        lit("70000000000000000000000000000"),
        ArithOp::Mul,
        lit("10"),
    );
    let (e, _) = explain_require(cmp(huge, CmpOp::Gt, lit("0")), &p);
    assert_eq!(
        e.summary,
        "arithmetic overflow in `70000000000000000000000000000 * 10`"
    );
}

#[test]
fn an_empty_money_sum_is_a_zero_of_any_currency() {
    let bare = Prop::new().done();
    let total = || agg(Aggregate::Sum, amounts(concessions()), Type::Money(None));
    assert_eq!(
        truth(cmp(total(), CmpOp::Le, lit("€5bn")), &bare),
        Some(true)
    );
    assert_eq!(truth(cmp(total(), CmpOp::Lt, lit("$1")), &bare), Some(true));
    assert_eq!(truth(cmp(total(), CmpOp::Eq, lit("¥0")), &bare), Some(true));
    let percents = agg(Aggregate::Sum, afters(tariffs()), Type::Percent);
    assert_eq!(
        truth(cmp(percents, CmpOp::Eq, lit("0%")), &bare),
        Some(true)
    );
    let min = agg(Aggregate::Min, afters(tariffs()), Type::Percent);
    let (e, _) = explain_require(cmp(min, CmpOp::Le, lit("5%")), &bare);
    assert_eq!(
        e.summary,
        "min(tariffs.after) has no value: the list is empty"
    );
}

#[test]
fn projection_skips_absent_fields() {
    let p = us_offer();
    let total = agg(Aggregate::Sum, amounts(concessions()), Type::Money(None));
    assert_eq!(truth(cmp(total, CmpOp::Eq, lit("$15bn")), &p), Some(true));
    assert_eq!(
        truth(cmp(count(amounts(concessions())), CmpOp::Eq, lit("2")), &p),
        Some(true)
    );
    let max = agg(Aggregate::Max, afters(tariffs()), Type::Percent);
    assert_eq!(truth(cmp(max, CmpOp::Eq, lit("27.5%")), &p), Some(true));
    let regulatory = paren(where_(
        concessions(),
        cmp(cfield("kind"), CmpOp::Eq, s("regulatory")),
    ));
    let total = agg(Aggregate::Sum, amounts(regulatory), Type::Money(None));
    assert_eq!(truth(cmp(total, CmpOp::Eq, lit("$5bn")), &p), Some(true));
}

#[test]
fn money_of_different_currencies_is_undetermined() {
    let p = Prop::new()
        .concession("japan", "investment", "LNG", Some("$10bn"))
        .concession("japan", "investment", "chips", Some("€5bn"))
        .done();
    let total = agg(Aggregate::Sum, amounts(concessions()), Type::Money(None));
    let (e, _) = explain_require(cmp(total, CmpOp::Le, lit("$50bn")), &p);
    assert_eq!(
        e.summary,
        "`sum(concessions.amount)` mixes amounts of different currencies: US dollars ($) and euros (€)"
    );
    assert_eq!(
        e.proposal_labels,
        vec![(
            p.concessions[1].amount.as_ref().unwrap().span,
            "in euros (€)".to_owned()
        )]
    );
    let euro_only = Prop::new()
        .concession("japan", "investment", "chips", Some("€5bn"))
        .done();
    let big = quant(
        Quantifier::Any,
        concessions(),
        cmp(cfield("amount"), CmpOp::Gt, lit("$1bn")),
    );
    let (e, _) = explain_require(big, &euro_only);
    assert_eq!(
        e.summary,
        "`amount > $1bn` mixes currencies: amount is in euros (€) and $1bn in US dollars ($)"
    );
}

#[test]
fn a_fact_of_another_kind_is_undetermined() {
    let p = us_offer();
    let (e, _) = explain_require(cmp(fact("mood"), CmpOp::Le, lit("15%")), &p);
    assert_eq!(e.summary, "facts.mood is a string, compared with a percent");
    assert_eq!(
        e.proposal_labels,
        vec![(p.facts[1].value.span, "a string here".to_owned())]
    );
    let (e, _) = explain_require(cmp(lit("15%"), CmpOp::Eq, fact("mood")), &p);
    assert_eq!(e.summary, "facts.mood is a string, compared with a percent");
    let (e, _) = explain_require(fact("mood"), &p);
    assert_eq!(e.summary, "facts.mood is a string, used as a condition");
    let (e, _) = explain_require(fact("ldp_majority"), &p);
    assert_eq!(e.summary, "facts.ldp_majority is false, required true");
}

#[test]
fn in_tests_sector_keys_and_membership() {
    let p = us_offer();
    assert_eq!(truth(in_(s("autos"), tariffs()), &p), Some(true));
    assert_eq!(truth(in_(s("rice"), tariffs()), &p), Some(false));
    let low = where_(tariffs(), cmp(tfield("after"), CmpOp::Lt, lit("20%")));
    assert_eq!(truth(in_(s("autos"), low.clone()), &p), Some(false));
    assert_eq!(truth(in_(s("baseline"), low), &p), Some(true));
    assert_eq!(truth(in_(s("japan"), parties()), &p), Some(true));
    assert_eq!(truth(in_(s("korea"), parties()), &p), Some(false));
    assert_eq!(
        truth(in_(s("b"), list(vec![s("a"), s("b")])), &p),
        Some(true)
    );
    let (e, _) = explain_require(in_(s("rice"), tariffs()), &p);
    assert_eq!(e.summary, "\"rice\" is not a sector of tariffs");
    assert_eq!(
        e.proposal_labels,
        vec![(p.tariffs_span.unwrap(), "no `rice` line here".to_owned())]
    );
    let mut fx = Fixture::new();
    fx.forbid(in_(s("autos"), tariffs()));
    let (e, _) = explain(fx, &p);
    assert_eq!(e.summary, "\"autos\" is a sector of tariffs");
    assert_eq!(
        e.proposal_labels,
        vec![(p.tariffs[2].sector.span, "here".to_owned())]
    );
}

#[test]
fn between_is_inclusive() {
    let p = us_offer();
    let range = |lo: &str, hi: &str| between(after("autos"), lit(lo), lit(hi));
    assert_eq!(truth(range("25%", "30%"), &p), Some(true));
    assert_eq!(truth(range("20%", "25%"), &p), Some(true));
    assert_eq!(truth(range("10%", "24.9%"), &p), Some(false));
    let (e, _) = explain_require(range("10%", "15%"), &p);
    assert_eq!(
        e.summary,
        "tariffs.autos.after is 25%, required between 10% and 15%"
    );
}

#[test]
fn implication_holds_unless_the_premise_holds_and_the_conclusion_fails() {
    let p = us_offer();
    let implies = |a: T, c: T| {
        let mut fx = Fixture::new();
        fx.implies(a, c);
        run(fx, &p)
    };
    assert_eq!(implies(b(false), b(false)).0.outcome, Outcome::Pass);
    assert_eq!(implies(b(false), missing()).0.outcome, Outcome::Pass);
    assert_eq!(implies(b(true), b(true)).0.outcome, Outcome::Pass);
    assert_eq!(implies(missing(), b(true)).0.outcome, Outcome::Pass);
    assert_eq!(
        implies(missing(), b(false)).0.outcome,
        Outcome::Undetermined
    );
    assert_eq!(implies(b(true), missing()).0.outcome, Outcome::Undetermined);
    let regulatory = quant(
        Quantifier::Any,
        concessions(),
        cmp(cfield("kind"), CmpOp::Eq, s("regulatory")),
    );
    let (result, sources) = implies(regulatory, cmp(after("autos"), CmpOp::Le, lit("15%")));
    assert_eq!(result.outcome, Outcome::Violated);
    let e = result.explanation.unwrap();
    assert_eq!(e.summary, "tariffs.autos.after is 25%, required <= 15%");
    let labels: Vec<_> = e
        .rule_labels
        .iter()
        .map(|(s, l)| (slice(&sources, *s), l.as_str()))
        .collect();
    assert_eq!(
        labels,
        vec![("any concessions where kind = \"regulatory\"", "this holds")]
    );
}

#[test]
fn elements_of_enclosing_predicates_are_in_scope() {
    let p = us_offer();
    // any concessions where any parties where it = by
    let inner = quant(
        Quantifier::Any,
        parties(),
        cmp(it(Type::Party), CmpOp::Eq, cfield_at("by", 1)),
    );
    assert_eq!(
        truth(quant(Quantifier::All, concessions(), inner), &p),
        Some(true)
    );
    let korea = Prop::new()
        .concession("korea", "purchase", "rice", None)
        .done();
    let inner = quant(
        Quantifier::Any,
        parties(),
        cmp(it(Type::Party), CmpOp::Eq, cfield_at("by", 1)),
    );
    assert_eq!(
        truth(quant(Quantifier::All, concessions(), inner), &korea),
        Some(false)
    );
}

#[test]
fn rules_apply_to_their_parties() {
    let p = us_offer();
    assert!(applies_to(&Scope::Party("japan".to_owned()), &p));
    assert!(!applies_to(&Scope::Party("korea".to_owned()), &p));
    let coalition = |members: &[&str]| Scope::Coalition {
        id: "autos_first".to_owned(),
        members: members.iter().map(|m| m.to_string()).collect(),
    };
    assert!(applies_to(&coalition(&["korea", "japan"]), &p));
    assert!(!applies_to(&coalition(&["korea", "eu"]), &p));
    assert!(applies_to(&Scope::Everyone("common".to_owned()), &p));
}

#[test]
fn outcomes_serialize_in_snake_case() {
    let names: Vec<String> = [
        Outcome::Pass,
        Outcome::Violated,
        Outcome::Undetermined,
        Outcome::NotApplicable,
    ]
    .iter()
    .map(|o| serde_json::to_string(o).unwrap())
    .collect();
    assert_eq!(
        names,
        [
            "\"pass\"",
            "\"violated\"",
            "\"undetermined\"",
            "\"not_applicable\""
        ]
    );
    assert_eq!(Outcome::NotApplicable.as_str(), "not_applicable");
}
