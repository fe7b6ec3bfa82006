//! Batch builds: freshness, `--force`, `--jobs`, `--shard`, `--emit typ`.

mod common;

use common::Project;

/// The basic fixture with `n` more dossiers, copies of `harbour`.
fn many(n: usize) -> Project {
    let project = Project::fixture("basic");
    let harbour = project.read("dossiers/harbour.toml");
    for i in 0..n {
        project.write(
            &format!("dossiers/copy-{i}.toml"),
            harbour.replace("Harbour contract", &format!("Harbour contract, copy {i}")),
        );
    }
    project
}

fn build(project: &Project, args: &[&str]) -> String {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let (status, _, stderr) = project.run(&all);
    assert_eq!(status, 0, "{stderr}");
    stderr
}

fn closing(stderr: &str) -> &str {
    stderr.lines().last().unwrap_or_default()
}

#[test]
fn unchanged_briefs_are_fresh_until_an_input_or_the_pdf_changes() {
    let project = many(2);
    assert!(closing(&build(&project, &[])).starts_with("built 3, fresh 0, failed 0 in "));
    assert!(closing(&build(&project, &[])).starts_with("built 0, fresh 3, failed 0 in "));

    // An edited record makes every dossier citing its source stale.
    project.edit("sources/beta.toml", "Compte rendu", "Compte rendu intégral");
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 3, fresh 0"), "{stderr}");

    // An edited dossier, a deleted PDF and an edited PDF make just that one stale.
    project.edit(
        "dossiers/copy-0.toml",
        "Second paragraph.",
        "Second paragraph, revised.",
    );
    std::fs::remove_file(project.path("output/copy-1.pdf")).unwrap();
    let mut pdf = std::fs::read(project.path("output/harbour.pdf")).unwrap();
    pdf.push(b'\n');
    std::fs::write(project.path("output/harbour.pdf"), pdf).unwrap();
    let stderr = build(&project, &[]);
    assert!(closing(&stderr).starts_with("built 3, fresh 0"), "{stderr}");
    assert!(closing(&build(&project, &[])).starts_with("built 0, fresh 3"));

    // A template change makes everything stale; --force rebuilds anyway.
    project.write(
        "templates/brief.typ.hbs",
        project
            .run(&["template", "brief"])
            .1
            .replace("Summary", "Overview"),
    );
    assert!(closing(&build(&project, &[])).starts_with("built 3, fresh 0"));
    assert!(closing(&build(&project, &["--force"])).starts_with("built 3, fresh 0"));
}

#[test]
fn output_is_byte_identical_whatever_the_number_of_jobs() {
    let one = many(5);
    let two = many(5);
    build(&one, &["--jobs", "1"]);
    build(&two, &["--jobs", "2"]);
    for id in ["harbour", "copy-0", "copy-1", "copy-2", "copy-3", "copy-4"] {
        let a = std::fs::read(one.path(&format!("output/{id}.pdf"))).unwrap();
        let b = std::fs::read(two.path(&format!("output/{id}.pdf"))).unwrap();
        assert!(a == b, "{id}.pdf differs between --jobs 1 and --jobs 2");
    }
}

#[test]
fn shards_split_the_batch_without_overlap() {
    let project = many(9);
    build(&project, &["--shard", "1/3"]);
    let first: Vec<String> = pdfs(&project);
    build(&project, &["--shard", "2/3"]);
    build(&project, &["--shard", "3/3"]);
    let all = pdfs(&project);
    assert_eq!(all.len(), 10, "{all:?}");
    assert!(!first.is_empty() && first.len() < 10, "{first:?}");
    let (status, _, stderr) = project.run(&["build", "--shard", "4/3"]);
    assert_eq!(status, 2, "{stderr}");
}

/// Every file under `folder` but the machine-local digest cache, by path
/// relative to it, with its bytes.
fn files_under(folder: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(folder)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(folder).unwrap();
            (
                relative.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(name, _)| name != ".clerk/digests.json" && name != ".clerk-lock")
        .collect()
}

