#!/usr/bin/env python3
"""Breakpoints: break / tbreak / break *ADDR / delete / disable / enable /
info breakpoints / SYMBOL@LIB / ignore / continue N / start; one CPU for
a breakpoint passed over many times (set cpu-pinning)."""
import os
import re
import sys

import ldtest
from ldtest import check, search

RECURSE = ldtest.fixture("recurse")
HEAP = ldtest.fixture("heap")
AFFINITY = ldtest.fixture("affinity")
STRINGS = ldtest.fixture("strings")
NCPU = len(os.sched_getaffinity(0))

t = ldtest.Tap(17)


def batch(prog, cmds):
    rc, out, err = ldtest.run_batch([prog], cmds)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    check(err == "", "unexpected stderr %r" % err, out)
    return out


stops = ldtest.stops
loc = ldtest.loc
reg = ldtest.register
MAIN_ROW = r"(main in \S+/recurse|in main at \S*recurse\.c:\d+)"


def bp_rows(out_after):
    """{num: (disp, enb, addr, what, hits)} of the last info breakpoints."""
    i = out_after.rfind("Num     Type")
    check(i >= 0 or "No breakpoints." in out_after, "no info breakpoints table", out_after)
    if i < 0:
        return {}
    rows = {}
    last = None
    for line in out_after[i:].splitlines()[1:]:
        m = re.match(r"^(\d+)\s+breakpoint\s+(keep|del)\s+([yn])\s+(0x[0-9a-f]+|<PENDING>)\s+(.*)$",
                     line)
        if m:
            last = int(m.group(1))
            rows[last] = [m.group(2), m.group(3), m.group(4), m.group(5), 0]
            continue
        h = re.match(r"^\s+breakpoint already hit (\d+) times?$", line)
        if h and last is not None:
            rows[last][4] = int(h.group(1))
            continue
        break
    return rows


def break_main():
    out = batch(RECURSE, ["break main", "run", "info registers rip", "bt 1"])
    search(r"^Breakpoint 1 at 0x[0-9a-f]+", out, "break main")
    s = stops(out)
    check(s and s[0] == (1, "main"), "first stop %r" % (s[:1],), out)
    rip = reg(out, "rip")
    check(0x555555555000 <= rip < 0x555555556000,
          "pc 0x%x not in main's text at the ASLR-off base" % rip, out)
    search(r"^#0\s+(0x0*%x in )?main \(" % rip, out, "bt: frame 0 is main at the stop pc")


t.case("break main + run stops in main", break_main)


def tbreak_deletes_itself():
    out = batch(RECURSE, ["tbreak main", "break depth", "run", "info breakpoints"])
    s = stops(out)
    search(ldtest.stop_rx(1, "main", True), out, "tbreak stop")
    rows = bp_rows(out)
    check(1 not in rows, "temporary breakpoint 1 still listed after its hit: %r" % rows, out)
    check(2 in rows, "breakpoint 2 vanished: %r" % rows, out)
    check(len(s) == 1, "stops %r" % s, out)


t.case("tbreak deletes itself after the hit", tbreak_deletes_itself)


def break_star_addr():
    out = batch(RECURSE, ["break main", "run", "info registers rip"])
    rip = reg(out, "rip")
    out2 = batch(RECURSE, ["break *0x%x" % rip, "run", "info breakpoints", "info registers rip"])
    s = stops(out2)
    check(s and s[0] == (1, "main"), "break *0x%x: stops %r" % (rip, s), out2)
    rows = bp_rows(out2)
    check(rows.get(1) and int(rows[1][2], 16) == rip, "info breakpoints %r" % rows, out2)
    rip2 = reg(out2, "rip")
    check(rip2 == rip, "pc 0x%x after stopping at *0x%x" % (rip2, rip), out2)


t.case("break *ADDR (main's address from a first run)", break_star_addr)


def delete_bp():
    out = batch(RECURSE, ["break main", "break depth", "delete 1", "info breakpoints", "run",
                          "delete", "info breakpoints", "continue"])
    s = stops(out)
    check(s == [(2, "depth")], "stops %r" % s, out)
    search(r"^No breakpoints\.$", out, "after `delete` (all)")
    search(r"^result 103$", out, "program ran to the end")
    search(r"^\[process \d+ exited with code 0\]$", out, "exit")


t.case("delete N / delete", delete_bp)


def disable_enable():
    out = batch(RECURSE, ["break main", "break depth", "disable 2", "info breakpoints", "run",
                          "enable 2", "continue", "info breakpoints", "disable",
                          "continue"])
    rows_first = bp_rows(out[:out.find("Starting program")])
    check(rows_first.get(2, [None, None])[1] == "n", "disabled row %r" % rows_first, out)
    s = stops(out)
    check(s == [(1, "main"), (2, "depth")], "stops %r" % s, out)
    rows = bp_rows(out)
    check(rows[2][1] == "y" and rows[2][4] == 1, "after enable: %r" % rows, out)
    search(r"^result 103$", out, "program ran to the end after `disable`")


t.case("disable / enable", disable_enable)


