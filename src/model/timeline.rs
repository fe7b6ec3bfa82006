//! The debate at a glance: where each claim of a brief goes on its
//! timeline, and the responds-to links between them.
//!
//! Both editions draw the same figure (Typst shapes in the PDF, inline SVG
//! in the HTML), so the layout is computed here once, in points, and the
//! templates only draw it. Time runs left to right; each kind of claim has
//! its own band, and its own shape and label besides its colour, so the
//! figure never relies on colour alone. Markers that would overlap go to
//! another lane of their band, so a crowded debate grows taller instead of
//! illegible.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{ClaimView, Section};

/// Width of the figure in points: the built-in template's text width.
pub const WIDTH: f64 = 450.0;
/// Where time starts and ends on the x axis (room for the centred date
/// labels at both ends, and for the label right of the last marker).
const PLOT_LEFT: f64 = 34.0;
const PLOT_RIGHT: f64 = WIDTH - 40.0;
/// A band's heading, then its lanes.
const BAND_HEADER: f64 = 16.0;
const LANE: f64 = 15.0;
/// The date axis under the bands.
const AXIS: f64 = 28.0;
/// A marker's width and height.
pub const MARKER: f64 = 8.0;
/// The widest a label character is at the figure's 7 pt (digits and
/// capitals of the built-in fonts), so labels never run into each other.
const CHAR_WIDTH: f64 = 4.6;
/// Space between a marker and its label, and between neighbours in a lane
/// (room for an arrowhead arriving at the marker's left).
const LABEL_GAP: f64 = 2.5;
const GAP: f64 = 9.0;
/// A link's arrowhead: its length and half its width.
const ARROW_LENGTH: f64 = 5.0;
const ARROW_WING: f64 = 2.5;
/// Lanes a band fills before markers are moved right of their date.
const MAX_LANES: usize = 8;
/// Most date labels on the axis.
const MAX_TICKS: i64 = 5;
/// The tallest the figure is printed in the PDF, in points (most of an A4
/// page of the built-in template); a taller one is scaled down to fit.
const PDF_MAX_HEIGHT: f64 = 640.0;

/// The figure: every coordinate is in points from its top left corner.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub width: f64,
    pub height: f64,
    /// The scale, in percent, at which the PDF prints the figure so that it
    /// fits a page: 100 unless a very crowded debate makes it taller.
    pub pdf_scale: f64,
    /// Whether any claim has a date (otherwise there is nothing to draw and
    /// only [`Timeline::undated`] is listed).
    pub has_dated: bool,
    /// One band per kind of claim, in section order.
    pub bands: Vec<Band>,
    pub markers: Vec<Marker>,
    /// Responds-to links between dated claims, from the response to the
    /// claim it answers.
    pub links: Vec<Link>,
    /// The date axis: its line's height and its labelled dates.
    pub axis_y: f64,
    pub plot_left: f64,
    pub plot_right: f64,
    pub ticks: Vec<Tick>,
    /// Claims without a date, listed beside the figure.
    pub undated: Vec<Entry>,
    /// The figure in words, claim by claim in date order (the text
    /// alternative of the HTML's SVG).
    pub description: String,
}

/// The band of one kind of claim.
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub kind: String,
    /// `circle`, `square` or `diamond`.
    pub shape: String,
    /// The section's title, printed as the band's heading.
    pub title: String,
    /// Top of the band, and the middle of its heading.
    pub y: f64,
    pub heading_y: f64,
    pub height: f64,
}

/// A claim on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Marker {
    pub id: String,
    /// `A1`, `D2`, `P3`: printed right of the marker.
    pub number: String,
    /// The claim's link target, as in the sections.
    pub anchor: String,
    pub kind: String,
    pub shape: String,
    pub by: String,
    pub date: String,
    /// Centre of the marker.
    pub x: f64,
    pub y: f64,
    /// Top left corner of the marker's box.
    pub left: f64,
    pub top: f64,
    /// Where the label starts.
    pub label_x: f64,
    /// The marker's outline as SVG polygon points (for the diamond).
    pub points: String,
}

