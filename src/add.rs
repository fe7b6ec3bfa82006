//! `clerk add`: bringing documents into `sources/`, each copied byte for
//! byte (or left where it is, when it is already there) with a record
//! beside it. The record's fields come from the command line or, offered
//! for review, from the document itself ([`crate::metadata`]).
//!
//! Everything is checked before anything is written: a file that clerk
//! cannot read, an id or file name already taken, a required field that
//! neither the command line nor the document gives stops the command with
//! nothing written. Nothing is ever overwritten, but a record is corrected
//! with `clerk add --update` ([`plan_update`]): the keys it sets are
//! rewritten in place, every other line kept as it is.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::Fatal;
use crate::files::{display_path, lexical_join, read_limited};
use crate::metadata::{self, Metadata};
use crate::project::Project;
use crate::sources::{SourceFormat, SourceIndex, SourceText};
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
    /// How long fetching an address may take (`--timeout`, default
    /// [`DEFAULT_TIMEOUT`]).
    pub timeout: Option<std::time::Duration>,
    /// Also add each attachment of an e-mail that clerk can read
    /// (`--attachments`).
    pub attachments: bool,
}

/// How long fetching an address may take, unless `--timeout` says.
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

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
    /// The capture: what was received, and when.
    Capture(&'static str),
    /// Typed in answer to a question on the terminal.
    Answered,
    /// The e-mail an attachment came with.
    Message,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "{flag}"),
            Origin::Document(from) => write!(f, "read from {from}"),
            Origin::FileName => write!(f, "the file name"),
            Origin::Today => write!(f, "today"),
            Origin::Capture(what) => write!(f, "{what}"),
            Origin::Answered => write!(f, "answered"),
            Origin::Message => write!(f, "the message it came with"),
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
    /// For an e-mail, the files attached to it: `name (type, size)`.
    pub attachments: Vec<String>,
    /// The `#:schema` line the record opens with, when the project has
    /// the schema.
    schema: Option<String>,
    bytes: Vec<u8>,
    /// For a web page, its capture.
    pub capture: Option<CaptureFile>,
}

/// The capture a web page is added with: written by clerk for an address,
/// or copied byte for byte from the file imported.
#[derive(Debug)]
pub struct CaptureFile {
    /// Where it goes (or is), inside `sources/`.
    pub path: PathBuf,
    /// Whether it must be written there.
    pub copy: bool,
    /// How many hops the fetch took (1 without a redirect); 0 for an import.
    pub hops: usize,
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
        let mut text = self.schema.clone().unwrap_or_default();
        text.push_str(&format!("file = {}\n", toml_edit::Value::from(name)));
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
        let attached = match given.attachments {
            true => plan_attachments(project, &index, &addition, given, today)?,
            false => Vec::new(),
        };
        for addition in std::iter::once(addition).chain(attached) {
            push_planned(project, &mut planned, addition)?;
        }
    }
    Ok(planned)
}

