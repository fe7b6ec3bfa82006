//! Markdown sources: the text a reader sees once the page is rendered
//! (CommonMark, parsed by pulldown-cmark), which quotes are held to, and the
//! front matter static-site generators put above it (YAML between `---`,
//! TOML between `+++`, Pelican and MultiMarkdown `Key: value` headers),
//! which is not quoted text but says what the document is.
//!
//! The rendered text has one paragraph per block (paragraph, heading, list
//! item, table row, block quote's paragraphs), separated by blank lines as
//! `quote::LineIndex` expects, and remembers which line of the file each
//! of its lines comes from, so that line locators still point at the file.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::metadata::{self, Metadata};

/// A Markdown file's rendered text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Blocks separated by blank lines; a block's lines are the source
    /// lines it spans (soft line breaks kept).
    pub text: String,
    /// For each line of `text`, the 1-based line of the file it comes from
    /// (a blank line between blocks: the blank line of the file between
    /// them, if there is one).
    pub source_lines: Vec<usize>,
}

/// The kinds of front matter clerk recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrontMatterKind {
    Yaml,
    Toml,
    Headers,
}

/// The front matter at the start of a Markdown file: its kind, the byte
/// range of the whole block (fences included) and of its body.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FrontMatter {
    kind: FrontMatterKind,
    block: Range<usize>,
    body: Range<usize>,
}

/// Keys one of which must open a Pelican/MultiMarkdown header block, so
/// that a document starting "Note: …" is not taken for one.
const HEADER_KEYS: &[&str] = &[
    "title",
    "date",
    "author",
    "authors",
    "lang",
    "language",
    "url",
    "slug",
    "category",
    "tags",
    "summary",
    "modified",
    "base header level",
    "format",
];

fn front_matter(source: &str) -> Option<FrontMatter> {
    let body_start = source.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let rest = &source[body_start..];
    for (fence, kind) in [
        ("---", FrontMatterKind::Yaml),
        ("+++", FrontMatterKind::Toml),
    ] {
        let Some(after) = rest.strip_prefix(fence) else {
            continue;
        };
        let Some(first_break) = after.find('\n') else {
            continue;
        };
        if !after[..first_break].trim().is_empty() {
            continue;
        }
        let body = body_start + fence.len() + first_break + 1;
        let mut at = body;
        for line in source[body..].split_inclusive('\n') {
            let trimmed = line.trim_end();
            let closes = trimmed == fence || (kind == FrontMatterKind::Yaml && trimmed == "...");
            if closes {
                return Some(FrontMatter {
                    kind,
                    block: body_start..at + line.len(),
                    body: body..at,
                });
            }
            at += line.len();
        }
        return None;
    }
    let first = rest.lines().next()?;
    let (key, _) = first.split_once(':')?;
    if !HEADER_KEYS.contains(&key.trim().to_lowercase().as_str()) {
        return None;
    }
    let mut end = body_start;
    for line in rest.split_inclusive('\n') {
        if line.trim().is_empty() {
            break;
        }
        let continues = line.starts_with([' ', '\t']);
        let keyed = line.split_once(':').is_some_and(|(key, _)| {
            !key.trim().is_empty() && !key.contains(['#', '[', '*', '`', '<'])
        });
        if !continues && !keyed {
            return None;
        }
        end += line.len();
    }
    Some(FrontMatter {
        kind: FrontMatterKind::Headers,
        block: body_start..end,
        body: body_start..end,
    })
}

