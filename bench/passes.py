#!/usr/bin/env python3
"""Layout passes typst needs for some markup, counted with the typst CLI.

    passes.py TYPST OUT_JSON FILE.typ [FILE.typ...]

Compiles each file with `TYPST compile --timings TRACE` (the same PDF
settings as clerk) and counts the layout passes in the trace: typst opens
one timing scope per pass of its layout loop, named `iter (1)`, `iter (2)`,
..., so the number of distinct `iter (N)` scopes is the number of passes.
(`cargo bench --bench passes` counts them in-process from the same scopes;
this script needs no cargo.)

Writes {"files": {name: passes}, "max": ..., "min": ...} to OUT_JSON and
one line per file on stderr.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ITER = re.compile(r"^iter \((\d+)\)$")


def count(trace: Path) -> int:
    data = json.loads(trace.read_text())
    # Chrome trace format: a bare array of events or {"traceEvents": [...]}.
    events = data if isinstance(data, list) else data.get("traceEvents", [])
    iters = {m.group(1) for e in events if (m := ITER.match(str(e.get("name", ""))))}
    return len(iters)


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    typst, out, files = sys.argv[1], Path(sys.argv[2]), [Path(f) for f in sys.argv[3:]]
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            trace, pdf = Path(tmp) / "trace.json", Path(tmp) / "out.pdf"
            subprocess.run(
                [typst, "compile", "--ignore-system-fonts", "--pdf-standard", "a-3b,ua-1",
                 "--creation-timestamp", "1743465600", "--timings", str(trace), str(f), str(pdf)],
                check=True,
            )
            n = count(trace)
            if n == 0:
                sys.exit(f"passes.py: no `iter (N)` scope in the trace of {f}: has typst renamed its timing scopes?")
            counts[f.name] = n
            print(f"  {f.name}: {n} layout passes", file=sys.stderr)
    out.write_text(json.dumps({"files": counts, "max": max(counts.values()), "min": min(counts.values())}, indent=1))


if __name__ == "__main__":
    main()
