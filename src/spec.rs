//! The dossier and source-record types of FORMAT.md, parsed from TOML with
//! the spans every diagnostic needs.
//!
//! Parsing here is about shape and values (`syntax`, `bad-id`); rules that
//! relate files to each other live in `check`.
//!
//! The same types describe the files for editors: they derive
//! [`schemars::JsonSchema`], each key's doc comment being its description in
//! docs/format.md, and the `schema` module turns them into JSON Schemas. A
//! `Spanned<T>` is described as `T` (the span is clerk's, not the file's).

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;

use crate::diag::{Diagnostic, Rule, TextFile};

/// A TOML local date (`2024-05-17`), the only date form FORMAT.md allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for LocalDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::value::Datetime::deserialize(deserializer)?;
        let date = match (value.date, value.time, value.offset) {
            (Some(date), None, None) => date,
            _ => {
                return Err(D::Error::custom(format!(
                    "expected a local date such as `2025-04-01`, found `{value}`"
                )));
            }
        };
        chrono::NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            .map(LocalDate)
            .ok_or_else(|| D::Error::custom(format!("`{value}` is not a calendar date")))
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// In a JSON Schema, a TOML date is a string of format `date`: editors that
/// validate TOML against JSON Schemas (Taplo, and the editors built on it)
/// present a TOML date to the schema as its text, `2024-05-17`.
impl JsonSchema for LocalDate {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
        })
    }
}

/// A TOML offset date-time in UTC, `2025-04-01T09:30:00Z`: when a page
/// was captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime(pub chrono::DateTime<chrono::Utc>);

impl<'de> Deserialize<'de> for UtcTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::value::Datetime::deserialize(deserializer)?;
        let utc = matches!(value.offset, Some(toml::value::Offset::Z))
            || matches!(
                value.offset,
                Some(toml::value::Offset::Custom { minutes: 0 })
            );
        if value.date.is_none() || value.time.is_none() || !utc {
            return Err(D::Error::custom(format!(
                "expected a UTC date and time such as `2025-04-01T09:30:00Z`, found `{value}`"
            )));
        }
        chrono::DateTime::parse_from_rfc3339(&value.to_string())
            .map(|t| UtcTime(t.with_timezone(&chrono::Utc)))
            .map_err(|_| D::Error::custom(format!("`{value}` is not a calendar date and time")))
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%SZ"))
    }
}

/// In a JSON Schema, a TOML date-time is a string of format `date-time`
/// (as editors present it to the schema).
impl JsonSchema for UtcTime {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UtcTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
        })
    }
}

impl Serialize for UtcTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The id pattern, `[a-z0-9][a-z0-9-]*` (see [`is_valid_id`]), as a JSON
/// Schema `pattern`.
pub const ID_PATTERN: &str = "^[a-z0-9][a-z0-9-]*$";

/// The pin pattern (see [`parse_pin`]), as a JSON Schema `pattern`.
pub const PIN_PATTERN: &str = "^sha256:[0-9a-f]{64}$";

/// The shape of a language tag (see [`is_language_tag`]), as a JSON Schema
/// `pattern`.
pub const LANGUAGE_PATTERN: &str = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$";

/// Some character other than white space: the keys that may not be empty.
pub const NOT_BLANK_PATTERN: &str = "\\S";

impl Serialize for LocalDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The values of a record's `kind`, as written (one per [`SourceKind`]).
pub const SOURCE_KINDS: [&str; 9] = [
    "parliamentary",
    "government",
    "press",
    "ngo",
    "social",
    "forum",
    "court",
    "academic",
    "other",
];

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Parliamentary,
    Government,
    Press,
    Ngo,
    Social,
    Forum,
    // Judgments and decisions of courts and of bodies that rule as courts
    // do (a constitutional council, a tribunal). Plain comments: a doc
    // comment would give the schema a `oneOf` per kind.
    Court,
    // Papers and studies: journal articles, working papers, theses.
    Academic,
    Other,
}

impl SourceKind {
    /// Forum and social posts are weak evidence on their own.
    pub fn is_weak(self) -> bool {
        matches!(self, SourceKind::Forum | SourceKind::Social)
    }

    /// Every kind, in the order of FORMAT.md.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::Parliamentary,
        SourceKind::Government,
        SourceKind::Press,
        SourceKind::Ngo,
        SourceKind::Social,
        SourceKind::Forum,
        SourceKind::Court,
        SourceKind::Academic,
        SourceKind::Other,
    ];

    /// The kind as records write it: `parliamentary`, `ngo`, …
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Parliamentary => "parliamentary",
            SourceKind::Government => "government",
            SourceKind::Press => "press",
            SourceKind::Ngo => "ngo",
            SourceKind::Social => "social",
            SourceKind::Forum => "forum",
            SourceKind::Court => "court",
            SourceKind::Academic => "academic",
            SourceKind::Other => "other",
        }
    }

    /// The names of every kind, for messages: `parliamentary, government, …`.
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Parliamentary => "parliamentary",
            SourceKind::Government => "government",
            SourceKind::Press => "press",
            SourceKind::Ngo => "NGO",
            SourceKind::Social => "social media",
            SourceKind::Forum => "forum",
            SourceKind::Court => "court",
            SourceKind::Academic => "academic",
            SourceKind::Other => "other",
        }
    }
}

