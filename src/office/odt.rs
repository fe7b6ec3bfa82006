//! OpenDocument text (`.odt`): `content.xml` in reading order, list and
//! heading numbers as shown (the number LibreOffice last showed, else
//! computed from the list and outline styles), tracked deletions left
//! out, then the footnotes and endnotes; and `meta.xml` for `clerk add`.

use std::collections::HashMap;

use roxmltree::Node;

use super::{Layout, OfficeError, Package, format_number, parse};
use crate::documents::Extracted;
use crate::metadata::Metadata;

const LEGACY: &str = "an encrypted or legacy compound file, not an OpenDocument text";
const TEXT_MIME: &str = "application/vnd.oasis.opendocument.text";

/// The text of an OpenDocument text.
pub fn odt(bytes: &[u8], limit: u64) -> Result<Extracted, OfficeError> {
    Ok(read(bytes, limit)?.0.finish())
}

/// The record fields an OpenDocument text gives: `meta.xml` (title,
/// initial creator, creation date, language), and for an empty title the
/// Title-styled or first heading paragraph.
pub fn odt_metadata(bytes: &[u8], limit: u64) -> Metadata {
    let Ok(mut package) = Package::open(bytes, limit, LEGACY, "odt") else {
        return Metadata::default();
    };
    let mut found = Metadata::default();
    super::part_metadata(
        &mut package,
        &mut found,
        "meta.xml",
        &[
            ("title", "title"),
            ("initial-creator", "author"),
            ("creator", "author"),
            ("creation-date", "published"),
            ("date", "published"),
            ("language", "language"),
        ],
    );
    if found.title.is_none()
        && let Ok((_, walker)) = read(bytes, limit)
    {
        found.title = super::body_title(walker.title, walker.heading);
    }
    found
}

fn local<'a>(node: &'a Node<'_, '_>) -> &'a str {
    if node.is_element() {
        node.tag_name().name()
    } else {
        ""
    }
}

/// The attribute of this local name, whatever its prefix.
fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

fn read(bytes: &[u8], limit: u64) -> Result<(Layout, Walker), OfficeError> {
    let mut package = Package::open(bytes, limit, LEGACY, "odt")?;
    if let Some(kind) = super::other_package(&package) {
        return Err(kind);
    }
    if package.has("word/document.xml") {
        return Err(OfficeError::OtherKind("a Word document", "docx"));
    }
    let mime = package.part("mimetype")?.unwrap_or_default();
    let mime = mime.trim();
    if !mime.is_empty()
        && mime != TEXT_MIME
        && !mime.starts_with("application/vnd.oasis.opendocument.text-")
    {
        return Err(match mime {
            m if m.contains("spreadsheet") => {
                OfficeError::OtherKind("an OpenDocument spreadsheet", "ods")
            }
            m if m.contains("presentation") => {
                OfficeError::OtherKind("an OpenDocument presentation", "odp")
            }
            _ => OfficeError::Damaged(format!("its type is `{mime}`, not a text document")),
        });
    }
    let content = package.xml("content.xml")?.ok_or_else(|| {
        OfficeError::Damaged("it has no `content.xml`: it is no OpenDocument".into())
    })?;
    let styles_text = package.xml("styles.xml")?;
    let content = parse("content.xml", &content)?;
    let mut walker = Walker::default();
    if let Some(text) = &styles_text {
        walker.styles(&parse("styles.xml", text)?);
    }
    walker.styles(&content);
    let body = content
        .descendants()
        .find(|n| local(n) == "body")
        .and_then(|b| b.children().find(|n| local(n) == "text"))
        .ok_or_else(|| OfficeError::Damaged("`content.xml` has no text body".into()))?;
    let mut layout = Layout::default();
    walker.blocks(body, &mut layout, None);
    let notes = std::mem::take(&mut walker.notes);
    for class in ["footnote", "endnote"] {
        for (_, mark, paragraphs) in notes.iter().filter(|(c, _, _)| c == class) {
            layout.note(mark, paragraphs);
        }
    }
    Ok((layout, walker))
}

/// A level of a list style: how its numbers are shown.
#[derive(Debug, Clone, Default)]
struct LevelStyle {
    format: String,
    prefix: String,
    suffix: String,
    display: usize,
    start: u32,
}

/// A list being read: its style and its counters.
#[derive(Debug, Clone)]
struct List {
    style: Option<String>,
    id: String,
}

#[derive(Default)]
struct Walker {
    /// List styles by name, then by level (1-based index 0..10).
    lists: HashMap<String, Vec<LevelStyle>>,
    /// The outline (heading numbering) style, by level.
    outline: Vec<LevelStyle>,
    /// Paragraph styles: parent and whether it is the Title style.
    parents: HashMap<String, String>,
    /// Counters by list id, by level.
    counters: HashMap<String, [u32; 10]>,
    /// The id of the last list of each style (`continue-numbering`).
    last_of_style: HashMap<String, String>,
    lists_seen: usize,
    headings: [u32; 10],
    /// Notes met, in order: class, mark, paragraphs.
    notes: Vec<(String, String, Vec<String>)>,
    title: Option<String>,
    heading: Option<String>,
}

