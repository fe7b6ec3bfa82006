//! Quote normalisation, matching, locators and the near-miss search.
//!
//! This module is the one place that knows how a quote is compared with its
//! source (FORMAT.md, "Quote matching"). Every other stage goes through
//! [`Normalised`] and [`find`], so the PDF, `check`, `pin` and the audit
//! manifest all agree on what "the quote occurs in the source" means.

use std::collections::BTreeMap;
use std::ops::Range;

use bio::pattern_matching::myers::long::Myers;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Name of the normalisation profile, recorded in manifests so a verifier
/// knows which rules produced the offsets.
pub const PROFILE: &str = "clerk-quote-v1";

/// How far (in normalised characters) an elided piece may start after the
/// end of the previous one.
pub const MAX_ELISION_GAP: usize = 1_000;

/// The elision marker as it reads after normalisation (`[…]` folds to it).
const ELISION: &str = "[...]";

/// Text after the FORMAT.md normalisation, with a map back to the raw text.
#[derive(Debug, Clone)]
pub struct Normalised {
    text: String,
    /// Points where the offset between normalised and raw text changes:
    /// `(normalised byte, raw byte)`, sorted by both.
    anchors: Vec<(usize, usize)>,
    raw_len: usize,
    /// Normalised offsets where a line-end hyphen was taken out (documents
    /// only; sorted). A quote's `-` may stand there or not.
    soft_hyphens: Vec<usize>,
    /// Whether line-end hyphens are soft, so quotes are read the same way.
    document: bool,
}

impl Normalised {
    /// Normalises `raw` (steps 1 to 5 of FORMAT.md).
    pub fn new(raw: &str) -> Self {
        Self::build(raw, false)
    }

    /// Normalises text extracted from a laid-out document (a PDF), where a
    /// hyphen at the end of a line may be the typesetter's ("inter-⏎ference")
    /// or the author's ("cross-⏎reference"): the hyphen and the line break
    /// are taken out, and [`find`] lets a quote's `-` stand there or not, so
    /// both "interference" and "cross-reference" match.
    pub fn document(raw: &str) -> Self {
        Self::build(raw, true)
    }

    fn build(raw: &str, document: bool) -> Self {
        let mut builder = Builder {
            text: String::with_capacity(raw.len()),
            anchors: Vec::new(),
            pending_space: None,
            soft_hyphens: Vec::new(),
        };
        let mut at = 0;
        while at < raw.len() {
            let run = plain_ascii_run(&raw.as_bytes()[at..], document);
            if run > 0 {
                builder.push_plain(&raw[at..at + run], at);
                at += run;
                continue;
            }
            let start = at;
            let c = raw[start..].chars().next().expect("a char boundary");
            // NFKC runs over a starter and the combining marks after it, so
            // each output character can be traced to one raw position.
            let mut end = start + c.len_utf8();
            for next in raw[end..].chars().take_while(|&next| !is_starter(next)) {
                end += next.len_utf8();
            }
            let cluster = &raw[start..end];
            if document
                && matches!(c, '-' | '\u{2010}' | '\u{ad}')
                && builder.ends_in_word()
                && let Some(skip) = line_end_break(&raw[end..])
            {
                builder.soft_hyphen();
                at = end + skip;
                continue;
            }
            if cluster.len() == c.len_utf8() && is_nfkc_stable(c) {
                builder.push(c, start);
            } else if !is_double_quote(c) {
                for folded in cluster.nfkc() {
                    builder.push(folded, start);
                }
            }
            at = end;
        }
        Normalised {
            text: builder.text,
            anchors: builder.anchors,
            raw_len: raw.len(),
            soft_hyphens: builder.soft_hyphens,
            document,
        }
    }

    /// Normalises a quote the way this text was normalised.
    fn quote(&self, quote: &str) -> Normalised {
        Self::build(quote, self.document)
    }

    /// The first occurrence of `piece` starting between `from` and
    /// `last_start` (normalised byte offsets), as a normalised range.
    fn find_piece(&self, piece: &str, from: usize, last_start: usize) -> Option<Range<usize>> {
        let text = self.text.as_str();
        let last_start = last_start.min(text.len());
        if from > last_start {
            return None;
        }
        // Soft hyphens only ever make a match shorter than the piece, so no
        // match reaches past this window.
        let window_end = ceil_char_boundary(text, (last_start + piece.len()).min(text.len()));
        let window = &text[from..window_end];
        // Every character of the piece before its first `-` must be in the
        // text as it is: find those fast, then walk the rest.
        let anchor = match self.soft_hyphens.is_empty() {
            true => piece,
            false => &piece[..piece.find('-').unwrap_or(piece.len())],
        };
        let mut at = 0;
        while at <= window.len()
            && let Some(offset) = window[at..].find(anchor)
        {
            let start = from + at + offset;
            if start > last_start {
                return None;
            }
            if anchor.len() == piece.len() {
                return Some(start..start + piece.len());
            }
            if let Some(end) = self.walk(piece, start) {
                return Some(start..end);
            }
            at += offset + next_char_len(window, at + offset);
        }
        None
    }

