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
