//! The machine formats of `redlines check` on the bundled rules and
//! proposals: each output is read back with a real parser (JSON, the
//! official SARIF 2.1.0 schema, an XML parser, the workflow-command syntax)
//! and snapshotted.

use std::process::Command;

use serde_json::Value;

mod support;
use support::{redlines, stdout};

fn check(format: &str, extra: &[&str]) -> (String, Option<i32>) {
    let mut args = vec!["check", "--format", format];
    args.extend_from_slice(extra);
    let output = redlines(&args);
    (stdout(&output), output.status.code())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

// ------------------------------------------------------------------ json

#[test]
fn json_lists_every_failed_finding_with_locations() {
    let (text, code) = check("json", &[]);
    assert_eq!(code, Some(1));
    let document = json(&text);
    assert_eq!(document["version"], "1");
    assert_eq!(document["verdict"], "blocked");
    let findings = document["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for finding in findings {
        let outcome = finding["outcome"].as_str().expect("outcome");
        assert!(matches!(outcome, "violated" | "undetermined"), "{finding}");
        for key in ["proposal", "file", "rule", "party", "severity", "message"] {
            assert!(finding[key].is_string(), "{key} in {finding}");
        }
        for key in ["rule_location", "proposal_location"] {
            let location = &finding[key];
            assert!(
                location["line"].as_u64().is_some_and(|l| l >= 1),
                "{finding}"
            );
            assert!(
                location["column"].as_u64().is_some_and(|c| c >= 1),
                "{finding}"
            );
        }
        assert!(finding["explanation"]["summary"].is_string(), "{finding}");
    }
    let ldp = findings
        .iter()
        .find(|f| f["proposal"] == "us-offer-r1" && f["rule"] == "japan/ldp_survival")
        .expect("the US offer crosses japan/ldp_survival");
    assert_eq!(ldp["party"], "japan");
    assert_eq!(ldp["severity"], "error");
    assert_eq!(ldp["blocks"], true);
    assert_eq!(ldp["rule_location"]["file"], "rules/japan.redline");
    assert_eq!(
        ldp["proposal_location"]["file"],
        "proposals/us-offer-r1.yaml"
    );
    // `autos: { before: 25%, after: 25% }` is line 29; the label is on the `25%` after `after:`.
    assert_eq!(ldp["proposal_location"]["line"], 29);
    insta::assert_snapshot!("json", text);
}

#[test]
fn json_summary_counts_every_outcome_and_severity() {
    let (text, _) = check("json", &["--include-passes"]);
    let document = json(&text);
    let findings = document["findings"].as_array().expect("findings");
    let summary = &document["summary"];
    let count = |outcome: &str| findings.iter().filter(|f| f["outcome"] == outcome).count() as u64;
    for outcome in ["pass", "violated", "undetermined", "not_applicable"] {
        assert_eq!(
            summary["outcomes"][outcome].as_u64(),
            Some(count(outcome)),
            "{outcome}"
        );
        assert!(
            count(outcome) > 0,
            "the bundled files have every outcome: {outcome}"
        );
    }
    let failed = |severity: &str| {
        findings
            .iter()
            .filter(|f| {
                f["severity"] == severity
                    && matches!(f["outcome"].as_str(), Some("violated" | "undetermined"))
            })
            .count() as u64
    };
    for severity in ["error", "warning", "note"] {
        assert_eq!(
            summary["severities"][severity].as_u64(),
            Some(failed(severity)),
            "{severity}"
        );
    }
    assert_eq!(summary["proposals"], 4);
    insta::assert_snapshot!("json_include_passes", text);
}

#[test]
fn json_reports_invalid_input_as_errors() {
    let output = redlines(&[
        "check",
        "tests/proposals/valid",
        "--rules",
        "tests/rule-cases/invalid",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let document = json(&stdout(&output));
    assert_eq!(document["verdict"], "invalid");
    let errors = document["errors"].as_array().expect("errors");
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|e| e["labels"].is_array() && e["code"].is_string())
    );
}

// ----------------------------------------------------------------- sarif

fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    ))
    .expect("the SARIF schema is in tests/data");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&json(&text))
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let (text, code) = check("sarif", &[]);
    assert_eq!(code, Some(1));
    let log = json(&text);
    let validator = sarif_schema();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema check has teeth: a wrong level is refused.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));

    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
        let location = &result["locations"][0]["physicalLocation"];
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|uri| uri.starts_with("proposals/")),
            "{result}"
        );
        assert!(location["region"]["startLine"].as_u64().is_some());
        let related = &result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert!(
            related
                .as_str()
                .is_some_and(|uri| uri.starts_with("rules/")),
            "{result}"
        );
    }
    let level = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .map(|r| r["level"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(level("japan/ldp_survival").as_deref(), Some("error"));
    assert_eq!(level("japan/keep_cards").as_deref(), Some("warning"));
    assert_eq!(level("japan/pledge_vs_exports").as_deref(), Some("note"));
    let stable = text.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[version]\"",
    );
    insta::assert_snapshot!("sarif", stable);
}

