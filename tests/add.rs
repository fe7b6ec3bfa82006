//! `clerk add`: documents copied byte for byte into `sources/` with a
//! record whose fields come from the flags or, printed for review, from the
//! document; `--to` pins them; and the bad cases, which write nothing.
//! `clerk add --update`: a record corrected in place, comments and key
//! order kept.

mod common;

use common::Project;

/// Runs `clerk add ARGS…` from the project folder, so paths are relative
/// to it as a user types them.
fn add(project: &Project, args: &[&str]) -> (i32, String, String) {
    let output = project
        .clerk(&[&["add"], args].concat())
        .current_dir(project.root())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// Every file under `sources/` and `dossiers/`, with its bytes.
fn snapshot(project: &Project) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for folder in ["sources", "dossiers"] {
        for entry in walkdir::WalkDir::new(project.path(folder)).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let name = entry.path().strip_prefix(project.root()).unwrap();
                files.push((
                    name.display().to_string(),
                    std::fs::read(entry.path()).unwrap(),
                ));
            }
        }
    }
    files
}

const PAGE: &str = r#"<!doctype html>
<html lang="en_GB"><head>
<meta charset="utf-8">
<title>Port authority audit | The Harbour Times</title>
<meta property="og:site_name" content="The Harbour Times">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-06-03T09:30:00+02:00">
<link rel="canonical" href="https://example.org/port-audit">
</head><body><article><h1>Port authority audit</h1>
<p>The auditors found that the port authority kept no minutes of the tender board.</p>
</article></body></html>
"#;

#[test]
fn an_html_page_is_copied_and_its_record_read_from_the_page() {
    let project = Project::fixture("basic");
    project.write("inbox/Port Authority Audit.html", PAGE);
    let (status, stdout, stderr) = add(
        &project,
        &["inbox/Port Authority Audit.html", "--kind", "press"],
    );
    assert_eq!(status, 0, "{stderr}");
    let today = today();
    assert_eq!(
        stdout,
        format!(
            "added source `port-authority-audit`: copied to sources/Port Authority Audit.html, record sources/port-authority-audit.toml\n\
             \x20     title  Port authority audit  (read from <title>)\n\
             \x20 publisher  The Harbour Times  (read from og:site_name)\n\
             \x20      kind  press  (--kind)\n\
             \x20    author  Jane Roe  (read from author)\n\
             \x20 published  2024-06-03  (read from article:published_time)\n\
             \x20  accessed  {today}  (today)\n\
             \x20  language  en-GB  (read from <html lang>)\n\
             \x20       url  https://example.org/port-audit  (read from <link rel=canonical>)\n"
        )
    );
    assert_eq!(
        stderr,
        "review the fields read from the documents; quote a source with `clerk find port-authority-audit WORDS…`\n"
    );
    assert_eq!(
        std::fs::read(project.path("sources/Port Authority Audit.html")).unwrap(),
        PAGE.as_bytes()
    );
    assert_eq!(
        project.read("sources/port-authority-audit.toml"),
        format!(
            "file = \"Port Authority Audit.html\"\ntitle = \"Port authority audit\"\npublisher = \"The Harbour Times\"\nkind = \"press\"\nauthor = \"Jane Roe\"\npublished = 2024-06-03\naccessed = {today}\nlanguage = \"en-GB\"\nurl = \"https://example.org/port-audit\"\n"
        )
    );
    // The new record and its file pass `check`, and its text is quotable.
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    let (status, stdout, _) = project.run(&["find", "port-authority-audit", "no", "minutes"]);
    assert_eq!(status, 0);
    assert!(
        stdout.contains("kept no minutes of the tender board."),
        "{stdout}"
    );
}