/// Adds `addition` to those planned, unless it would be the same source
/// or file as one of them.
fn push_planned(
    project: &Project,
    planned: &mut Vec<Addition>,
    addition: Addition,
) -> anyhow::Result<()> {
    let input = &addition.input;
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
    Ok(())
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
    if given.url.is_some() && files.iter().any(|f| is_address(f)) {
        return Err(Fatal::new(
            "`--url` picks a page in a capture file; an address given is the `url` itself",
        )
        .help("drop `--url`")
        .into());
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
/// goes; its id; then its record's fields. An address is fetched, and a
/// capture read, first (see [`plan_capture`]).
fn plan_one(
    project: &Project,
    index: &SourceIndex,
    input: &Path,
    given: &Given,
    today: NaiveDate,
) -> anyhow::Result<Addition> {
    if is_address(input) || crate::capture::Packing::of(input).is_some() {
        return plan_capture(project, index, input, given);
    }
    let shown = input.display().to_string();
    let (bytes, found) = read_document(project, input, &shown, None)?;
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
    let record = place(project, index, &id, &file, given)?;
    Ok(Addition {
        fields: fields(&found, given, today, input),
        attachments: attachments_of(input, &bytes),
        schema: schema_directive(project, &record),
        id,
        input: PathBuf::from(shown),
        file,
        copy,
        record,
        bytes,
        capture: None,
    })
}

/// Whether the command line names an address rather than a file.
pub fn is_address(input: &Path) -> bool {
    let text = input.to_string_lossy().to_ascii_lowercase();
    text.starts_with("http://") || text.starts_with("https://")
}

/// The record of source `id` for `file`: beside it, with neither the id
/// nor the file taken by another record.
fn place(
    project: &Project,
    index: &SourceIndex,
    id: &str,
    file: &Path,
    given: &Given,
) -> anyhow::Result<PathBuf> {
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
    if let Some(source) = index.sources.get(id) {
        let message = format!(
            "source `{id}` already has a record (`{}`)",
            source.record_file.display
        );
        // The same file added again: its record is to be corrected, not
        // duplicated under another id.
        if describes(project, source, file) {
            return Err(Fatal::new(message).help(update_help(id, given)).into());
        }
        return Err(taken(message).into());
    }
    if fs::symlink_metadata(&record).is_ok() {
        return Err(taken(format!("`{}` already exists", project.display(&record))).into());
    }
    if let Some(source) = index.sources.values().find(|s| describes(project, s, file)) {
        return Err(Fatal::new(format!(
            "`{}` already has a record: `{}` (source `{}`)",
            project.display(file),
            source.record_file.display,
            source.id
        ))
        .help(update_help(&source.id, given))
        .into());
    }
    Ok(record)
}

/// Each attachment of the e-mail `message` that clerk can read, as a
/// source of its own: `<message id>-<attachment name>`, beside the
/// message, its record naming the message in `part-of`. Attachments clerk
/// cannot read stay listed on the message, not added.
fn plan_attachments(
    project: &Project,
    index: &SourceIndex,
    message: &Addition,
    given: &Given,
    today: NaiveDate,
) -> anyhow::Result<Vec<Addition>> {
    if format_of(&message.file) != Some(SourceFormat::Eml) {
        return Ok(Vec::new());
    }
    let attachments = crate::mail::attachments(&message.bytes).unwrap_or_default();
    let folder = message.file.parent().unwrap_or(&project.sources);
    let mut planned = Vec::new();
    for attachment in attachments {
        let name = Path::new(&attachment.name);
        let Some(format) = format_of(name).or_else(|| SourceFormat::from_mime(&attachment.mime))
        else {
            continue;
        };
        let stem = name
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = spec::suggest_id(&format!("{}-{stem}", message.id));
        let shown = format!(
            "{} (attached to `{}`)",
            attachment.name,
            message.input.display()
        );
        let found = read_bytes(project, format, &attachment.bytes, &shown, None)?;
        let file = folder.join(format!("{id}.{}", format.extension()));
        let copy = match fs::read(&file) {
            Err(_) => true,
            Ok(there) if there == attachment.bytes => false,
            Ok(_) => {
                return Err(Fatal::new(format!(
                    "a different file named `{}` is already in `sources/`",
                    project.display(&file)
                ))
                .help(format!(
                    "give the message another id with `--id ID` (its attachments are named after it), or move `{}` away",
                    project.display(&file)
                ))
                .into());
            }
        };
        let attachment_given = Given {
            id: None,
            title: None,
            url: None,
            ..given.clone()
        };
        let record = place(project, index, &id, &file, &attachment_given)?;
        let mut fields = fields(&found, &attachment_given, today, name);
        fields.push(text_field("part-of", &message.id, Origin::Message));
        fields.sort_by_key(|f| field_order(f.key));
        planned.push(Addition {
            schema: schema_directive(project, &record),
            id,
            input: PathBuf::from(shown),
            file,
            copy,
            record,
            fields,
            attachments: Vec::new(),
            bytes: attachment.bytes,
            capture: None,
        });
    }
    Ok(planned)
}

/// The `#:schema` line of a record written at `record`, pointing editors
/// at the project's source schema when it has one (`clerk init` writes it),
/// as `clerk init`'s and `clerk new`'s files do.
fn schema_directive(project: &Project, record: &Path) -> Option<String> {
    let schemas = project.root.join(crate::schema::FOLDER);
    if !schemas.join(crate::schema::SOURCE_FILE).is_file() {
        return None;
    }
    let folder = record.parent()?;
    let root = fs::canonicalize(&project.root).unwrap_or_else(|_| project.root.clone());
    let inside = folder
        .strip_prefix(&root)
        .or_else(|_| folder.strip_prefix(&project.root))
        .ok()?;
    let up = "../".repeat(inside.components().count());
    Some(crate::schema::directive(&format!(
        "{up}{}/{}",
        crate::schema::FOLDER,
        crate::schema::SOURCE_FILE
    )))
}

/// The source format of a file, by its extension.
fn format_of(path: &Path) -> Option<SourceFormat> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    SourceFormat::from_extension(&extension)
}

/// A page and its capture, before they are placed.
struct Captured {
    /// The address: asked for, or the capture's `WARC-Target-URI`.
    url: String,
    /// The address after redirects, when it differs.
    final_url: Option<String>,
    time: chrono::DateTime<chrono::Utc>,
    /// The response's `Content-Type`.
    content_type: Option<String>,
    payload: Vec<u8>,
    /// The capture, as written or read.
    capture: Vec<u8>,
    /// The capture's extension (`warc`, `warc.gz`, `wacz`).
    extension: &'static str,
    hops: usize,
}

/// Plans adding a web page: fetched from an address (the capture written
/// by clerk), or read from a capture made elsewhere (kept byte for byte).
/// The payload is stored by its content type, and the record says where
/// and when it was captured.
fn plan_capture(
    project: &Project,
    index: &SourceIndex,
    input: &Path,
    given: &Given,
) -> anyhow::Result<Addition> {
    let shown = input.to_string_lossy().into_owned();
    let address = is_address(input);
    let captured = if address {
        fetch(project, &shown, given)?
    } else {
        import(project, input, &shown, given)?
    };
    let failed = |cause: String| {
        let what = if address {
            format!("cannot add `{shown}`")
        } else {
            format!("cannot import `{shown}`")
        };
        Fatal::new(format!("{what}: {cause}")).help("nothing was written")
    };
    let media = captured
        .content_type
        .as_deref()
        .map(crate::capture::http::media_type);
    let stored = match media.as_deref() {
        Some(media) => crate::capture::fetch::Stored::of(media).ok_or_else(|| {
            failed(format!(
                "the page is `{media}`, which clerk cannot read (it reads HTML, PDF and plain text)"
            ))
        })?,
        None if captured.payload.starts_with(b"%PDF-") => crate::capture::fetch::Stored::Pdf,
        None => return Err(failed("the response has no `Content-Type`".into()).into()),
    };
    let charset = captured
        .content_type
        .as_deref()
        .and_then(crate::capture::http::charset)
        .filter(|c| *c != encoding_rs::UTF_8 && stored != crate::capture::fetch::Stored::Pdf);
    let format = SourceFormat::from_extension(stored.extension()).expect("a stored format");
    let found = read_bytes(project, format, &captured.payload, &shown, charset)?;
    let id = match &given.id {
        Some(id) => id.clone(),
        None if address => id_of_address(&captured.url),
        None => spec::suggest_id(&capture_stem(input)),
    };
    let (folder, file, capture_path, kept) = capture_places(
        project,
        (!address).then_some(input),
        &id,
        stored.extension(),
        captured.extension,
    )?;
    let record = place(project, index, &id, &file, given)?;
    let relative = capture_path
        .strip_prefix(&folder)
        .map(crate::files::with_slashes)
        .unwrap_or_else(|_| format!("{id}.{}", captured.extension));
    let fields = capture_fields(&found, given, &captured, address, &relative, charset, &id);
    Ok(Addition {
        schema: schema_directive(project, &record),
        id,
        input: PathBuf::from(&shown),
        file,
        copy: true,
        record,
        fields,
        attachments: Vec::new(),
        bytes: captured.payload,
        capture: Some(CaptureFile {
            path: capture_path,
            copy: !kept,
            hops: captured.hops,
            bytes: captured.capture,
        }),
    })
}

/// Where a captured page and its capture go: `sources/<id>.<ext>` both,
/// unless the capture imported is already inside `sources/`, where it
/// stays and the page goes beside it. Neither may exist yet. Returns the
/// folder, the page's path, the capture's, and whether it is kept.
fn capture_places(
    project: &Project,
    imported: Option<&Path>,
    id: &str,
    page_extension: &str,
    capture_extension: &str,
) -> anyhow::Result<(PathBuf, PathBuf, PathBuf, bool)> {
    let sources = fs::canonicalize(&project.sources).unwrap_or_else(|_| project.sources.clone());
    let kept = imported
        .and_then(|input| fs::canonicalize(input).ok())
        .filter(|c| c.starts_with(&sources));
    let folder = kept
        .as_ref()
        .and_then(|k| k.parent())
        .map_or_else(|| sources.clone(), Path::to_path_buf);
    let file = folder.join(format!("{id}.{page_extension}"));
    let capture = kept
        .clone()
        .unwrap_or_else(|| folder.join(format!("{id}.{capture_extension}")));
    for path in [Some(&file), kept.is_none().then_some(&capture)]
        .into_iter()
        .flatten()
    {
        if fs::symlink_metadata(path).is_ok() {
            return Err(
                Fatal::new(format!("`{}` already exists", project.display(path)))
                    .help("give the source another id with `--id ID`")
                    .help("nothing was written")
                    .into(),
            );
        }
    }
    Ok((folder, file, capture, kept.is_some()))
}

/// The record's fields for a captured page: what the page says (or the
/// flags), then where and when it was captured; `accessed` is the
/// capture's date.
fn capture_fields(
    found: &Metadata,
    given: &Given,
    captured: &Captured,
    address: bool,
    relative: &str,
    charset: Option<&'static encoding_rs::Encoding>,
    id: &str,
) -> Vec<Field> {
    let date = captured.time.date_naive();
    let mut fields = fields(found, &given_for_capture(given), date, Path::new(id));
    for field in &mut fields {
        if field.key == "accessed" {
            field.origin = Origin::Capture("the capture's date");
        }
    }
    let (url_from, time_from, capture_from) = if address {
        (
            "the address given",
            "the time of the response",
            "written by clerk",
        )
    } else {
        (
            "the capture's WARC-Target-URI",
            "the capture's WARC-Date",
            "the file imported",
        )
    };
    fields.push(text_field("url", &captured.url, Origin::Capture(url_from)));
    if let Some(final_url) = &captured.final_url {
        fields.push(text_field(
            "final-url",
            final_url,
            Origin::Capture("the last redirect"),
        ));
    }
    let time = crate::capture::warc_date(&captured.time);
    fields.push(Field {
        key: "captured",
        value: time.clone(),
        toml: time,
        origin: Origin::Capture(time_from),
    });
    fields.push(text_field(
        "capture",
        relative,
        Origin::Capture(capture_from),
    ));
    if let Some(charset) = charset {
        fields.push(text_field(
            "charset",
            &charset.name().to_ascii_lowercase(),
            Origin::Capture("the Content-Type header"),
        ));
    }
    fields.sort_by_key(|f| field_order(f.key));
    fields
}

/// The flags that describe a captured page: `--url` picks the response
/// instead of naming an address.
fn given_for_capture(given: &Given) -> Given {
    Given {
        url: None,
        ..given.clone()
    }
}

/// Fetches an address: the page and the WARC of the exchange.
fn fetch(project: &Project, address: &str, given: &Given) -> anyhow::Result<Captured> {
    let limits = crate::capture::fetch::Limits {
        timeout: given.timeout.unwrap_or(DEFAULT_TIMEOUT),
        max_size: project.max_source_size,
    };
    let failed = |cause: String| {
        Fatal::new(format!("cannot add `{address}`: {cause}")).help("nothing was written")
    };
    let exchange = crate::capture::fetch::fetch(address, limits).map_err(|error| {
        let mut fatal = failed(error.to_string());
        match error {
            crate::capture::fetch::FetchError::TimedOut(_) => {
                fatal = fatal.help("allow more time with `--timeout SECONDS`");
            }
            crate::capture::fetch::FetchError::TooLarge(_) => {
                fatal = fatal.help("raise the limit with `--max-source-size`, for example `--max-source-size 1GiB`");
            }
            _ => {}
        }
        fatal
    })?;
    let last = exchange.last();
    let message = crate::capture::http::Message {
        status: last.status,
        reason: last.reason.clone(),
        headers: last.headers.clone(),
        body: last.body.clone(),
    };
    // A server may compress what clerk asked for uncompressed: the
    // capture keeps what it sent, the source file is the page.
    let payload = crate::capture::http::payload(&message, project.max_source_size)
        .map_err(|error| failed(error.0))?;
    Ok(Captured {
        url: address.to_string(),
        final_url: (!crate::capture::same_address(&last.url, address)).then(|| last.url.clone()),
        time: last.time,
        content_type: last.header("content-type").map(str::to_string),
        payload,
        capture: exchange.to_warc(),
        extension: "warc",
        hops: exchange.hops.len(),
    })
}

/// Reads a capture made elsewhere: the response for `--url`, or its only
/// page.
fn import(project: &Project, input: &Path, shown: &str, given: &Given) -> anyhow::Result<Captured> {
    use crate::capture::{NoPick, Packing};
    let failed = |cause: String| {
        Fatal::new(format!("cannot import `{shown}`: {cause}")).help("nothing was written")
    };
    let bytes =
        read_limited(input, project.max_source_size).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => Fatal::new(format!("no file `{shown}`"))
                .help("give the path of a capture to import, relative to the current folder"),
            _ => failed(error.to_string()),
        })?;
    let packing = Packing::of(input).unwrap_or(Packing::Warc);
    let responses =
        crate::capture::read(&bytes, packing, project.max_source_size).map_err(failed)?;
    let response = crate::capture::pick(&responses, given.url.as_deref()).map_err(|no| {
        let list = |pages: &[String]| {
            pages
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match no {
            NoPick::NoSuchAddress { url, pages } => {
                let error = failed(format!("it holds no response for `{url}`"));
                if pages.is_empty() {
                    error
                } else {
                    error.help(format!("its pages are {}", list(&pages)))
                }
            }
            NoPick::Several(pages) => Fatal::new(format!(
                "`{shown}` holds {} pages: {}",
                pages.len(),
                list(&pages)
            ))
            .help("choose one with `--url URL`")
            .help("nothing was written"),
            NoPick::NoPage => failed(
                "it holds no page clerk can read (an HTML, PDF or text response with status 200)"
                    .into(),
            ),
        }
    })?;
    if response.message.status != 200 {
        return Err(failed(format!(
            "its response for `{}` is HTTP {} {}, not a page",
            response.target, response.message.status, response.message.reason
        ))
        .into());
    }
    let time = response.time().ok_or_else(|| {
        failed(format!(
            "its response for `{}` has no WARC-Date clerk can read (`{}`)",
            response.target, response.date
        ))
    })?;
    let payload = response.payload(project.max_source_size).map_err(failed)?;
    Ok(Captured {
        url: response.target.clone(),
        final_url: None,
        time,
        content_type: response.message.header("content-type").map(str::to_string),
        payload,
        capture: bytes,
        extension: Packing::extension(input),
        hops: 0,
    })
}

