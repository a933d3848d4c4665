#!/usr/bin/env python3
"""`x` in every format and unit on known data (fixtures/xdata.c): signed
halfwords, eight of them to a line, strings one after another, characters,
bits, octal, and a string that ends six bytes before an unmapped page.
Two oracles: the values the fixture stores (written out here), and gdb's
own `x` on the same commands, line for line.  The mutation campaign
(tools/mutants.txt) found these paths untested: a halfword printed
unsigned, four halfwords to a line, x/2s starting the second string on
the first one's terminator, x/h reading words, x/s failing at a page
end."""
import re
import subprocess
import sys

import ldtest
from ldtest import check

t = ldtest.Tap(9)
XDATA = ldtest.fixture("xdata")
EDGE = 0x20000ffa       # fixtures/xdata.c: "edge!" ends at a page end

# command -> the values of each line (tab-separated), in order
WANT = [
    ("x/10dh &halves", ["-1\t2\t-300\t400\t-32768\t32767\t0\t-5", "7\t-8"]),
    ("x/3s &words", ['"alpha"', '"beta"', '"gamma"']),
    ("x/4cb &chars", ["65 'A'\t33 '!'\t113 'q'\t122 'z'"]),
    ("x/2tb &bits", ["10000001\t01011010"]),
    ("x/2ob &bits", ["0201\t0132"]),
    ("x/2ub &bits", ["129\t90"]),
    ("x/3xh &halves", ["0xffff\t0x0002\t0xfed4"]),
    ("x/s %#x" % EDGE, ['"edge!"']),
]
LINE = re.compile(r"^(0x[0-9a-f]+)(?: <[^>]*>)?:\t(.*)$")
_out = {}


def split(text, cmds):
    """The x lines of each command: each command follows an `x/s &marker`,
    whose line ends in "MARK"."""
    groups = []
    for l in text.splitlines():
        if l.endswith('"MARK"'):
            groups.append([])
        elif groups and LINE.match(l):
            groups[-1].append(l)
    check(len(groups) == len(cmds), "%d markers for %d commands" % (len(groups), len(cmds)),
          text)
    return dict(zip(cmds, groups))


def layoutdbg_lines():
    if "ld" not in _out:
        cmds = ["break ready", "run"]
        for c, _ in WANT:
            cmds += ["x/s &marker", c]
        rc, out, err = ldtest.run_batch([XDATA], cmds, timeout=60)
        check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
        _out["ld"] = split(out, [c for c, _ in WANT])
    return _out["ld"]


def gdb_lines():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    argv = ["gdb", "-q", "-batch", "-nx", "-ex", "set startup-with-shell off",
            "-ex", "break ready", "-ex", "run"]
    for c, _ in WANT:
        argv += ["-ex", "x/s &marker", "-ex", c]
    p = subprocess.run(argv + [XDATA], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=ldtest.env(), timeout=60)
    return split(p.stdout.decode("utf-8", "replace"), [c for c, _ in WANT])


def values(lines):
    return [LINE.match(l).group(2) for l in lines]


def known(cmd, want):
    got = layoutdbg_lines()[cmd]
    check(values(got) == want, "%s: %r, the fixture holds %r" % (cmd, values(got), want),
          "\n".join(got))
    if cmd.startswith("x/3s"):      # each string starts after the one before's NUL
        a = [int(LINE.match(l).group(1), 16) for l in got]
        check(a[1] - a[0] == 6 and a[2] - a[1] == 5, "string addresses %r" % a)
    if cmd == "x/s %#x" % EDGE:
        check(int(LINE.match(got[0]).group(1), 16) == EDGE, "address %r" % got[0])


for cmd, want in WANT:
    t.case("%s shows the fixture's values, laid out as gdb does" % cmd, known, cmd, want)


def like_gdb():
    ours, theirs = layoutdbg_lines(), gdb_lines()
    for cmd, _ in WANT:
        # the addresses and values; the <symbol> of an x/s line is gdb's
        # business of symbol lookup, not of x's formats
        a = [(LINE.match(l).group(1), LINE.match(l).group(2)) for l in ours[cmd]]
        b = [(LINE.match(l).group(1), LINE.match(l).group(2)) for l in theirs[cmd]]
        check(a == b, "%s: layoutdbg %r, gdb %r" % (cmd, ours[cmd], theirs[cmd]))


t.case("every x above prints gdb's addresses and values, line for line", like_gdb)
sys.exit(t.done())