#[test]
fn three_shards_put_together_are_byte_identical_to_one_full_build() {
    let project = many(8);
    let out = |name: &str| project.path(name).to_string_lossy().into_owned();
    build(&project, &["--emit", "html,json", "--out", &out("full")]);
    // Three CI machines, three output folders, gathered into one.
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let folder = out(&format!("shard-{k}"));
        build(
            &project,
            &["--emit", "html,json", "--shard", &shard, "--out", &folder],
        );
    }
    let mut gathered = std::collections::BTreeMap::new();
    for k in 1..=3 {
        let part = files_under(&project.path(&format!("shard-{k}")));
        assert!(
            part.keys().any(|name| name.ends_with(".pdf")),
            "shard {k} built nothing"
        );
        for (name, bytes) in part {
            assert!(
                gathered.insert(name.clone(), bytes).is_none(),
                "{name} built by two shards"
            );
        }
    }
    let full = files_under(&project.path("full"));
    assert_eq!(
        gathered.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>()
    );
    assert_eq!(full.keys().filter(|n| n.ends_with(".pdf")).count(), 9);
    for (name, bytes) in &full {
        assert!(
            gathered[name] == *bytes,
            "{name} differs between the shards and the full build"
        );
    }
}

fn pdfs(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project.path("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    names.sort();
    names
}

#[test]
fn emit_typ_writes_the_markup() {
    let project = Project::fixture("basic");
    build(&project, &["--emit", "typ"]);
    let markup = project.read("output/harbour.typ");
    assert!(markup.contains("#set document("), "{markup}");
    assert!(markup.contains("Harbour contract"), "{markup}");
}

#[test]
fn emit_typ_rebuilds_a_fresh_brief_that_has_no_markup_yet() {
    let project = Project::fixture("basic");
    build(&project, &[]);
    let stderr = build(&project, &["--emit", "typ"]);
    assert!(closing(&stderr).starts_with("built 1, fresh 0"), "{stderr}");
    assert!(project.path("output/harbour.typ").is_file());
    let stderr = build(&project, &["--emit", "typ"]);
    assert!(closing(&stderr).starts_with("built 0, fresh 1"), "{stderr}");
}

#[test]
fn plain_output_names_each_brief_and_counts_unreadable_dossiers() {
    let project = many(1);
    project.write("dossiers/broken.toml", b"title = \"\xff\"\n");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("   built output/harbour.pdf"), "{stderr}");
    assert!(stderr.contains("   built output/copy-0.pdf"), "{stderr}");
    assert!(stderr.contains("  FAILED output/broken.pdf"), "{stderr}");
    assert!(
        closing(&stderr).starts_with("built 2, fresh 0, failed 1 in "),
        "{stderr}"
    );
}

#[test]
fn a_fresh_brief_replays_its_warnings() {
    let project = Project::fixture("basic");
    // Nobody answers the allegation any more: a `no-response` warning.
    for _ in 0..2 {
        project.edit(
            "dossiers/harbour.toml",
            "responds-to = [\"rigged-tender\"]\n",
            "",
        );
    }
    let first = build(&project, &[]);
    assert!(first.contains("warning[no-response]"), "{first}");
    assert!(
        closing(&first).ends_with("(0 errors, 1 warning)"),
        "{first}"
    );
    let again = build(&project, &[]);
    assert!(closing(&again).starts_with("built 0, fresh 1"), "{again}");
    assert!(again.contains("warning[no-response]"), "{again}");
    assert!(
        closing(&again).ends_with("(0 errors, 1 warning)"),
        "{again}"
    );
}

