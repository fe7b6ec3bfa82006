#!/usr/bin/env bash
# bench/run.sh: the reproducible clerk benchmark (see bench/README.md).
#
#   bash bench/run.sh              # full run (about 45-60 minutes on 2 cores,
#                                  # plus corpus generation and the typst CLI's
#                                  # installation the first time)
#   QUICK=1 bash bench/run.sh      # quick run: fewer repetitions, no 1,000-dossier
#                                  # build, no check of 100,000 dossiers, quote test
#                                  # up to 10 MB (about 10 minutes)
#
# What it does, from the repository root:
#   1. `cargo build --release` (reusing target/) and copies the binary to
#      $CORPUS/bin/clerk, so a concurrent rebuild cannot swap it mid-run
#      (set CLERK_BIN=/path/to/clerk to skip the build and use that binary,
#      e.g. target/x86_64-unknown-linux-gnu/dist/clerk, the binary `dist
#      build` packages: profile `dist` is the release profile);
#   2. installs the baseline, the typst CLI 0.15.1, into bench/.typst-cli when
#      it is missing (`cargo install typst-cli --version 0.15.1 --locked`, once,
#      about 6 minutes; its build directory is a temporary one under
#      bench/.typst-cli, removed afterwards, never the project's target/), and
#      tries to create bench/.venv with the PyPI `typst` package (0.15.x) for
#      one reference row (a reused compiler); without it that row is skipped;
#   3. installs hyperfine and GNU time with apt-get if they are missing (falls
#      back to bench/timer.py when hyperfine cannot be installed);
#   4. generates the corpora with bench/gen_corpus.py (cached in $CORPUS and
#      regenerated when the generator or its arguments change) and checks
#      that `clerk check` accepts them;
#   5. measures (wall-clock medians and user + system CPU; peak memory with
#      bench/peak_rss.py, which sums the RSS of the whole process tree, worker
#      processes included, median of RSS_RUNS runs):
#        - the binary: its size, and its start-up (`clerk --version`);
#        - full build of 100 dossiers over 100 MB of sources (build --force
#          --jobs 2), also with --jobs 1;
#        - no-op rebuild of the same 100 (`clerk build` after a build), with
#          the digests it remembers and without (every file hashed again);
#        - rebuild after editing one dossier of the 100;
#        - check-only of the same 100 (`clerk check`);
#        - the baseline: clerk's rendered markup (build --emit typ) compiled
#          by the typst CLI 0.15.1, one process per brief, sequentially and
#          two at a time, with the same PDF settings (bench/baseline.sh), after
#          checking that it gives every brief as many pages as clerk; and, for
#          reference, by one reused PyPI typst compiler;
#        - layout passes of the built-in template: the typst CLI's timing
#          trace of the first PASS_BRIEFS briefs' markup (bench/passes.py);
#        - scaling: full builds (and checks) of 10, 100 and 1,000 dossiers
#          at 1 MB of sources per dossier;
#        - checks of 10,000 and 100,000 dossiers over the same 100 MB of
#          sources (one run each: wall time and peak memory);
#        - quote matching vs source size: `clerk check` of one quote that is
#          present (at the end of the source) and absent (near-miss search)
#          in one source of 1 KB ... 50 MB, next to `sha256sum` of the file;
#   6. prints a Markdown report on stdout and writes it to bench/RESULTS.md
#      (progress and tool output go to stderr).
#
# Environment knobs (defaults in brackets):
#   QUICK [0]        1 = quick mode (see above)
#   RUNS [10; 3]     timed runs for fast commands (hyperfine --runs)
#   SLOW_RUNS [3; 1] timed runs for the baseline and the 1,000-dossier build
#   RSS_RUNS [3; 1]  runs under bench/peak_rss.py for peak memory
#   SCALES ["10 100 1000"; "10 100"]   dossier counts for the scaling test
#   BIG_CHECKS ["10000 100000"; "10000"]   dossier counts checked over 100 MB
#   BIG_CHECK_LIMIT_MB [4096]  those checks are killed when their memory
#                    exceeds this (a clerk that keeps every dossier needs
#                    about 2 GB for 10,000 and so some 20 GB for 100,000)
#   PASS_BRIEFS [5]  briefs whose layout passes are counted
#   QUOTE_SIZES ["1K 10K 100K 1M 10M 50M"; "1K 10K 100K 1M 10M"]
#   SEED [1]         corpus seed
#   CORPUS [bench/corpus]   where corpora, the binary copy and scratch go
#   CLERK_BIN        use this clerk binary instead of building one
#   TYPST_CLI [bench/.typst-cli/bin/typst]  the typst CLI (installed if absent)
#   BINARY_ONLY [0]  1 = measure only the binary (size, start-up) and print
#                    that section, leaving RESULTS alone (a few seconds)
#   NICE [5]         the whole run is re-executed under `nice -n $NICE`
#                    (the machine is shared with a fuzzer and other builds)
#   RESULTS [bench/RESULTS.md]  where the report is written
set -euo pipefail

