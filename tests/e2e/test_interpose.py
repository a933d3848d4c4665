#!/usr/bin/env python3
"""Symbol interposition: `break SYM` resolves SYM where the dynamic linker
binds the program's calls to it -- the executable first, then its
libraries in load order -- as gdb stops there.  Two fixtures interpose a
libc symbol: `interpose` defines its own calloc, `shadow` is linked with
libshadow.so, which defines rand before libc does.  Oracles: the dynamic
linker's own LD_DEBUG=bindings report, and the pc where gdb's `break SYM`
first stops with main as the caller."""
import os
import re
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(9)

CASES = [  # fixture, symbol, the object that must define it (basename)
    ("interpose", "calloc", "interpose"),
    ("shadow", "rand", "libshadow.so"),
    ("heap", "calloc", "libc.so.6"),     # the control: nobody interposes
]

GDB_SCRIPT = """set pagination off
set confirm off
set startup-with-shell off
break %s
run
while !$_caller_is("main")
  continue
end
printf "ORACLE %%#lx\\n", $pc
kill
"""


def bound_to(fixture, sym):
    """The object the dynamic linker binds the program's SYM to."""
    e = ldtest.env()
    e["LD_DEBUG"] = "bindings"
    p = subprocess.run([ldtest.fixture(fixture)], env=e, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    text = p.stderr.decode("utf-8", "replace")
    prog = os.path.basename(fixture)
    rx = r"binding file \S*%s \[0\] to (\S+) \[\d+\]: normal symbol `%s'" % (
        re.escape(prog), re.escape(sym))
    m = re.search(rx, text)
    check(m, "LD_DEBUG=bindings names no binding of %s from %s" % (sym, prog), text)
    return os.path.basename(m.group(1))


def gdb_pc(fixture, sym):
    """Where gdb's `break SYM` stops for the first call from main."""
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    with tempfile.NamedTemporaryFile("w", suffix=".gdb") as f:
        f.write(GDB_SCRIPT % sym)
        f.flush()
        p = subprocess.run(["gdb", "-batch", "-nx", "-x", f.name, ldtest.fixture(fixture)],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=ldtest.env(), timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    m = re.search(r"^ORACLE (0x[0-9a-f]+)$", out, re.M)
    if not m and "$_caller_is" in out:
        raise ldtest.Skip("this gdb has no Python ($_caller_is)")
    check(m, "gdb never stopped in %s called from main" % sym, out)
    return int(m.group(1), 16)


def layoutdbg_stop(fixture, sym, started=False):
    """`break SYM` before `run`, or (started) at main, every library loaded."""
    cmds = ["break " + sym, "run"]
    if started:
        cmds = ["start", "break " + sym, "continue"]
    rc, out, err = ldtest.run_batch([ldtest.fixture(fixture)],
                                    cmds + ["info breakpoints", "info symbol $pc", "bt 2",
                                            "continue"],
                                    timeout=30)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    # What: "in SYM at FILE:LINE" where there are lines, else "SYM in OBJECT"
    m = search(r"^\d+\s+breakpoint\s+keep\s+y\s+(0x[0-9a-f]+)\s+(?:in %s at \S+|%s in \S+)$"
               % (sym, sym), out, "info breakpoints")
    # the object holding the stop (named as gdb names it, the program too)
    o = search(r"^%s(?: \+ \d+)? in section \S+ of (\S+)$" % sym, out, "info symbol $pc")
    return out, int(m.group(1), 16), o.group(1)


def linker_agrees(fixture, sym, obj):
    """The fixture does what its comment says (else the test proves nothing)."""
    got = bound_to(fixture, sym)
    check(got == obj, "the dynamic linker binds %s to %s, not %s" % (sym, got, obj))


for fx, sym, obj in CASES[:2]:
    t.case("%s: the dynamic linker binds %s to %s (LD_DEBUG=bindings)" % (fx, sym, obj),
           linker_agrees, fx, sym, obj)


def breaks_where_bound(fixture, sym, obj, started=False):
    out, addr, where = layoutdbg_stop(fixture, sym, started)
    check(os.path.basename(where) == obj, "break %s resolved in %s, the dynamic linker "
          "binds it to %s" % (sym, where, obj), out)
    # the first stop is the program's own call: main is the caller
    first = search(r"^(Breakpoint \d+, .*)$", out, "first stop").group(1)
    check(re.search(r"\b%s \(" % sym, first), "first stop %r" % first, out)
    search(r"^#1\s+0x[0-9a-f]+ in main \(", out, "caller of %s" % sym)
    search(r"^\[process \d+ exited with code 0\]$", out, "exit")


for fx, sym, obj in CASES[:2]:
    t.case("%s: break %s stops in %s's, called from main" % (fx, sym, obj),
           breaks_where_bound, fx, sym, obj)
    t.case("%s: start, then break %s (every library loaded): %s's" % (fx, sym, obj),
           breaks_where_bound, fx, sym, obj, True)


def same_pc_as_gdb(fixture, sym):
    want = gdb_pc(fixture, sym)
    out, addr, where = layoutdbg_stop(fixture, sym)
    check(addr == want, "break %s at %#x (%s), gdb stops at %#x" % (sym, addr, where, want),
          out)


for fx, sym, obj in CASES:
    t.case("%s: break %s at the pc where gdb stops for main's call" % (fx, sym),
           same_pc_as_gdb, fx, sym)

sys.exit(t.done())
