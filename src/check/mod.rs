//! Static checks (SPEC §2.4): names, paths, types and units. Turns syntax
//! trees into the checked [`typed::RuleSet`] the evaluator reads.

pub mod typed;
