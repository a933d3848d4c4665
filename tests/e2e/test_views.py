#!/usr/bin/env python3
"""The layout views against the tools users already trust: `info sections`
equals gdb's `maintenance info sections`, `info segments` equals
`readelf --segments --wide` (plus the live mappings each LOAD became),
`vmmap` classifies heap, stack, thread stacks, bss tails and vvar/vdso,
`xinfo` agrees with nm, `info brk` with the [heap] mapping, a stripped
program is still debuggable without inventing names, `--aslr` really
randomizes, and `layout` draws the blocks in address order."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(17)
HEAP = ldtest.fixture("heap")


def batch(args, cmds, ok=True, **kw):
    rc, out, err = ldtest.run_batch(args, cmds, **kw)
    if ok:
        check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    return rc, out, err


SECTION_ROW = re.compile(r"^ \[(\d+)\]\s+(0x[0-9a-f]+)->(0x[0-9a-f]+) at (0x[0-9a-f]+): "
                         r"(\S+)((?: [A-Z_]+)*)\s*$")


def exec_sections(text):
    """Rows of the `Exec file:` block of (maintenance) info sections:
    [(index, start, end, offset, name, flags)]."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("Exec file:"):
            rows = []
            for r in lines[i + 1:]:
                m = SECTION_ROW.match(r)
                if not m:
                    break
                rows.append((int(m.group(1)), int(m.group(2), 16), int(m.group(3), 16),
                             int(m.group(4), 16), m.group(5), m.group(6).split()))
            return rows
    raise AssertionError("no `Exec file:` block\n" + text[-3000:])


def vmmap_rows(text):
    """vmmap's table, sliced by the header's column positions."""
    lines = text.splitlines()
    for i, h in enumerate(lines):
        if h.startswith("Start") and "Kind" in h and "Sections" in h:
            k, o, s = h.index("Kind"), h.index("Object / owner"), h.index("Sections")
            rows = []
            for r in lines[i + 1:]:
                m = re.match(r"^(0x[0-9a-f]{16}) (0x[0-9a-f]{16}) ([-r][-w][-x][ps]) ", r)
                if not m:
                    break
                rows.append({"start": int(m.group(1), 16), "end": int(m.group(2), 16),
                             "perms": m.group(3), "kind": r[k:o].strip(),
                             "owner": r[o:s].strip(), "sections": r[s:].split()})
            return rows
    raise AssertionError("no vmmap table\n" + text[-3000:])


# ------------------------------------------------------------ sections

def sections_equal_gdb():
    g = ldtest.gdb_batch(HEAP, ["break calloc", "run", "maintenance info sections"],
                          timeout=60)
    if "Exec file:" not in g:
        raise ldtest.Skip("gdb could not run the fixture here: " +
                          (g.strip().splitlines() or ["?"])[-1])
    _, out, _ = batch([HEAP], ["break calloc", "run", "info sections"])
    grows, lrows = exec_sections(g), exec_sections(out)
    galloc = [r for r in grows if "ALLOC" in r[5]]
    lalloc = [r for r in lrows if "ALLOC" in r[5]]
    check(len(galloc) > 20, "gdb shows only %d allocated sections" % len(galloc), g)
    gd = {r[4]: r for r in galloc}
    ld = {r[4]: r for r in lalloc}
    missing = sorted(set(gd) - set(ld))
    extra = sorted(set(ld) - set(gd))
    check(not missing and not extra, "allocated sections differ: missing %r, extra %r"
          % (missing, extra), out)
    bad = ["gdb %r\nlayoutdbg %r" % (gd[n], ld[n]) for n in gd if gd[n] != ld[n]]
    check(not bad, "rows differ (index, start, end, offset, name, flags):\n" +
          "\n".join(bad[:6]))
    # the runtime addresses are really runtime ones (PIE relocated)
    check(ld[".text"][1] >= 0x555555554000, ".text not relocated: %#x" % ld[".text"][1], out)


t.case("info sections: every allocated section equals gdb's maintenance info sections",
       sections_equal_gdb)


# ------------------------------------------------------------ segments

