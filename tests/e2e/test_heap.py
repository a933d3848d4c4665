#!/usr/bin/env python3
"""glibc malloc's heap: layoutdbg's `heap --json` at each marker of the
fixtures against glibc's own numbers printed just before (mallinfo2 and
malloc_info: arena count, system bytes, in use, fastbin and bin bytes and
counts, mmapped count and bytes, top size); each chunk of heapwalk's known
pattern; the same with the debug directory hidden (heuristics); static
programs; a corrupted heap; 16 threads on 8 arenas; an allocator of its
own in LD_PRELOAD."""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import ldtest
from ldtest import check, search

# A static program's start-up mallocs a copy of LD_LIBRARY_PATH (for
# dlopen), which meson sets to the build directory: the chunks before the
# pattern, and so which of the pattern's chunks end up adjacent and merge,
# would depend on where the tree is checked out.
os.environ.pop("LD_LIBRARY_PATH", None)

t = ldtest.Tap(10)
WALK = ldtest.fixture("heapwalk")
HIDE = "set debug-file-directory /nonexistent-debug-dir"


def run_stops(prog, nstops, pre=(), extra=()):
    """break marker, run; at each of nstops stops `heap` (and extra
    commands); returns (stdout, [heap document per stop], [extra docs])."""
    cmds = list(pre) + ["break marker", "run"]
    for i in range(nstops):
        cmds += ["heap"] + list(extra)
        if i + 1 < nstops:
            cmds.append("continue")
    rc, out, err = ldtest.run_batch([prog], cmds, opts=["--json"], timeout=60)
    check(rc == 0, "layoutdbg failed (%d): %s" % (rc, err), out)
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    heaps = [d for d in docs if d.get("command") == "heap"]
    check(len(heaps) == nstops, "%d heap documents for %d stops" % (len(heaps), nstops), out)
    return out, heaps, docs


def oracle(out, n):
    """glibc's numbers at stop n: (mallinfo dict, malloc_info XML root)."""
    m = search(r"^mallinfo %d (.*)$" % n, out)
    mi = dict((k, int(v)) for k, v in (f.split("=") for f in m.group(1).split()))
    xml = search(r"^(<malloc version.*?</malloc>)$", out[m.end():], flags=re.S | re.M)
    return mi, ET.fromstring(xml.group(1))


def total(el, typ):
    e = el.find("total[@type='%s']" % typ)
    return int(e.get("count")), int(e.get("size"))


def raw_size(c):
    """The chunk's size field as glibc reads it (malloc_info adds the flag
    bits of the chunks in bins)."""
    bits = {"PREV_INUSE": 1, "IS_MMAPPED": 2, "NON_MAIN_ARENA": 4}
    return c["size"] + sum(bits[f] for f in c["flags"])


