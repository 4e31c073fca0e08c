//! `redlines schema`: the JSON Schema of the proposal format, checked with
//! the `jsonschema` validator the way an editor would use it: every bundled
//! proposal validates, and malformed proposals are rejected, by the schema
//! as by `redlines check`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use jsonschema::Validator;
use redlines::proposal::{Limits, load_proposals};
use redlines::schema::proposal_schema;
use redlines::source::Sources;
use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> Validator {
    match jsonschema::draft202012::new(&proposal_schema()) {
        Ok(validator) => validator,
        Err(error) => panic!("the schema does not compile: {error}"),
    }
}

/// The documents of a YAML (or JSON) text as JSON values, the way an
/// editor's YAML 1.2 core schema reads them (`15%` and `2025-07-09` are
/// strings, `2` is an integer).
fn documents(text: &str) -> Option<Vec<Value>> {
    let docs = Yaml::load_from_str(text).ok()?;
    Some(docs.iter().map(to_json).collect())
}

fn to_json(yaml: &Yaml) -> Value {
    match yaml {
        Yaml::Value(scalar) => match scalar {
            Scalar::Null => Value::Null,
            Scalar::Boolean(b) => Value::Bool(*b),
            Scalar::Integer(i) => Value::from(*i),
            Scalar::FloatingPoint(f) => serde_json::Number::from_f64(f.into_inner())
                .map_or_else(|| Value::String(f.to_string()), Value::Number),
            Scalar::String(s) => Value::String(s.to_string()),
        },
        Yaml::Representation(text, ..) => Value::String(text.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Mapping(entries) => {
            let mut object = Map::new();
            for (key, value) in entries {
                let key = match to_json(key) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                object.insert(key, to_json(value));
            }
            Value::Object(object)
        }
        Yaml::Tagged(_, inner) => to_json(inner),
        Yaml::Alias(_) | Yaml::BadValue => Value::Null,
    }
}

/// Whether `redlines check` accepts the text as proposals.
fn redlines_accepts(name: &str, text: &str) -> bool {
    let mut sources = Sources::new();
    let id = sources.add(name, text);
    load_proposals(&sources, id, &Limits::default()).is_ok()
}

fn files_in(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let schema = proposal_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("not a valid draft 2020-12 schema: {error}");
    }
}

