//! The HTML edition (`clerk build --emit html`): the PDF's content and
//! numbering in one self-contained page, escaped whatever a dossier says,
//! reproducible, stamped for freshness and checked by `clerk verify`; and
//! the timeline both editions draw. tests/browser.rs opens it in Chromium.

mod common;

use std::collections::BTreeSet;

use common::{Project, pdf_text};
use scraper::{Html, Selector};

fn build(project: &Project, args: &[&str]) -> String {
    let (status, _, stderr) = project.run(&[&["build"], args].concat());
    assert_eq!(status, 0, "{stderr}");
    stderr
}

fn closing(stderr: &str) -> &str {
    stderr.lines().last().unwrap_or_default()
}

fn select<'a>(page: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    page.select(&Selector::parse(css).unwrap()).collect()
}

/// Every `id` of `page` is unique, so every link and label has one target.
fn assert_ids_unique(page: &Html) {
    let ids: Vec<&str> = select(page, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id"))
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}

fn text(element: &scraper::ElementRef<'_>) -> String {
    element
        .text()
        .collect::<Vec<_>>()
        .join("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_html_edition_has_the_pdfs_content_numbering_and_structure() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "html"]);
    let html = project.read("output/harbour.html");
    let pdf = pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    let page = Html::parse_document(&html);

    assert_eq!(select(&page, "html")[0].value().attr("lang"), Some("en"));
    assert_eq!(text(&select(&page, "title")[0]), "Harbour contract");
    // The marking at the top and at the bottom.
    assert_eq!(select(&page, "header .marking").len(), 1);
    assert_eq!(select(&page, "footer .marking").len(), 1);
    assert!(
        text(&select(&page, "footer")[0]).contains(&format!("clerk {}", env!("CARGO_PKG_VERSION")))
    );
    // One section per kind and one article per claim, with the PDF's anchors.
    let sections: Vec<&str> = select(&page, "main > section")
        .iter()
        .filter_map(|s| s.value().attr("id"))
        .collect();
    assert_eq!(
        sections,
        [
            "summary",
            "timeline",
            "section-allegation",
            "section-denial",
            "section-official-position",
            "references",
            "integrity"
        ]
    );
    let articles: Vec<&str> = select(&page, "section > article")
        .iter()
        .filter_map(|a| a.value().attr("id"))
        .collect();
    assert_eq!(
        articles,
        [
            "claim-rigged-tender",
            "claim-ceo-denial",
            "claim-ministry-lawful"
        ]
    );
    // Every citation, as in the PDF, links to its reference.
    let citations = select(&page, ".citation a");
    assert_eq!(citations.len(), 5);
    for citation in &citations {
        let printed = text(citation);
        assert!(pdf.contains(&printed), "{printed} is not in the PDF");
        let target = citation.value().attr("href").unwrap();
        let number = printed.trim_start_matches('[').split(',').next().unwrap();
        assert_eq!(target, format!("#ref-{number}"));
    }
    // The French quote says its language; responds-to links go both ways.
    let quotes = select(&page, "blockquote");
    assert!(
        quotes
            .iter()
            .any(|q| q.value().attr("lang") == Some("fr")
                && text(q).contains("conformément à la loi"))
    );
    let answered = &select(&page, "#claim-rigged-tender .links a");
    assert_eq!(answered.len(), 2);
    assert_eq!(
        select(&page, "#claim-ceo-denial .links a")[0]
            .value()
            .attr("href"),
        Some("#claim-rigged-tender")
    );
    // References in an ordered list, numbered as in the PDF, with full
    // hashes in the integrity table.
    let references = select(&page, "ol.references > li");
    assert_eq!(references.len(), 3);
    assert_eq!(references[0].value().attr("id"), Some("ref-1"));
    let hashes: Vec<String> = select(&page, "code.hash").iter().map(text).collect();
    let dossier = project.read("dossiers/harbour.toml");
    for hash in &hashes {
        assert_eq!(hash.len(), 64);
        assert!(dossier.contains(hash.as_str()));
    }
    // Every id is unique, so every link and label has one target.
    assert_ids_unique(&page);
    // Self-contained: no script, no stylesheet or image to fetch.
    assert!(select(&page, "script, link, img, iframe, object, embed").is_empty());
    assert_eq!(select(&page, "style").len(), 1);
    assert!(html.contains("@media print") && html.contains("prefers-color-scheme: dark"));
}

#[test]
fn emit_takes_lists_and_repeats_and_the_html_is_reproducible() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "typ,html"]);
    assert!(project.path("output/harbour.typ").is_file());
    let first = std::fs::read(project.path("output/harbour.html")).unwrap();
    std::fs::remove_dir_all(project.path("output")).unwrap();
    build(&project, &["--emit", "typ", "--emit", "html"]);
    assert_eq!(
        std::fs::read(project.path("output/harbour.html")).unwrap(),
        first
    );
    // The provenance lists it beside the PDF.
    let provenance = project.read("output/harbour.provenance.json");
    assert!(provenance.contains("\"harbour.html\""), "{provenance}");
}

