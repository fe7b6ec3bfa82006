//! The brief as data: sections, claims with numbered citations, references.
//!
//! [`Brief`] is the whole template context: every field a template can use
//! is here, serialised as is (docs/templates.md lists them). Text fields are
//! plain text; the renderer escapes them for Typst.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::{Checked, QuoteMatch, primary_subtag};
use crate::locale::Locales;
use crate::sources::SourceIndex;
use crate::spec::{Claim, ClaimKind, Dossier, LocaleWords};

pub mod timeline;

pub use timeline::Timeline;

/// The template context for one brief.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// The dossier id (its file stem).
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The brief's date, ISO (`2025-04-01`).
    pub date: String,
    /// The brief's date written out in the brief's language.
    pub date_long: String,
    pub authors: Vec<String>,
    /// Handling marking printed on every page, if any.
    pub marking: Option<String>,
    /// BCP 47 language of the brief.
    pub language: String,
    /// The language's primary subtag (`fr` for `fr-CA`), as typst's `lang`.
    pub lang: String,
    /// Executive summary, one entry per paragraph.
    pub summary: Vec<String>,
    /// Allegations, denials and official positions, in that order.
    pub sections: Vec<Section>,
    /// The debate at a glance: the claims on a timeline, laid out in
    /// points for the template to draw.
    pub timeline: Timeline,
    /// Who answered what: one row per allegation, in order.
    pub response_table: Vec<ResponseRow>,
    /// Sources in order of first citation, numbered from 1.
    pub references: Vec<Reference>,
    /// Words of the template's fixed text in the brief's language.
    pub labels: Labels,
    /// Keywords for the PDF metadata.
    pub keywords: Vec<String>,
    /// The clerk version that built the brief.
    pub clerk_version: String,
    pub claim_count: usize,
}

/// One of the three sections.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// `allegation`, `denial` or `official-position`.
    pub kind: String,
    /// The section heading (`Allegations`, …).
    pub title: String,
    /// A label usable as a link target: `section-allegations`.
    pub anchor: String,
    /// The sentence printed when the section has no claims.
    pub empty_text: String,
    pub claims: Vec<ClaimView>,
}

/// A claim as the brief prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    pub id: String,
    /// Short reference within the brief: `A1`, `D2`, `P3`.
    pub number: String,
    /// Link target of the claim: `claim-<id>`.
    pub anchor: String,
    pub kind: String,
    pub by: String,
    pub date: Option<String>,
    pub date_long: Option<String>,
    pub statement: String,
    pub note: Option<String>,
    pub quotes: Vec<QuoteView>,
    /// Claims this one answers.
    pub responds_to: Vec<ClaimLink>,
    /// Claims that answer this one.
    pub responses: Vec<ClaimLink>,
}

/// A link to another claim of the brief.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimLink {
    pub id: String,
    pub number: String,
    pub anchor: String,
    pub by: String,
    pub kind: String,
    /// The claim's date written out, when it has one.
    pub date_long: Option<String>,
}

/// A row of "who answered what": an allegation and the denials and
/// official positions that respond to it.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseRow {
    pub allegation: ClaimLink,
    pub responses: Vec<ClaimLink>,
}

/// A quote with its citation.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteView {
    /// The quote as written in the dossier, white space folded.
    pub text: String,
    /// Language of the source (BCP 47), if its record gives one.
    pub language: Option<String>,
    /// Its primary subtag, as typst's `lang`.
    pub lang: Option<String>,
    pub source: String,
    /// Reference number of the source.
    pub number: usize,
    /// Link target of the reference entry: `ref-<number>`.
    pub reference_anchor: String,
    pub line: usize,
    pub paragraph: usize,
    /// The page of a PDF source in which the quote starts (1-based).
    pub page: Option<usize>,
    /// The page on which it ends, when that is a later page.
    pub end_page: Option<usize>,
    /// The source's own number of the paragraph ("78", "9.1"), where the
    /// source numbers its paragraphs.
    pub paragraph_number: Option<String>,
    /// The mark of the footnote or endnote the quote is in.
    pub note: Option<String>,
    /// The citation as printed: `[1, ¶4]`, or `[1, p. 14]` for a PDF.
    pub citation: String,
    /// The quote in the brief's language, if the dossier gives one (never
    /// checked against the source).
    pub translation: Option<String>,
    /// Who translated it (the evidence's `translated-by`, else the
    /// dossier's).
    pub translated_by: Option<String>,
}

