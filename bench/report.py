#!/usr/bin/env python3
"""Formats bench/run.sh's measurements as Markdown (called by run.sh).

    report.py RESULTS_DIR "SCALES" "QUOTE_SIZES"
    report.py RESULTS_DIR --binary      # the release binary's section alone

Reads NAME.json (hyperfine --export-json shape), NAME.rss (peak RSS in KB)
and meta.tsv from RESULTS_DIR; prints the report on stdout.
"""

import json
import statistics
import sys
from pathlib import Path

res = Path(sys.argv[1])
# `report.py RESULTS_DIR --binary`: only the section on the binary
# (bench/run.sh with BINARY_ONLY=1).
binary_only = sys.argv[2:] == ["--binary"]
scales = [] if binary_only else [int(s) for s in sys.argv[2].split()]
quote_sizes = [] if binary_only else sys.argv[3].split()

meta = {}
for line in (res / "meta.tsv").read_text().splitlines():
    k, _, v = line.partition("\t")
    meta[k] = v


def timing(name):
    p = res / f"{name}.json"
    if not p.exists():
        return None
    r = json.loads(p.read_text())["results"][0]
    times = r["times"]
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": len(times)}


def rss_mb(name):
    p = res / f"{name}.rss"
    if not p.exists() or not p.read_text().strip():
        return None
    return int(p.read_text().strip()) / 1024


def secs(t):
    if t is None:
        return "n/a"
    m = t["median"]
    return f"{m * 1000:.1f} ms" if m < 1 else f"{m:.2f} s"


def spread(t):
    if t is None:
        return ""
    f = (lambda x: f"{x * 1000:.1f}") if t["max"] < 1 else (lambda x: f"{x:.2f}")
    unit = "ms" if t["max"] < 1 else "s"
    return f"{f(t['min'])}–{f(t['max'])} {unit}, {t['runs']} runs"


def ok(cond):
    return "n/a" if cond is None else ("**met**" if cond else "**MISSED**")


def mb(x):
    return "n/a" if x is None else f"{x:.0f} MB"


def binary_section():
    """The release binary people install: its size and start-up time."""
    version = timing("version")
    size = meta.get("bin_bytes")
    if version is None or size is None:
        return []
    lines = [
        "## The release binary",
        "",
        f"`{meta.get('bin_path', 'clerk')}` ({meta.get('clerk', '?')}), built by `{meta.get('bin_profile', '?')}`.",
        "",
        "| measurement | result |",
        "| --- | --- |",
        f"| size | {int(size) / 1e6:.1f} MB ({int(size):,} bytes) |",
        f"| start-up: `clerk --version` | {secs(version)} ({spread(version)}) |",
    ]
    rv = rss_mb("version")
    if rv is not None:
        lines.append(f"| peak RSS of `clerk --version` | {rv:.1f} MB |")
    return lines + [""]


if binary_only:
    print("\n".join(binary_section()))
    sys.exit(0)

b100 = timing("build100")
b100j1 = timing("build100_j1")
noop = timing("noop100")
noop_cold = timing("noop100_cold")
edit1 = timing("edit100")
chk = timing("check100")
seq = timing("base_seq")
par2 = timing("base_par2")
onep = timing("base_oneproc")
rb, rn, rc = rss_mb("build100"), rss_mb("noop100"), rss_mb("check100")

out = []
w = out.append
w("# clerk benchmark results")
w("")
w(f"- date: {meta.get('date', '?')}")
w(f"- machine: {meta.get('machine', '?')} ({meta.get('kernel', '?')})")
w(f"- clerk commit: {meta.get('commit', '?')} ({meta.get('clerk', '?')}, {meta.get('rustc', '?')})")
w(f"- baseline: {meta.get('py_typst', '?')}; fonts {meta.get('py_fonts', '?')}")
w(f"- timer: {meta.get('timer', '?')}; {meta.get('mode', '')}; load average at start {meta.get('load_start', '?')}, at end {meta.get('load_end', '?')}")
w(f"- corpus: {meta.get('c100', '?')} (bench/gen_corpus.py --dossiers 100 --source-mb 100, 30 claims per dossier)")
w("")
w("Times are wall-clock medians (range and number of runs in the detail table); peak RSS is the median")
w("of `/usr/bin/time -v` runs. The ranges show how noisy the machine was; the load averages are above.")
w("")
w("## Targets")
w("")
w("| measurement | result | target | status |")
w("| --- | --- | --- | --- |")
if b100:
    w(f"| full build, 100 dossiers (`build --force`) | {secs(b100)} ({100 / b100['median']:.1f} dossiers/s) | ≤ 1.5 s | {ok(b100['median'] <= 1.5)} |")
if b100 and seq:
    w(f"| speed-up vs per-process baseline, sequential | {seq['median'] / b100['median']:.2f}× ({secs(seq)} vs {secs(b100)}) | ≥ 2.5× | {ok(seq['median'] / b100['median'] >= 2.5)} |")
