#!/usr/bin/env python3
"""Convenience variables as gdb has them: `set $k = EXPR` (and `set var`),
$k in expressions, a name never set is void; layoutdbg's own: $_ and $__
after x (the last unit examined and its contents), $bpnum after break,
$_exitcode and $_exitsignal after the program ends; the value history
records void values as gdb's does.  Every printed line equals gdb's."""
import re
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(4)
VALUES = ldtest.fixture("values")
SEGV = ldtest.fixture("segv")


def ours_and_gdbs(prog, cmds):
    g = ldtest.gdb_batch(prog, cmds, keep_stderr=False)
    rc, out, err = ldtest.run_batch([prog], ["set print layout off"] + cmds)

    def values(text):
        return [l for l in text.splitlines() if re.match(r"^\$\d+ = |^type = ", l)]
    return values(out), values(g), out, err


def same_as_gdb():
    cmds = ["p $nosuch", "p $nosuch", "set $k = g_small[2] * 10", "p $k", "p $k / 3",
            "whatis $k", "p $k == 30", "set var $k = $k + 1", "p $k", "p $$2",
            "set $s = g_records[1]", "p $s", "p $s.weight + 1.5", "set variable $t = &g_small[1]",
            "p $t", "p *$t", "p $t[1] + $k", "p $m = 6 * 7", "p $m + 1", "whatis $m",
            "x/4dw &g_small", "p $_", "p $__", "x/2xg &g_small", "p $_", "p $__",
            "x/3xb &g_small", "p $_", "p $__", "x/s g_greeting", "p $_", "p $__",
            "x/2i main", "p $_", "p $__",
            "break square", "p $bpnum", "tbreak hit", "p $bpnum", "p $_exitcode",
            "delete", "run", "p $_exitcode", "p $_exitsignal", "p $k", "p", "p $"]
    ours, gdbs, out, err = ours_and_gdbs(VALUES, cmds)
    check(len(gdbs) > 30 and ours == gdbs,
          "ours:\n%s\ngdb's:\n%s" % ("\n".join(ours), "\n".join(gdbs)), out)
    check(err == "", "stderr %r" % err, out)


def exit_signal():
    """A program killed by a signal: $_exitsignal is its number and
    $_exitcode void."""
    ours, gdbs, out, err = ours_and_gdbs(SEGV, ["run", "kill", "p $_exitsignal",
                                                "p $_exitcode"])
    if not gdbs:
        raise ldtest.Skip("gdb printed no value here")
    check(ours == gdbs, "ours %r, gdb's %r" % (ours, gdbs), out)


def errors():
    rc, out, err = ldtest.run_batch([VALUES], [
        "set $ = 3", "set $x 3", "set $rip = 4", "set var g_counter = 3", "set $1 = 2",
        "set $y =", "p", "p $", "set $z = nosuch + 1", "p $z"])
    want = ["layoutdbg: set: expected $NAME = EXPRESSION",
            "layoutdbg: set: expected $NAME = EXPRESSION",
            "layoutdbg: set $rip: no process: registers are written only while the "
            "program runs",
            "layoutdbg: set var: no process: the program's memory is written only "
            "while it runs",
            "layoutdbg: set $1: the value history cannot be set",
            "layoutdbg: set $y: an expression is needed",
            "layoutdbg: print: the history is empty",
            "layoutdbg: print: the history is empty",
            'layoutdbg: set: no symbol "nosuch" in current context']
    check(err.splitlines() == want, "stderr:\n%s" % err, out)
    check(out.strip() == "$1 = void", "a failed set leaves $z unset (void): %r" % out)


t.case("set $k, $k in expressions, $_ $__ after x, $bpnum, $_exitcode: every value "
       "equals gdb's", same_as_gdb)
t.case("killed by a signal: $_exitsignal and a void $_exitcode, as gdb's", exit_signal)
t.case("bad assignments: one-line errors; a failed set leaves the name unset", errors)


def no_program():
    """With no program at all, as gdb: convenience variables and
    constant expressions work."""
    rc, out, err = ldtest.run_batch([], ["set $q = 4", "p $q * 2", "p 1 + 2",
                                         "whatis $q", "p $never"])
    check(rc == 0 and err == "" and out.splitlines() == [
        "$1 = 8", "$2 = 3", "type = int", "$3 = void"], "rc %d, stderr %r" % (rc, err), out)


t.case("no program: set $q, constant expressions, void names", no_program)
sys.exit(t.done())
