//! Test harness: a fixture project copied into a temporary folder, edited
//! per test, and the real `clerk` binary run on it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Project {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let dir = tempfile::tempdir().unwrap();
        for entry in walkdir::WalkDir::new(&source) {
            let entry = entry.unwrap();
            let target = dir.path().join(entry.path().strip_prefix(&source).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        Project { dir }
    }

    /// A copy of the bundled example project (the repository's own
    /// `dossiers/`, `sources/` and `templates/`).
    pub fn example() -> Project {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        for folder in ["dossiers", "sources", "templates"] {
            let source = root.join(folder);
            for entry in walkdir::WalkDir::new(&source).into_iter().flatten() {
                let target = dir
                    .path()
                    .join(folder)
                    .join(entry.path().strip_prefix(&source).unwrap());
                if entry.file_type().is_dir() {
                    std::fs::create_dir_all(&target).unwrap();
                } else {
                    std::fs::copy(entry.path(), &target).unwrap();
                }
            }
        }
        Project { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Replaces `from` (which must occur) with `to` in a file.
    pub fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "`{from}` not in {relative}");
        self.write(relative, text.replacen(from, to, 1));
    }

    /// `clerk --root <project> --color never <args>`.
    pub fn clerk(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("clerk").unwrap();
        cmd.arg("--root")
            .arg(self.root())
            .args(["--color", "never"])
            .args(args);
        cmd
    }

    /// Runs clerk and returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let output = self.clerk(args).output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

/// A file or folder of the workplace's shared files (`../shared/<name>`,
/// beside the project, as CI lays it out; else `/work/shared/<name>`):
/// published files the tests read where they are, never copied in.
pub fn shared(name: &str) -> PathBuf {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    [beside, "/work/shared".into()]
        .into_iter()
        .map(|shared| shared.join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("`{name}` is not in ../shared or /work/shared"))
}

/// The text of a PDF, white space folded.
pub fn pdf_text(bytes: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(bytes).expect("a readable PDF");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
