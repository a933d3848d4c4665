#!/usr/bin/env python3
"""The seed walkthrough on the heap fixture: stop in the libc calloc that
main calls, snapshot, finish, snapshot, diff -- the [heap] appears with the
same numbers the seed shows (0x21000, from start_brk), and the program
runs to its normal end with its own output intact."""
import re
import sys

import ldtest
from ldtest import check, search

CMDS = ["break calloc", "run", "bt", "snapshot", "finish", "snapshot",
        "diff", "info brk", "info proc mappings", "continue"]

t = ldtest.Tap(14)
res = {}


def walkthrough():
    rc, out, err = ldtest.run_batch([ldtest.fixture("heap")], CMDS, timeout=30)
    res.update(rc=rc, out=out, err=err)
    check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    check(err == "", "unexpected stderr: %r" % err)


t.case("batch walkthrough runs and exits 0 with nothing on stderr", walkthrough)
out = res.get("out", "")


def first_stop():
    m = search(r"^Breakpoint 1, (0x[0-9a-f]{16}) in calloc \(\) from (\S*/libc\.so\.6)$",
               out, "first stop")
    # It is the first stop line of all
    first = re.search(r"^(Breakpoint|Temporary breakpoint) \d+, .*$", out, re.M)
    check(first and first.group(0) == m.group(0),
          "first stop is not calloc in libc: %r" % (first and first.group(0)), out)


t.case("first stop is 'Breakpoint 1, 0x... in calloc () from .../libc.so.6'", first_stop)


def bt_caller_is_main():
    m = search(r"^#0\s+0x[0-9a-f]+ in calloc \(\) from \S*/libc\.so\.6\n"
               r"#1\s+0x([0-9a-f]+) in main \(\)", out, "bt at the calloc stop")
    # ... and the return address is inside the heap program's text
    check(m.group(1).startswith("00005555555"),
          "frame #1 pc 0x%s not in the PIE program" % m.group(1), out)


t.case("bt at the calloc stop: frame 1 is main (libc calloc, not ld.so's)",
       bt_caller_is_main)


def finish_value():
    search(r"^Run till exit from #0\s+0x[0-9a-f]+ in calloc \(\)", out, "finish")
    m = search(r"^Value returned is \$\d+ = (0x[0-9a-f]+)", out, "finish value")
    ptr = int(m.group(1), 16)
    brk = search(r"^start_brk\s+(0x[0-9a-f]+)", out, "info brk")
    lo = int(brk.group(1), 16)
    check(lo <= ptr < lo + 0x21000,
          "calloc returned 0x%x, not inside the new heap 0x%x+0x21000" % (ptr, lo), out)


t.case("finish returns to main with calloc's pointer inside the new heap", finish_value)


def diff_added_heap():
    m = search(r"^\+?\s*added\s+(0x[0-9a-f]+)-(0x[0-9a-f]+)\s+rw-p\s+0x21000\b.*\[heap\]\s*$",
               out, "diff")
    res["heap"] = (int(m.group(1), 16), int(m.group(2), 16))
    check(res["heap"][1] - res["heap"][0] == 0x21000, "heap range is not 0x21000 long")


t.case("diff shows the [heap] added: rw-p 0x21000", diff_added_heap)


def diff_brk_moved():
    m = search(r"^program break: (0x[0-9a-f]+) -> (0x[0-9a-f]+) \(\+0x21000", out, "diff")
    a, b = int(m.group(1), 16), int(m.group(2), 16)
    check(b - a == 0x21000, "break moved by 0x%x" % (b - a), out)
    if "heap" in res:
        check((a, b) == res["heap"], "program break %x->%x is not the heap range %x-%x"
              % (a, b, res["heap"][0], res["heap"][1]), out)


t.case("diff: 'program break: A -> B (+0x21000'", diff_brk_moved)


def heap_start_is_start_brk():
    sb = int(search(r"^start_brk\s+(0x[0-9a-f]+)", out, "info brk").group(1), 16)
    now = int(search(r"^brk\s+(0x[0-9a-f]+)", out, "info brk").group(1), 16)
    size = int(search(r"^heap size\s+(0x[0-9a-f]+)", out, "info brk").group(1), 16)
    check("heap" in res, "no heap line in the diff", out)
    check(res["heap"][0] == sb, "diff heap start 0x%x != start_brk 0x%x"
          % (res["heap"][0], sb), out)
    check(res["heap"][1] == now, "diff heap end 0x%x != brk 0x%x" % (res["heap"][1], now), out)
    check(size == now - sb == 0x21000, "heap size 0x%x" % size, out)
    # the table shows the same [heap]
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    heap = [r for r in rows if r["objfile"] == "[heap]"]
    check(len(heap) == 1 and (heap[0]["start"], heap[0]["end"]) == (sb, now),
          "info proc mappings [heap] %r != start_brk..brk" % heap, out)


t.case("heap start in the diff equals start_brk of `info brk`", heap_start_is_start_brk)


def diff_section(text):
    """The lines of the first `diff` report: from `diff %1 -> %2` up to the
    next command's output (`start_brk`, from `info brk`)."""
    lines = text.splitlines()
    i = next((k for k, l in enumerate(lines) if l.startswith("diff %1 -> %2 ")), None)
    check(i is not None, "no `diff %1 -> %2` report", text)
    j = next((k for k in range(i, len(lines)) if lines[k].startswith("start_brk ")), None)
    check(j is not None, "no `info brk` after the diff", text)
    return lines[i:j]


