//! `clerk add`: bringing documents into `sources/`, each copied byte for
//! byte (or left where it is, when it is already there) with a record
//! beside it. The record's fields come from the command line or, offered
//! for review, from the document itself ([`crate::metadata`]).
//!
//! Everything is checked before anything is written: a file that clerk
//! cannot read, an id or file name already taken, a required field that
//! neither the command line nor the document gives stops the command with
//! nothing written. Nothing is ever overwritten.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::Fatal;
use crate::files::{display_path, lexical_join, read_limited};
use crate::metadata::{self, Metadata};
use crate::project::Project;
use crate::sources::{READABLE_FORMATS, SourceFormat, SourceIndex, SourceText};
use crate::spec::{self, SourceKind};

/// What the command line gives.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub id: Option<String>,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub kind: Option<SourceKind>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    pub language: Option<String>,
    pub url: Option<String>,
    /// The dossier to pin the new sources in (`--to`).
    pub to: Option<String>,
}

/// Where a field's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A flag (`--title`).
    Flag(&'static str),
    /// The document, where it says (`<title>`, `PDF Info Author`).
    Document(String),
    /// The file name, for a document that gives no title.
    FileName,
    /// Today's date (`accessed`).
    Today,
    /// Typed in answer to a question on the terminal.
    Answered,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "{flag}"),
            Origin::Document(from) => write!(f, "read from {from}"),
            Origin::FileName => write!(f, "the file name"),
            Origin::Today => write!(f, "today"),
            Origin::Answered => write!(f, "answered"),
        }
    }
}

/// One field of the record to write.
#[derive(Debug, Clone)]
pub struct Field {
    /// The record key: `title`, `published`, …
    pub key: &'static str,
    /// The value as people read it.
    pub value: String,
    /// The value as TOML writes it (a quoted string, a bare date).
    toml: String,
    pub origin: Origin,
}

/// One file to add, checked, with the record to write for it.
#[derive(Debug)]
pub struct Addition {
    pub id: String,
    /// The file as the command line names it.
    pub input: PathBuf,
    /// Where the source file is (or is copied to), inside `sources/`.
    pub file: PathBuf,
    /// Whether the file must be copied there.
    pub copy: bool,
    pub record: PathBuf,
    /// The record's fields, in the order FORMAT.md lists them (`file`
    /// aside).
    pub fields: Vec<Field>,
    bytes: Vec<u8>,
}

/// The required fields clerk may be unable to fill, by flag.
pub const REQUIRED: [(&str, &str); 2] = [("kind", "--kind"), ("publisher", "--publisher")];

impl Addition {
    /// The flags still needed: those of required fields nobody gave.
    pub fn missing(&self) -> Vec<&'static str> {
        REQUIRED
            .iter()
            .filter(|(key, _)| !self.fields.iter().any(|f| f.key == *key))
            .map(|(_, flag)| *flag)
            .collect()
    }

    /// Fills a required field answered on the terminal (`kind` must be a
    /// kind's name).
    pub fn answer(&mut self, key: &'static str, value: &str) -> Result<(), String> {
        let value = value.trim();
        let field = match key {
            "kind" => kind_field(value.parse()?, Origin::Answered),
            _ if value.is_empty() => return Err(format!("`{key}` may not be empty")),
            _ => text_field(key, value, Origin::Answered),
        };
        self.fields.push(field);
        self.fields.sort_by_key(|f| field_order(f.key));
        Ok(())
    }

    /// The record's text.
    pub fn record_text(&self) -> String {
        let name = self
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut text = format!("file = {}\n", toml_edit::Value::from(name));
        for field in &self.fields {
            text.push_str(&format!("{} = {}\n", field.key, field.toml));
        }
        text
    }
}

