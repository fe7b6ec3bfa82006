//! `clerk build` on fixture projects: the PDF read back, byte-identical
//! rebuilds, and failed builds that keep the older PDF.

mod common;

use common::{Project, pdf_text};

fn built(project: &Project) -> Vec<u8> {
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    std::fs::read(project.path("output/harbour.pdf")).unwrap()
}

#[test]
fn brief_has_sections_citations_and_fingerprints() {
    let project = Project::fixture("basic");
    let pdf = built(&project);
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    let position = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in the PDF text:\n{text}"))
    };
    // Title block, marking, page numbers, summary.
    position("Harbour contract");
    position("OFFICIAL");
    position("Page 1 of");
    let summary = position("Summary");
    position("Second paragraph.");
    // The three sections, in order.
    let allegations = position("Allegations");
    let denials = position("Denials");
    let positions = position("Official positions");
    let references = position("References");
    assert!(
        summary < allegations
            && allegations < denials
            && denials < positions
            && positions < references
    );
    // Numbered by first citation: alpha first, then gamma, then beta.
    position("[1, ¶3]");
    position("[2, ¶1]");
    position("[3, ¶1]");
    position("[1, ¶4]");
    // References and the integrity section.
    position("The Daily Fixture");
    position("f868dd3ca385fd52");
    position("f868dd3ca385fd52c9fc5db0e767b7568a9e26a8dd6022ba7a594a073769c602");
    position("22e607b665c5c05e61c0047315c9bfe033cc04180ae7117067fc0b4d52869155");
    position(&format!("clerk {}", env!("CARGO_PKG_VERSION")));
    // Quotes verbatim, French included; claim links.
    position("Le contrat a été attribué conformément à la loi.");
    position("Responds to: A1 (Opposition members)");
    // pdf-extract may put a space before punctuation; compare without spaces.
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(squash(&text).contains(&squash(
        "Responses: D1 (The company's chief executive); P1 (The ministry)"
    )));
}

#[test]
fn rebuilds_are_byte_identical_across_folders() {
    let first = built(&Project::fixture("basic"));
    let second = built(&Project::fixture("basic"));
    assert_eq!(first, second, "two builds of the same inputs differ");
}

#[test]
fn special_text_prints_verbatim() {
    let project = Project::fixture("basic");
    let nasty = r#"Typst #set text(red) *bold* _em_ $x^2$ <lab> @ref // not a comment \ back `raw` = head - list + enum / term: {{title}} {{{raw}}} ... "quoted" 'single'"#;
    let toml_literal = nasty.replace('\\', "\\\\").replace('"', "\\\"");
    project.edit(
        "dossiers/harbour.toml",
        "statement = \"The tender was rigged in favour of one bidder.\"",
        &format!("statement = \"{toml_literal}\""),
    );
    let text = pdf_text(&built(&project));
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(
        squash(&text).contains(&squash(nasty)),
        "verbatim text missing:\n{text}"
    );
}

