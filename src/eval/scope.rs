//! What one evaluation has in scope: the elements bound by the enclosing
//! `where`s and quantifiers, and the `let` values computed so far. Both
//! live inline for the common shallow cases, so evaluating a rule does not
//! allocate.

use crate::check::typed::LetId;

use super::expr::Eval;
use super::value::Elem;

/// How many bound elements [`Elements`] holds without allocating.
const INLINE_ELEMENTS: usize = 8;

/// The stack of bound elements, innermost last. A `let` definition is
/// closed: while one is evaluated, the elements bound outside it are hidden.
pub(crate) struct Elements<'a> {
    inline: [Elem<'a>; INLINE_ELEMENTS],
    spill: Vec<Elem<'a>>,
    len: usize,
    /// Elements below this index are hidden.
    base: usize,
}

impl Default for Elements<'_> {
    fn default() -> Self {
        Elements {
            inline: [Elem::Line(0); INLINE_ELEMENTS],
            spill: Vec::new(),
            len: 0,
            base: 0,
        }
    }
}

impl<'a> Elements<'a> {
    /// Binds `elem` as the innermost element.
    pub(crate) fn push(&mut self, elem: Elem<'a>) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = elem,
            None => self.spill.push(elem),
        }
        self.len += 1;
    }

    /// Unbinds the innermost element.
    pub(crate) fn pop(&mut self) {
        if self.len > INLINE_ELEMENTS {
            self.spill.pop();
        }
        self.len = self.len.saturating_sub(1);
    }

    /// The element bound `depth` levels out (0 = innermost), if visible.
    pub(crate) fn get(&self, depth: u32) -> Option<Elem<'a>> {
        let index = self.len.checked_sub(1 + depth as usize)?;
        if index < self.base {
            return None;
        }
        match self.inline.get(index) {
            Some(elem) => Some(*elem),
            None => self.spill.get(index - INLINE_ELEMENTS).copied(),
        }
    }

    /// Hides every bound element; returns what [`Elements::restore`] needs.
    pub(crate) fn hide(&mut self) -> usize {
        std::mem::replace(&mut self.base, self.len)
    }

    /// Shows the elements hidden by the matching [`Elements::hide`].
    pub(crate) fn restore(&mut self, base: usize) {
        self.base = base;
    }
}

/// How many `let` values a [`LetCache`] holds without allocating.
const INLINE_LETS: usize = 4;

/// The `let` values computed during one evaluation. A rule reads a handful
/// of `let`s, so the first few are kept inline and searched in order.
#[derive(Default)]
pub(crate) struct LetCache<'a> {
    inline: [Option<(LetId, Eval<'a>)>; INLINE_LETS],
    more: Vec<(LetId, Eval<'a>)>,
}

impl<'a> LetCache<'a> {
    /// The value of a `let`, if computed.
    pub(crate) fn get(&self, id: LetId) -> Option<&Eval<'a>> {
        self.inline
            .iter()
            .map_while(Option::as_ref)
            .chain(self.more.iter())
            .find(|(known, _)| *known == id)
            .map(|(_, value)| value)
    }

    /// Records the value of a `let`.
    pub(crate) fn insert(&mut self, id: LetId, value: Eval<'a>) {
        match self.inline.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some((id, value)),
            None => self.more.push((id, value)),
        }
    }
}
