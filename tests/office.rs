//! Word, OpenDocument and e-mail sources, driven through the binary: the
//! text `clerk text` prints (reading order, numbers, notes, tracked
//! changes, the e-mail's header block), `clerk add`'s record, `check` and
//! `build` citing them, and hostile files refused with a clear message.
//!
//! The documents were written by LibreOffice and pandoc
//! (tests/fixtures/office/README.md); the e-mail is a real mailing-list
//! message read from `../shared/vendor/mail/`. The text clerk extracts is
//! compared with pandoc's (`pandoc -t plain`) when pandoc is installed
//! (always under CI).

mod common;

use std::io::Write;

use common::{Project, pdf_text};

fn office() -> Project {
    Project::fixture("office")
}

/// The text clerk prints for a source, without the line and ¶ columns.
fn text_of(project: &Project, id: &str) -> String {
    let (status, stdout, stderr) = project.run(&["text", id]);
    assert_eq!(status, 0, "{stderr}");
    stdout
        .lines()
        .skip(1)
        .map(|line| line.split_once(" | ").map_or("", |(_, text)| text))
        .collect::<Vec<_>>()
        .join("\n")
}

const COMMITTEE_PAPER: &str = "Harbour Contracts Inquiry: Interim Report

1. Introduction

The Committee received forty-two submissions from councils, unions and residents. It held three public hearings in Fernhill.

2. Findings

9. The Committee makes the following findings.

9.1 The harbour dredging tender was not publicly advertised.

9.2 The Minister was briefed on the preferred tenderer on two occasions:

(a) by the Department of Transport on 3 March 2024; and

(b) by the Port Authority on 11 April 2024.

9.3 The contract was awarded in May 2024 without a business case.

The key dates were as follows.

Date

Event

3 March 2024

Minister briefed by the Department

17 May 2024

Dredging contract signed

Witnesses raised three concerns:

the cost of the contract;

the absence of an environmental assessment; and

the speed of the decision.

3. Recommendation

The Committee recommends that the Auditor-General examine the tender process.

1 Submissions are listed in Appendix A and published on the Committee's website.

2 Evidence of the Port Authority chief executive, 2 December 2024, p. 14.

i The Auditor-General may examine any contract under section 36 of the Audit Act.";

#[test]
fn word_text_is_read_in_order_with_numbers_notes_and_changes_accepted() {
    let project = office();
    assert_eq!(text_of(&project, "committee-paper"), COMMITTEE_PAPER);
}

#[test]
fn opendocument_text_is_read_as_word_reads_the_same_paper() {
    let project = office();
    assert_eq!(text_of(&project, "committee-paper-odt"), COMMITTEE_PAPER);
}

#[test]
fn quotes_from_numbered_paragraphs_notes_and_cells_match() {
    let project = office();
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.ends_with("checked 1 dossier: 0 errors, 1 warning\n"),
        "{stderr}"
    );
    // A deleted word is not in the text: the near miss shows what is.
    project.edit(
        "dossiers/harbour.toml",
        "Dredging contract signed",
        "The contract was awarded in June 2024",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[quote-not-found]") && stderr.contains("awarded in May 2024"),
        "{stderr}"
    );
}

/// Where the real e-mail is, from the project root or the workplace.
fn real_email() -> std::path::PathBuf {
    common::shared("vendor/mail/lkml-dt-bindings-remove-extra-blank-lines-2025-10-25.eml")
}

