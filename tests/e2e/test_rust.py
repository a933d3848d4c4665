#!/usr/bin/env python3
"""Rust names (issue 15 item 2) against gdb on the rustnames fixture (crate
`main`, built offline by rustc; skipped where no Rust compiler is
installed): `break main::make_vec` resolves where gdb's does, the stop
line names main::make_vec, and `bt` names every frame up to main::main as
gdb does (gdb stops there: Rust's main)."""
import os
import re
import sys

import ldtest
from ldtest import check, search

PROG = ldtest.fixture("rustnames")
t = ldtest.Tap(2)
FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(", re.M)


def need():
    if not os.path.exists(PROG):
        raise ldtest.Skip("no Rust compiler: fixture rustnames not built")
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb not installed")


def gdb(cmds):
    return ldtest.gdb_batch(PROG, cmds, cwd=os.path.dirname(PROG), keep_stderr=False)


def ours(cmds):
    rc, out, err = ldtest.run_batch([PROG], cmds + ["kill"])
    check(not err.strip() or "kill" in err, "unexpected errors: %s" % err, out)
    return out


def break_make_vec():
    need()
    rx = r"^Breakpoint 1 at (0x[0-9a-f]+): file (\S+), line (\d+)\.$"
    g = search(rx, gdb(["break main::make_vec"]), "gdb's break").groups()
    o = search(rx, ours(["break main::make_vec"]), "our break").groups()
    # the file as each names it (gdb: as recorded; we: from the cwd)
    check((o[0], os.path.basename(o[1]), o[2]) == (g[0], os.path.basename(g[1]), g[2]),
          "break main::make_vec: ours %r, gdb %r" % (o, g))


def bt_names():
    need()
    cmds = ["break main::make_vec", "run", "bt"]
    g, out = gdb(cmds), ours(cmds)
    search(r"^Breakpoint 1, main::make_vec \(", out, "stop line names main::make_vec")
    gn = FRAME.findall(g)
    on = FRAME.findall(out)
    check(gn and gn[-1] == "main::main", "gdb's frames: %r" % gn)
    check(on[:len(gn)] == gn, "bt names: ours %r, gdb %r" % (on[:len(gn)], gn))


t.case("break main::make_vec: gdb's address, file and line", break_make_vec)
t.case("bt names up to main::main equal gdb's", bt_names)
sys.exit(t.done())