def readelf_blocks(text):
    """(program header rows, section-to-segment rows) in readelf's form."""
    lines = [l.rstrip() for l in text.splitlines()]
    ph = lines.index("Program Headers:")
    rows = []
    for l in lines[ph + 1:]:
        if not l.strip():
            break
        rows.append(l)
    st = lines.index(" Section to Segment mapping:")
    maprows = []
    for l in lines[st + 1:]:
        if not re.match(r"^\s+(Segment Sections\.\.\.|\d\d\s)", l) and l.strip() != "":
            break
        if not l.strip():
            break
        maprows.append(l)
    return rows, maprows


def segments_equal_readelf():
    if not ldtest.readelf_available():
        raise ldtest.Skip("readelf is not installed")
    p = subprocess.run(["readelf", "--segments", "--wide", HEAP], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ldtest.env(), timeout=30)
    truth = p.stdout.decode()
    _, out, _ = batch([HEAP], ["info segments"])
    trows, tmap = readelf_blocks(truth)
    lrows, lmap = readelf_blocks(out)
    check(len(trows) > 8, "readelf printed too little", truth)
    check(trows == lrows, "program header table differs:\n--- readelf ---\n%s\n"
          "--- layoutdbg ---\n%s" % ("\n".join(trows), "\n".join(lrows)))
    check(tmap == lmap, "section to segment mapping differs:\n--- readelf ---\n%s\n"
          "--- layoutdbg ---\n%s" % ("\n".join(tmap), "\n".join(lmap)))


t.case("info segments: program headers and section-to-segment mapping equal readelf's",
       segments_equal_readelf)


def relro_two_mappings():
    _, out, _ = batch([HEAP], ["break calloc", "run", "info segments", "info proc maps"])
    # the GNU_RELRO start and the LOAD that holds it (program header table)
    hdr = [l for l in out.splitlines()
           if re.match(r"^  (LOAD|GNU_RELRO)\s+0x", l)]
    relro = [l.split() for l in hdr if l.split()[0] == "GNU_RELRO"]
    check(len(relro) == 1, "no GNU_RELRO program header", out)
    rvaddr = int(relro[0][2], 16)
    m = search(r"^ Runtime \(\S+, load bias (0x[0-9a-f]+)\):", out, "runtime block")
    bias = int(m.group(1), 16)
    seg = None
    for l in out[m.end():].splitlines():
        f = re.match(r"^  (\d\d)  LOAD\s+(0x[0-9a-f]+) (0x[0-9a-f]+) (.*)$", l)
        if f and int(f.group(2), 16) <= bias + rvaddr < int(f.group(3), 16):
            seg = f
    check(seg, "no runtime LOAD row holds the RELRO start %#x" % (bias + rvaddr), out)
    lives = re.findall(r"0x([0-9a-f]+)-0x([0-9a-f]+) ([-r][-w][-x]p)", seg.group(4))
    check([p for _, _, p in lives] == ["r--p", "rw-p"],
          "RELRO LOAD segment %s should be two live mappings r--p, rw-p: %r"
          % (seg.group(1), seg.group(0)), out)
    # and those are mappings the kernel really has at this stop
    raw = {(r["start"], r["end"], r["perms"])
           for r in ldtest.parse_maps_lines(ldtest.raw_maps_lines(out))}
    for lo, hi, perms in lives:
        check((int(lo, 16), int(hi, 16), perms) in raw,
              "live mapping %s-%s %s is not in /proc/PID/maps" % (lo, hi, perms), out)
    check(int(lives[0][1], 16) == int(lives[1][0], 16), "the two pieces are not adjacent", out)


t.case("info segments at run time: the RELRO LOAD segment is two live mappings r--p + rw-p",
       relro_two_mappings)


# --------------------------------------------------------------- vmmap