fn level_styles(style: Node<'_, '_>) -> Vec<LevelStyle> {
    let mut levels = vec![LevelStyle::default(); 10];
    for level in style.children().filter(Node::is_element) {
        let Some(index) = attr(level, "level").and_then(|l| l.parse::<usize>().ok()) else {
            continue;
        };
        let Some(slot) = levels.get_mut(index.saturating_sub(1)) else {
            continue;
        };
        let numbered = matches!(
            local(&level),
            "list-level-style-number" | "outline-level-style"
        );
        *slot = LevelStyle {
            format: if numbered {
                attr(level, "num-format").unwrap_or("").to_string()
            } else {
                String::new()
            },
            prefix: attr(level, "num-prefix").unwrap_or("").to_string(),
            suffix: attr(level, "num-suffix").unwrap_or("").to_string(),
            display: attr(level, "display-levels")
                .and_then(|d| d.parse().ok())
                .unwrap_or(1),
            start: attr(level, "start-value")
                .and_then(|d| d.parse().ok())
                .unwrap_or(1),
        };
    }
    levels
}

/// A counter shown in an ODF number format (`1`, `a`, `A`, `i`, `I`).
fn shown(levels: &[LevelStyle], counters: &[u32; 10], level: usize) -> Option<String> {
    let style = levels.get(level)?;
    if style.format.is_empty() {
        return None;
    }
    let first = (level + 1).saturating_sub(style.display.max(1));
    let parts: Vec<String> = (first..=level)
        .map(|l| {
            let format = levels.get(l).map_or("1", |s| s.format.as_str());
            let value = counters[l].max(1);
            format_number(value, if format.is_empty() { "1" } else { format })
        })
        .collect();
    Some(format!(
        "{}{}{}",
        style.prefix,
        parts.join("."),
        style.suffix
    ))
}