if [ -z "${CLERK_BENCH_NICED:-}" ]; then
    export CLERK_BENCH_NICED=1
    exec nice -n "${NICE:-5}" bash "$0" "$@"
fi

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
    RUNS=${RUNS:-3}
    SLOW_RUNS=${SLOW_RUNS:-1}
    RSS_RUNS=${RSS_RUNS:-1}
    SCALES=${SCALES:-"10 100"}
    BIG_CHECKS=${BIG_CHECKS:-"10000"}
    QUOTE_SIZES=${QUOTE_SIZES:-"1K 10K 100K 1M 10M"}
else
    RUNS=${RUNS:-10}
    SLOW_RUNS=${SLOW_RUNS:-3}
    RSS_RUNS=${RSS_RUNS:-3}
    SCALES=${SCALES:-"10 100 1000"}
    BIG_CHECKS=${BIG_CHECKS:-"10000 100000"}
    QUOTE_SIZES=${QUOTE_SIZES:-"1K 10K 100K 1M 10M 50M"}
fi
PASS_BRIEFS=${PASS_BRIEFS:-5}
BIG_CHECK_LIMIT_MB=${BIG_CHECK_LIMIT_MB:-4096}
SEED=${SEED:-1}
CORPUS=${CORPUS:-$BENCH/corpus}
RESULTS=${RESULTS:-$BENCH/RESULTS.md}
VENV=$BENCH/.venv
RES=$CORPUS/results
mkdir -p "$CORPUS"
rm -rf "$RES"
mkdir -p "$RES"

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }
# meta KEY VALUE: one line of run metadata for the report.
meta() { printf '%s\t%s\n' "$1" "$2" >>"$RES/meta.tsv"; }

# ------------------------------------------------------------------ tools

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
    command -v apt-get >/dev/null || return 1
    log "apt-get install -y $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >&2 ||
        { as_root apt-get update >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >&2; }
}
command -v hyperfine >/dev/null || apt_install hyperfine || true
[ -r /proc/self/statm ] || die "bench/peak_rss.py needs Linux's /proc for peak memory"
[ -x /usr/bin/time ] || apt_install time || die "GNU time (/usr/bin/time) is needed for the start-up's peak RSS"
if command -v hyperfine >/dev/null; then
    TIMER="hyperfine $(hyperfine --version | awk '{print $2}')"
else
    TIMER="python (bench/timer.py)"
fi

# ------------------------------------------------------------------ clerk

if [ -n "${CLERK_BIN:-}" ]; then
    log "using CLERK_BIN=$CLERK_BIN"
    src_bin=$CLERK_BIN
else
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release >&2)
    src_bin=$ROOT/target/release/clerk
fi
bin_profile="cargo build --release"
case $src_bin in
*/dist/clerk) bin_profile="dist build (profile dist, which inherits release)" ;;
*/release/clerk) ;;
*) bin_profile="CLERK_BIN=$src_bin" ;;
esac
mkdir -p "$CORPUS/bin"
cp "$src_bin" "$CORPUS/bin/clerk.tmp" && mv "$CORPUS/bin/clerk.tmp" "$CORPUS/bin/clerk"
CLERK=$CORPUS/bin/clerk
commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    commit="$commit + uncommitted changes in src/ or Cargo.*"
fi
if [ -n "${CLERK_BIN:-}" ]; then
    # A given binary may come from another checkout or commit than this one.
    commit="not known: CLERK_BIN, built $(date -u -r "$src_bin" '+%Y-%m-%d %H:%M UTC'); this checkout is at $commit"
