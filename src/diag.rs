//! Diagnostics: the one type for findings about a user's inputs, and its
//! human (rustc-style) and JSON printers.
//!
//! Stages return diagnostics; only this module turns them into text.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};
use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// The rules of FORMAT.md, under their exact names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Syntax,
    BadId,
    DuplicateId,
    UnknownSource,
    UnpinnedSource,
    MissingFile,
    PathEscape,
    BadEncoding,
    HashMismatch,
    QuoteNotFound,
    DanglingResponse,
    UnknownTemplate,
    UnsupportedFormat,
    EmptyText,
    UnusedSource,
    NoResponse,
    WeakEvidence,
    EmptySection,
    /// A locale file with a missing or unknown key.
    BadLocale,
    /// A quote in another language than the brief's, without a translation.
    MissingTranslation,
    /// A brief in a language clerk has no words for.
    MissingLocale,
    /// Text that no font the brief can use covers.
    MissingGlyph,
    /// A quote written against a Markdown source's markup.
    QuoteInMarkup,
    /// A source without a `language` whose text reads as another language
    /// than the brief's.
    MissingLanguage,
    /// A source's capture that cannot be read, or holds no response for
    /// its address.
    BadCapture,
    /// A source file that is not its capture's response payload.
    CaptureMismatch,
    /// Not a FORMAT.md rule: a template that fails to render or typeset.
    Template,
}

impl Rule {
    /// Every rule, in the order of FORMAT.md's table.
    pub const ALL: [Rule; 27] = [
        Rule::Syntax,
        Rule::BadId,
        Rule::DuplicateId,
        Rule::UnknownSource,
        Rule::UnpinnedSource,
        Rule::MissingFile,
        Rule::PathEscape,
        Rule::BadEncoding,
        Rule::HashMismatch,
        Rule::QuoteNotFound,
        Rule::DanglingResponse,
        Rule::UnknownTemplate,
        Rule::UnsupportedFormat,
        Rule::EmptyText,
        Rule::UnusedSource,
        Rule::NoResponse,
        Rule::WeakEvidence,
        Rule::EmptySection,
        Rule::BadLocale,
        Rule::MissingTranslation,
        Rule::MissingLocale,
        Rule::MissingGlyph,
        Rule::QuoteInMarkup,
        Rule::MissingLanguage,
        Rule::BadCapture,
        Rule::CaptureMismatch,
        Rule::Template,
    ];

    /// The rule's name as printed and documented.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Syntax => "syntax",
            Rule::BadId => "bad-id",
            Rule::DuplicateId => "duplicate-id",
            Rule::UnknownSource => "unknown-source",
            Rule::UnpinnedSource => "unpinned-source",
            Rule::MissingFile => "missing-file",
            Rule::PathEscape => "path-escape",
            Rule::BadEncoding => "bad-encoding",
            Rule::HashMismatch => "hash-mismatch",
            Rule::QuoteNotFound => "quote-not-found",
            Rule::DanglingResponse => "dangling-response",
            Rule::UnknownTemplate => "unknown-template",
            Rule::UnsupportedFormat => "unsupported-format",
            Rule::EmptyText => "empty-text",
            Rule::UnusedSource => "unused-source",
            Rule::NoResponse => "no-response",
            Rule::WeakEvidence => "weak-evidence",
            Rule::EmptySection => "empty-section",
            Rule::BadLocale => "bad-locale",
            Rule::MissingTranslation => "missing-translation",
            Rule::MissingLocale => "missing-locale",
            Rule::MissingGlyph => "missing-glyph",
            Rule::QuoteInMarkup => "quote-in-markup",
            Rule::MissingLanguage => "missing-language",
            Rule::BadCapture => "bad-capture",
            Rule::CaptureMismatch => "capture-mismatch",
            Rule::Template => "template",
        }
    }

    /// The level FORMAT.md gives the rule.
    pub fn level(self) -> Level {
        match self {
            Rule::UnusedSource
            | Rule::NoResponse
            | Rule::WeakEvidence
            | Rule::EmptySection
            | Rule::MissingTranslation
            | Rule::MissingLocale
            | Rule::QuoteInMarkup
            | Rule::MissingLanguage => Level::Warning,
            _ => Level::Error,
        }
    }
}