/// Checks every file and prepares its record; nothing is written. The
/// required fields may still be missing ([`Addition::missing`]).
pub fn plan(
    project: &Project,
    files: &[PathBuf],
    given: &Given,
    today: NaiveDate,
) -> anyhow::Result<Vec<Addition>> {
    check_given(project, files, given)?;
    let index = SourceIndex::scan(project);
    let mut planned: Vec<Addition> = Vec::new();
    for input in files {
        let addition = plan_one(project, &index, input, given, today)?;
        if let Some(other) = planned.iter().find(|a| a.id == addition.id) {
            return Err(Fatal::new(format!(
                "`{}` and `{}` would both be source `{}`",
                other.input.display(),
                input.display(),
                addition.id
            ))
            .help("add them one at a time, giving one an id with `--id ID`")
            .into());
        }
        if let Some(other) = planned.iter().find(|a| a.file == addition.file) {
            return Err(Fatal::new(format!(
                "`{}` and `{}` would both be `{}`",
                other.input.display(),
                input.display(),
                project.display(&addition.file)
            ))
            .help("rename one of the files before adding it")
            .into());
        }
        planned.push(addition);
    }
    Ok(planned)
}

/// The flags that apply to one file only, and the values clap cannot
/// check.
fn check_given(project: &Project, files: &[PathBuf], given: &Given) -> anyhow::Result<()> {
    if files.len() > 1 {
        let single = [
            ("--id", given.id.is_some()),
            ("--title", given.title.is_some()),
            ("--url", given.url.is_some()),
        ];
        if let Some((flag, _)) = single.iter().find(|(_, set)| *set) {
            return Err(Fatal::new(format!(
                "`{flag}` describes one source, but {} files were given",
                files.len()
            ))
            .help("add the files one at a time")
            .into());
        }
    }
    if let Some(id) = &given.id
        && !spec::is_valid_id(id)
    {
        return Err(Fatal::new(format!("invalid source id `{id}`"))
            .help(format!(
                "ids match `[a-z0-9][a-z0-9-]*`, for example `{}`",
                spec::suggest_id(id)
            ))
            .into());
    }
    if let Some(language) = &given.language
        && !spec::is_language_tag(language)
    {
        return Err(
            Fatal::new(format!("`{language}` is not a BCP 47 language tag"))
                .help("use a tag such as `en`, `fr` or `fr-CA`")
                .into(),
        );
    }
    for (flag, value) in [
        ("--title", &given.title),
        ("--publisher", &given.publisher),
        ("--author", &given.author),
        ("--url", &given.url),
    ] {
        if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
            return Err(Fatal::new(format!("`{flag}` is empty")).into());
        }
    }
    if let Some(to) = &given.to {
        // The dossier must exist before any source is written for it.
        project.select(std::slice::from_ref(to))?;
    }
    Ok(())
}

