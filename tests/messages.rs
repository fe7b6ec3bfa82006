//! What users read when something goes wrong, and the JSON records CI
//! reads: each message names what clerk was doing, the path and the cause
//! in words, with a help line when there is a fix.

mod common;

use common::Project;

fn basic() -> Project {
    Project::fixture("basic")
}

/// The JSON records of a command's stdout.
fn json_records(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

#[test]
fn a_missing_pdf_is_named_with_its_cause_in_words() {
    let project = basic();
    let (status, _, stderr) = project.run(&["verify", "nosuch.pdf"]);
    assert_eq!(status, 2, "{stderr}");
    assert_eq!(
        stderr,
        "error: cannot read `nosuch.pdf` (no such file or folder)\nerror: could not read 1 of the 1 PDFs\n"
    );
}

#[test]
fn a_bad_jobs_value_says_what_a_value_looks_like() {
    let project = basic();
    let (status, _, stderr) = project.run(&["--jobs", "abc", "check"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains(
            "invalid value 'abc' for '--jobs <N>': `abc` is not a number of threads (try `--jobs 2`, or 0 for one per core)"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("invalid digit"), "{stderr}");
}

#[test]
fn a_missing_root_is_named_with_a_help_line() {
    let output = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .args(["--root", "/nonexistent/clerk", "check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: no project at `/nonexistent/clerk` (no such file or folder)\nhelp: pass the project folder with `--root DIR`\n"
    );
}

#[test]
fn a_missing_dossier_path_is_named_as_given() {
    let project = basic();
    let (status, _, stderr) = project.run(&["check", "dossiers/nosuch.toml"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.starts_with("error: no dossier file `dossiers/nosuch.toml`\nhelp: a path is taken from the current folder, then from the project folder"),
        "{stderr}"
    );
    assert!(!stderr.contains("nosuch.toml.toml"), "{stderr}");
    let (status, _, stderr) = project.run(&["check", "harbor"]);
    assert_eq!(status, 2, "{stderr}");
    assert_eq!(
        stderr,
        "error: no dossier `harbor` (no `dossiers/harbor.toml`)\nhelp: did you mean `harbour`?\n"
    );
}

#[test]
fn a_dossier_outside_the_project_is_refused_up_front() {
    let project = basic();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("elsewhere.toml");
    std::fs::copy(project.path("dossiers/harbour.toml"), &outside).unwrap();
    let (status, _, stderr) = project.run(&["build", outside.to_str().unwrap()]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("error: dossier `")
            && stderr.contains("elsewhere.toml` is outside the project `"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: move it into the project's `dossiers/`"),
        "{stderr}"
    );
    assert!(!project.path("output/elsewhere.pdf").exists());
}

#[test]
fn an_unreadable_record_does_not_also_claim_the_source_has_no_record() {
    let project = basic();
    // Over the 16 MiB limit for records and dossiers.
    let mut big = project.read("sources/gamma.toml");
    big.push_str(&format!("# {}\n", "x".repeat(17 << 20)));
    project.write("sources/gamma.toml", big);
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[syntax]: cannot read record (17.0 MiB, above the limit of 16 MiB)"),
        "{stderr}"
    );
    assert!(!stderr.contains("has no record"), "{stderr}");
    assert!(!stderr.contains("did you mean"), "{stderr}");
}

#[test]
fn an_unclosed_block_names_the_block_at_its_line() {
    let project = basic();
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: {{str title}})\n{{#each sections}}\n= {{title}}\n",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains(
            "error[template]: template does not parse: `{{#each}}` is never closed\n --> templates/brief.typ.hbs:2:1"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: add `{{/each}}` where the block ends"),
        "{stderr}"
    );
    assert!(!stderr.contains("expected escape"), "{stderr}");
}

#[test]
fn len_counts_a_sections_claims_as_the_docs_say() {
    let project = basic();
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: {{str title}})\n#set text(lang: {{str lang}})\n{{#each sections}}\n{{title}}: {{len claims}} claims.\n\n{{/each}}\n",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let text = common::pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    assert!(text.contains("Allegations: 1 claims."), "{text}");
    assert!(text.contains("Denials: 1 claims."), "{text}");
}

#[test]
fn typsts_root_advice_is_replaced_by_clerks() {
    let project = basic();
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: \"t\")\n#read(\"../../etc/hostname\")\n",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(!stderr.contains("--root"), "{stderr}");
    assert!(
        stderr.contains("help: a template reads files only from `templates/`: copy the file there"),
        "{stderr}"
    );
}

#[test]
fn emit_typ_keeps_the_markup_typst_failed_on() {
    let project = basic();
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: {{str title}})\n#image(\"logo.png\")\n",
    );
    let (status, _, stderr) = project.run(&["build", "--emit", "typ"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains(
            "error[template]: typst error: file not found (searched at templates/logo.png)"
        ),
        "{stderr}"
    );
    assert!(!project.path("output/harbour.pdf").exists());
    let markup = project.read("output/harbour.typ");
    assert!(markup.contains("#image(\"logo.png\")"), "{markup}");
    assert!(
        markup.contains("#set document(title: \"Harbour contract"),
        "{markup}"
    );
}

#[test]
fn the_example_briefs_last_page_is_not_the_colophon_alone() {
    let project = Project::example();
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let pdf = std::fs::read(project.path("output/nc-azerbaijan.pdf")).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    let last: String = pages
        .last()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(last.contains("Built with clerk"), "{last}");
    assert!(
        last.len() > "Built with clerk 0.1.0. Page 9 of 9 OFFICIAL OFFICIAL".len() + 200,
        "the last page holds little but the colophon: {last}"
    );
}

#[test]
fn json_build_records_each_brief_and_a_summary() {
    let project = basic();
    let (status, stdout, _) = project.run(&["build", "--format", "json"]);
    assert_eq!(status, 0, "{stdout}");
    let records = json_records(&stdout);
    assert_eq!(
        records[0],
        serde_json::json!({"type": "brief", "dossier": "harbour", "status": "built", "pdf": "output/harbour.pdf"})
    );
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["command"], "build");
    assert_eq!(
        (
            summary["built"].as_u64(),
            summary["fresh"].as_u64(),
            summary["failed"].as_u64()
        ),
        (Some(1), Some(0), Some(0))
    );
    let (_, stdout, _) = project.run(&["build", "--format", "json"]);
    assert_eq!(json_records(&stdout)[0]["status"], "fresh");
}

#[test]
fn json_verify_records_each_pdf_and_a_summary_even_when_one_is_unreadable() {
    let project = basic();
    project.run(&["build"]);
    let pdf = project.path("output/harbour.pdf");
    let (status, stdout, stderr) = project.run(&[
        "verify",
        "--format",
        "json",
        pdf.to_str().unwrap(),
        "nosuch.pdf",
    ]);
    assert_eq!(status, 2, "{stderr}");
    let records = json_records(&stdout);
    assert_eq!(records[0]["type"], "verification");
    assert_eq!(records[0]["verified"], true);
    assert_eq!(
        records[1],
        serde_json::json!({"type": "error", "message": "cannot read `nosuch.pdf` (no such file or folder)", "help": []})
    );
    assert_eq!(
        records[2],
        serde_json::json!({"type": "summary", "command": "verify", "pdfs": 2, "verified": 1, "not_verified": 0, "unreadable": 1, "unjudged": 0})
    );
}

#[test]
fn json_text_and_template_print_records_not_plain_text() {
    let project = basic();
    let (status, stdout, _) = project.run(&["text", "gamma", "--format", "json"]);
    assert_eq!(status, 0);
    let records = json_records(&stdout);
    assert_eq!(records[0]["type"], "line");
    assert_eq!(records[0]["line"], 1);
    assert_eq!(records[0]["paragraph"], 1);
    assert!(records[0]["text"].as_str().unwrap().len() > 10, "{stdout}");
    let (status, stdout, _) = project.run(&["template", "brief", "--format", "json"]);
    assert_eq!(status, 0);
    let record = &json_records(&stdout)[0];
    assert_eq!(record["type"], "template");
    assert_eq!(record["name"], "brief");
    assert!(record["text"].as_str().unwrap().contains("#set document("));
}

#[test]
fn verify_says_an_encrypted_copy_is_encrypted() {
    let project = basic();
    project.run(&["build"]);
    let locked = project.path("locked.pdf");
    let qpdf = std::process::Command::new("qpdf")
        .args(["--encrypt", "user", "owner", "256", "--"])
        .arg(project.path("output/harbour.pdf"))
        .arg(&locked)
        .status();
    match qpdf {
        Ok(status) => assert!(status.success()),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("qpdf is not installed: skipping (CI installs it)");
            return;
        }
        Err(error) => panic!("qpdf is required under CI: {error}"),
    }
    let (status, stdout, stderr) = project.run(&["verify", locked.to_str().unwrap()]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("FAILED  pdf           encryption: the PDF is encrypted (a password-protected copy), so its manifest cannot be read; verify the unencrypted copy clerk built"),
        "{stdout}"
    );
    assert!(!stdout.contains("damaged"), "{stdout}");
}