fi

# ------------------------------------------------------------------ the baseline

# (neither is needed to measure the binary alone)
TYPST_CLI_VERSION=0.15.1
TYPST=${TYPST_CLI:-$BENCH/.typst-cli/bin/typst}
PY_TYPST=none PY_FONTS=none
if [ "${BINARY_ONLY:-0}" != 1 ]; then
    if ! "$TYPST" --version 2>/dev/null | grep -q "^typst $TYPST_CLI_VERSION "; then
        [ -z "${TYPST_CLI:-}" ] || die "TYPST_CLI=$TYPST_CLI is not typst $TYPST_CLI_VERSION"
        command -v cargo >/dev/null || die "cargo is needed to install the baseline, typst-cli $TYPST_CLI_VERSION"
        log "cargo install typst-cli $TYPST_CLI_VERSION into bench/.typst-cli (once; about 6 minutes on 2 cores)"
        # Its own build directory (removed afterwards), so that neither the
        # project's target/ nor a target-dir from any cargo configuration is
        # touched; run from / so no project configuration applies.
        (cd / && CARGO_TARGET_DIR="$BENCH/.typst-cli/build" cargo install typst-cli \
            --version "$TYPST_CLI_VERSION" --locked --root "$BENCH/.typst-cli" >&2)
        rm -rf "$BENCH/.typst-cli/build"
        "$TYPST" --version | grep -q "^typst $TYPST_CLI_VERSION " || die "installing typst-cli $TYPST_CLI_VERSION failed"
    fi
    # The PyPI package, for the reference row of one reused compiler only.
    if ! "$VENV/bin/python" -c 'import typst' 2>/dev/null; then
        log "creating $VENV with the PyPI typst package (reference row only)"
        { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q 'typst>=0.15,<0.16'; } >&2 ||
            echo "run.sh: no PyPI typst 0.15.x; the reused-compiler reference row is skipped" >&2
    fi
    if "$VENV/bin/python" -c 'import typst' 2>/dev/null; then
        PY_TYPST=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("typst"))')
        PY_FONTS=$("$VENV/bin/python" - <<'EOF'
import typst
fams = set(typst.Fonts(include_system_fonts=False).families())
need = ["Libertinus Serif", "DejaVu Sans Mono"]
missing = [f for f in need if f not in fams]
print("bundled: " + ", ".join(sorted(fams)) + ("; MISSING " + ", ".join(missing) if missing else "; has Libertinus Serif and DejaVu Sans Mono"))
EOF
)
    fi
fi

meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta machine "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GB RAM", $2/1048576}' /proc/meminfo)"
meta kernel "$(uname -sr)"
meta commit "$commit"
meta clerk "$("$CLERK" --version 2>/dev/null || echo '?')"
meta rustc "$(rustc --version 2>/dev/null || echo '?')"
meta timer "$TIMER"
meta typst_cli "$("$TYPST" --version 2>/dev/null || echo none) (typst-cli from crates.io, ${TYPST#"$ROOT"/})"
if [ "$PY_TYPST" != none ]; then
    meta py_typst "typst $PY_TYPST (PyPI), $("$VENV/bin/python" --version 2>&1)"
fi
meta py_fonts "$PY_FONTS"
meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
meta mode "$([ "$QUICK" = 1 ] && echo quick || echo full); RUNS=$RUNS SLOW_RUNS=$SLOW_RUNS RSS_RUNS=$RSS_RUNS; nice $(nice)"

# ------------------------------------------------------------------ helpers

# tm NAME RUNS [--warmup N] [--prepare CMD] [--ignore-failure] -- CMD...
# Times CMD (no shell) and writes $RES/NAME.json (hyperfine's JSON shape).
tm() {
    local name=$1 runs=$2 warmup=0 prepare="" ignore=""
    shift 2
    while [ "$1" != "--" ]; do
        case $1 in
        --warmup) warmup=$2; shift 2 ;;
        --prepare) prepare=$2; shift 2 ;;
        --ignore-failure) ignore=1; shift ;;
        *) die "tm: bad option $1" ;;
        esac
    done
    shift
    printf '  [%s] %s\n' "$name" "$*" >&2
    if command -v hyperfine >/dev/null; then
        local args=(-N --style basic --runs "$runs" --warmup "$warmup" --export-json "$RES/$name.json")
        [ -n "$prepare" ] && args+=(--prepare "$prepare")
        [ -n "$ignore" ] && args+=(-i)
        hyperfine "${args[@]}" -- "$(printf '%q ' "$@")" >&2
    else
        local args=(--runs "$runs" --warmup "$warmup" --export-json "$RES/$name.json")
        [ -n "$prepare" ] && args+=(--prepare "$prepare")
        [ -n "$ignore" ] && args+=(--ignore-failure)
        python3 "$BENCH/timer.py" "${args[@]}" -- "$@" >&2
    fi
}

