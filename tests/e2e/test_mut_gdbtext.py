#!/usr/bin/env python3
"""Sentences layoutdbg borrows from gdb, checked against gdb itself (and
against the text written out here, the oracle when gdb is absent).  Each
case kills a mutant of tools/mutants.txt that the rest of the suite let
live."""
import re
import subprocess
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(2)
RECURSE = ldtest.fixture("recurse")
IGNORE = ["break depth", "ignore 1 1", "ignore 1 0", "ignore 1 2"]
IGNORE_WANT = ["Will ignore next crossing of breakpoint 1.",
               "Will stop next time breakpoint 1 is reached.",
               "Will ignore next 2 crossings of breakpoint 1."]


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


t.case("ignore N 1 / 0 / 2: gdb's three sentences (one crossing is singular)", ignore_text)
t.case("ignore: the same sentences as gdb's", ignore_like_gdb)
sys.exit(t.done())
