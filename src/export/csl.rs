//! `<id>.csl.json`: a brief's references as CSL-JSON items (the input
//! format of citation processors: Zotero imports it, pandoc and citeproc
//! read it), one per source, in reference-number order.

use serde::Serialize;

use super::brief::{Brief, Reference, SourceKind};

/// One CSL-JSON item. CSL's schema allows no other keys: what CSL has no
/// field for goes in `custom`.
#[derive(Serialize)]
pub struct Item {
    /// The source id, so a citation key in pandoc is the source id.
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    /// The newspaper, for press sources.
    #[serde(rename = "container-title", skip_serializing_if = "Option::is_none")]
    container_title: Option<String>,
    publisher: String,
    /// The issuing body, for parliamentary sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Name>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accessed: Option<Date>,
    #[serde(rename = "URL", skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// A copy in a public web archive: CSL's "location in archive" (Zotero's
    /// "Loc. in Archive").
    #[serde(skip_serializing_if = "Option::is_none")]
    archive_location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    custom: Custom,
}

/// A name as written: the record's `author` is free text, not split into
/// family and given names.
#[derive(Serialize)]
struct Name {
    literal: String,
}

#[derive(Serialize)]
struct Date {
    #[serde(rename = "date-parts")]
    parts: Vec<Vec<u32>>,
}

/// What CSL has no field for: the pinned file.
#[derive(Serialize)]
struct Custom {
    /// The SHA-256 the dossier pins, 64 hex digits.
    sha256: String,
    /// The source file, relative to `sources/`.
    file: String,
}

/// The CSL item type of a source: the closest CSL has to each kind.
pub fn csl_type(reference: &Reference) -> &'static str {
    // An e-mail is correspondence whoever sent it; a Word or OpenDocument
    // file of no other kind is a paper circulated as it is.
    match reference.format {
        super::brief::Format::Eml => return "personal_communication",
        super::brief::Format::Docx | super::brief::Format::Odt
            if reference.kind == SourceKind::Other =>
        {
            return "report";
        }
        _ => {}
    }
    match reference.kind {
        SourceKind::Press => "article-newspaper",
        SourceKind::Parliamentary => "legislation",
        SourceKind::Government | SourceKind::Ngo => "report",
        SourceKind::Social | SourceKind::Forum => "post",
        SourceKind::Court => "legal_case",
        // A study circulated as a Word file is a report, not yet an article.
        SourceKind::Academic
            if matches!(
                reference.format,
                super::brief::Format::Docx | super::brief::Format::Odt
            ) =>
        {
            "report"
        }
        SourceKind::Academic => "article-journal",
        SourceKind::Other if reference.url.is_some() => "webpage",
        SourceKind::Other => "document",
    }
}

/// The references of `brief` as CSL-JSON items.
pub fn items(brief: &Brief) -> Vec<Item> {
    brief.references.iter().map(item).collect()
}

fn item(reference: &Reference) -> Item {
    let kind = csl_type(reference);
    Item {
        id: reference.id.clone(),
        kind,
        title: reference.title.clone(),
        container_title: (kind == "article-newspaper").then(|| reference.publisher.clone()),
        publisher: reference.publisher.clone(),
        authority: (kind == "legislation").then(|| reference.publisher.clone()),
        author: reference
            .author
            .iter()
            .map(|a| Name { literal: a.clone() })
            .collect(),
        issued: reference.published.as_deref().and_then(date),
        accessed: reference.accessed.as_deref().and_then(date),
        url: reference.url.clone(),
        archive_location: reference.archived_url.clone(),
        language: reference.language.clone(),
        custom: Custom {
            sha256: reference.sha256.clone(),
            file: reference.file.clone(),
        },
    }
}

/// CSL's date parts of an ISO date (`2024-05-17`).
fn date(iso: &str) -> Option<Date> {
    let parts: Vec<u32> = iso
        .split('-')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    (parts.len() == 3).then_some(Date { parts: vec![parts] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_become_date_parts() {
        assert_eq!(date("2024-05-17").unwrap().parts, vec![vec![2024, 5, 17]]);
        assert!(date("17 May 2024").is_none());
    }
}
