//! References in a citation style: each entry of a brief's references
//! formatted by the dossier's CSL style ([`crate::style`]) from the brief's
//! CSL-JSON items, as runs of formatted text that the templates' `csl`
//! helper writes as Typst markup or HTML (in the render stage).
//!
//! Only the body of each entry comes from the style: clerk keeps its own
//! reference numbers, which its locator citations (`[3, ¶14]`) point to,
//! and its order.

use hayagriva::{BufWriteFormat, ElemChild, ElemChildren};

use crate::model::{Brief, Formatted, Part};
use crate::style::Style;

/// Sets the formatted entry of each of `brief`'s references, from the
/// CSL-JSON items of `data` (the brief as data).
pub fn apply(brief: &mut Brief, data: &crate::export::brief::Brief, style: &Style) {
    let items: Vec<hayagriva::citationberg::json::Item> = crate::export::csl::items(data)
        .iter()
        .filter_map(|item| serde_json::to_value(item).ok())
        .filter_map(|mut value| {
            // `custom` (the pinned file) is for other tools; the processor
            // reads CSL's own variables only.
            value.as_object_mut()?.remove("custom");
            serde_json::from_value(value).ok()
        })
        .collect();
    let entries = style.bibliography(&items, &brief.language);
    for reference in &mut brief.references {
        if let Some(content) = entries.get(&reference.id) {
            let mut text = String::new();
            // Writing into a String cannot fail.
            let _ = content.write_buf(&mut text, BufWriteFormat::Plain);
            let mut runs = Vec::new();
            parts(content, &mut runs);
            reference.formatted = Formatted { text, parts: runs };
        }
    }
}

/// The runs of text of an entry, each with the style's formatting.
fn parts(children: &ElemChildren, into: &mut Vec<Part>) {
    for child in &children.0 {
        match child {
            ElemChild::Text(text) => into.push(part(&text.text, text.formatting, None)),
            ElemChild::Elem(elem) => parts(&elem.children, into),
            ElemChild::Markup(markup) => into.push(Part {
                text: markup.clone(),
                ..Part::default()
            }),
            ElemChild::Link { text, url } => {
                into.push(part(&text.text, text.formatting, Some(url.clone())));
            }
            ElemChild::Transparent { .. } => {}
        }
    }
}

fn part(text: &str, formatting: hayagriva::Formatting, link: Option<String>) -> Part {
    use hayagriva::citationberg::{FontStyle, FontVariant, FontWeight, VerticalAlign};
    Part {
        text: text.to_string(),
        italic: formatting.font_style == FontStyle::Italic,
        bold: formatting.font_weight == FontWeight::Bold,
        small_caps: formatting.font_variant == FontVariant::SmallCaps,
        superscript: formatting.vertical_align == VerticalAlign::Sup,
        subscript: formatting.vertical_align == VerticalAlign::Sub,
        link,
    }
}
