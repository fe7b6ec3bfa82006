//! A project on disk: its folders, the dossier files a command names, and
//! reading one of them. Later stages take a [`Project`] instead of paths.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Fatal, Rule, TextFile};
use crate::files;

/// The folders of a clerk project.
#[derive(Debug, Clone)]
pub struct Project {
    /// Absolute, canonical project root.
    pub root: PathBuf,
    pub dossiers: PathBuf,
    pub sources: PathBuf,
    pub templates: PathBuf,
    pub output: PathBuf,
    /// Largest source file read, in bytes.
    pub max_source_size: u64,
}

/// A dossier file as read from disk, before parsing.
#[derive(Debug, Clone)]
pub struct DossierFile {
    /// The dossier id (the file stem).
    pub id: String,
    pub file: TextFile,
    pub sha256: String,
}

impl Project {
    /// Opens the project at `root`, which must hold a `dossiers/` folder.
    pub fn open(root: &Path, max_source_size: u64) -> anyhow::Result<Project> {
        let root = std::fs::canonicalize(root).map_err(|error| {
            Fatal::new(format!(
                "no project at `{}` ({})",
                root.display(),
                files::cause(&error)
            ))
            .help("pass the project folder with `--root DIR`")
        })?;
        let dossiers = root.join("dossiers");
        if !dossiers.is_dir() {
            return Err(Fatal::new(format!(
                "`{}` is not a clerk project (it has no `dossiers/` folder)",
                root.display()
            ))
            .help("pass the project folder with `--root DIR`")
            .into());
        }
        Ok(Project {
            sources: root.join("sources"),
            templates: root.join("templates"),
            output: root.join("output"),
            max_source_size,
            dossiers,
            root,
        })
    }

    /// The dossier files named by `args` (ids or paths), or all of
    /// `dossiers/` in name order when `args` is empty.
    pub fn select(&self, args: &[String]) -> anyhow::Result<Vec<PathBuf>> {
        if args.is_empty() {
            return self.all_dossiers();
        }
        let mut selected = Vec::new();
        for arg in args {
            let found = self.find_dossier(arg)?;
            let path = std::fs::canonicalize(&found).unwrap_or(found);
            // A brief records its dossier's path relative to the project,
            // which `verify` must be able to follow back.
            if !path.starts_with(&self.root) {
                return Err(Fatal::new(format!(
                    "dossier `{arg}` is outside the project `{}`",
                    self.root.display()
                ))
                .help("move it into the project's `dossiers/`, or run clerk with `--root` set to the project that holds it")
                .into());
            }
            if !selected.contains(&path) {
                selected.push(path);
            }
        }
        Ok(selected)
    }

    fn all_dossiers(&self) -> anyhow::Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        let unreadable = |error: std::io::Error| {
            anyhow::anyhow!(
                "cannot read `{}` ({})",
                self.dossiers.display(),
                files::cause(&error)
            )
        };
        let entries = std::fs::read_dir(&self.dossiers).map_err(unreadable)?;
        for entry in entries {
            let path = entry.map_err(unreadable)?.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                found.push(path);
            }
        }
        found.sort();
        Ok(found)
    }

    /// The file a dossier argument names: an id under `dossiers/`, a path
    /// as given, or a path relative to the root.
    fn find_dossier(&self, arg: &str) -> anyhow::Result<PathBuf> {
        let is_path = arg.contains('/') || arg.ends_with(".toml");
        let by_id = self.dossiers.join(format!("{arg}.toml"));
        if !is_path && by_id.is_file() {
            Ok(by_id)
        } else if Path::new(arg).is_file() {
            Ok(PathBuf::from(arg))
        } else if self.root.join(arg).is_file() {
            Ok(self.root.join(arg))
        } else if is_path {
            Err(Fatal::new(format!("no dossier file `{arg}`"))
                .help("a path is taken from the current folder, then from the project folder; give an id such as `nc-azerbaijan` to pick `dossiers/nc-azerbaijan.toml`")
                .into())
        } else {
            let mut error = Fatal::new(format!("no dossier `{arg}` (no `dossiers/{arg}.toml`)"));
            if let Ok(known) = self.all_dossiers() {
                let ids: Vec<String> = known
                    .iter()
                    .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
                    .collect();
                if let Some(close) = crate::spec::closest(arg, ids.iter().map(String::as_str)) {
                    error = error.help(format!("did you mean `{close}`?"));
                }
            }
            Err(error.into())
        }
    }

    /// The path of `path` as shown in messages: relative to the root.
    pub fn display(&self, path: &Path) -> String {
        files::display_path(&self.root, path)
    }

    /// Reads a dossier file; a file that cannot be read as text becomes a
    /// `syntax` diagnostic.
    pub fn read_dossier(&self, path: &Path) -> Result<DossierFile, Box<Diagnostic>> {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = self.display(path);
        let unreadable = |message: String| {
            Box::new(
                Diagnostic::new(Rule::Syntax, message)
                    .in_file(display.clone())
                    .dossier(id.clone()),
            )
        };
        let bytes = files::read_limited(path, crate::spec::MAX_SPEC_SIZE).map_err(|error| {
            unreadable(format!("cannot read dossier ({})", files::cause(&error)))
        })?;
        let sha256 = files::sha256_hex(&bytes);
        let text = files::decode_utf8(bytes).map_err(|offset| {
            unreadable(format!(
                "dossier is not UTF-8 text (invalid byte at offset {offset})"
            ))
        })?;
        Ok(DossierFile {
            id,
            file: TextFile::new(display, text),
            sha256,
        })
    }

    /// The project's own template file `templates/<name>.typ.hbs`, if it
    /// has one.
    pub fn template_file(&self, name: &str) -> Option<PathBuf> {
        self.template_file_of(name, crate::builtin::Markup::Typst)
    }

    /// The project's own template `name` of `markup`: the Typst template
    /// `templates/<name>.typ.hbs` or the HTML one `templates/<name>.html.hbs`.
    pub fn template_file_of(&self, name: &str, markup: crate::builtin::Markup) -> Option<PathBuf> {
        let path = self.templates.join(format!("{name}{}", markup.extension()));
        (crate::spec::is_valid_id(name) && path.is_file()).then_some(path)
    }

    /// Whether `name` is a project template or a built-in one.
    pub fn has_template(&self, name: &str) -> bool {
        crate::spec::is_valid_id(name)
            && (self.template_file(name).is_some() || crate::builtin::template(name).is_some())
    }
}