/// A responds-to link, drawn as a cubic curve ending in an arrowhead at
/// the claim answered.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
    pub x1: f64,
    pub y1: f64,
    /// The curve's two control points.
    pub cx1: f64,
    pub cy1: f64,
    pub cx2: f64,
    pub cy2: f64,
    pub x2: f64,
    pub y2: f64,
    /// The curve as an SVG path.
    pub path: String,
    /// The arrowhead's three corners, tip first, and the same as SVG
    /// polygon points.
    pub arrow: Vec<Point>,
    pub arrow_points: String,
}

/// A point of the figure.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A labelled date of the axis.
#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub x: f64,
    /// The date, ISO (the label printed under the axis).
    pub date: String,
}

/// A claim listed beside the figure.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub number: String,
    pub anchor: String,
    pub kind: String,
    pub shape: String,
    pub by: String,
}

/// The shape that stands for a kind of claim.
fn shape(kind: &str) -> &'static str {
    match kind {
        "allegation" => "circle",
        "denial" => "square",
        _ => "diamond",
    }
}

/// Lays out the timeline of the claims of `sections`.
pub fn layout(sections: &[Section]) -> Timeline {
    let claims: Vec<(&Section, &ClaimView, Option<NaiveDate>)> = sections
        .iter()
        .flat_map(|s| s.claims.iter().map(move |c| (s, c, date_of(c))))
        .collect();
    let dates: Vec<NaiveDate> = claims.iter().filter_map(|(_, _, d)| *d).collect();
    let scale = Scale::of(&dates);
    let mut markers = Vec::new();
    let mut bands = Vec::new();
    let mut y = 0.0;
    for section in sections {
        let mut placed = place_in_lanes(
            section
                .claims
                .iter()
                .filter_map(|c| Some((c, scale.x(date_of(c)?)))),
        );
        let lanes = placed
            .iter()
            .map(|(_, lane, _)| lane + 1)
            .max()
            .unwrap_or(1);
        let height = BAND_HEADER + lanes as f64 * LANE;
        bands.push(Band {
            kind: section.kind.clone(),
            shape: shape(&section.kind).to_string(),
            title: section.title.clone(),
            y: round(y),
            heading_y: round(y + BAND_HEADER / 2.0),
            height,
        });
        for (claim, lane, x) in placed.drain(..) {
            let centre_y = y + BAND_HEADER + (lane as f64 + 0.5) * LANE;
            markers.push(marker(claim, x, centre_y));
        }
        y += height;
    }
    let by_id: BTreeMap<&str, &Marker> = markers.iter().map(|m| (m.id.as_str(), m)).collect();
    let links = claims
        .iter()
        .filter_map(|(_, claim, _)| Some((by_id.get(claim.id.as_str())?, claim)))
        .flat_map(|(from, claim)| {
            claim
                .responds_to
                .iter()
                .filter_map(|target| Some(link(from, by_id.get(target.id.as_str())?)))
        })
        .collect();
    let undated = claims
        .iter()
        .filter(|(_, _, date)| date.is_none())
        .map(|(_, c, _)| Entry {
            number: c.number.clone(),
            anchor: c.anchor.clone(),
            kind: c.kind.clone(),
            shape: shape(&c.kind).to_string(),
            by: c.by.clone(),
        })
        .collect();
    let height = round(y + AXIS);
    Timeline {
        width: WIDTH,
        height,
        pdf_scale: (PDF_MAX_HEIGHT / height * 100.0).min(100.0).floor(),
        has_dated: !dates.is_empty(),
        bands,
        description: describe(&claims),
        markers,
        links,
        axis_y: round(y + 4.0),
        plot_left: PLOT_LEFT,
        plot_right: PLOT_RIGHT,
        ticks: scale.ticks(),
        undated,
    }
}

fn date_of(claim: &ClaimView) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(claim.date.as_deref()?, "%Y-%m-%d").ok()
}

/// Maps dates to x between [`PLOT_LEFT`] and [`PLOT_RIGHT`].
struct Scale {
    first: Option<NaiveDate>,
    days: i64,
}

impl Scale {
    fn of(dates: &[NaiveDate]) -> Scale {
        let first = dates.iter().min().copied();
        let last = dates.iter().max().copied();
        let days = match (first, last) {
            (Some(first), Some(last)) => (last - first).num_days(),
            _ => 0,
        };
        Scale { first, days }
    }