def expected_diff(text):
    """The whole diff, built from what the run itself says: the pid, the
    heap (info brk), the calloc stop (address and library)."""
    pid = int(search(r"^\[process (\d+) exited", text, "exit").group(1))
    sb = int(search(r"^start_brk\s+(0x[0-9a-f]+)", text, "info brk").group(1), 16)
    b = int(search(r"^brk\s+(0x[0-9a-f]+)", text, "info brk").group(1), 16)
    stop = search(r"^Breakpoint 1, (0x[0-9a-f]{16}) in calloc \(\) from (\S+)$", text, "stop")
    return ["diff %%1 -> %%2 (process %d)" % pid,
            "+ added   %#x-%#x rw-p  %#x (132 KiB)  [heap]" % (sb, b, b - sb),
            "program break: %#x -> %#x (+%#x (132 KiB))" % (sb, b, b - sb),
            "thread 1 (LWP %d): 1 frame popped, 0 pushed" % pid,
            "  - #0  %s in calloc () from %s" % (stop.group(1), stop.group(2))], (sb, b)


def whole_diff_exact():
    """Without page counts the diff is fully determined: compare all of it."""
    rc, o, e = ldtest.run_batch([ldtest.fixture("heap")], ["set snapshot-pages off"] + CMDS,
                                timeout=30)
    check(rc == 0 and e == "", "rc %d, stderr %r" % (rc, e), o)
    want, _ = expected_diff(o)
    got = diff_section(o)
    check(got == want, "the diff:\n%s\nwant exactly:\n%s" % ("\n".join(got), "\n".join(want)),
          o)


t.case("set snapshot-pages off: the whole diff text, exactly", whole_diff_exact)


def whole_diff_with_pages():
    """With page counts, the same lines plus only page notes: `~ touched`
    lines for mappings that exist (as `info proc mappings` lists them) and
    the rss note under the added [heap]."""
    want, (sb, b) = expected_diff(out)
    got = diff_section(out)
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    maps = {(r["start"], r["end"], r["perms"], r["objfile"]) for r in rows}
    rest = []
    for l in got:
        m = re.match(r"^~ touched (0x[0-9a-f]+)-(0x[0-9a-f]+) ([-r][-w][-x][ps])  (.*?) rss "
                     r"\d+(?:\.\d+)? [KMG]?i?B -> \d+(?:\.\d+)? [KMG]?i?B \([+-].*\)$", l)
        if m:
            key = (int(m.group(1), 16), int(m.group(2), 16), m.group(3),
                   m.group(4) or "")
            check(key in maps or key[3] == "[anonymous]", "touched line for no mapping: %r"
                  % l, out)
            continue
        if re.match(r"^    \[heap\] rss 0 B -> \d+ KiB \(\+\d+ KiB(, private dirty "
                    r"\+\d+ KiB)?\)$", l):
            continue
        rest.append(l)
    check(rest == want, "the diff without its page notes:\n%s\nwant exactly:\n%s"
          % ("\n".join(rest), "\n".join(want)), out)


t.case("the walkthrough's whole diff: the expected lines and page notes only",
       whole_diff_with_pages)


def exit_line():
    search(r"^\[process \d+ exited with code 0\]$", out, "exit report")


t.case("exit line '[process N exited with code 0]'", exit_line)


def fixture_output():
    i = [out.find(s) for s in ("Before calloc\n", "After calloc\n", "After free\n")]
    check(all(x >= 0 for x in i), "fixture output missing: %r" % i, out)
    check(i == sorted(i), "fixture output out of order", out)
    stop = out.find("Breakpoint 1, ")
    check(i[0] < stop < i[1], "calloc stop not between 'Before' and 'After calloc'", out)


t.case("fixture's own output 'Before calloc', 'After calloc', 'After free'", fixture_output)


def aslr_off():
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    check(rows, "no mappings", out)
    check(hex(rows[0]["start"]).startswith("0x5555555"),
          "first mapping at 0x%x, not 0x5555555..." % rows[0]["start"], out)
    check(rows[0]["objfile"].endswith("/heap"), "first mapping is not the program", out)


t.case("ASLR off: the heap program's first mapping is at 0x5555555...", aslr_off)


def aslr_on_differs():
    # `--aslr` must move the program (two runs differing is certain enough:
    # 28+ bits of PIE entropy; both equal to the off-address would be 2^-28)
    with open("/proc/sys/kernel/randomize_va_space") as f:
        if f.read().strip() == "0":
            raise ldtest.Skip("randomize_va_space is 0 on this system")
    bases = set()
    for _ in range(2):
        rc, o, e = ldtest.run_batch([ldtest.fixture("heap")],
                                    ["break calloc", "run", "info proc mappings"],
                                    opts=["--aslr"])
        check(rc == 0, "rc %d: %s" % (rc, e), o)
        bases.add(ldtest.parse_gdb_rows(ldtest.gdb_table_lines(o))[0]["start"])
    check(0x555555554000 not in bases,
          "--aslr still loads at 0x555555554000: %r" % [hex(b) for b in bases])


t.case("--aslr loads the program elsewhere", aslr_on_differs)


def diff_in_colour():
    """--color=always: the diff's colour codes reach the terminal as codes
    (not escaped by the terminal hygiene), and nothing else is raw."""
    rc, out, err = ldtest.run_batch([ldtest.fixture("heap")], CMDS,
                                    opts=["--color=always"], timeout=30)
    check(rc == 0, "exit status %d: %s" % (rc, err), out)
    check("\x1b[32m+ added" in out, "the added [heap] line is not green", out)
    check("  \x1b[31m-\x1b[0m #0  0x" in out, "the popped frame's - is not red", out)
    check("\\e[" not in out, "a colour code was escaped into text", out)


t.case("diff with --color=always: real colour codes, none escaped", diff_in_colour)

sys.exit(t.done())
