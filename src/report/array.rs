//! A long array of a pretty-printed JSON document, written an entry at a
//! time, byte for byte as `serde_json::to_string_pretty` writes it whole:
//! the json and sarif formats stream their longest arrays this way.

use serde::Serialize;

/// Between two entries of an array.
pub(crate) const SEPARATOR: &str = ",\n";

/// `value` as an entry of an array whose key is `depth` levels deep (a key
/// of the top-level object is 1 deep), indented as in the whole document.
pub(crate) fn entry(value: &impl Serialize, depth: usize) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let indent = "  ".repeat(depth + 1);
    // JSON strings hold no raw line breaks: every one is the printer's.
    format!("{indent}{}", text.replace('\n', &format!("\n{indent}")))
}

/// One array of the document, `depth` levels deep, written an entry at a
/// time.
pub(crate) struct Entries {
    depth: usize,
    any: bool,
}

impl Entries {
    /// An empty array whose key is `depth` levels deep.
    pub(crate) fn new(depth: usize) -> Entries {
        Entries { depth, any: false }
    }

    /// Writes `entries` (already joined by [`SEPARATOR`]; maybe none) to
    /// `write`.
    pub(crate) fn add(&mut self, entries: &str, write: &mut dyn FnMut(&str)) {
        if entries.is_empty() {
            return;
        }
        write(if self.any { SEPARATOR } else { "\n" });
        write(entries);
        self.any = true;
    }

    /// Whether any entry was written.
    pub(crate) fn any(&self) -> bool {
        self.any
    }

    /// What closes the array.
    pub(crate) fn end(&self) -> String {
        if self.any {
            Entries::closing(self.depth)
        } else {
            "]".to_owned()
        }
    }

    /// What closes a non-empty array `depth` levels deep.
    pub(crate) fn closing(depth: usize) -> String {
        format!("\n{}]", "  ".repeat(depth))
    }
}

/// Splits a pretty-printed document at the empty array of its last `key`:
/// the text up to its `[`, and from its `]` on (the `]` left out).
pub(crate) fn split_at_empty(text: &str, key: &str) -> (String, String) {
    let open = format!("\"{key}\": [");
    let at = text
        .rfind(&format!("{open}]"))
        .map_or(text.len(), |at| at + open.len());
    let (before, after) = text.split_at(at);
    (
        before.to_owned(),
        after.get(1..).unwrap_or_default().to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Document {
        name: &'static str,
        outer: Vec<Inner>,
    }

    #[derive(Serialize)]
    struct Inner {
        items: Vec<Item>,
    }

    #[derive(Serialize)]
    struct Item {
        id: u32,
        tags: Vec<&'static str>,
    }

    fn item(id: u32) -> Item {
        Item {
            id,
            tags: vec!["a", "b"],
        }
    }

    #[test]
    fn an_array_written_entry_by_entry_is_the_array_written_whole() {
        for count in [0, 1, 3] {
            let whole = serde_json::to_string_pretty(&Document {
                name: "x",
                outer: vec![Inner {
                    items: (0..count).map(item).collect(),
                }],
            })
            .unwrap_or_default();
            let frame = serde_json::to_string_pretty(&Document {
                name: "x",
                outer: vec![Inner { items: Vec::new() }],
            })
            .unwrap_or_default();
            let (head, tail) = split_at_empty(&frame, "items");
            let mut out = head;
            let mut entries = Entries::new(3);
            for id in 0..count {
                entries.add(&entry(&item(id), 3), &mut |text| out.push_str(text));
            }
            out.push_str(&entries.end());
            out.push_str(&tail);
            assert_eq!(out, whole, "{count} items");
        }
    }
}