#[test]
fn flags_win_over_the_document() {
    let project = Project::fixture("basic");
    project.write("inbox/page.htm", PAGE);
    let (status, stdout, stderr) = add(
        &project,
        &[
            "inbox/page.htm",
            "--id",
            "audit",
            "--title",
            "The audit",
            "--publisher",
            "Harbour Times",
            "--kind",
            "press",
            "--author",
            "J. Roe",
            "--published",
            "2024-06-04",
            "--language",
            "en",
            "--url",
            "https://example.org/a",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.starts_with(
            "added source `audit`: copied to sources/page.htm, record sources/audit.toml\n      title  The audit  (--title)\n  publisher  Harbour Times  (--publisher)\n"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("read from"), "{stdout}");
    assert_eq!(
        project.read("sources/audit.toml"),
        format!(
            "file = \"page.htm\"\ntitle = \"The audit\"\npublisher = \"Harbour Times\"\nkind = \"press\"\nauthor = \"J. Roe\"\npublished = 2024-06-04\naccessed = {}\nlanguage = \"en\"\nurl = \"https://example.org/a\"\n",
            today()
        )
    );
}

#[test]
fn a_pdf_record_is_read_from_its_xmp_metadata() {
    let project = Project::fixture("documents");
    // Another bulletin: the fixture's bytes and one more line.
    let mut pdf = std::fs::read(project.path("sources/bulletin.pdf")).unwrap();
    pdf.extend_from_slice(b"%another copy\n");
    project.write("inbox/bulletin-2025-02.pdf", &pdf);
    let (status, stdout, stderr) = add(
        &project,
        &[
            "inbox/bulletin-2025-02.pdf",
            "--kind",
            "government",
            "--publisher",
            "Test Office",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        format!(
            "added source `bulletin-2025-02`: copied to sources/bulletin-2025-02.pdf, record sources/bulletin-2025-02.toml\n\
             \x20     title  Bulletin  (read from XMP dc:title)\n\
             \x20 publisher  Test Office  (--publisher)\n\
             \x20      kind  government  (--kind)\n\
             \x20 published  2025-01-15  (read from XMP xmp:CreateDate)\n\
             \x20  accessed  {}  (today)\n\
             \x20  language  en  (read from XMP dc:language)\n",
            today()
        )
    );
    assert_eq!(
        std::fs::read(project.path("sources/bulletin-2025-02.pdf")).unwrap(),
        pdf
    );
}

#[test]
fn a_text_file_is_titled_by_its_first_line_and_pinned_with_to() {
    let project = Project::fixture("basic");
    project.write(
        "inbox/ministry note.txt",
        "\n  Note from the ministry  \n\nThe contract was reviewed by the legal service.\n",
    );
    let before = project.read("dossiers/harbour.toml");
    let (status, stdout, stderr) = add(
        &project,
        &[
            "inbox/ministry note.txt",
            "--kind",
            "government",
            "--publisher",
            "Ministry",
            "--to",
            "harbour",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.starts_with(
            "added source `ministry-note`: copied to sources/ministry note.txt, record sources/ministry-note.toml\n      title  Note from the ministry  (read from the first line)\n"
        ),
        "{stdout}"
    );
    let digest = clerk::files::sha256_hex(
        &std::fs::read(project.path("sources/ministry note.txt")).unwrap(),
    );
    assert_eq!(
        stderr,
        format!(
            "  pinned `ministry-note`: sha256:{}… (new pin)\npinned 1 source(s) of `dossiers/harbour.toml`\n",
            &digest[..16]
        )
    );
    // Only the new pin line is added; the comment on the first pin stays.
    let after = project.read("dossiers/harbour.toml");
    let gamma =
        "gamma = \"sha256:22e607b665c5c05e61c0047315c9bfe033cc04180ae7117067fc0b4d52869155\"\n";
    assert_eq!(
        after,
        before.replacen(
            gamma,
            &format!("{gamma}ministry-note = \"sha256:{digest}\"\n"),
            1
        )
    );
    assert!(after.contains("# the press report"), "{after}");
    // Pinned but not yet cited: a warning, no error.
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning[unused-source]: source `ministry-note` is pinned but no evidence cites it"
        ),
        "{stderr}"
    );
}

#[test]
fn a_file_already_in_sources_stays_where_it_is() {
    let project = Project::fixture("basic");
    project.write(
        "sources/minutes/Board Minutes.md",
        "# Board minutes\n\nNo bids were opened.\n",
    );
    let before = std::fs::read(project.path("sources/minutes/Board Minutes.md")).unwrap();
    let (status, stdout, stderr) = add(
        &project,
        &[
            "sources/minutes/Board Minutes.md",
            "--kind",
            "other",
            "--publisher",
            "Port board",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.starts_with(
            "added source `board-minutes`: kept at sources/minutes/Board Minutes.md, record sources/minutes/board-minutes.toml\n"
        ),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(project.path("sources/minutes/Board Minutes.md")).unwrap(),
        before
    );
    assert!(
        project
            .read("sources/minutes/board-minutes.toml")
            .starts_with("file = \"Board Minutes.md\"\ntitle = \"Board minutes\"\n")
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
}

#[test]
fn json_reports_each_field_and_where_it_came_from() {
    let project = Project::fixture("basic");
    project.write("inbox/page.html", PAGE);
    let (status, stdout, stderr) = add(
        &project,
        &["--format", "json", "inbox/page.html", "--kind", "press"],
    );
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stderr, "");
    let added: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(added["type"], "added");
    assert_eq!(added["source"], "page");
    assert_eq!(added["file"], "sources/page.html");
    assert_eq!(added["record"], "sources/page.toml");
    assert_eq!(added["copied"], true);
    assert_eq!(
        added["fields"][0],
        serde_json::json!({"key": "title", "value": "Port authority audit", "from": "read from <title>", "read": true})
    );
    assert_eq!(
        added["fields"][2],
        serde_json::json!({"key": "kind", "value": "press", "from": "--kind", "read": false})
    );
}

#[test]
fn without_a_terminal_missing_kind_and_publisher_exit_2_and_write_nothing() {
    let project = Project::fixture("basic");
    project.write(
        "inbox/report.pdf",
        std::fs::read("tests/fixtures/documents/sources/committee-report.pdf").unwrap(),
    );
    let before = snapshot(&project);
    let (status, stdout, stderr) = add(&project, &["inbox/report.pdf"]);
    assert_eq!(status, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: `--kind` and `--publisher` are required: clerk cannot read them from `inbox/report.pdf`\n\
         help: `--kind` is one of parliamentary, government, press, ngo, social, forum, court, academic, other\n\
         help: `--publisher` names who published the document: a newspaper, a parliament, a ministry, a website\n\
         help: nothing was written\n"
    );
    // The page names its publisher: only `--kind` is missing.
    project.write("inbox/page.html", PAGE);
    let (status, _, stderr) = add(
        &project,
        &["inbox/page.html", "inbox/report.pdf", "--kind", "press"],
    );
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with(
            "error: `--publisher` is required: clerk cannot read it from `inbox/report.pdf`\n"
        ),
        "{stderr}"
    );
    assert_eq!(snapshot(&project), before);
}

#[test]
fn bad_files_exit_2_and_write_nothing() {
    let project = Project::fixture("basic");
    project.write("inbox/report.rtf", "not a document clerk reads");
    project.write("inbox/latin1.txt", b"caf\xe9\n".as_slice());
    project.write(
        "inbox/locked.pdf",
        std::fs::read("tests/fixtures/documents/sources/locked.pdf").unwrap(),
    );
    project.write(
        "inbox/scan.pdf",
        std::fs::read("tests/fixtures/documents/sources/scan.pdf").unwrap(),
    );
    project.write("inbox/broken.pdf", "%PDF-1.7\n1 0 obj\n<<");
    let before = snapshot(&project);
    let cases: [(&[&str], &str); 6] = [
        (
            &["inbox/nothere.pdf"],
            "error: no file `inbox/nothere.pdf`\nhelp: give the path of a document to add, relative to the current folder\n",
        ),
        (
            &["inbox/report.rtf"],
            "error: clerk cannot read source files with `.rtf` (`inbox/report.rtf`)\nhelp: clerk reads `.txt` (UTF-8 text), `.md`/`.markdown` (Markdown), `.html`/`.htm`, `.pdf`, `.docx` (Word), `.odt` (OpenDocument) and `.eml` (e-mail): save or convert the document to one of these\n",
        ),
        (
            &["inbox/latin1.txt"],
            "error: `inbox/latin1.txt` is not valid UTF-8 (invalid byte at offset 3)\nhelp: convert it to UTF-8 (for example `iconv -f latin1 -t utf-8`) and pin it again\n",
        ),
        (
            &["inbox/locked.pdf"],
            "error: cannot read the text of `inbox/locked.pdf` (the PDF is encrypted with a password)\nhelp: save a decrypted copy (for example `qpdf --decrypt in.pdf out.pdf`) and pin that\n",
        ),
        (
            &["inbox/scan.pdf"],
            "error: `inbox/scan.pdf` has no text layer (a scan, or pages of images)\nhelp: clerk does no OCR: run OCR on it (for example `ocrmypdf in.pdf out.pdf`), then pin and quote the result\n",
        ),
        (
            &["inbox"],
            "error: `inbox` is not a regular file\nhelp: add a document: a text file, a web page or a PDF\n",
        ),
    ];
    for (args, expected) in cases {
        let args = [args, &["--kind", "other", "--publisher", "P"]].concat();
        let (status, stdout, stderr) = add(&project, &args);
        assert_eq!(
            (status, stdout.as_str(), stderr.as_str()),
            (2, "", expected),
            "{args:?}"
        );
    }
    let (status, _, stderr) = add(
        &project,
        &["inbox/broken.pdf", "--kind", "other", "--publisher", "P"],
    );
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with(
            "error: cannot read the text of `inbox/broken.pdf` (the PDF is damaged or not a PDF ("
        ),
        "{stderr}"
    );
    assert_eq!(snapshot(&project), before);
}

#[test]
fn names_and_ids_already_taken_exit_2_and_overwrite_nothing() {
    let project = Project::fixture("basic");
    let flags = ["--kind", "other", "--publisher", "P"];
    // A different file of the same name is already in sources/.
    project.write("inbox/beta.txt", "Another beta.\n");
    // An id already taken by a record.
    project.write("inbox/Alpha.md", "Another alpha.\n");
    let before = snapshot(&project);
    let (status, _, stderr) = add(&project, &[&["inbox/beta.txt"][..], &flags].concat());
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: a different file named `beta.txt` is already in `sources/`\n\
         help: rename `inbox/beta.txt` before adding it, or add the file already there: `clerk add sources/beta.txt`\n"
    );
    let (status, _, stderr) = add(&project, &[&["inbox/Alpha.md"][..], &flags].concat());
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: source `alpha` already has a record (`sources/press/alpha.toml`)\n\
         help: give the source another id with `--id ID` (the id is the file name's, by default)\n"
    );
    // A file that already has a record.
    let (status, _, stderr) = add(
        &project,
        &[&["sources/gamma.txt", "--id", "gamma-2"][..], &flags].concat(),
    );
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: `sources/gamma.txt` already has a record: `sources/gamma.toml` (source `gamma`)\n\
         help: to correct that record, run `clerk add --update gamma --publisher P --kind other`\n"
    );
    // Two files that would be one source; one id for two files.
    project.write("inbox/other/Alpha.md", "Yet another.\n");
    let (status, _, stderr) = add(
        &project,
        &[
            &["inbox/Alpha.md", "inbox/beta.txt", "--id", "x"][..],
            &flags,
        ]
        .concat(),
    );
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: `--id` describes one source, but 2 files were given\nhelp: add the files one at a time\n"
    );
    let (status, _, stderr) = add(
        &project,
        &[
            &["inbox/Alpha.md", "inbox/other/Alpha.md", "--to", "harbour"][..],
            &flags,
        ]
        .concat(),
    );
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: source `alpha` already has a record (`sources/press/alpha.toml`)\n\
         help: give the source another id with `--id ID` (the id is the file name's, by default)\n"
    );
    project.write("inbox/a/note.txt", "One.\n");
    project.write("inbox/b/note.txt", "Two.\n");
    let (status, _, stderr) = add(
        &project,
        &[&["inbox/a/note.txt", "inbox/b/note.txt"][..], &flags].concat(),
    );
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: `inbox/a/note.txt` and `inbox/b/note.txt` would both be source `note`\n\
         help: add them one at a time, giving one an id with `--id ID`\n"
    );
    // A bad id, a bad language, an unknown dossier.
    for (args, expected) in [
        (
            &["inbox/beta.txt", "--id", "Beta_2"][..],
            "error: invalid source id `Beta_2`\nhelp: ids match `[a-z0-9][a-z0-9-]*`, for example `beta-2`\n",
        ),
        (
            &["inbox/beta.txt", "--language", "english"][..],
            "error: `english` is not a BCP 47 language tag\nhelp: use a tag such as `en`, `fr` or `fr-CA`\n",
        ),
        (
            &["inbox/beta.txt", "--id", "beta-2", "--to", "nowhere"][..],
            "error: no dossier `nowhere` (no `dossiers/nowhere.toml`)\n",
        ),
    ] {
        let (status, _, stderr) = add(&project, &[args, &flags].concat());
        assert_eq!((status, stderr.as_str()), (2, expected), "{args:?}");
    }
    let (status, _, stderr) = add(&project, &["inbox/beta.txt", "--kind", "blog"]);
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with("error: invalid value 'blog' for '--kind <KIND>'"),
        "{stderr}"
    );
    assert_eq!(snapshot(&project), before);
}