def compare(doc, mi, root, where):
    """Every total of doc against glibc's."""
    heaps = root.findall("heap")
    arenas = doc["arenas"]
    check(doc["glibc"] and not doc["error"], "%s: %r" % (where, doc.get("error")))
    check(len(arenas) == len(heaps), "%s: %d arenas, malloc_info has %d"
          % (where, len(arenas), len(heaps)))
    for a, h in zip(arenas, heaps):
        tt = a["totals"]
        check(a["error"] is None, "%s: arena %d: %s" % (where, a["index"], a["error"]))
        sysm = int(h.find("system[@type='current']").get("size"))
        check(a["system_mem"] == sysm, "%s: arena %d system 0x%x, glibc 0x%x"
              % (where, a["index"], a["system_mem"], sysm))
        check(total(h, "fast") == (tt["fastbin_chunks"], tt["fastbin"]),
              "%s: arena %d fast %r, glibc %r" % (where, a["index"],
              (tt["fastbin_chunks"], tt["fastbin"]), total(h, "fast")))
        rest = [c for c in a["chunks"] if c["state"] in ("unsorted", "small bin", "large bin")]
        want = (len(rest) + 1, sum(raw_size(c) for c in rest) + a["top_size"])
        check(total(h, "rest") == want, "%s: arena %d rest+top %r, glibc %r"
              % (where, a["index"], want, total(h, "rest")))
        check(tt["rest_chunks"] == len(rest), "%s: rest count" % where)
    tt = doc["totals"]
    main_top = arenas[0]["top_size"]
    got = {"arena": tt["system"], "uordblks": tt["in_use"],
           "fordblks": tt["fastbin"] + tt["rest"] + tt["top"],
           "smblks": tt["fastbin_chunks"], "fsmblks": tt["fastbin"],
           "ordblks": tt["rest_chunks"] + len(arenas), "keepcost": main_top,
           "hblks": len(doc["mmapped"]), "hblkhd": doc["mmapped_bytes"]}
    for k, v in got.items():
        check(mi[k] == v, "%s: %s is %d for glibc, %d for layoutdbg" % (where, k, mi[k], v))
    mm = total(root, "mmap")
    check(mm == (len(doc["mmapped"]), doc["mmapped_bytes"]),
          "%s: mmap %r, glibc %r" % (where, (len(doc["mmapped"]), doc["mmapped_bytes"]), mm))
    # the chunks walked account for every byte glibc says is in use
    for a in arenas:
        used = sum(c["size"] for c in a["chunks"]
                   if c["state"] in ("in use", "tcache", "fencepost"))
        heap0 = a["heaps"][0]
        overhead = heap0["start"] - (heap0.get("heap_info", heap0["start"]))
        check(used + overhead == a["totals"]["in_use"] or a["main"] and used == a["totals"]["in_use"],
              "%s: arena %d: chunks in use 0x%x (+0x%x), glibc's in use 0x%x"
              % (where, a["index"], used, overhead, a["totals"]["in_use"]))


def against_glibc(prog, nstops, pre=(), source=None):
    out, heaps, _ = run_stops(prog, nstops, pre)
    for n, doc in enumerate(heaps, 1):
        mi, root = oracle(out, n)
        compare(doc, mi, root, "stop %d" % n)
        if source:
            check(doc["source"] == source, "source %r, expected %r" % (doc["source"], source))
    return out, heaps


def addrs(out):
    v = {}
    for m in re.finditer(r"\b(\w+)=(0x[0-9a-f]+)", out):
        v[m.group(1)] = int(m.group(2), 16)
    return v


def chunk(doc, addr):
    for a in doc["arenas"]:
        for c in a["chunks"]:
            if c["address"] == addr:
                return a["index"], c
    raise AssertionError("no chunk at 0x%x" % addr)


def expect(doc, addr, size, state, binidx=None, arena=0, where=""):
    ai, c = chunk(doc, addr)
    check((ai, c["size"], c["state"]) == (arena, size, state),
          "%s chunk 0x%x: arena %d size 0x%x %s; expected arena %d 0x%x %s"
          % (where, addr, ai, c["size"], c["state"], arena, size, state))
    if binidx is not None:
        check(c.get("bin") == binidx, "%s chunk 0x%x: bin %r, expected %d"
              % (where, addr, c.get("bin"), binidx))