impl std::str::FromStr for SourceKind {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == name.trim())
            .ok_or_else(|| format!("unknown kind `{name}`, expected one of {}", Self::names()))
    }
}

/// A source record: `sources/**/<source-id>.toml`.
///
/// The doc comment of each key is its description in docs/format.md (a test
/// holds them equal).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "clerk source record",
    description = "A source record, `sources/<source-id>.toml`: it describes one source file and gives the source its id (docs/format.md, Source records)."
)]
pub struct Record {
    /// The source file, as a path relative to this record. It must stay inside `sources/`.
    #[schemars(with = "String", pattern(NOT_BLANK_PATTERN))]
    pub file: Spanned<String>,
    /// The title of the document.
    #[schemars(with = "String", pattern(NOT_BLANK_PATTERN))]
    pub title: Spanned<String>,
    /// Who published it: a newspaper, a parliament, a ministry, a website.
    #[schemars(with = "String", pattern(NOT_BLANK_PATTERN))]
    pub publisher: Spanned<String>,
    /// One of `parliamentary`, `government`, `press`, `ngo`, `social`, `forum`, `court`, `academic`, `other`.
    #[schemars(with = "SourceKind")]
    pub kind: Spanned<SourceKind>,
    /// The author, when the document names one.
    #[schemars(with = "Option<String>")]
    pub author: Option<Spanned<String>>,
    /// When the document was published.
    #[schemars(with = "Option<LocalDate>")]
    pub published: Option<Spanned<LocalDate>>,
    /// When you retrieved it.
    #[schemars(with = "Option<LocalDate>")]
    pub accessed: Option<Spanned<LocalDate>>,
    /// The language of the document, as a BCP 47 tag: `en`, `fr`, `fr-CA`. Quotes from this source are typeset in this language.
    #[schemars(with = "Option<String>", pattern(LANGUAGE_PATTERN))]
    pub language: Option<Spanned<String>>,
    /// Where the document can be found. For a captured page, the address asked for.
    #[schemars(with = "Option<String>")]
    pub url: Option<Spanned<String>>,
    /// For a captured page, the address it was found at after redirects, when it differs from `url`.
    #[serde(rename = "final-url")]
    #[schemars(with = "Option<String>")]
    pub final_url: Option<Spanned<String>>,
    /// For a captured page, when it was captured: a UTC date and time, `2025-04-01T09:30:00Z`.
    #[schemars(with = "Option<UtcTime>")]
    pub captured: Option<Spanned<UtcTime>>,
    /// For a captured page, the capture (`.warc`, `.warc.gz` or `.wacz`), as a path relative to this record: the file must be exactly its response's payload.
    #[schemars(with = "Option<String>")]
    pub capture: Option<Spanned<String>>,
    /// A copy in a public web archive (Perma.cc, the Wayback Machine), printed after the address as "archived at …".
    #[serde(rename = "archived-url")]
    #[schemars(with = "Option<String>")]
    pub archived_url: Option<Spanned<String>>,
    /// The character encoding the server declared for an HTML or text file that does not declare its own (`Content-Type` header): `windows-1252`.
    #[schemars(with = "Option<String>")]
    pub charset: Option<Spanned<String>>,
    /// How quotes from this source are cited: `page` (`p. 14`), `paragraph` (`¶4`, counted as `clerk text` counts them) or `paragraph-number` (the document's own numbers: `para. 78`). By default pages for a PDF and paragraphs otherwise.
    #[serde(rename = "cite-by", default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "CiteBy")]
    pub cite_by: Option<Spanned<CiteBy>>,
    /// The word printed before a paragraph number when the source is cited by `paragraph-number`: `cons.` for a French decision's considérants, `Rn.` for a German judgment's Randnummern. By default the brief's language's word (`para.` in English).
    #[serde(rename = "paragraph-label")]
    #[schemars(with = "Option<String>")]
    pub paragraph_label: Option<Spanned<String>>,
    /// For an e-mail, its `Message-ID`, as `clerk add` reads it: `<id@host>`.
    #[serde(rename = "message-id")]
    #[schemars(with = "Option<String>")]
    pub message_id: Option<Spanned<String>>,
    /// The source this document came with: for an attachment, the id of the e-mail it was attached to.
    #[serde(rename = "part-of")]
    #[schemars(with = "Option<String>", pattern(ID_PATTERN))]
    pub part_of: Option<Spanned<String>>,
}

/// The values of a record's `cite-by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CiteBy {
    Page,
    Paragraph,
    ParagraphNumber,
}