/// Checks one file: readable, of a format clerk reads, with text; where it
/// goes; its id; then its record's fields.
fn plan_one(
    project: &Project,
    index: &SourceIndex,
    input: &Path,
    given: &Given,
    today: NaiveDate,
) -> anyhow::Result<Addition> {
    let shown = input.display().to_string();
    let (bytes, found) = read_document(project, input)?;
    let (file, copy) = destination(project, input, &bytes)?;
    let id = match &given.id {
        Some(id) => id.clone(),
        None => spec::suggest_id(
            &input
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
    };
    let folder = file.parent().unwrap_or(&project.sources).to_path_buf();
    let record = folder.join(format!("{id}.toml"));
    let taken = |message: String| {
        Fatal::new(message).help(format!(
            "give the source another id with `--id ID`{}",
            if given.id.is_some() {
                ""
            } else {
                " (the id is the file name's, by default)"
            }
        ))
    };
    if let Some(source) = index.sources.get(&id) {
        return Err(taken(format!(
            "source `{id}` already has a record (`{}`)",
            source.record_file.display
        ))
        .into());
    }
    if fs::symlink_metadata(&record).is_ok() {
        return Err(taken(format!("`{}` already exists", project.display(&record))).into());
    }
    if let Some(source) = index
        .sources
        .values()
        .find(|s| describes(project, s, &file))
    {
        return Err(Fatal::new(format!(
            "`{}` already has a record: `{}` (source `{}`)",
            project.display(&file),
            source.record_file.display,
            source.id
        ))
        .help("review or edit that record instead of adding the file again")
        .into());
    }
    Ok(Addition {
        fields: fields(&found, given, today, input),
        id,
        input: PathBuf::from(shown),
        file,
        copy,
        record,
        bytes,
    })
}

/// Reads a document the command line names: a regular file within the
/// size limit, of a format clerk reads, with text to quote; and what it
/// says about itself.
fn read_document(project: &Project, input: &Path) -> anyhow::Result<(Vec<u8>, Metadata)> {
    let shown = input.display().to_string();
    let metadata = fs::metadata(input).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => Fatal::new(format!("no file `{shown}`"))
            .help("give the path of a document to add, relative to the current folder"),
        _ => Fatal::new(format!("cannot read `{shown}` ({error})")),
    })?;
    if !metadata.is_file() {
        return Err(Fatal::new(format!("`{shown}` is not a regular file"))
            .help("add a document: a text file, a web page or a PDF")
            .into());
    }
    let extension = input
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let format = SourceFormat::from_extension(&extension).ok_or_else(|| {
        let what = match extension.is_empty() {
            true => "no extension".to_string(),
            false => format!("`.{extension}`"),
        };
        Fatal::new(format!(
            "clerk cannot read source files with {what} (`{shown}`)"
        ))
        .help(READABLE_FORMATS)
    })?;
    let bytes = read_limited(input, project.max_source_size)
        .map_err(|error| Fatal::new(format!("cannot read `{shown}` ({error})")))?;
    // A document whose text cannot be quoted is no source: say so now,
    // not at the first `check`.
    let text = SourceText::decode(format, bytes.clone()).map_err(|unreadable| {
        let (_, message, help) = unreadable.explain(&shown);
        Fatal::new(message).help(help)
    })?;
    let found = match format {
        SourceFormat::Text => metadata::text(&text.raw),
        SourceFormat::Markdown => crate::markdown::metadata(&String::from_utf8_lossy(&bytes)),
        SourceFormat::Html => crate::documents::decode_html(bytes.clone())
            .map(|page| metadata::html(&page))
            .unwrap_or_default(),
        SourceFormat::Pdf => metadata::pdf(&bytes),
    };
    Ok((bytes, read_text(found, &text)))
}

/// What the text itself tells, for a document that does not say it: the
/// language it is written in (when the reading is confident), and whether
/// it numbers its paragraphs, so its quotes can be cited by those numbers.
fn read_text(mut found: Metadata, text: &SourceText) -> Metadata {
    if found.language.is_none() {
        found.language = metadata::detect_language(&text.raw)
            .filter(metadata::Detected::is_confident)
            .map(|detected| metadata::Read {
                value: detected.tag.to_string(),
                from: format!(
                    "the text, read as {} with confidence {:.2}",
                    detected.tag, detected.confidence
                ),
            });
    }
    let numbers = crate::sources::paragraph_numbers(&text.raw);
    if let Some(span) = numbered_run(&numbers) {
        found.cite_by = Some(metadata::Read {
            value: "paragraph-number".to_string(),
            from: format!("paragraphs numbered {span} in the text"),
        });
    }
    found
}

/// "1–78" when the paragraph numbers of a text run in order from a small
/// start, enough of them to be the document's numbering rather than a
/// list.
fn numbered_run(numbers: &[(usize, String)]) -> Option<String> {
    let plain: Vec<u32> = numbers
        .iter()
        .filter_map(|(_, number)| number.parse().ok())
        .collect();
    let ascending = plain.windows(2).filter(|w| w[1] == w[0] + 1).count();
    let (first, last) = (*plain.first()?, *plain.last()?);
    (plain.len() >= 5 && ascending * 4 >= plain.len() * 3 && first <= 2 && last > first)
        .then(|| format!("{first}\u{2013}{last}"))
}

