//! Unit tests of the static checks, on small rule files given as text.

use super::{ParsedFile, check_files};
use crate::diagnostic::Diagnostic;
use crate::source::Sources;
use crate::syntax::parse_file;

const SPEC_EXAMPLE: &str = r#"
party japan "Japan"

let autos_included = "autos" in tariffs
let auto_relief    = tariffs.autos.after <= 15%
let our_concessions = concessions where by = "japan"

redline autos_on_table "No deal unless autos are included" {
    no deal unless autos_included
    because "Cars are roughly 30% of Japan's exports to the US (1.33M vehicles in 2024)."
}

redline ldp_survival "LDP survival requires auto relief" {
    require auto_relief
    because "If auto tariffs are not eliminated or drastically eased, the LDP government will not survive."
}

redline no_fourteen "The extra 14 points of the reciprocal rate must not apply" {
    no deal if tariffs.reciprocal.after - tariffs.baseline.after >= 14pp
}

concern keep_cards "Do not play every card in one package" {
    require count(our_concessions) <= 3
    message "Japan offers {count(our_concessions)} concessions in one round; keep some for the next"
}

concern safety_for_relief "Easing car safety standards requires auto relief" {
    any our_concessions where kind = "regulatory" requires tariffs.autos.after <= 15%
}
"#;

/// Checks files given as (name, text) and returns the codes of every
/// diagnostic, in order.
fn codes(files: &[(&str, &str)]) -> Vec<&'static str> {
    diagnostics(files).iter().map(|d| d.code).collect()
}

fn diagnostics(files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let mut sources = Sources::new();
    let parsed: Vec<_> = files
        .iter()
        .map(|(name, text)| {
            let id = sources.add(*name, *text);
            parse_file(text, id).unwrap_or_else(|e| panic!("{name}: {e:?}"))
        })
        .collect();
    let inputs: Vec<ParsedFile<'_>> = parsed
        .iter()
        .zip(files)
        .map(|(file, (name, _))| ParsedFile {
            file,
            stem: name.to_string(),
        })
        .collect();
    check_files(&inputs).diagnostics
}

fn one(text: &str) -> Vec<&'static str> {
    codes(&[("a", text)])
}

fn rule(body: &str) -> Vec<&'static str> {
    one(&format!("redline r \"t\" {{\n{body}\n}}"))
}

#[test]
fn the_spec_example_checks_cleanly() {
    assert_eq!(codes(&[("japan", SPEC_EXAMPLE)]), Vec::<&str>::new());
    let mut sources = Sources::new();
    let id = sources.add("japan", SPEC_EXAMPLE);
    let file = parse_file(SPEC_EXAMPLE, id).unwrap();
    let checked = check_files(&[ParsedFile {
        file: &file,
        stem: "japan".into(),
    }]);
    let rules = checked.rules.unwrap();
    let ids: Vec<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "japan/autos_on_table",
            "japan/ldp_survival",
            "japan/no_fourteen",
            "japan/keep_cards",
            "japan/safety_for_relief"
        ]
    );
    assert_eq!(rules.lets.len(), 3);
}

#[test]
fn unknown_paths_and_names_suggest_the_closest() {
    let found = diagnostics(&[("a", "redline r \"t\" { require tariffs.autos.aftr <= 15% }")]);
    assert_eq!(found[0].code, "redlines::name::unknown_path");
    assert_eq!(found[0].help.as_deref(), Some("did you mean `after`?"));
    let found = diagnostics(&[("a", "let relief = true\nredline r \"t\" { require releif }")]);
    assert_eq!(found[0].code, "redlines::name::unknown");
    assert_eq!(found[0].help.as_deref(), Some("did you mean `relief`?"));
    let found = diagnostics(&[("a", "redline r \"t\" { require cnt(concessions) > 1 }")]);
    assert_eq!(found[0].code, "redlines::name::unknown_function");
    assert_eq!(found[0].help.as_deref(), Some("did you mean `count`?"));
    assert_eq!(
        rule("require any concessions where kinds = \"x\""),
        ["redlines::name::unknown"]
    );
    assert_eq!(rule("require it = 1"), ["redlines::name::unknown"]);
    assert_eq!(rule("require facts = 1"), ["redlines::name::unknown_path"]);
}