# rss NAME RUNS -- CMD...: peak memory (KB) of CMD and every process it starts
# (bench/peak_rss.py: the summed RSS of the process tree, polled from /proc),
# median of RUNS runs, into $RES/NAME.rss; also the peak of the command's own
# process ($RES/NAME.own.rss) and of the tree's summed PSS ($RES/NAME.pss); the
# last run's stderr into $RES/NAME.err and its measurements into NAME.tree.json.
rss() {
    local name=$1 runs=$2 i
    shift 3
    local tree=() own=() pss=()
    for ((i = 0; i < runs; i++)); do
        python3 "$BENCH/peak_rss.py" --pss --out "$RES/$name.tree.json" -- "$@" >/dev/null 2>"$RES/$name.err" || true
        tree+=("$(field "$RES/$name.tree.json" tree_peak_kb)")
        own+=("$(field "$RES/$name.tree.json" parent_peak_kb)")
        pss+=("$(field "$RES/$name.tree.json" tree_peak_pss_kb)")
    done
    median "${tree[@]}" >"$RES/$name.rss"
    median "${own[@]}" >"$RES/$name.own.rss"
    median "${pss[@]}" >"$RES/$name.pss"
    printf '  [%s] peak RSS of the process tree %s KB (runs: %s; own %s KB, PSS %s KB)\n' \
        "$name" "$(cat "$RES/$name.rss")" "${tree[*]}" "$(cat "$RES/$name.own.rss")" "$(cat "$RES/$name.pss")" >&2
}
# rss1 NAME RUNS -- CMD...: peak RSS (KB) of a single-process command too
# short for the sampler (a few ms), under GNU time, median of RUNS runs.
rss1() {
    local name=$1 runs=$2 i vals=()
    shift 3
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f %M -o "$RES/$name.time" "$@" >/dev/null 2>"$RES/$name.err" || true
        vals+=("$(tail -1 "$RES/$name.time")")
    done
    median "${vals[@]}" >"$RES/$name.rss"
    printf '  [%s] peak RSS %s KB (runs: %s)\n' "$name" "$(cat "$RES/$name.rss")" "${vals[*]}" >&2
}
# field FILE KEY: one value of a flat JSON object.
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
# median VALUE...: the median (the lower one of an even count).
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# corpus DIR ARGS...: generate (or reuse) a corpus; checks it with clerk.
corpus() {
    local dir=$1
    shift
    local stamp
    stamp="$(sha256sum "$BENCH/gen_corpus.py" | cut -c1-16) $*"
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
        return 0
    fi
    log "generating $dir ($*)"
    rm -rf "$dir"
    local t0=$SECONDS
    python3 "$BENCH/gen_corpus.py" "$dir" "$@" >&2
    printf '%s s\n' $((SECONDS - t0)) >"$dir/.gentime"
    printf '%s' "$stamp" >"$dir/.stamp"
}

# check_ok DIR: `clerk check` must exit 0 (warnings allowed).
check_ok() {
    local rc=0
    "$CLERK" check --root "$1" --color never >/dev/null 2>"$RES/validate.err" || rc=$?
    [ "$rc" = 0 ] || { tail -30 "$RES/validate.err" >&2; die "clerk check rejects the corpus $1 (exit $rc)"; }
}

# closing LABEL DIR ARGS...: runs `clerk ARGS --root DIR` once and records its
# closing line (e.g. "built 100, fresh 0, failed 0 in 1.21 s").
closing() {
    local label=$1 dir=$2
    shift 2
    "$CLERK" "$@" --root "$dir" --color never >"$RES/$label.out" 2>&1 || true
    meta "closing_$label" "$(grep -E '^(built|checked)|[0-9]+ (error|warning)' "$RES/$label.out" | tail -1)"
}