/// Where the file goes: where it is, when already inside `sources/`;
/// otherwise `sources/<its name>`, unless a different file has that name
/// (the same bytes there are the same file: nothing to copy).
fn destination(project: &Project, input: &Path, bytes: &[u8]) -> anyhow::Result<(PathBuf, bool)> {
    let sources = fs::canonicalize(&project.sources).unwrap_or_else(|_| project.sources.clone());
    let canonical = fs::canonicalize(input)
        .map_err(|error| Fatal::new(format!("cannot read `{}` ({error})", input.display())))?;
    if canonical.starts_with(&sources) {
        return Ok((canonical, false));
    }
    let name = input
        .file_name()
        .ok_or_else(|| Fatal::new(format!("`{}` names no file", input.display())))?;
    let target = sources.join(name);
    if fs::symlink_metadata(&target).is_err() {
        return Ok((target, true));
    }
    match fs::read(&target) {
        Ok(there) if there == bytes => Ok((target, false)),
        _ => Err(Fatal::new(format!(
            "a different file named `{}` is already in `sources/`",
            name.to_string_lossy()
        ))
        .help(format!(
            "rename `{}` before adding it, or add the file already there: `clerk add {}`",
            input.display(),
            display_path(&project.root, &target)
        ))
        .into()),
    }
}

/// Whether the record of `source` names the file at `path`.
fn describes(project: &Project, source: &crate::sources::Source, path: &Path) -> bool {
    let Some(record) = &source.record else {
        return false;
    };
    let folder = Path::new(&source.record_file.display)
        .parent()
        .map_or_else(|| project.root.clone(), |p| project.root.join(p));
    let named = lexical_join(&folder, Path::new(record.file.get_ref()));
    fs::canonicalize(&named).unwrap_or(named) == path
}

/// The record's fields: each flag given, else what the document says; the
/// title from the file name as a last resort; `accessed` today.
fn fields(found: &Metadata, given: &Given, today: NaiveDate, input: &Path) -> Vec<Field> {
    let read = |r: &Option<metadata::Read<String>>| {
        r.as_ref()
            .map(|r| (r.value.clone(), Origin::Document(r.from.clone())))
    };
    let flag = |value: &Option<String>, name: &'static str| {
        value
            .as_ref()
            .map(|v| (v.trim().to_string(), Origin::Flag(name)))
    };
    let publisher = flag(&given.publisher, "--publisher").or_else(|| read(&found.publisher));
    let mut title = flag(&given.title, "--title").or_else(|| read(&found.title));
    // A page's title often ends with the site's name, which is the
    // publisher's.
    if let (Some((text, Origin::Document(_))), Some((publisher, _))) = (&mut title, &publisher) {
        *text = metadata::without_site_name(text, publisher);
    }
    let title = title.unwrap_or_else(|| {
        let stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        (stem, Origin::FileName)
    });
    let mut fields = vec![text_field("title", &title.0, title.1)];
    if let Some((value, origin)) = publisher {
        fields.push(text_field("publisher", &value, origin));
    }
    if let Some(kind) = given.kind {
        fields.push(kind_field(kind, Origin::Flag("--kind")));
    }
    let texts = [
        (
            "author",
            flag(&given.author, "--author").or_else(|| read(&found.author)),
        ),
        (
            "language",
            flag(&given.language, "--language").or_else(|| read(&found.language)),
        ),
        (
            "url",
            flag(&given.url, "--url").or_else(|| read(&found.url)),
        ),
        ("cite-by", read(&found.cite_by)),
    ];
    for (key, value) in texts {
        if let Some((value, origin)) = value {
            fields.push(text_field(key, &value, origin));
        }
    }
    let published = given
        .published
        .map(|d| (d, Origin::Flag("--published")))
        .or_else(|| {
            found
                .published
                .as_ref()
                .map(|r| (r.value, Origin::Document(r.from.clone())))
        });
    if let Some((date, origin)) = published {
        fields.push(date_field("published", date, origin));
    }
    fields.push(date_field("accessed", today, Origin::Today));
    fields.sort_by_key(|f| field_order(f.key));
    fields
}

