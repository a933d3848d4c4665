#!/usr/bin/env python3
"""The layout knows chunks: `xinfo ADDR` names the heap chunk holding an
address (inside a chunk, at its start, in the top chunk, in a free chunk
with its bin, in an mmapped chunk and in a thread arena; no heap line
outside any chunk), text and JSON, checked against `heap --json` of the
same stop and the addresses heapwalk printed; vmmap names a thread
arena's heap_info region and the mapping of an mmapped chunk once the
heap was walked at the stop (and says "anonymous" before).  The SVG of a
snapshot draws a chunk strip inside the [heap] box, to scale (x and
width from address and size), coloured by state; the diff picture
outlines exactly the chunks that differ between the two stops."""
import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET

import ldtest
from ldtest import check, search

t = ldtest.Tap(6)
WALK = ldtest.fixture("heapwalk")


def addrs(out):
    return {m.group(1): int(m.group(2), 16)
            for m in re.finditer(r"\b(\w+)=(0x[0-9a-f]+)", out)}


def xinfo_block(out, addr):
    """The lines of `xinfo addr`'s text answer (the last one given)."""
    blocks = re.findall(r"^0x%x:\n((?:  .*\n)*)" % addr, out, re.M)
    check(blocks, "no xinfo answer for 0x%x" % addr, out)
    return blocks[-1]


def chunk_line(out, addr):
    m = re.search(r"^  chunk     in heap chunk (0x[0-9a-f]+) \((0x[0-9a-f]+), (.*?), "
                  r"(main arena|arena \d+|mmapped)\), \+(0x[0-9a-f]+) into it",
                  xinfo_block(out, addr), re.M)
    check(m, "xinfo 0x%x: no chunk line" % addr, xinfo_block(out, addr))
    return int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4), \
        int(m.group(5), 16)


def case_xinfo_text():
    """Stop 2 (tcache, fastbin, unsorted chunks), stop 5 (thread arena)."""
    cmds = ["break marker", "run"]
    rc, out, err = ldtest.run_batch([WALK], cmds + ["continue"], timeout=60)
    check(rc == 0, err, out)
    v = addrs(out)
    p0, f7, p7, m = v["p0"], v["f7"], v["p7"], v["m"]
    # the top chunk starts right after g2's chunk (0x20) at stop 2
    top = v["g2"] - 16 + 0x20
    want = {                             # address: (chunk, size, state, arena, offset)
        p0 + 8: (p0 - 16, 0x110, "tcache[15]", "main arena", 24),
        p0 - 16: (p0 - 16, 0x110, "tcache[15]", "main arena", 0),
        f7: (f7 - 16, 0x30, "fastbin[1]", "main arena", 16),
        p7 + 0xf0: (p7 - 16, 0x110, "unsorted", "main arena", 0x100),
        top + 0x1000: (top, None, "top", "main arena", 0x1000),
        m + 0x800: (m - 16, 0x101000, "in use", "mmapped", 0x810),
        v["g"]: (v["g"] - 16, 0x20, "in use", "main arena", 16),
    }
    outside = [v["p0"] - 0x5000]          # below [heap]: the program's .bss or unmapped
    cmds += ["continue"] + ["xinfo 0x%x" % a for a in list(want) + outside]
    cmds += ["continue", "continue", "continue", "xinfo 0x%x" % (v["p0"] + 8)]
    rc, out, err = ldtest.run_batch([WALK], cmds, timeout=60)
    check(rc == 0, err, out)
    v2 = addrs(out)
    for a, (c, size, state, arena, off) in want.items():
        got = chunk_line(out, a)
        check(got[0] == c and (size is None or got[1] == size) and got[2:] == (state, arena, off),
              "xinfo 0x%x: %r, expected %r" % (a, got, (c, size, state, arena, off)),
              xinfo_block(out, a))
    check(re.search(r"\(its header\)", xinfo_block(out, p0 - 16)), "header not said")
    for a in outside:
        check("in heap chunk" not in xinfo_block(out, a), "a chunk outside the heap", out)
    # stop 5: a chunk of the thread's arena, and its heap_info (no chunk)
    t0 = v2["t0"]
    rc, out, err = ldtest.run_batch([WALK], ["break marker", "run"] + ["continue"] * 4 +
                                    ["xinfo 0x%x" % (t0 + 4), "xinfo 0x%x" % (t0 & ~0x3ffffff)],
                                    timeout=60)
    check(rc == 0, err, out)
    check(chunk_line(out, t0 + 4) == (t0 - 16, 0x110, "in use", "arena 1", 20),
          "thread chunk: %r" % (chunk_line(out, t0 + 4),), out)
    info = xinfo_block(out, t0 & ~0x3ffffff)
    check("in heap chunk" not in info, "heap_info is no chunk", info)
    search(r"kind      arena heap: heap of arena 1, heap_info 0x%x$" % (t0 & ~0x3ffffff), info)


