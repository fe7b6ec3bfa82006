//! `clerk find`: the passages of a source's text that best match a few
//! words, each with its locator and the quote to paste as evidence.
//!
//! A passage is the sentence (or sentences) around a hit, within one
//! paragraph; a sentence too long to offer whole is cut at the clauses
//! around the hit, the rest elided with `[…]`. Hits are ranked: the words
//! as a phrase after normalisation, the phrase in another case or without
//! its accents, then near misses (sentences holding most of the words, and
//! the passage closest by edit distance). Words are compared with case and
//! accents folded ([`Folded`]) for every rank but the first. The quote
//! offered is the passage as the source writes it, its line breaks folded
//! into spaces, and is only offered once [`SourceText::look_up`] finds it,
//! so pasting it passes `check` unchanged.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::quote::{self, Folded, Locator, Normalised};
use crate::sources::{Source, SourceText};

/// How a passage matches the words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Closeness {
    /// The words as a phrase, after normalisation.
    Exact,
    /// The phrase, but in another case.
    OtherCase,
    /// The phrase, but with other accents (and perhaps in another case).
    OtherAccents,
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
            Closeness::OtherCase | Closeness::OtherAccents => 1,
            Closeness::Words { .. } | Closeness::Similar(_) => 2,
        }
    }

    /// How close, in 0..=1.
    pub fn score(self) -> f64 {
        match self {
            Closeness::Exact | Closeness::OtherCase | Closeness::OtherAccents => 1.0,
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
            Closeness::OtherAccents => "exact but for accents".to_string(),
            Closeness::Words { found: 2, of: 2 } => "both words".to_string(),
            Closeness::Words { found, of } if found == of => format!("all {of} words"),
            Closeness::Words { found, of } => format!("{found} of {of} words"),
            Closeness::Similar(similarity) => format!("{:.0}% similar", similarity * 100.0),
        }
    }

    /// For JSON: `exact`, `case`, `accents`, `words`, `similar`.
    pub fn kind(self) -> &'static str {
        match self {
            Closeness::Exact => "exact",
            Closeness::OtherCase => "case",
            Closeness::OtherAccents => "accents",
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

/// Longest passage offered whole, in bytes: a longer sentence is cut at
/// the clauses around the hit.
const MAX_PASSAGE: usize = 1_500;

/// Longest run of clauses offered from a sentence that is cut, in bytes.
const MAX_CLAUSES: usize = 600;

/// How much text around a hit a cut passage keeps on each side, in bytes,
/// when the clause that holds the hit is itself too long.
const CONTEXT: usize = 200;

/// The elision mark that stands for the part of a sentence left out.
const ELIDED: &str = "[…]";

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
        && let Some((similarity, near)) = nearest(text, &phrase)
        && similarity >= MIN_SIMILARITY
    {
        let sentence = sentence_around(text, near.clone(), normalise);
        candidates.push((Closeness::Similar(similarity), sentence, near));
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
        let cut = cut(&text.raw, around, &hit);
        let raw = widen_to_quotation_marks(&text.raw, cut.range.clone());
        let Some(quote) = quotable(text, &raw, document, &cut) else {
            continue;
        };
        let locator = text.lines.locate_range(raw.clone());
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

/// The passage of the whole text closest to the phrase by edit distance,
/// case and accents folded on both sides: its similarity and raw range.
fn nearest(text: &SourceText, phrase: &str) -> Option<(f64, Range<usize>)> {
    let folded = Folded::new(text.normalised.as_str());
    let searched = Normalised::new(folded.as_str());
    let near = quote::nearest(&searched, Folded::new(phrase).as_str())?;
    // `searched` is `folded` as it was (normalising normalised text changes
    // nothing but the odd composition), so its raw offsets are folded ones.
    let normalised = folded.original_range(near.raw);
    Some((near.similarity, text.normalised.raw_range(normalised)))
}

/// The hits of one paragraph: the phrase as it is, in another case or
/// with other accents, and the sentences holding at least half of several
/// words.
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
    let folded = Folded::new(text);
    let folded_phrase = Folded::new(phrase);
    let folded_phrase = folded_phrase.as_str();
    if !folded_phrase.is_empty() {
        for (at, _) in folded.as_str().match_indices(folded_phrase) {
            let hit = folded.original_range(at..at + folded_phrase.len());
            if !found.iter().any(|(_, h)| overlaps(h, &hit)) {
                let closeness = match fold_case(&text[hit.clone()]) == fold_case(phrase) {
                    true => Closeness::OtherCase,
                    false => Closeness::OtherAccents,
                };
                found.push((closeness, hit));
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
        let folded = Folded::new(&text[sentence.clone()]);
        let at: Vec<Range<usize>> = tokens
            .iter()
            .filter_map(|token| {
                let start = word_start(folded.as_str(), token)?;
                let range = folded.original_range(start..start + token.len());
                Some(sentence.start + range.start..sentence.start + range.end)
            })
            .collect();
        // More than half of the words: with two, both.
        if at.len() * 2 > tokens.len() {
            let closeness = Closeness::Words {
                found: at.len(),
                of: tokens.len(),
            };
            // The hit runs from the first word found to the last, so that a
            // sentence too long to offer whole is cut around them.
            let start = at.iter().map(|r| r.start).min().unwrap_or(sentence.start);
            let end = at.iter().map(|r| r.end).max().unwrap_or(sentence.end);
            found.push((closeness, start..end));
        }
    }
    found
}

/// The distinct words of a normalised phrase that say something, case
/// and accents folded: words of one or two letters (`a`, `of`, `la`) start
/// too many words to count, unless the phrase has no other. A word is
/// matched as the start of a word, so a plural `s` or `x` is left off a
/// longer one (`boites` finds `boîte` as well as `boîtes`).
fn tokens(phrase: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for word in Folded::new(phrase)
        .as_str()
        .split(|c: char| !c.is_alphanumeric())
    {
        let word = match word.chars().count() > 3 {
            true => word.strip_suffix(['s', 'x']).unwrap_or(word),
            false => word,
        };
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

/// The part of a passage offered as a quote: whether text of its
/// sentence is left out before it and after it.
#[derive(Debug, Clone, PartialEq)]
struct Cut {
    range: Range<usize>,
    before: bool,
    after: bool,
}

/// A passage, whole up to [`MAX_PASSAGE`]; a longer one cut to the
/// clauses around the hit (at `;`, `:` or `,` and a space), as many as
/// [`MAX_CLAUSES`] allows; a clause too long even alone cut to the words
/// around the hit.
fn cut(raw: &str, passage: Range<usize>, hit: &Range<usize>) -> Cut {
    if passage.len() <= MAX_PASSAGE {
        return Cut {
            range: passage,
            before: false,
            after: false,
        };
    }
    let hit =
        hit.start.clamp(passage.start, passage.end)..hit.end.clamp(passage.start, passage.end);
    // Clauses between `;` and `:` first, as they keep whole propositions;
    // then between commas too.
    let around = |marks: &[char]| {
        let (starts, ends) = clauses(raw, &passage, marks);
        let first = starts.iter().rposition(|&s| s <= hit.start).unwrap_or(0);
        let last = ends
            .iter()
            .position(|&e| e >= hit.end)
            .unwrap_or(ends.len() - 1)
            .max(first);
        (starts, ends, first, last)
    };
    let (starts, ends, first, last) = around(&[';', ':']);
    if ends[last] - starts[first] <= MAX_CLAUSES {
        return grow(&starts, &ends, first, last);
    }
    let (starts, ends, first, last) = around(&[';', ':', ',']);
    if ends[last] - starts[first] <= MAX_CLAUSES {
        return grow(&starts, &ends, first, last);
    }
    let range = words_around(raw, starts[first]..ends[last], &hit);
    Cut {
        before: range.start > passage.start,
        after: range.end < passage.end,
        range,
    }
}

/// The clauses of `raw[passage]` between `marks` followed by white space
/// (`1,5` and `12:30` are no boundaries): clause `i` runs from `starts[i]`
/// to `ends[i]`, a boundary ending one before its mark (and any space
/// before it, as French writes ` ;`) and starting the next after the space
/// that follows.
fn clauses(raw: &str, passage: &Range<usize>, marks: &[char]) -> (Vec<usize>, Vec<usize>) {
    let text = &raw[passage.clone()];
    let mut starts = vec![passage.start];
    let mut ends = Vec::new();
    for (at, c) in text.char_indices() {
        if !marks.contains(&c) {
            continue;
        }
        let rest = &text[at + 1..];
        let space = rest.len() - rest.trim_start().len();
        if space == 0 || space == rest.len() {
            continue;
        }
        ends.push(passage.start + text[..at].trim_end().len());
        starts.push(passage.start + at + 1 + space);
    }
    ends.push(passage.end);
    (starts, ends)
}

/// Clauses `first..=last` grown by whole clauses on either side while
/// they fit in [`MAX_CLAUSES`].
fn grow(starts: &[usize], ends: &[usize], mut first: usize, mut last: usize) -> Cut {
    loop {
        let mut grew = false;
        if first > 0 && ends[last] - starts[first - 1] <= MAX_CLAUSES {
            first -= 1;
            grew = true;
        }
        if last + 1 < ends.len() && ends[last + 1] - starts[first] <= MAX_CLAUSES {
            last += 1;
            grew = true;
        }
        if !grew {
            break;
        }
    }
    Cut {
        range: starts[first]..ends[last],
        before: first > 0,
        after: last + 1 < ends.len(),
    }
}

/// The hit and up to [`CONTEXT`] bytes of `within` on each side, cut
/// between words.
fn words_around(raw: &str, within: Range<usize>, hit: &Range<usize>) -> Range<usize> {
    let mut start = hit.start.saturating_sub(CONTEXT).max(within.start);
    while !raw.is_char_boundary(start) {
        start += 1;
    }
    if start > within.start
        && let Some(space) = raw[start..hit.start].find(char::is_whitespace)
    {
        start += space;
    }
    let mut end = (hit.end + CONTEXT).min(within.end);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    if end < within.end
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
/// joined, and `[…]` where `cut` leaves part of the sentence out. `None` if
/// the source would not find it (never expected).
fn quotable(text: &SourceText, raw: &Range<usize>, document: bool, cut: &Cut) -> Option<String> {
    let passage = balanced(text.raw[raw.clone()].trim());
    let mut quote = fold_lines(passage, document, text.normalised.as_str());
    if cut.before {
        quote = format!("{ELIDED} {quote}");
    }
    if cut.after {
        quote = format!("{quote} {ELIDED}");
    }
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
        assert_eq!(tokens("flags at a protest"), ["flag", "protest"]);
        assert_eq!(tokens("Boîtes NOIRES, bus"), ["boite", "noire", "bus"]);
        assert_eq!(tokens("a b"), ["a", "b"]);
        assert_eq!(word_start("a contract", "contract"), Some(2));
        assert_eq!(word_start("subcontract", "contract"), None);
    }

    #[test]
    fn a_long_clause_is_cut_to_the_words_around_the_hit() {
        let raw = format!("{} needle {}", "word ".repeat(400), "word ".repeat(400));
        let hit = raw.find("needle").unwrap();
        let cut = cut(&raw, 0..raw.len(), &(hit..hit + 6));
        assert!(cut.before && cut.after, "{cut:?}");
        assert!(cut.range.len() <= 2 * CONTEXT + 6, "{cut:?}");
        assert!(raw[cut.range.clone()].contains("needle"));
        assert!(raw[cut.range].trim().starts_with("word"));
    }

    #[test]
    fn a_long_sentence_is_cut_at_the_clauses_around_the_hit() {
        let clause = |n: usize| format!("clause {n} {}", "word ".repeat(30).trim_end());
        let clauses: Vec<String> = (0..12).map(clause).collect();
        let raw = format!("{}.", clauses.join(" ; "));
        let passage = 0..raw.len();
        // Short enough: offered whole, however many clauses.
        let short = format!("{}.", clauses[..4].join(", "));
        let hit = short.find("clause 2").unwrap();
        assert_eq!(
            cut(&short, 0..short.len(), &(hit..hit + 8)).range,
            0..short.len()
        );
        let hit = raw.find("clause 6").unwrap();
        let found = cut(&raw, passage.clone(), &(hit..hit + 8));
        let text = &raw[found.range.clone()];
        assert!(found.before && found.after, "{found:?}");
        assert!(
            text.starts_with("clause 5 ") || text.starts_with("clause 6 "),
            "{text}"
        );
        assert!(text.ends_with("word") && !text.ends_with(" ;"), "{text}");
        assert!(text.len() <= MAX_CLAUSES, "{text}");
        // The last clause keeps the sentence's end.
        let hit = raw.find("clause 11").unwrap();
        let found = cut(&raw, passage, &(hit..hit + 9));
        assert!(found.before && !found.after, "{found:?}");
        assert!(raw[found.range].ends_with("word."));
        // A decimal comma is no clause boundary.
        let decimal = format!("{} 1,5 {}.", "a ".repeat(400), "b ".repeat(400));
        let hit = decimal.find("1,5").unwrap();
        let found = cut(&decimal, 0..decimal.len(), &(hit + 2..hit + 3));
        assert!(decimal[found.range].contains("1,5"));
    }
}
