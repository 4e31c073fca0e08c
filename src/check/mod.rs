//! Static checks (SPEC §2.4): names, paths, types and units. Turns syntax
//! trees into the checked [`typed::RuleSet`] the evaluator reads.
//!
//! Every problem in every file is reported in one run: checking goes on
//! after an error, and an expression that failed is simply left out.

mod codes;
mod expr;
mod ops;
pub mod typed;
mod types;

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity, suggestion};
use crate::source::{Sources, Span};
use crate::syntax::ast::{self, Item, RuleKind, StatementKind};
use typed::{
    Check, CheckKind, Let, LetId, Owner, Rule, RuleSet, Scope, Template, TemplatePart, Type,
};

/// A parsed rule file ready to be checked.
pub struct ParsedFile<'a> {
    /// Its syntax tree.
    pub file: &'a ast::File,
    /// The owner used when the file declares no party or coalition.
    pub stem: String,
}

/// The result of checking: the rule set when there was no error, and every
/// diagnostic (errors and warnings) either way.
pub struct Checked {
    /// The checked rules, or `None` if any error was found.
    pub rules: Option<RuleSet>,
    /// All diagnostics, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// String literals compared with party fields (`by = "japn"`), for the
    /// unknown-party warning once the proposals' parties are known.
    pub party_literals: Vec<(String, Span)>,
}

/// Checks every file together (rule ids are unique per owner across files).
///
/// What spans files is settled first: `let` ids, owners and duplicate rule
/// ids. A file's `let`s are its own, so each file is then checked on its
/// own, in parallel, and the results are joined in file order.
pub fn check_files(files: &[ParsedFile<'_>]) -> Checked {
    let mut declared = Declarations::new(files);
    declared.declare_lets();
    let scopes = declared.scopes();
    declared.rule_ids(&scopes);
    // The largest files first: one started last would leave a core idle.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(files[index].file.items.len()));
    let mut checked: Vec<(usize, CheckedFile)> = order
        .into_par_iter()
        .with_max_len(1)
        .map(|index| {
            let mut checker = Checker::new(&declared, index);
            checker.file(scopes[index].as_ref());
            let checked = CheckedFile {
                diagnostics: checker.diagnostics,
                rules: checker.rules,
                lets: checker.lets,
                party_literals: checker.party_literals,
                used_lets: checker.used_lets,
            };
            (index, checked)
        })
        .collect();
    checked.sort_by_key(|(index, _)| *index);
    declared.finish(checked.into_iter().map(|(_, checked)| checked).collect())
}

/// Warnings for string literals compared with party fields that name a
/// party no rule file declares and no proposal lists.
pub fn unknown_party_warnings(
    party_literals: &[(String, Span)],
    rules: &RuleSet,
    proposal_parties: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let mut known: BTreeSet<&str> = proposal_parties.iter().map(String::as_str).collect();
    for owner in &rules.owners {
        known.insert(&owner.id);
        known.extend(owner.members.iter().map(String::as_str));
    }
    party_literals
        .iter()
        .filter(|(name, _)| !known.contains(name.as_str()))
        .map(|(name, span)| {
            let mut diagnostic =
                Diagnostic::warning(codes::UNKNOWN_PARTY, format!("unknown party `{name}`"))
                    .with_primary(*span, "no rule file or proposal declares this party");
            if let Some(help) = suggestion(name, known.iter().copied()) {
                diagnostic = diagnostic.with_help(help);
            }
            diagnostic
        })
        .collect()
}

/// Where a `let` is in its checking.
#[derive(Clone)]
enum LetState {
    Unchecked,
    InProgress,
    Checked(Option<Type>),
}

/// What checking one file needs to know of the others, found before any
/// file is checked: every `let` with its id, the owners, and which rule
/// ids are used twice.
struct Declarations<'a> {
    files: &'a [ParsedFile<'a>],
    /// Per file: let name → id.
    let_ids: Vec<HashMap<&'a str, LetId>>,
    /// Per file: the ids of its `let`s.
    let_ranges: Vec<std::ops::Range<u32>>,
    /// Per let id: its declaration and file.
    let_decls: Vec<(usize, &'a ast::LetDecl)>,
    /// Where a rule id is used again → where it was first used.
    duplicate_rules: HashMap<Span, Span>,
    owners: Vec<Owner>,
    /// Problems found on the way: duplicate `let`s, files with two owners.
    diagnostics: Vec<Diagnostic>,
}

