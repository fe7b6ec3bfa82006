//! The evidence: discovering source records under `sources/`, resolving
//! their files safely, hashing the raw bytes and reading the text.
//!
//! A file's bytes are hashed and decoded together, so what was pinned is
//! exactly what quotes are checked against. Sources are read one at a time
//! (on each worker thread): a source's text lives only while the quotes
//! that cite it are looked up, and what is kept is each quote's
//! [`Lookup`], so memory is bounded by the largest source, not the
//! project. A file read again after hashing must hash the same.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Rule, TextFile};
use crate::digests::DigestCache;
use crate::quote::{self, LineIndex, Locator, Normalised};
use crate::spec::{self, Record};

/// Largest source file clerk reads by default, in bytes (256 MiB);
/// `--max-source-size` changes it.
pub const MAX_SOURCE_SIZE: u64 = 256 * 1024 * 1024;

/// Deepest folder nesting under `sources/` that is walked.
pub const MAX_DEPTH: usize = 64;

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    hex
}

/// Every source record of a project, by source id.
#[derive(Debug, Default)]
pub struct SourceIndex {
    pub sources: BTreeMap<String, Source>,
    /// Problems that belong to no single usable source id (a record whose
    /// stem is not an id, a walk error).
    pub orphans: Vec<Diagnostic>,
}

/// One source: its record and, once loaded, its file.
#[derive(Debug)]
pub struct Source {
    pub id: String,
    /// The record file, for diagnostics.
    pub record_file: TextFile,
    pub record_sha256: String,
    /// `None` when the record did not parse.
    pub record: Option<Record>,
    /// The source file, when it resolved and was read.
    pub content: Option<Content>,
    /// Whether reading the file was tried (its problems are recorded once).
    tried: bool,
    /// Findings about the record or its file.
    pub problems: Vec<Diagnostic>,
}

/// A source file's digest and, once read, what its quotes found.
#[derive(Debug)]
pub struct Content {
    /// The path as shown to the user, relative to the project root.
    pub display: String,
    /// The canonical path, for reading the file again.
    path: PathBuf,
    /// The path inside `sources/`, with `/` separators.
    pub relative: String,
    pub sha256: String,
    pub len: u64,
    /// How the file is read, `None` when clerk cannot read it.
    pub format: Option<SourceFormat>,
    /// Whether the text was decoded (successfully or not).
    decoded: bool,
    /// The quotes looked up in the text, by quote as written.
    lookups: HashMap<String, Lookup>,
    /// The text, kept only when asked for (`clerk text`).
    pub text: Option<SourceText>,
}

/// Quotes to look up, by source id (see [`SourceIndex::read`]).
pub type QuoteRequests = BTreeMap<String, BTreeSet<String>>;

/// A quote looked up in a source's text, with its locators resolved so the
/// text itself can be dropped.
pub type Lookup = Result<Located, Box<LocatedMiss>>;

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub found: quote::Match,
    pub locator: Locator,
}

/// Why a quote was not found, and where its closest passage is.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedMiss {
    pub miss: quote::Miss,
    /// The locator of `miss.nearest`.
    pub nearest: Option<Locator>,
}

/// The kinds of source file clerk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// `.txt` and `.md`: UTF-8 text.
    Text,
    /// `.html` and `.htm`: the text a reader sees in the body.
    Html,
    /// `.pdf`: the text layer, page by page.
    Pdf,
}

impl SourceFormat {
    /// The format of a file with this (lower-case) extension.
    pub fn from_extension(extension: &str) -> Option<SourceFormat> {
        match extension {
            "txt" | "md" => Some(SourceFormat::Text),
            "html" | "htm" => Some(SourceFormat::Html),
            "pdf" => Some(SourceFormat::Pdf),
            _ => None,
        }
    }
}

/// The text of a source, normalised and indexed for locators. For HTML and
/// PDF sources, `raw` is the extracted text.
#[derive(Debug)]
pub struct SourceText {
    pub raw: String,
    pub normalised: Normalised,
    pub lines: LineIndex,
}

impl SourceText {
    /// The text of a text file (or of an HTML page's extracted text).
    pub fn new(raw: String) -> Self {
        let normalised = Normalised::new(&raw);
        let lines = LineIndex::new(&raw);
        SourceText {
            raw,
            normalised,
            lines,
        }
    }

