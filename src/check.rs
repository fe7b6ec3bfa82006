//! Every FORMAT.md rule that relates a dossier to its sources, claims and
//! template, producing diagnostics and the quote matches the brief cites.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use crate::diag::{Diagnostic, Rule, TextFile};
use crate::fonts::Coverage;
use crate::locale::{Locales, Resolved};
use crate::project::DossierFile;
use crate::quote::Locator;
use crate::sources::{LocatedMiss, Passage, QuoteRequests, Source, SourceIndex};
use crate::spec::{self, ClaimKind, Dossier};

/// Where one quote of a claim was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteMatch {
    pub raw: Range<usize>,
    pub normalised: Range<usize>,
    pub locator: Locator,
    /// Where it lies in the text `clerk text` prints.
    pub passage: Passage,
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
    /// Whether the locale file for the dossier's language has errors of
    /// its own (`bad-locale`, reported against that file).
    pub locale_errors: bool,
}

impl Checked {
    /// Whether a PDF may be built from this dossier.
    pub fn is_buildable(&self) -> bool {
        self.dossier.is_some()
            && !self.source_errors
            && !self.locale_errors
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
/// [`SourceIndex::read`]. Over-long
/// quotes are left out: they are already a `syntax` error.
pub fn quote_requests<'a>(dossiers: impl IntoIterator<Item = &'a Dossier>) -> QuoteRequests {
    let mut requests = QuoteRequests::new();
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

/// What a dossier is checked against.
pub struct CheckInputs<'a> {
    pub sources: &'a SourceIndex,
    pub locales: &'a Locales,
    /// The characters the brief's fonts can show.
    pub coverage: &'a Coverage,
    /// Whether a template of this name exists.
    pub template_exists: &'a (dyn Fn(&str) -> bool + Sync),
    /// Why the citation style of this name cannot be used, if it cannot.
    pub style_error: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// Checks one parsed dossier against its sources, locales and templates.
pub fn check(parsed: Parsed, inputs: &CheckInputs<'_>) -> Checked {
    let sources = inputs.sources;
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
            locale_errors: false,
        };
    };
    let source_ids = cited_sources(&dossier);
    let source_errors = source_ids
        .iter()
        .any(|id| sources.sources.get(id).is_some_and(|s| s.has_errors()));
    let rules = DossierRules {
        input: &input,
        file: &input.file,
        dossier: &dossier,
        sources,
    };
    rules.pins(&mut diagnostics);
    rules.claim_ids(&mut diagnostics);
    rules.unpinned(&mut diagnostics);
    let matches = rules.evidence(&mut diagnostics);
    rules.responses(&mut diagnostics);
    rules.template(inputs.template_exists, &mut diagnostics);
    rules.citation_style(inputs.style_error, &mut diagnostics);
    let locale_errors = rules.locale(inputs.locales, &mut diagnostics);
    rules.translations(&mut diagnostics);
    rules.undeclared_languages(&mut diagnostics);
    rules.glyphs(inputs.coverage, &mut diagnostics);
    rules.messages_of_attachments(&mut diagnostics);
    rules.unused_sources(&mut diagnostics);
    rules.balance(&mut diagnostics);
    rules.empty_sections(&mut diagnostics);
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
        locale_errors,
    }
}

/// The rules that relate one parsed dossier to its sources, claims and
/// template, each pushing its findings.
struct DossierRules<'a> {
    input: &'a DossierFile,
    file: &'a TextFile,
    dossier: &'a Dossier,
    sources: &'a SourceIndex,
}

