//! `<id>.annotations.jsonld`: each quote of a brief as a W3C Web
//! Annotation (<https://www.w3.org/TR/annotation-model/>), gathered in one
//! `AnnotationCollection`, so annotation tools can show every claim on the
//! passage of the pinned source that backs it.
//!
//! Each annotation's target is the source (its record's `url` when it has
//! one, else `urn:sha256:` and the file's digest) narrowed by selectors: a
//! `TextQuoteSelector` (the passage and up to 32 characters either side, as
//! Hypothesis keeps them), a `TextPositionSelector` (characters of the text
//! `clerk text` prints) and, for a PDF, a `FragmentSelector` naming the page
//! (RFC 3778). Its body is the claim. Terms outside the annotation
//! vocabulary are schema.org's, under the `schema:` prefix that the
//! annotation context defines.

use serde::Serialize;
use uuid::Uuid;

use super::brief::{Brief, Claim, Format, Quote, Reference};

/// The JSON-LD context of the Web Annotation vocabulary.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// What a `FragmentSelector` for a PDF conforms to: RFC 3778's fragment
/// identifiers (`page=N`).
pub const PDF_FRAGMENTS: &str = "http://tools.ietf.org/rfc/rfc3778";

/// The namespace of the name-based (version 5) UUIDs that identify
/// collections and annotations: a UUID is derived from the dossier id (a
/// collection), the dossier id and `#page-1` (its page; `#` is in no id),
/// or the dossier id, claim id and quote number
/// (`nc-azerbaijan/darmanin-reality/1`), so it stays the same from build to
/// build.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x3dda236c_02a6_41ff_b6be_cbc63aa23a3e);

/// A brief's annotation collection, with its one page embedded.
#[derive(Serialize)]
pub struct Collection {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Page>,
}

#[derive(Serialize)]
struct Page {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: Vec<Annotation>,
}

#[derive(Serialize)]
struct Annotation {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    body: Body,
    target: Target,
}

/// The claim a quote backs.
#[derive(Serialize)]
struct Body {
    #[serde(rename = "type")]
    kind: &'static str,
    /// The claim's statement.
    value: String,
    format: &'static str,
    language: String,
    /// The claim's id.
    #[serde(rename = "schema:identifier")]
    identifier: String,
    /// The claim's number in the brief (`P1`).
    #[serde(rename = "schema:position")]
    position: String,
    /// Its kind: `allegation`, `denial` or `official-position`.
    #[serde(rename = "schema:genre")]
    genre: &'static str,
    /// Who makes the claim.
    #[serde(rename = "schema:author")]
    author: String,
    #[serde(rename = "schema:dateCreated", skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    /// The dossier.
    #[serde(rename = "schema:isPartOf")]
    dossier: DossierRef,
}

#[derive(Serialize)]
struct DossierRef {
    #[serde(rename = "schema:identifier")]
    identifier: String,
    #[serde(rename = "schema:name")]
    name: String,
}

#[derive(Serialize)]
struct Target {
    source: Source,
    selector: Vec<Selector>,
}

#[derive(Serialize)]
struct Source {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
}

/// The W3C selectors clerk writes, named as the vocabulary names them.
#[derive(Serialize)]
#[serde(tag = "type")]
#[allow(clippy::enum_variant_names)]
enum Selector {
    TextQuoteSelector {
        exact: String,
        prefix: String,
        suffix: String,
    },
    TextPositionSelector {
        start: usize,
        end: usize,
    },
    FragmentSelector {
        #[serde(rename = "conformsTo")]
        conforms_to: &'static str,
        value: String,
    },
}

/// The annotation collection of `brief`.
pub fn collection(brief: &Brief) -> Collection {
    let dossier = &brief.dossier.id;
    let mut items = Vec::new();
    for claim in &brief.claims {
        for (n, quote) in claim.quotes.iter().enumerate() {
            let Some(reference) = brief.references.iter().find(|r| r.id == quote.source) else {
                continue;
            };
            let name = format!("{dossier}/{}/{}", claim.id, n + 1);
            items.push(annotation(brief, claim, quote, reference, &name));
        }
    }
    Collection {
        context: CONTEXT,
        id: urn(dossier),
        kind: "AnnotationCollection",
        label: brief.dossier.title.clone(),
        total: items.len(),
        first: (!items.is_empty()).then(|| Page {
            id: urn(&format!("{dossier}#page-1")),
            kind: "AnnotationPage",
            start_index: 0,
            items,
        }),
    }
}

fn annotation(
    brief: &Brief,
    claim: &Claim,
    quote: &Quote,
    reference: &Reference,
    name: &str,
) -> Annotation {
    let passage = &quote.passage;
    let mut selector = vec![
        Selector::TextQuoteSelector {
            exact: passage.exact.clone(),
            prefix: passage.prefix.clone(),
            suffix: passage.suffix.clone(),
        },
        Selector::TextPositionSelector {
            start: passage.start,
            end: passage.end,
        },
    ];
    if let (Format::Pdf, Some(page)) = (reference.format, quote.locator.page) {
        selector.push(Selector::FragmentSelector {
            conforms_to: PDF_FRAGMENTS,
            value: format!("page={page}"),
        });
    }
    Annotation {
        id: urn(name),
        kind: "Annotation",
        motivation: "describing",
        body: Body {
            kind: "TextualBody",
            value: claim.statement.clone(),
            format: "text/plain",
            language: brief.dossier.language.clone(),
            identifier: claim.id.clone(),
            position: claim.number.clone(),
            genre: claim.kind.name(),
            author: claim.by.clone(),
            date: claim.date.clone(),
            dossier: DossierRef {
                identifier: brief.dossier.id.clone(),
                name: brief.dossier.title.clone(),
            },
        },
        target: Target {
            source: Source {
                id: source_iri(reference),
                kind: "Text",
                format: media_type(reference),
                language: reference.language.clone(),
            },
            selector,
        },
    }
}

/// `urn:uuid:` and the version 5 UUID of `name` in [`NAMESPACE`].
fn urn(name: &str) -> String {
    Uuid::new_v5(&NAMESPACE, name.as_bytes()).urn().to_string()
}

/// The IRI of a source: its record's `url` when that is an absolute URL,
/// else `urn:sha256:` and the pinned digest of its file.
pub fn source_iri(reference: &Reference) -> String {
    reference
        .url
        .as_deref()
        .and_then(|url| url::Url::parse(url).ok())
        .map(String::from)
        .unwrap_or_else(|| format!("urn:sha256:{}", reference.sha256))
}

/// The media type of a source file.
fn media_type(reference: &Reference) -> &'static str {
    match reference.format {
        Format::Pdf => "application/pdf",
        Format::Html => "text/html",
        Format::Markdown => "text/markdown",
        Format::Text => "text/plain",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_5_uuids_of_their_names() {
        let id = urn("nc-azerbaijan/darmanin-reality/1");
        assert!(id.starts_with("urn:uuid:"), "{id}");
        let uuid = Uuid::parse_str(&id["urn:uuid:".len()..]).unwrap();
        assert_eq!(uuid.get_version_num(), 5);
        assert_eq!(id, urn("nc-azerbaijan/darmanin-reality/1"));
        assert_ne!(id, urn("nc-azerbaijan/darmanin-reality/2"));
    }
}
