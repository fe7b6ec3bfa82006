//! A project on disk: its folders, the dossiers a command names, and the
//! whole check of a selection (records, sources, rules) as one `Session`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::check::{self, Checked, DossierFile};
use crate::diag::{Diagnostic, Rule, TextFile};
use crate::digests::DigestCache;
use crate::render;
use crate::sources::{self, Layout, SourceIndex};

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

impl Project {
    /// Opens the project at `root`, which must hold a `dossiers/` folder.
    pub fn open(root: &Path) -> anyhow::Result<Project> {
        let root = std::fs::canonicalize(root)
            .with_context(|| format!("no project at `{}`", root.display()))?;
        let dossiers = root.join("dossiers");
        if !dossiers.is_dir() {
            bail!(
                "`{}` is not a clerk project (it has no `dossiers/` folder)\nhelp: pass the project folder with `--root DIR`",
                root.display()
            );
        }
        Ok(Project {
            sources: root.join("sources"),
            templates: root.join("templates"),
            output: root.join("output"),
            max_source_size: sources::MAX_SOURCE_SIZE,
            dossiers,
            root,
        })
    }

    pub fn layout(&self) -> Layout<'_> {
        Layout {
            root: &self.root,
            sources: &self.sources,
            max_source_size: self.max_source_size,
        }
    }

    /// The dossier files named by `args` (ids or paths), or all of
    /// `dossiers/` in name order when `args` is empty.
    pub fn select(&self, args: &[String]) -> anyhow::Result<Vec<PathBuf>> {
        if args.is_empty() {
            let mut found = Vec::new();
            let entries = std::fs::read_dir(&self.dossiers)
                .with_context(|| format!("cannot read `{}`", self.dossiers.display()))?;
            for entry in entries {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                    found.push(path);
                }
            }
            found.sort();
            return Ok(found);
        }
        let mut selected = Vec::new();
        for arg in args {
            let by_id = self.dossiers.join(format!("{arg}.toml"));
            let path = if !arg.contains('/') && !arg.ends_with(".toml") && by_id.is_file() {
                by_id
            } else if Path::new(arg).is_file() {
                PathBuf::from(arg)
            } else if self.root.join(arg).is_file() {
                self.root.join(arg)
            } else {
                bail!("no dossier `{arg}` (looked for `dossiers/{arg}.toml` and the path `{arg}`)");
            };
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            if !selected.contains(&path) {
                selected.push(path);
            }
        }
        Ok(selected)
    }

    /// The path of `path` as shown in messages: relative to the root.
    pub fn display(&self, path: &Path) -> String {
        sources::display_path(&self.root, path)
    }

    /// Reads a dossier file; a file that cannot be read as text becomes a
    /// `syntax` diagnostic.
    pub fn read_dossier(&self, path: &Path) -> Result<DossierFile, Box<Diagnostic>> {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = self.display(path);
        let bytes = sources::read_limited(path, crate::spec::MAX_SPEC_SIZE).map_err(|error| {
            Box::new(
                Diagnostic::new(Rule::Syntax, format!("cannot read dossier ({error})"))
                    .in_file(display.clone())
                    .dossier(id.clone()),
            )
        })?;
        let sha256 = sources::sha256_hex(&bytes);
        let text = sources::decode_utf8(bytes).map_err(|offset| {
            Box::new(
                Diagnostic::new(
                    Rule::Syntax,
                    format!("dossier is not UTF-8 text (invalid byte at offset {offset})"),
                )
                .in_file(display.clone())
                .dossier(id.clone()),
            )
        })?;
        Ok(DossierFile {
            id,
            file: TextFile::new(display, text),
            sha256,
        })
    }
}

/// The outcome of checking a selection of dossiers.
#[derive(Debug)]
pub struct Session {
    pub project: Project,
    pub sources: SourceIndex,
    pub checked: Vec<Checked>,
    /// Findings not tied to one checked dossier: unreadable dossier files,
    /// source records and files.
    pub general: Vec<Diagnostic>,
}

/// Dossiers read and parsed, records scanned: what a build needs to decide
/// what is fresh (with [`Prepared::hash_sources`]), before any source text
/// is read.
#[derive(Debug)]
pub struct Prepared {
    pub project: Project,
    pub sources: SourceIndex,
    pub parsed: Vec<check::Parsed>,
    pub general: Vec<Diagnostic>,
    /// Ids of selected dossiers whose files could not be read.
    pub unreadable: Vec<String>,
    /// Sources the selection relies on (`None`: every source).
    wanted: Option<BTreeSet<String>>,
}