    /// Matches `piece` at `start`, letting a `-` of the piece stand where a
    /// soft hyphen was taken out; returns the end of the match. The first
    /// character must be in the text itself, so a match never starts at a
    /// hyphen that is not there.
    fn walk(&self, piece: &str, start: usize) -> Option<usize> {
        let mut at = start;
        for (index, c) in piece.chars().enumerate() {
            if self.text[at..].starts_with(c) {
                at += c.len_utf8();
            } else if index == 0 || c != '-' || self.soft_hyphens.binary_search(&at).is_err() {
                return None;
            }
        }
        Some(at)
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a byte offset of the normalised text to the byte offset in the
    /// raw text where the character there came from.
    pub fn raw_offset(&self, normalised: usize) -> usize {
        if normalised >= self.text.len() {
            return self.raw_len;
        }
        let index = self.anchors.partition_point(|&(n, _)| n <= normalised);
        match index.checked_sub(1).map(|i| self.anchors[i]) {
            Some((n, r)) => r + (normalised - n),
            None => normalised,
        }
    }

    /// Maps a normalised byte range to the raw byte range it covers.
    pub fn raw_range(&self, normalised: Range<usize>) -> Range<usize> {
        let start = self.raw_offset(normalised.start);
        let mut end = self.raw_offset(normalised.end).max(start);
        // The last character may be one of several that one raw character
        // folds into (`ﬁ` gives `fi`): the range then ends after that raw
        // character, at the next one the normalised text comes from.
        if let Some((last, _)) = self.text[..normalised.end].char_indices().next_back()
            && last >= normalised.start
        {
            let last_raw = self.raw_offset(last);
            let mut at = normalised.end;
            while end <= last_raw {
                end = if at >= self.text.len() {
                    self.raw_len
                } else {
                    self.raw_offset(at)
                };
                at += next_char_len(&self.text, at);
            }
        }
        start..end
    }
}

/// How many bytes at the start of `bytes` pass through normalisation as
/// they are: printable ASCII other than `"` (and, in documents, `-`), with
/// single spaces between words (a space is its own normalised form), short
/// of a last character that combining marks after it would change, and of
/// a last space (white space is only written before the next word). Most
/// source text is such runs, copied whole.
fn plain_ascii_run(bytes: &[u8], document: bool) -> usize {
    let mut run = 0;
    let mut after_space = true;
    for &b in bytes {
        let plain = match b {
            b' ' => !after_space,
            b'"' => false,
            b'-' => !document,
            _ => b.is_ascii_graphic(),
        };
        if !plain {
            break;
        }
        after_space = b == b' ';
        run += 1;
    }
    if bytes.get(run).is_some_and(|&b| !b.is_ascii()) {
        run = run.saturating_sub(1);
    }
    if run > 0 && bytes[run - 1] == b' ' {
        run -= 1;
    }
    run
}

/// Whether `c` starts a new NFKC cluster (canonical combining class 0).
/// Nothing below U+0300 combines: most text never reaches the table.
fn is_starter(c: char) -> bool {
    c < '\u{300}' || canonical_combining_class(c) == 0
}

/// Whether NFKC leaves `c`, standing alone, as it is, so the common case
/// skips the decomposition machinery.
fn is_nfkc_stable(c: char) -> bool {
    c.is_ascii()
        || unicode_normalization::is_nfkc_quick(std::iter::once(c))
            == unicode_normalization::IsNormalized::Yes
}

/// The length of the white space after a hyphen, when it holds a line break
/// and a letter follows: the hyphen ends a line inside a word.
fn line_end_break(after: &str) -> Option<usize> {
    let space = after.len() - after.trim_start().len();
    let next = after[space..].chars().next()?;
    (after[..space].contains('\n') && next.is_alphabetic()).then_some(space)
}

struct Builder {
    text: String,
    anchors: Vec<(usize, usize)>,
    /// A run of white space seen but not yet written: its raw offset.
    pending_space: Option<usize>,
    soft_hyphens: Vec<usize>,
}

impl Builder {
    /// Whether the text so far ends in a letter or digit (no space pending).
    fn ends_in_word(&self) -> bool {
        self.pending_space.is_none()
            && self
                .text
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
    }

    fn soft_hyphen(&mut self) {
        self.soft_hyphens.push(self.text.len());
    }

    fn push(&mut self, c: char, raw: usize) {
        if c.is_whitespace() {
            self.pending_space.get_or_insert(raw);
            return;
        }
        let folded = match fold(c) {
            Fold::Drop => return,
            Fold::Keep => None,
            Fold::Into(s) => Some(s),
        };
        self.write_pending_space();
        match folded {
            None => self.emit(c, raw),
            Some(s) => s.chars().for_each(|f| self.emit(f, raw)),
        }
    }

    /// Writes a run of [`plain_ascii_run`] text that starts at `raw`.
    fn push_plain(&mut self, run: &str, raw: usize) {
        self.write_pending_space();
        self.anchor(raw);
        self.text.push_str(run);
    }

    /// Writes the white space seen before the word about to be written, as
    /// one space (none at the start of the text).
    fn write_pending_space(&mut self) {
        if let Some(space) = self.pending_space.take()
            && !self.text.is_empty()
        {
            self.emit(' ', space);
        }
    }

    /// Records where the next normalised character comes from, when the
    /// offset between the texts changes there.
    fn anchor(&mut self, raw: usize) {
        let normalised = self.text.len();
        let expected = match self.anchors.last() {
            Some(&(n, r)) => r + (normalised - n),
            None => normalised,
        };
        if expected != raw {
            self.anchors.push((normalised, raw));
        }
    }

