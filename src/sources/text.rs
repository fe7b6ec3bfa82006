//! A source's text as quotes are held to it: decoded from the file's
//! bytes, normalised and indexed for locators; what looking a quote up in
//! it finds, and where that passage lies in the text `clerk text` prints;
//! and that listing.

use std::collections::HashMap;
use std::ops::Range;

use crate::diag::Rule;
use crate::files::decode_utf8;
use crate::quote::{self, LineIndex, Locator, Normalised};

/// How many characters of context a [`Passage`] keeps on each side (as
/// Hypothesis keeps them in a `TextQuoteSelector`).
pub const CONTEXT: usize = 32;

/// A quote looked up in a source's text, with its locators resolved so the
/// text itself can be dropped.
pub type Lookup = Result<Located, Box<LocatedMiss>>;

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub found: quote::Match,
    pub locator: Locator,
    pub passage: Passage,
    /// For a quote written against a Markdown file's markup (`**…**`,
    /// `[text][ref]`) rather than its rendered text: the passage as a
    /// reader sees it, which the quote should say instead.
    pub rendered: Option<String>,
}

/// Where a found quote lies in its source's printed text: the text `clerk
/// text` prints (without `--normalised`), that is each line of the text as
/// read, without its line break and trailing white space, the lines joined
/// by line feeds. This is what other software needs to find the passage
/// again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The passage as printed, from its first character to its last.
    pub exact: String,
    /// Up to [`CONTEXT`] characters of the printed text before it.
    pub prefix: String,
    /// Up to [`CONTEXT`] characters of the printed text after it.
    pub suffix: String,
    /// Its start and end in the printed text, in characters (Unicode code
    /// points), the end exclusive.
    pub chars: Range<usize>,
    /// Its byte range in the source file, for a text file (the text's bytes
    /// follow any byte-order mark); `None` for an HTML page or a PDF, whose
    /// text is extracted rather than read.
    pub file_bytes: Option<Range<usize>>,
}

/// Why a quote was not found, and where its closest passage is.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedMiss {
    pub miss: quote::Miss,
    /// The locator of `miss.nearest`.
    pub nearest: Option<Locator>,
}

/// What clerk reads, as a help line.
pub const READABLE_FORMATS: &str = "clerk reads `.txt` (UTF-8 text), `.md`/`.markdown` (Markdown), `.html`/`.htm`, `.pdf`, `.docx` (Word), `.odt` (OpenDocument) and `.eml` (e-mail): save or convert the document to one of these";

/// The help for an Outlook message, which clerk does not read.
pub const OUTLOOK_MESSAGE: &str = "save the message as `.eml`: in Outlook, File > Save As > Save as type: \"Outlook Message Format\" is `.msg`, so choose a `.eml` type (new Outlook: File > Save as), or drag the message into a folder in Thunderbird, which saves `.eml` files";

/// The kinds of source file clerk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// `.txt`: UTF-8 text.
    Text,
    /// `.md` and `.markdown`: UTF-8 Markdown, held to its rendered text.
    Markdown,
    /// `.html` and `.htm`: the text a reader sees in the body.
    Html,
    /// `.pdf`: the text layer, page by page.
    Pdf,
    /// `.docx`: a Word document's text in reading order, notes last.
    Docx,
    /// `.odt`: an OpenDocument text's text in reading order, notes last.
    Odt,
    /// `.eml`: an e-mail's header block, then its body.
    Eml,
}

impl SourceFormat {
    /// The format of a file with this (lower-case) extension.
    pub fn from_extension(extension: &str) -> Option<SourceFormat> {
        match extension {
            "txt" => Some(SourceFormat::Text),
            "md" | "markdown" => Some(SourceFormat::Markdown),
            "html" | "htm" => Some(SourceFormat::Html),
            "pdf" => Some(SourceFormat::Pdf),
            "docx" => Some(SourceFormat::Docx),
            "odt" => Some(SourceFormat::Odt),
            "eml" => Some(SourceFormat::Eml),
            _ => None,
        }
    }

