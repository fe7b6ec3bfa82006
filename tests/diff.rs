//! `clerk diff`: each kind of change one by one, renames, a re-pin where a
//! quote no longer holds, two PDFs with no project at hand, git revisions,
//! the JSON lines against their schema, and the human report's shape.
//!
//! Most tests approve a version of the `basic` fixture (`clerk build
//! --emit json`, the export copied to `approved.json`), edit the project,
//! and compare the approved export with the dossier as it now is.

mod common;

use std::process::Command;

use common::Project;
use serde_json::Value;

/// Builds the project's brief with its export and keeps the export as
/// `approved.json` (and the PDF as `approved.pdf`).
fn approve(project: &Project) {
    let (status, _, stderr) = project.run(&["build", "--emit", "json"]);
    assert_eq!(status, 0, "{stderr}");
    std::fs::copy(
        project.path("output/harbour.json"),
        project.path("approved.json"),
    )
    .unwrap();
    std::fs::copy(
        project.path("output/harbour.pdf"),
        project.path("approved.pdf"),
    )
    .unwrap();
}

/// `clerk diff ARGS` run in the project folder: (exit code, stdout, stderr).
fn diff(project: &Project, args: &[&str]) -> (i32, String, String) {
    let output = project
        .clerk(&[&["diff"], args].concat())
        .current_dir(project.root())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The change objects of `clerk diff --format json OLD NEW` (exit 1
/// expected), and the summary.
fn changes(project: &Project, old: &str, new: &str) -> (Vec<Value>, Value) {
    let (status, stdout, stderr) = diff(project, &["--format", "json", old, new]);
    assert_eq!(status, 1, "differences expected: {stdout}{stderr}");
    let mut lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = lines.pop().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["changes"], lines.len());
    (lines, summary)
}

/// The changes named `name`.
fn named<'a>(changes: &'a [Value], name: &str) -> Vec<&'a Value> {
    changes.iter().filter(|c| c["change"] == name).collect()
}

/// The text of a word diff as `[-…-]` and `{+…+}`.
fn marked(words: &Value) -> String {
    words
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let text = w["text"].as_str().unwrap();
            match w["op"].as_str().unwrap() {
                "delete" => format!("[-{text}-]"),
                "insert" => format!("{{+{text}+}}"),
                _ => text.to_string(),
            }
        })
        .collect()
}

