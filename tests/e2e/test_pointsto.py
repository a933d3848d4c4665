#!/usr/bin/env python3
"""Every pointer placed in the layout (issue 16, item 2): fixtures/
pointsto.c keeps a pointer of each kind in ptrs[] (the heap, a libc .data
symbol, main's local three frames up, its own TLS, the second thread's
stack, null, an unmapped address, code).  x/8a and x/8gx name where each
points; the test reads /proc/PID/maps itself while the program is stopped
and checks that the region named is the mapping the kernel says holds the
address (the heap's offset from [heap]'s start, libc's file, [stack], the
anonymous mapping holding thread 2's own rsp and thread 1's fs_base, no
mapping at all).  Also info registers, --json points_to, and `set print
layout off` giving gdb's forms back, and the fault address of a SIGSEGV
stop placed the same way."""
import json
import re
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(9)
PROG = ldtest.fixture("pointsto")
HEX = r"0x[0-9a-f]+"
A_LINE = re.compile(r"^%s <ptrs(?:\+\d+)?>:\t(.*)$" % HEX)
_run = {}


def mapping_at(maps, addr):
    """The /proc/PID/maps line holding addr, split, or None."""
    for l in maps:
        f = l.split(None, 5)
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        if lo <= addr < hi:
            return {"start": lo, "end": hi, "path": f[5] if len(f) > 5 else ""}
    return None


def values(text, cmd):
    """The 8 (value, note) pairs of the x lines after the command's echo."""
    vals = []
    for l in text.splitlines():
        m = A_LINE.match(l)
        if m:
            for v in m.group(1).split("\t"):
                mv = re.match(r"^(%s)(?: (.*))?$" % HEX, v)
                vals.append((int(mv.group(1), 16), mv.group(2) or ""))
    check(len(vals) == 8, "%s: %d values" % (cmd, len(vals)), text)
    return vals


def until(s, cmd, pattern):
    s.send(cmd)
    return s.out.expect(pattern)


def session():
    """Run to ready; take x/8a, x/8gx, thread 2's rsp, thread 1's fs_base,
    the JSON of x/8a, layout off, and /proc/PID/maps while stopped."""
    if _run:
        return _run
    with ldtest.PipeSession([PROG]) as s:
        s.send("break ready")
        s.send("run")
        pid = int(s.out.expect(r"^pid (\d+)$").group(1))
        s.out.expect(ldtest.stop_rx(1, "ready"))
        start = s.out.pos
        until(s, "x/8a &ptrs", r"^%s <ptrs\+48>:.*\n" % HEX)
        _run["a"] = values(s.out.text[start:s.out.pos], "x/8a")
        start = s.out.pos
        until(s, "x/8gx &ptrs", r"^%s <ptrs\+48>:.*\n" % HEX)
        _run["gx"] = values(s.out.text[start:s.out.pos], "x/8gx")
        _run["fs"] = int(until(s, "info registers fs_base",
                               r"^fs_base\s+(%s)\s+\d+(.*)$" % HEX).group(1), 16)
        m = until(s, "info registers rsp", r"^rsp\s+(%s)\s+%s(.*)$" % (HEX, HEX))
        _run["rsp1"] = (int(m.group(1), 16), m.group(2))
        until(s, "thread 2", r"^\[Switching to thread 2 ")
        m = until(s, "info registers rsp", r"^rsp\s+(%s)\s+%s(.*)$" % (HEX, HEX))
        _run["rsp2"] = (int(m.group(1), 16), m.group(2))
        until(s, "thread 1", r"^\[Switching to thread 1 ")
        _run["maps"] = ldtest.read_maps(pid)
        s.send("set print layout off")
        start = s.out.pos
        until(s, "x/8a &ptrs", r"^%s <ptrs\+48>:.*\n" % HEX)
        _run["off"] = values(s.out.text[start:s.out.pos], "x/8a off")
        m = until(s, "info registers rsp", r"^rsp\s+(%s)\s+%s(.*)$" % (HEX, HEX))
        _run["rsp_off"] = m.group(2)
        s.send("kill")
        rc = s.finish()
        check(rc == 0 and s.err.text == "", "rc %d, stderr %r" % (rc, s.err.text),
              s.out.text)
    return _run


def heap():
    r = session()
    v, note = r["a"][0]
    mp = mapping_at(r["maps"], v)
    check(mp and mp["path"] == "[heap]", "maps: %r holds %#x" % (mp, v))
    check(note == "<[heap]+%#x>" % (v - mp["start"]), "heap note %r, maps %r" % (note, mp))


def libc_data():
    r = session()
    v, note = r["a"][1]
    mp = mapping_at(r["maps"], v)
    check(mp and mp["path"].endswith("/libc.so.6"), "maps: %r holds %#x" % (mp, v))
    check(note == "<_IO_2_1_stdout_> (libc.so.6 .data)", "stdout note %r" % note)