impl Prepared {
    /// Reads the dossiers named by `args` (all when empty) and scans the
    /// records.
    pub fn new(project: Project, args: &[String]) -> anyhow::Result<Prepared> {
        let paths = project.select(args)?;
        let mut general = Vec::new();
        let mut unreadable = Vec::new();
        let mut parsed = Vec::new();
        let read = crate::batch::map(paths, |path| project.read_dossier(&path).map(check::parse));
        for outcome in read {
            match outcome {
                Ok(dossier) => parsed.push(dossier),
                Err(d) => {
                    unreadable.extend(d.dossier.clone());
                    general.push(*d);
                }
            }
        }
        let sources = SourceIndex::scan(&project.layout());
        // Checking everything checks every record; a selection only reads
        // the sources it relies on.
        let wanted: Option<BTreeSet<String>> = (!args.is_empty()).then(|| {
            parsed
                .iter()
                .filter_map(|p| p.dossier.as_ref())
                .flat_map(check::cited_sources)
                .collect()
        });
        Ok(Prepared {
            project,
            sources,
            parsed,
            general,
            unreadable,
            wanted,
        })
    }

    /// Hashes the files of the sources [`Prepared::relied_on`] by the
    /// dossiers `of` selects, without keeping their text, so freshness can
    /// be decided; digests `remembered` holds for unchanged files are
    /// reused.
    pub fn hash_sources(
        &mut self,
        of: impl Fn(&check::Parsed) -> bool,
        remembered: Option<&DigestCache>,
    ) {
        let ids = self.relied_on(of);
        self.sources
            .load(&self.project.layout(), Some(&ids), remembered);
    }

    /// The sources the dossiers `of` selects cite and, in a whole-project
    /// run, the sources no dossier cites (their records and files are
    /// checked all the same, whichever briefs are fresh).
    fn relied_on(&self, of: impl Fn(&check::Parsed) -> bool) -> BTreeSet<String> {
        let cited = |p: &check::Parsed| {
            p.dossier
                .as_ref()
                .map(check::cited_sources)
                .unwrap_or_default()
        };
        let mut ids: BTreeSet<String> = self
            .parsed
            .iter()
            .filter(|p| of(p))
            .flat_map(cited)
            .collect();
        if self.wanted.is_none() {
            let anywhere: BTreeSet<String> = self.parsed.iter().flat_map(cited).collect();
            ids.extend(
                self.sources
                    .sources
                    .keys()
                    .filter(|id| !anywhere.contains(*id))
                    .cloned(),
            );
        }
        ids
    }

    /// Checks the dossiers `keep` selects, reading only the sources they
    /// cite (each once, looking up all its quotes); the others are dropped
    /// from the session.
    pub fn check(self, keep: impl Fn(&check::Parsed) -> bool) -> Session {
        self.check_learning(keep, None)
    }

    /// [`Prepared::check`], teaching the digests of the files it reads to
    /// `learn`.
    pub fn check_learning(
        mut self,
        keep: impl Fn(&check::Parsed) -> bool,
        learn: Option<&DigestCache>,
    ) -> Session {
        // Checking the whole project checks every source's text, cited or
        // not; a selection only what it needs.
        let needed = self.relied_on(&keep);
        let (kept, dropped): (Vec<_>, Vec<_>) = self.parsed.into_iter().partition(|p| keep(p));
        let everything = self.wanted.is_none() && dropped.is_empty();
        let quotes = check::quote_requests(kept.iter().filter_map(|p| p.dossier.as_ref()));
        self.sources.read(
            &self.project.layout(),
            (!everything).then_some(&needed),
            &quotes,
            false,
            learn,
        );
        let mut general = self.general;
        general.extend(self.sources.diagnostics(self.wanted.as_ref()));
        let templates = self.project.templates.clone();
        let sources = &self.sources;
        let checked = crate::batch::map(kept, |p| {
            let template_exists = |name: &str| render::template_exists(&templates, name);
            check::check(p, sources, &template_exists)
        });
        Session {
            project: self.project,
            sources: self.sources,
            checked,
            general,
        }
    }
}

impl Session {
    /// Checks the dossiers named by `args` (all when empty).
    pub fn check(project: Project, args: &[String]) -> anyhow::Result<Session> {
        Ok(Prepared::new(project, args)?.check(|_| true))
    }

    /// Every diagnostic, sorted for stable output.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.general.clone();
        for checked in &self.checked {
            all.extend(checked.diagnostics.iter().cloned());
        }
        crate::diag::sort(&mut all);
        all
    }
}
