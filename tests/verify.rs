//! `clerk verify`: a built PDF passes; every kind of change is caught and
//! named.

mod common;

use common::Project;

fn built() -> Project {
    let project = Project::fixture("basic");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    project
}

fn verify(project: &Project, pdf: &std::path::Path) -> (i32, String) {
    let (status, stdout, stderr) = project.run(&["verify", pdf.to_str().unwrap()]);
    (status, format!("{stdout}{stderr}"))
}

#[test]
fn a_fresh_pdf_verifies() {
    let project = built();
    let (status, out) = verify(&project, &project.path("output/harbour.pdf"));
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("verified:"), "{out}");
    let size = std::fs::metadata(project.path("output/harbour.pdf"))
        .unwrap()
        .len();
    assert!(
        out.contains(&format!(
            "ok  pdf           rebuilt in memory: byte-identical ({size} bytes)"
        )),
        "{out}"
    );
}

#[test]
fn a_moved_and_renamed_pdf_still_verifies() {
    let project = built();
    let mailbox = tempfile::tempdir().unwrap();
    let moved = mailbox.path().join("Brief from the policy unit.pdf");
    std::fs::copy(project.path("output/harbour.pdf"), &moved).unwrap();
    std::fs::remove_file(project.path("output/harbour.pdf")).unwrap();
    let (status, out) = verify(&project, &moved);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("(dossier `harbour`)"), "{out}");
}

#[test]
fn provenance_statement_names_the_pdf_and_every_input() {
    let project = built();
    let statement: serde_json::Value =
        serde_json::from_str(&project.read("output/harbour.provenance.json")).unwrap();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(statement["predicateType"], "https://slsa.dev/provenance/v1");
    let pdf = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    assert_eq!(statement["subject"][0]["name"], "harbour.pdf");
    assert_eq!(
        statement["subject"][0]["digest"]["sha256"],
        clerk::files::sha256_hex(&pdf)
    );
    let deps = statement["predicate"]["buildDefinition"]["resolvedDependencies"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = deps.iter().map(|d| d["name"].as_str().unwrap()).collect();
    for name in [
        "dossiers/harbour.toml",
        "builtin:brief",
        "sources/press/alpha.txt",
        "sources/press/alpha.toml",
        "sources/beta.txt",
        "sources/gamma.txt",
    ] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    assert_eq!(
        statement["predicate"]["buildDefinition"]["externalParameters"]["dossier"],
        "dossiers/harbour.toml"
    );
    assert_eq!(
        statement["predicate"]["runDetails"]["builder"]["version"]["clerk"],
        env!("CARGO_PKG_VERSION")
    );
}

/// A named change to a built project, and what verify must then print.
type Case = (&'static str, fn(&Project), &'static str);

#[test]
fn edited_inputs_are_named() {
    let cases: [Case; 3] = [
        (
            "source",
            |p| {
                let mut bytes = std::fs::read(p.path("sources/gamma.txt")).unwrap();
                bytes[0] ^= 0x20;
                p.write("sources/gamma.txt", bytes);
            },
            "CHANGED  source        sources/gamma.txt",
        ),
        (
            "dossier",
            |p| {
                p.edit(
                    "dossiers/harbour.toml",
                    "First paragraph",
                    "Frist paragraph",
                )
            },
            "CHANGED  dossier       dossiers/harbour.toml",
        ),
        (
            "record",
            |p| p.edit("sources/beta.toml", "Compte rendu", "Compte-rendu"),
            "CHANGED  record        sources/beta.toml",
        ),
    ];
    for (what, change, expected) in cases {
        let project = built();
        change(&project);
        let (status, out) = verify(&project, &project.path("output/harbour.pdf"));
        assert_eq!(status, 1, "{what}: {out}");
        assert!(out.contains(expected), "{what}: {out}");
        assert!(
            out.contains("recorded sha256:") || out.contains("added"),
            "{what}: {out}"
        );
        assert!(out.contains("NOT VERIFIED"), "{what}: {out}");
    }
}

#[test]
fn an_edited_project_template_is_named() {
    let project = Project::fixture("basic");
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: {{str title}})\n#set text(lang: \"en\")\n= {{title}}\n",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    project.edit("templates/brief.typ.hbs", "= {{title}}", "== {{title}}");
    let (status, out) = verify(&project, &project.path("output/harbour.pdf"));
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("CHANGED  template      templates/brief.typ.hbs"),
        "{out}"
    );
}

