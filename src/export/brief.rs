//! `<id>.json`: the brief as typeset, as data (format `clerk_brief` 1),
//! and the types its JSON Schema is generated from.
//!
//! The other exports are made from this one, so the three always agree.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::Checked;
use crate::model::{self, Unbuildable};
use crate::sources::{SourceFormat, SourceIndex};
// The format's own kinds, serialised as the dossier and record write them.
pub use crate::spec::{ClaimKind, SourceKind};

/// The version of this format. Keys may be added within a version; any
/// other change makes a new one.
pub const FORMAT_VERSION: u32 = 1;

/// A clerk brief as data, as `clerk build --emit json` writes it beside the
/// PDF: the dossier, its claims with their quotes located in their sources,
/// and the references.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "clerk brief")]
pub struct Brief {
    /// The version of this format: 1.
    #[schemars(extend("const" = 1))]
    pub clerk_brief: u32,
    /// The clerk version that built the brief.
    pub clerk_version: String,
    pub dossier: Dossier,
    /// The claims as the brief prints them: allegations, then denials, then
    /// official positions, each in dossier order.
    pub claims: Vec<Claim>,
    /// The sources in reference-number order: as first cited, then the
    /// pinned sources no quote cites.
    pub references: Vec<Reference>,
}

/// The dossier the brief was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Dossier {
    /// The dossier id (its file stem).
    pub id: String,
    /// The dossier file, relative to the project root.
    pub file: String,
    /// The SHA-256 of the dossier file, 64 hex digits.
    #[schemars(extend("pattern" = "^[0-9a-f]{64}$"))]
    pub sha256: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The brief's date.
    #[schemars(extend("format" = "date"))]
    pub date: String,
    pub authors: Vec<String>,
    /// The handling marking printed on every page.
    pub marking: Option<String>,
    /// The brief's language (BCP 47).
    pub language: String,
    /// The summary, one entry per paragraph.
    pub summary: Vec<String>,
}

/// A claim, as the brief prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Claim {
    pub id: String,
    /// Its number in the brief: `A1`, `D2`, `P3` (a letter for the kind,
    /// then its rank among the claims of that kind).
    pub number: String,
    pub kind: ClaimKind,
    /// Who makes the claim.
    pub by: String,
    /// When the claim was made.
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
    pub statement: String,
    pub note: Option<String>,
    /// The claims this one answers.
    pub responds_to: Vec<ClaimLink>,
    /// The claims that answer this one.
    pub responses: Vec<ClaimLink>,
    /// The quotes that back the claim, in dossier order.
    pub quotes: Vec<Quote>,
}

/// Another claim of the brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClaimLink {
    pub id: String,
    pub number: String,
}

/// A quote and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Quote {
    /// The quote as the dossier writes it, white space folded.
    pub text: String,
    /// The source's id.
    pub source: String,
    /// The source's reference number in the brief.
    #[schemars(range(min = 1))]
    pub reference: usize,
    /// The citation as printed: `[2, ¶14]`, or `[7, p. 2]` for a PDF source.
    pub citation: String,
    pub locator: Locator,
    /// The passage in the source's printed text.
    pub passage: Passage,
    /// The passage's byte range in the source file, for a text source;
    /// `null` for an HTML page or a PDF, whose text is extracted.
    pub file_bytes: Option<ByteRange>,
    /// The quote in the brief's language, as the dossier gives it (never
    /// checked against the source); `null` when it gives none.
    #[serde(default)]
    pub translation: Option<String>,
    /// Who translated it; `null` without a translation.
    #[serde(default)]
    pub translated_by: Option<String>,
}

