//! The evidence: discovering source records under `sources/`, resolving
//! their files safely, hashing the raw bytes and reading the text.
//!
//! Each file is read once into memory; the same bytes are hashed and decoded,
//! so what was pinned is exactly what quotes are checked against.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Rule, TextFile};
use crate::quote::{LineIndex, Normalised};
use crate::spec::{self, Record};

/// Largest source file clerk reads, in bytes (256 MiB).
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
    /// Findings about the record or its file.
    pub problems: Vec<Diagnostic>,
}

/// A source file's bytes, digest and text.
#[derive(Debug)]
pub struct Content {
    /// The path as shown to the user, relative to the project root.
    pub display: String,
    /// The path inside `sources/`, with `/` separators.
    pub relative: String,
    pub sha256: String,
    pub len: u64,
    /// How the file is read, `None` when clerk cannot read it.
    pub format: Option<SourceFormat>,
    /// The bytes that were hashed, until they are decoded into `text`.
    pending: Option<Vec<u8>>,
    /// The text, once decoded (`None` before, or when it could not be).
    pub text: Option<SourceText>,
}

/// The kinds of source file clerk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// `.txt` and `.md`: UTF-8 text.
    Text,
}

/// The text of a source, normalised and indexed for locators.
#[derive(Debug)]
pub struct SourceText {
    pub raw: String,
    pub normalised: Normalised,
    pub lines: LineIndex,
}

impl SourceText {
    pub fn new(raw: String) -> Self {
        let normalised = Normalised::new(&raw);
        let lines = LineIndex::new(&raw);
        SourceText {
            raw,
            normalised,
            lines,
        }
    }
}

impl Source {
    /// Whether the record or its file has an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// The source's text, if it has one.
    pub fn text(&self) -> Option<&SourceText> {
        self.content.as_ref()?.text.as_ref()
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
}

impl SourceIndex {
    /// Finds and parses every record under `sources/` (without reading the
    /// source files themselves).
    pub fn scan(layout: &Layout<'_>) -> SourceIndex {
        let mut index = SourceIndex::default();
        if !layout.sources.is_dir() {
            return index;
        }
        let walker = walkdir::WalkDir::new(layout.sources)
            .follow_links(true)
            .max_depth(MAX_DEPTH)
            .sort_by_file_name();
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
        index
    }

    fn add_record(&mut self, layout: &Layout<'_>, path: &Path) {
        let display = display_path(layout.root, path);
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = match read_limited(path, 16 * 1024 * 1024) {
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
                .in_file(display.clone())
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
            Err(error) => {
                problems.push(*error);
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
                .in_file(display.clone())
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
                problems,
            },
        );
    }

    /// Resolves, reads and hashes the files of the named sources (all when
    /// `ids` is `None`), once each.
    pub fn load(&mut self, layout: &Layout<'_>, ids: Option<&std::collections::BTreeSet<String>>) {
        let wanted: Vec<&mut Source> = self
            .sources
            .values_mut()
            .filter(|s| s.content.is_none() && ids.is_none_or(|ids| ids.contains(&s.id)))
            .collect();
        // Hashing dominates on large trees: spread it over the cores.
        crate::batch::for_each_mut(wanted, |source| load_source(layout, source));
    }

    /// Decodes the text of the named sources (all when `None`), from the
    /// very bytes that were hashed.
    pub fn decode(&mut self, ids: Option<&std::collections::BTreeSet<String>>) {
        let wanted: Vec<&mut Source> = self
            .sources
            .values_mut()
            .filter(|s| {
                s.content.as_ref().is_some_and(|c| c.pending.is_some())
                    && ids.is_none_or(|ids| ids.contains(&s.id))
            })
            .collect();
        crate::batch::for_each_mut(wanted, decode_source);
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

fn decode_source(source: &mut Source) {
    let Some(content) = source.content.as_mut() else {
        return;
    };
    let Some(bytes) = content.pending.take() else {
        return;
    };
    match content.format {
        Some(SourceFormat::Text) => {
            match decode_utf8(bytes) {
                Ok(text) => content.text = Some(SourceText::new(text)),
                Err(offset) => {
                    let mut problem = Diagnostic::new(
                    Rule::BadEncoding,
                    format!(
                        "`{}` is not valid UTF-8 (invalid byte at offset {offset})",
                        content.display
                    ),
                )
                .source(source.id.clone())
                .help("convert it to UTF-8 (for example `iconv -f latin1 -t utf-8`) and pin it again");
                    problem = match &source.record {
                        Some(record) => problem.at(source.record_file.site(record.file.span())),
                        None => problem.in_file(source.record_file.display.clone()),
                    };
                    source.problems.push(problem);
                }
            }
        }
        None => {}
    }
}

fn load_source(layout: &Layout<'_>, source: &mut Source) {
    let Some(record) = &source.record else {
        return;
    };
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
        return;
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
        return;
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
            return;
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
        return;
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
            return;
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
        return;
    }
    if metadata.len() > MAX_SOURCE_SIZE {
        source.problems.push(problem(
            Rule::MissingFile,
            format!(
                "`{display}` is {} MiB, above the limit of {} MiB",
                metadata.len() / (1024 * 1024),
                MAX_SOURCE_SIZE / (1024 * 1024)
            ),
        ));
        return;
    }
    let extension = canonical
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = match read_limited(&canonical, MAX_SOURCE_SIZE) {
        Ok(bytes) => bytes,
        Err(error) => {
            source.problems.push(problem(
                Rule::MissingFile,
                format!("cannot read `{display}` ({error})"),
            ));
            return;
        }
    };
    let sha256 = sha256_hex(&bytes);
    let len = bytes.len() as u64;
    let format = match extension.as_str() {
        "txt" | "md" => Some(SourceFormat::Text),
        other => {
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
                .help("text sources are `.txt` or `.md` in UTF-8"),
            );
            None
        }
    };
    source.content = Some(Content {
        display,
        relative: relative_in_sources,
        sha256,
        len,
        format,
        pending: Some(bytes),
        text: None,
    });
}

/// Reads a whole file, refusing more than `limit` bytes (the file may grow
/// between the size check and the read).
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!("larger than {limit} bytes")));
    }
    Ok(bytes)
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
    fn lexical_join_resolves_parents() {
        assert_eq!(
            lexical_join(Path::new("/p/sources/a"), Path::new("../../x")),
            PathBuf::from("/p/x")
        );
    }
}
