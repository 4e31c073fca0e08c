//! `redlines fmt`: the formatter's promises, checked on every rule file in
//! the repository and on generated rule sets (the command line is in
//! `fmt_cli.rs`).
//!
//! - formatting twice changes nothing: `fmt(fmt(x)) == fmt(x)`;
//! - every comment of the input is in the output, in the same order;
//! - the output reads back to the same syntax tree (spans aside), and
//!   checking the bundled proposals gives the same findings before and
//!   after formatting;
//! - ugly inputs in `tests/fmt-cases/` are snapshotted with their output.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use redlines::fmt::{format_source, without_spans};
use redlines::run::{self, CheckOptions, CheckRun};
use redlines::source::{SourceId, Span};
use redlines::syntax::{ast, parse_file};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.redline` file of the repository (rules, test corpora,
/// examples), sorted.
fn rule_files() -> Vec<PathBuf> {
    fn walk(folder: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(folder) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name.to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "redline") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&root(), &mut found);
    found.sort();
    found
}

fn parse(text: &str) -> Option<ast::File> {
    parse_file(text, SourceId(0)).ok()
}

fn comment_texts(file: &ast::File) -> Vec<String> {
    file.comments.iter().map(|c| c.text.clone()).collect()
}

/// Checks the formatter's promises on one text that parses; returns the
/// formatted text.
fn assert_promises(name: &str, text: &str) -> String {
    let Some(before) = parse(text) else {
        panic!("{name} should parse");
    };
    let formatted = match format_source(text, SourceId(0)) {
        Ok(formatted) => formatted,
        Err(diagnostics) => panic!("{name} does not format: {diagnostics:?}"),
    };
    let Some(after) = parse(&formatted) else {
        panic!("{name}: the formatted text does not parse:\n{formatted}");
    };
    assert_eq!(
        without_spans(&before).items,
        without_spans(&after).items,
        "{name}: formatting changed the syntax tree:\n{formatted}"
    );
    assert_eq!(
        comment_texts(&before),
        comment_texts(&after),
        "{name}: formatting lost, split or reordered comments:\n{formatted}"
    );
    let again = format_source(&formatted, SourceId(0)).unwrap_or_default();
    assert_eq!(
        again, formatted,
        "{name}: formatting twice changes the text"
    );
    assert!(
        formatted.lines().all(|line| !line.ends_with([' ', '\t'])),
        "{name}: trailing whitespace:\n{formatted}"
    );
    assert!(
        formatted.is_empty() || (formatted.ends_with('\n') && !formatted.ends_with("\n\n")),
        "{name}: the file should end with exactly one newline"
    );
    formatted
}

/// Checks that no line is longer than the layout allows, unless it holds a
/// string, which is never broken.
fn assert_width(name: &str, formatted: &str) {
    for line in formatted.lines() {
        assert!(
            line.chars().count() <= redlines::fmt::WIDTH || line.contains('"'),
            "{name}: a line over {} columns that could be broken:\n{line}",
            redlines::fmt::WIDTH
        );
    }
}

#[test]
fn every_rule_file_in_the_repository_keeps_its_meaning_and_comments() {
    let files = rule_files();
    assert!(files.len() > 40, "found only {} rule files", files.len());
    let mut formatted = 0;
    for path in &files {
        let text = fs::read_to_string(path).unwrap();
        if parse(&text).is_none() {
            // Files of the invalid corpus that do not even parse.
            assert!(format_source(&text, SourceId(0)).is_err());
            continue;
        }
        let name = path.display().to_string();
        assert_width(&name, &assert_promises(&name, &text));
        formatted += 1;
    }
    assert!(formatted > 40, "formatted only {formatted} files");
}

#[test]
fn the_bundled_rules_are_formatted() {
    for path in rule_files() {
        if !path.starts_with(root().join("rules")) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let formatted = format_source(&text, SourceId(0)).unwrap();
        assert!(
            formatted == text,
            "{} is not formatted; run `redlines fmt`:\n{}",
            path.display(),
            redlines::fmt::unified_diff(&path.display().to_string(), &text, &formatted)
        );
    }
}

#[test]
fn ugly_inputs_are_formatted() {
    insta::glob!("fmt-cases/*.redline", |path| {
        let text = fs::read_to_string(path).unwrap();
        let name = path.display().to_string();
        let formatted = assert_promises(&name, &text);
        assert_width(&name, &formatted);
        insta::assert_snapshot!(format!("{text}\n──── formatted ────\n{formatted}"));
    });
}

// ── Findings before and after formatting ─────────────────────────────────

/// What a check decided, with every rule-file position replaced by the
/// text it covers (whitespace squeezed), since formatting moves code.
fn decisions(run: &CheckRun) -> Vec<String> {
    let squeeze = |span: Span| -> String {
        run.sources
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = Vec::new();
    for report in &run.reports {
        for finding in &report.findings {
            let rule = run.rule(finding);
            let mut line = format!(
                "{} {} {:?} {}",
                report.proposal.id.value, rule.id, finding.outcome, rule.title
            );
            if let Some(explanation) = &finding.explanation {
                line += &format!(
                    " | {} | {:?} | at `{}`",
                    explanation.summary,
                    explanation.message,
                    squeeze(explanation.rule_span)
                );
                for (span, label) in &explanation.proposal_labels {
                    line += &format!(" | {}:{:?} {label}", run.sources.name(span.source), span);
                }
                for (span, label) in &explanation.rule_labels {
                    line += &format!(" | `{}` {label}", squeeze(*span));
                }
            }
            out.push(line);
        }
    }
    for warning in &run.warnings {
        out.push(format!("warning {} {}", warning.code, warning.message));
    }
    out
}

fn check(rules: &Path, proposals: &Path) -> Vec<String> {
    let options = CheckOptions {
        paths: vec![proposals.to_path_buf()],
        rules_dir: rules.to_path_buf(),
        ..CheckOptions::new()
    };
    match run::check(&options) {
        Ok(run) => decisions(&run),
        Err(failure) => panic!(
            "checking {} failed: {:?}",
            rules.display(),
            failure.diagnostics
        ),
    }
}

/// Copies the given rule files, formatted, into a fresh folder.
fn formatted_copy(files: &[PathBuf]) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    for path in files {
        let text = fs::read_to_string(path).unwrap();
        let formatted = format_source(&text, SourceId(0)).unwrap();
        fs::write(folder.path().join(path.file_name().unwrap()), formatted).unwrap();
    }
    folder
}

#[test]
fn the_bundled_proposals_get_the_same_findings_after_formatting() {
    let proposals = root().join("proposals");
    let rules = root().join("rules");
    let files: Vec<PathBuf> = fs::read_dir(&rules)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "redline"))
        .collect();
    let formatted = formatted_copy(&files);
    let before = check(&rules, &proposals);
    assert!(before.len() > 10, "the bundled check found too little");
    assert_eq!(before, check(formatted.path(), &proposals));
}

#[test]
fn every_valid_rule_case_decides_the_same_after_formatting() {
    let proposals = root().join("proposals");
    let cases = root().join("tests/rule-cases/valid");
    let mut compared = 0;
    for entry in fs::read_dir(&cases).unwrap() {
        let path = entry.unwrap().path();
        let original = tempfile::tempdir().unwrap();
        fs::copy(&path, original.path().join(path.file_name().unwrap())).unwrap();
        let formatted = formatted_copy(std::slice::from_ref(&path));
        assert_eq!(
            check(original.path(), &proposals),
            check(formatted.path(), &proposals),
            "{}",
            path.display()
        );
        compared += 1;
    }
    assert!(compared > 30);
}

// ── Generated rule sets ──────────────────────────────────────────────────

/// One token.
fn t(token: &str) -> Vec<String> {
    vec![token.to_owned()]
}

/// Tokens of an expression; compound operands are parenthesised where the
/// grammar needs it, so that most generated texts parse.
fn expr_tokens() -> impl Strategy<Value = Vec<String>> {
    let atom = prop_oneof![
        Just("1"),
        Just("2.5"),
        Just("15%"),
        Just("10pp"),
        Just("$5bn"),
        Just("€1.2tn"),
        Just("1.33M"),
        Just("2025-07-09"),
        Just("\"autos\""),
        Just("\"a \\\"q\\\" \\\\ {b} # c\\t\""),
        Just("true"),
        Just("round"),
        Just("x1"),
        Just("tariffs.autos.after"),
        Just("tariffs.reciprocal.before"),
        Just("concessions"),
        Just("partner_concessions_with_a_long_name"),
        Just("facts.ldp_majority"),
    ]
    .prop_map(t);
    atom.prop_recursive(5, 64, 4, |inner| {
        let op = prop_oneof![
            Just("or"),
            Just("and"),
            Just("="),
            Just("<="),
            Just("in"),
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
        ];
        let quantifier = prop_oneof![Just("any"), Just("all"), Just("no")];
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, op, b)| {
                let logic = op == "or" || op == "and";
                [wrap(a, !logic), t(op), wrap(b, !logic)].concat()
            }),
            inner.clone().prop_map(|e| [t("not"), e].concat()),
            inner.clone().prop_map(|e| [t("-"), wrap(e, true)].concat()),
            inner.clone().prop_map(|e| [t("("), e, t(")")].concat()),
            inner
                .clone()
                .prop_map(|e| [t("("), e, t(")"), t(".amount")].concat()),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|args| [
                t("count("),
                separated(args),
                t(")")
            ]
            .concat()),
            (prop::collection::vec(inner.clone(), 0..4), any::<bool>()).prop_map(
                |(items, trailing)| {
                    let comma = if trailing && !items.is_empty() {
                        t(",")
                    } else {
                        vec![]
                    };
                    [t("["), separated(items), comma, t("]")].concat()
                }
            ),
            (inner.clone(), inner.clone())
                .prop_map(|(c, p)| [wrap(c, true), t("where"), p].concat()),
            (quantifier, inner.clone(), inner.clone()).prop_map(|(q, c, p)| [
                t(q),
                wrap(c, true),
                t("where"),
                p
            ]
            .concat()),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(v, lo, hi)| {
                [
                    wrap(v, true),
                    t("between"),
                    wrap(lo, true),
                    t("and"),
                    wrap(hi, true),
                ]
                .concat()
            }),
        ]
    })
}

/// `tokens` in parentheses when `needed` and it is more than one token.
fn wrap(tokens: Vec<String>, needed: bool) -> Vec<String> {
    if needed && tokens.len() > 1 {
        [t("("), tokens, t(")")].concat()
    } else {
        tokens
    }
}

/// Items separated by `,` tokens.
fn separated(items: Vec<Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            out.push(",".to_owned());
        }
        out.extend(item);
    }
    out
}

/// A message with interpolations; a `#` is a comment only inside `{...}`.
fn template() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("text ".to_owned()),
            Just("\\\"q\\\" \\{b\\} # \\\\ ".to_owned()),
            Just("{count(concessions)}".to_owned()),
            Just("{x1 + 2}".to_owned()),
            Just("{ tariffs.autos.after }".to_owned()),
            Just("{x1 # inside an interpolation\n + 2}".to_owned()),
            Just("{[1,\n# own line\n2]}".to_owned()),
        ],
        0..4,
    )
    .prop_map(|parts| format!("\"{}\"", parts.concat()))
}

