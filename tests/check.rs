//! `clerk check` and `clerk pin` on fixture projects: one test per rule at
//! least, asserting the exit code, the rule name and the culprit named.

mod common;

use common::Project;

fn basic() -> Project {
    Project::fixture("basic")
}

/// Runs `clerk check` and asserts the exit code; returns stderr.
fn check_fails(project: &Project, code: i32) -> String {
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, code, "exit code; stderr:\n{stderr}");
    stderr
}

#[test]
fn clean_project_passes_without_warnings() {
    let stderr = check_fails(&basic(), 0);
    assert!(
        stderr.contains("checked 1 dossier: 0 errors, 0 warnings"),
        "{stderr}"
    );
}

#[test]
fn check_accepts_ids_and_paths() {
    let project = basic();
    let (status, _, _) = project.run(&["check", "harbour"]);
    assert_eq!(status, 0);
    let path = project.path("dossiers/harbour.toml");
    let (status, _, _) = project.run(&["check", path.to_str().unwrap()]);
    assert_eq!(status, 0);
    let (status, _, stderr) = project.run(&["check", "nope"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("no dossier `nope`"), "{stderr}");
}

#[test]
fn not_a_project_exits_2() {
    let empty = tempfile::tempdir().unwrap();
    let output = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .args(["check", "--root"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no `dossiers/` folder"));
}

#[test]
fn syntax_unknown_key_has_line_and_column() {
    let project = basic();
    project.edit("dossiers/harbour.toml", "marking = ", "markign = ");
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("error[syntax]"), "{stderr}");
    assert!(
        stderr.contains("error[syntax]: unknown field `markign`, expected one of `title`"),
        "{stderr}"
    );
    assert!(stderr.contains("dossiers/harbour.toml:6:1"), "{stderr}");
}

#[test]
fn syntax_bad_date_wrong_type_and_bad_pin() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "date = 2025-02-01",
        "date = \"2025-02-01\"",
    );
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("error[syntax]"), "{stderr}");
    assert!(stderr.contains("harbour.toml:4:"), "{stderr}");

    let project = basic();
    project.edit("dossiers/harbour.toml", "sha256:411f", "sha256:411F");
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("malformed pin for source `beta`"),
        "{stderr}"
    );
    assert!(stderr.contains("harbour.toml:15:"), "{stderr}");
}

#[test]
fn syntax_in_a_record_names_the_record() {
    let project = basic();
    project.edit("sources/beta.toml", "publisher =", "publsher =");
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("error[syntax]"), "{stderr}");
    assert!(stderr.contains("sources/beta.toml:3:1"), "{stderr}");
    assert!(stderr.contains("source `beta`"), "{stderr}");
}

#[test]
fn truncated_binary_and_empty_dossiers_are_syntax_errors() {
    for content in [
        b"title = \"Harbour\nsummary = ".to_vec(),
        vec![0xff, 0x00, 0x13, 0x37, 0x80],
        Vec::new(),
    ] {
        let project = basic();
        project.write("dossiers/harbour.toml", &content);
        let stderr = check_fails(&project, 1);
        assert!(stderr.contains("error[syntax]"), "{stderr}");
        assert!(stderr.contains("dossiers/harbour.toml"), "{stderr}");
    }
}

#[test]
fn bad_id() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "id = \"ceo-denial\"",
        "id = \"CEO_denial\"",
    );
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[bad-id]: invalid claim id `CEO_denial`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ceo-denial"),
        "suggests a valid id: {stderr}"
    );
}

#[test]
fn duplicate_claim_id() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "id = \"ceo-denial\"",
        "id = \"rigged-tender\"",
    );
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[duplicate-id]: two claims have the id `rigged-tender`"),
        "{stderr}"
    );
    assert!(stderr.contains("first used on line 19"), "{stderr}");
}

