#!/usr/bin/env python3
"""Threads: with `break marker`, each worker thread reports its own stop,
then main reports marker(10); `info threads` lists the three LWPs with
their names; a snapshot at the first stop holds every thread's frames.
The threadsync fixture makes all three threads exist at the first stop (the
workers wait at a barrier), so the whole scenario is run 20 times and must
pass every time.  The plain threads fixture gets the stop sequence too."""
import re
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(10)

SCENARIO = ["break marker", "run", "info threads", "snapshot", "show %1",
            "info registers rdi", "continue", "info registers rdi", "continue",
            "info registers rdi", "info breakpoints", "continue"]
STOP = re.compile(r"^Breakpoint 1, marker \(.*\) at \S*threads\w*\.c:\d+$", re.M)
SWITCH = re.compile(r"^\[Switching to thread (\d+) \(LWP (\d+)\)\]$", re.M)


def run_scenario(prog="threadsync"):
    rc, out, err = ldtest.run_batch([ldtest.fixture(prog)], SCENARIO)
    check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    return out


def stops(out):
    """[(thread number, lwp or None, rdi)] for each marker stop, the thread
    taken from the last `[Switching to thread N (LWP M)]` before it."""
    res = []
    cur = (None, None)
    pos = 0
    for m in STOP.finditer(out):
        for s in SWITCH.finditer(out, pos, m.start()):
            cur = (int(s.group(1)), int(s.group(2)))
        rdi = re.compile(r"^rdi\s+(0x[0-9a-f]+)", re.M).search(out, m.end())
        res.append((cur[0], cur[1], int(rdi.group(1), 16) if rdi else None))
        pos = m.end()
    return res


def check_stop_sequence(out, want_threads_at_first=True):
    st = stops(out)
    check(len(st) == 3, "%d marker stops, want 3" % len(st), out)
    workers = st[:2]
    check(all(n is not None and n != 1 for n, _, _ in workers),
          "the first two stops are not both in worker threads: %r" % st, out)
    check(workers[0][0] != workers[1][0],
          "the same worker reported twice: %r" % st, out)
    check(sorted(r for _, _, r in workers) == [1, 2],
          "workers' marker arguments %r, want 1 and 2" % [r for _, _, r in workers], out)
    check(st[2][2] == 10, "third stop is marker(%r), not main's marker(10)" % st[2][2], out)
    search(r"^\tbreakpoint already hit 3 times$", out, "hit count")
    search(r"^threads done 23 marker 11$", out, "the program's own result")
    search(r"exited with code 0\]", out, "normal exit")
    return st


def check_info_threads(out, prog="threadsync"):
    first = stops(out)[0]
    pid = int(search(r"^Snapshot %1 of process (\d+)", out, "show %1 header").group(1))
    hdr = search(r"^  Id   Target Id\s+Frame$", out, "info threads header")
    rows = []
    for l in out[hdr.end() + 1:].splitlines():
        m = re.match(r"^([* ]) (\d+)\s+LWP (\d+) \"([^\"]*)\"\s+(0x[0-9a-f]+) in ", l)
        if not m:
            break
        rows.append((m.group(1) == "*", int(m.group(2)), int(m.group(3)), m.group(4)))
    check(len(rows) == 3, "info threads lists %d threads, want 3" % len(rows), out)
    check([r[1] for r in rows] == [1, 2, 3], "thread numbers %r" % [r[1] for r in rows], out)
    check(len({r[2] for r in rows}) == 3, "LWP ids not distinct", out)
    check(rows[0][2] == pid, "thread 1 is LWP %d, the process is %d" % (rows[0][2], pid), out)
    check(all(r[3] == prog for r in rows), "thread names %r" % [r[3] for r in rows], out)
    cur = [r for r in rows if r[0]]
    check(len(cur) == 1 and (cur[0][1], cur[0][2]) == (first[0], first[1]),
          "the current thread (*) is not the one that stopped (%r)" % (first,), out)
    return rows


