//! `clerk diff` on large briefs, measured: two 1,000-claim briefs (the
//! `--emit json` exports, three quotes per claim, 300 sources) read from
//! JSON and compared, with a realistic set of edits, with the claims
//! shuffled, and with every claim renamed (the rename search at its
//! worst). Run with `cargo bench --bench diff`; the target (issue 24) is
//! under 1 s for two 1,000-claim dossiers on a 2-core machine.
//!
//! A plain harness: each case runs a few times and reports the slowest.

use std::time::{Duration, Instant};

use clerk::export::Brief;
use serde_json::{Value, json};

const CLAIMS: usize = 1_000;
const SOURCES: usize = 300;

/// Deterministic words, so every run compares the same texts.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A sentence of `words` words drawn from some 3,000 made of
    /// syllables, about the vocabulary of a large dossier.
    fn sentence(&mut self, words: usize) -> String {
        const SYLLABLES: &[&str] = &[
            "ba", "ko", "ri", "tem", "sul", "na", "vo", "dar", "pe", "lin", "gu", "mo", "cha",
            "fe", "zi",
        ];
        let mut out: Vec<String> = Vec::with_capacity(words);
        for _ in 0..words {
            let n = (self.next() % 3_375) as usize;
            let word: String = [n % 15, n / 15 % 15, n / 225]
                .iter()
                .map(|&s| SYLLABLES[s])
                .collect();
            out.push(word);
        }
        let mut text = out.join(" ");
        text.push('.');
        text
    }
}

fn sha(n: usize, version: u32) -> String {
    format!("{:064x}", (n as u128) * 1_000_003 + u128::from(version))
}

fn quote(words: &mut Words, source: usize) -> Value {
    json!({
        "text": words.sentence(18),
        "source": format!("source-{source}"),
        "reference": source + 1,
        "citation": format!("[{}, ¶3]", source + 1),
        "locator": {"line": 5, "paragraph": 3, "page": null},
        "passage": {"exact": "…", "prefix": "", "suffix": "", "start": 0, "end": 1},
        "file_bytes": null,
        "translation": null,
        "translated_by": null,
    })
}

fn brief(claims: Vec<Value>, references: Vec<Value>) -> Value {
    json!({
        "clerk_brief": 1,
        "clerk_version": "0.1.0",
        "dossier": {
            "id": "large", "file": "dossiers/large.toml", "sha256": sha(0, 0),
            "title": "A large brief", "subtitle": null, "date": "2025-01-01",
            "authors": ["Bench"], "marking": null, "language": "en",
            "summary": ["A summary."],
        },
        "claims": claims,
        "references": references,
    })
}

fn claim(words: &mut Words, n: usize, id: String) -> Value {
    let kinds = ["allegation", "denial", "official-position"];
    json!({
        "id": id,
        "number": format!("A{n}"),
        "kind": kinds[n % 3],
        "by": format!("Speaker {}", n % 97),
        "date": "2024-05-16",
        "statement": words.sentence(40),
        "note": null,
        "responds_to": if n.is_multiple_of(3) { vec![] } else { vec![json!({"id": format!("claim-{}", n - n % 3), "number": "A1"})] },
        "responses": [],
        "quotes": (0..3).map(|q| quote(words, (n * 3 + q) % SOURCES)).collect::<Vec<_>>(),
    })
}

fn reference(n: usize, version: u32) -> Value {
    json!({
        "number": n + 1, "id": format!("source-{n}"),
        "title": format!("Document number {n} on the harbour contract"),
        "publisher": format!("Publisher {}", n % 17), "author": null,
        "published": "2024-05-17", "accessed": "2025-01-10", "kind": "press",
        "language": "en", "url": null, "file": format!("source-{n}.txt"), "format": "text",
        "sha256": sha(n, version), "cited": true, "part_of": null,
    })
}

/// The old brief, and a new one with: 50 statements edited (a few words),
/// 20 claims removed, 20 added, 20 renamed, 30 quotes edited, 10 sources
/// re-pinned, the claims in reverse order.
fn pair(rename_all: bool) -> (String, String) {
    let mut words = Words(0x9e37_79b9_7f4a_7c15);
    let old_claims: Vec<Value> = (0..CLAIMS)
        .map(|n| claim(&mut words, n, format!("claim-{n}")))
        .collect();
    let old_refs: Vec<Value> = (0..SOURCES).map(|n| reference(n, 1)).collect();
    let mut new_claims = old_claims.clone();
    for (n, claim) in new_claims.iter_mut().enumerate() {
        if rename_all {
            claim["id"] = json!(format!("renamed-{n}"));
            continue;
        }
        if n % 20 == 1 {
            let statement = claim["statement"].as_str().unwrap().replacen('a', "e", 3);
            claim["statement"] = json!(statement);
        }
        if n % 50 == 7 {
            claim["id"] = json!(format!("renamed-{n}"));
        }
        if n % 33 == 5 {
            let text = claim["quotes"][0]["text"]
                .as_str()
                .unwrap()
                .replacen(" ", "  x ", 1);
            claim["quotes"][0]["text"] = json!(text);
        }
    }
    if !rename_all {
        new_claims.retain(|c| {
            let id = c["id"].as_str().unwrap();
            !id.starts_with("claim-") || id[6..].parse::<usize>().unwrap() % 50 != 3
        });
        for n in 0..20 {
            new_claims.push(claim(&mut words, CLAIMS + n, format!("added-{n}")));
        }
    }
    new_claims.reverse();
    let new_refs: Vec<Value> = (0..SOURCES)
        .map(|n| reference(n, if n % 30 == 0 { 2 } else { 1 }))
        .collect();
    (
        serde_json::to_string_pretty(&brief(old_claims, old_refs)).unwrap(),
        serde_json::to_string_pretty(&brief(new_claims, new_refs)).unwrap(),
    )
}

fn slowest(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut worst = Duration::ZERO;
    let mut changes = 0;
    for _ in 0..runs {
        let started = Instant::now();
        changes = std::hint::black_box(f());
        worst = worst.max(started.elapsed());
    }
    (worst, changes)
}

fn report(name: &str, target: Duration, (took, changes): (Duration, usize)) {
    let verdict = if took <= target {
        "ok"
    } else {
        "SLOWER THAN TARGET"
    };
    println!(
        "{name:<58} {:>9.1} ms  (target {:>5} ms, {changes} changes) {verdict}",
        took.as_secs_f64() * 1000.0,
        target.as_millis(),
    );
}

/// Reads both exports and compares them, as `clerk diff a.json b.json`
/// does; the number of changes.
fn read_and_compare(old: &str, new: &str) -> usize {
    let old: Brief = serde_json::from_str(old).unwrap();
    let new: Brief = serde_json::from_str(new).unwrap();
    let unknown = |_: &str, _: &[&str]| None;
    clerk::diff::compare(&old, &new, &unknown).changes.len()
}

fn main() {
    let runs = 3;
    println!("{:<58} {:>12}", "case", "slowest run");
    let (old, new) = pair(false);
    println!(
        "(two exports of {CLAIMS} claims, {} and {} bytes)",
        old.len(),
        new.len()
    );
    report(
        "1,000 claims: edits, renames, re-pins, reversed order",
        Duration::from_secs(1),
        slowest(runs, || read_and_compare(&old, &new)),
    );
    report(
        "1,000 claims: identical",
        Duration::from_secs(1),
        slowest(runs, || read_and_compare(&old, &old)),
    );
    let (old, new) = pair(true);
    report(
        "1,000 claims: every claim renamed",
        Duration::from_secs(1),
        slowest(runs, || read_and_compare(&old, &new)),
    );
}
