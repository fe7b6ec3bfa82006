#!/usr/bin/env python3
"""Generate a synthetic clerk project for benchmarking.

    gen_corpus.py OUT_DIR [--dossiers N] [--seed S] [--source-mb MB]
    gen_corpus.py OUT_DIR --quote-test BYTES [--seed S]

Corpus mode (the default) writes OUT_DIR/dossiers/ and OUT_DIR/sources/:

* a *pool* of source files (``src-NNNNN.txt`` with ``src-NNNNN.toml``
  records), each 5-500 KB (log-uniform), whose text is recombined from the
  seed texts in the example's sources/ (whole paragraphs shuffled, and new
  paragraphs made of sentences drawn from several paragraphs of the same
  language), paragraphs separated by blank lines.  Sources are generated
  until their total reaches ``--source-mb`` (default: 1 MB per dossier; at
  least 50 sources so every dossier can cite up to 50 distinct ones).
* N dossiers (``d-NNNNN.toml``) of 30 claims each: allegations, denials and
  official positions; every denial / official position ``responds-to`` one
  to three allegations of the same dossier and every allegation is answered
  by at least one of them (no dangling links, no ``no-response`` warnings).
  Each dossier pins 5-50 sources of the pool (every pinned source is cited,
  and every pool source is cited by at least one dossier when the pool is
  not larger than 50 x N sources), with correct ``sha256:`` pins.
* every quote is a verbatim substring of its source, 60-250 characters,
  inside one paragraph, cut at white space, and free of the characters the
  normalisation removes or treats specially (double quotation marks of all
  styles, ``[`` ``]``), so it matches exactly.

Quote-test mode (``--quote-test BYTES``) writes one source of about BYTES
bytes and two dossiers of one claim each that pin it:

* ``present``: the quote lies in the last paragraph of the source and occurs
  nowhere earlier (so a left-to-right search has to scan the whole text);
* ``absent``: the same quote with a few words altered, found nowhere, so
  ``clerk check absent`` runs the near-miss search (and exits 1 by design).

Output is deterministic for a given seed and arguments.  Only the standard
library is used.
"""

from __future__ import annotations

import argparse
import array
import bisect
import functools
import hashlib
import math
import os
import random
import re
import shutil
import sys
from pathlib import Path

# The bundled example's text sources: the seed texts, byte for byte.
SEED_DIR = Path(__file__).resolve().parent.parent / "sources"
# Which seed texts are in which language (by file-name prefix): the two
# Assemblée nationale texts are French, the rest English.
SEED_LANG = {"an-": "fr"}

# Characters a quote must not contain: the normalisation removes double
# quotation marks (so a quote with them would still match, but we want the
# quote text to be the source text byte for byte), and brackets could form
# the elision marker `[...]`.
FORBIDDEN = set('"“”„«»‹›″‟＂[]') | {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}

KINDS = ["press"] * 5 + ["parliamentary"] * 2 + ["government"] * 2 + ["ngo", "forum", "social", "other"]
PUBLISHERS = {
    "press": ["Le Monde", "L'Express", "Libération", "Le Figaro", "Reuters", "AFP", "Les Nouvelles calédoniennes", "RNZ"],
    "parliamentary": ["Assemblée nationale", "Sénat", "Parlement européen"],
    "government": ["Ministère de l'Intérieur et des Outre-mer", "Ministère de l'Europe et des Affaires étrangères", "SGDSN / Viginum"],
    "ngo": ["EU DisinfoLab", "Reporters sans frontières", "Transparency International"],
    "forum": ["Live reader Q&A", "Discussion board"],
    "social": ["X (formerly Twitter)", "Facebook", "Telegram"],
    "other": ["Think-tank working paper", "Conference proceedings"],
}
ACTORS = [
    "Gérald Darmanin, Minister of the Interior and Overseas",
    "Le Monde, citing Radio France",
    "L'Express",
    "Nicolas Metzdorf, deputy for New Caledonia",
    "Ministry of Foreign Affairs of Azerbaijan",
    "Abbas Abbasov, Baku Initiative Group",
    "Assemblée nationale (European resolution)",
    "Viginum",
    "Unnamed French officials",
    "A Kanak pro-independence representative",
    "Congress of New Caledonia",
    "Government of France",
]


# --------------------------------------------------------------------------- seeds


def split_paragraphs(text: str) -> list[str]:
    """Blocks of non-blank lines (a line holding only white space is blank)."""
    paragraphs, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])")