/// A capture's file name without `.warc`, `.warc.gz` or `.wacz`.
fn capture_stem(input: &Path) -> String {
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cut = name
        .len()
        .saturating_sub(crate::capture::Packing::extension(input).len() + 1);
    name.get(..cut).unwrap_or(&name).to_string()
}

/// The id an address suggests: its last path segment without extension,
/// else its host (`https://example.org/news/port-audit.html` gives
/// `port-audit`).
fn id_of_address(address: &str) -> String {
    let Ok(url) = url::Url::parse(address) else {
        return spec::suggest_id(address);
    };
    let segment = url
        .path_segments()
        .and_then(|mut s| s.rfind(|s| !s.is_empty()).map(str::to_string))
        .map(|s| {
            s.rsplit_once('.')
                .map_or(s.clone(), |(stem, _)| stem.to_string())
        })
        .filter(|s| !s.is_empty());
    let id =
        spec::suggest_id(&segment.unwrap_or_else(|| url.host_str().unwrap_or("page").to_string()));
    if id.is_empty() {
        "page".to_string()
    } else {
        id
    }
}

/// Reads a document the command line names: a regular file within the
/// size limit, of a format clerk reads, with text to quote; and what it
/// says about itself (an HTML or text file read in `charset`, when its
/// record names one).
fn read_document(
    project: &Project,
    input: &Path,
    shown: &str,
    charset: Option<&'static encoding_rs::Encoding>,
) -> anyhow::Result<(Vec<u8>, Metadata)> {
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
        .help(SourceFormat::unreadable_help(&extension))
    })?;
    let bytes = read_limited(input, project.max_source_size)
        .map_err(|error| Fatal::new(format!("cannot read `{shown}` ({error})")))?;
    let found = read_bytes(project, format, &bytes, shown, charset)?;
    Ok((bytes, found))
}

