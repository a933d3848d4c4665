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

t = ldtest.Tap(14)


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

def json_documents():
    """Under --json (each document checked against doc/json by run_batch):
    info proc maps carries the same mappings as info proc mappings; the
    new settings report their values."""
    rc, out, err = ldtest.run_batch([HEAP], [
        "break calloc", "run", "info proc mappings", "info proc maps", "show color",
        "show pagination", "set height 7", "show height", "set height unlimited",
        "show height"], opts=["--json"])
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    import json
    docs = [json.loads(l) for l in out.splitlines() if l.startswith('{"command"')]
    by = {}
    for d in docs:
        by.setdefault(d["command"], []).append(d)
    check(by["info proc maps"][0]["mappings"] == by["info proc mappings"][0]["mappings"]
          and by["info proc maps"][0]["pid"] == by["info proc mappings"][0]["pid"],
          "info proc maps and info proc mappings disagree", out)
    check([d["value"] for d in by["show color"]] == [False], "show color %r" % by["show color"])
    check([d["value"] for d in by["show pagination"]] == [False], "no pager under --json")
    check([d["value"] for d in by["show height"]] == [7, 0], "show height %r" % by["show height"])
    check([d["value"] for d in by["set height"]] == [7, 0], "set height %r" % by["set height"])


t.case("--json: info proc maps, show color|pagination|height (schema-checked)",
       json_documents)


# ------------------------------------------------ snapshot names and $N

def snapshots_are_percent():
    rc, out, err = ldtest.run_batch([HEAP], [
        "break calloc", "run", "snapshot", "finish", "snapshot", "snapshot named",
        "diff %1 %2", "diff %% %", "show %1", "diff $1 $2", "layout $1", "snapshot $x",
        "snapshot %y", "snapshots"])
    # finish's value is gdb's value history entry $1; the snapshots are %1, %2
    search(r"^Value returned is \$1 = 0x[0-9a-f]+ \(\d+\)$", out, "finish's $1")
    search(r"^Snapshot %1: \d+ mappings", out, "the first snapshot is %1")
    search(r"^Snapshot %2: \d+ mappings", out, "the second is %2")
    search(r"^Snapshot named: \d+ mappings.*\n\(also %3\)$", out, "a named one is %3 too")
    diffs = re.findall(r"^diff (\S+) -> (\S+) \(process \d+\)$", out, re.M)
    check(diffs == [("%1", "%2"), ("%2", "named")],
          "diff headers %r, want %%1 -> %%2, then %%%% -> %% (%%2 -> named)" % diffs, out)
    search(r"^Snapshot %1 of process \d+", out, "show %1")
    for cmd in ("diff", "layout"):
        search(r"^layoutdbg: %s: no snapshot \"\$1\" \(see `snapshots`\); \$N is the "
               r"value history \(finish\), snapshots are %%N$" % cmd, err, cmd + " $1")
    for name in ("$x", "%y"):
        search(r"^layoutdbg: snapshot %s: names may not start with '%%', '\$', '@' "
               % re.escape(name), err, "snapshot " + name)
    rows = re.findall(r"^(%\d+) ", out, re.M)
    check(rows == ["%1", "%2", "%3"], "snapshots lists %r" % rows, out)


t.case("snapshots are %N, never $N (the value history of finish)", snapshots_are_percent)


def help_names_snapshots():
    rc, out, err = ldtest.run_batch([], ["help snapshot", "help diff"])
    blocks = re.split(r"^(?=snapshot |diff )", out, flags=re.M)
    blocks = [b for b in blocks if b.strip()]
    check(len(blocks) == 2, "two help blocks", out)
    for b in blocks:
        check(re.search(r"SNAP: %N \(unnamed snapshots are %1, %2, \.\.\.\), NAME, % "
                        r"\(the last\), %% \(the one before\); \$N is the value "
                        r"history of finish, never a snapshot", b),
              "help does not say how snapshots are named: %r" % b)


t.case("help snapshot and help diff say how snapshots are named", help_names_snapshots)


# ------------------------------------------------------------- the pager

PROMPT = r"\(layoutdbg\) "
MORE = "--Type <RET> for more, q to quit, c to continue without paging--"


def help_lines():
    """`help`'s text, from a pipe (never paged)."""
    rc, out, err = ldtest.run_batch([], ["help"])
    check(rc == 0 and len(out.splitlines()) > 30, "help: rc %d, %d lines"
          % (rc, len(out.splitlines())), out)
    return out.splitlines()


def pager_pages():
    full = help_lines()
    with ldtest.Pty([HEAP], rows=10) as p:
        p.expect(PROMPT)
        p.sendline("help")
        m = p.expect(r"^Commands:\n((?:.*\n){0,20}?)" + re.escape(MORE))
        first = ["Commands:"] + m.group(1).splitlines()
        # gdb's rule: a page is the window but one row, for the prompt
        check(first == full[:9], "first page %r, want the 9 first lines %r" % (first, full[:9]))
        p.send("\r")
        m = p.expect(r"^((?:.*\n){0,20}?)" + re.escape(MORE))
        second = m.group(1).splitlines()
        check(second == full[9:18], "second page %r, want %r" % (second, full[9:18]))
        p.send("q\r")
        p.expect(r"^Quit$")
        p.expect(r"^" + PROMPT)
        p.sendline("show height")
        p.expect(r"^Number of lines layoutdbg thinks are in a page is 10\.$")
        p.sendline("show pagination")
        p.expect(r"^State of pagination is on\.$")
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")
        # after q nothing more of that command reached the terminal
        check(full[-1] not in p.text, "help's last line printed after q", p.text)


