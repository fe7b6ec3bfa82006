//! Word (`.docx`, Office Open XML) and OpenDocument text (`.odt`) sources:
//! the text a reader sees, in reading order, with the document's own
//! paragraph numbers and its notes marked, and what the package says about
//! itself for `clerk add` (FORMAT.md, "Documents: Word, OpenDocument and
//! e-mail sources").
//!
//! Both formats are zip packages of XML parts. The package is read within
//! limits (the project's source size limit for everything unpacked, and a
//! compression-ratio limit) and every walk of the XML is bounded in depth,
//! so a hostile file is an error, never a crash or unbounded memory.

mod docx;
mod odt;

use std::io::{Cursor, Read};
use std::ops::Range;

use crate::documents::Extracted;
use crate::metadata::Metadata;

pub use docx::{docx, docx_metadata};
pub use odt::{odt, odt_metadata};

/// Why an office document gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeError {
    /// A password-protected (encrypted) Office file.
    Encrypted,
    /// A file of another kind under this format's extension: what it is,
    /// and the extension it should have (`a spreadsheet`, `xlsx`).
    OtherKind(&'static str, &'static str),
    /// A zip or XML that cannot be read; the cause.
    Damaged(String),
    /// A package that unpacks to more than clerk reads; why.
    TooLarge(String),
}

impl std::fmt::Display for OfficeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OfficeError::Encrypted => write!(f, "the file is encrypted with a password"),
            OfficeError::OtherKind(what, _) => write!(f, "the file is {what}"),
            OfficeError::Damaged(cause) => write!(f, "the file is damaged ({cause})"),
            OfficeError::TooLarge(cause) => write!(f, "{cause}"),
        }
    }
}

/// Start of an OLE compound file: legacy Office files, and modern ones
/// once encrypted.
const COMPOUND_FILE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Beyond this many unpacked bytes, a part may unpack to at most
/// [`MAX_RATIO`] times its packed size.
const RATIO_FREE: u64 = 1024 * 1024;
const MAX_RATIO: u64 = 100;

/// Deepest element nesting walked; real documents stay far below it
/// (a table in a text box in a table is about 30).
pub(crate) const MAX_DEPTH: usize = 200;

/// Why a compound file is not the expected zip package.
fn compound_file(bytes: &[u8], legacy: &'static str, extension: &'static str) -> OfficeError {
    // An encrypted OOXML or ODF file is a compound file holding an
    // `EncryptionInfo` stream (its name stored in UTF-16).
    let name: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if bytes.windows(name.len()).any(|w| w == name.as_slice()) {
        OfficeError::Encrypted
    } else {
        OfficeError::OtherKind(legacy, extension)
    }
}

/// A zip package read within limits.
pub(crate) struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Unpacked bytes still allowed.
    budget: u64,
    limit: u64,
}

impl<'a> Package<'a> {
    /// Opens a package; `legacy` names what a compound file of this
    /// extension is (`a Word 97–2003 document (.doc)`).
    pub(crate) fn open(
        bytes: &'a [u8],
        limit: u64,
        legacy: &'static str,
        extension: &'static str,
    ) -> Result<Package<'a>, OfficeError> {
        if bytes.starts_with(COMPOUND_FILE) {
            return Err(compound_file(bytes, legacy, extension));
        }
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| {
            OfficeError::Damaged(format!("not a zip package, or a truncated one: {error}"))
        })?;
        // What the package declares is checked before anything is
        // unpacked, whether or not the reader would open the part; what it
        // really unpacks to is checked again as it is read.
        let mut declared: u64 = 0;
        for index in 0..zip.len() {
            let Ok(entry) = zip.by_index_raw(index) else {
                continue;
            };
            let (size, packed) = (entry.size(), entry.compressed_size().max(1));
            if size > RATIO_FREE && size > MAX_RATIO * packed {
                return Err(OfficeError::TooLarge(format!(
                    "`{}` unpacks to more than {MAX_RATIO} times its packed size ({} bytes), as a zip bomb does",
                    entry.name().unwrap_or_default(),
                    entry.compressed_size()
                )));
            }
            declared = declared.saturating_add(size);
        }
        if declared > limit {
            return Err(OfficeError::TooLarge(format!(
                "its parts unpack to more than the source size limit ({})",
                crate::files::human_size(limit)
            )));
        }
        Ok(Package {
            zip,
            budget: limit,
            limit,
        })
    }

    /// Whether the package has a part of this name.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// A part's text, `None` when there is no such part.
    pub(crate) fn part(&mut self, name: &str) -> Result<Option<String>, OfficeError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let damaged = |error: &dyn std::fmt::Display| {
            OfficeError::Damaged(format!("cannot unpack `{name}`: {error}"))
        };
        let mut file = self.zip.by_index(index).map_err(|e| damaged(&e))?;
        let packed = file.compressed_size().max(1);
        let mut bytes = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut chunk).map_err(|e| damaged(&e))?;
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            let unpacked = bytes.len() as u64;
            if unpacked > self.budget {
                return Err(OfficeError::TooLarge(format!(
                    "its parts unpack to more than the source size limit ({})",
                    crate::files::human_size(self.limit)
                )));
            }
            if unpacked > RATIO_FREE && unpacked > MAX_RATIO * packed {
                return Err(OfficeError::TooLarge(format!(
                    "`{name}` unpacks to more than {MAX_RATIO} times its packed size ({packed} bytes), as a zip bomb does"
                )));
            }
        }
        self.budget -= bytes.len() as u64;
        let bytes = bytes
            .strip_prefix("\u{feff}".as_bytes())
            .map(<[u8]>::to_vec)
            .unwrap_or(bytes);
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| OfficeError::Damaged(format!("`{name}` is not UTF-8 XML")))
    }

    /// A part parsed as XML, `None` when there is no such part.
    pub(crate) fn xml(&mut self, name: &str) -> Result<Option<String>, OfficeError> {
        let Some(text) = self.part(name)? else {
            return Ok(None);
        };
        // Parse once here so a malformed part is named; callers parse the
        // text again to borrow from it.
        parse(name, &text)?;
        Ok(Some(text))
    }
}

