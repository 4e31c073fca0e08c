//! Valid proposal files (SPEC §1), written as YAML from `arbitrary` bytes.

use arbitrary::{Result, Unstructured};

use super::rules::{date, decimal, number};
use super::{FACTS, PARTIES, SECTORS, pick};
use crate::proposal::ConcessionKind;

/// A file of one or more proposals; ids continue from `next_id` so they are
/// unique across a run.
pub fn proposal_file(u: &mut Unstructured<'_>, next_id: &mut usize) -> Result<String> {
    let documents = if u.ratio(1, 4)? { 2 } else { 1 };
    let mut out = String::new();
    for index in 0..documents {
        if index > 0 || u.ratio(1, 4)? {
            out.push_str("---\n");
        }
        out.push_str(&proposal(u, *next_id)?);
        *next_id += 1;
    }
    Ok(out)
}

fn proposal(u: &mut Unstructured<'_>, id: usize) -> Result<String> {
    let mut out = format!("proposal: p{id}\n");
    let parties: Vec<&str> = {
        let mut chosen: Vec<&str> = PARTIES
            .iter()
            .copied()
            .filter(|_| u.arbitrary().unwrap_or(false))
            .collect();
        for fallback in ["us", "japan"] {
            if chosen.len() < 2 && !chosen.contains(&fallback) {
                chosen.push(fallback);
            }
        }
        chosen
    };
    if u.arbitrary()? {
        out.push_str("title: \"A \\\"generated\\\" offer — round two\"\n");
    }
    if u.arbitrary()? {
        out.push_str("deal: us-japan-2025\n");
    }
    if u.arbitrary()? {
        out.push_str(&format!("round: {}\n", u.int_in_range(1..=9u8)?));
    }
    if u.arbitrary()? {
        out.push_str(&format!("date: {}\n", date(u)?));
    }
    if u.arbitrary()? {
        out.push_str(&format!("tabled_by: {}\n", pick(u, &parties)?));
    }
    out.push_str(&format!("parties: [{}]\n", parties.join(", ")));
    if u.ratio(3, 4)? {
        out.push_str("tariffs:\n");
        for sector in SECTORS {
            if u.arbitrary()? {
                out.push_str(&format!("  {sector}: {}\n", tariff_line(u)?));
            }
        }
    }
    if u.ratio(3, 4)? {
        out.push_str("concessions:\n");
        for _ in 0..u.int_in_range(0..=4)? {
            out.push_str(&format!("  - by: {}\n", pick(u, &parties)?));
            out.push_str(&format!(
                "    kind: {}\n",
                pick(u, &ConcessionKind::ALL)?.as_str()
            ));
            out.push_str("    item: soybeans and corn\n");
            if u.arbitrary()? {
                out.push_str(&format!("    amount: {}\n", money(u)?));
            }
        }
    }
    if u.arbitrary()? {
        out.push_str("facts:\n");
        for fact in FACTS {
            if u.arbitrary()? {
                out.push_str(&format!("  {fact}: {}\n", fact_value(u)?));
            }
        }
    }
    Ok(out)
}

fn percent(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 30)? {
        return Ok("79228162514264337593543950335%".to_owned());
    }
    Ok(format!("{}%", decimal(u)?))
}

fn money(u: &mut Unstructured<'_>) -> Result<String> {
    let currency = pick(u, &['$', '$', '€', '¥'])?;
    Ok(format!("{currency}{}", number(u)?))
}

fn tariff_line(u: &mut Unstructured<'_>) -> Result<String> {
    let mut fields = vec![
        format!("before: {}", percent(u)?),
        format!("after: {}", percent(u)?),
    ];
    if u.arbitrary()? {
        fields.push(format!("effective: {}", date(u)?));
    }
    if u.arbitrary()? {
        fields.push(format!("quota: {}", number(u)?));
    }
    if u.ratio(1, 4)? {
        fields.push("note: \"phased in\"".to_owned());
    }
    Ok(format!("{{ {} }}", fields.join(", ")))
}

fn fact_value(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=5)? {
        0 => (if u.arbitrary()? { "true" } else { "false" }).to_owned(),
        1 => number(u)?,
        2 => percent(u)?,
        3 => money(u)?,
        4 => date(u)?,
        _ => "\"some text\"".to_owned(),
    })
}