    /// The text of a paged document, whose line-end hyphens are soft.
    pub fn paged(raw: String, page_starts: Vec<usize>) -> Self {
        let normalised = Normalised::document(&raw);
        let lines = LineIndex::with_pages(&raw, page_starts);
        SourceText {
            raw,
            normalised,
            lines,
        }
    }

    /// Looks `quote` up in this text.
    pub fn look_up(&self, quote: &str) -> Lookup {
        match quote::find(&self.normalised, quote) {
            Ok(found) => Ok(Located {
                locator: self.lines.locate(found.raw.start),
                found,
            }),
            Err(miss) => Err(Box::new(LocatedMiss {
                nearest: miss
                    .nearest
                    .as_ref()
                    .map(|n| self.lines.locate(n.raw.start)),
                miss,
            })),
        }
    }

    /// The text decoded from a source file's bytes, or the problem with it.
    pub fn decode(format: SourceFormat, bytes: Vec<u8>) -> Result<SourceText, Unreadable> {
        let text = match format {
            SourceFormat::Text => {
                SourceText::new(decode_utf8(bytes).map_err(Unreadable::Encoding)?)
            }
            SourceFormat::Html => {
                let page = crate::documents::decode_html(bytes).map_err(Unreadable::Encoding)?;
                SourceText::new(crate::documents::html(&page).text)
            }
            SourceFormat::Pdf => {
                let extracted = crate::documents::pdf(&bytes).map_err(Unreadable::Pdf)?;
                SourceText::paged(extracted.text, extracted.page_starts.unwrap_or_default())
            }
        };
        if text.normalised.as_str().is_empty() && format != SourceFormat::Text {
            return Err(Unreadable::Empty(format));
        }
        Ok(text)
    }
}

/// Why a source file gives no text to match against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not UTF-8: the offset of the first bad byte.
    Encoding(usize),
    /// A PDF that is encrypted or damaged.
    Pdf(crate::documents::PdfError),
    /// An HTML page or PDF with no text.
    Empty(SourceFormat),
}

impl Source {
    /// Whether the record or its file has an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// The source's text, if it was read with `keep_text`.
    pub fn text(&self) -> Option<&SourceText> {
        self.content.as_ref()?.text.as_ref()
    }

    /// What looking `quote` up found, if the source was read for it and
    /// has text.
    pub fn lookup(&self, quote: &str) -> Option<&Lookup> {
        self.content.as_ref()?.lookups.get(quote)
    }

    /// Where `locator` points in this source, for messages: the line for a
    /// text file, the paragraph of an HTML page's text, the page of a PDF.
    pub fn describe(&self, locator: &crate::quote::Locator) -> String {
        let Some(content) = &self.content else {
            return format!("line {}", locator.line);
        };
        let display = &content.display;
        match (content.format, locator.page) {
            (Some(SourceFormat::Pdf), Some(page)) => format!("{display} page {page}"),
            (Some(SourceFormat::Html), _) => format!("{display} ¶{}", locator.paragraph),
            _ => format!("{display} line {}, ¶{}", locator.line, locator.paragraph),
        }
    }

    /// The language of the source (record's `language`).
    pub fn language(&self) -> Option<&str> {
        self.record
            .as_ref()?
            .language
            .as_ref()
            .map(|l| l.get_ref().as_str())
    }
}

/// Where a project's folders are.
pub struct Layout<'a> {
    pub root: &'a Path,
    pub sources: &'a Path,
    /// Largest source file read, in bytes.
    pub max_source_size: u64,
}