def info_breakpoints_hits():
    out = batch(RECURSE, ["break main", "run", "info breakpoints"])
    search(r"^Num     Type           Disp Enb Address            What$", out, "header")
    search(r"^1       breakpoint     keep y   0x0000555555555[0-9a-f]{3} %s$" % MAIN_ROW,
           out, "resolved address and object")
    search(r"^\tbreakpoint already hit 1 time$", out, "hit count")


t.case("info breakpoints: resolved address/object, 'already hit 1 time'",
       info_breakpoints_hits)


def break_sym_at_lib():
    out = batch(HEAP, ["break calloc@libc.so.6", "run", "info breakpoints", "bt 2"])
    search(r"^Breakpoint 1, 0x[0-9a-f]{16} in calloc \(\) from \S*/libc\.so\.6$", out, "stop")
    check(stops(out) == [(1, "calloc")], "stops %r" % stops(out), out)
    search(r"^1\s+breakpoint\s+keep y\s+0x00007[0-9a-f]+ calloc in \S*/libc\.so\.6$", out,
           "info breakpoints")
    search(r"^#1\s+0x[0-9a-f]+ in main \(", out, "caller is main")


t.case("break calloc@libc.so.6", break_sym_at_lib)


def ignore_count():
    out = batch(RECURSE, ["break depth", "ignore 1 2", "run", "info breakpoints", "bt",
                          "info registers rdi"])
    search(r"Will ignore next 2 crossings of breakpoint 1\.", out, "ignore message")
    s = stops(out)
    check(len(s) == 1, "stops %r" % s, out)
    rows = bp_rows(out)
    check(rows.get(1, [0] * 5)[4] == 3, "hits %r (want 3)" % rows, out)
    frames = re.findall(r"^#\d+\s+%s" % loc("depth"), out, re.M)
    check(len(frames) == 3, "%d depth frames at the 3rd hit (want 3)" % len(frames), out)
    rdi = reg(out, "rdi")
    check(rdi == 1, "depth(n) with n=%d at the 3rd hit (want 1)" % rdi, out)


t.case("ignore 1 2: first report is the 3rd hit ('already hit 3 times')", ignore_count)


def continue_n():
    out = batch(RECURSE, ["break depth", "run", "continue 3", "info breakpoints",
                          "info registers rdi", "continue", "info breakpoints"])
    search(r"Will ignore next 2 crossings of breakpoint 1\.\s+Continuing\.", out,
           "continue 3 message")
    s = stops(out)
    check(len(s) == 2, "stops %r (want 2: 1st hit, then 4th)" % s, out)
    rows_mid = bp_rows(out[:out.find("\nrdi ")])  # not "rdi" in a path
    check(rows_mid[1][4] == 4, "hits after continue 3: %r (want 4)" % rows_mid, out)
    rdi = reg(out, "rdi")
    check(rdi == 0, "n=%d at the 4th hit" % rdi, out)
    search(r"^result 103$", out, "runs to the end afterwards")


t.case("continue 3 ignores this breakpoint 2 more times", continue_n)


def start_cmd():
    out = batch(RECURSE, ["start", "info breakpoints", "bt 1", "continue"])
    search(r"^Temporary breakpoint 1 at 0x[0-9a-f]+", out, "start's tbreak")
    search(ldtest.stop_rx(1, "main", True), out, "stop")
    check(stops(out) == [(1, "main")], "stops %r" % stops(out), out)
    search(r"^No breakpoints\.$", out, "temporary breakpoint gone")
    search(r"^result 103$", out, "program ran on")
    search(r"^\[process \d+ exited with code 0\]$", out, "exit")


t.case("start stops at main with 'Temporary breakpoint'", start_cmd)


def pending_then_armed():
    out = batch(HEAP, ["break calloc", "info breakpoints", "run"])
    search(r"^Breakpoint 1 \(calloc\) pending", out, "pending")
    search(r"^1\s+breakpoint\s+keep y\s+<PENDING>\s+calloc", out, "pending row")
    search(r"^Breakpoint 1 at 0x7[0-9a-f]+: calloc in \S*/libc\.so\.6$", out, "armed on load")


t.case("a library breakpoint is pending until libc loads", pending_then_armed)


def four_hits():
    # the breakpoint at main is removed before the process continues: the
    # program's own computation is unchanged (result 103) and every hit
    # reported exactly once per call.
    out = batch(RECURSE, ["break depth", "run", "continue", "continue", "continue",
                          "continue"])
    s = stops(out)
    check(len(s) == 4, "depth hit %d times (want 4)" % len(s), out)
    search(r"^result 103$", out, "result")
    search(r"^\[process \d+ exited with code 0\]$", out, "exit")


t.case("each of the 4 recursive hits reported once; result unchanged",
       four_hits)


def need_cpus():
    if NCPU < 2:
        raise ldtest.Skip("one CPU here: nothing to pin")


def affinity_report(out):
    got = {k: int(v) for k, v in re.findall(r"^(loop|child|thread|main) (-?\d+)$", out,
                                             re.M)}
    check(set(got) == {"loop", "child", "thread", "main"}, "fixture report missing", out)
    return got