#[test]
fn a_dossier_with_errors_keeps_its_older_pdf_and_others_still_build() {
    let project = Project::fixture("basic");
    let good = built(&project);
    // A second dossier that stays valid.
    project.write(
        "dossiers/second.toml",
        project
            .read("dossiers/harbour.toml")
            .replace("Harbour contract", "Second brief"),
    );
    project.edit(
        "dossiers/harbour.toml",
        "in full transparency",
        "in complete transparency",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[quote-not-found]"), "{stderr}");
    assert_eq!(
        std::fs::read(project.path("output/harbour.pdf")).unwrap(),
        good,
        "older PDF changed"
    );
    assert!(
        project.path("output/second.pdf").is_file(),
        "the valid dossier was not built"
    );
    let leftovers: Vec<_> = std::fs::read_dir(project.path("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".clerk-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn out_folder_and_project_template() {
    let project = Project::fixture("basic");
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: {{str title}})\n#set text(font: \"Libertinus Serif\", lang: \"en\")\nCUSTOM TEMPLATE {{title}} #image(\"logo.svg\", width: 1cm, alt: \"Logo\")\n",
    );
    project.write(
        "templates/logo.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#,
    );
    let out = tempfile::tempdir().unwrap();
    let (status, _, stderr) = project.run(&["build", "--out", out.path().to_str().unwrap()]);
    assert_eq!(status, 0, "{stderr}");
    let text = pdf_text(&std::fs::read(out.path().join("harbour.pdf")).unwrap());
    assert!(text.contains("CUSTOM TEMPLATE Harbour contract"), "{text}");
}

#[test]
fn template_errors_point_at_the_template_line() {
    let project = Project::fixture("basic");
    project.write(
        "templates/brief.typ.hbs",
        "= {{title}}\n\n#let x = (\n{{summry}}\n",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[template]"), "{stderr}");
    assert!(stderr.contains("templates/brief.typ.hbs:4"), "{stderr}");
    assert!(
        stderr.contains("the template uses `summry`, which the brief context does not have"),
        "{stderr}"
    );

    project.write(
        "templates/brief.typ.hbs",
        "= {{title}}\n\n#unknown-function(1)\n",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[template]: typst error"), "{stderr}");
    assert!(stderr.contains("templates/brief.typ.hbs:3"), "{stderr}");
}

#[test]
fn templates_cannot_read_outside_templates_or_import_packages() {
    for (markup, expected) in [
        ("#read(\"../sources/beta.txt\")", "typst error"),
        ("#read(\"/etc/hostname\")", "typst error"),
        (
            "#import \"@preview/example:0.1.0\": *",
            "package imports are not available",
        ),
    ] {
        let project = Project::fixture("basic");
        project.write("templates/brief.typ.hbs", format!("{markup}\n"));
        let (status, _, stderr) = project.run(&["build"]);
        assert_eq!(status, 1, "{markup}: {stderr}");
        assert!(stderr.contains(expected), "{markup}: {stderr}");
        assert!(!project.path("output/harbour.pdf").exists());
    }
}

#[test]
fn template_command_prints_the_builtin() {
    let project = Project::fixture("basic");
    let (status, stdout, _) = project.run(&["template", "brief"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("#set document("), "{stdout}");
    let (status, _, stderr) = project.run(&["template", "fancy"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("no built-in template `fancy`"), "{stderr}");
}

#[test]
fn unescaped_insertion_is_refused() {
    for markup in ["{{{title}}}", "{{&title}}"] {
        let project = Project::fixture("basic");
        project.write(
            "templates/brief.typ.hbs",
            format!("#set document(title: \"t\")\n{markup}\n"),
        );
        let (status, _, stderr) = project.run(&["build"]);
        assert_eq!(status, 1, "{markup}: {stderr}");
        assert!(stderr.contains("inserts a field unescaped"), "{stderr}");
        assert!(stderr.contains("templates/brief.typ.hbs:2:1"), "{stderr}");
        assert!(
            stderr.contains("or `{{raw-markup field}}` to insert trusted Typst markup"),
            "{stderr}"
        );
    }
}

#[test]
fn pdf_metadata_outline_and_tags() {
    let project = Project::fixture("basic");
    let pdf = built(&project);
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let catalog = document.catalog().unwrap();
    assert_eq!(
        catalog.get(b"Lang").unwrap().as_str().unwrap(),
        b"en",
        "document language"
    );
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "tagged PDF");
    assert!(catalog.get(b"Outlines").is_ok(), "bookmarks");
    let raw = String::from_utf8_lossy(&pdf);
    // XMP metadata: title, creation date = the dossier's date, PDF/A and UA.
    assert!(raw.contains("Harbour contract"), "title");
    assert!(raw.contains("2025-02-01"), "creation date");
    assert!(raw.contains("<pdfaid:part>3</pdfaid:part>"), "PDF/A-3");
    assert!(raw.contains("<pdfuaid:part>1</pdfuaid:part>"), "PDF/UA-1");
    assert!(raw.contains("Test Unit"), "author");
    let text = common::pdf_text(&pdf);
    assert!(text.contains("OFFICIAL"), "searchable marking: {text}");
}

#[test]
fn typst_warnings_are_reported_against_the_template() {
    let project = Project::fixture("basic");
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: \"t\")\n#set text(lang: \"en\", font: \"No Such Font\")\nHello\n",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("warning[template]: typst warning: unknown font family"),
        "{stderr}"
    );
    assert!(stderr.contains("templates/brief.typ.hbs:2"), "{stderr}");
    assert!(stderr.contains("(0 errors, 1 warning)"), "{stderr}");
}

#[test]
fn a_brief_that_cannot_be_written_exits_2_naming_the_path_and_cause() {
    let project = Project::fixture("basic");
    // A folder where the PDF should go: the rename into place fails, even
    // for root, and the failure is the disk's, not the dossier's.
    project.write("output/harbour.pdf/keep", "a folder in the way");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 2, "{stderr}");
    let error = stderr
        .lines()
        .find(|line| line.starts_with("error: cannot write the brief of dossier `harbour`"))
        .unwrap_or_else(|| panic!("no write error in:\n{stderr}"));
    assert!(error.contains("harbour.pdf"), "{error}");
    assert!(
        error.ends_with("harbour.pdf`: it is a folder"),
        "the cause: {error}"
    );
    assert!(!stderr.contains("error[template]"), "{stderr}");
    assert!(stderr.contains("built 0, fresh 0, failed 1 in"), "{stderr}");
    assert!(project.path("output/harbour.pdf/keep").is_file());
}

#[test]
fn template_names_its_built_ins_on_a_help_line() {
    let project = Project::fixture("basic");
    let (status, _, stderr) = project.run(&["template", "fancy"]);
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: no built-in template `fancy`\nhelp: built-in templates: brief, brief-html, reference-docx; built-in locales: locale-de, locale-en, locale-es, locale-fr, locale-it, locale-nl\n"
    );
}
