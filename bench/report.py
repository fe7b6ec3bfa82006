#!/usr/bin/env python3
"""Formats bench/run.sh's measurements as Markdown (called by run.sh).

    report.py RESULTS_DIR "SCALES" "QUOTE_SIZES" ["BIG_CHECKS"]
    report.py RESULTS_DIR --binary      # the release binary's section alone

Reads NAME.json (hyperfine --export-json shape: wall times, and user and
system CPU seconds, means of the runs), NAME.rss (peak RSS in KB of the whole
process tree, bench/peak_rss.py), NAME.own.rss (of the command's own
process), NAME.pss (summed PSS of the tree), passes.json (bench/passes.py)
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
big_checks = [] if binary_only or len(sys.argv) < 5 else [int(s) for s in sys.argv[4].split()]

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
    cpu = r["user"] + r["system"] if "user" in r and "system" in r else None
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": len(times), "cpu": cpu}


def kb_file_mb(path):
    if not path.exists() or not path.read_text().strip() or path.read_text().strip() == "None":
        return None
    return int(path.read_text().strip()) / 1024


def rss_mb(name):
    """Peak of the summed RSS of the command's process tree, in MB."""
    return kb_file_mb(res / f"{name}.rss")


def own_mb(name):
    """Peak RSS of the command's own process, in MB."""
    return kb_file_mb(res / f"{name}.own.rss")


def pss_mb(name):
    """Peak of the summed PSS of the command's process tree, in MB."""
    return kb_file_mb(res / f"{name}.pss")


def cpu_ms(t, n):
    """CPU (user + system) per item of a timed command, in ms."""
    return None if t is None or t.get("cpu") is None else t["cpu"] / n * 1000


def mem(name):
    """Tree peak, with the parent's own and the PSS when they differ."""
    r = rss_mb(name)
    if r is None:
        return ""
    o, p = own_mb(name), pss_mb(name)
    extra = []
    if o is not None and abs(o - r) >= 0.5:
        extra.append(f"own {o:.0f}")
    if p is not None and abs(p - r) >= 0.5:
        extra.append(f"PSS {p:.0f}")
    return f"{r:.0f} MB" + (f" ({', '.join(extra)})" if extra else "")


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
    return "not measured" if cond is None else ("**met**" if cond else "**MISSED**")


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
passes = json.loads((res / "passes.json").read_text()) if (res / "passes.json").exists() else None
quick_run = meta.get("mode", "").startswith("quick")

out = []
w = out.append
w("# clerk benchmark results")
w("")
w(f"- date: {meta.get('date', '?')}")
w(f"- machine: {meta.get('machine', '?')} ({meta.get('kernel', '?')})")
w(f"- clerk commit: {meta.get('commit', '?')} ({meta.get('clerk', '?')}, {meta.get('rustc', '?')})")
w(f"- baseline: {meta.get('typst_cli', '?')}, with clerk's PDF settings (`typst compile --ignore-system-fonts --pdf-standard a-3b,ua-1 --creation-timestamp 1743465600`)")
if "py_typst" in meta:
    w(f"- reference row only: {meta['py_typst']}; fonts {meta.get('py_fonts', '?')}")
w(f"- timer: {meta.get('timer', '?')}; {meta.get('mode', '')}; load average at start {meta.get('load_start', '?')}, at end {meta.get('load_end', '?')}")
w(f"- corpus: {meta.get('c100', '?')} (bench/gen_corpus.py --dossiers 100 --source-mb 100, 30 claims per dossier)")
w("")
w("Times are wall-clock medians (range and number of runs in the detail tables); CPU is user + system")
w("time (the mean of the runs; a command's CPU includes the processes it waited for: clerk's worker")
w("processes, each typst process of the baseline). Peak RSS is the peak of the summed resident set")
w("sizes of the whole process tree, clerk's worker processes included, polled every 20 ms from /proc")
w("(bench/peak_rss.py; median of the runs): `own` is the parent process alone, `PSS` the summed")
w("proportional set sizes (pages shared between processes counted once). The ranges show how noisy")
w("the machine was; the load averages are above.")
w("")

# ---------------------------------------------------------------- third round
w("## Third-round targets (this run)")
w("")
w("Every figure below was measured in this run (bench/run.sh); the detail tables follow.")
w("")
w("| # | measurement | result | target | status |")
w("| --- | --- | --- | --- | --- |")
missed = False


def target_row(num, label, result, target, cond):
    global missed
    if cond is False:
        missed = True
    w(f"| {num} | {label} | {result} | {target} | {ok(cond)} |")


