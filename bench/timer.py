#!/usr/bin/env python3
"""Fallback wall-clock timer for bench/run.sh when hyperfine is missing.

    timer.py --runs N [--warmup W] [--prepare CMD] [--ignore-failure]
             --export-json FILE -- COMMAND [ARG...]

Writes a JSON file shaped like hyperfine's --export-json (results[0] with
"command", "times", "median", "mean", "min", "max", "exit_codes", and
"user" and "system", the mean CPU seconds of a run, the command's and its
waited-for descendants'), so bench/report.py reads either.  COMMAND is run without a shell; --prepare is
run through `sh -c` before every timed run (and warm-up), untimed.
"""

import argparse
import json
import resource
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

    def once() -> tuple[float, int, float, float]:
        if args.prepare:
            subprocess.run(["sh", "-c", args.prepare], check=True, stdout=subprocess.DEVNULL)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        t = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if rc != 0 and not args.ignore_failure:
            sys.exit(f"timer.py: command failed with exit code {rc}: {' '.join(cmd)}")
        return t, rc, r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime

    for _ in range(args.warmup):
        once()
    times, codes, user, system = [], [], [], []
    for _ in range(args.runs):
        t, rc, u, s = once()
        times.append(t)
        codes.append(rc)
        user.append(u)
        system.append(s)
    result = {
        "command": " ".join(cmd),
        "times": times,
        "exit_codes": codes,
        "mean": statistics.mean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "user": statistics.mean(user),
        "system": statistics.mean(system),
    }
    with open(args.export_json, "w") as f:
        json.dump({"results": [result], "timer": "python"}, f, indent=1)
    print(f"  {result['command']}: median {result['median']:.4f} s (min {result['min']:.4f}, max {result['max']:.4f}, {len(times)} runs)")


if __name__ == "__main__":
    main()
