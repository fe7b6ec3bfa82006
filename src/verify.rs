//! `clerk verify`: reading the manifest out of a PDF and checking it, item
//! by item, against the project, then rebuilding the PDF in memory and
//! comparing the bytes, and those of the exports beside it.

use std::path::Path;

use serde::Serialize;

use crate::build::{Built, build_brief};
use crate::files::{self, Escape, sha256_hex};
use crate::manifest::{self, MANIFEST_NAME, MANIFEST_VERSION, Manifest, TemplateFiles, Unreadable};
use crate::project::Project;
use crate::selection::CheckedSelection;
use crate::settings::Emit;

/// How one item compares with the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Changed,
    Missing,
    Failed,
    /// This clerk cannot judge the item (a manifest of a newer format):
    /// nothing is known to be wrong, and the command cannot run to a
    /// verdict (exit 2).
    Unknown,
}

/// One line of a verification report.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub status: Verdict,
    /// What was compared: `dossier`, `template`, `source`, `record`, `quote`, `pdf`, `export`, …
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
    fn new(status: Verdict, what: &str, name: impl Into<String>) -> Self {
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
                    ..Item::new(Verdict::Failed, what, path).detail(
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
                    Verdict::Ok
                } else {
                    Verdict::Changed
                };
                Item {
                    recorded: Some(recorded.to_string()),
                    found: Some(found),
                    ..Item::new(status, what, path)
                }
            }
            Err(_) => Item {
                recorded: Some(recorded.to_string()),
                ..Item::new(Verdict::Missing, what, path)
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
    if !files::is_plain_relative(relative) {
        return Err(Unreachable::Outside);
    }
    let canonical = match files::confine(&project.root, &project.root.join(relative)) {
        Ok(canonical) => canonical,
        Err(Escape::Unresolved(_)) => return Err(Unreachable::Unreadable),
        Err(Escape::Outside(_)) => return Err(Unreachable::Outside),
    };
    files::read_limited(&canonical, project.max_source_size).map_err(|_| Unreachable::Unreadable)
}

/// The verification of one PDF.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub pdf: String,
    /// The dossier the manifest names, if it could be read.
    pub dossier: Option<String>,
    pub verified: bool,
    pub items: Vec<Item>,
    /// The signatures of the PDF and the files verified with it, when
    /// there are any or they were asked about ([`signatures`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<crate::sign::Check>,
}

impl Verification {
    /// Whether this clerk could not judge the PDF at all (its manifest is
    /// of a newer format), as opposed to finding a difference.
    pub fn is_unjudged(&self) -> bool {
        self.items.iter().any(|i| i.status == Verdict::Unknown)
    }
}

/// Verifies the PDF at `pdf_path` against `project`. An `Err` means the
/// PDF could not be read at all.
pub fn verify(project: &Project, pdf_path: &Path) -> anyhow::Result<Verification> {
    let pdf = std::fs::read(pdf_path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read `{}` ({})",
            pdf_path.display(),
            files::cause(&e)
        )
    })?;
    let mut report = Verification {
        pdf: pdf_path.display().to_string(),
        dossier: None,
        verified: false,
        items: Vec::new(),
        signatures: Vec::new(),
    };
    // A Word edition is verified as a PDF is, by its own manifest and a
    // rebuild of itself.
    let docx = crate::docx::is_package(&pdf);
    let read = if docx {
        Manifest::read_docx(&pdf)
    } else {
        Manifest::read_attached(&pdf)
    };
    let manifest = match read {
        Ok(manifest) => manifest,
        Err(unreadable) => {
            report.items.push(match unreadable {
                Unreadable::NotAttached if docx => Item::new(Verdict::Missing, "manifest", "customXml")
                    .detail("the .docx carries no clerk manifest: it was not built by clerk, or it was saved by a program that dropped it"),
                Unreadable::Damaged(error) if docx => Item::new(Verdict::Failed, "docx", "structure")
                    .detail(format!("the .docx is damaged or truncated and cannot be read ({error})")),
                unreadable => unreadable_manifest(unreadable),
            });
            return Ok(report);
        }
    };
    report.dossier = Some(manifest.dossier.id.clone());
    // A brief renamed for mailing keeps any name, but one named after
    // another dossier of the project is the wrong brief.
    if let Some(stem) = pdf_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        && stem != manifest.dossier.id
        && project.dossiers.join(format!("{stem}.toml")).is_file()
    {
        report.items.push(
            Item::new(Verdict::Changed, "pdf", pdf_path.display().to_string()).detail(format!(
                "named after dossier `{stem}`, but it is the brief of dossier `{}`",
                manifest.dossier.id
            )),
        );
    }
    report.items.extend(compare_inputs(project, &manifest));
    if docx {
        report.items.extend(reference_docx(project, &manifest));
    }
    report.items.extend(builder(&manifest));
    report.items.extend(recheck_and_rebuild(
        project,
        &manifest,
        (pdf_path, &pdf, docx),
    ));
    report.verified = report.items.iter().all(|i| i.status == Verdict::Ok);
    Ok(report)
}

