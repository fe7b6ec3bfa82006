//! Every FORMAT.md rule that relates a dossier to its sources, claims and
//! template, producing diagnostics and the quote matches the brief cites.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use crate::diag::{Diagnostic, Rule, TextFile};
use crate::quote::Locator;
use crate::sources::SourceIndex;
use crate::spec::{self, ClaimKind, Dossier};

/// A dossier file as read from disk, before checking.
#[derive(Debug, Clone)]
pub struct DossierFile {
    /// The dossier id (the file stem).
    pub id: String,
    pub file: TextFile,
    pub sha256: String,
}

/// Where one quote of a claim was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteMatch {
    pub raw: Range<usize>,
    pub normalised: Range<usize>,
    pub locator: Locator,
}

/// A dossier after checking: its findings and, where quotes matched, where.
#[derive(Debug)]
pub struct Checked {
    pub input: DossierFile,
    /// `None` when the file did not parse.
    pub dossier: Option<Dossier>,
    pub diagnostics: Vec<Diagnostic>,
    /// Per claim, per evidence: the match, if found.
    pub matches: Vec<Vec<Option<QuoteMatch>>>,
    /// Source ids the dossier pins or cites.
    pub source_ids: BTreeSet<String>,
    /// Whether a source this dossier relies on has errors of its own.
    pub source_errors: bool,
}

impl Checked {
    /// Whether a PDF may be built from this dossier.
    pub fn is_buildable(&self) -> bool {
        self.dossier.is_some()
            && !self.source_errors
            && !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Source ids a dossier's text pins or cites, parsed leniently, so the
/// caller can load just those files before checking.
pub fn cited_sources(dossier: &Dossier) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = dossier
        .sources
        .keys()
        .map(|k| k.get_ref().clone())
        .collect();
    for claim in &dossier.claims {
        for evidence in claim.evidence.get_ref() {
            ids.insert(evidence.source.get_ref().clone());
        }
    }
    ids
}

/// The quotes `dossiers` cite, by source, for
/// [`SourceIndex::read`](crate::sources::SourceIndex::read). Over-long
/// quotes are left out: they are already a `syntax` error.
pub fn quote_requests<'a>(
    dossiers: impl IntoIterator<Item = &'a Dossier>,
) -> crate::sources::QuoteRequests {
    let mut requests = crate::sources::QuoteRequests::new();
    for dossier in dossiers {
        for claim in &dossier.claims {
            for evidence in claim.evidence.get_ref() {
                let quote = evidence.quote.get_ref();
                if spec::quote_over_limit(quote).is_none() {
                    requests
                        .entry(evidence.source.get_ref().clone())
                        .or_default()
                        .insert(quote.clone());
                }
            }
        }
    }
    requests
}

