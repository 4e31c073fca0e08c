//! `redlines schema`: the JSON Schema of the proposal format, for editors.

use super::{EXIT_CLEAR, Output};
use crate::schema::proposal_schema;

/// Prints the schema and returns the exit code.
pub fn run(output: &mut Output) -> u8 {
    // INVARIANT: a `serde_json::Value` always serialises.
    let text = serde_json::to_string_pretty(&proposal_schema()).unwrap_or_default();
    output.print(&text);
    output.print("\n");
    EXIT_CLEAR
}