impl CiteBy {
    /// How the quote module cites a passage.
    pub fn citing(self) -> crate::quote::CiteBy {
        match self {
            CiteBy::Page => crate::quote::CiteBy::Page,
            CiteBy::Paragraph => crate::quote::CiteBy::Paragraph,
            CiteBy::ParagraphNumber => crate::quote::CiteBy::ParagraphNumber,
        }
    }
}

/// What a claim is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    Allegation,
    Denial,
    OfficialPosition,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 3] = [
        ClaimKind::Allegation,
        ClaimKind::Denial,
        ClaimKind::OfficialPosition,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ClaimKind::Allegation => "allegation",
            ClaimKind::Denial => "denial",
            ClaimKind::OfficialPosition => "official-position",
        }
    }
}

/// A dossier: `dossiers/<dossier-id>.toml`.
///
/// The doc comment of each key is its description in docs/format.md (a test
/// holds them equal).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "clerk dossier",
    description = "A dossier is one brief, `dossiers/<dossier-id>.toml`: the brief's title and summary, the pins of the sources it relies on, and claims, each backed by quotes (docs/format.md, Dossiers)."
)]
pub struct Dossier {
    /// The brief's title.
    #[schemars(with = "String", pattern(NOT_BLANK_PATTERN))]
    pub title: Spanned<String>,
    /// Printed under the title.
    #[schemars(with = "Option<String>")]
    pub subtitle: Option<Spanned<String>>,
    /// The brief's date. It is also the creation date written into the PDF.
    #[schemars(with = "LocalDate")]
    pub date: Spanned<LocalDate>,
    /// Printed in the title block ("Prepared by …").
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub authors: Vec<Spanned<String>>,
    /// A handling marking, such as `OFFICIAL`, printed on every page.
    #[schemars(with = "Option<String>")]
    pub marking: Option<Spanned<String>>,
    /// The brief's own language; default `en`. The brief's fixed words (headings, "Page x of y", "Translation") and its dates are in this language: clerk has them for `en`, `fr`, `de`, `es`, `it` and `nl` (a regional tag such as `fr-CA` uses `fr`), and a project adds or changes a language with `templates/locales/<tag>.toml` (see templates.md). Any other language gets English words and a `missing-locale` warning.
    #[schemars(with = "Option<String>", pattern(LANGUAGE_PATTERN))]
    pub language: Option<Spanned<String>>,
    /// The template to render with; default `brief`. See templates.md.
    #[schemars(with = "Option<String>", pattern(ID_PATTERN))]
    pub template: Option<Spanned<String>>,
    /// Who translated the dossier's quotes, for every `translation` that does not name its own translator.
    #[serde(rename = "translated-by")]
    #[schemars(with = "Option<String>")]
    pub translated_by: Option<Spanned<String>>,
    /// The citation style of the references: a CSL style bundled with clerk (`chicago-author-date`, the default; `apa`, `ieee`, `modern-language-association`, `harvard-cite-them-right`, …) or a `.csl` file under `templates/`.
    #[serde(rename = "citation-style")]
    #[schemars(with = "Option<String>")]
    pub citation_style: Option<Spanned<String>>,
    /// The executive summary. A blank line separates paragraphs.
    #[schemars(with = "String", pattern(NOT_BLANK_PATTERN))]
    pub summary: Spanned<String>,
    /// The pins: one `source-id = "sha256:…"` line for every source the dossier cites. See Pins.
    #[schemars(schema_with = "pins_schema")]
    pub sources: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The claims, described below. A dossier with no claim of some kind draws an `empty-section` warning.
    #[serde(default)]
    #[schemars(length(max = MAX_CLAIMS))]
    pub claims: Vec<Claim>,
}

/// The citation style of a dossier that names none.
pub const DEFAULT_CITATION_STYLE: &str = "chicago-author-date";

/// `[sources]`: source ids to pins.
fn pins_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "patternProperties": {
            ID_PATTERN: { "type": "string", "pattern": PIN_PATTERN },
        },
        "additionalProperties": false,
    })
}

impl Dossier {
    /// The brief's language, `en` unless set.
    pub fn language(&self) -> &str {
        self.language.as_ref().map_or("en", |l| l.get_ref())
    }

    /// The template name, `brief` unless set.
    pub fn template(&self) -> &str {
        self.template.as_ref().map_or("brief", |t| t.get_ref())
    }

    /// The citation style's name, [`DEFAULT_CITATION_STYLE`] unless set.
    pub fn citation_style(&self) -> &str {
        self.citation_style
            .as_ref()
            .map_or(DEFAULT_CITATION_STYLE, |s| s.get_ref())
    }
}

