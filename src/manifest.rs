//! The manifest format: what every PDF carries about its inputs, written
//! by `build`, read back by `verify`, and the provenance statement derived
//! from it.
//!
//! The manifest records every input that shapes a brief (dossier, template
//! and its folder, records, sources, options) by path and SHA-256, and each
//! quote's locator. The typesetter receives it as bytes to attach.

use serde::{Deserialize, Serialize};

use crate::check::Checked;
use crate::files::{self, sha256_hex};
use crate::project::Project;
use crate::render::Template;
use crate::sources::SourceIndex;
use crate::typeset::Attachment;

/// Name of the attachment inside every PDF.
pub const MANIFEST_NAME: &str = "clerk-manifest.json";

/// Name of the brief as data (the `--emit json` export) inside every PDF.
pub const BRIEF_NAME: &str = "clerk-brief.json";

/// How the brief as data describes itself inside the PDF.
const BRIEF_DESCRIPTION: &str = "clerk brief as data (clerk build --emit json): the claims, quotes and references of this brief, for clerk diff";

/// How the attachment describes itself inside the PDF.
const DESCRIPTION: &str = "clerk manifest: the dossier, template and sources this brief was built from, with their SHA-256";

/// Version of the manifest format this clerk writes and reads.
pub const MANIFEST_VERSION: u32 = 1;

/// The PDF standards every brief conforms to.
pub const PDF_STANDARDS: [&str; 2] = ["a-3b", "ua-1"];