fn statement() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        expr_tokens().prop_map(|e| [t("require"), e].concat()),
        expr_tokens().prop_map(|e| [t("no"), t("deal"), t("unless"), e].concat()),
        expr_tokens().prop_map(|e| [t("no"), t("deal"), t("if"), e].concat()),
        expr_tokens().prop_map(|e| [t("applies"), t("when"), e].concat()),
        (expr_tokens(), expr_tokens()).prop_map(|(a, b)| {
            // A statement may not begin with a unary minus.
            let a = if a[0] == "-" {
                [t("("), a, t(")")].concat()
            } else {
                a
            };
            [a, t("requires"), b].concat()
        }),
        Just([t("because"), t("\"why \\\"not\\\"\\n\"")].concat()),
        template().prop_map(|m| [t("message"), vec![m]].concat()),
    ]
}

fn item() -> impl Strategy<Value = Vec<String>> {
    let kind = prop_oneof![Just("redline"), Just("concern"), Just("note")];
    prop_oneof![
        Just([t("party"), t("japan"), t("\"Japan\"")].concat()),
        Just(
            [
                t("coalition"),
                t("c"),
                t("\"C\""),
                t("of"),
                t("a"),
                t(","),
                t("b")
            ]
            .concat()
        ),
        (0..9u8, expr_tokens())
            .prop_map(|(n, e)| [t("let"), t(&format!("x{n}")), t("="), e].concat()),
        (kind, 0..9u8, prop::collection::vec(statement(), 0..4)).prop_map(|(kind, n, body)| {
            [
                t(kind),
                t(&format!("r{n}")),
                t("\"Title\""),
                t("{"),
                body.concat(),
                t("}"),
            ]
            .concat()
        }),
    ]
}