    fn emit(&mut self, c: char, raw: usize) {
        self.anchor(raw);
        self.text.push(c);
    }
}

enum Fold {
    Drop,
    Keep,
    Into(&'static str),
}

fn is_double_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '”' | '„' | '«' | '»' | '‹' | '›' | '″' | '‟' | '＂'
    )
}

/// Steps 2 to 4 for one character already folded by NFKC.
fn fold(c: char) -> Fold {
    match c {
        c if is_double_quote(c) => Fold::Drop,
        '\'' => Fold::Keep,
        '‘' | '’' | '‚' | '′' | 'ʼ' | '‛' => Fold::Into("'"),
        '‐' | '‑' | '‒' | '–' | '—' | '−' => Fold::Into("-"),
        '…' => Fold::Into("..."),
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => Fold::Drop,
        _ => Fold::Keep,
    }
}

/// Text with case and accents folded, for searching by words (`clerk
/// find`), with a map back to the text it folds. Quote matching never
/// folds them: a quote must keep the source's case and accents.
#[derive(Debug, Clone)]
pub struct Folded {
    text: String,
    /// Points where the offset between folded and original text changes:
    /// `(folded byte, original byte)`, sorted by both.
    anchors: Vec<(usize, usize)>,
    len: usize,
}

impl Folded {
    /// Folds `text`: lower case, then canonical decomposition with the
    /// combining marks dropped (`Boîte` gives `boite`, `İ` gives `i`), and
    /// the final sigma as any other (`ς` gives `σ`).
    pub fn new(text: &str) -> Self {
        let mut folded = Folded {
            text: String::with_capacity(text.len()),
            anchors: Vec::new(),
            len: text.len(),
        };
        for (at, c) in text.char_indices() {
            if c.is_ascii() {
                folded.push(c.to_ascii_lowercase(), at);
                continue;
            }
            for lower in c.to_lowercase() {
                for part in std::iter::once(lower).nfd() {
                    if canonical_combining_class(part) != 0 {
                        continue;
                    }
                    folded.push(if part == 'ς' { 'σ' } else { part }, at);
                }
            }
        }
        folded
    }

    fn push(&mut self, c: char, original: usize) {
        let at = self.text.len();
        let expected = match self.anchors.last() {
            Some(&(f, o)) => o + (at - f),
            None => at,
        };
        // Every character of an expansion (`한` into its three jamo) points
        // at the one it comes from.
        if expected != original {
            self.anchors.push((at, original));
        }
        self.text.push(c);
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a byte offset of the folded text to the offset in the original
    /// of the character it comes from (the end maps to the end).
    pub fn original_offset(&self, folded: usize) -> usize {
        if folded >= self.text.len() {
            return self.len;
        }
        let index = self.anchors.partition_point(|&(f, _)| f <= folded);
        match index.checked_sub(1).map(|i| self.anchors[i]) {
            Some((f, o)) => o + (folded - f),
            None => folded,
        }
    }

    /// Maps a folded byte range to the original range it covers.
    pub fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        let start = self.original_offset(folded.start);
        start..self.original_offset(folded.end).max(start)
    }
}

/// Where a quote was found in its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Byte range in the raw source text, from the first piece's start to
    /// the last piece's end.
    pub raw: Range<usize>,
    /// Byte range in the normalised source text.
    pub normalised: Range<usize>,
}

/// Why a quote did not match, with the closest passage for the failing piece.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    /// The normalised piece that could not be placed (the whole quote when
    /// it has no elision).
    pub piece: String,
    /// 0-based index of that piece, and how many pieces the quote has.
    pub piece_index: usize,
    pub pieces: usize,
    /// The closest passage of the source, if the source has any text.
    pub nearest: Option<NearMiss>,
    /// The search stopped at its budget: the pieces are too short or too
    /// common to place.
    pub gave_up: bool,
}

/// The passage of a source closest to a piece of quote.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    /// Byte range in the raw source text.
    pub raw: Range<usize>,
    /// The passage, normalised.
    pub text: String,
    /// 1 minus the edit distance over the piece length, in 0..=1.
    pub similarity: f64,
}

