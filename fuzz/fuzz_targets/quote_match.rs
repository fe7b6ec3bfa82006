//! Arbitrary (source, quote) pairs -> normalisation, matching, near misses
//! and locators.
//!
//! Properties: every raw range returned lies inside the raw text, on char
//! boundaries, with start <= end; every normalised range lies inside the
//! normalised text on char boundaries; `raw_offset` of every char boundary of
//! the normalised text is <= raw.len() and on a raw char boundary; locators
//! give a line between 1 and the number of lines. Sources are read both as
//! text and as a laid-out document (soft line-end hyphens).
#![no_main]

use std::ops::Range;

use arbitrary::Arbitrary;
use clerk::quote::{LineIndex, Normalised, find};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Read the source as a document (a PDF's text) rather than plain text.
    document: bool,
    source: String,
    quote: String,
}

fn assert_range(what: &str, text: &str, range: &Range<usize>, input: &Input) {
    assert!(
        range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end),
        "{what} range {range:?} is not a char range of a {}-byte text\ninput: {input:?}",
        text.len()
    );
}

fn assert_located(index: &LineIndex, lines: usize, at: usize, input: &Input) {
    let locator = index.locate(at);
    assert!(
        (1..=lines).contains(&locator.line),
        "locate({at}) gave line {} of {lines}\ninput: {input:?}",
        locator.line
    );
    assert!(locator.paragraph >= 1, "paragraph 0 at {at}\ninput: {input:?}");
}

fuzz_target!(|input: Input| {
    let raw = input.source.as_str();
    let normalised = if input.document {
        Normalised::document(raw)
    } else {
        Normalised::new(raw)
    };
    let text = normalised.as_str();

    for (n, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let r = normalised.raw_offset(n);
        assert!(
            r <= raw.len() && raw.is_char_boundary(r),
            "raw_offset({n}) = {r} is not a char boundary of the {}-byte raw text\ninput: {input:?}",
            raw.len()
        );
    }

    let index = LineIndex::new(raw);
    let lines = raw.matches('\n').count() + 1;
    for at in [0, raw.len()] {
        assert_located(&index, lines, at, &input);
    }

    match find(&normalised, &input.quote) {
        Ok(m) => {
            assert_range("match raw", raw, &m.raw, &input);
            assert_range("match normalised", text, &m.normalised, &input);
            assert_located(&index, lines, m.raw.start, &input);
            let line = index.locate(m.raw.start).line;
            let line_range = index.line_range(raw, line);
            assert_range("line", raw, &line_range, &input);
        }
        Err(miss) => {
            assert!(
                miss.pieces == 0 || miss.piece_index < miss.pieces,
                "piece index {} of {}\ninput: {input:?}",
                miss.piece_index,
                miss.pieces
            );
            if let Some(near) = &miss.nearest {
                assert_range("near-miss raw", raw, &near.raw, &input);
                assert!(
                    (0.0..=1.0).contains(&near.similarity),
                    "similarity {}\ninput: {input:?}",
                    near.similarity
                );
                assert_located(&index, lines, near.raw.start, &input);
            }
        }
    }
});