impl SourceIndex {
    /// Finds and parses every record under `sources/` (without reading the
    /// source files themselves).
    pub fn scan(layout: &Layout<'_>) -> SourceIndex {
        let mut index = SourceIndex::default();
        if !layout.sources.is_dir() {
            return index;
        }
        let inside =
            fs::canonicalize(layout.sources).unwrap_or_else(|_| layout.sources.to_path_buf());
        let mut escapes = Vec::new();
        // Links are followed only while they stay inside `sources/`: a link
        // to `/` must not make clerk walk the whole machine.
        let walker = walkdir::WalkDir::new(layout.sources)
            .follow_links(true)
            .max_depth(MAX_DEPTH)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                if !entry.path_is_symlink() {
                    return true;
                }
                let is_record = entry.path().extension().is_some_and(|e| e == "toml");
                match fs::canonicalize(entry.path()) {
                    Ok(target) if target.starts_with(&inside) => true,
                    // A linked source file is judged when a record names it.
                    Ok(_) if !entry.file_type().is_dir() && !is_record => true,
                    Ok(target) => {
                        escapes.push(
                            Diagnostic::new(
                                Rule::PathEscape,
                                format!(
                                    "a symbolic link under `sources/` leads outside it (to `{}`); it is not followed",
                                    target.display()
                                ),
                            )
                            .in_file(display_path(layout.root, entry.path()))
                            .help("copy what it points to into `sources/` instead of linking to it"),
                        );
                        false
                    }
                    // A dangling link: nothing to walk; a record that names
                    // it reports `missing-file`.
                    Err(_) => !is_record && !entry.file_type().is_dir(),
                }
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let path = error.path().map(|p| display_path(layout.root, p));
                    let message = if error.loop_ancestor().is_some() {
                        "symbolic link loop under `sources/`".to_string()
                    } else {
                        format!("cannot read under `sources/` ({error})")
                    };
                    let mut d = Diagnostic::new(Rule::MissingFile, message);
                    if let Some(path) = path {
                        d = d.in_file(path);
                    }
                    index.orphans.push(d);
                    continue;
                }
            };
            if entry.depth() == MAX_DEPTH && entry.file_type().is_dir() {
                index.orphans.push(
                    Diagnostic::new(
                        Rule::MissingFile,
                        format!("`sources/` is nested deeper than {MAX_DEPTH} folders; deeper records are ignored"),
                    )
                    .in_file(display_path(layout.root, entry.path())),
                );
            }
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            index.add_record(layout, path);
        }
        index.orphans.extend(escapes);
        index
    }

    fn add_record(&mut self, layout: &Layout<'_>, path: &Path) {
        let display = display_path(layout.root, path);
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = match read_limited(path, spec::MAX_SPEC_SIZE) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.orphans.push(
                    Diagnostic::new(Rule::Syntax, format!("cannot read record ({error})"))
                        .in_file(display)
                        .source(id),
                );
                return;
            }
        };
        let record_sha256 = sha256_hex(&bytes);
        let text = match decode_utf8(bytes) {
            Ok(text) => text,
            Err(offset) => {
                self.orphans.push(
                    Diagnostic::new(
                        Rule::Syntax,
                        format!("record is not UTF-8 text (invalid byte at offset {offset})"),
                    )
                    .in_file(display)
                    .source(id),
                );
                return;
            }
        };
        let record_file = TextFile::new(display.clone(), text);
        let mut problems = Vec::new();
        if !spec::is_valid_id(&id) {
            problems.push(
                Diagnostic::new(
                    Rule::BadId,
                    format!("invalid source id `{id}` (the record's file name)"),
                )
                .at(record_file.whole())
                .help(format!(
                    "rename the record to `{}.toml`; ids match `[a-z0-9][a-z0-9-]*`",
                    spec::suggest_id(&id)
                )),
            );
        }
        let record = match spec::parse::<Record>(&record_file) {
            Ok(record) => {
                problems.extend(spec::validate_record(&record, &record_file));
                Some(record)
            }
            Err(errors) => {
                problems.extend(errors);
                None
            }
        };
        for problem in &mut problems {
            problem.source = Some(id.clone());
        }
        if let Some(first) = self.sources.get_mut(&id) {
            first.problems.push(
                Diagnostic::new(
                    Rule::DuplicateId,
                    format!("two source records have the id `{id}`"),
                )
                .at(record_file.whole())
                .source(id.clone())
                .note(format!("first record: `{}`", first.record_file.display))
                .help("source ids are file stems and must be unique across `sources/`: rename one record"),
            );
            return;
        }
        self.sources.insert(
            id.clone(),
            Source {
                id,
                record_file,
                record_sha256,
                record,
                content: None,
                tried: false,
                problems,
            },
        );
    }

    /// Resolves, reads and hashes the files of the named sources (all when
    /// `ids` is `None`), once each, keeping only their digests. A file whose
    /// digest `remembered` holds is not read.
    pub fn load(
        &mut self,
        layout: &Layout<'_>,
        ids: Option<&BTreeSet<String>>,
        remembered: Option<&DigestCache>,
    ) {
        let wanted: Vec<&mut Source> = self
            .sources
            .values_mut()
            .filter(|s| !s.tried && ids.is_none_or(|ids| ids.contains(&s.id)))
            .collect();
        // Hashing dominates on large trees: spread it over the cores.
        crate::batch::for_each_mut(wanted, |source| {
            load_source(layout, source, remembered, false);
        });
    }

    /// Reads the text of the named sources (all when `None`), hashing the
    /// files not hashed yet, and looks up each source's `quotes`. The text
    /// is dropped after the lookups unless `keep_text`. The digests are
    /// always taken from the bytes read, and taught to `learn`.
    pub fn read(
        &mut self,
        layout: &Layout<'_>,
        ids: Option<&BTreeSet<String>>,
        quotes: &QuoteRequests,
        keep_text: bool,
        learn: Option<&DigestCache>,
    ) {
        let wanted: Vec<&mut Source> = self
            .sources
            .values_mut()
            .filter(|s| {
                ids.is_none_or(|ids| ids.contains(&s.id))
                    && (!s.tried || s.content.as_ref().is_some_and(|c| !c.decoded))
            })
            .collect();
        let none = BTreeSet::new();
        crate::batch::for_each_mut(wanted, |source| {
            let Some(bytes) = bytes_of(layout, source, learn) else {
                return;
            };
            let quotes = quotes.get(&source.id).unwrap_or(&none);
            decode_source(source, bytes, quotes, keep_text);
        });
    }

    /// Every problem found so far, for sources in `ids` (all when `None`),
    /// plus the orphans.
    pub fn diagnostics(&self, ids: Option<&std::collections::BTreeSet<String>>) -> Vec<Diagnostic> {
        let mut found: Vec<Diagnostic> = self.orphans.clone();
        for source in self.sources.values() {
            if ids.is_none_or(|ids| ids.contains(&source.id)) {
                found.extend(source.problems.iter().cloned());
            }
        }
        found
    }
}