/// An entry of the references list.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub number: usize,
    /// Link target of the entry: `ref-<number>`.
    pub anchor: String,
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub author: Option<String>,
    pub published: Option<String>,
    pub accessed: Option<String>,
    /// `press`, `parliamentary`, …
    pub kind: String,
    /// The kind in words (`press`, `NGO`, `social media`).
    pub kind_label: String,
    pub language: Option<String>,
    pub url: Option<String>,
    /// A copy in a public web archive (`archived-url`).
    pub archived_url: Option<String>,
    /// The pinned SHA-256, 64 hex digits.
    pub sha256: String,
    /// The first 16 hex digits of the pin.
    pub fingerprint: String,
    /// The source file, relative to `sources/`.
    pub file: String,
    /// Whether any quote cites it.
    pub cited: bool,
    /// The message (or other source) this one came with, by its record's
    /// `part-of`: an attachment's e-mail.
    pub part_of: Option<PartOf>,
    /// The entry as the dossier's citation style writes it
    /// (`citation-style`), once the `cite` stage has formatted it.
    pub formatted: Formatted,
}

/// A reference formatted by a citation style: its text, and its runs of
/// text with the style's formatting, which the `csl` template helper
/// writes as Typst markup or HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Formatted {
    /// The plain text.
    pub text: String,
    pub parts: Vec<Part>,
}

/// A run of text of a formatted reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Part {
    pub text: String,
    pub italic: bool,
    pub bold: bool,
    pub small_caps: bool,
    pub superscript: bool,
    pub subscript: bool,
    /// The address the run links to (a URL or DOI).
    pub link: Option<String>,
}

/// The source a reference came with, as its entry names it.
#[derive(Debug, Clone, Serialize)]
pub struct PartOf {
    /// Its reference number in this brief, and the entry's link target.
    pub number: usize,
    pub anchor: String,
    pub id: String,
    pub title: String,
    /// Its author: for an e-mail, the sender.
    pub author: Option<String>,
    pub published: Option<String>,
}

/// Fixed words of the built-in template, in English or French.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    pub summary: String,
    pub references: String,
    pub sources: String,
    pub sources_intro: String,
    pub page: String,
    pub of: String,
    pub responds_to: String,
    pub responses: String,
    pub note: String,
    pub by: String,
    pub prepared_by: String,
    pub accessed: String,
    /// Before a reference's copy in a web archive: "archived at".
    pub archived_at: String,
    pub fingerprint: String,
    pub built_with: String,
    /// Headings of the integrity table.
    pub source: String,
    pub sha256: String,
    /// Marks a translated quote: `Translation`, and `translated by`.
    pub translation: String,
    pub translated_by: String,
    /// Heading of the timeline, and of the claims without a date.
    pub timeline: String,
    pub undated: String,
    /// Before the message an attachment came with: `Attached to`.
    pub attached_to: String,
    /// Who answered what: the table's caption, its first column's
    /// heading, and what a row without responses says.
    pub response_table: String,
    pub allegation: String,
    pub no_response: String,
}

/// Why a dossier gives no brief: it was built before it checked cleanly
/// (a caller's mistake, reported with the missing piece).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unbuildable(pub String);

impl std::fmt::Display for Unbuildable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unbuildable {}

