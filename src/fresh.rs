//! Freshness: whether a brief must be built again. Each built brief gets a
//! [`Stamp`] with digests of everything it was built from and of the files
//! it wrote; a brief whose stamp matches the current inputs, and whose files
//! are as that build left them, is fresh (as Cargo's fingerprints decide for
//! a crate). A brief asked for a file its last build did not write (`--emit`)
//! is not fresh.
//!
//! To decide that without reading every file, a [`DigestCache`] remembers
//! the SHA-256 of files whose metadata has not changed since they were
//! hashed (the way git's index avoids rereading files). Only `clerk build`
//! consults it, and only to decide that a brief is fresh.
//! `clerk check`, `clerk verify`, `clerk pin` and `build --force` read and
//! hash every byte, and a source a build reads for its text is hashed again
//! from the bytes it reads. An entry is trusted only when the file's size,
//! modification and change times and inode are as recorded, and when it had
//! settled before it was hashed (its modification and change times were
//! more than [`SETTLE`] old), so a write in the same clock tick as the
//! hashing cannot go unnoticed. Where files have no change time and inode
//! (outside Unix), nothing is remembered.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::files::{DigestMemo, sha256_hex};
use crate::manifest::{self, TemplateFiles};
use crate::output::{STATE_DIR, write_atomic};
use crate::project::{DossierFile, Project};
use crate::render::{Template, TemplateCache};
use crate::settings::Emit;
use crate::sources::SourceIndex;
use crate::spec::Dossier;

/// How old a file's modification time must be for its digest to be reused:
/// coarser than any file system's timestamp granularity (FAT: 2 s).
pub const SETTLE: Duration = Duration::from_secs(3);

/// The digest cache file's format version; another version is ignored.
const VERSION: u32 = 1;

/// The file under [`STATE_DIR`] that remembers digests of unchanged files.
const DIGESTS: &str = "digests.json";

/// What the last successful build of a brief was made from, kept in
/// `<out>/.clerk/<id>.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stamp {
    /// [`brief_key`]: everything the brief was made from.
    #[serde(rename = "key")]
    brief_key: String,
    /// [`dossier_key`]: the same but the source files, so a brief whose
    /// dossier or template changed is known to be stale before any source
    /// is read (empty in stamps of older builds).
    #[serde(default, rename = "inputs")]
    dossier_key: String,
    pdf_sha256: String,
    /// The exports that build wrote beside the PDF: file name and SHA-256.
    #[serde(default)]
    exports: BTreeMap<String, String>,
    /// [`html_template_key`] of the template of the HTML edition that build
    /// wrote (empty if it wrote none).
    #[serde(default)]
    html_template: String,
    /// [`reference_docx_key`] of the reference document of the Word
    /// edition that build wrote (empty if it wrote none).
    #[serde(default)]
    reference_docx: String,
    /// The dossier's warnings at that build, replayed while it stays fresh
    /// (as Cargo replays a cached crate's warnings).
    #[serde(default)]
    warnings: Vec<Diagnostic>,
}

/// The files `--emit` can ask for that are made from the built brief and
/// kept up to date once written: the exports and the HTML edition (the
/// Typst markup is not: it is written only when asked for).
pub const BESIDE_PDF: [Emit; 5] = [
    Emit::Json,
    Emit::Annotations,
    Emit::Csl,
    Emit::Html,
    Emit::Docx,
];

/// The exports and the HTML edition a build writes beside the PDF of
/// brief `id` in `out`: those `emit` asks for, and those an earlier build
/// left there, which are kept up to date rather than left stale beside a
/// newer PDF.
pub fn exports_to_write(out: &Path, id: &str, emit: &BTreeSet<Emit>) -> Vec<Emit> {
    BESIDE_PDF
        .into_iter()
        .filter(|kind| emit.contains(kind) || out.join(kind.file_name(id)).is_file())
        .collect()
}