class Seeds:
    def __init__(self, seed_dir: Path) -> None:
        self.paragraphs: dict[str, list[str]] = {"en": [], "fr": []}
        self.sentences: dict[str, list[str]] = {"en": [], "fr": []}
        files = sorted(seed_dir.glob("*.txt"))
        if not files:
            sys.exit(f"gen_corpus: no seed texts in {seed_dir}")
        for path in files:
            lang = SEED_LANG.get(path.name[:3], "en")
            text = path.read_text(encoding="utf-8")
            for p in split_paragraphs(text):
                self.paragraphs[lang].append(p)
                flat = " ".join(p.split())
                for s in SENTENCE_END.split(flat):
                    if 25 <= len(s) <= 400:
                        self.sentences[lang].append(s)

    def paragraph(self, rng: random.Random, lang: str) -> str:
        """A seed paragraph (55 %) or a new one recombined from sentences."""
        if rng.random() < 0.55:
            return rng.choice(self.paragraphs[lang])
        n = rng.randint(2, 6)
        return " ".join(rng.choice(self.sentences[lang]) for _ in range(n))

    def sentence(self, rng: random.Random, lang: str = "en") -> str:
        return rng.choice(self.sentences[lang])


# --------------------------------------------------------------------------- text


def make_text(rng: random.Random, seeds: Seeds, lang: str, size: int, heading: str) -> tuple[str, list[tuple[int, int]]]:
    """Text of about `size` bytes; returns it with its paragraph (start, end) offsets."""
    parts = [heading]
    total = len(heading.encode())
    while total < size:
        p = seeds.paragraph(rng, lang)
        parts.append(p)
        total += len(p.encode()) + 2
    text = "\n\n".join(parts) + "\n"
    spans, pos = [], 0
    for p in parts:
        spans.append((pos, pos + len(p)))
        pos += len(p) + 2
    return text, spans


# A run of characters a quote may hold (NUL ends a run too).
QUOTABLE_RUN = re.compile("[^" + re.escape("".join(sorted(FORBIDDEN))) + "\x00]{60,}")


@functools.lru_cache(maxsize=65536)
def quote_windows(paragraph: str) -> tuple[tuple[int, int], ...]:
    """Maximal runs of the paragraph free of FORBIDDEN characters, >= 60 chars.

    Cached: seed paragraphs recur in many sources, and a large corpus cuts
    millions of quotes from them.
    """
    return tuple(m.span() for m in QUOTABLE_RUN.finditer(paragraph))


@functools.lru_cache(maxsize=65536)
def word_bounds(seg: str) -> tuple[array.array, array.array]:
    """Word starts (after white space, or at 0) and word ends of seg.

    Cached like quote_windows, as compact arrays: the cache holds tens of
    thousands of paragraphs when a large corpus cuts quotes from all the
    sources in turn.
    """
    starts = [0] + [m.end() for m in re.finditer(r"\s+", seg)]
    ends = [m.start() for m in re.finditer(r"\s+", seg)] + [len(seg)]
    starts = [s for s in starts if s < len(seg) and not seg[s].isspace()]
    return array.array("l", starts), array.array("l", ends)


def cut_quote(rng: random.Random, paragraph: str, run: tuple[int, int], at_end: bool = False) -> str | None:
    """A 60-250 character piece of paragraph[run], cut at white space."""
    lo, hi = run
    seg = paragraph[lo:hi]
    starts_t, ends = word_bounds(seg)
    starts = list(starts_t)
    if at_end:
        starts = list(reversed(starts))
    else:
        rng.shuffle(starts)
    for s in starts[:40]:
        # ends is ascending: the ends 60-250 characters after s, in order.
        cands = ends[bisect.bisect_left(ends, s + 60) : bisect.bisect_right(ends, s + 250)]
        if not cands:
            continue
        e = cands[-1] if at_end else rng.choice(cands)
        q = seg[s:e].strip()
        if 60 <= len(q) <= 250:
            return q
    return None


def pick_quote(rng: random.Random, text: str, spans: array.array) -> str:
    """A quote from a paragraph of text other than the heading.

    spans holds the paragraphs' (start, end) offsets flattened, start0,
    end0, start1, ... (compact: a large corpus keeps them for every source).
    """
    n = len(spans) // 2
    for _ in range(500):
        i = rng.randrange(1, n) if n > 1 else 0
        a, b = spans[2 * i], spans[2 * i + 1]
        para = text[a:b]
        runs = quote_windows(para)
        if not runs:
            continue
        q = cut_quote(rng, para, rng.choice(runs))
        if q:
            return q
    raise RuntimeError("no quotable paragraph found")