/// What a document's bytes say about themselves, once clerk has checked
/// that it can quote them; an HTML or text file read in `charset` when
/// its server declared one.
fn read_bytes(
    project: &Project,
    format: SourceFormat,
    bytes: &[u8],
    shown: &str,
    charset: Option<&'static encoding_rs::Encoding>,
) -> anyhow::Result<Metadata> {
    // A document whose text cannot be quoted is no source: say so now,
    // not at the first `check`.
    let text =
        SourceText::decode_declared(format, bytes.to_vec(), project.max_source_size, charset)
            .map_err(|unreadable| {
                let (_, message, help) = unreadable.explain(shown);
                Fatal::new(message).help(help)
            })?;
    let bytes = bytes.to_vec();
    let found = match format {
        SourceFormat::Text => metadata::text(&text.raw),
        SourceFormat::Markdown => crate::markdown::metadata(&String::from_utf8_lossy(&bytes)),
        SourceFormat::Html if charset.is_some_and(|c| c != encoding_rs::UTF_8) => {
            let (page, _, _) = charset.unwrap_or(encoding_rs::UTF_8).decode(&bytes);
            metadata::html(&page)
        }
        SourceFormat::Html => crate::documents::decode_html(bytes.clone())
            .map(|page| metadata::html(&page))
            .unwrap_or_default(),
        SourceFormat::Pdf => metadata::pdf(&bytes),
        SourceFormat::Docx => crate::office::docx_metadata(&bytes, project.max_source_size),
        SourceFormat::Odt => crate::office::odt_metadata(&bytes, project.max_source_size),
        SourceFormat::Eml => crate::mail::metadata(&bytes),
    };
    Ok(read_text(found, &text))
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

/// The files attached to an e-mail, as `clerk add` lists them.
fn attachments_of(input: &Path, bytes: &[u8]) -> Vec<String> {
    if format_of(input) != Some(SourceFormat::Eml) {
        return Vec::new();
    }
    crate::mail::attachments(bytes)
        .unwrap_or_default()
        .iter()
        .map(|a| {
            format!(
                "{} ({}, {})",
                a.name,
                a.mime,
                crate::files::human_size(a.bytes.len() as u64)
            )
        })
        .collect()
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
        ("message-id", read(&found.message_id)),
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
    const ORDER: [&str; 16] = [
        "title",
        "publisher",
        "kind",
        "author",
        "published",
        "accessed",
        "language",
        "url",
        "final-url",
        "captured",
        "capture",
        "archived-url",
        "charset",
        "cite-by",
        "message-id",
        "part-of",
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
        if let Some(capture) = addition.capture.as_ref().filter(|c| c.copy) {
            crate::output::write_new(&capture.path, &capture.bytes)?;
        }
        crate::output::write_new(&addition.record, addition.record_text().as_bytes())?;
    }
    Ok(())
}

/// The help that turns adding a file again into correcting its record:
/// the `clerk add --update` command with the flags the user gave.
fn update_help(id: &str, given: &Given) -> String {
    let mut command = format!("clerk add --update {}", shell_word(id));
    let mut flags = 0;
    let kind = given.kind.map(|k| k.name().to_string());
    let published = given.published.map(|d| d.format("%Y-%m-%d").to_string());
    for (flag, value) in [
        ("--title", &given.title),
        ("--publisher", &given.publisher),
        ("--kind", &kind),
        ("--author", &given.author),
        ("--published", &published),
        ("--language", &given.language),
        ("--url", &given.url),
    ] {
        if let Some(value) = value {
            command.push_str(&format!(" {flag} {}", shell_word(value)));
            flags += 1;
        }
    }
    if let Some(to) = &given.to {
        command.push_str(&format!(" --to {}", shell_word(to)));
    }
    match flags {
        0 => format!(
            "to correct that record, run `{command}` with the flags of the fields to change (`--fill` adds what the document says and the record lacks)"
        ),
        _ => format!("to correct that record, run `{command}`"),
    }
}

/// `value` as one word of a POSIX shell command line.
fn shell_word(value: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        return value.to_string();
    }
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// A correction `clerk add --update` makes to a record, checked and ready
/// to write ([`write_update`]).
#[derive(Debug)]
pub struct Update {
    pub id: String,
    /// The record file.
    pub record: PathBuf,
    /// The source file the record names.
    pub file: PathBuf,
    /// The keys set, in the order the record lists keys.
    pub changes: Vec<Change>,
    /// With `--fill`: keys the record has and the document gives
    /// otherwise, kept as the record has them.
    pub kept: Vec<Kept>,
    /// Without `--fill`: keys the document gives and the record lacks.
    pub unfilled: Vec<&'static str>,
    /// Dossiers whose pin of the source is not the digest of its file now.
    pub stale_pins: Vec<String>,
    /// The record's new text.
    text: String,
}

/// One key set by an update.
#[derive(Debug)]
pub struct Change {
    pub key: &'static str,
    /// The value the record had, if any: as people read it, and as TOML.
    pub old: Option<(String, String)>,
    pub new: Field,
}

impl Change {
    /// `title: "old" -> "new" (--title)`, values as TOML writes them.
    pub fn describe(&self) -> String {
        let old = self
            .old
            .as_ref()
            .map_or("(none)".to_string(), |(_, toml)| toml.clone());
        format!(
            "{}: {old} -> {} ({})",
            self.key, self.new.toml, self.new.origin
        )
    }
}

/// A key of the record that the document gives otherwise.
#[derive(Debug)]
pub struct Kept {
    pub key: &'static str,
    pub value: String,
    /// What the document says, and where.
    pub document: Field,
}

impl Kept {
    /// `title: kept "…" (the document says "…", read from <title>)`.
    pub fn describe(&self) -> String {
        format!(
            "{}: kept {} (the document says {}, {})",
            self.key,
            toml_edit::Value::from(self.value.as_str()),
            self.document.toml,
            self.document.origin
        )
    }
}

/// Plans `clerk add --update ID`: reads the record of source `id` and the
/// document it names (as `clerk add` reads it), and sets the keys the
/// flags give and, with `fill`, the keys the document gives that the
/// record lacks. Nothing is written.
pub fn plan_update(
    project: &Project,
    id: &str,
    given: &Given,
    fill: bool,
    today: NaiveDate,
) -> anyhow::Result<Update> {
    let index = SourceIndex::scan(project);
    let Some(source) = index.sources.get(id) else {
        return Err(unknown_source(id, &index).into());
    };
    let shown_record = source.record_file.display.clone();
    let record = project.root.join(&shown_record);
    let text = fs::read_to_string(&record)
        .map_err(|error| Fatal::new(format!("cannot read `{shown_record}` ({error})")))?;
    let mut document: toml_edit::DocumentMut =
        text.parse().map_err(|error: toml_edit::TomlError| {
            Fatal::new(format!(
                "cannot update `{shown_record}`: it is not valid TOML ({})",
                error.message().trim()
            ))
            .help(format!(
                "correct it by hand first: `clerk check` shows where (`{shown_record}`)"
            ))
        })?;
    let file = record_file(project, &document, &record, &shown_record)?;
    let shown = project.display(&file);
    check_given(project, std::slice::from_ref(&file), given)?;
    // A captured page is read in the encoding its server declared.
    let charset = document
        .get("charset")
        .and_then(toml_edit::Item::as_str)
        .and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()));
    let (bytes, found) = read_document(project, &file, &shown, charset)?;
    let proposed = fields(&found, given, today, &file);
    let mut update = Update {
        id: id.to_string(),
        record,
        stale_pins: stale_pins(project, id, &crate::files::sha256_hex(&bytes)),
        file,
        changes: Vec::new(),
        kept: Vec::new(),
        unfilled: Vec::new(),
        text: String::new(),
    };
    for field in proposed {
        let old = document.get(field.key).and_then(toml_edit::Item::as_value);
        let same = old.is_some_and(|old| {
            old.as_str()
                .map(str::to_string)
                .or_else(|| old.as_datetime().map(ToString::to_string))
                .is_some_and(|value| value == field.value)
        });
        let wanted = match &field.origin {
            Origin::Flag(_) => true,
            Origin::Document(_) if old.is_none() => {
                if !fill {
                    update.unfilled.push(field.key);
                }
                fill
            }
            Origin::Document(_) => {
                if fill && !same {
                    update.kept.push(Kept {
                        key: field.key,
                        value: old.map(plain).unwrap_or_default(),
                        document: field.clone(),
                    });
                }
                false
            }
            // A file name is no title, and today is not when the document
            // was retrieved.
            Origin::FileName
            | Origin::Today
            | Origin::Answered
            | Origin::Capture(_)
            | Origin::Message => false,
        };
        if !wanted || same {
            continue;
        }
        let old = old.map(|value| {
            let mut shown = value.clone();
            shown.decor_mut().clear();
            (plain(value), shown.to_string())
        });
        set_value(&mut document, &field)?;
        update.changes.push(Change {
            key: field.key,
            old,
            new: field,
        });
    }
    let mut rewritten = document.to_string();
    // toml_edit writes LF between lines it lays out: keep a CRLF file CRLF.
    if text.contains("\r\n") {
        rewritten = rewritten.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    update.text = rewritten;
    Ok(update)
}