#[test]
fn an_email_is_added_with_its_record_and_quoted_from_its_header_block() {
    let project = office();
    let email = real_email();
    let (status, stdout, stderr) = project.run(&[
        "add",
        email.to_str().unwrap(),
        "--id",
        "reichel-ack",
        "--kind",
        "forum",
        "--publisher",
        "linux-fpga mailing list",
    ]);
    assert_eq!(status, 0, "{stderr}");
    let today = chrono::Local::now().date_naive();
    assert_eq!(
        stdout,
        format!(
            "added source `reichel-ack`: copied to sources/lkml-dt-bindings-remove-extra-blank-lines-2025-10-25.eml, record sources/reichel-ack.toml
      title  Re: [PATCH] dt-bindings: Remove extra blank lines  (read from Subject)
  publisher  linux-fpga mailing list  (--publisher)
       kind  forum  (--kind)
     author  Sebastian Reichel  (read from From)
  published  2025-10-25  (read from Date)
   accessed  {today}  (today)
   language  en  (read from the text, read as en with confidence 1.00)
 message-id  <god73pukywwznfyym7tym6m5k6fn3u7hwzj5gwhrxytt7oinfv@pokb4aos7pp6>  (read from Message-ID)
   attached  signature.asc (application/pgp-signature, 833 bytes)
"
        )
    );
    let text = text_of(&project, "reichel-ack");
    let header = text.split("\n\n").next().unwrap();
    assert_eq!(
        header,
        "From: Sebastian Reichel <sebastian.reichel@collabora.com>
To: Rob Herring (Arm) <robh@kernel.org>
Date: Sat, 25 Oct 2025 01:24:06 +0200
Subject: Re: [PATCH] dt-bindings: Remove extra blank lines
Message-ID: <god73pukywwznfyym7tym6m5k6fn3u7hwzj5gwhrxytt7oinfv@pokb4aos7pp6>"
    );
    // Quoted reply lines are kept as they are; `=20` decoded.
    assert!(
        text.contains("> Generally at most 1 blank line is the standard style for DT schema\n"),
        "{text}"
    );
    assert!(
        text.contains("\n>\n> Signed-off-by: Rob Herring (Arm) <robh@kernel.org>\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "Acked-by: Sebastian Reichel <sebastian.reichel@collabora.com>\n\n-- Sebastian"
        ),
        "{text}"
    );

    // The header block is quoted, pinned and cited in the brief.
    project.run(&["pin", "harbour"]);
    let dossier = project.read("dossiers/harbour.toml");
    project.write(
        "dossiers/harbour.toml",
        format!(
            "{dossier}\n[[claims]]\nid = \"acked\"\nkind = \"denial\"\nby = \"Sebastian Reichel\"\nstatement = \"The maintainer acknowledged the patch.\"\n\n[[claims.evidence]]\nsource = \"reichel-ack\"\nquote = \"From: Sebastian Reichel <sebastian.reichel@collabora.com> To: Rob Herring (Arm) <robh@kernel.org> Date: Sat, 25 Oct 2025 01:24:06 +0200\"\n\n[[claims.evidence]]\nsource = \"reichel-ack\"\nquote = \"Acked-by: Sebastian Reichel\"\n"
        ),
    );
    let (status, _, stderr) = project.run(&["pin", "harbour"]);
    assert_eq!(status, 0, "{stderr}");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    // A mailing list is a forum: the claim resting on it alone is weak.
    assert!(stderr.contains("0 errors, 1 warning"), "{stderr}");
    assert!(stderr.contains("warning[weak-evidence]"), "{stderr}");
    let pdf = pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    // The citation style (Chicago by default) title-cases the subject.
    assert!(
        pdf.to_lowercase()
            .contains("re: [patch] dt-bindings: remove extra blank lines"),
        "{pdf}"
    );
    assert!(pdf.contains("advertised. [1, ¶"), "{pdf}");
}

