#!/usr/bin/env python3
"""Signals: a SIGSEGV is reported with the fault address the program
itself computed and then kills it; SIGSTOP is reported as received and
then as a group-stop; `handle` decides whether SIGUSR1 stops and whether
it is delivered (the fixture prints what its handler saw); `info signals`
has gdb's defaults.  SIGTERM/SIGHUP to layoutdbg: an attached process is
detached unharmed (text bytes identical), a spawned one dies with it."""
import json
import os
import signal
import subprocess
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(12)


def batch(args, cmds, ok=True, **kw):
    rc, out, err = ldtest.run_batch(args, cmds, **kw)
    if ok:
        check(rc == 0, "exit status %d, stderr: %s" % (rc, err), out)
    return rc, out, err


# ---------------------------------------------------------------- SIGSEGV

def segv():
    rc, out, err = ldtest.run_batch([ldtest.fixture("segv")], ["run", "continue"])
    fault = search(r"^fault at (0x[0-9a-f]+)$", out, "fixture's own fault address").group(1)
    r = search(r"^Program received signal SIGSEGV, Segmentation fault\.$", out, "signal report")
    fa = search(r"^Fault address (0x[0-9a-f]+)\b", out, "fault address line")
    check(int(fa.group(1), 16) == int(fault, 16),
          "Fault address %s, the program faulted at %s" % (fa.group(1), fault), out)
    check(fa.start() > r.start(), "fault address before the signal report", out)
    search(r"^0x[0-9a-f]+ in main \(\) at \S*segv\.c:\d+$", out, "stop location is main")
    k = search(r"^\[process (\d+) killed by SIGSEGV\]$", out, "killed by SIGSEGV")
    check(k.start() > fa.start(), "killed before reported", out)


t.case("segv: SIGSEGV reported with the fixture's fault address, continue kills it", segv)


# ---------------------------------------------------------------- stopper

def stopper_default():
    _, out, _ = batch([ldtest.fixture("stopper")], ["run", "continue", "continue", "continue"])
    a = search(r"^Program received signal SIGSTOP, Stopped \(signal\)\.$", out, "SIGSTOP received")
    b = search(r"^Program stopped by SIGSTOP \(group-stop", out, "group-stop report")
    c = search(r"^Program received signal SIGUSR1, User defined signal 1\.$", out, "SIGUSR1")
    check(a.start() < b.start() < c.start(), "reports out of order", out)
    search(r"^handler saw 10$", out, "SIGUSR1 delivered to the handler")
    search(r"exited with code 0\]", out, "normal exit")


t.case("stopper: SIGSTOP received, then group-stop, then SIGUSR1; handler saw 10",
       stopper_default)


def stopper_nostop():
    _, out, _ = batch([ldtest.fixture("stopper")],
                      ["handle SIGUSR1 nostop", "run", "continue", "continue", "info signals"],
                      ok=False)
    search(r"^SIGUSR1\s+No\s+Yes\s", out, "handle table row")
    check("Program received signal SIGUSR1" not in out, "SIGUSR1 stopped the program", out)
    search(r"^Program stopped by SIGSTOP \(group-stop", out, "group-stop still reported")
    search(r"^handler saw 10$", out, "SIGUSR1 still delivered")
    search(r"exited with code 0\]", out, "normal exit")


t.case("handle SIGUSR1 nostop: no stop, still delivered (handler saw 10)", stopper_nostop)


def stopper_nopass():
    _, out, _ = batch([ldtest.fixture("stopper")],
                      ["handle SIGUSR1 nopass", "run", "continue", "continue", "continue"])
    search(r"^SIGUSR1\s+Yes\s+No\s", out, "handle table row")
    search(r"^Program received signal SIGUSR1", out, "SIGUSR1 still stops")
    search(r"^handler saw 0$", out, "SIGUSR1 not delivered")
    search(r"exited with code 0\]", out, "normal exit")


t.case("handle SIGUSR1 nopass: stops, not delivered (handler saw 0)", stopper_nopass)


def info_signals():
    _, out, _ = batch([], ["info signals"])
    search(r"^Signal\s+Stop\s+Pass\s+Description$", out, "header")
    search(r"^SIGINT\s+Yes\s+No\s+Interrupt$", out, "SIGINT row")
    search(r"^SIGTRAP\s+Yes\s+No\s", out, "SIGTRAP row")
    search(r"^SIGSEGV\s+Yes\s+Yes\s", out, "SIGSEGV row")
    for s in ("SIGALRM", "SIGCHLD", "SIGWINCH", "SIGURG", "SIGPROF", "SIG(IO|POLL)"):
        search(r"^%s\s+No\s+Yes\s" % s, out, "%s row (nostop pass)" % s)


t.case("info signals: gdb's defaults (SIGINT stop, not passed; SIGCHLD etc. nostop)",
       info_signals)


# ------------------------------------------------- SIGTERM to layoutdbg