def vmmap_kinds():
    _, out, _ = batch([HEAP], ["break calloc", "run", "finish", "vmmap",
                               "info proc maps"])
    rows = vmmap_rows(out)
    truth = ldtest.parse_maps_lines(ldtest.raw_maps_lines(out))
    check([(r["start"], r["end"], r["perms"]) for r in rows] ==
          [(r["start"], r["end"], r["perms"]) for r in truth],
          "vmmap rows are not the process's mappings", out)
    by_path = {}
    for r, m in zip(rows, truth):
        by_path.setdefault(m["objfile"], []).append(r)
    check([r["kind"] for r in by_path.get("[heap]", [])] == ["heap"],
          "[heap] not classified heap: %r" % by_path.get("[heap]"), out)
    check([r["kind"] for r in by_path.get("[stack]", [])] == ["stack"],
          "[stack] not classified stack: %r" % by_path.get("[stack]"), out)
    check([r["kind"] for r in by_path.get("[vdso]", [])] == ["vdso"], "[vdso] kind", out)
    check(by_path.get("[vvar]") and all(r["kind"] == "vvar" for r in by_path["[vvar]"]),
          "[vvar] kind", out)
    check([r["kind"] for r in by_path.get("[vsyscall]", [])] == ["vsyscall"], "vsyscall", out)
    # the anonymous mapping right after libc's last file-backed rw-p one
    # is libc's .bss tail
    libc_idx = [i for i, m in enumerate(truth) if m["objfile"].endswith("/libc.so.6")]
    check(libc_idx, "no libc mappings", out)
    last = libc_idx[-1]
    check(truth[last]["perms"] == "rw-p" and truth[last + 1]["objfile"] == "" and
          truth[last + 1]["start"] == truth[last]["end"],
          "expected an anonymous mapping right after libc's rw-p one", out)
    tail = rows[last + 1]
    check(tail["kind"] == "bss" and "libc.so.6" in tail["owner"] and ".bss" in tail["sections"],
          "libc's .bss tail classified %r" % tail, out)
    # the executable's segments are its own
    exe = [r for r, m in zip(rows, truth) if m["objfile"] == HEAP]
    check(exe and all(r["kind"] == "segment" and r["owner"].startswith("heap LOAD")
                      for r in exe), "executable's mappings: %r" % exe, out)
    check(any(".text" in r["sections"] for r in exe if r["perms"] == "r-xp"),
          ".text not in the r-xp mapping", out)


t.case("vmmap after finish: heap, stack, vdso/vvar, vsyscall, libc's .bss tail as bss",
       vmmap_kinds)


def vmmap_thread_stack():
    _, out, _ = batch([ldtest.fixture("threads")], ["break marker", "run", "vmmap"])
    m = search(r"^\[Switching to thread (\d+) \(LWP (\d+)\)\]$", out,
               "the first stop is in a worker thread")
    num, lwp = m.group(1), m.group(2)
    check(num != "1", "the first marker stop is in the main thread?", out)
    rows = vmmap_rows(out)
    owner = "thread %s (LWP %s)" % (num, lwp)
    idx = [i for i, r in enumerate(rows) if r["kind"] == "thread stack" and r["owner"] == owner]
    check(len(idx) == 1, "no single `thread stack` row for %s" % owner, out)
    st = rows[idx[0]]
    check(st["perms"] == "rw-p" and st["end"] - st["start"] >= 0x10000,
          "thread stack row %r" % st, out)
    below = rows[idx[0] - 1]
    check(below["kind"] == "guard page" and below["end"] == st["start"] and
          below["perms"] == "---p",
          "the mapping below %s's stack is not its guard page: %r" % (owner, below), out)
    check([r["kind"] for r in rows].count("stack") == 1, "one main stack", out)


t.case("vmmap on threads: a worker's `thread stack` with its number and a guard page below",
       vmmap_thread_stack)


# --------------------------------------------------------------- xinfo

def field(text, name):
    return search(r"^  %s\s+(.*)$" % re.escape(name), text, "xinfo field %r" % name).group(1)


def xinfo_global():
    if not shutil.which("nm"):
        raise ldtest.Skip("nm is not installed")
    w = ldtest.fixture("waiter")
    nm = subprocess.run(["nm", w], stdout=subprocess.PIPE, timeout=30).stdout.decode()
    m = search(r"^([0-9a-f]+) ([Bb]) counter$", nm, "nm")
    value = int(m.group(1), 16)
    _, out, _ = batch([w], ["start", "xinfo &counter"])
    head = search(r"^(0x[0-9a-f]+):$", out, "xinfo header")
    addr = int(head.group(1), 16)
    bias = int(search(r"load bias (0x[0-9a-f]+)", out, "bias").group(1), 16)
    check(addr == bias + value, "&counter %#x != bias %#x + nm %#x" % (addr, bias, value), out)
    check(field(out, "section").startswith(".bss "), "section: " + field(out, "section"), out)
    check(field(out, "symbol").startswith("counter+0 "), "symbol: " + field(out, "symbol"), out)
    check("segment: waiter LOAD" in field(out, "kind"), "kind: " + field(out, "kind"), out)