#[test]
fn an_html_template_edit_rebuilds_the_html_and_leaves_the_pdf_as_it_was() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "html"]);
    let pdf = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    assert!(closing(&build(&project, &["--emit", "html"])).starts_with("built 0, fresh 1"));

    let (status, template, _) = project.run(&["template", "brief-html"]);
    assert_eq!(status, 0);
    assert!(template.starts_with("{{!--") && template.contains("<!DOCTYPE html>"));
    project.write(
        "templates/brief.html.hbs",
        template.replace("<main>", "<main class=\"edited\">"),
    );
    // Without --emit html too: an HTML edition already there is kept up to date.
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 1, fresh 0"), "{stderr}");
    assert!(
        project
            .read("output/harbour.html")
            .contains("<main class=\"edited\">")
    );
    assert_eq!(
        std::fs::read(project.path("output/harbour.pdf")).unwrap(),
        pdf
    );
    assert!(closing(&build(&project, &[])).starts_with("built 0, fresh 1"));

    // The PDF's inputs do not include the HTML template: verify passes, and
    // rebuilds the HTML edition to compare it too.
    let pdf_path = project.path("output/harbour.pdf");
    let pdf_path = pdf_path.to_str().unwrap();
    let (status, stdout, stderr) = project.run(&["verify", pdf_path]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.contains("harbour.html"), "{stdout}");
    project.edit("output/harbour.html", "edited", "altered");
    let (status, stdout, _) = project.run(&["verify", pdf_path]);
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("or its HTML template (templates/<name>.html.hbs) changed since"),
        "{stdout}"
    );

    // A template that no longer renders fails the HTML edition only.
    project.write("templates/brief.html.hbs", "{{#each sections}}\n");
    let (status, stdout, _) = project.run(&["verify", pdf_path]);
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains("ok  pdf           rebuilt in memory: byte-identical"),
        "{stdout}"
    );
    assert!(
        stdout.contains("harbour.html: cannot rebuild it: template does not parse"),
        "{stdout}"
    );
}

