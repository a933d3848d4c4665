#!/usr/bin/env python3
"""What a gdb user tries first: `help info X`, `help set X` and `help show X`
describe X for every sub-command (usage, one line, the arguments or values);
`show color` answers `set color`; `trace memory until N` says that N is a
breakpoint number; the pager of long output (gdb's `--Type <RET> for
more, q to quit, c to continue without paging--`) on a pseudo-terminal,
and never under -batch, --json or a pipe."""
import re
import sys

import ldtest
from ldtest import check, search

HEAP = ldtest.fixture("heap")

t = ldtest.Tap(6)


def subcommands(prefix):
    """The names `help PREFIX` lists (its rows: "  PREFIX NAME ...")."""
    rc, out, err = ldtest.run_batch([], ["help " + prefix])
    check(rc == 0, "help %s: rc %d, stderr %r" % (prefix, rc, err), out)
    names = re.findall(r"^  %s (\S+?)(?:\|\S+)?(?=\s)" % prefix, out, re.M)
    check(len(names) >= 3, "help %s lists %r" % (prefix, names), out)
    return names


def help_describes_each(prefix):
    names = subcommands(prefix)
    rc, out, err = ldtest.run_batch([], ["help %s %s" % (prefix, n) for n in names])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    blocks = re.split(r"^(?=%s \S)" % prefix, out, flags=re.M)
    blocks = [b for b in blocks if b.strip()]
    check(len(blocks) == len(names), "%d blocks for %d names" % (len(blocks), len(names)), out)
    for name, b in zip(names, blocks):
        lines = b.rstrip("\n").splitlines()
        check(lines[0].startswith("%s %s" % (prefix, name)),
              "help %s %s: first line is not its usage: %r" % (prefix, name, lines[0]))
        body = [l for l in lines[1:] if not l.startswith("  aliases:")]
        # the summary, then what it takes: arguments, values and default, or
        # what `show` prints
        check(len(body) >= 2 and all(l.startswith("  ") and l.strip() for l in body),
              "help %s %s: no summary and details: %r" % (prefix, name, lines))
        if prefix == "set" and "on|off" in lines[0]:
            check(re.search(r"values: on, off; default: ", b),
                  "help set %s: no values and default: %r" % (name, b))


for prefix in ("info", "set", "show"):
    t.case("help %s X describes every %s sub-command" % (prefix, prefix),
           help_describes_each, prefix)


def help_sub_errors():
    rc, out, err = ldtest.run_batch([], ["help info nosuch"])
    check(rc != 0, "help info nosuch succeeded", out)
    search(r"^layoutdbg: info nosuch: unknown command", err, "the error names it")
    rc, out, err = ldtest.run_batch([], ["help set colo", "help show args"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err))
    search(r"^set color on\|off\n  .*\n(  aliases: colour\n)?  values: on, off", out,
           "a unique prefix finds the setting")
    search(r"^show args\n", out, "help show args")


t.case("help info|set|show: a prefix works, an unknown name is an error",
       help_sub_errors)


def show_color():
    rc, out, err = ldtest.run_batch([], ["show color", "set color on", "show color",
                                         "set color off", "show colour"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    got = re.findall(r"^Colour in diffs, vmmap and heap diffs is (on|off)\.$", out, re.M)
    # NO_COLOR is set by ldtest.env(): the session starts without colour
    check(got == ["off", "on", "off"], "show color said %r" % got, out)
    rc, out, _ = ldtest.run_batch([], ["show color"], opts=("--color=always",))
    search(r"is on\.$", out, "--color=always: show color is on")


t.case("show color answers set color and --color", show_color)


def trace_until_says_breakpoint():
    rc, out, err = ldtest.run_batch([HEAP], ["help trace"])
    search(r"N: a breakpoint number", out, "help trace")
    rc, out, err = ldtest.run_batch([HEAP], ["trace memory until main"])
    check(rc != 0, "trace memory until main succeeded", out)
    search(r"^layoutdbg: trace memory until main: N is a breakpoint number "
           r"\(`break main` first", err, "a name instead of a number")
    rc, out, err = ldtest.run_batch([HEAP], ["trace memory until"])
    search(r"usage: trace memory \[until N\|exit\] \(N: a breakpoint number\)$",
           err, "usage error")
    rc, out, err = ldtest.run_batch([HEAP], ["trace memory until 7"])
    search(r"no breakpoint number 7 \(see `info breakpoints`\)$", err, "unknown number")


t.case("trace memory until N: N is a breakpoint number (help, errors)",
       trace_until_says_breakpoint)

sys.exit(t.done())
