#!/usr/bin/env python3
"""Fallback wall-clock timer for bench/run.sh when hyperfine is missing.

    timer.py --runs N [--warmup W] [--prepare CMD] [--ignore-failure]
             --export-json FILE -- COMMAND [ARG...]

Writes a JSON file shaped like hyperfine's --export-json (results[0] with
"command", "times", "median", "mean", "min", "max", "exit_codes"), so
bench/report.py reads either.  COMMAND is run without a shell; --prepare is
run through `sh -c` before every timed run (and warm-up), untimed.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--prepare")
    ap.add_argument("--ignore-failure", action="store_true")
    ap.add_argument("--export-json", required=True)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        sys.exit("timer.py: no command")

    def once() -> tuple[float, int]:
        if args.prepare:
            subprocess.run(["sh", "-c", args.prepare], check=True, stdout=subprocess.DEVNULL)
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        t = time.perf_counter() - t0
        if rc != 0 and not args.ignore_failure:
            sys.exit(f"timer.py: command failed with exit code {rc}: {' '.join(cmd)}")
        return t, rc

    for _ in range(args.warmup):
        once()
    times, codes = [], []
    for _ in range(args.runs):
        t, rc = once()
        times.append(t)
        codes.append(rc)
    result = {
        "command": " ".join(cmd),
        "times": times,
        "exit_codes": codes,
        "mean": statistics.mean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
    }
    with open(args.export_json, "w") as f:
        json.dump({"results": [result], "timer": "python"}, f, indent=1)
    print(f"  {result['command']}: median {result['median']:.4f} s (min {result['min']:.4f}, max {result['max']:.4f}, {len(times)} runs)")


if __name__ == "__main__":
    main()
