//! Comparing two briefs as data: the [`Change`]s, keyed by claim and source
//! ids, in the order an auditor reads them (metadata, claims, evidence,
//! quotes, translations, sources, records), each group sorted by id so that
//! the order of claims in the files does not matter.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::export::brief::{Brief, Claim, ClaimKind, Quote, Reference};

use super::{QUOTE_THRESHOLD, RENAME_THRESHOLD};

/// A run of words of a word-by-word comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Word {
    /// `equal` (in both), `delete` (only in the old text) or `insert`
    /// (only in the new one).
    pub op: WordOp,
    /// The words, with the white space between them.
    pub text: String,
}

/// What happened to a run of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WordOp {
    Equal,
    Delete,
    Insert,
}

/// Whether a quote of the old version is still in a re-pinned source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Holds {
    /// Found in the new version of the source.
    Holds,
    /// Not found in it.
    DoesNotHold,
    /// Not checked: the new side is a file (a PDF or an export) that does
    /// not carry the source, and the new brief no longer quotes it.
    NotChecked,
}

/// A quote of the old version that cites a re-pinned source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RepinnedQuote {
    /// The claim it backs (its id in the old version).
    pub claim: String,
    pub quote: String,
    pub holds: Holds,
}

/// One difference between the old and the new brief. Claim and source ids
/// are the new version's, except in what was removed.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// A field of the brief itself: `id`, `title`, `subtitle`, `date`,
    /// `authors`, `marking`, `language` or `summary`.
    Metadata {
        field: String,
        old: Option<String>,
        new: Option<String>,
        words: Vec<Word>,
    },
    ClaimAdded {
        claim: String,
        kind: ClaimKind,
        by: String,
        date: Option<String>,
        statement: String,
    },
    ClaimRemoved {
        claim: String,
        kind: ClaimKind,
        by: String,
        date: Option<String>,
        statement: String,
    },
    /// A claim that disappeared while a very similar one appeared under
    /// another id; its other changes follow under the new id.
    ClaimRenamed {
        old_claim: String,
        claim: String,
        /// How similar the two are, in percent.
        similarity: u32,
    },
    ClaimKind {
        claim: String,
        old: ClaimKind,
        new: ClaimKind,
    },
    /// Who makes the claim (`by`).
    ClaimBy {
        claim: String,
        old: String,
        new: String,
        words: Vec<Word>,
    },
    ClaimDate {
        claim: String,
        old: Option<String>,
        new: Option<String>,
    },
    ClaimStatement {
        claim: String,
        old: String,
        new: String,
        words: Vec<Word>,
    },
    ClaimNote {
        claim: String,
        old: Option<String>,
        new: Option<String>,
        words: Vec<Word>,
    },
    /// The claims this one answers (`responds-to`), by new id.
    RespondsTo {
        claim: String,
        added: Vec<String>,
        removed: Vec<String>,
    },
    EvidenceAdded {
        claim: String,
        source: String,
        quote: String,
    },
    EvidenceRemoved {
        claim: String,
        source: String,
        quote: String,
    },
    /// A quote whose words changed, from the same source.
    QuoteChanged {
        claim: String,
        source: String,
        old: String,
        new: String,
        words: Vec<Word>,
    },
    /// A quote now taken from another source (its words may have changed
    /// too).
    QuoteMoved {
        claim: String,
        old_source: String,
        source: String,
        old: String,
        new: String,
        words: Vec<Word>,
    },
    /// The translation of a quote (`quote` is its new text).
    TranslationChanged {
        claim: String,
        source: String,
        quote: String,
        old: Option<String>,
        new: Option<String>,
        words: Vec<Word>,
    },
    SourceAdded {
        source: String,
        title: String,
        sha256: String,
    },
    SourceRemoved {
        source: String,
        title: String,
        sha256: String,
    },
    /// A source that disappeared while the same file, or one with a very
    /// similar title and publisher, appeared under another id.
    SourceRenamed {
        old_source: String,
        source: String,
        /// How similar the two are, in percent (100 for the same file).
        similarity: u32,
    },
    /// The cited document itself changed: the dossier pins another file.
    SourceRepinned {
        source: String,
        old_sha256: String,
        new_sha256: String,
        /// The old version's quotes of the source, and whether each is in
        /// the new file.
        quotes: Vec<RepinnedQuote>,
    },
    /// A field of a source's record: `title`, `publisher`, `author`,
    /// `published`, `accessed`, `kind`, `language`, `url`,
    /// `archived_url`, `file`, `format` or `part_of`.
    RecordChanged {
        source: String,
        field: String,
        old: Option<String>,
        new: Option<String>,
    },
}

