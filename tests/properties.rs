//! The fuzz targets' properties (fuzz/fuzz_targets/), as bounded proptest
//! runs so every `cargo test` checks them: parsing never panics and keeps its
//! diagnostics inside the file; quote matching never panics and every offset
//! it returns maps back inside the raw text. Template escaping has its own
//! property test in `tests/escape.rs`.

use clerk::check::{DossierFile, parse};
use clerk::diag::{Diagnostic, TextFile};
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