t.case("pager: pages of height-1 rows, RET for the next, q quits the command",
       pager_pages)


def pager_continue_and_off():
    full = help_lines()
    with ldtest.Pty([HEAP], rows=10) as p:
        p.expect(PROMPT)
        p.sendline("help")
        p.expect(re.escape(MORE))
        p.send("c\r")
        m = p.expect(r"^((?:.*\n)*?)" + PROMPT)
        rest = m.group(1).splitlines()
        check(rest == full[9:], "after c: %r, want the rest of help unpaged" % rest[:3])
        for cmd in ("set pagination off", "set pagination on\rset height 0"):
            p.sendline(cmd)
            if "\r" in cmd:
                p.expect(PROMPT)
            p.expect(PROMPT)
            p.sendline("help")
            m = p.expect(r"^Commands:\n((?:.*\n)*?)" + PROMPT)
            got = ["Commands:"] + m.group(1).splitlines()
            check(got == full, "%s: help paged or cut: %r" % (cmd, got[-3:]))
        p.sendline("show height")
        p.expect(r"^Number of lines layoutdbg thinks are in a page is unlimited\.$")
        p.sendline("set height 4")
        p.sendline("help")
        m = p.expect(r"^Commands:\n((?:.*\n){0,20}?)" + re.escape(MORE))
        check(len(m.group(1).splitlines()) == 2, "set height 4: %r" % m.group(1))
        p.send("q\r")
        p.expect(r"^" + PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("pager: c continues unpaged; set pagination off, set height 0|N",
       pager_continue_and_off)


def no_pager_batch_json_pipe():
    # -batch on a terminal: gdb never pages in batch mode
    with ldtest.Pty([HEAP], opts=("-q", "-batch", "-ex", "help", "-ex", "show pagination"),
                    rows=5) as p:
        check(p.wait() == 0, "-batch exit status")
        check(MORE not in p.text, "-batch paged", p.text)
        search(r"^State of pagination is off\.$", p.text, "-batch: show pagination")
    # --json on a terminal: one document a line, never a prompt between
    # (a window of 2 rows: `run` prints two documents, the stop's and its own)
    with ldtest.Pty([HEAP], opts=("-q", "--json"), rows=2) as p:
        p.sendline("break main")
        p.sendline("run")
        p.expect(r'^\{"command":"run"')
        p.sendline("kill")
        p.sendline("quit")
        check(p.wait() == 0, "--json exit status")
        check(MORE not in p.text, "--json paged", p.text)
    # a pipe
    rc, out, err = ldtest.run_batch([], ["show pagination", "help"])
    check(MORE not in out and "State of pagination is off." in out, "pipe", out)


t.case("no pager under -batch, --json or a pipe", no_pager_batch_json_pipe)


def pager_counts_wrapped_rows():
    """A line wider than the window takes two rows of it."""
    with ldtest.Pty([HEAP], rows=6, cols=40) as p:
        p.expect(PROMPT)
        p.sendline("help")
        m = p.expect(r"^(Commands:\n[^\n]*?(?:\n[^\n]*?){0,20}?)" + re.escape(MORE))
        # the rows before the prompt, as the terminal wraps them (a row
        # filled exactly and its newline are one row; the prompt may
        # follow a wrapped row mid-line)
        segs = m.group(1).split("\n")
        used = sum(max(1, -(-len(l) // 40)) for l in segs[:-1]) + -(-len(segs[-1]) // 40)
        check(used == 5, "rows used before the prompt: %d (%r), want 5" % (used, segs))
        p.send("q\r")
        p.expect(r"^" + PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("pager: a long line wraps and counts as the rows it takes",
       pager_counts_wrapped_rows)



def breakpoint_table():
    """info breakpoints before run (the file's addresses), after hits,
    ignore, condition and a FILE:LINE breakpoint, and after kill (the last
    run's addresses): gdb's rows (What "in FUNC at FILE:LINE", hit,
    condition and ignore lines), the whole table equal to gdb's but for the
    file's directory (the compile directory gdb prints relative, layoutdbg
    short)."""
    prog = ldtest.fixture("recurse")
    cmds = ["break depth", "break recurse.c:11", "info breakpoints", "delete 2",
            "ignore 1 2", "run", "info breakpoints", "ignore 1 5",
            "condition 1 n >= 0", "break recurse.c:10", "info breakpoints", "kill",
            "info breakpoints"]
    g = ldtest.gdb_batch(prog, cmds, keep_stderr=False)
    rc, out, err = ldtest.run_batch([prog], cmds)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)

    def tables(text):
        text = re.sub(r"(?m) at \S*?recurse\.c:", " at recurse.c:", text)
        return re.findall(r"^Num +Type.*\n(?:(?:\d|\t).*\n)*", text, re.M)
    check(len(tables(g)) == 4 and tables(out) == tables(g),
          "gdb's tables:\n%s\nours:\n%s" % ("".join(tables(g)), "".join(tables(out))), out)


t.case("info breakpoints before run, at a stop and after kill: the table equals gdb's",
       breakpoint_table)

sys.exit(t.done())
