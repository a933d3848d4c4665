#!/usr/bin/env python3
"""`x` like gdb (issue 16, item 3): gdb and layoutdbg run the same x
commands at the same stop of fixtures/xdata.c, and the whole text after
a marker must be equal, character for character (layoutdbg with `set
print layout off`): every format (x z d u o t c a f s i) and unit, the
format, unit and count x remembers from one command to the next, `x`
alone going on where the last one ended, negative counts, x/s with
escapes, repeat blocks and the 200-character cut, x/sh and x/sw (UTF-16
and UTF-32: surrogate pairs, \\ooo and \\xHEX escapes), floats and a NaN,
<sym+off> labels, and the original bytes under a breakpoint (x/8xb and
x/2i over the int3 at ready)."""
import re
import subprocess
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(4)
XDATA = ldtest.fixture("xdata")
MARK = 'x/s &marker'

CMDS = """x/8gx &halves
x
x/2
x/4s &words
x/16xb &halves
x/3dw &halves
x &halves
x/2f &halves
x/4c &chars
x/3uh &halves
x/2o &halves
x/2t &halves
x/2z &halves
x/2x &halves
x/3
x/s &words
x/2x &halves
x/2a &halves
x/2x &halves
x/3c &chars
x/2x &halves
x/2f &halves
x/2c &halves
x/2f &halves
x/2dg &halves
x/2ub &bits
x
x/2f &dbl
x/2fw &flt
x/2fg &dbl
x/s &esc
x/s &rep
x/s &runs
x/sh &wide
x/sw &wide32
x/2sh &halves
x/sw &words
x/sh &esc
x/2x &halves
x/2s &longstr
x/4c &odd
x/4a &ptrs
x/4gx &ptrs
x/2s &odd
x/2s 0x20000ff0
x/2wx ready
x/2ow &marker
x/tw &marker
x/-2x &bits
x/3ub &bits
x/8xb ready
x/2i ready
x
x/2i $pc
x/2x &halves
x/2fh &halves
x/2fb &halves
x/2cw &halves
x/2ob &marker
x/3tb &bits
x/2dh &halves
x/10dh &halves
x/3xh &halves
x/4ub &chars""".splitlines()


def after_marker(text, who):
    lines = text.splitlines()
    at = [i for i, l in enumerate(lines) if l.endswith('\t"MARK"')]
    check(at, "%s printed no marker line" % who, text)
    return "\n".join(lines[at[0] + 1:]) + "\n"


_out = {}


def ours(layout="off"):
    if layout not in _out:
        cmds = ["set print layout %s" % layout, "break ready", "run", MARK] + CMDS
        rc, out, err = ldtest.run_batch([XDATA], cmds, timeout=60)
        check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
        _out[layout] = after_marker(out, "layoutdbg")
    return _out[layout]


def gdbs():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    argv = ["gdb", "-q", "-batch", "-nx", "-ex", "set startup-with-shell off",
            "-ex", "break ready", "-ex", "run", "-ex", MARK]
    for c in CMDS:
        argv += ["-ex", c]
    # gdb prints a character as it is where its locale's iswprint says so
    # (in the C locale: none beyond ASCII); layoutdbg writes UTF-8 in any
    # locale, as gdb does in a UTF-8 one
    p = subprocess.run(argv + [XDATA], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=ldtest.env({"LC_ALL": "C.UTF-8"}), timeout=60)
    err = p.stderr.decode("utf-8", "replace")
    check(not err.strip() or "libthread_db" in err, "gdb's stderr %r" % err)
    return after_marker(p.stdout.decode("utf-8", "replace"), "gdb")


def whole_equal():
    import difflib
    a, b = ours(), gdbs()
    check(a == b, "x output differs from gdb's", "".join(difflib.unified_diff(
        b.splitlines(True), a.splitlines(True), "gdb", "layoutdbg")))
    check(len(a.splitlines()) > 60, "only %d lines" % len(a.splitlines()), a)


def no_int3():
    # ready's bytes under the breakpoint: gdb's, and never 0xcc where the
    # program file has none (the int3 sits at ready+4, the first byte after
    # the prologue of push %rbp; mov %rsp,%rbp)
    line = [l for l in ours().splitlines() if l.startswith("0x") and "<ready>:\t0x55\t" in l]
    check(line and "0xcc" not in line[0], "x/8xb ready shows %r" % line, ours())


def layout_on():
    # with the layout on, only the annotations are added: removing every
    # " <...>" note after a value (not the line labels) gives gdb's text
    import re
    on, off = ours("on"), ours("off")
    check(on != off, "set print layout on changed nothing", on)
    strip = re.compile(r"(\t0x[0-9a-f]+) <[^>\t]*>(?: \([^)\t]*\))?")
    check(strip.sub(r"\1", on) == strip.sub(r"\1", off),
          "layout on differs from off beyond the notes", on + "\n---\n" + off)
    check("\t0x0 <null>" in on and "(xdata .data)" in on, "no null / data notes", on)




def before_run():
    """Before `run`, x and disassemble read the program file as gdb's do:
    link-time addresses, .data and .rodata as the file has them, .bss as
    zeros, code from .text; an address in no section is an error (gdb
    reads sections, not the ELF header the first segment maps)."""
    prog = ldtest.fixture("values")
    cmds = ["x/4dw &g_small", "x/s g_greeting", "x/2i main", "x/2xg &g_zeros",
            "x/a &g_greeting", "disassemble square", "x/3c g_text", "x/2s g_greeting",
            "x", "x/2x 0", "x/2i $pc"]
    g = ldtest.gdb_batch(prog, cmds)
    rc, out, err = ldtest.run_batch([prog], cmds)
    gl = [l for l in g.splitlines() if "Cannot access" not in l and l != "No registers."]
    check(out.splitlines() == gl, "ours:\n%s\ngdb's:\n%s" % (out, "\n".join(gl)), out)
    check(re.search(r"<g_small>:\t1\t2\t3\t4$", out, re.M), "x/4dw &g_small", out)
    check(err.splitlines() == ["layoutdbg: x: cannot access memory at 0x0: Input/output error",
                               'layoutdbg: x: "$pc": no registers: no process'] and rc == 1,
          "errors: rc %d, %r" % (rc, err))


t.case("x in every format and unit prints gdb's whole text", whole_equal)
t.case("before run: x and disassemble read the program file, as gdb's", before_run)
t.case("x shows the original bytes under a breakpoint", no_int3)
t.case("set print layout on only adds the notes to x/a and x/gx values", layout_on)
sys.exit(t.done())