if b100 and par2:
    w(f"| speed-up vs per-process baseline, 2 at a time | {par2['median'] / b100['median']:.2f}× ({secs(par2)} vs {secs(b100)}) | ≥ 2.5× | {ok(par2['median'] / b100['median'] >= 2.5)} |")
if noop:
    w(f"| no-op rebuild, 100 dossiers (`build`) | {secs(noop)} | < 100 ms | {ok(noop['median'] < 0.1)} |")
if chk:
    w(f"| check only, 100 dossiers over 100 MB (`check`) | {secs(chk)} | < 0.5 s | {ok(chk['median'] < 0.5)} |")
for label, v in (("full build", rb), ("no-op rebuild", rn), ("check", rc)):
    if v is not None:
        w(f"| peak RSS, {label} of 100 | {mb(v)} | < 150 MB | {ok(v < 150)} |")
per = {n: timing(f"scale_build_{n}") for n in scales}
if len([n for n in scales if per[n]]) >= 2:
    known = [n for n in scales if per[n]]
    lo, hi = known[-2], known[-1]
    r = (per[hi]["median"] / hi) / (per[lo]["median"] / lo)
    w(f"| linear scaling (time per dossier, {hi} vs {lo} dossiers) | {r:.2f}× | ≈ 1× (≤ 1.25×) | {ok(r <= 1.25)} |")
w("")

out.extend(binary_section())

w("## 100 dossiers: detail")
w("")
w("| command | median | range | per brief | peak RSS |")
w("| --- | --- | --- | --- | --- |")
rows = [
    ("`clerk build --force` (2 threads)", b100, rb),
    ("`clerk build --force --jobs 1`", b100j1, None),
    ("`clerk build` (no-op: all fresh)", noop, rn),
    ("`clerk build` (no-op, no remembered digests: every file hashed)", noop_cold, None),
    ("`clerk build` after editing one dossier (1 built, 99 fresh)", edit1, None),
    ("`clerk check`", chk, rc),
    ("baseline: PyPI typst, 1 process per brief, sequential", seq, rss_mb("base_one")),
    ("baseline: PyPI typst, 1 process per brief, 2 at a time", par2, None),
    ("reference: PyPI typst, 1 process, reused `Compiler`", onep, None),
]
for label, t, r in rows:
    if t:
        w(f"| {label} | {secs(t)} | {spread(t)} | {t['median'] * 10:.1f} ms | {mb(r) if r is not None else ''} |")
w("")
for key in ("closing_check100", "closing_build100", "closing_noop100"):
    if key in meta:
        w(f"- `{key.split('_')[1]}` closing line: `{meta[key]}`")
if "pages" in meta:
    w(f"- same work check: {meta['pages']}; {meta.get('pdf_bytes', '')}")
if rss_mb("base_one") is not None:
    w(f"- baseline peak RSS is that of one `python -c 'typst.compile(...)'` process")
if b100 and onep:
    w(f"- clerk vs the baseline in one reused process: {onep['median'] / b100['median']:.2f}×")
if b100 and chk:
    w(f"- typesetting share of the full build (build − check): about {secs({'median': b100['median'] - chk['median']})}")
w("")

w("## Scaling (full build, 1 MB of sources per dossier)")
w("")
w("| dossiers | sources | `build --force` | per dossier | dossiers/s | `check` | peak RSS (build) |")
w("| --- | --- | --- | --- | --- | --- | --- |")
for n in scales:
    t = per[n]
    c = timing(f"scale_check_{n}")
    if not t:
        continue
    w(f"| {n} | {meta.get(f'scale_{n}', '?')} | {secs(t)} | {t['median'] / n * 1000:.1f} ms | {n / t['median']:.1f} | {secs(c)} | {mb(rss_mb(f'scale_build_{n}'))} |")
for n in scales:
    if f"closing_scale_{n}" in meta:
        w(f"- {n}: `{meta[f'closing_scale_{n}']}`")
w("")

w("## Quote matching vs source size (one quote, one source)")
w("")
w("| source size | `check` quote present | `check` quote absent (near-miss search) | `sha256sum` of the file | near-miss similarity |")
w("| --- | --- | --- | --- | --- |")
for s in quote_sizes:
    p, a, h = timing(f"quote_present_{s}"), timing(f"quote_absent_{s}"), timing(f"quote_sha_{s}")
    if not p:
        continue
    size = int(meta.get(f"quote_size_{s}", "0"))
    w(f"| {s} ({size:,} B) | {secs(p)} | {secs(a)} | {secs(h)} | {meta.get(f'quote_similarity_{s}', '').replace(' similar', '')} |")
w("")
w("The present quote sits in the source's last paragraph and nowhere earlier; the absent one is the same")
w("quote with every fourth word reversed, so `check` exits 1 with `quote-not-found` and its closest passage.")

print("\n".join(out))
