//! A source's text as quotes are held to it: decoded from the file's
//! bytes, normalised and indexed for locators; what looking a quote up in
//! it finds; and the listing `clerk text` prints.

use crate::diag::Rule;
use crate::files::decode_utf8;
use crate::quote::{self, LineIndex, Locator, Normalised};

/// A quote looked up in a source's text, with its locators resolved so the
/// text itself can be dropped.
pub type Lookup = Result<Located, Box<LocatedMiss>>;

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub found: quote::Match,
    pub locator: Locator,
}

/// Why a quote was not found, and where its closest passage is.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedMiss {
    pub miss: quote::Miss,
    /// The locator of `miss.nearest`.
    pub nearest: Option<Locator>,
}

/// What clerk reads, as a help line.
pub const READABLE_FORMATS: &str = "clerk reads `.txt` and `.md` (UTF-8 text), `.html`/`.htm` and `.pdf`: save or convert the document to one of these";

/// The kinds of source file clerk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// `.txt` and `.md`: UTF-8 text.
    Text,
    /// `.html` and `.htm`: the text a reader sees in the body.
    Html,
    /// `.pdf`: the text layer, page by page.
    Pdf,
}

impl SourceFormat {
    /// The format of a file with this (lower-case) extension.
    pub fn from_extension(extension: &str) -> Option<SourceFormat> {
        match extension {
            "txt" | "md" => Some(SourceFormat::Text),
            "html" | "htm" => Some(SourceFormat::Html),
            "pdf" => Some(SourceFormat::Pdf),
            _ => None,
        }
    }
}

/// The text of a source, normalised and indexed for locators. For HTML and
/// PDF sources, `raw` is the extracted text.
#[derive(Debug)]
pub struct SourceText {
    pub raw: String,
    pub normalised: Normalised,
    pub lines: LineIndex,
}

impl SourceText {
    /// The text of a text file (or of an HTML page's extracted text).
    pub fn new(raw: String) -> Self {
        let normalised = Normalised::new(&raw);
        let lines = LineIndex::new(&raw);
        SourceText {
            raw,
            normalised,
            lines,
        }
    }

    /// The text of a paged document, whose line-end hyphens are soft.
    pub fn paged(raw: String, page_starts: Vec<usize>) -> Self {
        let normalised = Normalised::document(&raw);
        let lines = LineIndex::with_pages(&raw, page_starts);
        SourceText {
            raw,
            normalised,
            lines,
        }
    }

    /// Looks `quote` up in this text.
    pub fn look_up(&self, quote: &str) -> Lookup {
        match quote::find(&self.normalised, quote) {
            Ok(found) => Ok(Located {
                locator: self.lines.locate(found.raw.start),
                found,
            }),
            Err(miss) => Err(Box::new(LocatedMiss {
                nearest: miss
                    .nearest
                    .as_ref()
                    .map(|n| self.lines.locate(n.raw.start)),
                miss,
            })),
        }
    }

    /// The text decoded from a source file's bytes, or the problem with it.
    pub fn decode(format: SourceFormat, bytes: Vec<u8>) -> Result<SourceText, Unreadable> {
        let text = match format {
            SourceFormat::Text => {
                SourceText::new(decode_utf8(bytes).map_err(Unreadable::Encoding)?)
            }
            SourceFormat::Html => {
                let page = crate::documents::decode_html(bytes).map_err(Unreadable::Encoding)?;
                SourceText::new(crate::documents::html(&page).text)
            }
            SourceFormat::Pdf => {
                let extracted = crate::documents::pdf(&bytes).map_err(Unreadable::Pdf)?;
                SourceText::paged(extracted.text, extracted.page_starts.unwrap_or_default())
            }
        };
        if text.normalised.as_str().is_empty() && format != SourceFormat::Text {
            return Err(Unreadable::Empty(format));
        }
        Ok(text)
    }
}

/// Why a source file gives no text to match against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not UTF-8: the offset of the first bad byte.
    Encoding(usize),
    /// A PDF that is encrypted or damaged.
    Pdf(crate::documents::PdfError),
    /// An HTML page or PDF with no text.
    Empty(SourceFormat),
}