/// No record has id `id`: the error names the ids there are.
fn unknown_source(id: &str, index: &SourceIndex) -> Fatal {
    let mut error = Fatal::new(format!(
        "no source `{id}` (no record `sources/**/{id}.toml`)"
    ));
    if let Some(close) = spec::closest(id, index.sources.keys().map(String::as_str)) {
        error = error.help(format!("did you mean `{close}`?"));
    }
    const SHOWN: usize = 10;
    let ids: Vec<String> = index
        .sources
        .keys()
        .take(SHOWN)
        .map(|id| format!("`{id}`"))
        .collect();
    match index.sources.len() {
        0 => error.help("the project has no source yet: `clerk add FILE` adds one"),
        n if n > SHOWN => error.help(format!(
            "the sources are {} and {} more",
            ids.join(", "),
            n - SHOWN
        )),
        _ => error.help(format!("the sources are {}", ids.join(", "))),
    }
}

/// The source file a record names, which must be a file inside `sources/`.
fn record_file(
    project: &Project,
    document: &toml_edit::DocumentMut,
    record: &Path,
    shown_record: &str,
) -> anyhow::Result<PathBuf> {
    let Some(name) = document.get("file").and_then(toml_edit::Item::as_str) else {
        return Err(Fatal::new(format!("`{shown_record}` names no `file`"))
            .help("write the source file's name in the record: `file = \"report.pdf\"`")
            .into());
    };
    let folder = record.parent().unwrap_or(&project.sources);
    let file = lexical_join(folder, Path::new(name));
    let sources = fs::canonicalize(&project.sources).unwrap_or_else(|_| project.sources.clone());
    let inside = fs::canonicalize(&file).map_or_else(
        |_| file.starts_with(&project.sources),
        |c| c.starts_with(&sources),
    );
    if !inside {
        return Err(Fatal::new(format!(
            "the `file` of `{shown_record}` leads outside `sources/` (`{name}`)"
        ))
        .help("name a file inside `sources/`, relative to the record")
        .into());
    }
    if fs::symlink_metadata(&file).is_err() {
        return Err(Fatal::new(format!(
            "no file `{}`, which `{shown_record}` names",
            project.display(&file)
        ))
        .help("put the document back, or correct `file` in the record")
        .into());
    }
    Ok(file)
}

