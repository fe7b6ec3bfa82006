//! Each side of `clerk diff` turned into the brief as data: a built PDF
//! (the `clerk-brief.json` it carries), a Word edition that carries it, a
//! `--emit json` export, a dossier of the project (checked against its
//! sources), or `REV:DOSSIER`, a dossier and its sources as committed at a
//! git revision (read with `git archive` into a temporary project).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::Context;

use crate::diag::{Fatal, Tally};
use crate::export::brief::{Brief, FORMAT_VERSION};
use crate::files;
use crate::project::Project;
use crate::selection::CheckedSelection;
use crate::sources::{QuoteRequests, SourceIndex};

/// Largest brief file (PDF, Word file or JSON) `diff` reads.
const MAX_BRIEF_FILE: u64 = 1 << 30;

/// One side of a comparison: the brief as data, and the project it was
/// checked in, when there is one (to look quotes up in its sources).
pub struct Side {
    /// The side as given on the command line.
    pub label: String,
    pub brief: Brief,
    project: Option<Project>,
    /// The temporary project of a git revision, removed on drop.
    _checkout: Option<tempfile::TempDir>,
}

impl Side {
    /// Whether each of `quotes` is in source `source` as this side's
    /// project has it; `None` when this side has no project (a PDF or an
    /// export), or the source cannot be read.
    pub fn holds(&self, source: &str, quotes: &[&str]) -> Option<Vec<bool>> {
        let project = self.project.as_ref()?;
        let mut index = SourceIndex::scan(project);
        let wanted = BTreeSet::from([source.to_string()]);
        let mut requests = QuoteRequests::new();
        requests.insert(
            source.to_string(),
            quotes.iter().map(|q| q.to_string()).collect(),
        );
        index.read(project, Some(&wanted), &requests, false, None);
        let found = index.sources.get(source)?;
        quotes
            .iter()
            .map(|q| found.lookup(q).map(Result::is_ok))
            .collect()
    }
}

/// Reads side `arg`: a file (`.pdf`, `.docx`, `.json`, a dossier's
/// `.toml`), `REV:DOSSIER`, or a dossier id of the project at `root`.
pub fn load(arg: &str, root: &Path, max_source_size: u64) -> anyhow::Result<Side> {
    let path = Path::new(arg);
    if path.is_file() {
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        if !is_toml {
            return from_file(arg, path);
        }
    }
    if let Some((rev, dossier)) = revision(arg, root) {
        return at_revision(arg, rev, dossier, root, max_source_size);
    }
    let project = Project::open(root, max_source_size)?;
    let brief = checked_brief(&project, arg, None)?;
    Ok(Side {
        label: arg.to_string(),
        brief,
        project: Some(project),
        _checkout: None,
    })
}

/// `REV:DOSSIER` split in two, when `arg` is no file of the project.
fn revision<'a>(arg: &'a str, root: &Path) -> Option<(&'a str, &'a str)> {
    let (rev, dossier) = arg.split_once(':')?;
    if rev.is_empty() || dossier.is_empty() || root.join(arg).exists() {
        return None;
    }
    Some((rev, dossier))
}

/// A brief read from a file that carries it.
fn from_file(arg: &str, path: &Path) -> anyhow::Result<Side> {
    let bytes = files::read_limited(path, MAX_BRIEF_FILE)
        .map_err(|e| Fatal::new(format!("cannot read `{arg}` ({})", files::cause(&e))))?;
    let data = if bytes.starts_with(b"%PDF") {
        from_pdf(arg, &bytes)?
    } else if bytes.starts_with(b"PK\x03\x04") {
        from_package(arg, &bytes)?
    } else {
        bytes
    };
    let brief = parse(arg, &data)?;
    Ok(Side {
        label: arg.to_string(),
        brief,
        project: None,
        _checkout: None,
    })
}

