//! Word documents (`.docx`): the main document part in reading order,
//! list and heading numbers computed from `numbering.xml` as Word shows
//! them, tracked changes accepted, fields as their shown result, then the
//! footnotes and endnotes; and `docProps` for `clerk add`.

use std::collections::HashMap;

use roxmltree::Node;

use super::{Layout, OfficeError, Package, format_number, other_package, parse};
use crate::documents::Extracted;
use crate::metadata::Metadata;

const LEGACY: &str = "a Word 97–2003 document (.doc), not a .docx";

/// The text of a Word document.
pub fn docx(bytes: &[u8], limit: u64) -> Result<Extracted, OfficeError> {
    Ok(read(bytes, limit)?.0.finish())
}

/// The record fields a Word document gives: `docProps/core.xml` (title,
/// creator, created, language), `docProps/app.xml` (company as
/// publisher), and for an empty title the Title-styled or first heading
/// paragraph.
pub fn docx_metadata(bytes: &[u8], limit: u64) -> Metadata {
    let Ok(mut package) = Package::open(bytes, limit, LEGACY, "docx") else {
        return Metadata::default();
    };
    let mut found = Metadata::default();
    super::part_metadata(
        &mut package,
        &mut found,
        "docProps/core.xml",
        &[
            ("title", "title"),
            ("creator", "author"),
            ("created", "published"),
            ("language", "language"),
        ],
    );
    super::part_metadata(
        &mut package,
        &mut found,
        "docProps/app.xml",
        &[("Company", "publisher")],
    );
    if found.title.is_none()
        && let Ok((_, walker)) = read(bytes, limit)
    {
        found.title = super::body_title(walker.title, walker.heading);
    }
    found
}

/// The parts of a Word package, by relationship type.
struct Parts {
    document: String,
    footnotes: Option<String>,
    endnotes: Option<String>,
    numbering: Option<String>,
    styles: Option<String>,
    settings: Option<String>,
}

fn parts(package: &mut Package<'_>) -> Result<Parts, OfficeError> {
    let mut document = "word/document.xml".to_string();
    if let Some(rels) = package.xml("_rels/.rels")? {
        let rels = parse("_rels/.rels", &rels)?;
        if let Some(target) = relationship(&rels, "/officeDocument") {
            document = target.trim_start_matches('/').to_string();
        }
    }
    if !package.has(&document) {
        return Err(other_package(package).unwrap_or_else(|| {
            if package.has("content.xml") {
                OfficeError::OtherKind("an OpenDocument file", "odt")
            } else {
                OfficeError::Damaged(format!("it has no `{document}`: it is no Word document"))
            }
        }));
    }
    let (folder, name) = document.rsplit_once('/').unwrap_or(("", &document));
    let rels_name = format!("{folder}/_rels/{name}.rels");
    let mut named = HashMap::new();
    if let Some(rels) = package.xml(&rels_name)? {
        let rels = parse(&rels_name, &rels)?;
        for kind in ["footnotes", "endnotes", "numbering", "styles", "settings"] {
            if let Some(target) = relationship(&rels, &format!("/{kind}")) {
                let path = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_string(),
                    None if folder.is_empty() => target.to_string(),
                    None => format!("{folder}/{target}"),
                };
                named.insert(kind, path);
            }
        }
    }
    let mut part = |kind: &str| -> Result<Option<String>, OfficeError> {
        match named.get(kind) {
            Some(path) => package.xml(path),
            None => Ok(None),
        }
    };
    Ok(Parts {
        footnotes: part("footnotes")?,
        endnotes: part("endnotes")?,
        numbering: part("numbering")?,
        styles: part("styles")?,
        settings: part("settings")?,
        document: package.xml(&document)?.unwrap_or_default(),
    })
}

/// The target of the first relationship whose type ends with `kind`.
fn relationship<'a>(rels: &'a roxmltree::Document<'_>, kind: &str) -> Option<&'a str> {
    rels.root_element()
        .children()
        .filter(|n| n.has_tag_name_local("Relationship"))
        .find(|n| n.attribute("Type").is_some_and(|t| t.ends_with(kind)))
        .and_then(|n| n.attribute("Target"))
}

/// Elements and attributes by local name, whatever their prefix.
trait Local<'a, 'input>: Sized {
    fn has_tag_name_local(&self, local: &str) -> bool;
    fn local(&self) -> &'input str;
    fn attr(&self, local: &str) -> Option<&'a str>;
    fn child(&self, local: &str) -> Option<Self>;
}