#[test]
fn a_word_document_gives_its_record() {
    let project = office();
    std::fs::create_dir_all(project.path("inbox")).unwrap();
    for (from, to) in [
        ("sources/committee-paper.docx", "inbox/Interim Report.docx"),
        ("sources/ministerial-answer.docx", "inbox/answer.docx"),
        ("sources/committee-paper.odt", "inbox/Interim Report.odt"),
    ] {
        std::fs::copy(project.path(from), project.path(to)).unwrap();
    }
    let (status, stdout, stderr) = project.run(&[
        "add",
        project.path("inbox/Interim Report.docx").to_str().unwrap(),
        "--kind",
        "parliamentary",
        "--publisher",
        "Fernhill Council",
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("      title  Harbour Contracts Inquiry: Interim Report  (read from the Title-styled paragraph)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "     author  Committee Secretariat  (read from docProps/core.xml dc:creator)\n"
        ) && stdout
            .contains("  published  2025-02-14  (read from docProps/core.xml dcterms:created)\n")
            && stdout.contains("   language  en-AU  (read from docProps/core.xml dc:language)\n"),
        "{stdout}"
    );
    let (status, stdout, stderr) = project.run(&[
        "add",
        project.path("inbox/answer.docx").to_str().unwrap(),
        "--kind",
        "government",
        "--publisher",
        "Department of Transport",
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("      title  Ministerial Answer on Harbour Dredging  (read from docProps/core.xml dc:title)\n"),
        "{stdout}"
    );
    // The publisher is not in the document: the flag gives it.
    assert!(
        stdout.contains("  publisher  Department of Transport  (--publisher)\n"),
        "{stdout}"
    );
    let (status, stdout, stderr) = project.run(&[
        "add",
        project.path("inbox/Interim Report.odt").to_str().unwrap(),
        "--id",
        "interim-report-odt",
        "--kind",
        "parliamentary",
        "--publisher",
        "Fernhill Council",
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("      title  Harbour Contracts Inquiry: Interim Report  (read from the Title-styled paragraph)\n")
            && stdout.contains("     author  Committee Secretariat  (read from meta.xml meta:initial-creator)\n")
            && stdout.contains("  published  2025-02-14  (read from meta.xml meta:creation-date)\n"),
        "{stdout}"
    );
}

/// The words of a text, as both readers are compared: list and note
/// markers, table rules and footnote references left out, since the two
/// show them differently.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        // pandoc's `[1]` note references and marks.
        while let Some(start) = word.find('[') {
            match word[start..].find(']') {
                Some(end)
                    if word[start + 1..start + end]
                        .chars()
                        .all(|c| c.is_ascii_digit()) =>
                {
                    word.replace_range(start..start + end + 1, "");
                }
                _ => break,
            }
        }
        let marker = word.chars().all(|c| c.is_ascii_digit() || c == '.')
            || word.chars().all(|c| "ivx".contains(c))
            || (word.len() <= 4
                && (word.ends_with('.') || word.ends_with(')'))
                && word
                    .trim_start_matches('(')
                    .trim_end_matches(['.', ')'])
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric()))
            || word.chars().all(|c| c == '-' || c == '•');
        if !marker && !word.is_empty() {
            out.push(word);
        }
    }
    out
}

#[test]
fn the_text_matches_pandocs_reading_word_for_word() {
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
    let project = office();
    for (id, file) in [
        ("committee-paper", "committee-paper.docx"),
        ("committee-paper-odt", "committee-paper.odt"),
        ("ministerial-answer", "ministerial-answer.docx"),
    ] {
        let output = std::process::Command::new("pandoc")
            .args(["-s", "-t", "plain", "--wrap=none"])
            .arg(project.path(&format!("sources/{file}")))
            .output()
            .unwrap();
        assert!(output.status.success(), "pandoc failed on {file}");
        let theirs = words(&String::from_utf8(output.stdout).unwrap());
        let ours = words(&text_of(&project, id));
        assert_eq!(ours, theirs, "{file}: clerk's words, then pandoc's");
    }
}

/// A zip of `parts`, deflated.
fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Runs `clerk add` on `name` holding `bytes`: the exit code and stderr.
fn add(project: &Project, name: &str, bytes: &[u8], extra: &[&str]) -> (i32, String) {
    project.write(&format!("inbox/{name}"), bytes);
    let path = project.path(&format!("inbox/{name}"));
    let mut args = vec![
        "add",
        path.to_str().unwrap(),
        "--kind",
        "other",
        "--publisher",
        "P",
    ];
    args.extend_from_slice(extra);
    let (status, _, stderr) = project.run(&args);
    (status, stderr)
}

const DOCUMENT: &str = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"#;

