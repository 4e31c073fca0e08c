//! redlines: check draft trade-deal proposals against the red lines of the
//! parties who must sign them.

pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod eval;
pub mod files;
pub mod fmt;
#[cfg(feature = "arbitrary")]
pub mod generate;
pub mod init;
pub mod proposal;
pub mod report;
pub mod rules;
pub mod run;
pub mod schema;
pub mod source;
pub mod syntax;
pub mod testing;
pub mod value;
#[cfg(feature = "workload")]
pub mod workload;
pub(crate) mod yaml;