    fn x(&self, date: NaiveDate) -> f64 {
        let Some(first) = self.first else {
            return PLOT_LEFT;
        };
        if self.days == 0 {
            return (PLOT_LEFT + PLOT_RIGHT) / 2.0;
        }
        let fraction = (date - first).num_days() as f64 / self.days as f64;
        PLOT_LEFT + fraction * (PLOT_RIGHT - PLOT_LEFT)
    }

    /// Up to [`MAX_TICKS`] + 1 evenly spread dates, the first and the last
    /// included.
    fn ticks(&self) -> Vec<Tick> {
        let Some(first) = self.first else {
            return Vec::new();
        };
        let steps = self.days.min(MAX_TICKS);
        let mut ticks: Vec<Tick> = (0..=steps)
            .map(|k| {
                let offset = if steps == 0 {
                    0
                } else {
                    (self.days * k + steps / 2) / steps
                };
                let date = first + chrono::Duration::days(offset);
                Tick {
                    x: round(self.x(date)),
                    date: date.format("%Y-%m-%d").to_string(),
                }
            })
            .collect();
        ticks.dedup_by(|a, b| a.date == b.date);
        ticks
    }
}

/// Puts each claim in the first lane of its band where it overlaps no
/// other; when [`MAX_LANES`] are full, it goes right after the lane that
/// ends first (a little after its date, order kept), and only when that
/// would leave the figure does it open one more lane.
fn place_in_lanes<'a>(
    claims: impl Iterator<Item = (&'a ClaimView, f64)>,
) -> Vec<(&'a ClaimView, usize, f64)> {
    let mut claims: Vec<(&ClaimView, f64)> = claims.collect();
    // A stable sort: claims of the same date stay in brief order.
    claims.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Where each lane's last marker (and its label) ends.
    let mut ends: Vec<f64> = Vec::new();
    let mut placed = Vec::new();
    for (claim, x) in claims {
        let left = x - MARKER / 2.0;
        let free = ends.iter().position(|end| end + GAP <= left);
        let (lane, x) = match free {
            Some(lane) => (lane, x),
            None if ends.len() < MAX_LANES => (ends.len(), x),
            None => {
                let (lane, end) = ends
                    .iter()
                    .copied()
                    .enumerate()
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                    .unwrap_or((0, 0.0));
                let moved = end + GAP + MARKER / 2.0;
                if moved + footprint(claim) - MARKER / 2.0 <= WIDTH {
                    (lane, moved)
                } else {
                    (ends.len(), x)
                }
            }
        };
        let end = x - MARKER / 2.0 + footprint(claim);
        if lane == ends.len() {
            ends.push(end);
        } else {
            ends[lane] = end;
        }
        placed.push((claim, lane, x));
    }
    placed
}

/// The width a marker and its label take.
fn footprint(claim: &ClaimView) -> f64 {
    MARKER + LABEL_GAP + CHAR_WIDTH * claim.number.chars().count() as f64
}

fn marker(claim: &ClaimView, x: f64, y: f64) -> Marker {
    let half = MARKER / 2.0;
    let shape = shape(&claim.kind);
    let points = [(x, y - half), (x + half, y), (x, y + half), (x - half, y)]
        .iter()
        .map(|(px, py)| format!("{},{}", round(*px), round(*py)))
        .collect::<Vec<_>>()
        .join(" ");
    Marker {
        id: claim.id.clone(),
        number: claim.number.clone(),
        anchor: claim.anchor.clone(),
        kind: claim.kind.clone(),
        shape: shape.to_string(),
        by: claim.by.clone(),
        date: claim.date.clone().unwrap_or_default(),
        x: round(x),
        y: round(y),
        left: round(x - half),
        top: round(y - half),
        label_x: round(x + half + LABEL_GAP),
        points,
    }
}

