//! `clerk verify`: reading the manifest out of a PDF and checking it, item
//! by item, against the project, then rebuilding the PDF in memory and
//! comparing the bytes.

use std::path::Path;

use serde::Serialize;

use crate::audit::{MANIFEST_NAME, MANIFEST_VERSION, Manifest};
use crate::project::{Project, Session};
use crate::sources::sha256_hex;

/// How one item compares with the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Changed,
    Missing,
    Failed,
}

/// One line of a verification report.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub status: Status,
    /// What was compared: `dossier`, `template`, `source`, `record`, `quote`, `pdf`, …
    pub what: String,
    /// The file or id concerned.
    pub name: String,
    /// Digest recorded in the manifest, when it applies.
    pub recorded: Option<String>,
    /// Digest found now, when it applies.
    pub found: Option<String>,
    pub detail: Option<String>,
}

impl Item {
    fn new(status: Status, what: &str, name: impl Into<String>) -> Self {
        Item {
            status,
            what: what.to_string(),
            name: name.into(),
            recorded: None,
            found: None,
            detail: None,
        }
    }

    /// Adds a detail, in front of any the item already has.
    fn detail(mut self, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        self.detail = Some(match self.detail.take() {
            Some(known) => format!("{detail}: {known}"),
            None => detail,
        });
        self
    }

    /// Compares a recorded digest with a file's current one.
    fn file(what: &str, project: &Project, path: &str, recorded: &str) -> Self {
        let bytes = match read_in_project(project, path) {
            Ok(bytes) => Ok(bytes),
            Err(Unreachable::Outside) => {
                return Item {
                    recorded: Some(recorded.to_string()),
                    ..Item::new(Status::Failed, what, path).detail(
                        "the manifest names a path outside the project; a manifest made by clerk never does",
                    )
                };
            }
            Err(Unreachable::Unreadable) => Err(()),
        };
        match bytes {
            Ok(bytes) => {
                let found = sha256_hex(&bytes);
                let status = if found == recorded {
                    Status::Ok
                } else {
                    Status::Changed
                };
                Item {
                    recorded: Some(recorded.to_string()),
                    found: Some(found),
                    ..Item::new(status, what, path)
                }
            }
            Err(_) => Item {
                recorded: Some(recorded.to_string()),
                ..Item::new(Status::Missing, what, path)
            },
        }
    }
}

enum Unreachable {
    /// The path leaves the project (absolute, `..`, or a link out).
    Outside,
    /// Missing, not a regular file, or too large.
    Unreadable,
}

/// Reads a file the manifest names, which must lie inside the project: a
/// tampered manifest cannot make `verify` read elsewhere, or read a device.
fn read_in_project(project: &Project, path: &str) -> Result<Vec<u8>, Unreachable> {
    let relative = Path::new(path);
    if !relative.components().all(|c| {
        matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    }) {
        return Err(Unreachable::Outside);
    }
    let joined = project.root.join(relative);
    let canonical = std::fs::canonicalize(&joined).map_err(|_| Unreachable::Unreadable)?;
    if !canonical.starts_with(&project.root) {
        return Err(Unreachable::Outside);
    }
    crate::sources::read_limited(&canonical, project.max_source_size)
        .map_err(|_| Unreachable::Unreadable)
}

/// The verification of one PDF.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub pdf: String,
    /// The dossier the manifest names, if it could be read.
    pub dossier: Option<String>,
    pub verified: bool,
    pub items: Vec<Item>,
}