impl DossierRules<'_> {
    /// `unknown-source` and `hash-mismatch`: each pin names a record, and
    /// matches the file's digest.
    fn pins(&self, diagnostics: &mut Vec<Diagnostic>) {
        for (id, pin) in &self.dossier.sources {
            let Some(source) = self.sources.sources.get(id.get_ref()) else {
                diagnostics.push(unknown_source(
                    self.file,
                    id.get_ref(),
                    id.span(),
                    self.sources,
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
                    .at(self.file.site(pin.span()))
                    .source(id.get_ref())
                    .label("pinned here")
                    .note(format!("pinned: sha256:{expected}"))
                    .note(format!("actual: sha256:{} ({})", content.sha256, content.display))
                    .help(format!(
                        "if the new file is the right one, run `clerk pin {} --source {}` and review the quotes it reports",
                        self.input.id,
                        id.get_ref()
                    )),
                );
            }
        }
    }

    /// `duplicate-id` among the claims.
    fn claim_ids(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut first_claim: HashMap<&str, &toml::Spanned<String>> = HashMap::new();
        for claim in &self.dossier.claims {
            if let Some(first) = first_claim.get(claim.id.get_ref().as_str()) {
                let first_line = self.file.site(first.span()).line;
                diagnostics.push(
                    Diagnostic::new(
                        Rule::DuplicateId,
                        format!("two claims have the id `{}`", claim.id.get_ref()),
                    )
                    .at(self.file.site(claim.id.span()))
                    .claim(claim.id.get_ref())
                    .note(format!("first used on line {first_line}"))
                    .help("give each claim of a dossier its own id"),
                );
            } else {
                first_claim.insert(claim.id.get_ref(), &claim.id);
            }
        }
    }

    /// `unknown-source`, `unpinned-source` and `quote-not-found` for each
    /// piece of evidence; returns where each quote was found.
    fn evidence(&self, diagnostics: &mut Vec<Diagnostic>) -> Vec<Vec<Option<QuoteMatch>>> {
        let mut matches = Vec::with_capacity(self.dossier.claims.len());
        for claim in &self.dossier.claims {
            let claim_matches = claim
                .evidence
                .get_ref()
                .iter()
                .map(|evidence| self.one_quote(claim, evidence, diagnostics))
                .collect();
            matches.push(claim_matches);
        }
        matches
    }

    fn one_quote(
        &self,
        claim: &spec::Claim,
        evidence: &spec::Evidence,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<QuoteMatch> {
        let source_id = evidence.source.get_ref().as_str();
        let Some(source) = self.sources.sources.get(source_id) else {
            diagnostics.push(
                unknown_source(
                    self.file,
                    source_id,
                    evidence.source.span(),
                    self.sources,
                    "cited",
                )
                .claim(claim.id.get_ref()),
            );
            return None;
        };
        // No lookup: the source has no text (its own error), or the quote
        // is over-long (a `syntax` error).
        match source.lookup(evidence.quote.get_ref())? {
            Ok(located) => {
                if let Some(rendered) = &located.rendered {
                    diagnostics.push(
                        Diagnostic::new(
                            Rule::QuoteInMarkup,
                            format!(
                                "the quote is written with the Markdown markup of source `{source_id}`, which readers do not see"
                            ),
                        )
                        .at(self.file.site(evidence.quote.span()))
                        .claim(claim.id.get_ref())
                        .source(source_id)
                        .help(format!("quote the text as rendered: \"{rendered}\"")),
                    );
                }
                Some(QuoteMatch {
                    raw: located.found.raw.clone(),
                    normalised: located.found.normalised.clone(),
                    locator: located.locator.clone(),
                    passage: located.passage.clone(),
                })
            }
            Err(miss) => {
                diagnostics.push(quote_not_found(
                    self.file,
                    claim.id.get_ref(),
                    evidence,
                    source,
                    miss,
                ));
                None
            }
        }
    }

    /// `unpinned-source`: every cited source is pinned. Reported once per
    /// source, at its first citation, listing the others.
    fn unpinned(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut citations: Vec<(&str, Vec<(&spec::Claim, &spec::Evidence)>)> = Vec::new();
        for claim in &self.dossier.claims {
            for evidence in claim.evidence.get_ref() {
                let id = evidence.source.get_ref().as_str();
                if self.is_pinned(id) || !self.sources.sources.contains_key(id) {
                    continue;
                }
                match citations.iter_mut().find(|(cited, _)| *cited == id) {
                    Some((_, list)) => list.push((claim, evidence)),
                    None => citations.push((id, vec![(claim, evidence)])),
                }
            }
        }
        for (source_id, list) in citations {
            let (claim, evidence) = list[0];
            let pin = pin_to_add(&self.sources.sources[source_id]);
            let mut diagnostic = Diagnostic::new(
                Rule::UnpinnedSource,
                format!(
                    "claim `{}` cites `{source_id}`, which `[sources]` does not pin",
                    claim.id.get_ref()
                ),
            )
            .at(self.file.site(evidence.source.span()))
            .claim(claim.id.get_ref())
            .source(source_id);
            if list.len() > 1 {
                let others: Vec<String> = list[1..]
                    .iter()
                    .map(|(claim, evidence)| {
                        format!(
                            "line {} (claim `{}`)",
                            self.file.site(evidence.source.span()).line,
                            claim.id.get_ref()
                        )
                    })
                    .collect();
                let more = match others.len() {
                    1 => "1 more quote cites it".to_string(),
                    n => format!("{n} more quotes cite it"),
                };
                diagnostic = diagnostic.note(format!("{more}: {}", others.join(", ")));
            }
            diagnostics.push(diagnostic.help(format!(
                "add `{source_id} = \"{pin}\"` under `[sources]`, or run `clerk pin {}`",
                self.input.id
            )));
        }
    }

    /// `dangling-response`: every `responds-to` names a claim.
    fn responses(&self, diagnostics: &mut Vec<Diagnostic>) {
        let ids: BTreeSet<&str> = self
            .dossier
            .claims
            .iter()
            .map(|c| c.id.get_ref().as_str())
            .collect();
        for claim in &self.dossier.claims {
            for target in &claim.responds_to {
                if ids.contains(target.get_ref().as_str()) {
                    continue;
                }
                let mut d = Diagnostic::new(
                    Rule::DanglingResponse,
                    format!(
                        "claim `{}` responds to `{}`, which is no claim of this dossier",
                        claim.id.get_ref(),
                        target.get_ref()
                    ),
                )
                .at(self.file.site(target.span()))
                .claim(claim.id.get_ref());
                if let Some(close) = spec::closest(target.get_ref(), ids.iter().copied()) {
                    d = d.help(format!("did you mean `{close}`?"));
                }
                diagnostics.push(d);
            }
        }
    }

    /// `unknown-template`.
    fn template(&self, template_exists: &dyn Fn(&str) -> bool, diagnostics: &mut Vec<Diagnostic>) {
        let name = self.dossier.template();
        if template_exists(name) {
            return;
        }
        let mut d = Diagnostic::new(
            Rule::UnknownTemplate,
            format!("no template named `{name}`"),
        )
        .help(format!(
            "add `templates/{name}.typ.hbs`, or use the built-in `brief` (`clerk template brief` prints it)"
        ));
        if let Some(template) = &self.dossier.template {
            d = d.at(self.file.site(template.span()));
        }
        diagnostics.push(d);
    }

    /// `unknown-template`, for the `citation-style` a dossier names.
    fn citation_style(
        &self,
        style_error: &dyn Fn(&str) -> Option<String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let Some(style) = &self.dossier.citation_style else {
            return;
        };
        if let Some(error) = style_error(style.get_ref()) {
            diagnostics.push(
                Diagnostic::new(Rule::UnknownTemplate, error)
                    .at(self.file.site(style.span()))
                    .help("`clerk template styles` lists the styles bundled with clerk"),
            );
        }
    }

    /// `missing-locale` (a warning): a language with no locale; returns
    /// whether its locale file has errors (`bad-locale`, reported against
    /// the file).
    fn locale(&self, locales: &Locales, diagnostics: &mut Vec<Diagnostic>) -> bool {
        let language = self.dossier.language();
        match locales.resolve(language) {
            Resolved::Found(_) => false,
            Resolved::Bad(_) => true,
            Resolved::Missing(_) => {
                let mut d = Diagnostic::new(
                    Rule::MissingLocale,
                    format!("clerk has no words for language `{language}`; the brief's fixed words will be English"),
                )
                .help(format!(
                    "add `templates/locales/{}.toml` with the keys of a built-in locale (docs/templates.md lists them)",
                    language.to_ascii_lowercase()
                ));
                if let Some(tag) = &self.dossier.language {
                    d = d.at(self.file.site(tag.span()));
                }
                diagnostics.push(d);
                false
            }
        }
    }

    /// `missing-language` (a warning): a cited source whose record names
    /// no language, though its text reads as another language than the
    /// brief's, so that `missing-translation` cannot judge its quotes. Once
    /// per source.
    fn undeclared_languages(&self, diagnostics: &mut Vec<Diagnostic>) {
        let brief = primary_subtag(self.dossier.language());
        let mut warned = std::collections::BTreeSet::new();
        for claim in &self.dossier.claims {
            for evidence in claim.evidence.get_ref() {
                let id = evidence.source.get_ref();
                let Some(source) = self.sources.sources.get(id) else {
                    continue;
                };
                let Some(detected) = source
                    .content
                    .as_ref()
                    .and_then(|c| c.detected_language.as_ref())
                else {
                    continue;
                };
                if source.language().is_some()
                    || !detected.is_confident()
                    || detected.tag == brief
                    || !warned.insert(id.clone())
                {
                    continue;
                }
                let mut d = Diagnostic::new(
                    Rule::MissingLanguage,
                    format!(
                        "source `{id}` has no `language`, and its text reads as `{}` (confidence {:.2}), not the brief's language (`{}`)",
                        detected.tag,
                        detected.confidence,
                        self.dossier.language()
                    ),
                )
                .claim(claim.id.get_ref())
                .source(id)
                .help(format!(
                    "add `language = \"{}\"` to the record `{}` (quotes in another language than the brief's need a `translation`)",
                    detected.tag, source.record_file.display
                ));
                d = d.at(self.file.site(evidence.source.span()));
                diagnostics.push(d);
            }
        }
    }

    /// `missing-translation` (a warning): a quote from a source in another
    /// language than the brief's, with no translation.
    fn translations(&self, diagnostics: &mut Vec<Diagnostic>) {
        let brief = primary_subtag(self.dossier.language());
        for claim in &self.dossier.claims {
            for evidence in claim.evidence.get_ref() {
                let Some(language) = self
                    .sources
                    .sources
                    .get(evidence.source.get_ref())
                    .and_then(|s| s.language())
                else {
                    continue;
                };
                if evidence.translation.is_some() || primary_subtag(language) == brief {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::new(
                        Rule::MissingTranslation,
                        format!(
                            "quote in `{language}` from source `{}` has no translation into the brief's language (`{}`)",
                            evidence.source.get_ref(),
                            self.dossier.language()
                        ),
                    )
                    .at(self.file.site(evidence.quote.span()))
                    .claim(claim.id.get_ref())
                    .source(evidence.source.get_ref())
                    .help("add `translation = \"…\"` (and `translated-by`) to this `[[claims.evidence]]`"),
                );
            }
        }
    }

    /// `missing-glyph`: text the brief will print that no font covers, one
    /// finding per claim (and one for the dossier's own text).
    fn glyphs(&self, coverage: &Coverage, diagnostics: &mut Vec<Diagnostic>) {
        let dossier = self.dossier;
        let mut own = vec![dossier.title.get_ref().as_str(), dossier.summary.get_ref()];
        own.extend(dossier.subtitle.as_ref().map(|s| s.get_ref().as_str()));
        own.extend(dossier.marking.as_ref().map(|s| s.get_ref().as_str()));
        own.extend(dossier.authors.iter().map(|a| a.get_ref().as_str()));
        if let Some(d) = missing_glyphs(coverage, &own, "the dossier's title block or summary") {
            diagnostics.push(d.at(self.file.site(dossier.title.span())));
        }
        for claim in &dossier.claims {
            let mut texts = vec![claim.by.get_ref().as_str(), claim.statement.get_ref()];
            texts.extend(claim.note.as_ref().map(|n| n.get_ref().as_str()));
            for evidence in claim.evidence.get_ref() {
                texts.push(evidence.quote.get_ref());
                texts.extend(evidence.translation.as_ref().map(|t| t.get_ref().as_str()));
            }
            let what = format!("claim `{}`", claim.id.get_ref());
            if let Some(d) = missing_glyphs(coverage, &texts, &what) {
                diagnostics.push(
                    d.at(self.file.site(claim.id.span()))
                        .claim(claim.id.get_ref()),
                );
            }
        }
    }

    /// `unpinned-source`: a cited attachment's message (its record's
    /// `part-of`) is pinned too, since the brief gives the attachment's
    /// provenance from it. Reported once per message, at its first
    /// attachment's first citation.
    fn messages_of_attachments(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut reported = BTreeSet::new();
        for claim in &self.dossier.claims {
            for evidence in claim.evidence.get_ref() {
                let id = evidence.source.get_ref();
                for parent in self.sources.parents_of(id) {
                    if self.is_pinned(&parent.id) || !reported.insert(parent.id.clone()) {
                        continue;
                    }
                    let pin = pin_to_add(parent);
                    diagnostics.push(
                    Diagnostic::new(
                        Rule::UnpinnedSource,
                        format!(
                            "source `{id}` came with `{}` (its record's `part-of`), which `[sources]` does not pin",
                            parent.id
                        ),
                    )
                    .at(self.file.site(evidence.source.span()))
                    .claim(claim.id.get_ref())
                    .source(parent.id.clone())
                    .note("the brief's references say which message an attachment came with, so the message is pinned too")
                    .help(format!(
                        "add `{} = \"{pin}\"` under `[sources]`, or run `clerk pin {}`",
                        parent.id, self.input.id
                    )),
                );
                }
            }
        }
    }

    fn is_pinned(&self, id: &str) -> bool {
        self.dossier.sources.keys().any(|k| k.get_ref() == id)
    }

    /// `unused-source` (a warning): a pin no evidence cites (the message
    /// a cited attachment came with counts as cited).
    fn unused_sources(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut cited: BTreeSet<&str> = self
            .dossier
            .claims
            .iter()
            .flat_map(|c| c.evidence.get_ref())
            .map(|e| e.source.get_ref().as_str())
            .collect();
        let parents: Vec<&str> = cited
            .iter()
            .flat_map(|id| self.sources.parents_of(id))
            .map(|p| p.id.as_str())
            .collect();
        cited.extend(parents);
        for id in self.dossier.sources.keys() {
            if !cited.contains(id.get_ref().as_str())
                && self.sources.sources.contains_key(id.get_ref())
            {
                diagnostics.push(
                    Diagnostic::new(
                        Rule::UnusedSource,
                        format!(
                            "source `{}` is pinned but no evidence cites it",
                            id.get_ref()
                        ),
                    )
                    .at(self.file.site(id.span()))
                    .source(id.get_ref())
                    .help("cite it in a claim's evidence, or remove its pin"),
                );
            }
        }
    }

    /// `no-response` and `weak-evidence` (warnings): an allegation nobody
    /// answers, a claim resting only on forums or social media.
    fn balance(&self, diagnostics: &mut Vec<Diagnostic>) {
        let responded: BTreeSet<&str> = self
            .dossier
            .claims
            .iter()
            .filter(|c| *c.kind.get_ref() != ClaimKind::Allegation)
            .flat_map(|c| c.responds_to.iter().map(|t| t.get_ref().as_str()))
            .collect();
        for claim in &self.dossier.claims {
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
                    .at(self.file.site(claim.id.span()))
                    .claim(claim.id.get_ref())
                    .help("add a response with `responds-to`, or note why none exists"),
                );
            }
            let evidence = claim.evidence.get_ref();
            let weak = evidence.iter().all(|e| {
                self.sources
                    .sources
                    .get(e.source.get_ref())
                    .and_then(|s| s.record.as_ref())
                    .is_some_and(|r| r.kind.get_ref().is_weak())
            });
            if weak && !evidence.is_empty() {
                diagnostics.push(
                    Diagnostic::new(
                        Rule::WeakEvidence,
                        format!(
                            "claim `{}` rests only on forum or social-media sources",
                            claim.id.get_ref()
                        ),
                    )
                    .at(self.file.site(claim.id.span()))
                    .claim(claim.id.get_ref())
                    .help("corroborate it with a press, official or parliamentary source"),
                );
            }
        }
    }

    /// `empty-section` (a warning): a kind of claim the dossier lacks.
    fn empty_sections(&self, diagnostics: &mut Vec<Diagnostic>) {
        for kind in ClaimKind::ALL {
            if !self
                .dossier
                .claims
                .iter()
                .any(|c| *c.kind.get_ref() == kind)
            {
                diagnostics.push(
                    Diagnostic::new(
                        Rule::EmptySection,
                        format!("the dossier has no claim of kind `{}`", kind.name()),
                    )
                    .at(self.file.site(self.dossier.title.span()))
                    .help("the brief will say that this section is empty"),
                );
            }
        }
    }
}

