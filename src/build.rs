//! `clerk build` as a batch: shards, freshness, parallel typesetting with
//! one shared typst library and font store, and the outputs of each brief
//! (PDF, provenance, optional markup and exports) written atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::check::{Checked, Parsed};
use crate::diag::{Diagnostic, Rule, Tally};
use crate::fresh::{self, DigestCache, Stamp};
use crate::manifest::{self, Manifest, TemplateFiles};
use crate::output::write_atomic;
use crate::project::Project;
use crate::render::TemplateCache;
use crate::selection::{CheckedSelection, Plan, Planned};
use crate::settings::{BuildSettings, Emit, Shard};
use crate::sources::SourceIndex;
use crate::{export, model, render, typeset};

/// How one brief of a build ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BriefStatus {
    Built,
    Fresh,
    Failed,
}

/// The result of a build.
#[derive(Debug)]
pub struct BuildReport {
    pub out: PathBuf,
    /// Each dossier of the selection (in its shard): id, status, PDF path.
    pub results: Vec<(String, BriefStatus, PathBuf)>,
    /// How many errors and warnings were found (each chunk's findings are
    /// handed on as [`Event::Found`], not kept).
    pub tally: Tally,
    /// Briefs whose files could not be written (an operational failure,
    /// not a finding about the inputs).
    pub write_failures: Vec<WriteFailure>,
    /// The signatures written (`--sign`): `.sig` files and envelopes.
    pub signed: Vec<PathBuf>,
    pub elapsed: Duration,
}

/// A brief that was typeset but could not be written.
#[derive(Debug)]
pub struct WriteFailure {
    pub dossier: String,
    /// What failed, naming the path and the cause.
    pub error: anyhow::Error,
}

impl BuildReport {
    pub fn count(&self, status: BriefStatus) -> usize {
        self.results.iter().filter(|(_, s, _)| *s == status).count()
    }
}