/// A digest of the HTML template a brief's HTML edition is rendered with:
/// what its HTML depends on besides the brief's own inputs.
pub fn html_template_key(template: &Template) -> String {
    let key = serde_json::json!([
        template.name,
        template.display,
        sha256_hex(template.text.as_bytes())
    ]);
    sha256_hex(key.to_string().as_bytes())
}

/// A digest of the reference document a Word edition is styled with
/// (`bytes` of `templates/reference.docx`, `None` for the built-in one):
/// what the .docx depends on besides the brief's own inputs.
pub fn reference_docx_key(bytes: Option<&[u8]>) -> String {
    bytes.map_or_else(|| "built-in".to_string(), sha256_hex)
}

/// The [`reference_docx_key`] of `project`'s reference document as it is
/// now; an unreadable one gives a key no stamp has.
pub fn project_reference_docx_key(project: &Project) -> String {
    let path = project.templates.join(crate::builtin::REFERENCE_DOCX);
    if std::fs::symlink_metadata(&path).is_err() {
        return reference_docx_key(None);
    }
    match crate::files::read_limited(&path, project.max_source_size) {
        Ok(bytes) => reference_docx_key(Some(&bytes)),
        Err(_) => "unreadable".to_string(),
    }
}

impl Stamp {
    /// The stamp of a brief just built from inputs with these keys, which
    /// wrote `pdf` and `exports` (file names and bytes).
    pub fn new(
        (dossier_key, brief_key): (&str, &str),
        pdf: &[u8],
        exports: &[(String, Vec<u8>)],
        found: &[Diagnostic],
    ) -> Stamp {
        Stamp {
            brief_key: brief_key.to_string(),
            dossier_key: dossier_key.to_string(),
            pdf_sha256: sha256_hex(pdf),
            exports: exports
                .iter()
                .map(|(name, bytes)| (name.clone(), sha256_hex(bytes)))
                .collect(),
            warnings: found.iter().filter(|d| !d.is_error()).cloned().collect(),
            html_template: String::new(),
            reference_docx: String::new(),
        }
    }

    /// This stamp, for a build that wrote a Word edition with the
    /// reference document of [`reference_docx_key`] `key`.
    pub fn with_reference_docx(self, key: Option<String>) -> Stamp {
        Stamp {
            reference_docx: key.unwrap_or_default(),
            ..self
        }
    }

    /// Whether the Word edition was made with the reference document of
    /// [`reference_docx_key`] `key`.
    pub fn has_reference_docx(&self, key: &str) -> bool {
        self.reference_docx == key
    }

    /// This stamp, for a build that wrote an HTML edition with the template
    /// of [`html_template_key`] `key`.
    pub fn with_html_template(self, key: Option<String>) -> Stamp {
        Stamp {
            html_template: key.unwrap_or_default(),
            ..self
        }
    }

    /// Whether the HTML edition was made with the template of
    /// [`html_template_key`] `key`.
    pub fn has_html_template(&self, key: &str) -> bool {
        self.html_template == key
    }

    fn path(out: &Path, id: &str) -> PathBuf {
        out.join(STATE_DIR).join(format!("{id}.json"))
    }

    /// The stamp of brief `id` in the output folder `out`, if it has a
    /// readable one.
    pub fn read(out: &Path, id: &str) -> Option<Stamp> {
        serde_json::from_slice(&std::fs::read(Stamp::path(out, id)).ok()?).ok()
    }

    /// Writes this stamp for brief `id`, atomically.
    pub fn write(&self, out: &Path, id: &str) -> anyhow::Result<()> {
        std::fs::create_dir_all(out.join(STATE_DIR))?;
        write_atomic(&Stamp::path(out, id), &serde_json::to_vec(self)?)
    }

    /// Whether the brief was made from a dossier, template and records
    /// with this [`dossier_key`] (a stamp of an older build says nothing,
    /// so it may still be fresh).
    pub fn may_be_fresh(&self, dossier_key: &str) -> bool {
        self.dossier_key.is_empty() || self.dossier_key == dossier_key
    }