/// Where a quote starts in its source, counted in the text `clerk text`
/// prints for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Locator {
    /// The line, from 1.
    #[schemars(range(min = 1))]
    pub line: usize,
    /// The paragraph (block of non-blank lines), from 1.
    #[schemars(range(min = 1))]
    pub paragraph: usize,
    /// The page of a PDF source, from 1; `null` for other sources.
    #[schemars(range(min = 1))]
    pub page: Option<usize>,
    /// The page the passage ends on, when it runs onto a later page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub end_page: Option<usize>,
    /// The source's own number of the paragraph (`78`, `9.1`), where the
    /// source numbers its paragraphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph_number: Option<String>,
    /// The mark of the footnote or endnote the passage is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A quote's passage in the text `clerk text SOURCE-ID` prints (without
/// `--normalised`): each line of the source's text without its line break
/// and trailing white space, joined by line feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Passage {
    /// The passage as printed.
    pub exact: String,
    /// Up to 32 characters of the printed text before the passage.
    pub prefix: String,
    /// Up to 32 characters of the printed text after the passage.
    pub suffix: String,
    /// Where the passage starts, in characters (Unicode code points) from
    /// the start of the printed text.
    pub start: usize,
    /// Where it ends (exclusive), in characters.
    pub end: usize,
}

/// A range of bytes, the end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ByteRange {
    pub start: usize,
    pub end: usize,
}

/// How clerk reads a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// UTF-8 text (`.txt`).
    Text,
    /// Markdown (`.md`, `.markdown`): the text a reader sees once rendered.
    Markdown,
    /// A web page (`.html`, `.htm`): the text a reader sees.
    Html,
    /// A PDF: its text layer, page by page.
    Pdf,
    /// A Word document (`.docx`): its text in reading order, notes last.
    Docx,
    /// An OpenDocument text (`.odt`): its text in reading order, notes last.
    Odt,
    /// An e-mail (`.eml`): its header block, then its body.
    Eml,
}

/// An entry of the references: a source and its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Reference {
    /// The reference number, from 1.
    #[schemars(range(min = 1))]
    pub number: usize,
    /// The source's id.
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub author: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub published: Option<String>,
    #[schemars(extend("format" = "date"))]
    pub accessed: Option<String>,
    pub kind: SourceKind,
    /// The source's language (BCP 47).
    pub language: Option<String>,
    pub url: Option<String>,
    /// A copy of the page in a public web archive (the record's
    /// `archived-url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_url: Option<String>,
    /// The source file, relative to `sources/`.
    pub file: String,
    pub format: Format,
    /// The SHA-256 the dossier pins, which the file had when the brief was
    /// built: 64 hex digits.
    #[schemars(extend("pattern" = "^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// Whether a quote cites the source.
    pub cited: bool,
    /// The id of the source this one came with (its record's `part-of`):
    /// for an attachment, its e-mail, which the references list too.
    pub part_of: Option<String>,
}

/// The brief of a checked, buildable dossier as data, from its template
/// context `brief`.
pub fn of(
    checked: &Checked,
    sources: &SourceIndex,
    brief: &model::Brief,
) -> Result<Brief, Unbuildable> {
    let dossier = checked
        .dossier
        .as_ref()
        .ok_or_else(|| Unbuildable("the dossier did not parse".into()))?;
    let mut claims = Vec::new();
    for view in brief.sections.iter().flat_map(|s| &s.claims) {
        let index = dossier
            .claims
            .iter()
            .position(|c| *c.id.get_ref() == view.id)
            .ok_or_else(|| Unbuildable(format!("claim `{}` is not in the dossier", view.id)))?;
        let matches = checked.matches.get(index).map_or(&[][..], Vec::as_slice);
        claims.push(claim(view, matches)?);
    }
    let references = brief
        .references
        .iter()
        .map(|r| reference(r, sources))
        .collect::<Result<_, _>>()?;
    Ok(Brief {
        clerk_brief: FORMAT_VERSION,
        clerk_version: brief.clerk_version.clone(),
        dossier: Dossier {
            id: brief.id.clone(),
            file: checked.input.file.display.clone(),
            sha256: checked.input.sha256.clone(),
            title: brief.title.clone(),
            subtitle: brief.subtitle.clone(),
            date: brief.date.clone(),
            authors: brief.authors.clone(),
            marking: brief.marking.clone(),
            language: brief.language.clone(),
            summary: brief.summary.clone(),
        },
        claims,
        references,
    })
}