impl<'a, 'input> Local<'a, 'input> for Node<'a, 'input> {
    fn has_tag_name_local(&self, local: &str) -> bool {
        self.is_element() && self.tag_name().name() == local
    }
    fn local(&self) -> &'input str {
        if self.is_element() {
            self.tag_name().name()
        } else {
            ""
        }
    }
    fn attr(&self, local: &str) -> Option<&'a str> {
        self.attributes()
            .find(|a| a.name() == local)
            .map(|a| a.value())
    }
    fn child(&self, local: &str) -> Option<Self> {
        self.children().find(|n| n.has_tag_name_local(local))
    }
}

fn val<'a>(node: Node<'a, '_>, child: &str) -> Option<&'a str> {
    node.child(child).and_then(|c| c.attr("val"))
}

fn read(bytes: &[u8], limit: u64) -> Result<(Layout, Walker), OfficeError> {
    let mut package = Package::open(bytes, limit, LEGACY, "docx")?;
    let parts = parts(&mut package)?;
    let document = parse("the main document", &parts.document)?;
    let styles = match &parts.styles {
        Some(text) => Styles::read(&parse("styles.xml", text)?),
        None => Styles::default(),
    };
    let numbering = match &parts.numbering {
        Some(text) => Numbering::read(&parse("numbering.xml", text)?),
        None => Numbering::default(),
    };
    let settings = match &parts.settings {
        Some(text) => Some(parse("settings.xml", text)?),
        None => None,
    };
    let mut walker = Walker {
        styles,
        numbering,
        ..Walker::default()
    };
    let mut layout = Layout::default();
    let body = document
        .root_element()
        .child("body")
        .ok_or_else(|| OfficeError::Damaged("the main document has no body".into()))?;
    walker.blocks(body, &mut layout);
    // Notes follow the body, footnotes first, each in the order of its
    // first reference, marked as the document marks it.
    let section = body.child("sectPr");
    for (kind, text, references, default) in [
        ("footnote", &parts.footnotes, &walker.footnotes, "decimal"),
        ("endnote", &parts.endnotes, &walker.endnotes, "lowerRoman"),
    ] {
        let Some(text) = text else { continue };
        let notes = parse(&format!("{kind}s.xml"), text)?;
        let properties = format!("{kind}Pr");
        let setting = [section, settings.as_ref().map(|s| s.root_element())]
            .into_iter()
            .flatten()
            .find_map(|n| n.child(&properties));
        let format = setting.and_then(|p| val(p, "numFmt")).unwrap_or(default);
        let start: u32 = setting
            .and_then(|p| val(p, "numStart"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let by_id: HashMap<&str, Node<'_, '_>> = notes
            .root_element()
            .children()
            .filter(|n| n.has_tag_name_local(kind))
            .filter_map(|n| Some((n.attr("id")?, n)))
            .collect();
        for (i, id) in references.iter().enumerate() {
            let Some(note) = by_id.get(id.as_str()) else {
                continue;
            };
            let mut note_layout = Layout::default();
            let mut inner = Walker {
                styles: walker.styles.clone(),
                ..Walker::default()
            };
            inner.blocks(*note, &mut note_layout);
            let paragraphs: Vec<String> = note_layout
                .text
                .split("\n\n")
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect();
            let mark = format_number(start + i as u32, format);
            layout.note(&mark, &paragraphs);
        }
    }
    Ok((layout, walker))
}

/// Paragraph styles: what each is based on, the numbering it carries and
/// whether it is a title or heading.
#[derive(Debug, Default, Clone)]
struct Styles {
    styles: HashMap<String, Style>,
}

#[derive(Debug, Default, Clone)]
struct Style {
    based_on: Option<String>,
    num_id: Option<String>,
    level: Option<usize>,
    name: String,
    outline: bool,
}

impl Styles {
    fn read(document: &roxmltree::Document<'_>) -> Styles {
        let mut styles = HashMap::new();
        for style in document
            .root_element()
            .children()
            .filter(|n| n.has_tag_name_local("style"))
        {
            let Some(id) = style.attr("styleId") else {
                continue;
            };
            let properties = style.child("pPr");
            let numbering = properties.and_then(|p| p.child("numPr"));
            styles.insert(
                id.to_string(),
                Style {
                    based_on: val(style, "basedOn").map(str::to_string),
                    num_id: numbering.and_then(|n| val(n, "numId")).map(str::to_string),
                    level: numbering
                        .and_then(|n| val(n, "ilvl"))
                        .and_then(|v| v.parse().ok()),
                    name: val(style, "name").unwrap_or(id).to_ascii_lowercase(),
                    outline: properties.and_then(|p| p.child("outlineLvl")).is_some(),
                },
            );
        }
        Styles { styles }
    }

    /// The style and the ones it is based on, nearest first.
    fn chain<'s>(&'s self, id: &str) -> impl Iterator<Item = (&'s str, &'s Style)> {
        let mut next = Some(id.to_string());
        let mut seen = 0;
        std::iter::from_fn(move || {
            let id = next.take()?;
            seen += 1;
            // A loop of `basedOn` is broken, not followed.
            if seen > 20 {
                return None;
            }
            let (key, style) = self.styles.get_key_value(&id)?;
            next = style.based_on.clone();
            Some((key.as_str(), style))
        })
    }
}

/// `numbering.xml`: the list definitions, and the counters as the
/// document is read.
#[derive(Debug, Default)]
struct Numbering {
    /// `numId` → its abstract definition and start overrides by level.
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
    abstracts: HashMap<String, Vec<Level>>,
    /// Counters of each abstract definition, by level.
    counters: HashMap<String, [Option<u32>; 9]>,
    /// `numId`s met so far (a start override applies at the first).
    started: Vec<String>,
}

#[derive(Debug, Default, Clone)]
struct Level {
    start: u32,
    format: String,
    text: String,
    /// `lvlRestart`: restart after a use of this level (1-based) or a
    /// higher one; 0 never restarts. `None`: after any higher level.
    restart: Option<usize>,
    style: Option<String>,
    legal: bool,
}

impl Numbering {
    fn read(document: &roxmltree::Document<'_>) -> Numbering {
        let mut numbering = Numbering::default();
        let root = document.root_element();
        for abstract_num in root
            .children()
            .filter(|n| n.has_tag_name_local("abstractNum"))
        {
            let Some(id) = abstract_num.attr("abstractNumId") else {
                continue;
            };
            let mut levels = vec![Level::default(); 9];
            for (i, level) in levels.iter_mut().enumerate() {
                level.start = 1;
                level.format = "decimal".into();
                level.text = format!("%{}.", i + 1);
            }
            for lvl in abstract_num
                .children()
                .filter(|n| n.has_tag_name_local("lvl"))
            {
                let Some(index) = lvl.attr("ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                    continue;
                };
                let Some(level) = levels.get_mut(index) else {
                    continue;
                };
                if let Some(start) = val(lvl, "start").and_then(|v| v.parse().ok()) {
                    level.start = start;
                }
                if let Some(format) = val(lvl, "numFmt") {
                    level.format = format.to_string();
                }
                // An empty `lvlText` shows no number.
                if let Some(text) = lvl.child("lvlText") {
                    level.text = text.attr("val").unwrap_or("").to_string();
                }
                level.restart = val(lvl, "lvlRestart").and_then(|v| v.parse().ok());
                level.style = val(lvl, "pStyle").map(str::to_string);
                level.legal = lvl
                    .child("isLgl")
                    .is_some_and(|n| !matches!(n.attr("val"), Some("0" | "false")));
            }
            numbering.abstracts.insert(id.to_string(), levels);
        }
        for num in root.children().filter(|n| n.has_tag_name_local("num")) {
            let (Some(id), Some(abstract_id)) = (num.attr("numId"), val(num, "abstractNumId"))
            else {
                continue;
            };
            let overrides = num
                .children()
                .filter(|n| n.has_tag_name_local("lvlOverride"))
                .filter_map(|o| {
                    let level = o.attr("ilvl")?.parse().ok()?;
                    let start = val(o, "startOverride")?.parse().ok()?;
                    Some((level, start))
                })
                .collect();
            numbering
                .nums
                .insert(id.to_string(), (abstract_id.to_string(), overrides));
        }
        numbering
    }

    /// The level a style's paragraphs take in a list that names no level:
    /// the one linked to the style.
    fn level_of_style(&self, num_id: &str, style: &str) -> Option<usize> {
        let (abstract_id, _) = self.nums.get(num_id)?;
        self.abstracts
            .get(abstract_id)?
            .iter()
            .position(|l| l.style.as_deref() == Some(style))
    }

    /// Counts a paragraph of list `num_id` at `level` and gives its number
    /// as shown (`None` for a bullet or an unknown list).
    fn next(&mut self, num_id: &str, level: usize) -> Option<String> {
        let (abstract_id, overrides) = self.nums.get(num_id)?.clone();
        let levels = self.abstracts.get(&abstract_id)?.clone();
        let level = level.min(8);
        let counters = self.counters.entry(abstract_id).or_insert([None; 9]);
        if !self.started.iter().any(|n| n == num_id) {
            self.started.push(num_id.to_string());
            for (overridden, start) in overrides {
                if let Some(counter) = counters.get_mut(overridden) {
                    // The next paragraph at that level shows `start`.
                    *counter = Some(start.saturating_sub(1));
                }
            }
        }
        counters[level] = Some(match counters[level] {
            Some(n) => n.saturating_add(1),
            None => levels[level].start,
        });
        for (deeper, counter) in counters.iter_mut().enumerate().skip(level + 1) {
            let restarts = match levels[deeper].restart {
                None => true,
                Some(0) => false,
                Some(after) => level < after,
            };
            if restarts {
                *counter = None;
            }
        }
        let definition = &levels[level];
        if definition.format == "bullet" || definition.format == "none" {
            return None;
        }
        let mut shown = String::new();
        let mut chars = definition.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(digit) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let referenced = (digit as usize).saturating_sub(1).min(8);
                let value = counters[referenced].unwrap_or(levels[referenced].start);
                let format = if definition.legal {
                    "decimal"
                } else {
                    levels[referenced].format.as_str()
                };
                shown.push_str(&format_number(value, format));
            } else {
                shown.push(c);
            }
        }
        Some(shown)
    }
}