#[test]
fn a_tampered_or_truncated_pdf_fails() {
    let project = built();
    let original = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    let len = original.len();
    for offset in [0, 9, len / 3, len / 2, len - 40, len - 2] {
        let mut bytes = original.clone();
        bytes[offset] = bytes[offset].wrapping_add(1);
        let tampered = project.path("output/tampered.pdf");
        std::fs::write(&tampered, &bytes).unwrap();
        let (status, out) = verify(&project, &tampered);
        assert_eq!(status, 1, "byte {offset}: {out}");
        assert!(out.contains("NOT VERIFIED"), "byte {offset}: {out}");
        // Either the PDF no longer parses, or the manifest inside it no
        // longer reads, or it parses and its bytes differ from the rebuild
        // of unchanged inputs: each says so.
        assert!(
            out.contains("the PDF is damaged or truncated")
                || out.contains("the PDF carries no clerk manifest")
                || out.contains(&format!(
                    "differs from the rebuild at byte {offset} ({len} bytes, rebuild {len} bytes): the inputs match, so the PDF itself was altered after it was built"
                )),
            "byte {offset}: {out}"
        );
    }
    let truncated = project.path("output/truncated.pdf");
    std::fs::write(&truncated, &original[..len / 2]).unwrap();
    let (status, out) = verify(&project, &truncated);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("NOT VERIFIED"), "{out}");
    assert!(out.contains("the PDF is damaged or truncated"), "{out}");
}

#[test]
fn a_pdf_of_another_dossier_fails() {
    let elsewhere = Project::fixture("basic");
    elsewhere.write(
        "dossiers/other.toml",
        elsewhere
            .read("dossiers/harbour.toml")
            .replace("Harbour contract", "Another brief"),
    );
    let (status, _, stderr) = elsewhere.run(&["build", "other"]);
    assert_eq!(status, 0, "{stderr}");
    let project = Project::fixture("basic");
    let (status, out) = verify(&project, &elsewhere.path("output/other.pdf"));
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("(dossier `other`)"), "{out}");
    assert!(
        out.contains("MISSING  dossier       dossiers/other.toml"),
        "{out}"
    );
}

fn typeset_with_manifest(manifest: Option<&[u8]>) -> Vec<u8> {
    let template = clerk::render::Template::inline("t");
    clerk::typeset::Typesetter::new(
        std::path::Path::new("/nonexistent"),
        clerk::settings::DEFAULT_TYPESET_TIMEOUT,
    )
    .pdf(&clerk::typeset::Job {
        markup: "#set document(title: \"x\")\n#set text(lang: \"en\")\nHello",
        date: clerk::typeset::datetime(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
            .unwrap(),
        ident: "x",
        template: &template,
        attachments: manifest
            .map(clerk::manifest::Manifest::attachment)
            .into_iter()
            .collect(),
        readable: &[],
    })
    .unwrap()
}

#[test]
fn a_pdf_without_manifest_fails() {
    let project = Project::fixture("basic");
    let foreign = project.path("foreign.pdf");
    std::fs::write(&foreign, typeset_with_manifest(None)).unwrap();
    let (status, out) = verify(&project, &foreign);
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains(
            "  MISSING  manifest      clerk-manifest.json: the PDF carries no clerk manifest: it was not built by clerk, or the attachment was removed"
        ),
        "{out}"
    );
}

/// A file that opens but is not a brief clerk can judge fails (exit 1);
/// one that cannot be opened is an error (exit 2). README, docs/audit.md
/// and `--help` say the same.
#[test]
fn a_file_that_is_no_brief_fails_and_one_that_cannot_be_opened_is_an_error() {
    let project = Project::fixture("basic");
    project.write("notes.txt", "Minutes of the meeting.\n");
    let (status, out) = verify(&project, &project.path("notes.txt"));
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("  FAILED  pdf"), "{out}");
    assert!(out.contains("NOT VERIFIED"), "{out}");

    std::fs::create_dir_all(project.path("folder.pdf")).unwrap();
    let (status, stdout, stderr) =
        project.run(&["verify", project.path("folder.pdf").to_str().unwrap()]);
    assert_eq!(status, 2, "{stdout}{stderr}");
    assert!(stderr.contains("error: cannot read `"), "{stderr}");

    let (_, help, _) = project.run(&["verify", "--help"]);
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("1 when a file differs or is no brief clerk can judge (not a PDF, damaged, no manifest), 2 when a file cannot be opened"),
        "{help}"
    );
}