#[test]
fn hostile_office_files_are_refused_clearly() {
    let project = office();
    // A zip bomb: 200 MiB of zeros packed into some hundred kilobytes.
    let zeros = vec![0u8; 200 * 1024 * 1024];
    let bomb = package(&[
        ("word/document.xml", DOCUMENT.as_bytes()),
        ("word/styles.xml", &zeros),
    ]);
    drop(zeros);
    let (status, stderr) = add(&project, "bomb.docx", &bomb, &[]);
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        format!(
            "error: cannot read the text of `{}` (`word/styles.xml` unpacks to more than 100 times its packed size ({} bytes), as a zip bomb does)\nhelp: if the document is genuine, raise the limit with `--max-source-size`, or save it as `.pdf` and pin that\n",
            project.path("inbox/bomb.docx").display(),
            zip_packed_size(&bomb, "word/styles.xml")
        )
    );
    // Beyond the source size limit, whatever the ratio.
    let (status, stderr) = add(
        &project,
        "big.docx",
        &package(&[("word/document.xml", DOCUMENT.repeat(40).as_bytes())]),
        &["--max-source-size", "4KiB"],
    );
    assert_eq!(status, 2);
    assert!(
        stderr.contains("(its parts unpack to more than the source size limit (4 KiB))"),
        "{stderr}"
    );
    // XML nested deeper than any document (small enough unpacked that
    // the zip-bomb limit does not stop it first).
    let deep = format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{}{}</w:body></w:document>",
        "<w:sdt>".repeat(40_000),
        "</w:sdt>".repeat(40_000)
    );
    let (status, stderr) = add(
        &project,
        "deep.docx",
        &package(&[("word/document.xml", deep.as_bytes())]),
        &[],
    );
    assert_eq!(status, 2);
    assert!(
        stderr.contains(
            "(the file is damaged (`word/document.xml` nests elements more than 200 deep))"
        ),
        "{stderr}"
    );
    // A spreadsheet named .docx.
    let (status, stderr) = add(
        &project,
        "figures.docx",
        &package(&[("xl/workbook.xml", b"<workbook/>")]),
        &[],
    );
    assert_eq!(status, 2);
    assert!(
        stderr.contains("(the file is an Excel spreadsheet)\nhelp: clerk reads text documents, not `.xlsx` files"),
        "{stderr}"
    );
    // A truncated zip.
    let whole = package(&[("word/document.xml", DOCUMENT.as_bytes())]);
    let (status, stderr) = add(&project, "cut.docx", &whole[..whole.len() / 2], &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("(the file is damaged (not a zip package, or a truncated one"),
        "{stderr}"
    );
    // A password-protected Word file: an OLE compound file holding the
    // encrypted package and its `EncryptionInfo`.
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.resize(512, 0);
    encrypted.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    encrypted.resize(4096, 0);
    let (status, stderr) = add(&project, "locked.docx", &encrypted, &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("(the file is encrypted with a password)\nhelp: open it with its password and save a copy without one"),
        "{stderr}"
    );
    // An Outlook message.
    let (status, stderr) = add(&project, "statement.msg", &encrypted, &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("help: save the message as `.eml`"),
        "{stderr}"
    );
}

fn zip_packed_size(bytes: &[u8], name: &str) -> u64 {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    archive.by_name(name).unwrap().compressed_size()
}

