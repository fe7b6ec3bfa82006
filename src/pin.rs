//! `clerk pin`: rewriting the pin strings of a dossier's `[sources]` with
//! the current digests, keeping every comment and the layout (toml_edit).
//! `clerk add --to` pins the sources it adds through [`pin_new`].

use std::collections::BTreeSet;

use toml_edit::{DocumentMut, Item, Value};

use crate::check;
use crate::diag::{Diagnostic, Fatal, Rule};
use crate::project::{DossierFile, Project};
use crate::sources::{Source, SourceIndex};
use crate::spec::Dossier;

/// What happened to one source's pin.
#[derive(Debug)]
pub struct Repin {
    pub source: String,
    pub old: Option<String>,
    pub new: String,
    /// Quotes citing the source: `(claim id, Ok(where found) | Err(closest passage))`.
    pub quotes: Vec<(String, Result<String, String>)>,
}

/// The result of pinning a dossier.
#[derive(Debug, Default)]
pub struct PinReport {
    pub dossier: String,
    pub file: String,
    pub repins: Vec<Repin>,
    /// Findings that stopped a source from being pinned.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the dossier file was rewritten.
    pub written: bool,
    /// Whether the dossier had no `[sources]` table, and was given one.
    pub added_table: bool,
}

impl PinReport {
    /// Whether every pinned source exists and all its quotes still match.
    pub fn is_clean(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
            && self
                .repins
                .iter()
                .all(|r| r.quotes.iter().all(|(_, q)| q.is_ok()))
    }
}

