//! Proposals: YAML (or JSON) documents read into typed, spanned values and
//! validated strictly (SPEC §1).

pub mod model;

pub use model::*;