def check_snapshot(out, rows):
    search(r"^Snapshot %1: \d+ mappings, 3 threads,", out, "snapshot summary")
    show = out[out.index("Snapshot %1 of process"):]
    for _, num, lwp, _ in rows:
        m = search(r"^Thread %d \(LWP %d\): (\d+) frames?$" % (num, lwp), show,
                   "show %%1: thread %d" % num)
        check(int(m.group(1)) >= 1, "thread %d has no frames" % num, out)
    # both workers are in marker(), called from worker()
    check(len(re.findall(r"^#0\s+0x[0-9a-f]+ in marker \(.*\)", show, re.M)) >= 1,
          "no thread in marker() in the snapshot", out)
    check(len(re.findall(r"^#1\s+0x[0-9a-f]+ in worker \(.*\)", show, re.M)) >= 1,
          "no worker() frame in the snapshot", out)


_first = {}


def first_run():
    if "out" not in _first:
        _first["out"] = run_scenario()
    return _first["out"]


def case_stops():
    check_stop_sequence(first_run())


t.case("threadsync: a stop in each worker (marker 1, 2), then main's marker(10), hit 3 times",
       case_stops)


def case_info_threads():
    check_info_threads(first_run())


t.case("info threads at the first stop: 3 threads, LWP ids, names, current = stopped one",
       case_info_threads)


def case_snapshot():
    out = first_run()
    check_snapshot(out, check_info_threads(out))


t.case("snapshot at the first stop holds 3 threads; show %1 prints each `Thread N (LWP`",
       case_snapshot)


def twenty_times():
    for i in range(20):
        out = run_scenario()
        try:
            check_stop_sequence(out)
            check_snapshot(out, check_info_threads(out))
        except AssertionError as e:
            raise AssertionError("run %d of 20 failed: %s" % (i + 1, e))


t.case("the whole threadsync scenario passes 20 times out of 20", twenty_times)


def plain_threads():
    # threads.c: worker 1 may stop before worker 2 exists, so only the stop
    # sequence (not the thread count at the first stop) is deterministic
    rc, out, err = ldtest.run_batch([ldtest.fixture("threads")],
                                    ["break marker", "run", "info registers rdi", "continue",
                                     "info registers rdi", "continue", "info registers rdi",
                                     "info breakpoints", "continue"])
    check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    check_stop_sequence(out)


t.case("threads: two worker stops then main's marker(10)", plain_threads)


def third_stop_switches():
    out = first_run()
    st = stops(out)
    check(len(st) == 3 and st[2][0] == 1,
          "the third stop (marker(10) in main) is not reported as a switch to thread 1: "
          "the last `[Switching to thread` line says %r" % (st[2][:2] if len(st) == 3 else st,),
          out)


t.case("the third stop (in main) is announced `[Switching to thread 1 (LWP ..)]`",
       third_stop_switches)


_clone = {}


def clone3_return_pc():
    """The address right after clone3's syscall instruction: the first
    instruction a new thread runs (the pc at the clone3 syscall stop)."""
    if "pc" not in _clone:
        rc, out, err = ldtest.run_batch([ldtest.fixture("threads")],
                                        ["catch syscall clone3", "run"])
        m = search(r"^Catchpoint 1 \(call to syscall clone3\), (0x[0-9a-f]+) in ", out,
                   "clone3 stop")
        _clone["pc"] = int(m.group(1), 16)
    return _clone["pc"]


def new_thread_hits_breakpoint():
    pc = clone3_return_pc()
    cmds = ["break main", "run", "break *0x%x" % pc] + ["continue"] * 5
    rc, out, err = ldtest.run_batch([ldtest.fixture("threads")], cmds)
    hits = re.findall(r"^Breakpoint 2, 0x0*%x in " % pc, out, re.M)
    # gdb: the parent returns there twice and each new thread starts there
    check(len(hits) == 4, "%d stops at clone3's return, want 4 (2 in main, 1 in each new "
          "thread)" % len(hits), out)
    check(re.search(r"^\[Switching to thread [23] ", out, re.M),
          "no stop reported in a new thread", out)
    search(r"^threads done 23 marker 11$", out, "the program's own result")