/// The inputs of one brief, attached to its PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub manifest_version: u32,
    pub clerk_version: String,
    pub typst_version: String,
    pub dossier: DossierEntry,
    pub template: TemplateEntry,
    pub sources: Vec<SourceEntry>,
    /// The quote-normalisation profile the offsets refer to.
    pub quote_normalisation: String,
    pub claims: Vec<ClaimEntry>,
    pub options: BuildOptions,
    /// The reference document that styled a Word edition
    /// (`templates/reference.docx`): only in the manifest a `.docx`
    /// carries, and only when the project has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_docx: Option<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierEntry {
    pub id: String,
    /// Path of the spec, relative to the project root.
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateEntry {
    pub name: String,
    /// `templates/<name>.typ.hbs`, or `None` for the built-in template.
    pub path: Option<String>,
    pub sha256: String,
    /// The files under `templates/` the brief depends on (fonts, locales,
    /// its citation style and the files the template names: see
    /// [`TemplateFiles::inputs`]).
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEntry {
    pub id: String,
    pub path: String,
    pub sha256: String,
    pub record: FileEntry,
    /// The capture the record names, for a captured web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture: Option<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimEntry {
    pub id: String,
    pub kind: String,
    pub quotes: Vec<QuoteEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteEntry {
    pub source: String,
    pub line: usize,
    pub paragraph: usize,
    /// The page, for a PDF source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// Byte offsets of the match in the normalised source text.
    pub normalised_start: usize,
    pub normalised_end: usize,
}

/// Options that change the PDF's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildOptions {
    pub pdf_standards: Vec<String>,
    pub tagged: bool,
    /// Seed of the PDF's document id.
    pub ident: String,
}

/// The typst version compiled in, as `0.15.1`.
pub fn typst_version() -> String {
    let v = typst::utils::version();
    format!("{}.{}.{}", v.major(), v.minor(), v.patch())
}

/// The document id seed of a dossier's PDF: stable across edits and folders.
pub fn ident(dossier_id: &str) -> String {
    format!("clerk/{dossier_id}")
}

impl Manifest {
    /// The manifest of a checked, buildable dossier built with `template`.
    pub fn of(
        project: &Project,
        checked: &Checked,
        sources: &SourceIndex,
        (template, template_files): (&Template, &TemplateFiles),
    ) -> Result<Manifest, String> {
        let dossier = checked
            .dossier
            .as_ref()
            .ok_or("the dossier did not parse")?;
        let mut entries = Vec::new();
        for id in dossier.sources.keys() {
            let id = id.get_ref();
            let source = sources
                .sources
                .get(id)
                .ok_or_else(|| format!("source `{id}` has no record"))?;
            let content = source
                .content
                .as_ref()
                .ok_or_else(|| format!("source `{id}` has no readable file"))?;
            entries.push(SourceEntry {
                id: id.clone(),
                path: content.display.clone(),
                sha256: content.sha256.clone(),
                record: FileEntry {
                    path: source.record_file.display.clone(),
                    sha256: source.record_sha256.clone(),
                },
                capture: source.capture.as_ref().map(|c| FileEntry {
                    path: c.display.clone(),
                    sha256: c.sha256.clone(),
                }),
            });
        }
        Ok(Manifest {
            manifest_version: MANIFEST_VERSION,
            clerk_version: crate::VERSION.to_string(),
            typst_version: typst_version(),
            dossier: DossierEntry {
                id: checked.input.id.clone(),
                path: checked.input.file.display.clone(),
                sha256: checked.input.sha256.clone(),
            },
            template: TemplateEntry {
                name: template.name.clone(),
                path: template.path.as_ref().map(|p| project.display(p)),
                sha256: sha256_hex(template.text.as_bytes()),
                files: template_files.inputs(template, dossier.citation_style()),
            },
            sources: entries,
            quote_normalisation: crate::quote::PROFILE.to_string(),
            claims: claim_entries(checked),
            options: BuildOptions {
                pdf_standards: PDF_STANDARDS.iter().map(|s| s.to_string()).collect(),
                tagged: true,
                ident: ident(&checked.input.id),
            },
            reference_docx: None,
        })
    }

    /// The manifest as the bytes attached to the PDF.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// The attachment that carries `bytes` (this manifest's
    /// [`Manifest::to_bytes`]) in the PDF.
    pub fn attachment(bytes: &[u8]) -> Attachment<'_> {
        Attachment {
            name: MANIFEST_NAME,
            relationship: "source",
            mime_type: "application/json",
            description: DESCRIPTION,
            bytes,
        }
    }

    /// The attachment that carries `bytes`, the brief as data (its
    /// `--emit json` export), in the PDF.
    pub fn brief_attachment(bytes: &[u8]) -> Attachment<'_> {
        Attachment {
            name: BRIEF_NAME,
            relationship: "data",
            mime_type: "application/json",
            description: BRIEF_DESCRIPTION,
            bytes,
        }
    }

    /// Reads the manifest attached to a PDF.
    pub fn read_attached(pdf: &[u8]) -> Result<Manifest, Unreadable> {
        let bytes = match attachment(pdf, MANIFEST_NAME) {
            Ok(Some(bytes)) => bytes,
            Ok(None) | Err(_) if is_encrypted(pdf) => return Err(Unreadable::Encrypted),
            Ok(None) => return Err(Unreadable::NotAttached),
            Err(error) => return Err(Unreadable::Damaged(error)),
        };
        Manifest::parse(&bytes)
    }

    /// Reads the manifest a Word edition carries as custom XML.
    pub fn read_docx(docx: &[u8]) -> Result<Manifest, Unreadable> {
        match crate::docx::read_manifest(docx) {
            Ok(bytes) => Manifest::parse(&bytes),
            Err(crate::docx::NoManifest::NotAttached) => Err(Unreadable::NotAttached),
            Err(crate::docx::NoManifest::Damaged(error)) => Err(Unreadable::Damaged(error)),
        }
    }

    fn parse(bytes: &[u8]) -> Result<Manifest, Unreadable> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| Unreadable::NotJson(e.to_string()))?;
        match value
            .get("manifest_version")
            .and_then(serde_json::Value::as_u64)
        {
            Some(version) if version > u64::from(MANIFEST_VERSION) => {
                // The one key a newer format is still expected to keep: it
                // tells the reader which clerk can verify the brief.
                let clerk = value
                    .get("clerk_version")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string);
                return Err(Unreadable::Newer { version, clerk });
            }
            None => return Err(Unreadable::NoVersion),
            Some(_) => {}
        }
        serde_json::from_value(value).map_err(|e| Unreadable::Malformed(e.to_string()))
    }
}

