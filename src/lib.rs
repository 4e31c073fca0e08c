//! redlines: check draft trade-deal proposals against the red lines of the
//! parties who must sign them.

pub mod diagnostic;
pub mod source;
pub mod value;