t.case("a breakpoint on a new thread's first instruction stops that thread (as in gdb)",
       new_thread_hits_breakpoint)


def new_thread_backtrace():
    # `stepi` over main's clone3 syscall: thread 2 now exists and sits at its
    # very first instruction; its backtrace must end there (gdb: clone3,
    # then 0x0), not climb through garbage
    rc, out, err = ldtest.run_batch([ldtest.fixture("threads")],
                                    ["catch syscall clone3", "run", "delete", "stepi",
                                     "info threads", "thread 2", "bt", "info proc mappings"])
    check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    sw = search(r"^\[Switching to thread 2 \(LWP \d+\)\]$", out, "thread 2 selected")
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    text = [(r["start"], r["end"]) for r in rows if "x" in r["perms"]]
    frames = re.findall(r"^#(\d+)\s+(0x[0-9a-f]+) in ", out[sw.end():], re.M)
    check(1 <= len(frames) <= 30, "thread 2's backtrace has %d frames" % len(frames), out)
    bad = [(n, pc) for n, pc in frames if not any(lo <= int(pc, 16) < hi for lo, hi in text)]
    check(not bad, "frames whose pc is not in executable memory: %r" % bad[:3], out)


t.case("bt of a just-cloned thread: no frames in non-executable memory, no runaway",
       new_thread_backtrace)


def clone3_return_lists_thread():
    # threadsync: the new thread waits at a barrier for main, so it cannot
    # have run to its end by the time main's clone3 returns (with `threads`
    # it may legitimately have exited already: all threads run between the
    # clone event and the return, in gdb too).
    rc, out, err = ldtest.run_batch([ldtest.fixture("threadsync")],
                                    ["catch syscall clone3", "run", "continue", "info threads"])
    check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    tid = search(r"^Catchpoint 1 \(returned from syscall clone3\).*\n  clone3\(.*\) = (\d+)$",
                 out, "clone3 return stop").group(1)
    lwps = re.findall(r"^[* ] \d+\s+LWP (\d+) ", out, re.M)
    check(tid in lwps, "clone3 returned %s but info threads lists LWPs %r" % (tid, lwps), out)


t.case("at main's clone3 return, info threads lists the thread clone3 created",
       clone3_return_lists_thread)


def thread_frame_is_bt():
    """thread N's frame line and info threads' Frame column say what bt's
    frame #0 says for that thread (source line included), in every thread."""
    cmds = ["break marker", "run"]
    for n in (1, 2, 3):
        cmds += ["thread %d" % n, "bt 1"]
    cmds += ["info threads"]
    rc, out, err = ldtest.run_batch([ldtest.fixture("threadsync")], cmds,
                                    env_over={"LAYOUTDBG_DEBUG_NAMES": None})
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    pairs = re.findall(r"^\[Switching to thread (\d) \(LWP \d+\)\]\n(#0  .*)\n(#0  .*)\n",
                       out, re.M)
    check(len(pairs) == 3 and all(a == b for _, a, b in pairs),
          "thread N's line differs from bt's #0: %r" % pairs, out)
    check(all(" at " in a for _, a, _ in pairs),
          "a thread's frame without its source line: %r" % pairs, out)
    rows = dict(re.findall(r"^[* ] (\d)\s+LWP \d+ \"[^\"]*\"\s+(.*)$", out, re.M))
    check(all(rows.get(n) == a[4:] for n, a, _ in pairs),
          "info threads' Frame differs from bt's #0: %r vs %r" % (rows, pairs), out)


t.case("thread N and info threads show a thread's frame as bt's #0 (file:line)",
       thread_frame_is_bt)

sys.exit(t.done())