    /// Whether the build that made this stamp wrote every file that a build
    /// of brief `id` asked for `emit` writes: the markup if asked, and
    /// [`exports_to_write`]. Only looks for the files, so it can be known
    /// before any source is hashed.
    pub fn wrote(&self, out: &Path, id: &str, emit: &BTreeSet<Emit>) -> bool {
        let typ = Emit::Typ;
        (!emit.contains(&typ) || out.join(typ.file_name(id)).is_file())
            && exports_to_write(out, id, emit)
                .into_iter()
                .all(|kind| self.exports.contains_key(&kind.file_name(id)))
    }

    /// The warnings the brief's dossier had when it was built.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Whether brief `id` is still what `brief_key` would build: same
    /// inputs, and its PDF, provenance and the exports a build asked for
    /// `emit` writes as that build left them.
    pub fn is_fresh(
        &self,
        out: &Path,
        id: &str,
        brief_key: &str,
        (emit, digests): (&BTreeSet<Emit>, &DigestCache),
    ) -> bool {
        if self.brief_key != brief_key || !out.join(format!("{id}.provenance.json")).is_file() {
            return false;
        }
        // A PDF or an export deleted or edited since is stale.
        if digest_of(&out.join(format!("{id}.pdf")), digests).as_ref() != Some(&self.pdf_sha256) {
            return false;
        }
        exports_to_write(out, id, emit).into_iter().all(|kind| {
            let name = kind.file_name(id);
            self.exports.get(&name).is_some_and(|recorded| {
                digest_of(&out.join(&name), digests).as_ref() == Some(recorded)
            })
        })
    }
}

/// The SHA-256 of the file at `path`, remembered in `digests` or read (and
/// then remembered); `None` when it cannot be read.
fn digest_of(path: &Path, digests: &DigestCache) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if let Some(sha256) = digests.get(path, &metadata) {
        return Some(sha256);
    }
    let sha256 = sha256_hex(&std::fs::read(path).ok()?);
    digests.learn(path, &metadata, &sha256);
    Some(sha256)
}

/// A digest of everything that shapes a dossier's PDF but the source files:
/// clerk and typst versions, options, the dossier, the template and the
/// files under `templates/` it uses (fonts included), and each cited
/// source's record.
/// `None` when an input is missing (such a dossier is never fresh).
pub fn dossier_key(
    project: &Project,
    index: &SourceIndex,
    input: &DossierFile,
    dossier: &Dossier,
    (templates, template_files): (&TemplateCache, &TemplateFiles),
) -> Option<String> {
    let template: Template = templates.get(project, dossier.template()).ok()?;
    let mut sources = Vec::new();
    for id in crate::check::cited_sources(dossier) {
        let source = index.sources.get(&id)?;
        sources.push((id, source.record_sha256.clone()));
    }
    let key = serde_json::json!({
        "clerk": crate::VERSION,
        "typst": manifest::typst_version(),
        "manifest": manifest::MANIFEST_VERSION,
        "standards": manifest::PDF_STANDARDS,
        "dossier": input.sha256,
        "dossier_path": input.file.display,
        "template": [template.name, sha256_hex(template.text.as_bytes())],
        // A project template that repeats the built-in one word for word
        // still changes the manifest, which names its file.
        "template_path": template.path.as_ref().map(|p| project.display(p)),
        "template_files": template_files.inputs(&template, dossier.citation_style()),
        "records": sources,
    });
    Some(sha256_hex(key.to_string().as_bytes()))
}

/// A digest of everything that shapes a dossier's PDF: its [`dossier_key`]
/// and the digest of each cited source's file (and capture). `None` when a source has not
/// been hashed or has errors.
pub fn brief_key(
    dossier_key: &str,
    index: &SourceIndex,
    cited: &std::collections::BTreeSet<String>,
) -> Option<String> {
    let mut files = Vec::new();
    for id in cited {
        let source = index.sources.get(id)?;
        if source.has_errors() {
            return None;
        }
        files.push((id.clone(), source.content.as_ref()?.sha256.clone()));
        // The manifest lists a capture: a new one makes a new PDF.
        if let Some(capture) = &source.capture {
            files.push((format!("{id} capture"), capture.sha256.clone()));
        }
    }
    let key = serde_json::json!({ "inputs": dossier_key, "files": files });
    Some(sha256_hex(key.to_string().as_bytes()))
}