#[test]
fn duplicate_source_record_stem() {
    let project = basic();
    project.write("sources/other/beta.toml", project.read("sources/beta.toml"));
    project.write("sources/other/beta.txt", project.read("sources/beta.txt"));
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[duplicate-id]: two source records have the id `beta`"),
        "{stderr}"
    );
    assert!(stderr.contains("sources/other/beta.toml"), "{stderr}");
}

#[test]
fn unknown_source_suggests_the_closest_id() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "source = \"gamma\"",
        "source = \"gama\"",
    );
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[unknown-source]: cited source `gama` has no record"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `gamma`?"), "{stderr}");
    assert!(stderr.contains("claim `rigged-tender`"), "{stderr}");
}

#[test]
fn unpinned_source() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "gamma = \"sha256:22e607b665c5c05e61c0047315c9bfe033cc04180ae7117067fc0b4d52869155\"\n",
        "",
    );
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("error[unpinned-source]"), "{stderr}");
    assert!(stderr.contains("cites `gamma`"), "{stderr}");
    assert!(
        stderr.contains("gamma = \"sha256:22e607b6"),
        "help gives the pin line: {stderr}"
    );
}

#[test]
fn missing_file() {
    let project = basic();
    project.edit(
        "sources/gamma.toml",
        "file = \"gamma.txt\"",
        "file = \"gamma-old.txt\"",
    );
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[missing-file]: source file `gamma-old.txt` does not exist"),
        "{stderr}"
    );
    assert!(stderr.contains("sources/gamma.toml:1:8"), "{stderr}");
}

#[test]
fn path_escape_by_parent_absolute_and_symlink() {
    let project = basic();
    project.edit(
        "sources/gamma.toml",
        "file = \"gamma.txt\"",
        "file = \"../dossiers/harbour.toml\"",
    );
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[path-escape]: `file` leaves `sources/`"),
        "{stderr}"
    );

    let project = basic();
    project.edit(
        "sources/gamma.toml",
        "file = \"gamma.txt\"",
        "file = \"/etc/hostname\"",
    );
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[path-escape]: `file` is an absolute path"),
        "{stderr}"
    );

    let project = basic();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::remove_file(project.path("sources/gamma.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path(), project.path("sources/gamma.txt")).unwrap();
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("error[path-escape]"), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
}

#[test]
fn symlink_loop_and_fifo_do_not_hang() {
    let project = basic();
    std::os::unix::fs::symlink(project.path("sources"), project.path("sources/loop")).unwrap();
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("symbolic link loop"), "{stderr}");

    let project = basic();
    std::fs::remove_file(project.path("sources/gamma.txt")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(project.path("sources/gamma.txt"))
        .status()
        .unwrap();
    assert!(status.success());
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("is not a regular file"), "{stderr}");
}

#[test]
fn bad_encoding_names_the_byte_offset() {
    let project = basic();
    project.write("sources/gamma.txt", b"Posted by user42: caf\xe9\n");
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("error[bad-encoding]"), "{stderr}");
    assert!(stderr.contains("invalid byte at offset 21"), "{stderr}");
    assert!(stderr.contains("sources/gamma.txt"), "{stderr}");
}

#[test]
fn hash_mismatch_prints_both_digests_and_the_pin_command() {
    let project = basic();
    let text = project.read("sources/gamma.txt");
    project.write("sources/gamma.txt", text.replace("user42", "user43"));
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[hash-mismatch]: source `gamma` has changed since it was pinned"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pinned: sha256:22e607b665c5c05e"),
        "{stderr}"
    );
    assert!(stderr.contains("actual: sha256:"), "{stderr}");
    assert!(
        stderr.contains("clerk pin harbour --source gamma"),
        "{stderr}"
    );
    assert!(stderr.contains("dossiers/harbour.toml:16:"), "{stderr}");
}

