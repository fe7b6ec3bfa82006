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

/// The words and numbers of a formatted reference, in order: what must
/// agree between two processors, whose punctuation may differ.
fn words(entry: &str) -> Vec<String> {
    entry
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The text of each entry of the HTML edition's references, in order.
fn html_references(html: &str) -> Vec<String> {
    let list = &html[html
        .find("<ol class=\"references\">")
        .expect("a references list")..];
    let list = &list[..list.find("</ol>").expect("its end")];
    list.split("<li ")
        .skip(1)
        .map(|item| {
            let body = &item[item.find('>').unwrap() + 1..];
            let body = &body[..body
                .find("<span class=\"fingerprint\">")
                .unwrap_or(body.len())];
            let mut text = String::new();
            let mut in_tag = false;
            for c in body.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.replace("&#x27;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn a_house_style_formats_the_references_as_pandoc_citeproc_does() {
    let pandoc = std::process::Command::new("pandoc")
        .arg("--version")
        .output();
    if pandoc.is_err() {
        if std::env::var_os("CI").is_some() {
            panic!("pandoc is not installed: the comparison cannot run under CI");
        }
        eprintln!("SKIPPED: pandoc is not installed (apt-get install pandoc)");
        return;
    }
    let project = Project::example();
    project.write(
        "templates/house.csl",
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/styles/house.csl"),
        )
        .unwrap(),
    );
    project.edit(
        "dossiers/nc-azerbaijan.toml",
        "language = \"en\"",
        "language = \"en\"\ncitation-style = \"house.csl\"",
    );
    let (status, _, stderr) = project.run(&["build", "--emit", "html,csl"]);
    assert_eq!(status, 0, "{stderr}");
    let clerk = html_references(&project.read("output/nc-azerbaijan.html"));
    assert_eq!(clerk.len(), 7, "{clerk:#?}");

    // pandoc formats the CSL-JSON clerk exports with the same style.
    project.write("all.md", "---\nnocite: \"@*\"\n---\n");
    let output = std::process::Command::new("pandoc")
        .current_dir(project.path(""))
        .args([
            "all.md",
            "--citeproc",
            "--csl",
            "templates/house.csl",
            "--bibliography",
            "output/nc-azerbaijan.csl.json",
            "--to",
            "plain",
            "--wrap",
            "none",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pandoc: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .split("\n\n")
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(pandoc.len(), clerk.len(), "{pandoc:#?}\n{clerk:#?}");

    // The same authors (or the publisher in their place, once), years,
    // titles, newspapers and publishers, in the same order in each entry.
    // clerk keeps its own order of entries (its numbers, which its
    // citations point to), pandoc sorts them: entries are matched by
    // content.
    let mut clerk_words: Vec<Vec<String>> = clerk.iter().map(|e| words(e)).collect();
    let mut pandoc_words: Vec<Vec<String>> = pandoc.iter().map(|e| words(e)).collect();
    clerk_words.sort();
    pandoc_words.sort();
    assert_eq!(clerk_words, pandoc_words, "{clerk:#?}\n{pandoc:#?}");
    // The author equal to the publisher is printed once.
    let resolution = clerk
        .iter()
        .find(|e| e.contains("European resolution") && !e.contains("print"))
        .unwrap();
    assert_eq!(
        resolution.matches("Assemblée nationale").count(),
        1,
        "{resolution}"
    );
}
