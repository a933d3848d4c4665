#!/usr/bin/env python3
"""What a mapping is, said as the kernel and the threads say it (issue 19,
item 5): the kinds fixture makes a thread (its stack, guard page and TLS),
a shared /dev/zero mapping, a memfd, a SysV shm segment, a file mapped then
unlinked and one whose name holds a newline, and prints where each is.
`layout` (live and from a snapshot) and the pictures must name each one
for what /proc/PID/maps (through `info proc mappings`) and the fixture's
own thread list say it is.  Also: x/s and x as gdb prints them, diff
--by-object within one process, a deleted program binary under -batch,
paths with newlines, the diff as HTML and the diff SVG's measured width."""
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import ldtest
from ldtest import check, search

t = ldtest.Tap(9)
KINDS = ldtest.fixture("kinds")
WAITER = ldtest.fixture("waiter")
TMP = tempfile.mkdtemp(prefix="ldtest-kinds-")
atexit.register(shutil.rmtree, TMP, True)
NS = "{http://www.w3.org/2000/svg}"


def truth(out):
    """What the fixture printed: kind -> address, and the worker's LWP."""
    got = {k: int(v, 16) for k, v in
           re.findall(r"^(devzero|memfd|shm|deleted|newline|text) (0x[0-9a-f]+)$", out, re.M)}
    m = search(r"^worker lwp (\d+) tls (0x[0-9a-f]+) stack (0x[0-9a-f]+)$", out, "worker line")
    got.update(lwp=int(m.group(1)), wtls=int(m.group(2), 16), wstack=int(m.group(3), 16))
    got["mtls"] = int(search(r"^main tls (0x[0-9a-f]+)$", out, "main tls").group(1), 16)
    got["pid"] = int(search(r"^process (\d+)$", out, "info proc's pid").group(1))
    return got


def mapping_at(maps, addr):
    for mp in maps:
        if mp["start"] <= addr < mp["end"]:
            return mp
    raise AssertionError("no mapping holds %#x" % addr)


def layout_blocks(text):
    """[(start, end, label, detail)] of the first layout diagram in text."""
    blocks, lo, cur = [], None, None
    for line in text.splitlines():
        m = re.match(r"^\+-+\+ (0x[0-9a-f]+)", line)
        if m:
            addr = int(m.group(1), 16)
            if cur:
                blocks.append((lo, addr, cur[0], cur[1]))
                cur = None
            lo = addr
            continue
        m = re.match(r"^\| (.{14}) \| (.*)$", line)
        if m:
            cur = (m.group(1).strip(), m.group(2))
        elif blocks and line != "..." and not cur:
            break
    return blocks


def block_at(blocks, addr):
    for b in blocks:
        if b[0] <= addr < b[1]:
            return b
    raise AssertionError("no layout block holds %#x: %r" % (addr, blocks))


_run = {}


def kinds_run():
    """One run, stopped in marker(): the mappings, layout live and from a
    snapshot, and the snapshot's pictures."""
    if not _run:
        d = os.path.join(TMP, "files")
        os.mkdir(d)
        svg, html = os.path.join(TMP, "k.svg"), os.path.join(TMP, "k.html")
        rc, out, err = ldtest.run_batch(
            [KINDS, d], ["break marker", "run", "info proc mappings", "layout",
                         "snapshot k", "layout k", "export k " + svg, "export k " + html],
            timeout=30)
        check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
        if "shm " not in out:
            raise ldtest.Skip("no SysV shared memory here (shmget failed)")
        live = out[out.index("\n+--"):]
        _run.update(out=out, truth=truth(out), svg=svg, html=html,
                    maps=ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out)),
                    live=layout_blocks(live),
                    snap=layout_blocks(out[out.index("Snapshot k:"):]))
    return _run


# kind -> (what /proc/PID/maps calls it, the layout's label)
KERNEL_NAMED = {
    "devzero": (r"^/dev/zero \(deleted\)$", "/dev/zero"),
    "memfd": (r"^/memfd:kinds-memfd \(deleted\)$", "memfd"),
    "shm": (r"^/SYSV[0-9a-f]{8} \(deleted\)$", "SysV shm"),
    "deleted": (r"/unlinked-data \(deleted\)$", "Deleted file"),
    "newline": (r"/new\\012line$", "Mapped file"),
}