/// Splits a normalised quote into its elided pieces (empty pieces dropped).
pub fn pieces(normalised_quote: &str) -> Vec<&str> {
    normalised_quote
        .split(ELISION)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Finds the first occurrence of `quote` (raw, as written in the dossier) in
/// `source`, honouring elisions.
pub fn find(source: &Normalised, quote: &str) -> Result<Match, Miss> {
    let quote = source.quote(quote);
    let pieces = pieces(quote.as_str());
    if pieces.is_empty() {
        return Err(Miss {
            piece: String::new(),
            piece_index: 0,
            pieces: 0,
            nearest: None,
            gave_up: false,
        });
    }
    let text = source.as_str();
    let miss = |failing: usize, gave_up: bool| Miss {
        piece: pieces[failing].to_string(),
        piece_index: failing,
        pieces: pieces.len(),
        nearest: nearest(source, pieces[failing]),
        gave_up,
    };
    // The pieces must at least occur in order, gaps aside: a cheap check
    // that names a missing piece at once.
    let mut at = 0;
    for (index, piece) in pieces.iter().enumerate() {
        match source.find_piece(piece, at, text.len()) {
            Some(found) => at = found.end,
            None => return Err(miss(index, false)),
        }
    }
    let mut search = Search {
        source,
        pieces: &pieces,
        dead: std::collections::HashSet::new(),
        deepest: 0,
        budget: SEARCH_BUDGET,
    };
    let mut from = 0;
    while let Some(first) = search.find(0, from, text.len()) {
        if let Some(last_end) = search.place(1, first.end) {
            let normalised = first.start..last_end;
            return Ok(Match {
                raw: source.raw_range(normalised.clone()),
                normalised,
            });
        }
        from = first.start + next_char_len(text, first.start);
    }
    Err(miss(search.deepest, search.budget == 0))
}

/// Every place where `phrase` (raw, read as a quote without elisions)
/// occurs in `source`, as normalised byte ranges, without overlaps, at
/// most `limit` of them: the exact hits `clerk find` offers.
pub fn occurrences(source: &Normalised, phrase: &str, limit: usize) -> Vec<Range<usize>> {
    let phrase = source.quote(phrase);
    let phrase = phrase.as_str().trim();
    let text = source.as_str();
    let mut found = Vec::new();
    let mut from = 0;
    while found.len() < limit
        && !phrase.is_empty()
        && let Some(hit) = source.find_piece(phrase, from, text.len())
    {
        from = hit.end.max(hit.start + next_char_len(text, hit.start));
        found.push(hit);
    }
    found
}

/// Most piece searches one quote may cost. Text in which every piece of a
/// many-piece quote occurs everywhere, but the whole never within the gaps,
/// would otherwise cost time growing with the source times the pieces; past
/// the budget the quote is reported as not placed.
const SEARCH_BUDGET: usize = 100_000;

struct Search<'a> {
    source: &'a Normalised,
    pieces: &'a [&'a str],
    /// `(piece, previous end)` pairs already known to lead nowhere, so
    /// repeated text cannot make the search exponential.
    dead: std::collections::HashSet<(usize, usize)>,
    /// The furthest piece that could not be placed, for the diagnostic.
    deepest: usize,
    /// Piece searches left.
    budget: usize,
}

impl Search<'_> {
    /// Searches piece `index`, if the budget allows.
    fn find(&mut self, index: usize, from: usize, last_start: usize) -> Option<Range<usize>> {
        self.budget = self.budget.checked_sub(1)?;
        self.source.find_piece(self.pieces[index], from, last_start)
    }

    /// Places pieces `index..` after `previous_end`; returns the last end.
    fn place(&mut self, index: usize, previous_end: usize) -> Option<usize> {
        if index == self.pieces.len() {
            return Some(previous_end);
        }
        if self.dead.contains(&(index, previous_end)) {
            return None;
        }
        let text = self.source.as_str();
        let last_start = advance_chars(text, previous_end, MAX_ELISION_GAP);
        let mut from = previous_end;
        while let Some(found) = self.find(index, from, last_start) {
            if let Some(end) = self.place(index + 1, found.end) {
                return Some(end);
            }
            from = found.start + next_char_len(text, found.start);
        }
        self.deepest = self.deepest.max(index);
        self.dead.insert((index, previous_end));
        None
    }
}

fn next_char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

/// The byte offset `count` characters after `from` (or the end of `text`).
fn advance_chars(text: &str, from: usize, count: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(count)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Finds the passage of `source` closest to `piece` by edit distance, with
/// Myers' bit-parallel algorithm (linear in the source length). A long
/// piece is first located by three short anchors (from its start, middle
/// and end), then measured in full around each place they point to, so the
/// cost stays linear in the source rather than in source times piece.
pub fn nearest(source: &Normalised, piece: &str) -> Option<NearMiss> {
    let text = source.as_str().as_bytes();
    let piece_bytes = piece.as_bytes();
    if text.is_empty() || piece.is_empty() {
        return None;
    }
    let (start, end, distance) = if piece_bytes.len() <= 4 * ANCHOR_LEN {
        closest_passage(text, piece_bytes, 0..text.len())
    } else {
        let len = piece_bytes.len();
        let slack = len / 4 + 64;
        [0, (len - ANCHOR_LEN) / 2, len - ANCHOR_LEN]
            .into_iter()
            .map(|anchor_at| {
                let anchor = &piece_bytes[anchor_at..anchor_at + ANCHOR_LEN];
                let (last, _) = Myers::<u64>::new(anchor).find_best_end(text);
                // Where the piece would start, were the anchor in place there.
                let guess = (last + 1).saturating_sub(anchor_at + ANCHOR_LEN);
                let window = guess.saturating_sub(slack)..(guess + len + slack).min(text.len());
                closest_passage(text, piece_bytes, window)
            })
            .min_by_key(|&(start, _, distance)| (distance, start))
            .expect("three anchors")
    };
    let text = source.as_str();
    let start = floor_char_boundary(text, start);
    let end = ceil_char_boundary(text, end.max(start));
    // Shown to people: whole words, not "ract was a".
    let (start, end) = widen_to_words(text, start, end);
    let similarity = 1.0 - (distance as f64 / piece.len().max(1) as f64);
    Some(NearMiss {
        raw: source.raw_range(start..end),
        text: text[start..end].to_string(),
        similarity: similarity.clamp(0.0, 1.0),
    })
}

/// Widens `start..end` of `text` to the word boundaries around it, by at
/// most [`WORD_SLACK`] bytes on each side.
fn widen_to_words(text: &str, start: usize, end: usize) -> (usize, usize) {
    let is_break = |c: char| c.is_whitespace();
    let before = &text[..start];
    let start = match before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| !is_break(c))
        .last()
    {
        Some((at, _)) if start - at <= WORD_SLACK => at,
        _ => start,
    };
    let after = &text[end..];
    let grown = after.find(is_break).unwrap_or(after.len());
    let end = if grown <= WORD_SLACK {
        end + grown
    } else {
        end
    };
    (start, end)
}

