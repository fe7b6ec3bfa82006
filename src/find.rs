//! `clerk find`: the passages of a source's text that best match a few
//! words, each with its locator and the quote to paste as evidence.
//!
//! A passage is the sentence (or sentences) around a hit, within one
//! paragraph. Hits are ranked: the words as a phrase after normalisation,
//! the phrase in another case, then near misses (sentences holding most of
//! the words, and the passage closest by edit distance). The quote offered
//! is the passage as the source writes it, its line breaks folded into
//! spaces, and is only offered once [`SourceText::look_up`] finds it, so
//! pasting it passes `check` unchanged.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::quote::{self, Locator, Normalised};
use crate::sources::{Source, SourceText};

/// How a passage matches the words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Closeness {
    /// The words as a phrase, after normalisation.
    Exact,
    /// The phrase, but in another case.
    OtherCase,
    /// `found` of the `of` words (as word starts, in any order).
    Words { found: usize, of: usize },
    /// The passage closest to the phrase by edit distance (similarity 0..1).
    Similar(f64),
}

impl Closeness {
    /// Lower ranks first.
    fn tier(self) -> u8 {
        match self {
            Closeness::Exact => 0,
            Closeness::OtherCase => 1,
            Closeness::Words { .. } | Closeness::Similar(_) => 2,
        }
    }

    /// How close, in 0..=1.
    pub fn score(self) -> f64 {
        match self {
            Closeness::Exact | Closeness::OtherCase => 1.0,
            Closeness::Words { found, of } => found as f64 / of.max(1) as f64,
            Closeness::Similar(similarity) => similarity,
        }
    }

    /// Whether the phrase itself was found.
    pub fn is_exact(self) -> bool {
        self.tier() < 2
    }

    /// For people: `exact`, `2 of 3 words`, `87% similar`.
    pub fn describe(self) -> String {
        match self {
            Closeness::Exact => "exact".to_string(),
            Closeness::OtherCase => "exact but for case".to_string(),
            Closeness::Words { found: 2, of: 2 } => "both words".to_string(),
            Closeness::Words { found, of } if found == of => format!("all {of} words"),
            Closeness::Words { found, of } => format!("{found} of {of} words"),
            Closeness::Similar(similarity) => format!("{:.0}% similar", similarity * 100.0),
        }
    }

    /// For JSON: `exact`, `case`, `words`, `similar`.
    pub fn kind(self) -> &'static str {
        match self {
            Closeness::Exact => "exact",
            Closeness::OtherCase => "case",
            Closeness::Words { .. } => "words",
            Closeness::Similar(_) => "similar",
        }
    }
}

/// One passage found.
#[derive(Debug, Clone)]
pub struct Passage {
    pub closeness: Closeness,
    /// Byte range of the passage in the source's (extracted) text.
    pub raw: Range<usize>,
    pub locator: Locator,
    /// Where it is, for people: `sources/a.txt line 3, ¶2`, `… page 2`.
    pub at: String,
    /// The passage as the source writes it: the quote to paste.
    pub quote: String,
}

impl Passage {
    /// The `[[claims.evidence]]` block that cites this passage of `source`.
    pub fn evidence(&self, source: &str) -> String {
        format!(
            "[[claims.evidence]]\nsource = {}\nquote = {}\n",
            toml_edit::Value::from(source),
            toml_edit::Value::from(self.quote.as_str())
        )
    }
}

/// Most passages `find` lists by default.
pub const DEFAULT_LIMIT: usize = 5;

/// Longest passage offered whole, in bytes: a longer sentence is cut
/// around the hit.
const MAX_PASSAGE: usize = 600;

/// How much text around a hit a cut passage keeps on each side, in bytes.
const CONTEXT: usize = 200;

/// A near miss below this similarity is noise, not a passage.
const MIN_SIMILARITY: f64 = 0.6;