/// Runs clerk with `args` from `dir` (no `--root`), as a user types it.
fn clerk_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let output = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .current_dir(dir)
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn adding_a_file_again_points_to_the_update_that_corrects_its_record() {
    // As a new user: a project, a document added, then added again to
    // correct its record.
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = clerk_in(dir.path(), &["init", "briefs"]);
    assert_eq!(status, 0, "{stderr}");
    let root = dir.path().join("briefs");
    std::fs::create_dir_all(root.join("inbox")).unwrap();
    std::fs::write(
        root.join("inbox/note.txt"),
        "Ministry note\n\nThe contract was reviewed.\n",
    )
    .unwrap();
    let first = [
        "add",
        "inbox/note.txt",
        "--kind",
        "press",
        "--publisher",
        "Ministry",
    ];
    let (status, _, stderr) = clerk_in(&root, &first);
    assert_eq!(status, 0, "{stderr}");
    let record = std::fs::read_to_string(root.join("sources/note.toml")).unwrap();
    // Again, with the kind corrected: refused, with the command to run.
    let again = [
        "add",
        "inbox/note.txt",
        "--kind",
        "government",
        "--publisher",
        "Ministry of Works",
    ];
    let (status, stdout, stderr) = clerk_in(&root, &again);
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: source `note` already has a record (`sources/note.toml`)\n\
         help: to correct that record, run `clerk add --update note --publisher 'Ministry of Works' --kind government`\n"
    );
    // The help of old led to `--id`, and a second refusal: now it too
    // points to the update.
    let (status, _, stderr) = clerk_in(&root, &[&again[..], &["--id", "note-2"]].concat());
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: `sources/note.txt` already has a record: `sources/note.toml` (source `note`)\n\
         help: to correct that record, run `clerk add --update note --publisher 'Ministry of Works' --kind government`\n"
    );
    // Without flags, the help says what to give.
    let (status, _, stderr) = clerk_in(&root, &["add", "inbox/note.txt"]);
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: source `note` already has a record (`sources/note.toml`)\n\
         help: to correct that record, run `clerk add --update note` with the flags of the fields to change (`--fill` adds what the document says and the record lacks)\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("sources/note.toml")).unwrap(),
        record
    );
    // The command the help gives works.
    let (status, stdout, stderr) = clerk_in(
        &root,
        &[
            "add",
            "--update",
            "note",
            "--publisher",
            "Ministry of Works",
            "--kind",
            "government",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        "updated source `note`: record sources/note.toml\n  \
         publisher: \"Ministry\" -> \"Ministry of Works\" (--publisher)\n  \
         kind: \"press\" -> \"government\" (--kind)\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("sources/note.toml")).unwrap(),
        record
            .replace("\"Ministry\"", "\"Ministry of Works\"")
            .replace("\"press\"", "\"government\"")
    );
    let (status, _, stderr) = clerk_in(&root, &["check"]);
    assert_eq!(status, 0, "{stderr}");
}

