//! PDF and HTML sources: quotes held to the text a reader sees, page
//! locators, `clerk text`, and the `empty-text` and `unsupported-format`
//! rules. The fixtures are real documents: `committee-report.pdf` made by
//! pdfTeX, `bulletin.pdf` and `scan.pdf` made by typst, `locked.pdf` the
//! bulletin encrypted by qpdf with a user password and `owner-locked.pdf`
//! with an owner password only, and a web page.

mod common;

use common::{Project, pdf_text};

fn documents() -> Project {
    Project::fixture("documents")
}

fn sha256(project: &Project, relative: &str) -> String {
    clerk::files::sha256_hex(&std::fs::read(project.path(relative)).unwrap())
}

/// Adds a record for `file` and a claim citing `quote` from it, pinned.
fn cite(project: &Project, id: &str, file: &str, quote: &str) {
    project.write(
        &format!("sources/{id}.toml"),
        format!("file = \"{file}\"\ntitle = \"T\"\npublisher = \"P\"\nkind = \"other\"\n"),
    );
    let pin = sha256(project, &format!("sources/{file}"));
    project.edit(
        "dossiers/papers.toml",
        "[sources]\n",
        &format!("[sources]\n{id} = \"sha256:{pin}\"\n"),
    );
    let text = project.read("dossiers/papers.toml");
    project.write(
        "dossiers/papers.toml",
        format!(
            "{text}\n[[claims]]\nid = \"extra\"\nkind = \"allegation\"\nby = \"X\"\nstatement = \"S\"\n\n[[claims.evidence]]\nsource = \"{id}\"\nquote = \"{quote}\"\n"
        ),
    );
}

