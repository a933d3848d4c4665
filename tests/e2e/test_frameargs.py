#!/usr/bin/env python3
"""Frame arguments in frame lines against gdb, run on the same binaries at
the same stops: the stop line (breakpoint, signal, watchpoint, step into a
function), bt, frame/up/down and finish's "Run till exit from" line, in
each `set print frame-arguments` mode (scalars, all, none, presence), at
-O0 and -O2 (<optimized out>, entry values n=n@entry=3); the frame lines
of both are compared whole after the differences layoutdbg means to have
are taken out (its <+NN> offsets, #0's pc, the file's directory, stack
addresses, which differ with the environment).  Then `show print
frame-arguments`, bad input, and the JSON frames' args."""
import json
import os
import re

import ldtest
from ldtest import check

VALUES = ldtest.fixture("values")
VALUES2 = ldtest.fixture("values-O2")
FA = ldtest.fixture("frameargs")
FA2 = ldtest.fixture("frameargs-O2")
DEEP2 = ldtest.fixture("deep-O2")
MODES = ("scalars", "all", "none", "presence")
t = ldtest.Tap(12)

# The lines that show a frame: bt's and frame's, the stop lines, finish's.
FRAME_LINE = re.compile(r"^(#\d+ |Breakpoint \d+, |Temporary breakpoint \d+, |"
                        r"Run till exit from |(0x[0-9a-f]+ in )?[\w:~<>]+ \(.*\) at \S+:\d+$)")
STACK = re.compile(r"0x7ff[0-9a-f]{9}")


def need(*progs):
    for p in progs:
        if not os.path.exists(p):
            raise ldtest.Skip("fixture %s not built" % os.path.basename(p))
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb not installed")


def norm(line):
    """A frame line without what layoutdbg shows differently on purpose."""
    line = re.sub(r" <\+\d+>", "", line)
    line = re.sub(r"^(#\d+)\s+0x[0-9a-f]+ in ", r"\1  ", line)
    line = re.sub(r"^(Run till exit from #\d+)\s+0x[0-9a-f]+ in ", r"\1  ", line)
    line = re.sub(r" at \S*/([^/\s]+:\d+)$", r" at \1", line)
    return STACK.sub("0x7ff...", line)


def frame_lines(text):
    """The frame lines, and info frame's "args: ..." (its Arglist line
    without the address)."""
    out = []
    for ln in text.splitlines():
        m = re.match(r"^ Arglist at .*, args:(.*)$", ln)
        if m:
            out.append("args: " + STACK.sub("0x7ff...", m.group(1).strip()))
        elif FRAME_LINE.match(ln) and not re.match(r"^Breakpoint \d+ at ", ln):
            out.append(norm(ln))
    return out


def gdb_cmds(cmds):
    """finish through Python with from_tty, so that gdb -batch prints its
    "Run till exit from" line as at a terminal."""
    return ['python gdb.execute("finish", True)' if c == "finish" else c for c in cmds]


def compare(prog, cmds, args=(), pre=(), want_min=2):
    need(prog)
    g = frame_lines(ldtest.gdb_batch(prog, list(pre) + (["set args " + " ".join(args)]
                                                      if args else []) + gdb_cmds(cmds),
                                     timeout=120))
    rc, out, err = ldtest.run_batch([prog] + list(args), list(pre) + cmds + ["kill"],
                                    timeout=120)
    o = frame_lines(out)
    errs = [ln for ln in err.splitlines() if ln.startswith("layoutdbg:")
            and "kill: no process" not in ln]
    check(not errs, "errors: %r" % errs, out)
    diff = [(a, b) for a, b in zip(g, o) if a != b]
    check(len(g) == len(o) and not diff,
          "%d frame lines from gdb, %d ours; first difference (gdb, ours): %r\n"
          "gdb: %r\nours: %r" % (len(g), len(o), diff[:2], g, o))
    check(len(g) >= want_min, "too few frame lines: %r" % g)
    return o


def case_mode(mode):
    """Every kind of argument at two stops of takes() and a stack of three
    (outer's struct argument among scalars)."""
    o = compare(FA, ["break takes", "break inner", "run", "bt", "continue",
                     "frame 0", "continue", "bt", "up", "up", "down", "frame 1"],
                pre=["set print frame-arguments " + mode], want_min=10)
    if mode == "scalars":
        check(any("p=..., w=..., bp=0x" in ln and "ch=113 'q'" in ln and
                  's=0x' in ln and '"str"' in ln and "<square>" in ln for ln in o),
              "scalars: structs as ..., scalars in full: %r" % o)


for m in MODES:
    t.case("set print frame-arguments %s: stop lines, bt, frame, up, down equal "
           "gdb's (-O0, every kind of argument)" % m, case_mode, m)


