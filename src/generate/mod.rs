//! Generated inputs for fuzzing and property tests (cargo feature
//! `arbitrary`): well-typed rule sets and valid proposals written as text
//! from `arbitrary` bytes, an in-memory `check`, and the entry points of the
//! fuzz targets in `fuzz/`, so that a crashing input found there can be
//! replayed by an ordinary test.
//!
//! Not part of the normal build: nothing here runs in `redlines` itself.

mod harness;
mod proposals;
mod rules;

use arbitrary::{Arbitrary, Result, Unstructured};

pub use harness::{Outputs, check_texts, fuzz_evaluate, fuzz_proposal, fuzz_rules, render_all};
use rules::{ExprGen, Ty};

/// The parties rules and proposals talk about.
pub const PARTIES: [&str; 5] = ["us", "japan", "eu", "korea", "uk"];

/// Tariff sectors (none is a tariff-line field name).
pub const SECTORS: [&str; 5] = ["baseline", "reciprocal", "autos", "steel", "chips"];

/// `facts.*` names; proposals give them values of varying types.
pub const FACTS: [&str; 3] = ["f_a", "f_b", "f_c"];

/// One input file: its name and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFile {
    /// The file name, e.g. `rules/r0.redline`.
    pub name: String,
    /// Its contents.
    pub text: String,
}

/// A generated check: well-typed rule files and valid proposal files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// `.redline` files that parse and pass the static checks.
    pub rules: Vec<TextFile>,
    /// Proposal files (one or more YAML documents each) that validate.
    pub proposals: Vec<TextFile>,
}

impl<'a> Arbitrary<'a> for Scenario {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Scenario> {
        let files = u.int_in_range(1..=3)?;
        let mut rules = Vec::new();
        for index in 0..files {
            rules.push(TextFile {
                name: format!("rules/r{index}.redline"),
                text: rule_file(u, index)?,
            });
        }
        let files = u.int_in_range(1..=3)?;
        let mut proposals = Vec::new();
        let mut next_id = 0;
        for index in 0..files {
            proposals.push(TextFile {
                name: format!("proposals/p{index}.yaml"),
                text: proposals::proposal_file(u, &mut next_id)?,
            });
        }
        Ok(Scenario { rules, proposals })
    }
}

/// A rule set alone (for the parse/format/check properties).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFile(pub String);

impl<'a> Arbitrary<'a> for RuleFile {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<RuleFile> {
        rule_file(u, 0).map(RuleFile)
    }
}

/// Picks one element of a non-empty slice.
pub(crate) fn pick<'s, T>(u: &mut Unstructured<'_>, items: &'s [T]) -> Result<&'s T> {
    u.choose(items)
}

/// The text between the quotes of a string literal (or of a message when
/// `template`), escapes included: ASCII, accents, CJK, emoji, quotes.
pub(crate) fn string_text(u: &mut Unstructured<'_>, template: bool) -> Result<String> {
    const PIECES: [&str; 14] = [
        "autos", " ", "LDP", "Japan", "é", "日本", "🚗", "\\\"", "\\\\", "\\n", "\\t", "%", "#",
        "$5bn",
    ];
    let n = u.int_in_range(0..=6)?;
    let mut out = String::new();
    for _ in 0..n {
        if u.ratio(1, 8)? {
            out.push_str(if template { "\\{" } else { "{" });
        } else if u.ratio(1, 8)? {
            out.push_str(if template { "\\}" } else { "}" });
        } else {
            out.push_str(pick(u, &PIECES)?);
        }
    }
    Ok(out)
}