#[test]
fn the_same_brief_has_no_differences_whatever_the_order_of_its_claims() {
    let project = Project::fixture("basic");
    approve(&project);
    let (status, stdout, stderr) = diff(&project, &["approved.json", "harbour"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.ends_with("\nno differences\n"), "{stdout}");

    // The claims in another order, the quotes of a claim too: still none.
    let dossier = project.read("dossiers/harbour.toml");
    let start = dossier.find("[[claims]]").unwrap();
    let (head, claims) = dossier.split_at(start);
    let mut blocks: Vec<&str> = claims.split("[[claims]]").skip(1).collect();
    blocks.reverse();
    let mut reordered = head.to_string();
    for block in blocks {
        reordered.push_str("[[claims]]");
        reordered.push_str(block.trim_end());
        reordered.push_str("\n\n");
    }
    project.write("dossiers/harbour.toml", reordered);
    project.edit(
        "dossiers/harbour.toml",
        "[[claims.evidence]]\nsource = \"alpha\"\nquote = \"was awarded lawfully and in full transparency\"\n\n[[claims.evidence]]\nsource = \"beta\"\nquote = \"Le contrat a été attribué conformément à la loi.\"\ntranslation = \"The contract was awarded in accordance with the law.\"\ntranslated-by = \"Policy Unit\"",
        "[[claims.evidence]]\nsource = \"beta\"\nquote = \"Le contrat a été attribué conformément à la loi.\"\ntranslation = \"The contract was awarded in accordance with the law.\"\ntranslated-by = \"Policy Unit\"\n\n[[claims.evidence]]\nsource = \"alpha\"\nquote = \"was awarded lawfully and in full transparency\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");
    let (status, stdout, stderr) = diff(&project, &["approved.json", "harbour"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    let (status, stdout, _) = diff(&project, &["--format", "json", "harbour", "approved.json"]);
    assert_eq!(status, 0);
    let summary: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["identical"], true);
    assert_eq!(summary["changes"], 0);
}

#[test]
fn metadata_changes_are_reported_field_by_field() {
    let project = Project::fixture("basic");
    approve(&project);
    project.edit(
        "dossiers/harbour.toml",
        "title = \"Harbour contract\"",
        "title = \"Harbour contract award\"",
    );
    project.edit(
        "dossiers/harbour.toml",
        "date = 2025-02-01",
        "date = 2025-02-03",
    );
    project.edit(
        "dossiers/harbour.toml",
        "marking = \"OFFICIAL\"",
        "marking = \"OFFICIAL-SENSITIVE\"",
    );
    project.edit(
        "dossiers/harbour.toml",
        "title = \"Harbour contract award\"",
        "title = \"Harbour contract award\"\nlanguage = \"en-GB\"",
    );
    let (found, summary) = changes(&project, "approved.json", "harbour");
    let fields: Vec<&str> = named(&found, "metadata")
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["title", "date", "marking", "language"],
        "{found:#?}"
    );
    assert_eq!(found.len(), 4, "{found:#?}");
    let title = named(&found, "metadata")[0];
    assert_eq!(marked(&title["words"]), "Harbour contract{+ award+}");
    assert_eq!(title["old"], "Harbour contract");
    assert_eq!(summary["by_change"]["metadata"], 4);
}

#[test]
fn claims_added_removed_and_changed_in_kind_author_date_statement_and_responses() {
    let project = Project::fixture("basic");
    approve(&project);
    let file = "dossiers/harbour.toml";
    // Kind: the ministry's position becomes a denial.
    project.edit(
        file,
        "kind = \"official-position\"\nby = \"The ministry\"",
        "kind = \"denial\"\nby = \"The ministry of transport\"",
    );
    project.edit(
        file,
        "date = 2024-05-16\nstatement = \"The tender was rigged in favour of one bidder.\"",
        "date = 2024-05-17\nstatement = \"The tender was fixed in favour of one bidder.\"",
    );
    // Responses: the chief executive's denial no longer answers anything.
    project.edit(
        file,
        "statement = \"The company denies the allegations.\"\nresponds-to = [\"rigged-tender\"]",
        "statement = \"The company denies the allegations.\"",
    );
    project.edit(
        file,
        "note = \"The ministry gave no documents.\"",
        "note = \"The ministry gave no documents at all.\"",
    );
    // A claim removed (the denial above stays), one added.
    let added = "\n[[claims]]\nid = \"union-support\"\nkind = \"allegation\"\nby = \"The dockers' union\"\nstatement = \"The bidder was favoured from the start.\"\n\n[[claims.evidence]]\nsource = \"gamma\"\nquote = \"I heard the tender was rigged from the start.\"\n";
    let mut text = project.read(file);
    text.push_str(added);
    project.write(file, text);
    let (status, _, stderr) = project.run(&["check"]);
    assert!(status == 0, "{stderr}");

    let (found, _) = changes(&project, "approved.json", "harbour");
    let names: Vec<&str> = found
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "claim-added",
            "claim-kind",
            "claim-by",
            "claim-date",
            "claim-statement",
            "claim-note",
            "responds-to"
        ],
        "{found:#?}"
    );
    assert_eq!(found[0]["claim"], "union-support");
    assert_eq!(found[1]["claim"], "ministry-lawful");
    assert_eq!(found[1]["old"], "official-position");
    assert_eq!(found[1]["new"], "denial");
    assert_eq!(marked(&found[2]["words"]), "The ministry{+ of transport+}");
    assert_eq!(found[3]["old"], "2024-05-16");
    assert_eq!(found[3]["new"], "2024-05-17");
    assert_eq!(
        marked(&found[4]["words"]),
        "The tender was [-rigged-]{+fixed+} in favour of one bidder."
    );
    assert_eq!(found[6]["claim"], "ceo-denial");
    assert_eq!(found[6]["removed"], serde_json::json!(["rigged-tender"]));

    // Removing a claim, the other way round.
    let (found, _) = changes(&project, "harbour", "approved.json");
    let removed = named(&found, "claim-removed");
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["claim"], "union-support");
    assert_eq!(
        removed[0]["statement"],
        "The bidder was favoured from the start."
    );
}

