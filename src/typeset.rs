//! Typst as a library: an in-memory `World` whose main file is the rendered
//! brief, whose other files come only from `templates/`, whose fonts are
//! embedded (plus `templates/fonts/`), and whose clock is the dossier's date.
//! No system fonts, no network, no packages: the PDF depends on the inputs
//! alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use typst::diag::{FileError, FileResult, PackageError, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::{Diagnostic, Rule, TextFile};
use crate::files::Escape;

mod worker;

pub use worker::{
    SUBCOMMAND as WORKER_SUBCOMMAND, enable as enable_workers, serve as serve_worker,
};

/// The one file id every brief's main file uses (ids are interned forever,
/// so one per brief would leak in a long batch).
static MAIN_ID: LazyLock<FileId> = LazyLock::new(|| project_file("/__clerk_brief__.typ"));

fn project_file(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    )
    .intern()
}

/// How many briefs are being typeset right now, across threads.
static COMPILING: AtomicUsize = AtomicUsize::new(0);

/// One brief being typeset, counted in [`COMPILING`] until it ends or its
/// thread unwinds.
struct Compiling;

impl Compiling {
    fn start() -> Compiling {
        COMPILING.fetch_add(1, Ordering::SeqCst);
        Compiling
    }

    /// Ends this one; returns how many others are still being typeset.
    fn end(self) -> usize {
        drop(self);
        COMPILING.load(Ordering::SeqCst)
    }
}