impl Walker {
    fn styles(&mut self, document: &roxmltree::Document<'_>) {
        for node in document.descendants().filter(Node::is_element) {
            match local(&node) {
                "list-style" => {
                    if let Some(name) = attr(node, "name") {
                        self.lists.insert(name.to_string(), level_styles(node));
                    }
                }
                "outline-style" => self.outline = level_styles(node),
                "style" => {
                    if let Some(name) = attr(node, "name") {
                        let parent = attr(node, "parent-style-name").unwrap_or("");
                        self.parents.insert(name.to_string(), parent.to_string());
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether a paragraph style is, or derives from, the Title style.
    fn is_title<'a>(&'a self, mut style: &'a str) -> bool {
        for _ in 0..20 {
            if style == "Title" {
                return true;
            }
            match self.parents.get(style) {
                Some(parent) if !parent.is_empty() => style = parent,
                _ => return false,
            }
        }
        false
    }

    fn blocks(&mut self, node: Node<'_, '_>, layout: &mut Layout, list: Option<(&List, usize)>) {
        for child in node.children().filter(Node::is_element) {
            let name = local(&child);
            match name {
                "p" | "h" => self.paragraph(child, layout, None),
                "list" => self.list(child, layout, list),
                "tracked-changes" | "annotation" => {}
                _ if name.ends_with("-source") || name.ends_with("-decls") => {}
                _ => self.blocks(child, layout, list),
            }
        }
    }

    fn list(&mut self, node: Node<'_, '_>, layout: &mut Layout, outer: Option<(&List, usize)>) {
        let level = outer.map_or(0, |(_, level)| level + 1).min(9);
        let list = match outer {
            Some((outer, _)) => List {
                style: attr(node, "style-name")
                    .map(str::to_string)
                    .or_else(|| outer.style.clone()),
                id: outer.id.clone(),
            },
            None => {
                let style = attr(node, "style-name").map(str::to_string);
                let continued = attr(node, "continue-list")
                    .filter(|id| self.counters.contains_key(*id))
                    .map(str::to_string)
                    .or_else(|| {
                        (attr(node, "continue-numbering") == Some("true"))
                            .then(|| {
                                style
                                    .as_ref()
                                    .and_then(|s| self.last_of_style.get(s))
                                    .cloned()
                            })
                            .flatten()
                    });
                let id = continued.unwrap_or_else(|| {
                    self.lists_seen += 1;
                    attr(node, "id")
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("list {}", self.lists_seen))
                });
                self.counters.entry(id.clone()).or_insert([0; 10]);
                if let Some(style) = &style {
                    self.last_of_style.insert(style.clone(), id.clone());
                }
                List { style, id }
            }
        };
        for item in node.children().filter(Node::is_element) {
            let numbered = local(&item) == "list-item"
                && item
                    .children()
                    .find(Node::is_element)
                    .is_some_and(|first| matches!(local(&first), "p" | "h"));
            let mut number = None;
            if numbered {
                let levels = list
                    .style
                    .as_ref()
                    .and_then(|s| self.lists.get(s))
                    .cloned()
                    .unwrap_or_default();
                let counters = self.counters.entry(list.id.clone()).or_insert([0; 10]);
                let start = levels.get(level).map_or(1, |l| l.start);
                counters[level] = match attr(item, "start-value").and_then(|v| v.parse().ok()) {
                    Some(value) => value,
                    None if counters[level] == 0 => start,
                    None => counters[level] + 1,
                };
                for deeper in counters.iter_mut().skip(level + 1) {
                    *deeper = 0;
                }
                number = shown(&levels, counters, level);
            }
            let mut first = true;
            for child in item.children().filter(Node::is_element) {
                match local(&child) {
                    "p" | "h" => {
                        let own = if first { number.take() } else { None };
                        self.paragraph(child, layout, Some(own));
                    }
                    "list" => self.list(child, layout, Some((&list, level))),
                    _ => self.blocks(child, layout, Some((&list, level))),
                }
                first = false;
            }
        }
    }

    /// A paragraph or heading; `listed` holds its list number when it is
    /// in a list (then its heading level does not number it).
    fn paragraph(
        &mut self,
        node: Node<'_, '_>,
        layout: &mut Layout,
        listed: Option<Option<String>>,
    ) {
        let mut text = String::new();
        let mut boxes = Vec::new();
        let mut number = None;
        self.inline(node, &mut text, &mut boxes, &mut number);
        let heading = local(&node) == "h";
        let computed = match listed {
            Some(listed) => listed,
            None if heading && attr(node, "is-list-header") != Some("true") => {
                self.heading_number(node)
            }
            None => None,
        };
        let number = number.filter(|n| !n.trim().is_empty()).or(computed);
        let folded = text.trim();
        if !folded.is_empty() {
            if heading && self.heading.is_none() {
                self.heading = Some(folded.to_string());
            }
            if self.title.is_none() && attr(node, "style-name").is_some_and(|s| self.is_title(s)) {
                self.title = Some(folded.to_string());
            }
        }
        layout.paragraph(&text, number.as_deref());
        for text_box in boxes {
            self.blocks(text_box, layout, None);
        }
    }

    fn heading_number(&mut self, node: Node<'_, '_>) -> Option<String> {
        let level = attr(node, "outline-level")
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, 10)
            - 1;
        let start = self.outline.get(level).map_or(1, |l| l.start);
        self.headings[level] = match attr(node, "start-value").and_then(|v| v.parse().ok()) {
            Some(value) => value,
            None if self.headings[level] == 0 => start,
            None => self.headings[level] + 1,
        };
        for deeper in self.headings.iter_mut().skip(level + 1) {
            *deeper = 0;
        }
        shown(&self.outline, &self.headings, level)
    }

    fn inline<'a, 'i>(
        &mut self,
        node: Node<'a, 'i>,
        text: &mut String,
        boxes: &mut Vec<Node<'a, 'i>>,
        number: &mut Option<String>,
    ) {
        for child in node.children() {
            if child.is_text()
                && let Some(content) = child.text()
            {
                // XML white space in a paragraph folds to one space;
                // `text:s` and `text:tab` carry the author's own.
                for c in content.chars() {
                    if matches!(c, ' ' | '\t' | '\n' | '\r') {
                        if !text.ends_with(' ') {
                            text.push(' ');
                        }
                    } else {
                        text.push(c);
                    }
                }
                continue;
            }
            if !child.is_element() {
                continue;
            }
            match local(&child) {
                "s" => {
                    let count = attr(child, "c")
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(1usize);
                    text.extend(std::iter::repeat_n(' ', count.min(1000)));
                }
                "tab" => text.push('\t'),
                "line-break" => text.push('\n'),
                "number" => {
                    *number = Some(
                        child
                            .descendants()
                            .filter(|t| t.is_text())
                            .filter_map(|t| t.text())
                            .collect(),
                    );
                }
                "note" => self.note(child),
                "text-box" => boxes.push(child),
                "annotation" | "annotation-end" | "tracked-changes" | "title" | "desc" => {}
                _ => self.inline(child, text, boxes, number),
            }
        }
    }

    fn note(&mut self, node: Node<'_, '_>) {
        let class = attr(node, "note-class").unwrap_or("footnote").to_string();
        let citation = node.children().find(|n| local(n) == "note-citation");
        let mark = citation
            .and_then(|c| attr(c, "label").map(str::to_string))
            .or_else(|| {
                citation.map(|c| {
                    c.descendants()
                        .filter(|t| t.is_text())
                        .filter_map(|t| t.text())
                        .collect()
                })
            })
            .unwrap_or_default();
        let Some(body) = node.children().find(|n| local(n) == "note-body") else {
            return;
        };
        let mut inner = Layout::default();
        let notes_before = self.notes.len();
        self.blocks(body, &mut inner, None);
        let paragraphs = inner
            .text
            .split("\n\n")
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        // A note inside a note (not allowed by ODF) is read after it.
        self.notes
            .insert(notes_before, (class, mark.trim().to_string(), paragraphs));
    }
}
