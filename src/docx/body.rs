//! `word/document.xml`, the header and the footer, written from the
//! brief: every paragraph and run names a style, links to claims and
//! references are bookmarks, and the page numbers are Word fields.

use crate::model::{Brief, ClaimLink, ClaimView, Part, QuoteView, Reference};

use super::Figure;
use super::styles::id;
use super::xml::Xml;

/// Namespaces of the document, header and footer parts.
const NAMESPACES: &[(&str, &str)] = &[
    ("xmlns:w", super::styles::W),
    (
        "xmlns:r",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (
        "xmlns:wp",
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    ),
    (
        "xmlns:a",
        "http://schemas.openxmlformats.org/drawingml/2006/main",
    ),
    (
        "xmlns:pic",
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
    ),
];

/// The relationship id of the timeline image.
pub const FIGURE_REL: &str = "rIdTimeline";

/// Points to EMUs (DrawingML's unit).
const EMU_PER_POINT: f64 = 12700.0;

/// Width of the text block of the built-in page, in twentieths of a point.
const TEXT_WIDTH: u32 = 9072;

/// The document body being written.
pub struct Body<'a> {
    xml: Xml,
    brief: &'a Brief,
    /// External link targets, in order: relationship `rIdLink<n>`.
    pub links: Vec<String>,
    bookmarks: usize,
}

/// A Word bookmark name for a brief anchor (`claim-darmanin-reality`):
/// Word allows letters, digits and `_`, at most 40 characters, so `-`
/// becomes `_`, and a longer name keeps its start and a digest of the
/// whole (so it stays unique).
pub fn bookmark_name(anchor: &str) -> String {
    let name: String = anchor
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.len() <= 40 {
        return name;
    }
    let digest = crate::files::sha256_hex(anchor.as_bytes());
    format!("{}_{}", &name[..31], &digest[..8])
}