/// Builds the context of a dossier that checked without errors.
pub fn brief(
    checked: &Checked,
    sources: &SourceIndex,
    locales: &Locales,
) -> Result<Brief, Unbuildable> {
    let dossier = checked
        .dossier
        .as_ref()
        .ok_or_else(|| Unbuildable("the dossier did not parse".into()))?;
    let words = locales.words(dossier.language());
    let paragraph_word = locales.optional_word(dossier.language(), |w| &w.paragraph_number);
    let mut numbering = Numbering {
        claims: claim_numbers(dossier),
        references: BTreeMap::new(),
    };
    let mut sections = Vec::new();
    for kind in ClaimKind::ALL {
        let mut claims = Vec::new();
        for (index, claim) in dossier.claims.iter().enumerate() {
            if *claim.kind.get_ref() == kind {
                let matches = checked.matches.get(index).map_or(&[][..], Vec::as_slice);
                claims.push(claim_view(
                    dossier,
                    claim,
                    matches,
                    sources,
                    &mut numbering,
                    words,
                    &paragraph_word,
                )?);
            }
        }
        let (title, empty_text) = section_words(kind, words);
        sections.push(Section {
            kind: kind.name().to_string(),
            title: title.to_string(),
            anchor: format!("section-{}", kind.name()),
            empty_text: empty_text.to_string(),
            claims,
        });
    }
    // Pinned sources no quote cites still belong in the hash list.
    for id in dossier.sources.keys() {
        let next = numbering.references.len() + 1;
        numbering
            .references
            .entry(id.get_ref().clone())
            .or_insert(next);
    }
    let references = references(dossier, &numbering.references, &sections, sources, words)?;
    Ok(Brief {
        id: checked.input.id.clone(),
        title: fold_space(dossier.title.get_ref()),
        subtitle: dossier.subtitle.as_ref().map(|s| fold_space(s.get_ref())),
        date: dossier.date.get_ref().to_string(),
        date_long: words.long_date(*dossier.date.get_ref()),
        authors: dossier
            .authors
            .iter()
            .map(|a| fold_space(a.get_ref()))
            .collect(),
        marking: dossier.marking.as_ref().map(|m| fold_space(m.get_ref())),
        language: dossier.language().to_string(),
        lang: primary_subtag(dossier.language()),
        summary: paragraphs(dossier.summary.get_ref()),
        keywords: keywords(dossier),
        claim_count: dossier.claims.len(),
        timeline: timeline::layout(&sections),
        response_table: response_table(&sections),
        sections,
        references,
        labels: labels(words, locales, dossier.language()),
        clerk_version: crate::VERSION.to_string(),
    })
}

/// The numbers of a brief: each claim's (`A1`, `D2`, `P3`), and each
/// source's reference number, given in order of first citation.
struct Numbering {
    claims: BTreeMap<String, String>,
    references: BTreeMap<String, usize>,
}

impl Numbering {
    fn claim(&self, id: &str) -> String {
        self.claims.get(id).cloned().unwrap_or_default()
    }

    /// The reference number of `source`, giving it the next if it has none.
    fn reference(&mut self, source: &str) -> usize {
        let next = self.references.len() + 1;
        *self.references.entry(source.to_string()).or_insert(next)
    }
}

/// Claim numbers: a letter for the kind, then the claim's rank among those
/// of its kind.
fn claim_numbers(dossier: &Dossier) -> BTreeMap<String, String> {
    let mut numbers = BTreeMap::new();
    for kind in ClaimKind::ALL {
        let letter = match kind {
            ClaimKind::Allegation => 'A',
            ClaimKind::Denial => 'D',
            ClaimKind::OfficialPosition => 'P',
        };
        let of_kind = dossier.claims.iter().filter(|c| *c.kind.get_ref() == kind);
        for (n, claim) in of_kind.enumerate() {
            numbers.insert(claim.id.get_ref().clone(), format!("{letter}{}", n + 1));
        }
    }
    numbers
}

