//! The spanned tree one file is read into: an arena of nodes
//! (flat, so nothing recurses to walk or drop it) and a read-only view of it
//! in which an alias shows the value it names.

use crate::source::Span;

/// The index of a node in its [`Tree`].
pub(crate) type NodeId = usize;

/// Every node of one file, in an arena.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
}

/// One node: what it holds and where it is written.
#[derive(Debug)]
struct Node {
    kind: Kind,
    /// Where the node is written (trailing blanks excluded).
    span: Span,
    /// The node count of this subtree with every alias expanded.
    size: usize,
}

/// What a node holds.
#[derive(Debug)]
pub(super) enum Kind {
    /// A single value (null included).
    Scalar(Text),
    /// Items in file order.
    List(Vec<NodeId>),
    /// Key and value pairs in file order, duplicates already left out.
    Map(Vec<(NodeId, NodeId)>),
    /// A use of the anchored node; never itself an alias.
    Alias(NodeId),
}

/// A scalar as written: its text after YAML unescaping and folding.
#[derive(Debug)]
pub(crate) struct Text {
    /// The value's text.
    pub text: String,
    /// Whether it was written plain (not quoted, not a block scalar, not `!!str`).
    pub plain: bool,
}

impl Text {
    /// Whether YAML reads this scalar as null (`~`, `null`, or nothing).
    pub fn is_null(&self) -> bool {
        self.plain && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
}

impl Tree {
    /// A view of node `id`, with aliases resolved to what they name.
    pub(crate) fn get(&self, id: NodeId) -> NodeRef<'_> {
        // INVARIANT: ids are only made by `push`, and an alias names an
        // earlier, complete node that is never an alias itself.
        let node = &self.nodes[id];
        let target = match node.kind {
            Kind::Alias(target) => target,
            _ => id,
        };
        NodeRef {
            tree: self,
            id: target,
            span: node.span,
        }
    }

    pub(super) fn push(&mut self, kind: Kind, span: Span, size: usize) -> NodeId {
        self.nodes.push(Node { kind, span, size });
        self.nodes.len() - 1
    }

    pub(super) fn size(&self, id: NodeId) -> usize {
        self.nodes.get(id).map_or(1, |node| node.size)
    }

    pub(super) fn scalar_text(&self, id: NodeId) -> Option<&str> {
        match &self.nodes.get(self.get(id).id)?.kind {
            Kind::Scalar(text) => Some(&text.text),
            _ => None,
        }
    }
}

/// One node seen through the tree; an alias shows what it names, at the
/// span where the alias is written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeRef<'t> {
    tree: &'t Tree,
    id: NodeId,
    span: Span,
}

/// What a node is.
pub(crate) enum Shape<'t> {
    /// `~`, `null` or nothing.
    Null,
    /// A single value.
    Scalar(&'t Text),
    /// A list (YAML sequence).
    List(Items<'t>),
    /// A mapping.
    Map(Entries<'t>),
}

impl<'t> NodeRef<'t> {
    /// Where the node (or the alias standing for it) is written.
    pub fn span(self) -> Span {
        self.span
    }

    /// Where the value itself is written: for an alias, where the value it
    /// names is written (`&name ...`), not the alias.
    pub fn value_span(self) -> Span {
        // INVARIANT: `self.id` came from `Tree::get`.
        self.tree.nodes[self.id].span
    }

    /// The node seen: the same for every alias of it.
    pub fn id(self) -> NodeId {
        self.id
    }

    /// What the node is.
    pub fn shape(self) -> Shape<'t> {
        let tree = self.tree;
        // INVARIANT: `self.id` came from `Tree::get`.
        match &tree.nodes[self.id].kind {
            Kind::Scalar(text) if text.is_null() => Shape::Null,
            Kind::Scalar(text) => Shape::Scalar(text),
            Kind::List(ids) => Shape::List(Items {
                tree,
                ids: ids.iter(),
            }),
            Kind::Map(pairs) => Shape::Map(Entries {
                tree,
                pairs: pairs.iter(),
            }),
            // INVARIANT: `Tree::get` resolves aliases, so a view never
            // stands on one.
            Kind::Alias(_) => Shape::Null,
        }
    }

    /// The node as a single value, if it is one (null included).
    pub fn scalar(self) -> Option<&'t Text> {
        // INVARIANT: `self.id` came from `Tree::get`.
        match &self.tree.nodes[self.id].kind {
            Kind::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// The text of a single value that is not null.
    pub fn text(self) -> Option<&'t str> {
        self.scalar()
            .filter(|text| !text.is_null())
            .map(|text| text.text.as_str())
    }

    /// Whether the node is null, which an optional field reads as absent.
    pub fn is_null(self) -> bool {
        self.scalar().is_some_and(Text::is_null)
    }

    /// How diagnostics describe what was found here.
    pub fn describe(self) -> &'static str {
        match self.shape() {
            Shape::Null => "nothing",
            Shape::Scalar(_) => "a single value",
            Shape::List(_) => "a list",
            Shape::Map(_) => "a mapping",
        }
    }
}

/// The items of a list.
pub(crate) struct Items<'t> {
    tree: &'t Tree,
    ids: std::slice::Iter<'t, NodeId>,
}

impl<'t> Iterator for Items<'t> {
    type Item = NodeRef<'t>;

    fn next(&mut self) -> Option<NodeRef<'t>> {
        self.ids.next().map(|&id| self.tree.get(id))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

impl ExactSizeIterator for Items<'_> {}

/// The key and value pairs of a mapping.
pub(crate) struct Entries<'t> {
    tree: &'t Tree,
    pairs: std::slice::Iter<'t, (NodeId, NodeId)>,
}

impl<'t> Iterator for Entries<'t> {
    type Item = (NodeRef<'t>, NodeRef<'t>);

    fn next(&mut self) -> Option<Self::Item> {
        self.pairs
            .next()
            .map(|&(key, value)| (self.tree.get(key), self.tree.get(value)))
    }
}
