//! The dossiers a command works on, taken through the check as a stream:
//! a first read of every dossier plans the batch ([`Plan`]: what each
//! dossier cites, and what a build needs to decide freshness), then the
//! dossiers are read again, checked and handed on a chunk at a time
//! ([`Plan::stream`]), so memory holds one chunk of dossiers whatever the
//! size of the batch. A source is read once per window of dossiers that
//! quote it, and its text dropped once their quotes are looked up. Also
//! the one source `clerk text` and `clerk find` read ([`read_source`]).

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::check::{self, Checked, Parsed};
use crate::diag::{Diagnostic, Fatal, Rule};
use crate::files::DigestMemo;
use crate::locale::Locales;
use crate::project::{DossierFile, Project};
use crate::sources::{QuoteRequests, SourceIndex};

/// How many dossiers a stream checks and hands on at a time: enough to
/// keep every thread busy, few enough that their findings stay small.
const CHUNK: usize = 128;

/// `CLERK_STREAM=CHUNK,WINDOW` sets both sizes: for tests and benchmarks
/// that cross their boundaries with a few dossiers, not for users (the
/// output is the same whatever they are).
fn stream_sizes() -> (usize, usize) {
    let set = std::env::var("CLERK_STREAM").ok().and_then(|value| {
        let (chunk, window) = value.split_once(',')?;
        Some((chunk.trim().parse().ok()?, window.trim().parse().ok()?))
    });
    match set {
        Some((chunk, window)) if chunk > 0 && window >= chunk => (chunk, window),
        _ => (CHUNK, WINDOW),
    }
}

/// How many dossiers' quotes a stream looks up in the sources together:
/// each source is read once per window that quotes it, so a batch of up
/// to this many dossiers reads each source once, and memory holds one
/// window's quotes and what they found (some 40 KB a dossier) whatever
/// the size of the batch.
const WINDOW: usize = 1024;

/// A batch of dossiers read once and summarised: what [`Plan::stream`]
/// needs to read them again a chunk at a time, and each dossier's summary
/// `T` (what the command decides before checking, e.g. a build's
/// freshness keys).
#[derive(Debug)]
pub struct Plan<T> {
    pub project: Project,
    pub sources: SourceIndex,
    pub dossiers: Vec<Planned<T>>,
    /// Findings not tied to one readable dossier (an unreadable file).
    pub unattached: Vec<Diagnostic>,
    /// Ids of selected dossiers whose files could not be read.
    pub unreadable: Vec<String>,
    /// Whether the selection is the whole project, whose every record and
    /// source is checked, cited or not.
    whole_project: bool,
    /// Every source id a dossier cites, once: dossiers name them by index,
    /// so a plan of 100,000 dossiers does not hold millions of strings.
    cited_ids: Vec<String>,
}

/// What a [`Plan`] keeps of one dossier between its two reads.
#[derive(Debug)]
pub struct Planned<T> {
    pub id: String,
    path: PathBuf,
    /// The file's digest at the first read: a dossier that changes before
    /// the second is not checked against the wrong plan.
    sha256: String,
    /// The sources it pins or cites (none when it did not parse), as
    /// indexes into the plan's `cited_ids` ([`Plan::cited`]).
    cited: Vec<u32>,
    pub summary: T,
}

/// The outcome of checking a selection of dossiers, or one chunk of it.
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

/// What a stream leaves when its last chunk is done.
#[derive(Debug)]
pub struct Streamed {
    pub project: Project,
    pub sources: SourceIndex,
    pub locales: Locales,
    /// Findings not tied to one checked dossier, sorted.
    pub unattached: Vec<Diagnostic>,
}

impl<T: Send + Sync> Plan<T> {
    /// Reads the dossiers named by `args` (all of `dossiers/` when empty),
    /// scans the records and summarises each dossier with `summarise`.
    pub fn read(
        project: Project,
        args: &[String],
        summarise: impl Fn(&Project, &Parsed, &SourceIndex) -> T + Sync,
    ) -> anyhow::Result<Plan<T>> {
        let paths = project.select(args)?;
        Ok(Plan::of_files(project, paths, args.is_empty(), summarise))
    }