def stack1():
    r = session()
    v, note = r["a"][2]
    mp = mapping_at(r["maps"], v)
    check(mp and mp["path"] == "[stack]", "maps: %r holds %#x" % (mp, v))
    check(note == "<stack, thread 1, frame #2>", "main's local: %r" % note)
    check(r["rsp1"][1] == " <stack, thread 1, frame #0>", "rsp of thread 1: %r" % (r["rsp1"],))


def stack2():
    r = session()
    v, note = r["a"][4]
    mp = mapping_at(r["maps"], v)
    rsp, rnote = r["rsp2"]
    check(mp and mp["path"] == "" and mp["start"] <= rsp < mp["end"],
          "maps: %r holds %#x, thread 2's rsp %#x" % (mp, v, rsp))
    check(re.match(r"^<stack, thread 2, frame #[1-9]\d*>$", note), "worker's local: %r" % note)
    check(rnote == " <stack, thread 2, frame #0>", "rsp of thread 2: %r" % rnote)


def tls():
    r = session()
    v, note = r["a"][3]
    mp = mapping_at(r["maps"], v)
    check(mp and mp["start"] <= r["fs"] < mp["end"] and mp["path"] != "[stack]",
          "maps: %r holds %#x, fs_base %#x" % (mp, v, r["fs"]))
    check(note == "<TLS of thread 1>", "tls_var: %r" % note)


def null_unmapped_code():
    r = session()
    check(r["a"][5] == (0, "<null>"), "null: %r" % (r["a"][5],))
    check(r["a"][6] == (16, "<unmapped>") and mapping_at(r["maps"], 16) is None,
          "unmapped: %r" % (r["a"][6],))
    v, note = r["a"][7]
    mp = mapping_at(r["maps"], v)
    check(note == "<ready>" and mp and mp["path"].endswith("/pointsto"),
          "code: %r in %r" % (note, mp))


def gx_and_off():
    r = session()
    # x/gx notes only what is mapped; its values are x/a's
    check([v for v, _ in r["gx"]] == [v for v, _ in r["a"]], "gx values %r" % r["gx"])
    check(r["gx"][5][1] == "" and r["gx"][6][1] == "", "gx notes null/unmapped: %r" % r["gx"])
    check(r["gx"][0][1] == r["a"][0][1], "gx heap note %r" % (r["gx"][0],))
    # off: gdb's x/a: <sym> where a symbol covers it, nothing else
    want = ["", "<_IO_2_1_stdout_>", "", "", "", "", "", "<ready>"]
    check([n for _, n in r["off"]] == want, "layout off: %r" % r["off"])
    check(r["rsp_off"] == "", "rsp with layout off: %r" % r["rsp_off"])


def json_doc():
    rc, out, err = ldtest.run_batch([PROG], ["break ready", "run", "x/8a &ptrs"],
                                    timeout=60, opts=("--json",))
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    docs = [json.loads(l) for l in out.splitlines() if l.startswith('{"command":"x"')]
    check(len(docs) == 1, "%d x documents" % len(docs), out)
    kinds = [v["points_to"]["kind"] for v in docs[0]["values"]]
    check(kinds == ["region", "symbol", "stack", "tls", "stack", "null", "unmapped",
                    "symbol"], "kinds %r" % kinds, out)
    p = docs[0]["values"][2]["points_to"]
    check(p.get("thread") == 1 and p.get("frame") == 2, "main's local: %r" % p)


def fault_line():
    # a write to .rodata: the fault address names its symbol, object and
    # section; the maps say the program's file holds it, read-only
    with ldtest.PipeSession([PROG, "x"]) as s:
        s.send("run")
        pid = int(s.out.expect(r"^pid (\d+)$").group(1))
        m = s.out.expect(r"^Fault address (%s)(.*)$" % HEX)
        maps = ldtest.read_maps(pid)
        s.send("kill")
        s.finish()
    addr, rest = int(m.group(1), 16), m.group(2)
    mp = [l for l in maps if int(l.split("-")[0], 16) <= addr < int(l.split()[0].split("-")[1], 16)]
    check(mp and mp[0].endswith("/pointsto") and mp[0].split()[1].startswith("r-"),
          "maps: %r holds %#x" % (mp, addr))
    check(rest.startswith(" <ro+4> (pointsto .rodata): "), "fault line %r" % rest)


t.case("a heap pointer names [heap] and its offset, as /proc/PID/maps has it", heap)
t.case("a pointer to libc's stdout FILE names the symbol, libc.so.6 and .data", libc_data)
t.case("main's local is on [stack], thread 1, frame #2", stack1)
t.case("the second thread's local is in the mapping holding its rsp", stack2)
t.case("a __thread variable is TLS of thread 1, in fs_base's mapping", tls)
t.case("null, an unmapped address and code", null_unmapped_code)
t.case("x/gx notes mapped values only; layout off is gdb's x/a", gx_and_off)
t.case("--json: a points_to object with each value's kind", json_doc)
t.case("the fault address of a write to .rodata names ro+4 in .rodata", fault_line)
sys.exit(t.done())
