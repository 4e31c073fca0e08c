//! Reading test files into [`TestFile`]s: every case's proposal loaded and
//! every expected rule resolved, or every problem of every file reported.
//!
//! A case's proposal is a file (`proposal:`, relative to the test file) or
//! written inline (`given:`). An inline proposal is handed to the proposal
//! loader as a copy of the test file in which everything but the `given:`
//! value is blanked out (line breaks kept): byte offsets, lines and columns
//! stay those of the test file, so the loader's diagnostics and the findings'
//! labels point at the right place, and [`Copies`] maps them back onto the
//! test file itself for display.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::check::typed::RuleSet;
use crate::diagnostic::{Diagnostic, suggestion};
use crate::eval::Outcome;
use crate::files;
use crate::proposal::{self, Limits, Proposal, Spanned};
use crate::source::{SourceId, Sources, Span};
use crate::yaml::{self, FileKind, NodeRef, Shape};

use super::model::{CASE_KEYS, Case, Expectation, OUTCOME_KEYS, TestFile};

/// Deepest nesting allowed in a test file: a `given:` proposal sits two
/// levels below the list of cases, and the proposal loader applies its own,
/// lower limit to that part.
const MAX_DEPTH: usize = 128;

/// Blanked copies of test files (for `given:` proposals) and the files they
/// were copied from.
#[derive(Clone, Debug, Default)]
pub struct Copies(Vec<(SourceId, SourceId)>);

impl Copies {
    /// The test file a span really points into.
    pub fn original(&self, span: Span) -> Span {
        match self.0.iter().find(|(copy, _)| *copy == span.source) {
            Some(&(_, original)) => Span {
                source: original,
                ..span
            },
            None => span,
        }
    }

    /// `diagnostic` with every label moved from a copy onto its test file.
    pub fn map(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        for label in &mut diagnostic.labels {
            label.span = self.original(label.span);
        }
        diagnostic
    }
}

/// Reads test files against a loaded rule set.
pub struct Loader<'a> {
    sources: &'a mut Sources,
    rules: &'a RuleSet,
    max_file_size: u64,
    limits: &'a Limits,
    /// Proposal files already read, by path: their proposals, or `None`
    /// when they failed (their problems are reported once).
    proposal_files: HashMap<PathBuf, Option<Vec<Proposal>>>,
    /// Blanked copies made so far.
    pub copies: Copies,
    /// Every problem found.
    pub errors: Vec<Diagnostic>,
}