/// What identifies a file's state without reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stat {
    len: u64,
    modified_ns: i128,
    changed_ns: i128,
    inode: u64,
}

impl Stat {
    /// The state of a file; `None` where the platform gives no change time
    /// and inode (there a restored modification time could hide an edit,
    /// so nothing is remembered).
    #[cfg(unix)]
    fn of(metadata: &Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        Some(Stat {
            len: metadata.len(),
            modified_ns: nanos(metadata.modified().ok()?)?,
            changed_ns: i128::from(metadata.ctime()) * 1_000_000_000
                + i128::from(metadata.ctime_nsec()),
            inode: metadata.ino(),
        })
    }

    #[cfg(not(unix))]
    fn of(_metadata: &Metadata) -> Option<Stat> {
        None
    }
}

fn nanos(time: SystemTime) -> Option<i128> {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => Some(after.as_nanos() as i128),
        Err(before) => Some(-(before.duration().as_nanos() as i128)),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stat: Stat,
    sha256: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    version: u32,
    files: HashMap<PathBuf, Entry>,
}

/// The digests remembered in one output folder, and those learnt during
/// this run.
#[derive(Debug)]
pub struct DigestCache {
    remembered: HashMap<PathBuf, Entry>,
    learnt: Mutex<HashMap<PathBuf, Entry>>,
    settle: Duration,
}

impl DigestCache {
    /// The cache of the output folder `out`; empty when there is none, or
    /// it cannot be read (it is only ever an optimisation).
    pub fn of_output(out: &Path) -> DigestCache {
        DigestCache::open(&out.join(STATE_DIR).join(DIGESTS))
    }

    /// Saves the cache of the output folder `out` ([`DigestCache::save`]).
    pub fn save_to_output(&self, out: &Path) -> anyhow::Result<()> {
        self.save(&out.join(STATE_DIR).join(DIGESTS))
    }

    /// The cache saved at `path`; empty when there is none, or it cannot be
    /// read.
    pub fn open(path: &Path) -> DigestCache {
        let remembered = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|stored| stored.version == VERSION)
            .map(|stored| stored.files)
            .unwrap_or_default();
        DigestCache {
            remembered,
            learnt: Mutex::default(),
            settle: SETTLE,
        }
    }

    /// The same cache, with files settled once `settle` old.
    #[cfg(test)]
    fn settling(mut self, settle: Duration) -> DigestCache {
        self.settle = settle;
        self
    }

    /// The remembered digest of the file at `path`, if its metadata is
    /// unchanged since it was hashed.
    pub fn get(&self, path: &Path, metadata: &Metadata) -> Option<String> {
        let entry = self.remembered.get(path)?;
        (Stat::of(metadata)? == entry.stat).then(|| entry.sha256.clone())
    }

    /// Remembers that the file at `path`, with `metadata` as read before
    /// hashing, has digest `sha256`; a file modified or changed too
    /// recently is not remembered (a copy that kept an old modification
    /// time has a recent change time).
    pub fn learn(&self, path: &Path, metadata: &Metadata, sha256: &str) {
        let Some(stat) = Stat::of(metadata) else {
            return;
        };
        let settled = nanos(SystemTime::now() - self.settle)
            .is_some_and(|t| stat.modified_ns < t && stat.changed_ns < t);
        if !settled {
            return;
        }
        let entry = Entry {
            stat,
            sha256: sha256.to_string(),
        };
        lock(&self.learnt).insert(path.to_path_buf(), entry);
    }

    /// Saves what was learnt in this run with what was remembered (builds of
    /// other shards may have learnt it), less the files that are gone; does
    /// nothing when nothing was learnt.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let learnt = lock(&self.learnt);
        if learnt.is_empty() {
            return Ok(());
        }
        let mut files: HashMap<PathBuf, Entry> = self
            .remembered
            .iter()
            .filter(|(file, _)| !learnt.contains_key(*file) && file.is_file())
            .map(|(file, entry)| (file.clone(), entry.clone()))
            .collect();
        files.extend(
            learnt
                .iter()
                .map(|(file, entry)| (file.clone(), entry.clone())),
        );
        let stored = Stored {
            version: VERSION,
            files,
        };
        write_atomic(path, &serde_json::to_vec(&stored)?)
    }
}