/// Why a PDF's manifest cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// The PDF carries no manifest.
    NotAttached,
    /// The PDF itself cannot be parsed.
    Damaged(String),
    /// The PDF is encrypted (a password-protected copy).
    Encrypted,
    NotJson(String),
    /// A manifest of a newer format version, and the clerk version that
    /// wrote it, if it says.
    Newer {
        version: u64,
        clerk: Option<String>,
    },
    NoVersion,
    Malformed(String),
}

/// Whether a PDF is encrypted: its trailer names an `/Encrypt` dictionary
/// (looked for in the bytes when the file does not even load).
fn is_encrypted(pdf: &[u8]) -> bool {
    match lopdf::Document::load_mem(pdf) {
        Ok(document) => document.is_encrypted(),
        Err(_) => pdf.windows(b"/Encrypt".len()).any(|w| w == b"/Encrypt"),
    }
}

/// Each claim's quotes and where they were found.
fn claim_entries(checked: &Checked) -> Vec<ClaimEntry> {
    let Some(dossier) = &checked.dossier else {
        return Vec::new();
    };
    dossier
        .claims
        .iter()
        .zip(&checked.matches)
        .map(|(claim, matches)| ClaimEntry {
            id: claim.id.get_ref().clone(),
            kind: claim.kind.get_ref().name().to_string(),
            quotes: claim
                .evidence
                .get_ref()
                .iter()
                .zip(matches)
                .filter_map(|(evidence, found)| {
                    let found = found.as_ref()?;
                    Some(QuoteEntry {
                        source: evidence.source.get_ref().clone(),
                        line: found.locator.line,
                        paragraph: found.locator.paragraph,
                        page: found.locator.page,
                        normalised_start: found.normalised.start,
                        normalised_end: found.normalised.end,
                    })
                })
                .collect(),
        })
        .collect()
}

/// Every file under `templates/` that a template could read (all but the
/// HTML templates), sorted, with its digest, and its text when it is a
/// Typst file (which can name further files). Read once per run; each
/// brief takes from it what [`TemplateFiles::inputs`] says it uses.
#[derive(Debug, Clone, Default)]
pub struct TemplateFiles {
    files: Vec<TemplateFile>,
}

#[derive(Debug, Clone)]
struct TemplateFile {
    entry: FileEntry,
    path: std::path::PathBuf,
    /// The path inside `templates/`, with forward slashes.
    relative: String,
    /// The text of a `.typ` file.
    typst_text: Option<String>,
}

impl TemplateFiles {
    pub fn read(project: &Project) -> TemplateFiles {
        if !project.templates.is_dir() {
            return TemplateFiles::default();
        }
        // Links are followed: typst reads through them, so what they
        // point to shapes the PDF.
        let files = walkdir::WalkDir::new(&project.templates)
            .follow_links(true)
            .max_depth(files::MAX_DEPTH)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            // HTML templates shape the HTML edition, not the PDF (typst
            // cannot read them).
            .filter(|e| !crate::builtin::is_html_template(e.path()))
            // Nor can the Word edition's reference document shape it.
            .filter(|e| !crate::builtin::is_reference_docx(&project.templates, e.path()))
            .filter_map(|e| {
                let bytes = files::read_limited(e.path(), crate::settings::MAX_SOURCE_SIZE).ok()?;
                let relative = e.path().strip_prefix(&project.templates).ok()?;
                let relative = files::with_slashes(relative);
                let typst_text = relative
                    .ends_with(".typ")
                    .then(|| String::from_utf8_lossy(&bytes).into_owned());
                Some(TemplateFile {
                    entry: FileEntry {
                        path: project.display(e.path()),
                        sha256: sha256_hex(&bytes),
                    },
                    path: e.path().to_path_buf(),
                    relative,
                    typst_text,
                })
            })
            .collect();
        TemplateFiles { files }
    }