/// The best passages of `source`'s text for `words`, at most `limit`,
/// best first.
pub fn find(source: &Source, text: &SourceText, words: &str, limit: usize) -> Vec<Passage> {
    // A paged text (a PDF) is read as a document, with soft hyphens.
    let document = text.lines.page(0).is_some();
    let normalise = |raw: &str| match document {
        true => Normalised::document(raw),
        false => Normalised::new(raw),
    };
    let phrase = normalise(words).as_str().to_string();
    let tokens = tokens(&phrase);
    let mut candidates: Vec<(Closeness, Range<usize>, Range<usize>)> = Vec::new();
    for paragraph in paragraphs(text) {
        let raw = &text.raw[paragraph.clone()];
        let normalised = normalise(raw);
        let sentences = sentences(normalised.as_str());
        let to_raw = |range: Range<usize>| {
            let r = normalised.raw_range(range);
            paragraph.start + r.start..paragraph.start + r.end
        };
        for (closeness, hit) in hits(&normalised, words, &phrase, &tokens, &sentences) {
            let around = covering(&sentences, &hit);
            candidates.push((closeness, to_raw(around), to_raw(hit)));
        }
    }
    if !candidates.iter().any(|(c, _, _)| c.is_exact())
        && let Some(near) = quote::nearest(&text.normalised, &phrase)
        && near.similarity >= MIN_SIMILARITY
    {
        let sentence = sentence_around(text, near.raw.clone(), normalise);
        candidates.push((Closeness::Similar(near.similarity), sentence, near.raw));
    }
    candidates.sort_by(|a, b| {
        (a.0.tier(), b.0.score(), a.1.start)
            .partial_cmp(&(b.0.tier(), a.0.score(), b.1.start))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut passages: Vec<Passage> = Vec::new();
    for (closeness, around, hit) in candidates {
        if passages.len() == limit {
            break;
        }
        if passages.iter().any(|p| overlaps(&p.raw, &around)) {
            continue;
        }
        let raw = widen_to_quotation_marks(&text.raw, cut(&text.raw, around, &hit));
        let Some(quote) = quotable(text, &raw, document) else {
            continue;
        };
        let locator = text.lines.locate(raw.start);
        passages.push(Passage {
            closeness,
            at: source.describe(&locator),
            locator,
            raw,
            quote,
        });
    }
    passages
}

/// The hits of one paragraph: the phrase as it is, in another case, and
/// the sentences holding at least half of several words.
fn hits(
    normalised: &Normalised,
    words: &str,
    phrase: &str,
    tokens: &[String],
    sentences: &[Range<usize>],
) -> Vec<(Closeness, Range<usize>)> {
    let text = normalised.as_str();
    let mut found: Vec<(Closeness, Range<usize>)> = quote::occurrences(normalised, words, 1000)
        .into_iter()
        .map(|hit| (Closeness::Exact, hit))
        .collect();
    let folded = fold_case(text);
    let folded_phrase = fold_case(phrase);
    if !folded_phrase.is_empty() {
        for (at, _) in folded.match_indices(&folded_phrase) {
            let hit = at..at + folded_phrase.len();
            if !found.iter().any(|(_, h)| overlaps(h, &hit)) {
                found.push((Closeness::OtherCase, hit));
            }
        }
    }
    if tokens.len() < 2 {
        return found;
    }
    for sentence in sentences {
        if found.iter().any(|(_, h)| overlaps(h, sentence)) {
            continue;
        }
        let starts: Vec<usize> = tokens
            .iter()
            .filter_map(|token| word_start(&folded[sentence.clone()], token))
            .collect();
        // More than half of the words: with two, both.
        if starts.len() * 2 > tokens.len() {
            let closeness = Closeness::Words {
                found: starts.len(),
                of: tokens.len(),
            };
            found.push((closeness, sentence.clone()));
        }
    }
    found
}

/// The distinct words of a normalised phrase that say something, case
/// folded: words of one or two letters (`a`, `of`, `la`) start too many
/// words to count, unless the phrase has no other.
fn tokens(phrase: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for word in fold_case(phrase).split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() && !tokens.iter().any(|t| t == word) {
            tokens.push(word.to_string());
        }
    }
    if tokens.iter().any(|t| t.chars().count() > 2) {
        tokens.retain(|t| t.chars().count() > 2);
    }
    tokens
}

/// Where `token` starts a word of `text`, if it does.
fn word_start(text: &str, token: &str) -> Option<usize> {
    text.match_indices(token).map(|(at, _)| at).find(|&at| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    })
}