#[test]
fn update_rewrites_one_key_keeping_comments_and_key_order() {
    let project = Project::fixture("basic");
    project.edit(
        "sources/press/alpha.toml",
        "title = \"Harbour dispute deepens\"\n",
        "title   =   \"Harbour dispute deepens\"   # as printed\n# checked by hand\n",
    );
    let before = project.read("sources/press/alpha.toml");
    let (status, stdout, stderr) = project.run(&[
        "add",
        "--update",
        "alpha",
        "--title",
        "Harbour dispute deepens, says minister",
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        "updated source `alpha`: record sources/press/alpha.toml\n  \
         title: \"Harbour dispute deepens\" -> \"Harbour dispute deepens, says minister\" (--title)\n"
    );
    assert_eq!(stderr, "");
    assert_eq!(
        project.read("sources/press/alpha.toml"),
        before.replace(
            "\"Harbour dispute deepens\"",
            "\"Harbour dispute deepens, says minister\""
        )
    );
    // The record still checks and the dossier's pins still hold: only the
    // record changed, not the source.
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
}

#[test]
fn update_with_nothing_to_change_writes_nothing() {
    let project = Project::fixture("basic");
    let path = project.path("sources/press/alpha.toml");
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let (status, stdout, stderr) = project.run(&[
        "add",
        "--update",
        "alpha",
        "--title",
        "Harbour dispute deepens",
        "--published",
        "2024-05-17",
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        "nothing to change in source `alpha` (sources/press/alpha.toml)\n"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn update_fills_what_the_document_says_and_keeps_what_the_record_says() {
    let project = Project::fixture("basic");
    project.write("inbox/page.html", PAGE);
    let (status, _, stderr) = add(&project, &["inbox/page.html", "--kind", "press"]);
    assert_eq!(status, 0, "{stderr}");
    // The record as a user leaves it: a title of their own, the author
    // and address deleted, a comment.
    let record = format!(
        "# Checked against the print edition.\nfile = \"page.html\"\ntitle = \"Audit of the port authority\"\npublisher = \"The Harbour Times\"\nkind = \"press\"\npublished = 2024-06-03\naccessed = {}\nlanguage = \"en-GB\"\n",
        today()
    );
    project.write("sources/page.toml", &record);
    // Without --fill: nothing changes, and clerk says what it could add.
    let (status, stdout, stderr) = project.run(&["add", "--update", "page"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        "nothing to change in source `page` (sources/page.toml)\n"
    );
    assert_eq!(
        stderr,
        "the document also gives `author`, `url`, which the record lacks: `--fill` writes them\n"
    );
    let (status, stdout, stderr) = project.run(&["add", "--update", "page", "--fill"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        "updated source `page`: record sources/page.toml\n  \
         author: (none) -> \"Jane Roe\" (read from author)\n  \
         url: (none) -> \"https://example.org/port-audit\" (read from <link rel=canonical>)\n  \
         title: kept \"Audit of the port authority\" (the document says \"Port authority audit\", read from <title>)\n"
    );
    assert_eq!(
        project.read("sources/page.toml"),
        format!("{record}author = \"Jane Roe\"\nurl = \"https://example.org/port-audit\"\n")
    );
    // JSON, for editors.
    let (status, stdout, stderr) = project.run(&[
        "--format", "json", "add", "--update", "page", "--author", "J. Roe",
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stderr, "");
    let updated: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        updated,
        serde_json::json!({"type": "updated", "source": "page", "record": "sources/page.toml",
            "file": "sources/page.html", "written": true,
            "changes": [{"key": "author", "old": "Jane Roe", "new": "J. Roe", "from": "--author", "read": false}],
            "kept": [], "unfilled": [], "stale-pins": []})
    );
}

#[test]
fn update_says_when_the_source_changed_since_it_was_pinned() {
    let project = Project::fixture("basic");
    project.edit("sources/press/alpha.txt", "Opposition", "Some opposition");
    let (status, stdout, stderr) =
        project.run(&["add", "--update", "alpha", "--author", "B. Writer"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.contains("author: \"A. Writer\" -> \"B. Writer\""),
        "{stdout}"
    );
    assert_eq!(
        stderr,
        "`sources/press/alpha.txt` has changed since dossier `harbour` pinned it: `clerk pin harbour` repins it\n"
    );
}

#[test]
fn update_refuses_an_unknown_id_and_bad_values_as_add_does() {
    let project = Project::fixture("basic");
    let before = snapshot(&project);
    let (status, stdout, stderr) = project.run(&["add", "--update", "alpah", "--title", "T"]);
    assert_eq!((status, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: no source `alpah` (no record `sources/**/alpah.toml`)\n\
         help: did you mean `alpha`?\n\
         help: the sources are `alpha`, `beta`, `gamma`\n"
    );
    let (status, _, stderr) = project.run(&["add", "--update", "zzz"]);
    assert_eq!(status, 2);
    assert_eq!(
        stderr,
        "error: no source `zzz` (no record `sources/**/zzz.toml`)\n\
         help: the sources are `alpha`, `beta`, `gamma`\n"
    );
    // The same checks, and messages, as `clerk add`.
    project.write("inbox/new.txt", "New.\n");
    for bad in [
        &["--language", "english"][..],
        &["--title", " "],
        &["--published", "2024-13-01"],
        &["--to", "nowhere"],
    ] {
        let (update_status, _, update_stderr) =
            project.run(&[&["add", "--update", "alpha"][..], bad].concat());
        let (add_status, _, add_stderr) = add(
            &project,
            &[
                &["inbox/new.txt", "--kind", "other", "--publisher", "P"][..],
                bad,
            ]
            .concat(),
        );
        assert_eq!(update_status, 2, "{bad:?}");
        assert_eq!(add_status, 2, "{bad:?}");
        let first = |s: &str| s.lines().next().unwrap_or_default().to_string();
        assert_eq!(first(&update_stderr), first(&add_stderr), "{bad:?}");
    }
    // An update takes no file and no id.
    let (status, _, stderr) = project.run(&["add", "--update", "alpha", "--id", "other"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    let (status, _, stderr) = project.run(&["add", "--fill"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("--update <SOURCE-ID>"), "{stderr}");
    assert_eq!(snapshot(&project), before);
}
