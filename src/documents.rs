//! Text extraction from HTML and PDF sources: the text a reader sees, which
//! quotes are then held to (FORMAT.md, "Documents: HTML and PDF sources").
//!
//! Extraction is deterministic (same bytes in, same text out) so builds stay
//! reproducible. Both extractors return plain text in which paragraphs are
//! separated by blank lines, the shape `quote::LineIndex` understands.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use scraper::{Html, Node};

mod furniture;
mod integrity;

/// Text extracted from a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    /// Byte offsets in `text` where each page starts (PDF only).
    pub page_starts: Option<Vec<usize>>,
    /// Paragraphs the document numbers itself (a Word file's list and
    /// heading numbers): the byte offset in `text` where each starts, and
    /// its number as the document shows it ("9.1", "(a)").
    pub numbers: Vec<(usize, String)>,
    /// Footnote and endnote text: its byte range in `text` and the note's
    /// mark ("12").
    pub notes: Vec<(std::ops::Range<usize>, String)>,
    /// Page furniture left out of `text`, in page order (PDF only).
    pub furniture: Vec<Furniture>,
}

/// A line of page furniture (a running header or footer, a page number),
/// left out of the text quotes are held to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Furniture {
    /// Byte offset in the text where it stood: its page's start for a
    /// header, its page's end for a footer.
    pub at: usize,
    /// Its 1-based page.
    pub page: usize,
    pub text: String,
}

/// Elements whose content a reader does not see as the page's text.
const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    // Not text at all.
    "svg", "math", "iframe", "object", "canvas", "select", "button",
];

/// Elements that are a paragraph of their own.
const PARAGRAPHS: &[&str] = &[
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "td",
    "th",
    "dd",
    "dt",
    "figcaption",
    "caption",
];

/// Containers that start and end a paragraph without being one: text placed
/// directly inside them is a paragraph of its own (FORMAT.md's "a `div`
/// holding text directly"), and their children's paragraphs stay apart.
const CONTAINERS: &[&str] = &[
    "body", "div", "section", "article", "main", "ul", "ol", "dl", "table", "thead", "tbody",
    "tfoot", "tr", "figure", "details", "summary", "address", "hgroup", "center",
];

/// Decodes an HTML page: UTF-8 (a BOM dropped), unless the page declares
/// another encoding in a `<meta charset>` (or `http-equiv` content type)
/// near its start, as pages saved from older sites do. On failure, the
/// offset of the first byte that is not UTF-8.
pub fn decode_html(bytes: Vec<u8>) -> Result<String, usize> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|at| {
        let label: String = head[at + "charset=".len()..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        encoding_rs::Encoding::for_label(label.as_bytes())
    });
    match declared {
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            let (text, _, _) = encoding.decode(&bytes);
            Ok(text.into_owned())
        }
        _ => crate::files::decode_utf8(bytes),
    }
}

/// The text a reader sees in the body of an HTML page: one paragraph per
/// block, separated by blank lines, white space inside a block folded.
pub fn html(source: &str) -> Extracted {
    let document = Html::parse_document(source);
    let mut out = HtmlText::default();
    out.walk(*document.root_element());
    out.flush();
    Extracted {
        text: out.paragraphs.join("\n\n"),
        page_starts: None,
        furniture: Vec::new(),
        numbers: Vec::new(),
        notes: Vec::new(),
    }
}

#[derive(Default)]
struct HtmlText {
    paragraphs: Vec<String>,
    current: String,
    /// Inside `pre`, where line breaks and spaces are the author's.
    preformatted: usize,
}

impl HtmlText {
    fn walk(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(text) => {
                if self.preformatted > 0 {
                    self.current.push_str(text);
                } else {
                    self.push_folded(text);
                }
            }
            Node::Element(element) => {
                let name = element.name();
                if SKIPPED.contains(&name) || element.attr("hidden").is_some() {
                    return;
                }
                if name == "br" {
                    self.current.push('\n');
                    return;
                }
                let block = PARAGRAPHS.contains(&name) || CONTAINERS.contains(&name);
                if block {
                    self.flush();
                }
                if name == "pre" {
                    self.preformatted += 1;
                }
                for child in node.children() {
                    self.walk(child);
                }
                if name == "pre" {
                    self.preformatted -= 1;
                }
                if block {
                    self.flush();
                }
            }
            // The document, fragments: their children; comments and
            // doctypes: nothing.
            Node::Document | Node::Fragment => {
                for child in node.children() {
                    self.walk(child);
                }
            }
            _ => {}
        }
    }

    /// Appends text with HTML's white-space folding: runs become one space.
    fn push_folded(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_ascii_whitespace() {
                if !self.current.is_empty() && !self.current.ends_with([' ', '\n']) {
                    self.current.push(' ');
                }
            } else {
                self.current.push(c);
            }
        }
    }

    /// Ends the current paragraph, if it holds any text.
    fn flush(&mut self) {
        let paragraph = std::mem::take(&mut self.current);
        // Lines inside one paragraph never blank, so `<br><br>` cannot
        // split it.
        let lines: Vec<&str> = paragraph
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .collect();
        if !lines.is_empty() {
            self.paragraphs.push(lines.join("\n").trim().to_string());
        }
    }
}

