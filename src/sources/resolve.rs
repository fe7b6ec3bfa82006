//! Resolving a record's `file` inside `sources/`, then reading and hashing
//! it: every check that keeps a source where the project says it is.

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::{Content, Source, SourceFormat};
use crate::diag::{Diagnostic, Rule};
use crate::files::{self, DigestMemo, Escape, display_path, human_size, lexical_join};
use crate::project::Project;

/// Where a record's `file` leads: the path as written, resolved lexically
/// (for messages) and through links (for reading), both inside `sources/`.
pub(super) struct Resolved {
    pub(super) lexical: PathBuf,
    pub(super) canonical: PathBuf,
    /// The path inside `sources/`, with `/` separators.
    relative: String,
}

/// Resolves, reads and hashes a source's file; returns the bytes. Unless
/// `need_bytes`, a digest `memo` remembers is used instead of reading; the
/// digest of a file read is taught to `memo`.
pub(super) fn load_source(
    project: &Project,
    source: &mut Source,
    memo: Option<&dyn DigestMemo>,
    need_bytes: bool,
) -> Option<Vec<u8>> {
    source.tried = true;
    let record = source.record.as_ref()?;
    let site = source.record_file.site(record.file.span());
    let problem = |d: Diagnostic| d.at(site.clone()).source(source.id.clone());
    let resolved = match resolve(
        project,
        &source.record_file.display,
        "file",
        record.file.get_ref(),
    ) {
        Ok(resolved) => resolved,
        Err(d) => {
            let d = problem(*d);
            source.problems.push(d);
            return None;
        }
    };
    let display = display_path(&project.root, &resolved.lexical);
    let metadata = match usable_metadata(project, &resolved.canonical, &display) {
        Ok(metadata) => metadata,
        Err(d) => {
            let d = problem(*d);
            source.problems.push(d);
            return None;
        }
    };
    let remembered = memo
        .filter(|_| !need_bytes)
        .and_then(|memo| memo.recall(&resolved.canonical, &metadata));
    let (bytes, sha256) = match remembered {
        Some(sha256) => (None, sha256),
        None => match files::read_hashed(
            &resolved.canonical,
            &metadata,
            project.max_source_size,
            memo,
        ) {
            Ok((bytes, sha256)) => (Some(bytes), sha256),
            Err(error) => {
                let d = problem(Diagnostic::new(
                    Rule::MissingFile,
                    format!("cannot read `{display}` ({})", files::cause(&error)),
                ));
                source.problems.push(d);
                return None;
            }
        },
    };
    let format = match format_of(&resolved.canonical, &display) {
        Ok(format) => Some(format),
        Err(d) => {
            let d = problem(*d);
            source.problems.push(d);
            None
        }
    };
    super::capture::check(project, source, &sha256);
    source.content = Some(Content {
        display,
        path: resolved.canonical,
        relative: resolved.relative,
        sha256,
        len: metadata.len(),
        format,
        decoded: false,
        lookups: HashMap::new(),
        text: None,
        detected_language: None,
    });
    format.and(bytes)
}

/// Resolves the record's `file`, relative to the record, refusing a path
/// that is absolute, leaves `sources/` or leads out of it through a link.
pub(super) fn resolve(
    project: &Project,
    record_display: &str,
    key: &str,
    file_value: &str,
) -> Result<Resolved, Box<Diagnostic>> {
    let noun = if key == "file" { "source file" } else { key };
    let relative = Path::new(file_value);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
    {
        return Err(Box::new(
            Diagnostic::new(
                Rule::PathEscape,
                format!("`{key}` is an absolute path (`{file_value}`)"),
            )
            .help("give the path relative to the record, inside `sources/`"),
        ));
    }
    let record_dir = Path::new(record_display)
        .parent()
        .map(|p| project.root.join(p))
        .unwrap_or_else(|| project.root.clone());
    let lexical = lexical_join(&record_dir, relative);
    if !lexical.starts_with(lexical_join(&project.root, Path::new("sources"))) {
        return Err(Box::new(
            Diagnostic::new(
                Rule::PathEscape,
                format!("`{key}` leaves `sources/` (`{file_value}`)"),
            )
            .help(format!(
                "move the file into `sources/` and point `{key}` at it"
            )),
        ));
    }
    let sources = fs::canonicalize(&project.sources).unwrap_or_else(|_| project.sources.clone());
    let canonical = match files::confine(&sources, &lexical) {
        Ok(canonical) => canonical,
        Err(Escape::Unresolved(error)) => {
            let message = if error.kind() == std::io::ErrorKind::NotFound {
                format!("{noun} `{file_value}` does not exist")
            } else {
                format!(
                    "cannot resolve {noun} `{file_value}` ({})",
                    files::cause(&error)
                )
            };
            return Err(Box::new(
                Diagnostic::new(Rule::MissingFile, message)
                    .label("no such file")
                    .help(format!("the path is relative to `{record_display}`")),
            ));
        }
        Err(Escape::Outside(target)) => {
            return Err(Box::new(
                Diagnostic::new(
                    Rule::PathEscape,
                    format!(
                        "`{key}` resolves outside `sources/` through a symbolic link (`{file_value}`)"
                    ),
                )
                .note(format!("it points to `{}`", target.display()))
                .help("copy the file into `sources/` instead of linking to it"),
            ));
        }
    };
    let relative = canonical
        .strip_prefix(&sources)
        .map(files::with_slashes)
        .unwrap_or_else(|_| file_value.to_string());
    Ok(Resolved {
        lexical,
        canonical,
        relative,
    })
}

/// The metadata of a resolved source file that is a regular file within
/// the size limit.
fn usable_metadata(
    project: &Project,
    canonical: &Path,
    display: &str,
) -> Result<fs::Metadata, Box<Diagnostic>> {
    let metadata = fs::metadata(canonical).map_err(|error| {
        Box::new(Diagnostic::new(
            Rule::MissingFile,
            format!("cannot read `{display}` ({})", files::cause(&error)),
        ))
    })?;
    if !metadata.is_file() {
        return Err(Box::new(
            Diagnostic::new(
                Rule::MissingFile,
                format!("`{display}` is not a regular file"),
            )
            .help("point `file` at a regular file (not a folder, pipe, socket or device)"),
        ));
    }
    if metadata.len() > project.max_source_size {
        return Err(Box::new(
            Diagnostic::new(
                Rule::MissingFile,
                format!(
                    "`{display}` is {}, above the limit of {}",
                    human_size(metadata.len()),
                    human_size(project.max_source_size)
                ),
            )
            .help("raise the limit with `--max-source-size`, for example `--max-source-size 1GiB`"),
        ));
    }
    Ok(metadata)
}

/// How clerk reads the file, from its extension.
fn format_of(canonical: &Path, display: &str) -> Result<SourceFormat, Box<Diagnostic>> {
    let extension = canonical
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    SourceFormat::from_extension(&extension).ok_or_else(|| {
        let shown = if extension.is_empty() {
            "no extension".to_string()
        } else {
            format!("`.{extension}`")
        };
        Box::new(
            Diagnostic::new(
                Rule::UnsupportedFormat,
                format!("clerk cannot read source files with {shown} (`{display}`)"),
            )
            .help(SourceFormat::unreadable_help(&extension)),
        )
    })
}
