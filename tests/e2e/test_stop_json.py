#!/usr/bin/env python3
"""--json stop documents: every stop prints one {"event": "stop", ...} line
before the command's own document, and its values are the real ones,
checked against oracles outside layoutdbg while the tracee sits stopped:
the stopped thread is a task of the process in a tracing stop
(/proc/PID/task/TID/status), the pc is readelf's symbol value plus the
load bias from /proc/PID/maps plus the reported offset, the finish value
points into the [heap] mapping of /proc/PID/maps, the fault address is
the one the program printed, the system call number is the kernel
header's, and the exit code is the program's own exit status."""
import json
import os
import re
import subprocess

import ldtest
from ldtest import check

t = ldtest.Tap(6)
STOP_RX = r'^\{"event":"stop".*$'


def stop_doc(s):
    """The next stop document of session s."""
    return json.loads(s.out.expect(STOP_RX).group(0))


def cmd_doc(s, name):
    """The next document of command name."""
    m = s.out.expect(r'^\{"command":"%s".*$' % re.escape(name))
    return json.loads(m.group(0))


def session(prog, *args):
    return ldtest.PipeSession([ldtest.fixture(prog)] + list(args), opts=("-q", "--json"))


def traced_stopped(pid, tid):
    """/proc's word on tid: a task of pid, in a tracing stop."""
    path = "/proc/%d/task/%d/status" % (pid, tid)
    check(os.path.exists(path), "thread %d is not a task of process %d" % (tid, pid))
    with open(path) as f:
        state = re.search(r"^State:\s+(.*)$", f.read(), re.M).group(1)
    check(state.startswith("t"), "task %d is %r, not in a tracing stop" % (tid, state))


def load_bias(pid, path):
    """Start of the offset-0 mapping of path (a PIE's first LOAD is at 0)."""
    for line in open("/proc/%d/maps" % pid):
        f = line.split()
        if len(f) >= 6 and f[5] == path and int(f[2], 16) == 0:
            return int(f[0].split("-")[0], 16)
    raise AssertionError("%s is not mapped in %d" % (path, pid))


def symbol_value(path, name):
    if not ldtest.readelf_available():
        raise ldtest.Skip("readelf is not installed")
    out = subprocess.run(["readelf", "-sW", path], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7] == name and f[3] == "FUNC":
            return int(f[1], 16)
    raise AssertionError("readelf: no %s in %s" % (name, path))


def nr_of(name):
    hdr = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
    if not os.path.exists(hdr):
        raise ldtest.Skip("%s is not installed" % hdr)
    m = re.search(r"^#define __NR_%s (\d+)$" % name, open(hdr).read(), re.M)
    return int(m.group(1))


def breakpoint_threads():
    prog = ldtest.fixture("threads")
    value = symbol_value(prog, "marker")
    with session("threads") as s:
        s.send("break marker")
        s.send("run")
        seen = set()
        for i in range(2):
            d = stop_doc(s)
            r, th, fr = d["reason"], d["thread"], d["frame"]
            check(r["kind"] == "breakpoint" and r["number"] == 1 and
                  r["location"] == "marker" and r["temporary"] is False,
                  "reason %r" % r)
            check(r["text"] == "breakpoint 1 (marker)", "text %r" % r["text"])
            pid = d["pid"]
            traced_stopped(pid, th["tid"])
            check(th["tid"] != pid, "marker is called in the workers, not in main")
            check(fr["function"] == "marker", "function %r" % fr["function"])
            check(fr["pc"] == load_bias(pid, prog) + value + fr["offset"],
                  "pc %#x != bias + readelf's marker + offset %d" % (fr["pc"], fr["offset"]))
            check(fr["pc_hex"] == "%#x" % fr["pc"], "pc_hex %r" % fr["pc_hex"])
            check(fr["object"] == prog and fr["file"].endswith("threads.c") and
                  fr["line"] == 14, "frame %r" % fr)
            # the gdb number is the one `info threads` gives that tid
            s.send("info threads")
            thr = cmd_doc(s, "info threads")["threads"]
            check([x["num"] for x in thr if x["tid"] == th["tid"]] == [th["num"]],
                  "thread num %d for tid %d: %r" % (th["num"], th["tid"], thr))
            seen.add(th["tid"])
            s.send("continue")
        check(len(seen) == 2, "both workers stopped: %r" % seen)
        d = stop_doc(s)     # main's own marker(10), after the joins
        check(d["reason"]["number"] == 1 and d["thread"] == {"tid": pid, "num": 1},
              "main's hit %r" % d)
        traced_stopped(pid, pid)
        s.send("continue")
        d = stop_doc(s)
        check(d["reason"] == {"kind": "exited", "text": "exited", "exit_code": 0} and
              "thread" not in d and "frame" not in d, "exit %r" % d)
        s.send("quit")
        s.finish()


t.case("breakpoint: number, location, tid (a traced task in /proc), thread num, pc = "
       "readelf + bias + offset, file:line; then exited", breakpoint_threads)


