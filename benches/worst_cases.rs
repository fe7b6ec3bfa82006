//! Worst cases of reading sources, measured: the near-miss search and the
//! elision search on inputs built to be slow, and text extraction from a
//! 300-page PDF. Run with `cargo bench --bench worst_cases`; the targets
//! (SECURITY.md) are under 2 s each on a 2-core machine, a 300-character
//! quote against a 5 MB source under 1 s, and the 300-page PDF under 2 s.
//!
//! A plain harness: each case runs a few times and reports the slowest.

use std::time::{Duration, Instant};

use clerk::quote::{Normalised, find};

fn slowest(runs: usize, mut f: impl FnMut() -> bool) -> (Duration, bool) {
    let mut worst = Duration::ZERO;
    let mut found = false;
    for _ in 0..runs {
        let started = Instant::now();
        found = std::hint::black_box(f());
        worst = worst.max(started.elapsed());
    }
    (worst, found)
}

fn report(name: &str, target: Duration, (took, found): (Duration, bool)) {
    let verdict = if took <= target {
        "ok"
    } else {
        "SLOWER THAN TARGET"
    };
    println!(
        "{name:<58} {:>9.1} ms  (target {:>5} ms, {}) {verdict}",
        took.as_secs_f64() * 1000.0,
        target.as_millis(),
        if found { "found" } else { "not found" },
    );
}

fn main() {
    let runs = 3;
    println!("{:<58} {:>12}", "case", "slowest run");

    // 10 MB of one repeated letter; a 10,000-character quote of the same
    // letter with one character changed: no match, so the near-miss search
    // runs over the whole source.
    let source = "a".repeat(10 << 20);
    let normalised = Normalised::new(&source);
    let mut quote = "a".repeat(10_000);
    quote.replace_range(5_000..5_001, "b");
    report(
        "near miss: 10,000-char quote in 10 MB of one letter",
        Duration::from_secs(2),
        slowest(runs, || find(&normalised, &quote).is_ok()),
    );

    // 200 elisions whose pieces all occur everywhere but the last never
    // does: the search must not go exponential.
    let source = "ab ".repeat(2_000_000);
    let normalised = Normalised::new(&source);
    let mut quote = vec!["ab"; 200].join(" […] ");
    quote.push_str(" […] zz");
    report(
        "200 elisions, last piece absent, 6 MB source",
        Duration::from_secs(2),
        slowest(runs, || find(&normalised, &quote).is_ok()),
    );
    // Every piece present, in order, but the last one too far away: the
    // search stops at its budget instead of trying every combination.
    let mut trap = source.clone();
    trap.push_str(&"x".repeat(5_000));
    trap.push_str(" zz");
    let trap = Normalised::new(&trap);
    report(
        "200 elisions, last piece beyond the gap, 6 MB source",
        Duration::from_secs(2),
        slowest(runs, || find(&trap, &quote).is_ok()),
    );
    let quote = vec!["ab ab"; 201].join(" […] ");
    report(
        "200 elisions, all present, 6 MB source",
        Duration::from_secs(2),
        slowest(runs, || find(&normalised, &quote).is_ok()),
    );

    // The everyday case at scale: a 300-character quote, absent, against a
    // 5 MB text derived from the bundled sources.
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sources/lemonde-2024-05-17.txt"
    ))
    .expect("the bundled example source");
    let mut text = String::new();
    while text.len() < 5 << 20 {
        text.push_str(&seed);
    }
    let normalised = Normalised::new(&text);
    let start = seed.find("There can be little doubt").unwrap();
    let mut quote: String = seed[start..].chars().take(300).collect();
    quote = quote.replace("little doubt", "little debate");
    report(
        "near miss: 300-char quote in 5 MB of prose",
        Duration::from_secs(1),
        slowest(runs, || find(&normalised, &quote).is_ok()),
    );

    // A 300-page PDF, typeset here by clerk's own typst, read back.
    let pdf = three_hundred_pages(&seed);
    report(
        &format!("PDF text extraction: 300 pages, {} KB", pdf.len() / 1024),
        Duration::from_secs(2),
        slowest(runs, || {
            clerk::documents::pdf(&pdf)
                .is_ok_and(|text| text.page_starts.map(|p| p.len()) == Some(300))
        }),
    );

    // A PDF-like text: hyphenated line ends everywhere.
    let mut pdf_text = String::new();
    while pdf_text.len() < 5 << 20 {
        pdf_text.push_str("the committee recom-\nmends strength-\nening cross-\nreferences ");
    }
    let normalised = Normalised::document(&pdf_text);
    report(
        "document text: hyphen-heavy 5 MB, quote absent",
        Duration::from_secs(1),
        slowest(runs, || {
            find(
                &normalised,
                "recommends strengthening cross-references today",
            )
            .is_ok()
        }),
    );
}

/// A justified, hyphenated 300-page document made of `prose`.
fn three_hundred_pages(prose: &str) -> Vec<u8> {
    let paragraph: String = prose
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | ','))
        .take(1_800)
        .collect();
    let markup = format!(
        "#set document(title: \"Bench\")\n#set text(lang: \"en\", hyphenate: true)\n#set par(justify: true)\n#for i in range(300) {{ [{paragraph}] ; pagebreak(weak: true) }}\n"
    );
    let template = clerk::render::Template::inline("bench");
    clerk::typeset::Typesetter::new(
        std::path::Path::new("/nonexistent"),
        clerk::settings::DEFAULT_TYPESET_TIMEOUT,
    )
    .pdf(&clerk::typeset::Job {
        markup: &markup,
        date: clerk::typeset::datetime(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
            .unwrap(),
        ident: "bench",
        template: &template,
        attachments: Vec::new(),
        readable: &[],
    })
    .expect("the benchmark document compiles")
}