t.case("xinfo &counter (waiter): .bss, counter+0, at bias + nm's value", xinfo_global)


def xinfo_sp():
    _, out, _ = batch([HEAP], ["break calloc", "run", "info registers rsp", "xinfo $sp"])
    rsp = int(search(r"^rsp\s+(0x[0-9a-f]+)", out, "rsp").group(1), 16)
    head = int(search(r"^(0x[0-9a-f]+):$", out, "xinfo header").group(1), 16)
    check(head == rsp, "xinfo $sp is %#x, rsp %#x" % (head, rsp), out)
    check(field(out, "mapping").endswith("[stack]"), "mapping: " + field(out, "mapping"), out)
    check(field(out, "kind").startswith("stack"), "kind: " + field(out, "kind"), out)
    check(re.match(r"#0 of thread 1 \(calloc", field(out, "frame")),
          "frame: " + field(out, "frame"), out)


t.case("xinfo $sp: the [stack] mapping, kind stack, frame #0 of thread 1", xinfo_sp)


def xinfo_heap_pointer():
    _, out, _ = batch([HEAP], ["break calloc", "run", "finish", "info brk", "xinfo $rax"])
    ptr = int(search(r"^Value returned is \$\d+ = (0x[0-9a-f]+)", out, "finish").group(1), 16)
    start_brk = int(search(r"^start_brk\s+(0x[0-9a-f]+)", out, "info brk").group(1), 16)
    head = int(search(r"^(0x[0-9a-f]+):$", out, "xinfo header").group(1), 16)
    check(head == ptr, "xinfo $rax is %#x, calloc returned %#x" % (head, ptr), out)
    check(field(out, "kind").startswith("heap"), "kind: " + field(out, "kind"), out)
    off = int(search(r"^  heap\s+(0x[0-9a-f]+) from start_brk", out, "heap line").group(1), 16)
    check(off == ptr - start_brk, "heap offset %#x != %#x - %#x" % (off, ptr, start_brk), out)


t.case("xinfo $rax after finish from calloc: heap, offset from start_brk", xinfo_heap_pointer)


def xinfo_libc_function():
    _, out, _ = batch([HEAP], ["break calloc", "run", "xinfo calloc"])
    check(re.match(r"LOAD\[\d+\] R E ", field(out, "segment")),
          "segment: " + field(out, "segment"), out)
    check(field(out, "section").startswith(".text "), "section: " + field(out, "section"), out)
    check(field(out, "symbol").startswith("calloc+0 "), "symbol: " + field(out, "symbol"), out)
    m = search(r"^  object\s+(\S+/libc\.so\.6), load bias (0x[0-9a-f]+), offset (0x[0-9a-f]+) ",
               out, "object line")
    if shutil.which("nm"):
        nm = subprocess.run(["nm", "-D", "--defined-only", m.group(1)],
                            stdout=subprocess.PIPE, timeout=30).stdout.decode()
        v = re.search(r"^([0-9a-f]+) [TiW] calloc(@@\S+)?$", nm, re.M)
        check(v and int(v.group(1), 16) == int(m.group(3), 16),
              "offset %s of calloc in libc differs from nm -D: %r" % (m.group(3), v and v.group(0)),
              out)


t.case("xinfo calloc: libc R E segment, .text, calloc+0 (offset as nm -D)", xinfo_libc_function)


# ----------------------------------------------------------------- brk

