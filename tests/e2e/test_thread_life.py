#!/usr/bin/env python3
"""Threads that change under the debugger (issue 12, items 2, 3, 4, 16):
exec from a thread that is not the leader, a leader that calls
pthread_exit, a step that blocks on a thread layoutdbg keeps stopped, and
SIGTERM while layoutdbg waits for a thread that can never stop (a vfork
parent).  layoutdbg must report, never hang, and clean up as the man page
promises: a spawned program dies with it, an attached one is detached with
its text intact and finishes with its own result."""
import os
import re
import signal
import subprocess
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(10)
SYS_WAIT4 = 61
SYS_RT_SIGTIMEDWAIT = 128


def exec_spawned():
    rc, out, err = ldtest.run_batch([ldtest.fixture("threxec")],
                                    ["break after_exec", "run", "info threads",
                                     "continue"], timeout=30)
    check(rc == 0, "exit status %d: %s" % (rc, err), out)
    path = os.path.realpath(ldtest.fixture("threxec"))
    search(r"^process (\d+) is executing new program: %s$" % re.escape(path), out,
           "gdb's exec line")
    search(r"^Breakpoint 1, after_exec \(.*\) at \S*threxec\.c:\d+$", out,
           "the breakpoint re-resolved in the new image")
    rows = re.findall(r"^[* ] +\d+ +LWP \d+", out, re.M)
    check(len(rows) == 1, "after exec the process has %d threads, want 1" % len(rows), out)
    search(r"^new image: after_exec 42$", out, "the new image ran to its end")
    search(r"exited with code 0\]$", out)