/// The text a reader sees in a Markdown file.
pub fn render(source: &str) -> Rendered {
    // Front matter becomes blank lines, so offsets and line numbers stay
    // those of the file.
    let mut blanked;
    let markdown = match front_matter(source) {
        Some(front) => {
            blanked = source.to_string();
            let spaces: String = source[front.block.clone()]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' })
                .collect();
            blanked.replace_range(front.block.clone(), &spaces);
            blanked.as_str()
        }
        None => source,
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(markdown.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |at: usize| line_starts.partition_point(|&s| s <= at).max(1);
    let mut out = Writer::default();
    // No smart punctuation: the text keeps the file's own quotation marks
    // and dashes, so a passage copied from the file reads the same (quote
    // matching folds them anyway).
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_DEFINITION_LIST;
    let mut lists: Vec<Option<u64>> = Vec::new();
    // Reference links whose definition is missing are shown as the reader
    // sees them: their text.
    let parser = Parser::new_with_broken_link_callback(
        markdown,
        options,
        Some(|link: pulldown_cmark::BrokenLink<'_>| {
            Some((
                pulldown_cmark::CowStr::from(link.reference.to_string()),
                pulldown_cmark::CowStr::from(""),
            ))
        }),
    );
    for (event, range) in parser.into_offset_iter() {
        let line = line_of(range.start);
        match event {
            Event::Start(Tag::List(start)) => {
                out.end_block();
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                out.end_block();
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                out.end_block();
                // An ordered item keeps its number, as a reader sees it
                // (a decision written in Markdown numbers its paragraphs
                // so).
                if let Some(Some(number)) = lists.last_mut() {
                    out.push(&format!("{number}. "), line);
                    out.item_marker = true;
                    *number += 1;
                }
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
                | Tag::TableRow
                | Tag::TableHead
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::HtmlBlock,
            ) => out.start_block(),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::Item
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition
                | TagEnd::HtmlBlock,
            ) => out.end_block(),
            Event::End(TagEnd::TableCell) => out.push(" ", line),
            Event::Text(text) | Event::Code(text) => {
                // A code block's text spans its lines.
                let mut line = line;
                for (i, piece) in text.split('\n').enumerate() {
                    if i > 0 {
                        line += 1;
                        out.line_break(line);
                    }
                    out.push(piece, line);
                }
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => out.push(&text, line),
            Event::Html(html) => {
                let shown = crate::documents::html(&html).text;
                out.push(&shown.replace("\n\n", " "), line);
            }
            Event::SoftBreak | Event::HardBreak => out.line_break(line + 1),
            Event::FootnoteReference(mark) => out.push(&format!("[{mark}]"), line),
            Event::TaskListMarker(done) => out.push(if done { "[x] " } else { "[ ] " }, line),
            Event::Rule => out.end_block(),
            _ => {}
        }
    }
    out.end_block();
    out.finish()
}

/// Builds the rendered text block by block.
#[derive(Default)]
struct Writer {
    text: String,
    source_lines: Vec<usize>,
    /// The block being written: its lines, each with its file line.
    block: Vec<(String, usize)>,
    /// Whether the block holds only an ordered item's number so far.
    item_marker: bool,
}

impl Writer {
    fn start_block(&mut self) {
        // A block inside a list item's first line (a loose list's
        // paragraph) continues that line.
        let has_text = self.block.iter().any(|(line, _)| !line.trim().is_empty());
        if has_text && !self.item_marker {
            self.end_block();
        }
        self.item_marker = false;
    }

    fn push(&mut self, text: &str, line: usize) {
        if !text.trim().is_empty() {
            self.item_marker = false;
        }
        match self.block.last_mut() {
            Some((current, _)) => current.push_str(text),
            None => self.block.push((text.to_string(), line)),
        }
    }

    fn line_break(&mut self, line: usize) {
        if !self.block.is_empty() {
            self.block.push((String::new(), line));
        }
    }

    fn end_block(&mut self) {
        let lines: Vec<(String, usize)> = std::mem::take(&mut self.block)
            .into_iter()
            .map(|(text, line)| (text.split_whitespace().collect::<Vec<_>>().join(" "), line))
            .filter(|(text, _)| !text.is_empty())
            .collect();
        self.item_marker = false;
        let Some(&(_, first)) = lines.first() else {
            return;
        };
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
            let previous = self.source_lines.last().copied().unwrap_or(1);
            let between = if previous + 1 < first {
                previous + 1
            } else {
                previous
            };
            self.source_lines.push(between);
        }
        for (i, (text, line)) in lines.into_iter().enumerate() {
            if i > 0 {
                self.text.push('\n');
            }
            self.text.push_str(&text);
            self.source_lines.push(line);
        }
    }

    fn finish(self) -> Rendered {
        let source_lines = if self.source_lines.is_empty() {
            vec![1]
        } else {
            self.source_lines
        };
        Rendered {
            text: self.text,
            source_lines,
        }
    }
}

/// What a Markdown file's front matter says about it, else its first
/// heading or line as the title.
pub fn metadata(source: &str) -> Metadata {
    let rendered_title = || metadata::text(&render(source).text).title;
    let Some(front) = front_matter(source) else {
        return Metadata {
            title: rendered_title(),
            ..Metadata::default()
        };
    };
    let body = &source[front.body.clone()];
    let (fields, from) = match front.kind {
        FrontMatterKind::Yaml => (yaml_fields(body), "the YAML front matter"),
        FrontMatterKind::Toml => (toml_fields(body), "the TOML front matter"),
        FrontMatterKind::Headers => (header_fields(body), "the header lines"),
    };
    let mut found = metadata::from_fields(&fields, from);
    if found.title.is_none() {
        found.title = rendered_title();
    }
    found
}