/// A change as one line of `--format json`: `{"type": "change", …}`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ChangeLine {
    /// Always `change`.
    #[schemars(extend("const" = "change"))]
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub change: Change,
}

impl Change {
    /// The change's name as JSON gives it (`claim-statement`).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("change").and_then(|c| c.as_str()).map(str::to_string))
            .unwrap_or_default()
    }

    /// The change as a line of `--format json`.
    pub fn line(&self) -> ChangeLine {
        ChangeLine {
            kind: "change",
            change: self.clone(),
        }
    }
}

/// The closing line of `--format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    /// Always `summary`.
    #[schemars(extend("const" = "summary"))]
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Always `diff`.
    #[schemars(extend("const" = "diff"))]
    pub command: &'static str,
    /// The old side, as given on the command line.
    pub old: String,
    /// The new side.
    pub new: String,
    /// How many changes were reported.
    pub changes: usize,
    /// How many of each kind (`claim-added`: 2, …).
    pub by_change: BTreeMap<String, usize>,
    /// Whether the two briefs say the same thing (exit 0).
    pub identical: bool,
}

impl Summary {
    pub fn of(changes: &[Change], old: &str, new: &str) -> Summary {
        let mut by_change = BTreeMap::new();
        for change in changes {
            *by_change.entry(change.name()).or_insert(0) += 1;
        }
        Summary {
            kind: "summary",
            command: "diff",
            old: old.to_string(),
            new: new.to_string(),
            changes: changes.len(),
            by_change,
            identical: changes.is_empty(),
        }
    }
}

/// The outcome of a comparison.
#[derive(Debug, Clone)]
pub struct Compared {
    pub changes: Vec<Change>,
    /// The old and new brief's titles and dates, for headings.
    pub old_title: String,
    pub new_title: String,
}

/// Whether quotes are in a source as the new side has it: for source id
/// `source` and each quote, `Some(found)`, or `None` when the new side
/// cannot tell (it does not carry the source file).
pub type Checker<'a> = &'a dyn Fn(&str, &[&str]) -> Option<Vec<bool>>;

