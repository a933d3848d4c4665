#!/usr/bin/env python3
"""Hardware watchpoints (watch, rwatch, awatch) on the watcher fixture,
compared with the fixture's own log of every write (old and new value,
the writing thread), with gdb's `watch` output where gdb is installed; a
watch across fork in both follow-fork modes; the one-line errors; and
detach leaving no debug register behind (the program runs on without a
SIGTRAP)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(17)
W = ldtest.fixture("watcher")

STOP = re.compile(r"^Hardware watchpoint (\d+): (\S+)\n\nOld value = (-?\d+)\n"
                  r"New value = (-?\d+)\n(.*)\n(?:\d+\t.*\n)?"
                  r"\[written by thread (\d+) \(LWP (\d+)\): (.*)\]$", re.M)
WRITE = re.compile(r"^write tid=(\d+) old=(-?\d+) new=(-?\d+)$", re.M)


def stops(out):
    return [(int(m.group(3)), int(m.group(4)), int(m.group(7)))
            for m in STOP.finditer(out)]


def writes(out):
    return [(int(m.group(2)), int(m.group(3)), int(m.group(1)))
            for m in WRITE.finditer(out)]


def run(args, cmds, n_continue, opts=()):
    rc, out, err = ldtest.run_batch(args, list(cmds) + ["continue"] * n_continue,
                                    timeout=60, opts=opts)
    return rc, out, err


def threads_from_main():
    ldtest.need_hw_watchpoints()
    # set before any thread exists: every thread created later gets it
    rc, out, err = run([W, "threads", "3", "4"], ["break main", "run", "watch counter"], 13)
    got, log = stops(out), writes(out)
    check(len(log) == 12, "fixture wrote %d times" % len(log), out)
    check(got == log, "stops %r != log %r" % (got, log), out)
    check(len({tid for _, _, tid in log}) == 3, "three writers", out)
    search(r"^\[process \d+ exited with code 0\]", out)
    search(r"<counter> in \.bss, .*mapping 0x[0-9a-f]+-0x[0-9a-f]+ rw-p\]$", out,
           "the region the address lies in")


t.case("watch counter before the threads start: every write of 3 threads, "
       "old/new and writer equal the fixture's log", threads_from_main)


def threads_running():
    ldtest.need_hw_watchpoints()
    # set while the threads run (the first worker stopped at its start)
    rc, out, err = run([W, "threads", "3", "4"],
                       ["tbreak worker", "run", "watch counter"], 13)
    got, log = stops(out), writes(out)
    check(len(log) == 12 and got == log, "stops %r != log %r" % (got, log), out)


t.case("watch counter with threads running: the same, in every thread",
       threads_running)


def read_and_access():
    ldtest.need_hw_watchpoints()
    rc, out, err = run([W, "read", "5"], ["break reader", "run", "rwatch reads_me"], 6)
    search(r"^Hardware read watchpoint 2: reads_me$", out)
    n = len(re.findall(r"^Hardware read watchpoint 2: reads_me\n\nValue = 7\n", out, re.M))
    check(n == 5, "%d read stops, the fixture read 5 times" % n, out)
    search(r"^read 5 times, sum=35$", out)
    rc, out, err = run([W, "read", "5"], ["break reader", "run", "awatch reads_me"], 6)
    n = len(re.findall(r"^Hardware access \(read/write\) watchpoint 2: reads_me\n\n"
                       r"Value = 7\n", out, re.M))
    check(n == 5, "%d access stops for 5 reads" % n, out)


t.case("rwatch and awatch: one stop per read, Value = 7", read_and_access)


def fork_parent():
    ldtest.need_hw_watchpoints()
    rc, out, err = run([W, "fork"], ["break main", "run", "watch counter"], 3)
    got, log = stops(out), writes(out)
    parent = [w for w in log if w[2] == log[0][2]]
    check(len(log) == 5 and got == parent, "stops %r, parent's writes %r" % (got, parent),
          out)
    search(r"^parent done counter=2$", out, "the child ran to its end untrapped")


t.case("watch across fork, follow-fork-mode parent: the parent's writes only, "
       "the child runs free", fork_parent)


def fork_child():
    ldtest.need_hw_watchpoints()
    rc, out, err = run([W, "fork"], ["set follow-fork-mode child", "break main", "run",
                                     "watch counter"], 5)
    got, log = stops(out), writes(out)
    child = [w for w in log if w[2] != log[0][2]]
    check(len(child) == 3 and got == [log[0]] + child,
          "stops %r; log %r" % (got, log), out)
    search(r"^parent done counter=2$", out, "the detached parent ran on without SIGTRAP")


t.case("watch across fork, follow-fork-mode child: the child's writes",
       fork_child)


def errors():
    rc, out, err = ldtest.run_batch([W], [
        "watch counter",                       # no process
        "break main", "run",
        "watch big_array", "watch *(int *) 0x5555", "watch 5", "watch $rax",
        "watch *(int *) 0x10", "watch *(struct x *) 0x10", "watch nosuchsym",
        "watch counter", "watch wide", "rwatch narrow", "awatch reads_me",
        "watch *(char *) &unaligned_buf",      # the fifth
        "info watchpoints"], timeout=30)
    lines = [l for l in err.splitlines() if l]
    for l in lines:
        check(l.startswith("layoutdbg: "), "not one line: %r" % l, err)
    expect = [r"watch: no process", r"'big_array' is 32 bytes",
              r"0x5555 is not aligned to its length 4", r"cannot watch constant value",
              r"\$rax: a register has no address", r"0x10: not in any mapping",
              r"unknown type \"struct x\"", r"no symbol \"nosuchsym\"",
              r"all 4 debug registers are in use"]
    check(len(lines) == len(expect), "errors %r" % lines, err)
    for pat, l in zip(expect, lines):
        check(re.search(pat, l), "%r does not say %r" % (l, pat), err)
    search(r"^Num +Type +Disp Enb Address +What\n2 +hw watchpoint +keep y +counter\n"
           r"3 +hw watchpoint +keep y +wide\n4 +read watchpoint keep y +narrow\n"
           r"5 +acc watchpoint +keep y +reads_me\n", out, "info watchpoints")


t.case("bad input: one-line errors (size, alignment, constant, register, "
       "unmapped, type, fifth watchpoint)", errors)


def table_commands():
    ldtest.need_hw_watchpoints()
    rc, out, err = ldtest.run_batch([W], [
        "break main", "run", "watch counter", "ignore 2 1", "continue",
        "info breakpoints", "disable 2", "continue"], timeout=30)
    got = stops(out)
    check(got and got[0][:2] == (1, 2), "ignore 1: first stop is the second write: %r"
          % got, out)
    check(len(got) == 1, "disabled: no more stops %r" % got, out)
    search(r"^2 +hw watchpoint +keep y +counter\n\tbreakpoint already hit 2 times\n", out)
    search(r"^\[process \d+ exited with code 0\]", out)
    rc, out, err = ldtest.run_batch([W], [
        "break main", "run", "watch counter", "watch wide", "delete 2", "continue",
        "info watchpoints", "delete", "info watchpoints"], timeout=30)
    check("Hardware watchpoint 2: counter\n\nOld" not in out, "deleted watchpoint stopped",
          out)
    search(r"^Hardware watchpoint 3: wide\n\nOld value = 0\nNew value = 2\n", out)
    search(r"^No watchpoints\.$", out)


t.case("ignore, disable, delete, info breakpoints on watchpoints", table_commands)


def run_again():
    ldtest.need_hw_watchpoints()
    # the expression is evaluated again in the new process, as gdb does
    rc, out, err = ldtest.run_batch([W], ["break main", "run", "watch counter", "continue",
                                          "run", "continue"], timeout=30)
    got = stops(out)
    check([g[:2] for g in got] == [(0, 1), (0, 1)] and got[0][2] != got[1][2],
          "one stop in each process: %r" % got, out)


t.case("run again: the watchpoint is set in the new process", run_again)


def gdb_same():
    ldtest.need_hw_watchpoints()
    if not shutil.which("gdb"):
        raise ldtest.Skip("gdb is not installed")
    cmds = ["break main", "run", "watch counter", "continue", "continue",
            "awatch wide", "continue"]
    g = subprocess.run(["gdb", "-nx", "-q", "-batch"] +
                       sum((["-ex", c] for c in cmds), []) + [W],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
                       env=ldtest.env()).stdout.decode("utf-8", "replace")
    rc, out, err = ldtest.run_batch([W], cmds, timeout=30)

    def blocks(text):
        text = re.sub(r"\(argc=\d+, argv=0x[0-9a-f]+\)", "()", text)
        text = re.sub(r" at \S*/(\w+\.c):", r" at \1:", text)
        return re.findall(r"^(Hardware [^\n]*watchpoint \d+: \S+\n\n(?:Old|Value)"
                          r"[^\n]*\n(?:New[^\n]*\n)?[^\n]*\n\d+\t[^\n]*)$", text, re.M)

    mine, theirs = blocks(out), blocks(g)
    check(len(theirs) == 3, "gdb's stops: %r" % theirs, g)
    check(mine == theirs, "layoutdbg %r\n gdb %r" % (mine, theirs), out)
    search(r"^Hardware access \(read/write\) watchpoint 3: wide$", out)


t.case("the stop text equals gdb's (watch and awatch, values and frame)", gdb_same)


def json_and_snapshot():
    ldtest.need_hw_watchpoints()
    rc, out, err = ldtest.run_batch([W], ["break main", "run", "watch counter", "continue",
                                          "snapshot", "snapshots"], opts=["--json"],
                                    timeout=30)
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    st = [d for d in docs if d.get("event") == "stop" and
          d["reason"]["kind"] == "watchpoint"]
    check(len(st) == 1, "one watchpoint stop document", out)
    r = st[0]["reason"]
    check(r["number"] == 2 and r["watch"]["expression"] == "counter" and
          r["watch"]["old"] == 0 and r["watch"]["value"] == 1 and
          r["watch"]["length"] == 4 and r["watch"]["access"] == "written",
          "reason %r" % r, out)
    check(st[0]["frame"]["function"] == "bump" and "thread" in st[0],
          "frame and thread %r" % st[0], out)
    snaps = [d for d in docs if d.get("command") == "snapshots"]
    reason = snaps[0]["snapshots"][0]["reason"] if snaps else ""
    check(re.match(r"watchpoint 2 \(counter\) written by thread 1 in bump \(\) at "
                   r"\S+watcher\.c:\d+$", reason), "snapshot reason %r" % reason, out)


t.case("--json stop document and the snapshot's reason name the watchpoint "
       "and the writer's frame", json_and_snapshot)


def detach_clears():
    p = subprocess.Popen([W, "wait"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         env=ldtest.env())
    try:
        line = p.stdout.readline().decode()
        pid = int(search(r"^ready (\d+)", line, "fixture").group(1))
        rc, out, err = ldtest.run_batch(["-p", str(pid)],
                                        ["watch counter", "watch wide", "detach"])
        check(rc == 0 and "Hardware watchpoint 1: counter" in out, "attach: %r" % err, out)
        check(ldtest.tracer_pid(pid) == 0, "still traced after detach", out)
        rest, _ = p.communicate(b"go\n", timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    check(p.returncode == 0, "exit status %d after detach (-5: SIGTRAP from a debug "
          "register left set)" % p.returncode, rest.decode())
    check(len(writes(rest.decode())) == 5, "5 writes", rest.decode())


t.case("attach, watch, detach: no debug register left, the program writes and "
       "exits 0", detach_clears)


def guardian_clears():
    # layoutdbg SIGKILLed with a watchpoint set: the guardian process lets
    # the program go with its debug registers cleared
    p = subprocess.Popen([W, "wait"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         env=ldtest.env())
    try:
        pid = int(search(r"^ready (\d+)", p.stdout.readline().decode(), "fixture").group(1))
        with ldtest.PipeSession(["-p", str(pid)]) as s:
            s.out.expect(r"^Attached to process %d" % pid)
            s.send("watch counter")
            s.out.expect(r"^Hardware watchpoint 1: counter\n")
            s.send("continue")
            ldtest.wait_blocked(pid, (ldtest.SYS_READ,))
            os.kill(s.pid, signal.SIGKILL)
            s.wait()
            err = s.err.wait_eof()     # the guardian is gone too
        check(ldtest.tracer_pid(pid) == 0, "still traced: %r" % err)
        rest, _ = p.communicate(b"go\n", timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    check(p.returncode == 0 and len(writes(rest.decode())) == 5,
          "exit status %d after the guardian let it go (-5: SIGTRAP); stderr %r"
          % (p.returncode, err), rest.decode())


t.case("layoutdbg killed with a watchpoint set: the guardian clears the debug "
       "registers, the program exits 0", guardian_clears)


# ------------------------------------------------------------ catch layout
L = ldtest.fixture("layoutfix")


def region_of():
    rc, out, err = ldtest.run_batch([L], ["break protect_it", "run"], timeout=30)
    return search(r"^region (0x[0-9a-f]+)", out).group(1)


def catch_layout():
    addr = region_of()
    rc, out, err = ldtest.run_batch([L], ["break protect_it", "run",
                                          "catch layout " + addr] + ["continue"] * 5,
                                    timeout=30)
    search(r"^Catchpoint 2 \(layout %s: 0x[0-9a-f]+-0x[0-9a-f]+ rw-p\)$" % addr, out)
    events = re.findall(r"^Catchpoint 2 \(layout: (\w+) (\w+) .*\n(?:  .*\n)*?"
                        r"  called from 0x[0-9a-f]+ in (\w+) \(\)", out, re.M)
    check([(c, f) for c, _, f in events] ==
          [("mprotect", "protect_it"), ("mprotect", "unprotect_it"),
           ("mremap", "grow_it"), ("munmap", "drop_it")],
          "events %r (other_region's calls must not stop)" % events, out)
    search(r"layout: mprotect changed 0x[0-9a-f]+-0x[0-9a-f]+ of 0x[0-9a-f]+-0x[0-9a-f]+ "
           r"rw-p to r--p\)", out)
    search(r"layout: munmap unmapped 0x[0-9a-f]+-0x[0-9a-f]+ rw-p\)", out)
    search(r"^  munmap\(0x[0-9a-f]+, 262144 .*\) = 0$", out)
    search(r"^drop_it munmap\(0x[0-9a-f]+\) = 0$", out)
    search(r"^\[process \d+ exited with code 0\]", out)


t.case("catch layout ADDR: mprotect, mremap, munmap of the region stop with "
       "the caller's frame; the other region's calls do not", catch_layout)


def catch_layout_errors():
    rc, out, err = ldtest.run_batch([L], ["catch layout $rsp", "break main", "run",
                                          "catch layout 0x10", "catch layout nosuch",
                                          "catch layout", "catch layout [stack]"],
                                    timeout=30)
    lines = [l for l in err.splitlines() if l]
    check(len(lines) == 4 and all(l.startswith("layoutdbg: catch layout") for l in lines),
          "errors %r" % lines, err)
    check("no process to evaluate it in" in lines[0] and
          "0x10: not in any mapping" in lines[1] and
          "no such address or region" in lines[2] and "usage" in lines[3],
          "errors %r" % lines, err)
    search(r"^Catchpoint 2 \(layout \[stack\]: 0x7ff[0-9a-f]+-0x7ff[0-9a-f]+ rw-p\)$", out)


t.case("catch layout: an expression before run, unmapped address, unknown "
       "region, no argument: one-line errors", catch_layout_errors)


def catch_layout_pending():
    # before `run`: the program starts under the memory-call filter and the
    # address is found when it is mapped (ld.so's cache is mapped there
    # for a moment first: that unmap is a real event of the address)
    addr = region_of()
    rc, out, err = ldtest.run_batch([L], ["catch layout " + addr, "run"] +
                                    ["continue"] * 7, timeout=30)
    search(r"^Catchpoint 1 \(layout %s\) pending: found when the program maps it$"
           % addr, out)
    check("without a seccomp filter" not in out, "not filtered", out)
    callers = re.findall(r"^  called from 0x[0-9a-f]+ in (\w+) \(\)", out, re.M)
    check(callers[-4:] == ["protect_it", "unprotect_it", "grow_it", "drop_it"],
          "callers %r" % callers, out)
    check("other_region" not in callers, "other_region stopped", out)


t.case("catch layout set before run: found under the seccomp filter, the "
       "same events", catch_layout_pending)


def next_over_write():
    ldtest.need_hw_watchpoints()
    rc, out, err = ldtest.run_batch([W], ["break bump", "run", "watch counter", "next",
                                          "next", "stepi 40"], timeout=30)
    got = stops(out)
    check(len(got) >= 1 and got[0][:2] == (0, 1), "next over the write: %r" % got, out)
    search(r"^30\t\tcounter = old \+ 1;\n\nHardware watchpoint 2: counter\n", out,
           "the first next ends on the line, the second at the watchpoint")


t.case("next and stepi over a write stop at the watchpoint, as gdb's do",
       next_over_write)


def catch_layout_json():
    addr = region_of()
    rc, out, err = ldtest.run_batch([L], ["break protect_it", "run",
                                          "catch layout " + addr, "continue"],
                                    opts=["--json"], timeout=30)
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    st = [d for d in docs if d.get("event") == "stop" and d["reason"]["kind"] == "layout"]
    check(len(st) == 1, "one layout stop", out)
    r = st[0]["reason"]
    check(r["syscall"] == "mprotect" and r["caller"]["function"] == "protect_it" and
          r["layout"].startswith("mprotect changed"), "reason %r" % r, out)


t.case("catch layout in a --json stop document: call, layout, caller",
       catch_layout_json)

sys.exit(t.done())