def pattern(out, heaps):
    """Each chunk of the pattern heapwalk.c describes."""
    v = addrs(out)
    # (the addresses the program printed: a static program's start-up
    # may leave a freed chunk that malloc hands out first)
    P = lambda i: v["p%d" % i] - 16
    F = lambda i: v["f%d" % i] - 16
    big, m, q = v["big"] - 16, v["m"] - 16, v["q"] - 16
    s1, s2, s3, s4, s5, s6 = heaps
    first = s1["arenas"][0]["chunks"][0]
    check(first["tcache_struct"] and first["size"] == 0x290, "first chunk: %r" % first)
    for i in range(9):
        expect(s1, P(i), 0x110, "in use", where="stop 1")
        expect(s1, F(i), 0x30, "in use", where="stop 1")
    expect(s1, big, 0x510, "in use", where="stop 1")
    check([(c["address"], c["size"]) for c in s1["mmapped"]] == [(m, 0x101000)],
          "stop 1 mmapped: %r" % s1["mmapped"])
    for i in range(7):
        expect(s2, P(i), 0x110, "tcache", 15, where="stop 2")
        expect(s2, F(i), 0x30, "tcache", 1, where="stop 2")
    expect(s2, F(7), 0x30, "fastbin", 1, where="stop 2")
    expect(s2, F(8), 0x30, "fastbin", 1, where="stop 2")
    expect(s2, P(7), 0x110, "unsorted", 1, where="stop 2")
    expect(s2, big, 0x510, "unsorted", 1, where="stop 2")
    expect(s3, P(7), 0x220, "unsorted", 1, where="stop 3")
    expect(s4, q, 0x2010, "in use", where="stop 4")
    expect(s4, P(7), 0x220, "small bin", 34, where="stop 4")
    expect(s4, big, 0x510, "large bin", 68, where="stop 4")
    expect(s4, F(7), 0x60, "small bin", 6, where="stop 4")
    check(len(s5["arenas"]) == 2, "stop 5: %d arenas" % len(s5["arenas"]))
    t0 = v["t0"] - 16
    expect(s5, t0, 0x110, "in use", arena=1, where="stop 5")
    expect(s5, t0 + 0x110, 0x110, "tcache", 15, arena=1, where="stop 5")
    _, c = chunk(s5, t0)
    check("NON_MAIN_ARENA" in c["flags"], "thread chunk flags %r" % c["flags"])
    a1 = s5["arenas"][1]
    check(a1["heaps"][0]["heap_info"] % (64 << 20) == 0 and
          a1["address"] == a1["heaps"][0]["heap_info"] + 48,
          "thread arena heap_info: %r" % a1["heaps"])
    check(a1["chunks"][0]["tcache_struct"], "thread arena: no tcache first")
    check(s6["mmapped"] == [], "stop 6: mmapped %r" % s6["mmapped"])


def debug_file_present():
    rc, out, _ = ldtest.run_batch([WALK], ["break marker", "run", "heap arenas"])
    return "debug symbols" in out


def case_oracle():
    if not debug_file_present():
        raise ldtest.Skip("no libc debug file (libc6-dbg) here")
    out, heaps = against_glibc(WALK, 6, source="debug symbols")
    pattern(out, heaps)
    return heaps


def case_heuristics(with_symbols):
    out, heaps = against_glibc(WALK, 6, pre=[HIDE], source="heuristics")
    pattern(out, heaps)
    if with_symbols:
        strip = lambda d: {k: v for k, v in d.items() if k not in ("source", "debug_file")}
        for n, (a, b) in enumerate(zip(with_symbols, heaps), 1):
            check(strip(a) == strip(b), "stop %d: the heuristics' answer differs "
                  "from the debug symbols'" % n)


def case_text():
    rc, out, err = ldtest.run_batch([WALK], [HIDE, "break marker", "run", "continue",
                                             "heap", "heap bins", "heap chunk $rdi",
                                             "info heap 0"])
    check(rc == 0, err, out)
    search(r"^arena info from: heuristics \(glibc 2\.\d+\)$", out)
    search(r"^  0x[0-9a-f]+ +0x110  P   tcache\[15\] *$", out)
    search(r"^  tcache\[15\] count 7: 7 chunks", out)
    search(r"^  fastbin\[1\]: 2 chunks", out)
    search(r"^totals: 1 arena, system 0x21000, in use 0x[0-9a-f]+", out)


def case_static(name, source):
    prog = ldtest.fixture(name)
    if not os.path.exists(prog):
        raise ldtest.Skip("%s not built (no static C library)" % name)
    out, heaps = against_glibc(prog, 6, source=source)
    pattern(out, heaps)


def case_corrupt():
    prog = ldtest.fixture("heapsmash")
    rc, out, err = ldtest.run_batch([prog], ["break marker", "run", "heap", "heap bins",
                                             "continue", "heap bins", "continue", "heap"])
    check(rc == 0, "status %d: %s" % (rc, err), out)
    v = addrs(out)
    search(r"^  chunk at 0x%x: size 0x4141414141414141 is not valid \(stops the walk\)$"
           % (v["b"] - 16), out)
    search(r"^  0x%x +0x[0-9a-f]+  P   top" % v["top"], out)   # and the rest of the report
    search(r"^totals: 1 arena", out)
    search(r"fastbin\[1\]: \d+ chunks .*\(chunk 0x%x is in two bins \(cycle\?\)\)"
           % (v["f8"] - 16), out)
    search(r"^  top chunk at 0x%x: size 0x7fffffffffff0 runs past the heap's end" % v["top"], out)


