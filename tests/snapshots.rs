//! Snapshots (insta) of what users read: the human diagnostic of every rule,
//! JSON diagnostics, `--help`, `verify` reports, `text` listings and the
//! closing lines of `check` and `build`. They pin the wording and layout, so
//! a change to any of them shows up as a snapshot diff to review.
//!
//! Every captured text is redacted by hand before it is compared: the
//! temporary project folder becomes `[ROOT]` and a duration such as
//! `0.93 s` becomes `[TIME] s`. Paths relative to the project stay as
//! printed.

mod common;

use common::Project;

fn basic() -> Project {
    Project::fixture("basic")
}

fn documents() -> Project {
    Project::fixture("documents")
}

/// `text` with the project's folder replaced by `[ROOT]` and durations by
/// `[TIME]`.
fn redact(project: &Project, text: &str) -> String {
    let mut roots = vec![project.root().display().to_string()];
    if let Ok(real) = project.root().canonicalize() {
        roots.push(real.display().to_string());
    }
    // The longer first, so that one root containing the other is not half
    // replaced.
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    let mut text = text.to_string();
    for root in roots {
        text = text.replace(&root, "[ROOT]");
    }
    redact_times(&text)
}

/// Replaces every duration written `<digits>.<digits> s` (as in `in 0.93 s`)
/// with `[TIME] s`.
fn redact_times(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let seconds_follow = words.get(i + 1).is_some_and(|next| {
            next.strip_prefix('s')
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
        });
        let prefix_len = word.len() - word.trim_start_matches('(').len();
        let (prefix, number) = word.split_at(prefix_len);
        if seconds_follow && is_decimal(number) {
            out.push(format!("{prefix}[TIME]"));
        } else {
            out.push((*word).to_string());
        }
    }
    out.join(" ")
}

fn is_decimal(word: &str) -> bool {
    match word.split_once('.') {
        Some((whole, fraction)) => {
            !whole.is_empty()
                && !fraction.is_empty()
                && whole.chars().all(|c| c.is_ascii_digit())
                && fraction.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Runs clerk, asserts its exit code, and returns (stdout, stderr), both
/// redacted.
fn run(project: &Project, args: &[&str], code: i32) -> (String, String) {
    let (status, stdout, stderr) = project.run(args);
    assert_eq!(
        status, code,
        "exit code of clerk {args:?}; stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (redact(project, &stdout), redact(project, &stderr))
}

/// The redacted stderr of `clerk check`, which must exit with `code` and
/// report `expected` (e.g. `error[syntax]`).
fn check(project: &Project, code: i32, expected: &str) -> String {
    let (_, stderr) = run(project, &["check"], code);
    assert!(stderr.contains(expected), "`{expected}` missing:\n{stderr}");
    stderr
}

/// Sets the pin of source `id` in `dossiers/harbour.toml` to the SHA-256 of
/// `file` as it now is, so that a test shows its own rule and not also a
/// hash mismatch.
fn repin(project: &Project, id: &str, file: &str) {
    let digest = clerk::files::sha256_hex(&std::fs::read(project.path(file)).unwrap());
    let dossier = project.read("dossiers/harbour.toml");
    let prefix = format!("{id} = \"sha256:");
    let start = dossier.find(&prefix).expect("a pin line") + prefix.len();
    let end = start + dossier[start..].find('"').unwrap();
    project.write(
        "dossiers/harbour.toml",
        format!("{}{digest}{}", &dossier[..start], &dossier[end..]),
    );
}

/// Takes `text` (which must occur) out of a file.
fn cut(project: &Project, relative: &str, text: &str) {
    project.edit(relative, text, "");
}

// ---------------------------------------------------------------------------
// 1. The human diagnostic of every rule, with the closing line.

#[test]
fn rule_syntax() {
    let project = basic();
    project.edit("dossiers/harbour.toml", "marking = ", "markign = ");
    insta::assert_snapshot!("rule_syntax", check(&project, 1, "error[syntax]"));
}

#[test]
fn rule_bad_id() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "id = \"ceo-denial\"",
        "id = \"CEO_denial\"",
    );
    insta::assert_snapshot!("rule_bad_id", check(&project, 1, "error[bad-id]"));
}

#[test]
fn rule_duplicate_id() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "id = \"ceo-denial\"",
        "id = \"rigged-tender\"",
    );
    insta::assert_snapshot!(
        "rule_duplicate_id",
        check(&project, 1, "error[duplicate-id]")
    );
}

