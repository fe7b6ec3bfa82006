//! Briefs in several languages: translated quotes, the fixed words of each
//! built-in locale and of a project's own, and French typography in quotes.

mod common;

use clerk::quote::{Normalised, find};
use common::{Project, pdf_text};

fn built_text(project: &Project) -> String {
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap())
}

#[test]
fn a_translation_follows_its_quote_with_its_translator() {
    let project = Project::fixture("basic");
    let text = built_text(&project);
    let original = text
        .find("Le contrat a été attribué conformément à la loi.")
        .expect("the original quote is printed");
    let translation = text
        .find("Translation (translated by Policy Unit): The contract was awarded in accordance with the law.")
        .unwrap_or_else(|| panic!("no translation in: {text}"));
    assert!(original < translation);
}

#[test]
fn a_quote_in_another_language_without_translation_is_a_warning() {
    let project = Project::fixture("basic");
    project.edit(
        "dossiers/harbour.toml",
        "translation = \"The contract was awarded in accordance with the law.\"\n",
        "",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("warning[missing-translation]: quote in `fr` from source `beta` has no translation into the brief's language (`en`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "help: add `translation = \"…\"` (and `translated-by`) to this `[[claims.evidence]]`"
        ),
        "{stderr}"
    );
}

#[test]
fn a_german_brief_has_german_words_and_dates() {
    let project = Project::fixture("basic");
    project.edit(
        "dossiers/harbour.toml",
        "title = ",
        "language = \"de\"\ntitle = ",
    );
    let (_, _, stderr) = project.run(&["check"]);
    assert!(!stderr.contains("missing-locale"), "{stderr}");
    let text = built_text(&project);
    for words in [
        "Zusammenfassung",
        "Vorwürfe",
        "Dementis",
        "Quellen",
        "Seite 1 von",
        "Übersetzung",
    ] {
        assert!(text.contains(words), "`{words}` not in: {text}");
    }
}

#[test]
fn a_language_without_words_falls_back_to_english_with_a_warning() {
    let project = Project::fixture("basic");
    project.edit(
        "dossiers/harbour.toml",
        "title = ",
        "language = \"pt\"\ntitle = ",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("warning[missing-locale]: clerk has no words for language `pt`; the brief's fixed words will be English"),
        "{stderr}"
    );
    assert!(built_text(&project).contains("Summary"));
}

#[test]
fn a_project_locale_adds_a_language_and_a_bad_one_stops_its_briefs() {
    let project = Project::fixture("basic");
    let english = {
        let (status, stdout, _) = project.run(&["template", "locale-en"]);
        assert_eq!(status, 0);
        stdout
    };
    project.write(
        "templates/locales/pt.toml",
        english.replace("summary = \"Summary\"", "summary = \"Resumo\""),
    );
    project.edit(
        "dossiers/harbour.toml",
        "title = ",
        "language = \"pt-BR\"\ntitle = ",
    );
    let text = built_text(&project);
    assert!(text.contains("Resumo"), "{text}");

    project.write(
        "templates/locales/pt.toml",
        english.replace("note = ", "nota = "),
    );
    let (status, _, stderr) = project.run(&["build", "--force"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[bad-locale]: missing field `note`\n --> templates/locales/pt.toml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error[bad-locale]: unknown field `nota`"),
        "{stderr}"
    );
    assert!(stderr.contains("failed 1"), "{stderr}");
}

#[test]
fn french_typographic_spaces_fold_in_the_resolutions_text() {
    let resolution = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sources/an-resolution-2025-03-28.txt"),
    )
    .unwrap();
    // The resolution sets « » with plain spaces; typographers use a narrow
    // no-break space (U+202F) or a no-break space (U+00A0).
    let typed = "congrès constitutif du «\u{202f}Front international de décolonisation\u{202f}»";
    assert!(
        resolution.contains("congrès constitutif du « Front international de décolonisation »")
    );
    assert!(find(&Normalised::new(&resolution), typed).is_ok());
    let typographic = resolution
        .replace(" »", "\u{a0}»")
        .replace("« ", "«\u{202f}");
    let plain = "congrès constitutif du « Front international de décolonisation »";
    assert!(find(&Normalised::new(&typographic), plain).is_ok());
}

/// The basic fixture with a source in `language` holding `text`, quoted in
/// full by a new official position, pinned.
fn quoting(language: &str, text: &str) -> Project {
    let project = Project::fixture("basic");
    project.write("sources/foreign.txt", format!("{text}\n"));
    project.write(
        "sources/foreign.toml",
        format!(
            "file = \"foreign.txt\"\ntitle = \"A foreign source\"\npublisher = \"P\"\nkind = \"press\"\nlanguage = \"{language}\"\n"
        ),
    );
    let dossier = project.read("dossiers/harbour.toml");
    project.write(
        "dossiers/harbour.toml",
        format!(
            "{dossier}\n[[claims]]\nid = \"foreign-view\"\nkind = \"official-position\"\nby = \"A foreign ministry\"\nstatement = \"A foreign ministry commented.\"\n\n[[claims.evidence]]\nsource = \"foreign\"\nquote = \"{text}\"\ntranslation = \"This is a test quote.\"\n"
        ),
    );
    let (status, _, stderr) = project.run(&["pin", "harbour", "--source", "foreign"]);
    assert_eq!(status, 0, "{stderr}");
    project
}

#[test]
fn greek_and_cyrillic_quotes_build_with_the_embedded_fonts() {
    let text = "Αθήνα και Москва";
    let project = quoting("el", text);
    let built = built_text(&project);
    assert!(built.contains(text), "{built}");
}

#[test]
fn chinese_and_thai_without_a_font_are_one_missing_glyph_error_per_claim() {
    for (language, text, first) in [
        ("zh", "这是一个测试引语。", "U+8FD9 这"),
        ("th", "นี่คือคำพูดทดสอบ", "U+0E19 น"),
    ] {
        let project = quoting(language, text);
        let (status, _, stderr) = project.run(&["check"]);
        assert_eq!(status, 1, "{stderr}");
        assert_eq!(
            stderr.matches("error[missing-glyph]").count(),
            1,
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "error[missing-glyph]: claim `foreign-view` has characters no font of the brief can show: {first},"
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains("help: add a font that covers them under `templates/fonts/`"),
            "{stderr}"
        );
    }
}

#[test]
fn chinese_builds_with_a_font_under_templates_fonts() {
    let font = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fonts/cjk-subset.ttf");
    let text = "这是一个测试引语。";
    let project = quoting("zh", text);
    project.write(
        "templates/fonts/cjk-subset.ttf",
        std::fs::read(font).unwrap(),
    );
    let read_back = built_text(&project);
    assert!(read_back.contains(text), "{read_back}");
}

#[test]
fn arabic_is_covered_by_the_embedded_fonts_and_set_right_to_left() {
    let text = "هذا اقتباس للاختبار";
    let project = quoting("ar", text);
    let read_back = built_text(&project);
    // The PDF's text is in visual order: each word's letters run right to
    // left, so the extracted words read reversed. (The last word's lam-alef
    // ligature is extracted in logical order, so it is left out.)
    for word in text.split_whitespace().take(2) {
        let reversed: String = word.chars().rev().collect();
        assert!(
            read_back.contains(&reversed),
            "`{word}` not set right to left in: {read_back}"
        );
    }
}