def info_brk():
    rc, out, err = batch([HEAP], ["break calloc", "run", "info brk", "finish", "info brk",
                                  "info proc mappings"])
    vals = re.findall(r"^start_brk\s+(0x[0-9a-f]+)\nbrk\s+(0x[0-9a-f]+)", out, re.M)
    check(len(vals) == 2, "two `info brk` outputs expected", out)
    (s0, b0), (s1, b1) = [(int(a, 16), int(b, 16)) for a, b in vals]
    check(s0 == b0, "before the heap exists start_brk %#x != brk %#x" % (s0, b0), out)
    check(s1 == s0, "start_brk moved", out)
    check(b1 - s1 == 0x21000, "after calloc brk - start_brk = %#x, not 0x21000" % (b1 - s1), out)
    heap = [r for r in ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
            if r["objfile"] == "[heap]"]
    check(len(heap) == 1 and (heap[0]["start"], heap[0]["end"]) == (s1, b1),
          "[heap] mapping %r is not start_brk..brk" % heap, out)


t.case("info brk: start_brk == brk before the heap, +0x21000 after, = [heap]", info_brk)


# ------------------------------------------------------------- stripped

_stripped = {}


def stripped_heap():
    if "path" not in _stripped:
        if not shutil.which("strip"):
            raise ldtest.Skip("strip is not installed")
        d = tempfile.mkdtemp(prefix="ldtest-strip-")
        _stripped["dir"] = d
        p = os.path.join(d, "heap")
        subprocess.run(["strip", "-o", p, HEAP], check=True, timeout=30)
        _stripped["path"] = p
    return _stripped["path"]


def stripped_runs():
    p = stripped_heap()
    rc, out, err = ldtest.run_batch([p], ["break calloc", "run", "break main", "continue"])
    search(r"^Breakpoint 1, 0x[0-9a-f]+ in calloc \(\)", out, "calloc stop")
    search(r"^After free$", out, "the program ran to its end")
    search(r"exited with code 0\]", out, "exit status")
    # main is not in .dynsym: a clear error, not a breakpoint somewhere else
    m = search(r"^layoutdbg: break main: .*$", err, "error for `break main`")
    check(re.search(r"no symbol|not found|not defined", m.group(0)), "unclear: " + m.group(0))
    check(not re.search(r"^Breakpoint 2 at", out, re.M), "break main made a breakpoint", out)


t.case("stripped copy: runs, `break main` after run is a clear error", stripped_runs)


def stripped_pending_main_never_misfires():
    p = stripped_heap()
    rc, out, err = ldtest.run_batch([p], ["break main", "run"])
    check(not re.search(r"^Breakpoint 1, ", out, re.M), "stopped at a `main` it cannot know", out)
    search(r"^After free$", out, "the program ran to its end")


t.case("stripped copy: `break main` before run never stops anywhere",
       stripped_pending_main_never_misfires)


def stripped_bt():
    p = stripped_heap()
    _, full, _ = batch([HEAP], ["break calloc", "run", "bt"])
    rc, out, err = ldtest.run_batch([p], ["break calloc", "run", "bt"])
    frames = re.findall(r"^#(\d+)\s+(0x[0-9a-f]+) in (\S+) \(\)(.*)$", out, re.M)
    ref = re.findall(r"^#(\d+)\s+(0x[0-9a-f]+) in (\S+) \(\)(.*)$", full, re.M)
    check(len(frames) >= 2 and frames[0][2] == "calloc", "bt: %r" % frames, out)
    check(frames[1][1] == ref[1][1] and ref[1][2] == "main",
          "frame #1 pc %s differs from the unstripped run's main frame %s"
          % (frames[1][1], ref[1][1]), out)
    # every frame in the stripped executable is ??, never a made-up name
    for num, pc, name, rest in frames:
        if int(pc, 16) < 0x7f0000000000:
            check(name == "??", "frame #%s at %s in the stripped program is named %r"
                  % (num, pc, name), out)


t.case("stripped copy: bt at calloc shows ?? for the program's own frames", stripped_bt)


# ----------------------------------------------------------------- ASLR

def first_mapping(out):
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    return rows[0]["start"]