#[test]
fn quotes_match_across_ligatures_hyphenation_and_entities() {
    let project = documents();
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn brief_cites_pdf_pages_and_html_paragraphs() {
    let project = documents();
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let text = pdf_text(&std::fs::read(project.path("output/papers.pdf")).unwrap());
    // Reference numbers follow first citation, section by section:
    // committee-report (an allegation) 1, article (a denial) 2, bulletin 3.
    assert!(text.contains("reports [1, p. 1]"), "{text}");
    // The web page: the lead paragraph follows the heading.
    assert!(text.contains("[2, ¶2]"), "{text}");
    assert!(text.contains("debate [2, ¶4]"), "{text}");
    assert!(text.contains("response [3, p. 1]"), "{text}");
    assert!(text.contains("remains open [3, p. 2]"), "{text}");
    assert!(!text.contains("[1, ¶"), "PDF citations print pages: {text}");
}

#[test]
fn a_real_hyphen_still_matches_as_itself_and_is_no_wildcard() {
    let project = documents();
    // pdfTeX broke "cross-references" at its own hyphen: without it the
    // quote still matches (the line-end hyphen is ambiguous) ...
    project.edit(
        "dossiers/papers.toml",
        "the many cross-references between",
        "the many crossreferences between",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    // ... but a hyphen where the PDF has none at a line end does not.
    let project = documents();
    project.edit(
        "dossiers/papers.toml",
        "the many cross-references between",
        "the many-cross-references between",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[quote-not-found]"), "{stderr}");
}

#[test]
fn near_miss_in_a_pdf_points_at_the_page() {
    let project = documents();
    project.edit(
        "dossiers/papers.toml",
        "organisations remains open",
        "organisations remains closed",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[quote-not-found]"), "{stderr}");
    assert!(stderr.contains("claim `office-response`"), "{stderr}");
    assert!(stderr.contains("sources/bulletin.pdf page 2"), "{stderr}");
}

#[test]
fn hidden_html_text_is_not_quotable() {
    for hidden in [
        "Draft paragraph that readers never see.",
        "the harbour contract was cancelled",
        "Independent since 1901",
        "Politics",
        "2024 The Example Gazette",
    ] {
        let project = documents();
        project.edit(
            "dossiers/papers.toml",
            "awarded without a public tender & without debate",
            hidden,
        );
        let (status, _, stderr) = project.run(&["check"]);
        assert_eq!(status, 1, "`{hidden}` matched: {stderr}");
        assert!(
            stderr.contains("quote is not in source `article`"),
            "{stderr}"
        );
        assert!(stderr.contains("sources/article.html ¶"), "{stderr}");
    }
}

#[test]
fn html_blocks_do_not_run_together() {
    let project = documents();
    project.edit(
        "dossiers/papers.toml",
        "awarded without a public tender & without debate",
        "Critics disagree. Opposition members said",
    );
    let (status, _, stderr) = project.run(&["check"]);
    // Separate paragraphs still follow each other in the text: a quote may
    // run across them, as across paragraphs of a text file.
    assert_eq!(status, 0, "{stderr}");
    let (_, stdout, _) = project.run(&["text", "article"]);
    assert!(stdout.contains("| Critics disagree.\n"), "{stdout}");
    assert!(stdout.contains("| First concern: the price.\n"), "{stdout}");
    assert!(
        stdout.contains("| Second concern: the timetable.\n"),
        "{stdout}"
    );
    assert!(stdout.contains("| Contract value\n"), "{stdout}");
}

#[test]
fn text_prints_lines_paragraphs_and_pages() {
    let project = documents();
    let (status, stdout, stderr) = project.run(&["text", "bulletin"]);
    assert_eq!(status, 0, "{stderr}");
    let first = stdout.lines().next().unwrap();
    assert_eq!(first, "page  line     ¶ | text");
    let annex = stdout.lines().find(|l| l.ends_with("| Annex")).unwrap();
    assert!(annex.trim_start().starts_with("2 "), "{annex}");
    // As read: the typesetter's hyphen ends the line.
    assert!(stdout.contains("offered suf-\n"), "{stdout}");

    let (status, stdout, _) = project.run(&["text", "bulletin", "--normalised"]);
    assert_eq!(status, 0);
    // Normalised: the line-end hyphen is gone; the word runs on to the
    // next line with no space between.
    assert!(
        stdout.contains("| The office finds that the official figures offered suf\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| ficient justification for an effective response. Inter\n"),
        "{stdout}"
    );

    let (status, stdout, _) = project.run(&["text", "article"]);
    assert_eq!(status, 0);
    assert_eq!(stdout.lines().next().unwrap(), "line     ¶ | text");
    assert!(
        stdout.contains("   1     1 | Harbour deal under scrutiny\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("Subscribe"), "{stdout}");

    let (status, _, stderr) = project.run(&["text", "bulleting"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("no source `bulleting`"), "{stderr}");
    assert!(stderr.contains("did you mean `bulletin`?"), "{stderr}");
}

#[test]
fn a_pdf_without_text_layer_needs_ocr() {
    let project = documents();
    cite(&project, "scan", "scan.pdf", "anything");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[empty-text]"), "{stderr}");
    assert!(
        stderr.contains("sources/scan.pdf` has no text layer"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "help: clerk does no OCR: run OCR on it (for example `ocrmypdf in.pdf out.pdf`)"
        ),
        "{stderr}"
    );
    let (status, _, stderr) = project.run(&["text", "scan"]);
    assert_eq!(status, 1);
    assert!(stderr.contains("error[empty-text]"), "{stderr}");
}

#[test]
fn an_encrypted_pdf_is_a_clear_error() {
    let project = documents();
    cite(&project, "locked", "locked.pdf", "Monthly bulletin");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[empty-text]"), "{stderr}");
    assert!(
        stderr.contains("(the PDF is encrypted with a password)"),
        "{stderr}"
    );
    assert!(stderr.contains("qpdf --decrypt"), "{stderr}");
}

#[test]
fn a_damaged_pdf_is_a_clear_error() {
    let project = documents();
    let bytes = std::fs::read(project.path("sources/bulletin.pdf")).unwrap();
    project.write("sources/broken.pdf", &bytes[..bytes.len() / 3]);
    cite(&project, "broken", "broken.pdf", "Monthly bulletin");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[empty-text]"), "{stderr}");
    // Cut short, as a partial download is: the cause, and what to do.
    assert!(
        stderr.contains(
            "`sources/broken.pdf` is damaged (it does not end with the end-of-file marker `%%EOF`"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("help: download it again"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_html_page_without_visible_text_is_empty() {
    let project = documents();
    project.write(
        "sources/blank.html",
        "<html><head><title>Only a title</title></head><body><script>document.write('hi')</script><nav>Menu</nav></body></html>",
    );
    cite(&project, "blank", "blank.html", "hi");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[empty-text]"), "{stderr}");
    assert!(stderr.contains("no visible text"), "{stderr}");
}

#[test]
fn other_extensions_are_unsupported() {
    let project = documents();
    project.write("sources/notes.rtf", "{\\rtf1 hello}");
    cite(&project, "notes", "notes.rtf", "hello");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[unsupported-format]"), "{stderr}");
    assert!(stderr.contains("`.rtf`"), "{stderr}");
}

#[test]
fn extraction_is_deterministic_and_pins_the_raw_file() {
    let project = documents();
    let (_, first, _) = project.run(&["text", "committee-report", "--normalised"]);
    let (_, second, _) = project.run(&["text", "committee-report", "--normalised"]);
    assert_eq!(first, second);
    // Editing one byte of the PDF is a hash mismatch, as for text sources.
    let mut bytes = std::fs::read(project.path("sources/committee-report.pdf")).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    project.write("sources/committee-report.pdf", bytes);
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1);
    assert!(stderr.contains("error[hash-mismatch]"), "{stderr}");
}

#[test]
fn a_pdf_locked_only_against_editing_is_read() {
    // Encrypted by qpdf with an owner password and no user password.
    let project = documents();
    cite(
        &project,
        "owner-locked",
        "owner-locked.pdf",
        "the official figures offered sufficient justification",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
}

/// `clerk text x | head`: the reader closes the pipe early; clerk stops
/// quietly, as `cat` does, instead of printing "Broken pipe".
#[test]
fn text_into_a_closed_pipe_stops_quietly() {
    use std::io::Read;
    let project = documents();
    // Far more text than a pipe holds, so clerk is still writing when the
    // reader goes away, whenever that is.
    let line = "The harbour contract was awarded without a public tender.\n";
    project.write("sources/long.txt", line.repeat(20_000));
    project.write(
        "sources/long.toml",
        "file = \"long.txt\"\ntitle = \"T\"\npublisher = \"P\"\nkind = \"other\"\n",
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clerk"))
        .args(["--root", project.root().to_str().unwrap(), "text", "long"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 64];
    stdout.read_exact(&mut head).unwrap();
    assert!(head.starts_with(b"line     \xc2\xb6 | text\n"));
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(stderr, "");
    assert_eq!(status.code(), Some(0));
}
