//! Hostile inputs and hostile moments: the template sandbox, runaway
//! templates, limits, output safety, builds killed mid-way and builds racing
//! each other. See SECURITY.md for the guarantees these tests hold clerk to.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Project;

fn basic() -> Project {
    Project::fixture("basic")
}

/// A template made of `markup` alone.
fn with_template(markup: &str) -> Project {
    let project = basic();
    project.write("templates/brief.typ.hbs", format!("{markup}\n"));
    project
}

#[test]
fn templates_read_only_under_templates() {
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "secret").unwrap();
    for markup in [
        "#read(\"../sources/beta.txt\")",
        "#read(\"../dossiers/harbour.toml\")",
        "#include \"../dossiers/harbour.toml\"",
        "#json(\"../../etc/passwd\")",
        "#image(\"../sources/beta.txt\")",
        "#read(\"/etc/passwd\")",
        "#read(\"link.txt\")",
    ] {
        let project = with_template(markup);
        std::os::unix::fs::symlink(outside.path(), project.path("templates/link.txt")).unwrap();
        let (status, _, stderr) = project.run(&["build"]);
        assert_eq!(status, 1, "{markup} was allowed: {stderr}");
        assert!(
            stderr.contains("error[template]: typst error"),
            "{markup}: {stderr}"
        );
        assert!(
            stderr.contains("templates/brief.typ.hbs"),
            "{markup}: {stderr}"
        );
        assert!(!stderr.contains("secret"), "{markup}: {stderr}");
        assert!(!project.path("output/harbour.pdf").exists(), "{markup}");
    }
}

#[test]
fn templates_may_read_their_own_files() {
    let project = with_template(
        "#set document(title: \"Motto\")\n#set text(lang: \"en\")\n#read(\"data/motto.txt\")",
    );
    project.write("templates/data/motto.txt", "Sourced and pinned");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let text = common::pdf_text(&std::fs::read(project.path("output/harbour.pdf")).unwrap());
    assert!(text.contains("Sourced and pinned"), "{text}");
}