/// What goes between two tokens: never nothing, sometimes comments.
fn trivia() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(" ".to_owned()),
        2 => Just("\n".to_owned()),
        1 => Just("\n\n\n".to_owned()),
        1 => Just("\t ".to_owned()),
        1 => Just(" # trailing \"x\" {y}\n".to_owned()),
        1 => Just("\n# own line\n".to_owned()),
        1 => Just("\n\n#\n\n".to_owned()),
    ]
}

/// The text of a generated rule file: items whose tokens are joined by
/// random whitespace and comments.
fn rule_file() -> impl Strategy<Value = String> {
    prop::collection::vec(item(), 0..5)
        .prop_flat_map(|items| {
            let tokens = items.concat();
            let count = tokens.len() + 1;
            (Just(tokens), prop::collection::vec(trivia(), count))
        })
        .prop_map(|(tokens, trivia)| {
            let mut text = trivia[0].trim_start_matches(' ').to_owned();
            for (token, after) in tokens.iter().zip(&trivia[1..]) {
                text.push_str(token);
                text.push_str(after);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        max_global_rejects: 10_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_rule_files_keep_their_meaning_and_comments(text in rule_file()) {
        prop_assume!(parse(&text).is_some());
        let formatted = assert_promises("generated", &text);
        assert_width("generated", &formatted);
    }
}

#[test]
fn the_deepest_expressions_the_parser_accepts_format() {
    let depth = redlines::syntax::MAX_NESTING - 1;
    let parens = format!("let a = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    let chain = format!(
        "let b = 1{}\n",
        " + 1".repeat(redlines::syntax::MAX_EXPR_DEPTH - 2)
    );
    let wheres = format!("let c = x{}\n", " where y".repeat(depth - 1));
    let nots = format!("let d = {}x\n", "not ".repeat(depth));
    for text in [parens, chain, wheres, nots] {
        assert!(parse(&text).is_some(), "{text}");
        assert_promises("deep", &text);
    }
}

#[test]
fn windows_line_endings_give_the_same_layout() {
    let text = fs::read_to_string(root().join("rules/japan.redline")).unwrap();
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(format_source(&crlf, SourceId(0)).unwrap(), text);
}

#[test]
fn the_readme_example_is_what_fmt_prints() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let (_, example) = readme
        .split_once("For example, `redlines fmt` turns")
        .expect("the README shows a formatting example");
    let blocks: Vec<&str> = example.split("```").collect();
    let (before, after) = (
        blocks[1].trim_start_matches('\n'),
        blocks[3].trim_start_matches('\n'),
    );
    assert_eq!(format_source(before, SourceId(0)).unwrap(), after);
}