/// One claim of a dossier.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Unique within the dossier. Other claims refer to it in `responds-to`.
    #[schemars(with = "String", pattern(ID_PATTERN))]
    pub id: Spanned<String>,
    /// `allegation`, `denial` or `official-position`. It decides the section the claim appears in.
    #[schemars(with = "ClaimKind")]
    pub kind: Spanned<ClaimKind>,
    /// Who makes the claim.
    #[schemars(with = "String", pattern(NOT_BLANK_PATTERN))]
    pub by: Spanned<String>,
    /// When the claim was made.
    #[schemars(with = "Option<LocalDate>")]
    pub date: Option<Spanned<LocalDate>>,
    /// The claim in the brief's own words.
    #[schemars(with = "String", pattern(NOT_BLANK_PATTERN))]
    pub statement: Spanned<String>,
    /// Claims of this dossier that this claim answers. The brief links both ways.
    #[serde(rename = "responds-to", default)]
    #[schemars(with = "Vec<String>", inner(pattern(ID_PATTERN)))]
    pub responds_to: Vec<Spanned<String>>,
    /// An analyst's note, printed in smaller type.
    #[schemars(with = "Option<String>")]
    pub note: Option<Spanned<String>>,
    /// At least one quote, described below.
    #[schemars(with = "Vec<Evidence>", length(min = 1))]
    pub evidence: Spanned<Vec<Evidence>>,
}

/// A quote backing a claim.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The source quoted. It must have a record and be pinned in `[sources]`.
    #[schemars(with = "String", pattern(ID_PATTERN))]
    pub source: Spanned<String>,
    /// A verbatim passage of the source, matched as described in Quote matching. It may not be empty.
    #[schemars(with = "String", pattern(NOT_BLANK_PATTERN), length(max = MAX_QUOTE_CHARS))]
    pub quote: Spanned<String>,
    /// The quote in the brief's language. It is never matched against the source: the `quote` is what is checked.
    #[schemars(with = "Option<String>")]
    pub translation: Option<Spanned<String>>,
    /// Who translated it; default the dossier's `translated-by`.
    #[serde(rename = "translated-by")]
    #[schemars(with = "Option<String>")]
    pub translated_by: Option<Spanned<String>>,
}

/// The fixed words of a brief in one language: a locale file, built in
/// (`src/builtin/locales/`) or a project's `templates/locales/<tag>.toml`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LocaleWords {
    pub summary: String,
    pub allegations: String,
    pub denials: String,
    pub official_positions: String,
    pub no_allegations: String,
    pub no_denials: String,
    pub no_official_positions: String,
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
    pub fingerprint: String,
    pub built_with: String,
    pub source: String,
    pub sha256: String,
    pub translation: String,
    pub translated_by: String,
    /// Heading of the timeline ("The debate at a glance"); optional in a
    /// project's file, which then takes the built-in word of its language
    /// (or English).
    #[serde(default)]
    pub timeline: Option<String>,
    /// Heading of the claims without a date beside the timeline; optional
    /// as `timeline` is.
    #[serde(default)]
    pub undated: Option<String>,
    /// The word before a paragraph number in a citation (`para. 78`), for
    /// sources cited by `paragraph-number`; optional as `timeline` is.
    #[serde(default)]
    pub paragraph_number: Option<String>,
    /// Before the message an attachment came with, in its reference
    /// (`Attached to [3]`); optional as `timeline` is.
    #[serde(default)]
    pub attached_to: Option<String>,
    /// Who answered what: the caption of the response table, the heading
    /// of its allegations column, and what a row without responses says;
    /// optional as `timeline` is.
    #[serde(default)]
    pub response_table: Option<String>,
    #[serde(default)]
    pub allegation: Option<String>,
    #[serde(default)]
    pub no_response: Option<String>,
    /// Before a reference's copy in a web archive ("archived at");
    /// optional as `timeline` is.
    #[serde(default)]
    pub archived_at: Option<String>,
    /// January to December.
    pub months: Vec<String>,
    /// The long date: `{day}`, `{month}` and `{year}`.
    pub date: String,
    /// What `{day}` is on the first of a month (`1er` in French).
    pub first_day: String,
}

/// Whether `id` matches `[a-z0-9][a-z0-9-]*`.
pub fn is_valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
}

