#!/usr/bin/env python3
"""`trace memory` follows children: the pipeline fixture forks a child that
makes known memory calls and execs `sh -c 'ls / | wc -l'`; the timeline
must hold the memory calls of every process (parent, child, sh, ls, wc),
the children's with `[pid N]`, call for call equal to
`strace -ff -e trace=memory` of the same program: per process the same
sequence of calls, arguments and results (ASLR off in both); the
interleaving of processes may differ, so processes are matched by their
sequences, not by pid."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(3)
FIXTURE = ldtest.fixture("pipeline")
MEMORY_CALLS = ("brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "shmat", "shmdt")
STRACE_LINE = re.compile(r"^(\w+)\((.*)\)\s+= (\S+)")
ENTRY = re.compile(r"^\s+\d+\s+\[(pid \d+|\d+)\] (\w+)\((.*)\) = (\S+)$", re.M)


def normalise_args(args):
    """layoutdbg's arguments in strace's plain form: sizes lose their
    `(0x.., N KiB)` gloss and fds their `<path>`."""
    args = re.sub(r" \(0x[0-9a-f]+, [\d.]+ [KMGT]?i?B\)", "", args)
    return re.sub(r"\b(\d+)<[^>]*>", r"\1", args)


def strace_processes():
    """{pid: [(call, args, result)]} from strace -ff (one log per process)."""
    if not shutil.which("strace") or not shutil.which("setarch"):
        raise ldtest.Skip("strace or setarch is not installed")
    d = tempfile.mkdtemp(prefix="ldtest-strace-")
    try:
        log = os.path.join(d, "log")
        argv = ["setarch", os.uname().machine, "-R", "strace", "-ff", "-qq",
                "-e", "trace=memory", "-o", log, FIXTURE]
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=ldtest.env(), timeout=60)
        logs = glob.glob(log + ".*")
        if p.returncode != 0 or not logs:
            raise ldtest.Skip("strace cannot trace here: %s" % p.stderr.decode()[-200:])
        procs = {}
        for path in logs:
            with open(path) as f:
                calls = [STRACE_LINE.match(line) for line in f]
            procs[int(path.rsplit(".", 1)[1])] = [
                (m.group(1), m.group(2), m.group(3)) for m in calls
                if m and m.group(1) in MEMORY_CALLS]
        return procs, p.stdout.decode()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def layoutdbg_processes():
    rc, out, err = ldtest.run_batch([FIXTURE], ["trace memory until exit", "timeline"],
                                    timeout=60)
    check(rc == 0, "exit status %d: %s" % (rc, err[-300:]), out)
    m = search(r"^\[process (\d+) exited with code 0\]$", out, "the program's normal end")
    main = int(m.group(1))
    procs = {}
    for who, name, args, res in ENTRY.findall(out):
        pid = int(who[4:]) if who.startswith("pid ") else main
        procs.setdefault(pid, []).append((name, normalise_args(args), res))
    return procs, main, out


_run = {}


def both():
    if not _run:
        truth, sout = strace_processes()
        mine, main, out = layoutdbg_processes()
        _run.update(truth=truth, sout=sout, mine=mine, main=main, out=out)
    return _run


def shape(procs):
    return sorted(" ".join(c[0] for c in calls) for calls in procs.values())


def every_process_recorded():
    r = both()
    out = r["out"]
    search(r"^child exited 0$", out, "the fixture's own result")
    # the fixture, its child (which becomes sh), ls and wc: strace agrees
    check(len(r["truth"]) == 4, "strace saw %d processes, not 4" % len(r["truth"]))
    check(len(r["mine"]) == len(r["truth"]),
          "layoutdbg recorded %d processes (%s), strace %d"
          % (len(r["mine"]), sorted(r["mine"]), len(r["truth"])), out)
    children = [p for p in r["mine"] if p != r["main"]]
    check(all(re.search(r"^\s+\d+\s+\[pid %d\] " % p, out, re.M) for p in children),
          "children's entries are not marked [pid N]", out)


def same_calls_per_process():
    r = both()
    check(shape(r["truth"]) == shape(r["mine"]),
          "per-process call sequences differ\nstrace:\n  %s\nlayoutdbg:\n  %s"
          % ("\n  ".join(shape(r["truth"])), "\n  ".join(shape(r["mine"]))), r["out"])


def same_args_and_results():
    r = both()
    truth = sorted(r["truth"].values())
    mine = sorted(r["mine"].values())
    for a_calls, b_calls in zip(truth, mine):
        for i, (a, b) in enumerate(zip(a_calls, b_calls)):
            check(a == b, "call %d of a process differs\nstrace:    %s(%s) = %s\n"
                  "layoutdbg: %s(%s) = %s" % ((i + 1,) + a + b), r["out"])
    # the child's own calls, as the fixture makes them
    child = [c for c in mine if c[0][0] == "mmap" and c[1][0] == "mprotect"]
    check(child and [c[0] for c in child[0][:5]] == ["mmap", "mprotect", "munmap", "brk", "brk"],
          "the forked child's mmap/mprotect/munmap/brk/brk is not recorded", r["out"])


t.case("the fixture, its child, sh, ls and wc are all on the timeline, children as [pid N]",
       every_process_recorded)
t.case("per process, the memory calls are strace -ff's", same_calls_per_process)
t.case("per process, arguments and results equal strace's (ASLR off)", same_args_and_results)
sys.exit(t.done())