#[test]
fn a_shard_reads_only_the_sources_its_dossiers_cite() {
    let project = Project::fixture("basic");
    let harbour = project.read("dossiers/harbour.toml");
    project.write(
        "dossiers/second.toml",
        harbour.replace("[sources]\n", "[sources]\nbroken = \"sha256:0000000000000000000000000000000000000000000000000000000000000000\"\n"),
    );
    project.write("sources/broken.txt", b"caf\xe9\n");
    project.write(
        "sources/broken.toml",
        "file = \"broken.txt\"\ntitle = \"T\"\npublisher = \"P\"\nkind = \"other\"\n",
    );
    let shard_of = |id: &str| {
        (1..=2)
            .find(|&index| clerk::settings::Shard { index, count: 2 }.contains(id))
            .unwrap()
    };
    // The ids are chosen to fall in different shards.
    assert_ne!(shard_of("second"), shard_of("harbour"));
    let harbour_shard = format!("{}/2", shard_of("harbour"));
    let (status, _, stderr) = project.run(&["build", "--shard", &harbour_shard]);
    assert_eq!(status, 0, "{stderr}");
    assert!(!stderr.contains("bad-encoding"), "{stderr}");
    let second_shard = format!("{}/2", shard_of("second"));
    let (status, _, stderr) = project.run(&["build", "--shard", &second_shard]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[bad-encoding]"), "{stderr}");
}

/// Rewrites a file with `from` replaced by `to` (same length), then puts
/// its modification time back, the sneakiest edit there is.
fn edit_in_place(path: &std::path::Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let before = std::fs::metadata(path).unwrap().modified().unwrap();
    let text = std::fs::read(path).unwrap();
    let at = text
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap();
    let mut edited = text.clone();
    edited[at..at + to.len()].copy_from_slice(to.as_bytes());
    // A later clock tick than the one the digest was taken in.
    std::thread::sleep(std::time::Duration::from_millis(50));
    std::fs::write(path, edited).unwrap();
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(before).unwrap();
}

#[test]
fn remembered_digests_never_hide_an_edit() {
    let project = Project::fixture("basic");
    build(&project, &[]);
    assert!(!project.path("output/.clerk/digests.json").exists());
    // Digests are remembered only for files untouched for a while
    // (clerk::fresh::SETTLE).
    std::thread::sleep(clerk::fresh::SETTLE + std::time::Duration::from_millis(500));
    // This build hashes the settled files and remembers their digests; the
    // next one trusts them.
    assert!(closing(&build(&project, &[])).starts_with("built 0, fresh 1"));
    assert!(project.path("output/.clerk/digests.json").is_file());
    assert!(closing(&build(&project, &[])).starts_with("built 0, fresh 1"));

    // A brief edited in place is rebuilt.
    edit_in_place(&project.path("output/harbour.pdf"), "/Type", "/Typf");
    assert!(closing(&build(&project, &[])).starts_with("built 1, fresh 0"));

    // A source edited in place no longer matches its pin.
    edit_in_place(&project.path("sources/gamma.txt"), "rigged", "rigger");
    let (status, _, stderr) = project.run(&["build"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[hash-mismatch]: source `gamma` has changed since it was pinned"),
        "{stderr}"
    );
}

#[test]
fn a_build_reports_an_uncited_source_whether_or_not_its_briefs_are_fresh() {
    let project = Project::fixture("basic");
    project.write(
        "sources/delta.toml",
        "file = \"delta.txt\"\ntitle = \"Notes\"\npublisher = \"Nobody\"\nkind = \"other\"\n",
    );
    // Latin-1, not UTF-8: a `bad-encoding` error, though no dossier cites it.
    project.write("sources/delta.txt", b"caf\xe9\n".as_slice());
    for expected in ["built 1, fresh 0", "built 0, fresh 1"] {
        let (status, _, stderr) = project.run(&["build"]);
        assert_eq!(status, 1, "{stderr}");
        assert!(stderr.contains("bad-encoding"), "{stderr}");
        assert!(closing(&stderr).starts_with(expected), "{stderr}");
    }
}

/// A template that takes minutes to typeset (typst stops a `while` loop
/// that seems endless, not a long `for`).
const SLOW_TEMPLATE: &str = "#set document(title: {{str title}})\n#set text(lang: \"en\")\n#let n = 0\n#for i in range(100000) { for j in range(100000) { n += 1 } }\n#n\n";

/// The ids of the processes whose command line mentions `needle`.
fn processes_mentioning(needle: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            String::from_utf8_lossy(&cmdline)
                .contains(needle)
                .then_some(pid)
        })
        .collect()
}