/// A manifest of a newer format cannot be judged: exit 2 (the command
/// could not run to a verdict), not 1 (a difference).
#[test]
fn a_newer_manifest_cannot_be_judged() {
    let project = Project::fixture("basic");
    let newer = project.path("newer.pdf");
    std::fs::write(
        &newer,
        typeset_with_manifest(Some(
            br#"{"manifest_version": 2, "clerk_version": "9.1.0"}"#,
        )),
    )
    .unwrap();
    let (status, stdout, stderr) = project.run(&["verify", newer.to_str().unwrap()]);
    assert_eq!(status, 2, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        format!(
            "verify {0}\n  UNKNOWN  manifest      clerk-manifest.json: manifest format version 2 is newer than this clerk reads (version 1); verify it with clerk 9.1.0, which built it, or a later one\nCANNOT VERIFY: {0} (this clerk cannot read its manifest)\n",
            newer.display()
        )
    );
    assert_eq!(
        stderr,
        "error: cannot judge 1 of the 1 PDFs: their manifests are of a newer format than this clerk reads\nhelp: verify them with the clerk version each report names (the `clerk_version` of the manifest) or a later one\n"
    );

    // Without a clerk version, and in JSON: status `unknown`, still exit 2.
    std::fs::write(
        &newer,
        typeset_with_manifest(Some(br#"{"manifest_version": 3}"#)),
    )
    .unwrap();
    let (status, stdout, _) = project.run(&["verify", "--format", "json", newer.to_str().unwrap()]);
    assert_eq!(status, 2, "{stdout}");
    let report: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(report["type"], "verification");
    assert_eq!(report["verified"], false);
    assert_eq!(report["items"][0]["status"], "unknown");
    assert_eq!(
        report["items"][0]["detail"],
        "manifest format version 3 is newer than this clerk reads (version 1); verify it with a newer clerk"
    );
}

#[test]
fn json_report_and_exit_2_when_it_cannot_run() {
    let project = built();
    let (status, stdout, _) = project.run(&[
        "verify",
        "--format",
        "json",
        project.path("output/harbour.pdf").to_str().unwrap(),
    ]);
    assert_eq!(status, 0);
    let mut records = stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap());
    let report = records.next().unwrap();
    assert_eq!(report["type"], "verification");
    assert_eq!(report["verified"], true);
    assert_eq!(report["dossier"], "harbour");
    assert!(
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "ok")
    );
    assert_eq!(records.next().unwrap()["type"], "summary");
    assert!(records.next().is_none());
    let (status, _, stderr) = project.run(&["verify", "/nonexistent/brief.pdf"]);
    assert_eq!(status, 2, "{stderr}");
}

#[test]
fn pdf_structure_and_attachment_are_sound() {
    let project = built();
    let pdf = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    let document = lopdf::Document::load_mem(&pdf).expect("lopdf parses the PDF");
    for (id, _) in document.objects.iter() {
        document.get_object(*id).expect("every object resolves");
    }
    let manifest = clerk::manifest::attachment(&pdf, "clerk-manifest.json")
        .unwrap()
        .expect("manifest attached");
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(manifest["dossier"]["id"], "harbour");
    assert_eq!(manifest["quote_normalisation"], "clerk-quote-v1");
    assert_eq!(
        manifest["options"]["pdf_standards"],
        serde_json::json!(["a-3b", "ua-1"])
    );
    // The attachment is described, with its relationship.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/AFRelationship/Source"), "relationship");
    assert!(raw.contains("clerk manifest"), "description");
    assert!(manifest["sources"].as_array().is_some_and(|s| s.len() == 3));
    assert!(
        manifest["claims"][0]["quotes"][0]["normalised_end"]
            .as_u64()
            .is_some()
    );
    // qpdf checks the structure independently where installed; CI installs
    // it (.ci/run), so there its absence is a failure.
    let qpdf = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(project.path("output/harbour.pdf"))
        .output();
    if std::env::var_os("CI").is_some() {
        assert!(qpdf.is_ok(), "qpdf is not installed (.ci/run installs it)");
    }
    if let Ok(output) = qpdf {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        let shown = std::process::Command::new("qpdf")
            .arg("--show-attachment=clerk-manifest.json")
            .arg(project.path("output/harbour.pdf"))
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&shown.stdout).contains("\"manifest_version\": 1"));
    }
}

#[test]
fn a_brief_named_after_another_dossier_fails() {
    let project = built();
    project.write(
        "dossiers/other.toml",
        project
            .read("dossiers/harbour.toml")
            .replace("Harbour contract", "Another brief"),
    );
    let (status, _, stderr) = project.run(&["build", "other"]);
    assert_eq!(status, 0, "{stderr}");
    std::fs::copy(
        project.path("output/other.pdf"),
        project.path("output/harbour.pdf"),
    )
    .unwrap();
    let (status, out) = verify(&project, &project.path("output/harbour.pdf"));
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("named after dossier `harbour`, but it is the brief of dossier `other`"),
        "{out}"
    );
}