#[test]
fn hostile_emails_are_refused_clearly() {
    let project = office();
    let mut many = String::from(
        "From: a@example.org\nSubject: parts\nContent-Type: multipart/mixed; boundary=b\n\n",
    );
    for i in 0..10_000 {
        many.push_str(&format!("--b\nContent-Type: text/plain\n\npart {i}\n"));
    }
    many.push_str("--b--\n");
    let started = std::time::Instant::now();
    let (status, stderr) = add(&project, "many.eml", many.as_bytes(), &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("as an e-mail (it has 10001 MIME parts, more than the 1000 clerk reads)"),
        "{stderr}"
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let mut huge = b"From: a@example.org\nX-Junk: ".to_vec();
    huge.resize(100 * 1024 * 1024, b'x');
    huge.extend_from_slice(b"\n\nbody\n");
    let (status, stderr) = add(&project, "huge.eml", &huge, &[]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("(its header block is larger than 1 MiB (real ones are a few kilobytes))"),
        "{stderr}"
    );
}

#[test]
fn an_emails_attachments_become_sources_that_name_the_message() {
    let project = office();
    let email = project.path("inbox/press-office-statement.eml");
    let (status, stdout, stderr) = project.run(&[
        "add",
        email.to_str().unwrap(),
        "--id",
        "press-statement",
        "--kind",
        "government",
        "--publisher",
        "Harbour Authority",
        "--attachments",
        "--to",
        "harbour",
    ]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    // The message, then each attachment clerk reads, each with its record;
    // the spreadsheet stays listed on the message only.
    assert!(
        stdout.contains("added source `press-statement`: copied to sources/press-office-statement.eml, record sources/press-statement.toml\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("   attached  timeline.csv (text/csv, 31 bytes)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("added source `press-statement-statement-on-letterhead`: copied to sources/press-statement-statement-on-letterhead.pdf, record sources/press-statement-statement-on-letterhead.toml\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("added source `press-statement-ministerial-answer`: copied to sources/press-statement-ministerial-answer.docx"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    part-of  press-statement  (the message it came with)\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("added source `press-statement-timeline`"),
        "{stdout}"
    );
    assert!(
        !project
            .path("sources/press-statement-timeline.csv")
            .exists()
    );
    // The attachment is the attached file byte for byte.
    assert_eq!(
        std::fs::read(project.path("sources/press-statement-statement-on-letterhead.pdf")).unwrap(),
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/documents/sources/bulletin.pdf")
        )
        .unwrap()
    );
    let record = project.read("sources/press-statement-statement-on-letterhead.toml");
    assert!(
        record.contains("part-of = \"press-statement\"\n"),
        "{record}"
    );

    // The statement is quoted from the PDF; the brief names the e-mail it
    // came with, and who sent it when.
    let dossier = project.read("dossiers/harbour.toml");
    project.write(
        "dossiers/harbour.toml",
        format!(
            "{dossier}\n[[claims]]\nid = \"authority-statement\"\nkind = \"official-position\"\nby = \"Harbour Authority\"\nstatement = \"The Authority says the investigation remains open.\"\n\n[[claims.evidence]]\nsource = \"press-statement-statement-on-letterhead\"\nquote = \"the investigation into the financing of the organisations remains open\"\n"
        ),
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let pdf = pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    let message = pdf
        .to_lowercase()
        .find("statement on the harbour dredging contract")
        .expect("the message is in the references");
    let attached = pdf
        .find("Attached to [")
        .unwrap_or_else(|| panic!("no `Attached to` in {pdf}"));
    assert!(
        pdf[attached..].starts_with(&format!(
            "Attached to [{}] (Harbour Authority Press Office, 12 March 2025).",
            reference_number(&pdf, message)
        )),
        "{}",
        &pdf[attached..]
    );

    // Unpinning the message while its attachment is cited is an error that
    // says why; `clerk pin` pins it back.
    let dossier = project.read("dossiers/harbour.toml");
    let unpinned: String = dossier
        .lines()
        .filter(|line| !line.starts_with("press-statement = "))
        .map(|line| format!("{line}\n"))
        .collect();
    project.write("dossiers/harbour.toml", &unpinned);
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[unpinned-source]: source `press-statement-statement-on-letterhead` came with `press-statement` (its record's `part-of`), which `[sources]` does not pin"),
        "{stderr}"
    );
    let (status, _, stderr) = project.run(&["pin", "harbour"]);
    assert_eq!(status, 0, "{stderr}");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");

    // A `part-of` naming no source is an error at the record's line.
    project.edit(
        "sources/press-statement-ministerial-answer.toml",
        "part-of = \"press-statement\"",
        "part-of = \"press-statment\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("`part-of` names source `press-statment`, which has no record"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sources/press-statement-ministerial-answer.toml:"),
        "{stderr}"
    );
}

/// The number of the reference whose entry holds `at` in the PDF's text.
fn reference_number(pdf: &str, at: usize) -> String {
    let open = pdf[..at]
        .rfind('[')
        .expect("an entry starts with its number");
    let close = open + pdf[open..].find(']').unwrap();
    pdf[open + 1..close].to_string()
}