/// What checking one file found.
struct CheckedFile {
    diagnostics: Vec<Diagnostic>,
    rules: Vec<Rule>,
    /// The file's `let`s, in id order.
    lets: Vec<Option<Let>>,
    party_literals: Vec<(String, Span)>,
    used_lets: HashSet<LetId>,
}

/// The state of checking one file.
struct Checker<'a> {
    declared: &'a Declarations<'a>,
    /// The file's index.
    file: usize,
    /// The file's `let`s, by id less the file's first id.
    let_states: Vec<LetState>,
    lets: Vec<Option<Let>>,
    /// Lets being checked, innermost last: a reference to one of these is a cycle.
    let_stack: Vec<LetId>,
    used_lets: HashSet<LetId>,
    reported_cycles: HashSet<LetId>,
    rules: Vec<Rule>,
    diagnostics: Vec<Diagnostic>,
    party_literals: Vec<(String, Span)>,
}

impl<'a> Declarations<'a> {
    fn new(files: &'a [ParsedFile<'a>]) -> Declarations<'a> {
        Declarations {
            files,
            let_ids: Vec::new(),
            let_ranges: Vec::new(),
            let_decls: Vec::new(),
            duplicate_rules: HashMap::new(),
            owners: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Joins the files' results in file order, and warns about every `let`
    /// that no rule or other `let` uses.
    fn finish(self, checked: Vec<CheckedFile>) -> Checked {
        let mut diagnostics = self.diagnostics;
        let (mut rules, mut lets, mut party_literals) = (Vec::new(), Vec::new(), Vec::new());
        let mut used_lets = HashSet::new();
        for file in checked {
            diagnostics.extend(file.diagnostics);
            rules.extend(file.rules);
            lets.extend(file.lets);
            party_literals.extend(file.party_literals);
            used_lets.extend(file.used_lets);
        }
        for (index, (_, decl)) in self.let_decls.iter().enumerate() {
            if used_lets.contains(&LetId(index as u32)) {
                continue;
            }
            diagnostics.push(
                Diagnostic::warning(
                    codes::UNUSED_LET,
                    format!("`{}` is never used", decl.name.name),
                )
                .with_primary(decl.name.span, "defined here")
                .with_help("remove it, or use it in a rule"),
            );
        }
        let failed = diagnostics.iter().any(Diagnostic::is_error);
        let rules = (!failed).then(|| RuleSet {
            owners: self.owners,
            rules,
            lets: lets.into_iter().flatten().collect(),
        });
        Checked {
            rules,
            diagnostics,
            party_literals,
        }
    }

    /// Gives every `let` an id, reporting duplicates within a file.
    fn declare_lets(&mut self) {
        for (index, parsed) in self.files.iter().enumerate() {
            let mut names: HashMap<&'a str, LetId> = HashMap::new();
            let first = self.let_decls.len() as u32;
            for item in &parsed.file.items {
                let Item::Let(decl) = item else { continue };
                if let Some(first) = names.get(decl.name.name.as_str()) {
                    let first_span = self.let_decls[first.0 as usize].1.name.span;
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::DUPLICATE_LET,
                            format!("`{}` is defined twice", decl.name.name),
                        )
                        .with_primary(decl.name.span, "defined again here")
                        .with_label(first_span, "first defined here")
                        .with_help("rename one of them"),
                    );
                    continue;
                }
                let id = LetId(self.let_decls.len() as u32);
                names.insert(&decl.name.name, id);
                self.let_decls.push((index, decl));
            }
            self.let_ids.push(names);
            self.let_ranges.push(first..self.let_decls.len() as u32);
        }
    }

    /// The scope of every file: its party, its coalition, or everyone.
    fn scopes(&mut self) -> Vec<Option<Scope>> {
        let mut scopes = Vec::new();
        for parsed in self.files {
            let mut declared: Vec<(Scope, Span)> = Vec::new();
            for item in &parsed.file.items {
                let (scope, owner) = match item {
                    Item::Party(decl) => (
                        Scope::Party(decl.id.name.clone()),
                        Owner {
                            id: decl.id.name.clone(),
                            name: decl.name.value.clone(),
                            members: Vec::new(),
                            coalition: false,
                            span: decl.span,
                        },
                    ),
                    Item::Coalition(decl) => {
                        let members: Vec<String> =
                            decl.members.iter().map(|m| m.name.clone()).collect();
                        (
                            Scope::Coalition {
                                id: decl.id.name.clone(),
                                members: members.clone(),
                            },
                            Owner {
                                id: decl.id.name.clone(),
                                name: decl.name.value.clone(),
                                members,
                                coalition: true,
                                span: decl.span,
                            },
                        )
                    }
                    _ => continue,
                };
                declared.push((scope, owner.span));
                self.owners.push(owner);
            }
            match declared.as_slice() {
                [] => scopes.push(Some(Scope::Everyone(parsed.stem.clone()))),
                [(scope, _)] => scopes.push(Some(scope.clone())),
                [(_, first), rest @ ..] => {
                    let mut diagnostic = Diagnostic::error(
                        codes::OWNER,
                        "a rule file belongs to one party or coalition",
                    )
                    .with_primary(rest[0].1, "second owner declared here")
                    .with_label(*first, "first owner");
                    diagnostic = diagnostic
                        .with_help("put each party's or coalition's rules in a file of its own");
                    self.diagnostics.push(diagnostic);
                    scopes.push(None);
                }
            }
        }
        scopes
    }

    /// Finds the rule ids used twice by one owner, in file order.
    fn rule_ids(&mut self, scopes: &[Option<Scope>]) {
        let mut first_use: HashMap<String, Span> = HashMap::new();
        for (parsed, scope) in self.files.iter().zip(scopes) {
            let Some(scope) = scope else { continue };
            for item in &parsed.file.items {
                let Item::Rule(decl) = item else { continue };
                let id = format!("{}/{}", scope.owner(), decl.id.name);
                match first_use.get(&id) {
                    Some(&first) => {
                        self.duplicate_rules.insert(decl.id.span, first);
                    }
                    None => {
                        first_use.insert(id, decl.id.span);
                    }
                }
            }
        }
    }
}

