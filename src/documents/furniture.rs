//! Page furniture: the lines at the top and bottom of a PDF's pages that
//! are not its text (running headers and footers, page numbers), found by
//! where they stand as well as by what they say.
//!
//! A line is furniture when it is one of the few lines nearest the top or
//! bottom edge of its page, in the outer part of the page, and either is a
//! page number ("2", "- 2 -", "Page 2", "2/12", "Page 2 sur 12") or comes
//! back at the same place on at least half of the pages, numbers inside it
//! aside ("Décision n° 2025-1 – Page 3"). Lines are taken from the edge
//! inwards and the first that is not furniture stops the walk, so no line
//! between two lines of text is ever left out. Repetition needs three pages
//! or more, or a number that changes from page to page: in a one- or
//! two-page document, the same line twice is as likely text as furniture.

use std::collections::HashMap;

use super::Page;

/// How many lines from each edge of a page may be furniture.
const EDGE_LINES: usize = 4;

/// The part of the page's height, from each edge, where furniture stands.
const MARGIN: f64 = 0.18;

/// Where a line of furniture stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Place {
    Top,
    Bottom,
}

/// For each page, for each of its lines, whether it is furniture and where.
pub(super) fn find(pages: &[Page]) -> Vec<Vec<Option<Place>>> {
    let edges: Vec<[Vec<usize>; 2]> = pages
        .iter()
        .map(|page| [edge(page, Place::Top), edge(page, Place::Bottom)])
        .collect();
    let repeated = repeated(pages, &edges);
    pages
        .iter()
        .zip(&edges)
        .enumerate()
        .map(|(number, (page, edges))| {
            let mut marks = vec![None; page.lines.len()];
            for (place, edge) in [Place::Top, Place::Bottom].into_iter().zip(edges) {
                for &index in edge {
                    let line = &page.lines[index];
                    let furniture = is_page_number(&line.text)
                        || repeated.contains(&(number, index))
                        || line.text.trim().is_empty();
                    if !furniture {
                        break;
                    }
                    marks[index] = Some(place);
                }
            }
            marks
        })
        .collect()
}

/// The indices of the page's lines nearest `place`, nearest first, as far
/// as the page's margin and [`EDGE_LINES`] reach.
fn edge(page: &Page, place: Place) -> Vec<usize> {
    let mut order: Vec<usize> = (0..page.lines.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (page.lines[a].baseline, page.lines[b].baseline);
        match place {
            Place::Top => a.total_cmp(&b),
            Place::Bottom => b.total_cmp(&a),
        }
    });
    let margin = MARGIN * page.height;
    order
        .into_iter()
        .take_while(|&index| {
            let baseline = page.lines[index].baseline;
            match place {
                Place::Top => baseline <= margin,
                Place::Bottom => baseline >= page.height - margin,
            }
        })
        .take(EDGE_LINES)
        .collect()
}

/// The lines at the edges of pages that come back at the same place on at
/// least half of the pages that have text, as (page index, line index).
fn repeated(pages: &[Page], edges: &[[Vec<usize>; 2]]) -> Vec<(usize, usize)> {
    // Lines with the same shape on the same edge, wherever they stand.
    let mut groups: HashMap<(Place, String), Vec<(usize, usize)>> = HashMap::new();
    for (number, edges) in edges.iter().enumerate() {
        for (place, edge) in [Place::Top, Place::Bottom].into_iter().zip(edges) {
            for &index in edge {
                let shape = shape(&pages[number].lines[index].text);
                if !shape.is_empty() {
                    groups
                        .entry((place, shape))
                        .or_default()
                        .push((number, index));
                }
            }
        }
    }
    let with_text = pages.iter().filter(|p| !p.lines.is_empty()).count();
    let mut found = Vec::new();
    for members in groups.values() {
        let line = |&(page, index): &(usize, usize)| &pages[page].lines[index];
        // At the same place: within half a line of the group's middle.
        let mut baselines: Vec<f64> = members.iter().map(|m| line(m).baseline).collect();
        baselines.sort_by(f64::total_cmp);
        let middle = baselines[baselines.len() / 2];
        let placed: Vec<(usize, usize)> = members
            .iter()
            .filter(|m| (line(m).baseline - middle).abs() <= 0.5 * line(m).size.max(2.0))
            .copied()
            .collect();
        let mut on_pages: Vec<usize> = placed.iter().map(|&(page, _)| page).collect();
        on_pages.dedup();
        let count = on_pages.len();
        let texts_differ = placed
            .iter()
            .any(|m| line(m).text.trim() != line(&placed[0]).text.trim());
        if count >= 2 && 2 * count >= with_text && (with_text >= 3 || texts_differ) {
            found.extend(placed);
        }
    }
    found.sort_unstable();
    found
}