/// Why a PDF gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// The PDF is encrypted with a password.
    Encrypted,
    /// The PDF could not be parsed; the cause, as far as known.
    Damaged(String),
    /// The PDF opens only after repair (a partial download, a broken
    /// cross-reference table): the cause.
    Repaired(String),
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PdfError::Encrypted => write!(f, "the PDF is encrypted with a password"),
            PdfError::Damaged(cause) => write!(f, "the PDF is damaged or not a PDF ({cause})"),
            PdfError::Repaired(cause) => write!(f, "the PDF is damaged: {cause}"),
        }
    }
}

/// The text layer of a PDF, page by page, without its page furniture
/// (running headers and footers, page numbers): `page_starts` says where
/// each page begins, and `furniture` what was left out. A paragraph that
/// runs on from one page to the next stays one paragraph.
pub fn pdf(bytes: &[u8]) -> Result<Extracted, PdfError> {
    let pages = quietly(|| extract_pages(bytes)).unwrap_or_else(|cause| {
        Err(PdfError::Damaged(format!("the PDF reader failed: {cause}")))
    })?;
    Ok(lay_out(pages))
}

/// A page's lines as drawn, and its height.
struct Page {
    lines: Vec<Line>,
    height: f64,
}

fn extract_pages(bytes: &[u8]) -> Result<Vec<Page>, PdfError> {
    use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};
    use hayro_interpret::{
        Context, InterpreterCache, InterpreterSettings, TransformExt, interpret_page,
    };

    let pdf = Pdf::new(bytes.to_vec()).map_err(|error| match error {
        LoadPdfError::Decryption(_) => PdfError::Encrypted,
        // A PDF cut short often cannot be opened at all: say so.
        LoadPdfError::Invalid if bytes.starts_with(b"%PDF-") && bytes.len() >= 1024 => {
            match integrity::check(bytes, 0) {
                Err(cause) => PdfError::Repaired(cause),
                Ok(()) => PdfError::Damaged("it cannot be parsed".into()),
            }
        }
        LoadPdfError::Invalid => PdfError::Damaged("it cannot be parsed".into()),
    })?;
    // hayro rebuilds a broken file silently; clerk pins no file it had to
    // rebuild, since what it reads of it may not be what the author wrote.
    integrity::check(bytes, pdf.pages().len()).map_err(PdfError::Repaired)?;
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    let mut pages = Vec::with_capacity(pdf.pages().len());
    for page in pdf.pages().iter() {
        let (width, height) = page.render_dimensions();
        let mut context = Context::new(
            page.initial_transform(true).to_kurbo(),
            kurbo::Rect::new(0.0, 0.0, f64::from(width), f64::from(height)),
            &cache,
            page.xref(),
            settings.clone(),
        );
        let mut reader = TextReader::default();
        interpret_page(page, &mut context, &mut reader);
        pages.push(Page {
            lines: reader.lines,
            height: f64::from(height),
        });
    }
    Ok(pages)
}

/// A hayro device that keeps only the glyphs' text and where they stand,
/// and gathers them into lines: a new line where the baseline moves, a
/// space where the gap after a glyph is wider than a thin space. A smaller
/// glyph raised or lowered within the line (a superscript or subscript)
/// joins its word: "1er", "CO2".
#[derive(Default)]
struct TextReader {
    lines: Vec<Line>,
}

struct Line {
    text: String,
    /// Baseline, in page units from the top.
    baseline: f64,
    /// Where the last glyph ends, horizontally.
    end: f64,
    /// Font size of the line's text (not of its superscripts).
    size: f64,
    /// Whether the last glyph was a superscript or subscript.
    after_script: bool,
}