/// The brief as data a PDF carries (`clerk-brief.json`).
fn from_pdf(arg: &str, pdf: &[u8]) -> anyhow::Result<Vec<u8>> {
    match crate::manifest::attachment(pdf, crate::manifest::BRIEF_NAME) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => {
            let built_by_clerk = matches!(
                crate::manifest::attachment(pdf, crate::manifest::MANIFEST_NAME),
                Ok(Some(_))
            );
            let mut error = Fatal::new(format!(
                "`{arg}` carries no brief as data (`{}`)",
                crate::manifest::BRIEF_NAME
            ));
            error = match built_by_clerk {
                true => error.help("it was built by an earlier clerk: build it again, or compare its dossier (`DOSSIER`, or `REV:DOSSIER` at the revision it was built from)"),
                false => error.help("it is not a brief built by clerk"),
            };
            Err(error.into())
        }
        Err(cause) => {
            Err(Fatal::new(format!("`{arg}` is not a PDF clerk can read ({cause})")).into())
        }
    }
}

/// The brief as data a Word edition carries: a part named
/// `clerk-brief.json` anywhere in its package.
fn from_package(arg: &str, bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| Fatal::new(format!("`{arg}` is not a Word file clerk can read ({e})")))?;
    // The first part so named, in name order.
    let mut found: Option<(String, usize)> = None;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(index) else {
            continue;
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if name.rsplit('/').next() == Some(crate::manifest::BRIEF_NAME)
            && found.as_ref().is_none_or(|(first, _)| name < *first)
        {
            found = Some((name, index));
        }
    }
    let Some((name, index)) = found else {
        return Err(Fatal::new(format!(
            "`{arg}` carries no brief as data (`{}`)",
            crate::manifest::BRIEF_NAME
        ))
        .help("compare the PDF built with it, or its dossier")
        .into());
    };
    let mut data = Vec::new();
    archive
        .by_index(index)
        .map_err(|e| Fatal::new(format!("cannot read `{name}` in `{arg}` ({e})")))?
        .take(MAX_BRIEF_FILE)
        .read_to_end(&mut data)
        .map_err(|e| Fatal::new(format!("cannot read `{name}` in `{arg}` ({e})")))?;
    Ok(data)
}

/// The brief as data in JSON (format `clerk_brief` 1).
fn parse(arg: &str, data: &[u8]) -> anyhow::Result<Brief> {
    let value: serde_json::Value = serde_json::from_slice(data).map_err(|e| {
        Fatal::new(format!("`{arg}` is not a brief clerk can compare ({e})"))
            .help("give a PDF built by clerk, a `--emit json` export, a dossier, or REV:DOSSIER")
    })?;
    match value.get("clerk_brief").and_then(serde_json::Value::as_u64) {
        None => {
            return Err(Fatal::new(format!(
                "`{arg}` is JSON but not a brief (it has no `clerk_brief` version)"
            ))
            .help("give the `<id>.json` that `clerk build --emit json` writes")
            .into());
        }
        Some(version) if version > u64::from(FORMAT_VERSION) => {
            return Err(Fatal::new(format!(
                "`{arg}` is a brief of format {version}, newer than this clerk reads ({FORMAT_VERSION})"
            ))
            .help("compare it with a later clerk")
            .into());
        }
        Some(_) => {}
    }
    serde_json::from_value(value)
        .map_err(|e| Fatal::new(format!("`{arg}` is not a well-formed brief ({e})")).into())
}

/// The brief of dossier `arg` of `project`, which must check without
/// errors; `at` names the revision in messages.
fn checked_brief(project: &Project, arg: &str, at: Option<&str>) -> anyhow::Result<Brief> {
    let selection = CheckedSelection::check(project.clone(), &[arg.to_string()])?;
    let where_ = at.map_or_else(String::new, |rev| format!(" at `{rev}`"));
    let diagnostics = selection.diagnostics();
    let tally = Tally::of(&diagnostics);
    let checked = selection
        .checked
        .first()
        .filter(|c| tally.errors == 0 && c.is_buildable());
    let Some(checked) = checked else {
        let first = diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| format!(": {}", d.message))
            .unwrap_or_default();
        let help = match at {
            None => format!("run `clerk check {arg}` and correct it"),
            Some(rev) => format!(
                "a version with errors has no brief to compare; `git checkout {rev}` and `clerk check {arg}` show them"
            ),
        };
        return Err(Fatal::new(format!(
            "dossier `{arg}`{where_} has {} error{}{first}",
            tally.errors,
            if tally.errors == 1 { "" } else { "s" }
        ))
        .help(help)
        .into());
    };
    let brief = crate::model::brief(checked, &selection.sources, &selection.locales)
        .map_err(|e| Fatal::new(format!("dossier `{arg}`{where_} cannot be built ({e})")))?;
    crate::export::brief::of(checked, &selection.sources, &brief)
        .map_err(|e| Fatal::new(format!("dossier `{arg}`{where_} cannot be built ({e})")).into())
}