impl Drop for Compiling {
    fn drop(&mut self) {
        COMPILING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Stack for the typesetting thread: typst recurses deeply on nested
/// markup, more than a default thread's 2 MiB allow.
const TYPESET_STACK: usize = 256 * 1024 * 1024;

/// What every compilation of a run shares: the standard library and fonts.
pub struct Typesetter {
    /// Set up on first use: a build that typesets in worker processes may
    /// never need it in this one.
    shared: std::sync::OnceLock<Arc<Shared>>,
    templates: PathBuf,
    /// Longest a brief may take; a runaway template is stopped waiting for.
    timeout: Duration,
    /// Worker processes to typeset in, when there are several jobs.
    workers: Option<Arc<worker::Pool>>,
}

struct Shared {
    library: LazyHash<Library>,
    fonts: FontStore,
    /// `templates/`, the only folder a template may read from.
    root: Option<PathBuf>,
}

impl Typesetter {
    /// Sets up the library and the embedded fonts, plus any fonts under
    /// `<templates>/fonts/`.
    pub fn new(templates: &Path, timeout: Duration) -> Self {
        Typesetter {
            shared: std::sync::OnceLock::new(),
            templates: templates.to_path_buf(),
            timeout,
            workers: None,
        }
    }

    /// The library and fonts, loaded on first use.
    fn shared(&self) -> Arc<Shared> {
        let shared = self.shared.get_or_init(|| {
            let mut fonts = FontStore::new();
            fonts.extend(crate::fonts::load(&self.templates));
            Arc::new(Shared {
                library: LazyHash::new(Library::default()),
                fonts,
                root: std::fs::canonicalize(&self.templates).ok(),
            })
        });
        Arc::clone(shared)
    }

    /// Like [`Typesetter::new`], typesetting in worker processes of the
    /// `clerk` binary (see [`enable_workers`]) when `jobs` is more than one,
    /// and in this process otherwise. The PDFs are the same bytes either
    /// way.
    pub fn with_workers(templates: &Path, timeout: Duration, jobs: usize) -> Self {
        Typesetter {
            workers: (jobs > 1 && worker::enabled()).then(|| worker::Pool::new(templates, timeout)),
            ..Typesetter::new(templates, timeout)
        }
    }

    /// Compiles Typst markup into a PDF dated `date`.
    ///
    /// `ident` seeds the PDF's document id; derive it from the inputs.
    pub fn pdf(&self, job: &Job<'_>) -> Result<Vec<u8>, Vec<Diagnostic>> {
        self.pdf_warned(job).map(|(pdf, _)| pdf)
    }

    /// Like [`Typesetter::pdf`], with typst's warnings (an unknown font, a
    /// label used twice) as `warning[template]` diagnostics.
    pub fn pdf_warned(&self, job: &Job<'_>) -> Result<(Vec<u8>, Vec<Diagnostic>), Vec<Diagnostic>> {
        match &self.workers {
            Some(pool) => pool.pdf(job),
            None => self.pdf_in_process(job).map_err(|(errors, _)| errors),
        }
    }

    /// Typesets `job` on a thread of this process. An error says whether
    /// that thread was left running (it did not finish in time).
    fn pdf_in_process(&self, job: &Job<'_>) -> Result<(Vec<u8>, Vec<Diagnostic>), Unfinished> {
        let mut markup = job.markup.to_string();
        for attachment in &job.attachments {
            // Attached whatever the template does.
            markup.push_str(&format!(
                "\n#pdf.attach({}, relationship: {}, mime-type: {}, description: {})\n",
                crate::render::string_literal(attachment.name),
                crate::render::string_literal(attachment.relationship),
                crate::render::string_literal(attachment.mime_type),
                crate::render::string_literal(attachment.description),
            ));
        }
        let world = BriefWorld {
            shared: self.shared(),
            main: Source::new(*MAIN_ID, markup),
            attachments: job
                .attachments
                .iter()
                .map(|a| {
                    (
                        project_file(&format!("/{}", a.name)),
                        Bytes::new(a.bytes.to_vec()),
                    )
                })
                .collect(),
            today: job.date,
            files: Mutex::new(HashMap::new()),
            readable: job.readable.to_vec(),
        };
        let options = PdfOptions {
            ident: Smart::Custom(job.ident.to_string()),
            creator: Smart::Custom(Some(format!("clerk {}", crate::VERSION))),
            timestamp: Some(Timestamp::new_utc(job.date)),
            page_ranges: None,
            standards: PdfStandards::new(&[PdfStandard::A_3b, PdfStandard::Ua_1])
                .expect("PDF/A-3b and PDF/UA-1 combine"),
            tagged: true,
            pretty: false,
        };
        self.compile(job, world, move |document| {
            typst_pdf::pdf(document, &options)
        })
    }

    /// Typesets `job`'s markup (no attachment) and draws its first page as
    /// a PNG picture at `scale` pixels per point: the Word edition's
    /// timeline. Text is drawn as outlines, so no font is needed to show it.
    pub fn png(&self, job: &Job<'_>, scale: f32) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let world = BriefWorld {
            shared: self.shared(),
            main: Source::new(*MAIN_ID, job.markup.to_string()),
            attachments: Vec::new(),
            today: job.date,
            files: Mutex::new(HashMap::new()),
            readable: job.readable.to_vec(),
        };
        self.compile(job, world, move |document| {
            let failed = |message: String| {
                typst::ecow::eco_vec![SourceDiagnostic::error(
                    typst::syntax::Span::detached(),
                    message
                )]
            };
            let page = document
                .pages()
                .first()
                .ok_or_else(|| failed("the figure has no page".into()))?;
            let svg = typst_svg::svg(page, &typst_svg::SvgOptions::default());
            rasterize(&svg, scale).map_err(failed)
        })
        .map(|(png, _)| png)
        .map_err(|(errors, _)| errors)
    }

    /// Compiles `world` on a thread of its own, then makes the output with
    /// `finish`, within the time limit.
    fn compile<T: Send + 'static>(
        &self,
        job: &Job<'_>,
        world: BriefWorld,
        finish: impl FnOnce(&PagedDocument) -> typst::diag::SourceResult<T> + Send + 'static,
    ) -> Result<(T, Vec<Diagnostic>), Unfinished> {
        // Typst cannot be interrupted: compile on a thread of its own and
        // stop waiting for it after the time limit. A runaway thread is
        // left to the end of the process; the build goes on without it.
        let (sender, receiver) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("typeset".into())
            .stack_size(TYPESET_STACK)
            .spawn(move || {
                let compiling = Compiling::start();
                let warned = typst::compile::<PagedDocument>(&world);
                let result = warned.output.and_then(|document| finish(&document));
                // Free typst's memoised results so a batch's memory stays
                // flat. While another brief is being typeset, what was used
                // since the previous eviction survives this one: that brief
                // may be between two layout iterations, which would
                // otherwise start over (evicting everything cost two
                // threads 15 % more time per brief).
                let others = compiling.end();
                typst::comemo::evict(if others == 0 { 0 } else { 1 });
                if others == 0 {
                    crate::batch::give_back_freed_memory();
                }
                let _ = sender.send((result, warned.warnings, world));
            });
        let timed_out = || {
            vec![
                Diagnostic::new(
                    Rule::Template,
                    format!(
                        "typesetting did not finish within {} s (does the template loop, recurse or make too many pages?)",
                        self.timeout.as_secs()
                    ),
                )
                .in_file(job.template.display.clone())
                .help("check the template; for a brief that is really this long, raise the limit with `--typeset-timeout`"),
            ]
        };
        if let Err(error) = spawned {
            return Err((
                vec![
                    Diagnostic::new(
                        Rule::Template,
                        format!("cannot start typesetting ({error})"),
                    )
                    .in_file(job.template.display.clone()),
                ],
                false,
            ));
        }
        match receiver.recv_timeout(self.timeout) {
            Ok((result, warnings, world)) => {
                let diagnose = |found: &[SourceDiagnostic]| -> Vec<Diagnostic> {
                    found.iter().map(|d| world.diagnostic(d, job)).collect()
                };
                result
                    .map(|output| (output, diagnose(&warnings)))
                    .map_err(|errors| (diagnose(&errors), false))
            }
            Err(_) => Err((timed_out(), true)),
        }
    }
}