impl<'a> Loader<'a> {
    /// A loader adding files to `sources` and resolving rule ids in `rules`.
    pub fn new(
        sources: &'a mut Sources,
        rules: &'a RuleSet,
        max_file_size: u64,
        limits: &'a Limits,
    ) -> Loader<'a> {
        Loader {
            sources,
            rules,
            max_file_size,
            limits,
            proposal_files: HashMap::new(),
            copies: Copies::default(),
            errors: Vec::new(),
        }
    }

    /// Reads one test file; problems go to [`Loader::errors`].
    pub fn load_file(&mut self, path: &Path) -> Option<TestFile> {
        let source = match files::read_file(path, self.sources, self.max_file_size) {
            Ok(id) => id,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        let limits = Limits {
            max_depth: MAX_DEPTH,
            ..Limits::default()
        };
        let text = &self.sources.file(source).text;
        let mut stream = yaml::parse(text, source, &limits, FileKind::Test);
        // A duplicate key stops the file too: its cases would be ambiguous.
        if !stream.diagnostics.is_empty() {
            self.errors.append(&mut stream.diagnostics);
            return None;
        }
        let roots: Vec<NodeRef<'_>> = stream.documents.iter().map(|d| stream.root(d)).collect();
        let root = match roots.as_slice() {
            &[root] if !root.is_null() => root,
            [] | [_] => {
                self.errors.push(
                    Diagnostic::error("redlines::test::empty", "no cases in this test file")
                        .with_primary(Span::new(source, 0, 0), "a list of cases was expected here")
                        .with_help(CASE_HELP),
                );
                return None;
            }
            [_, second, ..] => {
                self.errors.push(
                    Diagnostic::error(
                        "redlines::test::several_documents",
                        "a test file holds one list of cases",
                    )
                    .with_primary(second.span(), "a second document starts here")
                    .with_help("put every case in one list, or split the file in two"),
                );
                return None;
            }
        };
        let Shape::List(items) = root.shape() else {
            self.errors.push(shape_error(root, "a list of cases"));
            return None;
        };
        let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let cases = items
            .filter_map(|item| self.case(item, source, &folder))
            .collect();
        Some(TestFile { source, cases })
    }

    fn case(&mut self, node: NodeRef<'_>, source: SourceId, folder: &Path) -> Option<Case> {
        let Shape::Map(entries) = node.shape() else {
            self.errors.push(shape_error(node, "a case (a mapping)"));
            return None;
        };
        let mut fields: HashMap<&str, (NodeRef<'_>, NodeRef<'_>)> = HashMap::new();
        let mut ok = true;
        for (key, value) in entries {
            let Some(name) = key.text() else {
                self.errors.push(shape_error(key, "a key"));
                ok = false;
                continue;
            };
            match CASE_KEYS.iter().find(|k| **k == name) {
                Some(known) => {
                    fields.insert(known, (key, value));
                }
                None => {
                    let mut error = Diagnostic::error(
                        "redlines::test::unknown_key",
                        format!("unknown key `{name}` in a case"),
                    )
                    .with_primary(key.span(), "not a key of a case");
                    error = error.with_help(
                        suggestion(name, CASE_KEYS)
                            .unwrap_or_else(|| format!("a case has {}", list(&CASE_KEYS))),
                    );
                    self.errors.push(error);
                    ok = false;
                }
            }
        }
        let name = match fields.get("name") {
            Some(&(_, value)) => self.text(value, "the case's name"),
            None => {
                self.errors.push(missing(
                    node,
                    "name",
                    "every case needs a `name:` to be reported by",
                ));
                None
            }
        };
        let proposal = match (fields.get("proposal"), fields.get("given")) {
            (Some(_), Some(&(given_key, _))) => {
                self.errors.push(
                    Diagnostic::error("redlines::test::two_proposals", "a case has both `proposal:` and `given:`")
                        .with_primary(given_key.span(), "the second proposal")
                        .with_help("a case checks one proposal: a file under `proposal:` or one written inline under `given:`"),
                );
                None
            }
            (Some(&(_, path)), None) => {
                let id = fields.get("id").map(|&(_, id)| id);
                self.proposal_file(path, id, folder)
            }
            (None, Some(&(_, given))) => self.given(given, source),
            (None, None) => {
                self.errors.push(missing(
                    node,
                    "proposal",
                    "name a proposal file under `proposal:` (relative to this test file) or write one inline under `given:`",
                ));
                None
            }
        };
        let expect = match fields.get("expect") {
            Some(&(key, value)) => self.expectations(key, value),
            None => {
                self.errors.push(missing(
                    node,
                    "expect",
                    "list the rules under the outcome they should give: `expect: { violated: [japan/ldp_survival] }`",
                ));
                None
            }
        };
        let (name, proposal, expect) = (name?, proposal?, expect?);
        ok.then_some(Case {
            name,
            proposal,
            expect,
        })
    }

    fn text(&mut self, node: NodeRef<'_>, what: &str) -> Option<Spanned<String>> {
        match node.text() {
            Some(text) => Some(Spanned::new(text.to_owned(), node.span())),
            None => {
                self.errors.push(shape_error(node, what));
                None
            }
        }
    }

    /// The proposal of `proposal: PATH` (and `id:` in a file of several).
    fn proposal_file(
        &mut self,
        node: NodeRef<'_>,
        id: Option<NodeRef<'_>>,
        folder: &Path,
    ) -> Option<Proposal> {
        let written = self.text(node, "a proposal file path")?;
        let path = normalize(&folder.join(&written.value));
        let proposals = match self.proposal_files.get(&path) {
            Some(loaded) => loaded.clone(),
            None => {
                let loaded = self.read_proposals(&path, node.span());
                self.proposal_files.insert(path.clone(), loaded.clone());
                loaded
            }
        }?;
        let id = match id {
            Some(id) => Some(self.text(id, "a proposal id")?),
            None => None,
        };
        match (id, proposals.as_slice()) {
            (None, [one]) => Some(one.clone()),
            (None, _) => {
                self.errors.push(
                    Diagnostic::error(
                        "redlines::test::which_proposal",
                        format!(
                            "`{}` holds {} proposals; a case checks one",
                            files::display(&path),
                            proposals.len()
                        ),
                    )
                    .with_primary(node.span(), "this file")
                    .with_help(format!(
                        "name one with `id:`: {}",
                        list(
                            &proposals
                                .iter()
                                .map(|p| p.id.value.as_str())
                                .collect::<Vec<_>>()
                        )
                    )),
                );
                None
            }
            (Some(id), _) => match proposals.iter().find(|p| p.id.value == id.value) {
                Some(found) => Some(found.clone()),
                None => {
                    let ids: Vec<&str> = proposals.iter().map(|p| p.id.value.as_str()).collect();
                    let mut error = Diagnostic::error(
                        "redlines::test::unknown_proposal",
                        format!("no proposal `{}` in `{}`", id.value, files::display(&path)),
                    )
                    .with_primary(id.span, "not an id in that file");
                    error = error.with_help(
                        suggestion(&id.value, ids.iter().copied())
                            .unwrap_or_else(|| format!("the file holds {}", list(&ids))),
                    );
                    self.errors.push(error);
                    None
                }
            },
        }
    }

    fn read_proposals(&mut self, path: &Path, written: Span) -> Option<Vec<Proposal>> {
        let id = match files::read_file(path, self.sources, self.max_file_size) {
            Ok(id) => id,
            Err(error) => {
                self.errors.push(error.with_primary(written, "named here"));
                return None;
            }
        };
        match proposal::load_proposals(self.sources, id, self.limits) {
            Ok(proposals) => Some(proposals),
            Err(errors) => {
                self.errors.extend(errors);
                None
            }
        }
    }

    /// The proposal written inline under `given:`, read from a blanked copy
    /// of the test file. Given as an alias (`given: *base`), it is read where
    /// the value the alias names is written.
    fn given(&mut self, node: NodeRef<'_>, source: SourceId) -> Option<Proposal> {
        if !matches!(node.shape(), Shape::Map(_)) {
            self.errors
                .push(shape_error(node, "a proposal (a mapping)"));
            return None;
        }
        let file = self.sources.file(source);
        let (name, copy) = (
            file.name.clone(),
            blank_outside(&file.text, node.value_span()),
        );
        let copy_id = self.sources.add(name, copy);
        self.copies.0.push((copy_id, source));
        match proposal::load_proposals(self.sources, copy_id, self.limits) {
            Ok(mut proposals) if proposals.len() == 1 => proposals.pop(),
            Ok(_) => {
                self.errors.push(shape_error(node, "one proposal"));
                None
            }
            Err(errors) => {
                let copies = self.copies.clone();
                self.errors
                    .extend(errors.into_iter().map(|e| copies.map(e)));
                None
            }
        }
    }

    fn expectations(&mut self, key: NodeRef<'_>, node: NodeRef<'_>) -> Option<Vec<Expectation>> {
        let Shape::Map(entries) = node.shape() else {
            self.errors
                .push(shape_error(node, "a mapping from outcomes to rule ids"));
            return None;
        };
        let mut expect: Vec<Expectation> = Vec::new();
        let mut ok = true;
        for (outcome_key, rules) in entries {
            let Some(outcome) = self.outcome(outcome_key) else {
                ok = false;
                continue;
            };
            let items: Vec<NodeRef<'_>> = match rules.shape() {
                Shape::List(items) => items.collect(),
                Shape::Null => Vec::new(),
                Shape::Scalar(_) => vec![rules],
                Shape::Map(_) => {
                    self.errors.push(shape_error(rules, "a list of rule ids"));
                    ok = false;
                    continue;
                }
            };
            for item in items {
                match self.expectation(item, outcome) {
                    Some(expectation) => {
                        if let Some(first) = expect
                            .iter()
                            .find(|e| e.rule_index == expectation.rule_index)
                        {
                            self.errors.push(
                                Diagnostic::error(
                                    "redlines::test::duplicate_rule",
                                    format!(
                                        "`{}` is expected twice in this case",
                                        expectation.rule.value
                                    ),
                                )
                                .with_primary(expectation.rule.span, "expected again here")
                                .with_label(first.rule.span, "first expected here")
                                .with_help("a rule has one outcome per proposal; keep one of them"),
                            );
                            ok = false;
                        } else {
                            expect.push(expectation);
                        }
                    }
                    None => ok = false,
                }
            }
        }
        if ok && expect.is_empty() {
            self.errors.push(
                Diagnostic::error(
                    "redlines::test::nothing_expected",
                    "this case expects nothing",
                )
                .with_primary(key.span(), "no rule is listed here")
                .with_help(
                    "list rule ids under `violated`, `pass`, `undetermined` or `not_applicable`",
                ),
            );
            return None;
        }
        ok.then_some(expect)
    }

    fn outcome(&mut self, key: NodeRef<'_>) -> Option<Outcome> {
        let keys = OUTCOME_KEYS.map(|(k, _)| k);
        let Some(text) = key.text() else {
            self.errors.push(shape_error(key, "an outcome"));
            return None;
        };
        if let Some((_, outcome)) = OUTCOME_KEYS.iter().find(|(k, _)| *k == text) {
            return Some(*outcome);
        }
        self.errors.push(
            Diagnostic::error(
                "redlines::test::unknown_outcome",
                format!("unknown outcome `{text}`"),
            )
            .with_primary(key.span(), "not an outcome")
            .with_help(
                suggestion(text, keys)
                    .unwrap_or_else(|| format!("the outcomes are {}", list(&keys))),
            ),
        );
        None
    }

    fn expectation(&mut self, node: NodeRef<'_>, outcome: Outcome) -> Option<Expectation> {
        let rule = self.text(node, "a rule id")?;
        match self.rules.rules.iter().position(|r| r.id == rule.value) {
            Some(rule_index) => Some(Expectation {
                rule,
                rule_index,
                outcome,
            }),
            None => {
                let ids = self.rules.rules.iter().map(|r| r.id.as_str());
                let mut error = Diagnostic::error(
                    "redlines::test::unknown_rule",
                    format!("unknown rule `{}`", rule.value),
                )
                .with_primary(rule.span, "no rule has this id");
                let help = suggestion(&rule.value, ids)
                    .unwrap_or_else(|| "a rule id is `OWNER/ID`: the party, coalition or file stem, then the rule's id".to_owned());
                error = error.with_help(help);
                self.errors.push(error);
                None
            }
        }
    }
}