/// Files under `templates/` that the brief uses now but did not when it
/// was built (added since, or named by the template since).
fn new_template_inputs(recorded: &Manifest, rebuilt: &Manifest) -> Vec<Item> {
    rebuilt
        .template
        .files
        .iter()
        .filter(|file| !recorded.template.files.iter().any(|f| f.path == file.path))
        .map(|file| Item {
            found: Some(file.sha256.clone()),
            ..Item::new(Verdict::Changed, "template file", &file.path)
                .detail("an input of the brief now (added to templates/ or named by the template since the PDF was built)")
        })
        .collect()
}

/// The dossier, template, template files, sources and records the
/// manifest names, each compared with the project's file.
fn compare_inputs(project: &Project, manifest: &Manifest) -> Vec<Item> {
    let mut items = vec![Item::file(
        "dossier",
        project,
        &manifest.dossier.path,
        &manifest.dossier.sha256,
    )];
    items.push(match &manifest.template.path {
        Some(path) => Item::file("template", project, path, &manifest.template.sha256),
        None => builtin_template(project, manifest),
    });
    for file in &manifest.template.files {
        items.push(Item::file(
            "template file",
            project,
            &file.path,
            &file.sha256,
        ));
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
        if let Some(capture) = &source.capture {
            items.push(
                Item::file("capture", project, &capture.path, &capture.sha256)
                    .detail(format!("capture of source `{}`", source.id)),
            );
        }
    }
    items
}

/// The reference document a Word edition's manifest names, compared with
/// the project's; or one the project has now that styled no edition.
fn reference_docx(project: &Project, manifest: &Manifest) -> Option<Item> {
    match &manifest.reference_docx {
        Some(file) => Some(Item::file(
            "reference doc",
            project,
            &file.path,
            &file.sha256,
        )),
        None => {
            let path = project.templates.join(crate::docx::REFERENCE_DOCX);
            let bytes = files::read_limited(&path, project.max_source_size).ok()?;
            Some(Item {
                found: Some(sha256_hex(&bytes)),
                ..Item::new(Verdict::Changed, "reference doc", project.display(&path)).detail(
                    "added to templates/ since the .docx was built with the built-in styles",
                )
            })
        }
    }
}

/// The built-in template the manifest names, compared with this clerk's.
fn builtin_template(project: &Project, manifest: &Manifest) -> Item {
    let name = &manifest.template.name;
    let found = crate::builtin::template(name)
        .filter(|_| project.template_file(name).is_none())
        .map(|text| sha256_hex(text.as_bytes()));
    let status = match &found {
        Some(f) if *f == manifest.template.sha256 => Verdict::Ok,
        Some(_) => Verdict::Changed,
        None => Verdict::Missing,
    };
    let item = Item {
        recorded: Some(manifest.template.sha256.clone()),
        found,
        ..Item::new(status, "template", format!("built-in `{name}`"))
    };
    match status {
        Verdict::Missing => item.detail(
            "the project now has its own template of that name, or this clerk has no such built-in",
        ),
        Verdict::Changed => {
            item.detail("this clerk's built-in template differs from the one that built the PDF")
        }
        _ => item,
    }
}