/// Which sources to pin.
enum Targets<'a> {
    /// These (each of which the dossier must pin or cite), or all that it
    /// pins or cites when empty.
    Cited(&'a [String]),
    /// These, which the dossier need not mention yet.
    New(&'a [String]),
}

/// Pins `only` (or every source the dossier pins or cites) to its current
/// digest, writing the dossier back only if a pin changed (or it lacked a
/// `[sources]` table).
pub fn pin(project: &Project, dossier_arg: &str, only: &[String]) -> anyhow::Result<PinReport> {
    pin_targets(project, dossier_arg, Targets::Cited(only))
}

/// Pins the sources `ids` in a dossier that need not cite them yet: the
/// sources `clerk add --to` has just added.
pub fn pin_new(project: &Project, dossier_arg: &str, ids: &[String]) -> anyhow::Result<PinReport> {
    pin_targets(project, dossier_arg, Targets::New(ids))
}

fn pin_targets(
    project: &Project,
    dossier_arg: &str,
    wanted: Targets<'_>,
) -> anyhow::Result<PinReport> {
    let path = project
        .select(std::slice::from_ref(&dossier_arg.to_string()))?
        .remove(0);
    let mut report = PinReport::default();
    let original = match project.read_dossier(&path) {
        Ok(input) => input,
        Err(d) => {
            report.diagnostics.push(*d);
            return Ok(report);
        }
    };
    report.dossier = original.id.clone();
    report.file = original.file.display.clone();
    let mut document = match editable(&original) {
        Ok(document) => document,
        Err(d) => {
            report.diagnostics.push(*d);
            return Ok(report);
        }
    };
    // A dossier started without `[sources]` gets one, so that it can be
    // pinned at all; it is then read as it will be written.
    report.added_table = add_sources_table(&mut document);
    let input = match report.added_table {
        true => DossierFile {
            file: crate::diag::TextFile::new(original.file.display.clone(), document.to_string()),
            ..original.clone()
        },
        false => original.clone(),
    };
    let Some(dossier) = check::parse(input.clone()).dossier else {
        // Report the problems against the file as the user has it.
        report
            .diagnostics
            .extend(check::parse(original).diagnostics);
        return Ok(report);
    };
    let mut sources = SourceIndex::scan(project);
    let targets = match wanted {
        Targets::Cited([]) => with_messages(targets(&input, &dossier, &[])?, &sources),
        Targets::Cited(only) => targets(&input, &dossier, only)?,
        Targets::New(ids) => ids.iter().cloned().collect(),
    };
    let quotes = check::quote_requests([&dossier]);
    sources.read(project, Some(&targets), &quotes, false, None);

    let table = document
        .entry("sources")
        .or_insert_with(|| Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| anyhow::anyhow!("`sources` in `{}` is not a table", input.file.display))?;
    let mut changed = report.added_table;
    for id in &targets {
        let Some(source) = sources.sources.get(id) else {
            report.diagnostics.push(
                Diagnostic::new(Rule::UnknownSource, format!("source `{id}` has no record"))
                    .in_file(input.file.display.clone())
                    .dossier(input.id.clone())
                    .source(id.clone())
                    .help(format!("add `sources/{id}.toml` beside the source file")),
            );
            continue;
        };
        let Some(content) = source.content.as_ref().filter(|_| !source.has_errors()) else {
            report.diagnostics.extend(source.problems.iter().cloned());
            continue;
        };
        let new = format!("sha256:{}", content.sha256);
        let old = set_pin(table, id, &new);
        changed |= old.as_deref() != Some(new.as_str());
        report.repins.push(Repin {
            source: id.clone(),
            old,
            new,
            quotes: quote_outcomes(&dossier, source),
        });
    }
    if changed {
        let mut rewritten = document.to_string();
        // toml_edit writes LF between lines it lays out: keep a CRLF file CRLF.
        if input.file.text.contains("\r\n") {
            rewritten = rewritten.replace("\r\n", "\n").replace('\n', "\r\n");
        }
        crate::output::write_atomic(&path, rewritten.as_bytes())?;
        report.written = true;
    }
    Ok(report)
}

/// Adds an empty `[sources]` table to a dossier that has none, before its
/// first table (the claims), after the top-level keys; whether it did.
fn add_sources_table(document: &mut DocumentMut) -> bool {
    if document.contains_key("sources") {
        return false;
    }
    // Tables are laid out in the order of their positions: take one
    // before every table the file has.
    let mut first = None;
    for (_, item) in document.iter() {
        let positions: Vec<Option<isize>> = match item {
            Item::Table(table) => vec![table.position()],
            Item::ArrayOfTables(array) => array.iter().map(toml_edit::Table::position).collect(),
            _ => Vec::new(),
        };
        for position in positions.into_iter().flatten() {
            first = Some(first.map_or(position, |f: isize| f.min(position)));
        }
    }
    let mut table = toml_edit::Table::new();
    if let Some(first) = first {
        table.set_position(Some(first - 1));
    }
    document.insert("sources", Item::Table(table));
    true
}

/// The dossier as a document whose layout survives editing, or its first
/// syntax error.
fn editable(input: &DossierFile) -> Result<DocumentMut, Box<Diagnostic>> {
    input
        .file
        .text
        .parse()
        .map_err(|error: toml_edit::TomlError| {
            let site = error
                .span()
                .map_or_else(|| input.file.whole(), |s| input.file.site(s));
            Box::new(
                Diagnostic::new(Rule::Syntax, error.message().trim().to_string())
                    .at(site)
                    .dossier(input.id.clone()),
            )
        })
}

/// The sources to pin: `only`, each of which the dossier must pin or cite,
/// or all that it does.
fn targets(
    input: &DossierFile,
    dossier: &Dossier,
    only: &[String],
) -> anyhow::Result<BTreeSet<String>> {
    let cited = check::cited_sources(dossier);
    if only.is_empty() {
        return Ok(cited);
    }
    if let Some(id) = only.iter().find(|id| !cited.contains(*id)) {
        let known: Vec<String> = cited.iter().map(|s| format!("`{s}`")).collect();
        return Err(Fatal::new(format!(
            "dossier `{}` neither pins nor cites source `{id}`",
            input.id
        ))
        .help(format!(
            "cite it in a claim's evidence first, or pin one of: {}",
            known.join(", ")
        ))
        .into());
    }
    Ok(only.iter().cloned().collect())
}

/// `ids` and the message each came with (its record's `part-of`), which
/// the brief cites with it.
fn with_messages(mut ids: BTreeSet<String>, sources: &SourceIndex) -> BTreeSet<String> {
    let parents: Vec<String> = ids
        .iter()
        .flat_map(|id| sources.parents_of(id))
        .map(|parent| parent.id.clone())
        .collect();
    ids.extend(parents);
    ids
}

/// Sets the pin of `id` to `new`, keeping the comments and spacing around
/// an old pin; returns the old pin.
fn set_pin(table: &mut dyn toml_edit::TableLike, id: &str, new: &str) -> Option<String> {
    let old = table
        .get(id)
        .and_then(|item| item.as_str())
        .map(str::to_string);
    if old.as_deref() == Some(new) {
        return old;
    }
    match table.get_mut(id).and_then(Item::as_value_mut) {
        Some(value) => {
            let decor = value.decor().clone();
            *value = Value::from(new);
            *value.decor_mut() = decor;
        }
        None => {
            table.insert(id, toml_edit::value(new));
        }
    }
    old
}

/// Each quote of the dossier that cites `source`: where it is found now,
/// or why not.
fn quote_outcomes(dossier: &Dossier, source: &Source) -> Vec<(String, Result<String, String>)> {
    let mut quotes = Vec::new();
    for claim in &dossier.claims {
        for evidence in claim.evidence.get_ref() {
            if evidence.source.get_ref() != &source.id {
                continue;
            }
            let claim_id = claim.id.get_ref().clone();
            let Some(lookup) = source.lookup(evidence.quote.get_ref()) else {
                // Not looked up: the source has no text (its own problem,
                // reported), or the quote is over the limit.
                if let Some(length) = crate::spec::quote_over_limit(evidence.quote.get_ref()) {
                    let too_long = format!(
                        "the quote is {length} characters long, over the limit of {}",
                        crate::spec::MAX_QUOTE_CHARS
                    );
                    quotes.push((claim_id, Err(too_long)));
                }
                continue;
            };
            let outcome = match lookup {
                Ok(located) => Ok(source.describe(&located.locator)),
                Err(missed) => Err(match (&missed.miss.nearest, &missed.nearest) {
                    (Some(near), Some(locator)) => format!(
                        "closest passage at {} ({:.0}% similar): \"{}\"",
                        source.describe(locator),
                        near.similarity * 100.0,
                        near.text
                    ),
                    _ => "the source has no text".to_string(),
                }),
            };
            quotes.push((claim_id, outcome));
        }
    }
    quotes
}