    /// The format of a part with this MIME type (`application/pdf`), for
    /// an e-mail attachment whose name gives no extension clerk reads.
    pub fn from_mime(mime: &str) -> Option<SourceFormat> {
        let essence = mime.split(';').next().unwrap_or_default().trim();
        match essence.to_ascii_lowercase().as_str() {
            "text/plain" => Some(SourceFormat::Text),
            "text/markdown" => Some(SourceFormat::Markdown),
            "text/html" | "application/xhtml+xml" => Some(SourceFormat::Html),
            "application/pdf" => Some(SourceFormat::Pdf),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Some(SourceFormat::Docx)
            }
            "application/vnd.oasis.opendocument.text" => Some(SourceFormat::Odt),
            "message/rfc822" => Some(SourceFormat::Eml),
            _ => None,
        }
    }

    /// The extension clerk gives a file of this format it writes.
    pub fn extension(self) -> &'static str {
        match self {
            SourceFormat::Text => "txt",
            SourceFormat::Markdown => "md",
            SourceFormat::Html => "html",
            SourceFormat::Pdf => "pdf",
            SourceFormat::Docx => "docx",
            SourceFormat::Odt => "odt",
            SourceFormat::Eml => "eml",
        }
    }

    /// The help for a file of this (lower-case) extension that clerk
    /// cannot read.
    pub fn unreadable_help(extension: &str) -> &'static str {
        match extension {
            "msg" => OUTLOOK_MESSAGE,
            _ => READABLE_FORMATS,
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
    /// Where `raw` starts in the file, for a text file whose bytes it is (3
    /// after a UTF-8 byte-order mark, which is not part of the text, else
    /// 0); `None` for extracted text.
    pub file_offset: Option<usize>,
    /// A PDF's page furniture, left out of `raw`; `clerk text` shows it.
    pub furniture: Vec<crate::documents::Furniture>,
    /// A Markdown file's text as written: a quote written against its
    /// markup is recognised (and shown as rendered).
    pub markup: Option<Markup>,
}

