//! `clerk pin`: a dossier without `[sources]` gets one; `--format json`
//! reports each source pinned, which quotes still match, and a summary.

mod common;

use common::Project;

const ALPHA: &str = "sha256:f868dd3ca385fd52c9fc5db0e767b7568a9e26a8dd6022ba7a594a073769c602";
const BETA: &str = "sha256:411f25ae9a0d6e06781e252c21c2afd6f5a285b0eb93ac0698b5d20685585570";
const GAMMA: &str = "sha256:22e607b665c5c05e61c0047315c9bfe033cc04180ae7117067fc0b4d52869155";

#[test]
fn a_dossier_without_sources_gets_the_table_before_its_claims() {
    let project = Project::fixture("basic");
    let pins = format!(
        "[sources]\nalpha = \"{ALPHA}\" # the press report\nbeta = \"{BETA}\"\ngamma = \"{GAMMA}\"\n\n"
    );
    project.edit("dossiers/harbour.toml", &pins, "");
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "a dossier must have `[sources]`: {stderr}");

    let (status, _, stderr) = project.run(&["pin", "harbour"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.starts_with("   added `[sources]` to `dossiers/harbour.toml`\n  pinned `alpha`: "),
        "{stderr}"
    );
    let dossier = project.read("dossiers/harbour.toml");
    assert!(
        dossier.contains(&format!(
            "Second paragraph.\n\"\"\"\n\n[sources]\nalpha = \"{ALPHA}\"\nbeta = \"{BETA}\"\ngamma = \"{GAMMA}\"\n\n[[claims]]\nid = \"rigged-tender\""
        )),
        "{dossier}"
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 0, "{stderr}");

    // A dossier with no claims yet gets an empty table.
    project.write(
        "dossiers/new.toml",
        "title = \"New\"\ndate = 2025-03-01\nsummary = \"To do.\"\n",
    );
    let (status, _, stderr) = project.run(&["pin", "new"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        project.read("dossiers/new.toml"),
        "title = \"New\"\ndate = 2025-03-01\nsummary = \"To do.\"\n\n[sources]\n"
    );
}

#[test]
fn json_reports_every_pin_its_quotes_and_a_summary() {
    let project = Project::fixture("basic");
    project.write("sources/beta.txt", "Le contrat a été attribué.\n");
    let beta = format!(
        "sha256:{}",
        clerk::files::sha256_hex("Le contrat a été attribué.\n".as_bytes())
    );
    let (status, stdout, stderr) = project.run(&["pin", "harbour", "--format", "json"]);
    assert_eq!(status, 1, "a quote no longer matches");
    assert_eq!(stderr, "");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert_eq!(
        lines[0],
        serde_json::json!({
            "type": "pin", "dossier": "harbour", "source": "alpha",
            "old": ALPHA, "new": ALPHA, "changed": false,
            "quotes": [
                {"claim": "rigged-tender", "matches": true, "at": "sources/press/alpha.txt line 6, ¶3"},
                {"claim": "ceo-denial", "matches": true, "at": "sources/press/alpha.txt line 9, ¶4"},
                {"claim": "ministry-lawful", "matches": true, "at": "sources/press/alpha.txt line 3, ¶2"},
            ],
        })
    );
    assert_eq!(lines[1]["source"], "beta");
    assert_eq!(lines[1]["old"], BETA);
    assert_eq!(lines[1]["new"], beta.as_str());
    assert_eq!(lines[1]["changed"], true);
    assert_eq!(lines[1]["quotes"][0]["claim"], "ministry-lawful");
    assert_eq!(lines[1]["quotes"][0]["matches"], false);
    assert!(
        lines[1]["quotes"][0]["why"]
            .as_str()
            .unwrap()
            .starts_with("closest passage at sources/beta.txt line 1, ¶1 ("),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2]["source"], "gamma");
    assert_eq!(
        lines[3],
        serde_json::json!({
            "type": "summary", "dossier": "harbour", "file": "dossiers/harbour.toml",
            "pinned": 3, "changed": 1, "quotes": 5, "matching": 4, "not_matching": 1,
            "errors": 0, "written": true, "clean": false,
        })
    );
    assert!(project.read("dossiers/harbour.toml").contains(&beta));
}

#[test]
fn json_lists_a_source_that_cannot_be_pinned_as_a_diagnostic() {
    let project = Project::fixture("basic");
    std::fs::remove_file(project.path("sources/gamma.txt")).unwrap();
    let (status, stdout, _) = project.run(&["pin", "harbour", "--format", "json"]);
    assert_eq!(status, 1);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["rule"], "missing-file");
    assert_eq!(lines[0]["source"], "gamma");
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["pinned"], 2);
    assert_eq!(summary["errors"], 1);
    assert_eq!(summary["written"], false);
    assert_eq!(summary["clean"], false);
}
