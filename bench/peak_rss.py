#!/usr/bin/env python3
"""Peak memory of a command and every process it starts (Linux, stdlib only).

    peak_rss.py [--interval MS] [--pss] [--limit-mb MB] [--out FILE] -- COMMAND [ARG...]

Runs COMMAND (no shell, its stdout and stderr passed through) and, every
--interval milliseconds (default 20), finds the processes of its tree in
/proc (the command, its children, theirs...) and adds up their resident
set sizes.  It reports the peak of that sum, which is what a machine must
hold at once, next to the peak of the command's own process alone.

Why not GNU time: `/usr/bin/time -v` reports the largest *single* process
of the tree (the rusage maximum), so when `clerk build --jobs N` typesets in
N worker processes (`clerk typeset-worker`), the workers' memory is not
added to the parent's.

Caveats, stated in bench/README.md:
* a sum of RSS counts a page shared by several processes (the mapped clerk
  binary, shared libraries) once per process, so it overstates what the
  tree uses; --pss also sums the proportional set sizes (a shared page
  split between the processes sharing it, from /proc/PID/smaps_rollup),
  a little slower to read;
* a peak shorter than the interval can be missed; the tree's peak is at
  least the kernel's exact maximum of any single process (wait4's
  ru_maxrss, GNU time's figure), which is reported too, and used when it
  exceeds this sampler's own size (the kernel carries a maximum across
  exec, so a command forked from Python starts at Python's size);
* so a command of a few milliseconds, shorter than a poll, is not
  measured: use GNU time for those (bench/run.sh does, for `--version`).

With --limit-mb, the whole tree is killed (SIGKILL) as soon as its summed
RSS exceeds MB megabytes, so that a command whose memory grows without
bound cannot take a shared machine down; the result then says so.

Prints one summary line on stderr; with --out, writes a JSON object:
tree_peak_kb, parent_peak_kb (sampled), largest_single_kb (ru_maxrss),
tree_peak_pss_kb (with --pss, else null),
max_processes, samples, stopped_at_limit, limit_kb, wall_s, user_s, sys_s (CPU time of the command and
the processes it waited for, from wait4), exit_code.  Exits with COMMAND's
exit status.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def ppid_of(pid: int) -> int | None:
    """The parent of pid, from /proc/PID/stat (None if it has exited)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces or
    # parentheses itself: the fields after the last ')' are unambiguous.
    rest = stat[stat.rindex(b")") + 2 :].split()
    return int(rest[1])


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


class Tree:
    """The processes descended from one root pid, found by polling /proc.

    A process joins the tree when first seen with a parent in the tree, and
    stays in it until it exits (so an orphan, re-parented to init, is still
    counted).  /proc/PID/task/*/children would be cheaper but needs
    CONFIG_PROC_CHILDREN, which not every kernel has; reading only the stat
    of pids not seen before keeps a poll to a directory listing.
    """

    def __init__(self, root: int) -> None:
        self.members = {root}
        self.seen: set[int] = {root}

    def poll(self) -> set[int]:
        alive = {int(name) for name in os.listdir("/proc") if name.isdigit()}
        self.members &= alive
        self.seen &= alive
        new = sorted(alive - self.seen)
        parents = {}
        for pid in new:
            pp = ppid_of(pid)
            if pp is not None:
                parents[pid] = pp
        self.seen.update(new)
        # A parent and its child can both be new in the same poll.
        changed = True
        while changed:
            changed = False
            for pid, pp in parents.items():
                if pid not in self.members and pp in self.members:
                    self.members.add(pid)
                    changed = True
        return self.members


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--interval", type=float, default=20.0, help="milliseconds between polls (default 20)")
    ap.add_argument("--pss", action="store_true", help="also sum the proportional set sizes")
    ap.add_argument("--limit-mb", type=float, help="kill the tree when its summed RSS exceeds this")
    ap.add_argument("--out", help="write the measurements to this JSON file")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command")

    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    tree = Tree(proc.pid)
    tree_peak = parent_peak = pss_peak = 0
    max_procs = samples = 0
    limit_kb = int(args.limit_mb * 1024) if args.limit_mb else None
    stopped = False
    status = None
    while status is None:
        members = tree.poll()
        total = 0
        for pid in members:
            kb = rss_kb(pid)
            total += kb
            if pid == proc.pid:
                parent_peak = max(parent_peak, kb)
        if args.pss:
            pss_peak = max(pss_peak, sum(pss_kb(pid) for pid in members))
        tree_peak = max(tree_peak, total)
        if limit_kb is not None and total > limit_kb and not stopped:
            stopped = True
            for pid in members:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        max_procs = max(max_procs, len(members))
        samples += 1
        # Reap without blocking, so the poll goes on while the command runs;
        # wait4 gives its exact own peak and the CPU of what it waited for.
        pid, status_word, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == 0:
            time.sleep(args.interval / 1000)
        else:
            status = os.waitstatus_to_exitcode(status_word)
    wall = time.perf_counter() - t0
    proc.returncode = status
    # ru_maxrss is the largest single process among the command and the
    # descendants it reaped (what GNU time reports): a lower bound of the
    # tree's peak, exact where sampling may have missed a short peak.
    # But the kernel carries a process's maximum across exec, so it starts at
    # this sampler's own size (the command was forked from it): below that,
    # it says nothing of the command.
    largest = usage.ru_maxrss
    if largest > self_kb:
        tree_peak = max(tree_peak, largest)
        if max_procs <= 1:
            # No other process was ever seen (a command too short for a poll,
            # or one that starts none): the maximum is the command's own.
            parent_peak = max(parent_peak, largest)
    result = {
        "command": " ".join(cmd),
        "tree_peak_kb": tree_peak,
        "parent_peak_kb": parent_peak,
        "largest_single_kb": largest,
        "tree_peak_pss_kb": pss_peak if args.pss and pss_peak else None,
        "max_processes": max_procs,
        "samples": samples,
        "stopped_at_limit": stopped,
        "limit_kb": limit_kb,
        "wall_s": wall,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "exit_code": status,
    }
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
    pss = f", PSS {pss_peak / 1024:.1f} MB" if args.pss else ""
    if stopped:
        pss += f", KILLED above the limit of {limit_kb / 1024:.0f} MB"
    print(
        f"peak_rss: tree {tree_peak / 1024:.1f} MB{pss} (up to {max_procs} processes), "
        f"own {parent_peak / 1024:.1f} MB, largest single {largest / 1024:.1f} MB; {wall:.2f} s wall, {samples} samples, exit {status}",
        file=sys.stderr,
    )
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
