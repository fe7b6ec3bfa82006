//! References in the dossier's citation style (`citation-style`), formatted
//! by a CSL processor, the same in the PDF and the HTML edition; an unknown
//! style is an error at its line; `clerk template styles` lists them.

mod common;

use common::{Project, pdf_text};

/// The office fixture, its dossier set to `style` (none: the default).
fn project_with_style(style: Option<&str>) -> Project {
    let project = Project::fixture("office");
    if let Some(style) = style {
        project.edit(
            "dossiers/harbour.toml",
            "summary = ",
            &format!("citation-style = \"{style}\"\nsummary = "),
        );
    }
    project
}

fn references(project: &Project) -> (String, String) {
    let (status, _, stderr) = project.run(&["build", "--emit", "html"]);
    assert_eq!(status, 0, "{stderr}");
    let pdf = pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    let start = pdf.rfind("References").expect("a references heading");
    let end = pdf.rfind("Source integrity").expect("the integrity table");
    let html = project.read("output/harbour.html");
    (pdf[start..end].to_string(), html)
}

#[test]
fn references_follow_the_named_style_in_pdf_and_html() {
    // Chicago author-date, the default: the date follows the title, bare.
    let (chicago, _) = references(&project_with_style(None));
    let chicago = chicago.replace(" .", ".");
    assert!(
        chicago.contains("n.d. Office of the Minister for Ports."),
        "{chicago}"
    );
    assert!(!chicago.contains("(n.d.)"), "{chicago}");
    // No raw kind or language code reaches the reader any more.
    assert!(!chicago.contains("government, en"), "{chicago}");

    // APA: the date in parentheses.
    let (apa, html) = references(&project_with_style(Some("apa")));
    // The PDF's text reader puts a space after italics.
    let apa = apa.replace(" .", ".");
    assert!(
        apa.contains(
            "Ministerial Answer on Harbour Dredging. (n.d.). Office of the Minister for Ports."
        ),
        "{apa}"
    );
    // The title in italics, as the style says.
    assert!(
        html.contains("<i>Ministerial Answer on Harbour Dredging</i>. (n.d.). Office of the Minister for Ports."),
        "{html}"
    );
    // clerk's own numbers stay, and each entry is still the target of its
    // citations.
    assert!(apa.contains("[3] Ministerial Answer"), "{apa}");
    assert!(
        html.contains("<li id=\"ref-3\" value=\"3\"><i>Ministerial Answer"),
        "{html}"
    );
}

#[test]
fn an_unknown_style_is_an_error_at_its_line_and_the_styles_are_listed() {
    let project = project_with_style(Some("chicgo"));
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[unknown-template]: unknown citation style `chicgo`"),
        "{stderr}"
    );
    assert!(stderr.contains("dossiers/harbour.toml:5:"), "{stderr}");
    assert!(stderr.contains("`clerk template styles` lists"), "{stderr}");

    let (status, stdout, _) = project.run(&["template", "styles"]);
    assert_eq!(status, 0);
    let names: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split("  ").next())
        .flat_map(|names| names.split(", "))
        .collect();
    for style in [
        "apa",
        "chicago-author-date",
        "ieee",
        "modern-language-association",
    ] {
        assert!(names.contains(&style), "{stdout}");
    }

    // A CSL file under templates/ is a style too; one that is no CSL is
    // refused, naming it.
    project.write("templates/unit.csl", "<not-csl/>");
    project.edit("dossiers/harbour.toml", "\"chicgo\"", "\"unit.csl\"");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("`templates/unit.csl` is not a CSL style"),
        "{stderr}"
    );
}