/// Parses a part's XML.
pub(crate) fn parse<'t>(name: &str, text: &'t str) -> Result<roxmltree::Document<'t>, OfficeError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options).map_err(|error| {
        OfficeError::Damaged(format!("`{name}` is not well-formed XML: {error}"))
    })?;
    // Walks recurse along the nesting: refuse what would exhaust the
    // stack. Depth is counted once, without recursion.
    let mut depth = vec![0usize; document.descendants().count() + 1];
    for node in document.descendants() {
        let here = node.parent().map_or(0, |p| depth[p.id().get_usize()] + 1);
        if here > MAX_DEPTH {
            return Err(OfficeError::Damaged(format!(
                "`{name}` nests elements more than {MAX_DEPTH} deep"
            )));
        }
        depth[node.id().get_usize()] = here;
    }
    Ok(document)
}

/// The text being laid out: paragraphs separated by blank lines, the
/// shape `quote::LineIndex` understands, with where each paragraph the
/// document numbers starts and where each note lies.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    pub(crate) text: String,
    pub(crate) numbers: Vec<(usize, String)>,
    pub(crate) notes: Vec<(Range<usize>, String)>,
}

impl Layout {
    /// Adds a paragraph shown with `number` before it (`9.1`, `(a)`),
    /// unless it holds no text. Returns where it starts, if added.
    pub(crate) fn paragraph(&mut self, text: &str, number: Option<&str>) -> Option<usize> {
        // A paragraph never holds a blank line, which would split it.
        let lines: Vec<&str> = text
            .split('\n')
            .map(str::trim_end)
            .filter(|line| !line.trim().is_empty())
            .collect();
        let body = lines.join("\n");
        let body = body.trim();
        if body.is_empty() {
            return None;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        let start = self.text.len();
        if let Some(number) = number.filter(|n| !n.trim().is_empty()) {
            self.text.push_str(number.trim());
            self.text.push(' ');
            // The locator shows the number without a closing full stop:
            // `9.1`, not `9.1.`.
            let shown = number.trim();
            let shown = shown.strip_suffix('.').unwrap_or(shown);
            self.numbers.push((start, shown.to_string()));
        }
        self.text.push_str(body);
        Some(start)
    }

    /// Adds a note: its paragraphs, the first after its mark.
    pub(crate) fn note(&mut self, mark: &str, paragraphs: &[String]) {
        let mut start = None;
        for paragraph in paragraphs {
            let shown = match start {
                None => format!("{mark} {paragraph}"),
                Some(_) => paragraph.clone(),
            };
            let added = self.paragraph(&shown, None);
            start = start.or(added);
        }
        if let Some(start) = start {
            self.notes.push((start..self.text.len(), mark.to_string()));
        }
    }

    pub(crate) fn finish(self) -> Extracted {
        Extracted {
            text: self.text,
            page_starts: None,
            numbers: self.numbers,
            notes: self.notes,
            ..Extracted::default()
        }
    }
}

/// Reads the Dublin Core fields of one part of a package into `found`; a
/// part that is missing or malformed gives nothing.
pub(crate) fn part_metadata(
    package: &mut Package<'_>,
    found: &mut Metadata,
    part: &str,
    fields: &[(&str, &str)],
) {
    if let Ok(Some(text)) = package.xml(part)
        && let Ok(document) = parse(part, &text)
    {
        dublin_core(found, &document, part, fields);
    }
}

/// The title a document's body gives, for a package whose metadata has
/// none: its Title-styled paragraph, else its first heading.
pub(crate) fn body_title(
    title: Option<String>,
    heading: Option<String>,
) -> Option<crate::metadata::Read<String>> {
    let read = |value, from: &str| crate::metadata::Read {
        value,
        from: from.to_string(),
    };
    title
        .map(|t| read(t, "the Title-styled paragraph"))
        .or_else(|| heading.map(|t| read(t, "the first heading")))
}

/// The metadata of a package, from its Dublin Core parts: `title`,
/// `creator`, `date`/`created`, `language`.
pub(crate) fn dublin_core(
    found: &mut Metadata,
    document: &roxmltree::Document<'_>,
    part: &str,
    fields: &[(&str, &str)],
) {
    for (local, key) in fields {
        let Some(value) = document
            .descendants()
            .find(|n| n.is_element() && n.tag_name().name() == *local)
            .map(|n| {
                n.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect::<String>()
            })
        else {
            continue;
        };
        let folded = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            continue;
        }
        let from = format!("{part} {}", prefixed(document, local));
        let read = |value| Some(crate::metadata::Read { value, from });
        match *key {
            "title" if found.title.is_none() => found.title = read(folded),
            "author" if found.author.is_none() => found.author = read(folded),
            "publisher" if found.publisher.is_none() => found.publisher = read(folded),
            "language" if found.language.is_none() => {
                found.language = crate::metadata::parse_language(&folded).and_then(read);
            }
            "published" if found.published.is_none() => {
                found.published =
                    crate::metadata::parse_date(&folded).map(|value| crate::metadata::Read {
                        value,
                        from: format!("{part} {}", prefixed(document, local)),
                    });
            }
            _ => {}
        }
    }
}

