//! Starting from nothing: `clerk init` (a project with a worked example),
//! `clerk new` (a dossier to fill in) and `clerk completions`, driven through
//! the real binary, with the cases they must refuse.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::Project;

/// `clerk --color never <args>` run in `dir`: (exit code, stdout, stderr).
fn clerk_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("clerk")
        .unwrap()
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
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

/// Every file under `dir`, relative, with its bytes: to show that a refused
/// command wrote nothing.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

const INIT_FILES: [&str; 7] = [
    "schemas/dossier.schema.json",
    "schemas/source.schema.json",
    "sources/fernhill-minutes-2025-03-04.txt",
    "sources/fernhill-minutes-2025-03-04.toml",
    "dossiers/fernhill-library.toml",
    "templates/README.md",
    ".gitignore",
];

#[test]
fn init_makes_a_project_that_checks_builds_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = clerk_in(dir.path(), &["init", "my-briefs"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    let mut expected: String = INIT_FILES
        .iter()
        .map(|f| format!("  created my-briefs/{f}\n"))
        .collect();
    expected.push_str(
        "made a clerk project in `my-briefs` with the example dossier `fernhill-library`\n\
         next: `cd my-briefs && clerk build`, then open output/fernhill-library.pdf; \
         `clerk new DOSSIER-ID` starts a dossier of your own\n",
    );
    assert_eq!(stderr, expected);
    let root = dir.path().join("my-briefs");
    let written: Vec<String> = tree(&root).into_iter().map(|(f, _)| f).collect();
    let mut wanted: Vec<String> = INIT_FILES.iter().map(|f| f.to_string()).collect();
    wanted.sort();
    assert_eq!(written, wanted);
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "output/\n"
    );
    assert!(root.join("templates").is_dir());

    let (code, _, stderr) = clerk_in(&root, &["check"]);
    assert_eq!(
        (code, stderr.as_str()),
        (0, "checked 1 dossier: 0 errors, 0 warnings\n")
    );
    let (code, _, stderr) = clerk_in(&root, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("built 1, fresh 0, failed 0 in ")
            && stderr.ends_with("(0 errors, 0 warnings)\n"),
        "{stderr}"
    );
    let pdf = std::fs::read(root.join("output/fernhill-library.pdf")).unwrap();
    let text = common::pdf_text(&pdf);
    for expected in [
        "Saturday opening of Fernhill library",
        "The library's Saturday afternoon opening was cut without consulting the people who use it.",
        "212 residents had answered it.",
        "Minutes of the Meeting of 4 March 2025", // title-cased by the citation style
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` not in the brief:\n{text}"
        );
    }
    let (code, stdout, stderr) = clerk_in(&root, &["verify", "output/fernhill-library.pdf"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.ends_with("verified: output/fernhill-library.pdf matches its project exactly\n"),
        "{stdout}"
    );
}

#[test]
fn init_without_a_folder_makes_the_current_one_a_project() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let (code, _, stderr) = clerk_in(dir.path(), &["init"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with("  created schemas/dossier.schema.json\n"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("\nmade a clerk project here with the example dossier `fernhill-library`\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("next: `clerk build`, then open output/fernhill-library.pdf; `clerk new DOSSIER-ID` starts a dossier of your own\n"),
        "{stderr}"
    );
    assert!(dir.path().join("dossiers/fernhill-library.toml").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn init_bare_starts_an_empty_project_whose_records_name_their_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = clerk_in(dir.path(), &["init", "--bare", "unit"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("made an empty clerk project in `unit`\n"),
        "{stderr}"
    );
    let root = dir.path().join("unit");
    for folder in ["dossiers", "sources", "templates", "schemas"] {
        assert!(root.join(folder).is_dir(), "{folder}");
    }
    assert_eq!(std::fs::read_dir(root.join("dossiers")).unwrap().count(), 0);
    assert_eq!(std::fs::read_dir(root.join("sources")).unwrap().count(), 0);
    assert!(root.join(".gitignore").is_file());
    let (code, _, stderr) = clerk_in(&root, &["check"]);
    assert_eq!(code, 0, "{stderr}");

    // A record `clerk add` writes names the schema, from its own folder.
    std::fs::write(dir.path().join("minutes.txt"), "Minutes of the meeting.\n").unwrap();
    std::fs::create_dir_all(root.join("sources/council")).unwrap();
    std::fs::write(root.join("sources/council/agenda.txt"), "Agenda.\n").unwrap();
    for file in ["../minutes.txt", "sources/council/agenda.txt"] {
        let (code, _, stderr) = clerk_in(
            &root,
            &["add", file, "--kind", "other", "--publisher", "Council"],
        );
        assert_eq!(code, 0, "{stderr}");
    }
    let record = std::fs::read_to_string(root.join("sources/minutes.toml")).unwrap();
    assert!(
        record.starts_with("#:schema ../schemas/source.schema.json\nfile = \"minutes.txt\"\n"),
        "{record}"
    );
    let nested = std::fs::read_to_string(root.join("sources/council/agenda.toml")).unwrap();
    assert!(
        nested.starts_with("#:schema ../../schemas/source.schema.json\n"),
        "{nested}"
    );
    let (code, _, stderr) = clerk_in(&root, &["find", "minutes", "meeting", "--limit", "0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`0` would print no passage"), "{stderr}");
}

#[test]
fn init_refuses_an_existing_project_and_writes_nothing() {
    let project = Project::fixture("basic");
    let before = tree(project.root());
    let root = project.root().display().to_string();
    let (code, stdout, stderr) = clerk_in(project.root(), &["init", &root]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "error: `{root}` already has a `dossiers/` folder: it is a clerk project already, or holds one's files\n\
             help: clerk init writes nothing into an existing project; run it in a new or empty folder, or start a dossier here with `clerk new DOSSIER-ID`\n"
        )
    );
    assert_eq!(tree(project.root()), before);

    // `sources/` alone is enough to refuse.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sources")).unwrap();
    let (code, _, stderr) = clerk_in(dir.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: this folder already has a `sources/` folder: it is a clerk project already"
        ),
        "{stderr}"
    );
    assert!(tree(dir.path()).is_empty());
}

#[test]
fn init_replaces_no_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/README.md"), "my notes").unwrap();
    let before = tree(dir.path());
    let (code, _, stderr) = clerk_in(dir.path(), &["init"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: `templates/README.md` already exists; clerk init writes nothing over a file\n\
         help: move it aside, or run clerk init in another folder\n"
    );
    assert_eq!(tree(dir.path()), before);

    std::fs::write(dir.path().join("plain-file"), "x").unwrap();
    let (code, _, stderr) = clerk_in(dir.path(), &["init", "plain-file"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: `plain-file` is a file, not a folder\n\
         help: name a folder to make the project in, or a new one to create\n"
    );
}

#[test]
fn init_extends_an_existing_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "*.bak").unwrap();
    let (code, _, stderr) = clerk_in(dir.path(), &["init"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(" extended .gitignore\n"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "*.bak\noutput/\n"
    );
}

#[test]
fn pin_keeps_the_schema_directive() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(clerk_in(dir.path(), &["init"]).0, 0);
    let dossier = dir.path().join("dossiers/fernhill-library.toml");
    let before = std::fs::read_to_string(&dossier).unwrap();
    let source = dir.path().join("sources/fernhill-minutes-2025-03-04.txt");
    let mut text = std::fs::read_to_string(&source).unwrap();
    text.push_str("\nApproved at the meeting of 1 April 2025.\n");
    std::fs::write(&source, &text).unwrap();
    let (code, _, stderr) = clerk_in(dir.path(), &["pin", "fernhill-library"]);
    assert_eq!(code, 0, "{stderr}");
    let after = std::fs::read_to_string(&dossier).unwrap();
    assert!(after.starts_with("#:schema ../schemas/dossier.schema.json\n"));
    let old_pin = before
        .lines()
        .find(|l| l.starts_with("fernhill-minutes"))
        .unwrap();
    let new_pin = format!(
        "fernhill-minutes-2025-03-04 = \"sha256:{}\"",
        clerk::files::sha256_hex(text.as_bytes())
    );
    assert_eq!(after, before.replace(old_pin, &new_pin));
}

/// A project made by `clerk init`, for the tests of `clerk new`.
fn initialised() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(clerk_in(dir.path(), &["init"]).0, 0);
    dir
}

#[test]
fn new_writes_a_dossier_that_checks() {
    let dir = initialised();
    let output = Command::cargo_bin("clerk")
        .unwrap()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "1748736000") // 2025-06-01
        .args([
            "--color",
            "never",
            "new",
            "harbour-contract",
            "--title",
            "The \"harbour\" contract",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "  created dossiers/harbour-contract.toml\n\
         next: write its summary and claims, add their sources under sources/, then \
         `clerk pin harbour-contract` and `clerk check harbour-contract`\n"
    );
    let text = std::fs::read_to_string(dir.path().join("dossiers/harbour-contract.toml")).unwrap();
    insta::assert_snapshot!("new_dossier", text);

    let (code, _, stderr) = clerk_in(dir.path(), &["check", "harbour-contract"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("error["), "{stderr}");
    assert!(
        stderr.ends_with("checked 1 dossier: 0 errors, 3 warnings\n"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("warning[empty-section]").count(),
        3,
        "{stderr}"
    );
}

#[test]
fn the_commented_claims_of_a_new_dossier_are_well_formed() {
    let dir = initialised();
    assert_eq!(clerk_in(dir.path(), &["new", "harbour"]).0, 0);
    let path = dir.path().join("dossiers/harbour.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // Take the `# ` off the example claims, as the comment says, and cite
    // the example source with a quote it has.
    let (head, examples) = text.split_once("#\n# [[claims]]").unwrap();
    let examples = format!("# [[claims]]{examples}")
        .lines()
        .map(|line| {
            line.strip_prefix("# ")
                .unwrap_or(line.trim_start_matches('#'))
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\"source-id\"", "\"fernhill-minutes-2025-03-04\"");
    let examples = examples
        .replacen(
            "A passage of the source, word for word; […] leaves out a part.",
            "Present: Cllr A. Okafor (Chair), […] the Clerk to the Council.",
            1,
        )
        .replace(
            "The passage of the source that denies it.",
            "The Chair replied that the change had not been made without consultation",
        )
        .replace(
            "The passage of the source that states the position.",
            "The Clerk reported that the library’s budget",
        );
    std::fs::write(&path, format!("{head}\n{examples}\n")).unwrap();
    let (code, _, stderr) = clerk_in(dir.path(), &["pin", "harbour"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = clerk_in(dir.path(), &["check", "harbour"]);
    assert_eq!(
        (code, stderr.as_str()),
        (0, "checked 1 dossier: 0 errors, 0 warnings\n")
    );
}

#[test]
fn new_refuses_a_name_clash() {
    let dir = initialised();
    let before = tree(dir.path());
    let (code, stdout, stderr) = clerk_in(dir.path(), &["new", "fernhill-library"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: dossier `fernhill-library` already exists (`dossiers/fernhill-library.toml`)\n\
         help: choose another id, or edit the existing dossier\n"
    );
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn new_refuses_an_invalid_id_or_title() {
    let dir = initialised();
    let before = tree(dir.path());
    let (code, _, stderr) = clerk_in(dir.path(), &["new", "Harbour_Contract"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: invalid dossier id `Harbour_Contract`\n\
         help: ids use lowercase letters, digits and hyphens, not starting with a hyphen: \
         for example `clerk new harbour-contract`\n"
    );
    let (code, _, stderr) = clerk_in(dir.path(), &["new", "harbour", "--title", " "]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: the title is empty\n\
         help: give the brief's title, for example `--title \"Harbour contract\"`\n"
    );
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn new_needs_a_project_and_dates_the_dossier_today() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = clerk_in(dir.path(), &["new", "harbour"]);
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with("is not a clerk project (it has no `dossiers/` folder)\nhelp: pass the project folder with `--root DIR`\n"),
        "{stderr}"
    );

    // A project without schemas/ (made by hand): no directive pointing at
    // a file that is not there.
    std::fs::create_dir(dir.path().join("dossiers")).unwrap();
    let before = chrono::Local::now().date_naive();
    assert_eq!(clerk_in(dir.path(), &["new", "harbour"]).0, 0);
    let after = chrono::Local::now().date_naive();
    let text = std::fs::read_to_string(dir.path().join("dossiers/harbour.toml")).unwrap();
    assert!(text.starts_with("# The dossier `harbour`"), "{text}");
    assert!(text.contains("title = \"Harbour\"\n"), "{text}");
    let dated = |day: chrono::NaiveDate| text.contains(&format!("\ndate = {day}\n"));
    assert!(dated(before) || dated(after), "{text}");
}

#[test]
fn completions_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, opening) in [
        ("bash", "_clerk() {"),
        ("zsh", "#compdef clerk"),
        ("fish", "# Print an optspec for argparse"),
        ("powershell", "using namespace System.Management.Automation"),
    ] {
        let (code, stdout, stderr) = clerk_in(dir.path(), &["completions", shell]);
        assert_eq!((code, stderr.as_str()), (0, ""), "{shell}");
        assert!(stdout.contains(opening), "{shell}:\n{stdout}");
        for command in ["init", "new", "schema", "completions", "build"] {
            assert!(stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let (code, _, stderr) = clerk_in(dir.path(), &["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid value 'tcsh' for '<SHELL>'"),
        "{stderr}"
    );
}

/// What bash offers after `words` (the last one being completed), with
/// clerk's completion script loaded.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let bin = assert_cmd::cargo::cargo_bin("clerk");
    let script = format!(
        "source <('{bin}' completions bash)\n\
         COMP_WORDS=({words})\n\
         COMP_CWORD={cword}\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"\n\
         COMP_POINT=${{#COMP_LINE}}\n\
         _clerk clerk \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        bin = bin.display(),
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        cword = words.len() - 1,
    );
    let output = std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &script])
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut offered: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect();
    offered.sort();
    offered
}

#[test]
fn bash_completes_commands_and_values() {
    assert_eq!(bash_completes(&["clerk", "ch"]), vec!["check".to_string()]);
    let commands = bash_completes(&["clerk", ""]);
    for command in ["init", "new", "schema", "completions", "check", "build"] {
        assert!(commands.contains(&command.to_string()), "{commands:?}");
    }
    let names: Vec<String> = bash_completes(&["clerk", "schema", ""])
        .into_iter()
        .filter(|word| !word.starts_with('-'))
        .collect();
    assert_eq!(names, ["brief", "diff", "dossier", "source"]);
    assert_eq!(
        bash_completes(&["clerk", "completions", "z"]),
        vec!["zsh".to_string()]
    );
}

/// `clerk <args> --help` at a fixed width and without colour.
fn help(args: &[&str]) -> String {
    let output = Command::cargo_bin("clerk")
        .unwrap()
        .args(args)
        .arg("--help")
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
fn help_of_the_authoring_commands() {
    insta::assert_snapshot!("help_init", help(&["init"]));
    insta::assert_snapshot!("help_new", help(&["new"]));
    insta::assert_snapshot!("help_schema", help(&["schema"]));
    insta::assert_snapshot!("help_completions", help(&["completions"]));
}