/// The bytes of a source's file: read and hashed now, or read again and
/// checked against the digest taken before. `None` when the file has a
/// problem (recorded on the source).
fn bytes_of(
    layout: &Layout<'_>,
    source: &mut Source,
    learn: Option<&DigestCache>,
) -> Option<Vec<u8>> {
    if !source.tried {
        return load_source(layout, source, learn, true);
    }
    let content = source.content.as_ref()?;
    content.format?;
    let again = fs::metadata(&content.path)
        .and_then(|metadata| read_hashed(&content.path, &metadata, layout, learn))
        .ok()
        .filter(|(_, sha256)| *sha256 == content.sha256)
        .map(|(bytes, _)| bytes);
    if again.is_none() {
        let display = content.display.clone();
        source.problems.push(
            Diagnostic::new(
                Rule::MissingFile,
                format!("`{display}` changed or went away while clerk was reading the sources"),
            )
            .source(source.id.clone())
            .in_file(display)
            .help("run clerk again once nothing is writing to `sources/`"),
        );
    }
    again
}

fn decode_source(source: &mut Source, bytes: Vec<u8>, quotes: &BTreeSet<String>, keep_text: bool) {
    let Some(content) = source.content.as_mut() else {
        return;
    };
    let Some(format) = content.format else {
        return;
    };
    content.decoded = true;
    let problem = match SourceText::decode(format, bytes) {
        Ok(text) => {
            content.lookups = quotes
                .iter()
                .map(|quote| (quote.clone(), text.look_up(quote)))
                .collect();
            if keep_text {
                content.text = Some(text);
            }
            return;
        }
        Err(Unreadable::Encoding(offset)) => Diagnostic::new(
            Rule::BadEncoding,
            format!(
                "`{}` is not valid UTF-8 (invalid byte at offset {offset})",
                content.display
            ),
        )
        .help("convert it to UTF-8 (for example `iconv -f latin1 -t utf-8`) and pin it again"),
        Err(Unreadable::Pdf(error @ crate::documents::PdfError::Encrypted)) => Diagnostic::new(
            Rule::EmptyText,
            format!("cannot read the text of `{}` ({error})", content.display),
        )
        .help("save a decrypted copy (for example `qpdf --decrypt in.pdf out.pdf`) and pin that"),
        Err(Unreadable::Pdf(error)) => Diagnostic::new(
            Rule::EmptyText,
            format!("cannot read the text of `{}` ({error})", content.display),
        )
        .help("check the file opens in a PDF viewer; download it again if it does not"),
        Err(Unreadable::Empty(SourceFormat::Pdf)) => Diagnostic::new(
            Rule::EmptyText,
            format!("`{}` has no text layer (a scan, or pages of images)", content.display),
        )
        .help("clerk does no OCR: run OCR on it (for example `ocrmypdf in.pdf out.pdf`), then pin and quote the result"),
        Err(Unreadable::Empty(_)) => Diagnostic::new(
            Rule::EmptyText,
            format!("`{}` has no visible text in its body", content.display),
        )
        .help("save the page as it is shown (its text may be loaded by scripts), or use a text copy"),
    };
    let problem = problem.source(source.id.clone());
    let problem = match &source.record {
        Some(record) => problem.at(source.record_file.site(record.file.span())),
        None => problem.in_file(source.record_file.display.clone()),
    };
    source.problems.push(problem);
}