/// A curve from the left of `from` to the left of `to`, leaving and
/// arriving level: an arrowhead never lands on a label (labels are to the
/// right of their markers), and answers to the same claim arrive side by
/// side.
fn link(from: &Marker, to: &Marker) -> Link {
    let half = MARKER / 2.0;
    let (x1, y1) = (from.x - half - 1.0, from.y);
    let tip = (to.x - half - 1.0, to.y);
    let base = (tip.0 - ARROW_LENGTH, tip.1);
    // How far the curve swings out to the left: more for distant claims.
    let swing = ((x1 - base.0).abs() * 0.25 + (y1 - base.1).abs() * 0.5).clamp(10.0, 50.0);
    let (cx1, cy1) = ((x1 - swing).max(0.0), y1);
    let (cx2, cy2) = ((base.0 - swing).max(0.0), base.1);
    let arrow = [
        tip,
        (base.0, base.1 - ARROW_WING),
        (base.0, base.1 + ARROW_WING),
    ]
    .map(|(x, y)| Point {
        x: round(x),
        y: round(y),
    });
    let [x1, y1, cx1, cy1, cx2, cy2, x2, y2] =
        [x1, y1, cx1, cy1, cx2, cy2, base.0, base.1].map(round);
    Link {
        from: from.id.clone(),
        to: to.id.clone(),
        path: format!("M{x1} {y1} C{cx1} {cy1} {cx2} {cy2} {x2} {y2}"),
        arrow_points: arrow
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" "),
        arrow: arrow.to_vec(),
        x1,
        y1,
        cx1,
        cy1,
        cx2,
        cy2,
        x2,
        y2,
    }
}

