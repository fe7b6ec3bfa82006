//! `clerk build` as a batch: shards, freshness, parallel typesetting with
//! one shared typst library and font store, and the outputs of each brief
//! (PDF, provenance, optional markup) written atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::audit::{self, Manifest};
use crate::check::{Checked, DossierFile, Parsed};
use crate::diag::{Diagnostic, Rule};
use crate::digests::DigestCache;
use crate::output::write_atomic;
use crate::project::{Prepared, Project, Session};
use crate::sources::{SourceIndex, sha256_hex};
use crate::spec::Dossier;
use crate::{model, render, typeset};

/// What a build was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Output folder (default: `<root>/output`).
    pub out: Option<PathBuf>,
    /// Rebuild even fresh briefs.
    pub force: bool,
    /// Also write `<id>.typ`.
    pub emit_typ: bool,
    /// Build only shard `k` of `n` (1-based).
    pub shard: Option<Shard>,
    /// Longest one brief may take to typeset.
    pub typeset_timeout: std::time::Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            out: None,
            force: false,
            emit_typ: false,
            shard: None,
            typeset_timeout: typeset::DEFAULT_TIMEOUT,
        }
    }
}

/// One of `n` deterministic parts of the dossiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("expected K/N such as 2/8, found `{text}`"))?;
        let index: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "shard `{text}` is out of range: K runs from 1 to N"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether dossier `id` belongs to this shard. A dossier's shard depends
    /// only on its id, so adding dossiers never moves the others.
    pub fn contains(&self, id: &str) -> bool {
        let digest = sha256_hex(id.as_bytes());
        let value = u64::from_str_radix(&digest[..16], 16).unwrap_or(0);
        (value % self.count as u64) as usize == self.index - 1
    }
}

/// How one dossier ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Built,
    Fresh,
    Failed,
}

/// The result of a build.
#[derive(Debug)]
pub struct Report {
    pub project: Project,
    pub out: PathBuf,
    /// Each dossier of the selection (in its shard): id, status, PDF path.
    pub results: Vec<(String, Status, PathBuf)>,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
}

impl Report {
    pub fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|(_, s, _)| *s == status).count()
    }
}