/// Resolves, reads and hashes a source's file; returns the bytes. Unless
/// `need_bytes`, a digest `cache` remembers is used instead of reading; the
/// digest of a file read is taught to `cache`.
fn load_source(
    layout: &Layout<'_>,
    source: &mut Source,
    cache: Option<&DigestCache>,
    need_bytes: bool,
) -> Option<Vec<u8>> {
    source.tried = true;
    let record = source.record.as_ref()?;
    let file_value = record.file.get_ref();
    let site = source.record_file.site(record.file.span());
    let record_dir = Path::new(&source.record_file.display)
        .parent()
        .map(|p| layout.root.join(p))
        .unwrap_or_else(|| layout.root.to_path_buf());
    let problem = |rule: Rule, message: String| {
        Diagnostic::new(rule, message)
            .at(site.clone())
            .source(source.id.clone())
    };
    let relative = Path::new(file_value);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
    {
        source.problems.push(
            problem(
                Rule::PathEscape,
                format!("`file` is an absolute path (`{file_value}`)"),
            )
            .help("give the path relative to the record, inside `sources/`"),
        );
        return None;
    }
    let lexical = lexical_join(&record_dir, relative);
    let sources_abs = lexical_join(layout.root, Path::new("sources"));
    if !lexical.starts_with(&sources_abs) {
        source.problems.push(
            problem(
                Rule::PathEscape,
                format!("`file` leaves `sources/` (`{file_value}`)"),
            )
            .help("move the file into `sources/` and point `file` at it"),
        );
        return None;
    }
    let canonical = match fs::canonicalize(&lexical) {
        Ok(path) => path,
        Err(error) => {
            let (rule, message) = if error.kind() == std::io::ErrorKind::NotFound {
                (
                    Rule::MissingFile,
                    format!("source file `{file_value}` does not exist"),
                )
            } else {
                (
                    Rule::MissingFile,
                    format!("cannot resolve source file `{file_value}` ({error})"),
                )
            };
            source
                .problems
                .push(problem(rule, message).label("no such file").help(format!(
                    "the path is relative to `{}`",
                    source.record_file.display
                )));
            return None;
        }
    };
    let sources_canonical =
        fs::canonicalize(layout.sources).unwrap_or_else(|_| layout.sources.to_path_buf());
    if !canonical.starts_with(&sources_canonical) {
        source.problems.push(
            problem(
                Rule::PathEscape,
                format!(
                    "`file` resolves outside `sources/` through a symbolic link (`{file_value}`)"
                ),
            )
            .note(format!("it points to `{}`", canonical.display()))
            .help("copy the file into `sources/` instead of linking to it"),
        );
        return None;
    }
    let display = display_path(layout.root, &lexical);
    let relative_in_sources = canonical
        .strip_prefix(&sources_canonical)
        .map(path_with_slashes)
        .unwrap_or_else(|_| file_value.clone());
    let metadata = match fs::metadata(&canonical) {
        Ok(m) => m,
        Err(error) => {
            source.problems.push(problem(
                Rule::MissingFile,
                format!("cannot read `{display}` ({error})"),
            ));
            return None;
        }
    };
    if !metadata.is_file() {
        source.problems.push(
            problem(
                Rule::MissingFile,
                format!("`{display}` is not a regular file"),
            )
            .help("point `file` at a regular file (not a folder, pipe, socket or device)"),
        );
        return None;
    }
    if metadata.len() > layout.max_source_size {
        source.problems.push(
            problem(
                Rule::MissingFile,
                format!(
                    "`{display}` is {}, above the limit of {}",
                    human_size(metadata.len()),
                    human_size(layout.max_source_size)
                ),
            )
            .help("raise the limit with `--max-source-size`, for example `--max-source-size 1GiB`"),
        );
        return None;
    }
    let extension = canonical
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let remembered = cache
        .filter(|_| !need_bytes)
        .and_then(|cache| cache.get(&canonical, &metadata));
    let (bytes, sha256) = match remembered {
        Some(sha256) => (None, sha256),
        None => match read_hashed(&canonical, &metadata, layout, cache) {
            Ok((bytes, sha256)) => (Some(bytes), sha256),
            Err(error) => {
                source.problems.push(problem(
                    Rule::MissingFile,
                    format!("cannot read `{display}` ({error})"),
                ));
                return None;
            }
        },
    };
    let len = metadata.len();
    let format = match SourceFormat::from_extension(&extension) {
        Some(format) => Some(format),
        None => {
            let other = extension.as_str();
            let shown = if other.is_empty() {
                "no extension".to_string()
            } else {
                format!("`.{other}`")
            };
            source.problems.push(
                problem(
                    Rule::UnsupportedFormat,
                    format!("clerk cannot read source files with {shown} (`{display}`)"),
                )
                .help("clerk reads `.txt` and `.md` (UTF-8 text), `.html`/`.htm` and `.pdf`: save or convert the document to one of these"),
            );
            None
        }
    };
    source.content = Some(Content {
        display,
        path: canonical,
        relative: relative_in_sources,
        sha256,
        len,
        format,
        decoded: false,
        lookups: HashMap::new(),
        text: None,
    });
    format.and(bytes)
}