def case_xinfo_json():
    rc, out, err = ldtest.run_batch([WALK], ["break marker", "run", "continue", "heap",
                                             "xinfo $rdi", "xinfo 0x555555559000"],
                                    opts=["--json"], timeout=60)
    check(rc == 0, err, out)
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    heap = [d for d in docs if d.get("command") == "heap"][0]
    xs = [d for d in docs if d.get("command") == "xinfo"]
    check(len(xs) == 2 and "heap_chunk" not in xs[0], "xinfo $rdi (2) has no chunk: %r" % xs)
    v = addrs(out)
    rc, out, err = ldtest.run_batch([WALK], ["break marker", "run", "continue",
                                             "xinfo 0x%x" % (v["p3"] + 0x40)],
                                    opts=["--json"], timeout=60)
    x = [json.loads(l) for l in out.splitlines() if l.startswith('{"command":"xinfo"')][0]
    c = [c for c in heap["arenas"][0]["chunks"] if c["address"] == v["p3"] - 16][0]
    hc = x.get("heap_chunk")
    check(hc and (hc["address"], hc["size"], hc["state"], hc["description"], hc["arena"],
                  hc["offset"], hc["user"]) ==
          (c["address"], c["size"], c["state"], c["description"], 0, 0x50, v["p3"]),
          "xinfo --json: %r, heap says %r" % (hc, c))


def vmmap_rows(out):
    rows = {}
    # start end perms size [resident (set vmmap-resident)] kind owner
    for m in re.finditer(r"^0x([0-9a-f]{16}) 0x([0-9a-f]{16}) (\S+) +\S+ \S+(?: +\S+ \S+)?  (.{12}) (.*)$",
                         out, re.M):
        rows.setdefault(int(m.group(1), 16), []).append((m.group(4).strip(), m.group(5).strip()))
    return rows


def case_vmmap():
    rc, out, err = ldtest.run_batch([WALK], ["break marker", "run"] + ["continue"] * 4 +
                                    ["vmmap", "heap arenas", "vmmap"], timeout=60)
    check(rc == 0, err, out)
    v = addrs(out)
    info = v["t0"] & ~0x3ffffff
    rows = vmmap_rows(out)
    check(info in rows and len(rows[info]) == 2, "no row for 0x%x" % info, out)
    before, after = rows[info]
    check(before[0] == "anonymous", "before the walk: %r" % (before,))
    check(after == ("arena heap", "heap of arena 1, heap_info 0x%x" % info),
          "after the walk: %r" % (after,))
    # the PROT_NONE rest of the 64 MiB reservation
    rest = [r for a, r in rows.items() if info < a < info + (64 << 20)]
    check(rest and rest[0][1] == ("arena heap", "heap of arena 1, heap_info 0x%x "
                                  "(reserved, not yet used)" % info), "reserve: %r" % rest)
    # the 1 MiB mmapped chunk (in its own mapping, or merged with the TLS
    # block next to it: then both are said)
    m = v["m"] - 16
    lines = [l for l in out.splitlines() if "mmapped chunk 0x%x" % m in l]
    check(len(lines) == 1, "mmapped chunk 0x%x named %d times" % (m, len(lines)), out)
    check(re.match(r"^0x%016x " % m, lines[0]) or "tls" in lines[0], lines[0])


def case_vmmap_json():
    rc, out, err = ldtest.run_batch([WALK], ["break marker", "run", "heap", "vmmap"],
                                    opts=["--json"], timeout=60)
    check(rc == 0, err, out)
    v = addrs(out)
    doc = [json.loads(l) for l in out.splitlines() if l.startswith('{"command":"vmmap"')][0]
    m = v["m"] - 16
    r = [r for r in doc["regions"] if "mmapped chunk 0x%x" % m in r["owner"]]
    check(len(r) == 1 and r[0]["kind"] in ("mmapped chunk", "tls"), repr(doc["regions"]))


NS = "{http://www.w3.org/2000/svg}"
COLOURS = {"in use": "inuse", "fencepost": "inuse", "top": "top"}


def heap_boxes(root):
    """(x, y, width, height) of each [heap] box of the picture."""
    boxes = []
    for g in root.iter(NS + "g"):
        title = g.find(NS + "title")
        if "region" in g.get("class", "").split() and title is not None and \
                title.text.startswith("[heap]"):
            r = g.find(NS + "rect")
            boxes.append(tuple(float(r.get(k)) for k in ("x", "y", "width", "height")))
    return boxes


def strips(root):
    """Each chunk strip: (start, end, [rect attributes])."""
    out = []
    for g in root.iter(NS + "g"):
        if g.get("class") == "chunks":
            out.append((int(g.get("data-start"), 16), int(g.get("data-end"), 16),
                        [dict(r.attrib) for r in g.findall(NS + "rect")]))
    return out


