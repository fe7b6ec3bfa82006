//! "Who answered what": every edition has a table with one row per
//! allegation and the denials and official positions that respond to it,
//! dated where known, with header cells a screen reader announces.

mod common;

use common::{Project, pdf_text};

#[test]
fn the_response_table_lists_who_answered_each_allegation() {
    let project = Project::example();
    let (status, _, stderr) = project.run(&["build", "--emit", "html"]);
    assert_eq!(status, 0, "{stderr}");

    let pdf = pdf_text(&std::fs::read(project.path("output/nc-azerbaijan.pdf")).unwrap());
    let table = &pdf[pdf.find("Who answered what").expect("the table's caption")..];
    assert!(
        table.starts_with(
            "Who answered what Allegation Responses A1 Le Monde, citing Radio France, 17 May 2024 D1 Abbas Abbasov"
        ),
        "{table}"
    );
    // A response's date follows its author.
    assert!(
        table.contains("P1 Gérald Darmanin, Minister of the Interior and Overseas, 16 May 2024"),
        "{table}"
    );
    // The allegation nobody answers (the dossier's `no-response` warning)
    // says so in its row.
    assert!(table.contains("No response recorded"), "{table}");

    let html = project.read("output/nc-azerbaijan.html");
    assert!(
        html.contains("<caption>Who answered what</caption>"),
        "{html}"
    );
    assert!(
        html.contains("<thead><tr><th scope=\"col\">Allegation</th><th scope=\"col\">Responses</th></tr></thead>"),
        "{html}"
    );
    assert!(
        html.contains("<tr><th scope=\"row\"><a href=\"#claim-flags-at-protests\">A1</a> Le Monde, citing Radio France, 17 May 2024</th><td><ul><li><a href=\"#claim-abbasov-denial\">D1</a>"),
        "{html}"
    );
    assert!(html.contains("<em>No response recorded</em>"), "{html}");

    // Every denial of the example is undated: the timeline lists them
    // instead of drawing an empty band.
    assert!(
        html.contains("<g class=\"band\" data-kind=\"allegation\">"),
        "{html}"
    );
    assert!(
        !html.contains("<g class=\"band\" data-kind=\"denial\">"),
        "{html}"
    );
    assert!(pdf.contains("Without a date: A4 (L'Express)"), "{pdf}");
}

#[test]
fn the_table_speaks_the_briefs_language() {
    let project = Project::example();
    project.edit(
        "dossiers/nc-azerbaijan.toml",
        "language = \"en\"",
        "language = \"fr\"",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let pdf = pdf_text(&std::fs::read(project.path("output/nc-azerbaijan.pdf")).unwrap());
    assert!(
        pdf.contains("Qui a répondu à quoi Allégation Réponses A1"),
        "{pdf}"
    );
    assert!(pdf.contains("Aucune réponse relevée"), "{pdf}");
}
