//! A rule file and a proposal under construction, for the tests.

use std::str::FromStr;

use crate::check::typed::{
    Check, CheckKind, Expr, ExprKind, Let, LetId, Rule, RuleSet, Scope, Template, TemplatePart,
    Type,
};
use crate::diagnostic::Severity;
use crate::proposal::{Concession, ConcessionKind, Fact, Proposal, Spanned, TariffLine};
use crate::source::{SourceId, Sources, Span};
use crate::value::{Decimal, Money, Scalar, parse_literal};

use super::build::{P, T, compose, leaf, rule_span, shift, two};

/// The text of a rule file being written: `let`s and statements, one a line.
#[derive(Default)]
pub struct Fixture {
    text: String,
    lets: Vec<Let>,
    checks: Vec<Check>,
    guards: Vec<Expr>,
    message: Option<Template>,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::default()
    }

    /// Places `t` after `prefix` on a new line; returns the expression and
    /// the line's span.
    fn place(&mut self, prefix: &str, t: T, suffix: &str) -> (Expr, Span) {
        let start = self.text.len();
        self.text.push_str(prefix);
        let mut expr = t.expr;
        shift(&mut expr, self.text.len());
        self.text.push_str(&t.text);
        self.text.push_str(suffix);
        let span = rule_span(start, self.text.len());
        self.text.push('\n');
        (expr, span)
    }

    /// `let NAME = T`; returns a reference to it.
    pub fn let_(&mut self, name: &str, t: T) -> T {
        let ty = t.expr.ty.clone();
        let name_start = self.text.len() + 4;
        let (value, _) = self.place(&format!("let {name} = "), t, "");
        let id = LetId(self.lets.len() as u32);
        self.lets.push(Let {
            name: name.to_owned(),
            value,
            span: rule_span(name_start, name_start + name.len()),
        });
        leaf(name, ExprKind::Let(id), ty)
    }

    pub fn require(&mut self, t: T) {
        let (e, span) = self.place("require ", t, "");
        self.checks.push(Check {
            kind: CheckKind::Require(e),
            span,
        });
    }

    pub fn forbid(&mut self, t: T) {
        let (e, span) = self.place("no deal if ", t, "");
        self.checks.push(Check {
            kind: CheckKind::Forbid(e),
            span,
        });
    }

    pub fn implies(&mut self, a: T, b: T) {
        let joined = compose(
            vec![P::E(a), P::S(" requires "), P::E(b)],
            Type::Bool,
            |c| {
                let (a, b) = two(c);
                ExprKind::And(a, b)
            },
        );
        let (e, span) = self.place("", joined, "");
        let ExprKind::And(a, b) = e.kind else {
            unreachable!()
        };
        self.checks.push(Check {
            kind: CheckKind::Implies(*a, *b),
            span,
        });
    }

    pub fn guard(&mut self, t: T) {
        let (e, _) = self.place("applies when ", t, "");
        self.guards.push(e);
    }

    /// `message "TEXT{E}TEXT..."`: the pieces in order, `P::S` for text.
    pub fn message(&mut self, pieces: Vec<P>) {
        let mut parts = Vec::new();
        let start = self.text.len();
        self.text.push_str("message \"");
        for piece in pieces {
            match piece {
                P::S(text) => {
                    self.text.push_str(text);
                    parts.push(TemplatePart::Text(text.to_owned()));
                }
                P::E(t) => {
                    self.text.push('{');
                    let mut expr = t.expr;
                    shift(&mut expr, self.text.len());
                    self.text.push_str(&t.text);
                    self.text.push('}');
                    parts.push(TemplatePart::Expr(expr));
                }
            }
        }
        self.text.push('"');
        let span = rule_span(start + 8, self.text.len());
        self.text.push('\n');
        self.message = Some(Template { parts, span });
    }

    /// The rule set (one rule) and the sources holding its text.
    pub fn finish(self) -> (RuleSet, Sources) {
        let mut sources = Sources::new();
        sources.add("rules/test.redline", self.text.clone());
        sources.add("proposal.yaml", " ".repeat(100_000));
        let end = self.text.len();
        let rule = Rule {
            id: "test/rule".to_owned(),
            scope: Scope::Everyone("test".to_owned()),
            severity: Severity::Error,
            keyword: "redline",
            title: "a test rule".to_owned(),
            id_span: rule_span(0, 0),
            span: rule_span(0, end),
            guards: self.guards,
            checks: self.checks,
            because: None,
            message: self.message,
        };
        let rules = RuleSet {
            owners: Vec::new(),
            rules: vec![rule],
            lets: self.lets,
        };
        (rules, sources)
    }
}

