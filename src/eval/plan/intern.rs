//! Interned strings: every string a rule can compare with (constants,
//! sector names, party ids, concession kinds) gets a small number when the
//! rules are compiled, and a proposal's keys are looked up once when it is
//! bound, so evaluation compares numbers instead of text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// An interned string. [`NO_SYM`] marks a string that was not interned
/// (free text of a proposal, a `facts.*` value); such strings are compared
/// by their text.
pub(crate) type Sym = u32;

/// The symbol of a string that has none: compare by text.
pub(crate) const NO_SYM: Sym = u32::MAX;

/// Two strings are equal: by symbol when both have one (interning is
/// injective), else by text.
#[inline]
pub(crate) fn same_str(a: Sym, a_text: &str, b: Sym, b_text: &str) -> bool {
    if a != NO_SYM && b != NO_SYM {
        a == b
    } else {
        a_text == b_text
    }
}

/// The multiply-rotate hash of rustc (FxHash): much faster than SipHash on
/// the short keys we look up, and the keys are not attacker-chosen in a
/// way that matters (a slow table only slows the run that supplied it).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by strings, with [`FxHasher`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The strings of a compiled rule set.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    map: FxMap<Box<str>, Sym>,
}

impl Interner {
    /// The symbol of `text`, made if new.
    pub(crate) fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.map.get(text) {
            return sym;
        }
        // INVARIANT: a rule set has far fewer than 2^32 - 1 distinct strings
        // (rule files are limited in size); saturating keeps NO_SYM unused
        // only as long as that holds, which the size limits guarantee.
        let sym = Sym::try_from(self.map.len()).unwrap_or(NO_SYM - 1);
        self.map.insert(text.into(), sym);
        sym
    }

    /// The symbol of `text`, or [`NO_SYM`] if it was never interned.
    #[inline]
    pub(crate) fn get(&self, text: &str) -> Sym {
        self.map.get(text).copied().unwrap_or(NO_SYM)
    }

    /// How many symbols there are.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_stable_and_unknown_text_has_none() {
        let mut interner = Interner::default();
        let autos = interner.intern("autos");
        let steel = interner.intern("steel");
        assert_ne!(autos, steel);
        assert_eq!(interner.intern("autos"), autos);
        assert_eq!(interner.get("steel"), steel);
        assert_eq!(interner.get("rice"), NO_SYM);
        assert!(same_str(NO_SYM, "rice", NO_SYM, "rice"));
        assert!(!same_str(autos, "autos", steel, "steel"));
        assert!(same_str(autos, "autos", NO_SYM, "autos"));
    }
}
