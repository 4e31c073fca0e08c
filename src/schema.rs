//! `redlines schema`: the proposal format of SPEC §1 as a JSON Schema
//! (draft 2020-12), so that editors (yaml-language-server, VS Code, ...)
//! validate and complete proposals as they are typed.
//!
//! The schema is built from the same lists the loader checks against
//! (the keys of a proposal, of a tariff line and of a concession, the
//! concession kinds), so the two cannot drift apart. Values follow the
//! literal syntax of the rule language: `15%`, `10pp`, `$550bn`, `1.2M`,
//! `2025-07-09`. What JSON Schema cannot say (that `by:` and `tabled_by:`
//! name a listed party, that proposal ids are unique in a run, that a date
//! is a real calendar day) is left to `redlines check`.

use serde_json::{Value, json};

use crate::proposal::model::{ConcessionKind, PROPOSAL_FIELDS, TARIFF_LINE_FIELDS};

/// Where the draft 2020-12 meta-schema lives.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// A percent or percentage points: `15%`, `2.5%`, `10pp`.
pub const PERCENT_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?(%|pp)$";

/// Money with a currency symbol and an optional scale: `$550bn`, `€600bn`.
pub const MONEY_PATTERN: &str = r"^-?[$€¥£₩][0-9]+(\.[0-9]+)?(k|m|M|bn|tn)?$";

/// A plain number with an optional scale: `50000`, `1.2M`, `100k`.
pub const NUMBER_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?(k|m|M|bn|tn)?$";

/// An ISO date, `YYYY-MM-DD`.
pub const DATE_PATTERN: &str = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// A party id or fact name: `[a-z][a-z0-9_]*`.
pub const NAME_PATTERN: &str = r"^[a-z][a-z0-9_]*$";

/// A proposal id: `[a-z0-9._-]+`.
pub const PROPOSAL_ID_PATTERN: &str = r"^[a-z0-9._-]+$";

/// A sector name: `[a-z0-9_]+`.
pub const SECTOR_PATTERN: &str = r"^[a-z0-9_]+$";

/// The JSON Schema of one proposal (one YAML document).
pub fn proposal_schema() -> Value {
    json!({
        "$schema": DRAFT_2020_12,
        "$id": "urn:redlines:proposal",
        "title": "redlines proposal",
        "description": "A draft trade-deal proposal, checked by `redlines check` against the red lines of the parties. One proposal per YAML document; a file may hold several documents separated by `---`.",
        "type": "object",
        "required": ["proposal", "parties"],
        "additionalProperties": false,
        "properties": properties(),
        "$defs": definitions(),
    })
}

/// The top-level keys, in the order of [`PROPOSAL_FIELDS`].
fn properties() -> Value {
    let mut properties = serde_json::Map::new();
    for key in PROPOSAL_FIELDS {
        properties.insert(key.to_owned(), property(key));
    }
    Value::Object(properties)
}

fn property(key: &str) -> Value {
    match key {
        "proposal" => json!({
            "description": "Required. The proposal's id, unique among the proposals checked together: lowercase letters, digits, `.`, `_` and `-`.",
            "type": "string",
            "pattern": PROPOSAL_ID_PATTERN,
            "examples": ["us-japan-r2"],
        }),
        "title" => described("#/$defs/text", "A readable title: `US offer, round 2`."),
        "deal" => described(
            "#/$defs/text",
            "The negotiation the proposal belongs to: `us-japan-2025`.",
        ),
        "round" => json!({
            "description": "The round of the negotiation, a whole number from 1.",
            "type": "integer",
            "minimum": 1,
            "examples": [1, 2],
        }),
        "date" => described("#/$defs/date", "When the proposal is tabled."),
        "tabled_by" => described(
            "#/$defs/party",
            "The party that tables the proposal; one of `parties`.",
        ),
        "parties" => json!({
            "description": "Required. The parties to the deal, two or more party ids: `[us, japan]`. Rule files written for a party apply to the proposals that list it.",
            "type": "array",
            "items": { "$ref": "#/$defs/party" },
            "minItems": 2,
            "uniqueItems": true,
        }),
        "tariffs" => json!({
            "description": "Tariff lines by sector: `autos: { before: 25%, after: 15% }`. Sector names are lowercase letters, digits and `_`, and may not be the name of a tariff-line field.",
            "type": "object",
            "propertyNames": {
                "pattern": SECTOR_PATTERN,
                "not": { "enum": TARIFF_LINE_FIELDS },
            },
            "additionalProperties": { "$ref": "#/$defs/tariffLine" },
        }),
        "concessions" => json!({
            "description": "What each side gives: one item per concession, with `by`, `kind`, `item` and an optional `amount`.",
            "type": "array",
            "items": { "$ref": "#/$defs/concession" },
        }),
        "facts" => json!({
            "description": "Free-form facts rules can read as `facts.NAME`: `ldp_majority: false`. Values are typed like literals in rules (`true`, `15%`, `$1bn`, `2025-08-01`, `3`, text).",
            "type": "object",
            "propertyNames": { "pattern": NAME_PATTERN },
            "additionalProperties": {
                "description": "A single value: a boolean, a number, a percent, money, a date or text.",
                "type": ["string", "number", "boolean", "null"],
            },
        }),
        _ => json!({}),
    }
}

