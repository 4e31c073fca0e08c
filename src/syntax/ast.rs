//! The untyped syntax tree of a `.redline` file, with spans. Nothing from
//! pest appears here: the parser converts pest's pairs once, at the border.

use crate::source::{SourceId, Span};
use crate::value::Scalar;

/// A parsed `.redline` file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// The file the tree was read from.
    pub source: SourceId,
    /// Top-level items in source order.
    pub items: Vec<Item>,
    /// Every `#` comment, in source order (for the formatter).
    pub comments: Vec<Comment>,
}

/// A `#` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The comment text, `#` included.
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// A name as written: an identifier or a path segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A string literal, escapes resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    /// The text between the quotes, unescaped.
    pub value: String,
    /// Where it is, quotes included.
    pub span: Span,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `party ID "Name"`
    Party(PartyDecl),
    /// `coalition ID "Name" of A, B`
    Coalition(CoalitionDecl),
    /// `let NAME = EXPR`
    Let(LetDecl),
    /// `redline` / `concern` / `note` blocks.
    Rule(RuleDecl),
}

impl Item {
    /// The span of the whole item.
    pub fn span(&self) -> Span {
        match self {
            Item::Party(item) => item.span,
            Item::Coalition(item) => item.span,
            Item::Let(item) => item.span,
            Item::Rule(item) => item.span,
        }
    }
}

/// `party ID "Name"`: whose rules the file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartyDecl {
    /// The party id.
    pub id: Ident,
    /// Its display name.
    pub name: StrLit,
    /// The whole item.
    pub span: Span,
}

/// `coalition ID "Name" of A, B, C`: a shared rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoalitionDecl {
    /// The coalition id.
    pub id: Ident,
    /// Its display name.
    pub name: StrLit,
    /// The member parties.
    pub members: Vec<Ident>,
    /// The whole item.
    pub span: Span,
}

/// `let NAME = EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct LetDecl {
    /// The name being defined.
    pub name: Ident,
    /// Its definition.
    pub value: Expr,
    /// The whole item.
    pub span: Span,
}

/// How hard a rule is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// `redline`: crossing it blocks the deal.
    Redline,
    /// `concern`: a warning.
    Concern,
    /// `note`: information only.
    Note,
}

impl RuleKind {
    /// The keyword that introduces the rule.
    pub fn keyword(self) -> &'static str {
        match self {
            RuleKind::Redline => "redline",
            RuleKind::Concern => "concern",
            RuleKind::Note => "note",
        }
    }
}

/// A `redline`, `concern` or `note` block.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDecl {
    /// Which kind of rule.
    pub kind: RuleKind,
    /// The rule id (unique per owner).
    pub id: Ident,
    /// The rule's title.
    pub title: StrLit,
    /// The statements in the block, in order.
    pub statements: Vec<Statement>,
    /// The `{` that opens the block.
    pub open: Span,
    /// The whole item.
    pub span: Span,
}

/// One statement in a rule block.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// What it says.
    pub kind: StatementKind,
    /// The whole statement.
    pub span: Span,
}

/// The statement forms of SPEC §2.2.
#[derive(Clone, Debug, PartialEq)]
pub enum StatementKind {
    /// `require E`
    Require(Expr),
    /// `no deal unless E`
    NoDealUnless(Expr),
    /// `no deal if E`
    NoDealIf(Expr),
    /// `E1 requires E2`
    Requires(Expr, Expr),
    /// `applies when E`
    AppliesWhen(Expr),
    /// `because "text"`
    Because(StrLit),
    /// `message "text {E}"`
    Message(Template),
}

/// A message with `{expr}` interpolations.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Text and expressions, in order.
    pub parts: Vec<TemplatePart>,
    /// The whole string, quotes included.
    pub span: Span,
}

/// A piece of a [`Template`].
#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    /// Literal text, escapes resolved.
    Text(String),
    /// An interpolated expression.
    Expr(Expr),
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Infix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
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
    /// `in`
    In,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    /// Whether this is a comparison (`=`, `<`, `in`, ...), which do not chain.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge
                | BinaryOp::In
        )
    }
}

/// `any`, `all` or `no`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `any C where P`
    Any,
    /// `all C where P`
    All,
    /// `no C where P`
    No,
}

impl Quantifier {
    /// The keyword as written.
    pub fn keyword(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::No => "no",
        }
    }
}

/// The expression forms of SPEC §2.3.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number, percent, money, date, string or boolean literal.
    Literal(Scalar),
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `name` or `name.field.field`
    Path(Vec<Ident>),
    /// `count(x)`
    Call(Ident, Vec<Expr>),
    /// `(e).field` or `f(x).field`: a field of a computed value.
    Field(Box<Expr>, Ident),
    /// `( e )`, kept so the formatter and the chaining check see it.
    Paren(Box<Expr>),
    /// `not e`, `-e`
    Unary(UnaryOp, Span, Box<Expr>),
    /// `a op b`; the span is the operator's.
    Binary(BinaryOp, Span, Box<Expr>, Box<Expr>),
    /// `e between lo and hi`
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `C where P`
    Where(Box<Expr>, Box<Expr>),
    /// `any C where P` (and `all`, `no`)
    Quantified(Quantifier, Box<Expr>, Box<Expr>),
}
