//! Rule tests (`redlines test`, SPEC §4): YAML files of cases, each a
//! proposal and the outcome some rules should give on it. A case passes
//! when every rule it names has the expected outcome; each mismatch is a
//! diagnostic that points at the expectation in the test file and, when the
//! rule failed, at the rule and the proposal value too.
//!
//! `load` reads a test file into a spanned tree with `crate::yaml` and
//! turns it into the cases of `model` (loading their proposals), and [`run`]
//! evaluates them.

mod load;
pub mod model;
mod render;

use std::path::{Path, PathBuf};

use crate::check::typed::{Rule, RuleSet};
use crate::diagnostic::Diagnostic;
use crate::eval::{self, Outcome};
use crate::files;
use crate::proposal::{Limits, Proposal};
use crate::rules;
use crate::source::{Sources, Span};

pub use load::Copies;
pub use model::{Case, Expectation, TestFile};
pub use render::render;

/// The file names test files end with.
pub const TEST_FILE_SUFFIXES: [&str; 2] = [".test.yaml", ".test.yml"];

/// What to test.
#[derive(Clone, Debug)]
pub struct TestOptions {
    /// Test files or folders of them. Folders are searched for
    /// `*.test.yaml` files; a file named directly is read whatever its name.
    pub paths: Vec<PathBuf>,
    /// The folder of `.redline` files under test.
    pub rules_dir: PathBuf,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Limits on proposal files.
    pub limits: Limits,
}

impl TestOptions {
    /// The defaults of `redlines test`: the rules in `rules/`, the tests in
    /// [`default_tests_dir`] of it.
    pub fn new() -> TestOptions {
        let rules_dir = PathBuf::from("rules");
        TestOptions {
            paths: vec![default_tests_dir(&rules_dir)],
            rules_dir,
            max_file_size: files::DEFAULT_MAX_FILE_SIZE,
            limits: Limits::default(),
        }
    }
}

impl Default for TestOptions {
    fn default() -> TestOptions {
        TestOptions::new()
    }
}

/// The tests of a rules folder: `tests/` beside it (`rules/` → `tests/`,
/// `deal/rules/` → `deal/tests/`).
pub fn default_tests_dir(rules_dir: &Path) -> PathBuf {
    let parent = rules_dir.parent().unwrap_or(Path::new(""));
    if parent.as_os_str().is_empty() {
        PathBuf::from("tests")
    } else {
        parent.join("tests")
    }
}

/// The result of one case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// One diagnostic per expectation that did not hold.
    pub failures: Vec<Diagnostic>,
}

/// The results of one test file.
#[derive(Clone, Debug)]
pub struct FileResult {
    /// The file as given.
    pub file: String,
    /// Its cases, in file order.
    pub cases: Vec<CaseResult>,
}

/// A rule that no case names.
#[derive(Clone, Debug)]
pub struct Unexercised {
    /// The full rule id.
    pub rule: String,
    /// The rule's id in its file.
    pub span: Span,
}

/// A completed test run.
#[derive(Debug)]
pub struct TestRun {
    /// Every file read.
    pub sources: Sources,
    /// Results per test file, in path order.
    pub files: Vec<FileResult>,
    /// Static warnings of the rules (unused `let`s, ...).
    pub warnings: Vec<Diagnostic>,
    /// The rules that no case names.
    pub unexercised: Vec<Unexercised>,
}

impl TestRun {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.cases().filter(|c| c.failures.is_empty()).count()
    }

    /// How many cases failed.
    pub fn failed(&self) -> usize {
        self.cases().filter(|c| !c.failures.is_empty()).count()
    }

    fn cases(&self) -> impl Iterator<Item = &CaseResult> {
        self.files.iter().flat_map(|f| &f.cases)
    }
}

