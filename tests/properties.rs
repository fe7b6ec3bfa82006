//! The fuzz targets' properties (fuzz/fuzz_targets/), as bounded proptest
//! runs so every `cargo test` checks them: parsing never panics and keeps its
//! diagnostics inside the file; quote matching never panics and every offset
//! it returns maps back inside the raw text. Template escaping has its own
//! property test in `tests/escape.rs`.

use clerk::check::parse;
use clerk::diag::{Diagnostic, TextFile};
use clerk::project::DossierFile;
use clerk::quote::{LineIndex, Normalised, find};
use proptest::prelude::*;

fn assert_sites_inside(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let _ = d.render(false);
        let _ = d.to_json();
        if let Some(site) = &d.site {
            assert!(site.line >= 1, "{d:?}");
            assert!(
                site.highlight.start <= site.highlight.end
                    && site.highlight.end <= site.line_text.len(),
                "{d:?}"
            );
        }
    }
}

/// Text that looks like a dossier often enough to get past the parser:
/// fragments of real dossier lines, shuffled and cut.
fn dossier_like() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "title = \"T\"\n",
        "date = 2025-01-01\n",
        "summary = \"S\"\n",
        "[sources]\n",
        "a = \"sha256:0000000000000000000000000000000000000000000000000000000000000000\"\n",
        "[[claims]]\n",
        "id = \"c\"\n",
        "id = \"Bad Id\"\n",
        "kind = \"allegation\"\n",
        "kind = \"rumour\"\n",
        "by = \"X\"\n",
        "statement = \"S\"\n",
        "responds-to = [\"c\", \"d\"]\n",
        "[[claims.evidence]]\n",
        "source = \"a\"\n",
        "quote = \"q […] r\"\n",
        "quote = \"\"\n",
        "\"\"\"\n",
        "= = =\n",
        "\u{0}\u{feff}é\r\n",
    ]);
    (prop::collection::vec(fragments, 0..24), any::<u16>()).prop_map(|(parts, cut)| {
        let text = parts.concat();
        let mut at = usize::from(cut) % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text[..at].to_string()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parsing_never_panics_and_points_inside_the_file(
        text in prop_oneof![dossier_like(), any::<String>()],
    ) {
        let file = TextFile::new("dossiers/p.toml", text);
        let parsed = parse(DossierFile {
            id: "p".into(),
            file,
            sha256: "0".repeat(64),
        });
        assert_sites_inside(&parsed.diagnostics);
    }

    #[test]
    fn matching_maps_offsets_back_inside_the_raw_text(
        source in "([a-z’'«» \n\u{ad}-]|re-\nports|ﬁ|é|e\u{301}){0,80}",
        quote in "([a-z’'« \n-]|\\[…\\]|ﬁ){0,20}",
        document in any::<bool>(),
    ) {
        let normalised = if document {
            Normalised::document(&source)
        } else {
            Normalised::new(&source)
        };
        let text = normalised.as_str();
        for (at, _) in text.char_indices() {
            let raw = normalised.raw_offset(at);
            prop_assert!(raw <= source.len() && source.is_char_boundary(raw));
        }
        let lines = LineIndex::new(&source);
        match find(&normalised, &quote) {
            Ok(found) => {
                prop_assert!(found.raw.start <= found.raw.end && found.raw.end <= source.len());
                prop_assert!(source.is_char_boundary(found.raw.start));
                prop_assert!(source.is_char_boundary(found.raw.end));
                prop_assert!(found.normalised.end <= text.len());
                let line = lines.locate(found.raw.start).line;
                prop_assert!(line >= 1 && line <= source.matches('\n').count() + 1);
                // What was found is found again in the raw text it maps to.
                let again = if document {
                    Normalised::document(&source[found.raw.clone()])
                } else {
                    Normalised::new(&source[found.raw.clone()])
                };
                prop_assert!(find(&again, &quote).is_ok(), "{:?}", &source[found.raw.clone()]);
            }
            Err(miss) => {
                if let Some(near) = miss.nearest {
                    prop_assert!(near.raw.end <= source.len());
                    prop_assert!((0.0..=1.0).contains(&near.similarity));
                }
            }
        }
    }
}

/// FORMAT.md's normalisation (steps 1 to 5) one character at a time, the
/// plain way: NFKC per cluster (a starter and its combining marks), double
/// quotation marks dropped, single quotes, dashes and ellipses folded, white
/// space collapsed. Returns the text and, per character, the raw offset it
/// comes from. The fast path for plain ASCII runs must agree with it.
fn reference_normalisation(raw: &str) -> (String, Vec<usize>) {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::canonical_combining_class;
    let is_double_quote = |c: char| "\"“”„«»‹›″‟＂".contains(c);
    let mut text = String::new();
    let mut origins = Vec::new();
    let mut pending_space: Option<usize> = None;
    let chars: Vec<(usize, char)> = raw.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, starter) = chars[i];
        let mut j = i + 1;
        while j < chars.len() && canonical_combining_class(chars[j].1) != 0 {
            j += 1;
        }
        let end = chars.get(j).map_or(raw.len(), |&(at, _)| at);
        i = j;
        if is_double_quote(starter) {
            continue;
        }
        for c in raw[start..end].nfkc() {
            if c.is_whitespace() {
                pending_space.get_or_insert(start);
                continue;
            }
            let folded = match c {
                c if is_double_quote(c) => "",
                '‘' | '’' | '‚' | '′' | 'ʼ' | '‛' => "'",
                '‐' | '‑' | '‒' | '–' | '—' | '−' => "-",
                '…' => "...",
                '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => "",
                _ => {
                    if let Some(space) = pending_space.take()
                        && !text.is_empty()
                    {
                        text.push(' ');
                        origins.push(space);
                    }
                    text.push(c);
                    origins.push(start);
                    continue;
                }
            };
            if folded.is_empty() {
                continue;
            }
            if let Some(space) = pending_space.take()
                && !text.is_empty()
            {
                text.push(' ');
                origins.push(space);
            }
            for f in folded.chars() {
                text.push(f);
                origins.push(start);
            }
        }
    }
    (text, origins)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn normalisation_agrees_with_the_plain_reference(
        raw in "([a-zA-Z0-9.,;:!?()'\"-]|[ \t\n]|é|e\u{301}|\u{301}|\u{327}|ﬁ|“|”|«|»|’|—|…|\u{a0}|½|²|\u{ad}|\u{200b}|한|\u{1100}\u{1161}){0,60}",
    ) {
        let normalised = Normalised::new(&raw);
        let (expected, origins) = reference_normalisation(&raw);
        prop_assert_eq!(normalised.as_str(), expected.as_str());
        for ((at, _), origin) in normalised.as_str().char_indices().zip(&origins) {
            prop_assert_eq!(normalised.raw_offset(at), *origin, "at normalised byte {}", at);
        }
    }
}
