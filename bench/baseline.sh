#!/usr/bin/env bash
# bench/baseline.sh MODE TYP_DIR OUT_DIR
#
# The baseline clerk is compared with: the Typst markup clerk rendered
# (`clerk build --emit typ` -> output/<id>.typ) compiled to PDF by the PyPI
# `typst` package (which bundles the typst compiler), the way a team would
# script it without clerk.
#
#   seq      one fresh Python process per brief, one after the other
#   par2     one fresh Python process per brief, two at a time (xargs -P2)
#   oneproc  one Python process, one reused typst.Compiler for all briefs
#
# Every compile uses the same PDF settings as clerk (PDF/A-3b + PDF/UA-1,
# tagged, fixed timestamp) and only the fonts bundled in the package
# (ignore_system_fonts=True): clerk reads no system fonts either, and the
# bundled set holds Libertinus Serif and DejaVu Sans Mono, the fonts the
# markup uses.  What the baseline does NOT do: parse dossiers, hash sources,
# match quotes, render the template, attach the manifest, write stamps.
#
# PYTHON defaults to bench/.venv/bin/python.
set -euo pipefail
mode=${1:?usage: baseline.sh seq|par2|oneproc TYP_DIR OUT_DIR}
typ_dir=${2:?TYP_DIR}
out_dir=${3:?OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-$here/.venv/bin/python}
mkdir -p "$out_dir"

# One brief: python -c '...' IN.typ OUT.pdf
ONE='import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2], ignore_system_fonts=True,
              pdf_standards=["a-3b", "ua-1"], timestamp=1743465600)'

case $mode in
seq)
    for f in "$typ_dir"/*.typ; do
        b=$(basename "$f" .typ)
        "$PYTHON" -c "$ONE" "$f" "$out_dir/$b.pdf"
    done
    ;;
par2)
    export PYTHON ONE out_dir
    # shellcheck disable=SC2016
    printf '%s\0' "$typ_dir"/*.typ |
        xargs -0 -n1 -P2 sh -c '"$PYTHON" -c "$ONE" "$1" "$out_dir/$(basename "$1" .typ).pdf"' sh
    ;;
oneproc)
    "$PYTHON" - "$typ_dir" "$out_dir" <<'EOF'
import pathlib, sys, typst
typ_dir, out_dir = map(pathlib.Path, sys.argv[1:3])
compiler = typst.Compiler(ignore_system_fonts=True)
for f in sorted(typ_dir.glob("*.typ")):
    compiler.compile(input=str(f), root=str(typ_dir), output=str(out_dir / (f.stem + ".pdf")),
                     pdf_standards=["a-3b", "ua-1"], timestamp=1743465600)
EOF
    ;;
*)
    echo "baseline.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
