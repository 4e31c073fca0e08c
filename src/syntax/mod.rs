//! Syntax: the pest grammar, the AST with spans, and syntax diagnostics.
//!
//! No pest type leaves this module.

pub mod ast;
mod chains;
mod depth;
mod error;
mod fast;
mod lengths;
mod parser;

pub use depth::{MAX_EXPR_DEPTH, MAX_NESTING};
pub use lengths::{
    DEFAULT_MAX_IDENTIFIER_LEN, DEFAULT_MAX_STRING_LEN, LengthLimits, check_lengths,
};
pub use parser::parse_file;

#[cfg(test)]
mod tests;