/// A difference when another clerk or typst built the PDF.
fn builder(manifest: &Manifest) -> Option<Item> {
    let typst = manifest::typst_version();
    (manifest.clerk_version != crate::VERSION || manifest.typst_version != typst).then(|| {
        Item::new(
            Verdict::Changed,
            "builder",
            format!(
                "clerk {} (typst {})",
                manifest.clerk_version, manifest.typst_version
            ),
        )
        .detail(format!(
            "built by clerk {} with typst {}; this is clerk {} with typst {typst}, so the rebuild may differ",
            manifest.clerk_version,
            manifest.typst_version,
            crate::VERSION,
        ))
    })
}

/// Why a PDF's manifest could not be read, as a report item.
fn unreadable_manifest(unreadable: Unreadable) -> Item {
    let manifest_item =
        |detail: String| Item::new(Verdict::Failed, "manifest", MANIFEST_NAME).detail(detail);
    match unreadable {
        Unreadable::NotAttached => Item::new(Verdict::Missing, "manifest", MANIFEST_NAME).detail(
            "the PDF carries no clerk manifest: it was not built by clerk, or the attachment was removed",
        ),
        Unreadable::Damaged(error) => Item::new(Verdict::Failed, "pdf", "structure").detail(format!(
            "the PDF is damaged or truncated and cannot be read ({error})"
        )),
        Unreadable::Encrypted => Item::new(Verdict::Failed, "pdf", "encryption").detail(
            "the PDF is encrypted (a password-protected copy), so its manifest cannot be read; verify the unencrypted copy clerk built",
        ),
        Unreadable::NotJson(error) => manifest_item(format!("the manifest is not valid JSON ({error})")),
        Unreadable::Newer { version, clerk } => {
            let with = match clerk {
                Some(clerk) => format!("clerk {clerk}, which built it, or a later one"),
                None => "a newer clerk".to_string(),
            };
            Item::new(Verdict::Unknown, "manifest", MANIFEST_NAME).detail(format!(
                "manifest format version {version} is newer than this clerk reads (version {MANIFEST_VERSION}); verify it with {with}"
            ))
        }
        Unreadable::NoVersion => manifest_item("the manifest has no `manifest_version`".to_string()),
        Unreadable::Malformed(error) => manifest_item(format!("the manifest is malformed ({error})")),
    }
}

/// Re-checks the dossier's quotes and rebuilds the PDF (at `pdf_path`) and
/// its exports in memory; or, for a Word edition (`docx`), the .docx.
fn recheck_and_rebuild(
    project: &Project,
    manifest: &Manifest,
    (pdf_path, pdf, docx): (&Path, &[u8], bool),
) -> Vec<Item> {
    if read_in_project(project, &manifest.dossier.path).is_err() {
        return Vec::new();
    }
    let spec = project.root.join(&manifest.dossier.path);
    let selection = match CheckedSelection::check(project.clone(), &[spec.display().to_string()]) {
        Ok(selection) => selection,
        Err(error) => {
            return vec![
                Item::new(Verdict::Failed, "check", &manifest.dossier.path)
                    .detail(format!("{error:#}")),
            ];
        }
    };
    let mut items = Vec::new();
    for d in selection.diagnostics().iter().filter(|d| d.is_error()) {
        let mut name = d.rule.name().to_string();
        if let Some(claim) = &d.claim {
            name = format!("{name} (claim `{claim}`)");
        }
        items.push(Item::new(Verdict::Failed, "check", name).detail(d.message.clone()));
    }
    let Some(checked) = selection.checked.first() else {
        return items;
    };
    if !checked.is_buildable() {
        items.push(
            Item::new(Verdict::Failed, "pdf", &manifest.dossier.id)
                .detail("the dossier no longer checks, so the brief cannot be rebuilt"),
        );
        return items;
    }
    let typesetter = crate::typeset::Typesetter::new(
        &selection.project.templates,
        crate::settings::DEFAULT_TYPESET_TIMEOUT,
    );
    let templates = crate::render::TemplateCache::default();
    let template_files = TemplateFiles::read(&selection.project);
    let context = (&templates, &template_files, false);
    match build_brief(&selection, checked, &typesetter, context) {
        Ok(mut built) => {
            items.extend(new_template_inputs(manifest, &built.manifest));
            items.push(compare_quotes(manifest, &built.manifest));
            if docx {
                items.push(
                    match crate::build::docx_edition(&selection, checked, &built, &typesetter) {
                        Ok(edition) => compare_docx(manifest, pdf, &edition),
                        Err(found) => Item::new(Verdict::Failed, "docx", "rebuilt in memory")
                            .detail(format!(
                                "cannot rebuild it: {}",
                                found.first().map_or("", |d| d.message.as_str())
                            )),
                    },
                );
                return items;
            }
            items.push(compare_pdf(manifest, pdf, &built));
            // The Word edition beside the PDF, if there is one, likewise.
            let docx_path = pdf_path.with_extension("docx");
            if std::fs::symlink_metadata(&docx_path).is_ok() {
                match crate::build::docx_edition(&selection, checked, &built, &typesetter) {
                    Ok(edition) => built.docx = Some(edition),
                    Err(found) => items.push(
                        Item::new(Verdict::Failed, "export", docx_path.display().to_string())
                            .detail(format!(
                                "cannot rebuild it: {}",
                                found.first().map_or("", |d| d.message.as_str())
                            )),
                    ),
                }
            }
            // The HTML edition beside the PDF, if there is one, is rebuilt
            // too; a template that no longer renders fails only it.
            let html_path = pdf_path.with_extension("html");
            if std::fs::symlink_metadata(&html_path).is_ok() {
                let template = checked.dossier.as_ref().map_or("brief", |d| d.template());
                let context = (&templates, &built.brief);
                match crate::build::html_edition(&selection, checked, template, context) {
                    Ok(html) => built.html = Some(html),
                    Err(d) => items.push(
                        Item::new(Verdict::Failed, "export", html_path.display().to_string())
                            .detail(format!("cannot rebuild it: {}", d.message)),
                    ),
                }
            }
            items.extend(compare_exports(project, manifest, pdf_path, &built));
        }
        Err(failure) => {
            for d in failure.diagnostics {
                items.push(
                    Item::new(Verdict::Failed, "pdf", &manifest.dossier.id).detail(d.message),
                );
            }
        }
    }
    items
}