#[test]
fn every_bundled_proposal_validates() {
    let validator = validator();
    let mut checked = 0;
    for folder in ["proposals", "tests/proposals/valid"] {
        for path in files_in(&root().join(folder)) {
            let text = fs::read_to_string(&path).unwrap();
            assert!(redlines_accepts(&path.display().to_string(), &text));
            let Some(documents) = documents(&text) else {
                panic!("{} is not YAML", path.display());
            };
            for document in documents {
                let errors: Vec<String> = validator
                    .iter_errors(&document)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 9, "validated only {checked} proposals");
}

/// Malformed proposals, each with the one thing wrong with it: the schema
/// rejects each of them, and so does `redlines check`.
const MALFORMED: &[(&str, &str)] = &[
    ("no id", "parties: [us, japan]\n"),
    ("no parties", "proposal: p\n"),
    ("one party", "proposal: p\nparties: [us]\n"),
    ("a party listed twice", "proposal: p\nparties: [us, us]\n"),
    ("an upper-case party", "proposal: p\nparties: [US, japan]\n"),
    (
        "an upper-case id",
        "proposal: US-Offer\nparties: [us, japan]\n",
    ),
    (
        "an unknown key",
        "proposal: p\ntitel: x\nparties: [us, japan]\n",
    ),
    ("round 0", "proposal: p\nround: 0\nparties: [us, japan]\n"),
    (
        "a round that is not whole",
        "proposal: p\nround: 2.5\nparties: [us, japan]\n",
    ),
    (
        "a date not in ISO form",
        "proposal: p\ndate: 12/06/2025\nparties: [us, japan]\n",
    ),
    (
        "month 13",
        "proposal: p\ndate: 2025-13-01\nparties: [us, japan]\n",
    ),
    (
        "a bare number for a percent",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  autos: { before: 25%, after: 15 }\n",
    ),
    (
        "a percent with a space",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  autos: { before: 25 %, after: 15% }\n",
    ),
    (
        "money for a percent",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  autos: { before: $5bn, after: 15% }\n",
    ),
    (
        "a tariff line without `after`",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  autos: { before: 25% }\n",
    ),
    (
        "an unknown tariff-line key",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  autos: { before: 25%, after: 15%, aftr: 1% }\n",
    ),
    (
        "a sector named like a field",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  after: { before: 25%, after: 15% }\n",
    ),
    (
        "a sector with a space",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  Auto Parts: { before: 25%, after: 15% }\n",
    ),
    (
        "a quota in percent",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  steel: { before: 25%, after: 25%, quota: 10% }\n",
    ),
    (
        "a tariff line that is not a mapping",
        "proposal: p\nparties: [us, japan]\ntariffs:\n  autos: 15%\n",
    ),
    (
        "money without a currency",
        "proposal: p\nparties: [us, japan]\nconcessions:\n  - { by: japan, kind: purchase, item: rice, amount: 10bn }\n",
    ),
    (
        "a bad scale suffix",
        "proposal: p\nparties: [us, japan]\nconcessions:\n  - { by: japan, kind: purchase, item: rice, amount: $10bb }\n",
    ),
    (
        "an unknown concession kind",
        "proposal: p\nparties: [us, japan]\nconcessions:\n  - { by: japan, kind: investmnt, item: rice }\n",
    ),
    (
        "a concession without `item`",
        "proposal: p\nparties: [us, japan]\nconcessions:\n  - { by: japan, kind: purchase }\n",
    ),
    (
        "an unknown concession key",
        "proposal: p\nparties: [us, japan]\nconcessions:\n  - { by: japan, kind: purchase, item: rice, amout: $8bn }\n",
    ),
    (
        "concessions as a mapping",
        "proposal: p\nparties: [us, japan]\nconcessions:\n  by: japan\n",
    ),
    (
        "a fact with a list value",
        "proposal: p\nparties: [us, japan]\nfacts:\n  seats: [1, 2]\n",
    ),
    (
        "a fact name with a space",
        "proposal: p\nparties: [us, japan]\nfacts:\n  LDP seats: 191\n",
    ),
    (
        "a list for a title",
        "proposal: p\ntitle: [a, b]\nparties: [us, japan]\n",
    ),
    (
        "a list, not a proposal",
        "- proposal: p\n  parties: [us, japan]\n",
    ),
    (
        "an empty document",
        "proposal: p\nparties: [us, japan]\n---\n# nothing yet\n",
    ),
];

#[test]
fn malformed_proposals_are_rejected_by_the_schema_and_by_check() {
    let validator = validator();
    for (what, text) in MALFORMED {
        assert!(!redlines_accepts(what, text), "redlines accepts {what}");
        let Some(documents) = documents(text) else {
            panic!("{what}: not YAML");
        };
        let rejected = documents.iter().any(|d| !validator.is_valid(d));
        assert!(rejected, "the schema accepts {what}:\n{text}");
    }
}

/// Files of the invalid corpus whose problem JSON Schema cannot see, with
/// the reason.
const BEYOND_A_SCHEMA: &[(&str, &str)] = &[
    (
        "billion-laughs.yaml",
        "an alias bomb: refused before any schema applies",
    ),
    (
        "duplicate-keys.yaml",
        "a duplicate key is gone once the YAML is read",
    ),
    ("empty.yaml", "no document at all"),
    (
        "limit-depth.yaml",
        "too deep: refused before any schema applies",
    ),
    ("not-json.json", "not JSON"),
    ("not-yaml.yaml", "not YAML"),
    (
        "self-alias.yaml",
        "an alias inside its own anchor: not YAML",
    ),
    (
        "unknown-party.yaml",
        "`by:` and `tabled_by:` must name a listed party",
    ),
];

#[test]
fn the_invalid_proposal_corpus_is_rejected_by_the_schema() {
    let validator = validator();
    for path in files_in(&root().join("tests/proposals/invalid")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if BEYOND_A_SCHEMA.iter().any(|(file, _)| *file == name) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let Some(documents) = documents(&text) else {
            panic!("{name} is not YAML; list it in BEYOND_A_SCHEMA");
        };
        let rejected = documents.iter().any(|d| !validator.is_valid(d));
        assert!(rejected, "the schema accepts {name}");
    }
}

#[test]
fn the_schema_is_snapshotted() {
    let text = serde_json::to_string_pretty(&proposal_schema()).unwrap();
    insta::assert_snapshot!(text);
}

#[test]
fn the_command_prints_the_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_redlines"))
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, proposal_schema());
}
