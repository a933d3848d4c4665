#!/usr/bin/env python3
"""Inline frames (issue 15 item 3) against gdb on the `inlines` fixture
(-O2, static inline helpers `leaf` inside `helper`, both inlined into
`twice` (twice each) and `once`, `helper` kept out of line too).  At every
inlined copy of `leaf` (breakpoints on the addresses gdb gives for `break
leaf`): the whole `bt` to main -- names, files, lines, and which frames
have no pc (the frames an inlined callee is inlined into) -- equals
gdb's; `frame 1`, `up`, `down` walk the inlined frames as gdb does;
`info frame` says "inlined into frame N"; JSON frames say inline and
carry linkage_name.  `break helper` and `break leaf` set one breakpoint
with a location at every inlined copy and the out-of-line code, as gdb:
the same message ("(4 locations)"), the same `info breakpoints` rows
(1.1, 1.2 ... with their addresses, functions and lines), the same stops
in the same order ("Breakpoint 1.2, helper ..." with gdb's line) and the
same hit count; `delete` takes every location out.  The overloads of a
C++ method (cxxnames fixture) are the locations of one breakpoint too.
`next` steps over inlined calls (the lines it stops at, from twice and
from once to the end of main, equal gdb's: never a line of an inlined
helper); `step` at an inlined call goes into it without running (gdb's
step_into_inline_frame); `finish` out of an inlined frame stops where
gdb's does, and a breakpoint met on the way stops it as in gdb."""
import json
import os
import re
import sys

import ldtest
from ldtest import check, search

PROG = ldtest.fixture("inlines")
t = ldtest.Tap(12)

# "#1  0x0000555555555066 in main (argc=...) at ../fixtures/inlines.c:41"
# "#1  helper (x=1) at ../fixtures/inlines.c:18"
FRAME = re.compile(r"^#(\d+)\s+(0x[0-9a-f]+ in )?(\S+) \(.*?\)"
                   r"(?: <\+\d+>)?(?: at (\S+):(\d+))?", re.M)
LOC = re.compile(r"^\d+\.\d+\s+y\s+(0x[0-9a-f]+) in (\S+) at", re.M)


def gdb(cmds, prog=PROG):
    return ldtest.gdb_batch(prog, cmds, cwd=os.path.dirname(prog))


def ours(cmds, opts=(), prog=PROG):
    rc, out, err = ldtest.run_batch([prog], cmds + ["kill"], opts=opts)
    check(not err.strip() or "kill" in err, "unexpected errors: %s" % err, out)
    return out


def frames(out):
    """Each bt's frames up to main: (level, name, file basename, line,
    pc shown), frame 0's pc left out (we always show it)."""
    bts, cur = [], None
    for m in FRAME.finditer(out):
        level, pc, name, f, line = m.groups()
        if level == "0":
            cur = []
            bts.append(cur)
        if cur is None or (cur and cur[-1][1] == "main"):
            continue
        cur.append((int(level), name, os.path.basename(f or ""), int(line or 0),
                    bool(pc) if level != "0" else None))
    return bts


def leaf_copies():
    """The runtime addresses of leaf's inlined copies, as gdb finds them."""
    out = gdb(["break leaf", "info breakpoints"])
    locs = [int(a, 16) + 0x555555554000 for a, name in LOC.findall(out)]
    check(len(locs) >= 6, "gdb found %d copies of leaf" % len(locs), out)
    return locs


def stops_cmds(locs):
    cmds = ["start"] + ["break *%#x" % a for a in locs]
    return cmds + ["continue", "bt"] * len(locs)


def bt_like_gdb():
    locs = leaf_copies()
    cmds = stops_cmds(locs)
    g, o = frames(gdb(cmds)), frames(ours(cmds))
    check(len(g) >= 4, "gdb stopped %d times" % len(g))
    check(o == g, "backtraces differ:\nours %r\ngdb  %r" % (o, g))
    # the inlined frames are there: leaf, then helper, at the call sites
    names = [[f[1] for f in bt] for bt in o]
    check(["leaf", "helper", "twice", "main"] in names, "no leaf<-helper<-twice: %r" % names)
    check(["leaf", "helper", "once", "main"] in names, "no leaf<-helper<-once: %r" % names)