/// A Markdown file's text as written, and normalised for matching.
#[derive(Debug)]
pub struct Markup {
    source: String,
    normalised: Normalised,
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
            file_offset: None,
            furniture: Vec::new(),
            markup: None,
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
            file_offset: None,
            furniture: Vec::new(),
            markup: None,
        }
    }

    /// The text extracted from a document, with its pages (a paged
    /// document's line-end hyphens are soft), paragraph numbers and notes.
    pub fn extracted(extracted: crate::documents::Extracted) -> Self {
        let crate::documents::Extracted {
            text,
            page_starts,
            numbers,
            notes,
            furniture,
        } = extracted;
        let mut text = match page_starts {
            Some(starts) => SourceText::paged(text, starts),
            None => SourceText::new(text),
        };
        text.lines = text.lines.with_numbers(&numbers).with_notes(notes);
        text.furniture = furniture;
        text
    }

    /// Takes the paragraph numbers the text itself shows ("78.", "\[78\]",
    /// "§ 12", "cons. 78" at a paragraph's start) as the document's own,
    /// for a source cited by paragraph number whose format gives none.
    pub fn number_paragraphs(&mut self) {
        if self.lines.has_numbers() {
            return;
        }
        self.lines.set_numbers(&paragraph_numbers(&self.raw));
    }

    /// Line `line` (1-based) as `clerk text` prints it: without its line
    /// break and trailing white space.
    pub fn printed_line(&self, line: usize) -> &str {
        self.raw[self.lines.line_range(&self.raw, line)].trim_end()
    }

    /// Looks `quote` up in this text.
    pub fn look_up(&self, quote: &str) -> Lookup {
        self.look_up_with(quote, &mut Printed::new(self))
    }

    /// Looks each of `quotes` up in this text, counting positions in the
    /// printed text once for all of them.
    pub fn look_up_all<'q>(
        &self,
        quotes: impl IntoIterator<Item = &'q String>,
    ) -> HashMap<String, Lookup> {
        let mut printed = Printed::new(self);
        quotes
            .into_iter()
            .map(|quote| (quote.clone(), self.look_up_with(quote, &mut printed)))
            .collect()
    }

    fn look_up_with(&self, quote: &str, printed: &mut Printed<'_>) -> Lookup {
        match quote::find(&self.normalised, quote) {
            Ok(found) => Ok(Located {
                locator: self.lines.locate_range(found.raw.clone()),
                passage: printed.passage(found.raw.clone()),
                found,
                rendered: None,
            }),
            Err(miss) => match self.in_markup(quote, printed) {
                Some(located) => Ok(located),
                None => Err(Box::new(LocatedMiss {
                    nearest: miss
                        .nearest
                        .as_ref()
                        .map(|n| self.lines.locate(n.raw.start)),
                    miss,
                })),
            },
        }
    }

    /// A quote that a Markdown file's markup holds: its passage rendered,
    /// found in the rendered text. Quotes written before clerk rendered
    /// Markdown keep checking, with a warning that shows the rendered words.
    fn in_markup(&self, quote: &str, printed: &mut Printed<'_>) -> Option<Located> {
        let markup = self.markup.as_ref()?;
        let in_markup = quote::find(&markup.normalised, quote).ok()?;
        let rendered = crate::markdown::render(&markup.source[in_markup.raw]).text;
        let rendered = rendered.split_whitespace().collect::<Vec<_>>().join(" ");
        let found = quote::find(&self.normalised, &rendered).ok()?;
        Some(Located {
            locator: self.lines.locate_range(found.raw.clone()),
            passage: printed.passage(found.raw.clone()),
            found,
            rendered: Some(rendered),
        })
    }

    /// The text decoded from a source file's bytes, or the problem with it.
    pub fn decode(format: SourceFormat, bytes: Vec<u8>) -> Result<SourceText, Unreadable> {
        Self::decode_within(format, bytes, crate::settings::MAX_SOURCE_SIZE)
    }

    /// [`SourceText::decode`], a package's parts unpacking to at most
    /// `limit` bytes (the project's `--max-source-size`).
    pub fn decode_within(
        format: SourceFormat,
        bytes: Vec<u8>,
        limit: u64,
    ) -> Result<SourceText, Unreadable> {
        Self::decode_declared(format, bytes, limit, None)
    }

    /// [`SourceText::decode_within`], an HTML or text file read in
    /// `charset` when the record names one (the encoding a server
    /// declared in its `Content-Type` header, which a page saved byte for
    /// byte does not repeat).
    pub fn decode_declared(
        format: SourceFormat,
        bytes: Vec<u8>,
        limit: u64,
        charset: Option<&'static encoding_rs::Encoding>,
    ) -> Result<SourceText, Unreadable> {
        let charset = charset.filter(|c| *c != encoding_rs::UTF_8);
        let text = match format {
            SourceFormat::Text if charset.is_some() => {
                let (text, _, _) = charset.unwrap_or(encoding_rs::UTF_8).decode(&bytes);
                // Offsets into the text are not offsets into the file.
                SourceText::new(text.into_owned())
            }
            SourceFormat::Html if charset.is_some() => {
                let (page, _, _) = charset.unwrap_or(encoding_rs::UTF_8).decode(&bytes);
                SourceText::extracted(crate::documents::html(&page))
            }
            SourceFormat::Text => {
                let bom = bytes.starts_with("\u{feff}".as_bytes());
                let mut text = SourceText::new(decode_utf8(bytes).map_err(Unreadable::Encoding)?);
                text.file_offset = Some(if bom { "\u{feff}".len() } else { 0 });
                text
            }
            SourceFormat::Markdown => {
                let source = decode_utf8(bytes).map_err(Unreadable::Encoding)?;
                let rendered = crate::markdown::render(&source);
                let mut text = SourceText::extracted(crate::documents::Extracted {
                    text: rendered.text,
                    page_starts: None,
                    numbers: Vec::new(),
                    notes: Vec::new(),
                    furniture: Vec::new(),
                });
                text.lines.map_lines(rendered.source_lines);
                text.markup = Some(Markup {
                    normalised: Normalised::new(&source),
                    source,
                });
                text
            }
            SourceFormat::Html => {
                let page = crate::documents::decode_html(bytes).map_err(Unreadable::Encoding)?;
                SourceText::extracted(crate::documents::html(&page))
            }
            SourceFormat::Pdf => {
                let mut extracted = crate::documents::pdf(&bytes).map_err(Unreadable::Pdf)?;
                extracted.page_starts.get_or_insert_with(Vec::new);
                SourceText::extracted(extracted)
            }
            SourceFormat::Docx => SourceText::extracted(
                crate::office::docx(&bytes, limit).map_err(Unreadable::Office)?,
            ),
            SourceFormat::Odt => SourceText::extracted(
                crate::office::odt(&bytes, limit).map_err(Unreadable::Office)?,
            ),
            SourceFormat::Eml => {
                SourceText::extracted(crate::mail::eml(&bytes).map_err(Unreadable::Mail)?)
            }
        };
        let may_be_empty = matches!(format, SourceFormat::Text | SourceFormat::Markdown);
        if text.normalised.as_str().is_empty() && !may_be_empty {
            return Err(Unreadable::Empty(format));
        }
        Ok(text)
    }
}

