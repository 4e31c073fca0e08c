//! The sections of a proposal, SPEC §1 field by field: the top-level keys,
//! `parties`, `tariffs`, `concessions` and `facts`.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{BAD_VALUE, Checker, PartyList, WRONG_TYPE, Want, listing, reason, shown};
use crate::diagnostic::{Diagnostic, did_you_mean, suggestion};
use crate::proposal::model::{
    CONCESSION_FIELDS, Concession, ConcessionKind, Fact, PROPOSAL_FIELDS, Proposal, Spanned,
    TARIFF_LINE_FIELDS, TariffLine,
};
use crate::source::Span;
use crate::value::{LiteralError, Scalar, parse_literal};
use crate::yaml::{NodeRef, Shape, Text};

const NOT_MAPPING: &str = "redlines::proposal::not_mapping";
const UNKNOWN_PARTY: &str = "redlines::proposal::unknown_party";

/// The keys a tariff line may hold (its sector is the key above it).
const LINE_KEYS: [&str; 5] = ["before", "after", "effective", "quota", "note"];

/// Above this many parties, an unknown party gets no did-you-mean, so that
/// checking stays linear in the size of the file.
const MAX_SUGGESTED_PARTIES: usize = 64;

impl<'t> Checker<'_> {
    /// Reports that `value` is not the mapping or list it must be:
    /// `must` is "`tariffs` must be a mapping", `help` says how to write it.
    fn wrong_shape(&mut self, code: &'static str, value: NodeRef<'t>, must: &str, help: &str) {
        let found = value.describe();
        self.report(
            Diagnostic::error(code, format!("{must}, not {found}"))
                .with_primary(value.span(), format!("this is {found}"))
                .with_help(help),
        );
    }

    /// The whole document: the top-level keys and every section.
    pub(super) fn proposal(&mut self, root: NodeRef<'t>) -> Option<Proposal> {
        if !matches!(root.shape(), Shape::Map(_)) {
            self.wrong_shape(
                NOT_MAPPING,
                root,
                "a proposal must be a mapping",
                "start the document with `proposal: <id>` and write its fields as `key: value` lines",
            );
            return None;
        }
        let fields = self.fields(root, None, "proposal", &PROPOSAL_FIELDS);
        let id = self
            .required(&fields, "proposal", "proposal: us-japan-r2")
            .and_then(|(_, value)| self.proposal_id(value));
        let parties = self
            .required(&fields, "parties", "parties: [us, japan]")
            .and_then(|(_, value)| self.parties(value));
        let title = fields
            .optional("title")
            .and_then(|(_, value)| self.string(value, "`title`"));
        let deal = fields
            .optional("deal")
            .and_then(|(_, value)| self.string(value, "`deal`"));
        let round = fields
            .optional("round")
            .and_then(|(_, value)| self.round(value));
        let date = fields.optional("date").and_then(|(_, value)| {
            self.literal(value, "`date`", Want::Date, |s| match s {
                Scalar::Date(date) => Some(*date),
                _ => None,
            })
        });
        let tabled_by = fields
            .optional("tabled_by")
            .and_then(|(_, value)| self.string(value, "`tabled_by`"));
        if let Some(tabled_by) = &tabled_by {
            self.check_party(tabled_by);
        }
        let tariffs = fields.optional("tariffs");
        let concessions = fields.optional("concessions");
        let facts = fields.optional("facts");
        Some(Proposal {
            span: root.span(),
            tariffs: tariffs.map_or_else(Vec::new, |(_, value)| self.tariffs(value)),
            tariffs_span: tariffs.map(|(key, _)| key.span()),
            concessions: concessions.map_or_else(Vec::new, |(_, value)| self.concessions(value)),
            concessions_span: concessions.map(|(key, _)| key.span()),
            facts: facts.map_or_else(Vec::new, |(_, value)| self.facts(value)),
            facts_span: facts.map(|(key, _)| key.span()),
            id: id?,
            title,
            deal,
            round,
            date,
            tabled_by,
            parties: parties?,
        })
    }

    fn proposal_id(&mut self, value: NodeRef<'t>) -> Option<Spanned<String>> {
        let id = self.string(value, "`proposal`")?;
        if is_proposal_id(&id.value) {
            return Some(id);
        }
        let fixed = fixed_name(&id.value, '-', is_proposal_id);
        self.report(
            Diagnostic::error(
                BAD_VALUE,
                format!("{} is not a valid proposal id", shown(&id.value)),
            )
            .with_primary(id.span, "not a valid id")
            .with_help(with_fix(
                "proposal ids use lowercase letters, digits, `.`, `_` and `-`",
                fixed,
            )),
        );
        None
    }

