//! `clerk diff --emit html`: the changes as one self-contained redline
//! page, CSS inline, no script. Deleted words are in `<del>` (struck
//! through) and inserted words in `<ins>` (underlined), each also named in
//! words for screen readers, so nothing is marked by colour alone. Every
//! string from the briefs is HTML-escaped.

use std::fmt::Write;

use handlebars::html_escape as escape;

use super::compare::{Change, Compared, Holds, Word, WordOp};
use super::text::group;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5;
  color: #1a1a1a; background: #ffffff; margin: 0 auto; max-width: 60rem; padding: 1rem; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #767676; margin-top: 2rem; }
dl.sides { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.sides dt { font-weight: bold; }
dl.sides dd { margin: 0; overflow-wrap: anywhere; }
ul.changes { list-style: none; padding: 0; }
ul.changes > li { border-left: 4px solid #767676; padding: 0.25rem 0.75rem; margin: 0.75rem 0;
  overflow-wrap: anywhere; }
.what { font-weight: bold; }
code { font-family: ui-monospace, "Cascadia Mono", monospace; font-size: 0.95em; }
del { color: #7a0000; background: #ffe3e3; text-decoration: line-through; text-decoration-thickness: 2px; }
ins { color: #00521b; background: #ddf5e3; text-decoration: underline; text-decoration-thickness: 2px; }
del::before, del::after, ins::before, ins::after { position: absolute; width: 1px; height: 1px;
  overflow: hidden; clip-path: inset(100%); white-space: nowrap; }
del::before { content: " [deleted: "; }
ins::before { content: " [inserted: "; }
del::after, ins::after { content: "] "; }
.legend del, .legend ins { padding: 0 0.25rem; }
.verdict-no { font-weight: bold; }
blockquote { margin: 0.25rem 0 0.25rem 1rem; }
@media print { del, ins { background: none; } }
"#;

/// The redline page of `compared`, from `old` to `new` (the sides as
/// given), in language `lang`.
pub fn page(compared: &Compared, old: &str, new: &str, lang: &str) -> String {
    let mut out = String::new();
    let title = format!("Changes to the brief: {}", compared.new_title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"clerk {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        escape(lang),
        crate::VERSION,
        escape(&title),
        escape(&title)
    );
    let _ = write!(
        out,
        "<dl class=\"sides\">\n<dt>Old</dt><dd><code>{}</code>: {}</dd>\n<dt>New</dt><dd><code>{}</code>: {}</dd>\n</dl>\n",
        escape(old),
        escape(&compared.old_title),
        escape(new),
        escape(&compared.new_title)
    );
    let _ = writeln!(
        out,
        "<p class=\"legend\">Words taken out are <del>struck through</del>; words put in are <ins>underlined</ins>.</p>"
    );
    let count = compared.changes.len();
    let _ = writeln!(
        out,
        "<p><strong>{}</strong></p>",
        match count {
            0 => "No differences.".to_string(),
            1 => "1 change.".to_string(),
            n => format!("{n} changes."),
        }
    );
    let mut heading = "";
    for change in &compared.changes {
        let group = group(change);
        if group != heading {
            if !heading.is_empty() {
                out.push_str("</ul>\n</section>\n");
            }
            heading = group;
            let id = group.to_lowercase();
            let _ = write!(
                out,
                "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{group}</h2>\n<ul class=\"changes\">\n"
            );
        }
        let _ = writeln!(out, "<li>{}</li>", item(change));
    }
    if !heading.is_empty() {
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn words(words: &[Word]) -> String {
    let mut out = String::new();
    for word in words {
        match word.op {
            WordOp::Equal => out.push_str(&escape(&word.text)),
            WordOp::Delete => {
                let _ = write!(out, "<del>{}</del>", escape(&word.text));
            }
            WordOp::Insert => {
                let _ = write!(out, "<ins>{}</ins>", escape(&word.text));
            }
        }
    }
    out
}

fn code(id: &str) -> String {
    format!("<code>{}</code>", escape(id))
}

fn del(text: &str) -> String {
    format!("<del>{}</del>", escape(text))
}

fn ins(text: &str) -> String {
    format!("<ins>{}</ins>", escape(text))
}

fn replaced(old: Option<&str>, new: Option<&str>) -> String {
    format!(
        "{} → {}",
        old.map_or_else(|| "(none)".to_string(), del),
        new.map_or_else(|| "(none)".to_string(), ins)
    )
}

/// Two values, word by word when both are there.
fn either(old: &Option<String>, new: &Option<String>, w: &[Word]) -> String {
    match (old, new) {
        (Some(_), Some(_)) => words(w),
        _ => replaced(old.as_deref(), new.as_deref()),
    }
}

fn what(label: &str) -> String {
    format!("<span class=\"what\">{label}</span> ")
}

/// One change as the content of its list item.
fn item(change: &Change) -> String {
    match change {
        Change::Metadata {
            field,
            old,
            new,
            words: w,
        } => format!(
            "{}{}",
            what(&format!("{} changed:", escape(field))),
            either(old, new, w)
        ),
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
            let body = format!("{} ({}, by {by}{date}): {statement}", claim, kind.name());
            match added {
                true => format!("{}{}", what("Claim added:"), ins(&body)),
                false => format!("{}{}", what("Claim removed:"), del(&body)),
            }
        }
        Change::ClaimRenamed {
            old_claim,
            claim,
            similarity,
        } => format!(
            "{}{} → {} ({similarity}% similar)",
            what("Claim renamed:"),
            code(old_claim),
            code(claim)
        ),
        Change::ClaimKind { claim, old, new } => format!(
            "{}{}: {}",
            what("Kind changed:"),
            code(claim),
            replaced(Some(old.name()), Some(new.name()))
        ),
        Change::ClaimBy {
            claim, words: w, ..
        } => {
            format!("{}{}: {}", what("Author changed:"), code(claim), words(w))
        }
        Change::ClaimDate { claim, old, new } => format!(
            "{}{}: {}",
            what("Date changed:"),
            code(claim),
            replaced(old.as_deref(), new.as_deref())
        ),
        Change::ClaimStatement {
            claim, words: w, ..
        } => format!(
            "{}{}:<blockquote>{}</blockquote>",
            what("Statement changed:"),
            code(claim),
            words(w)
        ),
        Change::ClaimNote {
            claim,
            old,
            new,
            words: w,
        } => format!(
            "{}{}: {}",
            what("Note changed:"),
            code(claim),
            either(old, new, w)
        ),
        Change::RespondsTo {
            claim,
            added,
            removed,
        } => {
            let mut parts: Vec<String> = added.iter().map(|a| ins(a)).collect();
            parts.extend(removed.iter().map(|r| del(r)));
            format!(
                "{}{} responds to: {}",
                what("Responses changed:"),
                code(claim),
                parts.join(", ")
            )
        }
        Change::EvidenceAdded {
            claim,
            source,
            quote,
        } => format!(
            "{}{} from {}:<blockquote>{}</blockquote>",
            what("Evidence added:"),
            code(claim),
            code(source),
            ins(quote)
        ),
        Change::EvidenceRemoved {
            claim,
            source,
            quote,
        } => format!(
            "{}{} from {}:<blockquote>{}</blockquote>",
            what("Evidence removed:"),
            code(claim),
            code(source),
            del(quote)
        ),
        Change::QuoteChanged {
            claim,
            source,
            words: w,
            ..
        } => format!(
            "{}{} from {}:<blockquote>{}</blockquote>",
            what("Quote changed:"),
            code(claim),
            code(source),
            words(w)
        ),
        Change::QuoteMoved {
            claim,
            old_source,
            source,
            words: w,
            ..
        } => format!(
            "{}{}: from {} to {}:<blockquote>{}</blockquote>",
            what("Quote moved:"),
            code(claim),
            del(old_source),
            ins(source),
            words(w)
        ),
        Change::TranslationChanged {
            claim,
            source,
            old,
            new,
            words: w,
            ..
        } => format!(
            "{}{} from {}:<blockquote>{}</blockquote>",
            what("Translation changed:"),
            code(claim),
            code(source),
            either(old, new, w)
        ),
        Change::SourceAdded {
            source,
            title,
            sha256,
        } => format!(
            "{}{} “{}” <code>sha256:{}</code>",
            what("Source added:"),
            ins(source),
            escape(title),
            escape(sha256)
        ),
        Change::SourceRemoved {
            source,
            title,
            sha256,
        } => format!(
            "{}{} “{}” <code>sha256:{}</code>",
            what("Source removed:"),
            del(source),
            escape(title),
            escape(sha256)
        ),
        Change::SourceRenamed {
            old_source,
            source,
            similarity,
        } => format!(
            "{}{} → {} ({})",
            what("Source renamed:"),
            code(old_source),
            code(source),
            match similarity {
                100 => "the same file".to_string(),
                s => format!("{s}% similar"),
            }
        ),
        Change::SourceRepinned {
            source,
            old_sha256,
            new_sha256,
            quotes,
        } => {
            let mut out = format!(
                "{}{}: the document changed.<br>old <code>sha256:{}</code><br>new <code>sha256:{}</code>",
                what("Source re-pinned:"),
                code(source),
                escape(old_sha256),
                escape(new_sha256)
            );
            if !quotes.is_empty() {
                out.push_str("<ul>");
                for quote in quotes {
                    let verdict = match quote.holds {
                        Holds::Holds => "<span>holds</span>",
                        Holds::DoesNotHold => "<span class=\"verdict-no\">does not hold</span>",
                        Holds::NotChecked => "<span>not checked</span>",
                    };
                    let _ = write!(
                        out,
                        "<li>{verdict}: {} “{}”</li>",
                        code(&quote.claim),
                        escape(&quote.quote)
                    );
                }
                out.push_str("</ul>");
            }
            out
        }
        Change::RecordChanged {
            source,
            field,
            old,
            new,
        } => format!(
            "{}{} {}: {}",
            what("Record changed:"),
            code(source),
            escape(field),
            replaced(old.as_deref(), new.as_deref())
        ),
    }
}
