//! What the release archives and the Debian package ship beside the binary
//! (`packaging/`): the manual pages and the shell completion scripts. They
//! are committed, so that every build of the packages, here or on a forge's
//! runners, ships the same reviewed files; these tests fail when they are
//! not what this clerk generates (`PACKAGING_BLESS=1` rewrites them), and
//! check that man(1) renders each page without a warning.
//!
//! The packages themselves are built and installed by `.ci/package`, which
//! also runs the ignored test of tests/readme_tour.rs on the archive.

use std::path::{Path, PathBuf};

fn packaging(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("packaging")
        .join(relative)
}

/// Compares `files` (name, content) with the folder's, or rewrites the
/// folder with them under `PACKAGING_BLESS=1`.
fn hold_folder_to(folder: &Path, files: &[(String, Vec<u8>)]) {
    let bless = std::env::var_os("PACKAGING_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(folder).unwrap();
    }
    let mut stale = Vec::new();
    for (name, content) in files {
        let path = folder.join(name);
        if std::fs::read(&path).ok().as_deref() == Some(content.as_slice()) {
            continue;
        }
        if bless {
            std::fs::write(&path, content).unwrap();
        } else {
            stale.push(name.clone());
        }
    }
    let mut extra = Vec::new();
    for entry in std::fs::read_dir(folder).into_iter().flatten() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !files.iter().any(|(n, _)| *n == name) {
            if bless {
                std::fs::remove_file(folder.join(&name)).unwrap();
            } else {
                extra.push(name);
            }
        }
    }
    assert!(
        stale.is_empty() && extra.is_empty(),
        "{} is out of date: differing or missing {stale:?}, not generated {extra:?}; \
         `PACKAGING_BLESS=1 cargo test --test packaging` rewrites it (review the diff)",
        folder.display()
    );
}

#[test]
fn the_manual_pages_are_generated_from_the_command_line() {
    let pages: Vec<(String, Vec<u8>)> = clerk::manual::pages()
        .into_iter()
        .map(|page| (page.file_name, page.roff.into_bytes()))
        .collect();
    // clerk(1), then a page per command that `clerk --help` lists.
    let help = assert_cmd::Command::cargo_bin("clerk")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let commands: Vec<&str> = help
        .split_once("Commands:\n")
        .unwrap()
        .1
        .lines()
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    let mut expected = vec!["clerk.1".to_string()];
    expected.extend(commands.iter().map(|c| format!("clerk-{c}.1")));
    let names: Vec<&String> = pages.iter().map(|(name, _)| name).collect();
    assert_eq!(names, expected.iter().collect::<Vec<_>>());
    hold_folder_to(&packaging("man"), &pages);
}

#[test]
fn the_completion_scripts_are_what_clerk_completions_prints() {
    let scripts: Vec<(String, Vec<u8>)> = [
        ("bash", "clerk.bash"),
        ("zsh", "_clerk"),
        ("fish", "clerk.fish"),
        ("powershell", "_clerk.ps1"),
    ]
    .into_iter()
    .map(|(shell, file)| {
        let output = assert_cmd::Command::cargo_bin("clerk")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "clerk completions {shell}");
        (file.to_string(), output.stdout)
    })
    .collect();
    hold_folder_to(&packaging("completions"), &scripts);
}

#[test]
fn man_renders_every_page_without_a_warning() {
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_err()
    {
        if std::env::var_os("CI").is_some() {
            panic!("man is not installed: the manual pages cannot be checked under CI");
        }
        eprintln!("SKIPPED: man is not installed (apt-get install man-db)");
        return;
    }
    for page in clerk::manual::pages() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(&page.file_name);
        std::fs::write(&file, &page.roff).unwrap();
        let output = std::process::Command::new("man")
            .arg("--warnings")
            .arg("--local-file")
            .arg(&file)
            .env("MANWIDTH", "80")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&output.stdout);
        let warnings = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{}: {warnings}", page.file_name);
        assert!(
            warnings.trim().is_empty(),
            "{} warns:\n{warnings}",
            page.file_name
        );
        let name = page.file_name.trim_end_matches(".1");
        let command = name.replacen('-', " ", 1);
        // man justifies lines; compare words.
        let words = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        for needed in [
            format!("NAME {name} - "),
            format!("SYNOPSIS {command} ["),
            "EXIT STATUS 0 ".to_string(),
            "EXAMPLES ".to_string(),
            format!("$ {command}"),
            "SEE ALSO ".to_string(),
        ] {
            assert!(
                words.contains(&needed),
                "{name} has no `{needed}`:\n{shown}"
            );
        }
    }
}