#[test]
fn quote_not_found_shows_the_closest_passage() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "rigged in favour of a single bidder",
        "rigged in favour of one bidder",
    );
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[quote-not-found]: quote is not in source `alpha`"),
        "{stderr}"
    );
    assert!(stderr.contains("line 6"), "{stderr}");
    assert!(stderr.contains("% similar"), "{stderr}");
    assert!(
        stderr.contains("rigged in favour of a single bidder"),
        "{stderr}"
    );
    assert!(stderr.contains("claim `rigged-tender`"), "{stderr}");
}

#[test]
fn quotes_match_across_line_breaks_apostrophes_and_guillemets() {
    // The fixture's quotes already rely on these: ’ against ', “ ” against
    // ", « » and a hard line break in the French source.
    let stderr = check_fails(&basic(), 0);
    assert!(!stderr.contains("quote-not-found"), "{stderr}");
}

#[test]
fn dangling_response() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "responds-to = [\"rigged-tender\"]\nnote",
        "responds-to = [\"riged-tender\"]\nnote",
    );
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("error[dangling-response]"), "{stderr}");
    assert!(stderr.contains("did you mean `rigged-tender`?"), "{stderr}");
}

#[test]
fn unknown_template() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "marking = \"OFFICIAL\"",
        "marking = \"OFFICIAL\"\ntemplate = \"fancy\"",
    );
    let stderr = check_fails(&project, 1);
    assert!(
        stderr.contains("error[unknown-template]: no template named `fancy`"),
        "{stderr}"
    );
    project.write("templates/fancy.typ.hbs", "= {{title}}\n");
    check_fails(&project, 0);
}

#[test]
fn unsupported_format() {
    let project = basic();
    project.write("sources/gamma.rtf", "not really a document");
    project.edit("sources/gamma.toml", "gamma.txt", "gamma.rtf");
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("error[unsupported-format]"), "{stderr}");
    assert!(stderr.contains("`.rtf`"), "{stderr}");
}

#[test]
fn unused_source_is_a_warning() {
    let project = basic();
    project.write("sources/delta.txt", "Unused text.\n");
    project.write(
        "sources/delta.toml",
        "file = \"delta.txt\"\ntitle = \"D\"\npublisher = \"P\"\nkind = \"other\"\n",
    );
    project.edit(
        "dossiers/harbour.toml",
        "[sources]\n",
        "[sources]\ndelta = \"sha256:9e9b1bdd0b3a30e0ab2ca1d2ea1d4f1a3c3d8b1e94a4a0f4b6a0c3b1e2f4a5b6\"\n",
    );
    let (status, _, stderr) = project.run(&["check"]);
    // The made-up pin is also a mismatch; the warning must be there too.
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr
            .contains("warning[unused-source]: source `delta` is pinned but no evidence cites it"),
        "{stderr}"
    );
}

#[test]
fn no_response_weak_evidence_and_empty_section_are_warnings() {
    let project = basic();
    let text = project.read("dossiers/harbour.toml");
    let cut = text.find("[[claims]]\nid = \"ceo-denial\"").unwrap();
    let end = text.find("[[claims]]\nid = \"ministry-lawful\"").unwrap();
    let mut text = format!("{}{}", &text[..cut], &text[end..]);
    text = text.replace("responds-to = [\"rigged-tender\"]\nnote", "note");
    text = text.replace(
        "[[claims.evidence]]\nsource = \"alpha\"\nquote = \"alleged",
        "[[claims.evidence]]\nsource = \"gamma\"\nquote = \"I heard\"\n\n#[[claims.evidence]]\n#source = \"alpha\"\n#quote = \"alleged",
    );
    project.write("dossiers/harbour.toml", text);
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("warning[no-response]: no denial or official position responds to allegation `rigged-tender`"), "{stderr}");
    assert!(stderr.contains("warning[weak-evidence]: claim `rigged-tender` rests only on forum or social-media sources"), "{stderr}");
    assert!(
        stderr.contains("warning[empty-section]: the dossier has no claim of kind `denial`"),
        "{stderr}"
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
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
    let stderr = check_fails(&project, 1);
    for rule in ["duplicate-id", "quote-not-found", "missing-file"] {
        assert!(
            stderr.contains(&format!("error[{rule}]")),
            "{rule}: {stderr}"
        );
    }
}