/// Verifies the PDF at `pdf_path` against `project`. An `Err` means the
/// PDF could not be read at all.
pub fn verify(project: &Project, pdf_path: &Path) -> anyhow::Result<Report> {
    let pdf = std::fs::read(pdf_path)
        .map_err(|e| anyhow::anyhow!("cannot read `{}` ({e})", pdf_path.display()))?;
    let mut report = Report {
        pdf: pdf_path.display().to_string(),
        dossier: None,
        verified: false,
        items: Vec::new(),
    };
    let manifest = match read_manifest(&pdf) {
        Ok(manifest) => manifest,
        Err(item) => {
            report.items.push(*item);
            return Ok(report);
        }
    };
    report.dossier = Some(manifest.dossier.id.clone());
    let root = &project.root;
    // A brief renamed for mailing keeps any name, but one named after
    // another dossier of the project is the wrong brief.
    if let Some(stem) = pdf_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        && stem != manifest.dossier.id
        && project.dossiers.join(format!("{stem}.toml")).is_file()
    {
        report.items.push(
            Item::new(Status::Changed, "pdf", pdf_path.display().to_string()).detail(format!(
                "named after dossier `{stem}`, but it is the brief of dossier `{}`",
                manifest.dossier.id
            )),
        );
    }
    let mut items = vec![Item::file(
        "dossier",
        project,
        &manifest.dossier.path,
        &manifest.dossier.sha256,
    )];
    match &manifest.template.path {
        Some(path) => items.push(Item::file(
            "template",
            project,
            path,
            &manifest.template.sha256,
        )),
        None => {
            let found = crate::render::builtin(&manifest.template.name)
                .filter(|_| {
                    !crate::render::template_exists_in_project(
                        &project.templates,
                        &manifest.template.name,
                    )
                })
                .map(|text| sha256_hex(text.as_bytes()));
            let status = match &found {
                Some(f) if *f == manifest.template.sha256 => Status::Ok,
                Some(_) => Status::Changed,
                None => Status::Missing,
            };
            let mut item = Item {
                recorded: Some(manifest.template.sha256.clone()),
                found,
                ..Item::new(
                    status,
                    "template",
                    format!("built-in `{}`", manifest.template.name),
                )
            };
            if status == Status::Missing {
                item = item.detail("the project now has its own template of that name, or this clerk has no such built-in");
            } else if status == Status::Changed {
                item = item.detail(
                    "this clerk's built-in template differs from the one that built the PDF",
                );
            }
            items.push(item);
        }
    }
    let current_files = crate::audit::template_files(root, &project.templates);
    for file in &manifest.template.files {
        items.push(Item::file(
            "template file",
            project,
            &file.path,
            &file.sha256,
        ));
    }
    for file in &current_files {
        if !manifest.template.files.iter().any(|f| f.path == file.path) {
            items.push(Item {
                found: Some(file.sha256.clone()),
                ..Item::new(Status::Changed, "template file", &file.path)
                    .detail("added to templates/ since the PDF was built")
            });
        }
    }
    for source in &manifest.sources {
        items.push(
            Item::file("source", project, &source.path, &source.sha256)
                .detail(format!("source `{}`", source.id)),
        );
        items.push(
            Item::file(
                "record",
                project,
                &source.record.path,
                &source.record.sha256,
            )
            .detail(format!("record of source `{}`", source.id)),
        );
    }
    if manifest.clerk_version != crate::VERSION
        || manifest.typst_version != crate::audit::typst_version()
    {
        items.push(
            Item::new(Status::Changed, "builder", format!("clerk {} (typst {})", manifest.clerk_version, manifest.typst_version))
                .detail(format!(
                    "built by clerk {} with typst {}; this is clerk {} with typst {}, so the rebuild may differ",
                    manifest.clerk_version,
                    manifest.typst_version,
                    crate::VERSION,
                    crate::audit::typst_version()
                )),
        );
    }
    items.extend(recheck_and_rebuild(project, &manifest, &pdf));
    report.items.extend(items);
    report.verified = report.items.iter().all(|i| i.status == Status::Ok);
    Ok(report)
}