#[test]
fn sarif_reports_static_warnings_at_the_rule_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).expect("rules/");
    std::fs::write(
        rules.join("japan.redline"),
        "party japan \"Japan\"\nlet unused = 15%\nredline relief \"Relief\" {\n    require tariffs.autos.after <= 15%\n}\n",
    )
    .expect("a rule file");
    let proposal = concat!(env!("CARGO_MANIFEST_DIR"), "/proposals/us-offer-r1.yaml");
    let output = Command::new(env!("CARGO_BIN_EXE_redlines"))
        .args(["check", proposal, "--format", "sarif"])
        .current_dir(dir.path())
        .output()
        .expect("the redlines binary runs");
    assert_eq!(output.status.code(), Some(1));
    let log = json(&stdout(&output));
    let errors: Vec<String> = sarif_schema()
        .iter_errors(&log)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let warning = results
        .iter()
        .find(|r| r["ruleId"] == "redlines::name::unused_let")
        .expect("the unused `let` is a result");
    assert_eq!(warning["level"], "warning");
    let location = &warning["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "rules/japan.redline");
    assert_eq!(location["region"]["startLine"], 2);
    // An absolute proposal path is a `file://` URI.
    let finding = results
        .iter()
        .find(|r| r["ruleId"] == "japan/relief")
        .expect("a finding");
    let uri = finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or("");
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/proposals/us-offer-r1.yaml"),
        "{uri}"
    );
}

// ----------------------------------------------------------------- junit

#[test]
fn junit_has_a_suite_per_proposal_and_a_case_per_applicable_rule() {
    let (text, code) = check("junit", &[]);
    assert_eq!(code, Some(1));
    let document = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 4);
    let (json_text, _) = check("json", &["--include-passes"]);
    let findings = json(&json_text)["findings"]
        .as_array()
        .expect("findings")
        .len();
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), findings, "one testcase per applicable rule");
    let total: usize = root
        .attribute("tests")
        .and_then(|t| t.parse().ok())
        .expect("tests");
    assert_eq!(total, cases.len());
    // A crossed red line is a failure with expected beside actual.
    let offer = suites
        .iter()
        .find(|s| {
            s.attribute("name")
                .is_some_and(|n| n.starts_with("us-offer-r1"))
        })
        .expect("a suite for us-offer-r1");
    let ldp = offer
        .children()
        .find(|c| c.attribute("name") == Some("japan/ldp_survival"))
        .expect("a case for japan/ldp_survival");
    let failure = ldp
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    let details = failure.text().unwrap_or("");
    assert!(
        details.contains("expected: `require auto_relief` holds"),
        "{details}"
    );
    assert!(
        details.contains(
            "actual:   violated: tariffs.autos.after is 25%, required <= relief_ceiling (15%)"
        ),
        "{details}"
    );
    // Rules skipped by `applies when` are skipped tests.
    assert!(
        cases
            .iter()
            .any(|c| c.children().any(|n| n.has_tag_name("skipped")))
    );
    insta::assert_snapshot!("junit", text);
}

#[test]
fn junit_fails_concerns_only_with_deny_warnings() {
    let failures = |extra: &[&str]| {
        let (text, _) = check("junit", extra);
        let document = roxmltree::Document::parse(&text).expect("well-formed XML");
        let root = document.root_element();
        root.attribute("failures")
            .and_then(|f| f.parse::<usize>().ok())
            .expect("failures")
    };
    assert!(failures(&["--deny-warnings"]) > failures(&[]));
}

// ---------------------------------------------------------------- github

/// A parsed workflow command: its name, properties and message.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (head, message) = rest.split_once("::").expect("`::` before the message");
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p.split_once('=').expect("key=value");
            (key.to_owned(), unescape(value))
        })
        .collect();
    (name.to_owned(), properties, unescape(message))
}

fn unescape(text: &str) -> String {
    text.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotates_proposal_lines() {
    let (text, code) = check("github", &[]);
    assert_eq!(code, Some(1));
    let commands: Vec<_> = text.lines().map(parse_command).collect();
    assert!(!commands.is_empty());
    for (name, properties, message) in &commands {
        assert!(
            matches!(name.as_str(), "error" | "warning" | "notice"),
            "{name}"
        );
        let get = |key: &str| {
            properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        assert!(
            get("file").is_some_and(|f| f.starts_with("proposals/")),
            "{properties:?}"
        );
        assert!(get("line").and_then(|l| l.parse::<u32>().ok()).is_some());
        assert!(get("col").and_then(|c| c.parse::<u32>().ok()).is_some());
        assert!(get("title").is_some());
        assert!(!message.is_empty());
    }
    // Messages and titles are escaped: no raw line break or `%` survives.
    for line in text.lines() {
        let (_, message) = line.rsplit_once("::").expect("message");
        assert!(!message.contains('\r'));
        let stripped = message
            .replace("%25", "")
            .replace("%0A", "")
            .replace("%0D", "");
        assert!(!stripped.contains('%'), "{line}");
    }
    let ldp = commands
        .iter()
        .find(|(_, p, _)| {
            p.iter()
                .any(|(k, v)| k == "title" && v.contains("japan/ldp_survival"))
        })
        .expect("an annotation for japan/ldp_survival");
    assert_eq!(ldp.0, "error");
    assert!(
        ldp.2
            .contains("tariffs.autos.after is 25%, required <= relief_ceiling (15%)"),
        "{}",
        ldp.2
    );
    insta::assert_snapshot!("github", text);
}

#[test]
fn github_annotates_invalid_proposals_too() {
    let output = redlines(&["check", "tests/proposals/invalid", "--format", "github"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(text.lines().count() > 0);
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{text}"
    );
}
