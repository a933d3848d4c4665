#!/usr/bin/env python3
"""Generated command lines (fuzz/grammar.py: every command with huge,
negative, empty, unicode, 10 KB, format-string and control-character
arguments) against a live process stopped at a breakpoint, before `run`,
and under --json: layoutdbg never dies or trips a sanitizer, every line on
stderr is one `layoutdbg: ` diagnostic, no raw control character reaches
the terminal, and the session goes on to its last command.  Fixed seeds
(reproducible), plus one from LD_GRAMMAR_SEED when set."""
import json
import os
import random
import re
import sys

import ldtest
from ldtest import check, search

sys.path.insert(0, os.path.join(ldtest.SRC_ROOT, "fuzz"))
import grammar  # noqa: E402

t = ldtest.Tap(4)
HEAP = ldtest.fixture("heap")
LINES = 150
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def session(seed, pre, opts=()):
    rng = random.Random(seed)
    cmds = pre + grammar.lines(rng, LINES) + ["info aslr"]
    rc, out, err = ldtest.run_batch([HEAP], cmds, timeout=120, opts=opts)
    check(rc in (0, 1), "seed %d: exit status %d\n%s" % (seed, rc, err[-2000:]))
    check("AddressSanitizer" not in err and "runtime error" not in err,
          "seed %d: sanitizer report:\n%s" % (seed, err[-3000:]))
    bad = [l for l in err.splitlines() if not l.startswith("layoutdbg: ")
           and not l.startswith("{")]
    check(not bad, "seed %d: stderr lines not in `layoutdbg: what: why` form: %r"
          % (seed, bad[:3]))
    m = RAW.search(out + err)
    check(not m, "seed %d: raw control character %r in the output" % (seed, m and m.group()))
    return out, err


def live(seed):
    out, err = session(seed, ["break calloc", "run"])
    search(r"^New processes: address randomization", out, "seed %d: the session went on"
           % seed)


for seed in (13, 1013):
    t.case("150 generated command lines at a live stop (seed %d)" % seed, live, seed)


def no_process():
    out, err = session(7, [])
    search(r"^New processes: address randomization", out, "the session went on")


t.case("150 generated command lines before `run`", no_process)


def as_json():
    seed = int(os.environ.get("LD_GRAMMAR_SEED", "29"))
    out, err = session(seed, ["break calloc", "run"], opts=["--json"])
    docs = []
    for line in out.splitlines():
        if re.match(r"^(Before|After) \w+$", line):
            continue                    # the heap fixture's own output
        try:
            docs.append(json.loads(line))
        except ValueError:
            raise AssertionError("seed %d: not a JSON document: %r" % (seed, line[:200]))
    check(docs and docs[-1].get("command") == "info aslr",
          "seed %d: the last document is not `info aslr`" % seed)


t.case("150 generated command lines under --json: one JSON document per line", as_json)

sys.exit(t.done())
