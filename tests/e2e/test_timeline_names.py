#!/usr/bin/env python3
"""Every layout change tied to the call that caused it, by name (issue 15):
the `heap` fixture's whole memory timeline, with libc6-dbg installed, names
every frame of every entry as gdb's backtrace names it at a `catch syscall`
stop for the same call - inline frames included, ld.so's start-up calls
included.  gdb is the oracle; the comparison runs from the innermost frame
to `main` (or to ld.so's `_start`, past which gdb walks into garbage)."""
import json
import os
import re
import shutil
import subprocess

import ldtest
from ldtest import check

t = ldtest.Tap(3)
HEAP = ldtest.fixture("heap")
MEMORY_CALLS = "brk mmap munmap mprotect mremap madvise"
LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6"

# gdb's Python API walks each stop's frames (inline ones included) and
# prints them on one line; `catch syscall` stops at the call and at its
# return: the call's stops are the odd ones.
GDB_WALK = r'''
import gdb
def _on_stop(ev):
    f = gdb.newest_frame()
    names = []
    while f is not None:
        names.append(f.name() or "??")
        f = f.older()
    print("STOP " + " ".join(names))
gdb.events.stop.connect(_on_stop)
'''


def build_id(path):
    out = subprocess.run(["readelf", "-n", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout.decode()
    m = re.search(r"Build ID: ([0-9a-f]+)", out)
    return m.group(1) if m else None


def need_debug_files():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    if not shutil.which("readelf"):
        raise ldtest.Skip("readelf is not installed")
    bid = build_id(LIBC)
    if not bid or not os.path.exists("/usr/lib/debug/.build-id/%s/%s.debug"
                                     % (bid[:2], bid[2:])):
        raise ldtest.Skip("libc6-dbg is not installed (libc's separate debug "
                          "file is missing)")


def trim(names):
    """Up to and including main, or ld.so's _start."""
    for stop in ("main", "_start"):
        if stop in names:
            return names[:names.index(stop) + 1]
    return names


def gdb_timeline():
    d = os.environ.get("TMPDIR", "/tmp")
    script = os.path.join(d, "ldtest-tlnames-%d.py" % os.getpid())
    with open(script, "w") as f:
        f.write(GDB_WALK)
    try:
        cmd = ["gdb", "-nx", "-q", "-batch", "-ex", "set debuginfod enabled off",
               "-ex", "set startup-with-shell off", "-ex", "source " + script,
               "-ex", "catch syscall " + MEMORY_CALLS, "-ex", "run"]
        cmd += ["-ex", "continue"] * 200
        p = subprocess.run(cmd + [HEAP], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=ldtest.env({"DEBUGINFOD_URLS": ""}), timeout=120)
    finally:
        os.unlink(script)
    stops = [ln[5:].split() for ln in p.stdout.decode("utf-8", "replace").splitlines()
             if ln.startswith("STOP ")]
    check(stops and len(stops) % 2 == 0,
          "gdb's catch syscall stops do not come in call/return pairs",
          p.stdout.decode("utf-8", "replace"))
    return [trim(s) for s in stops[0::2]]


def layoutdbg_timeline():
    """The frames of every entry of `timeline` (JSON), as recorded at the call."""
    rc, out, err = ldtest.run_batch([HEAP], ["trace memory until exit", "timeline"],
                                    opts=["--json"], timeout=180)
    check(rc == 0, "timeline: exit %d: %s" % (rc, err), out)
    docs = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
    listing = [d for d in docs if d.get("command") == "timeline"]
    check(listing, "no timeline document", out)
    entries = listing[-1]["timeline"].get("entries") or []
    check(entries, "the timeline is empty", out)
    return [trim([fr.get("function") or "??" for fr in e.get("frames", [])])
            for e in entries]


def same_timeline():
    need_debug_files()
    want = gdb_timeline()
    got = layoutdbg_timeline()
    check(len(want) == len(got),
          "gdb stopped at %d memory calls, layoutdbg recorded %d"
          % (len(want), len(got)))
    bad = ["entry %d:\n  gdb:       %s\n  layoutdbg: %s" % (i + 1, " ".join(w), " ".join(g))
           for i, (w, g) in enumerate(zip(want, got)) if w != g]
    check(not bad, "%d of %d entries name their frames differently from gdb\n%s"
          % (len(bad), len(want), "\n".join(bad)))
    return want


state = {}


def whole():
    state["want"] = same_timeline()


def heap_growth():
    """The heap's growth, named as the issue's gdb session names it."""
    need_debug_files()
    want = state.get("want") or gdb_timeline()
    growth = [w for w in want if "__libc_calloc" in w]
    check(growth, "gdb saw no memory call under calloc: %s" % want)
    for name in ("sysmalloc", "_int_malloc", "tcache_init", "__libc_calloc", "main"):
        check(name in growth[0], "gdb's own walk lacks %s: %s" % (name, growth[0]))


def ldso_named():
    """No entry of ld.so's start-up says ?? where gdb has a name."""
    need_debug_files()
    got = layoutdbg_timeline()
    unnamed = [g for g in got if "??" in g]
    check(not unnamed, "%d entries have unnamed frames: %s" % (len(unnamed), unnamed[:3]))


t.case("the whole heap timeline names every frame as gdb does", whole)
t.case("gdb's own walk of the heap growth has sysmalloc..main (the oracle works)",
       heap_growth)
t.case("no frame of any entry is ?? (ld.so's start-up calls included)", ldso_named)
raise SystemExit(t.done())