/// Whether the rebuild found every quote where the manifest records it.
fn compare_quotes(recorded: &Manifest, rebuilt: &Manifest) -> Item {
    let id = &recorded.dossier.id;
    if rebuilt.claims != recorded.claims {
        return Item::new(Verdict::Changed, "quotes", id)
            .detail("the claims or quote locators differ from those recorded");
    }
    let quotes: usize = recorded.claims.iter().map(|c| c.quotes.len()).sum();
    Item::new(Verdict::Ok, "quotes", id).detail(format!("{quotes} quotes found where recorded"))
}

/// The PDF compared byte for byte with its rebuild.
fn compare_pdf(manifest: &Manifest, pdf: &[u8], built: &Built) -> Item {
    let recorded = sha256_hex(pdf);
    let rebuilt = sha256_hex(&built.pdf);
    let same = recorded == rebuilt;
    let item = Item {
        recorded: Some(recorded),
        found: Some(rebuilt),
        ..Item::new(
            if same { Verdict::Ok } else { Verdict::Changed },
            "pdf",
            "rebuilt in memory",
        )
    };
    if same {
        return item.detail(format!("byte-identical ({} bytes)", pdf.len()));
    }
    let first = first_difference(pdf, &built.pdf);
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
}

/// A Word edition compared byte for byte with its rebuild.
fn compare_docx(manifest: &Manifest, docx: &[u8], edition: &crate::build::DocxEdition) -> Item {
    let same = docx == edition.docx.as_slice();
    let item = Item {
        recorded: Some(sha256_hex(docx)),
        found: Some(sha256_hex(&edition.docx)),
        ..Item::new(
            if same { Verdict::Ok } else { Verdict::Changed },
            "docx",
            "rebuilt in memory",
        )
    };
    if same {
        return item.detail(format!("byte-identical ({} bytes)", docx.len()));
    }
    let why = if edition.manifest == *manifest {
        "the inputs match, so the .docx itself was altered after it was built (opened and saved in Word, say)"
    } else {
        "the inputs differ from those recorded"
    };
    item.detail(format!(
        "differs from the rebuild at byte {} ({} bytes, rebuild {} bytes): {why}",
        first_difference(docx, &edition.docx),
        docx.len(),
        edition.docx.len()
    ))
}