# --------------------------------------------------------------------------- TOML


# Characters a TOML basic string must escape.
TOML_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def toml_str(s: str) -> str:
    return '"' + TOML_ESCAPE.sub(lambda m: TOML_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), s) + '"'


def write_record(sources: Path, sid: str, title: str, publisher: str, kind: str, lang: str, date: str) -> None:
    (sources / f"{sid}.toml").write_text(
        f"file = {toml_str(sid + '.txt')}\n"
        f"title = {toml_str(title)}\n"
        f"publisher = {toml_str(publisher)}\n"
        f"kind = {toml_str(kind)}\n"
        f"published = {date}\n"
        f"accessed = 2025-04-01\n"
        f"language = {toml_str(lang)}\n",
        encoding="utf-8",
    )


def rand_date(rng: random.Random) -> str:
    return f"{rng.choice([2024, 2025])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def short_title(rng: random.Random, seeds: Seeds, lang: str = "en") -> str:
    words = seeds.sentence(rng, lang).split()
    return " ".join(words[: rng.randint(4, 10)]).rstrip(".,;:")


# --------------------------------------------------------------------------- corpus


def plan_claims(rng: random.Random) -> list[dict]:
    n_alleg = rng.randint(10, 14)
    n_denial = rng.randint(6, 9)
    n_official = 30 - n_alleg - n_denial
    claims = []
    for i in range(n_alleg):
        claims.append({"id": f"allegation-{i + 1:02d}", "kind": "allegation", "responds": []})
    responders = []
    for i in range(n_denial):
        c = {"id": f"denial-{i + 1:02d}", "kind": "denial", "responds": []}
        claims.append(c)
        responders.append(c)
    for i in range(n_official):
        c = {"id": f"position-{i + 1:02d}", "kind": "official-position", "responds": []}
        claims.append(c)
        responders.append(c)
    allegations = [c["id"] for c in claims if c["kind"] == "allegation"]
    # Every allegation answered at least once, then 0-2 more links each.
    for i, a in enumerate(allegations):
        responders[i % len(responders)]["responds"].append(a)
    for r in responders:
        for a in rng.sample(allegations, rng.randint(0, 2)):
            if a not in r["responds"]:
                r["responds"].append(a)
        if not r["responds"]:
            r["responds"].append(rng.choice(allegations))
    return claims