/// The digest of a well-formed pin (`sha256:` and 64 lowercase hex digits).
pub fn parse_pin(pin: &str) -> Option<&str> {
    let hex = pin.strip_prefix("sha256:")?;
    (hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(hex)
}

/// Whether `tag` has the shape of a BCP 47 language tag (`en`, `fr-CA`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    // ISO 639 codes: what typst's `lang` (and any reader) understands.
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The keys a file of type `T` may hold, for reporting every shape
/// problem in one run (serde stops at the first).
pub trait Shaped {
    const FIELDS: &'static [Field];
}

impl Shaped for Dossier {
    const FIELDS: &'static [Field] = DOSSIER;
}

impl Shaped for Record {
    const FIELDS: &'static [Field] = RECORD;
}

impl Shaped for LocaleWords {
    const FIELDS: &'static [Field] = LOCALE;
}

/// Parses a file's text as `T`. On failure, every TOML syntax error,
/// unknown key, missing key and wrong value is a `syntax` diagnostic with
/// its line and column.
pub fn parse<T: for<'de> Deserialize<'de> + Shaped>(file: &TextFile) -> Result<T, Vec<Diagnostic>> {
    toml::from_str(&file.text).map_err(|error| {
        let all = shape_problems(file, T::FIELDS);
        if !all.is_empty() {
            return all;
        }
        let site = match error.span() {
            Some(span) => file.site(span),
            None => file.whole(),
        };
        vec![
            Diagnostic::new(Rule::Syntax, first_line(error.message()))
                .at(site)
                .help(syntax_help(error.message())),
        ]
    })
}

/// One key of a dossier or record table.
#[derive(Debug)]
pub struct Field {
    name: &'static str,
    value: Expect,
    required: bool,
}

#[derive(Debug)]
enum Expect {
    Text,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// A TOML local date.
    Date,
    /// A TOML offset date-time in UTC.
    UtcTime,
    TextList,
    /// A table of strings (`[sources]`).
    TextTable,
    /// An array of tables with these keys.
    Tables(&'static [Field]),
}

const fn field(name: &'static str, value: Expect, required: bool) -> Field {
    Field {
        name,
        value,
        required,
    }
}

const RECORD: &[Field] = &[
    field("file", Expect::Text, true),
    field("title", Expect::Text, true),
    field("publisher", Expect::Text, true),
    field("kind", Expect::OneOf(&SOURCE_KINDS), true),
    field("author", Expect::Text, false),
    field("published", Expect::Date, false),
    field("accessed", Expect::Date, false),
    field("language", Expect::Text, false),
    field("url", Expect::Text, false),
    field("final-url", Expect::Text, false),
    field("captured", Expect::UtcTime, false),
    field("capture", Expect::Text, false),
    field("archived-url", Expect::Text, false),
    field("charset", Expect::Text, false),
    field(
        "cite-by",
        Expect::OneOf(&["page", "paragraph", "paragraph-number"]),
        false,
    ),
    field("paragraph-label", Expect::Text, false),
    field("message-id", Expect::Text, false),
    field("part-of", Expect::Text, false),
];

const EVIDENCE: &[Field] = &[
    field("source", Expect::Text, true),
    field("quote", Expect::Text, true),
    field("translation", Expect::Text, false),
    field("translated-by", Expect::Text, false),
];

const LOCALE: &[Field] = &[
    field("summary", Expect::Text, true),
    field("allegations", Expect::Text, true),
    field("denials", Expect::Text, true),
    field("official_positions", Expect::Text, true),
    field("no_allegations", Expect::Text, true),
    field("no_denials", Expect::Text, true),
    field("no_official_positions", Expect::Text, true),
    field("references", Expect::Text, true),
    field("sources", Expect::Text, true),
    field("sources_intro", Expect::Text, true),
    field("page", Expect::Text, true),
    field("of", Expect::Text, true),
    field("responds_to", Expect::Text, true),
    field("responses", Expect::Text, true),
    field("note", Expect::Text, true),
    field("by", Expect::Text, true),
    field("prepared_by", Expect::Text, true),
    field("accessed", Expect::Text, true),
    field("fingerprint", Expect::Text, true),
    field("built_with", Expect::Text, true),
    field("source", Expect::Text, true),
    field("sha256", Expect::Text, true),
    field("translation", Expect::Text, true),
    field("translated_by", Expect::Text, true),
    field("timeline", Expect::Text, false),
    field("undated", Expect::Text, false),
    field("paragraph_number", Expect::Text, false),
    field("attached_to", Expect::Text, false),
    field("response_table", Expect::Text, false),
    field("allegation", Expect::Text, false),
    field("no_response", Expect::Text, false),
    field("archived_at", Expect::Text, false),
    field("months", Expect::TextList, true),
    field("date", Expect::Text, true),
    field("first_day", Expect::Text, true),
];

const CLAIM: &[Field] = &[
    field("id", Expect::Text, true),
    field(
        "kind",
        Expect::OneOf(&["allegation", "denial", "official-position"]),
        true,
    ),
    field("by", Expect::Text, true),
    field("date", Expect::Date, false),
    field("statement", Expect::Text, true),
    field("responds-to", Expect::TextList, false),
    field("note", Expect::Text, false),
    field("evidence", Expect::Tables(EVIDENCE), true),
];

const DOSSIER: &[Field] = &[
    field("title", Expect::Text, true),
    field("subtitle", Expect::Text, false),
    field("date", Expect::Date, true),
    field("authors", Expect::TextList, false),
    field("marking", Expect::Text, false),
    field("language", Expect::Text, false),
    field("template", Expect::Text, false),
    field("translated-by", Expect::Text, false),
    field("citation-style", Expect::Text, false),
    field("summary", Expect::Text, true),
    field("sources", Expect::TextTable, true),
    field("claims", Expect::Tables(CLAIM), false),
];

/// Most shape problems reported for one file: past this, a file is not a
/// dossier with typos but something else, and listing every line of it
/// would only bury the first problems (and cost time on a huge file).
const MAX_SHAPE_PROBLEMS: usize = 50;

/// Every TOML syntax error, or (for valid TOML) every unknown key, missing
/// key and value of the wrong type, against `fields`.
fn shape_problems(file: &TextFile, fields: &[Field]) -> Vec<Diagnostic> {
    let (document, errors) = toml::de::DeTable::parse_recoverable(&file.text);
    if !errors.is_empty() {
        let mut found: Vec<Diagnostic> = errors
            .iter()
            .take(MAX_SHAPE_PROBLEMS)
            .map(|error| {
                let site = error.span().map_or_else(|| file.whole(), |s| file.site(s));
                Diagnostic::new(Rule::Syntax, first_line(error.message()))
                    .at(site)
                    .help("see docs/format.md for the expected form")
            })
            .collect();
        if errors.len() > MAX_SHAPE_PROBLEMS
            && let Some(last) = found.last_mut()
        {
            last.notes.push(format!(
                "{} more syntax errors in this file are not shown",
                errors.len() - MAX_SHAPE_PROBLEMS
            ));
        }
        return found;
    }
    let mut found = Vec::new();
    let span = document.span();
    check_table(
        file,
        document.get_ref(),
        span.start..span.start,
        fields,
        None,
        &mut found,
    );
    found
}

fn check_table(
    file: &TextFile,
    table: &toml::de::DeTable<'_>,
    at: std::ops::Range<usize>,
    fields: &[Field],
    claim: Option<&str>,
    found: &mut Vec<Diagnostic>,
) {
    let problem = |span: std::ops::Range<usize>, message: String, help: String| {
        let d = Diagnostic::new(Rule::Syntax, message)
            .at(file.site(span))
            .help(help);
        match claim {
            Some(id) => d.claim(id),
            None => d,
        }
    };
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    for (key, value) in table.iter() {
        if found.len() >= MAX_SHAPE_PROBLEMS {
            return;
        }
        let name: &str = key.get_ref();
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            found.push(problem(
                key.span(),
                format!("unknown field `{name}`, expected one of {}", list(&names)),
                syntax_help("unknown field"),
            ));
            continue;
        };
        check_value(file, field, value, found, &problem);
    }
    for field in fields.iter().filter(|f| f.required) {
        if !table
            .iter()
            .any(|(key, _)| AsRef::<str>::as_ref(key.get_ref()) == field.name)
        {
            found.push(problem(
                at.clone(),
                format!("missing field `{}`", field.name),
                syntax_help("missing field"),
            ));
        }
    }
}

fn check_value(
    file: &TextFile,
    field: &Field,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    found: &mut Vec<Diagnostic>,
    problem: &impl Fn(std::ops::Range<usize>, String, String) -> Diagnostic,
) {
    use toml::de::DeValue;
    let wrong = |expected: &str| {
        problem(
            value.span(),
            format!("invalid type for `{}`: expected {expected}", field.name),
            "see docs/format.md for the expected form".to_string(),
        )
    };
    match (&field.value, value.get_ref()) {
        (Expect::Text, DeValue::String(_)) => {}
        (Expect::OneOf(allowed), DeValue::String(text)) => {
            if !allowed.contains(&text.as_ref()) {
                found.push(problem(
                    value.span(),
                    format!(
                        "unknown {} `{text}`, expected one of {}",
                        field.name,
                        list(allowed)
                    ),
                    "see docs/format.md for the expected form".to_string(),
                ));
            }
        }
        (Expect::Date, DeValue::Datetime(date))
            if date.date.is_some() && date.time.is_none() && date.offset.is_none() => {}
        (Expect::Date, _) => found.push(wrong("a TOML local date such as 2025-04-01")),
        (Expect::UtcTime, DeValue::Datetime(time))
            if time.date.is_some()
                && time.time.is_some()
                && matches!(
                    time.offset,
                    Some(toml::value::Offset::Z | toml::value::Offset::Custom { minutes: 0 })
                ) => {}
        (Expect::UtcTime, _) => {
            found.push(wrong("a UTC date and time such as 2025-04-01T09:30:00Z"))
        }
        (Expect::TextList, DeValue::Array(items)) => {
            if items
                .iter()
                .any(|i| !matches!(i.get_ref(), DeValue::String(_)))
            {
                found.push(wrong("a list of strings"));
            }
        }
        (Expect::TextTable, DeValue::Table(table)) => {
            if table
                .iter()
                .any(|(_, v)| !matches!(v.get_ref(), DeValue::String(_)))
            {
                found.push(wrong("a table of strings"));
            }
        }
        (Expect::Tables(fields), DeValue::Array(items)) => {
            for item in items.iter() {
                if found.len() >= MAX_SHAPE_PROBLEMS {
                    return;
                }
                match item.get_ref() {
                    DeValue::Table(table) => {
                        let id = table.iter().find_map(|(k, v)| match v.get_ref() {
                            DeValue::String(id) if AsRef::<str>::as_ref(k.get_ref()) == "id" => {
                                Some(id.to_string())
                            }
                            _ => None,
                        });
                        let span = item.span();
                        check_table(
                            file,
                            table,
                            span.start..span.start,
                            fields,
                            id.as_deref(),
                            found,
                        );
                    }
                    _ => found.push(wrong("an array of tables")),
                }
            }
        }
        (Expect::Text, _) | (Expect::OneOf(_), _) => found.push(wrong("a string")),
        (Expect::TextList, _) => found.push(wrong("a list of strings")),
        (Expect::TextTable, _) => found.push(wrong("a table of strings")),
        (Expect::Tables(_), _) => found.push(wrong("an array of tables")),
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_string()
}

fn syntax_help(message: &str) -> String {
    if message.contains("unknown field") {
        "check the spelling against docs/format.md; unknown keys are refused so typos are caught"
            .to_string()
    } else if message.contains("missing field") {
        "add the required key (docs/format.md lists them)".to_string()
    } else {
        "see docs/format.md for the expected form".to_string()
    }
}

/// Checks the values of a record that serde cannot: the language tag,
/// the character encoding.
pub fn validate_record(record: &Record, file: &TextFile) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(language) = &record.language {
        check_language(language, file, &mut found);
    }
    check_non_empty(&record.file, "file", file, &mut found);
    check_non_empty(&record.title, "title", file, &mut found);
    check_non_empty(&record.publisher, "publisher", file, &mut found);
    if let Some(charset) = &record.charset
        && encoding_rs::Encoding::for_label(charset.get_ref().trim().as_bytes()).is_none()
    {
        found.push(
            Diagnostic::new(
                Rule::Syntax,
                format!("`{}` is not a character encoding", charset.get_ref()),
            )
            .at(file.site(charset.span()))
            .help("name an encoding as HTTP does: `utf-8`, `windows-1252`, `iso-8859-15`, `shift_jis`"),
        );
    }
    found
}

/// Longest quote, in characters: a brief quotes passages, not documents,
/// and the near-miss search stays fast below it.
pub const MAX_QUOTE_CHARS: usize = 10_000;

/// The quote's length in characters, when it is over [`MAX_QUOTE_CHARS`].
pub fn quote_over_limit(quote: &str) -> Option<usize> {
    let length = quote.chars().count();
    (length > MAX_QUOTE_CHARS).then_some(length)
}

/// Most claims in one dossier.
pub const MAX_CLAIMS: usize = 10_000;

/// Largest dossier or record file, in bytes.
pub const MAX_SPEC_SIZE: u64 = 16 * 1024 * 1024;

/// Checks the values of a dossier that serde cannot: ids, pins, language,
/// the at-least-one-evidence rule and the limits.
pub fn validate_dossier(dossier: &Dossier, file: &TextFile) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(first_extra) = dossier.claims.get(MAX_CLAIMS) {
        found.push(
            Diagnostic::new(
                Rule::Syntax,
                format!(
                    "{} claims in one dossier, above the limit of {MAX_CLAIMS}",
                    dossier.claims.len()
                ),
            )
            .at(file.site(first_extra.id.span()))
            .label("the first claim over the limit")
            .help("split the dossier into several briefs"),
        );
    }
    if let Some(language) = &dossier.language {
        check_language(language, file, &mut found);
    }
    check_non_empty(&dossier.title, "title", file, &mut found);
    check_non_empty(&dossier.summary, "summary", file, &mut found);
    for (id, pin) in &dossier.sources {
        check_id(id, "source", file, &mut found);
        if parse_pin(pin.get_ref()).is_none() {
            found.push(
                Diagnostic::new(Rule::Syntax, format!("malformed pin for source `{}`", id.get_ref()))
                    .at(file.site(pin.span()))
                    .source(id.get_ref())
                    .label("expected `sha256:` and 64 lowercase hex digits")
                    .help("write the file's SHA-256 as `sha256sum` prints it, or run `clerk pin` to fill it in"),
            );
        }
    }
    for claim in &dossier.claims {
        let before = found.len();
        check_id(&claim.id, "claim", file, &mut found);
        for (value, key) in [(&claim.by, "by"), (&claim.statement, "statement")] {
            check_non_empty(value, key, file, &mut found);
        }
        for target in &claim.responds_to {
            check_id(target, "claim", file, &mut found);
        }
        if claim.evidence.get_ref().is_empty() {
            found.push(
                Diagnostic::new(
                    Rule::Syntax,
                    format!("claim `{}` has no evidence", claim.id.get_ref()),
                )
                .at(file.site(claim.evidence.span()))
                .claim(claim.id.get_ref())
                .help("add at least one `[[claims.evidence]]` with `source` and `quote`"),
            );
        }
        for evidence in claim.evidence.get_ref() {
            check_id(&evidence.source, "source", file, &mut found);
            if let Some(length) = quote_over_limit(evidence.quote.get_ref()) {
                found.push(
                    Diagnostic::new(
                        Rule::Syntax,
                        format!("quote of {length} characters is longer than the limit of {MAX_QUOTE_CHARS}"),
                    )
                    .at(file.site(evidence.quote.span()))
                    .claim(claim.id.get_ref())
                    .source(evidence.source.get_ref())
                    .help("quote the passage that supports the claim, eliding the rest with `[…]`"),
                );
                continue;
            }
            if crate::quote::pieces(
                crate::quote::Normalised::new(evidence.quote.get_ref()).as_str(),
            )
            .is_empty()
            {
                found.push(
                    Diagnostic::new(Rule::Syntax, "empty quote")
                        .at(file.site(evidence.quote.span()))
                        .claim(claim.id.get_ref())
                        .source(evidence.source.get_ref())
                        .help("quote the passage of the source that supports the claim"),
                );
            }
        }
        // Everything found inside a claim names it.
        for d in &mut found[before..] {
            d.claim.get_or_insert_with(|| claim.id.get_ref().clone());
        }
    }
    found
}

