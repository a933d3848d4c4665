#!/usr/bin/env python3
"""finish in a recursion: the same return address is on the stack four
times, so finish must tell frames apart by the stack pointer and stop in
the frame that called the selected one -- not further out."""
import re
import sys

import ldtest
from ldtest import check, search

RECURSE = ldtest.fixture("recurse")
loc = ldtest.loc
t = ldtest.Tap(9)
res = {}


def sections(out):
    """Split batch output at each `Run till exit` so each finish's output and
    the bt after it can be looked at on their own."""
    return re.split(r"^(?=Run till exit from )", out, flags=re.M)


def recursion():
    rc, out, err = ldtest.run_batch([RECURSE], [
        "break depth", "run", "continue 3", "bt", "info registers rsp",
        "finish", "bt", "info registers rsp",
        "finish", "bt", "info registers rsp"])
    res["out"] = out
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    check(err == "", "stderr %r" % err, out)
    check(out.count("\nBreakpoint 1, ") == 2, "expected the 1st and 4th hits only", out)


t.case("break depth, run, continue 3 (innermost depth(0)), finish, finish", recursion)
out = res.get("out", "")


def first_finish_value():
    sec = sections(out)
    check(len(sec) == 3, "%d finish sections" % (len(sec) - 1), out)
    search(r"^Run till exit from #0\s+%s" % loc("depth"), sec[1], "finish 1")
    search(r"^%s" % loc("depth"), sec[1].split("\n", 1)[1], "finish 1 returns into depth")
    m = search(r"^Value returned is \$\d+ = (0x[0-9a-f]+) \((\d+)\)$", sec[1], "value")
    check(int(m.group(1), 16) == 0x64 and m.group(2) == "100",
          "value %s (%s), want 0x64 (100)" % (m.group(1), m.group(2)), sec[1])


t.case("first finish: back in depth, 'Value returned' 0x64 (100)", first_finish_value)


def second_finish_value():
    sec = sections(out)
    check(len(sec) == 3, "%d finish sections" % (len(sec) - 1), out)
    search(r"^%s" % loc("depth"), sec[2].split("\n", 1)[1], "finish 2 returns into depth")
    m = search(r"^Value returned is \$\d+ = (0x[0-9a-f]+) \((\d+)\)$", sec[2], "value")
    check(int(m.group(1), 16) == 0x65 and m.group(2) == "101",
          "value %s (%s), want 0x65 (101)" % (m.group(1), m.group(2)), sec[2])


t.case("second finish: 'Value returned' 0x65 (101)", second_finish_value)


def frames_pop_one_by_one():
    sec = sections(out)
    check(len(sec) == 3, "%d finish sections" % (len(sec) - 1), out)
    counts = [ldtest.count_frames(s) for s in sec]
    depths = [len(re.findall(r"^#\d+\s+%s" % loc("depth"), s, re.M)) for s in sec]
    check(depths == [4, 3, 2], "depth frames per stop %r, want [4, 3, 2]" % depths, out)
    check(counts[0] - counts[1] == 1 and counts[1] - counts[2] == 1,
          "bt frame counts %r do not decrease by exactly one" % counts, out)
    rsp = [int(x, 16) for x in re.findall(r"^rsp\s+(0x[0-9a-f]+)", out, re.M)]
    check(len(rsp) == 3 and rsp[0] < rsp[1] < rsp[2],
          "stack pointer must rise with each finish: %r" % [hex(x) for x in rsp], out)


t.case("bt loses exactly one frame per finish (and rsp rises)", frames_pop_one_by_one)