/// Lower case wherever that keeps each character's length, so byte offsets
/// into the folded text are offsets into the original.
fn fold_case(text: &str) -> String {
    text.chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            }
        })
        .collect()
}

/// The raw byte ranges of the text's paragraphs (runs of lines that share
/// a paragraph number), a heading line at the top of one apart.
fn paragraphs(text: &SourceText) -> Vec<Range<usize>> {
    let lines = &text.lines;
    let mut found: Vec<(usize, Range<usize>)> = Vec::new();
    let mut previous_line: Option<Range<usize>> = None;
    for line in 1..=lines.lines() {
        let Some(paragraph) = lines.paragraph_of_line(line) else {
            previous_line = None;
            continue;
        };
        let range = lines.line_range(&text.raw, line);
        let heading = previous_line
            .as_ref()
            .is_some_and(|p| is_heading(&text.raw[p.clone()], &text.raw[range.clone()]));
        match found.last_mut() {
            Some((p, r)) if *p == paragraph && !heading => r.end = range.end,
            _ => found.push((paragraph, range.clone())),
        }
        previous_line = Some(range);
    }
    found.into_iter().map(|(_, r)| r).collect()
}

/// Whether `line`, followed by `next` in the same paragraph, is a heading
/// of its own (`Annex` above the text of a PDF's annex): short, with no
/// punctuation to end it, and the next line starts a sentence.
fn is_heading(line: &str, next: &str) -> bool {
    let line = line.trim();
    let ends_open = !line.ends_with(|c: char| c.is_ascii_punctuation() || "…»”’".contains(c));
    ends_open
        && line.chars().count() * 2 < next.trim().chars().count()
        && next.trim_start().starts_with(char::is_uppercase)
}

/// The sentences of a normalised paragraph (Unicode sentence boundaries),
/// without their trailing spaces.
fn sentences(text: &str) -> Vec<Range<usize>> {
    text.split_sentence_bound_indices()
        .map(|(at, sentence)| at..at + sentence.trim_end().len())
        .filter(|r| !r.is_empty())
        .collect()
}

/// From the start of the sentence where `hit` starts to the end of the
/// one where it ends.
fn covering(sentences: &[Range<usize>], hit: &Range<usize>) -> Range<usize> {
    let first = sentences
        .iter()
        .rfind(|s| s.start <= hit.start)
        .map_or(hit.start, |s| s.start);
    let last = sentences
        .iter()
        .find(|s| s.end >= hit.end)
        .map_or(hit.end, |s| s.end);
    first..last.max(hit.end)
}