/// Why a brief was not typeset, and whether its compilation was left
/// running.
type Unfinished = (Vec<Diagnostic>, bool);

/// An SVG drawn into a PNG at `scale` pixels per SVG unit (a point), on
/// the CPU, so the same SVG gives the same bytes.
fn rasterize(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())
        .map_err(|e| format!("the figure cannot be drawn ({e})"))?;
    let size = tree.size();
    let width = (size.width() * scale).ceil() as u32;
    let height = (size.height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width.max(1), height.max(1))
        .ok_or("the figure is too large to draw")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("the figure cannot be encoded as PNG ({e})"))
}

/// One brief to typeset.
pub struct Job<'a> {
    pub markup: &'a str,
    pub date: Datetime,
    pub ident: &'a str,
    /// The template, for error locations.
    pub template: &'a crate::render::Template,
    /// The files to attach to the PDF.
    pub attachments: Vec<Attachment<'a>>,
    /// The files under `templates/` the brief may read, as the project
    /// names them (`templates/logo.png`): its recorded inputs, so that a
    /// file it reads is never missing from its manifest.
    pub readable: &'a [String],
}

/// A file embedded in the PDF (PDF/A-3 associated file).
pub struct Attachment<'a> {
    /// Its file name inside the PDF.
    pub name: &'a str,
    /// How it relates to the PDF (PDF/A-3 `AFRelationship`): `source`,
    /// `data`, `alternative` or `supplement`.
    pub relationship: &'a str,
    pub mime_type: &'a str,
    pub description: &'a str,
    pub bytes: &'a [u8],
}

/// Converts a dossier date into typst's date.
pub fn datetime(date: chrono::NaiveDate) -> Option<Datetime> {
    use chrono::Datelike;
    Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
}

/// Largest file a template may read (an image, a font, a data file).
const MAX_TEMPLATE_FILE: u64 = 64 * 1024 * 1024;

struct BriefWorld {
    shared: Arc<Shared>,
    main: Source,
    /// Each attachment's file id and bytes.
    attachments: Vec<(FileId, Bytes)>,
    today: Datetime,
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
    readable: Vec<String>,
}