/// The paragraph numbers a text shows: where a paragraph (or a line after
/// one that ends a sentence) opens with "78.", "78)", "\[78\]", "(78)",
/// "9.1", "§ 12" or "cons. 78", the offset of that line and the number.
/// Dates and amounts are not numbers of paragraphs: the number has at most
/// four digits a part and must be followed by white space (or be
/// bracketed).
pub fn paragraph_numbers(raw: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut offset = 0;
    let mut paragraph_start = true;
    let mut after_sentence = true;
    for line in raw.split_inclusive('\n') {
        let text = line.trim();
        if text.is_empty() {
            paragraph_start = true;
        } else {
            let number = (paragraph_start || after_sentence)
                .then(|| line_number(text, paragraph_start))
                .flatten();
            if let Some(number) = number {
                found.push((offset, number));
            }
            paragraph_start = false;
            after_sentence = text.ends_with(['.', ':', ';']);
        }
        offset += line.len();
    }
    found
}

/// The paragraph number a line opens with; a bare "78." within a
/// paragraph only before a capital letter.
fn line_number(line: &str, paragraph_start: bool) -> Option<String> {
    let lower = line.to_lowercase();
    for prefix in ["cons.", "considérant", "§", "para.", "paragraph"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let rest = rest.trim_start();
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return (!digits.is_empty() && digits.len() <= 4).then_some(digits);
        }
    }
    if let Some(rest) = line.strip_prefix(['[', '(']) {
        let close = if line.starts_with('[') { ']' } else { ')' };
        let (number, _) = rest.split_once(close)?;
        return dotted_number(number).map(str::to_string);
    }
    let end = line.find(char::is_whitespace)?;
    let (head, tail) = line.split_at(end);
    let number = head.strip_suffix(['.', ')']).unwrap_or(head);
    let number = dotted_number(number)?;
    let next = tail.trim_start().chars().next()?;
    let marked = head.len() > number.len() || number.contains('.');
    (marked && (paragraph_start || next.is_uppercase())).then(|| number.to_string())
}

/// `text` if it is a number like "78" or "9.1.2" (parts of at most four
/// digits).
fn dotted_number(text: &str) -> Option<&str> {
    let parts_ok = text.split('.').all(|part| {
        !part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_digit())
    });
    parts_ok.then_some(text)
}