#[test]
fn rule_unknown_source() {
    let project = basic();
    // A typo in one of the citations of `alpha`, which other claims still
    // cite (a typo of `gamma`, cited once, would also leave it unused).
    project.edit(
        "dossiers/harbour.toml",
        "source = \"alpha\"",
        "source = \"alpa\"",
    );
    insta::assert_snapshot!(
        "rule_unknown_source",
        check(&project, 1, "error[unknown-source]")
    );
}

#[test]
fn rule_unpinned_source() {
    let project = basic();
    cut(
        &project,
        "dossiers/harbour.toml",
        "gamma = \"sha256:22e607b665c5c05e61c0047315c9bfe033cc04180ae7117067fc0b4d52869155\"\n",
    );
    insta::assert_snapshot!(
        "rule_unpinned_source",
        check(&project, 1, "error[unpinned-source]")
    );
}

#[test]
fn rule_missing_file() {
    let project = basic();
    project.edit(
        "sources/gamma.toml",
        "file = \"gamma.txt\"",
        "file = \"gamma-old.txt\"",
    );
    insta::assert_snapshot!(
        "rule_missing_file",
        check(&project, 1, "error[missing-file]")
    );
}

#[test]
fn rule_path_escape() {
    let project = basic();
    project.edit(
        "sources/gamma.toml",
        "file = \"gamma.txt\"",
        "file = \"../dossiers/harbour.toml\"",
    );
    insta::assert_snapshot!("rule_path_escape", check(&project, 1, "error[path-escape]"));
}

#[test]
fn rule_bad_encoding() {
    let project = basic();
    // The cited quote is still there; the pin is the new file's, so the
    // only problem is the byte that is not UTF-8.
    project.write(
        "sources/gamma.txt",
        b"Posted by user42: I heard the tender was rigged from the start. Caf\xe9.\n",
    );
    repin(&project, "gamma", "sources/gamma.txt");
    insta::assert_snapshot!(
        "rule_bad_encoding",
        check(&project, 1, "error[bad-encoding]")
    );
}

#[test]
fn rule_hash_mismatch() {
    let project = basic();
    let text = project.read("sources/gamma.txt");
    project.write("sources/gamma.txt", text.replace("user42", "user43"));
    insta::assert_snapshot!(
        "rule_hash_mismatch",
        check(&project, 1, "error[hash-mismatch]")
    );
}

#[test]
fn rule_quote_not_found() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "rigged in favour of a single bidder",
        "rigged in favour of one bidder",
    );
    insta::assert_snapshot!(
        "rule_quote_not_found",
        check(&project, 1, "error[quote-not-found]")
    );
}

#[test]
fn rule_dangling_response() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "responds-to = [\"rigged-tender\"]\nnote",
        "responds-to = [\"riged-tender\"]\nnote",
    );
    insta::assert_snapshot!(
        "rule_dangling_response",
        check(&project, 1, "error[dangling-response]")
    );
}

#[test]
fn rule_unknown_template() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "marking = \"OFFICIAL\"",
        "marking = \"OFFICIAL\"\ntemplate = \"fancy\"",
    );
    insta::assert_snapshot!(
        "rule_unknown_template",
        check(&project, 1, "error[unknown-template]")
    );
}

#[test]
fn rule_unsupported_format() {
    let project = basic();
    project.write("sources/gamma.rtf", "not really a document");
    project.edit("sources/gamma.toml", "gamma.txt", "gamma.rtf");
    repin(&project, "gamma", "sources/gamma.rtf");
    insta::assert_snapshot!(
        "rule_unsupported_format",
        check(&project, 1, "error[unsupported-format]")
    );
}