if b100 and b100j1:
    r = b100j1["median"] / b100["median"]
    target_row(2, "`--jobs 2` against `--jobs 1`, full build of 100 dossiers", f"{r:.2f}× ({secs(b100j1)} / {secs(b100)})", "≥ 1.8×", r >= 1.8)
else:
    target_row(2, "`--jobs 2` against `--jobs 1`, full build of 100 dossiers", "not measured", "≥ 1.8×", None)
if b100 and par2:
    r = par2["median"] / b100["median"]
    target_row(3, "full build (`--jobs 2`) against the typst CLI two processes at a time, same markup", f"{r:.2f}× ({secs(par2)} / {secs(b100)})", "≥ 1.25×", r >= 1.25)
else:
    target_row(3, "full build against the typst CLI two processes at a time", "not measured", "≥ 1.25×", None)
c1, cs, c2 = cpu_ms(b100j1, 100), cpu_ms(seq, 100), cpu_ms(b100, 100)
if c1 is not None and cs:
    r = c1 / cs
    extra = f"; `--jobs 2`: {c2:.1f} ms, {c2 / cs:.2f}×" if c2 is not None else ""
    target_row(4, "CPU per brief, clerk `--jobs 1` against the typst CLI one process per brief", f"{r:.2f}× ({c1:.1f} ms / {cs:.1f} ms{extra})", "≤ 0.85×", r <= 0.85)
else:
    target_row(4, "CPU per brief, clerk against the typst CLI one process per brief", "not measured", "≤ 0.85×", None)


def rss_target(label, name, limit, skipped):
    r = rss_mb(name)
    if r is None:
        target_row(5, label, "not measured in this run" + (f" ({skipped})" if skipped else ""), f"≤ {limit} MB", None)
        return
    n = name.removeprefix("bigcheck_")
    exit_code = meta.get(f"bigcheck_exit_{n}") if name.startswith("bigcheck_") else None
    if name.startswith("bigcheck_") and meta.get(f"bigcheck_stopped_{n}") == "True":
        t = timing(name)
        after = f" after {secs(t)}" if t else ""
        target_row(5, label, f"more than {r:.0f} MB: killed at the benchmark's limit (BIG_CHECK_LIMIT_MB){after}", f"≤ {limit} MB", False)
        return
    if exit_code not in (None, "0"):
        target_row(5, label, f"{mem(name)}, but `clerk check` exited {exit_code}", f"≤ {limit} MB", False)
        return
    target_row(5, label, mem(name), f"≤ {limit} MB", r <= limit)


skip_note = "QUICK=1 skips it" if quick_run else ""
rss_target("peak RSS, full build of 1,000 dossiers (all processes)", "scale_build_1000", 150, skip_note)
rss_target("peak RSS, check of 10,000 dossiers", "bigcheck_10000", 150, "")
rss_target("peak RSS, check of 100,000 dossiers", "bigcheck_100000", 200, skip_note)
if passes:
    counts = sorted(set(passes["files"].values()))
    desc = f"{passes['max']}" + (f" (from {passes['min']})" if passes["min"] != passes["max"] else "")
    target_row(6, "layout passes of the built-in template", f"{desc}, in each of {len(passes['files'])} briefs (typst CLI `--timings`)", "≤ 2", passes["max"] <= 2)
else:
    target_row(6, "layout passes of the built-in template", "not measured", "≤ 2", None)
w("")
if missed:
    w("Why missed: see bench/README.md")
    w("")

# ---------------------------------------------------------------- first round
w("## First-round targets (this run)")
w("")
w("| measurement | result | target | status |")
w("| --- | --- | --- | --- |")
if b100:
    w(f"| full build, 100 dossiers (`build --force --jobs 2`) | {secs(b100)} ({100 / b100['median']:.1f} dossiers/s) | ≤ 1.5 s | {ok(b100['median'] <= 1.5)} |")
if b100 and seq:
    w(f"| speed-up vs the typst CLI one process per brief, sequential | {seq['median'] / b100['median']:.2f}× ({secs(seq)} vs {secs(b100)}) | ≥ 2.5× | {ok(seq['median'] / b100['median'] >= 2.5)} |")
if b100 and par2:
    w(f"| speed-up vs the typst CLI one process per brief, 2 at a time | {par2['median'] / b100['median']:.2f}× ({secs(par2)} vs {secs(b100)}) | ≥ 2.5× | {ok(par2['median'] / b100['median'] >= 2.5)} |")
