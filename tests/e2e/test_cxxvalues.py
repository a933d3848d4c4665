#!/usr/bin/env python3
"""C++ values (issue 16, "C++ classes and references") against gdb 13 on
the cxxvalues fixture, at -O0 and -O2: print, ptype, whatis, info locals
and info args at stops inside methods (this, *this, members by their bare
names), a function taking references, and after `up` in main; base
classes (<Base> = {...}), the vptr, static members, access labels,
methods and constructors in ptype, references ((int &) @0x...: 5), an
enum class, a namespace's globals (ns::counter), casts to a base class
pointer (moved by the base's offset), a pointer to a data member.  gdb
runs with -nx (no pretty printers; the fixture uses no standard library).
Bad input: one line per construct."""
import os
import re

import ldtest
from ldtest import check

FIX = ldtest.fixture("cxxvalues")
FIX2 = ldtest.fixture("cxxvalues-O2")
t = ldtest.Tap(13)

# The lines both debuggers print for values and types: $N = ..., type =
# ... and a ptype body with its access labels, NAME = VALUE of info
# locals/args.
VALUE_LINE = re.compile(r"^(\$\d+ = |type = |    |  (public|private|protected):$|\}|"
                        r"[A-Za-z_]\w* = |No locals|No arg)")
STACK = re.compile(r"0x7ff[0-9a-f]{9}")

# Anywhere in the program (globals, types, expressions).
GLOBALS = [
    "p gd", "p gm", "p gp", "p gbase", "p *gbase", "p gcolor", "p ns::counter",
    "p ns::origin", "p ns::origin.y", "p gm.o", "p gm.b", "p gm.d", "p gm.m",
    "p gm.count", "p (Base *)&gm", "p (Other *)&gm", "p *(Other *)&gm",
    "p ((Other *)&gm)->o", "p (Derived *)gbase", "p *(Derived *)gbase",
    "p gbase->b", "p gm.Base::b", "p gm.Other::o", "p ns::Color::Green",
    "p (int)ns::Color::Green", "p ::gp", "p gm.get", "p gm.f", "p Derived::sum",
    "p Base::count", "p sizeof(Multi)", "p sizeof(gd)", "p gpm", "p &gm.o",
    "p gp.c", "p sizeof(gpm)", "p/x gpm", "whatis gd", "whatis gm.o", "whatis gcolor", "whatis gbase",
    "whatis ns::origin", "whatis gpm", "ptype gpm", "ptype Derived",
    "ptype Base", "ptype Multi", "ptype Other", "ptype Plain", "ptype ns::Color",
    "ptype ns::Point", "ptype gbase", "ptype gm", "whatis Derived",
    "output gd", "output ns::counter",
    "p wk", "p WithK::K", "p wk.L", "p rh", "p rh.r", "p gw", "ptype gw",
    "ptype Word", "p dia", "p dia.vb", "p dia.Left::l", "p (VB *)&dia",
    "ptype Diamond", "ptype Left", "p outer::inner::deep", "p gin",
    "p outer::inner::In::sq", "ptype outer::inner::In", "ptype WithK",
    "ptype Empty", "p sizeof(Empty)", "whatis gin", "ptype RefHolder",
    "p an", "ptype an", "whatis an", "p hidden", "p bi", "ptype bi", "whatis bi",
    "p bd", "ptype bd", "p sh", "ptype sh", "ptype Shape",
    "p sh.kind", "p Shape::CIRCLE", "p Shape::total", "whatis sh.kind",
    "p bi.get", "p sh.sum", "ptype Shape::total",
    "p Box<int>::made", "ptype Box<int>", "whatis Box<double>",
    "p sizeof(Box<double>)", "p (Box<int> *)&bi", "p gd.d < 5", "p !gm.m",
    "whatis gd.d == 2", "p (gd.d == 2) + 1", "p gd.d<3", "p gd.d>1",
    "p gp.*gpm", "p (&gp)->*gpm", "p gp.*gpm + 1", "whatis gp.*gpm", "p gd.*gpm",
    "p ring", "p Ring::other", "p Link::back.x", "ptype Ring",
    "p gvec", "ptype gvec", "whatis gvec", "ptype Vec<int, Alloc<int> >",
    "p gvec.first", "whatis gvec.first", "p sizeof(gvec)",
]
IN_SUM = ["info args", "p *this", "p this", "p d", "p b", "p k", "p this->d",
          "p this->b", "p count", "p this->count", "p (*this).d", "whatis this",
          "ptype this", "whatis *this", "p sizeof(*this)", "p d + b * 10"]