/// The front matter's values as text, by lower-case key; a list (of
/// authors) joined by ", ", a map's `name` taken.
fn yaml_fields(body: &str) -> Vec<(String, String)> {
    use yaml_rust2::{Yaml, YamlLoader};
    fn text(value: &Yaml) -> Option<String> {
        match value {
            Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
            Yaml::Integer(i) => Some(i.to_string()),
            Yaml::Array(items) => {
                let parts: Vec<String> = items.iter().filter_map(text).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }
            Yaml::Hash(map) => map.get(&Yaml::String("name".into())).and_then(text),
            _ => None,
        }
    }
    let Ok(documents) = YamlLoader::load_from_str(body) else {
        return Vec::new();
    };
    let Some(Yaml::Hash(map)) = documents.into_iter().next() else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(key, value)| Some((key.as_str()?.to_lowercase(), text(value)?)))
        .collect()
}

fn toml_fields(body: &str) -> Vec<(String, String)> {
    fn text(value: &toml::Value) -> Option<String> {
        match value {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Datetime(d) => Some(d.to_string()),
            toml::Value::Array(items) => {
                let parts: Vec<String> = items.iter().filter_map(text).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }
            toml::Value::Table(table) => table.get("name").and_then(text),
            _ => None,
        }
    }
    let Ok(table) = body.parse::<toml::Table>() else {
        return Vec::new();
    };
    table
        .iter()
        .filter_map(|(key, value)| Some((key.to_lowercase(), text(value)?)))
        .collect()
}

fn header_fields(body: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((key, value)) = line.split_once(':') {
            fields.push((key.trim().to_lowercase(), value.trim().to_string()));
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_and_link_text_stays() {
        let source = "# A *title*\n\nSome **bold** and [a link][ref] and [another](http://x).\nNext line.\n\n[ref]: http://y\n";
        let rendered = render(source);
        assert_eq!(
            rendered.text,
            "A title\n\nSome bold and a link and another.\nNext line."
        );
        assert_eq!(rendered.source_lines, [1, 2, 3, 4]);
    }

    #[test]
    fn lists_headings_and_quotes_are_paragraphs() {
        let source = "Intro\n- one\n- two\n\n> quoted\n> on\n\n78. The court\n79. Then\n";
        let rendered = render(source);
        assert_eq!(
            rendered.text,
            "Intro\n\none\n\ntwo\n\nquoted\non\n\n78. The court\n\n79. Then"
        );
    }

    #[test]
    fn front_matter_is_read_not_quoted() {
        let yaml = "---\ntitle: \"French lawmakers vote\"\ndate: 2024-05-17T10:00:00+02:00\nauthor:\n  - Jane Doe\n  - John Roe\nlang: fr-FR\nurl: https://example.org/a\n---\n\n# Heading\n\nBody text.\n";
        let rendered = render(yaml);
        assert_eq!(rendered.text, "Heading\n\nBody text.");
        assert_eq!(rendered.source_lines, [11, 12, 13]);
        let found = metadata(yaml);
        assert_eq!(found.title.unwrap().value, "French lawmakers vote");
        assert_eq!(found.author.unwrap().value, "Jane Doe, John Roe");
        assert_eq!(found.published.unwrap().value.to_string(), "2024-05-17");
        assert_eq!(found.language.unwrap().value, "fr-FR");
        assert_eq!(found.url.unwrap().value, "https://example.org/a");

        let toml = "+++\ntitle = \"T\"\ndate = 2023-01-02\n+++\nBody.\n";
        assert_eq!(render(toml).text, "Body.");
        let found = metadata(toml);
        assert_eq!(found.title.unwrap().value, "T");
        assert_eq!(found.published.unwrap().value.to_string(), "2023-01-02");

        let pelican = "Title: French lawmakers\nDate: 2024-05-17 10:20\nAuthors: A. B\nLang: fr\n\nThe text.\n";
        assert_eq!(render(pelican).text, "The text.");
        let found = metadata(pelican);
        assert_eq!(found.title.unwrap().value, "French lawmakers");
        assert_eq!(found.author.unwrap().value, "A. B");
    }

    #[test]
    fn text_that_only_looks_like_a_header_is_text() {
        assert_eq!(render("Note: this is text.\n").text, "Note: this is text.");
        let found = metadata("---\n\nJust a rule above.\n");
        assert_eq!(found.title.unwrap().value, "Just a rule above.");
    }
}