def case_threads():
    out, heaps = against_glibc(ldtest.fixture("heapthreads"), 1)
    check(len(heaps[0]["arenas"]) == 8, "%d arenas" % len(heaps[0]["arenas"]))
    tc = [c for a in heaps[0]["arenas"] for c in a["chunks"] if c["tcache_struct"]]
    check(len(tc) == 17, "%d tcaches for 17 threads" % len(tc))


def case_not_glibc():
    lib = ldtest.fixture("libheapbump.so")
    env = ldtest.env()
    env["LD_PRELOAD"] = lib
    p = subprocess.Popen([ldtest.fixture("waiter")], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, env=env)
    try:
        pid = int(p.stdout.readline().split()[1])
        rc, out, err = ldtest.run_batch(["-p", str(pid)], ["heap", "heap bins"])
        check(rc == 0, err, out)
        check(out.count("the heap is not glibc's: malloc is defined by %s" % lib) == 2,
              "no word of the other allocator", out)
        check("arena" not in out and "chunk" not in out, "glibc words printed", out)
        rc, out, err = ldtest.run_batch(["-p", str(pid)], ["heap"], opts=["--json"])
        doc = [json.loads(l) for l in out.splitlines() if '"heap"' in l][0]
        check(doc == {"command": "heap", "glibc": False, "allocator": lib}, repr(doc))
    finally:
        p.stdin.close()
        p.wait(timeout=15)


def diff_lines(out, n):
    """The chunk lines of the n-th `diff --heap-only` (1-based)."""
    blocks = re.findall(r"((?:^(?:heap: arena.*|[-+~] .*)\n)*)^heap totals: (.*)$", out, re.M)
    check(len(blocks) >= n, "only %d heap diffs" % len(blocks), out)
    return [l for l in blocks[n - 1][0].splitlines() if not l.startswith("heap: ")], blocks[n - 1][1]