#[test]
fn a_broken_html_template_fails_the_brief_naming_the_template() {
    let project = Project::fixture("basic");
    project.write(
        "templates/brief.html.hbs",
        "<h1>{{title}}</h1>\n{{#each sections}}\n",
    );
    let (status, _, stderr) = project.run(&["build", "--emit", "html"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("templates/brief.html.hbs:2:1"), "{stderr}");
    assert!(stderr.contains("`{{#each}}` is never closed"), "{stderr}");
    assert!(!project.path("output/harbour.pdf").exists());

    project.write("templates/brief.html.hbs", "<h1>{{{title}}}</h1>\n");
    let (status, _, stderr) = project.run(&["build", "--emit", "html"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("inserts a field unescaped"), "{stderr}");
    assert!(
        stderr.contains("an HTML template prints every field as text"),
        "{stderr}"
    );

    // Without --emit html, the HTML template is not used at all.
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
}

/// A string that would run script if any field were inserted unescaped.
const HOSTILE: &str =
    "<script>alert(1)</script>\"><img src=x onerror=alert(2)> javascript:alert(3)";

#[test]
fn hostile_text_in_every_field_is_shown_never_executed() {
    let project = Project::fixture("basic");
    let source_text = format!("The clerk wrote {HOSTILE} in the minutes.\n");
    project.write("sources/evil.txt", &source_text);
    project.write(
        "sources/evil.toml",
        format!(
            "file = \"evil.txt\"\ntitle = {h:?}\npublisher = {h:?}\nauthor = {h:?}\nkind = \"press\"\nurl = \"javascript:alert(4)\"\naccessed = 2025-01-02\n",
            h = HOSTILE
        ),
    );
    let dossier = format!(
        r#"title = {h:?}
subtitle = {h:?}
date = 2025-02-01
authors = [{h:?}]
marking = {h:?}
translated-by = {h:?}
summary = {h:?}

[sources]
evil = "sha256:{pin}"

[[claims]]
id = "x"
kind = "allegation"
by = {h:?}
date = 2025-01-01
statement = {h:?}
note = {h:?}

[[claims.evidence]]
source = "evil"
quote = {h:?}
translation = {h:?}

[[claims]]
id = "y"
kind = "denial"
by = {h:?}
statement = {h:?}
responds-to = ["x"]

[[claims.evidence]]
source = "evil"
quote = "The clerk wrote"
"#,
        h = HOSTILE,
        pin = clerk::files::sha256_hex(source_text.as_bytes())
    );
    project.write("dossiers/evil.toml", dossier);
    build(&project, &["evil", "--emit", "html"]);
    let html = project.read("output/evil.html");
    let page = Html::parse_document(&html);
    assert!(select(&page, "script, img").is_empty(), "{html}");
    for element in select(&page, "*") {
        for (name, value) in element.value().attrs() {
            assert!(!name.starts_with("on"), "an event handler: {name}={value}");
            assert!(
                !value.trim().to_ascii_lowercase().starts_with("javascript:"),
                "a javascript: URL in {name}"
            );
        }
    }
    // Shown as text, where each field goes.
    assert!(text(&select(&page, "h1")[0]).contains("<script>alert(1)</script>"));
    assert!(text(&select(&page, "ol.references")[0]).contains("javascript:alert(4)"));
    assert!(select(&page, "ol.references a").is_empty());
    let shown = html
        .matches("&lt;script&gt;alert(1)&lt;/script&gt;")
        .count();
    assert!(shown >= 14, "{shown} fields shown escaped");
}

/// A dossier of `count` claims, a third of each kind, one a day from
/// 2025-01-01, each denial and position answering the first allegation.
fn debate(count: usize) -> String {
    let mut dossier = String::from(
        "title = \"A long debate\"\ndate = 2025-06-01\nsummary = \"Many voices.\"\n\n[sources]\ngamma = \"sha256:22e607b665c5c05e61c0047315c9bfe033cc04180ae7117067fc0b4d52869155\"\n",
    );
    for i in 0..count {
        let kind = ["allegation", "denial", "official-position"][i % 3];
        let date =
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(i as i64);
        let responds = if i % 3 == 0 {
            String::new()
        } else {
            "responds-to = [\"c0\"]\n".to_string()
        };
        dossier.push_str(&format!(
            "\n[[claims]]\nid = \"c{i}\"\nkind = \"{kind}\"\nby = \"Speaker {i}\"\ndate = {date}\nstatement = \"Statement {i}.\"\n{responds}\n[[claims.evidence]]\nsource = \"gamma\"\nquote = \"I heard the tender was rigged from the start.\"\n"
        ));
    }
    dossier
}

#[test]
fn a_hundred_claims_give_a_timeline_in_both_editions() {
    let project = Project::fixture("basic");
    project.write("dossiers/debate.toml", debate(100));
    build(&project, &["debate", "--emit", "html"]);
    let page = Html::parse_document(&project.read("output/debate.html"));
    let markers = select(&page, "svg.timeline .marker");
    assert_eq!(markers.len(), 100);
    let numbers: BTreeSet<String> = markers.iter().map(text).collect();
    assert_eq!(numbers.len(), 100);
    // 66 claims answer c0: the arrows that can be drawn without crossing
    // another or a label are (the unit tests of the layout check the
    // geometry); the response table lists them all.
    let links = select(&page, "svg.timeline path.link").len();
    assert!(links > 0 && links < 66, "{links}");
    let svg = &select(&page, "svg.timeline")[0];
    assert_eq!(svg.value().attr("role"), Some("img"));
    assert!(text(&select(&page, "svg.timeline desc")[0]).starts_with(
        "A1 (Allegations), Speaker 0, 1 January 2025; D1 (Denials), Speaker 1, 2 January 2025 → A1"
    ));
    // Each marker names the claim it stands for, whose article exists.
    for marker in &markers {
        let id = marker.value().attr("id").unwrap();
        let claim = id.strip_prefix("timeline-").unwrap();
        assert_eq!(select(&page, &format!("article#{claim}")).len(), 1);
    }
    // The PDF draws it too: every marker's label is in the PDF's text
    // before the first section.
    let pdf = pdf_text(&std::fs::read(project.path("output/debate.pdf")).unwrap());
    let figure =
        &pdf[pdf.find("The debate at a glance").unwrap()..pdf.find("Allegations A1").unwrap()];
    for label in ["A1", "A34", "D33", "P33", "2025-01-01", "2025-04-10"] {
        assert!(
            figure.split_whitespace().any(|w| w == label),
            "{label} not in {figure}"
        );
    }
}

#[test]
fn claim_ids_that_look_like_derived_ids_do_not_collide() {
    let project = Project::fixture("basic");
    // `claim-ceo-denial` + `_heading` cannot be a claim's anchor: ids have
    // no `_`.
    project.edit(
        "dossiers/harbour.toml",
        "id = \"ceo-denial\"",
        "id = \"rigged-tender-heading\"",
    );
    build(&project, &["--emit", "html"]);
    let page = Html::parse_document(&project.read("output/harbour.html"));
    assert_ids_unique(&page);
}

#[test]
fn claims_without_a_date_are_listed_beside_the_timeline() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "html"]);
    let page = Html::parse_document(&project.read("output/harbour.html"));
    // rigged-tender has a date; the other two do not.
    assert_eq!(select(&page, "svg.timeline .marker").len(), 1);
    let undated: Vec<String> = select(&page, ".undated li").iter().map(text).collect();
    assert_eq!(
        undated,
        ["D1 (The company's chief executive)", "P1 (The ministry)"]
    );
    let pdf = pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    assert!(pdf.contains("Without a date: D1"), "{pdf}");
}

#[test]
fn a_french_brief_has_a_french_html_edition() {
    let project = Project::fixture("basic");
    project.edit(
        "dossiers/harbour.toml",
        "date = 2025-02-01\n",
        "date = 2025-02-01\nlanguage = \"fr\"\n",
    );
    build(&project, &["--emit", "html"]);
    let page = Html::parse_document(&project.read("output/harbour.html"));
    assert_eq!(select(&page, "html")[0].value().attr("lang"), Some("fr"));
    assert_eq!(
        text(&select(&page, "#timeline-heading")[0]),
        "Le débat en un coup d’œil"
    );
    assert_eq!(
        text(&select(&page, "#section-allegation-heading")[0]),
        "Allégations"
    );
}

#[test]
fn a_typst_template_cannot_read_an_html_template() {
    let project = Project::fixture("basic");
    project.write("templates/brief.html.hbs", "<p>{{title}}</p>\n");
    let (_, typst_template, _) = project.run(&["template", "brief"]);
    project.write(
        "templates/brief.typ.hbs",
        format!("{typst_template}\n#read(\"brief.html.hbs\")\n"),
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("HTML templates (*.html.hbs) are not readable from a Typst template"),
        "{stderr}"
    );
}
