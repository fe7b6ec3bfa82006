//! The human report of `clerk diff`: one heading per group of changes,
//! one line per change, words deleted as `[-…-]` and inserted as `{+…+}`
//! (as `git diff --word-diff` writes them), coloured red and green on a
//! terminal as well.

use std::fmt::Write;

use super::compare::{Change, Compared, Holds, Word, WordOp};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// How wide the label before each change is.
const LABEL: usize = 12;

/// The report of `compared`, from `old` to `new` (the sides as given).
pub fn report(compared: &Compared, old: &str, new: &str, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "--- {old} ({})\n+++ {new} ({})",
            compared.old_title, compared.new_title
        ))
    );
    let mut heading = "";
    for change in &compared.changes {
        let group = group(change);
        if group != heading {
            heading = group;
            let _ = writeln!(out, "\n{}", paint.bold(group));
        }
        let (label, line) = line(change, &paint);
        let _ = writeln!(out, "  {label:<LABEL$}{line}");
        if let Change::SourceRepinned { quotes, .. } = change {
            for quote in quotes {
                let verdict = match quote.holds {
                    Holds::Holds => "holds",
                    Holds::DoesNotHold => "DOES NOT HOLD",
                    Holds::NotChecked => "not checked",
                };
                let _ = writeln!(
                    out,
                    "  {:LABEL$}  {verdict:<13} claim `{}`: \"{}\"",
                    "", quote.claim, quote.quote
                );
            }
        }
    }
    let summary = match compared.changes.len() {
        0 => "no differences".to_string(),
        1 => "1 change".to_string(),
        n => format!("{n} changes"),
    };
    let _ = writeln!(out, "\n{summary}");
    out
}

/// The heading a change is listed under.
pub fn group(change: &Change) -> &'static str {
    match change {
        Change::Metadata { .. } => "Metadata",
        Change::ClaimAdded { .. }
        | Change::ClaimRemoved { .. }
        | Change::ClaimRenamed { .. }
        | Change::ClaimKind { .. }
        | Change::ClaimBy { .. }
        | Change::ClaimDate { .. }
        | Change::ClaimStatement { .. }
        | Change::ClaimNote { .. }
        | Change::RespondsTo { .. } => "Claims",
        Change::EvidenceAdded { .. } | Change::EvidenceRemoved { .. } => "Evidence",
        Change::QuoteChanged { .. } | Change::QuoteMoved { .. } => "Quotes",
        Change::TranslationChanged { .. } => "Translations",
        Change::SourceAdded { .. }
        | Change::SourceRemoved { .. }
        | Change::SourceRenamed { .. }
        | Change::SourceRepinned { .. } => "Sources",
        Change::RecordChanged { .. } => "Records",
    }
}

struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        match self.color {
            true => format!("{code}{text}{RESET}"),
            false => text.to_string(),
        }
    }

    fn bold(&self, text: &str) -> String {
        self.wrap(BOLD, text)
    }

    fn deleted(&self, text: &str) -> String {
        self.wrap(RED, &format!("[-{text}-]"))
    }

    fn inserted(&self, text: &str) -> String {
        self.wrap(GREEN, &format!("{{+{text}+}}"))
    }

    /// The words of a comparison, deletions and insertions marked.
    fn words(&self, words: &[Word]) -> String {
        let mut out = String::new();
        for word in words {
            match word.op {
                WordOp::Equal => out.push_str(&word.text),
                WordOp::Delete => out.push_str(&self.deleted(&word.text)),
                WordOp::Insert => out.push_str(&self.inserted(&word.text)),
            }
        }
        out
    }

    /// `old -> new`, each marked, `(none)` for a value that is absent.
    fn replaced(&self, old: Option<&str>, new: Option<&str>) -> String {
        format!(
            "{} -> {}",
            self.deleted(old.unwrap_or("(none)")),
            self.inserted(new.unwrap_or("(none)"))
        )
    }
}

fn short(sha256: &str) -> String {
    format!("sha256:{}", sha256.get(..16).unwrap_or(sha256))
}