def attached_survives(sig, resume):
    with ldtest.Waiter() as w:
        before = ldtest.text_checksums(w.pid)
        orig = ldtest.read_mem(w.pid, w.marker, 16)
        with ldtest.PipeSession(["-p", str(w.pid)]) as s:
            s.send("break marker")
            bp = s.out.expect(r"^Breakpoint 1 at (0x[0-9a-f]+)")
            addr = int(bp.group(1), 16)
            check(ldtest.tracer_pid(w.pid) == s.pid, "waiter not traced by layoutdbg")
            if resume:
                s.send("continue")
                # running again: blocked in its own read(), layoutdbg in wait
                ldtest.wait_blocked(w.pid, [ldtest.SYS_READ])
                check(ldtest.read_mem(w.pid, addr, 1) == b"\xcc",
                      "no int3 at the breakpoint while running: the test proves nothing")
            else:
                s.send("info breakpoints")
                s.out.expect(r"^1\s+breakpoint")
            os.kill(s.pid, sig)
            s.wait()
        check(ldtest.pid_alive(w.pid), "the attached waiter died with layoutdbg")
        check(ldtest.tracer_pid(w.pid) == 0, "the waiter is still traced")
        check(ldtest.read_mem(w.pid, w.marker, 16) == orig, "marker's bytes changed")
        after = ldtest.text_checksums(w.pid)
        check(before == after, "text mappings differ after layoutdbg left: %r"
              % [k for k in before if before[k] != after.get(k)])
        w.write("abcd\n")
        w.out.expect(r"^echo 5 abcd$")
        w.close_stdin()
        check(w.wait() == 0, "waiter exit status")


t.case("SIGTERM while an attached waiter runs: detached, text unchanged, still works",
       attached_survives, signal.SIGTERM, True)
t.case("SIGTERM at the prompt, attached waiter stopped: detached, text unchanged",
       attached_survives, signal.SIGTERM, False)
t.case("SIGHUP while an attached waiter runs: detached, text unchanged, still works",
       attached_survives, signal.SIGHUP, True)


def spawned_dies_running(sig):
    # -batch reads no commands from stdin, so the waiter it runs inherits
    # our pipe as its stdin and blocks reading it: a tracee that stays
    # alive until we act, with layoutdbg waiting for it.
    argv = ldtest.layoutdbg_cmd([ldtest.fixture("waiter")], ["run"], batch=True)
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=ldtest.env())
    try:
        out = ldtest.Reader(p.stdout.fileno())
        pid = int(out.expect(r"^pid (\d+) marker").group(1))
        ldtest.wait_blocked(pid, [ldtest.SYS_READ])
        check(ldtest.tracer_pid(pid) == p.pid, "waiter is not traced by layoutdbg")
        os.kill(p.pid, sig)
        try:
            p.wait(5)       # it takes milliseconds; 5 s is only a safety net
        except subprocess.TimeoutExpired:
            raise ldtest.Timeout("layoutdbg did not exit within 5 s of signal %d (tracee %d %s)"
                                 % (sig, pid, ldtest.proc_state(pid)))
        check(ldtest.wait_pid_exit(pid), "the spawned waiter %d outlived layoutdbg" % pid)
        check(not ldtest.pid_alive(pid), "the spawned waiter %d is still alive" % pid)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        for f in (p.stdin, p.stdout, p.stderr):
            f.close()


t.case("SIGTERM while a spawned waiter runs: the waiter dies too", spawned_dies_running,
       signal.SIGTERM)
t.case("SIGHUP while a spawned waiter runs: the waiter dies too", spawned_dies_running,
       signal.SIGHUP)


def spawned_dies_at_prompt():
    with ldtest.PipeSession([ldtest.fixture("heap")]) as s:
        s.send("break calloc")
        s.send("run")
        s.out.expect(r"^Breakpoint 1, ")
        s.send("info proc mappings")
        pid = int(s.out.expect(r"^process (\d+)$").group(1))
        s.out.expect(r"\[vsyscall\]")
        check(ldtest.tracer_pid(pid) == s.pid, "heap not traced by layoutdbg")
        os.kill(s.pid, signal.SIGTERM)
        s.wait()
        check(ldtest.wait_pid_exit(pid), "the spawned heap %d outlived layoutdbg" % pid)
        check(not ldtest.pid_alive(pid), "the spawned heap %d is still alive" % pid)


t.case("SIGTERM at the prompt with a spawned tracee stopped at a breakpoint: it dies",
       spawned_dies_at_prompt)


def segv_json():
    rc, out, err = ldtest.run_batch([ldtest.fixture("segv")], ["run"], opts=["--json"])
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    check(docs and docs[-1].get("command") == "run", "no run document", out)
    stop = docs[-1]["process"]["stop"]
    check(stop["event"] == "signal" and "SIGSEGV" in stop["reason"],
          "stop %r is not a SIGSEGV signal stop" % stop, out)


t.case("--json: the SIGSEGV stop is event signal, reason SIGSEGV", segv_json)


sys.exit(t.done())
