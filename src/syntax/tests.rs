//! Unit tests of the grammar and the conversion: precedence, literals,
//! statements, and the shape of syntax errors.

use super::ast::*;
use super::parse_file;
use crate::source::SourceId;

/// Renders an expression as an S-expression to make precedence visible.
fn sexpr(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Literal(value) => value.to_string(),
        ExprKind::List(items) => format!(
            "[{}]",
            items.iter().map(sexpr).collect::<Vec<_>>().join(" ")
        ),
        ExprKind::Path(segments) => segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ExprKind::Call(name, args) => format!(
            "({} {})",
            name.name,
            args.iter().map(sexpr).collect::<Vec<_>>().join(" ")
        ),
        ExprKind::Paren(inner) => sexpr(inner),
        ExprKind::Field(inner, field) => format!("{}.{}", sexpr(inner), field.name),
        ExprKind::Unary(UnaryOp::Not, _, e) => format!("(not {})", sexpr(e)),
        ExprKind::Unary(UnaryOp::Neg, _, e) => format!("(neg {})", sexpr(e)),
        ExprKind::Binary(op, _, a, b) => format!("({} {} {})", op.symbol(), sexpr(a), sexpr(b)),
        ExprKind::Between(x, lo, hi) => {
            format!("(between {} {} {})", sexpr(x), sexpr(lo), sexpr(hi))
        }
        ExprKind::Where(c, p) => format!("(where {} {})", sexpr(c), sexpr(p)),
        ExprKind::Quantified(q, c, p) => format!("({} {} {})", q.keyword(), sexpr(c), sexpr(p)),
    }
}

fn parse_expr(text: &str) -> String {
    let source = format!("let x = {text}");
    let file = parse_file(&source, SourceId(0)).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    match &file.items[0] {
        Item::Let(decl) => sexpr(&decl.value),
        other => panic!("not a let: {other:?}"),
    }
}

fn error_code(text: &str) -> &'static str {
    parse_file(text, SourceId(0)).unwrap_err()[0].code
}