#[test]
fn evidence_quotes_and_translations() {
    let project = Project::fixture("basic");
    // A second copy of the press report's denial, as another source, for a
    // quote to move to.
    project.write(
        "sources/delta.txt",
        "The company’s chief executive called the allegations “entirely baseless”.\n",
    );
    project.write(
        "sources/delta.toml",
        "file = \"delta.txt\"\ntitle = \"Company statement\"\npublisher = \"The company\"\nkind = \"other\"\nlanguage = \"en\"\n",
    );
    let file = "dossiers/harbour.toml";
    let pin = format!(
        "delta = \"sha256:{}\"\n",
        clerk::files::sha256_hex(project.read("sources/delta.txt").as_bytes())
    );
    project.edit(file, "gamma = ", &format!("{pin}gamma = "));
    // The new source is cited once, so both versions pin it.
    project.edit(
        file,
        "quote = \"I heard the tender was rigged from the start.\"",
        "quote = \"I heard the tender was rigged from the start.\"\n\n[[claims.evidence]]\nsource = \"delta\"\nquote = \"entirely baseless\"",
    );
    approve(&project);
    // A quote changed: shorter, from the same source.
    project.edit(
        file,
        "quote = \"alleged that the tender had been rigged in favour of a single bidder\"",
        "quote = \"alleged that the tender had been rigged\"",
    );
    // Evidence removed.
    project.edit(
        file,
        "\n\n[[claims.evidence]]\nsource = \"delta\"\nquote = \"entirely baseless\"",
        "",
    );
    // Evidence added.
    project.edit(
        file,
        "responds-to = [\"rigged-tender\"]\n\n[[claims.evidence]]",
        "responds-to = [\"rigged-tender\"]\n\n[[claims.evidence]]\nsource = \"alpha\"\nquote = \"citing internal e-mails\"\n\n[[claims.evidence]]",
    );
    // A quote moved to another source.
    project.edit(
        file,
        "source = \"alpha\"\nquote = \"The company's chief executive called the allegations \\\"entirely baseless\\\".\"",
        "source = \"delta\"\nquote = \"The company's chief executive called the allegations \\\"entirely baseless\\\".\"",
    );
    // A translation changed.
    project.edit(
        file,
        "translation = \"The contract was awarded in accordance with the law.\"",
        "translation = \"The contract was awarded lawfully.\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert!(status == 0, "{stderr}");

    let (found, _) = changes(&project, "approved.json", "harbour");
    let names: Vec<&str> = found
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "evidence-added",
            "evidence-removed",
            "quote-moved",
            "quote-changed",
            "translation-changed"
        ],
        "{found:#?}"
    );
    assert_eq!(found[0]["claim"], "ceo-denial");
    assert_eq!(found[0]["quote"], "citing internal e-mails");
    assert_eq!(found[1]["claim"], "rigged-tender");
    assert_eq!(found[1]["source"], "delta");
    assert_eq!(found[2]["claim"], "ceo-denial");
    assert_eq!(found[2]["old_source"], "alpha");
    assert_eq!(found[2]["source"], "delta");
    assert_eq!(
        marked(&found[3]["words"]),
        "alleged that the tender had been rigged[- in favour of a single bidder-]"
    );
    assert_eq!(
        marked(&found[4]["words"]),
        "The contract was awarded [-in accordance with the law.-]{+lawfully.+}"
    );
}