#[test]
fn units_must_match() {
    assert_eq!(
        rule("require tariffs.autos.after <= $15bn"),
        ["redlines::type::mismatch"]
    );
    assert_eq!(
        rule("require $5bn + €5bn > $1bn"),
        ["redlines::type::currency"]
    );
    assert_eq!(
        rule("require tariffs.autos.after / 10% > 1%"),
        ["redlines::type::arithmetic"]
    );
    assert_eq!(
        rule("require date + 1 > date"),
        ["redlines::type::arithmetic"]
    );
    assert_eq!(rule("require title < \"b\""), ["redlines::type::ordering"]);
    assert_eq!(rule("require not round"), ["redlines::type::mismatch"]);
    assert_eq!(rule("require round"), ["redlines::type::not_boolean"]);
    assert_eq!(
        rule("require sum(concessions.item) > 1"),
        ["redlines::type::mismatch"]
    );
    assert_eq!(
        rule("require count(round) > 1"),
        ["redlines::type::not_collection"]
    );
    assert_eq!(
        rule("require 2 * $5bn > $1bn and $5bn / 2 < $3bn and 27.5% - 15% = 12.5pp"),
        Vec::<&str>::new()
    );
    assert_eq!(
        rule("require sum(concessions.amount) >= $10bn"),
        Vec::<&str>::new()
    );
    assert_eq!(rule("require facts.x = 3%"), Vec::<&str>::new());
    assert_eq!(
        rule("require tariffs.after between 1% and 2%"),
        ["redlines::type::mismatch"]
    );
    assert_eq!(
        rule("require max(tariffs.after) between 1% and 2%"),
        Vec::<&str>::new()
    );
    assert_eq!(
        rule("require \"autos\" in tariffs and \"japan\" in parties and kind in [\"a\"]"),
        ["redlines::name::unknown"]
    );
}

#[test]
fn let_cycles_label_every_member() {
    let found = diagnostics(&[(
        "a",
        "let a = b\nlet b = c\nlet c = a\nredline r \"t\" { require a }",
    )]);
    let cycles: Vec<&Diagnostic> = found
        .iter()
        .filter(|d| d.code == "redlines::name::let_cycle")
        .collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].labels.len(), 3);
}

#[test]
fn duplicates_are_errors_and_unused_lets_warnings() {
    let text =
        "party japan \"J\"\nredline r \"t\" { require true }\nconcern r \"t\" { require true }";
    assert_eq!(one(text), ["redlines::name::duplicate_rule"]);
    let across = codes(&[
        ("a", "party japan \"J\"\nredline r \"t\" { require true }"),
        ("b", "party japan \"J\"\nnote r \"t\" { require true }"),
    ]);
    assert_eq!(across, ["redlines::name::duplicate_rule"]);
    assert_eq!(
        one("let unused = 1\nredline r \"t\" { require true }"),
        ["redlines::name::unused_let"]
    );
    assert_eq!(
        rule("require true because \"a\" because \"b\""),
        ["redlines::rule::duplicate_statement"]
    );
    assert_eq!(rule("because \"a\""), ["redlines::rule::no_check"]);
    assert_eq!(
        one("let a = 1\nlet a = 2\nredline r \"t\" { require a = 1 }"),
        ["redlines::name::duplicate_let"]
    );
}

#[test]
fn errors_in_every_file_are_reported_together() {
    let found = codes(&[
        ("a", "redline r \"t\" { require x }"),
        ("b", "redline r \"t\" { require y }"),
    ]);
    assert_eq!(
        found,
        ["redlines::name::unknown", "redlines::name::unknown"]
    );
}

#[test]
fn party_literals_are_remembered_for_the_unknown_party_warning() {
    let text = "party japan \"J\"\nredline r \"t\" { require any concessions where by = \"japn\" }";
    let mut sources = Sources::new();
    let id = sources.add("a", text);
    let file = parse_file(text, id).unwrap();
    let checked = check_files(&[ParsedFile {
        file: &file,
        stem: "a".into(),
    }]);
    let rules = checked.rules.unwrap();
    let warnings =
        super::unknown_party_warnings(&checked.party_literals, &rules, &["us".to_owned()].into());
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].help.as_deref(), Some("did you mean `japan`?"));
}