/// Rules travel by name (a build's stamp keeps its warnings).
impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Rule::ALL
            .into_iter()
            .find(|rule| rule.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule `{name}`")))
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A text file that diagnostics point into, with its display path.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// The path as shown to the user (relative to the project root).
    pub display: String,
    pub text: String,
    /// Where each line starts, computed on the first `site`: a file with
    /// thousands of findings must not be rescanned for each.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl TextFile {
    pub fn new(display: impl Into<String>, text: impl Into<String>) -> Self {
        TextFile {
            display: display.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// The site of a byte range of this file (clamped to the text).
    pub fn site(&self, span: Range<usize>) -> Site {
        let start = floor_boundary(&self.text, span.start.min(self.text.len()));
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        // 1-based line number: how many lines start at or before `start`.
        let line = starts.partition_point(|&s| s <= start);
        let line_start = starts[line - 1];
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        // A span may start on the `\r` of a CRLF, past the line's text.
        let start = start.min(line_start + line_text.len());
        let end = floor_boundary(
            &self.text,
            span.end.clamp(start, line_start + line_text.len()),
        );
        let column = self.text[line_start..start].chars().count() + 1;
        Site {
            file: self.display.clone(),
            line,
            column,
            line_text: line_text.to_string(),
            highlight: (start - line_start)..(end - line_start),
        }
    }

    /// The site of the start of the file (for findings about a whole file).
    pub fn whole(&self) -> Site {
        let mut site = self.site(0..0);
        site.highlight = 0..0;
        site
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A place in a file: path, 1-based line and column, and the line itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub line_text: String,
    /// Byte range within `line_text` to underline.
    pub highlight: Range<usize>,
}

/// One finding about the user's inputs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    pub rule: Rule,
    pub message: String,
    /// Where it is; `file` alone when no line applies.
    pub site: Option<Site>,
    pub file: Option<String>,
    pub label: Option<String>,
    pub dossier: Option<String>,
    pub claim: Option<String>,
    pub source: Option<String>,
    pub notes: Vec<String>,
    pub help: Vec<String>,
}

impl Diagnostic {
    /// A finding under `rule`, at the rule's level.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            level: rule.level(),
            rule,
            message: message.into(),
            site: None,
            file: None,
            label: None,
            dossier: None,
            claim: None,
            source: None,
            notes: Vec::new(),
            help: Vec::new(),
        }
    }

    pub fn at(mut self, site: Site) -> Self {
        self.file = Some(site.file.clone());
        self.site = Some(site);
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn dossier(mut self, id: impl Into<String>) -> Self {
        self.dossier = Some(id.into());
        self
    }

    pub fn claim(mut self, id: impl Into<String>) -> Self {
        self.claim = Some(id.into());
        self
    }

    pub fn source(mut self, id: impl Into<String>) -> Self {
        self.source = Some(id.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// The diagnostic in the style of rustc, optionally with colour.
    pub fn render(&self, color: bool) -> String {
        let level = match self.level {
            Level::Error => SnippetLevel::ERROR,
            Level::Warning => SnippetLevel::WARNING,
        };
        let context = self.context_line();
        let mut group: Group<'_> =
            Group::with_title(level.primary_title(&self.message).id(self.rule.name()));
        match (&self.site, &self.file) {
            (Some(site), _) => {
                let highlight = if site.highlight.is_empty() && !site.line_text.is_empty() {
                    let len = site.line_text[site.highlight.start..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8);
                    site.highlight.start..site.highlight.start + len
                } else {
                    site.highlight.clone()
                };
                let mut annotation = AnnotationKind::Primary.span(highlight);
                if let Some(label) = &self.label {
                    annotation = annotation.label(label.as_str());
                }
                group = group.element(
                    Snippet::source(site.line_text.as_str())
                        .line_start(site.line)
                        .path(site.file.as_str())
                        .annotation(annotation),
                );
            }
            (None, Some(file)) => {
                group = group.element(annotate_snippets::Origin::path(file.as_str()));
            }
            (None, None) => {}
        }
        if let Some(context) = &context {
            group = group.element(SnippetLevel::NOTE.message(context.as_str()));
        }
        for note in &self.notes {
            group = group.element(SnippetLevel::NOTE.message(note.as_str()));
        }
        for help in &self.help {
            group = group.element(SnippetLevel::HELP.message(help.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group]).to_string()
    }

    /// "in dossier `x`, claim `y`, source `z`", when any applies.
    fn context_line(&self) -> Option<String> {
        let parts: Vec<String> = [
            ("dossier", &self.dossier),
            ("claim", &self.claim),
            ("source", &self.source),
        ]
        .into_iter()
        .filter_map(|(what, id)| id.as_ref().map(|id| format!("{what} `{id}`")))
        .collect();
        (!parts.is_empty()).then(|| format!("in {}", parts.join(", ")))
    }

    /// The diagnostic as one JSON object (the `--format json` schema).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "type": "diagnostic",
            "level": self.level,
            "rule": self.rule.name(),
            "message": self.message,
            "file": self.file,
            "line": self.site.as_ref().map(|s| s.line),
            "column": self.site.as_ref().map(|s| s.column),
            "dossier": self.dossier,
            "claim": self.claim,
            "source": self.source,
            "notes": self.notes,
            "help": self.help,
        })
    }
}

/// An error that stops a command (exit 2), with the hints that help the
/// user past it. Carried through `anyhow` so causes can be added as
/// context; the command layer prints the message chain and then each hint
/// on a `help:` line of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fatal {
    pub message: String,
    pub help: Vec<String>,
}

