//! The stable codes of static diagnostics (listed in docs/diagnostics.md).

/// A name that is not a `let`, proposal field or field in scope.
pub const UNKNOWN_NAME: &str = "redlines::name::unknown";
/// A path or field that the proposal model does not have.
pub const UNKNOWN_PATH: &str = "redlines::name::unknown_path";
/// A function other than `count`, `sum`, `min`, `max`.
pub const UNKNOWN_FUNCTION: &str = "redlines::name::unknown_function";
/// `let`s that depend on each other in a circle.
pub const LET_CYCLE: &str = "redlines::name::let_cycle";
/// Two rules with one id under one owner.
pub const DUPLICATE_RULE: &str = "redlines::name::duplicate_rule";
/// Two `let`s with one name in one file.
pub const DUPLICATE_LET: &str = "redlines::name::duplicate_let";
/// A file that declares more than one party or coalition.
pub const OWNER: &str = "redlines::name::owner";
/// A party literal that no rule file or proposal declares (warning).
pub const UNKNOWN_PARTY: &str = "redlines::name::unknown_party";
/// A `let` nothing uses (warning).
pub const UNUSED_LET: &str = "redlines::name::unused_let";
/// Operands of different units.
pub const MISMATCH: &str = "redlines::type::mismatch";
/// Money of two currencies.
pub const CURRENCY: &str = "redlines::type::currency";
/// Something used as a condition that is not true or false.
pub const NOT_BOOLEAN: &str = "redlines::type::not_boolean";
/// Arithmetic that the units do not allow.
pub const ARITHMETIC: &str = "redlines::type::arithmetic";
/// Ordering values that have no order.
pub const ORDERING: &str = "redlines::type::ordering";
/// A collection operation on a single value.
pub const NOT_COLLECTION: &str = "redlines::type::not_collection";
/// A function called with the wrong number of arguments.
pub const ARITY: &str = "redlines::type::arity";
/// Two `because` or two `message` statements in one rule.
pub const DUPLICATE_STATEMENT: &str = "redlines::rule::duplicate_statement";
/// A rule with no checking statement.
pub const NO_CHECK: &str = "redlines::rule::no_check";