def outermost():
    rc, out1, err = ldtest.run_batch([RECURSE], ["break depth", "run", "bt"])
    check(rc == 0, "rc %d %r" % (rc, err), out1)
    n = max(int(x) for x in re.findall(r"^#(\d+)\s", out1, re.M))
    rc, out, err = ldtest.run_batch([RECURSE], [
        "break depth", "run", "info registers rip", "frame %d" % n, "finish",
        "info registers rip", "bt"])
    check(rc != 0, "-batch must exit non-zero after the finish error", out)
    lines = err.splitlines()
    check(len(lines) == 1 and lines[0].startswith("layoutdbg: finish:"),
          "stderr %r, want one line 'layoutdbg: finish: ...'" % err, out)
    # nothing ran: still at the breakpoint, the next command still ran
    rips = [int(x, 16) for x in re.findall(r"^rip\s+(0x[0-9a-f]+)", out, re.M)]
    check(len(rips) == 2 and rips[0] == rips[1], "the process moved after a failed "
          "finish: rip %r" % [hex(r) for r in rips], out)
    check(ldtest.count_frames(out.split("rip ")[-1]) == n + 1, "bt after the error", out)


t.case("finish in the outermost frame: 'layoutdbg: finish:' and nothing runs", outermost)


def finish_selected_frame():
    # `frame 1` then finish runs until frame 1 (depth(3), called by main)
    # returns: the intermediate recursive hits stop it first (gdb does the
    # same), so delete the breakpoint first.
    rc, out, err = ldtest.run_batch([RECURSE], [
        "break depth", "run", "continue", "delete", "frame 1", "finish", "bt"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    sec = sections(out)
    check(len(sec) == 2, "finish sections", out)
    search(r"^Run till exit from #1\s+%s" % loc("depth"), sec[1], "finish from frame 1")
    search(r"^%s" % loc("main"), sec[1].split("\n", 1)[1], "returns into main")
    m = search(r"^Value returned is \$\d+ = (0x[0-9a-f]+)", sec[1], "value")
    check(int(m.group(1), 16) == 103, "depth(3) returned %s, want 0x67" % m.group(1), sec[1])
    search(r"^#0\s+%s" % loc("main"), sec[1], "bt starts at main")


t.case("finish with frame 1 selected returns to main with 0x67", finish_selected_frame)



def deep_value(n):
    """What deep(n) returns (fixtures/deep.c): deep(1) = marker(1) + 1."""
    r = 1 + 1 + 1 % 7
    for k in range(2, n + 1):
        r += k % 7
    return r


def finish_from_deep_frame(n):
    """deep 30 stopped in marker: frame N is deep(N); finish out of it
    returns into frame N+1 (deep(N+1)) with deep(N)'s value, the stack
    pointer at frame N's CFA, and N+1 frames fewer on the stack."""
    rc, out, err = ldtest.run_batch([ldtest.fixture("deep"), "30"], [
        "break marker", "run", "delete", "bt", "frame %d" % n, "info frame", "finish",
        "info registers rsp", "bt"], timeout=30)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    before, after = out.split("Run till exit from ")
    cfa = int(search(r"^Stack level %d, frame at (0x[0-9a-f]+):" % n, before,
                     "info frame").group(1), 16)
    search(r"^#%d\s+%s" % (n, loc("deep")), after, "finish from frame %d" % n)
    m = search(r"^Value returned is \$\d+ = (0x[0-9a-f]+) \((\d+)\)$", after, "value")
    check(int(m.group(2)) == deep_value(n) and int(m.group(1), 16) == deep_value(n),
          "deep(%d) returned %s, want %d" % (n, m.group(0), deep_value(n)), after)
    rsp = ldtest.register(after, "rsp")
    check(rsp == cfa, "rsp %#x after finish, frame %d's CFA is %#x" % (rsp, n, cfa), out)
    # before: the bt, and the frame line `frame N` printed
    nb, na = ldtest.count_frames(before) - 1, ldtest.count_frames(after.split("rsp ")[-1])
    check(nb - na == n + 1, "%d frames before, %d after: want %d fewer" % (nb, na, n + 1), out)
    search(r"^#0\s+%s" % loc("deep"), after.split("rsp ")[-1], "bt after finish")


for n in (1, 5, 20):
    t.case("deep 30: frame %d, finish: back in frame %d (deep), deep(%d) = %d, rsp = CFA"
           % (n, n + 1, n, deep_value(n)), finish_from_deep_frame, n)

sys.exit(t.done())