/// Re-checks the dossier's quotes and rebuilds the PDF in memory.
fn recheck_and_rebuild(project: &Project, manifest: &Manifest, pdf: &[u8]) -> Vec<Item> {
    if read_in_project(project, &manifest.dossier.path).is_err() {
        return Vec::new();
    }
    let spec = project.root.join(&manifest.dossier.path);
    let session = match Session::check(project.clone(), &[spec.display().to_string()]) {
        Ok(session) => session,
        Err(error) => {
            return vec![
                Item::new(Status::Failed, "check", &manifest.dossier.path)
                    .detail(format!("{error:#}")),
            ];
        }
    };
    let mut items = Vec::new();
    let errors: Vec<_> = session
        .diagnostics()
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    for d in &errors {
        let mut name = d.rule.name().to_string();
        if let Some(claim) = &d.claim {
            name = format!("{name} (claim `{claim}`)");
        }
        items.push(Item::new(Status::Failed, "check", name).detail(d.message.clone()));
    }
    let Some(checked) = session.checked.first() else {
        return items;
    };
    if !checked.is_buildable() {
        items.push(
            Item::new(Status::Failed, "pdf", &manifest.dossier.id)
                .detail("the dossier no longer checks, so the brief cannot be rebuilt"),
        );
        return items;
    }
    let typesetter = crate::typeset::Typesetter::new(
        &session.project.templates,
        crate::typeset::DEFAULT_TIMEOUT,
    );
    match crate::build::build_one(&session, checked, &typesetter, &Default::default()) {
        Ok(built) => {
            if built.manifest.claims != manifest.claims {
                items.push(
                    Item::new(Status::Changed, "quotes", &manifest.dossier.id)
                        .detail("the claims or quote locators differ from those recorded"),
                );
            } else {
                items.push(
                    Item::new(Status::Ok, "quotes", &manifest.dossier.id).detail(format!(
                        "{} quotes found where recorded",
                        manifest
                            .claims
                            .iter()
                            .map(|c| c.quotes.len())
                            .sum::<usize>()
                    )),
                );
            }
            let recorded = sha256_hex(pdf);
            let rebuilt = sha256_hex(&built.pdf);
            let mut item = Item {
                recorded: Some(recorded.clone()),
                found: Some(rebuilt.clone()),
                ..Item::new(
                    if recorded == rebuilt {
                        Status::Ok
                    } else {
                        Status::Changed
                    },
                    "pdf",
                    "rebuilt in memory",
                )
            };
            item = if recorded == rebuilt {
                item.detail(format!("byte-identical ({} bytes)", pdf.len()))
            } else {
                let first = pdf
                    .iter()
                    .zip(&built.pdf)
                    .position(|(a, b)| a != b)
                    .unwrap_or(pdf.len().min(built.pdf.len()));
                let why = if built.manifest == *manifest {
                    "the inputs match, so the PDF itself was altered after it was built"
                } else {
                    "the inputs differ from those recorded"
                };
                item.detail(format!(
                    "differs from the rebuild at byte {first} ({} bytes, rebuild {} bytes): {why}",
                    pdf.len(),
                    built.pdf.len()
                ))
            };
            items.push(item);
        }
        Err(diagnostics) => {
            for d in diagnostics {
                items
                    .push(Item::new(Status::Failed, "pdf", &manifest.dossier.id).detail(d.message));
            }
        }
    }
    items
}