/// The sentence around a raw range of the whole text (a near miss found
/// across it), within its paragraph.
fn sentence_around(
    text: &SourceText,
    hit: Range<usize>,
    normalise: impl Fn(&str) -> Normalised,
) -> Range<usize> {
    let Some(paragraph) = paragraphs(text)
        .into_iter()
        .find(|p| p.start <= hit.start && hit.start < p.end.max(p.start + 1))
    else {
        return hit;
    };
    let normalised = normalise(&text.raw[paragraph.clone()]);
    let mut around = hit.clone();
    for sentence in sentences(normalised.as_str()) {
        let r = normalised.raw_range(sentence);
        let r = paragraph.start + r.start..paragraph.start + r.end;
        if overlaps(&r, &hit) {
            around.start = around.start.min(r.start);
            around.end = around.end.max(r.end);
        }
    }
    around.end = around.end.min(paragraph.end);
    around
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// A passage longer than [`MAX_PASSAGE`] cut to the hit and some words
/// around it.
fn cut(raw: &str, passage: Range<usize>, hit: &Range<usize>) -> Range<usize> {
    if passage.len() <= MAX_PASSAGE {
        return passage;
    }
    let hit = hit.start.max(passage.start)..hit.end.min(passage.end);
    let mut start = hit.start.saturating_sub(CONTEXT).max(passage.start);
    while !raw.is_char_boundary(start) {
        start += 1;
    }
    if start > passage.start
        && let Some(space) = raw[start..hit.start].find(char::is_whitespace)
    {
        start += space;
    }
    let mut end = (hit.end + CONTEXT).min(passage.end);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    if end < passage.end
        && let Some(space) = raw[hit.end..end].rfind(char::is_whitespace)
    {
        end = hit.end + space;
    }
    start..end
}

/// A passage with the double quotation marks just outside it: they are
/// not compared (normalisation drops them), and a quote that opens one
/// should close it.
fn widen_to_quotation_marks(raw: &str, range: Range<usize>) -> Range<usize> {
    let is_mark = |c: char| matches!(c, '"' | '“' | '”' | '„' | '«' | '»' | '‹' | '›');
    let mut start = range.start;
    while let Some(c) = raw[..start].chars().next_back().filter(|&c| is_mark(c)) {
        start -= c.len_utf8();
    }
    let mut end = range.end;
    while let Some(c) = raw[end..].chars().next().filter(|&c| is_mark(c)) {
        end += c.len_utf8();
    }
    start..end
}

/// The quote for a passage: its text as written, white space that holds a
/// line break folded into one space, a word a PDF hyphenates at a line end
/// joined. `None` if the source would not find it (never expected).
fn quotable(text: &SourceText, raw: &Range<usize>, document: bool) -> Option<String> {
    let passage = balanced(text.raw[raw.clone()].trim());
    let quote = fold_lines(passage, document, text.normalised.as_str());
    let found = text.look_up(&quote).is_ok();
    found.then_some(quote)
}

/// A passage without a double quotation mark at either end that it does
/// not close or open (a sentence that starts a longer quotation): such
/// marks are not compared, so the quote still matches.
fn balanced(passage: &str) -> &str {
    let mut passage = passage;
    for (open, close) in [('"', '"'), ('“', '”'), ('«', '»'), ('„', '“')] {
        if passage.starts_with(open) && !closes(passage.chars(), open, close) {
            passage = passage[open.len_utf8()..].trim_start();
        }
        if passage.ends_with(close) && !closes(passage.chars().rev(), close, open) {
            passage = passage[..passage.len() - close.len_utf8()].trim_end();
        }
    }
    passage
}

/// Whether the mark `open` that `chars` starts with is matched by a
/// `close` further on (the same mark for straight quotes: by parity).
fn closes(mut chars: impl Iterator<Item = char>, open: char, close: char) -> bool {
    chars.next();
    let mut depth = 1usize;
    for c in chars {
        if c == close {
            depth -= 1;
            if depth == 0 {
                return true;
            }
        } else if c == open {
            depth += 1;
        }
    }
    false
}

/// Folds each run of white space that holds a line break (or a tab, or
/// several spaces) into one space; a single space or no-break space is
/// kept as written. In a document, a hyphen at a line end inside a word
/// is joined: kept where the text writes the word with a hyphen elsewhere
/// (`cross-references`), dropped otherwise (`suf-⏎ficient`).
fn fold_lines(passage: &str, document: bool, whole: &str) -> String {
    let mut out = String::with_capacity(passage.len());
    let mut chars = passage.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !c.is_whitespace() {
            out.push(c);
            continue;
        }
        let mut end = at + c.len_utf8();
        while let Some(&(next_at, next)) = chars.peek().filter(|(_, n)| n.is_whitespace()) {
            end = next_at + next.len_utf8();
            chars.next();
        }
        let run = &passage[at..end];
        let breaks_line = run.contains(['\n', '\r']);
        if document
            && breaks_line
            && let Some(joined) = join_hyphen(&out, &passage[end..], whole)
        {
            out.truncate(joined);
            continue;
        }
        if breaks_line || run.contains('\t') || run.chars().count() > 1 {
            out.push(' ');
        } else {
            out.push_str(run);
        }
    }
    out
}

