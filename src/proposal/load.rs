//! Loading proposal files: one file, one or more documents, one proposal per
//! document (SPEC §1), and the check that ids are unique across a run.

use std::collections::HashMap;

use super::model::Proposal;
use super::validate;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Sources, Span};
use crate::yaml::{self, FileKind, Limits};

const EMPTY: &str = "redlines::proposal::empty";
const DUPLICATE_ID: &str = "redlines::proposal::duplicate_id";

/// Reads every proposal in `file`: YAML or JSON, one proposal per document of
/// a `---` stream.
///
/// Returns the proposals in file order, or every problem found in the file
/// (in file order) when there is any: invalid YAML, exceeded [`Limits`],
/// empty documents and everything SPEC §1 forbids. A YAML error or an
/// exceeded limit stops reading; the documents before it are still checked.
/// Ids are not compared across documents here: call [`check_unique_ids`]
/// over all the proposals of a run.
pub fn load_proposals(
    sources: &Sources,
    file: SourceId,
    limits: &Limits,
) -> Result<Vec<Proposal>, Vec<Diagnostic>> {
    let source = sources.file(file);
    let json = source.name.to_ascii_lowercase().ends_with(".json");
    let mut stream = yaml::parse(&source.text, file, limits, FileKind::Proposal { json });
    let several = stream.documents.len() > 1;
    let (proposals, diagnostics) = convert(&mut stream, file, json, several, true);
    if diagnostics.is_empty() {
        Ok(proposals)
    } else {
        Err(diagnostics)
    }
}

/// Validates the documents of one batch of a file into proposals; `several`
/// when the file has more than one document, `whole` when the batch is the
/// whole file (where an empty file is reported).
pub(super) fn convert(
    stream: &mut yaml::Stream,
    file: SourceId,
    json: bool,
    several: bool,
    whole: bool,
) -> (Vec<Proposal>, Vec<Diagnostic>) {
    let mut diagnostics = std::mem::take(&mut stream.diagnostics);
    if whole && stream.documents.is_empty() && !stream.stopped {
        diagnostics.push(empty("no proposal in this file", Span::new(file, 0, 0)));
    }
    let mut proposals = Vec::with_capacity(stream.documents.len());
    for document in &stream.documents {
        let root = stream.root(document);
        if root.is_null() {
            // An empty document's null has the span of whatever follows it;
            // point at its `---` instead.
            let written = root.scalar().is_some_and(|text| !text.text.is_empty());
            let span = if written { root.span() } else { document.start };
            let message = if several {
                "no proposal in this document"
            } else {
                "no proposal in this file"
            };
            diagnostics.push(empty(message, span));
        } else if let Some(proposal) = validate::proposal(root, json, &mut diagnostics) {
            proposals.push(proposal);
        }
    }
    in_file_order(&mut diagnostics);
    (proposals, diagnostics)
}

fn empty(message: &str, span: Span) -> Diagnostic {
    Diagnostic::error(EMPTY, message)
        .with_primary(span, "a proposal was expected here")
        .with_help("a proposal needs at least `proposal: <id>` and `parties: [<party>, <party>]`")
}

/// Sorts diagnostics by where they point, keeping the order they were
/// found in at any one place.
fn in_file_order(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| d.primary_span().map(|s| (s.start, s.end)));
}

/// Reports every proposal whose id was already used by an earlier one in
/// `proposals` (in the order given), labelling both.
pub fn check_unique_ids(proposals: &[Proposal]) -> Vec<Diagnostic> {
    let mut first_use: HashMap<&str, Span> = HashMap::new();
    let mut diagnostics = Vec::new();
    for proposal in proposals {
        let id = &proposal.id;
        match first_use.get(id.value.as_str()) {
            Some(&first) => diagnostics.push(duplicate_id(&id.value, id.span, first)),
            None => {
                first_use.insert(&id.value, id.span);
            }
        }
    }
    diagnostics
}

/// The problem of a proposal id used again at `span`, first used at `first`.
pub fn duplicate_id(id: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(DUPLICATE_ID, format!("duplicate proposal id `{id}`"))
        .with_primary(span, "used again here")
        .with_label(first, "first used here")
        .with_help("every proposal in a run needs its own id")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, text: &str) -> Result<Vec<Proposal>, Vec<&'static str>> {
        let mut sources = Sources::new();
        let file = sources.add(name, text);
        load_proposals(&sources, file, &Limits::default())
            .map_err(|diagnostics| diagnostics.iter().map(|d| d.code).collect())
    }

    #[test]
    fn every_document_of_a_stream_is_a_proposal() {
        let text = "proposal: a\nparties: [us, eu]\n---\nproposal: b\nparties: [us, eu]\n";
        let ids: Vec<_> = load("p.yaml", text)
            .unwrap()
            .into_iter()
            .map(|p| p.id.value)
            .collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn empty_files_and_documents_are_errors() {
        assert_eq!(load("p.yaml", ""), Err(vec![EMPTY]));
        assert_eq!(load("p.yaml", "# nothing\n"), Err(vec![EMPTY]));
        assert_eq!(load("p.yaml", "---\n"), Err(vec![EMPTY]));
        assert_eq!(
            load("p.yaml", "proposal: a\nparties: [us, eu]\n---\n"),
            Err(vec![EMPTY])
        );
    }

    #[test]
    fn problems_in_several_documents_are_all_reported_in_file_order() {
        let text = "proposal: A\nparties: [us, eu]\n---\nproposal: b\nparties: [us]\n";
        assert_eq!(
            load("p.yaml", text),
            Err(vec![
                "redlines::proposal::bad_value",
                "redlines::proposal::bad_value"
            ])
        );
    }

    #[test]
    fn json_is_read_too() {
        let text = r#"{"proposal": "j", "parties": ["us", "eu"], "tariffs": {"autos": {"before": "25%", "after": "15%"}}}"#;
        let proposals = load("p.json", text).unwrap();
        assert_eq!(proposals[0].tariffs[0].sector.value, "autos");
    }

    #[test]
    fn duplicate_ids_label_both_uses() {
        let text = "proposal: a\nparties: [us, eu]\n---\nproposal: a\nparties: [us, eu]\n";
        let mut sources = Sources::new();
        let file = sources.add("p.yaml", text);
        let proposals = load_proposals(&sources, file, &Limits::default()).unwrap();
        let diagnostics = check_unique_ids(&proposals);
        assert_eq!(diagnostics.len(), 1);
        let starts: Vec<_> = diagnostics[0]
            .labels
            .iter()
            .map(|l| (l.primary, l.span.start))
            .collect();
        assert_eq!(starts, [(true, 44), (false, 10)]);
    }
}