IN_REFS = ["info args", "p r", "p cr", "p rr", "p bref", "p dp", "p *dp",
           "p dp->b", "p bref.b", "p r + cr", "whatis r", "ptype cr", "whatis rr",
           "whatis bref", "ptype bref", "whatis dp", "p &r", "p *&r",
           "p sizeof(bref)"]
IN_MULTI = ["p *this", "p this", "p m", "p o", "p d", "p b", "p this->o",
            "p count", "whatis this", "p m + o"]
IN_MAIN = ["up", "info locals", "p d", "p x", "p cx", "p s", "p bp", "p *bp",
           "whatis d", "whatis cx"]


def need(path=FIX):
    if not os.path.exists(path):
        raise ldtest.Skip("no C++ compiler: fixture %s not built" % os.path.basename(path))
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb not installed")


def values(text):
    """The value lines, `output`'s text split off, stack addresses masked."""
    text = re.sub(r"(\S)(\$\d+ = )", r"\1\n\2", text)
    return [STACK.sub("0x7ff...", ln) for ln in text.splitlines()
            if VALUE_LINE.match(ln)]


def same_as_gdb(prog, stop, cmds, errors_ok=False):
    need(prog)
    g = values(ldtest.gdb_batch(prog, stop + cmds, timeout=120))
    rc, o, err = ldtest.run_batch([prog], ["set print layout off"] + stop + cmds +
                                  ["kill"], timeout=120)
    o = values(o)
    if not errors_ok:
        check(not [ln for ln in err.splitlines() if ln.startswith("layoutdbg:")],
              "errors: %s" % err)
    diff = [(a, b) for a, b in zip(g, o) if a != b]
    check(len(g) == len(o) and not diff,
          "%d lines from gdb, %d ours; first difference: %r" %
          (len(g), len(o), diff[:1] or (g[len(o):len(o) + 1], o[len(g):len(g) + 1])))
    check(len(g) >= len(cmds) // 2, "too few value lines: %r" % g)
    return g


def case_globals():
    g = same_as_gdb(FIX, ["break Derived::sum", "run"], GLOBALS)
    # what the issue names, literally
    check(any(re.match(r"^\$\d+ = \{<Base> = \{_vptr\.Base = 0x[0-9a-f]+ "
                       r"<vtable for Derived\+16>, static count = 3, b = 1\}, d = 2\}$", ln)
              for ln in g), "a derived object with its base: %r" % g)
    check("type = class Derived : public Base {" in g, "ptype's class line", g)


def case_methods():
    g = same_as_gdb(FIX, ["break Derived::sum", "run"], IN_SUM)
    check("$5 = 4" in g or any(ln.endswith(" = 4") for ln in g), "d through this", g)
    same_as_gdb(FIX, ["break Multi::f", "run"], IN_MULTI)


def case_references():
    g = same_as_gdb(FIX, ["break take_refs", "run"], IN_REFS)
    check(any(re.match(r"^\$\d+ = \(int &\) @0x7ff\.\.\.: 5$", ln) for ln in g),
          "print ref: (int &) @0x...: 5", g)
    check("r = @0x7ff...: 5" in g, "info args' reference", g)


def case_main_frame():
    same_as_gdb(FIX, ["break done", "run"], IN_MAIN + ["info args", "down", "info args"])


def case_bare_names():
    """A namespace's or class's variable by its bare name: found from
    within that scope only, as gdb finds it (gdb's "No symbol" where it is
    out of reach, the value where it is not)."""
    need()
    runs = [(["break done", "run"], ["p origin", "p counter", "p count", "p deep",
                                     "p gp", "p ns::origin"]),
            (["break Base::get", "run"], ["p count", "p origin", "p b", "p gp"])]
    for stop, exprs in runs:
        g = ldtest.gdb_batch(FIX, stop + exprs, timeout=120)
        rc, o, err = ldtest.run_batch([FIX], ["set print layout off"] + stop + exprs +
                                      ["kill"], timeout=120)
        for e in exprs:
            name = e.split()[-1]
            gn = 'No symbol "%s" in current context.' % name in g
            on = 'no symbol "%s" in current context' % name in err
            check(gn == on, "%s at %s: gdb %s, ours %s" % (e, stop[0], "no symbol" if gn
                  else "a value", "no symbol" if on else "a value"), o + err)
        check(values(o) == [v for v in values(g)], "values: ours %r, gdb %r"
              % (values(o), values(g)))


def case_optimized():
    need(FIX2)
    same_as_gdb(FIX2, ["break Derived::sum", "run"],
                ["info args", "info locals", "p *this", "p d", "p b", "p k"])
    same_as_gdb(FIX2, ["break take_refs", "run"],
                ["info args", "info locals", "p r", "p bref", "p *dp"])
    same_as_gdb(FIX2, ["break Multi::f", "run"], ["p *this", "p m", "p o"])
    g = same_as_gdb(FIX2, ["break done", "run"], IN_MAIN + ["p gm", "p ns::counter"])
    check("s = <optimized out>" in g, "-O2: a local <optimized out>", g)


def case_bad_input():
    need()
    bad = {
        "p ns::nope": 'print: no symbol "nope" in namespace "ns"',
        "p Base::nope": "print: there is no field named nope",
        "p Nope::x": 'print: no symbol "Nope" in current context',
        "p gm.nope": "print: there is no member or method named nope",
        "p gm.Other::b": "print: there is no member or method named Other::b",
        "p gm.other": "print: cannot take address of method other",
        "p gp.*gp": "print: the right side of `.*' is not a pointer to a member",
        "p 3->*gpm": "print: the left side of `->*' is not a pointer to an object",
        "p ns::": "print: syntax error near `::'",
        "p *gpm": "print: attempt to dereference pointer to member without an object",
        "p gpm + 1": "print: argument to arithmetic operation not a number or boolean",
        "p (Nope *)gbase": "print: syntax error near `)gbase'",
        "p this": 'print: no symbol "this" in current context',
        "p ns::Color::Purple": "print: there is no field named Purple",
        "ptype ns::Nope": 'ptype: no symbol "Nope" in namespace "ns"',
    }
    ldtest.check_errors(FIX, ["break done", "run"], bad)


def case_info_address():
    """info address and info scope with C++ names: qualified, a member of
    *this (gdb's words), a method with its parameters."""
    need()
    cmds = ["break Derived::sum", "run", "info address Base::count",
            "info address ns::counter", "info address d", "info address this",
            "info scope Derived::sum", "info address Derived::sum",
            "info address take_refs", "info address gd"]
    keep = re.compile(r"^(Symbol |Scope for |     \d+: |, length|\.$)")
    g = [ln for ln in ldtest.gdb_batch(FIX, cmds).splitlines() if keep.match(ln)]
    rc, o, err = ldtest.run_batch([FIX], cmds + ["kill"])
    o = [ln for ln in o.splitlines() if keep.match(ln)]
    check(o == g and len(g) >= 10, "ours %r, gdb %r" % (o, g), err)


def case_conditions():
    """Conditions on members by their bare names inside methods: a true one
    stops, a false one never does, the program's result unchanged."""
    need()
    rc, out, err = ldtest.run_batch([FIX], ["break Derived::sum if d == 4 && count == 3",
                                            "break Multi::f if o == 5", "run", "p k",
                                            "continue"])
    check(out.count("Breakpoint 1, ") == 1 and "Breakpoint 2, " not in out,
          "stops: %s" % out, err)
    check(re.search(r"^\$1 = 5$", out, re.M), "k at the stop", out)
    check("exited with code 0" in out, "the program's result", out)


def case_layout():
    """With layout annotations on (the default) a reference's address is
    placed like a pointer: the stack of the frame holding its referent, a
    global's symbol with its section."""
    need()
    rc, out, err = ldtest.run_batch([FIX], ["break take_refs", "run", "p r", "info args",
                                            "p rh", "kill"])
    for pat in [r"^\$1 = \(int &\) @0x7ff[0-9a-f]+ <stack, thread 1, frame #1>: 5$",
                r"^bref = @0x[0-9a-f]+ <gm> \(cxxvalues \.bss\): \{_vptr\.Base = ",
                r"^\$2 = \{r = @0x[0-9a-f]+ <ns::counter> \(cxxvalues \.data\), name = "]:
        check(re.search(pat, out, re.M), "no line like %s" % pat, out)


def case_x():
    """x with C++ expressions (members, :: names) and gdb's labels: a C++
    symbol by its linkage name, as gdb's x shows it (asm-demangle off)."""
    need()
    cmds = ["break Derived::sum", "run", "x/s rh.name", "x/2dw &ns::origin",
            "x/2xw &gd.d", "x/4xw this", "x/2dw &Base::count", "x/xg &gm.m"]
    keep = re.compile(r"^0x[0-9a-f]+( <[^>]*>)?:\t")
    g = [STACK.sub("0x7ff...", ln) for ln in
         ldtest.gdb_batch(FIX, cmds).splitlines() if keep.match(ln)]
    rc, o, err = ldtest.run_batch([FIX], ["set print layout off"] + cmds + ["kill"])
    o = [STACK.sub("0x7ff...", ln) for ln in o.splitlines() if keep.match(ln)]
    check(o == g and len(g) == 6, "ours %r, gdb %r" % (o, g), err)
    check(any("<_ZN2ns6originE>" in ln for ln in o), "a linkage name label", o)


def case_json():
    """--json documents of C++ values validate against the schema (run_batch
    checks each one) and carry gdb's text."""
    need()
    rc, out, err = ldtest.run_batch([FIX], ["break take_refs", "run", "p gd", "p r",
                                            "info args", "ptype Derived", "whatis gbase",
                                            "kill"], opts=["--json"])
    check('<Base> = {_vptr.Base = 0x' in out, "a base class in the value text", out)
    check('class Derived : public Base {' in out, "ptype's text", out)
    check('"type":"int &"' in out or '"type": "int &"' in out, "a reference's type", out)


def case_before_run():
    """Before `run`: the file's globals and every type, as gdb prints them
    from the file (zeros where constructors have not run)."""
    need()
    g = values(ldtest.gdb_batch(FIX, ["p gp", "p gm", "p ns::counter", "ptype Multi",
                                      "p Base::count", "whatis ns::origin"]))
    rc, o, err = ldtest.run_batch([FIX], ["set print layout off", "p gp", "p gm",
                                          "p ns::counter", "ptype Multi",
                                          "p Base::count", "whatis ns::origin"])
    check(values(o) == g, "ours %r, gdb %r" % (values(o), g), err)


for name, fn in [("globals, casts, ptype of classes as gdb", case_globals),
                 ("in methods: this, *this, bare member names as gdb", case_methods),
                 ("references: print, info args, ptype as gdb", case_references),
                 ("main's objects after up; info args as gdb", case_main_frame),
                 ("bare names reach a namespace's variables as gdb's do", case_bare_names),
                 ("-O2: values and <optimized out> as gdb", case_optimized),
                 ("bad input: one line per construct", case_bad_input),
                 ("info address, info scope with C++ names as gdb", case_info_address),
                 ("conditions on members inside methods", case_conditions),
                 ("references placed in the layout (set print layout on)", case_layout),
                 ("x with C++ expressions and labels as gdb", case_x),
                 ("--json documents of C++ values", case_json),
                 ("before run: the file's objects and types as gdb", case_before_run)]:
    t.case(name, fn)
t.done()
