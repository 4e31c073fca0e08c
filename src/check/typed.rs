//! Checked rules: the form the evaluator (and, later, the analyser) reads.
//!
//! Every name is resolved (to a proposal field, a tariff-line or concession
//! field, an element in scope, or a `let`), every expression carries its
//! type, and every type error has already been reported, so evaluation can
//! only meet missing data, never a malformed rule.

use crate::diagnostic::Severity;
use crate::source::Span;
use crate::value::{Currency, Scalar};

/// A whole checked rule set: every rule of every file in a folder.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    /// Parties and coalitions declared by the files, in file order.
    pub owners: Vec<Owner>,
    /// Every rule, in a stable order (file path, then source order).
    pub rules: Vec<Rule>,
    /// Every `let`, indexed by [`LetId`].
    pub lets: Vec<Let>,
}

/// Whose rules a file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `party ID`: applies to proposals whose `parties` include ID.
    Party(String),
    /// `coalition ID of A, B`: applies when any member is a party.
    Coalition {
        /// The coalition id.
        id: String,
        /// Its members.
        members: Vec<String>,
    },
    /// A file with neither: applies to every proposal; owned by the file stem.
    Everyone(String),
}

impl Scope {
    /// The owner id used in full rule ids (`japan/ldp_survival`).
    pub fn owner(&self) -> &str {
        match self {
            Scope::Party(id) | Scope::Everyone(id) => id,
            Scope::Coalition { id, .. } => id,
        }
    }
}

/// A declared party or coalition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The id.
    pub id: String,
    /// The display name.
    pub name: String,
    /// Members, for a coalition; empty for a party.
    pub members: Vec<String>,
    /// Whether it is a coalition.
    pub coalition: bool,
    /// Where it is declared.
    pub span: Span,
}

/// One checked rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The full id, `owner/id`.
    pub id: String,
    /// Who the rule belongs to and which proposals it applies to.
    pub scope: Scope,
    /// `redline` (error), `concern` (warning) or `note` (note).
    pub severity: Severity,
    /// The keyword the rule was written with.
    pub keyword: &'static str,
    /// The title.
    pub title: String,
    /// The rule id as written.
    pub id_span: Span,
    /// The whole rule.
    pub span: Span,
    /// `applies when` guards; all must hold.
    pub guards: Vec<Expr>,
    /// The checking statements.
    pub checks: Vec<Check>,
    /// The `because` text.
    pub because: Option<String>,
    /// The `message` template.
    pub message: Option<Template>,
}

/// A checking statement.
#[derive(Clone, Debug)]
pub struct Check {
    /// What it demands.
    pub kind: CheckKind,
    /// The whole statement.
    pub span: Span,
}

/// The checking statement forms.
#[derive(Clone, Debug)]
pub enum CheckKind {
    /// `require E` / `no deal unless E`: violated when E is false.
    Require(Expr),
    /// `no deal if E`: violated when E is true.
    Forbid(Expr),
    /// `E1 requires E2`: violated when E1 is true and E2 false.
    Implies(Expr, Expr),
}

/// A message with interpolations.
#[derive(Clone, Debug)]
pub struct Template {
    /// Text and expressions, in order.
    pub parts: Vec<TemplatePart>,
    /// The message string.
    pub span: Span,
}

/// A piece of a message.
#[derive(Clone, Debug)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// An interpolated expression (any type).
    Expr(Expr),
}

/// Index of a `let` in [`RuleSet::lets`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LetId(pub u32);

/// A checked `let`.
#[derive(Clone, Debug)]
pub struct Let {
    /// Its name.
    pub name: String,
    /// Its definition (closed: it sees no element in scope).
    pub value: Expr,
    /// The name as declared.
    pub span: Span,
}

/// A checked, typed expression.
#[derive(Clone, Debug)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// The source text it came from.
    pub span: Span,
}

/// The static type of an expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `true` / `false`.
    Bool,
    /// A plain number.
    Number,
    /// A percent (or percentage points).
    Percent,
    /// Money; `None` when the currency is only known at run time.
    Money(Option<Currency>),
    /// A date.
    Date,
    /// Text.
    Str,
    /// A party id (text that names a party).
    Party,
    /// A `facts.*` value, typed only when the proposal is read.
    Fact,
    /// Anything: the element type of an empty list.
    Any,
    /// A list of values.
    List(Box<Type>),
    /// The tariff lines of a proposal (or a filtered subset).
    Tariffs,
    /// The concessions of a proposal (or a filtered subset).
    Concessions,
    /// One tariff line.
    TariffLine,
    /// One concession.
    Concession,
}

/// A top-level field of the proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProposalField {
    /// `proposal`
    Id,
    /// `title`
    Title,
    /// `deal`
    Deal,
    /// `round`
    Round,
    /// `date`
    Date,
    /// `tabled_by`
    TabledBy,
    /// `parties`
    Parties,
    /// `tariffs`
    Tariffs,
    /// `concessions`
    Concessions,
}

/// A field of a tariff line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TariffField {
    /// `sector` (the key)
    Sector,
    /// `before`
    Before,
    /// `after`
    After,
    /// `effective` (optional)
    Effective,
    /// `quota` (optional)
    Quota,
    /// `note` (optional)
    Note,
}

/// A field of a concession.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConcessionField {
    /// `by`
    By,
    /// `kind`
    Kind,
    /// `item`
    Item,
    /// `amount` (optional)
    Amount,
}

/// A field of a collection element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElementField {
    /// A tariff-line field.
    Tariff(TariffField),
    /// A concession field.
    Concession(ConcessionField),
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (by a number only)
    Div,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

impl ArithOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

/// Aggregate functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Aggregate {
    /// `count(C)`
    Count,
    /// `sum(L)`; zero of the right type when empty.
    Sum,
    /// `min(L)`; undetermined when empty.
    Min,
    /// `max(L)`; undetermined when empty.
    Max,
}

/// `any`, `all`, `no`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// true if P holds for some element.
    Any,
    /// true if P holds for every element.
    All,
    /// true if P holds for no element.
    No,
}

/// What a checked expression computes.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A constant scalar.
    Const(Scalar),
    /// `[a, b]`
    List(Vec<Expr>),
    /// A top-level proposal field.
    Proposal(ProposalField),
    /// `facts.NAME`
    Fact(String),
    /// `tariffs.SECTOR`: one tariff line (missing when the sector is absent).
    TariffLine(String),
    /// A field of one element value: `tariffs.autos.after`, `it.amount`.
    ElementField(Box<Expr>, ElementField),
    /// `C.field` over a collection: the list of that field, absent optional
    /// fields left out.
    Project(Box<Expr>, ElementField),
    /// The element bound by the `depth`-th enclosing `where` or quantifier
    /// (0 = innermost); `it`, or the subject of a bare field name.
    Element(u32),
    /// A `let`.
    Let(LetId),
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `a and b` (three-valued)
    And(Box<Expr>, Box<Expr>),
    /// `a or b` (three-valued)
    Or(Box<Expr>, Box<Expr>),
    /// Arithmetic.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// Comparison.
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// `x in C`: membership in a list, or a sector key of the tariffs.
    In(Box<Expr>, Box<Expr>),
    /// `x between lo and hi` (inclusive).
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `C where P`.
    Where(Box<Expr>, Box<Expr>),
    /// `any/all/no C where P`.
    Quantified(Quantifier, Box<Expr>, Box<Expr>),
    /// `count/sum/min/max(x)`.
    Aggregate(Aggregate, Box<Expr>),
}
