//! The fonts a brief can use: typst's embedded fonts and a project's own
//! under `templates/fonts/`, and which characters they cover, so that text
//! no font can show is caught by `check` rather than deep in typesetting.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};

/// Every font a brief can use, the embedded ones first.
pub fn load(templates: &Path) -> Vec<(Font, FontInfo)> {
    let mut fonts: Vec<(Font, FontInfo)> = typst_kit::fonts::embedded().collect();
    for path in project_font_files(&templates.join("fonts")) {
        if let Ok(data) = std::fs::read(&path) {
            fonts.extend(Font::iter(Bytes::new(data)).map(|font| {
                let info = font.info().clone();
                (font, info)
            }));
        }
    }
    fonts
}

/// The font files under `folder`, in name order.
fn project_font_files(folder: &Path) -> Vec<PathBuf> {
    if !folder.is_dir() {
        return Vec::new();
    }
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .max_depth(8)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| {
                matches!(
                    e.to_string_lossy().to_ascii_lowercase().as_str(),
                    "ttf" | "otf" | "ttc" | "otc"
                )
            })
        })
        .collect();
    paths.sort();
    paths
}

/// Which characters the fonts of a project cover (typst falls back from
/// one font to the next, so a character any of them covers can be shown).
#[derive(Debug, Clone)]
pub struct Coverage {
    fonts: Vec<FontInfo>,
}

impl Coverage {
    /// The coverage of the fonts `load` finds for `templates`.
    pub fn of(templates: &Path) -> Coverage {
        Coverage {
            fonts: load(templates).into_iter().map(|(_, info)| info).collect(),
        }
    }

    /// The characters of `text` that no font covers, each once, in order
    /// of appearance (white space and control characters need no glyph).
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = Vec::new();
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || missing.contains(&c) {
                continue;
            }
            // Zero-width and formatting characters (soft hyphen, joiners)
            // are not drawn.
            if matches!(
                c,
                '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}'
            ) {
                continue;
            }
            if !self.fonts.iter().any(|f| f.coverage.contains(c as u32)) {
                missing.push(c);
            }
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fonts_cover_latin_greek_and_cyrillic_but_not_chinese() {
        let coverage = Coverage::of(Path::new("/nonexistent"));
        assert!(
            coverage
                .missing("Azerbaïdjan « Москва » Αθήνα — l’été")
                .is_empty()
        );
        assert_eq!(coverage.missing("中文 中"), vec!['中', '文']);
    }
}