#[test]
fn json_format_prints_one_object_per_diagnostic() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "in full transparency",
        "in complete transparency",
    );
    let (status, stdout, _) = project.run(&["check", "--format", "json"]);
    assert_eq!(status, 1);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2, "a diagnostic, then the summary: {stdout}");
    let d = &lines[0];
    assert_eq!(d["type"], "diagnostic");
    assert_eq!(d["level"], "error");
    assert_eq!(d["rule"], "quote-not-found");
    assert_eq!(d["file"], "dossiers/harbour.toml");
    assert_eq!(d["dossier"], "harbour");
    assert_eq!(d["claim"], "ministry-lawful");
    assert_eq!(d["source"], "alpha");
    assert!(d["line"].as_u64().unwrap() > 0 && d["column"].as_u64().unwrap() > 0);
    assert_eq!(
        lines[1],
        serde_json::json!({"type": "summary", "command": "check", "dossiers": 1, "errors": 1, "warnings": 0})
    );
}

#[test]
fn pin_rewrites_only_the_pin_and_reports_quotes() {
    let project = basic();
    let before = project.read("dossiers/harbour.toml");
    let text = project.read("sources/press/alpha.txt");
    project.write(
        "sources/press/alpha.txt",
        format!("{text}\nA correction was appended.\n"),
    );
    check_fails(&project, 1);

    let (status, _, stderr) = project.run(&["pin", "harbour", "--source", "alpha"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("pinned `alpha`"), "{stderr}");
    assert!(stderr.contains("ok claim `rigged-tender`"), "{stderr}");
    let after = project.read("dossiers/harbour.toml");
    assert!(
        after.contains("# the press report"),
        "comment kept:\n{after}"
    );
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "only the pin line changes: {changed:?}");
    assert!(changed[0].0.starts_with("alpha = ") && changed[0].1.starts_with("alpha = "));
    check_fails(&project, 0);
}

#[test]
fn pin_reports_quotes_that_no_longer_match() {
    let project = basic();
    let text = project.read("sources/press/alpha.txt");
    project.write(
        "sources/press/alpha.txt",
        text.replace("single bidder", "sole bidder"),
    );
    let (status, _, stderr) = project.run(&["pin", "harbour"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("NO MATCH claim `rigged-tender`"),
        "{stderr}"
    );
    assert!(stderr.contains("ok claim `ministry-lawful`"), "{stderr}");
    let (_, _, stderr) = project.run(&["check"]);
    assert!(!stderr.contains("hash-mismatch"), "{stderr}");
    assert!(
        stderr.contains("error[quote-not-found]: quote is not in source `alpha`"),
        "{stderr}"
    );
}

#[test]
fn help_reads_well() {
    let output = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["check", "build", "pin", "template"] {
        assert!(help.contains(command), "{help}");
    }
    assert!(help.contains("--root <DIR>"), "{help}");
}

#[test]
fn a_link_out_of_sources_is_not_walked() {
    let project = basic();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("stray.toml"),
        "file = \"x.txt\"\ntitle = \"T\"\npublisher = \"P\"\nkind = \"other\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), project.path("sources/elsewhere")).unwrap();
    std::os::unix::fs::symlink("/", project.path("sources/root")).unwrap();
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[path-escape]"), "{stderr}");
    assert!(stderr.contains("sources/elsewhere"), "{stderr}");
    assert!(stderr.contains("sources/root"), "{stderr}");
    // The record outside is not taken as a source.
    assert!(!stderr.contains("stray"), "{stderr}");
}

#[test]
fn uncited_sources_are_checked_too() {
    let project = basic();
    project.write("sources/latin.txt", b"caf\xe9\n");
    project.write(
        "sources/latin.toml",
        "file = \"latin.txt\"\ntitle = \"T\"\npublisher = \"P\"\nkind = \"other\"\n",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[bad-encoding]"), "{stderr}");
}

#[test]
fn language_tags_are_iso_639_codes() {
    let project = basic();
    project.edit(
        "sources/beta.toml",
        "language = \"fr\"",
        "language = \"francais\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[syntax]"), "{stderr}");
    assert!(stderr.contains("francais"), "{stderr}");
}

#[test]
fn empty_statement_and_summary_are_errors() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "statement = \"The company denies the allegations.\"",
        "statement = \"  \"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("`statement` is empty"), "{stderr}");
    assert!(stderr.contains("claim `ceo-denial`"), "{stderr}");
}