impl BriefWorld {
    /// Reads a file under `templates/`, refusing anything that resolves
    /// outside it (through `..` or a symbolic link).
    fn read(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Package(PackageError::Other(Some(
                typst::ecow::eco_format!(
                    "package imports are not available in clerk templates ({spec}); put the files under templates/ instead"
                ),
            ))));
        }
        let mut cache = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cached) = cache.get(&id) {
            return cached.clone();
        }
        let result = self.read_uncached(id);
        cache.insert(id, result.clone());
        result
    }

    fn read_uncached(&self, id: FileId) -> FileResult<Bytes> {
        let root = self.shared.root.as_ref().ok_or_else(|| {
            FileError::Other(Some(
                "this project has no templates/ folder to read files from".into(),
            ))
        })?;
        let path = id.vpath().realize(root).map_err(FileError::Realize)?;
        // Messages name the file as the project knows it, not where the
        // project happens to sit on this machine.
        let shown = PathBuf::from(format!("templates{}", id.vpath().get_with_slash()));
        let canonical = match crate::files::confine(root, &path) {
            Ok(canonical) => canonical,
            Err(Escape::Unresolved(e)) => return Err(FileError::from_io(e, &shown)),
            Err(Escape::Outside(_)) => return Err(FileError::AccessDenied),
        };
        if canonical.is_dir() {
            return Err(FileError::IsDirectory);
        }
        // They are no input of the PDF, so a change to them must not be
        // able to change it unnoticed.
        if crate::builtin::is_html_template(&canonical) {
            return Err(FileError::Other(Some(
                "HTML templates (*.html.hbs) are not readable from a Typst template".into(),
            )));
        }
        // The Word edition's reference document is no input of the PDF
        // either (editing it rebuilds only the .docx).
        if crate::builtin::is_reference_docx(root, &canonical) {
            return Err(FileError::Other(Some(
                "templates/reference.docx styles the Word edition and is not readable from a Typst template".into(),
            )));
        }
        let name = crate::files::with_slashes(&shown);
        if !self.readable.contains(&name) {
            return Err(FileError::Other(Some(typst::ecow::eco_format!(
                "`{name}` is not an input of this brief: clerk counts a file under templates/ as one only when the template writes its name (a comment will do), so that editing any other file changes no brief"
            ))));
        }
        let metadata = std::fs::metadata(&canonical).map_err(|e| FileError::from_io(e, &shown))?;
        if !metadata.is_file() {
            return Err(FileError::Other(Some("not a regular file".into())));
        }
        crate::files::read_limited(&canonical, MAX_TEMPLATE_FILE)
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, &shown))
    }

    /// A typst error as a clerk diagnostic against the template.
    fn diagnostic(&self, error: &SourceDiagnostic, job: &Job<'_>) -> Diagnostic {
        let level_word = match error.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut d = Diagnostic::new(
            Rule::Template,
            format!("typst {level_word}: {}", error.message),
        )
        .in_file(job.template.display.clone());
        if error.severity == Severity::Warning {
            d.level = crate::diag::Level::Warning;
        }
        let span = error.span;
        if let (Some(id), Some(range)) = (span.id(), self.range(span)) {
            if id == *MAIN_ID {
                let rendered = TextFile::new(job.template.display.clone(), job.markup.to_string());
                let site = rendered.site(range);
                // The rendered markup is not on disk: point at the template
                // line that produced the offending line.
                match template_line(&job.template.text, &site.line_text) {
                    Some(line) => {
                        let file =
                            TextFile::new(job.template.display.clone(), job.template.text.clone());
                        let start: usize = file
                            .text
                            .split_inclusive('\n')
                            .take(line - 1)
                            .map(str::len)
                            .sum();
                        let template_line = file.text[start..].lines().next().unwrap_or_default();
                        let culprit = &site.line_text[site.highlight.clone()];
                        let range =
                            match template_line.find(culprit).filter(|_| !culprit.is_empty()) {
                                Some(at) => start + at..start + at + culprit.len(),
                                None => {
                                    let indent =
                                        template_line.len() - template_line.trim_start().len();
                                    start + indent..start + indent
                                }
                            };
                        d = d.at(file.site(range));
                        if template_line.trim() != site.line_text.trim() {
                            d = d.note(format!("rendered as: {}", site.line_text.trim()));
                        }
                    }
                    None => {
                        d = d.note(format!(
                            "in the rendered markup, line {}: {}",
                            site.line,
                            site.line_text.trim()
                        ));
                    }
                }
            } else if let Ok(source) = self.source(id) {
                let shown = format!("templates{}", id.vpath().get_with_slash());
                let file = TextFile::new(shown, source.text().to_string());
                d = d.at(file.site(range));
            }
        }
        for hint in &error.hints {
            // typst-cli's advice; clerk has no such option for templates.
            if hint.v.contains("--root") {
                d = d.help("a template reads files only from `templates/`: copy the file there");
            } else {
                d = d.help(hint.v.to_string());
            }
        }
        d
    }
}

/// The template line that most likely produced `rendered_line`: the one
/// whose literal text (outside `{{…}}`) occurs in it, in order, with the
/// most characters.
fn template_line(template: &str, rendered_line: &str) -> Option<usize> {
    let wanted = rendered_line.trim();
    if wanted.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for (index, line) in template.lines().enumerate() {
        let pieces = literal_pieces(line.trim());
        let literal: usize = pieces.iter().map(|p| p.len()).sum();
        if literal == 0 {
            continue;
        }
        let mut from = 0;
        let in_order = pieces.iter().all(|piece| match wanted[from..].find(piece) {
            Some(at) => {
                from += at + piece.len();
                true
            }
            None => false,
        });
        if in_order && best.is_none_or(|(_, most)| literal > most) {
            best = Some((index + 1, literal));
        }
    }
    best.map(|(line, _)| line)
}

/// The parts of a template line outside Handlebars tags.
fn literal_pieces(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find("{{") {
        pieces.push(&rest[..open]);
        match rest[open..].find("}}") {
            Some(close) => rest = &rest[open + close + 2..],
            None => {
                rest = "";
                break;
            }
        }
    }
    pieces.push(rest);
    pieces
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect()
}

impl World for BriefWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }

    fn main(&self) -> FileId {
        *MAIN_ID
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN_ID {
            return Ok(self.main.clone());
        }
        let bytes = self.read(id)?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *MAIN_ID {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        if let Some((_, bytes)) = self.attachments.iter().find(|(a, _)| *a == id) {
            return Ok(bytes.clone());
        }
        self.read(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