#[test]
fn operators_follow_the_spec_precedence() {
    assert_eq!(parse_expr("a or b and c"), "(or a (and b c))");
    assert_eq!(parse_expr("not a and b"), "(and (not a) b)");
    assert_eq!(parse_expr("not a = b"), "(not (= a b))");
    assert_eq!(parse_expr("a + b * c < d - e"), "(< (+ a (* b c)) (- d e))");
    assert_eq!(parse_expr("-a * b"), "(* (neg a) b)");
    assert_eq!(parse_expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(
        parse_expr("\"autos\" in tariffs and b"),
        "(and (in \"autos\" tariffs) b)"
    );
}

#[test]
fn between_binds_like_a_comparison() {
    assert_eq!(
        parse_expr("x between 1 and 5 and y"),
        "(and (between x 1 5) y)"
    );
    assert_eq!(
        parse_expr("x + 1 between -1 and 2 * 3"),
        "(between (+ x 1) (neg 1) (* 2 3))"
    );
}

#[test]
fn where_reaches_right_and_takes_one_operand() {
    assert_eq!(
        parse_expr("concessions where by = \"japan\" and kind = \"purchase\""),
        "(where concessions (and (= by \"japan\") (= kind \"purchase\")))"
    );
    assert_eq!(
        parse_expr("x in tariffs where after > 10%"),
        "(in x (where tariffs (> after 10%)))"
    );
    assert_eq!(
        parse_expr("sum((concessions where by = \"japan\").amount)"),
        "(sum (where concessions (= by \"japan\")).amount)"
    );
    assert_eq!(
        parse_expr("count(c where a) <= 3"),
        "(<= (count (where c a)) 3)"
    );
    assert_eq!(
        parse_expr("any c where kind = \"x\" or y"),
        "(any c (or (= kind \"x\") y))"
    );
}

#[test]
fn literals_carry_their_units() {
    assert_eq!(parse_expr("25%"), "25%");
    assert_eq!(parse_expr("10pp"), "10%");
    assert_eq!(parse_expr("$550bn"), "$550bn");
    assert_eq!(parse_expr("€600bn + ¥1tn"), "(+ €600bn ¥1tn)");
    assert_eq!(parse_expr("1.33M"), "1.33M");
    assert_eq!(parse_expr("2025-07-09"), "2025-07-09");
    assert_eq!(parse_expr("[\"a\", true, 3,]"), "[\"a\" true 3]");
    assert_eq!(
        parse_expr("facts.ldp_majority = false"),
        "(= facts.ldp_majority false)"
    );
    assert_eq!(parse_expr("tariffs.8471.after"), "tariffs.8471.after");
}

#[test]
fn every_statement_form_parses() {
    let text = r#"
        party japan "Japan"
        redline r "Title" {
            applies when round >= 1
            require a
            no deal unless b
            no deal if c
            any d where kind = "x" requires e
            no deal where x requires y
            because "why \"quoted\""
            message "count is {count(concessions)} {{no}}"
        }
    "#
    .replace("{{no}}", "\\{no\\}");
    let file = parse_file(&text, SourceId(0)).unwrap();
    let Item::Rule(rule) = &file.items[1] else {
        panic!()
    };
    let kinds: Vec<&str> = rule
        .statements
        .iter()
        .map(|s| match &s.kind {
            StatementKind::AppliesWhen(_) => "applies",
            StatementKind::Require(_) => "require",
            StatementKind::NoDealUnless(_) => "unless",
            StatementKind::NoDealIf(_) => "if",
            StatementKind::Requires(_, _) => "requires",
            StatementKind::Because(_) => "because",
            StatementKind::Message(_) => "message",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "applies", "require", "unless", "if", "requires", "requires", "because", "message"
        ]
    );
    let StatementKind::Because(because) = &rule.statements[6].kind else {
        panic!()
    };
    assert_eq!(because.value, "why \"quoted\"");
    let StatementKind::Message(message) = &rule.statements[7].kind else {
        panic!()
    };
    assert_eq!(message.parts.len(), 3);
    assert_eq!(message.parts[2], TemplatePart::Text(" {no}".to_owned()));
}

#[test]
fn note_and_deal_stay_usable_as_names() {
    assert_eq!(
        parse_expr("tariffs where note = \"x\""),
        "(where tariffs (= note \"x\"))"
    );
    assert_eq!(parse_expr("deal = \"us-japan\""), "(= deal \"us-japan\")");
}

#[test]
fn comments_are_collected() {
    let file = parse_file("# top\nlet a = 1 # trailing\n", SourceId(0)).unwrap();
    let texts: Vec<&str> = file.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["# top", "# trailing"]);
}

#[test]
fn statements_need_no_separator_but_calls_hug_their_paren() {
    let file = parse_file(
        "redline r \"t\" {\n require a\n (b) requires c\n}",
        SourceId(0),
    )
    .unwrap();
    let Item::Rule(rule) = &file.items[0] else {
        panic!()
    };
    assert_eq!(rule.statements.len(), 2);
    assert_eq!(
        error_code("redline r \"t\" {\n require a\n -b requires c\n}"),
        "redlines::syntax::unexpected"
    );
}

#[test]
fn syntax_errors_have_their_own_codes() {
    assert_eq!(
        error_code("let a = b < c < d"),
        "redlines::syntax::chained_comparison"
    );
    assert_eq!(error_code("let a = 15kg"), "redlines::syntax::literal");
    assert_eq!(error_code("let a = \"\\q\""), "redlines::syntax::escape");
    assert_eq!(
        error_code("redline r \"t\" {"),
        "redlines::syntax::unexpected"
    );
}

#[test]
fn deep_nesting_fails_cleanly_on_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let deep = format!("let a = {}1{}", "(".repeat(200_000), ")".repeat(200_000));
            let started = std::time::Instant::now();
            let code = error_code(&deep);
            (code, started.elapsed())
        })
        .unwrap();
    let (code, elapsed) = handle.join().unwrap();
    assert_eq!(code, "redlines::syntax::too_deep");
    assert!(elapsed.as_secs() < 1, "took {elapsed:?}");
    let chain = format!("let a = 1{}", " + 1".repeat(300));
    assert_eq!(error_code(&chain), "redlines::syntax::too_deep");
}