/// Walks the document's XML, laying out its text.
#[derive(Default)]
struct Walker {
    styles: Styles,
    numbering: Numbering,
    /// Open fields: whether each shows its result yet (after `separate`).
    fields: Vec<bool>,
    /// Note ids in the order of their first reference.
    footnotes: Vec<String>,
    endnotes: Vec<String>,
    /// The first Title-styled paragraph's text, and the first heading's.
    title: Option<String>,
    heading: Option<String>,
}

impl Walker {
    /// Block-level content: paragraphs, tables row by row and cell by
    /// cell, content controls.
    fn blocks(&mut self, node: Node<'_, '_>, layout: &mut Layout) {
        for child in node.children().filter(Node::is_element) {
            match child.local() {
                "p" => self.paragraph(child, layout),
                "sectPr" | "tblPr" | "tblGrid" | "trPr" | "tcPr" | "sdtPr" | "sdtEndPr" | "del"
                | "moveFrom" | "Fallback" => {}
                _ => self.blocks(child, layout),
            }
        }
    }

    fn paragraph(&mut self, node: Node<'_, '_>, layout: &mut Layout) {
        let mut text = String::new();
        let mut boxes = Vec::new();
        self.inline(node, &mut text, &mut boxes);
        let properties = node.child("pPr");
        let style = properties.and_then(|p| val(p, "pStyle"));
        let number = self.number(properties, style);
        let shown = text.trim();
        if let Some(style) = style.and_then(|s| self.styles.chain(s).next()) {
            let (_, style) = style;
            if !shown.is_empty() {
                if style.name == "title" && self.title.is_none() {
                    self.title = Some(shown.to_string());
                }
                if (style.name.starts_with("heading") || style.outline) && self.heading.is_none() {
                    self.heading = Some(shown.to_string());
                }
            }
        }
        layout.paragraph(&text, number.as_deref());
        // A text box is read after the paragraph it is anchored in.
        for text_box in boxes {
            self.blocks(text_box, layout);
        }
    }

