#!/usr/bin/env python3
"""Compressed debug sections (SHF_COMPRESSED, `gcc -gz`, `objcopy
--compress-debug-sections`): the heap fixture with zlib-compressed DWARF
(build/fixtures/heap-gz; heap-zgnu has the older GNU .zdebug_* form).  `info sections` shows each section's
uncompressed size, as gdb's `maintenance info sections` does and as the
Chdr says (readelf -t); --json gives both sizes and a `compressed` flag;
line tables are read through the compressed .debug_line (`info line`,
`break FILE:LINE`, run to it)."""
import json
import os
import re
import subprocess
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(8)
GZ = ldtest.fixture("heap-gz")
ZGNU = ldtest.fixture("heap-zgnu")
HEAP = ldtest.fixture("heap")
LINE = 12   # heap.c: the calloc call


def need_fixture(path=GZ):
    if not os.path.exists(path):
        raise ldtest.Skip("no objcopy here: heap-gz was not built")
    if not ldtest.readelf_available():
        raise ldtest.Skip("readelf is not installed")


def readelf_sizes():
    """{name: (file size, uncompressed size or None)} from readelf -t -W:
    a compressed section has a `ZLIB, SIZE, ALIGN` line after its flags."""
    text = subprocess.run(["readelf", "-t", "-W", GZ], stdout=subprocess.PIPE,
                          timeout=30, check=True).stdout.decode()
    out, name, lines = {}, None, text.splitlines()
    for i, l in enumerate(lines):
        m = re.match(r"^\s+\[\s*\d+\] (\S+)\s*$", l)
        if m:
            name = m.group(1)
            f = lines[i + 1].split()
            out[name] = [int(f[3], 16), None]
            continue
        m = re.match(r"^\s+(ZLIB|ZSTD), ([0-9a-f]+), ", l)
        if m and name:
            out[name][1] = int(m.group(2), 16)
    return out


ROW = re.compile(r"^ \[(\d+)\]\s+(0x[0-9a-f]+)->(0x[0-9a-f]+) at (0x[0-9a-f]+): (\S+)")


def rows(text):
    """{name: (start, end, offset)} of the `Exec file:` block."""
    got = {}
    for l in text.splitlines():
        m = ROW.match(l)
        if m:
            got[m.group(5)] = tuple(int(m.group(k), 16) for k in (2, 3, 4))
    return got


def sizes_equal_chdr():
    need_fixture()
    want = readelf_sizes()
    gz = {n: v for n, v in want.items() if v[1] is not None}
    check(".debug_line" in gz and ".debug_info" in gz,
          "the fixture's DWARF is not compressed: %r" % want)
    rc, out, err = ldtest.run_batch([GZ], ["info sections"])
    check(rc == 0, "exit %d: %s" % (rc, err), out)
    got = rows(out)
    bad = ["%s: layoutdbg %#x, Chdr %#x (file %#x)" % (n, got[n][1] - got[n][0], v[1], v[0])
           for n, v in gz.items() if n not in got or got[n][1] - got[n][0] != v[1]]
    check(not bad, "compressed sections' sizes differ:\n" + "\n".join(bad), out)
    plain = [n for n, v in want.items() if v[1] is None and n in got and
             got[n][1] - got[n][0] != v[0]]
    check(not plain, "uncompressed sections' sizes differ: %r" % plain, out)


t.case("info sections: a compressed section's size is the Chdr's ch_size (readelf -t)",
       sizes_equal_chdr)


def rows_equal_gdb(prog):
    need_fixture(prog)
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    e = ldtest.env({"DEBUGINFOD_URLS": ""})
    g = subprocess.run(["gdb", "-nx", "-q", "-batch", "-ex", "maintenance info sections",
                        prog], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=e, timeout=60).stdout.decode()
    _, out, _ = ldtest.run_batch([prog], ["info sections"])
    gd, ld = rows(g), rows(out)
    debug = [n for n in gd if re.match(r"^\.z?debug_", n)]
    check(len(debug) >= 4, "gdb lists no .debug_* sections", g)
    bad = ["%s: gdb %r, layoutdbg %r" % (n, gd[n], ld.get(n)) for n in debug
           if gd[n] != ld.get(n)]
    check(not bad, "rows differ from gdb's:\n" + "\n".join(bad), out)


for p in (GZ, ZGNU):
    t.case("info sections on %s: .debug_* rows equal gdb's maintenance info sections"
           % os.path.basename(p), rows_equal_gdb, p)


def json_sizes():
    need_fixture()
    want = readelf_sizes()
    rc, out, err = ldtest.run_batch([GZ], ["info sections"], opts=["--json"])
    check(rc == 0, "exit %d: %s" % (rc, err), out)
    doc = json.loads(out.splitlines()[0])
    secs = {s["name"]: s for s in doc["objects"][0]["sections"]}
    for n in (".debug_line", ".text"):
        s, (fsize, usize) = secs[n], want[n]
        check(s["compressed"] == (usize is not None), "%s: compressed %r" % (n, s["compressed"]))
        check(s["file_size"] == fsize, "%s: file_size %d, readelf %d" % (n, s["file_size"], fsize))
        check(s["size"] == (usize or fsize) and s["end"] - s["start"] == s["size"],
              "%s: size %d, want %d" % (n, s["size"], usize or fsize), json.dumps(s))


t.case("--json info sections: size uncompressed, file_size as in the file, compressed flag",
       json_sizes)


def info_line_same(prog):
    need_fixture(prog)
    cmd = ["info line heap.c:%d" % LINE]
    _, gz, err = ldtest.run_batch([prog], cmd)
    _, plain, _ = ldtest.run_batch([HEAP], cmd)
    check(re.search(r"^Line %d of \".*heap\.c\" starts at address 0x[0-9a-f]+ <main\+\d+>"
                    % LINE, gz, re.M), "no line table through .debug_line: " + err, gz)
    check(gz == plain, "%s and heap disagree:\n%s\n%s" % (os.path.basename(prog), gz, plain))


for p in (GZ, ZGNU):
    t.case("info line heap.c:12 on %s reads the compressed line table, same answer "
           "as uncompressed" % os.path.basename(p), info_line_same, p)


def break_line_runs(prog):
    need_fixture(prog)
    rc, out, err = ldtest.run_batch([prog], ["break heap.c:%d" % LINE, "run", "bt 1"])
    check(rc == 0, "exit %d: %s" % (rc, err), out)
    check(re.search(r"^Breakpoint 1, main \(\) at .*heap\.c:%d$" % LINE, out, re.M),
          "did not stop at heap.c:%d" % LINE, out)


for p in (GZ, ZGNU):
    t.case("break heap.c:12 + run on %s stops there (DWARF lines from compressed sections)"
           % os.path.basename(p), break_line_runs, p)

sys.exit(t.done())
