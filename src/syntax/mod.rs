//! Syntax: the pest grammar, the AST with spans, and syntax diagnostics.
//!
//! No pest type leaves this module.

pub mod ast;
mod depth;
mod error;
mod parser;

pub use depth::{MAX_EXPR_DEPTH, MAX_NESTING};
pub use parser::parse_file;

#[cfg(test)]
mod tests;