def case_recursion_finish():
    compare(VALUES, ["break depth if level == 0", "run", "bt", "up", "info frame",
                     "frame 2", "down", "finish", "bt", "up", "finish"], want_min=12)


t.case("values: recursion's bt, frame N, up/down, info frame's args and finish "
       "from #0 and from a caller (Run till exit from #1  0x... in depth (level=1, ...))",
       case_recursion_finish)


def case_step_in():
    compare(VALUES, ["break values.c:142", "run", "step", "bt", "finish"], want_min=4)


t.case("step into a function shows its frame line with arguments; finish "
       "back to main", case_step_in)


def case_signal():
    compare(FA, ["run", "bt"], args=["crash"], want_min=3)


t.case("a signal stop (SIGSEGV in crash(where=0x1, ...)) and its bt", case_signal)


def case_watch():
    ldtest.need_hw_watchpoints()
    compare(FA, ["break main", "run", "watch g_calls", "continue", "bt",
                 "continue"], want_min=4)


t.case("a watchpoint stop's frame line has the arguments", case_watch)


def case_optimized():
    """-O2: <optimized out>, and entry values from the callers' call sites:
    index=index@entry=0, hit (n=n@entry=5), a recursion passing its own
    argument on (deep (n=n@entry=2)), main's arguments at the end of the
    stack (<optimized out>: no caller shown, none asked)."""
    compare(VALUES2, ["break visit", "break hit if n == 5", "run", "bt",
                      "continue", "bt", "finish", "continue", "bt"], want_min=8)
    o = compare(DEEP2, ["break marker", "run", "bt", "finish", "up 2", "finish"],
                args=["6"], want_min=10)
    check(any("deep (n=n@entry=3)" in ln for ln in o), "entry values: %r" % o)


t.case("-O2: <optimized out> and entry values (n=n@entry=2) equal gdb's",
       case_optimized)


def case_optimized_kinds():
    for m in ("scalars", "all"):
        compare(FA2, ["break takes", "break inner", "run", "bt", "continue",
                      "continue", "bt"], pre=["set print frame-arguments " + m],
                want_min=5)


t.case("-O2: every kind of argument, scalars and all", case_optimized_kinds)


def case_setting():
    need(FA)
    cmds = ["show print frame-arguments", "set print frame-arguments all",
            "show print frame-arguments", "set print frame-arguments presence",
            "show print frame-arguments"]
    g = [ln for ln in ldtest.gdb_batch(FA, cmds).splitlines() if ln.startswith("Printing")]
    rc, out, err = ldtest.run_batch([FA], cmds + ["set print frame-arguments bogus",
                                                  "set print frame-arguments"])
    o = [ln for ln in out.splitlines() if ln.startswith("Printing")]
    check(g == o and len(o) == 3, "gdb %r, ours %r" % (g, o))
    bad = [ln for ln in err.splitlines() if ln.startswith("layoutdbg:")]
    check(len(bad) == 2 and 'undefined item "bogus"' in bad[0] and
          "set print frame-arguments:" in bad[1], "errors: %r" % bad)


t.case("show print frame-arguments as gdb; a bad mode and a missing one are "
       "one-line errors", case_setting)


def docs(out):
    return [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]


def case_json():
    """bt --json frames and the stop document's frame carry args: name,
    value (as the line shows it), entry_value, points_to for a pointer
    (here the stack, where b lives); a frame without DWARF has none."""
    need(FA, DEEP2)
    rc, out, err = ldtest.run_batch([FA], ["break takes", "run", "bt", "kill"],
                                    opts=["--json"])
    ldtest.check_json_output(out, "frameargs --json")
    d = docs(out)
    stop = [x for x in d if x.get("event") == "stop"][0]
    args = {a["name"]: a for a in stop["frame"]["args"]}
    check(args["p"]["value"] == "..." and args["ch"]["value"] == "113 'q'" and
          args["bp"]["points_to"]["kind"] == "stack" and "points_to" not in args["c"],
          "stop frame args: %r" % args)
    bt = [x for x in d if x.get("command") == "backtrace"][0]
    check(bt["frames"][0]["args"] == stop["frame"]["args"] and
          [a["name"] for a in bt["frames"][1]["args"]] == ["argc", "argv"],
          "bt frames: %r" % bt["frames"])
    rc, out, err = ldtest.run_batch([DEEP2, "3"], ["break marker", "run", "bt", "kill"],
                                    opts=["--json"])
    ldtest.check_json_output(out, "deep-O2 --json")
    bt = [x for x in docs(out) if x.get("command") == "backtrace"][0]
    check(bt["frames"][1]["args"] == [{"name": "n", "value": "1", "entry_value": "1"}],
          "entry value: %r" % bt["frames"][1])


t.case("JSON: frames' args {name, value, entry_value?, points_to?} in bt and "
       "the stop document", case_json)
t.done()