/// How far a near miss is widened to reach a word boundary.
const WORD_SLACK: usize = 48;

/// Bytes of a long piece used to locate it.
const ANCHOR_LEN: usize = 128;

/// The passage of `text[window]` closest to `piece`: its byte range in
/// `text` and its edit distance.
fn closest_passage(text: &[u8], piece: &[u8], window: Range<usize>) -> (usize, usize, usize) {
    let forward = Myers::<u64>::new(piece);
    let (last, distance) = forward.find_best_end(&text[window.clone()]);
    let end = window.start + last + 1;
    // Walk back over a window twice the piece's length with the reversed
    // pattern to find where the best passage starts.
    let back_start = end.saturating_sub(piece.len() * 2 + 8).max(window.start);
    let reversed_piece: Vec<u8> = piece.iter().rev().copied().collect();
    let reversed_text: Vec<u8> = text[back_start..end].iter().rev().copied().collect();
    let (back_last, _) = Myers::<u64>::new(reversed_piece).find_best_end(&reversed_text);
    let start = end.saturating_sub(back_last + 1).max(back_start);
    (start, end, distance)
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Line, paragraph and page numbers of a text, for locators, and the
/// document's own paragraph numbers and notes where it has them.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Paragraph of each line (0 for a blank line).
    paragraphs: Vec<u32>,
    /// Byte offsets where each page starts, for text extracted from a PDF.
    page_starts: Option<Vec<usize>>,
    /// The document's own number of each paragraph that has one, by
    /// paragraph (see [`LineIndex::with_numbers`]); the paragraphs between
    /// take the number before them.
    numbers: BTreeMap<u32, String>,
    /// Footnote and endnote text: byte ranges and each note's mark, in
    /// order.
    notes: Vec<(Range<usize>, String)>,
    /// For text rendered from a file (Markdown), the file's line of each
    /// line, so locators point at the file.
    source_lines: Option<Vec<usize>>,
}

/// Where a passage lies in its source: 1-based line and paragraph where it
/// starts, the page (and the last page, when it runs on) for a paged
/// document, the document's own paragraph number and the note it is in,
/// where the document has them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Locator {
    pub line: usize,
    pub paragraph: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// The page the passage ends on, when it is not the one it starts on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_page: Option<usize>,
    /// The document's own number of the paragraph ("78", "9.1", "(a)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The mark of the footnote or endnote the passage is in ("12").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How a source's passages are cited after the reference number: the
/// record's `cite-by`, or what suits the document when it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CiteBy {
    /// Pages for a paged document, paragraphs otherwise.
    #[default]
    Default,
    /// `p. 14`, `pp. 23–24`.
    Page,
    /// `¶4`, counted as `clerk text` counts paragraphs.
    Paragraph,
    /// The document's own paragraph numbers: `para. 78`.
    ParagraphNumber,
}

impl Locator {
    /// The locator as a citation prints it after the reference number:
    /// `p. 14` (or `pp. 23–24`) for a paged document, `¶4` otherwise, with
    /// the document's own number beside the count (`¶37 (9.1)`); `para. 78`
    /// when the source is cited by its paragraph numbers (`word` is the
    /// word before the number); `fn. 12` inside a note.
    pub fn cited(&self, by: CiteBy, word: &str) -> String {
        let pages = self.page.map(|page| match self.end_page {
            Some(end) if end > page => format!("pp. {page}\u{2013}{end}"),
            _ => format!("p. {page}"),
        });
        let base = match (by, &self.number, &pages) {
            (CiteBy::ParagraphNumber, Some(number), _) => format!("{word} {number}"),
            (CiteBy::Page | CiteBy::Default | CiteBy::ParagraphNumber, _, Some(pages)) => {
                pages.clone()
            }
            (_, Some(number), _) => format!("\u{b6}{} ({number})", self.paragraph),
            _ => format!("\u{b6}{}", self.paragraph),
        };
        match &self.note {
            Some(note) => format!("{base}, fn. {note}"),
            None => base,
        }
    }
}