def case_diff(tmp):
    saved = os.path.join(tmp, "s2.json")
    cmds = ["break marker", "run", "snapshot"]
    for i in range(5):
        cmds += ["continue", "snapshot", "diff --heap-only"]
    cmds += ["save %2 " + saved, "load " + saved, "diff --heap-only %7 %3"]
    rc, out, err = ldtest.run_batch([WALK], cmds, timeout=60)
    check(rc == 0, err, out)
    v = addrs(out)
    p = lambda i: v["p%d" % i] - 16
    f = lambda i: v["f%d" % i] - 16
    big, q, m = v["big"] - 16, v["q"] - 16, v["m"] - 16
    want = {1: ["- free 0x%x 0x110 (272 B) (into tcache[15])" % p(i) for i in range(7)] +
               ["- free 0x%x 0x30 (48 B) (into tcache[1])" % f(i) for i in range(7)] +
               ["- free 0x%x 0x110 (272 B) (into unsorted)" % p(7),
                "- free 0x%x 0x30 (48 B) (into fastbin[1])" % f(7),
                "- free 0x%x 0x30 (48 B) (into fastbin[1])" % f(8),
                "- free 0x%x 0x510 (1.3 KiB) (into unsorted)" % big],
            2: ["~ consolidated 2 chunks -> 0x%x 0x220 (544 B) (unsorted)" % p(7),
                "- free 0x%x 0x110 (272 B) (merged into unsorted 0x%x 0x220)" % (p(8), p(7))],
            3: ["~ moved 0x%x 0x220 (544 B): unsorted -> small bin[34]" % p(7),
                "~ consolidated 2 chunks -> 0x%x 0x60 (96 B) (small bin[6])" % f(7),
                "~ moved 0x%x 0x510 (1.3 KiB): unsorted -> large bin[68]" % big,
                "+ alloc 0x%x 0x2010 (8.0 KiB) (from top)" % q,
                "~ top 0x%x -> 0x%x (size -0x2010)" % (q, q + 0x2010)],
            5: ["- mmapped chunk 0x%x 0x101000 (1.0 MiB)" % m]}
    for n, lines in want.items():
        got, _ = diff_lines(out, n)
        check(sorted(got) == sorted(lines), "diff %d:\n%s\nexpected:\n%s"
              % (n, "\n".join(got), "\n".join(lines)))
    got, _ = diff_lines(out, 4)
    search(r"^\+ arena 0x[0-9a-f]+$", "\n".join(got), "diff 4")
    search(r"^\+ alloc 0x%x 0x110 \(272 B\)$" % (v["t0"] - 16), "\n".join(got), "diff 4")
    _, totals = diff_lines(out, 3)
    check(totals.startswith("in use 0xca0 -> 0x2d00 (") or "-> 0x" in totals, totals)
    # the loaded copy of %2 against %3: the same lines as %2 -> %3
    check(sorted(diff_lines(out, 6)[0]) == sorted(want[2]), "after save/load", out)
    rc, out, err = ldtest.run_batch([WALK], ["break marker", "run", "snapshot", "continue",
                                             "snapshot", "diff"], opts=["--json"], timeout=60)
    doc = [json.loads(l) for l in out.splitlines() if l.startswith('{"command":"diff"')][0]
    kinds = [c["kind"] for c in doc["diff"]["heap"]["changes"]]
    check(kinds.count("free") == 18 and "changes" in doc["diff"], repr(doc)[:2000])
    c = [c for c in doc["diff"]["heap"]["changes"] if c["address"] == p(0)][0]
    check((c["size"], c["before"], c["after"]) == (0x110, "in use", "tcache[15]"), repr(c))
    check(doc["diff"]["heap"]["after"]["top"] == 0x1fce0 or doc["diff"]["heap"]["after"]["top"] > 0,
          repr(doc["diff"]["heap"]["after"]))


sym = t.case("totals equal malloc_info and mallinfo2; the pattern, chunk by chunk "
             "(debug symbols)", case_oracle)
t.case("the same from the heuristics (debug directory hidden), equal answers",
       case_heuristics, sym)
t.case("text: source, tcache and fastbin chunks, totals", case_text)
t.case("static program: symbols", case_static, "heapwalk-static", "symbols")
t.case("static program without main_arena and mp_ symbols: heuristics",
       case_static, "heapwalk-static-nosym", "heuristics")
t.case("corrupted heap: smashed size, fastbin cycle, smashed top", case_corrupt)
t.case("16 threads on 8 arenas against glibc", case_threads)
t.case("an allocator of its own in LD_PRELOAD: not glibc's", case_not_glibc)


def case_no_observer_effect():
    """A heap walk reads the chunks, not the top chunk's body: on a kernel
    without the shared zero page a read of untouched memory would make it
    resident, and the resident sizes layoutdbg reports would be its own."""
    rc, out, err = ldtest.run_batch([ldtest.fixture("heapwalk")],
                                    ["break marker", "run", "vmmap", "heap",
                                     "heap arenas", "continue", "vmmap"])
    check(rc == 0, "exit %d: %s" % (rc, err), out)
    rows = re.findall(r"^0x[0-9a-f]+ 0x[0-9a-f]+ rw-p\s+\S+ \S+\s+(\S+ \S+)\s+heap\s", out, re.M)
    check(len(rows) == 2, "two vmmap rows of [heap]", out)
    # (the program itself does not touch the heap between the two stops)
    check(rows[0] == rows[1], "the heap walk changed [heap]'s resident size: %s -> %s"
          % (rows[0], rows[1]), out)


t.case("a heap walk leaves the heap's residency as it found it", case_no_observer_effect)
import tempfile
with tempfile.TemporaryDirectory() as tmp:
    t.case("diff: each chunk line of the pattern; save/load; JSON", case_diff, tmp)
sys.exit(t.done())