/// Why a source file gives no text to match against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not UTF-8: the offset of the first bad byte.
    Encoding(usize),
    /// A PDF that is encrypted or damaged.
    Pdf(crate::documents::PdfError),
    /// A Word or OpenDocument file that is encrypted, damaged, of another
    /// kind or too large unpacked.
    Office(crate::office::OfficeError),
    /// An e-mail that is no e-mail or beyond a limit.
    Mail(crate::mail::MailError),
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
            Unreadable::Pdf(crate::documents::PdfError::Repaired(cause)) => (
                Rule::EmptyText,
                format!("`{display}` is damaged ({cause})"),
                "download it again, or ask whoever sent it for a new copy: clerk pins no PDF that opens only after repair, as what a reader makes of it may not be the document".into(),
            ),
            Unreadable::Pdf(error) => (
                Rule::EmptyText,
                format!("cannot read the text of `{display}` ({error})"),
                "check the file opens in a PDF viewer; download it again if it does not".into(),
            ),
            Unreadable::Office(error @ crate::office::OfficeError::Encrypted) => (
                Rule::EmptyText,
                format!("cannot read the text of `{display}` ({error})"),
                "open it with its password and save a copy without one (Word: File > Info > Protect Document > Encrypt with Password, clear the password; LibreOffice: File > Save As, untick \"Save with password\"), then pin that".into(),
            ),
            Unreadable::Office(error @ crate::office::OfficeError::OtherKind(_, extension)) => (
                Rule::EmptyText,
                format!("cannot read the text of `{display}` ({error})"),
                match *extension {
                    "docx" | "odt" => format!("rename it to `.{extension}`, the format it is in"),
                    _ => format!("clerk reads text documents, not `.{extension}` files: save or export the part to quote as `.docx`, `.pdf` or `.txt`"),
                },
            ),
            Unreadable::Office(error @ crate::office::OfficeError::TooLarge(_)) => (
                Rule::EmptyText,
                format!("cannot read the text of `{display}` ({error})"),
                "if the document is genuine, raise the limit with `--max-source-size`, or save it as `.pdf` and pin that".into(),
            ),
            Unreadable::Office(error) => (
                Rule::EmptyText,
                format!("cannot read the text of `{display}` ({error})"),
                "check the file opens in Word or LibreOffice; save it again from there if it does, or download it again".into(),
            ),
            Unreadable::Mail(error) => (
                Rule::EmptyText,
                format!("cannot read `{display}` as an e-mail ({error})"),
                "save the message again from the mail program (as `.eml`), or quote it from a `.txt` copy".into(),
            ),
            Unreadable::Empty(SourceFormat::Docx | SourceFormat::Odt) => (
                Rule::EmptyText,
                format!("`{display}` has no text (its pages may be images)"),
                "clerk does no OCR: save it as PDF, run OCR on it (for example `ocrmypdf in.pdf out.pdf`), then pin and quote the result".into(),
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
/// for a PDF, page, and a PDF's page furniture where it stood, marked `·`
/// and not numbered; `normalised` shows each line as quotes are compared
/// with it (so a line-end hyphen joined to the next line is gone).
pub fn listing(text: &SourceText, normalised: bool) -> Vec<String> {
    let entries = entries(text, normalised);
    let paged = text.lines.page(0).is_some();
    let mut listing = Vec::with_capacity(entries.len() + 1);
    listing.push(
        if paged {
            "page  line     ¶ | text"
        } else {
            "line     ¶ | text"
        }
        .to_string(),
    );
    for entry in entries {
        let shown = match entry {
            Entry::Line(row) => {
                let paragraph = row.paragraph.map_or(String::new(), |p| p.to_string());
                let line = row.line;
                match row.page {
                    Some(page) => format!("{page:>4} {line:>5} {paragraph:>5} | {}", row.text),
                    None => format!("{line:>4} {paragraph:>5} | {}", row.text),
                }
            }
            Entry::Furniture { page, text } => {
                format!("{page:>4} {:>5} {:>5} | [page furniture] {text}", "·", "")
            }
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

/// What `clerk text` shows, in order: the lines of the text, and a PDF's
/// page furniture, which is no part of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Entry {
    Line(Row),
    Furniture { page: usize, text: String },
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
            .map(|line| text.printed_line(line).to_string())
            .collect()
    };
    shown
        .into_iter()
        .enumerate()
        .map(|(index, text_of_line)| {
            let line = index + 1;
            Row {
                line: lines.source_line(line),
                paragraph: lines.paragraph_of_line(line),
                page: paged.then(|| lines.page(lines.line_start(line)).unwrap_or(1)),
                text: text_of_line,
            }
        })
        .collect()
}

/// The [`rows`] of a source's text with its page furniture among them: a
/// header before its page's first line, a footer after its last.
pub fn entries(text: &SourceText, normalised: bool) -> Vec<Entry> {
    let mut furniture = text.furniture.iter().peekable();
    let mut entries = Vec::with_capacity(text.lines.lines() + text.furniture.len());
    // `row.line` is the file's line (a Markdown file's), not the text's:
    // count the text's own lines.
    for (index, row) in rows(text, normalised).into_iter().enumerate() {
        let start = text.lines.line_start(index + 1);
        while let Some(item) = furniture.next_if(|item| item.at <= start) {
            entries.push(Entry::Furniture {
                page: item.page,
                text: item.text.clone(),
            });
        }
        entries.push(Entry::Line(row));
    }
    entries.extend(furniture.map(|item| Entry::Furniture {
        page: item.page,
        text: item.text.clone(),
    }));
    entries
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

/// Positions in a text's printed form, counted line by line only as far as
/// they are asked for.
struct Printed<'a> {
    text: &'a SourceText,
    /// The characters of the printed text before each line counted so far
    /// (entry `i` for line `i + 1`).
    line_chars: Vec<usize>,
}

impl<'a> Printed<'a> {
    fn new(text: &'a SourceText) -> Self {
        Printed {
            text,
            line_chars: vec![0],
        }
    }

    /// The characters of the printed text before 1-based line `line`.
    fn before_line(&mut self, line: usize) -> usize {
        while self.line_chars.len() < line {
            let counted = self.line_chars.len();
            let chars = self.text.printed_line(counted).chars().count();
            // The line, then the line feed that joins it to the next.
            self.line_chars
                .push(self.line_chars[counted - 1] + chars + 1);
        }
        self.line_chars[line - 1]
    }

    /// The line of raw byte offset `at`, and its byte offset in that line
    /// as printed (trailing white space and a line break are not printed).
    fn place(&self, at: usize) -> (usize, usize) {
        let line = self.text.lines.line_of(at);
        let within = at.saturating_sub(self.text.lines.line_start(line));
        (line, within.min(self.text.printed_line(line).len()))
    }

    /// The passage of the raw byte range `raw`.
    fn passage(&mut self, raw: Range<usize>) -> Passage {
        let text = self.text;
        let (first, start) = self.place(raw.start);
        let (last, end) = self.place(raw.end);
        let mut exact = String::new();
        for line in first..=last {
            let printed = text.printed_line(line);
            let from = if line == first { start } else { 0 };
            let to = if line == last { end } else { printed.len() };
            if line > first {
                exact.push('\n');
            }
            exact.push_str(&printed[from..to.max(from)]);
        }
        let begin = self.before_line(first) + text.printed_line(first)[..start].chars().count();
        Passage {
            prefix: self.prefix(first, start),
            suffix: self.suffix(last, end),
            chars: begin..begin + exact.chars().count(),
            exact,
            file_bytes: text
                .file_offset
                .map(|offset| raw.start + offset..raw.end + offset),
        }
    }

    /// Up to [`CONTEXT`] printed characters before byte `within` of `line`.
    fn prefix(&self, mut line: usize, within: usize) -> String {
        let mut pieces = Vec::new();
        let mut wanted = CONTEXT;
        let mut piece = &self.text.printed_line(line)[..within];
        loop {
            let tail = last_chars(piece, wanted);
            wanted -= tail.chars().count();
            pieces.push(tail);
            if wanted == 0 || line == 1 {
                break;
            }
            pieces.push("\n");
            wanted -= 1;
            line -= 1;
            piece = self.text.printed_line(line);
        }
        pieces.iter().rev().copied().collect()
    }

    /// Up to [`CONTEXT`] printed characters from byte `within` of `line` on.
    fn suffix(&self, mut line: usize, within: usize) -> String {
        let mut pieces = Vec::new();
        let mut wanted = CONTEXT;
        let mut piece = &self.text.printed_line(line)[within..];
        loop {
            let head = first_chars(piece, wanted);
            wanted -= head.chars().count();
            pieces.push(head);
            if wanted == 0 || line == self.text.lines.lines() {
                break;
            }
            pieces.push("\n");
            wanted -= 1;
            line += 1;
            piece = self.text.printed_line(line);
        }
        pieces.concat()
    }
}

/// The last `n` characters of `text` (all of it if shorter).
fn last_chars(text: &str, n: usize) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(text.len(), |(at, _)| at);
    &text[start..]
}

/// The first `n` characters of `text` (all of it if shorter).
fn first_chars(text: &str, n: usize) -> &str {
    let end = text.char_indices().nth(n).map_or(text.len(), |(at, _)| at);
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The printed text, as `clerk text` prints it with the columns taken off.
    fn printed(text: &SourceText) -> String {
        (1..=text.lines.lines())
            .map(|line| text.printed_line(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn chars(text: &str, range: Range<usize>) -> String {
        text.chars().skip(range.start).take(range.len()).collect()
    }

    #[test]
    fn a_passage_is_located_in_the_printed_text() {
        // A byte-order mark, CRLF line ends, trailing spaces and characters
        // of several bytes: none of them printed the way they are stored.
        let file = "\u{feff}Préambule  \r\nL’Assemblée « considère » \r\n\r\nque l’ingérence est réelle.\r\n";
        let text = SourceText::decode(SourceFormat::Text, file.as_bytes().to_vec()).unwrap();
        let located = text.look_up("considère que l'ingérence").unwrap();
        let passage = &located.passage;
        let shown = printed(&text);
        assert_eq!(
            shown,
            "Préambule\nL’Assemblée « considère »\n\nque l’ingérence est réelle.\n"
        );
        assert_eq!(passage.exact, "considère »\n\nque l’ingérence");
        assert_eq!(chars(&shown, passage.chars.clone()), passage.exact);
        assert_eq!(passage.chars, 24..52);
        assert_eq!(passage.prefix, "Préambule\nL’Assemblée « ");
        assert_eq!(passage.suffix, " est réelle.\n");
        // The file's bytes, BOM included, hold the passage as stored.
        let bytes = passage.file_bytes.clone().unwrap();
        assert_eq!(
            &file.as_bytes()[bytes],
            "considère » \r\n\r\nque l’ingérence".as_bytes()
        );
    }

    #[test]
    fn context_is_cut_at_32_characters() {
        let text = SourceText::new(format!(
            "{}\nquote here\n{}",
            "é".repeat(40),
            "x".repeat(40)
        ));
        let passage = text.look_up("quote here").unwrap().passage;
        assert_eq!(passage.prefix, format!("{}\n", "é".repeat(31)));
        assert_eq!(passage.suffix, format!("\n{}", "x".repeat(31)));
        assert_eq!(passage.chars, 41..51);
        // Extracted text has no bytes in a file.
        assert_eq!(passage.file_bytes, None);
    }

    #[test]
    fn quotes_looked_up_together_are_placed_as_alone() {
        let text = SourceText::new("one two\nthree four\nfive six\n".to_string());
        let quotes = [
            "five".to_string(),
            "one".to_string(),
            "four five".to_string(),
        ];
        let together = text.look_up_all(&quotes);
        for quote in &quotes {
            assert_eq!(together[quote], text.look_up(quote));
        }
        assert_eq!(
            together["four five"].as_ref().unwrap().passage.chars,
            14..23
        );
    }
}
