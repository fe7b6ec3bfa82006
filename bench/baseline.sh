#!/usr/bin/env bash
# bench/baseline.sh MODE TYP_DIR OUT_DIR
#
# The baseline clerk is compared with: the Typst markup clerk rendered
# (`clerk build --emit typ` -> output/<id>.typ) compiled to PDF by the typst
# CLI, the way a team would script it without clerk.
#
#   seq      the typst CLI, one process per brief, one after the other
#   par2     the typst CLI, one process per brief, two at a time (xargs -P2)
#   oneproc  reference only: one Python process, one reused typst.Compiler
#            of the PyPI `typst` package for all briefs (the typst CLI has
#            no batch mode; this shows typst's cost without process start-up)
#
# Every compile uses the same PDF settings as clerk: PDF/A-3b + PDF/UA-1
# (tagged), the fixed creation timestamp, and only the fonts embedded in the
# compiler (--ignore-system-fonts; clerk reads no system fonts either, and
# the embedded set holds Libertinus Serif and DejaVu Sans Mono, the fonts the
# markup uses):
#
#   typst compile --ignore-system-fonts --pdf-standard a-3b,ua-1 \
#       --creation-timestamp 1743465600 IN.typ OUT.pdf
#
# typst's own thread count is left at its default (the number of cores), as
# a user would run it.  What the baseline does NOT do: parse dossiers, hash
# sources, match quotes, render the template, attach the brief's data, write
# stamps.
#
# TYPST defaults to bench/.typst-cli/bin/typst (typst-cli 0.15.1, which
# bench/run.sh installs); PYTHON (oneproc only) to bench/.venv/bin/python.
set -euo pipefail
mode=${1:?usage: baseline.sh seq|par2|oneproc TYP_DIR OUT_DIR}
typ_dir=${2:?TYP_DIR}
out_dir=${3:?OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
TYPST=${TYPST:-$here/.typst-cli/bin/typst}
PYTHON=${PYTHON:-$here/.venv/bin/python}
mkdir -p "$out_dir"

# The typst command line, without IN.typ OUT.pdf.
ARGS="compile --ignore-system-fonts --pdf-standard a-3b,ua-1 --creation-timestamp 1743465600"

# Output names come from parameter expansion and the shell execs typst, so
# the shell adds no process of its own per brief.
case $mode in
seq)
    for f in "$typ_dir"/*.typ; do
        b=${f##*/}
        # shellcheck disable=SC2086
        "$TYPST" $ARGS "$f" "$out_dir/${b%.typ}.pdf"
    done
    ;;
par2)
    export TYPST ARGS out_dir
    # shellcheck disable=SC2016
    printf '%s\0' "$typ_dir"/*.typ |
        xargs -0 -n1 -P2 sh -c 'b=${1##*/}; exec "$TYPST" $ARGS "$1" "$out_dir/${b%.typ}.pdf"' sh
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
