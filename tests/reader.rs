//! Quoting what the reader sees: Markdown held to its rendered text (front
//! matter from Jekyll, Hugo and Pelican read, not quoted), a language read
//! off a text whose record names none, and a decision cited by its own
//! paragraph numbers.

mod common;

use common::{Project, pdf_text};

fn reader() -> Project {
    Project::fixture("reader")
}

#[test]
fn markdown_sources_check_against_their_rendered_text() {
    let project = reader();
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn text_shows_the_rendered_markdown_with_the_files_line_numbers() {
    let project = reader();
    let (status, stdout, stderr) = project.run(&["text", "jekyll-post"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(!stdout.contains("**"), "{stdout}");
    assert!(!stdout.contains("layout: post"), "{stdout}");
    assert!(!stdout.contains("[report]"), "{stdout}");
    // The heading is line 12 of the file, the paragraph starts on line 14.
    assert!(
        stdout.contains("  12     1 | French lawmakers question the harbour contract"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  14     2 | The minister was fully informed of the tender, according to"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  15     2 | the committee's report, which the Gazette has seen."),
        "{stdout}"
    );
    assert!(
        stdout.contains("  17     3 | The contract was signed in March."),
        "{stdout}"
    );
    assert!(
        stdout.contains("  18     4 | It was never published."),
        "{stdout}"
    );
}

#[test]
fn a_quote_written_against_the_markup_still_checks_with_a_warning() {
    let project = reader();
    project.edit(
        "dossiers/harbour.toml",
        "quote = \"The minister was fully informed of the tender, according to the committee's report\"",
        "quote = \"The minister was **fully informed** of the tender, according to [the committee's report][report]\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning[quote-in-markup]: the quote is written with the Markdown markup of source `jekyll-post`, which readers do not see"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "= help: quote the text as rendered: \"The minister was fully informed of the tender, according to the committee's report\""
        ),
        "{stderr}"
    );
    assert!(stderr.contains("0 errors, 1 warning"), "{stderr}");
}

#[test]
fn markup_the_reader_does_not_see_is_not_quotable_text() {
    let project = reader();
    project.edit(
        "dossiers/harbour.toml",
        "quote = \"The contract was signed in March.\"",
        "quote = \"layout: post\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[quote-not-found]"), "{stderr}");
}

/// Runs `clerk add` on `name`, written into `inbox/` with `content`, and
/// returns the record written and what clerk printed.
fn add(project: &Project, name: &str, content: &str) -> (String, String) {
    project.write(&format!("inbox/{name}"), content);
    let (status, stdout, stderr) = project.run(&[
        "add",
        &project.path(&format!("inbox/{name}")).display().to_string(),
        "--kind",
        "press",
        "--publisher",
        "P",
        "--id",
        "added",
    ]);
    assert_eq!(status, 0, "{stderr}");
    (
        project.read("sources/added.toml"),
        format!("{stdout}{stderr}"),
    )
}

#[test]
fn add_reads_jekyll_yaml_front_matter() {
    let project = reader();
    let source = project.read("sources/jekyll-post.md");
    let (record, printed) = add(&project, "post.md", &source);
    assert!(
        record.contains("title = \"French lawmakers question the harbour contract\""),
        "{record}"
    );
    assert!(record.contains("author = \"Claire Martin\""), "{record}");
    assert!(record.contains("published = 2024-05-17"), "{record}");
    assert!(record.contains("language = \"en-GB\""), "{record}");
    assert!(
        record.contains("url = \"https://example.org/2024/05/17/harbour-contract\""),
        "{record}"
    );
    assert!(
        printed.contains("(read from the YAML front matter `title`)"),
        "{printed}"
    );
}

#[test]
fn add_reads_hugo_toml_front_matter() {
    let project = reader();
    let source = project.read("sources/hugo-note.md");
    let (record, _) = add(&project, "note.md", &source);
    assert!(
        record.contains("title = \"Harbour contract: the ministry's answer\""),
        "{record}"
    );
    assert!(record.contains("author = \"Press office\""), "{record}");
    assert!(record.contains("published = 2024-05-20"), "{record}");
    assert!(record.contains("language = \"en\""), "{record}");
    assert!(
        record.contains("url = \"https://example.org/notes/harbour\""),
        "{record}"
    );
}

#[test]
fn add_reads_pelican_headers_not_as_the_title_line() {
    let project = reader();
    let source = project.read("sources/pelican-brief.md");
    let (record, _) = add(&project, "brief.md", &source);
    assert!(
        record.contains("title = \"Harbour contract, a timeline\""),
        "{record}"
    );
    assert!(record.contains("author = \"Jean Dupont\""), "{record}");
    assert!(record.contains("published = 2024-05-21"), "{record}");
    assert!(!record.contains("Title:"), "{record}");
}

#[test]
fn add_writes_the_language_it_reads_off_the_text() {
    let project = reader();
    let source = project.read("sources/tribune.txt");
    let (record, printed) = add(&project, "opinion.txt", &source);
    assert!(record.contains("language = \"fr\""), "{record}");
    assert!(
        printed.contains("(read from the text, read as fr with confidence"),
        "{printed}"
    );
}

#[test]
fn add_leaves_the_language_out_when_the_text_is_too_short_to_tell() {
    let project = reader();
    let (record, _) = add(&project, "short.txt", "OK.\n");
    assert!(!record.contains("language"), "{record}");
}

#[test]
fn add_proposes_citing_a_numbered_decision_by_its_numbers() {
    let project = reader();
    let source = project.read("sources/decision.txt");
    let (record, printed) = add(&project, "ruling.txt", &source);
    assert!(
        record.contains("cite-by = \"paragraph-number\""),
        "{record}"
    );
    assert!(
        printed.contains("(read from paragraphs numbered 1\u{2013}5 in the text)"),
        "{printed}"
    );
    let other = reader();
    let (record, _) = add(&other, "plain.txt", &other.read("sources/tribune.txt"));
    assert!(!record.contains("cite-by"), "{record}");
}

#[test]
fn a_source_without_a_language_in_another_language_is_warned_about() {
    let project = reader();
    let pin =
        clerk::files::sha256_hex(&std::fs::read(project.path("sources/tribune.txt")).unwrap());
    project.edit(
        "dossiers/harbour.toml",
        "[sources]\n",
        &format!("[sources]\ntribune = \"sha256:{pin}\"\n"),
    );
    project.edit(
        "dossiers/harbour.toml",
        "[[claims]]\nid = \"denied\"",
        "[[claims.evidence]]\nsource = \"tribune\"\nquote = \"Le contrat du port a été signé sans appel d'offres public\"\n\n[[claims]]\nid = \"denied\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning[missing-language]: source `tribune` has no `language`, and its text reads as `fr` (confidence 1.00), not the brief's language (`en`)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "= help: add `language = \"fr\"` to the record `sources/tribune.toml` (quotes in another language than the brief's need a `translation`)"
        ),
        "{stderr}"
    );
    // Once the record says so, the quote needs its translation instead.
    project.edit(
        "sources/tribune.toml",
        "kind = \"press\"",
        "kind = \"press\"\nlanguage = \"fr\"",
    );
    let (_, _, stderr) = project.run(&["check"]);
    assert!(!stderr.contains("missing-language"), "{stderr}");
    assert!(stderr.contains("warning[missing-translation]"), "{stderr}");
}

#[test]
fn a_decision_is_cited_by_its_own_paragraph_numbers() {
    let project = reader();
    let (status, _, stderr) = project.run(&["build", "--emit", "json"]);
    assert_eq!(status, 0, "{stderr}");
    let text = pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    // References are numbered as first cited: jekyll-post, pelican-brief,
    // hugo-note, decision.
    assert!(text.contains("[4, para. 2]"), "{text}");
    // The quotation inside paragraph 3 is cited as paragraph 3.
    assert!(text.contains("[4, para. 3]"), "{text}");
    // Markdown sources: the paragraph of the rendered text.
    assert!(text.contains("[1, ¶2]"), "{text}");
    assert!(text.contains("March. [2, ¶3]"), "{text}");
    let json = project.read("output/harbour.json");
    assert!(json.contains("\"paragraph_number\": \"2\""), "{json}");
    assert!(json.contains("\"citation\": \"[4, para. 2]\""), "{json}");
}

#[test]
fn a_record_names_the_word_before_the_number() {
    let project = reader();
    project.edit(
        "sources/decision.toml",
        "cite-by = \"paragraph-number\"",
        "cite-by = \"paragraph-number\"\nparagraph-label = \"cons.\"",
    );
    project.edit(
        "dossiers/harbour.toml",
        "date = 2025-04-01",
        "date = 2025-04-01\nlanguage = \"fr\"",
    );
    let (status, _, stderr) = project.run(&["build", "--emit", "json"]);
    assert_eq!(status, 0, "{stderr}");
    let json = project.read("output/harbour.json");
    assert!(json.contains("\"citation\": \"[4, cons. 2]\""), "{json}");
}

#[test]
fn a_french_brief_uses_the_french_word() {
    let project = reader();
    project.edit(
        "dossiers/harbour.toml",
        "date = 2025-04-01",
        "date = 2025-04-01\nlanguage = \"fr\"",
    );
    let (status, _, stderr) = project.run(&["build", "--emit", "json"]);
    assert_eq!(status, 0, "{stderr}");
    let json = project.read("output/harbour.json");
    assert!(json.contains("\"citation\": \"[4, § 2]\""), "{json}");
}

#[test]
fn cite_by_must_be_a_known_way() {
    let project = reader();
    project.edit(
        "sources/decision.toml",
        "cite-by = \"paragraph-number\"",
        "cite-by = \"number\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[syntax]"), "{stderr}");
    assert!(stderr.contains("cite-by"), "{stderr}");
}