/// A dossier file after parsing, before its sources are consulted.
#[derive(Debug)]
pub struct Parsed {
    pub input: DossierFile,
    pub dossier: Option<Dossier>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a dossier file (the `syntax` and `bad-id` rules).
pub fn parse(input: DossierFile) -> Parsed {
    let mut found = Vec::new();
    if !spec::is_valid_id(&input.id) {
        found.push(
            Diagnostic::new(
                Rule::BadId,
                format!("invalid dossier id `{}` (the file name)", input.id),
            )
            .at(input.file.whole())
            .help(format!(
                "rename the file to `dossiers/{}.toml`; ids match `[a-z0-9][a-z0-9-]*`",
                spec::suggest_id(&input.id)
            )),
        );
    }
    let dossier = match spec::parse::<Dossier>(&input.file) {
        Ok(dossier) => {
            found.extend(spec::validate_dossier(&dossier, &input.file));
            Some(dossier)
        }
        Err(errors) => {
            found.extend(errors);
            None
        }
    };
    Parsed {
        input,
        dossier,
        diagnostics: found,
    }
}

/// Checks one parsed dossier against the source index and the templates.
pub fn check(
    parsed: Parsed,
    sources: &SourceIndex,
    template_exists: &dyn Fn(&str) -> bool,
) -> Checked {
    let Parsed {
        input,
        dossier,
        mut diagnostics,
    } = parsed;
    let Some(dossier) = dossier else {
        for d in &mut diagnostics {
            d.dossier = Some(input.id.clone());
        }
        return Checked {
            input,
            dossier: None,
            diagnostics,
            matches: Vec::new(),
            source_ids: BTreeSet::new(),
            source_errors: false,
        };
    };
    let file = &input.file;
    let source_ids = cited_sources(&dossier);
    let source_errors = source_ids
        .iter()
        .any(|id| sources.sources.get(id).is_some_and(|s| s.has_errors()));

    // Pins: each names a record, and matches the file's digest.
    for (id, pin) in &dossier.sources {
        let Some(source) = sources.sources.get(id.get_ref()) else {
            diagnostics.push(unknown_source(
                file,
                id.get_ref(),
                id.span(),
                sources,
                "pinned",
            ));
            continue;
        };
        let (Some(expected), Some(content)) = (spec::parse_pin(pin.get_ref()), &source.content)
        else {
            continue;
        };
        if expected != content.sha256 {
            diagnostics.push(
                Diagnostic::new(
                    Rule::HashMismatch,
                    format!("source `{}` has changed since it was pinned", id.get_ref()),
                )
                .at(file.site(pin.span()))
                .source(id.get_ref())
                .label("pinned here")
                .note(format!("pinned: sha256:{expected}"))
                .note(format!("actual: sha256:{} ({})", content.sha256, content.display))
                .help(format!(
                    "if the new file is the right one, run `clerk pin {} --source {}` and review the quotes it reports",
                    input.id,
                    id.get_ref()
                )),
            );
        }
    }

    // Claims: unique ids, known and pinned sources, quotes that occur.
    let mut first_claim: HashMap<&str, &toml::Spanned<String>> = HashMap::new();
    for claim in &dossier.claims {
        if let Some(first) = first_claim.get(claim.id.get_ref().as_str()) {
            let first_line = file.site(first.span()).line;
            diagnostics.push(
                Diagnostic::new(
                    Rule::DuplicateId,
                    format!("two claims have the id `{}`", claim.id.get_ref()),
                )
                .at(file.site(claim.id.span()))
                .claim(claim.id.get_ref())
                .note(format!("first used on line {first_line}"))
                .help("give each claim of a dossier its own id"),
            );
        } else {
            first_claim.insert(claim.id.get_ref(), &claim.id);
        }
    }

    let mut matches = Vec::with_capacity(dossier.claims.len());
    let mut cited: BTreeSet<&str> = BTreeSet::new();
    for claim in &dossier.claims {
        let mut claim_matches = Vec::new();
        for evidence in claim.evidence.get_ref() {
            let source_id = evidence.source.get_ref().as_str();
            cited.insert(source_id);
            let Some(source) = sources.sources.get(source_id) else {
                diagnostics.push(
                    unknown_source(file, source_id, evidence.source.span(), sources, "cited")
                        .claim(claim.id.get_ref()),
                );
                claim_matches.push(None);
                continue;
            };
            if !dossier.sources.keys().any(|k| k.get_ref() == source_id) {
                let pin = source.content.as_ref().map_or_else(
                    || "sha256:…".to_string(),
                    |c| format!("sha256:{}", c.sha256),
                );
                diagnostics.push(
                    Diagnostic::new(
                        Rule::UnpinnedSource,
                        format!(
                            "claim `{}` cites `{source_id}`, which `[sources]` does not pin",
                            claim.id.get_ref()
                        ),
                    )
                    .at(file.site(evidence.source.span()))
                    .claim(claim.id.get_ref())
                    .source(source_id)
                    .help(format!(
                        "add `{source_id} = \"{pin}\"` under `[sources]`, or run `clerk pin {}`",
                        input.id
                    )),
                );
            }
            // No lookup: the source has no text (its own error), or the
            // quote is over-long (a `syntax` error).
            let Some(lookup) = source.lookup(evidence.quote.get_ref()) else {
                claim_matches.push(None);
                continue;
            };
            match lookup {
                Ok(located) => {
                    claim_matches.push(Some(QuoteMatch {
                        raw: located.found.raw.clone(),
                        normalised: located.found.normalised.clone(),
                        locator: located.locator,
                    }));
                }
                Err(miss) => {
                    diagnostics.push(quote_not_found(
                        file,
                        claim.id.get_ref(),
                        evidence,
                        source,
                        miss,
                    ));
                    claim_matches.push(None);
                }
            }
        }
        matches.push(claim_matches);
    }

    // Links between claims.
    let ids: BTreeSet<&str> = dossier
        .claims
        .iter()
        .map(|c| c.id.get_ref().as_str())
        .collect();
    for claim in &dossier.claims {
        for target in &claim.responds_to {
            if !ids.contains(target.get_ref().as_str()) {
                let mut d = Diagnostic::new(
                    Rule::DanglingResponse,
                    format!(
                        "claim `{}` responds to `{}`, which is no claim of this dossier",
                        claim.id.get_ref(),
                        target.get_ref()
                    ),
                )
                .at(file.site(target.span()))
                .claim(claim.id.get_ref());
                if let Some(close) = closest(target.get_ref(), ids.iter().copied()) {
                    d = d.help(format!("did you mean `{close}`?"));
                }
                diagnostics.push(d);
            }
        }
    }

    if !template_exists(dossier.template()) {
        let site = dossier.template.as_ref().map(|t| file.site(t.span()));
        let mut d = Diagnostic::new(
            Rule::UnknownTemplate,
            format!("no template named `{}`", dossier.template()),
        )
        .help(format!(
            "add `templates/{}.typ.hbs`, or use the built-in `brief` (`clerk template brief` prints it)",
            dossier.template()
        ));
        if let Some(site) = site {
            d = d.at(site);
        }
        diagnostics.push(d);
    }

    // Warnings.
    for id in dossier.sources.keys() {
        if !cited.contains(id.get_ref().as_str()) && sources.sources.contains_key(id.get_ref()) {
            diagnostics.push(
                Diagnostic::new(
                    Rule::UnusedSource,
                    format!(
                        "source `{}` is pinned but no evidence cites it",
                        id.get_ref()
                    ),
                )
                .at(file.site(id.span()))
                .source(id.get_ref())
                .help("cite it in a claim's evidence, or remove its pin"),
            );
        }
    }
    let responded: BTreeSet<&str> = dossier
        .claims
        .iter()
        .filter(|c| *c.kind.get_ref() != ClaimKind::Allegation)
        .flat_map(|c| c.responds_to.iter().map(|t| t.get_ref().as_str()))
        .collect();
    for claim in &dossier.claims {
        if *claim.kind.get_ref() == ClaimKind::Allegation
            && !responded.contains(claim.id.get_ref().as_str())
        {
            diagnostics.push(
                Diagnostic::new(
                    Rule::NoResponse,
                    format!(
                        "no denial or official position responds to allegation `{}`",
                        claim.id.get_ref()
                    ),
                )
                .at(file.site(claim.id.span()))
                .claim(claim.id.get_ref())
                .help("add a response with `responds-to`, or note why none exists"),
            );
        }
        let weak = claim.evidence.get_ref().iter().all(|e| {
            sources
                .sources
                .get(e.source.get_ref())
                .and_then(|s| s.record.as_ref())
                .is_some_and(|r| r.kind.get_ref().is_weak())
        });
        if weak && !claim.evidence.get_ref().is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Rule::WeakEvidence,
                    format!(
                        "claim `{}` rests only on forum or social-media sources",
                        claim.id.get_ref()
                    ),
                )
                .at(file.site(claim.id.span()))
                .claim(claim.id.get_ref())
                .help("corroborate it with a press, official or parliamentary source"),
            );
        }
    }
    for kind in ClaimKind::ALL {
        if !dossier.claims.iter().any(|c| *c.kind.get_ref() == kind) {
            diagnostics.push(
                Diagnostic::new(
                    Rule::EmptySection,
                    format!("the dossier has no claim of kind `{}`", kind.name()),
                )
                .at(file.site(dossier.title.span()))
                .help("the brief will say that this section is empty"),
            );
        }
    }

    for d in &mut diagnostics {
        d.dossier = Some(input.id.clone());
    }
    Checked {
        input,
        dossier: Some(dossier),
        diagnostics,
        matches,
        source_ids,
        source_errors,
    }
}