/// One `.redline` file: an owner (or none), `let`s and rules, with
/// comments here and there.
fn rule_file(u: &mut Unstructured<'_>, index: usize) -> Result<String> {
    let mut out = String::new();
    if u.ratio(1, 3)? {
        out.push_str("# generated rules\n\n");
    }
    match u.int_in_range(0..=3)? {
        0 | 1 => {
            let party = pick(u, &PARTIES)?;
            out.push_str(&format!("party {party} \"{}\"\n", string_text(u, false)?));
        }
        2 => {
            let members: Vec<&str> = PARTIES
                .iter()
                .copied()
                .filter(|_| u.arbitrary().unwrap_or(false))
                .collect();
            let members = if members.is_empty() {
                vec!["japan"]
            } else {
                members
            };
            out.push_str(&format!(
                "coalition c{index} \"Coalition\" of {}\n",
                members.join(", ")
            ));
        }
        _ => {}
    }
    let mut g = ExprGen::new(u);
    let lets = g.u().int_in_range(0..=4)?;
    let rules = g.u().int_in_range(0..=5)?;
    let mut let_count = 0;
    let mut rule_count = 0;
    // Lets and rules interleaved; a let only uses the lets before it.
    while let_count < lets || rule_count < rules {
        let do_let = let_count < lets && (rule_count == rules || g.u().arbitrary()?);
        if do_let {
            let ty = g.any_type(true)?;
            let depth = g.u().int_in_range(0..=3)?;
            let body = g.top(&ty, depth)?;
            let name = format!("l{let_count}");
            out.push_str(&format!("let {name} = {body}"));
            trailing_comment(g.u(), &mut out)?;
            g.declare(name, ty);
            let_count += 1;
        } else {
            out.push('\n');
            rule(&mut g, &mut out, index, rule_count)?;
            rule_count += 1;
        }
    }
    Ok(out)
}

fn trailing_comment(u: &mut Unstructured<'_>, out: &mut String) -> Result<()> {
    if u.ratio(1, 6)? {
        out.push_str(" # note (with a \"quote\")");
    }
    out.push('\n');
    Ok(())
}

/// One `redline`, `concern` or `note` block.
fn rule(g: &mut ExprGen<'_, '_>, out: &mut String, file: usize, n: usize) -> Result<()> {
    let kind = *pick(g.u(), &["redline", "redline", "concern", "note"])?;
    let title = string_text(g.u(), false)?;
    out.push_str(&format!("{kind} r{file}_{n} \"{title}\" {{\n"));
    let statements = g.u().int_in_range(1..=4)?;
    let mut checks = 0;
    let mut because = false;
    let mut message = false;
    for _ in 0..statements {
        let depth = g.u().int_in_range(0..=4)?;
        let line = match g.u().int_in_range(0..=7)? {
            0 => format!("require {}", g.top(&Ty::Bool, depth)?),
            1 => format!("no deal unless {}", g.top(&Ty::Bool, depth)?),
            2 => format!("no deal if {}", g.top(&Ty::Bool, depth)?),
            3 => format!("applies when {}", g.top(&Ty::Bool, depth)?),
            4 => {
                let condition = g.top(&Ty::Bool, depth)?;
                // A statement may not begin with a unary minus.
                let condition = if condition.starts_with('-') {
                    format!("({condition})")
                } else {
                    condition
                };
                format!("{condition} requires {}", g.top(&Ty::Bool, depth)?)
            }
            5 if !because => {
                because = true;
                format!("because \"{}\"", string_text(g.u(), false)?)
            }
            6 if !message => {
                message = true;
                let mut text = string_text(g.u(), true)?;
                for _ in 0..g.u().int_in_range(0..=2)? {
                    let ty = g.any_type(false)?;
                    text.push_str(&format!("{{{}}}", g.top(&ty, 2)?));
                    text.push_str(&string_text(g.u(), true)?);
                }
                format!("message \"{text}\"")
            }
            _ => format!("require {}", g.top(&Ty::Bool, depth)?),
        };
        let checking = !["applies", "because", "message"]
            .iter()
            .any(|word| line.starts_with(word));
        checks += usize::from(checking);
        out.push_str("    ");
        out.push_str(&line);
        trailing_comment(g.u(), out)?;
    }
    if checks == 0 {
        // A rule must check something.
        out.push_str(&format!("    require {}\n", g.top(&Ty::Bool, 2)?));
    }
    out.push_str("}\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_come_from_any_bytes() {
        for seed in 0..50u8 {
            let bytes: Vec<u8> = (0..2000u32)
                .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
                .collect();
            let mut u = Unstructured::new(&bytes);
            let scenario = Scenario::arbitrary(&mut u).unwrap();
            assert!(!scenario.rules.is_empty());
        }
    }
}