/// Tests that could not run: the rules or the test files are invalid.
#[derive(Debug)]
pub struct TestFailure {
    /// Every file read, for rendering.
    pub sources: Sources,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads the rules and the test files and runs every case.
pub fn run(options: &TestOptions) -> Result<TestRun, TestFailure> {
    let mut sources = Sources::new();
    let loaded = match rules::load_rules(&options.rules_dir, &mut sources, options.max_file_size) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            return Err(TestFailure {
                sources,
                diagnostics,
            });
        }
    };
    let paths = match test_files(&options.paths) {
        Ok(paths) => paths,
        Err(diagnostics) => {
            return Err(TestFailure {
                sources,
                diagnostics,
            });
        }
    };
    let ruleset = loaded.rules;
    let mut loader = load::Loader::new(
        &mut sources,
        &ruleset,
        options.max_file_size,
        &options.limits,
    );
    let test_files: Vec<(String, TestFile)> = paths
        .iter()
        .filter_map(|path| {
            loader
                .load_file(path)
                .map(|file| (files::display(path), file))
        })
        .collect();
    let (copies, mut errors) = (loader.copies, loader.errors);
    if !errors.is_empty() {
        crate::check::sort_diagnostics(&mut errors, &sources);
        return Err(TestFailure {
            sources,
            diagnostics: errors,
        });
    }
    let files = test_files
        .iter()
        .map(|(name, file)| FileResult {
            file: name.clone(),
            cases: file
                .cases
                .iter()
                .map(|case| run_case(&ruleset, case, &sources, &copies))
                .collect(),
        })
        .collect();
    let unexercised = unexercised(&ruleset, test_files.iter().map(|(_, file)| file));
    Ok(TestRun {
        sources,
        files,
        warnings: loaded.warnings,
        unexercised,
    })
}

/// Every test file under `paths`.
fn test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_file() {
            found.push(path.clone());
            continue;
        }
        let in_folder = files::find_files(std::slice::from_ref(path), &["yaml", "yml"])?;
        found.extend(in_folder.into_iter().filter(|p| is_test_file(p)));
    }
    if found.is_empty() {
        let shown: Vec<String> = paths
            .iter()
            .map(|p| format!("`{}`", files::display(p)))
            .collect();
        return Err(vec![
            Diagnostic::error(
                "redlines::test::no_tests",
                format!("no test files (`*.test.yaml`) in {}", shown.join(", ")),
            )
            .with_help(
                "write cases in a `*.test.yaml` file, or run `redlines init` for a working example",
            ),
        ]);
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn is_test_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    TEST_FILE_SUFFIXES
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// The outcome of `rule` on `proposal`; a rule whose party is not among the
/// proposal's parties (nor any member of its coalition) does not apply
/// either, and is `not_applicable` as when an `applies when` guard is false.
fn outcome(
    rules: &RuleSet,
    rule: &Rule,
    proposal: &Proposal,
    sources: &Sources,
) -> eval::RuleResult {
    if !eval::applies_to(&rule.scope, proposal) {
        return eval::RuleResult {
            outcome: Outcome::NotApplicable,
            explanation: None,
        };
    }
    eval::evaluate(rules, rule, proposal, sources)
}

fn run_case(rules: &RuleSet, case: &Case, sources: &Sources, copies: &Copies) -> CaseResult {
    let failures = case
        .expect
        .iter()
        .filter_map(|expectation| {
            let rule = &rules.rules[expectation.rule_index];
            let result = outcome(rules, rule, &case.proposal, sources);
            (result.outcome != expectation.outcome)
                .then(|| copies.map(render::mismatch(case, expectation, rule, &result)))
        })
        .collect();
    CaseResult {
        name: case.name.value.clone(),
        failures,
    }
}

/// The rules that no case names, in rule order.
fn unexercised<'a>(rules: &RuleSet, files: impl Iterator<Item = &'a TestFile>) -> Vec<Unexercised> {
    let mut named = vec![false; rules.rules.len()];
    for expectation in files.flat_map(|f| &f.cases).flat_map(|c| &c.expect) {
        named[expectation.rule_index] = true;
    }
    rules
        .rules
        .iter()
        .zip(named)
        .filter(|(_, named)| !named)
        .map(|(rule, _)| Unexercised {
            rule: rule.id.clone(),
            span: rule.id_span,
        })
        .collect()
}