impl LineIndex {
    /// Indexes the lines of `text`; paragraphs are blocks of non-blank lines.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut paragraphs = Vec::with_capacity(line_starts.len());
        let mut paragraph = 0;
        let mut previous_blank = true;
        for (i, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
            let blank = text[start..end].trim().is_empty();
            if blank {
                paragraphs.push(0);
            } else {
                if previous_blank {
                    paragraph += 1;
                }
                paragraphs.push(paragraph);
            }
            previous_blank = blank;
        }
        LineIndex {
            line_starts,
            paragraphs,
            page_starts: None,
            numbers: BTreeMap::new(),
            notes: Vec::new(),
            source_lines: None,
        }
    }

    /// Indexes a paged text whose pages start at the byte offsets
    /// `page_starts` (the first is 0).
    pub fn with_pages(text: &str, page_starts: Vec<usize>) -> Self {
        LineIndex {
            page_starts: Some(page_starts),
            ..LineIndex::new(text)
        }
    }

    /// Records the document's own paragraph numbers: each entry is the byte
    /// offset where a numbered paragraph starts and its number as the
    /// document shows it. A paragraph without a number of its own carries
    /// the number of the last one before it (a numbered paragraph's
    /// continuation, as lawyers cite it).
    pub fn with_numbers(mut self, numbers: &[(usize, String)]) -> Self {
        self.set_numbers(numbers);
        self
    }

    /// As [`LineIndex::with_numbers`], in place.
    pub fn set_numbers(&mut self, numbers: &[(usize, String)]) {
        for (at, number) in numbers {
            let line = self.line_of(*at);
            if let Some(&paragraph) = self.paragraphs[line - 1..].iter().find(|&&p| p != 0) {
                self.numbers
                    .entry(paragraph)
                    .or_insert_with(|| number.clone());
            }
        }
    }

    /// The number a paragraph is cited by: its own, else that of the last
    /// numbered paragraph before it.
    fn number_of(&self, paragraph: u32) -> Option<&String> {
        self.numbers.range(..=paragraph).next_back().map(|(_, n)| n)
    }

    /// Makes locators name the file's lines: `source_lines[i]` is the
    /// 1-based line of the file that line `i + 1` of the text comes from.
    pub fn map_lines(&mut self, source_lines: Vec<usize>) {
        if source_lines.len() == self.line_starts.len() {
            self.source_lines = Some(source_lines);
        }
    }

    /// The file's line for 1-based line `line` of the text.
    pub fn source_line(&self, line: usize) -> usize {
        self.source_lines
            .as_ref()
            .and_then(|lines| lines.get(line - 1).copied())
            .unwrap_or(line)
    }

    /// Whether the document numbers its own paragraphs.
    pub fn has_numbers(&self) -> bool {
        !self.numbers.is_empty()
    }

    /// Records where the document's notes are: byte ranges of note text
    /// and each note's mark.
    pub fn with_notes(mut self, notes: Vec<(Range<usize>, String)>) -> Self {
        self.notes = notes;
        self.notes.sort_by_key(|(range, _)| range.start);
        self
    }

    /// The 1-based page that holds the byte offset `at`, for paged text.
    pub fn page(&self, at: usize) -> Option<usize> {
        let starts = self.page_starts.as_ref()?;
        Some(starts.partition_point(|&s| s <= at).max(1))
    }

    /// The byte offset where 1-based line `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line - 1]
    }

    /// The number of lines.
    pub fn lines(&self) -> usize {
        self.line_starts.len()
    }

    /// The paragraph of 1-based line `line`, `None` for a blank line.
    pub fn paragraph_of_line(&self, line: usize) -> Option<usize> {
        let paragraph = self.paragraphs[line - 1];
        (paragraph != 0).then_some(paragraph as usize)
    }

    /// The 1-based line that holds the raw byte offset `at` (a line's
    /// break belongs to it).
    pub fn line_of(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= at).max(1)
    }

    /// The locator of the raw byte offset `at`.
    pub fn locate(&self, at: usize) -> Locator {
        self.locate_range(at..at)
    }

    /// The locator of the raw byte range `range`: where it starts, and the
    /// page it ends on when that is a later one.
    pub fn locate_range(&self, range: Range<usize>) -> Locator {
        let at = range.start;
        let line = self.line_of(at);
        // A match never starts on a blank line; fall back to the next
        // paragraph if an offset does.
        let paragraph = self.paragraphs[line - 1..]
            .iter()
            .copied()
            .find(|&p| p != 0)
            .unwrap_or(*self.paragraphs.iter().max().unwrap_or(&0));
        let page = self.page(at);
        let end_page = self
            .page(range.end.saturating_sub(1).max(at))
            .filter(|end| Some(*end) > page);
        let note = self
            .notes
            .iter()
            .find(|(note, _)| note.contains(&at))
            .map(|(_, mark)| mark.clone());
        Locator {
            line: self.source_line(line),
            paragraph: (paragraph as usize).max(1),
            page,
            end_page,
            number: self.number_of(paragraph).cloned(),
            note,
        }
    }

    /// The raw byte range of 1-based line `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(text.len(), |&next| next - 1);
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_miss_is_shown_in_whole_words() {
        let text = "The contract was awarded without a tender, the ministry said.";
        let near = nearest(&Normalised::new(text), "ract was a").unwrap();
        assert_eq!(near.text, "contract was awarded");
        assert_eq!(&text[near.raw.clone()], "contract was awarded");
    }

    fn norm(s: &str) -> String {
        Normalised::new(s).as_str().to_string()
    }

    #[test]
    fn folds_quotes_dashes_spaces_and_ligatures() {
        assert_eq!(norm("  «\u{a0}Bonjour\u{a0}»  "), "Bonjour");
        assert_eq!(norm("l’Assemblée — “vraiment”"), "l'Assemblée - vraiment");
        assert_eq!(norm("e\u{ad}ffi\u{200b}cient ﬁne…"), "efficient fine...");
        assert_eq!(norm("a\r\n\r\n\tb"), "a b");
        assert_eq!(norm("1″"), "1");
    }

    #[test]
    fn nfkc_composes_combining_marks() {
        assert_eq!(norm("e\u{301}te\u{301}"), "été");
    }

    #[test]
    fn folding_drops_case_and_accents_and_maps_back() {
        let text = "Les BOÎTES noires d’İzmir, e\u{301}te\u{301} ΟΔΟΣ οδός 한국";
        let folded = Folded::new(text);
        assert_eq!(
            folded.as_str(),
            "les boites noires d’izmir, ete οδοσ οδοσ 한국"
                .replace("한국", "\u{1112}\u{1161}\u{11ab}\u{1100}\u{116e}\u{11a8}")
        );
        let at = folded.as_str().find("boites noires").unwrap();
        let range = folded.original_range(at..at + "boites noires".len());
        assert_eq!(&text[range], "BOÎTES noires");
        let at = folded.as_str().find("izmir").unwrap();
        assert_eq!(&text[folded.original_range(at..at + 5)], "İzmir");
        let at = folded.as_str().find("ete").unwrap();
        assert_eq!(
            &text[folded.original_range(at..at + 3)],
            "e\u{301}te\u{301}"
        );
        let at = folded.as_str().find('\u{1100}').unwrap();
        assert_eq!(
            &text[folded.original_range(at..folded.as_str().len())],
            "국"
        );
    }

    #[test]
    fn maps_offsets_back_to_raw_text() {
        let raw = "Le  «\u{a0}monde\u{a0}» est\r\n  vaste";
        let n = Normalised::new(raw);
        let m = find(&n, "monde est vaste").unwrap();
        assert_eq!(&raw[m.raw.clone()], "monde\u{a0}» est\r\n  vaste");
    }

    #[test]
    fn matches_across_hard_line_breaks() {
        let source = Normalised::new(
            "relatifs au statut des pays et territoires d’outre-mer, \n\nVu la loi",
        );
        assert!(find(&source, "territoires d'outre-mer, Vu la loi").is_ok());
    }

    #[test]
    fn guillemets_match_straight_quotes_and_mismatched_pairs() {
        let source = Normalised::new("Le ministre dénonce « une ingérence » étrangère.");
        assert!(find(&source, "\"une ingérence\" étrangère").is_ok());
        assert!(find(&source, "“une ingérence » étrangère").is_ok());
        // The marks go, the spaces inside French guillemets stay (step 5
        // folds them, it does not remove them).
        let source = Normalised::new("il parle d’« ingérence » étrangère");
        assert!(find(&source, "d'\"ingérence\" étrangère").is_err());
        assert!(find(&source, "d'« ingérence » étrangère").is_ok());
    }

    #[test]
    fn elision_pieces_must_be_in_order_and_close() {
        let source = Normalised::new("one two three four five");
        assert!(find(&source, "one […] four").is_ok());
        assert!(find(&source, "one [...] three [...] five").is_ok());
        let miss = find(&source, "four […] one").unwrap_err();
        assert_eq!(miss.piece, "one");
        assert_eq!(miss.piece_index, 1);
        let far = format!("start {} end", "x".repeat(MAX_ELISION_GAP + 5));
        let source = Normalised::new(&far);
        assert!(find(&source, "start [...] end").is_err());
        let near = format!("start {} end", "x".repeat(MAX_ELISION_GAP - 10));
        assert!(find(&Normalised::new(&near), "start [...] end").is_ok());
    }

    #[test]
    fn elision_backtracks_to_a_later_first_piece() {
        let filler = "y".repeat(MAX_ELISION_GAP + 10);
        let source = Normalised::new(&format!("alpha {filler} alpha beta"));
        let m = find(&source, "alpha […] beta").unwrap();
        assert!(m.normalised.start > 0);
    }

    #[test]
    fn first_occurrence_is_the_match() {
        let source = Normalised::new("repeat\n\nrepeat");
        let m = find(&source, "repeat").unwrap();
        assert_eq!(m.raw, 0..6);
    }

    #[test]
    fn locates_lines_and_paragraphs() {
        let text = "\n\nfirst para\nstill first\n   \nsecond\n\n\nthird";
        let index = LineIndex::new(text);
        let at = text.find("still").unwrap();
        assert_eq!(
            index.locate(at),
            Locator {
                line: 4,
                paragraph: 1,
                page: None,
                end_page: None,
                number: None,
                note: None,
            }
        );
        let at = text.find("third").unwrap();
        assert_eq!(
            index.locate(at),
            Locator {
                line: 9,
                paragraph: 3,
                page: None,
                end_page: None,
                number: None,
                note: None,
            }
        );
    }

    #[test]
    fn a_match_inside_a_ligature_covers_the_ligature() {
        let source = Normalised::new("ﬁﬁ x");
        let m = find(&source, "f").unwrap();
        assert_eq!(m.raw, 0.."ﬁ".len());
        let m = find(&source, "ifi").unwrap();
        assert_eq!(m.raw, 0.."ﬁﬁ".len());
    }

    #[test]
    fn a_passage_across_pages_is_cited_by_both() {
        let text = "one\n\ntwo runs\non\n\nthree";
        let starts = vec![0, text.find("two").unwrap(), text.find("on\n").unwrap()];
        let index = LineIndex::with_pages(text, starts);
        let start = text.find("runs").unwrap();
        let locator = index.locate_range(start..text.find("on\n").unwrap() + 2);
        assert_eq!((locator.page, locator.end_page), (Some(2), Some(3)));
        assert_eq!(locator.cited(CiteBy::Default, "para."), "pp. 2\u{2013}3");
        let within = index.locate_range(start..start + 4);
        assert_eq!(within.cited(CiteBy::Default, "para."), "p. 2");
    }

    #[test]
    fn numbered_paragraphs_carry_on_until_the_next_number() {
        let text = "Intro\n\n78. The court\n\nquoted text\n\n79. Then";
        let index = LineIndex::new(text).with_numbers(&[
            (text.find("78.").unwrap(), "78".to_string()),
            (text.find("79.").unwrap(), "79".to_string()),
        ]);
        let cite = |word: &str| {
            index
                .locate(text.find(word).unwrap())
                .cited(CiteBy::ParagraphNumber, "para.")
        };
        assert_eq!(cite("Intro"), "\u{b6}1");
        assert_eq!(cite("court"), "para. 78");
        assert_eq!(cite("quoted"), "para. 78");
        assert_eq!(cite("Then"), "para. 79");
        let by_count = index.locate(text.find("court").unwrap());
        assert_eq!(by_count.cited(CiteBy::Default, "para."), "\u{b6}2 (78)");
    }

    #[test]
    fn a_passage_in_a_note_names_the_note() {
        let text = "Body.\n\n12 The note text.";
        let start = text.find("12").unwrap();
        let index = LineIndex::new(text).with_notes(vec![(start..text.len(), "12".into())]);
        let cited = index
            .locate(text.find("note").unwrap())
            .cited(CiteBy::Default, "para.");
        assert_eq!(cited, "\u{b6}2, fn. 12");
    }

    #[test]
    fn pages_locate_offsets() {
        let text = "page one\n\npage two\nmore\n\npage three";
        let starts = vec![
            0,
            text.find("page two").unwrap(),
            text.find("page three").unwrap(),
        ];
        let index = LineIndex::with_pages(text, starts);
        assert_eq!(index.locate(text.find("more").unwrap()).page, Some(2));
        assert_eq!(index.locate(0).page, Some(1));
        assert_eq!(index.locate(text.len() - 1).page, Some(3));
        assert_eq!(
            index
                .locate(text.find("more").unwrap())
                .cited(CiteBy::Default, "para."),
            "p. 2"
        );
    }

    #[test]
    fn document_hyphens_at_line_ends_are_optional() {
        // Typeset text: "re-ports" is hyphenated by the typesetter,
        // "cross-references" by its author; both break at a line end.
        let raw = "the many cross-\nreferences between parliamentary re-\nports, which";
        let doc = Normalised::document(raw);
        assert_eq!(
            doc.as_str(),
            "the many crossreferences between parliamentary reports, which"
        );
        let m = find(&doc, "cross-references between parliamentary reports").unwrap();
        assert_eq!(
            &raw[m.raw],
            "cross-\nreferences between parliamentary re-\nports"
        );
        assert!(find(&doc, "parliamentary reports").is_ok());
        assert!(find(&doc, "parliamentary re-ports").is_ok());
        // A quote copied from a viewer keeps the break: read the same way.
        assert!(find(&doc, "parliamentary re-\nports, which").is_ok());
        // Elsewhere a hyphen is no wildcard.
        assert!(find(&doc, "the-many").is_err());
        assert!(find(&doc, "between parliamentary-reports").is_err());
        // A dash after a space is no hyphenation.
        let dash = Normalised::document("yes -\nno");
        assert_eq!(dash.as_str(), "yes - no");
        // Plain text keeps its hyphens as written.
        assert_eq!(
            Normalised::new(raw).as_str(),
            "the many cross- references between parliamentary re- ports, which"
        );
    }

    #[test]
    fn document_hyphens_work_inside_elisions() {
        let raw = "The commit-\ntee finds that [x] the effect-\niveness of counter-\nmeasures";
        let doc = Normalised::document(raw);
        assert!(
            find(
                &doc,
                "The committee finds […] the effectiveness of counter-measures"
            )
            .is_ok()
        );
        assert!(find(&doc, "committee […] countermeasures").is_ok());
        let quote = "committee […] effectiveness";
        let m = find(&doc, quote).unwrap();
        assert_eq!(
            &raw[m.raw],
            "commit-\ntee finds that [x] the effect-\niveness"
        );
    }

    #[test]
    fn occurrences_are_every_hit_soft_hyphens_included() {
        let doc = Normalised::document("a cross-\nreference, one cross-reference, and\nreferences");
        let hits = occurrences(&doc, "cross-reference", 10);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(occurrences(&doc, "reference", 1).len(), 1);
        assert!(occurrences(&doc, "\"\"", 10).is_empty());
    }

    #[test]
    fn near_miss_finds_the_closest_passage() {
        let source = Normalised::new(
            "Nothing here. The minister said interference was a reality. More text.",
        );
        let miss = find(&source, "the minister said interference is a reality").unwrap_err();
        let near = miss.nearest.unwrap();
        assert!(
            near.text
                .contains("minister said interference was a reality"),
            "{near:?}"
        );
        assert!(near.similarity > 0.85 && near.similarity < 1.0, "{near:?}");
    }

    #[test]
    fn near_miss_scans_a_large_source() {
        let paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
        let big = paragraph.repeat(5 * 1024 * 1024 / paragraph.len());
        let source = Normalised::new(&big);
        let quote: String =
            "The government denies any involvement in the riots and rejects the claims. ".repeat(4);
        let miss = find(&source, &quote).unwrap_err();
        let near = miss.nearest.unwrap();
        assert!(near.similarity < 0.5, "{near:?}");
        assert!(near.raw.end <= big.len());
    }
}