    fn parties(&mut self, value: NodeRef<'t>) -> Option<Spanned<Vec<Spanned<String>>>> {
        let Shape::List(items) = value.shape() else {
            self.wrong_shape(
                WRONG_TYPE,
                value,
                "`parties` must be a list",
                "write `parties: [us, japan]`",
            );
            return None;
        };
        let count = items.len();
        let mut list = PartyList {
            names: HashMap::new(),
            in_order: Vec::new(),
            span: value.span(),
        };
        let mut parties = Vec::new();
        let before = self.diagnostics.len();
        for item in items {
            let Some(party) = self.string(item, "a party") else {
                continue;
            };
            if !is_name(&party.value) {
                let fixed = fixed_name(&party.value, '_', is_name);
                self.report(
                    Diagnostic::error(
                        BAD_VALUE,
                        format!("{} is not a valid party id", shown(&party.value)),
                    )
                    .with_primary(party.span, "not a valid id")
                    .with_help(with_fix(&name_rule("party ids"), fixed)),
                );
            }
            match list.names.get(&party.value) {
                Some(&first) => self.report(
                    Diagnostic::error(
                        BAD_VALUE,
                        format!("party {} is listed twice", shown(&party.value)),
                    )
                    .with_primary(party.span, "listed again here")
                    .with_label(first, "first listed here"),
                ),
                None => {
                    list.names.insert(party.value.clone(), party.span);
                    list.in_order.push(party.value.clone());
                }
            }
            parties.push(party);
        }
        if count < 2 {
            let found = if count == 0 {
                "no party"
            } else {
                "only one party"
            };
            self.report(
                Diagnostic::error(BAD_VALUE, "a proposal needs at least two parties")
                    .with_primary(value.span(), format!("{found} listed"))
                    .with_help("list every party to the deal, like `parties: [us, japan]`"),
            );
        }
        self.parties = Some(list);
        (self.diagnostics.len() == before).then(|| Spanned::new(parties, value.span()))
    }

    /// Reports `party` if it is not one of the listed parties (when they
    /// could be read at all).
    fn check_party(&mut self, party: &Spanned<String>) {
        let Some(list) = &self.parties else {
            return;
        };
        if list.names.contains_key(&party.value) {
            return;
        }
        let help = (list.in_order.len() <= MAX_SUGGESTED_PARTIES).then(|| {
            let parties = format!("the parties are {}", listing(&list.in_order, "and"));
            match close_party(&party.value, &list.in_order) {
                Some(close) => format!("did you mean `{close}`? {parties}"),
                None => parties,
            }
        });
        let mut diagnostic = Diagnostic::error(
            UNKNOWN_PARTY,
            format!("{} is not a party to this proposal", shown(&party.value)),
        )
        .with_primary(party.span, "not listed in `parties`")
        .with_label(list.span, "the parties are listed here");
        diagnostic.help = help;
        self.report(diagnostic);
    }