/// A claim and its quotes, whose matches are `matches` (one per quote).
fn claim(
    view: &model::ClaimView,
    matches: &[Option<crate::check::QuoteMatch>],
) -> Result<Claim, Unbuildable> {
    let mut quotes = Vec::with_capacity(view.quotes.len());
    for (n, quote) in view.quotes.iter().enumerate() {
        let found = matches.get(n).and_then(Option::as_ref).ok_or_else(|| {
            Unbuildable(format!(
                "quote {} of claim `{}` was not found in its source",
                n + 1,
                view.id
            ))
        })?;
        let passage = &found.passage;
        quotes.push(Quote {
            text: quote.text.clone(),
            source: quote.source.clone(),
            reference: quote.number,
            citation: quote.citation.clone(),
            locator: Locator {
                line: quote.line,
                paragraph: quote.paragraph,
                page: quote.page,
                end_page: quote.end_page,
                paragraph_number: quote.paragraph_number.clone(),
                note: quote.note.clone(),
            },
            passage: Passage {
                exact: passage.exact.clone(),
                prefix: passage.prefix.clone(),
                suffix: passage.suffix.clone(),
                start: passage.chars.start,
                end: passage.chars.end,
            },
            file_bytes: passage.file_bytes.as_ref().map(|r| ByteRange {
                start: r.start,
                end: r.end,
            }),
            translation: quote.translation.clone(),
            translated_by: quote.translated_by.clone(),
        });
    }
    let link = |l: &model::ClaimLink| ClaimLink {
        id: l.id.clone(),
        number: l.number.clone(),
    };
    Ok(Claim {
        id: view.id.clone(),
        number: view.number.clone(),
        kind: claim_kind(&view.kind)?,
        by: view.by.clone(),
        date: view.date.clone(),
        statement: view.statement.clone(),
        note: view.note.clone(),
        responds_to: view.responds_to.iter().map(link).collect(),
        responses: view.responses.iter().map(link).collect(),
        quotes,
    })
}

fn claim_kind(name: &str) -> Result<ClaimKind, Unbuildable> {
    ClaimKind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| Unbuildable(format!("unknown claim kind `{name}`")))
}

/// A reference with its record's fields as the record gives them (dates
/// ISO, where the brief prints them in words).
fn reference(entry: &model::Reference, sources: &SourceIndex) -> Result<Reference, Unbuildable> {
    let missing = |what: &str| Unbuildable(format!("source `{}` has no {what}", entry.id));
    let source = sources
        .sources
        .get(&entry.id)
        .ok_or_else(|| missing("record"))?;
    let record = source
        .record
        .as_ref()
        .ok_or_else(|| missing("valid record"))?;
    let format = source
        .content
        .as_ref()
        .and_then(|c| c.format)
        .ok_or_else(|| missing("readable file"))?;
    Ok(Reference {
        number: entry.number,
        id: entry.id.clone(),
        title: entry.title.clone(),
        publisher: entry.publisher.clone(),
        author: entry.author.clone(),
        published: record.published.as_ref().map(|d| d.get_ref().to_string()),
        accessed: record.accessed.as_ref().map(|d| d.get_ref().to_string()),
        kind: *record.kind.get_ref(),
        language: entry.language.clone(),
        url: entry.url.clone(),
        archived_url: entry.archived_url.clone(),
        file: entry.file.clone(),
        format: match format {
            SourceFormat::Text => Format::Text,
            SourceFormat::Markdown => Format::Markdown,
            SourceFormat::Html => Format::Html,
            SourceFormat::Pdf => Format::Pdf,
            SourceFormat::Docx => Format::Docx,
            SourceFormat::Odt => Format::Odt,
            SourceFormat::Eml => Format::Eml,
        },
        sha256: entry.sha256.clone(),
        cited: entry.cited,
        part_of: entry.part_of.as_ref().map(|p| p.id.clone()),
    })
}