    /// The paragraph's number, counting it in its list.
    fn number(&mut self, properties: Option<Node<'_, '_>>, style: Option<&str>) -> Option<String> {
        let direct = properties.and_then(|p| p.child("numPr"));
        let mut num_id = direct.and_then(|n| val(n, "numId")).map(str::to_string);
        let mut level = direct
            .and_then(|n| val(n, "ilvl"))
            .and_then(|v| v.parse::<usize>().ok());
        if num_id.is_none()
            && let Some(style) = style
        {
            for (id, defined) in self.styles.chain(style) {
                if let Some(found) = &defined.num_id {
                    num_id = Some(found.clone());
                    level = level
                        .or(defined.level)
                        .or_else(|| self.numbering.level_of_style(found, id));
                    break;
                }
            }
        }
        let num_id = num_id.filter(|id| id != "0")?;
        self.numbering.next(&num_id, level.unwrap_or(0))
    }

    /// Inline content: runs and what holds them. Text boxes found are
    /// kept for after the paragraph.
    fn inline<'a, 'i>(
        &mut self,
        node: Node<'a, 'i>,
        text: &mut String,
        boxes: &mut Vec<Node<'a, 'i>>,
    ) {
        for child in node.children().filter(Node::is_element) {
            let shown = self.fields.iter().all(|result| *result);
            match child.local() {
                "pPr" | "rPr" | "del" | "moveFrom" | "delText" | "instrText" | "Fallback"
                | "commentReference" | "annotationRef" => {}
                "r" if hidden(child) => {}
                "t" if shown => text.extend(child.children().filter_map(|t| t.text())),
                "tab" if shown => text.push('\t'),
                "br" | "cr" if shown => text.push('\n'),
                "noBreakHyphen" if shown => text.push('-'),
                "fldChar" => match child.attr("fldCharType") {
                    Some("begin") => self.fields.push(false),
                    Some("separate") => {
                        if let Some(last) = self.fields.last_mut() {
                            *last = true;
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                },
                "footnoteReference" => note_reference(&mut self.footnotes, child),
                "endnoteReference" => note_reference(&mut self.endnotes, child),
                "txbxContent" => boxes.push(child),
                _ => self.inline(child, text, boxes),
            }
        }
    }
}

fn note_reference(references: &mut Vec<String>, node: Node<'_, '_>) {
    if let Some(id) = node.attr("id")
        && !references.iter().any(|r| r == id)
    {
        references.push(id.to_string());
    }
}

/// Whether a run is hidden text (`w:vanish`), which Word does not show.
fn hidden(run: Node<'_, '_>) -> bool {
    run.child("rPr")
        .and_then(|p| p.child("vanish"))
        .is_some_and(|v| !matches!(v.attr("val"), Some("0" | "false" | "off")))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn package(parts: &[(&str, String)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, text) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn paragraph(num: Option<(u32, u32)>, runs: &str) -> String {
        let numbering = num.map_or(String::new(), |(id, level)| {
            format!("<w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{id}\"/></w:numPr></w:pPr>")
        });
        format!("<w:p>{numbering}{runs}</w:p>")
    }

    fn run(text: &str) -> String {
        format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
    }

    #[test]
    fn numbers_fields_hidden_text_and_text_boxes() {
        let numbering = format!(
            "<w:numbering {W}><w:abstractNum w:abstractNumId=\"0\">\
             <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl>\
             <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerRoman\"/><w:lvlText w:val=\"%1.%2\"/><w:isLgl/></w:lvl>\
             <w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"•\"/></w:lvl>\
             </w:abstractNum>\
             <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
             <w:num w:numId=\"2\"><w:abstractNumId w:val=\"0\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"4\"/></w:lvlOverride></w:num>\
             </w:numbering>"
        );
        let body = [
            paragraph(Some((1, 0)), &run("First")),
            paragraph(Some((1, 1)), &run("Under first")),
            paragraph(Some((1, 1)), &run("Again")),
            paragraph(Some((1, 2)), &run("A bullet")),
            paragraph(Some((1, 0)), &run("Second")),
            paragraph(Some((2, 0)), &run("Restarted at four")),
            paragraph(
                None,
                &format!(
                    "{}<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>\
                     <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>{}<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\
                     <w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>{}",
                    run("Dated "),
                    run("3 March 2024"),
                    run(".")
                ),
            ),
            paragraph(
                None,
                &format!(
                    "{}<w:r><w:drawing><w:txbxContent><w:p>{}</w:p></w:txbxContent></w:drawing></w:r>",
                    run("Anchor"),
                    run("In the box")
                ),
            ),
        ]
        .concat();
        let document = format!("<w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>");
        let rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
            <Relationship Id=\"r1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
            </Relationships>";
        let bytes = package(&[
            ("word/document.xml", document),
            ("word/numbering.xml", numbering),
            ("word/_rels/document.xml.rels", rels.to_string()),
        ]);
        let extracted = docx(&bytes, 1 << 20).unwrap();
        assert_eq!(
            extracted.text,
            "I. First\n\n1.1 Under first\n\n1.2 Again\n\nA bullet\n\nII. Second\n\nIV. Restarted at four\n\nDated 3 March 2024.\n\nAnchor\n\nIn the box"
        );
        let numbers: Vec<&str> = extracted.numbers.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(numbers, ["I", "1.1", "1.2", "II", "IV"]);
    }
}