const CASE_HELP: &str = "a test file is a list of cases:\n- name: what the case shows\n  proposal: ../proposals/offer.yaml   # or inline under `given:`\n  expect:\n    violated: [party/rule]";

fn shape_error(node: NodeRef<'_>, expected: &str) -> Diagnostic {
    Diagnostic::error(
        "redlines::test::shape",
        format!("expected {expected}, found {}", node.describe()),
    )
    .with_primary(node.span(), format!("{expected} was expected here"))
    .with_help(CASE_HELP)
}

fn missing(case: NodeRef<'_>, key: &str, help: &str) -> Diagnostic {
    let start = Span {
        end: case.span().start,
        ..case.span()
    };
    Diagnostic::error(
        "redlines::test::missing_key",
        format!("this case has no `{key}`"),
    )
    .with_primary(start, "the case starts here")
    .with_help(help.to_owned())
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` with every character outside `keep` made a space, line breaks
/// kept, so the result has the same byte offsets, lines and columns.
fn blank_outside(text: &str, keep: Span) -> String {
    let (start, end) = (keep.start as usize, keep.end as usize);
    text.char_indices()
        .flat_map(|(offset, c)| {
            let kept = (start..end).contains(&offset) || c == '\n' || c == '\r';
            // A blanked character keeps its width in bytes.
            let spaces = if kept { 0 } else { c.len_utf8() };
            let kept_char = kept.then_some(c);
            kept_char
                .into_iter()
                .chain(std::iter::repeat_n(' ', spaces))
        })
        .collect()
}

/// `path` with `.` and `dir/..` removed, without touching the file system:
/// `tests/rules/../../proposals/a.yaml` is `proposals/a.yaml`.
fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            _ => parts.push(component),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_lexically() {
        assert_eq!(
            normalize(Path::new("tests/rules/../../proposals/a.yaml")),
            PathBuf::from("proposals/a.yaml")
        );
        assert_eq!(normalize(Path::new("./a/./b")), PathBuf::from("a/b"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }

    #[test]
    fn blanking_keeps_offsets_and_lines() {
        let text = "- name: é\n  given:\n    proposal: a\n  expect: x\n";
        let start = text.find("proposal").unwrap();
        let end = start + "proposal: a".len();
        let copy = blank_outside(text, Span::new(SourceId(0), start, end));
        assert_eq!(copy.len(), text.len());
        assert_eq!(copy.lines().count(), text.lines().count());
        assert_eq!(copy.trim(), "proposal: a");
        assert_eq!(&copy[start..end], "proposal: a");
    }
}