impl DigestMemo for DigestCache {
    fn recall(&self, path: &Path, metadata: &Metadata) -> Option<String> {
        self.get(path, metadata)
    }

    fn learn(&self, path: &Path, metadata: &Metadata, sha256: &str) {
        DigestCache::learn(self, path, metadata, sha256);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

// The cache remembers nothing where files have no change time and inode.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn age(path: &Path, seconds: u64) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(seconds))
            .unwrap();
    }

    #[test]
    fn a_settled_unchanged_file_is_remembered_and_any_change_forgets_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        let saved = dir.path().join("digests.json");
        std::fs::write(&file, "one").unwrap();

        // Just written: not settled, so not remembered; nor with an old
        // modification time put back, while its change time is recent.
        let cache = DigestCache::open(&saved);
        cache.learn(&file, &std::fs::metadata(&file).unwrap(), "d1");
        age(&file, 60);
        cache.learn(&file, &std::fs::metadata(&file).unwrap(), "d1");
        cache.save(&saved).unwrap();
        assert!(!saved.exists());

        let cache = DigestCache::open(&saved).settling(Duration::ZERO);
        cache.learn(&file, &std::fs::metadata(&file).unwrap(), "d1");
        cache.save(&saved).unwrap();
        let cache = DigestCache::open(&saved);
        assert_eq!(
            cache
                .get(&file, &std::fs::metadata(&file).unwrap())
                .as_deref(),
            Some("d1")
        );

        // Same size, same (restored) modification time: the change time
        // still gives the edit away (once the clock has ticked).
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(&file, "two").unwrap();
        age(&file, 60);
        let metadata = std::fs::metadata(&file).unwrap();
        assert_eq!(cache.get(&file, &metadata), None);
        std::fs::write(&file, "three").unwrap();
        assert_eq!(cache.get(&file, &std::fs::metadata(&file).unwrap()), None);
    }

    #[test]
    fn saving_keeps_what_others_learnt_and_forgets_deleted_files() {
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("digests.json");
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        for file in [&a, &b] {
            std::fs::write(file, "text").unwrap();
        }
        let first = DigestCache::open(&saved).settling(Duration::ZERO);
        first.learn(&a, &std::fs::metadata(&a).unwrap(), "da");
        first.save(&saved).unwrap();
        // Another run (another shard) learns `b` only.
        let second = DigestCache::open(&saved).settling(Duration::ZERO);
        second.learn(&b, &std::fs::metadata(&b).unwrap(), "db");
        second.save(&saved).unwrap();
        let third = DigestCache::open(&saved).settling(Duration::ZERO);
        assert_eq!(
            third.get(&a, &std::fs::metadata(&a).unwrap()).as_deref(),
            Some("da")
        );
        assert_eq!(
            third.get(&b, &std::fs::metadata(&b).unwrap()).as_deref(),
            Some("db")
        );

        let b_metadata = std::fs::metadata(&b).unwrap();
        std::fs::remove_file(&a).unwrap();
        third.learn(&b, &b_metadata, "db");
        third.save(&saved).unwrap();
        let stored: Stored = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
        assert_eq!(stored.files.keys().collect::<Vec<_>>(), [&b]);
    }

    #[test]
    fn a_damaged_cache_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("digests.json");
        std::fs::write(&saved, "{not json").unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "one").unwrap();
        let cache = DigestCache::open(&saved);
        assert_eq!(cache.get(&file, &std::fs::metadata(&file).unwrap()), None);
    }
}