    /// Like [`Plan::read`], for the dossier files `paths`; `whole_project`
    /// when they are every dossier of the project.
    pub fn of_files(
        project: Project,
        paths: Vec<PathBuf>,
        whole_project: bool,
        summarise: impl Fn(&Project, &Parsed, &SourceIndex) -> T + Sync,
    ) -> Plan<T> {
        let sources = SourceIndex::scan(&project);
        let mut unattached = Vec::new();
        let mut unreadable = Vec::new();
        let mut dossiers = Vec::with_capacity(paths.len());
        let mut cited_ids: Vec<String> = Vec::new();
        let mut index_of: std::collections::HashMap<String, u32> = Default::default();
        for chunk in paths.chunks(stream_sizes().0) {
            let read = crate::batch::map(chunk.to_vec(), |path| {
                let input = project.read_dossier(&path)?;
                let sha256 = input.sha256.clone();
                let parsed = check::parse(input);
                let cited = parsed
                    .dossier
                    .as_ref()
                    .map(check::cited_sources)
                    .unwrap_or_default();
                Ok((
                    Planned {
                        id: parsed.input.id.clone(),
                        path,
                        sha256,
                        cited: Vec::new(),
                        summary: summarise(&project, &parsed, &sources),
                    },
                    cited,
                ))
            });
            for outcome in read {
                match outcome {
                    Ok((mut planned, cited)) => {
                        planned.cited = cited
                            .into_iter()
                            .map(|id| {
                                *index_of.entry(id).or_insert_with_key(|id| {
                                    cited_ids.push(id.clone());
                                    (cited_ids.len() - 1) as u32
                                })
                            })
                            .collect();
                        dossiers.push(planned);
                    }
                    Err(d) => {
                        let d: Box<Diagnostic> = d;
                        unreadable.extend(d.dossier.clone());
                        unattached.push(*d);
                    }
                }
            }
        }
        Plan {
            project,
            sources,
            dossiers,
            unattached,
            unreadable,
            whole_project,
            cited_ids,
        }
    }

    /// The sources `planned` pins or cites.
    pub fn cited(&self, planned: &Planned<T>) -> BTreeSet<String> {
        planned
            .cited
            .iter()
            .map(|&index| self.cited_ids[index as usize].clone())
            .collect()
    }

    /// Hashes the files of the sources the dossiers `of` selects rely on
    /// (and, in a whole-project run, of the sources no dossier cites),
    /// without keeping their text, so freshness can be decided; digests
    /// `remembered` holds for unchanged files are reused.
    pub fn hash_sources(
        &mut self,
        of: impl Fn(&Planned<T>) -> bool,
        remembered: Option<&dyn DigestMemo>,
    ) {
        let ids = self.relied_on(of);
        self.sources.load(&self.project, Some(&ids), remembered);
    }

    /// The sources the dossiers `of` selects cite and, in a whole-project
    /// run, the sources no dossier cites (their records and files are
    /// checked all the same, whichever briefs are fresh).
    fn relied_on(&self, of: impl Fn(&Planned<T>) -> bool) -> BTreeSet<String> {
        let mut ids: BTreeSet<String> = self
            .dossiers
            .iter()
            .filter(|p| of(p))
            .flat_map(|p| self.cited(p))
            .collect();
        if self.whole_project {
            ids.extend(self.uncited());
        }
        ids
    }

    /// The sources no dossier of the plan cites.
    fn uncited(&self) -> Vec<String> {
        let anywhere: BTreeSet<&String> = self.cited_ids.iter().collect();
        self.sources
            .sources
            .keys()
            .filter(|id| !anywhere.contains(id))
            .cloned()
            .collect()
    }

    /// The sources any selected dossier cites; `None` in a whole-project
    /// run, whose findings cover every source.
    fn reported_sources(&self) -> Option<BTreeSet<String>> {
        (!self.whole_project).then(|| self.cited_ids.iter().cloned().collect())
    }