# ------------------------------------------------------------------ the binary

log "the binary: size and start-up"
# What people install: its size, and how long it takes to start and answer
# (`--version`: process start-up and argument parsing, no project read).
meta bin_bytes "$(stat -c %s "$CLERK")"
meta bin_path "${src_bin#"$ROOT"/}"
meta bin_profile "$bin_profile"
tm version "$RUNS" --warmup 3 -- "$CLERK" --version
# (GNU time: `--version` is over before the sampler's first poll)
rss1 version "$RSS_RUNS" -- "$CLERK" --version
if [ "${BINARY_ONLY:-0}" = 1 ]; then
    python3 "$BENCH/report.py" "$RES" --binary
    exit 0
fi

# ------------------------------------------------------------------ corpora

C100=$CORPUS/c100
corpus "$C100" --dossiers 100 --source-mb 100 --seed "$SEED"
check_ok "$C100"
meta c100 "$(find "$C100/dossiers" -name '*.toml' | wc -l) dossiers, $(find "$C100/sources" -name '*.txt' | wc -l) sources, $(du -sm --apparent-size "$C100/sources" | cut -f1) MB"
closing check100 "$C100" check

# ------------------------------------------------------------------ 100 dossiers

log "full build, 100 dossiers"
# --jobs 2 explicitly (the default is the number of cores): the issue's
# targets are for two jobs, whatever the machine.
tm build100 "$RUNS" --warmup 1 -- "$CLERK" build --force --jobs 2 --root "$C100"
rss build100 "$RSS_RUNS" -- "$CLERK" build --force --jobs 2 --root "$C100"
closing build100 "$C100" build --force --jobs 2
tm build100_j1 "$SLOW_RUNS" -- "$CLERK" build --force --jobs 1 --root "$C100"
rss build100_j1 1 -- "$CLERK" build --force --jobs 1 --root "$C100"

log "no-op rebuild, 100 dossiers"
# A build remembers the digests of files that had settled (not modified in
# the last 3 s, src/digests.rs) and the next no-op build reuses them; wait
# for the briefs just written to settle, as they would between two edits.
"$CLERK" build --root "$C100" >/dev/null 2>&1
sleep 4
closing noop100 "$C100" build
tm noop100 "$RUNS" --warmup 2 -- "$CLERK" build --root "$C100"
rss noop100 "$RSS_RUNS" -- "$CLERK" build --root "$C100"
# The same with nothing remembered: every source and brief is read and hashed.
tm noop100_cold "$RUNS" --warmup 1 --prepare "rm -f $C100/output/.clerk/digests.json" -- "$CLERK" build --root "$C100"
"$CLERK" build --root "$C100" >/dev/null 2>&1

log "rebuild after editing one dossier of 100"
# Each run appends a comment to one dossier: its brief alone is stale.
edited=$C100/dossiers/d-00001.toml
cp "$edited" "$RES/edited.toml"
printf 'echo "# edited $(date +%%s%%N)" >>%q\n' "$edited" >"$RES/edit-one.sh"
tm edit100 "$RUNS" --warmup 1 --prepare "sh $RES/edit-one.sh" -- "$CLERK" build --root "$C100"
cp "$RES/edited.toml" "$edited"
"$CLERK" build --root "$C100" >/dev/null 2>&1

log "check only, 100 dossiers over 100 MB"
tm check100 "$RUNS" --warmup 1 -- "$CLERK" check --root "$C100"
rss check100 "$RSS_RUNS" -- "$CLERK" check --root "$C100"

# ------------------------------------------------------------------ baseline