/// One claim as the brief prints it, its quotes numbered as they come.
fn claim_view(
    dossier: &Dossier,
    claim: &Claim,
    matches: &[Option<QuoteMatch>],
    sources: &SourceIndex,
    numbering: &mut Numbering,
    words: &LocaleWords,
    paragraph_word: &str,
) -> Result<ClaimView, Unbuildable> {
    let claim_id = claim.id.get_ref();
    let mut quotes = Vec::new();
    for (e, evidence) in claim.evidence.get_ref().iter().enumerate() {
        let found = matches.get(e).and_then(Option::as_ref).ok_or_else(|| {
            Unbuildable(format!(
                "quote {} of claim `{claim_id}` was not found in its source",
                e + 1
            ))
        })?;
        let source_id = evidence.source.get_ref().clone();
        let source = sources
            .sources
            .get(&source_id)
            .ok_or_else(|| Unbuildable(format!("source `{source_id}` has no record")))?;
        let language = source.language().map(str::to_string);
        let (cite_by, label) = source.citing();
        let number = numbering.reference(&source_id);
        quotes.push(QuoteView {
            text: fold_space(evidence.quote.get_ref()),
            lang: language.as_deref().map(primary_subtag),
            language,
            source: source_id,
            number,
            reference_anchor: format!("ref-{number}"),
            line: found.locator.line,
            paragraph: found.locator.paragraph,
            page: found.locator.page,
            end_page: found.locator.end_page,
            paragraph_number: found.locator.number.clone(),
            note: found.locator.note.clone(),
            citation: format!(
                "[{number}, {}]",
                found
                    .locator
                    .cited(cite_by, label.unwrap_or(paragraph_word))
            ),
            translation: evidence
                .translation
                .as_ref()
                .map(|t| fold_space(t.get_ref())),
            translated_by: evidence
                .translation
                .as_ref()
                .and(
                    evidence
                        .translated_by
                        .as_ref()
                        .or(dossier.translated_by.as_ref()),
                )
                .map(|t| fold_space(t.get_ref())),
        });
    }
    let link = |c: &Claim| ClaimLink {
        id: c.id.get_ref().clone(),
        number: numbering.claim(c.id.get_ref()),
        anchor: anchor(c.id.get_ref()),
        by: fold_space(c.by.get_ref()),
        kind: c.kind.get_ref().name().to_string(),
        date_long: c.date.as_ref().map(|d| words.long_date(*d.get_ref())),
    };
    let responds_to = claim
        .responds_to
        .iter()
        .filter_map(|t| {
            dossier
                .claims
                .iter()
                .find(|c| c.id.get_ref() == t.get_ref())
                .map(link)
        })
        .collect();
    let responses = dossier
        .claims
        .iter()
        .filter(|c| c.responds_to.iter().any(|t| t.get_ref() == claim_id))
        .map(link)
        .collect();
    Ok(ClaimView {
        id: claim_id.clone(),
        number: numbering.claim(claim_id),
        anchor: anchor(claim_id),
        kind: claim.kind.get_ref().name().to_string(),
        by: fold_space(claim.by.get_ref()),
        date: claim.date.as_ref().map(|d| d.get_ref().to_string()),
        date_long: claim.date.as_ref().map(|d| words.long_date(*d.get_ref())),
        statement: fold_space(claim.statement.get_ref()),
        note: claim.note.as_ref().map(|n| fold_space(n.get_ref())),
        quotes,
        responds_to,
        responses,
    })
}

/// Who answered what, from the allegations' responses.
fn response_table(sections: &[Section]) -> Vec<ResponseRow> {
    sections
        .iter()
        .filter(|s| s.kind == ClaimKind::Allegation.name())
        .flat_map(|s| &s.claims)
        .map(|claim| ResponseRow {
            allegation: ClaimLink {
                id: claim.id.clone(),
                number: claim.number.clone(),
                anchor: claim.anchor.clone(),
                by: claim.by.clone(),
                kind: claim.kind.clone(),
                date_long: claim.date_long.clone(),
            },
            responses: claim.responses.clone(),
        })
        .collect()
}

/// The references list, in reference-number order.
fn references(
    dossier: &Dossier,
    numbers: &BTreeMap<String, usize>,
    sections: &[Section],
    sources: &SourceIndex,
    words: &LocaleWords,
) -> Result<Vec<Reference>, Unbuildable> {
    let mut references: Vec<Reference> = Vec::new();
    for (id, number) in numbers {
        let missing = |what: &str| Unbuildable(format!("source `{id}` has no {what}"));
        let source = sources.sources.get(id).ok_or_else(|| missing("record"))?;
        let record = source
            .record
            .as_ref()
            .ok_or_else(|| missing("valid record"))?;
        let pin = dossier
            .sources
            .iter()
            .find(|(k, _)| k.get_ref() == id)
            .and_then(|(_, v)| crate::spec::parse_pin(v.get_ref()))
            .ok_or_else(|| missing("valid pin"))?
            .to_string();
        let file = source
            .content
            .as_ref()
            .ok_or_else(|| missing("readable file"))?
            .relative
            .clone();
        references.push(Reference {
            number: *number,
            anchor: format!("ref-{number}"),
            id: id.clone(),
            title: fold_space(record.title.get_ref()),
            publisher: fold_space(record.publisher.get_ref()),
            author: record.author.as_ref().map(|a| fold_space(a.get_ref())),
            published: record
                .published
                .as_ref()
                .map(|d| words.long_date(*d.get_ref())),
            accessed: record
                .accessed
                .as_ref()
                .map(|d| words.long_date(*d.get_ref())),
            kind: kind_name(*record.kind.get_ref()),
            kind_label: record.kind.get_ref().label().to_string(),
            language: record.language.as_ref().map(|l| l.get_ref().clone()),
            url: record.url.as_ref().map(|u| u.get_ref().trim().to_string()),
            archived_url: record
                .archived_url
                .as_ref()
                .map(|u| u.get_ref().trim().to_string()),
            fingerprint: pin[..16].to_string(),
            sha256: pin,
            file,
            cited: sections
                .iter()
                .flat_map(|s| &s.claims)
                .flat_map(|c| &c.quotes)
                .any(|q| &q.source == id),
            part_of: part_of(id, numbers, sources, words),
            formatted: Formatted::default(),
        });
    }
    references.sort_by_key(|r| r.number);
    Ok(references)
}