impl<'a> Checker<'a> {
    fn new(declared: &'a Declarations<'a>, file: usize) -> Checker<'a> {
        let lets = declared.let_ranges[file].len();
        Checker {
            declared,
            file,
            let_states: vec![LetState::Unchecked; lets],
            lets: (0..lets).map(|_| None).collect(),
            let_stack: Vec::new(),
            used_lets: HashSet::new(),
            reported_cycles: HashSet::new(),
            rules: Vec::new(),
            diagnostics: Vec::new(),
            party_literals: Vec::new(),
        }
    }

    /// Records an error or warning; returns `None` so callers can bail out.
    fn error<T>(&mut self, diagnostic: Diagnostic) -> Option<T> {
        self.diagnostics.push(diagnostic);
        None
    }

    /// Checks the file's `let`s and rules, in file order; a file whose
    /// owner is in doubt (`scope` is `None`) has its rules left out.
    fn file(&mut self, scope: Option<&Scope>) {
        let file = self.file;
        for item in &self.declared.files[file].file.items {
            match item {
                Item::Let(decl) => {
                    if let Some(id) = self.let_named(file, &decl.name.name) {
                        self.let_type(id, decl.name.span);
                    }
                }
                Item::Rule(rule) => {
                    if let Some(scope) = scope {
                        self.rule(file, scope.clone(), rule);
                    }
                }
                Item::Party(_) | Item::Coalition(_) => {}
            }
        }
    }

    /// Where the file's `let` `id` is in its own vectors.
    fn local(&self, id: LetId) -> usize {
        (id.0 - self.declared.let_ranges[self.file].start) as usize
    }

    fn let_named(&self, file: usize, name: &str) -> Option<LetId> {
        self.declared.let_ids.get(file)?.get(name).copied()
    }

    fn let_names(&self, file: usize) -> Vec<String> {
        let mut names: Vec<String> = self
            .declared
            .let_ids
            .get(file)
            .map(|ids| ids.keys().map(|k| k.to_string()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The type of a `let`, checking it on first use; reports cycles.
    fn let_type(&mut self, id: LetId, used_at: Span) -> Option<Type> {
        if !self.let_stack.is_empty()
            || used_at != self.declared.let_decls[id.0 as usize].1.name.span
        {
            self.used_lets.insert(id);
        }
        let local = self.local(id);
        match self.let_states[local].clone() {
            LetState::Checked(ty) => ty,
            LetState::InProgress => {
                self.report_cycle(id);
                None
            }
            LetState::Unchecked => {
                let (file, decl) = self.declared.let_decls[id.0 as usize];
                self.let_states[local] = LetState::InProgress;
                self.let_stack.push(id);
                let value = self.expr(file, &decl.value, &mut Vec::new());
                self.let_stack.pop();
                if matches!(self.let_states[local], LetState::Checked(None)) {
                    return None;
                }
                let ty = value.as_ref().map(|v| v.ty.clone());
                self.let_states[local] = LetState::Checked(ty.clone());
                self.lets[local] = value.map(|value| Let {
                    name: decl.name.name.clone(),
                    value,
                    span: decl.name.span,
                });
                ty
            }
        }
    }

    /// Reports the cycle that closes at `id`, labelling every `let` in it.
    fn report_cycle(&mut self, id: LetId) {
        let start = self.let_stack.iter().position(|&l| l == id).unwrap_or(0);
        let cycle: Vec<LetId> = self.let_stack[start..].to_vec();
        for &member in &cycle {
            let local = self.local(member);
            self.let_states[local] = LetState::Checked(None);
        }
        if cycle
            .iter()
            .any(|member| self.reported_cycles.contains(member))
        {
            return;
        }
        self.reported_cycles.extend(cycle.iter().copied());
        let names: Vec<String> = cycle
            .iter()
            .chain(cycle.first())
            .map(|member| {
                format!(
                    "`{}`",
                    self.declared.let_decls[member.0 as usize].1.name.name
                )
            })
            .collect();
        let first = self.declared.let_decls[id.0 as usize].1;
        let mut diagnostic = Diagnostic::error(
            codes::LET_CYCLE,
            format!(
                "`let`s defined in terms of each other: {}",
                names.join(" → ")
            ),
        )
        .with_primary(first.name.span, "this `let` depends on itself");
        for (position, member) in cycle.iter().enumerate().skip(1) {
            let decl = self.declared.let_decls[member.0 as usize].1;
            diagnostic = diagnostic.with_label(
                decl.name.span,
                format!("step {} of the cycle", position + 1),
            );
        }
        diagnostic = diagnostic.with_help("a `let` may use other `let`s, but not in a circle; define one of them without the others");
        self.diagnostics.push(diagnostic);
    }

    fn rule(&mut self, file: usize, scope: Scope, decl: &ast::RuleDecl) {
        let id = format!("{}/{}", scope.owner(), decl.id.name);
        if let Some(&first) = self.declared.duplicate_rules.get(&decl.id.span) {
            self.error::<()>(
                Diagnostic::error(
                    codes::DUPLICATE_RULE,
                    format!("rule `{id}` is defined twice"),
                )
                .with_primary(decl.id.span, "defined again here")
                .with_label(first, "first defined here")
                .with_help(
                    "rule ids must be unique for each party or coalition; rename one of them",
                ),
            );
        }
        let mut guards = Vec::new();
        let mut checks = Vec::new();
        let mut because: Option<(String, Span)> = None;
        let mut message: Option<(Template, Span)> = None;
        let mut ok = true;
        for statement in &decl.statements {
            match &statement.kind {
                StatementKind::Require(e) | StatementKind::NoDealUnless(e) => {
                    match self.condition(file, e, "what a rule requires") {
                        Some(e) => checks.push(Check {
                            kind: CheckKind::Require(e),
                            span: statement.span,
                        }),
                        None => ok = false,
                    }
                }
                StatementKind::NoDealIf(e) => {
                    match self.condition(file, e, "the condition of `no deal if`") {
                        Some(e) => checks.push(Check {
                            kind: CheckKind::Forbid(e),
                            span: statement.span,
                        }),
                        None => ok = false,
                    }
                }
                StatementKind::Requires(a, b) => {
                    let a = self.condition(file, a, "each side of `requires`");
                    let b = self.condition(file, b, "each side of `requires`");
                    match (a, b) {
                        (Some(a), Some(b)) => checks.push(Check {
                            kind: CheckKind::Implies(a, b),
                            span: statement.span,
                        }),
                        _ => ok = false,
                    }
                }
                StatementKind::AppliesWhen(e) => {
                    match self.condition(file, e, "an `applies when` guard") {
                        Some(e) => guards.push(e),
                        None => ok = false,
                    }
                }
                StatementKind::Because(text) => {
                    if let Some((_, first)) = &because {
                        self.duplicate_statement("because", statement.span, *first);
                        ok = false;
                    } else {
                        because = Some((text.value.clone(), statement.span));
                    }
                }
                StatementKind::Message(template) => {
                    if let Some((_, first)) = &message {
                        self.duplicate_statement("message", statement.span, *first);
                        ok = false;
                        continue;
                    }
                    match self.template(file, template) {
                        Some(template) => message = Some((template, statement.span)),
                        None => ok = false,
                    }
                }
            }
        }
        if decl.statements.iter().all(|s| {
            matches!(
                s.kind,
                StatementKind::AppliesWhen(_)
                    | StatementKind::Because(_)
                    | StatementKind::Message(_)
            )
        }) {
            self.error::<()>(
                Diagnostic::error(codes::NO_CHECK, format!("rule `{id}` checks nothing"))
                    .with_primary(decl.id.span, "this rule has no checking statement")
                    .with_help(
                        "add `require E`, `no deal unless E`, `no deal if E` or `E1 requires E2`",
                    ),
            );
            ok = false;
        }
        if !ok {
            return;
        }
        let severity = match decl.kind {
            RuleKind::Redline => Severity::Error,
            RuleKind::Concern => Severity::Warning,
            RuleKind::Note => Severity::Note,
        };
        self.rules.push(Rule {
            id,
            scope,
            severity,
            keyword: decl.kind.keyword(),
            title: decl.title.value.clone(),
            id_span: decl.id.span,
            span: decl.span,
            guards,
            checks,
            because: because.map(|(text, _)| text),
            message: message.map(|(template, _)| template),
        });
    }

    fn duplicate_statement(&mut self, keyword: &str, again: Span, first: Span) {
        self.error::<()>(
            Diagnostic::error(
                codes::DUPLICATE_STATEMENT,
                format!("a rule has at most one `{keyword}`"),
            )
            .with_primary(again, format!("second `{keyword}`"))
            .with_label(first, "first one here")
            .with_help(format!("merge the two into one `{keyword}`")),
        );
    }

    fn template(&mut self, file: usize, template: &ast::Template) -> Option<Template> {
        let mut parts = Vec::new();
        let mut ok = true;
        for part in &template.parts {
            match part {
                ast::TemplatePart::Text(text) => parts.push(TemplatePart::Text(text.clone())),
                ast::TemplatePart::Expr(e) => match self.expr(file, e, &mut Vec::new()) {
                    Some(e) => parts.push(TemplatePart::Expr(e)),
                    None => ok = false,
                },
            }
        }
        ok.then_some(Template {
            parts,
            span: template.span,
        })
    }
}

/// Sorts diagnostics by file and position, for stable output.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic], sources: &Sources) {
    diagnostics.sort_by_key(|d| {
        let span = d.primary_span();
        (
            span.map(|s| sources.name(s.source).to_owned()),
            span.map(|s| s.start),
        )
    });
}

#[cfg(test)]
mod tests;