    /// Checks the dossiers `keep` selects, a chunk at a time, and hands
    /// each checked chunk to `each` (in the order of the plan); the others
    /// are dropped. Each dossier is read again, each source once per
    /// window for all the quotes of the window's dossiers that cite it;
    /// the digests of the files read are taught to `learn`.
    pub fn stream(
        mut self,
        keep: impl Fn(&Planned<T>) -> bool,
        learn: Option<&dyn DigestMemo>,
        mut each: impl FnMut(&mut CheckedSelection),
    ) -> Streamed {
        let reported = self.reported_sources();
        let locales = Locales::load(&self.project);
        let coverage = crate::fonts::Coverage::of(&self.project.templates);
        // A whole-project run checks every source's file, cited or not.
        let uncited: BTreeSet<String> = match self.whole_project {
            true => self.uncited().into_iter().collect(),
            false => BTreeSet::new(),
        };
        let kept: Vec<Planned<T>> = std::mem::take(&mut self.dossiers)
            .into_iter()
            .filter(|p| keep(p))
            .collect();
        let cited_ids = std::mem::take(&mut self.cited_ids);
        let mut languages = BTreeSet::new();
        let mut chunk_view = CheckedSelection {
            project: self.project,
            sources: self.sources,
            locales,
            checked: Vec::new(),
            unattached: Vec::new(),
        };
        let (chunk_size, window_size) = stream_sizes();
        for window in kept.chunks(window_size) {
            // Read once for the window's quotes, and again a chunk at a time
            // to check: holding a window's parsed dossiers would cost more
            // memory than parsing them twice costs time.
            let project = &chunk_view.project;
            let mut quotes = QuoteRequests::new();
            for chunk in window.chunks(chunk_size) {
                let parsed = read_again(project, chunk);
                let asked = check::quote_requests(parsed.iter().filter_map(|p| p.dossier.as_ref()));
                for (source, asked) in asked {
                    quotes.entry(source).or_default().extend(asked);
                }
            }
            let needed: BTreeSet<String> = window
                .iter()
                .flat_map(|p| &p.cited)
                .map(|&index| cited_ids[index as usize].clone())
                .collect();
            chunk_view.sources.look_up(project, &needed, &quotes, learn);
            drop(quotes);
            for chunk in window.chunks(chunk_size) {
                let project = &chunk_view.project;
                let parsed = read_again(project, chunk);
                languages.extend(
                    parsed
                        .iter()
                        .filter_map(|p| p.dossier.as_ref())
                        .map(|d| d.language().to_string()),
                );
                let template_exists = |name: &str| project.has_template(name);
                let style_error = |name: &str| crate::style::Style::load(project, name).err();
                let inputs = check::CheckInputs {
                    sources: &chunk_view.sources,
                    locales: &chunk_view.locales,
                    coverage: &coverage,
                    template_exists: &template_exists,
                    style_error: &style_error,
                };
                chunk_view.checked = crate::batch::map(parsed, |p| check::check(p, &inputs));
                each(&mut chunk_view);
                chunk_view.checked = Vec::new();
                crate::batch::give_back_freed_memory();
            }
            chunk_view.sources.forget_lookups(&needed);
            crate::batch::give_back_freed_memory();
        }
        let CheckedSelection {
            project,
            mut sources,
            locales,
            ..
        } = chunk_view;
        sources.read(&project, Some(&uncited), &Default::default(), false, learn);
        let mut unattached = self.unattached;
        unattached.extend(sources.diagnostics(reported.as_ref()));
        unattached.extend(locale_problems(&locales, self.whole_project, &languages));
        crate::diag::sort(&mut unattached);
        Streamed {
            project,
            sources,
            locales,
            unattached,
        }
    }
}

/// The problems of the project's locale files: all of them in a
/// whole-project run, else those of `languages`, the languages the
/// dossiers use.
fn locale_problems(
    locales: &Locales,
    whole_project: bool,
    languages: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    if whole_project {
        return locales.problems();
    }
    let mut found: Vec<Diagnostic> = Vec::new();
    for language in languages {
        if let crate::locale::Resolved::Bad(problems) = locales.resolve(language) {
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

/// Planned dossiers read and parsed again, on the worker threads.
fn read_again<T: Sync>(project: &Project, chunk: &[Planned<T>]) -> Vec<Parsed> {
    crate::batch::map(chunk.iter().collect(), |planned| {
        read_one_again(project, planned)
    })
}

/// A planned dossier read and parsed again; a file that went away or
/// changed since the plan is a finding, and the dossier is not built.
fn read_one_again<T>(project: &Project, planned: &Planned<T>) -> Parsed {
    match project.read_dossier(&planned.path) {
        Ok(input) if input.sha256 == planned.sha256 => check::parse(input),
        Ok(input) => Parsed {
            diagnostics: vec![
                Diagnostic::new(
                    Rule::Syntax,
                    "the dossier changed while clerk was reading the batch".to_string(),
                )
                .in_file(input.file.display.clone())
                .dossier(planned.id.clone())
                .help("run clerk again once nothing is writing to `dossiers/`"),
            ],
            input,
            dossier: None,
        },
        Err(found) => Parsed {
            input: DossierFile {
                id: planned.id.clone(),
                file: crate::diag::TextFile::new(project.display(&planned.path), String::new()),
                sha256: String::new(),
            },
            dossier: None,
            diagnostics: vec![*found],
        },
    }
}

impl CheckedSelection {
    /// Checks the dossiers named by `args` (all when empty), keeping them
    /// all: for commands that work on a few dossiers (`verify`, `diff`).
    pub fn check(project: Project, args: &[String]) -> anyhow::Result<CheckedSelection> {
        let plan = Plan::read(project, args, |_, _, _| ())?;
        let mut checked = Vec::new();
        let streamed = plan.stream(|_| true, None, |chunk| checked.append(&mut chunk.checked));
        Ok(CheckedSelection {
            project: streamed.project,
            sources: streamed.sources,
            locales: streamed.locales,
            checked,
            unattached: streamed.unattached,
        })
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