def layout_names(which):
    r = kinds_run()
    tr, maps, blocks = r["truth"], r["maps"], r[which]
    for kind, (kernel, label) in KERNEL_NAMED.items():
        mp = mapping_at(maps, tr[kind])
        check(re.search(kernel, mp["objfile"]), "%s: the kernel calls %#x %r"
              % (kind, tr[kind], mp["objfile"]))
        b = block_at(blocks, tr[kind])
        check(b[2] == label, "%s at %#x: layout says %r, want %r" % (kind, tr[kind], b[2], label),
              r["out"])
    # the worker's stack, the guard page right below it (---p), its TLS
    # at the stack's top: one Thread stack block naming thread 2's LWP
    st = mapping_at(maps, tr["wstack"])
    guard = mapping_at(maps, st["start"] - 1)
    check(guard["perms"] == "---p" and guard["end"] == st["start"],
          "no guard page below the worker's stack: %r" % guard)
    check(st["start"] <= tr["wtls"] < st["end"], "the worker's TLS is not in its stack mapping")
    for addr in (tr["wstack"], guard["start"], tr["wtls"]):
        b = block_at(blocks, addr)
        check(b[2] == "Thread stack" and
              b[3].endswith("thread 2 (LWP %d): guard page, stack" % tr["lwp"]),
              "%#x: %r, want thread 2 (LWP %d)'s stack with its guard" % (addr, b, tr["lwp"]))
    b = block_at(blocks, tr["mtls"])
    check(b[2] == "TLS" and b[3].endswith("thread 1 (LWP %d): TLS" % tr["pid"]),
          "the main thread's TLS %#x: %r" % (tr["mtls"], b))
    for b in blocks:
        check(b[2] != "Loaded DSOs" or re.search(r"\.so", b[3]),
              "a Loaded DSOs block without a library: %r" % (b,))


t.case("layout names thread stack + guard, TLS, /dev/zero, memfd, SysV shm, "
       "deleted and mapped files as /proc/PID/maps and the threads say", layout_names, "live")
t.case("layout SNAP names them the same from the snapshot", layout_names, "snap")


def picture_names():
    r = kinds_run()
    tr = r["truth"]
    root = ET.parse(r["svg"]).getroot()
    legend = {}
    for g in root.iter(NS + "g"):
        if g.get("class") == "legend":
            items = list(g)
            for rect, text in zip(items[0::2], items[1::2]):
                legend[text.text] = rect.get("fill")
    want = {"devzero": "shm, memfd, /dev/zero", "memfd": "shm, memfd, /dev/zero",
            "shm": "shm, memfd, /dev/zero", "deleted": "deleted file",
            "newline": "mapped file", "wstack": "thread stack, guard, TLS",
            "mtls": "thread stack, guard, TLS"}
    labels = {"wstack": "thread 2 stack", "mtls": "thread 1 TLS"}
    for kind, legend_name in want.items():
        addr, found = tr[kind], False
        for g in root.iter(NS + "g"):
            title = g.find(NS + "title")
            rect = g.find(NS + "rect")
            m = title is not None and re.search(r"0x([0-9a-f]+)-0x([0-9a-f]+)", title.text or "")
            if not m or not int(m.group(1), 16) <= addr < int(m.group(2), 16):
                continue
            found = True
            check(rect.get("fill") == legend[legend_name], "%s at %#x drawn %s, want %r (%s)"
                  % (kind, addr, rect.get("fill"), legend_name, legend[legend_name]))
            label = "".join(g.find(NS + "text[last()]").itertext())
            if kind in labels:
                check(label.startswith(labels[kind] + " \u00b7"), "%s labelled %r" % (kind, label))
        check(found, "no box holds %s at %#x" % (kind, addr))
    html = open(r["html"], encoding="utf-8").read()
    for name in ("thread stack, guard, TLS", "shm, memfd, /dev/zero", "deleted file"):
        check(name in html, "the HTML table has no %r row" % name)


t.case("the picture colours each kind as its legend says; thread 2 stack, thread 1 TLS",
       picture_names)


