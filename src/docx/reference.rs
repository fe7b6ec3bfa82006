//! A unit's reference document (`templates/reference.docx`), read as
//! pandoc's `--reference-doc` is: clerk takes its styles, theme, numbering,
//! font table and page set-up (size, margins, header and footer distances,
//! columns), and writes its own content with them.

use std::io::Read;

/// The parts of a reference document a brief is written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `word/styles.xml`, as the reference document has it.
    pub styles: String,
    /// `word/theme/theme1.xml`, `word/numbering.xml` and
    /// `word/fontTable.xml`, copied as they are.
    pub theme: Option<Vec<u8>>,
    pub numbering: Option<Vec<u8>>,
    pub font_table: Option<Vec<u8>>,
    /// The page set-up: the section's `w:pgSz`, `w:pgMar`, `w:cols` and
    /// `w:docGrid`, as XML.
    pub page: String,
}

/// The page set-up of the built-in reference: A4, the PDF's margins.
const BUILTIN_PAGE: &str = r#"<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1531" w:right="1417" w:bottom="1417" w:left="1417" w:header="709" w:footer="709" w:gutter="0"/><w:cols w:space="708"/>"#;

/// Largest part read from a reference document (a zip bomb is refused).
const MAX_PART: u64 = 32 * 1024 * 1024;

/// The page set-up elements taken from a reference document's section.
const PAGE_ELEMENTS: [&str; 4] = ["pgSz", "pgMar", "cols", "docGrid"];

const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_TYPES: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

impl Reference {
    /// clerk's own styles and page set-up.
    pub fn builtin() -> Reference {
        Reference {
            styles: super::styles::builtin(),
            theme: None,
            numbering: None,
            font_table: None,
            page: BUILTIN_PAGE.to_string(),
        }
    }

    /// The parts of the Word document `bytes`; the error says what is
    /// wrong with it, for a message naming the file.
    pub fn read(bytes: &[u8]) -> Result<Reference, String> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| format!("it is not a Word document (not a zip archive: {e})"))?;
        let main = main_part(&mut zip)?;
        let document = part_text(&mut zip, &main)?
            .ok_or_else(|| format!("it has no main document part (`{main}`)"))?;
        let (folder, file) = main.rsplit_once('/').unwrap_or(("", &main));
        let rels_name = format!("{folder}/_rels/{file}.rels")
            .trim_start_matches('/')
            .to_string();
        let rels = part_text(&mut zip, &rels_name)?.unwrap_or_default();
        let target = |kind: &str| relationship_target(&rels, kind, folder);
        let styles_name = target("styles").ok_or("it has no styles part (word/styles.xml)")?;
        let styles = part_text(&mut zip, &styles_name)?
            .ok_or_else(|| format!("its styles part `{styles_name}` is missing"))?;
        let mut copy = |kind: &str| -> Result<Option<Vec<u8>>, String> {
            match target(kind) {
                Some(name) => part_bytes(&mut zip, &name),
                None => Ok(None),
            }
        };
        Ok(Reference {
            styles,
            theme: copy("theme")?,
            numbering: copy("numbering")?,
            font_table: copy("fontTable")?,
            page: page_setup(&document)?,
        })
    }
}

/// The main document part named by the package relationships.
fn main_part(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>) -> Result<String, String> {
    let rels = part_text(zip, "_rels/.rels")?
        .ok_or("it is not a Word document (it has no _rels/.rels)")?;
    relationship_target(&rels, "officeDocument", "")
        .ok_or_else(|| "it is not a Word document (no main document)".to_string())
}

/// The part a relationship of type `kind` in `rels` points to, resolved
/// against `folder`.
fn relationship_target(rels: &str, kind: &str, folder: &str) -> Option<String> {
    let document = roxmltree::Document::parse(rels).ok()?;
    let wanted = format!("{REL_TYPES}{kind}");
    let target = document
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((REL_NS, "Relationship")))
        .find(|n| n.attribute("Type") == Some(wanted.as_str()))?
        .attribute("Target")?;
    if let Some(absolute) = target.strip_prefix('/') {
        return Some(absolute.to_string());
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for piece in target.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            piece => parts.push(piece),
        }
    }
    Some(parts.join("/"))
}

fn part_bytes(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, String> {
    let mut file = match zip.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("its part `{name}` cannot be read ({e})")),
    };
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_PART + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("its part `{name}` cannot be read ({e})"))?;
    if bytes.len() as u64 > MAX_PART {
        return Err(format!("its part `{name}` is larger than 32 MiB"));
    }
    Ok(Some(bytes))
}

fn part_text(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    part_bytes(zip, name)?
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| format!("its part `{name}` is not UTF-8"))
        })
        .transpose()
}

/// The page set-up of the document's last section (the body's own).
fn page_setup(document: &str) -> Result<String, String> {
    let parsed = roxmltree::Document::parse(document)
        .map_err(|e| format!("its main document is not well-formed XML ({e})"))?;
    let w = super::styles::W;
    let section = parsed
        .root_element()
        .children()
        .find(|n| n.has_tag_name((w, "body")))
        .and_then(|body| body.children().rfind(|n| n.has_tag_name((w, "sectPr"))));
    let Some(section) = section else {
        return Ok(BUILTIN_PAGE.to_string());
    };
    let mut page = String::new();
    for name in PAGE_ELEMENTS {
        if let Some(element) = section.children().find(|n| n.has_tag_name((w, name))) {
            // Copied as written, which needs the usual prefix.
            if element.lookup_prefix(w) != Some("w") {
                return Err("its main document does not use the usual `w:` prefix".into());
            }
            page.push_str(&document[element.range()]);
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_targets_resolve_against_their_folder() {
        let rels = format!(
            "<Relationships xmlns=\"{REL_NS}\"><Relationship Id=\"a\" Type=\"{REL_TYPES}theme\" Target=\"theme/theme1.xml\"/><Relationship Id=\"b\" Type=\"{REL_TYPES}styles\" Target=\"/word/styles.xml\"/><Relationship Id=\"c\" Type=\"{REL_TYPES}numbering\" Target=\"../other/numbering.xml\"/></Relationships>"
        );
        let target = |kind| relationship_target(&rels, kind, "word");
        assert_eq!(target("theme").as_deref(), Some("word/theme/theme1.xml"));
        assert_eq!(target("styles").as_deref(), Some("word/styles.xml"));
        assert_eq!(target("numbering").as_deref(), Some("other/numbering.xml"));
        assert_eq!(target("fontTable"), None);
    }

    #[test]
    fn clerks_reference_document_reads_back_as_its_builtin_styles() {
        let bytes = crate::docx::builtin_reference().unwrap();
        assert_eq!(Reference::read(&bytes).unwrap(), Reference::builtin());
    }

    #[test]
    fn what_is_not_a_word_document_says_so() {
        assert!(
            Reference::read(b"not a zip")
                .unwrap_err()
                .contains("not a Word document")
        );
    }
}
