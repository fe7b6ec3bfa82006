//! README.md's "Your first brief in five minutes", run as written: every
//! command of its `sh` block, in order, in an empty temporary folder, with
//! the `clerk` under test first on PATH. Each must exit 0, and any text a
//! command's comment quotes in backticks must be in what it prints.

use std::path::{Path, PathBuf};

const SECTION: &str = "## Your first brief in five minutes";

/// One line of the tour: the command, and the texts its comment quotes.
#[derive(Debug)]
struct Step {
    command: String,
    shows: Vec<String>,
}

/// The steps of the first `sh` block under [`SECTION`].
fn tour() -> Vec<Step> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let (_, section) = readme
        .split_once(&format!("\n{SECTION}\n"))
        .expect("README.md has the tour section");
    let section = section.split("\n## ").next().unwrap();
    let (_, block) = section.split_once("```sh\n").expect("a sh block");
    let (block, _) = block.split_once("\n```").unwrap();
    block
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .map(|line| {
            let (command, comment) = split_comment(line);
            Step {
                command: command.trim().to_string(),
                shows: comment
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect()
}

/// A shell line's command and its trailing `# comment` (a `#` inside
/// quotes is part of the command).
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return (&line[..i], &line[i + 1..]),
            _ => {}
        }
        previous = c;
    }
    (line, "")
}

#[test]
fn the_readme_tour_runs_as_written() {
    let steps = tour();
    let commands: Vec<&str> = steps.iter().map(|s| s.command.as_str()).collect();
    // The tour is the one the README promises: from nothing to a brief.
    for needed in ["clerk init ", "clerk check", "clerk build", "clerk new "] {
        assert!(
            commands.iter().any(|c| c.starts_with(needed)),
            "the tour has no `{needed}`: {commands:?}"
        );
    }
    let bin = assert_cmd::cargo::cargo_bin("clerk");
    let path = std::env::join_paths(std::iter::once(bin.parent().unwrap().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let empty = tempfile::tempdir().unwrap();
    let mut cwd: PathBuf = empty.path().to_path_buf();
    for step in &steps {
        if let Some(folder) = step.command.strip_prefix("cd ") {
            cwd = cwd.join(folder.trim());
            assert!(cwd.is_dir(), "`{}`: no such folder", step.command);
            continue;
        }
        let output = std::process::Command::new("bash")
            .args(["--noprofile", "--norc", "-c", &step.command])
            .current_dir(&cwd)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .expect("bash runs");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "`{}` failed:\n{printed}",
            step.command
        );
        for shown in &step.shows {
            assert!(
                printed.contains(shown.as_str()),
                "`{}` does not print `{shown}`:\n{printed}",
                step.command
            );
        }
    }
    // What the tour says it builds is there.
    assert!(cwd.join("output/fernhill-library.pdf").is_file());
}

#[test]
fn comments_split_outside_quotes() {
    assert_eq!(
        split_comment("clerk new x --title \"A #1\"  # `shown`"),
        ("clerk new x --title \"A #1\"  ", " `shown`")
    );
    assert_eq!(split_comment("cd my-briefs"), ("cd my-briefs", ""));
}
