//! `clerk init`: a new project, laid out as docs/format.md describes it,
//! with the JSON Schemas editors need and a worked example that builds.
//!
//! The example's texts are compiled in (`src/init/`); its pin is the
//! SHA-256 of the source text computed here, so it cannot drift from the
//! text. Nothing is ever replaced: a folder that already holds a project, or
//! any file init would write, is refused before anything is written.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::diag::Fatal;
use crate::schema;

/// The example dossier's id.
pub const EXAMPLE_DOSSIER: &str = "fernhill-library";

/// The example source's id.
pub const EXAMPLE_SOURCE: &str = "fernhill-minutes-2025-03-04";

const EXAMPLE_TEXT: &str = include_str!("init/fernhill-minutes-2025-03-04.txt");
const EXAMPLE_RECORD: &str = include_str!("init/fernhill-minutes-2025-03-04.toml");
const EXAMPLE_DOSSIER_TEXT: &str = include_str!("init/fernhill-library.toml");
const TEMPLATES_README: &str = include_str!("init/templates-README.md");

/// The line `.gitignore` gets: what `clerk build` writes is not source.
const IGNORED: &str = "output/";

/// What `clerk init` made.
#[derive(Debug)]
pub struct Created {
    /// The project folder, as the user named it.
    pub root: PathBuf,
    /// The files written, relative to the root, in the order written.
    pub files: Vec<String>,
    /// Whether an existing `.gitignore` was extended rather than created.
    pub gitignore_extended: bool,
}

/// What a new project holds besides its folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The worked example: a source, its record and a pinned dossier.
    Example,
    /// Nothing but the schemas and the templates' README (`--bare`).
    Bare,
}

/// The folders every project has, made even when empty.
const FOLDERS: [&str; 3] = ["dossiers", "sources", "templates"];

/// The files of a new project: `(path relative to the root, content)`.
pub fn files(start: Start) -> Vec<(String, String)> {
    let mut files = vec![
        (
            format!("{}/{}", schema::FOLDER, schema::DOSSIER_FILE),
            schema::to_text(&schema::dossier()),
        ),
        (
            format!("{}/{}", schema::FOLDER, schema::SOURCE_FILE),
            schema::to_text(&schema::source()),
        ),
    ];
    if start == Start::Example {
        files.extend(example_files());
    }
    files.push((
        "templates/README.md".to_string(),
        TEMPLATES_README.to_string(),
    ));
    files
}

/// The worked example's source, record and dossier.
fn example_files() -> Vec<(String, String)> {
    let pin = format!(
        "sha256:{}",
        crate::files::sha256_hex(EXAMPLE_TEXT.as_bytes())
    );
    vec![
        (
            format!("sources/{EXAMPLE_SOURCE}.txt"),
            EXAMPLE_TEXT.to_string(),
        ),
        (
            format!("sources/{EXAMPLE_SOURCE}.toml"),
            EXAMPLE_RECORD.to_string(),
        ),
        (
            format!("dossiers/{EXAMPLE_DOSSIER}.toml"),
            EXAMPLE_DOSSIER_TEXT.replace("{PIN}", &pin),
        ),
    ]
}

/// Makes a project of `root`, creating the folder if it is missing.
pub fn init(root: &Path, start: Start) -> anyhow::Result<Created> {
    refuse_existing(root)?;
    let files = files(start);
    for (relative, _) in &files {
        if root.join(relative).exists() {
            return Err(Fatal::new(format!(
                "`{}` already exists; clerk init writes nothing over a file",
                shown(root, relative)
            ))
            .help("move it aside, or run clerk init in another folder")
            .into());
        }
    }
    let mut created = Created {
        root: root.to_path_buf(),
        files: Vec::new(),
        gitignore_extended: false,
    };
    for (relative, content) in &files {
        let path = root.join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create `{}`", folder.display()))?;
        }
        crate::output::write_new(&path, content.as_bytes())?;
        created.files.push(relative.clone());
    }
    for folder in FOLDERS {
        let path = root.join(folder);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create `{}`", path.display()))?;
    }
    created.gitignore_extended = ignore_output(root)?;
    created.files.push(".gitignore".to_string());
    Ok(created)
}

/// How a file of the new project is named in messages: as the user named
/// the root, without a leading `./`.
pub fn shown(root: &Path, relative: &str) -> String {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        relative.to_string()
    } else {
        root.join(relative).display().to_string()
    }
}

/// Refuses a root that is a file, or that already holds a project.
fn refuse_existing(root: &Path) -> anyhow::Result<()> {
    if root.exists() && !root.is_dir() {
        return Err(
            Fatal::new(format!("`{}` is a file, not a folder", root.display()))
                .help("name a folder to make the project in, or a new one to create")
                .into(),
        );
    }
    let name = match shown(root, "").as_str() {
        "" => "this folder".to_string(),
        _ => format!("`{}`", root.display()),
    };
    for folder in ["dossiers", "sources"] {
        if root.join(folder).exists() {
            return Err(Fatal::new(format!(
                "{name} already has a `{folder}/` folder: it is a clerk project already, or holds one's files"
            ))
            .help("clerk init writes nothing into an existing project; run it in a new or empty folder, or start a dossier here with `clerk new DOSSIER-ID`")
            .into());
        }
    }
    Ok(())
}

/// Adds `output/` to the root's `.gitignore`, creating the file if needed;
/// returns whether a file was there already. An existing file is kept, and
/// left alone when it already ignores `output/`.
fn ignore_output(root: &Path) -> anyhow::Result<bool> {
    let path = root.join(".gitignore");
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read `{}`", path.display()));
        }
    };
    let Some(mut bytes) = existing else {
        crate::output::write_new(&path, format!("{IGNORED}\n").as_bytes())?;
        return Ok(false);
    };
    let ignores = String::from_utf8_lossy(&bytes).lines().any(|line| {
        matches!(
            line.trim(),
            "output" | "output/" | "/output" | "/output/" | "output/*" | "/output/*"
        )
    });
    if !ignores {
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(format!("{IGNORED}\n").as_bytes());
        crate::output::write_atomic(&path, &bytes)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_pinned_to_its_text() {
        let files = files(Start::Example);
        let dossier = &files
            .iter()
            .find(|(path, _)| path.starts_with("dossiers/"))
            .unwrap()
            .1;
        let digest = crate::files::sha256_hex(EXAMPLE_TEXT.as_bytes());
        assert!(dossier.contains(&format!("{EXAMPLE_SOURCE} = \"sha256:{digest}\"")));
        assert!(!dossier.contains("{PIN}"));
        // Every TOML file names its schema on its first line.
        for (path, content) in files.iter().filter(|(p, _)| p.ends_with(".toml")) {
            let first = content.lines().next().unwrap();
            assert!(first.starts_with("#:schema ../schemas/"), "{path}: {first}");
        }
    }

    #[test]
    fn gitignore_is_extended_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "target").unwrap();
        assert!(ignore_output(dir.path()).unwrap());
        assert!(ignore_output(dir.path()).unwrap());
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
            "target\noutput/\n"
        );
    }
}