def generate_corpus(out: Path, n_dossiers: int, seed: int, source_mb: float, seeds: Seeds) -> None:
    rng = random.Random(f"clerk-bench:{seed}:plan")
    target = int(source_mb * 1024 * 1024)

    # 1. The pool: sizes and attributes only (text comes later, per source).
    pool = []
    total = 0
    while total < target or len(pool) < 50:
        size = int(math.exp(rng.uniform(math.log(5 * 1024), math.log(500 * 1024))))
        sid = f"src-{len(pool) + 1:05d}"
        kind = rng.choice(KINDS)
        lang = "fr" if rng.random() < 0.4 else "en"
        pool.append({"id": sid, "size": size, "kind": kind, "lang": lang})
        total += size

    # 2. Which dossier pins which sources: deal the shuffled pool round-robin
    # so every source is cited (up to 50 per dossier), then top up to k.
    order = list(range(len(pool)))
    rng.shuffle(order)
    want = [rng.randint(5, 50) for _ in range(n_dossiers)]
    chosen: list[list[int]] = [[] for _ in range(n_dossiers)]
    d = 0
    for idx in order:
        for _ in range(n_dossiers):
            if len(chosen[d]) < 50:
                break
            d = (d + 1) % n_dossiers
        else:
            break  # every dossier is full; the rest of the pool stays uncited
        chosen[d].append(idx)
        d = (d + 1) % n_dossiers
    uncited = len(pool) - sum(len(c) for c in chosen)
    if uncited:
        print(f"gen_corpus: warning: {uncited} pool sources are cited by no dossier", file=sys.stderr)
    for d in range(n_dossiers):
        have = set(chosen[d])
        while len(chosen[d]) < want[d]:
            idx = rng.randrange(len(pool))
            if idx not in have:
                have.add(idx)
                chosen[d].append(idx)

    # 3. Write the sources.  Each keeps its own random stream, from which the
    # quotes it owes are cut, in dossier order, below, and its paragraph
    # offsets; its text is read back from disk when a dossier cites it (the
    # last 1,024 are kept).  The dossiers are then planned and written one
    # at a time, so memory holds neither all the dossiers nor all the
    # sources' text, whatever their number.
    sources_dir = out / "sources"
    sources_dir.mkdir(parents=True)
    for i, src in enumerate(pool):
        srng = random.Random(f"clerk-bench:{seed}:{src['id']}")
        title = short_title(srng, seeds, src["lang"])
        publisher = srng.choice(PUBLISHERS[src["kind"]])
        heading = f"{title}\n{publisher}"
        text, spans = make_text(srng, seeds, src["lang"], src["size"], heading)
        data = text.encode("utf-8")
        (sources_dir / f"{src['id']}.txt").write_bytes(data)
        write_record(sources_dir, src["id"], title, publisher, src["kind"], src["lang"], rand_date(srng))
        src.update(pin=hashlib.sha256(data).hexdigest(), spans=array.array("l", [x for span in spans for x in span]), rng=srng)
        if (i + 1) % 500 == 0:
            print(f"gen_corpus: {i + 1}/{len(pool)} sources", file=sys.stderr)

    @functools.lru_cache(maxsize=1024)
    def source_text(idx: int) -> str:
        return (sources_dir / f"{pool[idx]['id']}.txt").read_bytes().decode("utf-8")

    # 4. Each dossier: claims and evidence slots (each pinned source cited at
    # least once), the quotes cut from its sources, then its file.
    dossiers_dir = out / "dossiers"
    dossiers_dir.mkdir(parents=True)
    for d in range(n_dossiers):
        claims = plan_claims(rng)
        slots = []
        for ci, c in enumerate(claims):
            c["evidence"] = []
            for _ in range(rng.randint(1, 3)):
                slots.append((ci, len(c["evidence"])))
                c["evidence"].append(None)
        srcs = chosen[d][:]
        rng.shuffle(srcs)
        # More pinned sources than slots: add slots to the last claims.
        while len(slots) < len(srcs):
            ci = rng.randrange(len(claims))
            slots.append((ci, len(claims[ci]["evidence"])))
            claims[ci]["evidence"].append(None)
        rng.shuffle(slots)
        quotes = {}
        for j, (ci, ei) in enumerate(slots):
            idx = srcs[j] if j < len(srcs) else rng.choice(srcs)
            claims[ci]["evidence"][ei] = idx
            src = pool[idx]
            quotes[(ci, ei)] = pick_quote(src["rng"], source_text(idx), src["spans"])

        did = f"d-{d + 1:05d}"
        drng = random.Random(f"clerk-bench:{seed}:{did}")
        lines = [
            f"# Synthetic benchmark dossier {did} (bench/gen_corpus.py, seed {seed}).",
            f"title = {toml_str('Synthetic dossier ' + did + ': ' + short_title(drng, seeds))}",
            f"subtitle = {toml_str('Allegations, denials and official positions')}",
            f"date = 2025-04-01",
            'authors = ["Benchmark Unit"]',
            'marking = "OFFICIAL"',
            'language = "en"',
            "summary = " + toml_str("\n\n".join(" ".join(seeds.sentence(drng) for _ in range(drng.randint(3, 6))) for _ in range(3))),
            "",
            "[sources]",
        ]
        for idx in sorted(chosen[d]):
            lines.append(f'{pool[idx]["id"]} = "sha256:{pool[idx]["pin"]}"')
        for ci, c in enumerate(claims):
            lines += ["", "[[claims]]", f'id = "{c["id"]}"', f'kind = "{c["kind"]}"', f"by = {toml_str(drng.choice(ACTORS))}"]
            lines.append(f"date = {rand_date(drng)}")
            lines.append("statement = " + toml_str(" ".join(seeds.sentence(drng) for _ in range(drng.randint(1, 2)))))
            if c["responds"]:
                lines.append("responds-to = [" + ", ".join(f'"{r}"' for r in c["responds"]) + "]")
            if drng.random() < 0.3:
                lines.append("note = " + toml_str(seeds.sentence(drng)))
            for ei, idx in enumerate(c["evidence"]):
                lines += ["", "[[claims.evidence]]", f'source = "{pool[idx]["id"]}"', "quote = " + toml_str(quotes[(ci, ei)])]
        (dossiers_dir / f"{did}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if (d + 1) % 10000 == 0:
            print(f"gen_corpus: {d + 1}/{n_dossiers} dossiers", file=sys.stderr)

    mb = sum(s["size"] for s in pool) / (1024 * 1024)
    print(f"gen_corpus: {n_dossiers} dossiers, {len(pool)} sources, {mb:.1f} MB of source text in {out}", file=sys.stderr)


# --------------------------------------------------------------------------- quote test


def generate_quote_test(out: Path, size: int, seed: int, seeds: Seeds) -> None:
    rng = random.Random(f"clerk-bench:{seed}:quote:{size}")
    sid = "src-quote"
    # A closing paragraph whose quote occurs nowhere earlier; the body before
    # it is cut (at a space) so the file is `size` bytes, give or take a word.
    for attempt in range(1000):
        closing = " ".join(seeds.sentence(rng) for _ in range(3)) + f" This record closes as entry {rng.randrange(10**6, 10**7)}."
        runs = quote_windows(closing)
        if not runs:
            continue
        q = cut_quote(rng, closing, runs[-1], at_end=True)
        if not q:
            continue
        room = max(0, size - len(closing.encode()) - 2)
        body, _ = make_text(rng, seeds, "en", room, "Quote matching test source")
        body = body.encode()[:room].decode("utf-8", errors="ignore")
        if len(body) > 40 and " " in body[-40:]:
            body = body[: body.rindex(" ")]
        body = body.rstrip() + "\n"
        if " ".join(q.split()) not in " ".join(body.split()):
            break
    else:
        raise RuntimeError("could not make a unique quote")
    text = body + "\n" + closing + "\n"
    data = text.encode("utf-8")
    pin = hashlib.sha256(data).hexdigest()
    # The absent quote: alter every fourth word so nothing matches, while the
    # near-miss search still has a close passage to find.
    words = q.split(" ")
    absent = " ".join(w[::-1] if i % 4 == 1 and len(w) > 2 else w for i, w in enumerate(words))
    if absent == q or " ".join(absent.split()) in " ".join(text.split()):
        absent = q.replace(" ", "  x ", 1)
    sources_dir, dossiers_dir = out / "sources", out / "dossiers"
    sources_dir.mkdir(parents=True)
    dossiers_dir.mkdir(parents=True)
    (sources_dir / f"{sid}.txt").write_bytes(data)
    write_record(sources_dir, sid, "Quote matching test source", "Benchmark", "press", "en", "2025-01-01")
    for did, quote in (("present", q), ("absent", absent)):
        (dossiers_dir / f"{did}.toml").write_text(
            f'title = "Quote matching test ({did})"\n'
            "date = 2025-04-01\n"
            'summary = "One quote in one source."\n\n'
            "[sources]\n"
            f'{sid} = "sha256:{pin}"\n\n'
            "[[claims]]\n"
            'id = "only"\nkind = "official-position"\nby = "Benchmark"\n'
            'statement = "A single claim."\n\n'
            "[[claims.evidence]]\n"
            f'source = "{sid}"\n'
            f"quote = {toml_str(quote)}\n",
            encoding="utf-8",
        )
    print(f"gen_corpus: quote test, source {len(data)} bytes in {out}", file=sys.stderr)


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="project folder to create (must not exist, or be empty; see --clean)")
    ap.add_argument("--dossiers", type=int, default=100, help="number of dossiers (default 100)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--source-mb", type=float, default=None, help="total source volume in MiB (default: 1 per dossier)")
    ap.add_argument("--quote-test", type=int, default=None, metavar="BYTES", help="write the quote-matching test project instead")
    ap.add_argument("--seeds", type=Path, default=SEED_DIR, help=f"seed texts (default {SEED_DIR})")
    ap.add_argument("--clean", action="store_true", help="delete OUT first if it exists")
    args = ap.parse_args()

    if args.out.exists():
        if args.clean:
            shutil.rmtree(args.out)
        elif any(args.out.iterdir()):
            sys.exit(f"gen_corpus: {args.out} exists and is not empty (use --clean)")
    args.out.mkdir(parents=True, exist_ok=True)
    seeds = Seeds(args.seeds)
    if args.quote_test is not None:
        generate_quote_test(args.out, args.quote_test, args.seed, seeds)
    else:
        mb = args.source_mb if args.source_mb is not None else float(args.dossiers)
        generate_corpus(args.out, args.dossiers, args.seed, mb, seeds)


if __name__ == "__main__":
    main()