    fn round(&mut self, value: NodeRef<'t>) -> Option<Spanned<Decimal>> {
        let text = self.single(value, "`round`", "a whole number")?;
        let digits = text.text.trim();
        let round = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<Decimal>().ok())
            .flatten()
            .filter(|round| *round >= Decimal::ONE);
        if round.is_none() {
            self.report(
                Diagnostic::error(
                    BAD_VALUE,
                    format!("{} is not a round number", shown(&text.text)),
                )
                .with_primary(value.span(), "expected a whole number of 1 or more")
                .with_help("rounds are numbered from 1, like `round: 2`"),
            );
        }
        round.map(|round| Spanned::new(round, value.span()))
    }

    fn tariffs(&mut self, value: NodeRef<'t>) -> Vec<TariffLine> {
        let Shape::Map(entries) = value.shape() else {
            self.wrong_shape(
                WRONG_TYPE,
                value,
                "`tariffs` must be a mapping",
                "write one line per sector, like `autos: { before: 25%, after: 15% }`",
            );
            return Vec::new();
        };
        entries
            .filter_map(|(key, line)| self.tariff_line(key, line))
            .collect()
    }

    fn tariff_line(&mut self, key: NodeRef<'t>, line: NodeRef<'t>) -> Option<TariffLine> {
        let before = self.diagnostics.len();
        let sector = Spanned::new(self.key(key, "tariffs mapping")?.text.clone(), key.span());
        if TARIFF_LINE_FIELDS.contains(&sector.value.as_str()) {
            self.report(
                Diagnostic::error(
                    BAD_VALUE,
                    format!("`{}` cannot be a sector name", sector.value),
                )
                .with_primary(sector.span, "this is the name of a tariff-line field")
                .with_help(format!(
                    "in rules `tariffs.{name}` means the `{name}` of every line, so no sector may be called {}{}",
                    listing(&TARIFF_LINE_FIELDS, "or"),
                    if matches!(line.shape(), Shape::Map(_)) {
                        ""
                    } else {
                        "; write a line's fields under its sector, like `autos: { before: 25%, after: 15% }`"
                    },
                    name = sector.value,
                )),
            );
            if !matches!(line.shape(), Shape::Map(_)) {
                return None;
            }
        } else if !is_sector(&sector.value) {
            let fixed = fixed_name(&sector.value, '_', is_sector);
            self.report(
                Diagnostic::error(
                    BAD_VALUE,
                    format!("{} is not a valid sector name", shown(&sector.value)),
                )
                .with_primary(sector.span, "not a valid sector name")
                .with_help(with_fix(
                    "sector names use lowercase letters, digits and `_`",
                    fixed,
                )),
            );
        }
        if !matches!(line.shape(), Shape::Map(_)) {
            self.wrong_shape(
                WRONG_TYPE,
                line,
                &format!("tariff line {} must be a mapping", shown(&sector.value)),
                &format!(
                    "give the rates before and after the deal, like `{}: {{ before: 25%, after: 15% }}`",
                    sector.value
                ),
            );
            return None;
        }
        let sector_ok = self.diagnostics.len() == before;
        // A line reached again through an alias is checked only once.
        let body = match self.lines_read.get(&line.id()) {
            Some(read) => read.clone(),
            None => {
                let read = self.line_fields(line, &sector);
                self.lines_read.insert(line.id(), read.clone());
                read
            }
        }?;
        sector_ok.then(|| TariffLine {
            span: key.span().to(line.span()),
            sector,
            ..body
        })
    }

    /// The fields of a tariff line; "missing" labels point at its sector.
    fn line_fields(&mut self, line: NodeRef<'t>, sector: &Spanned<String>) -> Option<TariffLine> {
        let before = self.diagnostics.len();
        let fields = self.fields(line, Some(sector.span), "tariff line", &LINE_KEYS);
        let percent = |s: &Scalar| match s {
            Scalar::Percent(p) => Some(*p),
            _ => None,
        };
        let rate_before = self
            .required(&fields, "before", "before: 25%")
            .and_then(|(_, value)| self.literal(value, "`before`", Want::Percent, percent));
        let rate_after = self
            .required(&fields, "after", "after: 15%")
            .and_then(|(_, value)| self.literal(value, "`after`", Want::Percent, percent));
        let effective = fields.optional("effective").and_then(|(_, value)| {
            self.literal(value, "`effective`", Want::Date, |s| match s {
                Scalar::Date(date) => Some(*date),
                _ => None,
            })
        });
        let quota = fields.optional("quota").and_then(|(_, value)| {
            self.literal(value, "`quota`", Want::Number, |s| match s {
                Scalar::Number(n) => Some(*n),
                _ => None,
            })
        });
        let note = fields
            .optional("note")
            .and_then(|(_, value)| self.string(value, "`note`"));
        if self.diagnostics.len() > before {
            return None;
        }
        Some(TariffLine {
            span: line.span(),
            sector: sector.clone(),
            before: rate_before?,
            after: rate_after?,
            effective,
            quota,
            note,
        })
    }

    fn concessions(&mut self, value: NodeRef<'t>) -> Vec<Concession> {
        let Shape::List(items) = value.shape() else {
            self.wrong_shape(
                WRONG_TYPE,
                value,
                "`concessions` must be a list",
                "write one `- by: <party>` item per concession",
            );
            return Vec::new();
        };
        items.filter_map(|item| self.concession(item)).collect()
    }

    fn concession(&mut self, item: NodeRef<'t>) -> Option<Concession> {
        if !matches!(item.shape(), Shape::Map(_)) {
            self.wrong_shape(
                WRONG_TYPE,
                item,
                "a concession must be a mapping",
                "give each concession `by`, `kind` and `item`, like `{ by: japan, kind: purchase, item: soybeans }`",
            );
            return None;
        }
        // A concession reached again through an alias is checked only once.
        let read = match self.concessions_read.get(&item.id()) {
            Some(read) => read.clone(),
            None => {
                let read = self.concession_fields(item);
                self.concessions_read.insert(item.id(), read.clone());
                read
            }
        };
        read.map(|concession| Concession {
            span: item.span(),
            ..concession
        })
    }

    fn concession_fields(&mut self, item: NodeRef<'t>) -> Option<Concession> {
        let before = self.diagnostics.len();
        let fields = self.fields(item, None, "concession", &CONCESSION_FIELDS);
        let by = self
            .required(&fields, "by", "by: <party>")
            .and_then(|(_, value)| self.string(value, "`by`"));
        if let Some(by) = &by {
            self.check_party(by);
        }
        let kind = self
            .required(&fields, "kind", "kind: investment")
            .and_then(|(_, value)| self.kind(value));
        let what = self
            .required(&fields, "item", "item: soybeans and corn")
            .and_then(|(_, value)| self.string(value, "`item`"));
        let amount = fields.optional("amount").and_then(|(_, value)| {
            self.literal(value, "`amount`", Want::Money, |s| match s {
                Scalar::Money(money) => Some(*money),
                _ => None,
            })
        });
        if self.diagnostics.len() > before {
            return None;
        }
        Some(Concession {
            span: item.span(),
            by: by?,
            kind: kind?,
            item: what?,
            amount,
        })
    }

    fn kind(&mut self, value: NodeRef<'t>) -> Option<Spanned<ConcessionKind>> {
        let text = &self.single(value, "`kind`", "a kind of concession")?.text;
        if let Some(kind) = ConcessionKind::from_word(text) {
            return Some(Spanned::new(kind, value.span()));
        }
        let words = ConcessionKind::ALL.map(ConcessionKind::as_str);
        let help = suggestion(text, words)
            .unwrap_or_else(|| format!("the kinds are {}", listing(&words, "and")));
        self.report(
            Diagnostic::error(
                BAD_VALUE,
                format!("unknown concession kind {}", shown(text)),
            )
            .with_primary(value.span(), "not a kind of concession")
            .with_help(help),
        );
        None
    }

    fn facts(&mut self, value: NodeRef<'t>) -> Vec<Fact> {
        let Shape::Map(entries) = value.shape() else {
            self.wrong_shape(
                WRONG_TYPE,
                value,
                "`facts` must be a mapping",
                "write one `name: value` line per fact, like `ldp_majority: false`",
            );
            return Vec::new();
        };
        entries
            .filter_map(|(key, value)| self.fact(key, value))
            .collect()
    }

    fn fact(&mut self, key: NodeRef<'t>, value: NodeRef<'t>) -> Option<Fact> {
        let name = Spanned::new(self.key(key, "facts mapping")?.text.clone(), key.span());
        let valid = is_name(&name.value);
        if !valid {
            let fixed = fixed_name(&name.value, '_', is_name);
            self.report(
                Diagnostic::error(
                    BAD_VALUE,
                    format!("{} is not a valid fact name", shown(&name.value)),
                )
                .with_primary(name.span, "not a valid name")
                .with_help(with_fix(&name_rule("fact names"), fixed)),
            );
        }
        if value.is_null() {
            return None;
        }
        let what = format!("fact {}", shown(&name.value));
        let text = self.single(value, &what, "a single value")?;
        let scalar = self.fact_value(text, value.span())?;
        valid.then(|| Fact {
            key: name,
            value: Spanned::new(scalar, value.span()),
        })
    }

    /// A fact's value: plain `true`/`false` are booleans; text that reads
    /// as a literal is typed, quoted or not (JSON can only quote it); other
    /// text is text. A plain value that looks like a date or number but is
    /// not a valid one is an error; quoted, it stays text.
    fn fact_value(&mut self, text: &Text, span: Span) -> Option<Scalar> {
        if text.plain {
            match text.text.as_str() {
                "true" | "True" | "TRUE" => return Some(Scalar::Bool(true)),
                "false" | "False" | "FALSE" => return Some(Scalar::Bool(false)),
                _ => {}
            }
        }
        let error = match parse_literal(&text.text) {
            Ok(scalar) => return Some(scalar),
            Err(error) => error,
        };
        let want = match error {
            LiteralError::BadDate(_) if text.plain => Want::Date,
            LiteralError::OutOfRange(_) if text.plain => Want::Number,
            _ => return Some(Scalar::str(&text.text)),
        };
        self.report(
            Diagnostic::error(
                BAD_VALUE,
                format!("{} is not {}", shown(&text.text), want.noun()),
            )
            .with_primary(span, reason(&error, want))
            .with_help("quote the value to keep it as text"),
        );
        None
    }
}