impl Fatal {
    pub fn new(message: impl Into<String>) -> Self {
        Fatal {
            message: message.into(),
            help: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Fatal {}

/// An error that stopped a command, as printed: `error: ` and the chain of
/// causes, then one `help:` line per hint any of them carries.
pub fn render_error(error: &anyhow::Error) -> String {
    let mut text = format!("error: {error:#}");
    for cause in error.chain() {
        if let Some(fatal) = cause.downcast_ref::<Fatal>() {
            for help in &fatal.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
        }
    }
    text
}

/// Counts of errors and warnings, for the closing line and the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut tally = Tally::default();
        for d in diagnostics {
            match d.level {
                Level::Error => tally.errors += 1,
                Level::Warning => tally.warnings += 1,
            }
        }
        tally
    }

    /// Counts `diagnostics` too.
    pub fn add<'a>(&mut self, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
        let more = Tally::of(diagnostics);
        self.errors += more.errors;
        self.warnings += more.warnings;
    }
}

/// Sorts diagnostics for stable output: by file, line, column, then rule.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.file.clone(),
                d.site.as_ref().map(|s| (s.line, s.column)),
                d.rule,
                d.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_span_on_a_carriage_return_stays_on_its_line() {
        let file = super::TextFile::new("f.toml", "a = 1\r\nb\r");
        let site = file.site(5..7);
        assert_eq!((site.line, site.highlight), (1, 5..5));
        let site = file.site(9..10);
        assert_eq!((site.line, site.line_text.as_str()), (2, "b"));
    }

    use super::*;

    #[test]
    fn site_reports_line_and_char_column() {
        let file = TextFile::new("d.toml", "a = 1\nétat = \"x\"\r\nz = 2\n");
        let at = file.text.find("\"x\"").unwrap();
        let site = file.site(at..at + 3);
        assert_eq!((site.line, site.column), (2, 8));
        assert_eq!(site.line_text, "état = \"x\"");
        assert_eq!(&site.line_text[site.highlight.clone()], "\"x\"");
    }

    #[test]
    fn renders_like_rustc() {
        let file = TextFile::new("dossiers/d.toml", "[sources]\nx = \"sha256:00\"\n");
        let at = file.text.find("\"sha").unwrap();
        let d = Diagnostic::new(Rule::HashMismatch, "pin of `x` does not match")
            .at(file.site(at..at + 11))
            .dossier("d")
            .source("x")
            .help("run `clerk pin d --source x`");
        let text = d.render(false);
        assert!(
            text.starts_with("error[hash-mismatch]: pin of `x` does not match"),
            "{text}"
        );
        assert!(text.contains("--> dossiers/d.toml:2:5"), "{text}");
        assert!(text.contains("x = \"sha256:00\""), "{text}");
        assert!(
            text.contains("help: run `clerk pin d --source x`"),
            "{text}"
        );
        assert!(text.contains("in dossier `d`, source `x`"), "{text}");
    }
}
