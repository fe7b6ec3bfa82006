//! The Word edition (`--emit docx`): the brief as a `.docx` written as
//! Office Open XML with the zip crate, from the same [`Brief`] as the PDF
//! and the HTML edition, styled by named styles that a unit's
//! `templates/reference.docx` replaces (see [`Reference`]), carrying the
//! manifest as a custom XML part, reproducible byte for byte.
//!
//! Not to be confused with `office::docx`, which reads Word files as
//! sources.

mod body;
mod reference;
mod styles;
mod xml;

use std::io::Write;

use crate::model::Brief;

pub use body::bookmark_name;
pub use reference::Reference;

pub use crate::builtin::REFERENCE_DOCX;

/// Namespace of the root element of the manifest part.
pub const MANIFEST_NS: &str = "urn:clerk:manifest";

/// The timeline as a picture: PNG bytes and the size to show it at, in
/// points.
pub struct Figure {
    pub png: Vec<u8>,
    pub width: f64,
    pub height: f64,
}

const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
const PACKAGE_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const WORDML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.";

/// A part of the package: its name and bytes, and its content type when
/// its extension does not give it.
struct PackagePart {
    name: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl PackagePart {
    fn new(name: &str, content_type: Option<&str>, bytes: impl Into<Vec<u8>>) -> PackagePart {
        PackagePart {
            name: name.to_string(),
            content_type: content_type.map(str::to_string),
            bytes: bytes.into(),
        }
    }
}

/// A relationship: id, type (after [`RELS`]) and target; external when
/// it is a link out of the package.
struct Rel {
    id: String,
    kind: &'static str,
    target: String,
    external: bool,
}

impl Rel {
    fn new(id: &str, kind: &'static str, target: &str) -> Rel {
        Rel {
            id: id.to_string(),
            kind,
            target: target.to_string(),
            external: false,
        }
    }
}

/// The Word edition of `brief`, styled by `reference`, with the timeline
/// picture `figure` (if the brief has dated claims) and the manifest
/// (`manifest`, the JSON bytes) as a custom XML part. The error names what
/// in the reference document could not be used.
pub fn write(
    brief: &Brief,
    reference: &Reference,
    figure: Option<&Figure>,
    manifest: &[u8],
) -> Result<Vec<u8>, String> {
    let figure = figure.filter(|_| brief.timeline.has_dated && brief.claim_count > 0);
    let styles = styles::fit(&reference.styles, &brief.language)?;
    let (document, links) = body::Body::new(brief).write(figure, &reference.page);
    let mut rels = vec![
        Rel::new("rIdStyles", "styles", "styles.xml"),
        Rel::new("rIdSettings", "settings", "settings.xml"),
        Rel::new("rIdHeader", "header", "header1.xml"),
        Rel::new("rIdFooter", "footer", "footer1.xml"),
        Rel::new("rIdManifest", "customXml", "../customXml/item1.xml"),
    ];
    let mut parts = vec![
        PackagePart::new(
            "word/document.xml",
            Some(&format!("{WORDML}document.main+xml")),
            document,
        ),
        PackagePart::new(
            "word/styles.xml",
            Some(&format!("{WORDML}styles+xml")),
            styles,
        ),
        PackagePart::new(
            "word/settings.xml",
            Some(&format!("{WORDML}settings+xml")),
            settings(&brief.language),
        ),
        PackagePart::new(
            "word/header1.xml",
            Some(&format!("{WORDML}header+xml")),
            body::header(brief),
        ),
        PackagePart::new(
            "word/footer1.xml",
            Some(&format!("{WORDML}footer+xml")),
            body::footer(brief),
        ),
    ];
    let copied = [
        (
            &reference.theme,
            "rIdTheme",
            "theme",
            "theme/theme1.xml",
            "application/vnd.openxmlformats-officedocument.theme+xml".to_string(),
        ),
        (
            &reference.numbering,
            "rIdNumbering",
            "numbering",
            "numbering.xml",
            format!("{WORDML}numbering+xml"),
        ),
        (
            &reference.font_table,
            "rIdFontTable",
            "fontTable",
            "fontTable.xml",
            format!("{WORDML}fontTable+xml"),
        ),
    ];
    for (bytes, id, kind, target, content_type) in copied {
        if let Some(bytes) = bytes {
            rels.push(Rel::new(id, kind, target));
            parts.push(PackagePart::new(
                &format!("word/{target}"),
                Some(&content_type),
                bytes.clone(),
            ));
        }
    }
    if let Some(figure) = figure {
        rels.push(Rel::new(body::FIGURE_REL, "image", "media/timeline.png"));
        parts.push(PackagePart::new(
            "word/media/timeline.png",
            None,
            figure.png.clone(),
        ));
    }
    for (index, link) in links.iter().enumerate() {
        rels.push(Rel {
            external: true,
            ..Rel::new(&body::link_rel(index), "hyperlink", link)
        });
    }
    parts.push(PackagePart::new(
        "word/_rels/document.xml.rels",
        None,
        relationships(&rels),
    ));
    parts.extend(manifest_parts(brief, manifest));
    parts.extend(properties(brief));
    package(parts, &brief.date)
}

/// `word/settings.xml`: the language Word checks spelling in and the
/// compatibility mode of current Word.
fn settings(language: &str) -> String {
    let mut xml = xml::Xml::new();
    xml.open("w:settings", &[("xmlns:w", styles::W)])
        .empty("w:defaultTabStop", &[("w:val", "709")])
        .empty("w:characterSpacingControl", &[("w:val", "doNotCompress")])
        .open("w:compat", &[])
        .empty(
            "w:compatSetting",
            &[
                ("w:name", "compatibilityMode"),
                ("w:uri", "http://schemas.microsoft.com/office/word"),
                ("w:val", "15"),
            ],
        )
        .close("w:compat")
        .empty("w:themeFontLang", &[("w:val", language)])
        .close("w:settings");
    xml.finish()
}

fn relationships(rels: &[Rel]) -> String {
    let mut xml = xml::Xml::new();
    xml.open("Relationships", &[("xmlns", PACKAGE_RELS)]);
    for rel in rels {
        let kind = if rel.kind.starts_with("http") {
            rel.kind.to_string()
        } else {
            format!("{RELS}{}", rel.kind)
        };
        let mut attributes = vec![
            ("Id", rel.id.as_str()),
            ("Type", kind.as_str()),
            ("Target", rel.target.as_str()),
        ];
        if rel.external {
            attributes.push(("TargetMode", "External"));
        }
        xml.empty("Relationship", &attributes);
    }
    xml.close("Relationships");
    xml.finish()
}

/// The manifest as a custom XML part (`customXml/item1.xml`, with its
/// properties part), which Word keeps when it saves the file.
fn manifest_parts(brief: &Brief, manifest: &[u8]) -> Vec<PackagePart> {
    let mut item = xml::Xml::new();
    item.element(
        "manifest",
        &[("xmlns", MANIFEST_NS)],
        &String::from_utf8_lossy(manifest),
    );
    // A stable item id, derived from the dossier as the PDF's document id is.
    let item_id = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("urn:clerk:manifest:{}", brief.id).as_bytes(),
    );
    let mut props = xml::Xml::new();
    props
        .open(
            "ds:datastoreItem",
            &[
                (
                    "ds:itemID",
                    &format!("{{{}}}", item_id.to_string().to_uppercase()),
                ),
                (
                    "xmlns:ds",
                    "http://schemas.openxmlformats.org/officeDocument/2006/customXml",
                ),
            ],
        )
        .open("ds:schemaRefs", &[])
        .empty("ds:schemaRef", &[("ds:uri", MANIFEST_NS)])
        .close("ds:schemaRefs")
        .close("ds:datastoreItem");
    vec![
        PackagePart::new("customXml/item1.xml", None, item.finish()),
        PackagePart::new(
            "customXml/itemProps1.xml",
            Some("application/vnd.openxmlformats-officedocument.customXmlProperties+xml"),
            props.finish(),
        ),
        PackagePart::new(
            "customXml/_rels/item1.xml.rels",
            None,
            relationships(&[Rel::new("rId1", "customXmlProps", "itemProps1.xml")]),
        ),
    ]
}

