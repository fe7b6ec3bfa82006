//! Whether a PDF is whole: readers (hayro among them) open a damaged file
//! by rebuilding it, without a word, and a partial download then reads as a
//! shorter document. clerk pins only a PDF that opens as it is written: it
//! ends with its end-of-file marker, its `startxref` points at its
//! cross-reference table, every object that table lists is where it says
//! and reads whole, and the page tree holds the pages it declares.

use lopdf::xref::XrefEntry;

/// How far from the end of the file the last `%%EOF` may stand (readers
/// accept trailing bytes, such as a line end or padding, up to this).
const EOF_WINDOW: usize = 1024;

/// Checks the structure of a PDF whose page tree a reader found `pages`
/// pages in; the error says what is wrong, in words for the user.
pub(super) fn check(bytes: &[u8], pages: usize) -> Result<(), String> {
    let tail_start = bytes.len().saturating_sub(EOF_WINDOW);
    let Some(eof) = rfind(&bytes[tail_start..], b"%%EOF").map(|at| tail_start + at) else {
        return Err(format!(
            "it does not end with the end-of-file marker `%%EOF`: it was cut short after {} bytes, as a partial download is",
            bytes.len()
        ));
    };
    let Some(startxref) = rfind(&bytes[..eof], b"startxref") else {
        return Err("it has no `startxref` before its end-of-file marker".into());
    };
    let offset = std::str::from_utf8(&bytes[startxref + b"startxref".len()..eof])
        .ok()
        .and_then(|number| number.trim().parse::<usize>().ok())
        .ok_or("its `startxref` gives no byte offset")?;
    if !starts_xref(bytes, offset) {
        return Err(format!(
            "its cross-reference table is not where `startxref` says (byte {offset})"
        ));
    }
    let document = lopdf::Document::load_mem(bytes)
        .map_err(|error| format!("its cross-reference table cannot be read ({error})"))?;
    let encrypted = document.trailer.get(b"Encrypt").is_ok();
    for (&number, entry) in &document.reference_table.entries {
        let XrefEntry::Normal { offset, generation } = *entry else {
            continue;
        };
        // Objects of an encrypted file may fail to read for want of the
        // key; their places are still checked.
        let placed = object_at(bytes, offset as usize) == Some((number, generation));
        if !placed {
            return Err(format!(
                "its cross-reference table does not point at object {number} (byte {offset})"
            ));
        }
        if !encrypted && !document.objects.contains_key(&(number, generation)) {
            return Err(format!(
                "object {number} (at byte {offset}) cannot be read: it is cut short or malformed"
            ));
        }
    }
    let declared = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Pages").ok()?.as_reference().ok())
        .and_then(|pages| document.get_dictionary(pages).ok())
        .and_then(|pages| pages.get(b"Count").ok()?.as_i64().ok());
    let found = document.get_pages().len().min(pages);
    match declared {
        Some(declared) if declared > found as i64 => {
            Err(format!("it declares {declared} pages but holds {found}"))
        }
        Some(_) => Ok(()),
        // Without the key, an encrypted file's catalog may be unreadable
        // here; the reader that opened it read its pages.
        None if encrypted => Ok(()),
        None => Err("it has no page tree that says how many pages it has".into()),
    }
}

/// Where `needle` last occurs in `haystack`.
fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Whether a cross-reference table (`xref`) or stream (`N G obj`) starts at
/// `offset`, white space aside.
fn starts_xref(bytes: &[u8], offset: usize) -> bool {
    let Some(rest) = bytes.get(offset..) else {
        return false;
    };
    let rest = trim_start(rest);
    rest.starts_with(b"xref") || object_header(rest).is_some()
}

/// The object number and generation of the object that starts at
/// `offset`, white space aside.
fn object_at(bytes: &[u8], offset: usize) -> Option<(u32, u16)> {
    object_header(trim_start(bytes.get(offset..)?))
}

/// `N G obj` at the start of `bytes`.
fn object_header(bytes: &[u8]) -> Option<(u32, u16)> {
    let head = &bytes[..bytes.len().min(32)];
    let text = String::from_utf8_lossy(head);
    let mut words = text.split_ascii_whitespace();
    let number = words.next()?.parse().ok()?;
    let generation = words.next()?.parse().ok()?;
    words
        .next()
        .is_some_and(|w| w.starts_with("obj"))
        .then_some((number, generation))
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0)
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every PDF the project and its tests pin, as their programs made
    /// them (pdfTeX, typst, LibreOffice, qpdf's encryption, a printer's
    /// driver), is whole.
    #[test]
    fn whole_pdfs_pass() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for folder in [
            "sources",
            "tests/fixtures/documents/sources",
            "tests/fixtures/furniture/sources",
        ] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "pdf") {
                    let bytes = std::fs::read(&path).unwrap();
                    let pages = lopdf::Document::load_mem(&bytes).unwrap().get_pages().len();
                    assert_eq!(check(&bytes, pages), Ok(()), "{}", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked >= 8, "{checked}");
    }

    #[test]
    fn a_pdf_with_bytes_after_its_marker_passes_and_a_cut_one_does_not() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut bytes =
            std::fs::read(root.join("tests/fixtures/documents/sources/bulletin.pdf")).unwrap();
        bytes.extend_from_slice(b"\r\n\0\0");
        assert_eq!(check(&bytes, 2), Ok(()));
        let cut = &bytes[..bytes.len() - 12];
        assert!(check(cut, 2).unwrap_err().contains("`%%EOF`"));
    }
}