/// A `$ref` with its own description.
fn described(reference: &str, description: &str) -> Value {
    json!({ "$ref": reference, "description": description })
}

/// The value types shared by several keys.
fn definitions() -> Value {
    let kinds: Vec<&str> = ConcessionKind::ALL.iter().map(|k| k.as_str()).collect();
    json!({
        "text": {
            "description": "Text.",
            "type": ["string", "number", "boolean"],
        },
        "party": {
            "description": "A party id: a lowercase letter, then lowercase letters, digits and `_` (`us`, `japan`, `south_korea`).",
            "type": "string",
            "pattern": NAME_PATTERN,
            "examples": ["us", "japan", "eu"],
        },
        "percent": {
            "description": "A percent, written with `%` (`15%`, `2.5%`) or as percentage points (`10pp`). A bare number is not a percent: write `15%`, not `15`.",
            "type": "string",
            "pattern": PERCENT_PATTERN,
            "examples": ["25%", "15%", "10%", "0%"],
        },
        "money": {
            "description": "Money with a currency symbol ($ US dollars, € euros, ¥ yen, £ pounds, ₩ won) and an optional scale (k, m or M, bn, tn): `$550bn`, `€600bn`, `$400m`.",
            "type": "string",
            "pattern": MONEY_PATTERN,
            "examples": ["$10bn", "$550bn", "€600bn"],
        },
        "number": {
            "description": "A plain number, with an optional scale (k, m or M, bn, tn): `50000`, `1.2M`, `100k`.",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": NUMBER_PATTERN },
            ],
            "examples": ["1.2M", 50000],
        },
        "date": {
            "description": "An ISO date, `YYYY-MM-DD`: `2025-07-09`.",
            "type": "string",
            "pattern": DATE_PATTERN,
            "format": "date",
            "examples": ["2025-07-09"],
        },
        "tariffLine": {
            "description": "One sector's tariff: the rate in force before the deal and the rate it proposes.",
            "type": "object",
            "required": ["before", "after"],
            "additionalProperties": false,
            "properties": {
                "before": described("#/$defs/percent", "Required. The rate before the deal: `25%`."),
                "after": described("#/$defs/percent", "Required. The rate the proposal sets: `15%`."),
                "effective": described("#/$defs/date", "When the new rate takes effect."),
                "quota": described("#/$defs/number", "A quantity quota for the rate: `1.2M`."),
                "note": described("#/$defs/text", "A note on the line."),
            },
            "defaultSnippets": [
                { "label": "tariff line", "body": { "before": "${1:25%}", "after": "${2:15%}" } },
            ],
        },
        "concession": {
            "description": "What one party gives.",
            "type": "object",
            "required": ["by", "kind", "item"],
            "additionalProperties": false,
            "properties": {
                "by": described("#/$defs/party", "Required. The party that gives it; one of `parties`."),
                "kind": {
                    "description": "Required. What kind of thing is given.",
                    "enum": kinds,
                },
                "item": described("#/$defs/text", "Required. What is given, in words: `Alaska LNG project`."),
                "amount": described("#/$defs/money", "What it is worth: `$10bn`."),
            },
            "defaultSnippets": [
                {
                    "label": "concession",
                    "body": { "by": "$1", "kind": "${2:investment}", "item": "$3" },
                },
            ],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::model::CONCESSION_FIELDS;

    #[test]
    fn the_schema_lists_exactly_the_keys_the_loader_reads() {
        let schema = proposal_schema();
        let keys: Vec<&str> = schema["properties"]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut expected = PROPOSAL_FIELDS.to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        let concession = &schema["$defs"]["concession"]["properties"];
        for field in CONCESSION_FIELDS {
            assert!(
                concession.get(field).is_some(),
                "concession field `{field}`"
            );
        }
        let line = &schema["$defs"]["tariffLine"]["properties"];
        for field in TARIFF_LINE_FIELDS.iter().filter(|f| **f != "sector") {
            assert!(line.get(field).is_some(), "tariff-line field `{field}`");
        }
    }
}