#[test]
fn rule_empty_text() {
    // A PDF with no text layer (documents fixture), cited by a new claim;
    // an official position answering the allegation, so that no other rule
    // fires.
    let project = documents();
    project.write(
        "sources/scan.toml",
        "file = \"scan.pdf\"\ntitle = \"T\"\npublisher = \"P\"\nkind = \"other\"\n",
    );
    let pin = clerk::files::sha256_hex(&std::fs::read(project.path("sources/scan.pdf")).unwrap());
    project.edit(
        "dossiers/papers.toml",
        "[sources]\n",
        &format!("[sources]\nscan = \"sha256:{pin}\"\n"),
    );
    let text = project.read("dossiers/papers.toml");
    project.write(
        "dossiers/papers.toml",
        format!(
            "{text}\n[[claims]]\nid = \"extra\"\nkind = \"official-position\"\nby = \"X\"\nstatement = \"S\"\nresponds-to = [\"committee-finding\"]\n\n[[claims.evidence]]\nsource = \"scan\"\nquote = \"anything\"\n"
        ),
    );
    insta::assert_snapshot!("rule_empty_text", check(&project, 1, "error[empty-text]"));
}

#[test]
fn rule_unused_source() {
    // Pinned with its true digest: the warning is the only diagnostic.
    let project = basic();
    project.write("sources/delta.txt", "Unused text.\n");
    project.write(
        "sources/delta.toml",
        "file = \"delta.txt\"\ntitle = \"D\"\npublisher = \"P\"\nkind = \"other\"\n",
    );
    project.edit(
        "dossiers/harbour.toml",
        "[sources]\n",
        "[sources]\ndelta = \"sha256:\"\n",
    );
    repin(&project, "delta", "sources/delta.txt");
    insta::assert_snapshot!(
        "rule_unused_source",
        check(&project, 0, "warning[unused-source]")
    );
}

#[test]
fn rule_no_response() {
    // Neither the denial nor the official position responds any more.
    let project = basic();
    let text = project.read("dossiers/harbour.toml");
    assert_eq!(
        text.matches("responds-to = [\"rigged-tender\"]\n").count(),
        2
    );
    project.write(
        "dossiers/harbour.toml",
        text.replace("responds-to = [\"rigged-tender\"]\n", ""),
    );
    insta::assert_snapshot!(
        "rule_no_response",
        check(&project, 0, "warning[no-response]")
    );
}

#[test]
fn rule_weak_evidence() {
    // The allegation keeps only the forum post.
    let project = basic();
    cut(
        &project,
        "dossiers/harbour.toml",
        "[[claims.evidence]]\nsource = \"alpha\"\nquote = \"alleged that the tender had been rigged in favour of a single bidder\"\n\n",
    );
    insta::assert_snapshot!(
        "rule_weak_evidence",
        check(&project, 0, "warning[weak-evidence]")
    );
}

#[test]
fn rule_empty_section() {
    // No denial: the official position still answers the allegation.
    let project = basic();
    let text = project.read("dossiers/harbour.toml");
    let start = text.find("[[claims]]\nid = \"ceo-denial\"").unwrap();
    let end = text.find("[[claims]]\nid = \"ministry-lawful\"").unwrap();
    cut(&project, "dossiers/harbour.toml", &text[start..end]);
    insta::assert_snapshot!(
        "rule_empty_section",
        check(&project, 0, "warning[empty-section]")
    );
}

#[test]
fn rule_template_render() {
    // A Handlebars error: an unknown field.
    let project = basic();
    project.write(
        "templates/brief.typ.hbs",
        "= {{title}}\n\n#let x = (\n{{summry}}\n",
    );
    let (_, stderr) = run(&project, &["build"], 1);
    assert!(stderr.contains("error[template]"), "{stderr}");
    insta::assert_snapshot!("rule_template_render", stderr);
}