#[test]
fn package_imports_are_refused_without_network() {
    let project = with_template("#import \"@preview/cetz:0.3.4\": canvas");
    let started = Instant::now();
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("package imports are not available"),
        "{stderr}"
    );
    // Refused at once, not after a network timeout.
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn runaway_templates_end_with_an_error() {
    // Endless recursion: typst's own call-depth limit.
    let project = with_template("#let f(x) = f(x)\n#f(1)");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[template]"), "{stderr}");

    // 100,000 pages: stopped by the time limit. The limit is what ends it;
    // the bound below only catches a hang.
    let project = with_template("#for i in range(100000) [x #pagebreak()]");
    let started = Instant::now();
    let (status, _, stderr) = project.run(&["build", "--typeset-timeout", "2"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("did not finish within 2 s"), "{stderr}");
    assert!(
        stderr.contains("raise the limit with `--typeset-timeout`"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(!project.path("output/harbour.pdf").exists());
}

#[test]
fn a_runaway_brief_does_not_stop_the_others() {
    let project = basic();
    let dossier = project.read("dossiers/harbour.toml");
    project.write(
        "dossiers/loop.toml",
        dossier.replace(
            "title = \"Harbour contract\"",
            "title = \"Loop\"\ntemplate = \"pages\"",
        ),
    );
    project.write(
        "templates/pages.typ.hbs",
        "#for i in range(100000) [x #pagebreak()]\n",
    );
    let (status, _, stderr) = project.run(&["build", "--typeset-timeout", "2"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(project.path("output/harbour.pdf").is_file(), "{stderr}");
    assert!(!project.path("output/loop.pdf").exists());
}

#[test]
fn quote_and_claim_limits() {
    let project = basic();
    let long = "x".repeat(10_001);
    project.edit(
        "dossiers/harbour.toml",
        "quote = \"was awarded lawfully and in full transparency\"",
        &format!("quote = \"{long}\""),
    );
    let (status, _, stderr) = project.run(&["check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("quote of 10001 characters is longer than the limit of 10000"),
        "{stderr}"
    );
    assert!(stderr.contains("claim `ministry-lawful`"), "{stderr}");
    // `pin` reports the over-long quote instead of passing over it.
    let (status, _, stderr) = project.run(&["pin", "harbour"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("the quote is 10001 characters long, over the limit of 10000"),
        "{stderr}"
    );

    let project = basic();
    let mut dossier = project.read("dossiers/harbour.toml");
    for n in 0..10_000 {
        dossier.push_str(&format!(
            "\n[[claims]]\nid = \"c{n}\"\nkind = \"allegation\"\nby = \"X\"\nstatement = \"S\"\n[[claims.evidence]]\nsource = \"beta\"\nquote = \"Le contrat\"\n"
        ));
    }
    project.write("dossiers/harbour.toml", dossier);
    let (status, _, stderr) = project.run(&["check", "--format", "json"]);
    assert_eq!(status, 1);
    assert!(
        stderr.is_empty() || !stderr.contains("panicked"),
        "{stderr}"
    );
    let (_, stdout, _) = project.run(&["check", "--format", "json"]);
    assert!(
        stdout.contains("10003 claims in one dossier, above the limit of 10000"),
        "{}",
        &stdout[..stdout.len().min(2000)]
    );
}

#[test]
fn source_size_limit_is_adjustable() {
    let project = basic();
    let (status, _, stderr) = project.run(&["--max-source-size", "100", "check"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[missing-file]"), "{stderr}");
    assert!(stderr.contains("above the limit of 100 bytes"), "{stderr}");
    assert!(
        stderr.contains(
            "help: raise the limit with `--max-source-size`, for example `--max-source-size 1GiB`"
        ),
        "{stderr}"
    );
    let (status, _, stderr) = project.run(&["--max-source-size", "1MiB", "check"]);
    assert_eq!(status, 0, "{stderr}");
    let (status, _, stderr) = project.run(&["--max-source-size", "lots", "check"]);
    assert_eq!(status, 2, "{stderr}");
}

#[test]
fn a_source_that_changes_while_read_is_caught() {
    use std::io::Write;
    let project = basic();
    // A large source still being written, as a download in progress.
    let path = project.path("sources/beta.txt");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(&vec![b'a'; 96 << 20]).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                file.write_all(b"more text ").unwrap();
            }
        })
    };
    let mut caught = false;
    for _ in 0..5 {
        let (status, _, stderr) = project.run(&["check", "harbour"]);
        assert_eq!(status, 1, "{stderr}");
        if stderr.contains("it changed while clerk was reading it") {
            caught = true;
            break;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert!(caught, "a file written during the read was not reported");
}

#[test]
fn links_in_the_output_folder_are_replaced_not_followed() {
    let project = basic();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.pdf");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::create_dir_all(project.path("output/.clerk")).unwrap();
    for name in [
        "output/harbour.pdf",
        "output/harbour.provenance.json",
        "output/.clerk/harbour.json",
    ] {
        std::os::unix::fs::symlink(&victim, project.path(name)).unwrap();
    }
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let metadata = std::fs::symlink_metadata(project.path("output/harbour.pdf")).unwrap();
    assert!(metadata.file_type().is_file());
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
}

#[test]
fn out_folder_holds_everything_written() {
    let project = basic();
    let out = project.path("briefs/nested/deep");
    let (status, _, stderr) = project.run(&["build", "--out", out.to_str().unwrap()]);
    assert_eq!(status, 0, "{stderr}");
    let mut written: Vec<String> = walkdir::WalkDir::new(project.root())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(project.root())
                .unwrap()
                .display()
                .to_string()
        })
        .filter(|p| !p.starts_with("dossiers/") && !p.starts_with("sources/"))
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "briefs/nested/deep/.clerk-lock",
            "briefs/nested/deep/.clerk/harbour.json",
            "briefs/nested/deep/harbour.pdf",
            "briefs/nested/deep/harbour.provenance.json",
        ]
    );
}

/// A project of `count` dossiers, copies of the fixture's one.
fn many(count: usize) -> Project {
    let project = basic();
    let dossier = project.read("dossiers/harbour.toml");
    for n in 0..count {
        project.write(&format!("dossiers/brief-{n:02}.toml"), &dossier);
    }
    project
}

fn outputs(project: &Project) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(project.path("output"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".pdf"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn temporaries(project: &Project) -> Vec<String> {
    walkdir::WalkDir::new(project.path("output"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(clerk::output::TEMP_PREFIX))
        .collect()
}

fn clerk_process(project: &Project, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clerk"));
    command
        .arg("--root")
        .arg(project.root())
        .args(["--color", "never"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn a_build_killed_at_any_moment_loses_no_pdf() {
    let project = many(12);
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    let old = outputs(&project);
    assert_eq!(old.len(), 13);
    // What a complete build of the edited dossiers gives.
    let edited = many(12);
    for name in old.keys() {
        let dossier = format!("dossiers/{}", name.replace(".pdf", ".toml"));
        for p in [&project, &edited] {
            p.edit(&dossier, "Second paragraph.", "Second paragraph, revised.");
        }
    }
    let (status, _, _) = edited.run(&["build"]);
    assert_eq!(status, 0);
    let new = outputs(&edited);

    for delay_ms in [5, 20, 40, 70, 100, 150, 250] {
        let mut child = clerk_process(&project, &["build", "--force"])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for (name, bytes) in outputs(&project) {
            assert!(
                bytes == old[&name] || bytes == new[&name],
                "{name} is neither the old nor the new brief after a kill at {delay_ms} ms"
            );
        }
    }
    // The next run finishes the job and sweeps what the killed ones left.
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(outputs(&project), new);
    assert!(
        temporaries(&project).is_empty(),
        "{:?}",
        temporaries(&project)
    );
}

#[test]
fn two_builds_at_once_never_mix_or_corrupt() {
    let project = many(8);
    let reference = many(8);
    let (status, _, _) = reference.run(&["build"]);
    assert_eq!(status, 0);
    let expected = outputs(&reference);
    for _ in 0..3 {
        let first = clerk_process(&project, &["build", "--force"])
            .spawn()
            .unwrap();
        let second = clerk_process(&project, &["build", "--force"])
            .spawn()
            .unwrap();
        for mut child in [first, second] {
            assert!(child.wait().unwrap().success());
        }
        assert_eq!(outputs(&project), expected);
        assert!(temporaries(&project).is_empty());
    }
}
