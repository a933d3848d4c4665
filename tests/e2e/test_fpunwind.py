#!/usr/bin/env python3
"""Unwinding without unwind tables (issue 15 item 4).  The `fpchain-nocfi`
fixture (c1 -> c2 -> c3, built with -fno-asynchronous-unwind-tables
-fno-unwind-tables -fno-omit-frame-pointer, its .debug_frame removed) has
no call frame information for its own functions (readelf says so); `bt`
follows the frame-pointer chain to _start: at c3's entry, after its push
%rbp, in its body and in c2 after `finish`, every frame's pc equals gdb's
(past main too) and every name up to main and the last (_start) equal
gdb's.  Frames found by the chain say `[frame pointer]`, the others do
not.  A frame pointer that leads out of the thread's stack (above it, to a
believable return address) ends the backtrace instead of inventing
frames."""
import json
import os
import re
import subprocess
import sys

import ldtest
from ldtest import check

PROG = ldtest.fixture("fpchain-nocfi")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "fixtures", "fpchain.c")
FRAME = re.compile(r"^#(\d+)\s+(0x[0-9a-f]+) in (\S+) \(.*$", re.M)
t = ldtest.Tap(5)


def stop_line():
    with open(SRC) as f:
        for n, line in enumerate(f, 1):
            if "/* stop here */" in line:
                return n
    raise AssertionError("no stop line in " + SRC)


# The stops compared, each the commands reaching it (the same for gdb).
# stepi 4 from c2's breakpoint lands on c3's first instruction (push %rbp),
# one more after it: rbp is still c2's there.
STOPS = {
    "c3 entry": ["break c2", "run", "stepi 4"],
    "c3 after push": ["break c2", "run", "stepi 5"],
    "c3 body": ["break fpchain.c:%d" % stop_line(), "run"],
    "c2 after finish": ["break fpchain.c:%d" % stop_line(), "run", "finish"],
}


def symbols():
    out = subprocess.run(["nm", PROG], stdout=subprocess.PIPE, check=True).stdout
    return {name: int(a, 16) for a, _, name in
            (l.split() for l in out.decode().splitlines() if len(l.split()) == 3)}


def no_fde():
    if not ldtest.readelf_available():
        raise ldtest.Skip("readelf is not installed")
    out = subprocess.run(["readelf", "-wf", PROG], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    fdes = [(int(a, 16), int(b, 16)) for a, b in
            re.findall(r"FDE cie=\S+ pc=([0-9a-f]+)\.\.([0-9a-f]+)", out)]
    syms = symbols()
    covered = [f for f in ("c1", "c2", "c3", "main")
               if any(a <= syms[f] < b for a, b in fdes)]
    check(fdes and not covered, "FDEs cover %r: %r" % (covered, fdes))


def gdb_frames(cmds):
    """gdb's frames at the stop cmds reach, past main: (pc, name)."""
    return [(pc, f) for _, pc, f in
            ldtest.gdb_frame_walk([PROG], ["set backtrace past-main on"] + cmds, 60)]


def ours(cmds, args=()):
    rc, out, err = ldtest.run_batch([PROG] + list(args), ["set backtrace past-main on"] +
                                    cmds + ["bt", "continue"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    return [(int(pc, 16), f, line.endswith("[frame pointer]"))
            for n, pc, f, line in ((m.group(1), m.group(2), m.group(3), m.group(0))
                                   for m in FRAME.finditer(out))], out


def same_as_gdb():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    for what, cmds in STOPS.items():
        g = gdb_frames(cmds)
        o, out = ours(cmds)
        main = [f for _, f in g].index("main")
        check([pc for pc, _, _ in o] == [pc for pc, _ in g],
              "%s: pcs differ\ngdb  %r\nours %r" % (what, g, o), out)
        check([f for _, f, _ in o[:main + 1]] == [f for _, f in g[:main + 1]] and
              o[-1][1] == g[-1][1] == "_start",
              "%s: names differ\ngdb  %r\nours %r" % (what, g, o), out)


def marked():
    # c3 body: c3, c2, c1, main, libc's caller of main, __libc_start_main,
    # _start; the callees of #1 to #4 have no call frame information.
    o, out = ours(STOPS["c3 body"])
    check([m for _, _, m in o] == [False, True, True, True, True, False, False],
          "markers %r" % [m for _, _, m in o], out)


def marked_json():
    """--json: bt's frames and a snapshot's carry frame_pointer, true for
    the same frames the text marks."""
    rc, out, err = ldtest.run_batch([PROG], ["set backtrace past-main on"] +
                                    STOPS["c3 body"] + ["bt", "snapshot", "continue"],
                                    opts=["--json"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    bt = [d for d in docs if d.get("command") == "backtrace"]
    snap = [d for d in docs if d.get("command") == "snapshot"]
    want = [False, True, True, True, True, False, False]
    check(len(bt) == 1 and [f["frame_pointer"] for f in bt[0]["frames"]] == want,
          "bt --json frame_pointer %r" % [f.get("frame_pointer") for f in
                                          (bt[0]["frames"] if bt else [])], out)
    fr = snap[0]["snapshot"]["threads"][0]["frames"] if snap else []
    check([f["frame_pointer"] for f in fr] == want,
          "snapshot frames' frame_pointer %r" % [f.get("frame_pointer") for f in fr], out)


def lying_pointer():
    o, out = ours(STOPS["c3 body"], ["lie"])
    check([f for _, f, _ in o] == ["c3", "c2"],
          "frames %r: the chain above the thread.s stack must end the backtrace" % o, out)


t.case("readelf: no FDE covers c1, c2, c3 or main", no_fde)
t.case("bt at four stops without call frame information: pcs and names equal gdb's",
       same_as_gdb)
t.case("frames found by the frame-pointer chain say so, only they", marked)
t.case("a frame pointer out of the stack ends the backtrace", lying_pointer)
t.case("--json: bt and snapshot frames say frame_pointer, for the same frames",
       marked_json)
sys.exit(t.done())