log "baseline: clerk's markup compiled by the typst CLI $TYPST_CLI_VERSION"
"$CLERK" build --force --emit typ --root "$C100" >/dev/null 2>&1
TYP=$CORPUS/typ100
rm -rf "$TYP" "$CORPUS/base-out"
mkdir -p "$TYP"
cp "$C100"/output/*.typ "$TYP/"
ntyp=$(find "$TYP" -name '*.typ' | wc -l)
[ "$ntyp" = 100 ] || die "expected 100 .typ files, found $ntyp"
# Sanity: the typst CLI compiles every brief, to as many pages as clerk's
# (the same work), brief by brief.
bash "$BENCH/baseline.sh" seq "$TYP" "$CORPUS/base-out" 2>"$RES/baseline.err" ||
    { cat "$RES/baseline.err" >&2; die "the typst CLI cannot compile clerk's markup"; }
command -v pdfinfo >/dev/null || apt_install poppler-utils || true
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
if command -v pdfinfo >/dev/null; then
    pc=0 pb=0 differ=()
    for f in "$TYP"/*.typ; do
        b=$(basename "$f" .typ)
        c=$(pages "$C100/output/$b.pdf") t=$(pages "$CORPUS/base-out/$b.pdf")
        c=${c:-0} t=${t:-0}
        pc=$((pc + c)) pb=$((pb + t))
        [ "$c" = "$t" ] || differ+=("$b ($c/$t)")
    done
    if [ ${#differ[@]} = 0 ]; then same="every brief has as many pages in both"; else same="${#differ[@]} briefs differ: ${differ[*]}"; fi
    meta pages "clerk $pc pages, typst CLI $pb pages (100 briefs); $same"
    [ ${#differ[@]} = 0 ] || printf 'run.sh: warning: page counts differ: %s\n' "${differ[*]}" >&2
else
    meta pages "not compared (pdfinfo missing)"
fi
meta pdf_bytes "clerk $(cat "$C100"/output/*.pdf | wc -c) bytes, typst CLI $(cat "$CORPUS"/base-out/*.pdf | wc -c) bytes"
tm base_seq "$SLOW_RUNS" -- bash "$BENCH/baseline.sh" seq "$TYP" "$CORPUS/base-out"
tm base_par2 "$SLOW_RUNS" -- bash "$BENCH/baseline.sh" par2 "$TYP" "$CORPUS/base-out"
first_typ=$(find "$TYP" -name '*.typ' | sort | sed -n 1p)
rss base_one "$RSS_RUNS" -- "$TYPST" compile --ignore-system-fonts --pdf-standard a-3b,ua-1 \
    --creation-timestamp 1743465600 "$first_typ" "$CORPUS/base-one.pdf"
if [ "$PY_TYPST" != none ]; then
    tm base_oneproc "$SLOW_RUNS" -- bash "$BENCH/baseline.sh" oneproc "$TYP" "$CORPUS/base-out-py"
fi

log "layout passes of the built-in template (typst CLI --timings, $PASS_BRIEFS briefs)"
# shellcheck disable=SC2046
python3 "$BENCH/passes.py" "$TYPST" "$RES/passes.json" $(find "$TYP" -name '*.typ' | sort | head -n "$PASS_BRIEFS")

# ------------------------------------------------------------------ scaling

log "scaling: ${SCALES}"
for n in $SCALES; do
    if [ "$n" = 100 ]; then
        dir=$C100
    else
        dir=$CORPUS/c$n
        corpus "$dir" --dossiers "$n" --source-mb "$n" --seed "$SEED"
        check_ok "$dir"
    fi
    if [ "$n" -ge 1000 ]; then r=$SLOW_RUNS; w=0; else r=$RUNS; w=1; fi
    meta "scale_$n" "$(find "$dir/sources" -name '*.txt' | wc -l) sources, $(du -sm --apparent-size "$dir/sources" | cut -f1) MB"
    tm "scale_build_$n" "$r" --warmup "$w" -- "$CLERK" build --force --jobs 2 --root "$dir"
    tm "scale_check_$n" "$r" --warmup "$w" -- "$CLERK" check --root "$dir"
    rss "scale_build_$n" 1 -- "$CLERK" build --force --jobs 2 --root "$dir"
    closing "scale_$n" "$dir" build --force --jobs 2
done

# ------------------------------------------------------------------ many dossiers

log "check of ${BIG_CHECKS} dossiers over 100 MB of sources"
# The same pool of about 940 sources (100 MB), cited by many more dossiers:
# what grows is the number of dossiers, claims and quotes. One run each
# (they are slow), under the sampler: wall time, CPU and peak memory. Only
# the last lines of the diagnostics are kept (some 27 warnings a dossier:
# about 1.7 GB of text for 100,000 dossiers). A check whose memory passes
# BIG_CHECK_LIMIT_MB is killed, and the report says so, rather than let it
# exhaust the machine.
for n in $BIG_CHECKS; do
    dir=$CORPUS/check$n
    corpus "$dir" --dossiers "$n" --source-mb 100 --seed "$SEED"
    meta "bigcheck_$n" "$(find "$dir/sources" -name '*.txt' | wc -l) sources ($(du -sm --apparent-size "$dir/sources" | cut -f1) MB), dossiers $(du -sm --apparent-size "$dir/dossiers" | cut -f1) MB; $(du -sm "$dir" | cut -f1) MB on disk; generated in $(cat "$dir/.gentime" 2>/dev/null || echo '? s')"
    printf '  [bigcheck_%s] %s check --root %s\n' "$n" "$CLERK" "$dir" >&2
    { python3 "$BENCH/peak_rss.py" --pss --limit-mb "$BIG_CHECK_LIMIT_MB" --out "$RES/bigcheck_$n.tree.json" -- \
        "$CLERK" check --root "$dir" --color never 2>&1 >/dev/null; } | tail -n 3 >"$RES/bigcheck_$n.tail" || true
    cat "$RES/bigcheck_$n.tail" >&2
    python3 - "$RES" "bigcheck_$n" <<'EOF'
import json, sys
from pathlib import Path
res, name = Path(sys.argv[1]), sys.argv[2]
t = json.loads((res / f"{name}.tree.json").read_text())
# One timed run, in the shape bench/report.py reads for every row.
(res / f"{name}.json").write_text(json.dumps({"results": [{
    "command": t["command"], "times": [t["wall_s"]], "exit_codes": [t["exit_code"]],
    "user": t["user_s"], "system": t["sys_s"]}]}))
(res / f"{name}.rss").write_text(f"{t['tree_peak_kb']}\n")
(res / f"{name}.own.rss").write_text(f"{t['parent_peak_kb']}\n")
(res / f"{name}.pss").write_text(f"{t['tree_peak_pss_kb']}\n")
EOF
    meta "bigcheck_exit_$n" "$(field "$RES/bigcheck_$n.tree.json" exit_code)"
    meta "bigcheck_stopped_$n" "$(field "$RES/bigcheck_$n.tree.json" stopped_at_limit)"
    meta "closing_bigcheck_$n" "$(grep -E '^checked' "$RES/bigcheck_$n.tail" | tail -1)"
done

# ------------------------------------------------------------------ quote matching

log "quote matching vs source size: ${QUOTE_SIZES}"
bytes() {
    case $1 in
    *K) echo $((${1%K} * 1024)) ;;
    *M) echo $((${1%M} * 1024 * 1024)) ;;
    *) echo "$1" ;;
    esac
}
for s in $QUOTE_SIZES; do
    dir=$CORPUS/q$s
    corpus "$dir" --quote-test "$(bytes "$s")" --seed "$SEED"
    "$CLERK" check present --root "$dir" --color never >/dev/null 2>"$RES/q$s.present.err" ||
        { cat "$RES/q$s.present.err" >&2; die "quote test $s: the present quote does not match"; }
    rc=0
    "$CLERK" check absent --root "$dir" --color never >/dev/null 2>"$RES/q$s.absent.err" || rc=$?
    [ "$rc" = 1 ] && grep -q 'quote-not-found' "$RES/q$s.absent.err" ||
        { cat "$RES/q$s.absent.err" >&2; die "quote test $s: the absent quote did not give quote-not-found"; }
    meta "quote_size_$s" "$(stat -c %s "$dir/sources/src-quote.txt")"
    meta "quote_similarity_$s" "$(grep -o '[0-9.]*% similar' "$RES/q$s.absent.err" | sed -n 1p)"
    tm "quote_present_$s" "$RUNS" --warmup 1 -- "$CLERK" check present --root "$dir"
    tm "quote_absent_$s" "$RUNS" --warmup 1 --ignore-failure -- "$CLERK" check absent --root "$dir"
    tm "quote_sha_$s" "$RUNS" --warmup 1 -- sha256sum "$dir/sources/src-quote.txt"
done

# ------------------------------------------------------------------ report

meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$BENCH/report.py" "$RES" "$SCALES" "$QUOTE_SIZES" "$BIG_CHECKS" | tee "$RESULTS"
log "report written to $RESULTS"