/// Reads and parses the manifest attached to a PDF.
fn read_manifest(pdf: &[u8]) -> Result<Manifest, Box<Item>> {
    let bytes = match attachment(pdf, MANIFEST_NAME) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(Box::new(Item::new(Status::Missing, "manifest", MANIFEST_NAME).detail(
                "the PDF carries no clerk manifest: it was not built by clerk, or the attachment was removed",
            )));
        }
        Err(error) => {
            return Err(Box::new(
                Item::new(Status::Failed, "pdf", "structure").detail(format!(
                    "the PDF is damaged or truncated and cannot be read ({error})"
                )),
            ));
        }
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        Box::new(
            Item::new(Status::Failed, "manifest", MANIFEST_NAME)
                .detail(format!("the manifest is not valid JSON ({e})")),
        )
    })?;
    let version = value
        .get("manifest_version")
        .and_then(serde_json::Value::as_u64);
    match version {
        Some(v) if v > u64::from(MANIFEST_VERSION) => {
            return Err(Box::new(Item::new(Status::Failed, "manifest", MANIFEST_NAME).detail(format!(
                "manifest format version {v} is newer than this clerk reads (version {MANIFEST_VERSION}); verify it with a newer clerk"
            ))));
        }
        None => {
            return Err(Box::new(
                Item::new(Status::Failed, "manifest", MANIFEST_NAME)
                    .detail("the manifest has no `manifest_version`"),
            ));
        }
        Some(_) => {}
    }
    serde_json::from_value(value).map_err(|e| {
        Box::new(
            Item::new(Status::Failed, "manifest", MANIFEST_NAME)
                .detail(format!("the manifest is malformed ({e})")),
        )
    })
}

/// The bytes of the embedded file called `name`, from the catalog's
/// associated files or its `EmbeddedFiles` name tree.
pub fn attachment(pdf: &[u8], name: &str) -> Result<Option<Vec<u8>>, String> {
    let document = lopdf::Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let catalog = document.catalog().map_err(|e| e.to_string())?;
    let mut specs: Vec<&lopdf::Object> = Vec::new();
    if let Ok(af) = catalog
        .get(b"AF")
        .and_then(|o| document.dereference(o))
        .and_then(|(_, o)| o.as_array())
    {
        specs.extend(af.iter());
    }
    if let Ok(names) = catalog
        .get(b"Names")
        .and_then(|o| document.dereference(o))
        .and_then(|(_, o)| o.as_dict())
        .and_then(|d| d.get(b"EmbeddedFiles"))
        .and_then(|o| document.dereference(o))
    {
        collect_name_tree(&document, names.1, &mut specs, 0);
    }
    for spec in specs {
        let Ok((_, spec)) = document.dereference(spec) else {
            continue;
        };
        let Ok(spec) = spec.as_dict() else { continue };
        let file_name = spec
            .get(b"UF")
            .or_else(|_| spec.get(b"F"))
            .and_then(|o| o.as_str())
            .map(decode_pdf_string)
            .unwrap_or_default();
        if file_name != name {
            continue;
        }
        let stream = spec
            .get(b"EF")
            .and_then(|o| document.dereference(o))
            .and_then(|(_, o)| o.as_dict())
            .and_then(|ef| ef.get(b"F").or_else(|_| ef.get(b"UF")))
            .and_then(|o| document.dereference(o))
            .and_then(|(_, o)| o.as_stream())
            .map_err(|e| e.to_string())?;
        let bytes = if stream.dict.get(b"Filter").is_ok() {
            stream.decompressed_content().map_err(|e| e.to_string())?
        } else {
            stream.content.clone()
        };
        return Ok(Some(bytes));
    }
    Ok(None)
}

fn collect_name_tree<'a>(
    document: &'a lopdf::Document,
    node: &'a lopdf::Object,
    out: &mut Vec<&'a lopdf::Object>,
    depth: usize,
) {
    let Ok(node) = node.as_dict() else { return };
    if depth > 32 {
        return;
    }
    if let Ok(names) = node
        .get(b"Names")
        .and_then(|o| document.dereference(o))
        .and_then(|(_, o)| o.as_array())
    {
        out.extend(names.iter().skip(1).step_by(2));
    }
    if let Ok(kids) = node
        .get(b"Kids")
        .and_then(|o| document.dereference(o))
        .and_then(|(_, o)| o.as_array())
    {
        for kid in kids {
            if let Ok((_, kid)) = document.dereference(kid) {
                collect_name_tree(document, kid, out, depth + 1);
            }
        }
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, else PDFDocEncoding
/// (Latin-1 for the names clerk writes).
fn decode_pdf_string(bytes: &[u8]) -> String {
    if let Some(utf16) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}