#[test]
fn rule_template_typeset() {
    // A typst error: an unknown function.
    let project = basic();
    project.write(
        "templates/brief.typ.hbs",
        "= {{title}}\n\n#unknown-function(1)\n",
    );
    let (_, stderr) = run(&project, &["build"], 1);
    assert!(stderr.contains("error[template]: typst error"), "{stderr}");
    insta::assert_snapshot!("rule_template_typeset", stderr);
}

// ---------------------------------------------------------------------------
// 2. JSON diagnostics.

#[test]
fn json_diagnostics_of_several_problems() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "id = \"ceo-denial\"",
        "id = \"rigged-tender\"",
    );
    project.edit(
        "dossiers/harbour.toml",
        "in full transparency",
        "in complete transparency",
    );
    project.edit("sources/gamma.toml", "gamma.txt", "missing.txt");
    let (stdout, stderr) = run(&project, &["check", "--format", "json"], 1);
    assert!(stderr.is_empty(), "{stderr}");
    for rule in ["duplicate-id", "quote-not-found", "missing-file"] {
        assert!(stdout.contains(&format!("\"rule\":\"{rule}\"")), "{stdout}");
    }
    insta::assert_snapshot!("json_diagnostics_of_several_problems", stdout);
}

// ---------------------------------------------------------------------------
// 3. `--help`.

/// `clerk <args>` outside any project, at a fixed help width and without
/// colour, whatever the environment of the test run.
fn help(args: &[&str]) -> String {
    let output = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .args(args)
        .env("COLUMNS", "100")
        .env_remove("LINES")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{args:?}");
    assert!(output.stderr.is_empty(), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn help_top_level() {
    insta::assert_snapshot!("help_top_level", help(&["--help"]));
}

#[test]
fn help_check() {
    insta::assert_snapshot!("help_check", help(&["check", "--help"]));
}

#[test]
fn help_build() {
    insta::assert_snapshot!("help_build", help(&["build", "--help"]));
}

#[test]
fn help_pin() {
    insta::assert_snapshot!("help_pin", help(&["pin", "--help"]));
}

#[test]
fn help_verify() {
    insta::assert_snapshot!("help_verify", help(&["verify", "--help"]));
}

#[test]
fn help_text() {
    insta::assert_snapshot!("help_text", help(&["text", "--help"]));
}

#[test]
fn help_template() {
    insta::assert_snapshot!("help_template", help(&["template", "--help"]));
}

// ---------------------------------------------------------------------------
// 4. `verify` reports.

/// The basic fixture, built.
fn built() -> Project {
    let project = basic();
    run(&project, &["build"], 0);
    project
}

/// A copy of the built brief with one byte changed where the PDF still
/// parses, so that verify gets as far as comparing it with the rebuild.
fn tampered(project: &Project) -> String {
    let mut bytes = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    let offset = bytes.len() / 2;
    bytes[offset] = bytes[offset].wrapping_add(1);
    project.write("output/tampered.pdf", bytes);
    project.path("output/tampered.pdf").display().to_string()
}

#[test]
fn verify_verified_human() {
    let project = built();
    let pdf = project.path("output/harbour.pdf");
    let (stdout, stderr) = run(&project, &["verify", pdf.to_str().unwrap()], 0);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.contains("verified: "), "{stdout}");
    insta::assert_snapshot!("verify_verified_human", stdout);
}

#[test]
fn verify_verified_json() {
    let project = built();
    let pdf = project.path("output/harbour.pdf");
    let (stdout, stderr) = run(
        &project,
        &["verify", "--format", "json", pdf.to_str().unwrap()],
        0,
    );
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.contains("\"verified\":true"), "{stdout}");
    insta::assert_snapshot!("verify_verified_json", stdout);
}

#[test]
fn verify_tampered_human() {
    let project = built();
    let pdf = tampered(&project);
    let (stdout, stderr) = run(&project, &["verify", &pdf], 1);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.contains("NOT VERIFIED"), "{stdout}");
    insta::assert_snapshot!("verify_tampered_human", stdout);
}