def pinned_hit_loop():
    # 10 hits passed over: the program sees one CPU from the first one on;
    # a child forked after the loop (still pinned then), a thread started
    # after it, and main see them all.
    need_cpus()
    got = affinity_report(batch(AFFINITY, ["break tick", "ignore 1 1000", "run"]))
    check(got == {"loop": 1, "child": NCPU, "thread": NCPU, "main": NCPU},
          "CPUs seen %r (want loop 1, the others %d)" % (got, NCPU))


t.case("ignore loop: program pinned to one CPU, all CPUs back for a child and a thread",
       pinned_hit_loop)


def pinning_off():
    need_cpus()
    got = affinity_report(batch(AFFINITY, ["set cpu-pinning off", "show cpu-pinning",
                                           "break tick", "ignore 1 1000", "run"]))
    check(got == {"loop": NCPU, "child": NCPU, "thread": NCPU, "main": NCPU},
          "CPUs seen %r with cpu-pinning off" % got)


t.case("set cpu-pinning off: the program keeps every CPU", pinning_off)


def allowed_list(pid):
    with open("/proc/%d/status" % pid) as f:
        return re.search(r"^Cpus_allowed_list:\s*(\S+)$", f.read(), re.M).group(1)


def unpinned_at_report():
    # the 4th hit is reported: by then program and layoutdbg have their
    # CPUs back
    need_cpus()
    mine = allowed_list(os.getpid())
    with ldtest.PipeSession([AFFINITY]) as s:
        for c in ("break tick", "ignore 1 3", "run"):
            s.send(c)
        s.out.expect(r"^Breakpoint 1, tick ")
        s.send("info proc")
        pid = int(s.out.expect(r"^process (\d+)$").group(1))
        prog, ours = allowed_list(pid), allowed_list(s.pid)
        s.send("kill")
        rc = s.finish()
    check(rc == 0, "layoutdbg exited %d" % rc, s.err.text)
    check(prog == mine and ours == mine,
          "after the reported stop: program %s, layoutdbg %s (want %s)" % (prog, ours, mine))


t.case("the stop after a pinned loop gives program and layoutdbg their CPUs back",
       unpinned_at_report)

def ifunc_targets():
    # strlen and memcpy are IFUNCs: their symbols name the resolvers, which
    # ran before main.  The breakpoints go where calls really land (the
    # slot the dynamic linker filled), so the program's own calls stop
    # there, called from main at the lines that call them.
    out = batch(STRINGS, ["break strlen", "break memcpy", "run", "bt 2", "continue",
                          "bt 2", "delete", "continue"])
    for name in ("strlen", "memcpy"):
        search(r"^Breakpoint \d+ at 0x[0-9a-f]+: %s in \S+libc\.so\.6 \(IFUNC, resolved to "
               r"0x[0-9a-f]+\)$" % name, out, "%s resolved" % name)
    s = stops(out)
    check(len(s) == 2, "%d stops (want strlen, then memcpy)" % len(s), out)
    search(r"^Breakpoint 1, 0x[0-9a-f]+ in strlen \(\)", out, "stop in strlen")
    search(r"^#1\s+0x[0-9a-f]+ in main \(.*\) <\+\d+> at \S*strings\.c:10$", out,
           "strlen called from strings.c:10")
    search(r"^Breakpoint 2, 0x[0-9a-f]+ in memcpy \(\)", out, "stop in memcpy")
    search(r"^#1\s+0x[0-9a-f]+ in main \(.*\) <\+\d+> at \S*strings\.c:14$", out,
           "memcpy called from strings.c:14")
    search(r"^\d+ \S*strings$", out, "the program's own output intact")
    check("resolver" not in out, "a breakpoint stayed on a resolver", out)


t.case("break strlen / memcpy (IFUNCs): stop where the program's calls land",
       ifunc_targets)


def registers_in_addresses():
    # Every register info registers shows is an address expression, and
    # gdb's $fp: glibc's TCB starts with a pointer to itself, so the word
    # at $fs_base is $fs_base.
    rc, out, err = ldtest.run_batch([RECURSE], [
        "break main", "run", "info registers fs_base", "info registers rbp",
        "x/1xg $fs_base", "x/1xg $fp", "x/1xg $xmm0"])
    fs, rbp = reg(out, "fs_base"), reg(out, "rbp")
    # the TCB lies in no symbol: gdb prints no <SYM> there (nor "<??>");
    # the value, the TCB's own address, is placed in the layout
    search(r"^0x0*%x:\t0x0*%x <TLS of thread 1>$" % (fs, fs), out, "x/1xg $fs_base")
    search(r"^0x0*%x:\t0x[0-9a-f]+(?: <[^>]*>)?$" % rbp, out, "x/1xg $fp is at rbp")
    check('x: "$xmm0": unknown register' in err, "stderr %r" % err, out)


t.case("x $REG: every register of info registers, and $fp", registers_in_addresses)

sys.exit(t.done())