/// The party `name` was probably meant to be. Party ids are short, so a
/// guess must keep more than half of the characters (`usa` for `us`, not
/// `eu` for `us`).
fn close_party<'p>(name: &str, parties: &'p [String]) -> Option<&'p str> {
    let close = did_you_mean(name, parties.iter().map(String::as_str))?;
    let longest = name.chars().count().max(close.chars().count());
    (2 * strsim::damerau_levenshtein(name, close) < longest).then_some(close)
}

fn name_rule(names: &str) -> String {
    format!("{names} start with a lowercase letter and use lowercase letters, digits and `_`")
}

/// `[a-z0-9._-]+`
fn is_proposal_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// `[a-z][a-z0-9_]*`: party ids and fact names.
fn is_name(text: &str) -> bool {
    text.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && is_sector(text)
}

/// `[a-z0-9_]+`
fn is_sector(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `text` lowercased with spaces and punctuation turned into `separator`,
/// when that makes it valid.
fn fixed_name(text: &str, separator: char, valid: fn(&str) -> bool) -> Option<String> {
    if text.len() > 64 {
        return None;
    }
    let fixed: String = text
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' | '.' | '_' => separator,
            c => c.to_ascii_lowercase(),
        })
        .collect();
    (valid(&fixed) && fixed != text).then_some(fixed)
}