impl Unreadable {
    /// The rule, message and help for the source file shown as `display`,
    /// whose text this is why clerk cannot read.
    pub fn explain(&self, display: &str) -> (Rule, String, String) {
        match self {
            Unreadable::Encoding(offset) => (
                Rule::BadEncoding,
                format!("`{display}` is not valid UTF-8 (invalid byte at offset {offset})"),
                "convert it to UTF-8 (for example `iconv -f latin1 -t utf-8`) and pin it again".into(),
            ),
            Unreadable::Pdf(error @ crate::documents::PdfError::Encrypted) => (
                Rule::EmptyText,
                format!("cannot read the text of `{display}` ({error})"),
                "save a decrypted copy (for example `qpdf --decrypt in.pdf out.pdf`) and pin that".into(),
            ),
            Unreadable::Pdf(error) => (
                Rule::EmptyText,
                format!("cannot read the text of `{display}` ({error})"),
                "check the file opens in a PDF viewer; download it again if it does not".into(),
            ),
            Unreadable::Empty(SourceFormat::Pdf) => (
                Rule::EmptyText,
                format!("`{display}` has no text layer (a scan, or pages of images)"),
                "clerk does no OCR: run OCR on it (for example `ocrmypdf in.pdf out.pdf`), then pin and quote the result".into(),
            ),
            Unreadable::Empty(_) => (
                Rule::EmptyText,
                format!("`{display}` has no visible text in its body"),
                "save the page as it is shown (its text may be loaded by scripts), or use a text copy".into(),
            ),
        }
    }
}

/// The text of a source as `clerk text` prints it: one row per line of the
/// text, each with its line number, paragraph (blank for a blank line) and,
/// for a PDF, page; `normalised` shows each line as quotes are compared with
/// it (so a line-end hyphen joined to the next line is gone).
pub fn listing(text: &SourceText, normalised: bool) -> Vec<String> {
    let rows = rows(text, normalised);
    let paged = rows.first().is_some_and(|row| row.page.is_some());
    let mut listing = Vec::with_capacity(rows.len() + 1);
    listing.push(
        if paged {
            "page  line     ¶ | text"
        } else {
            "line     ¶ | text"
        }
        .to_string(),
    );
    for row in rows {
        let paragraph = row.paragraph.map_or(String::new(), |p| p.to_string());
        let line = row.line;
        let shown = match row.page {
            Some(page) => format!("{page:>4} {line:>5} {paragraph:>5} | {}", row.text),
            None => format!("{line:>4} {paragraph:>5} | {}", row.text),
        };
        listing.push(shown.trim_end().to_string());
    }
    listing
}

/// One line of a source's text, with its locators.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    pub line: usize,
    /// `None` for a blank line.
    pub paragraph: Option<usize>,
    /// The page, for a PDF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    pub text: String,
}

/// The lines of a source's text (normalised when asked) with their
/// locators: what [`listing`] prints, as data.
pub fn rows(text: &SourceText, normalised: bool) -> Vec<Row> {
    let lines = &text.lines;
    let paged = lines.page(0).is_some();
    let shown: Vec<String> = if normalised {
        normalised_lines(text)
    } else {
        (1..=lines.lines())
            .map(|line| {
                let range = lines.line_range(&text.raw, line);
                text.raw[range].to_string()
            })
            .collect()
    };
    shown
        .into_iter()
        .enumerate()
        .map(|(index, text_of_line)| {
            let line = index + 1;
            Row {
                line,
                paragraph: lines.paragraph_of_line(line),
                page: paged.then(|| lines.page(lines.line_start(line)).unwrap_or(1)),
                text: text_of_line,
            }
        })
        .collect()
}

/// The normalised text cut at the raw text's line breaks: entry `i` holds
/// what line `i + 1` contributes.
fn normalised_lines(text: &SourceText) -> Vec<String> {
    let lines = &text.lines;
    let mut shown = vec![String::new(); lines.lines()];
    // Raw offsets only grow along the normalised text: move a line cursor.
    let mut line = 1;
    for (at, c) in text.normalised.as_str().char_indices() {
        let raw = text.normalised.raw_offset(at);
        while line < lines.lines() && lines.line_start(line + 1) <= raw {
            line += 1;
        }
        shown[line - 1].push(c);
    }
    shown.iter().map(|l| l.trim().to_string()).collect()
}