    /// The files a brief typeset with `template` and
    /// citing in `citation_style` depends on: the fonts
    /// (`templates/fonts/`, all of them, since typst falls back from one to
    /// another), the locale files, the `.csl` file the style names, and
    /// every file whose name the template writes, or a Typst file it names
    /// writes in turn. Anything else (a README, notes, another unit's
    /// template) is no input: editing it changes no brief. The typesetter
    /// refuses to read a file outside this list, so the list is exact.
    /// The template's own file is recorded as the template, not here.
    pub fn inputs(&self, template: &Template, citation_style: &str) -> Vec<FileEntry> {
        let template_text = template.text.as_str();
        let mut used: Vec<bool> = self
            .files
            .iter()
            .map(|f| {
                // Marked as used so that it is neither listed nor scanned.
                if template.path.as_deref() == Some(f.path.as_path()) {
                    return true;
                }
                f.relative.starts_with("fonts/")
                    || f.relative.starts_with("locales/")
                    || f.relative == citation_style
            })
            .collect();
        let mut naming: Vec<&str> = vec![template_text];
        while let Some(text) = naming.pop() {
            for (file, used) in self.files.iter().zip(used.iter_mut()) {
                if !*used && names(text, &file.relative) {
                    *used = true;
                    naming.extend(file.typst_text.as_deref());
                }
            }
        }
        self.files
            .iter()
            .zip(used)
            .filter(|(f, used)| *used && template.path.as_deref() != Some(f.path.as_path()))
            .map(|(f, _)| f.entry.clone())
            .collect()
    }
}

/// Whether `text` names the file at `relative` (inside `templates/`): by
/// its file name, which is how a template in any folder refers to it.
fn names(text: &str, relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    !name.is_empty() && text.contains(name)
}

/// An in-toto Statement (v1) with a SLSA provenance (v1) predicate for a
/// built PDF and the files written with it: `subjects` are file names and
/// bytes, the PDF first. Dependencies are named by their path in the
/// project, with no `uri`: a relative `file:` URI is not a valid one (RFC
/// 8089).
pub fn provenance(manifest: &Manifest, subjects: &[(&str, &[u8])]) -> serde_json::Value {
    let mut dependencies = vec![serde_json::json!({
        "name": manifest.dossier.path,
        "digest": { "sha256": manifest.dossier.sha256 },
    })];
    let template_name = manifest
        .template
        .path
        .clone()
        .unwrap_or_else(|| format!("builtin:{}", manifest.template.name));
    dependencies.push(serde_json::json!({
        "name": template_name,
        "digest": { "sha256": manifest.template.sha256 },
    }));
    for file in &manifest.template.files {
        if Some(&file.path) != manifest.template.path.as_ref() {
            dependencies.push(serde_json::json!({
                "name": file.path,
                "digest": { "sha256": file.sha256 },
            }));
        }
    }
    for source in &manifest.sources {
        dependencies.push(serde_json::json!({
            "name": source.path,
            "digest": { "sha256": source.sha256 },
            "annotations": { "source_id": source.id },
        }));
        dependencies.push(serde_json::json!({
            "name": source.record.path,
            "digest": { "sha256": source.record.sha256 },
            "annotations": { "source_id": source.id, "role": "record" },
        }));
        if let Some(capture) = &source.capture {
            dependencies.push(serde_json::json!({
                "name": capture.path,
                "digest": { "sha256": capture.sha256 },
                "annotations": { "source_id": source.id, "role": "capture" },
            }));
        }
    }
    serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects
            .iter()
            .map(|(name, bytes)| serde_json::json!({
                "name": name,
                "digest": { "sha256": sha256_hex(bytes) },
            }))
            .collect::<Vec<_>>(),
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "urn:clerk:build:brief:v1",
                "externalParameters": {
                    "dossier": manifest.dossier.path,
                    "dossier_id": manifest.dossier.id,
                },
                "internalParameters": {
                    "template": manifest.template.name,
                    "quote_normalisation": manifest.quote_normalisation,
                    "pdf_standards": manifest.options.pdf_standards,
                    "tagged": manifest.options.tagged,
                    "ident": manifest.options.ident,
                },
                "resolvedDependencies": dependencies,
            },
            "runDetails": {
                "builder": {
                    "id": "urn:clerk:builder",
                    "version": {
                        "clerk": manifest.clerk_version,
                        "typst": manifest.typst_version,
                    },
                },
                "metadata": {
                    "invocationId": format!("{}@{}", manifest.dossier.id, manifest.dossier.sha256),
                },
            },
        },
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
