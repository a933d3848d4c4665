#!/usr/bin/env python3
"""Source-level work from DWARF line info: the seed's exact sequence
(`break heap.c:N` on the calloc line, run, snapshot, next, snapshot, diff);
breakpoint addresses and line numbers equal gdb's; `next` over a recursive
call stays in the frame; `step` enters depth; `list`; `finish` shows the
line it returns to; `info line` equals gdb's for every line of the
fixtures; a stripped program gets a clear error for FILE:LINE and still
works by symbol."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(13)
HEAP = ldtest.fixture("heap")
RECURSE = ldtest.fixture("recurse")
SRC = os.path.join(ldtest.SRC_ROOT, "fixtures")


def source_lines(name):
    with open(os.path.join(SRC, name)) as f:
        return f.read().splitlines()


def line_of(name, needle):
    """1-based number of the first line of fixtures/NAME containing NEEDLE."""
    for i, l in enumerate(source_lines(name)):
        if needle in l:
            return i + 1
    raise AssertionError("%r not found in fixtures/%s" % (needle, name))


CALLOC_LINE = line_of("heap.c", "calloc(")


def batch(args, cmds, ok=True, **kw):
    rc, out, err = ldtest.run_batch(args, cmds, **kw)
    if ok:
        check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    return rc, out, err


def src_line_re(name, n):
    """The `N<TAB>text` line layoutdbg (and gdb) print for line N."""
    return r"^%d\t%s$" % (n, re.escape(source_lines(name)[n - 1]))


# ------------------------------------------------------------ the seed

def seed_sequence():
    bp = "heap.c:%d" % CALLOC_LINE
    _, out, _ = batch([HEAP], ["break " + bp, "run", "snapshot", "next", "snapshot", "diff"])
    search(r"^Breakpoint 1 at 0x[0-9a-f]+: file \S*heap\.c, line %d\.$" % CALLOC_LINE, out,
           "breakpoint confirmation")
    search(r"^Breakpoint 1, main \(\) at \S*heap\.c:%d$" % CALLOC_LINE, out, "stop line")
    search(src_line_re("heap.c", CALLOC_LINE), out, "source text of the calloc line")
    search(src_line_re("heap.c", CALLOC_LINE + 1), out, "`next` shows the following line")
    m = search(r"^diff %1 -> %2 \(process \d+\)\n\+ added\s+(0x[0-9a-f]+)-(0x[0-9a-f]+) "
               r"rw-p\s+0x21000 \(132 KiB\)\s+\[heap\]$", out, "diff: [heap] added")
    check(int(m.group(2), 16) - int(m.group(1), 16) == 0x21000, "heap size", out)
    search(r"^program break: 0x[0-9a-f]+ -> 0x[0-9a-f]+ \(\+0x21000 \(132 KiB\)\)$", out,
           "break moved")
    # the program's own output: the stop came before calloc, `next` after it
    check(out.index("Before calloc") < out.index("Breakpoint 1, main"), "stop before output")


t.case("seed: break heap.c:%d, run, snapshot, next, snapshot, diff: [heap] added rw-p 0x21000"
       % CALLOC_LINE, seed_sequence)


# ----------------------------------------------------------------- gdb

LOCATIONS = [
    (HEAP, ["heap.c:%d" % CALLOC_LINE, "heap.c:%d" % (CALLOC_LINE + 1), "main",
            "heap.c:%d" % line_of("heap.c", "static const size_t element_size")]),
    (RECURSE, ["recurse.c:%d" % line_of("recurse.c", "return depth(n - 1)"), "depth",
               "recurse.c:%d" % line_of("recurse.c", "printf(")]),
]
BP_LINE = re.compile(r"^Breakpoint (\d+) at (0x[0-9a-f]+): file (\S+), line (\d+)\.$", re.M)


def same_as_gdb():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    for prog, locs in LOCATIONS:
        argv = ["gdb", "-nx", "-batch"]
        for l in locs:
            argv += ["-ex", "break " + l]
        e = ldtest.env()
        e["DEBUGINFOD_URLS"] = ""
        g = subprocess.run(argv + [prog], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=e, timeout=60).stdout.decode()
        gb = [(int(a, 16), os.path.basename(f), int(n)) for _, a, f, n in BP_LINE.findall(g)]
        if len(gb) != len(locs):
            raise ldtest.Skip("gdb did not set every breakpoint: " + g[-300:])
        _, out, _ = batch([prog], ["break " + l for l in locs])
        lb = [(int(a, 16), os.path.basename(f), int(n)) for _, a, f, n in BP_LINE.findall(out)]
        check(gb == lb, "%s: gdb %r\nlayoutdbg %r" % (os.path.basename(prog),
                                                      [(hex(a), f, n) for a, f, n in gb],
                                                      [(hex(a), f, n) for a, f, n in lb]), out)


t.case("break FILE:LINE / FUNCTION before run: same address, file and line as gdb",
       same_as_gdb)


# ------------------------------------------------------------ info line

INFO_LINE = re.compile(r'^(Line \d+ of "[^"]*".*|Line number \d+ is out of range.*|'
                       r'No line number information.*)$', re.M)


def info_lines(argv, cmds, gdb=False):
    """The `info line` answers, file names reduced to their basename."""
    if gdb:
        full = ["gdb", "-nx", "-batch"]
        for c in cmds:
            full += ["-ex", c]
        e = ldtest.env()
        e["DEBUGINFOD_URLS"] = ""
        out = subprocess.run(full + argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=e, timeout=60).stdout.decode()
    else:
        _, out, _ = batch(argv, cmds)
    return [re.sub(r'"(?:[^"]*/)?([^"/]+)"', r'"\1"', l) for l in INFO_LINE.findall(out)], out


def info_line_as_gdb():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    for prog, name, funcs in ((HEAP, "heap.c", ["main"]),
                              (RECURSE, "recurse.c", ["main", "depth"])):
        n = len(source_lines(name))
        cmds = ["info line %s:%d" % (name, i) for i in range(1, n + 3)]
        cmds += ["info line " + f for f in funcs]
        g, gout = info_lines([prog], cmds, gdb=True)
        ours, out = info_lines([prog], cmds)
        check(len(g) == len(cmds), "gdb answered %d of %d" % (len(g), len(cmds)), gout)
        check(ours == g, "%s:\ngdb:\n%s\nlayoutdbg:\n%s" % (name, "\n".join(g),
                                                            "\n".join(ours)), out)


t.case("info line FILE:LINE for every line, and FUNCTION: the same as gdb (no code, "
       "out of range included)", info_line_as_gdb)


def info_line_live():
    # the selected frame's line: frame 0, then a caller (the call's line)
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    cmds = ["break recurse.c:%d" % line_of("recurse.c", "return 100"), "run",
            "info line", "up", "info line", "up 3", "info line", "info line *$pc"]
    g, gout = info_lines([RECURSE], cmds, gdb=True)
    ours, out = info_lines([RECURSE], cmds)
    check(len(g) == 4, "gdb answered %d of 4" % len(g), gout)
    check(ours == g, "gdb:\n%s\nlayoutdbg:\n%s" % ("\n".join(g), "\n".join(ours)), out)


t.case("info line at a stop, in callers, and *$pc: the same as gdb", info_line_live)


# ------------------------------------------------------------ stepping

def next_over_recursion():
    line11 = line_of("recurse.c", "return depth(n - 1)")
    _, out, _ = batch([RECURSE], ["break depth", "run", "continue", "delete", "bt", "next", "bt",
                                  "next", "bt"])
    bts = re.split(r"^(?=#0 )", out, flags=re.M)[1:]
    check(len(bts) == 3, "three backtraces expected", out)
    counts = [ldtest.count_frames(b) for b in bts]
    check(counts[0] == counts[1] == counts[2], "frame counts %r: `next` left the frame" % counts,
          out)
    check(len(re.findall(r"^#\d+\s+0x[0-9a-f]+ in depth \(.*\)", bts[0], re.M)) == 2,
          "expected two depth frames at the second stop", out)
    search(src_line_re("recurse.c", line11), out, "first next: the recursive call line")
    check(re.search(r"^#0\s+0x[0-9a-f]+ in depth \(.*\) <\+\d+> at \S*recurse\.c:%d$"
                    % (line11 + 1), bts[2], re.M),
          "second next did not reach the closing line of the same depth frame", out)
    check(len(re.findall(r"^Breakpoint 1, depth \(.*\)", out, re.M)) == 2,
          "a breakpoint stop after `delete`", out)


t.case("next over the recursive call in depth() stays in the same frame", next_over_recursion)


def step_into_depth():
    _, out, _ = batch([RECURSE], ["break main", "run", "step", "bt"])
    search(r"^depth \(.*\) at \S*recurse\.c:%d$" % line_of("recurse.c", "if (n == 0)"), out,
           "step into depth")
    search(src_line_re("recurse.c", line_of("recurse.c", "if (n == 0)")), out, "source text")
    search(r"^#1\s+0x[0-9a-f]+ in main \(\)", out, "called from main")


t.case("step from main enters depth: `depth () at ...recurse.c:N`", step_into_depth)


def finish_shows_line():
    line16 = line_of("recurse.c", "printf(")
    _, out, _ = batch([RECURSE], ["break main", "run", "step", "finish"])
    search(r"^Run till exit from #0\s+depth \(.*\) at \S*recurse\.c:\d+$", out, "finish header")
    search(r"^0x[0-9a-f]+ in main \(\) at \S*recurse\.c:%d$" % line16, out, "return location")
    search(src_line_re("recurse.c", line16), out, "source line returned to")
    search(r"^Value returned is \$\d+ = 0x67 \(103\)$", out, "depth(3) = 103")


t.case("finish from depth: the line it returns to and the value 103", finish_shows_line)


def next_returns_to_line_start():
    # gdb: `next` from the last line of a function returns into the caller
    # and, landing mid-statement, keeps going to the start of a line
    # ("step only stops at the first instruction of a source line")
    line17 = line_of("recurse.c", "return 0;")
    _, out, _ = batch([RECURSE], ["break depth", "run", "delete", "next", "next", "next",
                                  "next", "next"])
    check(not re.search(r"^0x[0-9a-f]+ in main \(\) at \S*recurse\.c:\d+$", out, re.M),
          "`next` stopped mid-line in main (pc printed)", out)
    search(r"^main \(\) at \S*recurse\.c:%d$" % line17, out, "next into main's next line")


t.case("next out of depth(3) lands on a line start in main (recurse.c:17), as gdb",
       next_returns_to_line_start)


# ---------------------------------------------------------------- list

def list_lines():
    _, out, _ = batch([HEAP], ["break heap.c:%d" % CALLOC_LINE, "run", "list"])
    rows = re.findall(r"^(\d+)\t(.*)$", out, re.M)
    # the stop prints the current line once; list prints 10 around it
    listing = rows[-10:]
    nums = [int(n) for n, _ in listing]
    src = source_lines("heap.c")
    check(len(listing) == 10 and nums == list(range(nums[0], nums[0] + 10)),
          "list did not print 10 consecutive numbered lines: %r" % nums, out)
    check(nums[0] <= CALLOC_LINE <= nums[-1], "the listing is not around line %d" % CALLOC_LINE,
          out)
    bad = [(n, t_) for n, t_ in listing if src[int(n) - 1] != t_]
    check(not bad, "listed text differs from the file: %r" % bad[:3], out)


t.case("list: 10 numbered lines around the stop, equal to the file", list_lines)


def list_errors():
    rc, out, err = ldtest.run_batch([HEAP], ["list nosuchfn", "list 99999", "info aslr"])
    lines = err.splitlines()
    check(len(lines) == 2 and all(l.startswith("layoutdbg: list") for l in lines),
          "want two one-line `layoutdbg: list...` errors: %r" % lines)
    check("nosuchfn" in lines[0], "the error does not name nosuchfn: %r" % lines[0])
    search(r"^New processes: address randomization", out, "the session went on")
    check(rc == 1, "batch exit status %d after failed commands" % rc)


t.case("list nosuchfn / list 99999: one error line each, the session goes on", list_errors)


# ------------------------------------------------------------ stripped

_stripped = {}


def stripped():
    if "path" not in _stripped:
        if not shutil.which("strip"):
            raise ldtest.Skip("strip is not installed")
        d = tempfile.mkdtemp(prefix="ldtest-src-")
        _stripped["dir"] = d
        _stripped["path"] = os.path.join(d, "heap")
        subprocess.run(["strip", "-o", _stripped["path"], HEAP], check=True, timeout=30)
    return _stripped["path"]


def stripped_file_line():
    p = stripped()
    rc, out, err = ldtest.run_batch([p], ["break heap.c:%d" % CALLOC_LINE, "break calloc", "run",
                                          "bt", "continue"])
    lines = err.splitlines()
    check(len(lines) == 1 and lines[0].startswith("layoutdbg: break heap.c:%d: " % CALLOC_LINE)
          and "no DWARF line information" in lines[0],
          "want one clear `no DWARF line information` error: %r" % lines)
    check(not re.search(r"^Breakpoint \d+ at .*heap\.c", out, re.M),
          "a FILE:LINE breakpoint was set", out)
    search(r"^Breakpoint \d+, 0x[0-9a-f]+ in calloc \(\)", out, "break calloc still works")
    search(r"^After free$", out, "the program ran to its end")


t.case("stripped copy: break heap.c:N is a clear `no DWARF line information` error; "
       "break calloc + run work", stripped_file_line)


def stripped_next():
    # as gdb: without line info `next` runs until the function returns
    p = stripped()
    rc, out, err = ldtest.run_batch([p], ["break calloc", "run", "finish", "next",
                                          "info registers rip"])
    search(r"^Run till exit from", out, "finish works without DWARF")
    search(r"^Single stepping until exit from function \?\?,\nwhich has no line number "
           r"information\.$", out, "gdb's note for `next` without line info")
    search(r"^After free$", out, "main ran to its return")
    rip = int(search(r"^rip\s+(0x[0-9a-f]+)", out, "rip").group(1), 16)
    check(rip >= 0x7f0000000000, "`next` did not end in main's caller (libc): rip %#x" % rip, out)
    check(err == "", "errors: %r" % err)


t.case("stripped copy: `next` without line info runs to the caller, with gdb's note",
       stripped_next)


def until_works():
    line13 = CALLOC_LINE + 1
    _, out, _ = batch([HEAP], ["break main", "run", "until", "until", "info registers rip"])
    search(src_line_re("heap.c", CALLOC_LINE), out, "first until: the calloc line")
    search(src_line_re("heap.c", line13), out, "second until: the next line")


t.case("until steps line by line like next", until_works)

rc = t.done()
if "dir" in _stripped:
    shutil.rmtree(_stripped["dir"], ignore_errors=True)
sys.exit(rc)
