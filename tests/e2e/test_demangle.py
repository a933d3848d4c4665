#!/usr/bin/env python3
"""C++ names demangled (issue 15 item 2), against gdb on the cxxnames
fixture: `bt` frame names at a stop in a method, a template and a plain
function equal gdb's (up to main, where gdb stops); `break` by the
demangled name -- `thrower`, `ns::Class::method` (every overload),
`'ns::Class::method(double)'` (one) -- lands where gdb's does; `info
symbol` names the symbol with its parameters as gdb does; the program's
own exception is thrown and caught under layoutdbg.  C programs' names
are pinned by test_golden."""
import os
import re
import subprocess
import sys

import ldtest
from ldtest import check, search

CXX = ldtest.fixture("cxxnames")
t = ldtest.Tap(6)

FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(", re.M)
BREAK_AT = r"^Breakpoint 1 at (0x[0-9a-f]+)"


def need():
    if not os.path.exists(CXX):
        raise ldtest.Skip("no C++ compiler: fixture cxxnames not built")


def gdb(cmds):
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb not installed")
    argv = ["gdb", "-nx", "-q", "-batch"]
    for c in cmds:
        argv += ["-ex", c]
    p = subprocess.run(argv + [CXX], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=ldtest.env({"DEBUGINFOD_URLS": None}), timeout=60,
                       cwd=os.path.dirname(CXX))
    return p.stdout.decode("utf-8", "replace")


def ours(cmds):
    rc, out, err = ldtest.run_batch([CXX], cmds + ["kill"])
    check(not err.strip() or "kill" in err, "unexpected errors: %s" % err, out)
    return out


def names_to_main(out):
    names = FRAME.findall(out)
    check("main" in names, "no main frame", out)
    return names[:names.index("main") + 1]


def bt_like_gdb(spec, want):
    need()
    cmds = ["break " + spec, "run", "bt"]
    g = names_to_main(gdb(cmds))
    o = names_to_main(ours(cmds))
    check(o == g, "bt names: ours %r, gdb %r" % (o, g))
    check(o == want, "bt names %r, want %r" % (o, want))


def break_like_gdb(spec):
    """`break SPEC` before run: the same link-time address as gdb's."""
    need()
    g = re.search(BREAK_AT, gdb(["break " + spec]), re.M)
    check(g, "gdb did not resolve %s" % spec)
    o = search(BREAK_AT, ours(["break " + spec]), "our break line")
    check(o.group(1) == g.group(1), "break %s: ours %s, gdb %s" % (spec, o.group(1), g.group(1)))


def methods():
    bt_like_gdb("ns::Class::method", ["ns::Class::method", "main"])


def templates():
    bt_like_gdb("add<int>", ["add<int>", "main"])


def thrower():
    bt_like_gdb("thrower", ["thrower", "main"])
    out = ours(["break thrower", "run"])
    search(ldtest.stop_rx(1, "thrower"), out, "stop line names thrower")


def breaks():
    for spec in ["thrower", "ns::Class::method",
                 "'ns::Class::method(double)'", "ns::twice"]:
        break_like_gdb(spec)
    # the linkage name still works (gdb refuses it; we keep it)
    a = search(BREAK_AT, ours(["break thrower"]), "break thrower").group(1)
    b = search(BREAK_AT, ours(["break _Z7throweri"]), "break _Z7throweri").group(1)
    check(a == b, "break _Z7throweri at %s, thrower at %s" % (b, a))


def info_symbol():
    need()
    for spec, want in [("ns::Class::method", "ns::Class::method(int)"),
                       ("add<int>", "int add<int>(int, int)")]:
        cmds = ["break " + spec, "run", "info symbol $pc"]
        rx = r"^(\S.* in section \.text.*)$"      # the object too, as gdb names it
        g = search(rx, gdb(cmds), "gdb's info symbol").group(1)
        o = search(rx, ours(cmds), "our info symbol").group(1)
        check(o == g, "info symbol: ours %r, gdb %r" % (o, g))
        check(o.startswith(want + " + "), "not demangled: %r" % o)


def exception():
    need()
    rc, out, err = ldtest.run_batch([CXX], ["run"])
    search(r"^89$", out, "the program's output (its exception caught)")
    search(r"exited with code 0", out, "a clean exit")


t.case("bt in ns::Class::method: frame names equal gdb's", methods)
t.case("bt in add<int>: frame names equal gdb's", templates)
t.case("break thrower: stop line and bt name thrower as gdb", thrower)
t.case("break by demangled, mangled and parameter forms: gdb's address", breaks)
t.case("info symbol: demangled with parameters, equal to gdb", info_symbol)
t.case("an exception thrown and caught runs to a clean exit", exception)
sys.exit(t.done())