/// Reads and hashes the file at `path`, teaching its digest to `learn` when
/// what was read is as long as `metadata`, taken before reading, says.
fn read_hashed(
    path: &Path,
    metadata: &fs::Metadata,
    layout: &Layout<'_>,
    learn: Option<&DigestCache>,
) -> std::io::Result<(Vec<u8>, String)> {
    let bytes = read_limited(path, layout.max_source_size)?;
    let sha256 = sha256_hex(&bytes);
    if let Some(cache) = learn
        && bytes.len() as u64 == metadata.len()
    {
        cache.learn(path, metadata, &sha256);
    }
    Ok((bytes, sha256))
}

/// The text of a source as `clerk text` prints it: one row per line of the
/// text, each with its line number, paragraph (blank for a blank line) and,
/// for a PDF, page; `normalised` shows each line as quotes are compared with
/// it (so a line-end hyphen joined to the next line is gone).
pub fn listing(text: &SourceText, normalised: bool) -> Vec<String> {
    let lines = &text.lines;
    let paged = lines.page(0).is_some();
    let mut rows = Vec::with_capacity(lines.lines() + 1);
    let header = if paged {
        "page  line     ¶ | text"
    } else {
        "line     ¶ | text"
    };
    rows.push(header.to_string());
    let shown: Vec<String> = if normalised {
        normalised_lines(text)
    } else {
        (1..=lines.lines())
            .map(|line| {
                let range = lines.line_range(&text.raw, line);
                text.raw[range].to_string()
            })
            .collect()
    };
    for (index, content) in shown.iter().enumerate() {
        let line = index + 1;
        let paragraph = lines
            .paragraph_of_line(line)
            .map_or(String::new(), |p| p.to_string());
        let row = if paged {
            let page = lines.page(lines.line_start(line)).unwrap_or(1);
            format!("{page:>4} {line:>5} {paragraph:>5} | {content}")
        } else {
            format!("{line:>4} {paragraph:>5} | {content}")
        };
        rows.push(row.trim_end().to_string());
    }
    rows
}

/// The normalised text cut at the raw text's line breaks: entry `i` holds
/// what line `i + 1` contributes.
fn normalised_lines(text: &SourceText) -> Vec<String> {
    let lines = &text.lines;
    let mut shown = vec![String::new(); lines.lines()];
    // Raw offsets only grow along the normalised text: move a line cursor.
    let mut line = 1;
    for (at, c) in text.normalised.as_str().char_indices() {
        let raw = text.normalised.raw_offset(at);
        while line < lines.lines() && lines.line_start(line + 1) <= raw {
            line += 1;
        }
        shown[line - 1].push(c);
    }
    shown.iter().map(|l| l.trim().to_string()).collect()
}