/// The changes from `old` to `new`. `holds` says whether the old quotes of
/// a re-pinned source are in its new file.
pub fn compare(old: &Brief, new: &Brief, holds: Checker<'_>) -> Compared {
    let mut changes = metadata(old, new);

    let source_renames = source_renames(old, new);
    let new_source = |id: &str| -> String {
        source_renames
            .iter()
            .find(|(o, _, _)| o == id)
            .map_or_else(|| id.to_string(), |(_, n, _)| n.clone())
    };

    let claims = Pairing::of(
        &old.claims,
        &new.claims,
        |c| c.id.as_str(),
        |c| format!("{} {}", c.by, c.statement),
        |_, _| false,
    );
    let new_claim = |id: &str| -> String { claims.new_id(id) };

    // Claims added, removed, renamed.
    for claim in &claims.added {
        changes.push(Change::ClaimAdded {
            claim: claim.id.clone(),
            kind: claim.kind,
            by: claim.by.clone(),
            date: claim.date.clone(),
            statement: claim.statement.clone(),
        });
    }
    for claim in &claims.removed {
        changes.push(Change::ClaimRemoved {
            claim: claim.id.clone(),
            kind: claim.kind,
            by: claim.by.clone(),
            date: claim.date.clone(),
            statement: claim.statement.clone(),
        });
    }
    for (o, n, similarity) in &claims.renamed {
        changes.push(Change::ClaimRenamed {
            old_claim: o.id.clone(),
            claim: n.id.clone(),
            similarity: *similarity,
        });
    }

    // What changed in each claim present in both, by category.
    let mut kinds = Vec::new();
    let (mut bys, mut dates, mut statements, mut notes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut responds = Vec::new();
    let mut evidence = Vec::new();
    let mut quotes = Vec::new();
    let mut translations = Vec::new();
    for (o, n) in claims.both() {
        let id = &n.id;
        if o.kind != n.kind {
            kinds.push(Change::ClaimKind {
                claim: id.clone(),
                old: o.kind,
                new: n.kind,
            });
        }
        if o.by != n.by {
            bys.push(Change::ClaimBy {
                claim: id.clone(),
                old: o.by.clone(),
                new: n.by.clone(),
                words: words(&o.by, &n.by),
            });
        }
        if o.date != n.date {
            dates.push(Change::ClaimDate {
                claim: id.clone(),
                old: o.date.clone(),
                new: n.date.clone(),
            });
        }
        if o.statement != n.statement {
            statements.push(Change::ClaimStatement {
                claim: id.clone(),
                old: o.statement.clone(),
                new: n.statement.clone(),
                words: words(&o.statement, &n.statement),
            });
        }
        if o.note != n.note {
            notes.push(Change::ClaimNote {
                claim: id.clone(),
                old: o.note.clone(),
                new: n.note.clone(),
                words: words(
                    o.note.as_deref().unwrap_or(""),
                    n.note.as_deref().unwrap_or(""),
                ),
            });
        }
        let before: BTreeSet<String> = o.responds_to.iter().map(|l| new_claim(&l.id)).collect();
        let after: BTreeSet<String> = n.responds_to.iter().map(|l| l.id.clone()).collect();
        if before != after {
            responds.push(Change::RespondsTo {
                claim: id.clone(),
                added: after.difference(&before).cloned().collect(),
                removed: before.difference(&after).cloned().collect(),
            });
        }
        let found = compare_quotes(o, n, &new_source);
        evidence.extend(found.evidence);
        quotes.extend(found.quotes);
        translations.extend(found.translations);
    }
    changes.extend(kinds);
    changes.extend(bys);
    changes.extend(dates);
    changes.extend(statements);
    changes.extend(notes);
    changes.extend(responds);
    changes.extend(evidence);
    changes.extend(quotes);
    changes.extend(translations);

    changes.extend(compare_sources(old, new, &source_renames, holds));
    Compared {
        changes,
        old_title: old.dossier.title.clone(),
        new_title: new.dossier.title.clone(),
    }
}

/// The word-by-word comparison of two texts (`similar`'s word diff: runs
/// of words and of white space), adjacent runs of one kind merged.
pub fn words(old: &str, new: &str) -> Vec<Word> {
    let diff = TextDiff::from_words(old, new);
    let tokens: Vec<(WordOp, &str)> = diff
        .iter_all_changes()
        .map(|change| {
            let op = match change.tag() {
                ChangeTag::Equal => WordOp::Equal,
                ChangeTag::Delete => WordOp::Delete,
                ChangeTag::Insert => WordOp::Insert,
            };
            (op, change.value())
        })
        .collect();
    // A space kept between two changed words belongs to the change, so
    // `the allegations` -> `every allegation` reads as one replacement,
    // not two: it is deleted and inserted with them. Within each run of
    // changes the deletions come first; the old text is still the equal
    // and deleted words in order, the new one the equal and inserted.
    let mut runs: Vec<Word> = Vec::new();
    let mut deleted = String::new();
    let mut inserted = String::new();
    let changed = |i: usize| tokens.get(i).is_some_and(|(op, _)| *op != WordOp::Equal);
    let flush = |runs: &mut Vec<Word>, deleted: &mut String, inserted: &mut String| {
        for (op, text) in [(WordOp::Delete, deleted), (WordOp::Insert, inserted)] {
            if !text.is_empty() {
                runs.push(Word {
                    op,
                    text: std::mem::take(text),
                });
            }
        }
    };
    for (i, (op, text)) in tokens.iter().enumerate() {
        match op {
            WordOp::Delete => deleted.push_str(text),
            WordOp::Insert => inserted.push_str(text),
            WordOp::Equal
                if i > 0 && changed(i - 1) && changed(i + 1) && text.trim().is_empty() =>
            {
                deleted.push_str(text);
                inserted.push_str(text);
            }
            WordOp::Equal => {
                flush(&mut runs, &mut deleted, &mut inserted);
                match runs.last_mut() {
                    Some(last) if last.op == WordOp::Equal => last.text.push_str(text),
                    _ => runs.push(Word {
                        op: WordOp::Equal,
                        text: text.to_string(),
                    }),
                }
            }
        }
    }
    flush(&mut runs, &mut deleted, &mut inserted);
    runs
}

/// How similar two texts are, from 0 to 1 (`similar`'s ratio over words).
pub fn similarity(a: &str, b: &str) -> f32 {
    if a == b {
        return 1.0;
    }
    TextDiff::from_words(a, b).ratio()
}

/// A text with the hashes of its tokens (words and runs of white space,
/// as `similar` splits it), sorted: a cheap upper bound of the ratio
/// before the diff itself, which keeps the rename search over a thousand
/// disappeared and a thousand new ids fast.
struct Profile {
    text: String,
    tokens: Vec<u64>,
}

impl Profile {
    fn of(text: String) -> Profile {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hasher = BuildHasherDefault::<DefaultHasher>::default();
        let mut tokens: Vec<u64> = split(&text).map(|t| hasher.hash_one(t)).collect();
        tokens.sort_unstable();
        Profile { text, tokens }
    }

    fn similarity(&self, other: &Profile) -> f32 {
        if self.text == other.text {
            return 1.0;
        }
        // The words two texts share, in any order, bound those a diff can
        // keep: 2·shared / (tokens of both) is at least the ratio.
        let (a, b) = (&self.tokens, &other.tokens);
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let bound = 2.0 * shared as f32 / (a.len() + b.len()).max(1) as f32;
        if bound < RENAME_THRESHOLD {
            return bound;
        }
        TextDiff::from_words(&self.text, &other.text).ratio()
    }
}

/// A text's words and runs of white space.
fn split(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = first.is_whitespace();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() != space)
            .map_or(rest.len(), |(i, _)| i);
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

fn percent(ratio: f32) -> u32 {
    (ratio * 100.0).floor() as u32
}

/// Items of the two sides paired by id, and the ids that disappeared
/// paired with those that appeared when they are very similar.
struct Pairing<'a, T> {
    /// Pairs with the same id, sorted by id.
    same: Vec<(&'a T, &'a T)>,
    /// (old, new, similarity in percent), sorted by new id.
    renamed: Vec<(&'a T, &'a T, u32)>,
    added: Vec<&'a T>,
    removed: Vec<&'a T>,
    /// Old id -> new id, for renamed items.
    map: HashMap<String, String>,
}