/// An element's name as the part writes it (`dc:title`).
fn prefixed(document: &roxmltree::Document<'_>, local: &str) -> String {
    document
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == local)
        .and_then(|n| {
            let namespace = n.tag_name().namespace()?;
            let prefix = n.lookup_prefix(namespace)?;
            Some(format!("{prefix}:{local}"))
        })
        .unwrap_or_else(|| local.to_string())
}

/// A number shown in a numbering format: `decimal`, `lowerLetter`,
/// `upperLetter`, `lowerRoman`, `upperRoman`, `decimalZero`; `bullet` and
/// `none` show none.
pub(crate) fn format_number(value: u32, format: &str) -> String {
    match format {
        "bullet" | "none" | "" => String::new(),
        "lowerLetter" | "a" => letters(value, b'a'),
        "upperLetter" | "A" => letters(value, b'A'),
        "lowerRoman" | "i" => roman(value).to_lowercase(),
        "upperRoman" | "I" => roman(value),
        "decimalZero" if value < 10 => format!("0{value}"),
        _ => value.to_string(),
    }
}

/// Letters as Word and LibreOffice count them: a … z, then aa, bb, ….
fn letters(value: u32, base: u8) -> String {
    if value == 0 {
        return String::new();
    }
    let letter = char::from(base + ((value - 1) % 26) as u8);
    std::iter::repeat_n(letter, ((value - 1) / 26 + 1) as usize).collect()
}

fn roman(mut value: u32) -> String {
    if value == 0 || value >= 4000 {
        return value.to_string();
    }
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (n, numeral) in NUMERALS {
        while value >= n {
            out.push_str(numeral);
            value -= n;
        }
    }
    out
}

/// What the package holds instead, when it is not the format expected.
pub(crate) fn other_package(package: &Package<'_>) -> Option<OfficeError> {
    if package.has("xl/workbook.xml") {
        return Some(OfficeError::OtherKind("an Excel spreadsheet", "xlsx"));
    }
    if package.has("ppt/presentation.xml") {
        return Some(OfficeError::OtherKind("a PowerPoint presentation", "pptx"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_shown_as_word_shows_them() {
        assert_eq!(format_number(4, "lowerRoman"), "iv");
        assert_eq!(format_number(1994, "upperRoman"), "MCMXCIV");
        assert_eq!(format_number(1, "lowerLetter"), "a");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(7, "bullet"), "");
        assert_eq!(format_number(7, "decimalZero"), "07");
        assert_eq!(format_number(12, "decimal"), "12");
    }

    #[test]
    fn layout_marks_numbers_and_notes() {
        let mut layout = Layout::default();
        layout.paragraph("Introduction", Some("1."));
        layout.paragraph("  \n", Some("2."));
        layout.paragraph("The committee\n\n recommends", Some("(a)"));
        layout.note("3", &["A note.".into(), "Its second paragraph.".into()]);
        assert_eq!(
            layout.text,
            "1. Introduction\n\n(a) The committee\n recommends\n\n3 A note.\n\nIts second paragraph."
        );
        assert_eq!(layout.numbers, [(0, "1".into()), (17, "(a)".into())]);
        let (range, mark) = &layout.notes[0];
        assert_eq!(mark, "3");
        assert_eq!(
            &layout.text[range.clone()],
            "3 A note.\n\nIts second paragraph."
        );
    }
}
