#!/usr/bin/env python3
"""Exact values for behaviours a small bug could break silently:
  * `x` over an inserted breakpoint shows the original bytes (those of the
    ELF file), never the 0xcc that is really in memory;
  * `diff --by-object` reports a mapping whose size changed, line for line;
  * `set auto-snapshot on` takes one snapshot at each stop (and off stops it);
  * `info line --json`: exactly the documented fields, with gdb's values."""
import json
import os
import re
import struct
import subprocess
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(6)
HEAP = ldtest.fixture("heap")
BRKSHOW = ldtest.fixture("brkshow")


# ------------------------------------------------------------ x over int3

def file_bytes(path, vaddr, n):
    """n bytes at link-time address vaddr, read from the ELF file through
    its PT_LOAD program headers (the oracle: what the code really is)."""
    with open(path, "rb") as f:
        data = f.read()
    check(data[:4] == b"\x7fELF" and data[4] == 2, "%s: not a 64-bit ELF" % path)
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= vaddr and vaddr + n <= p_vaddr + p_filesz:
            off = p_offset + vaddr - p_vaddr
            return data[off:off + n]
    raise AssertionError("%s: %#x+%d is in no PT_LOAD" % (path, vaddr, n))


def x_bytes(text):
    """The byte values of `x/Nxb` lines."""
    vals = []
    for line in text.splitlines():
        m = re.match(r"^0x[0-9a-f]+(?: <[^>]*>)?:\s+((?:0x[0-9a-f]{2}\s*)+)$", line)
        if m:
            vals += [int(v, 16) for v in m.group(1).split()]
    return bytes(vals)


def x_over_breakpoints():
    with ldtest.PipeSession([HEAP]) as s:
        for c in ("break main", "break calloc", "run"):
            s.send(c)
        s.out.expect(r"^Breakpoint 1, main \(")
        s.send("info breakpoints")
        bps = s.out.expect(r"(?s)^1 .*?0x([0-9a-f]{16}) in main at \S+\n.*?"
                           r"^2 .*?0x([0-9a-f]{16}) calloc in (\S+)\n")
        sites = [(int(bps.group(1), 16), os.path.realpath(HEAP)),
                 (int(bps.group(2), 16), bps.group(3))]
        kids = ldtest.children_of(s.pid)
        check(len(kids) == 1, "tracee not found: %r" % kids)
        # the load bias: where file offset 0 is mapped (both objects are
        # PIC with their first PT_LOAD at address 0)
        bias = {}
        for line in ldtest.read_maps(kids[0]):
            f = line.split()
            if len(f) >= 6 and int(f[2], 16) == 0 and f[5] not in bias:
                bias[f[5]] = int(f[0].split("-")[0], 16)
        # the test proves something only if the int3 really is in memory
        calloc_at = sites[1][0]
        check(ldtest.read_mem(kids[0], calloc_at, 1) == b"\xcc",
              "no int3 at calloc %#x while stopped" % calloc_at)
        for addr, path in sites:
            want = file_bytes(path, addr - bias[path], 16)
            for start in (addr, addr - 7, addr - 15):     # first, middle, last byte
                s.send("x/16xb %#x" % start)
                m = s.out.expect(r"^0x0*%x\b.*\n0x0*%x\b.*\n" % (start, start + 8))
                got = x_bytes(m.group(0))
                want_here = file_bytes(path, start - bias[path], 16)
                check(got == want_here, "x/16xb %#x (breakpoint at %#x in %s): %s, the file "
                      "has %s" % (start, addr, os.path.basename(path), got.hex(" "),
                                  want_here.hex(" ")))
                check(0xcc not in got or 0xcc in want_here, "0xcc shown at %#x" % start)
            check(want[0] != 0xcc, "the file itself has 0xcc at the breakpoint")
        s.send("kill")
        s.finish()


t.case("x/16xb over an inserted breakpoint (first, middle, last byte) shows the ELF "
       "file's bytes, not 0xcc", x_over_breakpoints)


# ------------------------------------------------------- diff --by-object

def brkshow_stops(extra):
    """brkshow stops at at_brk three times: [heap] appears at stop 1 and
    grows at stop 2; the program prints its own break at each."""
    rc, out, err = ldtest.run_batch([BRKSHOW], ["break at_brk", "run"] + extra, timeout=30)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    brks = [int(x, 16) for x in re.findall(r"^brk \d (0x[0-9a-f]+) pid", out, re.M)]
    return out, brks