if noop:
    w(f"| no-op rebuild, 100 dossiers (`build`) | {secs(noop)} | < 100 ms | {ok(noop['median'] < 0.1)} |")
if chk:
    w(f"| check only, 100 dossiers over 100 MB (`check`) | {secs(chk)} | < 0.5 s | {ok(chk['median'] < 0.5)} |")
for label, v in (("full build", rb), ("no-op rebuild", rn), ("check", rc)):
    if v is not None:
        w(f"| peak RSS, {label} of 100 (all processes) | {mb(v)} | < 150 MB | {ok(v < 150)} |")
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
w("| command | median | range | per brief | CPU per brief | peak RSS |")
w("| --- | --- | --- | --- | --- | --- |")
rows = [
    ("`clerk build --force --jobs 2`", "build100"),
    ("`clerk build --force --jobs 1`", "build100_j1"),
    ("`clerk build` (no-op: all fresh)", "noop100"),
    ("`clerk build` (no-op, no remembered digests: every file hashed)", "noop100_cold"),
    ("`clerk build` after editing one dossier (1 built, 99 fresh)", "edit100"),
    ("`clerk check`", "check100"),
    ("baseline: typst CLI, 1 process per brief, sequential", "base_seq"),
    ("baseline: typst CLI, 1 process per brief, 2 at a time", "base_par2"),
    ("reference: PyPI typst, 1 process, reused `Compiler`", "base_oneproc"),
]
for label, name in rows:
    t = timing(name)
    if not t:
        continue
    c = cpu_ms(t, 100)
    r = mem("base_one") if name == "base_seq" else mem(name)
    w(f"| {label} | {secs(t)} | {spread(t)} | {t['median'] * 10:.1f} ms | {'' if c is None else f'{c:.1f} ms'} | {r} |")
w("")
for key in ("closing_check100", "closing_build100", "closing_noop100"):
    if key in meta:
        w(f"- `{key.split('_')[1]}` closing line: `{meta[key]}`")
if "pages" in meta:
    w(f"- same work check: {meta['pages']}; {meta.get('pdf_bytes', '')}")
if rss_mb("base_one") is not None:
    w("- the typst CLI's peak RSS is that of one `typst compile` process (the first brief)")
if b100 and onep:
    w(f"- clerk (`--jobs 2`) against one reused PyPI typst compiler: {onep['median'] / b100['median']:.2f}×")
if b100 and chk:
    w(f"- typesetting share of the full build (build − check): about {secs({'median': b100['median'] - chk['median']})}")
if passes:
    w(f"- layout passes (typst CLI `--timings`, `iter (N)` scopes): " + ", ".join(f"{k} {v}" for k, v in passes["files"].items()))
w("")

if big_checks:
    w("## Many dossiers over the same 100 MB of sources: check only")
    w("")
    w("One run each. The corpora (`bench/gen_corpus.py --dossiers N --source-mb 100`) share a pool of")
    w("about 940 sources; what grows is the number of dossiers, claims and quotes.")
    w("")
    w("| dossiers | corpus | `clerk check` | per dossier | CPU | peak RSS | closing line |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for n in big_checks:
        t = timing(f"bigcheck_{n}")
        if not t:
            continue
        cpu = "" if t.get("cpu") is None else f"{t['cpu']:.1f} s"
        if meta.get(f"bigcheck_stopped_{n}") == "True":
            w(f"| {n:,} | {meta.get(f'bigcheck_{n}', '?')} | killed after {secs(t)}: memory above BIG_CHECK_LIMIT_MB | | {cpu} | > {mem(f'bigcheck_{n}')} | |")
            continue
        w(f"| {n:,} | {meta.get(f'bigcheck_{n}', '?')} | {secs(t)} | {t['median'] / n * 1000:.2f} ms | {cpu} | {mem(f'bigcheck_{n}')} | `{meta.get(f'closing_bigcheck_{n}', '')}` |")
    w("")

w("## Scaling (full build, 1 MB of sources per dossier)")
w("")
w("| dossiers | sources | `build --force --jobs 2` | per dossier | dossiers/s | `check` | peak RSS (build, all processes) |")
w("| --- | --- | --- | --- | --- | --- | --- |")
for n in scales:
    t = per[n]
    c = timing(f"scale_check_{n}")
    if not t:
        continue
    w(f"| {n} | {meta.get(f'scale_{n}', '?')} | {secs(t)} | {t['median'] / n * 1000:.1f} ms | {n / t['median']:.1f} | {secs(c)} | {mem(f'scale_build_{n}')} |")
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