/// Reads a whole regular file, refusing more than `limit` bytes. The file
/// is opened without blocking and checked through the open handle, so a
/// pipe or device swapped in after an earlier check cannot hang the read;
/// a file that changes while it is read is refused, so the bytes hashed are
/// the bytes of one moment.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let before = file.metadata()?;
    if !before.is_file() {
        return Err(std::io::Error::other(
            "not a regular file: a folder, pipe, socket or device",
        ));
    }
    if before.len() > limit {
        return Err(std::io::Error::other(format!(
            "{}, above the limit of {}",
            human_size(before.len()),
            human_size(limit)
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(before.len()).unwrap_or(0));
    (&file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "it grew above the limit of {} while being read",
            human_size(limit)
        )));
    }
    let after = file.metadata()?;
    if after.len() != bytes.len() as u64 || after.modified().ok() != before.modified().ok() {
        return Err(std::io::Error::other(
            "it changed while clerk was reading it; run clerk again once it is complete",
        ));
    }
    Ok(bytes)
}

/// A byte count for people: `12 MiB`, `300 KiB`, `17 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            return if value.fract() == 0.0 {
                format!("{value:.0} {unit}")
            } else {
                format!("{value:.1} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

/// Parses a size such as `256MiB`, `10M`, `1.5GiB`, `4096` (bytes); `K`,
/// `M` and `G` are binary units, as in `KiB`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (try `256MiB`)"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}` (use KiB, MiB or GiB)")),
    };
    Ok((number * scale as f64) as u64)
}

/// Decodes UTF-8, dropping a leading BOM; on failure, the offending offset.
pub fn decode_utf8(bytes: Vec<u8>) -> Result<String, usize> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(error) => Err(error.utf8_error().valid_up_to()),
    }
}

/// Joins and resolves `.` and `..` without touching the file system.
fn lexical_join(base: &Path, relative: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A path relative to the project root, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    path_with_slashes(relative)
}

fn path_with_slashes(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_sha256sum() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn bom_is_dropped_and_bad_bytes_located() {
        assert_eq!(decode_utf8(b"\xef\xbb\xbfhi".to_vec()).unwrap(), "hi");
        assert_eq!(decode_utf8(b"ab\xffcd".to_vec()).unwrap_err(), 2);
    }

    #[test]
    fn a_file_changed_between_hashing_and_reading_is_an_error() {
        let root = tempfile::tempdir().unwrap();
        let sources = root.path().join("sources");
        std::fs::create_dir(&sources).unwrap();
        std::fs::write(
            sources.join("a.toml"),
            "file = \"a.txt\"\ntitle = \"A\"\npublisher = \"P\"\nkind = \"press\"\n",
        )
        .unwrap();
        std::fs::write(sources.join("a.txt"), "The minister spoke.").unwrap();
        let layout = Layout {
            root: root.path(),
            sources: &sources,
            max_source_size: MAX_SOURCE_SIZE,
        };
        let mut index = SourceIndex::scan(&layout);
        index.load(&layout, None, None);
        let hashed = index.sources["a"].content.as_ref().unwrap().sha256.clone();
        assert_eq!(hashed, sha256_hex(b"The minister spoke."));

        std::fs::write(sources.join("a.txt"), "The minister spoke!").unwrap();
        let quotes = QuoteRequests::from([(
            "a".to_string(),
            BTreeSet::from(["The minister spoke".to_string()]),
        )]);
        index.read(&layout, None, &quotes, false, None);
        let source = &index.sources["a"];
        assert!(source.lookup("The minister spoke").is_none());
        assert!(source.has_errors());
        let messages: Vec<&str> = source.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["`sources/a.txt` changed or went away while clerk was reading the sources"]
        );
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("1.5 GiB"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
        assert_eq!(human_size(256 << 20), "256 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(17), "17 bytes");
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let error = read_limited(&fifo, 1024).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn lexical_join_resolves_parents() {
        assert_eq!(
            lexical_join(Path::new("/p/sources/a"), Path::new("../../x")),
            PathBuf::from("/p/x")
        );
    }
}