/// A line's shape: its words, lower-cased, every run of digits as `#`.
fn shape(text: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
    {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether a line is only a page number: `7`, `- 7 -`, `– vii –`,
/// `Page 7`, `p. 7`, `7/12`, `7 / 12`, `Page 7 of 12`, `Page 7 sur 12`.
pub(super) fn is_page_number(text: &str) -> bool {
    let decoration = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '-' | '–' | '—' | '‒' | '·' | '•' | '|' | '(' | ')' | '[' | ']'
            )
    };
    let words: Vec<&str> = text
        .trim_matches(decoration)
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    let word = |at: usize| words.get(at).map(|w| w.to_lowercase());
    let page_word = word(0).is_some_and(|w| {
        matches!(
            w.as_str(),
            "page" | "p." | "p" | "pp." | "pág." | "pag." | "seite" | "pagina"
        )
    });
    let words = if page_word { &words[1..] } else { &words[..] };
    match words {
        [n] => is_number(n),
        // "7/12" and "7 / 12" split at the slash.
        [n, total] => is_number(n) && is_number(total),
        [n, of, total] => {
            matches!(
                of.to_lowercase().as_str(),
                "of" | "sur" | "de" | "von" | "di"
            ) && is_number(n)
                && is_number(total)
        }
        _ => false,
    }
}

/// A page's number: up to four digits, or a lower-case Roman numeral up
/// to 100 (front matter's `vii`), written as Roman numerals are.
fn is_number(word: &str) -> bool {
    if !word.is_empty() && word.len() <= 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    (1..=100).any(|n| roman(n) == word)
}

/// `n` in lower-case Roman numerals.
fn roman(mut n: u32) -> String {
    const DIGITS: [(u32, &str); 9] = [
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::Line;

    #[test]
    fn page_numbers_in_the_usual_shapes() {
        for yes in [
            "2",
            "- 2 -",
            "– 12 –",
            "—3—",
            "Page 2",
            "page 2 of 12",
            "Page 3 sur 12",
            "2/12",
            "2 / 12",
            "p. 4",
            "- iv -",
            "[7]",
            "xiv",
            "Page 7 SUR 12",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in [
            "",
            "I. Introduction",
            "2. The minister said",
            "Article 2",
            "12345",
            "Page two",
            "I",
            "dix",
            "civil",
            "Décision n° 2025-1 – Page 3",
            "mix",
        ] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn a_shape_hides_numbers_only() {
        assert_eq!(
            shape("Décision n° 2025-1  –  Page 3 sur 12"),
            "décision n° #-# – page # sur #"
        );
    }

    fn line(text: &str, baseline: f64) -> Line {
        Line {
            text: text.to_string(),
            baseline,
            end: 0.0,
            size: 10.0,
            after_script: false,
        }
    }

    fn page(lines: &[(&str, f64)]) -> Page {
        Page {
            lines: lines.iter().map(|&(t, b)| line(t, b)).collect(),
            height: 800.0,
        }
    }

    #[test]
    fn headers_repeated_on_most_pages_and_page_numbers_are_furniture() {
        let bodies = [
            "First words",
            "Second thoughts",
            "Third reading",
            "Fourth estate",
        ];
        let pages: Vec<Page> = (1..=4)
            .map(|n| {
                let footer = format!("Décision n° 2025-1 – Page {n} sur 4");
                let header = if n == 1 {
                    "Title of it all"
                } else {
                    "Running header"
                };
                let lines = [
                    (header, 40.0),
                    (bodies[n - 1], 100.0),
                    ("More body", 400.0),
                    (footer.as_str(), 770.0),
                ];
                page(&lines)
            })
            .collect();
        let marks = find(&pages);
        assert_eq!(marks[0], [None, None, None, Some(Place::Bottom)]);
        for marks in &marks[1..] {
            assert_eq!(marks, &[Some(Place::Top), None, None, Some(Place::Bottom)]);
        }
    }

    #[test]
    fn two_pages_keep_their_text() {
        // The same first line on both pages, in the top margin: a short
        // document may well repeat a line; only the page numbers go.
        let pages = [
            page(&[
                ("Minutes of the meeting", 40.0),
                ("Text", 300.0),
                ("1", 780.0),
            ]),
            page(&[
                ("Minutes of the meeting", 40.0),
                ("Text", 300.0),
                ("2", 780.0),
            ]),
        ];
        let marks = find(&pages);
        assert_eq!(marks[0], [None, None, Some(Place::Bottom)]);
        assert_eq!(marks[1], [None, None, Some(Place::Bottom)]);
        // A number in the middle of the page is text.
        let pages = [page(&[("Text", 300.0), ("2", 400.0), ("more", 420.0)])];
        assert_eq!(find(&pages)[0], [None, None, None]);
    }

    #[test]
    fn the_walk_from_the_edge_stops_at_text() {
        // A page number above a line of text at the bottom is text's.
        let pages = [page(&[
            ("Body", 300.0),
            ("3", 740.0),
            ("Last line of text", 760.0),
        ])];
        assert_eq!(find(&pages)[0], [None, None, None]);
    }
}