def gdb_x():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    d = os.path.join(TMP, "gdbx")
    os.makedirs(d, exist_ok=True)
    cmds = ["break marker", "run", "x/s text", "x/2xg &text", "x/2a $sp"]
    # gdb's text: without the layout's notes on x/a and x/gx values
    rc, out, err = ldtest.run_batch([KINDS, d], ["set print layout off"] + cmds, timeout=30)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    g = subprocess.run(["gdb", "-nx", "-batch"] + [a for c in cmds for a in ("-ex", c)] +
                       ["--args", KINDS, d], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=120, env=ldtest.env())
    gout = g.stdout.decode("utf-8", "replace")
    for rx in (r"^0x[0-9a-f]+ <text>:\t.*$", r"^0x[0-9a-f]+ <text>:\t0x[0-9a-f]{16}\t.*$"):
        mine, theirs = re.search(rx, out, re.M), re.search(rx, gout, re.M)
        check(theirs, "gdb printed no %s" % rx, gout)
        check(mine and mine.group(0) == theirs.group(0), "x: %r, gdb: %r"
              % (mine and mine.group(0), theirs.group(0)), out)
    check('"a\\nb\\033\\tc\\"d\\\\"' in out, "x/s is not one escaped line", out)
    # x/2a $sp: the saved frame pointer has no symbol, the return address
    # has; gdb prints nothing after an address without a symbol
    line = search(r"^0x[0-9a-f]+:\t0x[0-9a-f]+\t0x[0-9a-f]+ <main\+\d+>$", out, "x/2a $sp").group(0)
    check("<??>" not in out, "x printed <??>: %r" % line, out)


t.case("x/s escapes control characters in one line and x prints no <??>, as gdb", gdb_x)


def by_object_one_process():
    d = os.path.join(TMP, "byobj")
    os.makedirs(d, exist_ok=True)
    rc, out, err = ldtest.run_batch(
        [KINDS, d], ["set snapshot-pages off", "break main", "run", "snapshot a",
                     "break marker", "continue", "snapshot b", "diff --by-object a b",
                     "diff a b"], timeout=30)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    by = out[out.index("diff --by-object a"):out.index("\ndiff a -> b")].splitlines()[1:]
    plain = out[out.index("\ndiff a -> b"):]
    # from main to marker nothing is unmapped and no permission changes
    # (the address diff, the oracle here, says so): by object neither
    check(not re.search(r"^- removed|^~ (perms|permissions)", plain, re.M),
          "the address diff saw a removal or a permission change", plain)
    for line in by:
        check(not line.startswith("-"), "by-object reports a removal: %r" % line, out)
        m = re.match(r"^~ .*: (\S{4}) \S+ -> (\S{4}) ", line)
        check(not m or m.group(1) == m.group(2), "a false permission change: %r" % line, out)
    added = [l for l in by if l.startswith("+ anonymous")]
    check(len(added) >= 2, "the thread's stack and guard are not added: %r" % by, out)


t.case("diff --by-object in one process: no false removals or permission changes",
       by_object_one_process)


def deleted_binary():
    copy = os.path.join(TMP, "waiter-copy")
    shutil.copy(WAITER, copy)
    p = subprocess.Popen([copy], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        first = p.stdout.readline().decode()      # it waits on stdin now
        m = re.match(r"^pid (\d+) marker (0x[0-9a-f]+)", first)
        check(m, "waiter said %r" % first)
        os.unlink(copy)
        rc, out, err = ldtest.run_batch([], ["info sharedlibrary", "bt", "layout",
                                             "break marker", "info breakpoints", "detach"],
                                        opts=("-p", m.group(1)), timeout=30)
        check(rc == 0, "-batch exit status %d with every command working: stderr %r"
              % (rc, err), out)
        check(err == "", "stderr %r" % err)
        search(r"^1\s+breakpoint\s+keep y\s+0x[0-9a-f]+\s+in marker at \S*waiter\.c:\d+$",
               out, "breakpoint at marker from the symbols and lines of the deleted file")
        search(r"^\| ELF segments ", out, "the program's segments in the layout")
    finally:
        p.stdin.close()
        p.wait(timeout=15)
    check(p.returncode == 0, "waiter exit status %s after detach" % p.returncode)
    # and a program that unlinks itself while it runs
    copy = os.path.join(TMP, "kinds-copy")
    shutil.copy(KINDS, copy)
    d = os.path.join(TMP, "self")
    os.makedirs(d, exist_ok=True)
    rc, out, err = ldtest.run_batch([copy, d, "unlink-self"], ["break marker", "run", "bt",
                                                              "layout", "continue"], timeout=30)
    check(not os.path.exists(copy), "the fixture did not unlink itself")
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)