def walk_like_gdb():
    locs = leaf_copies()
    cmds = ["start", "break *%#x" % locs[2], "continue", "frame 1", "up", "up",
            "down", "frame 0"]
    rx = re.compile(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \(.*?\)(?: <\+\d+>)?"
                    r"(?: at (\S+):(\d+))?$", re.M)

    def walk(out):
        return [(int(l), n, os.path.basename(f or ""), int(ln or 0))
                for l, n, f, ln in rx.findall(out)]
    g, o = walk(gdb(cmds)), walk(ours(cmds))
    check(len(g) == 5, "gdb's walk: %r" % g)
    check(o == g, "frame/up/down: ours %r, gdb %r" % (o, g))


def info_frame():
    locs = leaf_copies()
    out = ours(["start", "break *%#x" % locs[2], "continue", "info frame", "up",
                "info frame", "up", "info frame"])
    search(r"^Stack level 0, .*\n rip = 0x[0-9a-f]+ in leaf; saved rip = 0x[0-9a-f]+\n"
           r" inlined into frame 1\n", out, "frame 0 inlined into 1")
    search(r"^Stack level 1, .*\n rip = .* in helper; .*\n inlined into frame 2, "
           r"caller of frame at 0x[0-9a-f]+\n", out, "frame 1 inlined into 2")
    search(r"^Stack level 2, .*\n rip = .* in twice; .*\n called by frame at", out,
           "frame 2 a real frame")


def json_frames():
    locs = leaf_copies()
    out = ours(["start", "break *%#x" % locs[2], "continue", "backtrace 4"],
               opts=["--json"])
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    bt = [d for d in docs if d.get("command") == "backtrace"]
    check(len(bt) == 1, "one backtrace document", out)
    fr = bt[0]["frames"]
    got = [(f["function"], f["linkage_name"], f["inline"], f["at_call"]) for f in fr]
    want = [("leaf", "leaf", True, False), ("helper", "helper", True, True),
            ("twice", "twice", False, True), ("main", "main", False, False)]
    check(got == want, "JSON frames %r, want %r" % (got, want))
    check(fr[0]["pc"] == fr[1]["pc"] == fr[2]["pc"], "inlined frames share the pc")
    out = ours(["break helper", "run"], opts=["--json"])
    stops = [json.loads(l)["stop"] for l in out.splitlines()
             if l.startswith("{") and '"stop":{"event":"stop"' in l]
    check(stops and stops[-1]["reason"].get("location_number") == "1.2" and
          stops[-1]["frame"]["function"] == "helper",
          "the stop names location 1.2 in helper", out)


STOP = re.compile(r"^Breakpoint (\d+\.\d+), (?:0x[0-9a-f]+ in )?(\S+) \(.*?\) at (\S+):(\d+)$",
                  re.M)
ROW = re.compile(r"^(\d+\.\d+)\s+y\s+(0x[0-9a-f]+) in (\S.*) at (\S+):(\d+)$", re.M)
HITS = re.compile(r"^\tbreakpoint already hit (\d+) times?$", re.M)
SET = r"^Breakpoint 1 at 0x[0-9a-f]+: \S+\. \(\d+ locations\)$"


def base(rows):
    return [tuple(os.path.basename(x) if "/" in x else x for x in r) for r in rows]


def multi_like_gdb(func, count, prog=PROG):
    if not os.path.exists(prog):
        raise ldtest.Skip("fixture %s not built" % os.path.basename(prog))
    cmds = ["break " + func, "run", "info breakpoints"] + ["continue"] * (count - 1) + \
        ["info breakpoints"]
    g, o = gdb(cmds, prog), ours(cmds, prog=prog)
    gs, os_ = search(SET, g, "gdb's break line").group(0), search(SET, o, "our break line").group(0)
    check(gs == os_, "break %s: ours %r, gdb %r" % (func, os_, gs))
    check("(%d locations)" % count in os_, "%d locations: %r" % (count, os_))
    gstops, ostops = base(STOP.findall(g)), base(STOP.findall(o))
    check(len(gstops) == count, "gdb stopped %d times: %r" % (len(gstops), gstops))
    check(ostops == gstops, "stops: ours %r, gdb %r" % (ostops, gstops))
    grows, orows = base(ROW.findall(g)), base(ROW.findall(o))
    check(len(grows) == 2 * count, "gdb's rows: %r" % grows, g)
    check(orows == grows, "info breakpoints: ours %r, gdb %r" % (orows, grows))
    gh, oh = HITS.findall(g), HITS.findall(o)
    check(oh == gh and gh[-1] == str(count), "hit counts: ours %r, gdb %r" % (oh, gh))


def delete_all_locations():
    out = ours(["break helper", "run", "delete 1", "info breakpoints", "continue"])
    search(r"^No breakpoints\.$", out, "deleted")
    search(r"^15663$", out, "the program ran to its end with every location gone")
    check(len(STOP.findall(out)) == 1, "one stop only", out)