/// The package relationships and the document properties: title,
/// subject, authors, keywords, language and the brief's date (so the
/// same inputs give the same bytes).
fn properties(brief: &Brief) -> Vec<PackagePart> {
    let date = format!("{}T00:00:00Z", brief.date);
    let mut core = xml::Xml::new();
    core.open(
        "cp:coreProperties",
        &[
            (
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    )
    .element("dc:title", &[], &brief.title);
    if let Some(subtitle) = &brief.subtitle {
        core.element("dc:subject", &[], subtitle);
    }
    if !brief.authors.is_empty() {
        core.element("dc:creator", &[], &brief.authors.join("; "));
    }
    core.element("cp:keywords", &[], &brief.keywords.join(", "))
        .element("dc:language", &[], &brief.language)
        .element("dcterms:created", &[("xsi:type", "dcterms:W3CDTF")], &date)
        .element("dcterms:modified", &[("xsi:type", "dcterms:W3CDTF")], &date)
        .close("cp:coreProperties");
    let mut app = xml::Xml::new();
    app.open(
        "Properties",
        &[(
            "xmlns",
            "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        )],
    )
    .element(
        "Application",
        &[],
        &format!("clerk {}", brief.clerk_version),
    )
    .close("Properties");
    let package_rels = [
        Rel::new("rId1", "officeDocument", "word/document.xml"),
        Rel::new(
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        ),
        Rel::new("rId3", "extended-properties", "docProps/app.xml"),
    ];
    vec![
        PackagePart::new(
            "docProps/core.xml",
            Some("application/vnd.openxmlformats-package.core-properties+xml"),
            core.finish(),
        ),
        PackagePart::new(
            "docProps/app.xml",
            Some("application/vnd.openxmlformats-officedocument.extended-properties+xml"),
            app.finish(),
        ),
        PackagePart::new("_rels/.rels", None, relationships(&package_rels)),
    ]
}

/// The zip of `parts`, `[Content_Types].xml` first, every entry dated
/// `date` (the brief's, ISO) and compressed the same way.
fn package(parts: Vec<PackagePart>, date: &str) -> Result<Vec<u8>, String> {
    let mut types = xml::Xml::new();
    types
        .open(
            "Types",
            &[(
                "xmlns",
                "http://schemas.openxmlformats.org/package/2006/content-types",
            )],
        )
        .empty(
            "Default",
            &[
                ("Extension", "rels"),
                (
                    "ContentType",
                    "application/vnd.openxmlformats-package.relationships+xml",
                ),
            ],
        )
        .empty(
            "Default",
            &[("Extension", "xml"), ("ContentType", "application/xml")],
        )
        .empty(
            "Default",
            &[("Extension", "png"), ("ContentType", "image/png")],
        );
    for part in &parts {
        if let Some(content_type) = &part.content_type {
            types.empty(
                "Override",
                &[
                    ("PartName", &format!("/{}", part.name)),
                    ("ContentType", content_type),
                ],
            );
        }
    }
    types.close("Types");
    let (year, month, day) = parse_date(date).ok_or_else(|| format!("no date `{date}`"))?;
    let stamp = zip::DateTime::from_date_and_time(year, month, day, 0, 0, 0)
        .map_err(|_| format!("the date {date} cannot date a zip entry (before 1980)"))?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut add = |name: &str, bytes: &[u8]| -> Result<(), String> {
        zip.start_file(name, options)
            .and_then(|()| zip.write_all(bytes).map_err(Into::into))
            .map_err(|e| format!("cannot write `{name}` ({e})"))
    };
    add("[Content_Types].xml", types.finish().as_bytes())?;
    for part in &parts {
        add(&part.name, &part.bytes)?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| format!("cannot finish the package ({e})"))?;
    Ok(cursor.into_inner())
}

/// `2025-04-01` as numbers; zip dates start in 1980, so an earlier brief
/// is dated 1 January 1980.
fn parse_date(date: &str) -> Option<(u16, u8, u8)> {
    let mut parts = date.splitn(3, '-');
    let year: u16 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Some(if year < 1980 {
        (1980, 1, 1)
    } else {
        (year, month, day)
    })
}

/// Why a file's manifest cannot be read out of it as a Word document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoManifest {
    /// Not a zip archive, or a damaged one.
    Damaged(String),
    /// A Word document without clerk's custom XML part.
    NotAttached,
}

/// Whether `bytes` look like a Word document (a zip archive) rather than
/// a PDF.
pub fn is_package(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The manifest (JSON bytes) a Word edition carries in its custom XML.
pub fn read_manifest(docx: &[u8]) -> Result<Vec<u8>, NoManifest> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx))
        .map_err(|e| NoManifest::Damaged(e.to_string()))?;
    let names: Vec<String> = (0..zip.len())
        .filter_map(|i| Some(zip.name_for_index(i)?.ok()?.into_owned()))
        .filter(|n| n.starts_with("customXml/") && n.ends_with(".xml") && !n.contains("itemProps"))
        .collect();
    for name in names {
        let mut text = String::new();
        let read = zip
            .by_name(&name)
            .map_err(|e| e.to_string())
            .and_then(|file| {
                file.take(64 * 1024 * 1024)
                    .read_to_string(&mut text)
                    .map_err(|e| e.to_string())
            });
        if let Err(error) = read {
            return Err(NoManifest::Damaged(format!("`{name}`: {error}")));
        }
        let Ok(document) = roxmltree::Document::parse(&text) else {
            continue;
        };
        let root = document.root_element();
        if root.has_tag_name((MANIFEST_NS, "manifest")) {
            return Ok(root.text().unwrap_or_default().as_bytes().to_vec());
        }
    }
    Err(NoManifest::NotAttached)
}

/// Typst markup that draws the brief's timeline alone on a page of its
/// size, as the built-in PDF template draws it: the Word edition's
/// picture. `None` when there is nothing to draw.
pub fn timeline_markup(brief: &Brief) -> Option<String> {
    use crate::render::{escape_markup as text, string_literal as string};
    let timeline = &brief.timeline;
    if !timeline.has_dated || brief.claim_count == 0 {
        return None;
    }
    let mut m = String::new();
    m.push_str(&format!(
        "#set page(width: {w}pt + 8pt, height: {h}pt + 8pt, margin: 4pt, fill: white)\n#set text(font: \"Libertinus Serif\", size: 7pt, lang: {lang})\n",
        w = timeline.width,
        h = timeline.height,
        lang = string(&brief.lang),
    ));
    m.push_str(TIMELINE_PRELUDE);
    m.push_str(&format!(
        "#block(width: {}pt, height: {}pt)[\n",
        timeline.width, timeline.height
    ));
    for tick in &timeline.ticks {
        m.push_str(&format!(
            "#place(line(start: ({x}pt, 0pt), end: ({x}pt, {y}pt), stroke: 0.3pt + luma(215)))\n",
            x = tick.x,
            y = timeline.axis_y
        ));
    }
    for band in &timeline.bands {
        m.push_str(&format!(
            "#place(line(start: (0pt, {y}pt), end: ({w}pt, {y}pt), stroke: 0.4pt + luma(190)))\n#mark({kind}, {shape}, 2pt, {hy}pt - 4pt)\n",
            y = band.y, w = timeline.width, kind = string(&band.kind), shape = string(&band.shape), hy = band.heading_y,
        ));
        for line in &band.title_lines {
            m.push_str(&format!(
                "#label-at(14pt, {}pt, text(weight: \"bold\", fill: muted)[{}])\n",
                line.y,
                text(&line.text)
            ));
        }
    }
    m.push_str(&format!(
        "#place(line(start: ({l}pt, {y}pt), end: ({r}pt, {y}pt), stroke: 0.6pt + muted))\n",
        l = timeline.plot_left,
        r = timeline.plot_right,
        y = timeline.axis_y
    ));
    for tick in &timeline.ticks {
        m.push_str(&format!(
            "#place(line(start: ({x}pt, {y}pt), end: ({x}pt, {y}pt + 3pt), stroke: 0.6pt + muted))\n#place(dx: {x}pt - 30pt, dy: {y}pt + 6pt, box(width: 60pt, align(center, text(fill: muted)[{date}])))\n",
            x = tick.x, y = timeline.axis_y, date = text(&tick.date)
        ));
    }
    for link in &timeline.links {
        m.push_str(&format!(
            "#place(curve(stroke: 0.5pt + luma(120), curve.move(({}pt, {}pt)), curve.cubic(({}pt, {}pt), ({}pt, {}pt), ({}pt, {}pt))))\n#place(polygon(fill: luma(120), stroke: none, {}))\n",
            link.x1, link.y1, link.cx1, link.cy1, link.cx2, link.cy2, link.x2, link.y2,
            link.arrow.iter().map(|p| format!("({}pt, {}pt), ", p.x, p.y)).collect::<String>()
        ));
    }
    for marker in &timeline.markers {
        m.push_str(&format!(
            "#mark({}, {}, {}pt, {}pt)\n#label-at({}pt, {}pt)[{}]\n",
            string(&marker.kind),
            string(&marker.shape),
            marker.left,
            marker.top,
            marker.label_x,
            marker.y,
            text(&marker.number)
        ));
    }
    m.push_str("]\n");
    Some(m)
}

/// The shapes and colours of the built-in PDF template's timeline.
const TIMELINE_PRELUDE: &str = r##"#let muted = luma(90)
#let kind-fill = (
  allegation: rgb("#a4262c"),
  denial: rgb("#0f5c8a"),
  official-position: rgb("#5c3d8f"),
)
#let mark(kind, shape, dx, dy) = place(dx: dx, dy: dy, {
  let fill = kind-fill.at(kind, default: muted)
  if shape == "circle" { circle(radius: 4pt, fill: fill, stroke: none) }
  else if shape == "square" { rect(width: 8pt, height: 8pt, fill: fill, stroke: none) }
  else { polygon(fill: fill, stroke: none, (4pt, 0pt), (8pt, 4pt), (4pt, 8pt), (0pt, 4pt)) }
})
#let label-at(dx, y, body) = place(dx: dx, dy: y - 2.4pt, body)
"##;