/// The exports and the HTML edition beside the PDF, named after it as
/// `build` names them after the dossier (`brief.json` beside `brief.pdf`),
/// each compared byte for byte with its rebuild. Files that are not there
/// are not reported: they are written only when asked for.
fn compare_exports(
    project: &Project,
    manifest: &Manifest,
    pdf_path: &Path,
    built: &Built,
) -> Vec<Item> {
    let Some(stem) = pdf_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
    else {
        return Vec::new();
    };
    let mut items = Vec::new();
    for kind in crate::fresh::BESIDE_PDF {
        let path = pdf_path.with_file_name(kind.file_name(&stem));
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        let Some(rebuilt) = built.beside(kind) else {
            continue;
        };
        let name = path.display().to_string();
        let found = match files::read_limited(&path, project.max_source_size) {
            Ok(found) => found,
            Err(error) => {
                items.push(
                    Item::new(Verdict::Failed, "export", name)
                        .detail(format!("cannot read it ({error})")),
                );
                continue;
            }
        };
        let inputs_match = built.manifest == *manifest;
        items.push(compare_export(name, &found, &rebuilt, (inputs_match, kind)));
    }
    items
}

/// An export (of `kind`) compared with its rebuild; `inputs_match` tells
/// whether the inputs are those the manifest records.
fn compare_export(
    name: String,
    found: &[u8],
    rebuilt: &[u8],
    (inputs_match, kind): (bool, Emit),
) -> Item {
    let same = found == rebuilt;
    let item = Item {
        recorded: Some(sha256_hex(found)),
        found: Some(sha256_hex(rebuilt)),
        ..Item::new(
            if same { Verdict::Ok } else { Verdict::Changed },
            "export",
            name,
        )
    };
    if same {
        return item.detail(format!(
            "byte-identical to the rebuild ({} bytes)",
            found.len()
        ));
    }
    let why = if inputs_match && kind == Emit::Docx {
        // Its reference document is not among the PDF's inputs; the
        // .docx records it in its own manifest.
        "the inputs match those recorded, so this file was altered after it was built, comes from another build, or templates/reference.docx changed since (`clerk verify` on the .docx says which)"
    } else if inputs_match && kind == Emit::Html {
        // Its template is not among the inputs the manifest records.
        "the inputs match those recorded, so this file was altered after it was built, comes from another build, or its HTML template (templates/<name>.html.hbs) changed since"
    } else if inputs_match {
        "the inputs match those recorded, so this file was altered after it was built or comes from another build"
    } else {
        "the inputs differ from those recorded"
    };
    item.detail(format!(
        "differs from the rebuild at byte {} ({} bytes, rebuild {} bytes): {why}",
        first_difference(found, rebuilt),
        found.len(),
        rebuilt.len()
    ))
}

/// The offset of the first byte where `a` and `b` differ (the shorter
/// length when one is a prefix of the other).
fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

/// The signatures of the PDF at `pdf_path` and of the files beside it that
/// `verify` compares (HTML edition, exports), each judged against
/// `trusted`, then those of the signed provenance statement
/// (`<stem>.intoto.jsonl`) if there is one. A file that cannot be read is
/// left to the byte comparison, which reports it.
pub fn signatures(pdf_path: &Path, trusted: &crate::sign::Trusted<'_>) -> Vec<crate::sign::Check> {
    let Some(stem) = pdf_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
    else {
        return Vec::new();
    };
    let mut checks = Vec::new();
    let read = |path: &Path| files::read_limited(path, crate::sign::MAX_SIGNED_FILE).ok();
    let Some(pdf) = read(pdf_path) else {
        return checks;
    };
    checks.extend(crate::sign::check_file(pdf_path, &pdf, trusted));
    for kind in crate::fresh::BESIDE_PDF {
        let path = pdf_path.with_file_name(kind.file_name(&stem));
        // A Word edition verified on its own is checked above.
        if path == pdf_path || std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        if let Some(bytes) = read(&path) {
            checks.extend(crate::sign::check_file(&path, &bytes, trusted));
        }
    }
    let envelope =
        pdf_path.with_file_name(format!("{stem}.{}", crate::sign::dsse::ENVELOPE_SUFFIX));
    if std::fs::symlink_metadata(&envelope).is_ok() {
        checks.extend(crate::sign::dsse::check_envelope(
            &envelope, pdf_path, &pdf, trusted,
        ));
    }
    checks
}
