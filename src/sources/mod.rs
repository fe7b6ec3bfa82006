//! The evidence: discovering source records under `sources/`, resolving
//! their files safely, hashing the raw bytes and reading the text.
//!
//! A file's bytes are hashed and decoded together, so what was pinned is
//! exactly what quotes are checked against. Sources are read one at a time
//! (on each worker thread): a source's text lives only while the quotes
//! that cite it are looked up, and what is kept is each quote's
//! [`Lookup`], so memory is bounded by the largest source, not the
//! project. A file read again after hashing must hash the same.

mod capture;
mod resolve;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Rule, TextFile};
use crate::files::{self, DigestMemo, MAX_DEPTH, display_path, read_limited, sha256_hex};
use crate::project::Project;
use crate::spec::{self, Record};

pub use text::{
    CONTEXT, Entry, Located, LocatedMiss, Lookup, Markup, Passage, READABLE_FORMATS, Row,
    SourceFormat, SourceText, Unreadable, entries, listing, paragraph_numbers, rows,
};

/// Quotes to look up, by source id (see [`SourceIndex::read`]).
pub type QuoteRequests = BTreeMap<String, BTreeSet<String>>;

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
    /// The capture the record names, once read.
    pub capture: Option<CaptureFile>,
}

/// A source's capture file (`capture` in its record), as the manifest
/// lists it.
#[derive(Debug, Clone)]
pub struct CaptureFile {
    /// The path as shown to the user, relative to the project root.
    pub display: String,
    pub sha256: String,
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
    /// The language the text reads as, for a record that names none.
    pub detected_language: Option<crate::metadata::Detected>,
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
            (
                Some(
                    SourceFormat::Html | SourceFormat::Docx | SourceFormat::Odt | SourceFormat::Eml,
                ),
                _,
            ) => format!("{display} ¶{}", locator.paragraph),
            _ => format!("{display} line {}, ¶{}", locator.line, locator.paragraph),
        }
    }

    /// How the record says its passages are cited (`cite-by`), and the
    /// word it puts before a paragraph number (`paragraph-label`).
    pub fn citing(&self) -> (crate::quote::CiteBy, Option<&str>) {
        let Some(record) = self.record.as_ref() else {
            return (crate::quote::CiteBy::Default, None);
        };
        (
            record
                .cite_by
                .as_ref()
                .map_or(crate::quote::CiteBy::Default, |by| by.get_ref().citing()),
            record
                .paragraph_label
                .as_ref()
                .map(|l| l.get_ref().as_str()),
        )
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

impl SourceIndex {
    /// Finds and parses every record under `sources/` (without reading the
    /// source files themselves).
    pub fn scan(project: &Project) -> SourceIndex {
        let mut index = SourceIndex::default();
        if !project.sources.is_dir() {
            return index;
        }
        let inside = fs::canonicalize(&project.sources).unwrap_or_else(|_| project.sources.clone());
        let mut escapes = Vec::new();
        // Links are followed only while they stay inside `sources/`: a link
        // to `/` must not make clerk walk the whole machine.
        let walker = walkdir::WalkDir::new(&project.sources)
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
                            .in_file(display_path(&project.root, entry.path()))
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
                    let path = error.path().map(|p| display_path(&project.root, p));
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
                    .in_file(display_path(&project.root, entry.path())),
                );
            }
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            index.add_record(project, path);
        }
        index.orphans.extend(escapes);
        index.check_parts();
        index
    }

    /// The message (or other document) a source came with, by its record's
    /// `part-of`, when that names another source with a record.
    pub fn parent_of(&self, id: &str) -> Option<&Source> {
        let parent = self.sources.get(id)?.record.as_ref()?.part_of.as_ref()?;
        self.sources
            .get(parent.get_ref())
            .filter(|p| p.id != id && p.record.is_some())
    }

    /// A `part-of` must name another source that has a record, and the
    /// chain it starts must end (an attachment of an attachment is fine; a
    /// loop is not).
    fn check_parts(&mut self) {
        let mut found = Vec::new();
        for source in self.sources.values() {
            let Some(part_of) = source.record.as_ref().and_then(|r| r.part_of.as_ref()) else {
                continue;
            };
            let parent = part_of.get_ref();
            let site = source.record_file.site(part_of.span());
            let problem = if parent == &source.id {
                Some(format!("source `{parent}` is `part-of` itself"))
            } else if !self.sources.contains_key(parent) {
                Some(format!(
                    "`part-of` names source `{parent}`, which has no record"
                ))
            } else if self.part_chain_loops(&source.id) {
                Some(format!(
                    "the `part-of` chain from source `{}` through `{parent}` loops",
                    source.id
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                found.push((
                    source.id.clone(),
                    Diagnostic::new(Rule::UnknownSource, message)
                        .at(site)
                        .source(source.id.clone())
                        .help("`part-of` is the id of the e-mail (or other source) this document came with: the file name of its record, less `.toml`"),
                ));
            }
        }
        for (id, problem) in found {
            if let Some(source) = self.sources.get_mut(&id) {
                source.problems.push(problem);
            }
        }
    }

    /// The sources `id` came with, nearest first: its message, the message
    /// that message was attached to, … (stopping before a loop).
    pub fn parents_of(&self, id: &str) -> Vec<&Source> {
        let mut chain: Vec<&Source> = Vec::new();
        let mut at = id;
        while let Some(parent) = self.parent_of(at) {
            if parent.id == id || chain.iter().any(|s| s.id == parent.id) {
                break;
            }
            chain.push(parent);
            at = &parent.id;
        }
        chain
    }

    fn part_chain_loops(&self, start: &str) -> bool {
        let mut seen = BTreeSet::from([start.to_string()]);
        let mut at = start.to_string();
        while let Some(parent) = self
            .sources
            .get(&at)
            .and_then(|s| s.record.as_ref())
            .and_then(|r| r.part_of.as_ref())
        {
            if !seen.insert(parent.get_ref().clone()) {
                return true;
            }
            at = parent.get_ref().clone();
        }
        false
    }

    fn add_record(&mut self, project: &Project, path: &Path) {
        let display = display_path(&project.root, path);
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A record that cannot be read still claims its id, so that the
        // dossiers citing it hear why, not that it has no record.
        let (text, record_sha256, unreadable) = match read_record(path) {
            Ok((text, sha256)) => (text, sha256, None),
            Err(message) => (
                String::new(),
                String::new(),
                Some(Diagnostic::new(Rule::Syntax, message).in_file(display.clone())),
            ),
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
        let record = match unreadable {
            Some(problem) => {
                problems.push(problem);
                None
            }
            None => match spec::parse::<Record>(&record_file) {
                Ok(record) => {
                    problems.extend(spec::validate_record(&record, &record_file));
                    Some(record)
                }
                Err(errors) => {
                    problems.extend(errors);
                    None
                }
            },
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
                capture: None,
            },
        );
    }

    /// Resolves, reads and hashes the files of the named sources (all when
    /// `ids` is `None`), once each, keeping only their digests. A file whose
    /// digest `remembered` holds is not read.
    pub fn load(
        &mut self,
        project: &Project,
        ids: Option<&BTreeSet<String>>,
        remembered: Option<&dyn DigestMemo>,
    ) {
        let wanted: Vec<&mut Source> = self
            .sources
            .values_mut()
            .filter(|s| !s.tried && ids.is_none_or(|ids| ids.contains(&s.id)))
            .collect();
        // Hashing dominates on large trees: spread it over the cores.
        crate::batch::for_each_mut(wanted, |source| {
            resolve::load_source(project, source, remembered, false);
        });
    }

    /// Reads the text of the named sources (all when `None`), hashing the
    /// files not hashed yet, and looks up each source's `quotes`. The text
    /// is dropped after the lookups unless `keep_text`. The digests are
    /// always taken from the bytes read, and taught to `learn`.
    pub fn read(
        &mut self,
        project: &Project,
        ids: Option<&BTreeSet<String>>,
        quotes: &QuoteRequests,
        keep_text: bool,
        learn: Option<&dyn DigestMemo>,
    ) {
        let wanted: Vec<&mut Source> = self
            .sources
            .values_mut()
            .filter(|s| {
                ids.is_none_or(|ids| ids.contains(&s.id))
                    && (!s.tried || s.content.as_ref().is_some_and(|c| !c.decoded))
            })
            .collect();
        decode_each(wanted, project, quotes, keep_text, learn);
    }

    /// Looks up each source's `quotes` in the named sources, for one
    /// window of a streamed batch: each source is read (again), hashed
    /// (the digest checked against the first read's, and taught to
    /// `learn`) and decoded, and its text dropped after the lookups. A
    /// source whose file had errors is not read again: they were reported.
    pub fn look_up(
        &mut self,
        project: &Project,
        ids: &BTreeSet<String>,
        quotes: &QuoteRequests,
        learn: Option<&dyn DigestMemo>,
    ) {
        let wanted: Vec<&mut Source> = self
            .sources
            .values_mut()
            .filter(|s| ids.contains(&s.id))
            .filter(|s| !(s.tried && s.has_errors()))
            .collect();
        decode_each(wanted, project, quotes, false, learn);
    }

    /// Forgets what the named sources' quotes found, once the chunk that
    /// asked is checked.
    pub fn forget_lookups(&mut self, ids: &BTreeSet<String>) {
        for id in ids {
            if let Some(content) = self.sources.get_mut(id).and_then(|s| s.content.as_mut()) {
                content.lookups = HashMap::new();
            }
        }
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

/// Reads, hashes and decodes each of `wanted` on the worker threads, and
/// looks its `quotes` up; its text is kept only if `keep_text`.
fn decode_each(
    wanted: Vec<&mut Source>,
    project: &Project,
    quotes: &QuoteRequests,
    keep_text: bool,
    learn: Option<&dyn DigestMemo>,
) {
    let none = BTreeSet::new();
    crate::batch::for_each_mut(wanted, |source| {
        let Some(bytes) = bytes_of(project, source, learn) else {
            return;
        };
        let quotes = quotes.get(&source.id).unwrap_or(&none);
        decode_source(source, bytes, quotes, keep_text, project.max_source_size);
    });
}

/// A record file's text and digest, or why it cannot be read.
fn read_record(path: &Path) -> Result<(String, String), String> {
    let bytes = read_limited(path, spec::MAX_SPEC_SIZE)
        .map_err(|error| format!("cannot read record ({})", files::cause(&error)))?;
    let sha256 = sha256_hex(&bytes);
    let text = files::decode_utf8(bytes)
        .map_err(|offset| format!("record is not UTF-8 text (invalid byte at offset {offset})"))?;
    Ok((text, sha256))
}

/// The bytes of a source's file: read and hashed now, or read again and
/// checked against the digest taken before. `None` when the file has a
/// problem (recorded on the source).
fn bytes_of(
    project: &Project,
    source: &mut Source,
    learn: Option<&dyn DigestMemo>,
) -> Option<Vec<u8>> {
    if !source.tried {
        return resolve::load_source(project, source, learn, true);
    }
    let content = source.content.as_ref()?;
    content.format?;
    let again = fs::metadata(&content.path)
        .and_then(|metadata| {
            files::read_hashed(&content.path, &metadata, project.max_source_size, learn)
        })
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

fn decode_source(
    source: &mut Source,
    bytes: Vec<u8>,
    quotes: &BTreeSet<String>,
    keep_text: bool,
    limit: u64,
) {
    let by_number = source.citing().0 == crate::quote::CiteBy::ParagraphNumber;
    let undeclared_language = source.language().is_none();
    let charset = source
        .record
        .as_ref()
        .and_then(|r| r.charset.as_ref())
        .and_then(|c| encoding_rs::Encoding::for_label(c.get_ref().trim().as_bytes()));
    let Some(content) = source.content.as_mut() else {
        return;
    };
    let Some(format) = content.format else {
        return;
    };
    content.decoded = true;
    let problem = match SourceText::decode_declared(format, bytes, limit, charset) {
        Ok(mut text) => {
            if by_number {
                text.number_paragraphs();
            }
            if undeclared_language {
                content.detected_language = crate::metadata::detect_language(&text.raw);
            }
            content.lookups = text.look_up_all(quotes);
            if keep_text {
                content.text = Some(text);
            }
            return;
        }
        Err(unreadable) => {
            let (rule, message, help) = unreadable.explain(&content.display);
            Diagnostic::new(rule, message).help(help)
        }
    };
    let problem = problem.source(source.id.clone());
    let problem = match &source.record {
        Some(record) => problem.at(source.record_file.site(record.file.span())),
        None => problem.in_file(source.record_file.display.clone()),
    };
    source.problems.push(problem);
}

#[cfg(test)]
mod tests {
    use super::*;

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
        std::fs::create_dir(root.path().join("dossiers")).unwrap();
        let project = Project::open(root.path(), crate::settings::MAX_SOURCE_SIZE).unwrap();
        let mut index = SourceIndex::scan(&project);
        index.load(&project, None, None);
        let hashed = index.sources["a"].content.as_ref().unwrap().sha256.clone();
        assert_eq!(hashed, sha256_hex(b"The minister spoke."));

        std::fs::write(sources.join("a.txt"), "The minister spoke!").unwrap();
        let quotes = QuoteRequests::from([(
            "a".to_string(),
            BTreeSet::from(["The minister spoke".to_string()]),
        )]);
        index.read(&project, None, &quotes, false, None);
        let source = &index.sources["a"];
        assert!(source.lookup("The minister spoke").is_none());
        assert!(source.has_errors());
        let messages: Vec<&str> = source.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["`sources/a.txt` changed or went away while clerk was reading the sources"]
        );
    }
}