/// The position of a key in a record, as FORMAT.md lists them.
fn field_order(key: &str) -> usize {
    const ORDER: [&str; 9] = [
        "title",
        "publisher",
        "kind",
        "author",
        "published",
        "accessed",
        "language",
        "url",
        "cite-by",
    ];
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

fn text_field(key: &'static str, value: &str, origin: Origin) -> Field {
    Field {
        key,
        value: value.to_string(),
        toml: toml_edit::Value::from(value).to_string(),
        origin,
    }
}

fn kind_field(kind: SourceKind, origin: Origin) -> Field {
    text_field("kind", kind.name(), origin)
}

fn date_field(key: &'static str, date: NaiveDate, origin: Origin) -> Field {
    let value = date.format("%Y-%m-%d").to_string();
    Field {
        key,
        toml: value.clone(),
        value,
        origin,
    }
}

/// An error naming the flags still needed, if any addition lacks a
/// required field.
pub fn require_complete(additions: &[Addition]) -> anyhow::Result<()> {
    let mut flags: Vec<&str> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    for addition in additions {
        let missing = addition.missing();
        if !missing.is_empty() {
            files.push(format!("`{}`", addition.input.display()));
        }
        for flag in missing {
            if !flags.contains(&flag) {
                flags.push(flag);
            }
        }
    }
    if flags.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = flags.iter().map(|f| format!("`{f}`")).collect();
    let mut error = Fatal::new(format!(
        "{} {} required: clerk cannot read {} from {}",
        named.join(" and "),
        if named.len() == 1 { "is" } else { "are" },
        if named.len() == 1 { "it" } else { "them" },
        files.join(", ")
    ));
    if flags.contains(&"--kind") {
        error = error.help(format!("`--kind` is one of {}", SourceKind::names()));
    }
    if flags.contains(&"--publisher") {
        error = error.help(
            "`--publisher` names who published the document: a newspaper, a parliament, a ministry, a website",
        );
    }
    Err(error.help("nothing was written").into())
}

/// Writes each addition: the file copied into `sources/` when it must be,
/// then its record; neither ever replaces a file.
pub fn write(project: &Project, additions: &[Addition]) -> anyhow::Result<()> {
    require_complete(additions)?;
    fs::create_dir_all(&project.sources).map_err(|error| {
        Fatal::new(format!(
            "cannot create `{}` ({error})",
            project.display(&project.sources)
        ))
    })?;
    for addition in additions {
        if addition.copy {
            crate::output::write_new(&addition.file, &addition.bytes)?;
        }
        crate::output::write_new(&addition.record, addition.record_text().as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_written_parses_as_one() {
        let found = metadata::html(
            r#"<html lang="fr"><head><title>L'"ingérence" – Journal</title>
               <meta property="og:site_name" content="Journal"></head><body></body></html>"#,
        );
        let given = Given {
            kind: Some(SourceKind::Press),
            ..Given::default()
        };
        let today = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        let addition = Addition {
            id: "page".into(),
            input: "page.html".into(),
            file: "/p/sources/page.html".into(),
            copy: true,
            record: "/p/sources/page.toml".into(),
            fields: fields(&found, &given, today, Path::new("page.html")),
            bytes: Vec::new(),
        };
        assert!(addition.missing().is_empty());
        let text = addition.record_text();
        let file = crate::diag::TextFile::new("sources/page.toml", text.clone());
        let record = spec::parse::<spec::Record>(&file).unwrap();
        assert_eq!(record.title.get_ref(), "L'\"ingérence\"");
        assert_eq!(record.publisher.get_ref(), "Journal");
        assert_eq!(
            text.lines()
                .map(|l| l.split(' ').next().unwrap())
                .collect::<Vec<_>>(),
            ["file", "title", "publisher", "kind", "accessed", "language"]
        );
    }

    #[test]
    fn missing_fields_name_their_flags() {
        let today = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        let mut addition = Addition {
            id: "a".into(),
            input: "a.txt".into(),
            file: "/p/sources/a.txt".into(),
            copy: true,
            record: "/p/sources/a.toml".into(),
            fields: fields(
                &Metadata::default(),
                &Given::default(),
                today,
                Path::new("a.txt"),
            ),
            bytes: Vec::new(),
        };
        assert_eq!(addition.missing(), ["--kind", "--publisher"]);
        let error = require_complete(std::slice::from_ref(&addition)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`--kind` and `--publisher` are required: clerk cannot read them from `a.txt`"
        );
        assert!(addition.answer("kind", "blog").is_err());
        addition.answer("kind", "ngo").unwrap();
        addition.answer("publisher", "Amnesty").unwrap();
        assert!(require_complete(&[addition]).is_ok());
    }
}