/// When `before` ends in a letter and a hyphen and `after` starts with a
/// letter, the length to cut `before` to: after the hyphen to keep it,
/// before it to drop it.
fn join_hyphen(before: &str, after: &str, whole: &str) -> Option<usize> {
    let hyphen = before
        .char_indices()
        .next_back()
        .filter(|(_, c)| matches!(c, '-' | '\u{2010}'))?;
    let head_start = before[..hyphen.0]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()?
        .0;
    let tail: String = after.chars().take_while(|c| c.is_alphanumeric()).collect();
    if !after.starts_with(char::is_alphabetic) {
        return None;
    }
    // In the normalised text a hyphen at a line end is gone, so a hyphen
    // found there is one the text writes mid-line: the word is written
    // with one. Otherwise a word whose halves are words of their own, and
    // that the text never writes joined, is a compound broken at its
    // hyphen (`cross-⏎references`); anything else was hyphenated by the
    // typesetter (`suf-⏎ficient`).
    let head = &before[head_start..hyphen.0];
    let keep = whole_words(whole, &format!("{head}-{tail}")) > 0
        || (whole_words(whole, &format!("{head}{tail}")) < 2
            && whole_words(whole, head) > 0
            && whole_words(whole, &tail) > 0);
    Some(match keep {
        true => before.len(),
        false => hyphen.0,
    })
}

/// How often `word` occurs in `text` as a whole word.
fn whole_words(text: &str, word: &str) -> usize {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word)
        .filter(|(at, _)| {
            !is_word(text[..*at].chars().next_back())
                && !is_word(text[at + word.len()..].chars().next())
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_and_line_end_hyphens_join() {
        // As normalised: the line-end hyphens are gone.
        let whole = "the crossreferences in reports; cross and references; the reports";
        assert_eq!(
            fold_lines("the cross-\nreferences in re-\nports", true, whole),
            "the cross-references in reports"
        );
        // Written hyphenated elsewhere: kept even though `non` is no word.
        assert_eq!(
            fold_lines("non-\nbinding", true, "nonbinding and non-binding"),
            "non-binding"
        );
        // In plain text a hyphen is the author's: only the break folds.
        assert_eq!(fold_lines("re-\nports", false, whole), "re- ports");
        // Single spaces, no-break ones included, stay as written.
        assert_eq!(
            fold_lines("«\u{a0}oui\u{a0}»\r\n  non", false, ""),
            "«\u{a0}oui\u{a0}» non"
        );
    }

    #[test]
    fn a_short_line_above_a_sentence_is_a_heading() {
        assert!(is_heading(
            "Annex",
            "Representatives of the government confirmed that"
        ));
        assert!(!is_heading(
            "rigged in favour of",
            "a single bidder, citing internal e-mails."
        ));
        assert!(!is_heading(
            "said Mr.",
            "Smith and the others, later that day in the hall"
        ));
        assert!(!is_heading("The minister", "Said nothing."));
    }

    #[test]
    fn unbalanced_quotation_marks_at_the_ends_go() {
        assert_eq!(balanced("\"It's not a fantasy."), "It's not a fantasy.");
        assert_eq!(balanced("a reality.\""), "a reality.");
        assert_eq!(balanced("“Yes,” he said."), "“Yes,” he said.");
        assert_eq!(balanced("« Oui » et « non"), "« Oui » et « non");
        assert_eq!(balanced("« non, dit-il."), "non, dit-il.");
    }

    #[test]
    fn case_folds_without_moving_offsets() {
        let text = "İstanbul ÉTAT Straße";
        let folded = fold_case(text);
        assert_eq!(folded.len(), text.len());
        assert!(folded.ends_with("état straße"), "{folded}");
    }

    #[test]
    fn tokens_are_distinct_words() {
        assert_eq!(
            tokens("The harbour, the CONTRACT"),
            ["the", "harbour", "contract"]
        );
        assert_eq!(tokens("flags at a protest"), ["flags", "protest"]);
        assert_eq!(tokens("a b"), ["a", "b"]);
        assert_eq!(word_start("a contract", "contract"), Some(2));
        assert_eq!(word_start("subcontract", "contract"), None);
    }

    #[test]
    fn a_long_sentence_is_cut_around_the_hit() {
        let raw = format!("{} needle {}", "word ".repeat(200), "word ".repeat(200));
        let hit = raw.find("needle").unwrap();
        let cut = cut(&raw, 0..raw.len(), &(hit..hit + 6));
        assert!(cut.len() <= 2 * CONTEXT + 6, "{cut:?}");
        assert!(raw[cut.clone()].contains("needle"));
        assert!(raw[cut].trim().starts_with("word"));
    }
}