def finish_value():
    with session("heap") as s:
        s.send("break calloc")
        s.send("run")
        d = stop_doc(s)
        check(d["reason"]["kind"] == "breakpoint" and d["frame"]["function"] == "calloc",
              "stop %r" % d)
        s.send("finish")
        d = stop_doc(s)
        check(d["reason"] == {"kind": "finish", "text": "finish"}, "reason %r" % d["reason"])
        check(d["frame"]["function"] == "main", "finish returns to main: %r" % d["frame"])
        v = d["value"]
        check(v["num"] == 1 and v["value_hex"] == "%#x" % v["value"], "value %r" % v)
        heap = [l.split()[0] for l in open("/proc/%d/maps" % d["pid"])
                if l.rstrip().endswith("[heap]")]
        check(len(heap) == 1, "no [heap] in /proc/%d/maps" % d["pid"])
        lo, hi = (int(x, 16) for x in heap[0].split("-"))
        check(lo <= v["value"] < hi, "calloc's result %#x is not in [heap] %s"
              % (v["value"], heap[0]))
        s.send("info registers rax")
        regs = cmd_doc(s, "info registers")["registers"]
        check(regs["rax"] == v["value"], "rax %#x != value %#x" % (regs["rax"], v["value"]))
        s.send("kill")
        s.send("quit")
        s.finish()


t.case("finish: the value is rax and points into /proc's [heap]", finish_value)


def signal_then_killed():
    with session("segv") as s:
        s.send("run")
        printed = int(s.out.expect(r"^fault at (0x[0-9a-f]+)$").group(1), 16)
        d = stop_doc(s)
        r = d["reason"]
        check(r["kind"] == "signal" and r["signal"] == "SIGSEGV" and
              r["signal_number"] == 11, "reason %r" % r)
        check(r["fault_address"] == printed, "fault %#x, the program printed %#x"
              % (r["fault_address"], printed))
        check(r["fault_mapping"] is None, "p + page was unmapped: %r" % r["fault_mapping"])
        traced_stopped(d["pid"], d["thread"]["tid"])
        pid = d["pid"]
        s.send("continue")
        d = stop_doc(s)
        check(d["reason"]["kind"] == "killed" and d["reason"]["signal"] == "SIGSEGV" and
              d["pid"] == pid, "end %r" % d)
        s.send("quit")
        s.finish()


t.case("signal: SIGSEGV at the address the program printed; then killed by it",
       signal_then_killed)


def syscall_catch():
    nr = nr_of("brk")
    with session("heap") as s:
        s.send("catch syscall brk")
        s.send("run")
        for at in ("entry", "return"):
            d = stop_doc(s)
            r = d["reason"]
            check(r["kind"] == "syscall" and r["number"] == 1 and r["syscall"] == "brk" and
                  r["nr"] == nr and r["at"] == at, "reason %r" % r)
            check(r["call"].startswith("brk("), "call %r" % r["call"])
            traced_stopped(d["pid"], d["thread"]["tid"])
            if at == "return":
                check(r["ret"] > 0 and "result" in r, "return %r" % r)
                check(r["text"] == "Catchpoint 1 (returned from syscall brk)", r["text"])
            else:
                check(r["text"] == "Catchpoint 1 (call to syscall brk)", r["text"])
            s.send("continue")
        s.send("kill")
        s.send("quit")
        s.finish()


t.case("catch syscall: brk's number from the kernel header, entry then return",
       syscall_catch)


def exit_code():
    # the program's own exit status, without layoutdbg
    want = subprocess.run([ldtest.fixture("execer"), "/nonexistent"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    check(want != 0, "execer of a missing program should fail")
    with session("execer", "/nonexistent") as s:
        s.send("run")
        d = stop_doc(s)
        check(d["reason"]["kind"] == "exited" and d["reason"]["exit_code"] == want,
              "exit %r, the program exits %d" % (d["reason"], want))
        s.send("quit")
        s.finish()


t.case("exited: exit_code is the program's own exit status", exit_code)


def one_stop_per_stop():
    rc, out, err = ldtest.run_batch([ldtest.fixture("heap")],
                                    ["break main", "run", "next", "stepi", "continue"],
                                    opts=["--json"])
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    kinds = [d["reason"]["kind"] for d in docs if d.get("event") == "stop"]
    check(kinds == ["breakpoint", "step", "stepi", "exited"], "stops %r" % kinds)
    cmds = [d["command"] for d in docs if "command" in d]
    check(cmds == ["break", "run", "next", "stepi", "continue"], "commands %r" % cmds)
    # each stop comes before the document of the command that ran into it
    order = ["stop" if d.get("event") else d.get("command") for d in docs]
    check(order == ["break", "stop", "run", "stop", "next", "stop", "stepi", "stop",
                    "continue"], "order %r" % order)


t.case("one stop document per stop, before its command's document", one_stop_per_stop)
t.done()