impl TextReader {
    fn glyph(&mut self, text: &str, origin: kurbo::Point, advance: f64, size: f64) {
        let size = size.abs().max(0.1);
        if let Some(line) = self.lines.last_mut() {
            // Baselines grow downwards: positive is raised.
            let rise = line.baseline - origin.y;
            let same_baseline = rise.abs() < 0.4 * size.min(line.size);
            // A glyph that goes back far to the left starts a new line even
            // on the same baseline (a new column, a table cell).
            let moves_back = origin.x < line.end - 2.0 * size;
            let follows =
                origin.x >= line.end - 0.5 * line.size && origin.x <= line.end + 0.6 * line.size;
            if same_baseline && !moves_back {
                let gap = origin.x - line.end;
                // After a script, the gap is the typesetter's spacing of the
                // script, not a word space, unless it is wide.
                let space = if line.after_script { 0.3 } else { 0.15 };
                if gap > space * size && !line.text.ends_with(' ') && !text.starts_with(' ') {
                    line.text.push(' ');
                }
                line.text.push_str(text);
                line.end = line.end.max(origin.x + advance);
                line.after_script = false;
                return;
            }
            let script = size < 0.85 * line.size
                && rise.abs() < 0.75 * line.size
                && follows
                && !text.starts_with(' ');
            if script {
                line.text.push_str(text);
                line.end = line.end.max(origin.x + advance);
                line.after_script = true;
                return;
            }
            // The line so far is one script (a note mark before its
            // text): it takes the baseline and size of the text it marks.
            let marks_text = line.text.chars().count() <= 3
                && size > 1.2 * line.size
                && -rise > 0.0
                && -rise < 0.75 * size
                && origin.x >= line.end - 0.5 * size
                && origin.x <= line.end + size;
            if marks_text {
                line.text.push_str(text);
                line.baseline = origin.y;
                line.size = size;
                line.end = line.end.max(origin.x + advance);
                line.after_script = false;
                return;
            }
        }
        self.lines.push(Line {
            text: text.to_string(),
            baseline: origin.y,
            end: origin.x + advance,
            size,
            after_script: false,
        });
    }
}

/// The text of a page's body lines, in the order drawn, with a blank line
/// where the vertical gap is much wider than the page's usual line spacing.
fn page_text(lines: &[&Line]) -> String {
    let mut gaps: Vec<f64> = lines
        .windows(2)
        .map(|w| w[1].baseline - w[0].baseline)
        .filter(|gap| *gap > 0.0)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let usual = gaps.get(gaps.len() / 2).copied();
    let mut out = String::new();
    let mut previous: Option<&Line> = None;
    for &line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(previous) = previous {
            out.push('\n');
            let gap = line.baseline - previous.baseline;
            let paragraph_break = match usual {
                Some(usual) => gap > 1.3 * usual.max(previous.size * 1.25),
                None => gap > previous.size * 2.2,
            };
            if paragraph_break || gap < 0.0 {
                out.push('\n');
            }
        }
        out.push_str(text);
        previous = Some(line);
    }
    out
}

/// The document's text from its pages: the furniture left out, pages
/// joined by a line break where a sentence runs on, else by a blank line.
fn lay_out(pages: Vec<Page>) -> Extracted {
    let marks = furniture::find(&pages);
    let mut text = String::new();
    let mut page_starts = Vec::with_capacity(pages.len());
    let mut left_out = Vec::new();
    for (index, (page, marks)) in pages.iter().zip(&marks).enumerate() {
        let body: Vec<&Line> = page
            .lines
            .iter()
            .zip(marks)
            .filter(|(_, mark)| mark.is_none())
            .map(|(line, _)| line)
            .collect();
        let page_text = page_text(&body);
        if !text.is_empty() && !page_text.is_empty() {
            text.push_str(if runs_on(&text, &page_text) {
                "\n"
            } else {
                "\n\n"
            });
        }
        page_starts.push(text.len());
        let left_out_at = move |place: furniture::Place, at: usize| {
            page.lines
                .iter()
                .zip(marks)
                .filter(move |(_, mark)| **mark == Some(place))
                .map(move |(line, _)| Furniture {
                    at,
                    page: index + 1,
                    text: line.text.trim().to_string(),
                })
        };
        left_out.extend(left_out_at(furniture::Place::Top, text.len()));
        text.push_str(&page_text);
        left_out.extend(left_out_at(furniture::Place::Bottom, text.len()));
    }
    Extracted {
        text,
        page_starts: Some(page_starts),
        numbers: Vec::new(),
        notes: Vec::new(),
        furniture: left_out,
    }
}

/// Whether the text of a page runs on from the text before it, in the
/// middle of a sentence: the last line does not end one, and it ends in a
/// lower-case word, a comma, a semicolon or a hyphen, or the next page
/// starts in lower case.
fn runs_on(before: &str, page: &str) -> bool {
    let Some(last) = before.trim_end().chars().last() else {
        return false;
    };
    let Some(first) = page.trim_start().chars().next() else {
        return false;
    };
    let ends_sentence = matches!(last, '.' | '!' | '?' | '…' | ':' | '»' | '”' | '"');
    !ends_sentence
        && (last.is_lowercase()
            || matches!(last, ',' | ';' | '-' | '\u{2010}' | '(' | '«' | '“')
            || first.is_lowercase())
}

