#!/usr/bin/env python3
"""Habits layoutdbg borrows from gdb, checked against gdb itself (and
against the text written out here, the oracle when gdb is absent): the
sentences of `ignore`, the words `set args` makes of quotes and
backslashes, a command prefix that names two commands, `list` at the end
of a file, `set disable-randomization` (on by default, as in gdb).  Each case kills a
mutant of tools/mutants.txt that the rest of the suite let live."""
import os
import re
import subprocess
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(9)
RECURSE = ldtest.fixture("recurse")
IGNORE = ["break depth", "ignore 1 1", "ignore 1 0", "ignore 1 2", "run", "continue 2"]
IGNORE_WANT = ["Will ignore next crossing of breakpoint 1.",
               "Will stop next time breakpoint 1 is reached.",
               "Will ignore next 2 crossings of breakpoint 1.",
               "Will ignore next crossing of breakpoint 1.  Continuing."]


def will_lines(text):
    return re.findall(r"Will [^\n]*\.", text)


def ignore_text():
    rc, out, err = ldtest.run_batch([RECURSE], IGNORE, timeout=30)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    check(will_lines(out) == IGNORE_WANT, "%r, want %r" % (will_lines(out), IGNORE_WANT), out)


def ignore_like_gdb():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    # gdb -batch keeps these sentences to itself: commands on stdin
    p = subprocess.run(["gdb", "-q", "-nx", RECURSE], input="\n".join(IGNORE) + "\n",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=ldtest.env(), timeout=60)
    rc, out, err = ldtest.run_batch([RECURSE], IGNORE, timeout=30)
    check(will_lines(out) == will_lines(p.stdout),
          "layoutdbg %r, gdb %r" % (will_lines(out), will_lines(p.stdout)), p.stdout)


t.case("ignore N 1 / 0 / 2, continue 2: gdb's sentences (one crossing is singular)",
       ignore_text)
t.case("ignore: the same sentences as gdb's", ignore_like_gdb)

XDATA = ldtest.fixture("xdata")      # prints its arguments, one a line: arg[ARG]
ARGS = r"""set args 'a\b' "c\"d" e\ f '' x"""
ARGS_WANT = ["a\\b", 'c"d', "e f", "", "x"]


def argv_of(text):
    return re.findall(r"^arg\[(.*)\]$", text, re.M)


def args_words():
    rc, out, err = ldtest.run_batch([XDATA], [ARGS, "run"], timeout=30)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    check(argv_of(out) == ARGS_WANT, "argv %r, want %r" % (argv_of(out), ARGS_WANT), out)


def args_like_gdb():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    p = subprocess.run(["gdb", "-q", "-nx", "-batch", "-ex", ARGS, "-ex", "run", XDATA],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=ldtest.env(), timeout=60)
    check(argv_of(p.stdout) == ARGS_WANT, "gdb's argv %r" % argv_of(p.stdout), p.stdout)


t.case("set args: a backslash is literal inside '...', escapes elsewhere; '' is a word",
       args_words)
t.case("set args: gdb (through the shell) gives the program the same words", args_like_gdb)


def ambiguous():
    # "de" begins delete and detach: gdb refuses it, and so must we (the
    # first match would delete every breakpoint)
    rc, out, err = ldtest.run_batch([XDATA], ["break ready", "de", "info breakpoints"],
                                    timeout=30)
    check(rc == 1, "rc %d for an ambiguous command in -batch" % rc, out + err)
    check(re.search(r"^layoutdbg: de: ambiguous command", err, re.M), "stderr %r" % err)
    check(re.search(r"^1\s+breakpoint\s+keep y", out, re.M), "breakpoint 1 is gone", out)


t.case("a prefix of two commands ('de') is refused, and runs neither", ambiguous)


def source_lines(first, last):
    """Lines first..last of the fixture's source, numbered as `list` does."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "fixtures", "xdata.c")
    text = open(path).read().split("\n")
    if text[-1] == "":
        text.pop()
    return ["%d\t%s" % (n, text[n - 1]) for n in range(first, min(last, len(text)) + 1)], \
        len(text)


def list_end():
    lines, n = source_lines(1, 10 ** 6)
    rc, out, err = ldtest.run_batch([XDATA], ["list xdata.c:%d" % (n - 1)], timeout=30)
    want, _ = source_lines(n - 6, n)
    got = out.rstrip("\n").split("\n")
    check(got == want, "list shows %r, the file ends %r" % (got[-2:], want[-2:]), out)


def list_end_like_gdb():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    _, n = source_lines(1, 10 ** 6)
    cmd = "list xdata.c:%d" % (n - 1)
    p = subprocess.run(["gdb", "-q", "-nx", "-batch", "-ex", cmd, XDATA],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=ldtest.env(), timeout=60)
    rc, out, err = ldtest.run_batch([XDATA], [cmd], timeout=30)
    check(out == p.stdout, "layoutdbg %r, gdb %r" % (out, p.stdout))


t.case("list FILE:LINE near the end shows the file's last line", list_end)
t.case("list FILE:LINE near the end: the lines gdb shows", list_end_like_gdb)


def halves_at(cmds):
    """Where the fixture's `halves` is in a run after cmds."""
    rc, out, err = ldtest.run_batch([XDATA], cmds + ["break ready", "run", "x/1xh &halves"],
                                    timeout=30)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    return int(ldtest.search(r"^(0x[0-9a-f]+) <halves>:", out, "x/1xh &halves").group(1), 16)


def no_aslr():
    # gdb's default: the PIE at 0x555555554000 (halves at +0x4030)
    for cmds in ([], ["set disable-randomization on"]):
        a = halves_at(cmds)
        check(a >> 12 == 0x555555558, "halves at %#x after %r: randomized" % (a, cmds))


def aslr():
    with open("/proc/sys/kernel/randomize_va_space") as f:
        if f.read().strip() == "0":
            raise ldtest.Skip("the kernel randomizes nothing (randomize_va_space 0)")
    got = {halves_at(["set disable-randomization off"]) for _ in range(2)}
    check(len(got) == 2, "two runs with randomization put halves at %r" % got)


t.case("disable-randomization: on by default and when set, the PIE at gdb's base", no_aslr)
t.case("set disable-randomization off: two runs, two addresses", aslr)
sys.exit(t.done())