/// The figure in words: each claim in date order, then the undated ones.
fn describe(claims: &[(&Section, &ClaimView, Option<NaiveDate>)]) -> String {
    let mut ordered: Vec<&(&Section, &ClaimView, Option<NaiveDate>)> = claims.iter().collect();
    // A stable sort: claims of the same date stay in brief order.
    ordered.sort_by_key(|(_, _, date)| (date.is_none(), *date));
    ordered
        .iter()
        .map(|(section, claim, _)| {
            let mut words = format!("{} ({}), {}", claim.number, section.title, claim.by);
            if let Some(date) = &claim.date_long {
                words.push_str(&format!(", {date}"));
            }
            if !claim.responds_to.is_empty() {
                let numbers: Vec<&str> = claim
                    .responds_to
                    .iter()
                    .map(|l| l.number.as_str())
                    .collect();
                words.push_str(&format!(" → {}", numbers.join(", ")));
            }
            words
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Coordinates to a tenth of a point: exact enough to draw, and short and
/// stable in the markup.
fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClaimLink, Section};

    fn claim(kind: &str, number: String, date: Option<String>, responds: &[&str]) -> ClaimView {
        ClaimView {
            id: number.to_lowercase(),
            anchor: format!("claim-{}", number.to_lowercase()),
            number,
            kind: kind.into(),
            by: "Someone".into(),
            date_long: date.clone(),
            date,
            statement: String::new(),
            note: None,
            quotes: Vec::new(),
            responds_to: responds
                .iter()
                .map(|id| ClaimLink {
                    id: id.to_string(),
                    number: id.to_uppercase(),
                    anchor: format!("claim-{id}"),
                    by: String::new(),
                    kind: String::new(),
                    date_long: None,
                })
                .collect(),
            responses: Vec::new(),
        }
    }

    /// 100 claims (a third of each kind), dated by `date_of(i)`.
    fn debate(date_of: impl Fn(usize) -> Option<String>) -> Vec<Section> {
        ["allegation", "denial", "official-position"]
            .iter()
            .enumerate()
            .map(|(k, kind)| Section {
                kind: kind.to_string(),
                title: kind.to_string(),
                anchor: String::new(),
                empty_text: String::new(),
                claims: (0..100)
                    .filter(|i| i % 3 == k)
                    .map(|i| {
                        let letter = ["A", "D", "P"][k];
                        let responds = if k > 0 { vec!["a1"] } else { vec![] };
                        claim(
                            kind,
                            format!("{letter}{}", i / 3 + 1),
                            date_of(i),
                            &responds,
                        )
                    })
                    .collect(),
            })
            .collect()
    }

    /// No two markers (with their labels) overlap, and all lie inside the
    /// figure.
    fn assert_legible(timeline: &Timeline) {
        let boxes: Vec<(f64, f64, f64, f64)> = timeline
            .markers
            .iter()
            .map(|m| {
                let right = m.label_x + CHAR_WIDTH * m.number.chars().count() as f64;
                (m.left, m.top, right, m.top + MARKER)
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(
                a.0 >= 0.0 && a.2 <= WIDTH && a.1 >= 0.0 && a.3 <= timeline.height,
                "{a:?}"
            );
            for b in &boxes[i + 1..] {
                let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn a_hundred_claims_over_a_season_fit_half_a_page_without_overlap() {
        let timeline = layout(&debate(|i| {
            let date =
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(i as i64);
            Some(date.to_string())
        }));
        assert_eq!(timeline.markers.len(), 100);
        assert_legible(&timeline);
        // Half an A4 page of text is 350 pt.
        assert!(timeline.height < 350.0, "{}", timeline.height);
        assert_eq!(timeline.links.len(), 66);
        assert_eq!(timeline.ticks.first().unwrap().date, "2025-01-01");
        assert_eq!(timeline.ticks.last().unwrap().date, "2025-04-10");
    }

    #[test]
    fn a_hundred_claims_on_one_day_still_fit_a_page_without_overlap() {
        let timeline = layout(&debate(|_| Some("2025-03-04".into())));
        assert_legible(&timeline);
        // A page of the built-in template's text is about 700 pt tall.
        assert!(timeline.height < 700.0, "{}", timeline.height);
        assert_eq!(timeline.pdf_scale, 100.0);
        assert_eq!(timeline.ticks.len(), 1);
    }

    #[test]
    fn ten_thousand_claims_are_laid_out_without_overlap_and_scaled_to_a_page() {
        let sections: Vec<Section> = debate(|i| Some(format!("2025-03-{:02}", i % 28 + 1)))
            .into_iter()
            .map(|mut s| {
                let template = s.claims[0].clone();
                s.claims = (0..3334)
                    .map(|n| ClaimView {
                        id: format!("{}-{n}", s.kind),
                        number: format!("{}{}", &template.number[..1], n + 1),
                        date: Some(format!("2025-03-{:02}", n % 28 + 1)),
                        ..template.clone()
                    })
                    .collect();
                s
            })
            .collect();
        let timeline = layout(&sections);
        assert_eq!(timeline.markers.len(), 3 * 3334);
        assert!(timeline.height > PDF_MAX_HEIGHT);
        assert!(timeline.pdf_scale < 100.0 && timeline.pdf_scale > 0.0);
        assert!(timeline.height * timeline.pdf_scale / 100.0 <= PDF_MAX_HEIGHT);
        // Every marker stays inside the figure.
        assert!(timeline.markers.iter().all(|m| m.left >= 0.0
            && m.label_x + CHAR_WIDTH * m.number.len() as f64 <= WIDTH
            && m.top + MARKER <= timeline.height));
    }

    #[test]
    fn undated_claims_are_listed_and_described_last() {
        let timeline = layout(&debate(|i| (i % 2 == 0).then(|| "2025-03-04".to_string())));
        assert_eq!(timeline.markers.len(), 50);
        assert_eq!(timeline.undated.len(), 50);
        assert!(timeline.has_dated);
        let nothing_dated = layout(&debate(|_| None));
        assert!(!nothing_dated.has_dated);
        assert!(nothing_dated.markers.is_empty() && nothing_dated.links.is_empty());
        assert!(
            nothing_dated
                .description
                .starts_with("A1 (allegation), Someone; A2")
        );
    }

    #[test]
    fn links_end_in_an_arrow_at_the_edge_of_the_claim_answered() {
        let timeline = layout(&debate(|i| Some(format!("2025-03-{:02}", i % 28 + 1))));
        let link = &timeline.links[0];
        let target = timeline.markers.iter().find(|m| m.id == link.to).unwrap();
        let Point { x: tip_x, y: tip_y } = link.arrow[0];
        assert_eq!((tip_x, tip_y), (target.x - MARKER / 2.0 - 1.0, target.y));
        assert!(link.path.starts_with('M') && link.path.contains(" C"));
        // The arrowhead is clear of any label: no marker's label box
        // reaches into it.
        for m in &timeline.markers {
            let right = m.label_x + CHAR_WIDTH * m.number.chars().count() as f64;
            let overlaps =
                |p: &Point| p.x > m.left && p.x < right && (p.y - m.y).abs() < MARKER / 2.0;
            assert!(!link.arrow.iter().any(overlaps), "{link:?} runs into {m:?}");
        }
    }
}