/// The message `id` came with, when the brief lists it too (`check`
/// requires its pin).
fn part_of(
    id: &str,
    numbers: &BTreeMap<String, usize>,
    sources: &SourceIndex,
    words: &LocaleWords,
) -> Option<PartOf> {
    let parent = sources.parent_of(id)?;
    let record = parent.record.as_ref()?;
    let number = *numbers.get(&parent.id)?;
    Some(PartOf {
        number,
        anchor: format!("ref-{number}"),
        id: parent.id.clone(),
        title: fold_space(record.title.get_ref()),
        author: record.author.as_ref().map(|a| fold_space(a.get_ref())),
        published: record
            .published
            .as_ref()
            .map(|d| words.long_date(*d.get_ref())),
    })
}

fn kind_name(kind: crate::spec::SourceKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn anchor(claim_id: &str) -> String {
    format!("claim-{claim_id}")
}

fn keywords(dossier: &Dossier) -> Vec<String> {
    let mut words = vec!["clerk".to_string(), "brief".to_string()];
    for kind in ClaimKind::ALL {
        if dossier.claims.iter().any(|c| *c.kind.get_ref() == kind) {
            words.push(kind.name().to_string());
        }
    }
    words
}

/// Folds every run of white space into one space and trims the ends.
pub fn fold_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits text into paragraphs at blank lines.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                out.push(fold_space(&current));
            }
            current.clear();
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        out.push(fold_space(&current));
    }
    out
}

fn section_words(kind: ClaimKind, words: &LocaleWords) -> (&str, &str) {
    match kind {
        ClaimKind::Allegation => (&words.allegations, &words.no_allegations),
        ClaimKind::Denial => (&words.denials, &words.no_denials),
        ClaimKind::OfficialPosition => (&words.official_positions, &words.no_official_positions),
    }
}

fn labels(words: &LocaleWords, locales: &Locales, language: &str) -> Labels {
    Labels {
        summary: words.summary.clone(),
        references: words.references.clone(),
        sources: words.sources.clone(),
        sources_intro: words.sources_intro.clone(),
        page: words.page.clone(),
        of: words.of.clone(),
        responds_to: words.responds_to.clone(),
        responses: words.responses.clone(),
        note: words.note.clone(),
        by: words.by.clone(),
        prepared_by: words.prepared_by.clone(),
        accessed: words.accessed.clone(),
        archived_at: locales.optional_word(language, |w| &w.archived_at),
        fingerprint: words.fingerprint.clone(),
        built_with: words.built_with.clone(),
        source: words.source.clone(),
        sha256: words.sha256.clone(),
        translation: words.translation.clone(),
        translated_by: words.translated_by.clone(),
        timeline: locales.optional_word(language, |w| &w.timeline),
        undated: locales.optional_word(language, |w| &w.undated),
        attached_to: locales.optional_word(language, |w| &w.attached_to),
        response_table: locales.optional_word(language, |w| &w.response_table),
        allegation: locales.optional_word(language, |w| &w.allegation),
        no_response: locales.optional_word(language, |w| &w.no_response),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(
            paragraphs("\nOne\nline.\n\n  \nTwo.\n"),
            vec!["One line.".to_string(), "Two.".to_string()]
        );
    }
}