def by_object_sizes():
    # page counts off: their lines (test_pages checks them) would make the
    # text depend on what else maps libc at that moment
    out, brks = brkshow_stops(["set snapshot-pages off", "continue", "snapshot a",
                               "continue", "snapshot b",
                               "diff --by-object a b", "diff --by-object b a"])
    check(len(brks) == 3, "the program printed %d breaks" % len(brks), out)
    n = int(search(r"^Snapshot b: (\d+) mappings", out, "snapshot b").group(1))
    pid = int(search(r"^brk 2 0x[0-9a-f]+ pid (\d+)$", out, "pid").group(1))
    # the heap starts where the first break was (stop 0) and ends at each stop's break
    old, new = brks[1] - brks[0], brks[2] - brks[0]
    grow = new - old
    check(grow % 1024 == 0, "growth %#x not whole KiB" % grow)
    want = ["diff --by-object a -> b (process %d)" % pid,
            "~ [heap]: rw-p %#x -> rw-p %#x (+%d KiB)" % (old, new, grow // 1024),
            "%d mappings the same by object and offset" % (n - 1),
            "diff --by-object b -> a (process %d)" % pid,
            "~ [heap]: rw-p %#x -> rw-p %#x (-%d KiB)" % (new, old, grow // 1024),
            "%d mappings the same by object and offset" % (n - 1)]
    got = out[out.index("diff --by-object a"):].splitlines()
    check(got == want, "diff --by-object:\n%s\nwant:\n%s" % ("\n".join(got), "\n".join(want)),
          out)


t.case("diff --by-object a b / b a: exactly the [heap] size change, both ways",
       by_object_sizes)


def by_object_same():
    out, _ = brkshow_stops(["snapshot a", "snapshot b", "diff --by-object a b"])
    n = int(search(r"^Snapshot b: (\d+) mappings", out, "snapshot b").group(1))
    got = out[out.index("diff --by-object a"):].splitlines()[1:]
    check(got == ["%d mappings the same by object and offset: no change" % n],
          "two snapshots at one stop: %r" % got, out)


t.case("diff --by-object of two snapshots at one stop: 'N mappings the same ...: no change'",
       by_object_same)


# ------------------------------------------------------------ auto-snapshot

def auto_snapshot():
    out, brks = brkshow_stops(["set auto-snapshot on", "continue", "continue",
                               "snapshots", "diff %1 %2"])
    # `set` after the first stop: snapshots at stops 1 and 2 only (%1, %2)
    marks = re.findall(r"^\[snapshot %(\d+)\]$", out, re.M)
    check(marks == ["1", "2"], "auto snapshots announced %r, want %%1 and %%2" % marks, out)
    table = re.split(r"(?m)^Snap\s+Name\b.*$", out)
    check(len(table) == 2, "no snapshot table", out)
    rows = re.findall(r"^%(\d+)\s+-\s+\S+\s+\d+\s+\d+\s+\d+\s+(0x[0-9a-f]+)\s+"
                      r"breakpoint 1 \(at_brk\)$", table[1], re.M)
    check([(r[0], int(r[1], 16)) for r in rows] == [("1", brks[1]), ("2", brks[2])],
          "snapshots %r, the program's breaks at stops 1, 2: %s"
          % (rows, [hex(b) for b in brks]), out)
    search(r"^program break: %#x -> %#x \(\+%#x" % (brks[1], brks[2], brks[2] - brks[1]),
           out, "diff %1 %2")
    search(r"^~ grown\s+%#x-%#x rw-p .*\[heap\]$" % (brks[0], brks[2]), out, "diff %1 %2")



t.case("set auto-snapshot on: one snapshot per stop with that stop's break",
       auto_snapshot)


def auto_snapshot_off():
    out, brks = brkshow_stops(["set auto-snapshot on", "set auto-snapshot off",
                               "continue", "continue", "snapshots"])
    check(len(brks) == 3, "the program printed %d breaks" % len(brks), out)
    check("[snapshot" not in out, "a snapshot with auto-snapshot off", out)
    search(r"^No snapshots", out, "snapshots")


t.case("set auto-snapshot on, off: no snapshot at the next stops", auto_snapshot_off)


# --------------------------------------------------------- info line --json

GDB_LINE = re.compile(r'^Line (\d+) of "([^"]+)" (?:starts at address (0x[0-9a-f]+) <[^>]*>'
                      r'(?: and ends at (0x[0-9a-f]+) <[^>]*>)?\.|is at address (0x[0-9a-f]+) '
                      r'<[^>]*> but contains no code\.)$', re.M)


def info_line_json():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    locs = ["heap.c:12", "main", "heap.c:3", "heap.c:16", "heap.c:11"]
    p = subprocess.run(["gdb", "-batch", "-nx"] + sum([["-ex", "info line " + l] for l in locs],
                                                      []) + [HEAP],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=ldtest.env(), timeout=60)
    gout = p.stdout.decode("utf-8", "replace")
    want = []
    for m in GDB_LINE.finditer(gout):
        line, file, start, end, nocode = m.groups()
        d = {"command": "info line", "file": os.path.basename(file), "line": int(line),
             "has_code": nocode is None}
        for k, v in (("start", start or nocode), ("end", end)):
            if v:
                d[k] = int(v, 16)
                d[k + "_hex"] = v
        want.append(d)
    check(len(want) == len(locs), "gdb answered %d of %d" % (len(want), len(locs)), gout)
    rc, out, err = ldtest.run_batch([HEAP], ["info line " + l for l in locs], opts=["--json"])
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    got = [json.loads(l) for l in out.splitlines()]
    for g in got:
        g["file"] = os.path.basename(g.get("file", ""))
    for loc, g, w in zip(locs, got, want):
        check(list(g) == list(w) and g == w, "info line %s --json:\n %s\ngdb says:\n %s"
              % (loc, json.dumps(g), json.dumps(w)), out)


t.case("info line --json: exactly {command, file, line, has_code, start, end} (+_hex) "
       "with gdb's values", info_line_json)
sys.exit(t.done())
