#!/usr/bin/env python3
"""Colour on and off: --color=always|never|auto, NO_COLOR (set and not
empty turns auto off, an empty one does not: no-color.org), `set color`,
and auto on a terminal (the pty harness) versus a pipe.  The coloured
text is the walkthrough's diff, whose added [heap] line is green."""
import re
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(9)
HEAP = ldtest.fixture("heap")
CMDS = ["break calloc", "run", "snapshot", "finish", "snapshot", "diff"]
SGR = re.compile(rb"\x1b\[[0-9;]*m")
GREEN_ADD = b"\x1b[32m+ added"


def piped(opts=(), env_over=None, cmds=CMDS):
    rc, out, err = ldtest.run_batch([HEAP], cmds, opts=list(opts), env_over=env_over,
                                    timeout=30)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    check(re.search(r"^\+ added .*\[heap\]$", ldtest._ANSI.sub("", out), re.M),
          "no diff in the output", out)
    return out.encode()


def on_tty(opts=(), env_over=None, cmds=CMDS):
    argv = ["-q", "-batch"] + list(opts)
    for c in cmds:
        argv += ["-ex", c]
    with ldtest.Pty([HEAP], opts=argv, env_over=env_over) as p:
        st = p.wait(30)
        raw = p.r.raw
    check(st == 0, "exit status %r" % st, raw)
    check(b"+ added" in raw, "no diff on the terminal", raw)
    return raw


def coloured(raw):
    check(GREEN_ADD in raw, "the added [heap] line is not green", raw)


def plain(raw):
    m = SGR.search(raw)
    check(not m, "a colour code %r where colour must be off" % (m and m.group(0)), raw)


def case(name, run, want, **kw):
    t.case(name, lambda: want(run(**kw)))


case("pipe, auto (NO_COLOR unset): no colour", piped, plain, env_over={"NO_COLOR": None})
case("pipe, --color=always, even with NO_COLOR=1: colour", piped, coloured,
     opts=["--color=always"], env_over={"NO_COLOR": "1"})
case("terminal, auto, NO_COLOR unset: colour", on_tty, coloured,
     env_over={"NO_COLOR": None})
case("terminal, auto, NO_COLOR=1: no colour", on_tty, plain, env_over={"NO_COLOR": "1"})
case("terminal, auto, NO_COLOR empty (ignored, no-color.org): colour", on_tty, coloured,
     env_over={"NO_COLOR": ""})
case("terminal, --color=never: no colour", on_tty, plain, opts=["--color=never"],
     env_over={"NO_COLOR": None})
case("terminal, --colour=always with NO_COLOR=1: colour", on_tty, coloured,
     opts=["--colour=always"], env_over={"NO_COLOR": "1"})


def set_color_off_on():
    raw = on_tty(env_over={"NO_COLOR": None},
                 cmds=CMDS + ["set color off", "diff", "set color on", "diff"])
    parts = raw.split(b"diff %1 -> %2")
    check(len(parts) == 4, "%d diffs, want 3" % (len(parts) - 1), raw)
    coloured(parts[1])
    plain(parts[2])
    coloured(parts[3])


t.case("terminal: set color off, then on, between three diffs", set_color_off_on)


def bad_when():
    rc, out, err = ldtest.run_batch([HEAP], [], opts=["--color=sometimes"])
    check(rc != 0, "--color=sometimes accepted", out)
    first = (err.splitlines() or [""])[0]
    check(first.startswith("layoutdbg: --color: ") and "sometimes" in first,
          "stderr %r" % err)


t.case("--color=sometimes: 'layoutdbg: --color: ...' naming it, exit non-zero", bad_when)
sys.exit(t.done())