/// The pin an `unpinned-source` help line gives: the file's digest when it
/// was read, else a placeholder (`clerk pin` writes the real one).
fn pin_to_add(source: &Source) -> String {
    source.content.as_ref().map_or_else(
        || "sha256:…".to_string(),
        |c| format!("sha256:{}", c.sha256),
    )
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
    match spec::closest(id, sources.sources.keys().map(String::as_str)) {
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
    source: &Source,
    located: &LocatedMiss,
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
    // End on a whole word when there is one to end on.
    let cut = match cut.rfind(' ') {
        Some(at) if at > cut.len() / 2 => &cut[..at],
        _ => cut.as_str(),
    };
    format!("{cut} …")
}

/// The primary language subtag, lower case: `fr` for `fr-CA`.
pub fn primary_subtag(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_ascii_lowercase()
}

/// A `missing-glyph` finding for the characters of `texts` no font covers.
fn missing_glyphs(coverage: &Coverage, texts: &[&str], what: &str) -> Option<Diagnostic> {
    let mut missing: Vec<char> = Vec::new();
    for text in texts {
        for c in coverage.missing(text) {
            if !missing.contains(&c) {
                missing.push(c);
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    let listed: Vec<String> = missing
        .iter()
        .take(12)
        .map(|c| format!("U+{:04X} {c}", *c as u32))
        .collect();
    let more = missing.len().saturating_sub(12);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    Some(
        Diagnostic::new(
            Rule::MissingGlyph,
            format!(
                "{what} has characters no font of the brief can show: {}{tail}",
                listed.join(", ")
            ),
        )
        .help("add a font that covers them under `templates/fonts/` (for example a Noto font for the script), or correct the text"),
    )
}