/// Dossier `dossier` as committed at `rev`, with the sources and templates
/// of that revision, checked in a temporary copy of the project.
fn at_revision(
    arg: &str,
    rev: &str,
    dossier: &str,
    root: &Path,
    max_source_size: u64,
) -> anyhow::Result<Side> {
    let root = std::fs::canonicalize(root).map_err(|e| {
        Fatal::new(format!(
            "no project at `{}` ({})",
            root.display(),
            files::cause(&e)
        ))
    })?;
    let prefix = git(&root, &["rev-parse", "--show-prefix"]).map_err(|e| {
        Fatal::new(format!(
            "cannot read `{arg}`: the project is not in a git repository ({e})"
        ))
        .help("commit the project with git, or compare a built PDF or a `--emit json` export")
    })?;
    let prefix = prefix.trim_end_matches('\n');
    git(
        &root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        Fatal::new(format!(
            "cannot read `{arg}`: `{rev}` is not a revision of the repository"
        ))
        .help("give a commit, branch or tag, such as `HEAD~1` or `v1.2`")
    })?;
    let tree = format!("{rev}:{prefix}");
    let listed = git(&root, &["ls-tree", "--name-only", &tree])?;
    let folders: Vec<&str> = listed
        .lines()
        .filter(|name| matches!(*name, "dossiers" | "sources" | "templates"))
        .collect();
    if !folders.contains(&"dossiers") {
        return Err(Fatal::new(format!(
            "cannot read `{arg}`: the project had no `dossiers/` folder at `{rev}`"
        ))
        .into());
    }
    let checkout = tempfile::Builder::new()
        .prefix("clerk-diff-")
        .tempdir()
        .context("cannot make a temporary folder for the revision")?;
    extract(&root, &tree, &folders, checkout.path())?;
    let project = Project::open(checkout.path(), max_source_size)?;
    // A path names the dossier by its file stem at the revision.
    let id = Path::new(dossier)
        .file_stem()
        .filter(|_| dossier.ends_with(".toml"))
        .map_or_else(|| dossier.to_string(), |s| s.to_string_lossy().into_owned());
    if !project.dossiers.join(format!("{id}.toml")).is_file() {
        return Err(Fatal::new(format!(
            "cannot read `{arg}`: there was no dossier `{id}` at `{rev}`"
        ))
        .help("`git log --follow -- dossiers/<id>.toml` shows when it existed")
        .into());
    }
    let brief = checked_brief(&project, &id, Some(rev))?;
    Ok(Side {
        label: arg.to_string(),
        brief,
        project: Some(project),
        _checkout: Some(checkout),
    })
}

/// `git -C root ARGS`' standard output, or its error message.
fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run git ({})", files::cause(&e)))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        anyhow::bail!("git {}: {}", args.join(" "), stderr.trim());
    }
    String::from_utf8(output.stdout).map_err(|_| anyhow::anyhow!("git printed something not UTF-8"))
}

/// Writes `folders` of git tree `tree` into `target`: `git archive`,
/// unpacked by `tar`.
fn extract(root: &Path, tree: &str, folders: &[&str], target: &Path) -> anyhow::Result<()> {
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["archive", "--format=tar", tree, "--"])
        .args(folders)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run git ({})", files::cause(&e)))?;
    let stdout = archive.stdout.take().context("git archive has no output")?;
    let unpacked = Command::new("tar")
        .args(["-x", "-f", "-", "-C"])
        .arg(target)
        .stdin(stdout)
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run tar ({})", files::cause(&e)))?;
    let archived = archive.wait_with_output()?;
    if !archived.status.success() {
        anyhow::bail!(
            "git archive {tree}: {}",
            String::from_utf8_lossy(&archived.stderr).trim()
        );
    }
    if !unpacked.status.success() {
        anyhow::bail!(
            "cannot unpack {tree}: {}",
            String::from_utf8_lossy(&unpacked.stderr).trim()
        );
    }
    Ok(())
}