#[test]
fn pin_keeps_crlf_line_endings() {
    let project = basic();
    let crlf = project.read("dossiers/harbour.toml").replace('\n', "\r\n");
    project.write("dossiers/harbour.toml", &crlf);
    project.write(
        "sources/beta.txt",
        "Le contrat a été attribué conformément à la loi.\nAjout.\n",
    );
    let (status, _, stderr) = project.run(&["pin", "harbour"]);
    assert_eq!(status, 0, "{stderr}");
    let after = project.read("dossiers/harbour.toml");
    assert_eq!(after.matches("\r\n").count(), crlf.matches("\r\n").count());
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
    assert_ne!(after, crlf);
}

#[test]
fn every_shape_problem_of_a_file_is_reported_at_once() {
    let project = basic();
    project.edit(
        "dossiers/harbour.toml",
        "date = 2025-02-01",
        "date = \"2025-02-01\"",
    );
    project.edit("dossiers/harbour.toml", "marking = ", "markng = ");
    project.edit(
        "dossiers/harbour.toml",
        "statement = \"The company denies",
        "statment = \"The company denies",
    );
    project.edit(
        "dossiers/harbour.toml",
        "kind = \"denial\"",
        "kind = \"denail\"",
    );
    let stderr = check_fails(&project, 1);
    for expected in [
        "invalid type for `date`: expected a TOML local date",
        "harbour.toml:4:8",
        "unknown field `markng`",
        "harbour.toml:6:1",
        "unknown field `statment`",
        "missing field `statement`",
        "unknown kind `denail`",
        "claim `ceo-denial`",
    ] {
        assert!(stderr.contains(expected), "`{expected}` missing:\n{stderr}");
    }
    assert_eq!(stderr.matches("error[syntax]").count(), 5, "{stderr}");
}

#[test]
fn every_toml_syntax_error_is_reported() {
    let project = basic();
    project.write(
        "dossiers/harbour.toml",
        "title = \"x\"\ndate = 2025-01-01\nsummary = \"s\"\n[sources]\n= bad\nfoo = [\n",
    );
    let stderr = check_fails(&project, 1);
    assert!(stderr.contains("harbour.toml:5:1"), "{stderr}");
    assert!(stderr.contains("harbour.toml:6:"), "{stderr}");
    assert!(stderr.matches("error[syntax]").count() >= 3, "{stderr}");
}

#[test]
fn a_file_of_garbage_gets_a_bounded_report() {
    let project = basic();
    let garbage: String = (0..20_000).map(|i| format!("= {i} ]]\n")).collect();
    project.write("dossiers/harbour.toml", garbage);
    let (status, stdout, _) = project.run(&["check", "--format", "json"]);
    assert_eq!(status, 1);
    let syntax = stdout
        .lines()
        .filter(|l| l.contains("\"rule\":\"syntax\""))
        .count();
    assert_eq!(syntax, 50, "{}", &stdout[..stdout.len().min(600)]);
    assert!(stdout.contains("more syntax errors in this file are not shown"));
}