/// A proposal under construction; every value gets its own span in file 1.
pub struct Prop {
    pub p: Proposal,
    next: usize,
}

impl Prop {
    pub fn new() -> Prop {
        let mut prop = Prop {
            p: Proposal {
                span: Span::new(SourceId(1), 0, 10_000),
                id: Spanned::new("p1".to_owned(), Span::new(SourceId(1), 10, 12)),
                title: None,
                deal: None,
                round: None,
                date: None,
                tabled_by: None,
                parties: Spanned::new(Vec::new(), Span::new(SourceId(1), 20, 30)),
                tariffs: Vec::new(),
                tariffs_span: None,
                concessions: Vec::new(),
                concessions_span: None,
                facts: Vec::new(),
                facts_span: None,
            },
            next: 100,
        };
        for party in ["us", "japan"] {
            let span = prop.span();
            prop.p
                .parties
                .value
                .push(Spanned::new(party.to_owned(), span));
        }
        prop
    }

    pub fn span(&mut self) -> Span {
        self.next += 10;
        Span::new(SourceId(1), self.next, self.next + 5)
    }

    fn spanned<V>(&mut self, value: V) -> Spanned<V> {
        let span = self.span();
        Spanned::new(value, span)
    }

    fn percent(text: &str) -> Decimal {
        Decimal::from_str(text.trim_end_matches('%')).unwrap()
    }

    /// A tariff line `SECTOR: { before: B, after: A }`.
    pub fn line(mut self, sector: &str, before: &str, after: &str) -> Prop {
        if self.p.tariffs_span.is_none() {
            self.p.tariffs_span = Some(self.span());
        }
        let line = TariffLine {
            span: self.span(),
            sector: self.spanned(sector.to_owned()),
            before: self.spanned(Prop::percent(before)),
            after: self.spanned(Prop::percent(after)),
            effective: None,
            quota: None,
            note: None,
        };
        self.p.tariffs.push(line);
        self
    }

    /// A concession, with an optional amount literal (`$10bn`).
    pub fn concession(mut self, by: &str, kind: &str, item: &str, amount: Option<&str>) -> Prop {
        if self.p.concessions_span.is_none() {
            self.p.concessions_span = Some(self.span());
        }
        let amount = amount.map(|text| match parse_literal(text).unwrap() {
            Scalar::Money(money) => money,
            other => panic!("not money: {other:?}"),
        });
        let concession = Concession {
            span: self.span(),
            by: self.spanned(by.to_owned()),
            kind: self.spanned(ConcessionKind::from_word(kind).unwrap()),
            item: self.spanned(item.to_owned()),
            amount: amount.map(|m: Money| self.spanned(m)),
        };
        self.p.concessions.push(concession);
        self
    }

    /// A fact; the value is a literal, `true`/`false`, or else a string.
    pub fn fact(mut self, key: &str, value: &str) -> Prop {
        if self.p.facts_span.is_none() {
            self.p.facts_span = Some(self.span());
        }
        let scalar = match value {
            "true" => Scalar::Bool(true),
            "false" => Scalar::Bool(false),
            _ => parse_literal(value).unwrap_or_else(|_| Scalar::str(value)),
        };
        let fact = Fact {
            key: self.spanned(key.to_owned()),
            value: self.spanned(scalar),
        };
        self.p.facts.push(fact);
        self
    }

    pub fn round(mut self, n: u32) -> Prop {
        self.p.round = Some(self.spanned(Decimal::from(n)));
        self
    }

    pub fn done(self) -> Proposal {
        self.p
    }
}