fn check_id(id: &Spanned<String>, what: &str, file: &TextFile, found: &mut Vec<Diagnostic>) {
    if !is_valid_id(id.get_ref()) {
        let d = Diagnostic::new(Rule::BadId, format!("invalid {what} id `{}`", id.get_ref()))
            .at(file.site(id.span()))
            .label("ids match `[a-z0-9][a-z0-9-]*`")
            .help(format!(
                "use lowercase letters, digits and hyphens, for example `{}`",
                suggest_id(id.get_ref())
            ));
        // A bad source id names the source; a bad claim id is named by the
        // claim the caller is checking.
        found.push(match what {
            "source" => d.source(id.get_ref()),
            _ => d,
        });
    }
}

fn check_language(tag: &Spanned<String>, file: &TextFile, found: &mut Vec<Diagnostic>) {
    if !is_language_tag(tag.get_ref()) {
        found.push(
            Diagnostic::new(
                Rule::Syntax,
                format!("`{}` is not a BCP 47 language tag", tag.get_ref()),
            )
            .at(file.site(tag.span()))
            .help("use a tag such as `en`, `fr` or `fr-CA`"),
        );
    }
}

fn check_non_empty(
    value: &Spanned<String>,
    key: &str,
    file: &TextFile,
    found: &mut Vec<Diagnostic>,
) {
    if value.get_ref().trim().is_empty() {
        found.push(
            Diagnostic::new(Rule::Syntax, format!("`{key}` is empty")).at(file.site(value.span())),
        );
    }
}