fn with_fix(rule: &str, fixed: Option<String>) -> String {
    match fixed {
        Some(fixed) => format!("{rule}; try `{fixed}`"),
        None => rule.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BARE_NUMBER, MISSING_KEY, UNKNOWN_KEY, proposal};
    use super::*;
    use crate::source::SourceId;
    use crate::value::{Currency, Money};
    use crate::yaml::{FileKind, Limits, parse};
    use chrono::NaiveDate;

    const YAML: FileKind = FileKind::Proposal { json: false };

    fn usd(amount: &str) -> Money {
        Money {
            currency: Some(Currency::Usd),
            amount: amount.parse().unwrap(),
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// The proposal, or the codes of its diagnostics.
    fn read(text: &str) -> Result<Proposal, Vec<&'static str>> {
        let stream = parse(text, SourceId(0), &Limits::default(), YAML);
        let mut diagnostics = stream.diagnostics.clone();
        let root = stream.root(&stream.documents[0]);
        match proposal(root, false, &mut diagnostics) {
            Some(p) if diagnostics.is_empty() => Ok(p),
            _ => Err(diagnostics.iter().map(|d| d.code).collect()),
        }
    }

    fn helps(text: &str) -> Vec<String> {
        let stream = parse(text, SourceId(0), &Limits::default(), YAML);
        let mut diagnostics = stream.diagnostics.clone();
        proposal(stream.root(&stream.documents[0]), false, &mut diagnostics);
        diagnostics.into_iter().filter_map(|d| d.help).collect()
    }

    const BASE: &str = "proposal: p1\nparties: [us, japan]\n";

    fn with(extra: &str) -> String {
        format!("{BASE}{extra}")
    }

    #[test]
    fn the_smallest_proposal_reads() {
        let p = read(BASE).unwrap();
        assert_eq!(p.id.value, "p1");
        let parties: Vec<_> = p.parties.value.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(parties, ["us", "japan"]);
        assert!(p.tariffs.is_empty() && p.tariffs_span.is_none());
    }

    #[test]
    fn percent_fields_read_the_text_whatever_the_quoting() {
        let p = read(&with(
            "tariffs:\n  autos: { before: \"25%\", after: '2.5%' }\n",
        ))
        .unwrap();
        assert_eq!(p.tariffs[0].before.value, Decimal::from(25));
        assert_eq!(p.tariffs[0].after.value, "2.5".parse::<Decimal>().unwrap());
    }

    #[test]
    fn a_bare_number_in_a_percent_field_is_its_own_error() {
        assert_eq!(
            read(&with("tariffs:\n  autos: { before: 25%, after: 15 }\n")),
            Err(vec![BARE_NUMBER])
        );
        assert_eq!(
            read(&with("tariffs:\n  autos: { before: \"25\", after: 15% }\n")),
            Err(vec![BARE_NUMBER])
        );
        assert!(
            helps(&with("tariffs:\n  autos: { before: 25%, after: 15 }\n"))
                .contains(&"write `15%`".to_owned())
        );
    }

    #[test]
    fn the_wrong_kind_of_literal_is_a_bad_value() {
        assert_eq!(
            read(&with(
                "tariffs:\n  autos: { before: $5bn, after: 2025-01-01 }\n"
            )),
            Err(vec![BAD_VALUE, BAD_VALUE])
        );
        assert_eq!(read(&with("date: 2025-02-30\n")), Err(vec![BAD_VALUE]));
        assert_eq!(read(&with("date: 12/06/2025\n")), Err(vec![BAD_VALUE]));
        assert_eq!(read(&with("round: 0\n")), Err(vec![BAD_VALUE]));
        assert_eq!(read(&with("round: 2.5\n")), Err(vec![BAD_VALUE]));
    }

    #[test]
    fn optional_fields_read_when_present_and_null_means_absent() {
        let p = read(&with(
            "title: ~\nround: 3\ndate: 2025-06-12\ntabled_by: us\ntariffs:\n  steel: { before: 25%, after: 25%, quota: 1.2M, effective: '2025-07-09', note: ~ }\n",
        ))
        .unwrap();
        assert_eq!(p.title, None);
        assert_eq!(p.round.map(|r| r.value), Some(Decimal::from(3)));
        assert_eq!(p.date.map(|d| d.value), Some(day("2025-06-12")));
        assert_eq!(p.tabled_by.map(|t| t.value), Some("us".to_owned()));
        let steel = &p.tariffs[0];
        assert_eq!(
            steel.quota.as_ref().map(|q| q.value),
            Some(Decimal::from(1_200_000))
        );
        assert_eq!(
            steel.effective.as_ref().map(|d| d.value),
            Some(day("2025-07-09"))
        );
        assert_eq!(steel.note, None);
    }

    #[test]
    fn concessions_read_their_kind_and_money() {
        let p = read(&with(
            "concessions:\n  - by: japan\n    kind: market-access\n    item: rice\n    amount: $10bn\n",
        ))
        .unwrap();
        let c = &p.concessions[0];
        assert_eq!(c.kind.value, ConcessionKind::MarketAccess);
        assert_eq!(c.amount.as_ref().map(|a| a.value), Some(usd("10000000000")));
        assert_eq!(
            read(&with(
                "concessions:\n  - { by: japan, kind: investmnt, item: x, amount: 10bn }\n"
            )),
            Err(vec![BAD_VALUE, BAD_VALUE])
        );
        assert!(
            helps(&with(
                "concessions:\n  - { by: japan, kind: investmnt, item: x }\n"
            ))
            .contains(&"did you mean `investment`?".to_owned())
        );
    }

    #[test]
    fn facts_are_typed_from_their_text() {
        let p = read(&with(
            "facts:\n  a: true\n  b: 15%\n  c: $1bn\n  d: 3\n  e: 2025-01-01\n  f: some text\n  g: 'true'\n  h: \"15%\"\n  i: ~\n  j: '2025-02-30'\n",
        ))
        .unwrap();
        let values: Vec<_> = p.facts.iter().map(|f| f.value.value.clone()).collect();
        let lit = |text| parse_literal(text).unwrap();
        assert_eq!(
            values,
            [
                Scalar::Bool(true),
                lit("15%"),
                lit("$1bn"),
                lit("3"),
                lit("2025-01-01"),
                Scalar::str("some text"),
                Scalar::str("true"),
                lit("15%"),
                Scalar::str("2025-02-30"),
            ]
        );
        assert_eq!(
            read(&with("facts:\n  when: 2025-02-30\n")),
            Err(vec![BAD_VALUE])
        );
        assert_eq!(read(&with("facts:\n  Bad: 1\n")), Err(vec![BAD_VALUE]));
        assert_eq!(read(&with("facts:\n  x: [1]\n")), Err(vec![WRONG_TYPE]));
    }

    #[test]
    fn parties_are_checked() {
        assert_eq!(read("proposal: p\nparties: [us]\n"), Err(vec![BAD_VALUE]));
        assert_eq!(
            read("proposal: p\nparties: [us, us]\n"),
            Err(vec![BAD_VALUE])
        );
        assert_eq!(
            read("proposal: p\nparties: [US, japan]\n"),
            Err(vec![BAD_VALUE])
        );
        assert_eq!(read("proposal: p\nparties: us\n"), Err(vec![WRONG_TYPE]));
        assert_eq!(read(&with("tabled_by: japn\n")), Err(vec![UNKNOWN_PARTY]));
        assert!(helps(&with("tabled_by: japn\n"))[0].starts_with("did you mean `japan`?"));
        assert_eq!(
            read(&with(
                "concessions:\n  - { by: eu, kind: other, item: x }\n"
            )),
            Err(vec![UNKNOWN_PARTY])
        );
    }

    #[test]
    fn ids_and_sector_names_are_checked() {
        assert_eq!(
            read("proposal: US-Japan\nparties: [us, japan]\n"),
            Err(vec![BAD_VALUE])
        );
        assert!(helps("proposal: US Japan\nparties: [us, japan]\n")[0].ends_with("try `us-japan`"));
        assert_eq!(
            read(&with("tariffs:\n  Autos: { before: 1%, after: 1% }\n")),
            Err(vec![BAD_VALUE])
        );
        assert_eq!(
            read(&with("tariffs:\n  after: 15%\n")),
            Err(vec![BAD_VALUE])
        );
    }

    #[test]
    fn unknown_and_missing_keys_are_reported_at_every_level() {
        assert_eq!(
            read(&with(
                "titel: x\ntariffs:\n  autos: { before: 1%, aftr: 1% }\nconcessions:\n  - { by: us, kind: other }\n"
            )),
            Err(vec![UNKNOWN_KEY, UNKNOWN_KEY, MISSING_KEY])
        );
        // `aftr` is taken for `after`, so only the concession's `item` is
        // reported missing above; here `itme` is taken for `item`.
        assert_eq!(
            read(&with(
                "concessions:\n  - { by: us, kind: other, itme: x }\n"
            )),
            Err(vec![UNKNOWN_KEY])
        );
        assert_eq!(read("parties: [us, japan]\n"), Err(vec![MISSING_KEY]));
        assert_eq!(
            read("proposal:\nparties: [us, japan]\n"),
            Err(vec![MISSING_KEY])
        );
        assert!(
            helps(&with("tariffs:\n  autos: { before: 1%, aftr: 1% }\n"))
                .contains(&"did you mean `after`?".to_owned())
        );
    }

    #[test]
    fn a_line_or_concession_reached_through_aliases_is_read_once() {
        let p = read(&with(
            "tariffs:\n  autos: &l { before: 25%, after: 15% }\n  parts: *l\nconcessions:\n  - &c { by: japan, kind: other, item: x }\n  - *c\n",
        ))
        .unwrap();
        let sectors: Vec<_> = p.tariffs.iter().map(|t| t.sector.value.as_str()).collect();
        assert_eq!(sectors, ["autos", "parts"]);
        assert_eq!(p.tariffs[1].after.value, Decimal::from(15));
        assert_ne!(p.concessions[0].span, p.concessions[1].span);
        assert_eq!(
            read(&with(
                "tariffs:\n  a: &l { before: 25%, aftr: 15% }\n  b: *l\n  c: *l\n"
            )),
            Err(vec![UNKNOWN_KEY])
        );
    }

    #[test]
    fn wrong_shapes_are_wrong_types() {
        assert_eq!(read(&with("tariffs: [autos]\n")), Err(vec![WRONG_TYPE]));
        assert_eq!(
            read(&with("tariffs:\n  autos: 25%\n")),
            Err(vec![WRONG_TYPE])
        );
        assert_eq!(
            read(&with("concessions: { by: us }\n")),
            Err(vec![WRONG_TYPE])
        );
        assert_eq!(read(&with("concessions: [x]\n")), Err(vec![WRONG_TYPE]));
        assert_eq!(read(&with("title: [a, b]\n")), Err(vec![WRONG_TYPE]));
        assert_eq!(read("- a\n- b\n"), Err(vec![NOT_MAPPING]));
    }
}