LINE = re.compile(r"^(?:(\S+) \(.*?\) at \S+:\d+\n)?(\d+)\t", re.M)


def lines_after(out, marker):
    """(function named or None, line) of each source line shown after the
    marker line (the stop the steps begin at), to line 47 of main."""
    out = out[out.index(marker):]
    got = [(f or None, int(l)) for f, l in LINE.findall(out)]
    if (None, 47) in got:
        got = got[:got.index((None, 47)) + 1]
    return got


def next_like_gdb(func):
    cmds = ["break " + func, "run"] + ["next"] * 6
    marker = "Breakpoint 1, "
    g, o = lines_after(gdb(cmds), marker), lines_after(ours(cmds), marker)
    check(o == g, "next from %s: ours %r, gdb %r" % (func, o, g))
    check(all(l not in (12, 13, 18, 20, 21) for f, l in o[1:]),
          "next stopped in an inlined helper: %r" % o)


def step_into_inline():
    cmds = ["break twice", "run", "step"]
    g = lines_after(gdb(cmds), "Breakpoint 1, ")
    out = ours(cmds + ["info registers rip", "bt 2"])
    o = lines_after(out, "Breakpoint 1, ")
    check(o == g and o[-1] == ("helper", 18), "step: ours %r, gdb %r" % (o, g))
    rips = re.findall(r"^rip\s+(0x[0-9a-f]+)", ours(["break twice", "run",
                                                    "info registers rip", "step",
                                                    "info registers rip"]), re.M)
    check(len(rips) == 2 and rips[0] == rips[1], "step into an inlined call ran: %r" % rips)
    check(frames(out)[-1][:2] == [(0, "helper", "inlines.c", 18, None),
                                  (1, "twice", "inlines.c", 26, False)],
          "bt after step: %r" % frames(out)[-1])


def finish_like_gdb():
    cmds = ["break leaf", "run", "continue", "finish"]
    g = lines_after(gdb(cmds), "Breakpoint 1.4, ")
    o = lines_after(ours(cmds), "Breakpoint 1.4, ")
    check(len(g) == 2 and o == g, "finish out of leaf: ours %r, gdb %r" % (o, g))
    cmds = ["break leaf", "run", "continue", "continue", "up", "finish"]
    g = re.findall(r"^Breakpoint (1\.\d+), ", gdb(cmds), re.M)
    o = re.findall(r"^Breakpoint (1\.\d+), ", ours(cmds), re.M)
    check(o == g and g[-1] == "1.6", "finish out of helper: stops ours %r, gdb %r" % (o, g))


def snapshot_frames():
    """A snapshot keeps the logical frames, and a saved one reads back
    with them."""
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "ld-inline-%d.json" % os.getpid())
    try:
        out = ours(["break leaf", "run", "bt 4", "snapshot", "save %1 " + path, "kill",
                    "load " + path, "show %1", "show %2"])
    finally:
        if os.path.exists(path):
            os.unlink(path)
    live = frames(out)[0]
    check([f[1] for f in live] == ["leaf", "helper", "twice", "main"], "live bt %r" % live)
    kept = frames(out)[1:]
    check(len(kept) == 2 and kept[0] == live and kept[1] == live,
          "snapshot frames %r, live %r" % (kept, live), out)


t.case("bt at every inlined copy of leaf: frames equal gdb's", bt_like_gdb)
t.case("frame N, up, down walk the inlined frames as gdb", walk_like_gdb)
t.case("info frame: inlined into frame N", info_frame)
t.case("--json frames: inline, at_call, linkage_name; stop location_number", json_frames)
t.case("break helper: 4 locations, stops, rows and hits as gdb",
       multi_like_gdb, "helper", 4)
t.case("break leaf (no out-of-line copy): 8 locations as gdb", multi_like_gdb, "leaf", 8)
t.case("delete takes out every location", delete_all_locations)
t.case("break ns::Class::method: one location per overload as gdb", multi_like_gdb,
       "ns::Class::method", 2, ldtest.fixture("cxxnames"))
t.case("next over inlined calls, from twice: lines equal gdb's", next_like_gdb, "twice")
t.case("next from once back into main: lines equal gdb's", next_like_gdb, "once")
t.case("step at an inlined call enters it without running; finish out of "
       "inlined frames as gdb", lambda: (step_into_inline(), finish_like_gdb()))
t.case("snapshots keep the inlined frames, saved and loaded too", snapshot_frames)
sys.exit(t.done())