/// The candidate closest to `name`, if close enough to be a likely typo
/// (a swap of two letters counts as one edit).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::osa_distance(name, c), c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A valid id close to `id`, for help messages and the ids `clerk add`
/// derives from file names: lower case, accents dropped (`é` is `e`), every
/// run of other characters one hyphen.
pub fn suggest_id(id: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let unaccented = id
        .nfkd()
        .filter(|&c| unicode_normalization::char::canonical_combining_class(c) == 0);
    for c in unaccented.flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "source-1".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_pattern() {
        assert!(is_valid_id("lemonde-2024-05-17"));
        assert!(is_valid_id("0a"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("Le_Monde"));
        assert!(!is_valid_id(""));
        assert_eq!(suggest_id("Le_Monde 2024"), "le-monde-2024");
        assert_eq!(
            suggest_id("Ingérence à l'Assemblée"),
            "ingerence-a-l-assemblee"
        );
        assert_eq!("ngo".parse::<SourceKind>(), Ok(SourceKind::Ngo));
        assert!("blog".parse::<SourceKind>().is_err());
    }

    #[test]
    fn pins_are_checked() {
        let hex = "381da4ea24955599b6d262be006324cc9d924b8865506892fe670b52112798cb";
        assert_eq!(parse_pin(&format!("sha256:{hex}")), Some(hex));
        assert_eq!(parse_pin(&format!("sha256:{}", hex.to_uppercase())), None);
        assert_eq!(parse_pin(hex), None);
    }

    #[test]
    fn unknown_keys_and_bad_dates_carry_lines() {
        let file = TextFile::new(
            "sources/x.toml",
            "file = \"x.txt\"\ntitle = \"t\"\npublisher = \"p\"\nkind = \"press\"\ntitel = \"oops\"\n",
        );
        let error = parse::<Record>(&file).unwrap_err().remove(0);
        assert_eq!(error.rule, Rule::Syntax);
        assert_eq!(error.site.as_ref().unwrap().line, 5);
        assert!(error.message.contains("titel"), "{}", error.message);

        let file = TextFile::new(
            "sources/x.toml",
            "file = \"x.txt\"\ntitle = \"t\"\npublisher = \"p\"\nkind = \"press\"\npublished = 2024-05-17T10:00:00Z\n",
        );
        let error = parse::<Record>(&file).unwrap_err().remove(0);
        assert_eq!(error.site.as_ref().unwrap().line, 5);
        assert!(error.message.contains("local date"), "{}", error.message);
    }
}
