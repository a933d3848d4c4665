#!/usr/bin/env python3
"""The timeline's one-line summary of a brk call names the program break
before and after it ("brk 0xOLD -> 0xNEW").  The oracle is the timeline's
own record of the calls: every brk returns the break, so the break before
a call is what the previous brk of that process returned, and brk(NULL),
the query a program starts with, moves nothing.  (The mutation
campaign found the brk part of the summary untested: dropping it left
every test passing.)"""
import re
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(1)
HEAP = ldtest.fixture("heap")
ENTRY = re.compile(r"^\s*(\d+)  \[(\S+?)\] brk\((NULL|0x[0-9a-f]+)\) = (0x[0-9a-f]+)\n"
                   r"\s+(.*)$", re.M)


def brk_summaries():
    rc, out, err = ldtest.run_batch([HEAP], ["trace memory", "run", "timeline"], timeout=60)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    last, moved = {}, 0
    entries = ENTRY.findall(out)
    check(entries, "no brk entry in the timeline", out)
    for num, who, arg, ret, summary in entries:
        # brk(NULL) only asks (the first call of a program, after exec too)
        before = None if arg == "NULL" else last.get(who)
        last[who] = ret
        if before is None or before == ret:
            check("brk " not in summary, "#%s: the break did not move, the summary %r"
                  % (num, summary), out)
            continue
        moved += 1
        want = "brk %s -> %s" % (before, ret)
        check(want in summary, "#%s brk(%s) = %s: summary %r lacks %r"
              % (num, arg, ret, summary, want), out)
    check(moved, "the break never moved (the heap fixture grows it)", out)


t.case("trace memory: each brk that moves the break says 'brk OLD -> NEW'", brk_summaries)
sys.exit(t.done())