/// The label and the text of a change's line.
fn line(change: &Change, paint: &Paint) -> (&'static str, String) {
    match change {
        Change::Metadata {
            field,
            old,
            new,
            words,
        } => {
            let shown = match (old, new) {
                (Some(_), Some(_)) => paint.words(words),
                _ => paint.replaced(old.as_deref(), new.as_deref()),
            };
            ("changed", format!("{field}: {shown}"))
        }
        Change::ClaimAdded {
            claim,
            kind,
            by,
            date,
            statement,
        }
        | Change::ClaimRemoved {
            claim,
            kind,
            by,
            date,
            statement,
        } => {
            let added = matches!(change, Change::ClaimAdded { .. });
            let date = date
                .as_deref()
                .map_or_else(String::new, |d| format!(", {d}"));
            let text = format!("`{claim}` ({}, by {by}{date}): {statement}", kind.name());
            match added {
                true => ("added", paint.inserted(&text)),
                false => ("removed", paint.deleted(&text)),
            }
        }
        Change::ClaimRenamed {
            old_claim,
            claim,
            similarity,
        } => (
            "renamed",
            format!("`{old_claim}` -> `{claim}` ({similarity}% similar)"),
        ),
        Change::ClaimKind { claim, old, new } => (
            "kind",
            format!(
                "`{claim}`: {}",
                paint.replaced(Some(old.name()), Some(new.name()))
            ),
        ),
        Change::ClaimBy { claim, words, .. } => {
            ("by", format!("`{claim}`: {}", paint.words(words)))
        }
        Change::ClaimDate { claim, old, new } => (
            "date",
            format!(
                "`{claim}`: {}",
                paint.replaced(old.as_deref(), new.as_deref())
            ),
        ),
        Change::ClaimStatement { claim, words, .. } => {
            ("statement", format!("`{claim}`: {}", paint.words(words)))
        }
        Change::ClaimNote {
            claim,
            old,
            new,
            words,
        } => {
            let shown = match (old, new) {
                (Some(_), Some(_)) => paint.words(words),
                _ => paint.replaced(old.as_deref(), new.as_deref()),
            };
            ("note", format!("`{claim}`: {shown}"))
        }
        Change::RespondsTo {
            claim,
            added,
            removed,
        } => {
            let mut parts: Vec<String> = Vec::new();
            parts.extend(added.iter().map(|a| paint.inserted(&format!("`{a}`"))));
            parts.extend(removed.iter().map(|r| paint.deleted(&format!("`{r}`"))));
            ("responds-to", format!("`{claim}`: {}", parts.join(" ")))
        }
        Change::EvidenceAdded {
            claim,
            source,
            quote,
        } => (
            "added",
            format!(
                "`{claim}` from `{source}`: {}",
                paint.inserted(&format!("\"{quote}\""))
            ),
        ),
        Change::EvidenceRemoved {
            claim,
            source,
            quote,
        } => (
            "removed",
            format!(
                "`{claim}` from `{source}`: {}",
                paint.deleted(&format!("\"{quote}\""))
            ),
        ),
        Change::QuoteChanged {
            claim,
            source,
            words,
            ..
        } => (
            "changed",
            format!("`{claim}` from `{source}`: \"{}\"", paint.words(words)),
        ),
        Change::QuoteMoved {
            claim,
            old_source,
            source,
            words,
            ..
        } => (
            "moved",
            format!(
                "`{claim}`: from {} to {}: \"{}\"",
                paint.deleted(&format!("`{old_source}`")),
                paint.inserted(&format!("`{source}`")),
                paint.words(words)
            ),
        ),
        Change::TranslationChanged {
            claim,
            source,
            old,
            new,
            words,
            ..
        } => {
            let shown = match (old, new) {
                (Some(_), Some(_)) => format!("\"{}\"", paint.words(words)),
                _ => paint.replaced(old.as_deref(), new.as_deref()),
            };
            ("changed", format!("`{claim}` from `{source}`: {shown}"))
        }
        Change::SourceAdded {
            source,
            title,
            sha256,
        } => (
            "added",
            paint.inserted(&format!("`{source}` \"{title}\" ({})", short(sha256))),
        ),
        Change::SourceRemoved {
            source,
            title,
            sha256,
        } => (
            "removed",
            paint.deleted(&format!("`{source}` \"{title}\" ({})", short(sha256))),
        ),
        Change::SourceRenamed {
            old_source,
            source,
            similarity,
        } => {
            let how = match similarity {
                100 => "the same file".to_string(),
                s => format!("{s}% similar"),
            };
            ("renamed", format!("`{old_source}` -> `{source}` ({how})"))
        }
        Change::SourceRepinned {
            source,
            old_sha256,
            new_sha256,
            ..
        } => (
            "re-pinned",
            format!(
                "`{source}`: the document changed\n  {:LABEL$}  old sha256:{old_sha256}\n  {:LABEL$}  new sha256:{new_sha256}",
                "", ""
            ),
        ),
        Change::RecordChanged {
            source,
            field,
            old,
            new,
        } => (
            "changed",
            format!(
                "`{source}` {field}: {}",
                paint.replaced(old.as_deref(), new.as_deref())
            ),
        ),
    }
}
