#!/usr/bin/env python3
"""The heap walk's chunk counts agree with its own chunk list: glibc
counts a chunk in a tcache as in use (mallinfo2's uordblks), so in every
arena in_use_chunks is the number of chunks "in use" plus those "tcache",
and tcache_chunks the latter, at each of heapwalk's six stops (tcache,
fast, unsorted, small and large bins, a thread's arena).  test_heap checks
the byte totals against glibc; the mutation campaign found the counts
unchecked (a tcache chunk counted as freed left every test passing)."""
import collections
import json
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(1)
HEAPWALK = ldtest.fixture("heapwalk")
STOPS = 6


def counts():
    cmds = ["break marker", "run", "heap"] + ["continue", "heap"] * (STOPS - 1)
    rc, out, err = ldtest.run_batch([HEAPWALK], cmds, opts=["--json"], timeout=60)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    heaps = [d for d in (json.loads(l) for l in out.splitlines() if l.startswith("{"))
             if d.get("command") == "heap"]
    check(len(heaps) == STOPS, "%d heap documents for %d stops" % (len(heaps), STOPS), out)
    tcache_seen = 0
    for n, doc in enumerate(heaps, 1):
        for a in doc["arenas"]:
            c = collections.Counter(x["state"] for x in a["chunks"])
            tt = a["totals"]
            want = (c["in use"] + c["tcache"], c["tcache"])
            got = (tt["in_use_chunks"], tt["tcache_chunks"])
            check(got == want, "stop %d arena %d: in use, tcache chunks %r; the chunk list "
                  "has %r (%r)" % (n, a["index"], got, want, dict(c)))
            tcache_seen += c["tcache"]
    check(tcache_seen, "no tcache chunk at any stop (heapwalk frees into tcache)")


t.case("in_use_chunks counts tcache chunks as in use, at every stop, in every arena", counts)
sys.exit(t.done())