/// The size at which the timeline shows in the Word edition, in points:
/// its page (figure and margins), scaled as the PDF scales it.
pub fn figure_size(brief: &Brief) -> (f64, f64) {
    let timeline = &brief.timeline;
    let scale = timeline.pdf_scale / 100.0;
    (
        (timeline.width + 8.0) * scale,
        (timeline.height + 8.0) * scale,
    )
}

/// clerk's built-in reference document (`clerk template reference-docx`):
/// its styles and page set-up, with a sample paragraph in each style to
/// edit in Word and save as `templates/reference.docx`.
pub fn builtin_reference() -> Result<Vec<u8>, String> {
    let reference = Reference::builtin();
    let sample = body::sample(&reference.page);
    let rels = vec![
        Rel::new("rIdStyles", "styles", "styles.xml"),
        Rel::new("rIdSettings", "settings", "settings.xml"),
        Rel::new("rIdHeader", "header", "header1.xml"),
        Rel::new("rIdFooter", "footer", "footer1.xml"),
    ];
    let brief_less = body::sample_furniture();
    let mut parts = vec![
        PackagePart::new(
            "word/document.xml",
            Some(&format!("{WORDML}document.main+xml")),
            sample,
        ),
        PackagePart::new(
            "word/styles.xml",
            Some(&format!("{WORDML}styles+xml")),
            reference.styles,
        ),
        PackagePart::new(
            "word/settings.xml",
            Some(&format!("{WORDML}settings+xml")),
            settings("en"),
        ),
        PackagePart::new(
            "word/header1.xml",
            Some(&format!("{WORDML}header+xml")),
            brief_less.0,
        ),
        PackagePart::new(
            "word/footer1.xml",
            Some(&format!("{WORDML}footer+xml")),
            brief_less.1,
        ),
        PackagePart::new("word/_rels/document.xml.rels", None, relationships(&rels)),
    ];
    let package_rels = [Rel::new("rId1", "officeDocument", "word/document.xml")];
    parts.push(PackagePart::new(
        "_rels/.rels",
        None,
        relationships(&package_rels),
    ));
    package(parts, "1980-01-01")
}