#[test]
fn sources_added_removed_and_records_changed() {
    let project = Project::fixture("basic");
    approve(&project);
    let file = "dossiers/harbour.toml";
    // gamma no longer cited nor pinned; epsilon added and cited.
    project.edit(
        file,
        "\n\n[[claims.evidence]]\nsource = \"gamma\"\nquote = \"I heard the tender was rigged from the start.\"",
        "\n\n[[claims.evidence]]\nsource = \"epsilon\"\nquote = \"The tender was open to all.\"",
    );
    project.write("sources/epsilon.txt", "The tender was open to all.\n");
    project.write(
        "sources/epsilon.toml",
        "file = \"epsilon.txt\"\ntitle = \"Tender notice\"\npublisher = \"Harbour board\"\nkind = \"government\"\nlanguage = \"en\"\n",
    );
    let pin = format!(
        "epsilon = \"sha256:{}\"\n",
        clerk::files::sha256_hex(b"The tender was open to all.\n")
    );
    let text = project.read(file);
    let start = text.find("gamma = ").unwrap();
    let end = start + text[start..].find('\n').unwrap() + 1;
    project.write(file, format!("{}{pin}{}", &text[..start], &text[end..]));
    // A record's title and publisher changed.
    project.edit(
        "sources/beta.toml",
        "title = \"Compte rendu de séance\"",
        "title = \"Compte rendu intégral de séance\"",
    );
    project.edit(
        "sources/press/alpha.toml",
        "publisher = \"The Daily Fixture\"",
        "publisher = \"The Weekly Fixture\"",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert!(status == 0, "{stderr}");

    let (found, _) = changes(&project, "approved.json", "harbour");
    let sources: Vec<(&str, &str)> = found
        .iter()
        .filter(|c| {
            let name = c["change"].as_str().unwrap();
            name.starts_with("source-") || name.starts_with("record-")
        })
        .map(|c| (c["change"].as_str().unwrap(), c["source"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sources,
        [
            ("source-added", "epsilon"),
            ("source-removed", "gamma"),
            ("record-changed", "alpha"),
            ("record-changed", "beta"),
        ],
        "{found:#?}"
    );
    let records = named(&found, "record-changed");
    assert_eq!(records[0]["field"], "publisher");
    assert_eq!(records[0]["old"], "The Daily Fixture");
    assert_eq!(records[0]["new"], "The Weekly Fixture");
    assert_eq!(records[1]["field"], "title");
    let added = named(&found, "source-added")[0];
    assert_eq!(
        added["sha256"],
        clerk::files::sha256_hex(b"The tender was open to all.\n")
    );
}

#[test]
fn a_re_pinned_source_says_which_old_quotes_still_hold() {
    let project = Project::fixture("basic");
    approve(&project);
    // The press report is corrected: the ministry's words are gone, so the
    // dossier drops that quote and pins the new file.
    project.edit(
        "sources/press/alpha.txt",
        "The ministry said on Tuesday that the harbour contract “was awarded\nlawfully and in full transparency”.",
        "The ministry declined to comment on Tuesday.",
    );
    project.edit(
        "dossiers/harbour.toml",
        "[[claims.evidence]]\nsource = \"alpha\"\nquote = \"was awarded lawfully and in full transparency\"\n\n",
        "",
    );
    let (status, _, stderr) = project.run(&["pin", "harbour", "--source", "alpha"]);
    assert_eq!(status, 0, "{stderr}");
    let new_sha = clerk::files::sha256_hex(project.read("sources/press/alpha.txt").as_bytes());

    let (found, _) = changes(&project, "approved.json", "harbour");
    let repinned = named(&found, "source-repinned");
    assert_eq!(repinned.len(), 1, "{found:#?}");
    let repinned = repinned[0];
    assert_eq!(repinned["source"], "alpha");
    assert_eq!(
        repinned["old_sha256"],
        "f868dd3ca385fd52c9fc5db0e767b7568a9e26a8dd6022ba7a594a073769c602"
    );
    assert_eq!(repinned["new_sha256"], new_sha.as_str());
    let verdicts: Vec<(&str, &str)> = repinned["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["claim"].as_str().unwrap(), q["holds"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("ceo-denial", "holds"),
            ("ministry-lawful", "does-not-hold"),
            ("rigged-tender", "holds"),
        ]
    );
    assert_eq!(named(&found, "evidence-removed").len(), 1);

    // The human report says it too.
    let (status, stdout, _) = diff(&project, &["approved.json", "harbour"]);
    assert_eq!(status, 1);
    assert!(
        stdout.contains("DOES NOT HOLD claim `ministry-lawful`: \"was awarded lawfully and in full transparency\""),
        "{stdout}"
    );

    // Between two files, the new file is not at hand: the quote the new
    // brief dropped is not checked, the others hold (the new build found
    // them).
    let (status, _, stderr) = project.run(&["build", "--emit", "json"]);
    assert_eq!(status, 0, "{stderr}");
    let (found, _) = changes(&project, "approved.json", "output/harbour.json");
    let quotes = &named(&found, "source-repinned")[0]["quotes"];
    assert_eq!(quotes[1]["holds"], "not-checked", "{quotes:#}");
    assert_eq!(quotes[0]["holds"], "holds");
}

#[test]
fn renamed_claims_and_sources_are_renames_not_removals() {
    let project = Project::fixture("basic");
    approve(&project);
    let file = "dossiers/harbour.toml";
    let text = project
        .read(file)
        .replace("rigged-tender", "tender-rigged")
        .replace("gamma = ", "forum-thread = ")
        .replace("source = \"gamma\"", "source = \"forum-thread\"");
    project.write(file, text);
    std::fs::rename(
        project.path("sources/gamma.toml"),
        project.path("sources/forum-thread.toml"),
    )
    .unwrap();
    // A statement changed a little under the new id still counts as the
    // same claim.
    project.edit(
        file,
        "The tender was rigged in favour of one bidder.",
        "The tender was rigged in favour of a single bidder.",
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");

    let (found, _) = changes(&project, "approved.json", "harbour");
    let names: Vec<&str> = found
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["claim-renamed", "claim-statement", "source-renamed"],
        "{found:#?}"
    );
    assert_eq!(found[0]["old_claim"], "rigged-tender");
    assert_eq!(found[0]["claim"], "tender-rigged");
    assert!(found[0]["similarity"].as_u64().unwrap() >= 80);
    assert_eq!(found[2]["old_source"], "gamma");
    assert_eq!(found[2]["source"], "forum-thread");
    assert_eq!(found[2]["similarity"], 100);

    // A claim rewritten beyond recognition is a removal and an addition.
    project.edit(
        file,
        "The tender was rigged in favour of a single bidder.",
        "Internal e-mails show officials met one bidder before the award.",
    );
    let (found, _) = changes(&project, "approved.json", "harbour");
    assert_eq!(named(&found, "claim-renamed").len(), 0, "{found:#?}");
    assert_eq!(named(&found, "claim-added").len(), 1);
    assert_eq!(named(&found, "claim-removed").len(), 1);
}

#[test]
fn two_pdfs_are_compared_with_no_project_at_hand() {
    let project = Project::fixture("basic");
    approve(&project);
    project.edit(
        "dossiers/harbour.toml",
        "statement = \"The company denies the allegations.\"",
        "statement = \"The company denies every allegation.\"",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(
        project.path("approved.pdf"),
        elsewhere.path().join("approved.pdf"),
    )
    .unwrap();
    std::fs::copy(
        project.path("output/harbour.pdf"),
        elsewhere.path().join("published.pdf"),
    )
    .unwrap();
    drop(project);

    let output = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .current_dir(elsewhere.path())
        .args(["--color", "never", "diff", "approved.pdf", "published.pdf"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(
            "  statement   `ceo-denial`: The company denies [-the allegations.-]{+every allegation.+}\n"
        ),
        "{stdout}"
    );
    assert!(stdout.ends_with("\n1 change\n"), "{stdout}");
}

#[test]
fn the_attached_brief_is_the_json_export() {
    let project = Project::fixture("basic");
    approve(&project);
    let pdf = std::fs::read(project.path("approved.pdf")).unwrap();
    let attached = clerk::manifest::attachment(&pdf, "clerk-brief.json")
        .unwrap()
        .expect("the PDF carries the brief as data");
    assert_eq!(
        attached,
        std::fs::read(project.path("approved.json")).unwrap()
    );
    // And verify still judges the PDF identical to a rebuild.
    let pdf = project.path("output/harbour.pdf");
    let (status, stdout, stderr) = project.run(&["verify", pdf.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}{stderr}");
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn git_revisions_are_compared_with_their_own_sources() {
    let project = Project::fixture("basic");
    git(project.root(), &["init", "-q"]);
    git(project.root(), &["add", "."]);
    git(project.root(), &["commit", "-q", "-m", "approved"]);
    // The next version corrects a source and re-pins it, and edits a claim.
    project.edit(
        "sources/gamma.txt",
        "Posted by user42:",
        "Posted by user42 (edited):",
    );
    let (status, _, stderr) = project.run(&["pin", "harbour", "--source", "gamma"]);
    assert_eq!(status, 0, "{stderr}");
    project.edit(
        "dossiers/harbour.toml",
        "by = \"Opposition members\"",
        "by = \"Opposition members of the council\"",
    );
    // Against the working tree.
    let (found, _) = changes(&project, "HEAD:harbour", "harbour");
    let names: Vec<&str> = found
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["claim-by", "source-repinned"], "{found:#?}");
    assert_eq!(found[1]["source"], "gamma");
    assert_eq!(found[1]["quotes"][0]["holds"], "holds");

    git(project.root(), &["commit", "-q", "-am", "published"]);
    // Two revisions, the dossier named by its path; the working tree is
    // left as it was.
    project.edit(
        "dossiers/harbour.toml",
        "title = \"Harbour contract\"",
        "title = \"Harbour contract (draft)\"",
    );
    let (found, _) = changes(&project, "HEAD~1:dossiers/harbour.toml", "HEAD:harbour");
    assert_eq!(found.len(), 2, "{found:#?}");
    let (found, _) = changes(&project, "HEAD:harbour", "harbour");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["field"], "title");

    // A revision that does not exist, or a dossier that was not there.
    let (status, _, stderr) = diff(&project, &["HEAD~5:harbour", "harbour"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("`HEAD~5` is not a revision"), "{stderr}");
    let (status, _, stderr) = diff(&project, &["HEAD:nowhere", "harbour"]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("there was no dossier `nowhere` at `HEAD`"),
        "{stderr}"
    );
}

#[test]
fn what_cannot_be_compared_exits_2_with_the_reason() {
    let project = Project::fixture("basic");
    project.write("notes.json", "{\"hello\": 1}\n");
    project.write("broken.json", "{not json");
    let (status, _, stderr) = diff(&project, &["notes.json", "harbour"]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("`notes.json` is JSON but not a brief"),
        "{stderr}"
    );
    let (status, _, stderr) = diff(&project, &["broken.json", "harbour"]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("`broken.json` is not a brief clerk can compare"),
        "{stderr}"
    );
    let (status, _, stderr) = diff(&project, &["missing.pdf", "harbour"]);
    assert_eq!(status, 2, "{stderr}");
    // A dossier with errors has no brief to compare.
    project.edit("sources/gamma.txt", "rigged", "fixed");
    let (status, _, stderr) = diff(&project, &["harbour", "harbour"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("dossier `harbour` has "), "{stderr}");
    assert!(stderr.contains("clerk check harbour"), "{stderr}");
    // A PDF clerk did not make.
    let template = clerk::render::Template::inline("t");
    let pdf = clerk::typeset::Typesetter::new(
        std::path::Path::new("/nonexistent"),
        clerk::settings::DEFAULT_TYPESET_TIMEOUT,
    )
    .pdf(&clerk::typeset::Job {
        markup: "#set document(title: \"x\")\n#set text(lang: \"en\")\nHello",
        date: clerk::typeset::datetime(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
            .unwrap(),
        ident: "x",
        template: &template,
        attachments: Vec::new(),
        readable: &[],
    })
    .unwrap();
    project.write("other.pdf", pdf);
    let (status, _, stderr) = diff(&project, &["other.pdf", "other.pdf"]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("`other.pdf` carries no brief as data"),
        "{stderr}"
    );
    assert!(stderr.contains("not a brief built by clerk"), "{stderr}");
}

#[test]
fn json_lines_follow_their_schema() {
    let project = Project::fixture("basic");
    approve(&project);
    project.edit(
        "dossiers/harbour.toml",
        "kind = \"official-position\"",
        "kind = \"denial\"",
    );
    project.edit(
        "sources/beta.toml",
        "kind = \"parliamentary\"",
        "kind = \"government\"",
    );
    let (status, schema, _) = project.run(&["schema", "diff"]);
    assert_eq!(status, 0);
    let schema: Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (status, stdout, _) = diff(&project, &["--format", "json", "approved.json", "harbour"]);
    assert_eq!(status, 1);
    let mut lines = 0;
    for line in stdout.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{line}: {errors:?}");
        lines += 1;
    }
    assert_eq!(lines, 3, "{stdout}");
    // The schema can fail: a change of an unknown kind is refused.
    let bad = serde_json::json!({"type": "change", "change": "claim-moved", "claim": "x"});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn the_redline_page_escapes_and_marks_changes() {
    let project = Project::fixture("basic");
    approve(&project);
    project.edit(
        "dossiers/harbour.toml",
        "statement = \"The company denies the allegations.\"",
        "statement = \"The company denies the <script>alert(1)</script> allegations.\"",
    );
    let (status, _, stderr) = diff(
        &project,
        &[
            "--emit",
            "html",
            "--out",
            "redline.html",
            "approved.json",
            "harbour",
        ],
    );
    assert_eq!(status, 1, "{stderr}");
    let page = project.read("redline.html");
    assert!(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("<ins>") && page.contains("<del>"), "{page}");
    assert!(page.contains("<h2 id=\"claims\">Claims</h2>"));
    // The same page on standard output.
    let (status, stdout, _) = diff(&project, &["--emit", "html", "approved.json", "harbour"]);
    assert_eq!(status, 1);
    assert_eq!(stdout, page);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let project = Project::fixture("basic");
    approve(&project);
    project.edit(
        "dossiers/harbour.toml",
        "marking = \"OFFICIAL\"",
        "marking = \"SECRET\"",
    );
    let (_, plain, _) = diff(&project, &["approved.json", "harbour"]);
    assert!(!plain.contains('\x1b'), "{plain}");
    let output = project
        .clerk(&["diff", "approved.json", "harbour"])
        .current_dir(project.root())
        .args(["--color", "always"])
        .output()
        .unwrap();
    let coloured = String::from_utf8_lossy(&output.stdout);
    assert!(
        coloured.contains("\x1b[31m[-OFFICIAL-]\x1b[0m"),
        "{coloured}"
    );
    assert!(coloured.contains("\x1b[32m{+SECRET+}\x1b[0m"), "{coloured}");
}

#[test]
fn the_human_report() {
    let project = Project::fixture("basic");
    approve(&project);
    let file = "dossiers/harbour.toml";
    project.edit(
        file,
        "subtitle = \"A test brief\"",
        "subtitle = \"A revised test brief\"",
    );
    project.edit(
        file,
        "statement = \"The tender was rigged in favour of one bidder.\"",
        "statement = \"The tender was arranged in favour of one bidder.\"",
    );
    project.edit(file, "kind = \"official-position\"", "kind = \"denial\"");
    project.edit(
        file,
        "translation = \"The contract was awarded in accordance with the law.\"",
        "translation = \"The contract was awarded lawfully.\"",
    );
    project.edit(
        file,
        "quote = \"alleged that the tender had been rigged in favour of a single bidder\"",
        "quote = \"alleged that the tender had been rigged in favour of a single bidder, citing internal e-mails\"",
    );
    project.edit(
        "sources/gamma.txt",
        "Posted by user42:",
        "Posted by user42 (edited):",
    );
    let (status, _, stderr) = project.run(&["pin", "harbour", "--source", "gamma"]);
    assert_eq!(status, 0, "{stderr}");
    project.edit(
        "sources/gamma.toml",
        "publisher = \"Example forum\"",
        "publisher = \"Example forum (archived)\"",
    );
    let (status, stdout, stderr) = diff(&project, &["approved.json", "harbour"]);
    assert_eq!(status, 1, "{stderr}");
    insta::assert_snapshot!(stdout);
}