def check_strip(box, start, end, rects, chunks, where):
    """rects lie in box, to scale, one per chunk of chunks (heap's JSON),
    coloured by state: in use, free, top; three colours."""
    bx, by, bw, bh = box
    scale = None
    fills = {}
    check(len(rects) == len(chunks), "%s: %d rectangles for %d chunks"
          % (where, len(rects), len(chunks)))
    for r, c in zip(rects, chunks):
        x, y, w, h = (float(r[k]) for k in ("x", "y", "width", "height"))
        addr, size = int(r["data-addr"], 16), int(r["data-size"], 16)
        check((addr, size, r["data-state"]) == (c["address"], c["size"], c["state"]),
              "%s: rect %r for chunk %r" % (where, r, c))
        check(bx <= x and x + w <= bx + bw + 0.01 and by <= y and y + h <= by + bh,
              "%s: chunk 0x%x drawn outside the heap box %r: %r" % (where, addr, box, r))
        s = (bw - 6) / (end - start)
        check(abs(w - size * s) < 0.002 and abs(x - (bx + 3 + (addr - start) * s)) < 0.002,
              "%s: chunk 0x%x 0x%x not to scale: x %s width %s" % (where, addr, size, x, w))
        look = COLOURS.get(c["state"], "free")
        check(look in r["class"].split(), "%s: chunk 0x%x (%s) class %r"
              % (where, addr, c["state"], r["class"]))
        fills.setdefault(look, set()).add(r["fill"])
    check(all(len(v) == 1 for v in fills.values()) and
          len(set.union(*fills.values())) == len(fills),
          "%s: colours by state %r" % (where, fills))
    return fills


def case_svg(tmp):
    a_svg, d_svg = os.path.join(tmp, "a.svg"), os.path.join(tmp, "d.svg")
    rc, out, err = ldtest.run_batch([WALK], ["break marker", "run", "snapshot", "heap",
                                             "continue", "snapshot", "heap",
                                             "export %2 " + a_svg, "export %1..%2 " + d_svg],
                                    opts=["--json"], timeout=60)
    check(rc == 0, err, out)
    heaps = [json.loads(l) for l in out.splitlines() if l.startswith('{"command":"heap"')]
    a1, a2 = heaps[0]["arenas"][0], heaps[1]["arenas"][0]
    root = ET.parse(a_svg).getroot()
    (box,) = heap_boxes(root)
    (st,) = strips(root)
    start, end = a2["heaps"][0]["start"] & ~0xfff, a2["heaps"][0]["end"]
    check(st[:2] == (start, end), "strip for %r, heap 0x%x-0x%x" % (st[:2], start, end))
    fills = check_strip(box, start, end, st[2], a2["chunks"], "a.svg")
    check(set(fills) == {"inuse", "free", "top"}, "states drawn: %r" % fills)
    # the diff: both columns, and the outlined chunks are those that changed
    root = ET.parse(d_svg).getroot()
    boxes = sorted(heap_boxes(root))
    sts = sorted(strips(root), key=lambda s: float(s[2][0]["x"]))
    check(len(boxes) == 2 and len(sts) == 2, "diff: %d heap boxes, %d strips"
          % (len(boxes), len(sts)))
    key = lambda c: (c["address"], c["size"], c["state"])
    for box, (s0, e0, rects), mine, other in ((boxes[0], sts[0], a1, a2),
                                             (boxes[1], sts[1], a2, a1)):
        check_strip(box, s0, e0, rects, mine["chunks"], "d.svg")
        theirs = set(key(c) for c in other["chunks"])
        want = [key(c) not in theirs for c in mine["chunks"]]
        got = ["changed" in r["class"].split() for r in rects]
        check(got == want, "outlined %r, changed %r" % (got, want))
        check(any(got) and not all(got), "nothing or everything outlined")
        check(all(r["fill-opacity"] == ("1" if g else "0.35") for r, g in zip(rects, got)),
              "unchanged chunks not faded")


def case_svg_no_heap(tmp):
    """Before malloc ran: no strip, the picture as before."""
    f = os.path.join(tmp, "n.svg")
    rc, out, err = ldtest.run_batch([WALK], ["break main", "run", "snapshot",
                                             "export %1 " + f], timeout=60)
    check(rc == 0, err, out)
    root = ET.parse(f).getroot()
    check(strips(root) == [], "a strip without a heap")


t.case("xinfo: inside, at the start, top, free chunks with their bin, mmapped, "
       "thread arena; none outside", case_xinfo_text)
t.case("xinfo --json: heap_chunk equals heap's chunk", case_xinfo_json)
t.case("vmmap: thread arena heap and its reserve, mmapped chunk (after a walk)",
       case_vmmap)
t.case("vmmap --json: the mmapped chunk's owner", case_vmmap_json)
with tempfile.TemporaryDirectory() as tmp:
    t.case("SVG: the chunk strip inside [heap], to scale, coloured by state", case_svg, tmp)
    t.case("SVG before malloc ran: no strip", case_svg_no_heap, tmp)
sys.exit(t.done())