fn unknown_source(
    file: &TextFile,
    id: &str,
    span: Range<usize>,
    sources: &SourceIndex,
    how: &str,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        Rule::UnknownSource,
        format!("{how} source `{id}` has no record"),
    )
    .at(file.site(span))
    .source(id)
    .label("no `sources/**/".to_string() + id + ".toml`");
    match closest(id, sources.sources.keys().map(String::as_str)) {
        Some(close) => d = d.help(format!("did you mean `{close}`?")),
        None => {
            d = d.help(format!(
                "add a record `sources/{id}.toml` beside the source file"
            ))
        }
    }
    d
}

fn quote_not_found(
    file: &TextFile,
    claim: &str,
    evidence: &spec::Evidence,
    source: &crate::sources::Source,
    located: &crate::sources::LocatedMiss,
) -> Diagnostic {
    let miss = &located.miss;
    let message = if miss.pieces > 1 {
        format!(
            "piece {} of {} of a quote is not in source `{}` where the elision allows",
            miss.piece_index + 1,
            miss.pieces,
            source.id
        )
    } else {
        format!("quote is not in source `{}`", source.id)
    };
    let mut d = Diagnostic::new(Rule::QuoteNotFound, message)
        .at(file.site(evidence.quote.span()))
        .claim(claim)
        .source(&source.id);
    if miss.gave_up {
        return d
            .note("the pieces between `[…]` occur so often that clerk stopped searching before placing them all")
            .help("quote more words around each `[…]`, so that each piece is distinctive");
    }
    if let (Some(near), Some(locator)) = (&miss.nearest, &located.nearest) {
        d = d.note(format!(
            "closest passage ({:.0}% similar), {}: \"{}\"",
            near.similarity * 100.0,
            source.describe(locator),
            shorten(&near.text, 240)
        ));
        if miss.pieces > 1 {
            d = d.note(format!("the piece: \"{}\"", shorten(&miss.piece, 240)));
        }
        d = d.help("copy the passage verbatim from the source; mark omissions with `[…]`");
    }
    d
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    format!("{cut}…")
}

/// The candidate closest to `name`, if close enough to be a likely typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim(name, c), c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance between two short ids.
fn strsim(a: &str, b: &str) -> usize {
    bio::alignment::distance::levenshtein(a.as_bytes(), b.as_bytes()) as usize
}
