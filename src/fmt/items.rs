//! Items, rule blocks and statements: one item or statement per line, a
//! blank line around every rule block, blank lines elsewhere kept as
//! written (several become one), own-line comments before what follows
//! them and trailing comments at the end of their line.

use super::doc::{Doc, concat};
use super::printer::{Printer, quote};
use crate::syntax::ast::{
    CoalitionDecl, File, Ident, Item, LetDecl, PartyDecl, RuleDecl, Statement, StatementKind,
    StrLit,
};

/// The kinds of item, for the blank lines between them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Declaration,
    Rule,
}

fn class(item: &Item) -> Class {
    match item {
        Item::Rule(_) => Class::Rule,
        Item::Party(_) | Item::Coalition(_) | Item::Let(_) => Class::Declaration,
    }
}

/// The line breaks before a line: none at the very start, else one, or two
/// for a blank line.
fn separator(first: bool, blank: bool) -> Doc {
    match (first, blank) {
        (true, _) => concat([]),
        (false, false) => Doc::HardLine,
        (false, true) => concat([Doc::HardLine, Doc::HardLine]),
    }
}

impl Printer<'_> {
    /// The whole file.
    pub(super) fn file(&mut self, file: &File) -> Doc {
        let mut docs = Vec::new();
        let mut previous = None;
        for item in &file.items {
            let next = class(item);
            docs.push(self.between_items(Some(item.span().start as usize), previous, next));
            docs.push(Doc::Base(Box::new(self.item(item))));
            previous = Some(next);
        }
        docs.push(self.between_items(None, previous, Class::Declaration));
        concat(docs)
    }

    /// The comments and line breaks before the item at `offset` (or, with
    /// `None`, at the end of the file).
    fn between_items(
        &mut self,
        offset: Option<usize>,
        previous: Option<Class>,
        next: Class,
    ) -> Doc {
        let comments = match offset {
            Some(offset) => self.cursor.take_before(offset),
            None => self.cursor.take_rest(),
        };
        // A rule block always has a blank line before and after it: before
        // the comments that lead into the next item, if there are any.
        let forced = offset.is_some()
            && previous.is_some()
            && (previous == Some(Class::Rule) || next == Class::Rule);
        let mut docs = Vec::new();
        let mut first_line = previous.is_none();
        let mut first_unit = true;
        for comment in comments {
            if comment.trailing && !first_line {
                docs.push(Doc::LineSuffix(comment.text));
                continue;
            }
            let blank = comment.blank_before || (first_unit && forced);
            docs.push(separator(first_line, blank));
            docs.push(Doc::Text(comment.text));
            first_line = false;
            first_unit = false;
        }
        if let Some(offset) = offset {
            let blank = self.cursor.blank_before(offset) || (first_unit && forced);
            docs.push(separator(first_line, blank));
        }
        concat(docs)
    }

    fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Party(party) => self.party(party),
            Item::Coalition(coalition) => self.coalition(coalition),
            Item::Let(decl) => self.let_decl(decl),
            Item::Rule(rule) => self.rule(rule),
        }
    }

    fn ident(&mut self, ident: &Ident) -> Doc {
        self.spanned(ident.span, ident.name.clone())
    }

    fn string(&mut self, string: &StrLit) -> Doc {
        self.spanned(string.span, quote(&string.value, false))
    }

    /// `party ID "Name"`
    fn party(&mut self, party: &PartyDecl) -> Doc {
        let keyword = self.word("party");
        let id = self.ident(&party.id);
        let name = self.string(&party.name);
        concat([keyword, Doc::Space, id, Doc::Space, name])
    }

    /// `coalition ID "Name" of A, B, C`, the members one per line when the
    /// list does not fit.
    fn coalition(&mut self, coalition: &CoalitionDecl) -> Doc {
        let keyword = self.word("coalition");
        let id = self.ident(&coalition.id);
        let name = self.string(&coalition.name);
        let of = self.word("of");
        let mut members = Vec::new();
        for (index, member) in coalition.members.iter().enumerate() {
            if index > 0 {
                members.push(self.word(","));
            }
            members.push(self.break_before(Doc::Line, member.span.start as usize));
            members.push(self.ident(member));
        }
        Doc::group(concat([
            keyword,
            Doc::Space,
            id,
            Doc::Space,
            name,
            Doc::Space,
            of,
            Doc::indent(concat(members)),
        ]))
    }

    /// `let NAME = EXPR`
    fn let_decl(&mut self, decl: &LetDecl) -> Doc {
        let keyword = self.word("let");
        let name = self.ident(&decl.name);
        let equals = self.word("=");
        let value = self.expr(&decl.value);
        concat([
            keyword,
            Doc::Space,
            name,
            Doc::Space,
            equals,
            Doc::Space,
            value,
        ])
    }

    /// `redline ID "Title" { ... }`
    fn rule(&mut self, rule: &RuleDecl) -> Doc {
        let keyword = self.word(rule.kind.keyword());
        let id = self.ident(&rule.id);
        let title = self.string(&rule.title);
        let block = self.block(rule);
        concat([
            keyword,
            Doc::Space,
            id,
            Doc::Space,
            title,
            Doc::Space,
            block,
        ])
    }

    /// `{`, the statements one per line, indented, and `}`; `{}` when empty.
    fn block(&mut self, rule: &RuleDecl) -> Doc {
        let open = self.spanned(rule.open, "{");
        let mut inside = Vec::new();
        let mut first = true;
        for statement in &rule.statements {
            let start = statement.span.start as usize;
            inside.push(self.inside_block(start, &mut first));
            inside.push(separator(false, !first && self.cursor.blank_before(start)));
            inside.push(Doc::Base(Box::new(self.statement(statement))));
            first = false;
        }
        let close = self.locate("}");
        inside.push(self.inside_block(close, &mut first));
        let close = self.word("}");
        if first && inside.iter().all(is_empty) {
            return concat([open, close]);
        }
        concat([open, Doc::indent(concat(inside)), Doc::HardLine, close])
    }

    /// The comments in a block before `offset`; `first` tells whether
    /// nothing has been printed in the block yet.
    fn inside_block(&mut self, offset: usize, first: &mut bool) -> Doc {
        let mut docs = Vec::new();
        for comment in self.cursor.take_before(offset) {
            if comment.trailing {
                docs.push(Doc::LineSuffix(comment.text));
                continue;
            }
            docs.push(separator(false, !*first && comment.blank_before));
            docs.push(Doc::Text(comment.text));
            *first = false;
        }
        concat(docs)
    }

    fn statement(&mut self, statement: &Statement) -> Doc {
        match &statement.kind {
            StatementKind::Require(expr) => self.keyword_statement(&["require"], expr),
            StatementKind::NoDealUnless(expr) => {
                self.keyword_statement(&["no", "deal", "unless"], expr)
            }
            StatementKind::NoDealIf(expr) => self.keyword_statement(&["no", "deal", "if"], expr),
            StatementKind::AppliesWhen(expr) => self.keyword_statement(&["applies", "when"], expr),
            StatementKind::Requires(condition, requirement) => {
                let condition = self.expr(condition);
                let line = self.break_before_word(Doc::Line, "requires");
                let keyword = self.word("requires");
                let requirement = self.expr(requirement);
                Doc::group(concat([
                    condition,
                    Doc::indent(concat([line, keyword, Doc::Space, requirement])),
                ]))
            }
            StatementKind::Because(text) => {
                let keyword = self.word("because");
                let text = self.string(text);
                concat([keyword, Doc::Space, text])
            }
            StatementKind::Message(template) => {
                let keyword = self.word("message");
                let template = self.template(template);
                concat([keyword, Doc::Space, template])
            }
        }
    }

    /// `require E`, `no deal unless E`, ...: keywords, then the expression.
    fn keyword_statement(
        &mut self,
        keywords: &[&'static str],
        expr: &crate::syntax::ast::Expr,
    ) -> Doc {
        let mut docs = Vec::new();
        for keyword in keywords {
            docs.push(self.word(keyword));
            docs.push(Doc::Space);
        }
        docs.push(self.expr(expr));
        concat(docs)
    }
}

/// Whether a doc prints nothing at all.
fn is_empty(doc: &Doc) -> bool {
    match doc {
        Doc::Concat(docs) => docs.iter().all(is_empty),
        _ => false,
    }
}