#[test]
fn a_manifest_cannot_send_verify_outside_the_project() {
    let project = built();
    let pdf = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    let manifest = clerk::manifest::attachment(&pdf, "clerk-manifest.json")
        .unwrap()
        .unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let outside = tempfile::NamedTempFile::new().unwrap();
    manifest["sources"][0]["path"] = outside.path().display().to_string().into();
    manifest["sources"][1]["path"] = "../../../etc/hostname".into();
    let crafted = project.path("crafted.pdf");
    std::fs::write(
        &crafted,
        typeset_with_manifest(Some(&serde_json::to_vec(&manifest).unwrap())),
    )
    .unwrap();
    let (status, out) = verify(&project, &crafted);
    assert_eq!(status, 1, "{out}");
    assert_eq!(
        out.matches("the manifest names a path outside the project")
            .count(),
        2,
        "{out}"
    );
}

#[test]
fn an_unreadable_pdf_does_not_stop_the_others() {
    let project = built();
    let (status, stdout, stderr) = project.run(&[
        "verify",
        project.path("output/missing.pdf").to_str().unwrap(),
        project.path("output/harbour.pdf").to_str().unwrap(),
    ]);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("error: cannot read `") && stderr.contains("missing.pdf` ("),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: could not read 1 of the 2 PDFs"),
        "{stderr}"
    );
    assert!(
        stdout.contains("verified: ") && stdout.contains("harbour.pdf matches its project exactly"),
        "{stdout}"
    );
}

#[test]
fn a_linked_template_file_is_an_input() {
    let project = Project::fixture("basic");
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: \"t\")\n#set text(lang: \"en\")\n#read(\"motto.txt\")\n",
    );
    project.write("templates/mottos/a.txt", "First motto");
    project.write("templates/mottos/b.txt", "Second motto");
    std::os::unix::fs::symlink("mottos/a.txt", project.path("templates/motto.txt")).unwrap();
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    std::fs::remove_file(project.path("templates/motto.txt")).unwrap();
    std::os::unix::fs::symlink("mottos/b.txt", project.path("templates/motto.txt")).unwrap();
    let (status, out) = verify(&project, &project.path("output/harbour.pdf"));
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("templates/motto.txt"), "{out}");
    let (_, _, stderr) = project.run(&["build"]);
    assert!(stderr.contains("built 1, fresh 0"), "{stderr}");
    let text = common::pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    assert!(text.contains("Second motto"), "{text}");
}

#[test]
fn only_the_files_a_brief_uses_are_its_inputs() {
    // Notes and files the template never names change no brief: it still
    // verifies, and it is not rebuilt.
    let project = built();
    project.write("templates/README.md", "Our house style, in words.\n");
    project.write("templates/logo.svg", "<svg/>");
    let (status, out) = verify(&project, &project.path("output/harbour.pdf"));
    assert_eq!(status, 0, "{out}");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("built 0, fresh 1"), "{stderr}");

    // A file the template names is an input, recorded and checked.
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: {{str title}})\n#set text(lang: \"en\")\n#image(\"logo.svg\", width: 1cm, alt: \"Logo\")\n",
    );
    project.write(
        "templates/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let pdf = project.path("output/harbour.pdf");
    let attached = project
        .run(&["verify", pdf.to_str().unwrap(), "--format", "json"])
        .1;
    assert!(attached.contains("templates/logo.svg"), "{attached}");
    assert!(!attached.contains("templates/README.md"), "{attached}");
    project.write(
        "templates/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><circle r=\"5\"/></svg>",
    );
    let (status, out) = verify(&project, &project.path("output/harbour.pdf"));
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("CHANGED  template file templates/logo.svg"),
        "{out}"
    );
}

#[test]
fn a_template_cannot_read_a_file_it_does_not_name() {
    let project = Project::fixture("basic");
    project.write(
        "templates/brief.typ.hbs",
        "#set document(title: \"t\")\n#set text(lang: \"en\")\n#read(\"mot\" + \"to.txt\")\n",
    );
    project.write("templates/motto.txt", "A motto");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("`templates/motto.txt` is not an input of this brief"),
        "{stderr}"
    );
    assert!(stderr.contains("a comment will do"), "{stderr}");
    // Naming it, even in a comment, makes it one.
    project.edit(
        "templates/brief.typ.hbs",
        "#read(",
        "// reads motto.txt\n#read(",
    );
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
}