#[test]
fn verify_tampered_json() {
    let project = built();
    let pdf = tampered(&project);
    let (stdout, stderr) = run(&project, &["verify", "--format", "json", &pdf], 1);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.contains("\"verified\":false"), "{stdout}");
    insta::assert_snapshot!("verify_tampered_json", stdout);
}

// ---------------------------------------------------------------------------
// 5. `text` listings.

#[test]
fn text_of_a_text_source() {
    let project = basic();
    let (stdout, stderr) = run(&project, &["text", "alpha"], 0);
    assert!(stderr.is_empty(), "{stderr}");
    insta::assert_snapshot!("text_of_a_text_source", stdout);
}

#[test]
fn text_of_a_text_source_normalised() {
    // Curly quotes and apostrophes, as quotes are compared with them.
    let project = basic();
    let (stdout, stderr) = run(&project, &["text", "alpha", "--normalised"], 0);
    assert!(stderr.is_empty(), "{stderr}");
    insta::assert_snapshot!("text_of_a_text_source_normalised", stdout);
}

#[test]
fn text_of_an_html_source() {
    let project = documents();
    let (stdout, stderr) = run(&project, &["text", "article"], 0);
    assert!(stderr.is_empty(), "{stderr}");
    insta::assert_snapshot!("text_of_an_html_source", stdout);
}

#[test]
fn text_of_a_pdf_source() {
    let project = documents();
    let (stdout, stderr) = run(&project, &["text", "bulletin"], 0);
    assert!(stderr.is_empty(), "{stderr}");
    insta::assert_snapshot!("text_of_a_pdf_source", stdout);
}

#[test]
fn text_of_a_pdf_source_normalised() {
    let project = documents();
    let (stdout, stderr) = run(&project, &["text", "bulletin", "--normalised"], 0);
    assert!(stderr.is_empty(), "{stderr}");
    insta::assert_snapshot!("text_of_a_pdf_source_normalised", stdout);
}

// ---------------------------------------------------------------------------
// 6. Closing lines of `check` and `build`.

#[test]
fn closing_line_of_check() {
    let project = basic();
    let (_, stderr) = run(&project, &["check"], 0);
    insta::assert_snapshot!("closing_line_of_check", stderr);
}

#[test]
fn closing_line_of_build() {
    let project = basic();
    let (_, stderr) = run(&project, &["build"], 0);
    assert!(stderr.contains("[TIME] s"), "timing not redacted: {stderr}");
    insta::assert_snapshot!("closing_line_of_build", stderr);
}

#[test]
fn closing_line_of_a_fresh_build() {
    let project = basic();
    run(&project, &["build"], 0);
    let (_, stderr) = run(&project, &["build"], 0);
    assert!(stderr.contains("fresh 1"), "{stderr}");
    insta::assert_snapshot!("closing_line_of_a_fresh_build", stderr);
}

#[test]
fn redaction_of_times() {
    assert_eq!(
        redact_times("built 1, fresh 0, failed 0 in 0.93 s (0 errors, 0 warnings)\n"),
        "built 1, fresh 0, failed 0 in [TIME] s (0 errors, 0 warnings)\n"
    );
    assert_eq!(
        redact_times("(12.5 s)\nv1.2 sources"),
        "([TIME] s)\nv1.2 sources"
    );
}

// ---------------------------------------------------------------------------
// 7. Authoring: `add`, `find`, `watch` (help), and what `find` prints.

#[test]
fn help_add() {
    insta::assert_snapshot!("help_add", help(&["add", "--help"]));
}

#[test]
fn help_find() {
    insta::assert_snapshot!("help_find", help(&["find", "--help"]));
}

#[test]
fn help_watch() {
    insta::assert_snapshot!("help_watch", help(&["watch", "--help"]));
}

#[test]
fn find_in_a_pdf_source() {
    let project = documents();
    let (stdout, stderr) = run(
        &project,
        &[
            "find",
            "bulletin",
            "the",
            "investigation",
            "remains",
            "open",
        ],
        0,
    );
    insta::assert_snapshot!("find_in_a_pdf_source", format!("{stdout}---\n{stderr}"));
}
