//! Proposals: YAML (or JSON) documents read into typed, spanned values and
//! validated strictly (SPEC §1).
//!
//! `crate::yaml` turns the text into a spanned tree under hard limits;
//! `validate` turns each document of that tree into a [`Proposal`]; `load` is
//! the entry point that ties them to a file of the
//! [`Sources`](crate::source::Sources).

mod load;
pub mod model;
mod stream;
mod validate;

pub use crate::yaml::Limits;
pub use load::{check_unique_ids, duplicate_id, load_proposals};
pub use model::*;
pub use stream::{FilePiece, stream_proposals};
pub(crate) use stream::{PieceReader, RawPiece, parse_piece};
