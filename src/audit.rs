//! The audit trail: the manifest every PDF carries, the provenance
//! statement written beside it, and `clerk verify`.
//!
//! The manifest records every input that shapes a brief (dossier, template
//! and its folder, records, sources, options) by path and SHA-256, and each
//! quote's locator. `verify` reads it back out of a PDF, re-hashes the
//! project's files, re-checks the quotes, rebuilds the PDF in memory and
//! compares the bytes.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::check::Checked;
use crate::project::Session;
use crate::render::Template;
use crate::sources::sha256_hex;

/// Name of the attachment inside every PDF.
pub const MANIFEST_NAME: &str = "clerk-manifest.json";

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
    /// Every file under `templates/` (images, includes, fonts), which a
    /// template may read.
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

/// The manifest of a checked, buildable dossier.
pub fn manifest(session: &Session, checked: &Checked, template: &Template) -> Option<Manifest> {
    let dossier = checked.dossier.as_ref()?;
    let mut sources = Vec::new();
    for id in dossier.sources.keys() {
        let source = session.sources.sources.get(id.get_ref())?;
        let content = source.content.as_ref()?;
        sources.push(SourceEntry {
            id: id.get_ref().clone(),
            path: content.display.clone(),
            sha256: content.sha256.clone(),
            record: FileEntry {
                path: source.record_file.display.clone(),
                sha256: source.record_sha256.clone(),
            },
        });
    }
    let claims = dossier
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
        .collect();
    Some(Manifest {
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
            path: template.path.as_ref().map(|p| session.project.display(p)),
            sha256: sha256_hex(template.text.as_bytes()),
            files: template_files(&session.project.root, &session.project.templates),
        },
        sources,
        quote_normalisation: crate::quote::PROFILE.to_string(),
        claims,
        options: BuildOptions {
            pdf_standards: PDF_STANDARDS.iter().map(|s| s.to_string()).collect(),
            tagged: true,
            ident: ident(&checked.input.id),
        },
    })
}

/// Every file under `templates/`, sorted, with its digest.
pub fn template_files(root: &Path, templates: &Path) -> Vec<FileEntry> {
    if !templates.is_dir() {
        return Vec::new();
    }
    // Links are followed: typst reads through them, so what they point to
    // shapes the PDF.
    walkdir::WalkDir::new(templates)
        .follow_links(true)
        .max_depth(crate::sources::MAX_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let bytes =
                crate::sources::read_limited(e.path(), crate::sources::MAX_SOURCE_SIZE).ok()?;
            Some(FileEntry {
                path: crate::sources::display_path(root, e.path()),
                sha256: sha256_hex(&bytes),
            })
        })
        .collect()
}

impl Manifest {
    /// The manifest as the bytes attached to the PDF.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// An in-toto Statement (v1) with a SLSA provenance (v1) predicate for a
/// built PDF. Dependencies are named by their path in the project, with no
/// `uri`: a relative `file:` URI is not a valid one (RFC 8089).
pub fn provenance(manifest: &Manifest, pdf_name: &str, pdf: &[u8]) -> serde_json::Value {
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
    }
    serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{
            "name": pdf_name,
            "digest": { "sha256": sha256_hex(pdf) },
        }],
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