impl<'a> hayro_interpret::Device<'a> for TextReader {
    fn set_soft_mask(&mut self, _: Option<hayro_interpret::SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: hayro_interpret::BlendMode) {}
    fn draw_path(
        &mut self,
        _: &kurbo::BezPath,
        _: kurbo::Affine,
        _: &hayro_interpret::Paint<'a>,
        _: &hayro_interpret::PathDrawMode,
    ) {
    }
    fn push_clip_path(&mut self, _: &hayro_interpret::ClipPath) {}
    fn push_transparency_group(
        &mut self,
        _: f32,
        _: Option<hayro_interpret::SoftMask<'a>>,
        _: hayro_interpret::BlendMode,
    ) {
    }
    fn draw_glyph(
        &mut self,
        glyph: &hayro_interpret::font::Glyph<'a>,
        transform: kurbo::Affine,
        glyph_transform: kurbo::Affine,
        _: &hayro_interpret::Paint<'a>,
        _: &hayro_interpret::GlyphDrawMode,
    ) {
        let Some(text) = glyph.as_unicode().map(|s| bf_string(&s)) else {
            return;
        };
        if text.chars().all(char::is_control) {
            return;
        }
        // A drawn soft hyphen is a hyphen the reader sees (typesetters map
        // their hyphenation glyph to U+00AD); quote matching decides whether
        // one at a line end belongs to the word.
        let text = text.replace('\u{ad}', "-");
        // The glyph transform maps glyph space, where the em is
        // `GLYPH_UNITS` wide, onto the page.
        let placed = transform * glyph_transform;
        let origin = placed * kurbo::Point::ZERO;
        let em = (placed * kurbo::Point::new(GLYPH_UNITS, 0.0)) - origin;
        let size = em.hypot();
        let advance = match glyph {
            hayro_interpret::font::Glyph::Outline(outline) => outline
                .advance_width()
                .map_or(0.5 * size, |width| f64::from(width) / GLYPH_UNITS * size),
            hayro_interpret::font::Glyph::Type3(_) => 0.5 * size,
        };
        self.glyph(&text, origin, advance, size);
    }
    fn draw_image(&mut self, _: hayro_interpret::Image<'a, '_>, _: kurbo::Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// Units per em in hayro's glyph space.
const GLYPH_UNITS: f64 = 1000.0;

fn bf_string(text: &hayro_interpret::hayro_cmap::BfString) -> String {
    match text {
        hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
        hayro_interpret::hayro_cmap::BfString::String(s) => s.clone(),
    }
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into an error message. The PDF parser panics
/// on some malformed files; such a file is a diagnostic, not a crash, and
/// the panic is not printed.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_blocks_are_paragraphs_and_hidden_parts_vanish() {
        let page = r#"<!doctype html><html><head><title>Not body</title>
            <style>p { color: red }</style></head><body>
            <header>Site name</header><nav><a href="/">Home</a></nav>
            <article><h1>The  title</h1>
            <p>First &amp; <em>foremost</em>,
               l&rsquo;Assembl&eacute;e&nbsp;nationale.</p>
            <div>Direct text<p>nested para</p>tail</div>
            <ul><li>one</li><li><p>two</p></li></ul>
            <script>var x = "<p>no</p>";</script>
            <p hidden>secret</p><aside>Read also</aside>
            <table><tr><td>cell a</td><td>cell b</td></tr></table>
            </article><footer>© 2024</footer></body></html>"#;
        let text = html(page).text;
        assert_eq!(
            text,
            "The title\n\nFirst & foremost, l’Assemblée\u{a0}nationale.\n\nDirect text\n\nnested para\n\ntail\n\none\n\ntwo\n\ncell a\n\ncell b"
        );
    }

    #[test]
    fn html_in_a_declared_legacy_encoding_is_decoded() {
        let page = b"<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xe9 \x93cr\xe8me\x94</p></body></html>".to_vec();
        assert_eq!(html(&decode_html(page).unwrap()).text, "café “crème”");
        // Undeclared, a page must be UTF-8.
        assert_eq!(decode_html(b"<p>caf\xe9</p>".to_vec()), Err(6));
        assert_eq!(
            decode_html("<p>été</p>".as_bytes().to_vec()).unwrap(),
            "<p>été</p>"
        );
    }

    #[test]
    fn html_keeps_preformatted_lines_and_breaks() {
        let text = html("<body><p>a<br>b</p><pre>x  y\nz</pre></body>").text;
        assert_eq!(text, "a\nb\n\nx  y\nz");
    }

    #[test]
    fn garbage_is_a_damaged_pdf_not_a_panic() {
        assert!(matches!(pdf(b"not a pdf"), Err(PdfError::Damaged(_))));
        assert!(matches!(
            pdf(b"%PDF-1.7\n1 0 obj\n<<"),
            Err(PdfError::Damaged(_))
        ));
        assert!(matches!(pdf(b""), Err(PdfError::Damaged(_))));
    }
}