impl<'a, T> Pairing<'a, T> {
    fn of(
        old: &'a [T],
        new: &'a [T],
        id: impl Fn(&T) -> &str,
        text: impl Fn(&T) -> String,
        same_thing: impl Fn(&T, &T) -> bool,
    ) -> Self {
        let olds: BTreeMap<&str, &T> = old.iter().map(|t| (id(t), t)).collect();
        let news: BTreeMap<&str, &T> = new.iter().map(|t| (id(t), t)).collect();
        let same = olds
            .iter()
            .filter_map(|(k, o)| news.get(k).map(|n| (*o, *n)))
            .collect();
        let gone: Vec<&T> = olds
            .iter()
            .filter(|(k, _)| !news.contains_key(*k))
            .map(|(_, t)| *t)
            .collect();
        let came: Vec<&T> = news
            .iter()
            .filter(|(k, _)| !olds.contains_key(*k))
            .map(|(_, t)| *t)
            .collect();
        // Every candidate pair at or above the threshold, best first; ties
        // by ids, so the outcome does not depend on the files' order.
        let gone_text: Vec<Profile> = gone.iter().map(|t| Profile::of(text(t))).collect();
        let came_text: Vec<Profile> = came.iter().map(|t| Profile::of(text(t))).collect();
        let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
        // Identical texts first, through a map: ids renamed wholesale cost
        // no comparison of every pair.
        let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, profile) in came_text.iter().enumerate() {
            by_text.entry(profile.text.as_str()).or_default().push(j);
        }
        let mut identical = vec![false; gone.len()];
        for (i, profile) in gone_text.iter().enumerate() {
            if let Some(j) = by_text
                .get_mut(profile.text.as_str())
                .and_then(|js| (!js.is_empty()).then(|| js.remove(0)))
            {
                candidates.push((1.0, i, j));
                identical[i] = true;
            }
        }
        let taken: Vec<bool> = {
            let mut taken = vec![false; came.len()];
            for &(_, _, j) in &candidates {
                taken[j] = true;
            }
            taken
        };
        for (i, o) in gone.iter().enumerate().filter(|(i, _)| !identical[*i]) {
            for (j, n) in came.iter().enumerate().filter(|(j, _)| !taken[*j]) {
                let ratio = if same_thing(o, n) {
                    1.0
                } else {
                    gone_text[i].similarity(&came_text[j])
                };
                if ratio >= RENAME_THRESHOLD {
                    candidates.push((ratio, i, j));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut used_old = vec![false; gone.len()];
        let mut used_new = vec![false; came.len()];
        let mut renamed = Vec::new();
        let mut map = HashMap::new();
        for (ratio, i, j) in candidates {
            if used_old[i] || used_new[j] {
                continue;
            }
            used_old[i] = true;
            used_new[j] = true;
            map.insert(id(gone[i]).to_string(), id(came[j]).to_string());
            renamed.push((gone[i], came[j], percent(ratio)));
        }
        renamed.sort_by(|a, b| id(a.1).cmp(id(b.1)));
        Pairing {
            same,
            renamed,
            added: came
                .iter()
                .enumerate()
                .filter(|(j, _)| !used_new[*j])
                .map(|(_, t)| *t)
                .collect(),
            removed: gone
                .iter()
                .enumerate()
                .filter(|(i, _)| !used_old[*i])
                .map(|(_, t)| *t)
                .collect(),
            map,
        }
    }

    /// Every pair present in both versions (same id or renamed), by new id.
    fn both(&self) -> Vec<(&'a T, &'a T)>
    where
        T: HasId,
    {
        let mut all: Vec<(&T, &T)> = self.same.clone();
        all.extend(self.renamed.iter().map(|(o, n, _)| (*o, *n)));
        all.sort_by(|a, b| a.1.id().cmp(b.1.id()));
        all
    }

    /// The new id of old id `id`.
    fn new_id(&self, id: &str) -> String {
        self.map.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
}

trait HasId {
    fn id(&self) -> &str;
}

impl HasId for Claim {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Reference {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The metadata changes, in a fixed order.
fn metadata(old: &Brief, new: &Brief) -> Vec<Change> {
    let (o, n) = (&old.dossier, &new.dossier);
    let fields: [(&str, Option<String>, Option<String>); 8] = [
        ("id", Some(o.id.clone()), Some(n.id.clone())),
        ("title", Some(o.title.clone()), Some(n.title.clone())),
        ("subtitle", o.subtitle.clone(), n.subtitle.clone()),
        ("date", Some(o.date.clone()), Some(n.date.clone())),
        ("marking", o.marking.clone(), n.marking.clone()),
        (
            "language",
            Some(o.language.clone()),
            Some(n.language.clone()),
        ),
        (
            "authors",
            joined(&o.authors, "; "),
            joined(&n.authors, "; "),
        ),
        (
            "summary",
            joined(&o.summary, "\n\n"),
            joined(&n.summary, "\n\n"),
        ),
    ];
    fields
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, old, new)| Change::Metadata {
            field: field.to_string(),
            words: words(old.as_deref().unwrap_or(""), new.as_deref().unwrap_or("")),
            old,
            new,
        })
        .collect()
}

fn joined(items: &[String], separator: &str) -> Option<String> {
    (!items.is_empty()).then(|| items.join(separator))
}

/// The changes to one claim's quotes.
#[derive(Default)]
struct QuoteChanges {
    evidence: Vec<Change>,
    quotes: Vec<Change>,
    translations: Vec<Change>,
}

/// Pairs the quotes of a claim's two versions: the same words from the
/// same source first, then the most similar (at least
/// [`QUOTE_THRESHOLD`]), preferring the same source; what is left was
/// added or removed. Old source ids are taken through the renames first.
fn compare_quotes(old: &Claim, new: &Claim, new_source: &dyn Fn(&str) -> String) -> QuoteChanges {
    let claim = &new.id;
    let mut found = QuoteChanges::default();
    let mut olds: Vec<(String, &Quote)> = old
        .quotes
        .iter()
        .map(|q| (new_source(&q.source), q))
        .collect();
    let mut news: Vec<&Quote> = new.quotes.iter().collect();
    olds.sort_by(|a, b| (&a.0, &a.1.text).cmp(&(&b.0, &b.1.text)));
    news.sort_by(|a, b| (&a.source, &a.text).cmp(&(&b.source, &b.text)));

    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut used_old = vec![false; olds.len()];
    let mut used_new = vec![false; news.len()];
    for (i, (source, quote)) in olds.iter().enumerate() {
        if let Some(j) = (0..news.len())
            .find(|&j| !used_new[j] && news[j].source == *source && news[j].text == quote.text)
        {
            used_old[i] = true;
            used_new[j] = true;
            pairs.push((i, j));
        }
    }
    let mut candidates: Vec<(f32, bool, usize, usize)> = Vec::new();
    for (i, (source, quote)) in olds.iter().enumerate().filter(|(i, _)| !used_old[*i]) {
        for (j, n) in news.iter().enumerate().filter(|(j, _)| !used_new[*j]) {
            let ratio = similarity(&quote.text, &n.text);
            if ratio >= QUOTE_THRESHOLD {
                candidates.push((ratio, n.source == *source, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    for (_, _, i, j) in candidates {
        if !used_old[i] && !used_new[j] {
            used_old[i] = true;
            used_new[j] = true;
            pairs.push((i, j));
        }
    }
    pairs.sort_by_key(|&(_, j)| j);
    for (i, j) in pairs {
        let ((source, o), n) = (&olds[i], news[j]);
        if *source != n.source {
            found.quotes.push(Change::QuoteMoved {
                claim: claim.clone(),
                old_source: o.source.clone(),
                source: n.source.clone(),
                old: o.text.clone(),
                new: n.text.clone(),
                words: words(&o.text, &n.text),
            });
        } else if o.text != n.text {
            found.quotes.push(Change::QuoteChanged {
                claim: claim.clone(),
                source: n.source.clone(),
                old: o.text.clone(),
                new: n.text.clone(),
                words: words(&o.text, &n.text),
            });
        }
        if o.translation != n.translation {
            found.translations.push(Change::TranslationChanged {
                claim: claim.clone(),
                source: n.source.clone(),
                quote: n.text.clone(),
                words: words(
                    o.translation.as_deref().unwrap_or(""),
                    n.translation.as_deref().unwrap_or(""),
                ),
                old: o.translation.clone(),
                new: n.translation.clone(),
            });
        }
    }
    for (_, n) in news.iter().enumerate().filter(|(j, _)| !used_new[*j]) {
        found.evidence.push(Change::EvidenceAdded {
            claim: claim.clone(),
            source: n.source.clone(),
            quote: n.text.clone(),
        });
    }
    for (_, (_, o)) in olds.iter().enumerate().filter(|(i, _)| !used_old[*i]) {
        found.evidence.push(Change::EvidenceRemoved {
            claim: claim.clone(),
            source: o.source.clone(),
            quote: o.text.clone(),
        });
    }
    found
}

/// Old source id, new source id and similarity in percent, for each source
/// renamed from `old` to `new`.
fn source_renames(old: &Brief, new: &Brief) -> Vec<(String, String, u32)> {
    let pairing = source_pairing(old, new);
    pairing
        .renamed
        .iter()
        .map(|(o, n, s)| (o.id.clone(), n.id.clone(), *s))
        .collect()
}

fn source_pairing<'a>(old: &'a Brief, new: &'a Brief) -> Pairing<'a, Reference> {
    Pairing::of(
        &old.references,
        &new.references,
        |r| r.id.as_str(),
        |r| format!("{} {}", r.title, r.publisher),
        |o, n| o.sha256 == n.sha256,
    )
}

/// Sources added, removed, renamed, re-pinned, then records changed.
fn compare_sources(
    old: &Brief,
    new: &Brief,
    renames: &[(String, String, u32)],
    holds: Checker<'_>,
) -> Vec<Change> {
    let pairing = source_pairing(old, new);
    let mut changes = Vec::new();
    for r in &pairing.added {
        changes.push(Change::SourceAdded {
            source: r.id.clone(),
            title: r.title.clone(),
            sha256: r.sha256.clone(),
        });
    }
    for r in &pairing.removed {
        changes.push(Change::SourceRemoved {
            source: r.id.clone(),
            title: r.title.clone(),
            sha256: r.sha256.clone(),
        });
    }
    for (o, n, similarity) in renames {
        changes.push(Change::SourceRenamed {
            old_source: o.clone(),
            source: n.clone(),
            similarity: *similarity,
        });
    }
    let both = pairing.both();
    for (o, n) in &both {
        if o.sha256 == n.sha256 {
            continue;
        }
        // The old version's quotes of this source: each is in the new file
        // if the new brief quotes it word for word from it (its build found
        // it there), else as the new side's checker finds it.
        let mut quoted: Vec<(String, String)> = old
            .claims
            .iter()
            .flat_map(|c| {
                c.quotes
                    .iter()
                    .filter(|q| q.source == o.id)
                    .map(|q| (c.id.clone(), q.text.clone()))
            })
            .collect();
        quoted.sort();
        quoted.dedup();
        let still: BTreeSet<&str> = new
            .claims
            .iter()
            .flat_map(|c| &c.quotes)
            .filter(|q| q.source == n.id)
            .map(|q| q.text.as_str())
            .collect();
        let unknown: Vec<&str> = quoted
            .iter()
            .map(|(_, q)| q.as_str())
            .filter(|q| !still.contains(q))
            .collect();
        let checked = if unknown.is_empty() {
            None
        } else {
            holds(&n.id, &unknown)
        };
        let mut answers = unknown.iter().zip(checked.unwrap_or_default());
        let looked: HashMap<&str, bool> = answers.by_ref().map(|(q, f)| (*q, f)).collect();
        let quotes = quoted
            .iter()
            .map(|(claim, quote)| RepinnedQuote {
                claim: claim.clone(),
                quote: quote.clone(),
                holds: if still.contains(quote.as_str()) {
                    Holds::Holds
                } else {
                    match looked.get(quote.as_str()) {
                        Some(true) => Holds::Holds,
                        Some(false) => Holds::DoesNotHold,
                        None => Holds::NotChecked,
                    }
                },
            })
            .collect();
        changes.push(Change::SourceRepinned {
            source: n.id.clone(),
            old_sha256: o.sha256.clone(),
            new_sha256: n.sha256.clone(),
            quotes,
        });
    }
    for (o, n) in &both {
        for (field, a, b) in record_fields(o, n) {
            if a != b {
                changes.push(Change::RecordChanged {
                    source: n.id.clone(),
                    field: field.to_string(),
                    old: a,
                    new: b,
                });
            }
        }
    }
    changes
}

/// The record's fields of two versions of a reference, in a fixed order.
fn record_fields(
    o: &Reference,
    n: &Reference,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    vec![
        ("title", Some(o.title.clone()), Some(n.title.clone())),
        (
            "publisher",
            Some(o.publisher.clone()),
            Some(n.publisher.clone()),
        ),
        ("author", o.author.clone(), n.author.clone()),
        ("published", o.published.clone(), n.published.clone()),
        ("accessed", o.accessed.clone(), n.accessed.clone()),
        ("kind", name(&o.kind), name(&n.kind)),
        ("language", o.language.clone(), n.language.clone()),
        ("url", o.url.clone(), n.url.clone()),
        (
            "archived_url",
            o.archived_url.clone(),
            n.archived_url.clone(),
        ),
        ("file", Some(o.file.clone()), Some(n.file.clone())),
        ("format", name(&o.format), name(&n.format)),
        ("part_of", o.part_of.clone(), n.part_of.clone()),
    ]
}

/// The name a format's enum is written with (`press`, `pdf`).
fn name(value: &impl Serialize) -> Option<String> {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_mark_what_changed() {
        let runs = words("The tender was rigged.", "The tender was fixed.");
        let deleted: String = runs
            .iter()
            .filter(|w| w.op == WordOp::Delete)
            .map(|w| w.text.as_str())
            .collect();
        let inserted: String = runs
            .iter()
            .filter(|w| w.op == WordOp::Insert)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(deleted, "rigged.");
        assert_eq!(inserted, "fixed.");
        // A space between changed words goes with them, and the texts can
        // be put back together.
        let runs = words(
            "The company denies the allegations.",
            "The company denies every allegation.",
        );
        let shown: Vec<(WordOp, &str)> = runs.iter().map(|w| (w.op, w.text.as_str())).collect();
        assert_eq!(
            shown,
            [
                (WordOp::Equal, "The company denies "),
                (WordOp::Delete, "the allegations."),
                (WordOp::Insert, "every allegation."),
            ]
        );
        let side = |keep: WordOp| -> String {
            runs.iter()
                .filter(|w| w.op == WordOp::Equal || w.op == keep)
                .map(|w| w.text.as_str())
                .collect()
        };
        assert_eq!(side(WordOp::Delete), "The company denies the allegations.");
        assert_eq!(side(WordOp::Insert), "The company denies every allegation.");
    }

    #[test]
    fn the_bound_never_hides_a_rename() {
        let pairs = [
            (
                "the tender was rigged in favour of one bidder",
                "the tender was rigged in favour of a single bidder",
            ),
            ("one two three four five", "five four three two one"),
            ("a b c d e f g h i j", "a b c d e f g h i k"),
            ("one", "many words here and there"),
        ];
        for (a, b) in pairs {
            let exact = similarity(a, b);
            let fast = Profile::of(a.to_string()).similarity(&Profile::of(b.to_string()));
            if exact >= RENAME_THRESHOLD {
                assert_eq!(fast, exact, "{a} / {b}");
            } else {
                assert!(fast < RENAME_THRESHOLD, "{a} / {b}");
            }
        }
        assert_eq!(similarity("a b c", "a b c"), 1.0);
    }
}
