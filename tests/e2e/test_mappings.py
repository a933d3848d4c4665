#!/usr/bin/env python3
"""`info proc mappings`: gdb's table and nothing else, equal to gdb's own
byte for byte (header lines too) at the same stop; `info proc maps`: the
raw /proc/PID/maps lines alone, equal to what the kernel says, describing
the same mappings as the table."""
import os
import re
import subprocess
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(7)
res = {}


def table_and_raw_agree():
    rc, out, err = ldtest.run_batch([ldtest.fixture("heap")],
                                    ["break calloc", "run", "info proc mappings",
                                     "info proc maps"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    search(r"^process (\d+)$", out, "header")
    search(r"^Mapped address spaces:$", out, "header")
    table = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    raw = ldtest.parse_maps_lines(ldtest.raw_maps_lines(out))
    check(len(table) > 10, "only %d rows" % len(table), out)
    check(len(table) == len(raw), "%d table rows vs %d raw lines" % (len(table), len(raw)), out)
    for a, b in zip(table, raw):
        check(a == b, "table row %r != raw line %r" % (a, b), out)
    for r in table:
        check(r["size"] == r["end"] - r["start"], "size column wrong in %r" % r)
    names = [r["objfile"] for r in table]
    for want in ("[stack]", "[vdso]"):
        check(want in names, "no %s row" % want, out)
    check(any(n.endswith("/libc.so.6") for n in names), "no libc rows", out)
    check("[heap]" not in names, "[heap] before the first calloc", out)


t.case("table and raw /proc/PID/maps lines at a stop describe the same mappings",
       table_and_raw_agree)


def table_format():
    rc, out, err = ldtest.run_batch([ldtest.fixture("heap")],
                                    ["break calloc", "run", "info proc mappings"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    search(r"^          Start Addr           End Addr       Size     Offset  Perms  objfile$",
           out, "gdb's header line")
    search(r"^      0x555555554000     0x555555555000     0x1000        0x0  r--p   \S+/heap$",
           out, "gdb's row layout for the first mapping")
    search(r"^  0xffffffffff600000 0xffffffffff601000     0x1000        0x0  --xp   \[vsyscall\]$",
           out, "wide vsyscall row")


t.case("table uses gdb's column layout", table_format)


def gdb_table(prog, bp):
    e = ldtest.env()
    e["DEBUGINFOD_URLS"] = ""
    argv = ["gdb", "-nx", "-q", "-batch", "-ex", "set debuginfod enabled off",
            "-ex", "set startup-with-shell off",
            "-ex", "break " + bp, "-ex", "run", "-ex", "info proc mappings", prog]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=e, timeout=60)
    except subprocess.TimeoutExpired:
        raise ldtest.Skip("gdb did not finish in 60 s")
    out = p.stdout.decode("utf-8", "replace")
    if "Start Addr" not in out:
        raise ldtest.Skip("gdb could not run the fixture here: " +
                          (out.strip().splitlines() or ["?"])[-1])
    return out


def same_as_gdb(prog, bp):
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    g = gdb_table(ldtest.fixture(prog), bp)
    rc, out, err = ldtest.run_batch([ldtest.fixture(prog)],
                                    ["break " + bp, "run", "info proc mappings"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    grows = [r.rstrip() for r in ldtest.gdb_table_lines(g)]
    lrows = [r.rstrip() for r in ldtest.gdb_table_lines(out)]
    diffs = [(a, b) for a, b in zip(grows, lrows) if a != b]
    msg = "\n".join("gdb:       %s\nlayoutdbg: %s" % d for d in diffs[:6])
    check(len(grows) == len(lrows),
          "gdb has %d rows, layoutdbg %d\n--- gdb ---\n%s\n--- layoutdbg ---\n%s"
          % (len(grows), len(lrows), "\n".join(grows), "\n".join(lrows)))
    check(not diffs, "rows differ:\n" + msg)
    # and trailing blanks too, byte for byte (gdb pads an empty objfile)
    graw = ldtest.gdb_table_lines(g)
    lraw = ldtest.gdb_table_lines(out)
    bad = [(a, b) for a, b in zip(graw, lraw) if a != b]
    check(not bad, "rows differ in trailing blanks: %r" % bad[:3])


def whole_output_is_gdbs():
    """The command's whole text is gdb's: `process N`, `Mapped address
    spaces:`, a blank line, the header and the rows; nothing after them."""
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    prog = ldtest.fixture("heap")
    g = gdb_table(prog, "write")
    rc, out, err = ldtest.run_batch([prog], ["break write", "run", "info proc mappings"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)

    def from_process(text):
        lines = text.rstrip("\n").splitlines()
        start = [i for i, l in enumerate(lines) if re.match(r"^process \d+$", l)]
        check(start, "no `process N` line", text)
        return ["process N"] + lines[start[0] + 1:]
    mine, theirs = from_process(out), from_process(g)
    check(mine == theirs, "not gdb's output:\n--- gdb ---\n%s\n--- layoutdbg ---\n%s"
          % ("\n".join(theirs), "\n".join(mine)))


t.case("info proc mappings prints gdb's lines and nothing more", whole_output_is_gdbs)
t.case("rows equal gdb's at the first `break write` stop (heap)", same_as_gdb, "heap", "write")
t.case("rows equal gdb's at the first `break depth` stop (recurse)",
       same_as_gdb, "recurse", "depth")


def raw_equals_kernel():
    with ldtest.Waiter() as w:
        before = ldtest.read_maps(w.pid)
        rc, out, err = ldtest.run_batch(["-p", str(w.pid)],
                                        ["info proc mappings", "info proc maps", "detach"])
        check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
        # The waiter is blocked in read(): its maps cannot change; read the
        # truth once layoutdbg has let go of it.
        check(ldtest.pid_alive(w.pid), "waiter died", out)
        after = ldtest.read_maps(w.pid)
        raw = ldtest.raw_maps_lines(out)
        check(before == after, "the waiter's maps changed under attach/detach:\n%s\n---\n%s"
              % ("\n".join(before), "\n".join(after)))
        diffs = [(a, b) for a, b in zip(raw, after) if a != b]
        check(len(raw) == len(after) and not diffs,
              "layoutdbg's raw lines differ from /proc/%d/maps:\n%s\n--- layoutdbg ---\n%s"
              "\n--- kernel ---\n%s" % (w.pid, "\n".join("%r\n%r" % d for d in diffs[:4]),
                                       "\n".join(raw), "\n".join(after)))
        # the table agrees with the kernel too
        table = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
        check(table == ldtest.parse_maps_lines(after), "table differs from the kernel's maps")
        w.close_stdin()
        check(w.wait() == 0, "waiter exit status after detach")


t.case("raw maps lines equal /proc/PID/maps of an attached waiter", raw_equals_kernel)


def table_marks_heap_of_attached():
    with ldtest.Waiter() as w:
        rc, out, err = ldtest.run_batch(["-p", str(w.pid)],
                                        ["info proc mappings", "detach"])
        check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
        truth = [l for l in ldtest.read_maps(w.pid) if l.endswith("[heap]")]
        rows = [r for r in ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
                if r["objfile"] == "[heap]"]
        # stdio's buffer made a heap before the waiter blocked
        check(len(truth) == 1 and len(rows) == 1, "heap rows %r vs %r" % (rows, truth), out)
        lo, hi = (int(x, 16) for x in truth[0].split()[0].split("-"))
        check((rows[0]["start"], rows[0]["end"]) == (lo, hi), "heap row differs", out)


t.case("attached (ASLR on) process: the [heap] row is the kernel's", table_marks_heap_of_attached)

sys.exit(t.done())