t.case("a deleted program binary: attach and -batch exit 0, symbols from the running file",
       deleted_binary)


def newline_paths():
    d = os.path.join(TMP, "n\nl")
    os.makedirs(d)
    prog = os.path.join(d, "kin\nds")
    shutil.copy(KINDS, prog)
    rc, out, err = ldtest.run_batch(
        [prog, d], ["break marker", "run", "info proc mappings", "vmmap", "layout", "bt",
                    "info sharedlibrary", "info breakpoints", "info threads", "xinfo marker",
                    "continue"], timeout=30)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    for line in out.splitlines():
        # a newline let through starts a line with the rest of the name
        check(not re.match(r"^(l/kin|ds|line)\b", line), "a path split over lines: %r" % line,
              out)
    search(r"^Starting program: %s$" % re.escape(prog.replace("\n", "\\n")), out, "escaped path")
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    check(sum(1 for r in rows if r["objfile"].endswith("/kin\\012ds")) == 5,
          "the program's five mappings, one line each", out)
    search(r'^\* 1\s+LWP \d+ "kin\\nds"', out, "the thread's whole name, escaped")


t.case("paths and names with newlines: one line each, escaped", newline_paths)


def diff_pages():
    d = os.path.join(TMP, "diff")
    os.makedirs(d, exist_ok=True)
    html, svg = os.path.join(TMP, "d.html"), os.path.join(TMP, "d.svg")
    rc, out, err = ldtest.run_batch(
        [KINDS, d], ["break main", "run", "snapshot", "break marker", "continue", "snapshot",
                     "export %1..%2 " + html, "export %1..%2 " + svg, "diff %1 %2"],
        timeout=30)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    search(r"^Exported %%1\.\.%%2 to %s$" % re.escape(html), out, "the export message")
    root = ET.parse(html).getroot()          # well-formed XML
    body = root.find("body")
    check(body.find("div/" + NS + "svg") is not None, "no diff picture in the page")
    rows = [tr for tr in body.iter("tr")][1:]
    # the mappings that changed (pages alone, "~ touched", are no row)
    n = len(re.findall(r"^(?:[+\-]|~ (?!touched))", out[out.index("diff %1 -> %2"):], re.M))
    check(len(rows) == n, "%d rows in the page, `diff` says %d changes" % (len(rows), n), out)
    check(any("/dev/zero (deleted)" in "".join(tr.itertext()) for tr in rows),
          "the page does not list the /dev/zero mapping")
    check("program break: 0x" in open(html, encoding="utf-8").read(), "no program break line")


t.case("export A..B FILE.html: the diff picture and a row per change `diff` reports",
       diff_pages)


def text_right(el):
    size = float(el.get("font-size") or 11)
    n = len("".join(el.itertext()))
    x = float(el.get("x"))
    return x if el.get("text-anchor") == "end" else x + 0.6 * size * n


def diff_svg_width():
    diff_pages()
    root = ET.parse(os.path.join(TMP, "d.svg")).getroot()
    width = float(root.get("width"))
    sep = [float(l.get("x1")) for l in root.iter(NS + "line") if l.get("y1") == "72"]
    check(len(sep) == 1, "no line between the columns")
    texts = [e for e in root.iter(NS + "text")]
    right = max(text_right(e) for e in texts)
    # measured: the canvas ends a margin after the widest text (or the
    # legend's five items), not at a fixed width
    check(right <= width <= max(right, 810) + 30,
          "width %g for texts ending at %.0f" % (width, right))
    # column A's texts (from the column heading down, the legend below
    # spans both) end before B starts
    legend = {id(e) for g in root.iter(NS + "g") if g.get("class") == "legend"
              for e in g.iter(NS + "text")}
    over = [("".join(e.itertext())[:50], text_right(e)) for e in texts
            if id(e) not in legend and float(e.get("y")) >= 88 and
            float(e.get("x")) < sep[0] and text_right(e) > sep[0]]
    check(not over, "column A's labels run into column B at x %.0f: %r" % (sep[0], over[:3]))


t.case("the diff SVG's width fits its labels (measured); A's labels stop before B",
       diff_svg_width)

sys.exit(t.done())