/// A value as people read it: a string's text, anything else as TOML.
fn plain(value: &toml_edit::Value) -> String {
    match value.as_str() {
        Some(text) => text.to_string(),
        None => {
            let mut value = value.clone();
            value.decor_mut().clear();
            value.to_string()
        }
    }
}

/// Sets `field` in the record, keeping the comments and spacing around an
/// old value; a new key goes after the record's last one.
fn set_value(document: &mut toml_edit::DocumentMut, field: &Field) -> anyhow::Result<()> {
    let mut value: toml_edit::Value = field
        .toml
        .parse()
        .map_err(|_| anyhow::anyhow!("`{}` is no TOML value", field.toml))?;
    match document
        .get_mut(field.key)
        .and_then(toml_edit::Item::as_value_mut)
    {
        Some(old) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        None => {
            document.insert(field.key, toml_edit::Item::Value(value));
        }
    }
    Ok(())
}

/// The dossiers whose `[sources]` pin `id` at another digest than `sha256`.
fn stale_pins(project: &Project, id: &str, sha256: &str) -> Vec<String> {
    let Ok(paths) = project.select(&[]) else {
        return Vec::new();
    };
    let mut stale = Vec::new();
    for path in paths {
        let Ok(dossier) = project.read_dossier(&path) else {
            continue;
        };
        let Ok(document) = dossier.file.text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        let pin = document
            .get("sources")
            .and_then(|sources| sources.get(id))
            .and_then(toml_edit::Item::as_str);
        if pin.is_some_and(|pin| spec::parse_pin(pin) != Some(sha256)) {
            stale.push(dossier.id);
        }
    }
    stale
}

/// Writes an update's record atomically, when it changes anything.
pub fn write_update(update: &Update) -> anyhow::Result<()> {
    if update.changes.is_empty() {
        return Ok(());
    }
    crate::output::write_atomic(&update.record, update.text.as_bytes())
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
            attachments: Vec::new(),
            schema: None,
            bytes: Vec::new(),
            capture: None,
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
            attachments: Vec::new(),
            schema: None,
            bytes: Vec::new(),
            capture: None,
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
