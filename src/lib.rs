//! redlines: check draft trade-deal proposals against the red lines of the
//! parties who must sign them.

pub mod check;
pub mod diagnostic;
pub mod files;
pub mod proposal;
pub mod rules;
pub mod source;
pub mod syntax;
pub mod value;
