#!/usr/bin/env bash
# bench/run.sh: the reproducible clerk benchmark (see bench/README.md).
#
#   bash bench/run.sh              # full run (about 10-15 minutes on 2 cores)
#   QUICK=1 bash bench/run.sh      # quick run: fewer repetitions, no 1,000-dossier
#                                  # corpus, quote test up to 10 MB (about 3 minutes)
#
# What it does, from the repository root:
#   1. `cargo build --release` (reusing target/) and copies the binary to
#      $CORPUS/bin/clerk, so a concurrent rebuild cannot swap it mid-run
#      (set CLERK_BIN=/path/to/clerk to skip the build and use that binary,
#      e.g. target/x86_64-unknown-linux-gnu/dist/clerk, the binary `dist
#      build` packages: profile `dist` is the release profile);
#   2. creates bench/.venv and installs the PyPI `typst` package (0.15.x,
#      clerk's typst minor) for the baseline;
#   3. installs hyperfine and GNU time with apt-get if they are missing (falls
#      back to bench/timer.py when hyperfine cannot be installed);
#   4. generates the corpora with bench/gen_corpus.py (cached in $CORPUS and
#      regenerated when the generator or its arguments change) and checks
#      that `clerk check` accepts them;
#   5. measures (wall-clock medians; peak RSS from `/usr/bin/time -v`, median
#      of RSS_RUNS runs):
#        - the binary: its size, and its start-up (`clerk --version`);
#        - full build of 100 dossiers over 100 MB of sources (build --force),
#          also with --jobs 1;
#        - no-op rebuild of the same 100 (`clerk build` after a build), with
#          the digests it remembers and without (every file hashed again);
#        - rebuild after editing one dossier of the 100;
#        - check-only of the same 100 (`clerk check`);
#        - the baseline: clerk's rendered markup (build --emit typ) compiled
#          by the PyPI typst package, one process per brief, sequentially and
#          two at a time, and in one reused process (bench/baseline.sh);
#        - scaling: full builds (and checks) of 10, 100 and 1,000 dossiers
#          at 1 MB of sources per dossier;
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
#   RSS_RUNS [3; 1]  runs under /usr/bin/time -v for peak RSS
#   SCALES ["10 100 1000"; "10 100"]   dossier counts for the scaling test
#   QUOTE_SIZES ["1K 10K 100K 1M 10M 50M"; "1K 10K 100K 1M 10M"]
#   SEED [1]         corpus seed
#   CORPUS [bench/corpus]   where corpora, the binary copy and scratch go
#   CLERK_BIN        use this clerk binary instead of building one
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
    QUOTE_SIZES=${QUOTE_SIZES:-"1K 10K 100K 1M 10M"}
else
    RUNS=${RUNS:-10}
    SLOW_RUNS=${SLOW_RUNS:-3}
    RSS_RUNS=${RSS_RUNS:-3}
    SCALES=${SCALES:-"10 100 1000"}
    QUOTE_SIZES=${QUOTE_SIZES:-"1K 10K 100K 1M 10M 50M"}
fi
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
[ -x /usr/bin/time ] || apt_install time || die "GNU time (/usr/bin/time) is needed for peak RSS"
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

# ------------------------------------------------------------------ python typst

# (not needed to measure the binary alone)
PY_TYPST=none PY_FONTS=none
if [ "${BINARY_ONLY:-0}" = 1 ]; then
    :
elif ! "$VENV/bin/python" -c 'import typst' 2>/dev/null; then
    log "creating $VENV with the PyPI typst package"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip >&2 || true
    "$VENV/bin/pip" install -q 'typst>=0.15,<0.16' >&2 ||
        { echo "typst 0.15.x not available; installing the newest typst" >&2; "$VENV/bin/pip" install -q typst >&2; }
fi
if [ "${BINARY_ONLY:-0}" != 1 ]; then
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

meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta machine "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GB RAM", $2/1048576}' /proc/meminfo)"
meta kernel "$(uname -sr)"
meta commit "$commit"
meta clerk "$("$CLERK" --version 2>/dev/null || echo '?')"
meta rustc "$(rustc --version 2>/dev/null || echo '?')"
meta timer "$TIMER"
meta py_typst "typst $PY_TYPST (PyPI), $("$VENV/bin/python" --version 2>&1)"
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

# rss NAME RUNS -- CMD...: peak RSS (KB) of CMD under /usr/bin/time -v, median
# of RUNS runs, into $RES/NAME.rss; the last run's stderr into $RES/NAME.err.
rss() {
    local name=$1 runs=$2 i
    shift 3
    local vals=()
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -v -o "$RES/$name.time" "$@" >/dev/null 2>"$RES/$name.err" || true
        vals+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RES/$name.time")")
    done
    printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' >"$RES/$name.rss"
    printf '  [%s] peak RSS %s KB (runs: %s)\n' "$name" "$(cat "$RES/$name.rss")" "${vals[*]}" >&2
}

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
    python3 "$BENCH/gen_corpus.py" "$dir" "$@" >&2
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
rss version "$RSS_RUNS" -- "$CLERK" --version
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
tm build100 "$RUNS" --warmup 1 -- "$CLERK" build --force --root "$C100"
rss build100 "$RSS_RUNS" -- "$CLERK" build --force --root "$C100"
closing build100 "$C100" build --force
tm build100_j1 "$SLOW_RUNS" -- "$CLERK" build --force --jobs 1 --root "$C100"

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

log "baseline: clerk's markup compiled by PyPI typst"
"$CLERK" build --force --emit typ --root "$C100" >/dev/null 2>&1
TYP=$CORPUS/typ100
rm -rf "$TYP" "$CORPUS/base-out"
mkdir -p "$TYP"
cp "$C100"/output/*.typ "$TYP/"
ntyp=$(find "$TYP" -name '*.typ' | wc -l)
[ "$ntyp" = 100 ] || die "expected 100 .typ files, found $ntyp"
# Sanity: the baseline compiles every brief, to as many pages as clerk's.
bash "$BENCH/baseline.sh" oneproc "$TYP" "$CORPUS/base-out" 2>"$RES/baseline.err" ||
    { cat "$RES/baseline.err" >&2; die "the baseline cannot compile clerk's markup"; }
pages() { for f in "$@"; do pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}'; done | awk '{s+=$1} END {print s+0}'; }
if command -v pdfinfo >/dev/null; then
    meta pages "clerk $(pages "$C100"/output/*.pdf) pages, baseline $(pages "$CORPUS"/base-out/*.pdf) pages (100 briefs)"
fi
meta pdf_bytes "clerk $(cat "$C100"/output/*.pdf | wc -c) bytes, baseline $(cat "$CORPUS"/base-out/*.pdf | wc -c) bytes"
tm base_seq "$SLOW_RUNS" -- bash "$BENCH/baseline.sh" seq "$TYP" "$CORPUS/base-out"
tm base_par2 "$SLOW_RUNS" -- bash "$BENCH/baseline.sh" par2 "$TYP" "$CORPUS/base-out"
tm base_oneproc "$SLOW_RUNS" -- bash "$BENCH/baseline.sh" oneproc "$TYP" "$CORPUS/base-out"
first_typ=$(find "$TYP" -name '*.typ' | sort | sed -n 1p)
rss base_one "$RSS_RUNS" -- "$VENV/bin/python" -c 'import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2], ignore_system_fonts=True, pdf_standards=["a-3b", "ua-1"], timestamp=1743465600)' \
    "$first_typ" "$CORPUS/base-one.pdf"

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
    tm "scale_build_$n" "$r" --warmup "$w" -- "$CLERK" build --force --root "$dir"
    tm "scale_check_$n" "$r" --warmup "$w" -- "$CLERK" check --root "$dir"
    rss "scale_build_$n" 1 -- "$CLERK" build --force --root "$dir"
    closing "scale_$n" "$dir" build --force
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
python3 "$BENCH/report.py" "$RES" "$SCALES" "$QUOTE_SIZES" | tee "$RESULTS"
log "report written to $RESULTS"
