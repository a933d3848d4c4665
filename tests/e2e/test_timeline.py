#!/usr/bin/env python3
"""Catchpoints and the memory timeline: `trace memory until exit` records
the same memory system calls strace sees (same order, same results with
ASLR off), each with the layout change it made; the mapper fixture's
split/merge/mremap/munmap history is told with its own addresses;
`catch syscall`, `catch load`, pending breakpoints, `catch exec`,
`catch fork`, and forked children that never die of SIGTRAP."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(13)
HEAP = ldtest.fixture("heap")
MEMORY_CALLS = ("brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "shmat", "shmdt")

ENTRY = re.compile(r"^\s+(\d+)\s+\[(\d+)\] (\w+)\((.*)\) = (\S+)\n\s+(.*)$", re.M)


def batch(args, cmds, ok=True, **kw):
    rc, out, err = ldtest.run_batch(args, cmds, **kw)
    if ok:
        check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    return rc, out, err


def entries(out):
    """The summary lines of `timeline`: [(n, thread, name, args, result, change line)]."""
    return [(int(m.group(1)), int(m.group(2)), m.group(3), m.group(4), m.group(5),
             m.group(6)) for m in ENTRY.finditer(out)]


def normalise_args(args):
    """layoutdbg's decoded arguments in strace's plain form: sizes lose their
    `(0x.., N KiB)` gloss and fds their `<path>`."""
    args = re.sub(r" \(0x[0-9a-f]+, [\d.]+ [KMGT]?i?B\)", "", args)
    return re.sub(r"\b(\d+)<[^>]*>", r"\1", args)


# ------------------------------------------------------------- strace

STRACE_LINE = re.compile(r"^(?:\d+\s+)?(\w+)\((.*)\)\s+= (\S+)")


def strace_calls(prog):
    if not shutil.which("strace"):
        raise ldtest.Skip("strace is not installed")
    if not shutil.which("setarch"):
        raise ldtest.Skip("setarch is not installed")
    d = tempfile.mkdtemp(prefix="ldtest-strace-")
    try:
        log = os.path.join(d, "log")
        # setarch -R first: strace and the program it starts both run
        # without randomization, and only the program is traced.
        argv = ["setarch", os.uname().machine, "-R", "strace", "-f", "-qq",
                "-e", "trace=memory", "-o", log, prog]
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=ldtest.env(), timeout=60)
        if p.returncode != 0 or not os.path.exists(log):
            raise ldtest.Skip("strace cannot trace here: " +
                              (p.stderr.decode(errors="replace").strip().splitlines() or
                               ["exit %d" % p.returncode])[-1])
        calls = []
        with open(log) as f:
            for line in f:
                m = STRACE_LINE.match(line)
                if m and m.group(1) in MEMORY_CALLS:
                    calls.append((m.group(1), m.group(2), m.group(3)))
        return calls
    finally:
        shutil.rmtree(d, ignore_errors=True)


def timeline_equals_strace():
    truth = strace_calls(HEAP)
    _, out, _ = batch([HEAP], ["trace memory until exit", "timeline"])
    mine = [(name, normalise_args(args), res) for _, _, name, args, res, _ in entries(out)]
    check(truth and truth[0][0] == "brk", "strace's first memory call is not brk: %r" % truth[:2])
    check(mine and mine[0][0] == "brk", "the timeline does not start with brk", out)
    names_t = [c[0] for c in truth]
    names_m = [c[0] for c in mine]
    check(names_t == names_m, "call sequence differs\nstrace:    %s\nlayoutdbg: %s"
          % (" ".join(names_t), " ".join(names_m)), out)
    for i, (a, b) in enumerate(zip(truth, mine)):
        if a[0] in ("mmap", "brk"):
            check(a[2] == b[2], "call %d %s: strace result %s, layoutdbg %s"
                  % (i + 1, a[0], a[2], b[2]), out)
        check(a[1] == b[1], "call %d %s: strace args (%s), layoutdbg (%s)"
              % (i + 1, a[0], a[1], b[1]), out)


t.case("trace memory until exit: the calls and results strace -e trace=memory sees (ASLR off)",
       timeline_equals_strace)


_trace = {}


def traced_heap():
    if "out" not in _trace:
        _, out, _ = batch([HEAP], ["trace memory until exit", "timeline"])
        es = entries(out)
        check(len(es) >= 3, "timeline too short", out)
        last = es[-1][0]
        _, full, _ = batch([HEAP], ["trace memory until exit", "timeline %d" % last,
                                    "diff @%d" % last, "diff @%d- @%d" % (last, last)])
        _trace.update(out=out, es=es, last=last, full=full)
    return _trace


def last_two_brk():
    tr = traced_heap()
    es, out, full = tr["es"], tr["out"], tr["full"]
    (n1, _, c1, a1, r1, ch1), (n2, _, c2, a2, r2, ch2) = es[-2], es[-1]
    check((c1, a1) == ("brk", "NULL"), "second last entry is not brk(NULL): %r" % (es[-2],), out)
    check(c2 == "brk" and re.match(r"0x[0-9a-f]+$", a2) and a2 == r2,
          "last entry is not a successful brk(0x...): %r" % (es[-1],), out)
    check(int(r2, 16) - int(r1, 16) == 0x21000, "brk moved by %#x" % (int(r2, 16) - int(r1, 16)))
    check("no layout change" in ch1, "brk(NULL) changed the layout? %r" % ch1, out)
    check(re.search(r"\+ added 0x%x-0x%x rw-p" % (int(r1, 16), int(r2, 16)), ch2),
          "last brk does not add the heap mapping: %r" % ch2, out)
    # in full: [heap], the program break, and the call site
    search(r"^#%d thread 1 \(LWP \d+\)\n  brk\(%s\) = %s$" % (n2, a2, r2), full, "timeline N")
    search(r"^\+ added\s+0x%x-0x%x rw-p\s+0x21000 \(132 KiB\)\s+\[heap\]$"
           % (int(r1, 16), int(r2, 16)), full, "[heap] added in timeline N")
    cf = full[full.index("called from:"):]
    calloc = re.search(r"^  #(\d+)\s+0x[0-9a-f]+ in calloc \(\)", cf, re.M)
    main = re.search(r"^  #(\d+)\s+0x[0-9a-f]+ in main \(\)", cf, re.M)
    check(calloc and main and int(calloc.group(1)) < int(main.group(1)),
          "`called from` lacks calloc then main", full)


t.case("the last two entries are brk(NULL) and brk(0x..) adding [heap], called from calloc <- main",
       last_two_brk)


def diff_at_brk():
    tr = traced_heap()
    full = tr["full"]
    diffs = re.findall(r"^diff .*\n\+ added\s+(0x[0-9a-f]+-0x[0-9a-f]+) rw-p\s+0x21000 "
                       r"\(132 KiB\)\s+\[heap\]\nprogram break: (0x[0-9a-f]+) -> (0x[0-9a-f]+) "
                       r"\(\+0x21000", full, re.M)
    check(len(diffs) == 2, "`diff @N` and `diff @N- @N` should both show [heap] added and "
          "the break moving by 0x21000", full)


t.case("diff @N (and @N- @N) for the brk entry: [heap] added, break +0x21000", diff_at_brk)


def diff_at_names_process():
    tr = traced_heap()
    m = search(r"^diff timeline #\d+ \(before\) -> timeline #\d+ \(after\) \(process (\d+)\)",
               tr["full"], "diff @N header")
    pid = int(search(r"^#\d+ thread 1 \(LWP (\d+)\)", tr["full"], "timeline N").group(1))
    check(int(m.group(1)) == pid, "diff @N says process %s, the traced process was %d"
          % (m.group(1), pid), tr["full"])


t.case("diff @N names the traced process", diff_at_names_process)


# --------------------------------------------------------------- mapper

def mapper_history():
    _, out, _ = batch([ldtest.fixture("mapper")], ["trace memory until exit", "timeline"])
    p = int(search(r"^mmap (0x[0-9a-f]+)$", out, "fixture's mmap line").group(1), 16)
    q = int(search(r"^mremap (0x[0-9a-f]+)$", out, "fixture's mremap line").group(1), 16)
    search(r"^munmap done$", out, "fixture ran to its end")
    pg = os.sysconf("SC_PAGESIZE")
    es = entries(out)
    # from the fixture's mmap on
    i = [k for k, e in enumerate(es) if e[2] == "mmap" and e[4] == "0x%x" % p]
    check(len(i) == 1, "no mmap returning 0x%x" % p, out)
    rest = [e for e in es[i[0]:] if e[2] != "brk"]      # stdio's heap comes in between
    check([e[2] for e in rest[:5]] == ["mmap", "mprotect", "mprotect", "mremap", "munmap"],
          "calls after the fixture's mmap: %r" % [e[2] for e in rest], out)
    mm, sp, mg, mr, mu = rest[:5]

    def rng(lo, hi):
        return "0x%x-0x%x" % (lo, hi)
    # mmap: the region appears (or an adjacent anonymous one grows to hold it)
    added = re.search(r"\+ added (0x[0-9a-f]+)-(0x[0-9a-f]+) rw-p", mm[5])
    grown = re.search(r"~ grown (0x[0-9a-f]+)-(0x[0-9a-f]+) rw-p", mm[5])
    g = added or grown
    check(g and int(g.group(1), 16) <= p and p + 4 * pg <= int(g.group(2), 16),
          "mmap's change does not cover 0x%x..+4 pages: %r" % (p, mm[5]), out)
    check(normalise_args(sp[3]) == "0x%x, %d, PROT_READ" % (p + pg, pg),
          "first mprotect args %r" % sp[3], out)
    check("~ split" in sp[5] and rng(p + pg, p + 2 * pg) + " r--p" in sp[5],
          "first mprotect is not a split with a r--p page at 0x%x: %r" % (p + pg, sp[5]), out)
    check("~ merged" in mg[5] and "split" not in mg[5],
          "second mprotect is not a merge: %r" % mg[5], out)
    check(mr[4] == "0x%x" % q, "mremap result %s, fixture says 0x%x" % (mr[4], q), out)
    check(rng(q, q + 8 * pg) in mr[5] and ("+ added" in mr[5] or "~ grown" in mr[5] or
                                            "moved" in mr[5]),
          "mremap's change does not show 0x%x..+8 pages: %r" % (q, mr[5]), out)
    check(normalise_args(mu[3]) == "0x%x, %d" % (q, 8 * pg) and
          ("- removed " + rng(q, q + 8 * pg)) in mu[5],
          "munmap does not remove 0x%x..+8 pages: %r" % (q, mu[5]), out)


t.case("mapper: mmap added/grown, mprotect split, mprotect merged, mremap, munmap removed",
       mapper_history)


# ---------------------------------------------------------- catchpoints

def catch_syscall_brk():
    _, out, _ = batch([HEAP], ["catch syscall brk", "run", "continue", "info brk"])
    search(r"^Catchpoint 1 \(syscall brk\)$", out, "catch confirmation")
    call = search(r"^Catchpoint 1 \(call to syscall brk\), 0x[0-9a-f]+ in .*\n  brk\(NULL\)$",
                  out, "call stop")
    ret = search(r"^Catchpoint 1 \(returned from syscall brk\), 0x[0-9a-f]+ in .*\n"
                 r"  brk\(NULL\) = (0x[0-9a-f]+)$", out, "return stop")
    check(call.start() < ret.start(), "return reported before call", out)
    brk = search(r"^brk\s+(0x[0-9a-f]+)", out, "info brk").group(1)
    check(brk == ret.group(1), "brk(NULL) returned %s but info brk says %s"
          % (ret.group(1), brk), out)


t.case("catch syscall brk: call and return stops, brk(NULL) = the program break",
       catch_syscall_brk)


def catch_load_libm():
    _, out, _ = batch([ldtest.fixture("dlopener")], ["catch load libm", "run", "continue"])
    m = search(r"^Catchpoint 1 \(loaded (\S*/libm\.so\.6)\)", out, "load stop")
    check(os.path.exists(m.group(1)), "no such library %s" % m.group(1), out)
    search(r"^loaded libm\.so\.6 cos\(0\)=1$", out, "program result")
    search(r"exited with code 0\]", out, "normal exit")


t.case("catch load libm (dlopener): stops with `loaded .../libm.so.6`", catch_load_libm)


def pending_cos():
    _, out, _ = batch([ldtest.fixture("dlopener")],
                      ["break cos", "info breakpoints", "run", "info breakpoints",
                       "info proc mappings", "continue", "continue"])
    search(r"^Breakpoint 1 \(cos\) pending", out, "pending at first")
    search(r"^1\s+breakpoint\s+keep y\s+<PENDING>\s+cos$", out, "listed as <PENDING>")
    armed = search(r"^Breakpoint 1 at (0x[0-9a-f]+): cos in (\S*/libm\.so\.6)", out, "armed")
    addr = int(armed.group(1), 16)
    search(r"^Breakpoint 1, 0x0*%x in \S+ \(\)" % addr, out, "stop at cos")
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    check(any(r["start"] <= addr < r["end"] and r["perms"] == "r-xp" and
              r["objfile"] == armed.group(2) for r in rows),
          "cos breakpoint %#x is not in libm's text" % addr, out)
    search(r"^1\s+breakpoint\s+keep y\s+0x0*%x\s+cos in " % addr, out, "listed with address")
    search(r"^loaded libm\.so\.6 cos\(0\)=1$", out, "program result")


t.case("break cos before run (dlopener): pending, armed when libm loads, stops in libm",
       pending_cos)


def catch_exec():
    _, out, _ = batch([ldtest.fixture("execer")], ["catch exec", "run", "info proc mappings",
                                                    "continue"])
    empty = ldtest.fixture("empty")
    search(r"^Catchpoint 1 \(exec'd %s\)" % re.escape(empty), out, "exec stop")
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    objs = {r["objfile"] for r in rows}
    check(rows[0]["objfile"] == empty, "first mapping is %r, not the empty fixture"
          % rows[0]["objfile"], out)
    check(ldtest.fixture("execer") not in objs, "execer still mapped after exec", out)
    check(not any(o.endswith("/libc.so.6") for o in objs),
          "libc mapped at the exec stop: not the new image's start", out)
    search(r"exited with code 0\]", out, "normal exit")


t.case("catch exec (execer): stops in the new image, mappings are the empty fixture's",
       catch_exec)


def forker_children_survive():
    _, out, _ = batch([ldtest.fixture("forker")],
                      ["break marker", "run", "info registers rdi", "continue"])
    stops = re.findall(r"^Breakpoint 1, marker \(.*\)", out, re.M)
    check(len(stops) == 1, "%d stops at marker; only the parent may stop" % len(stops), out)
    rdi = int(search(r"^rdi\s+(0x[0-9a-f]+)", out, "rdi").group(1), 16)
    check(rdi == 1, "the stop is marker(%d), not the parent's marker(1)" % rdi, out)
    check("killed by signal" not in out, "a child was killed", out)
    search(r"^fork child exited 7$", out, "fork child")
    search(r"^vfork child exited 8$", out, "vfork child")
    search(r"^parent marker 2$", out, "parent")
    search(r"exited with code 0\]", out, "parent's exit status")


t.case("forker: break marker stops the parent only; fork/vfork children exit 7/8",
       forker_children_survive)


def catch_fork():
    _, out, _ = batch([ldtest.fixture("forker")], ["catch fork", "run", "continue", "continue"])
    f = search(r"^Catchpoint 1 \(forked process (\d+)\)", out, "fork stop")
    v = search(r"^Catchpoint 1 \(vforked process (\d+)\)", out, "vfork stop")
    check(f.start() < v.start() and f.group(1) != v.group(1), "fork/vfork stops", out)
    search(r"^fork child exited 7$", out, "fork child")
    search(r"^vfork child exited 8$", out, "vfork child")
    search(r"exited with code 0\]", out, "normal exit")


t.case("catch fork: `forked process N` and `vforked process M`, children unharmed", catch_fork)


def catch_memory_then_timeline():
    _, out, _ = batch([ldtest.fixture("mapper")],
                      ["catch memory", "run", "continue", "timeline"])
    search(r"^Catchpoint 1 \(call to syscall brk\)", out, "first memory stop is brk")
    search(r"^Catchpoint 1 \(returned from syscall brk\)", out, "its return")
    es = entries(out)
    check(len(es) >= 1 and es[0][2] == "brk" and es[0][3] == "NULL",
          "the timeline does not record the caught brk(NULL): %r" % es[:2], out)


t.case("catch memory: stops at brk and records it in the timeline", catch_memory_then_timeline)


def trace_forker():
    # the seccomp filter is inherited by the children: they must stay
    # traced (or be handled) so that their own memory calls still work
    _, out, _ = batch([ldtest.fixture("forker")], ["trace memory until exit"])
    check("killed by signal" not in out, "a child was killed", out)
    search(r"^fork child exited 7$", out, "fork child")
    search(r"^vfork child exited 8$", out, "vfork child")
    search(r"^parent marker 2$", out, "parent")
    search(r"exited with code 0\]", out, "parent's exit status")


t.case("trace memory until exit on forker: the children still run to their normal end",
       trace_forker)


sys.exit(t.done())