impl<'a> Body<'a> {
    pub fn new(brief: &'a Brief) -> Body<'a> {
        let mut xml = Xml::new();
        xml.open("w:document", NAMESPACES).open("w:body", &[]);
        Body {
            xml,
            brief,
            links: Vec::new(),
            bookmarks: 0,
        }
    }

    /// The whole body, then the section properties (`page`: the page
    /// set-up's XML).
    pub fn write(mut self, figure: Option<&Figure>, page: &str) -> (String, Vec<String>) {
        let brief = self.brief;
        self.title_block();
        self.heading(id::HEADING1, &brief.labels.summary, Some("summary"));
        for paragraph in &brief.summary {
            self.paragraph(id::BODY_TEXT, |b| b.run(paragraph, None, None));
        }
        if brief.claim_count > 0 {
            self.timeline(figure);
        }
        for section in &brief.sections {
            self.heading(id::HEADING1, &section.title, Some(&section.anchor));
            if section.claims.is_empty() {
                self.paragraph(id::BODY_TEXT, |b| {
                    b.run(&section.empty_text, Some(id::EMPHASIS), None)
                });
            }
            for claim in &section.claims {
                self.claim(claim);
            }
        }
        self.references();
        self.integrity();
        self.xml
            .open("w:sectPr", &[])
            .empty(
                "w:headerReference",
                &[("w:type", "default"), ("r:id", "rIdHeader")],
            )
            .empty(
                "w:footerReference",
                &[("w:type", "default"), ("r:id", "rIdFooter")],
            )
            .raw(page)
            .close("w:sectPr");
        self.xml.close("w:body").close("w:document");
        (self.xml.finish(), self.links)
    }

    fn title_block(&mut self) {
        let brief = self.brief;
        self.paragraph(id::TITLE, |b| b.run(&brief.title, None, None));
        if let Some(subtitle) = &brief.subtitle {
            self.paragraph(id::SUBTITLE, |b| b.run(subtitle, None, None));
        }
        let mut byline = brief.date_long.clone();
        if !brief.authors.is_empty() {
            byline.push_str(&format!(
                " · {} {}",
                brief.labels.prepared_by,
                brief.authors.join(", ")
            ));
        }
        self.paragraph(id::BYLINE, |b| b.run(&byline, None, None));
    }

    fn timeline(&mut self, figure: Option<&Figure>) {
        let brief = self.brief;
        let labels = &brief.labels;
        self.heading(id::HEADING1, &labels.timeline, Some("timeline"));
        if let Some(figure) = figure.filter(|_| brief.timeline.has_dated) {
            self.paragraph(id::FIGURE, |b| b.drawing(figure));
        }
        if !brief.timeline.undated.is_empty() {
            self.paragraph(id::CLAIM_LINKS, |b| {
                b.run(&format!("{}:", labels.undated), Some(id::STRONG), None);
                for (i, entry) in brief.timeline.undated.iter().enumerate() {
                    b.run(if i == 0 { " " } else { "; " }, None, None);
                    b.internal_link(&entry.anchor, |b| {
                        b.run(&entry.number, Some(id::HYPERLINK), None)
                    });
                    b.run(&format!(" ({})", entry.by), None, None);
                }
            });
        }
        if brief.response_table.is_empty() {
            return;
        }
        self.paragraph(id::CAPTION, |b| b.run(&labels.response_table, None, None));
        self.table_start(&labels.response_table, &[3780, TEXT_WIDTH - 3780]);
        self.header_row(
            &[labels.allegation.as_str(), labels.responses.as_str()],
            &[3780, TEXT_WIDTH - 3780],
        );
        for row in &brief.response_table {
            self.xml.open("w:tr", &[]);
            self.cell_start(3780);
            self.paragraph_plain(|b| b.claim_line(&row.allegation));
            self.xml.close("w:tc");
            self.cell_start(TEXT_WIDTH - 3780);
            if row.responses.is_empty() {
                self.paragraph_plain(|b| b.run(&labels.no_response, Some(id::EMPHASIS), None));
            }
            for response in &row.responses {
                self.paragraph_plain(|b| b.claim_line(response));
            }
            self.xml.close("w:tc").close("w:tr");
        }
        self.xml.close("w:tbl");
    }

    /// `A1 by, date`, the number a link to the claim.
    fn claim_line(&mut self, link: &ClaimLink) {
        self.internal_link(&link.anchor, |b| {
            b.run(&link.number, Some(id::HYPERLINK), None)
        });
        let mut rest = format!(" {}", link.by);
        if let Some(date) = &link.date_long {
            rest.push_str(&format!(", {date}"));
        }
        self.run(&rest, None, None);
    }

    fn claim(&mut self, claim: &ClaimView) {
        let brief = self.brief;
        let labels = &brief.labels;
        let mut heading = format!("{} · {}", claim.number, claim.by);
        if let Some(date) = &claim.date_long {
            heading.push_str(&format!(", {date}"));
        }
        self.heading(id::CLAIM_HEADING, &heading, Some(&claim.anchor));
        self.paragraph(id::BODY_TEXT, |b| b.run(&claim.statement, None, None));
        for quote in &claim.quotes {
            self.quote(quote);
        }
        if let Some(note) = &claim.note {
            self.paragraph(id::CLAIM_NOTE, |b| {
                b.run(&format!("{}.", labels.note), Some(id::STRONG), None);
                b.run(&format!(" {note}"), None, None);
            });
        }
        for (label, links) in [
            (&labels.responds_to, &claim.responds_to),
            (&labels.responses, &claim.responses),
        ] {
            if links.is_empty() {
                continue;
            }
            self.paragraph(id::CLAIM_LINKS, |b| {
                b.run(&format!("{label}:"), Some(id::STRONG), None);
                for (i, link) in links.iter().enumerate() {
                    b.run(if i == 0 { " " } else { "; " }, None, None);
                    b.internal_link(&link.anchor, |b| {
                        b.run(
                            &format!("{} ({})", link.number, link.by),
                            Some(id::HYPERLINK),
                            None,
                        )
                    });
                }
            });
        }
    }

    fn quote(&mut self, quote: &QuoteView) {
        let brief = self.brief;
        let labels = &brief.labels;
        self.paragraph(id::QUOTE, |b| {
            b.run(&quote.text, None, quote.language.as_deref());
            b.run(" ", None, None);
            b.internal_link(&quote.reference_anchor, |b| {
                b.run(&quote.citation, Some(id::CITATION), None)
            });
        });
        if let Some(translation) = &quote.translation {
            let mut label = labels.translation.clone();
            if let Some(by) = &quote.translated_by {
                label.push_str(&format!(" ({} {by})", labels.translated_by));
            }
            self.paragraph(id::TRANSLATION, |b| {
                b.run(&format!("{label}:"), Some(id::STRONG), None);
                b.run(" ", None, None);
                b.run(translation, Some(id::EMPHASIS), None);
            });
        }
    }

    fn references(&mut self) {
        let brief = self.brief;
        let labels = &brief.labels;
        self.heading(id::HEADING1, &labels.references, Some("references"));
        for reference in &brief.references {
            self.paragraph(id::BIBLIOGRAPHY, |b| {
                b.bookmarked(&reference.anchor, |b| {
                    b.run(&format!("[{}]", reference.number), None, None)
                });
                b.xml.open("w:r", &[]).empty("w:tab", &[]).close("w:r");
                b.formatted(reference);
                if let Some(archived) = &reference.archived_url {
                    b.run(&format!(" ({} ", labels.archived_at), None, None);
                    b.url(archived);
                    b.run(")", None, None);
                }
                if let Some(part_of) = &reference.part_of {
                    b.run(&format!(" {} ", labels.attached_to), None, None);
                    b.internal_link(&part_of.anchor, |b| {
                        b.run(&format!("[{}]", part_of.number), Some(id::HYPERLINK), None)
                    });
                    if let Some(author) = &part_of.author {
                        let mut who = format!(" ({author}");
                        if let Some(published) = &part_of.published {
                            who.push_str(&format!(", {published}"));
                        }
                        who.push(')');
                        b.run(&who, None, None);
                    }
                    b.run(".", None, None);
                }
                b.run(" ", None, None);
                b.run(
                    &format!("{} {}", labels.fingerprint, reference.fingerprint),
                    Some(id::FINGERPRINT),
                    None,
                );
            });
        }
    }

    /// A reference as its citation style writes it: the style's italics,
    /// bold and the like are the entry's own, so they are the only run
    /// formatting the edition writes.
    fn formatted(&mut self, reference: &Reference) {
        let parts = &reference.formatted.parts;
        if parts.is_empty() {
            self.run(&reference.formatted.text, None, None);
            return;
        }
        for part in parts {
            match part
                .link
                .as_deref()
                .filter(|l| crate::render::is_safe_link(l))
            {
                Some(link) => {
                    let link = link.to_string();
                    self.external_link(&link, |b| b.styled_run(part, Some(id::HYPERLINK)));
                }
                None => self.styled_run(part, None),
            }
        }
    }

    fn styled_run(&mut self, part: &Part, style: Option<&str>) {
        self.xml.open("w:r", &[]).open("w:rPr", &[]);
        if let Some(style) = style {
            self.xml.empty("w:rStyle", &[("w:val", style)]);
        }
        if part.bold {
            self.xml.empty("w:b", &[]);
        }
        if part.italic {
            self.xml.empty("w:i", &[]);
        }
        if part.small_caps {
            self.xml.empty("w:smallCaps", &[]);
        }
        if part.superscript || part.subscript {
            let align = if part.superscript {
                "superscript"
            } else {
                "subscript"
            };
            self.xml.empty("w:vertAlign", &[("w:val", align)]);
        }
        self.xml.close("w:rPr");
        self.text(&part.text);
        self.xml.close("w:r");
    }

    /// A URL as a link if it is one a reader may follow, else as text.
    fn url(&mut self, url: &str) {
        if crate::render::is_safe_link(url) {
            self.external_link(url, |b| b.run(url, Some(id::HYPERLINK), None));
        } else {
            self.run(url, None, None);
        }
    }

    fn integrity(&mut self) {
        let brief = self.brief;
        let labels = &brief.labels;
        self.heading(id::HEADING1, &labels.sources, Some("integrity"));
        self.paragraph(id::BODY_TEXT, |b| {
            b.run(
                &format!(
                    "{} {} {}.",
                    labels.sources_intro, labels.built_with, brief.clerk_version
                ),
                None,
                None,
            )
        });
        let widths = [3402, TEXT_WIDTH - 3402];
        self.table_start(&labels.sources, &widths);
        self.header_row(&[labels.source.as_str(), labels.sha256.as_str()], &widths);
        for reference in &brief.references {
            self.xml.open("w:tr", &[]);
            self.cell_start(widths[0]);
            self.paragraph_plain(|b| {
                b.run(&format!("[{}] ", reference.number), None, None);
                b.run(&reference.file, Some(id::HASH), None);
            });
            self.xml.close("w:tc");
            self.cell_start(widths[1]);
            self.paragraph_plain(|b| b.run(&reference.sha256, Some(id::HASH), None));
            self.xml.close("w:tc").close("w:tr");
        }
        self.xml.close("w:tbl");
    }

    fn table_start(&mut self, caption: &str, widths: &[u32]) {
        self.xml
            .open("w:tbl", &[])
            .open("w:tblPr", &[])
            .empty("w:tblStyle", &[("w:val", id::TABLE)])
            .empty("w:tblW", &[("w:w", "5000"), ("w:type", "pct")])
            .empty(
                "w:tblLook",
                &[
                    ("w:val", "0420"),
                    ("w:firstRow", "1"),
                    ("w:lastRow", "0"),
                    ("w:firstColumn", "0"),
                    ("w:lastColumn", "0"),
                    ("w:noHBand", "1"),
                    ("w:noVBand", "1"),
                ],
            )
            .empty("w:tblCaption", &[("w:val", caption)])
            .close("w:tblPr")
            .open("w:tblGrid", &[]);
        for width in widths {
            self.xml.empty("w:gridCol", &[("w:w", &width.to_string())]);
        }
        self.xml.close("w:tblGrid");
    }

    /// The table's header row, repeated on every page and marked as the
    /// header for screen readers.
    fn header_row(&mut self, cells: &[&str], widths: &[u32]) {
        self.xml
            .open("w:tr", &[])
            .open("w:trPr", &[])
            .empty("w:cantSplit", &[])
            .empty("w:tblHeader", &[])
            .close("w:trPr");
        for (text, width) in cells.iter().zip(widths) {
            self.cell_start(*width);
            self.paragraph_plain(|b| b.run(text, None, None));
            self.xml.close("w:tc");
        }
        self.xml.close("w:tr");
    }

    fn cell_start(&mut self, width: u32) {
        self.xml
            .open("w:tc", &[])
            .open("w:tcPr", &[])
            .empty("w:tcW", &[("w:w", &width.to_string()), ("w:type", "dxa")])
            .close("w:tcPr");
    }

    fn drawing(&mut self, figure: &Figure) {
        let cx = ((figure.width * EMU_PER_POINT).round() as i64).to_string();
        let cy = ((figure.height * EMU_PER_POINT).round() as i64).to_string();
        let labels = &self.brief.labels;
        let description = &self.brief.timeline.description;
        let size = [("cx", cx.as_str()), ("cy", cy.as_str())];
        self.xml
            .open("w:r", &[])
            .open("w:drawing", &[])
            .open(
                "wp:inline",
                &[
                    ("distT", "0"),
                    ("distB", "0"),
                    ("distL", "0"),
                    ("distR", "0"),
                ],
            )
            .empty("wp:extent", &size)
            .empty(
                "wp:docPr",
                &[
                    ("id", "1"),
                    ("name", "timeline"),
                    ("descr", description),
                    ("title", &labels.timeline),
                ],
            )
            .open("wp:cNvGraphicFramePr", &[])
            .empty("a:graphicFrameLocks", &[("noChangeAspect", "1")])
            .close("wp:cNvGraphicFramePr")
            .open("a:graphic", &[])
            .open(
                "a:graphicData",
                &[(
                    "uri",
                    "http://schemas.openxmlformats.org/drawingml/2006/picture",
                )],
            )
            .open("pic:pic", &[])
            .open("pic:nvPicPr", &[])
            .empty(
                "pic:cNvPr",
                &[
                    ("id", "1"),
                    ("name", "timeline.png"),
                    ("descr", description),
                ],
            )
            .empty("pic:cNvPicPr", &[])
            .close("pic:nvPicPr")
            .open("pic:blipFill", &[])
            .empty("a:blip", &[("r:embed", FIGURE_REL)])
            .open("a:stretch", &[])
            .empty("a:fillRect", &[])
            .close("a:stretch")
            .close("pic:blipFill")
            .open("pic:spPr", &[])
            .open("a:xfrm", &[])
            .empty("a:off", &[("x", "0"), ("y", "0")])
            .empty("a:ext", &size)
            .close("a:xfrm")
            .open("a:prstGeom", &[("prst", "rect")])
            .empty("a:avLst", &[])
            .close("a:prstGeom")
            .close("pic:spPr")
            .close("pic:pic")
            .close("a:graphicData")
            .close("a:graphic")
            .close("wp:inline")
            .close("w:drawing")
            .close("w:r");
    }

    fn heading(&mut self, style: &str, text: &str, anchor: Option<&str>) {
        self.paragraph(style, |b| match anchor {
            Some(anchor) => b.bookmarked(anchor, |b| b.run(text, None, None)),
            None => b.run(text, None, None),
        });
    }

    fn paragraph(&mut self, style: &str, content: impl FnOnce(&mut Self)) {
        self.xml
            .open("w:p", &[])
            .open("w:pPr", &[])
            .empty("w:pStyle", &[("w:val", style)])
            .close("w:pPr");
        content(self);
        self.xml.close("w:p");
    }

    /// A paragraph in the style of its table.
    fn paragraph_plain(&mut self, content: impl FnOnce(&mut Self)) {
        self.xml.open("w:p", &[]);
        content(self);
        self.xml.close("w:p");
    }

    /// `content` as the target of links to `anchor`.
    fn bookmarked(&mut self, anchor: &str, content: impl FnOnce(&mut Self)) {
        let id = self.bookmarks.to_string();
        self.bookmarks += 1;
        self.xml.empty(
            "w:bookmarkStart",
            &[("w:id", &id), ("w:name", &bookmark_name(anchor))],
        );
        content(self);
        self.xml.empty("w:bookmarkEnd", &[("w:id", &id)]);
    }

    fn internal_link(&mut self, anchor: &str, content: impl FnOnce(&mut Self)) {
        self.xml.open(
            "w:hyperlink",
            &[("w:anchor", &bookmark_name(anchor)), ("w:history", "1")],
        );
        content(self);
        self.xml.close("w:hyperlink");
    }

    fn external_link(&mut self, url: &str, content: impl FnOnce(&mut Self)) {
        let index = match self.links.iter().position(|l| l == url) {
            Some(index) => index,
            None => {
                self.links.push(url.to_string());
                self.links.len() - 1
            }
        };
        let rel = link_rel(index);
        self.xml
            .open("w:hyperlink", &[("r:id", &rel), ("w:history", "1")]);
        content(self);
        self.xml.close("w:hyperlink");
    }

    /// A run of `text` in character style `style`, in language `lang`
    /// when it is not the brief's.
    fn run(&mut self, text: &str, style: Option<&str>, lang: Option<&str>) {
        self.xml.open("w:r", &[]);
        if style.is_some() || lang.is_some() {
            self.xml.open("w:rPr", &[]);
            if let Some(style) = style {
                self.xml.empty("w:rStyle", &[("w:val", style)]);
            }
            if let Some(lang) = lang {
                self.xml.empty("w:lang", &[("w:val", lang)]);
            }
            self.xml.close("w:rPr");
        }
        self.text(text);
        self.xml.close("w:r");
    }

    fn text(&mut self, text: &str) {
        self.xml.element("w:t", &[("xml:space", "preserve")], text);
    }
}

/// The relationship id of external link `index`.
pub fn link_rel(index: usize) -> String {
    format!("rIdLink{}", index + 1)
}

/// `word/header1.xml`: title, marking and date on the Header style's
/// centre and right tab stops.
pub fn header(brief: &Brief) -> String {
    let mut xml = Xml::new();
    xml.open("w:hdr", &NAMESPACES[..2]);
    furniture(&mut xml, id::HEADER, |xml| {
        text_run(xml, &brief.title, None);
        tab(xml);
        if let Some(marking) = &brief.marking {
            text_run(xml, marking, Some(id::MARKING));
        }
        tab(xml);
        text_run(xml, &brief.date_long, None);
    });
    xml.close("w:hdr");
    xml.finish()
}

/// `word/footer1.xml`: the clerk version, the marking and "Page x of y"
/// as PAGE and NUMPAGES fields.
pub fn footer(brief: &Brief) -> String {
    let mut xml = Xml::new();
    xml.open("w:ftr", &NAMESPACES[..2]);
    furniture(&mut xml, id::FOOTER, |xml| {
        text_run(xml, &format!("clerk {}", brief.clerk_version), None);
        tab(xml);
        if let Some(marking) = &brief.marking {
            text_run(xml, marking, Some(id::MARKING));
        }
        tab(xml);
        text_run(xml, &format!("{} ", brief.labels.page), None);
        field(xml, "PAGE");
        text_run(xml, &format!(" {} ", brief.labels.of), None);
        field(xml, "NUMPAGES");
    });
    xml.close("w:ftr");
    xml.finish()
}

fn furniture(xml: &mut Xml, style: &str, content: impl FnOnce(&mut Xml)) {
    xml.open("w:p", &[])
        .open("w:pPr", &[])
        .empty("w:pStyle", &[("w:val", style)])
        .close("w:pPr");
    content(xml);
    xml.close("w:p");
}

fn text_run(xml: &mut Xml, text: &str, style: Option<&str>) {
    xml.open("w:r", &[]);
    if let Some(style) = style {
        xml.open("w:rPr", &[])
            .empty("w:rStyle", &[("w:val", style)])
            .close("w:rPr");
    }
    xml.element("w:t", &[("xml:space", "preserve")], text)
        .close("w:r");
}

fn tab(xml: &mut Xml) {
    xml.open("w:r", &[]).empty("w:tab", &[]).close("w:r");
}

/// A field Word computes as it lays out the page, with `1` as its result
/// until then (what readers that do not lay out pages show).
fn field(xml: &mut Xml, instruction: &str) {
    xml.open("w:r", &[])
        .empty("w:fldChar", &[("w:fldCharType", "begin")])
        .close("w:r")
        .open("w:r", &[])
        .element(
            "w:instrText",
            &[("xml:space", "preserve")],
            &format!(" {instruction} "),
        )
        .close("w:r")
        .open("w:r", &[])
        .empty("w:fldChar", &[("w:fldCharType", "separate")])
        .close("w:r");
    text_run(xml, "1", None);
    xml.open("w:r", &[])
        .empty("w:fldChar", &[("w:fldCharType", "end")])
        .close("w:r");
}

/// The body of the built-in reference document: one paragraph in each
/// style the Word edition uses, saying which, to restyle in Word.
pub fn sample(page: &str) -> String {
    let mut xml = Xml::new();
    xml.open("w:document", &NAMESPACES[..2]).open("w:body", &[]);
    let paragraph = |xml: &mut Xml, style: &str, runs: &[(&str, Option<&str>)]| {
        xml.open("w:p", &[])
            .open("w:pPr", &[])
            .empty("w:pStyle", &[("w:val", style)])
            .close("w:pPr");
        for (text, run_style) in runs {
            text_run(xml, text, *run_style);
        }
        xml.close("w:p");
    };
    paragraph(&mut xml, id::TITLE, &[("Title: the brief's title", None)]);
    paragraph(&mut xml, id::SUBTITLE, &[("Subtitle: its subtitle", None)]);
    paragraph(
        &mut xml,
        id::BYLINE,
        &[("Byline: its date and authors", None)],
    );
    paragraph(
        &mut xml,
        id::HEADING1,
        &[("Heading 1: summary, timeline, sections, references", None)],
    );
    paragraph(
        &mut xml,
        id::BODY_TEXT,
        &[
            ("Body Text: the summary and each claim's statement. ", None),
            ("Emphasis", Some(id::EMPHASIS)),
            (" and ", None),
            ("Strong", Some(id::STRONG)),
            (" mark words; a ", None),
            ("Hyperlink", Some(id::HYPERLINK)),
            (" goes to a claim or a reference.", None),
        ],
    );
    paragraph(
        &mut xml,
        id::FIGURE,
        &[("Figure: the paragraph of the timeline picture", None)],
    );
    paragraph(
        &mut xml,
        id::CAPTION,
        &[("Caption: above the table of who answered what", None)],
    );
    paragraph(
        &mut xml,
        id::CLAIM_HEADING,
        &[("Claim Heading: A1 · who, when (based on Heading 2)", None)],
    );
    paragraph(
        &mut xml,
        id::QUOTE,
        &[
            ("Quote: the words of a source ", None),
            ("[1, ¶4] (Citation)", Some(id::CITATION)),
        ],
    );
    paragraph(
        &mut xml,
        id::TRANSLATION,
        &[
            ("Translation:", Some(id::STRONG)),
            (" a quote's translation", Some(id::EMPHASIS)),
        ],
    );
    paragraph(
        &mut xml,
        id::CLAIM_NOTE,
        &[
            ("Note.", Some(id::STRONG)),
            (" Claim Note: the analyst's note", None),
        ],
    );
    paragraph(
        &mut xml,
        id::CLAIM_LINKS,
        &[
            ("Responds to:", Some(id::STRONG)),
            (" Claim Links: the claims it answers", None),
        ],
    );
    paragraph(&mut xml, id::HEADING3, &[("Heading 3", None)]);
    paragraph(
        &mut xml,
        id::BIBLIOGRAPHY,
        &[
            ("[1]\u{a0}Bibliography: a reference. ", None),
            (
                "fingerprint 0123456789abcdef (Fingerprint)",
                Some(id::FINGERPRINT),
            ),
        ],
    );
    xml.open("w:tbl", &[])
        .open("w:tblPr", &[])
        .empty("w:tblStyle", &[("w:val", id::TABLE)])
        .empty("w:tblW", &[("w:w", "5000"), ("w:type", "pct")])
        .empty(
            "w:tblLook",
            &[
                ("w:val", "0420"),
                ("w:firstRow", "1"),
                ("w:lastRow", "0"),
                ("w:firstColumn", "0"),
                ("w:lastColumn", "0"),
                ("w:noHBand", "1"),
                ("w:noVBand", "1"),
            ],
        )
        .close("w:tblPr")
        .open("w:tblGrid", &[])
        .empty("w:gridCol", &[("w:w", "3402")])
        .empty("w:gridCol", &[("w:w", "5670")])
        .close("w:tblGrid");
    for (first, second, style) in [
        ("Grid Table 1 Light", "its header row", None),
        (
            "[1] sources/file.txt",
            "Hash: the SHA-256 of a source",
            Some(id::HASH),
        ),
    ] {
        xml.open("w:tr", &[]);
        for text in [first, second] {
            xml.open("w:tc", &[]).open("w:p", &[]);
            text_run(&mut xml, text, style.filter(|_| text == second));
            xml.close("w:p").close("w:tc");
        }
        xml.close("w:tr");
    }
    xml.close("w:tbl");
    paragraph(&mut xml, id::BODY_TEXT, &[]);
    xml.open("w:sectPr", &[])
        .empty(
            "w:headerReference",
            &[("w:type", "default"), ("r:id", "rIdHeader")],
        )
        .empty(
            "w:footerReference",
            &[("w:type", "default"), ("r:id", "rIdFooter")],
        )
        .raw(page)
        .close("w:sectPr")
        .close("w:body")
        .close("w:document");
    xml.finish()
}

/// The header and footer of the built-in reference document.
pub fn sample_furniture() -> (String, String) {
    let mut header = Xml::new();
    header.open("w:hdr", &NAMESPACES[..2]);
    furniture(&mut header, id::HEADER, |xml| {
        text_run(xml, "Header: title", None);
        tab(xml);
        text_run(xml, "MARKING", Some(id::MARKING));
        tab(xml);
        text_run(xml, "date", None);
    });
    header.close("w:hdr");
    let mut footer = Xml::new();
    footer.open("w:ftr", &NAMESPACES[..2]);
    furniture(&mut footer, id::FOOTER, |xml| {
        text_run(xml, "Footer: clerk", None);
        tab(xml);
        text_run(xml, "MARKING", Some(id::MARKING));
        tab(xml);
        text_run(xml, "Page ", None);
        field(xml, "PAGE");
        text_run(xml, " of ", None);
        field(xml, "NUMPAGES");
    });
    footer.close("w:ftr");
    (header.finish(), footer.finish())
}