/// Progress of a build, for a progress bar or log lines.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// Another clerk holds the output folder; this build waits for it.
    Waiting(&'a Path),
    /// How many dossiers the build covers.
    Start(usize),
    Done(&'a str, BriefStatus),
    /// Findings to show now, sorted: a chunk's, then at the end those about
    /// sources and locales and the warnings fresh briefs replay.
    Found(&'a [Diagnostic]),
}

/// Builds the dossiers named by `args` (all when empty). `progress` is
/// told the total, then called once per finished dossier.
pub fn build(
    project: Project,
    args: &[String],
    settings: &BuildSettings,
    progress: &(dyn Fn(Event<'_>) + Sync),
) -> anyhow::Result<BuildReport> {
    let started = Instant::now();
    let out = settings
        .out
        .clone()
        .unwrap_or_else(|| project.output.clone());
    std::fs::create_dir_all(&out)
        .map_err(crate::files::io_error)
        .with_context(|| format!("cannot create the output folder `{}`", out.display()))?;
    let _lock = crate::output::lock_folder(&out, || progress(Event::Waiting(&out)))?;
    let mut report = BuildReport {
        out,
        results: Vec::new(),
        tally: Tally::default(),
        write_failures: Vec::new(),
        signed: Vec::new(),
        elapsed: Duration::ZERO,
    };
    let templates = TemplateCache::default();
    let template_files = TemplateFiles::read(&project);
    let summarise = |project: &Project, parsed: &Parsed, sources: &SourceIndex| Summary {
        key: dossier_key(project, parsed, sources, (&templates, &template_files)),
        template: parsed.dossier.as_ref().map(|d| d.template().to_string()),
    };
    let Some(mut plan) = select(project, args, settings.shard, &summarise)? else {
        report.elapsed = started.elapsed();
        return Ok(report);
    };
    let digests = DigestCache::of_output(&report.out);
    let fresh = fresh_briefs(&mut plan, (&report.out, settings), (&templates, &digests));
    progress(Event::Start(plan.dossiers.len()));
    let unreadable = std::mem::take(&mut plan.unreadable);
    let keys: BTreeMap<String, String> = plan
        .dossiers
        .iter()
        .filter(|p| !fresh.contains_key(&p.id))
        .filter_map(|p| Some((p.id.clone(), p.summary.key.clone()?)))
        .collect();
    let to_build = plan.dossiers.len() - fresh.len();
    let typesetter = typeset::Typesetter::with_workers(
        &plan.project.templates,
        settings.typeset_timeout,
        crate::batch::jobs().min(to_build),
    );
    let shared = Shared {
        keys: &keys,
        settings,
        templates: (&templates, &template_files),
        typesetter: &typesetter,
    };
    let streamed = plan.stream(
        |p| !fresh.contains_key(&p.id),
        Some(&digests),
        |chunk| {
            let mut found: Vec<Diagnostic> = chunk
                .checked
                .iter()
                .flat_map(|c| c.diagnostics.iter().cloned())
                .collect();
            found.extend(typeset_all(chunk, &shared, &mut report, progress));
            report.found(found, progress);
        },
    );
    let mut found = streamed.unattached;
    // A fresh brief's warnings are replayed; a dossier file that cannot be
    // read fails like one with errors.
    for (id, warnings) in fresh {
        found.extend(warnings);
        report.record(id, BriefStatus::Fresh, progress);
    }
    for id in unreadable {
        report.record(id, BriefStatus::Failed, progress);
    }
    report.found(found, progress);
    report.results.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(signer) = &settings.signer {
        sign_all(signer, &mut report);
    }
    // Only an optimisation: a cache that cannot be saved costs the next
    // build some hashing, nothing else.
    let _ = digests.save_to_output(&report.out);
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Signs every brief built or fresh (`--sign`), from the files written:
/// a fresh brief is signed as much as a rebuilt one, and the bytes signed
/// are those the provenance statement records. The brief's own files are
/// not changed.
fn sign_all(signer: &crate::sign::Signer, report: &mut BuildReport) {
    let briefs: Vec<String> = report
        .results
        .iter()
        .filter(|(_, status, _)| *status != BriefStatus::Failed)
        .map(|(id, _, _)| id.clone())
        .collect();
    for id in briefs {
        match crate::sign::sign_brief(&report.out, &id, signer) {
            Ok(written) => report.signed.extend(written),
            // The brief itself was written; only its signature is missing.
            Err(error) => {
                report.write_failures.push(WriteFailure {
                    dossier: id,
                    error: error.context("cannot sign it"),
                });
            }
        }
    }
}

impl BuildReport {
    /// Counts `found` and hands it on, sorted.
    fn found(&mut self, mut found: Vec<Diagnostic>, progress: &(dyn Fn(Event<'_>) + Sync)) {
        crate::diag::sort(&mut found);
        self.tally.add(&found);
        progress(Event::Found(&found));
    }

    fn record(&mut self, id: String, status: BriefStatus, progress: &(dyn Fn(Event<'_>) + Sync)) {
        progress(Event::Done(&id, status));
        let pdf = self.out.join(format!("{id}.pdf"));
        self.results.push((id, status, pdf));
    }
}

/// What a build decides about a dossier before checking it.
struct Summary {
    /// Its [`fresh::dossier_key`], when it parsed without errors.
    key: Option<String>,
    /// The template it names.
    template: Option<String>,
}

/// What typesetting each chunk of a build shares.
struct Shared<'a> {
    keys: &'a BTreeMap<String, String>,
    settings: &'a BuildSettings,
    templates: (&'a TemplateCache, &'a TemplateFiles),
    typesetter: &'a typeset::Typesetter,
}

/// Plans the dossiers of the build: those `args` name (all when empty),
/// less those outside the shard. `None` when the shard has none.
fn select(
    project: Project,
    args: &[String],
    shard: Option<Shard>,
    summarise: &(dyn Fn(&Project, &Parsed, &SourceIndex) -> Summary + Sync),
) -> anyhow::Result<Option<Plan<Summary>>> {
    let paths = project.select(args)?;
    let Some(shard) = shard else {
        return Ok(Some(Plan::of_files(
            project,
            paths,
            args.is_empty(),
            summarise,
        )));
    };
    // A shard names its dossiers up front, so only the sources they cite
    // are read and hashed.
    let paths: Vec<PathBuf> = paths
        .into_iter()
        .filter(|path| {
            path.file_stem()
                .is_some_and(|stem| shard.contains(&stem.to_string_lossy()))
        })
        .collect();
    Ok((!paths.is_empty()).then(|| Plan::of_files(project, paths, false, summarise)))
}

/// A parsed dossier's [`fresh::dossier_key`], known before any source is
/// read, when it parsed without errors.
fn dossier_key(
    project: &Project,
    parsed: &Parsed,
    sources: &SourceIndex,
    templates: (&TemplateCache, &TemplateFiles),
) -> Option<String> {
    let dossier = parsed
        .dossier
        .as_ref()
        .filter(|_| !has_errors(&parsed.diagnostics))?;
    fresh::dossier_key(project, sources, &parsed.input, dossier, templates)
}

/// The briefs that need no rebuild, with the warnings their stamps keep.
///
/// A brief may be fresh if it has a stamp made from the same dossier,
/// template and records, by a build that wrote the files this one is asked
/// for (`--emit`); whether its sources are unchanged needs their digests,
/// so only those sources are hashed here. The sources of the
/// other dossiers are read once, when they are checked.
fn fresh_briefs(
    plan: &mut Plan<Summary>,
    (out, settings): (&Path, &BuildSettings),
    (templates, digests): (&TemplateCache, &DigestCache),
) -> BTreeMap<String, Vec<Diagnostic>> {
    if settings.force {
        return BTreeMap::new();
    }
    let reference_docx = fresh::project_reference_docx_key(&plan.project);
    let candidates: BTreeMap<String, Stamp> = plan
        .dossiers
        .iter()
        .filter_map(|planned| {
            let (id, key) = (&planned.id, planned.summary.key.as_ref()?);
            let stamp = Stamp::read(out, id)?;
            let html = fresh::exports_to_write(out, id, &settings.emit)
                .contains(&Emit::Html)
                .then(|| {
                    let name = planned.summary.template.as_ref()?;
                    Some(html_template_key(&plan.project, name, templates))
                });
            let docx = fresh::exports_to_write(out, id, &settings.emit).contains(&Emit::Docx);
            let may_be = stamp.may_be_fresh(key)
                && stamp.wrote(out, id, &settings.emit)
                && html.is_none_or(|html| html.is_some_and(|html| stamp.has_html_template(&html)))
                && (!docx || stamp.has_reference_docx(&reference_docx));
            may_be.then(|| (id.clone(), stamp))
        })
        .collect();
    if candidates.is_empty() {
        return BTreeMap::new();
    }
    plan.hash_sources(|p| candidates.contains_key(&p.id), Some(digests));
    let sources = &plan.sources;
    let candidates: Vec<(&Planned<Summary>, &Stamp)> = plan
        .dossiers
        .iter()
        .filter_map(|p| Some((p, candidates.get(&p.id)?)))
        .collect();
    crate::batch::map(candidates, |(p, stamp)| {
        let brief_key = fresh::brief_key(p.summary.key.as_ref()?, sources, &plan.cited(p))?;
        let fresh = stamp.is_fresh(out, &p.id, &brief_key, (&settings.emit, digests));
        fresh.then(|| (p.id.clone(), stamp.warnings().to_vec()))
    })
    .into_iter()
    .flatten()
    .collect()
}

/// The [`fresh::html_template_key`] of the HTML template of dossiers whose
/// template is `name`; an unreadable template gives a key no stamp has.
fn html_template_key(project: &Project, name: &str, templates: &TemplateCache) -> String {
    templates.get_html(project, name).map_or_else(
        |_| "unreadable".to_string(),
        |t| fresh::html_template_key(&t),
    )
}

/// How typesetting and writing one brief ended.
enum Typeset {
    /// Written, with typst's warnings.
    Written(Vec<Diagnostic>),
    /// The template failed to render or typeset.
    Failed(Vec<Diagnostic>),
    /// Typeset, but its files could not be written.
    Unwritten(anyhow::Error),
}

/// Typesets and writes every buildable brief of a checked chunk in
/// parallel; the others are failed. Returns typst's findings.
fn typeset_all(
    checked: &CheckedSelection,
    shared: &Shared<'_>,
    report: &mut BuildReport,
    progress: &(dyn Fn(Event<'_>) + Sync),
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let Shared {
        keys,
        settings,
        templates: (templates, template_files),
        typesetter,
    } = *shared;
    for dossier in checked.checked.iter().filter(|c| !c.is_buildable()) {
        report.record(dossier.input.id.clone(), BriefStatus::Failed, progress);
    }
    let buildable: Vec<&Checked> = checked
        .checked
        .iter()
        .filter(|c| c.is_buildable())
        .collect();
    let out = &report.out;
    let outcomes = crate::batch::map(buildable, |dossier| {
        let id = &dossier.input.id;
        let beside = fresh::exports_to_write(out, id, &settings.emit);
        let html = beside.contains(&Emit::Html);
        let built = build_brief(
            checked,
            dossier,
            typesetter,
            (templates, template_files, html),
        )
        .and_then(|mut built| {
            if beside.contains(&Emit::Docx) {
                built.docx = Some(docx_edition(checked, dossier, &built, typesetter)?);
            }
            Ok(built)
        });
        let outcome = match built {
            Err(failure) => {
                // The markup is what a template author needs most when
                // typst fails on it.
                let markup = failure
                    .markup
                    .filter(|_| settings.emit.contains(&crate::settings::Emit::Typ));
                match markup.map(|m| write_atomic(&out.join(format!("{id}.typ")), m.as_bytes())) {
                    Some(Err(error)) => Typeset::Unwritten(error),
                    _ => Typeset::Failed(failure.diagnostics),
                }
            }
            Ok(built) => {
                let found: Vec<Diagnostic> = dossier
                    .diagnostics
                    .iter()
                    .chain(&built.warnings)
                    .cloned()
                    .collect();
                let exports = render_exports(out, id, &built, settings);
                let stamp = dossier.dossier.as_ref().and_then(|_| {
                    let dossier_key = keys.get(id)?;
                    let brief_key =
                        fresh::brief_key(dossier_key, &checked.sources, &dossier.source_ids)?;
                    let keys = (dossier_key.as_str(), brief_key.as_str());
                    Some(
                        Stamp::new(keys, &built.pdf, &exports, &found)
                            .with_html_template(built.html.as_ref().map(|h| h.template_key.clone()))
                            .with_reference_docx(
                                built.docx.as_ref().map(|d| d.reference_key.clone()),
                            ),
                    )
                });
                let files = Outputs {
                    built: &built,
                    exports: &exports,
                    stamp: stamp.as_ref(),
                };
                match write_outputs(out, id, &files, settings) {
                    Ok(()) => Typeset::Written(built.warnings),
                    Err(error) => Typeset::Unwritten(error),
                }
            }
        };
        let status = match outcome {
            Typeset::Written(_) => BriefStatus::Built,
            _ => BriefStatus::Failed,
        };
        progress(Event::Done(id, status));
        (id.clone(), outcome)
    });
    for (id, outcome) in outcomes {
        let pdf = report.out.join(format!("{id}.pdf"));
        let status = match outcome {
            Typeset::Written(warnings) => {
                found.extend(warnings);
                BriefStatus::Built
            }
            Typeset::Failed(failure) => {
                found.extend(failure);
                BriefStatus::Failed
            }
            Typeset::Unwritten(error) => {
                report.write_failures.push(WriteFailure {
                    dossier: id.clone(),
                    error,
                });
                BriefStatus::Failed
            }
        };
        report.results.push((id, status, pdf));
    }
    found
}

/// A brief's PDF, the markup it was typeset from, its manifest and the
/// brief as data, which its exports are made from.
pub struct Built {
    pub pdf: Vec<u8>,
    /// Typst's warnings about the template.
    pub warnings: Vec<Diagnostic>,
    pub markup: String,
    pub manifest: Manifest,
    pub data: export::Brief,
    /// The template context the PDF was rendered from.
    pub brief: model::Brief,
    /// The HTML edition, when it was asked for.
    pub html: Option<HtmlEdition>,
    /// The Word edition, when it was asked for.
    pub docx: Option<DocxEdition>,
}

impl Built {
    /// The bytes of file `kind` ([`fresh::BESIDE_PDF`]) of this brief:
    /// an export, or the HTML edition if it was rendered.
    pub fn beside(&self, kind: Emit) -> Option<Vec<u8>> {
        match kind {
            Emit::Html => Some(self.html.as_ref()?.html.clone().into_bytes()),
            Emit::Docx => Some(self.docx.as_ref()?.docx.clone()),
            _ => export::render(kind, &self.data),
        }
    }
}

/// A brief's HTML edition and what its template was.
pub struct HtmlEdition {
    pub html: String,
    /// [`fresh::html_template_key`] of its template.
    pub template_key: String,
}

/// A brief's Word edition and what it was styled with.
pub struct DocxEdition {
    pub docx: Vec<u8>,
    /// The manifest it carries: the PDF's, and its reference document.
    pub manifest: Manifest,
    /// [`fresh::reference_docx_key`] of its reference document.
    pub reference_key: String,
}

/// Pixels per point of the Word edition's timeline picture (216 dpi).
const FIGURE_SCALE: f32 = 3.0;

/// Writes the Word edition of `built`, styled by the project's
/// `templates/reference.docx` or the built-in styles, with the timeline
/// drawn by typst and the manifest of `built` naming the reference
/// document.
pub fn docx_edition(
    selection: &CheckedSelection,
    checked: &Checked,
    built: &Built,
    typesetter: &typeset::Typesetter,
) -> Result<DocxEdition, Vec<Diagnostic>> {
    let id = &checked.input.id;
    let project = &selection.project;
    let path = project.templates.join(crate::docx::REFERENCE_DOCX);
    let shown = project.display(&path);
    let unusable = |why: String| {
        vec![
            Diagnostic::new(
                Rule::Template,
                format!("the reference document `{shown}` cannot be used: {why}"),
            )
            .in_file(shown.clone())
            .dossier(id.clone())
            .help("start from clerk's: `clerk template reference-docx > templates/reference.docx`, then restyle it in Word and save it as a .docx"),
        ]
    };
    let mut manifest = built.manifest.clone();
    let (reference, reference_key) = if std::fs::symlink_metadata(&path).is_ok() {
        let bytes = crate::files::read_limited(&path, project.max_source_size)
            .map_err(|e| unusable(format!("{e:#}")))?;
        manifest.reference_docx = Some(manifest::FileEntry {
            path: shown.clone(),
            sha256: crate::files::sha256_hex(&bytes),
        });
        let reference = crate::docx::Reference::read(&bytes).map_err(unusable)?;
        (reference, fresh::reference_docx_key(Some(&bytes)))
    } else {
        (
            crate::docx::Reference::builtin(),
            fresh::reference_docx_key(None),
        )
    };
    let figure = match crate::docx::timeline_markup(&built.brief) {
        None => None,
        Some(markup) => {
            let dossier = checked
                .dossier
                .as_ref()
                .ok_or_else(|| unusable("the dossier did not parse".into()))?;
            let date = typeset::datetime(dossier.date.get_ref().0)
                .ok_or_else(|| unusable(format!("typst has no date {}", dossier.date.get_ref())))?;
            let template = crate::render::Template::inline("built-in Word timeline");
            let png = typesetter
                .png(
                    &typeset::Job {
                        markup: &markup,
                        date,
                        ident: &manifest.options.ident,
                        template: &template,
                        attachments: Vec::new(),
                        readable: &[],
                    },
                    FIGURE_SCALE,
                )
                .map_err(|found| {
                    found
                        .into_iter()
                        .map(|d| d.dossier(id.clone()))
                        .collect::<Vec<_>>()
                })?;
            let (width, height) = crate::docx::figure_size(&built.brief);
            Some(crate::docx::Figure { png, width, height })
        }
    };
    let docx = crate::docx::write(
        &built.brief,
        &reference,
        figure.as_ref(),
        &manifest.to_bytes(),
    )
    .map_err(unusable)?;
    Ok(DocxEdition {
        docx,
        manifest,
        reference_key,
    })
}

/// Why a brief was not built: the findings, and the markup when the
/// template rendered but typst failed on it.
pub struct BriefFailure {
    pub diagnostics: Vec<Diagnostic>,
    pub markup: Option<String>,
}

impl From<Vec<Diagnostic>> for BriefFailure {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        BriefFailure {
            diagnostics,
            markup: None,
        }
    }
}

/// Renders and typesets one checked dossier of `selection`, in memory, with
/// its template from `templates`, and renders its HTML edition when `html`
/// says so.
pub fn build_brief(
    selection: &CheckedSelection,
    checked: &Checked,
    typesetter: &typeset::Typesetter,
    (templates, template_files, html): (&TemplateCache, &TemplateFiles, bool),
) -> Result<Built, BriefFailure> {
    let id = &checked.input.id;
    let with_dossier = |d: Diagnostic| d.dossier(id.clone());
    let internal = |cause: String| {
        vec![with_dossier(Diagnostic::new(
            Rule::Template,
            format!("internal: the dossier is not buildable ({cause})"),
        ))]
    };
    let dossier = checked
        .dossier
        .as_ref()
        .ok_or_else(|| internal("it did not parse".into()))?;
    let mut brief = model::brief(checked, &selection.sources, &selection.locales)
        .map_err(|cause| internal(cause.to_string()))?;
    let data = export::brief::of(checked, &selection.sources, &brief)
        .map_err(|cause| internal(cause.to_string()))?;
    let style = crate::style::Style::load(&selection.project, dossier.citation_style())
        .map_err(internal)?;
    crate::cite::apply(&mut brief, &data, &style);
    let template = templates
        .get(&selection.project, dossier.template())
        .map_err(|e| {
            vec![with_dossier(
                Diagnostic::new(Rule::UnknownTemplate, format!("{e:#}"))
                    .in_file(checked.input.file.display.clone()),
            )]
        })?;
    let markup = render::render(&template, &brief).map_err(|d| vec![with_dossier(*d)])?;
    let html = html
        .then(|| html_edition(selection, checked, dossier.template(), (templates, &brief)))
        .transpose()
        .map_err(|d| vec![with_dossier(*d)])?;
    let date = typeset::datetime(dossier.date.get_ref().0)
        .ok_or_else(|| internal(format!("typst has no date {}", dossier.date.get_ref())))?;
    let manifest = Manifest::of(
        &selection.project,
        checked,
        &selection.sources,
        (&template, template_files),
    )
    .map_err(internal)?;
    let manifest_bytes = manifest.to_bytes();
    let readable: Vec<String> = manifest
        .template
        .files
        .iter()
        .map(|f| f.path.clone())
        .collect();
    // The brief as data travels with the PDF, so `clerk diff` can compare
    // two PDFs with no project at hand.
    let data_bytes = export::render(Emit::Json, &data).unwrap_or_default();
    let typeset = typesetter.pdf_warned(&typeset::Job {
        markup: &markup,
        date,
        ident: &manifest.options.ident,
        template: &template,
        attachments: vec![
            Manifest::attachment(&manifest_bytes),
            Manifest::brief_attachment(&data_bytes),
        ],
        readable: &readable,
    });
    let (pdf, warnings) = match typeset {
        Ok(typeset) => typeset,
        Err(found) => {
            return Err(BriefFailure {
                diagnostics: found.into_iter().map(with_dossier).collect(),
                markup: Some(markup),
            });
        }
    };
    Ok(Built {
        pdf,
        warnings: warnings.into_iter().map(with_dossier).collect(),
        markup,
        manifest,
        data,
        brief,
        html,
        docx: None,
    })
}

/// Renders the HTML edition of `brief` with the HTML template of dossiers
/// whose template is `name`.
pub fn html_edition(
    selection: &CheckedSelection,
    checked: &Checked,
    name: &str,
    (templates, brief): (&TemplateCache, &model::Brief),
) -> Result<HtmlEdition, Box<Diagnostic>> {
    let template = templates.get_html(&selection.project, name).map_err(|e| {
        Box::new(
            Diagnostic::new(Rule::UnknownTemplate, format!("{e:#}"))
                .in_file(checked.input.file.display.clone()),
        )
    })?;
    Ok(HtmlEdition {
        html: render::render(&template, brief)?,
        template_key: fresh::html_template_key(&template),
    })
}

/// The exports to write beside brief `id` ([`fresh::exports_to_write`]):
/// file names and bytes.
fn render_exports(
    out: &Path,
    id: &str,
    built: &Built,
    settings: &BuildSettings,
) -> Vec<(String, Vec<u8>)> {
    fresh::exports_to_write(out, id, &settings.emit)
        .into_iter()
        .filter_map(|kind| Some((kind.file_name(id), built.beside(kind)?)))
        .collect()
}

/// What is written for one brief.
struct Outputs<'a> {
    built: &'a Built,
    exports: &'a [(String, Vec<u8>)],
    stamp: Option<&'a Stamp>,
}

/// Writes a brief's files: the markup when asked, the exports, the PDF, its
/// provenance (whose subjects are the PDF and the exports) and its
/// freshness stamp.
fn write_outputs(
    out: &Path,
    id: &str,
    files: &Outputs<'_>,
    settings: &BuildSettings,
) -> anyhow::Result<()> {
    let built = files.built;
    if settings.emit.contains(&Emit::Typ) {
        write_atomic(&out.join(Emit::Typ.file_name(id)), built.markup.as_bytes())?;
    }
    for (name, bytes) in files.exports {
        write_atomic(&out.join(name), bytes)?;
    }
    let pdf_name = format!("{id}.pdf");
    write_atomic(&out.join(&pdf_name), &built.pdf)?;
    let mut subjects = vec![(pdf_name.as_str(), built.pdf.as_slice())];
    subjects.extend(
        files
            .exports
            .iter()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
    );
    let statement = manifest::provenance(&built.manifest, &subjects);
    let mut json = serde_json::to_vec_pretty(&statement)?;
    json.push(b'\n');
    write_atomic(&out.join(format!("{id}.provenance.json")), &json)?;
    if let Some(stamp) = files.stamp {
        stamp
            .write(out, id)
            .with_context(|| format!("cannot write the freshness stamp of `{id}`"))?;
    }
    Ok(())
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}