def aslr_on():
    cmds = ["break calloc", "run", "info aslr", "info proc mappings", "bt"]
    bases = []
    for opts, extra in ((["--aslr"], []), (["--aslr"], []),
                        ([], ["set disable-randomization off"])):
        _, out, _ = batch([HEAP], extra + cmds, opts=opts)
        search(r"^Process \d+: randomized$", out, "info aslr")
        search(r"^New processes: address randomization on", out, "info aslr setting")
        search(r"^#1\s+0x[0-9a-f]+ in main \(\)", out, "main is calloc's caller")
        bases.append(first_mapping(out))
    check(len(set(bases)) == 3, "bases not randomized: %s" % [hex(b) for b in bases])
    check(0x555555554000 not in bases, "a randomized run at gdb's fixed base")


t.case("--aslr / set disable-randomization off: different bases, `randomized`, calloc <- main",
       aslr_on)


def aslr_off_default():
    _, out, _ = batch([HEAP], ["break calloc", "run", "info aslr", "info proc mappings"])
    search(r"^Process \d+: not randomized$", out, "info aslr")
    check(first_mapping(out) == 0x555555554000, "default run not at 0x555555554000", out)


t.case("default: not randomized, the PIE at 0x555555554000", aslr_off_default)


# --------------------------------------------------------------- layout

def layout_blocks():
    _, out, _ = batch([HEAP], ["break calloc", "run", "finish", "info brk", "layout"])
    brk = int(search(r"^brk\s+(0x[0-9a-f]+)", out, "info brk").group(1), 16)
    start = out.index("+----")
    lines = out[start:].splitlines()
    names, bounds, gaps = [], [], []
    for i, l in enumerate(lines):
        m = re.match(r"^\|\s*(.*?)\s*\|", l)
        if m:
            names.append(m.group(1))
            continue
        m = re.match(r"^\+-+\+ (0x[0-9a-f]+)(.*)$", l)
        if m:
            bounds.append((int(m.group(1), 16), m.group(2)))
            continue
        if l.strip() == "...":
            gaps.append(i)
            continue
        if l.strip() and not l.startswith("+"):
            break
    want = ["ELF segments", "Heap", "Loaded DSOs", "Stack", "vsyscall"]
    pos = []
    for w in want:
        check(w in names, "no %r block in %r" % (w, names), out)
        pos.append(names.index(w))
    check(pos == sorted(pos), "blocks out of order: %r" % names, out)
    addrs = [b for b, _ in bounds]
    check(addrs == sorted(addrs), "boundaries not in address order", out)
    check(len(gaps) >= 3, "fewer than 3 `...` gaps", out)
    heap_end = [rest for b, rest in bounds if b == brk]
    check(heap_end and "(program break" in heap_end[0],
          "the heap's end line (%#x) does not say (program break" % brk, out)


t.case("layout: ELF segments, Heap, Loaded DSOs, Stack, vsyscall in order, gaps, program break",
       layout_blocks)


def layout_thread_stacks_not_dsos():
    _, out, _ = batch([ldtest.fixture("threadsync")], ["break marker", "run", "vmmap", "layout"])
    stacks = [r for r in vmmap_rows(out) if r["kind"] in ("thread stack", "guard page")]
    check(len(stacks) == 4, "expected 2 thread stacks + 2 guard pages: %r" % stacks, out)
    lines = out[out.index("+----"):].splitlines()
    blocks = []
    for i, l in enumerate(lines):
        m = re.match(r"^\|\s*(.*?)\s*\|\s*(.*)$", l)
        if m and i > 0 and i + 1 < len(lines):
            lo = re.match(r"^\+-+\+ (0x[0-9a-f]+)", lines[i - 1])
            hi = re.match(r"^\+-+\+ (0x[0-9a-f]+)", lines[i + 1])
            if lo and hi:
                blocks.append((m.group(1), int(lo.group(1), 16), int(hi.group(1), 16),
                               m.group(2)))
    wrong = [(b, hex(s["start"])) for b in blocks for s in stacks
             if b[0] == "Loaded DSOs" and b[1] <= s["start"] < b[2]]
    check(not wrong, "thread stacks drawn as part of a `Loaded DSOs` block: %r" % wrong[:2], out)


t.case("layout: thread stacks are not counted as `Loaded DSOs`", layout_thread_stacks_not_dsos)


rc = t.done()
if "dir" in _stripped:
    shutil.rmtree(_stripped["dir"], ignore_errors=True)
sys.exit(rc)
