//! The dossiers a command works on, taken through the check: read and
//! parsed ([`Selection`]), then checked against the sources they rely on
//! ([`CheckedSelection`]), each source read once for all its quotes; and
//! the one source `clerk text` and `clerk find` read ([`read_source`]).

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::check::{self, Checked, Parsed};
use crate::diag::{Diagnostic, Fatal};
use crate::files::DigestMemo;
use crate::locale::Locales;
use crate::project::Project;
use crate::sources::SourceIndex;

/// Dossiers read and parsed, records scanned: what a build needs to decide
/// what is fresh (with [`Selection::hash_sources`]), before any source text
/// is read.
#[derive(Debug)]
pub struct Selection {
    pub project: Project,
    pub sources: SourceIndex,
    pub parsed: Vec<Parsed>,
    /// Findings not tied to one parsed dossier (an unreadable dossier file).
    pub unattached: Vec<Diagnostic>,
    /// Ids of selected dossiers whose files could not be read.
    pub unreadable: Vec<String>,
    /// Whether the selection is the whole project, whose every record and
    /// source is checked, cited or not.
    whole_project: bool,
}

/// The outcome of checking a selection of dossiers.
#[derive(Debug)]
pub struct CheckedSelection {
    pub project: Project,
    pub sources: SourceIndex,
    /// The words of each language the briefs may use.
    pub locales: Locales,
    pub checked: Vec<Checked>,
    /// Findings not tied to one checked dossier: unreadable dossier files,
    /// source records and files.
    pub unattached: Vec<Diagnostic>,
}

impl Selection {
    /// Reads the dossiers named by `args` (all of `dossiers/` when empty)
    /// and scans the records.
    pub fn read(project: Project, args: &[String]) -> anyhow::Result<Selection> {
        let paths = project.select(args)?;
        Ok(Selection::of_files(project, paths, args.is_empty()))
    }

    /// Reads the dossier files `paths` and scans the records;
    /// `whole_project` when they are every dossier of the project.
    pub fn of_files(project: Project, paths: Vec<PathBuf>, whole_project: bool) -> Selection {
        let mut unattached = Vec::new();
        let mut unreadable = Vec::new();
        let mut parsed = Vec::new();
        let read = crate::batch::map(paths, |path| project.read_dossier(&path).map(check::parse));
        for outcome in read {
            match outcome {
                Ok(dossier) => parsed.push(dossier),
                Err(d) => {
                    unreadable.extend(d.dossier.clone());
                    unattached.push(*d);
                }
            }
        }
        let sources = SourceIndex::scan(&project);
        Selection {
            project,
            sources,
            parsed,
            unattached,
            unreadable,
            whole_project,
        }
    }

    /// Hashes the files of the sources the dossiers `of` selects rely on
    /// (and, in a whole-project run, of the sources no dossier cites),
    /// without keeping their text, so freshness can be decided; digests
    /// `remembered` holds for unchanged files are reused.
    pub fn hash_sources(
        &mut self,
        of: impl Fn(&Parsed) -> bool,
        remembered: Option<&dyn DigestMemo>,
    ) {
        let ids = self.relied_on(of);
        self.sources.load(&self.project, Some(&ids), remembered);
    }

    /// The sources the dossiers `of` selects cite and, in a whole-project
    /// run, the sources no dossier cites (their records and files are
    /// checked all the same, whichever briefs are fresh).
    fn relied_on(&self, of: impl Fn(&Parsed) -> bool) -> BTreeSet<String> {
        let cited = |p: &Parsed| {
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
        if self.whole_project {
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

    /// The sources any selected dossier cites; `None` in a whole-project
    /// run, whose findings cover every source.
    fn reported_sources(&self) -> Option<BTreeSet<String>> {
        (!self.whole_project).then(|| {
            self.parsed
                .iter()
                .filter_map(|p| p.dossier.as_ref())
                .flat_map(check::cited_sources)
                .collect()
        })
    }

    /// The problems of the project's locale files: all of them in a
    /// whole-project run, else those of the languages the dossiers use.
    fn locale_problems(&self, locales: &Locales) -> Vec<Diagnostic> {
        if self.whole_project {
            return locales.problems();
        }
        let mut found: Vec<Diagnostic> = Vec::new();
        for dossier in self.parsed.iter().filter_map(|p| p.dossier.as_ref()) {
            if let crate::locale::Resolved::Bad(problems) = locales.resolve(dossier.language()) {
                for problem in problems {
                    if !found
                        .iter()
                        .any(|d| d.message == problem.message && d.site == problem.site)
                    {
                        found.push(problem.clone());
                    }
                }
            }
        }
        found
    }

    /// Checks the dossiers `keep` selects, reading only the sources they
    /// cite (each once, looking up all its quotes) and teaching the digests
    /// of the files it reads to `learn`; the others are dropped.
    pub fn check(
        mut self,
        keep: impl Fn(&Parsed) -> bool,
        learn: Option<&dyn DigestMemo>,
    ) -> CheckedSelection {
        let needed = self.relied_on(&keep);
        let reported = self.reported_sources();
        let locales = Locales::load(&self.project);
        let coverage = crate::fonts::Coverage::of(&self.project.templates);
        let locale_problems = self.locale_problems(&locales);
        let (kept, dropped): (Vec<_>, Vec<_>) = self.parsed.into_iter().partition(|p| keep(p));
        // Checking the whole project checks every source's text, cited or
        // not; a selection only what it needs.
        let everything = self.whole_project && dropped.is_empty();
        let quotes = check::quote_requests(kept.iter().filter_map(|p| p.dossier.as_ref()));
        self.sources.read(
            &self.project,
            (!everything).then_some(&needed),
            &quotes,
            false,
            learn,
        );
        let mut unattached = self.unattached;
        unattached.extend(self.sources.diagnostics(reported.as_ref()));
        unattached.extend(locale_problems);
        let project = &self.project;
        let template_exists = |name: &str| project.has_template(name);
        let style_error = |name: &str| crate::style::Style::load(project, name).err();
        let inputs = check::CheckInputs {
            sources: &self.sources,
            locales: &locales,
            coverage: &coverage,
            template_exists: &template_exists,
            style_error: &style_error,
        };
        let checked = crate::batch::map(kept, |p| check::check(p, &inputs));
        CheckedSelection {
            locales,
            project: self.project,
            sources: self.sources,
            checked,
            unattached,
        }
    }
}

impl CheckedSelection {
    /// Checks the dossiers named by `args` (all when empty).
    pub fn check(project: Project, args: &[String]) -> anyhow::Result<CheckedSelection> {
        Ok(Selection::read(project, args)?.check(|_| true, None))
    }

    /// Every diagnostic, sorted for stable output.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.unattached.clone();
        for checked in &self.checked {
            all.extend(checked.diagnostics.iter().cloned());
        }
        crate::diag::sort(&mut all);
        all
    }
}

/// The records of the project, with source `id` read and its text kept
/// (or its problems recorded on it). An error when no record has that id,
/// suggesting a close one.
pub fn read_source(project: &Project, id: &str) -> anyhow::Result<SourceIndex> {
    let mut index = SourceIndex::scan(project);
    if !index.sources.contains_key(id) {
        let mut error = Fatal::new(format!(
            "no source `{id}` (no record `sources/**/{id}.toml`)"
        ));
        if let Some(close) = crate::spec::closest(id, index.sources.keys().map(String::as_str)) {
            error = error.help(format!("did you mean `{close}`?"));
        }
        return Err(error.into());
    }
    let wanted = BTreeSet::from([id.to_string()]);
    index.read(project, Some(&wanted), &Default::default(), true, None);
    Ok(index)
}