/// Builds the dossiers named by `args` (all when empty). `progress` is
/// told the total, then called once per finished dossier.
pub fn build(
    project: Project,
    args: &[String],
    options: &Options,
    progress: &(dyn Fn(Event<'_>) + Sync),
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| project.output.clone());
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create the output folder `{}`", out.display()))?;
    let _lock = crate::output::lock_folder(&out, || {
        eprintln!(
            "waiting for another clerk build writing to `{}`",
            out.display()
        )
    })?;
    // A shard names its dossiers up front, so only the sources they cite
    // are read and hashed.
    let selection: Vec<String> = match options.shard {
        Some(shard) => project
            .select(args)?
            .iter()
            .filter(|path| {
                path.file_stem()
                    .is_some_and(|stem| shard.contains(&stem.to_string_lossy()))
            })
            .map(|path| path.display().to_string())
            .collect(),
        None => args.to_vec(),
    };
    if options.shard.is_some() && selection.is_empty() {
        return Ok(Report {
            project,
            out,
            results: Vec::new(),
            diagnostics: Vec::new(),
            elapsed: started.elapsed(),
        });
    }
    let mut prepared = Prepared::new(project, &selection)?;
    let template_files = audit::template_files(&prepared.project.root, &prepared.project.templates);
    let templates = render::Loaded::default();
    // Everything but the source files that shapes each brief, known before
    // any source is read.
    let inputs: BTreeMap<String, String> = prepared
        .parsed
        .iter()
        .filter_map(|p| {
            let dossier = p.dossier.as_ref().filter(|_| !has_errors(&p.diagnostics))?;
            let key = inputs_key(
                &prepared.project,
                &prepared.sources,
                &p.input,
                dossier,
                (&templates, &template_files),
            )?;
            Some((p.input.id.clone(), key))
        })
        .collect();
    // A brief may be fresh if it has a stamp made from the same dossier,
    // template and records (`--emit typ` also asks for markup a fresh brief
    // may not have yet); whether its sources are unchanged needs their
    // digests. The sources of the other dossiers are read once, below.
    let candidates: BTreeMap<String, (Stamp, &String)> = if options.force {
        BTreeMap::new()
    } else {
        inputs
            .iter()
            .filter(|(id, _)| !options.emit_typ || out.join(format!("{id}.typ")).is_file())
            .filter_map(|(id, inputs)| {
                let stamp = read_stamp(&out, id)?;
                (stamp.inputs.is_empty() || stamp.inputs == *inputs)
                    .then(|| (id.clone(), (stamp, inputs)))
            })
            .collect()
    };
    let digests_path = out.join(STAMPS).join(DIGESTS);
    let digests = DigestCache::open(&digests_path);
    let stamped: BTreeMap<String, Vec<Diagnostic>> = if candidates.is_empty() {
        BTreeMap::new()
    } else {
        prepared.hash_sources(|p| candidates.contains_key(&p.input.id), Some(&digests));
        let sources = &prepared.sources;
        let candidates: Vec<(&Parsed, &(Stamp, &String))> = prepared
            .parsed
            .iter()
            .filter_map(|p| Some((p, candidates.get(&p.input.id)?)))
            .collect();
        crate::batch::map(candidates, |(p, (stamp, inputs))| {
            let key = input_key(inputs, sources, p.dossier.as_ref()?)?;
            let fresh = fresh(&out, &p.input.id, stamp, &key, &digests);
            fresh.then(|| (p.input.id.clone(), stamp.warnings.clone()))
        })
        .into_iter()
        .flatten()
        .collect()
    };
    let fresh: BTreeSet<String> = stamped.keys().cloned().collect();
    progress(Event::Start(prepared.parsed.len()));
    let unreadable = std::mem::take(&mut prepared.unreadable);
    let session = prepared.check_learning(|p| !fresh.contains(&p.input.id), Some(&digests));
    let mut diagnostics = session.diagnostics();
    diagnostics.extend(stamped.into_values().flatten());
    crate::diag::sort(&mut diagnostics);
    let mut results: Vec<(String, Status, PathBuf)> = fresh
        .iter()
        .map(|id| (id.clone(), Status::Fresh, out.join(format!("{id}.pdf"))))
        .collect();
    // A dossier file that cannot be read fails like one with errors.
    results.extend(
        unreadable
            .into_iter()
            .map(|id| (id.clone(), Status::Failed, out.join(format!("{id}.pdf")))),
    );
    for (id, status, _) in &results {
        progress(Event::Done(id, *status));
    }

    let typesetter = typeset::Typesetter::new(&session.project.templates, options.typeset_timeout);
    let buildable: Vec<&Checked> = session
        .checked
        .iter()
        .filter(|c| c.is_buildable())
        .collect();
    for checked in session.checked.iter().filter(|c| !c.is_buildable()) {
        progress(Event::Done(&checked.input.id, Status::Failed));
        results.push((
            checked.input.id.clone(),
            Status::Failed,
            out.join(format!("{}.pdf", checked.input.id)),
        ));
    }
    let outcomes = crate::batch::map(buildable, |checked| {
        let id = &checked.input.id;
        let outcome = build_one(&session, checked, &typesetter, &templates).and_then(|built| {
            let found: Vec<Diagnostic> = checked
                .diagnostics
                .iter()
                .chain(&built.warnings)
                .cloned()
                .collect();
            let keys = checked.dossier.as_ref().and_then(|dossier| {
                let inputs = inputs.get(id)?;
                let key = input_key(inputs, &session.sources, dossier)?;
                Some((inputs.clone(), key))
            });
            write_outputs(&out, id, &built, options, keys.as_ref(), &found)
                .map(|()| built.warnings)
                .map_err(|error| {
                    vec![
                        Diagnostic::new(
                            Rule::Template,
                            format!("cannot write the brief ({error:#})"),
                        )
                        .dossier(id.clone()),
                    ]
                })
        });
        let status = if outcome.is_ok() {
            Status::Built
        } else {
            Status::Failed
        };
        progress(Event::Done(id, status));
        (id.clone(), outcome)
    });
    for (id, outcome) in outcomes {
        let pdf = out.join(format!("{id}.pdf"));
        match outcome {
            Ok(warnings) => {
                diagnostics.extend(warnings);
                results.push((id, Status::Built, pdf));
            }
            Err(found) => {
                diagnostics.extend(found);
                results.push((id, Status::Failed, pdf));
            }
        }
    }
    results.sort_by(|a, b| a.0.cmp(&b.0));
    // Only an optimisation: a cache that cannot be saved costs the next
    // build some hashing, nothing else.
    let _ = digests.save(&digests_path);
    Ok(Report {
        project: session.project,
        out,
        results,
        diagnostics,
        elapsed: started.elapsed(),
    })
}

/// Progress of a build, for a progress bar or log lines.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// How many dossiers the build covers.
    Start(usize),
    Done(&'a str, Status),
}

/// A brief's PDF, the markup it was typeset from and its manifest.
pub struct Built {
    pub pdf: Vec<u8>,
    /// Typst's warnings about the template.
    pub warnings: Vec<Diagnostic>,
    pub markup: String,
    pub manifest: Manifest,
}

/// Renders and typesets one checked dossier, in memory, with its template
/// from `templates`.
pub fn build_one(
    session: &Session,
    checked: &Checked,
    typesetter: &typeset::Typesetter,
    templates: &render::Loaded,
) -> Result<Built, Vec<Diagnostic>> {
    let id = &checked.input.id;
    let missing = || {
        vec![
            Diagnostic::new(Rule::Template, "internal: the dossier is not buildable")
                .dossier(id.clone()),
        ]
    };
    let dossier = checked.dossier.as_ref().ok_or_else(missing)?;
    let brief = model::brief(checked, &session.sources).ok_or_else(missing)?;
    let with_dossier = |d: Diagnostic| d.dossier(id.clone());
    let template = templates
        .get(&session.project.templates, dossier.template())
        .map_err(|e| {
            vec![with_dossier(
                Diagnostic::new(Rule::UnknownTemplate, format!("{e:#}"))
                    .in_file(checked.input.file.display.clone()),
            )]
        })?;
    let markup = render::render(&template, &brief).map_err(|d| vec![with_dossier(*d)])?;
    let date = typeset::datetime(dossier.date.get_ref().0).ok_or_else(missing)?;
    let manifest = audit::manifest(session, checked, &template).ok_or_else(missing)?;
    let manifest_bytes = manifest.to_bytes();
    let (pdf, warnings) = typesetter
        .pdf_warned(&typeset::Job {
            markup: &markup,
            date,
            ident: &manifest.options.ident,
            template: &template,
            manifest: Some(&manifest_bytes),
        })
        .map_err(|found| found.into_iter().map(with_dossier).collect::<Vec<_>>())?;
    Ok(Built {
        pdf,
        warnings: warnings.into_iter().map(with_dossier).collect(),
        markup,
        manifest,
    })
}

fn write_outputs(
    out: &Path,
    id: &str,
    built: &Built,
    options: &Options,
    keys: Option<&(String, String)>,
    found: &[Diagnostic],
) -> anyhow::Result<()> {
    if options.emit_typ {
        write_atomic(&out.join(format!("{id}.typ")), built.markup.as_bytes())?;
    }
    let pdf_name = format!("{id}.pdf");
    write_atomic(&out.join(&pdf_name), &built.pdf)?;
    let statement = audit::provenance(&built.manifest, &pdf_name, &built.pdf);
    let mut json = serde_json::to_vec_pretty(&statement)?;
    json.push(b'\n');
    write_atomic(&out.join(format!("{id}.provenance.json")), &json)?;
    if let Some((inputs, key)) = keys {
        let stamp = Stamp {
            key: key.clone(),
            inputs: inputs.clone(),
            pdf_sha256: sha256_hex(&built.pdf),
            warnings: found.iter().filter(|d| !d.is_error()).cloned().collect(),
        };
        let folder = out.join(STAMPS);
        std::fs::create_dir_all(&folder)?;
        write_atomic(
            &folder.join(format!("{id}.json")),
            &serde_json::to_vec(&stamp)?,
        )?;
    }
    Ok(())
}

/// Folder under the output folder where freshness stamps live.
pub const STAMPS: &str = ".clerk";

/// What the last successful build of a brief was made from.
#[derive(Debug, Serialize, Deserialize)]
struct Stamp {
    /// [`input_key`]: everything the brief was made from.
    key: String,
    /// [`inputs_key`]: the same but the source files, so a brief whose
    /// dossier or template changed is known to be stale before any source
    /// is read (empty in stamps of older builds).
    #[serde(default)]
    inputs: String,
    pdf_sha256: String,
    /// The dossier's warnings at that build, replayed while it stays fresh
    /// (as Cargo replays a cached crate's warnings).
    #[serde(default)]
    warnings: Vec<Diagnostic>,
}

fn stamp_path(out: &Path, id: &str) -> PathBuf {
    out.join(STAMPS).join(format!("{id}.json"))
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// The file under [`STAMPS`] that remembers digests of unchanged files.
pub const DIGESTS: &str = "digests.json";

fn read_stamp(out: &Path, id: &str) -> Option<Stamp> {
    serde_json::from_slice(&std::fs::read(stamp_path(out, id)).ok()?).ok()
}

/// Whether the brief `stamp` describes is still what `key` would build:
/// same inputs, and its PDF and provenance as that build left them.
fn fresh(out: &Path, id: &str, stamp: &Stamp, key: &str, digests: &DigestCache) -> bool {
    if stamp.key != key || !out.join(format!("{id}.provenance.json")).is_file() {
        return false;
    }
    // A PDF that was deleted or edited since is stale.
    let path = out.join(format!("{id}.pdf"));
    let Ok(metadata) = std::fs::metadata(&path) else {
        return false;
    };
    let sha256 = match digests.get(&path, &metadata) {
        Some(sha256) => sha256,
        None => {
            let Ok(bytes) = std::fs::read(&path) else {
                return false;
            };
            let sha256 = sha256_hex(&bytes);
            digests.learn(&path, &metadata, &sha256);
            sha256
        }
    };
    sha256 == stamp.pdf_sha256
}

/// A digest of everything that shapes a dossier's PDF but the source files:
/// clerk and typst versions, options, the dossier, the template and every
/// file under `templates/` (fonts included), and each cited source's record.
/// `None` when an input is missing (such a dossier is never fresh).
fn inputs_key(
    project: &Project,
    index: &SourceIndex,
    input: &DossierFile,
    dossier: &Dossier,
    (templates, template_files): (&render::Loaded, &[audit::FileEntry]),
) -> Option<String> {
    let template = templates.get(&project.templates, dossier.template()).ok()?;
    let mut sources = Vec::new();
    for id in crate::check::cited_sources(dossier) {
        let source = index.sources.get(&id)?;
        sources.push((id, source.record_sha256.clone()));
    }
    let key = serde_json::json!({
        "clerk": crate::VERSION,
        "typst": audit::typst_version(),
        "manifest": audit::MANIFEST_VERSION,
        "standards": audit::PDF_STANDARDS,
        "dossier": input.sha256,
        "dossier_path": input.file.display,
        "template": [template.name, sha256_hex(template.text.as_bytes())],
        "template_files": template_files,
        "records": sources,
    });
    Some(sha256_hex(key.to_string().as_bytes()))
}

/// A digest of everything that shapes a dossier's PDF: its [`inputs_key`]
/// and the digest of each cited source's file. `None` when a source has not
/// been hashed or has errors.
fn input_key(inputs: &str, index: &SourceIndex, dossier: &Dossier) -> Option<String> {
    let mut files = Vec::new();
    for id in crate::check::cited_sources(dossier) {
        let source = index.sources.get(&id)?;
        if source.has_errors() {
            return None;
        }
        files.push((id, source.content.as_ref()?.sha256.clone()));
    }
    let key = serde_json::json!({ "inputs": inputs, "files": files });
    Some(sha256_hex(key.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_dossiers() {
        let ids: Vec<String> = (0..200).map(|i| format!("dossier-{i}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for id in &ids {
            assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1);
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| ids.iter().filter(|id| s.contains(id)).count())
            .collect();
        assert!(sizes.iter().all(|&n| n > 40), "{sizes:?}");
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }
}