def exec_attached():
    prog = subprocess.Popen([ldtest.fixture("threxec"), "wait"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=ldtest.env())
    pout = ldtest.Reader(prog.stdout.fileno())
    try:
        pout.expect(r"^pid \d+ ready$")
        with ldtest.PipeSession(["-p", str(prog.pid)]) as s:
            s.send("break after_exec")
            s.out.expect(r"^Breakpoint 1 at ")
            s.send("continue")
            prog.stdin.write(b"go\n")
            prog.stdin.flush()
            s.out.expect(r"^process %d is executing new program: " % prog.pid, timeout=30)
            s.out.expect(r"^Breakpoint 1, after_exec ", timeout=30)
            s.send("detach")
            s.out.expect(r"^\[process %d detached\]" % prog.pid)
            check(s.finish() == 0, "layoutdbg failed", s.err.text)
        pout.expect(r"^new image: after_exec 42$")
        check(prog.wait(30) == 0, "program failed")
    finally:
        if prog.poll() is None:
            prog.kill()
            prog.wait()


def leader_exit():
    rc, out, err = ldtest.run_batch([ldtest.fixture("leaderexit")],
                                    ["break marker", "run", "info threads",
                                     "continue", "continue"], timeout=30)
    check(rc == 0, "exit status %d: %s" % (rc, err), out)
    stops = re.findall(r"^Breakpoint 1, marker \(.*\)", out, re.M)
    check(len(stops) == 2, "%d marker stops, want 2" % len(stops), out)
    search(r"^leaderexit: thread 1 marker 2$", out)
    search(r"^leaderexit: thread 2 marker 4$", out)
    search(r"exited with code 0\]$", out)


def blocked_step(sig, attached):
    """stepi of main, which sleeps in read() on a pipe that the stopped
    worker writes: the step cannot finish.  SIGINT interrupts it (the
    session goes on); SIGTERM ends the session."""
    prog = None
    if attached:
        prog = subprocess.Popen([ldtest.fixture("blockstep"), "wait"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                env=ldtest.env())
        pout = ldtest.Reader(prog.stdout.fileno())
        pout.expect(r"^pid \d+ ready$")
        args = ["-p", str(prog.pid)]
    else:
        args = [ldtest.fixture("blockstep")]
    try:
        with ldtest.PipeSession(args) as s:
            s.send("break marker")
            s.out.expect(r"^Breakpoint 1 ")
            s.send("continue" if attached else "run")
            if attached:
                prog.stdin.write(b"go\n")
                prog.stdin.flush()
            s.out.expect(r"^Breakpoint 1, marker ", timeout=30)
            s.send("continue")
            s.out.expect(r"^Breakpoint 1, marker ", timeout=30)
            s.send("thread 1")
            s.out.expect(r"in read \(\)")
            s.send("stepi")
            ldtest.wait_blocked(s.pid, syscalls=(SYS_WAIT4,))
            os.kill(s.pid, sig)
            if sig == signal.SIGINT:
                s.out.expect(r"^Program interrupted\.$", timeout=10)
                s.send("info threads")
                s.out.expect(r"^\* 1 +LWP \d+ .* in read \(\)")
                s.send("kill" if not attached else "detach")
            rc = s.finish(timeout=15)
            check(rc is not None, "layoutdbg hung")
            kids = [p for p in ldtest.children_of(s.pid)]
            pid = prog.pid if attached else None
        if attached:
            check(ldtest.tracer_pid(pid) == 0, "the program is still traced")
            # it finishes at once: its own result is the oracle
            pout.expect(r"^blockstep: got 2$")
            check(prog.wait(30) == 0, "program failed")
        else:
            check(not kids, "a spawned program outlived layoutdbg: %r" % kids)
    finally:
        if prog and prog.poll() is None:
            prog.kill()
            prog.wait()


def vfork_parent_sigterm():
    """SIGINT makes layoutdbg stop every thread; the main thread sleeps in
    the vfork wait and cannot stop.  SIGTERM must still end the session:
    detached, the program finishes once its vfork child is let go."""
    prog = subprocess.Popen([ldtest.fixture("vforkblock"), "wait"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=ldtest.env())
    pout = ldtest.Reader(prog.stdout.fileno())
    try:
        pout.expect(r"^pid \d+ ready$")
        before = ldtest.text_checksums(prog.pid)
        with ldtest.PipeSession(["-p", str(prog.pid)]) as s:
            s.send("break spin")
            s.out.expect(r"^Breakpoint 1 ")
            s.send("ignore 1 1000000000")
            s.out.expect(r"Will ignore")
            s.send("continue")
            prog.stdin.write(b"go\n")
            prog.stdin.flush()
            pout.expect(r"^vforking$")
            child = None
            while not child:
                kids = ldtest.children_of(prog.pid)
                child = kids[0] if kids else None
            ldtest.wait_blocked(child, syscalls=(0,))	# read
            os.kill(s.pid, signal.SIGINT)
            # stopping every thread: it waits (with a timeout) for the
            # vfork parent, which never stops
            ldtest.wait_blocked(s.pid, syscalls=(SYS_RT_SIGTIMEDWAIT,))
            os.kill(s.pid, signal.SIGTERM)
            rc = s.finish(timeout=15)
            check(rc is not None, "layoutdbg hung")
        check(ldtest.tracer_pid(prog.pid) == 0, "the program is still traced")
        check(ldtest.text_checksums(prog.pid) == before, "text differs after detach")
        prog.stdin.write(b"\n")
        prog.stdin.flush()
        pout.expect(r"^vforkblock: child status 7$")
        check(prog.wait(30) == 0, "program failed")
    finally:
        if prog.poll() is None:
            prog.kill()
            prog.wait()


t.case("exec from a non-leader thread, spawned: gdb's exec line, one thread, "
       "breakpoint re-resolved, the new image runs to its end", exec_spawned)
t.case("exec from a non-leader thread, attached: reported, stops in the new "
       "image, detached it finishes", exec_attached)
t.case("the leader calls pthread_exit: both threads' breakpoint hits are "
       "reported, the zombie leader is not waited for", leader_exit)
for sig in (signal.SIGINT, signal.SIGTERM):
    for att in (False, True):
        t.case("a blocked stepi, %s, %s: %s" % (
            "attached" if att else "spawned", sig.name,
            "interrupted, the session goes on" if sig == signal.SIGINT else
            "layoutdbg ends, " + ("the program is detached intact and finishes"
                                  if att else "the program dies with it")),
            blocked_step, sig, att)
t.case("SIGTERM while a thread cannot stop (vfork parent), attached: detached "
       "intact, the program finishes", vfork_parent_sigterm)
t.case("SIGTERM while a thread cannot stop, twice in a row: the same",
       vfork_parent_sigterm)
t.case("SIGHUP while a stepi blocks, attached: the same as SIGTERM",
       blocked_step, signal.SIGHUP, True)
sys.exit(t.done())