#[test]
fn a_runaway_brief_fails_alone_and_leaves_no_worker() {
    let project = many(3);
    project.write("templates/forever.typ.hbs", SLOW_TEMPLATE);
    project.edit(
        "dossiers/copy-1.toml",
        "summary = ",
        "template = \"forever\"\nsummary = ",
    );
    let (status, _, stderr) = project.run(&["build", "--jobs", "2", "--typeset-timeout", "2"]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        closing(&stderr).starts_with("built 3, fresh 0, failed 1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("typesetting did not finish within 2 s"),
        "{stderr}"
    );
    // The others are the bytes a build on one thread makes.
    let alone = many(3);
    build(&alone, &["--jobs", "1"]);
    for id in ["harbour", "copy-0", "copy-2"] {
        let a = std::fs::read(project.path(&format!("output/{id}.pdf"))).unwrap();
        let b = std::fs::read(alone.path(&format!("output/{id}.pdf"))).unwrap();
        assert!(a == b, "{id}.pdf differs between --jobs 2 and --jobs 1");
    }
    // The worker left computing was stopped with the build.
    let templates = project.path("templates").display().to_string();
    assert_eq!(processes_mentioning(&templates), Vec::<u32>::new());
}

#[test]
fn interrupting_a_build_leaves_no_worker_behind() {
    let project = many(3);
    project.write("templates/brief.typ.hbs", SLOW_TEMPLATE);
    let templates = project.path("templates").display().to_string();
    let mut parent = std::process::Command::new(env!("CARGO_BIN_EXE_clerk"))
        .arg("--root")
        .arg(project.root())
        .args(["build", "--jobs", "2", "--typeset-timeout", "600"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while processes_mentioning(&templates).len() < 2 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "no two workers started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Ctrl-C sent to the parent alone (a terminal would signal the
    // workers too), which stops without any clean-up of its own.
    let killed = std::process::Command::new("kill")
        .args(["-INT", &parent.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    parent.wait().unwrap();
    let stopped = std::time::Instant::now();
    while !processes_mentioning(&templates).is_empty() {
        assert!(
            stopped.elapsed() < std::time::Duration::from_secs(5),
            "workers outlived their parent: {:?}",
            processes_mentioning(&templates)
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn a_worker_killed_mid_brief_fails_only_that_brief() {
    let project = many(3);
    project.write("templates/forever.typ.hbs", SLOW_TEMPLATE);
    project.edit(
        "dossiers/copy-1.toml",
        "summary = ",
        "template = \"forever\"\nsummary = ",
    );
    let templates = project.path("templates").display().to_string();
    let parent = std::process::Command::new(env!("CARGO_BIN_EXE_clerk"))
        .arg("--root")
        .arg(project.root())
        .args(["--color", "never", "build", "--jobs", "2"])
        .args(["--typeset-timeout", "600"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the three other briefs are written, the worker still busy is
    // the one typesetting copy-1.
    let started = std::time::Instant::now();
    while !["harbour", "copy-0", "copy-2"]
        .iter()
        .all(|id| project.path(&format!("output/{id}.pdf")).exists())
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "the other briefs were not built"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    for pid in processes_mentioning(&templates) {
        std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
    }
    let output = parent.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        closing(&stderr).starts_with("built 3, fresh 0, failed 1"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("the typesetting process stopped while typesetting (was killed by signal 9)"),
        "{stderr}"
    );
    assert!(stderr.contains("copy-1"), "{stderr}");
}

/// Runs clerk with `CLERK_STREAM` set (chunk and window sizes); returns
/// (exit code, stdout, stderr with the closing line's time taken out).
fn streamed(project: &Project, sizes: &str, args: &[&str]) -> (i32, String, String) {
    let output = project
        .clerk(args)
        .env("CLERK_STREAM", sizes)
        .output()
        .unwrap();
    let timeless = |text: &[u8]| {
        String::from_utf8_lossy(text)
            .lines()
            .map(|line| match line.find(" in ") {
                Some(at) if line.starts_with("built ") => line[..at].to_string(),
                _ => line.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    (
        output.status.code().unwrap_or(-1),
        timeless(&output.stdout),
        timeless(&output.stderr),
    )
}

#[test]
fn a_batch_streamed_in_small_chunks_checks_and_builds_as_one() {
    // Seven dossiers in chunks of 2 and windows of 3: every boundary is
    // crossed, a failing dossier sits in the second window, and each
    // source is read once per window.
    let project = many(6);
    project.edit(
        "dossiers/copy-3.toml",
        "source = \"gamma\"",
        "source = \"nowhere\"",
    );
    let whole = streamed(&project, "128,1024", &["check"]);
    assert_eq!(whole.0, 1, "{}", whole.2);
    assert!(whole.2.contains("error[unknown-source]"), "{}", whole.2);
    assert!(whole.2.contains("checked 7 dossiers"), "{}", whole.2);
    assert_eq!(streamed(&project, "2,3", &["check"]), whole);
    let json = streamed(&project, "2,3", &["check", "--format", "json"]);
    assert_eq!(
        json,
        streamed(&project, "128,1024", &["check", "--format", "json"])
    );

    let one = streamed(&project, "128,1024", &["build", "--force", "--jobs", "1"]);
    assert_eq!(one.0, 1, "{}", one.2);
    assert!(one.2.contains("built 6, fresh 0, failed 1"), "{}", one.2);
    let pdfs = |project: &Project| -> Vec<Vec<u8>> {
        (0..6)
            .filter(|i| *i != 3)
            .map(|i| std::fs::read(project.path(&format!("output/copy-{i}.pdf"))).unwrap())
            .chain([std::fs::read(project.path("output/harbour.pdf")).unwrap()])
            .collect()
    };
    let before = pdfs(&project);
    let chunked = streamed(&project, "2,3", &["build", "--force", "--jobs", "2"]);
    // One line per brief as it finishes, in whatever order they finish.
    let sorted = |stderr: &str| {
        let mut lines: Vec<&str> = stderr.lines().collect();
        lines.sort();
        lines.join("\n")
    };
    assert_eq!(chunked.0, one.0);
    assert_eq!(sorted(&chunked.2), sorted(&one.2));
    assert_eq!(pdfs(&project), before, "the same bytes whatever the chunks");
}
