#!/usr/bin/env python3
"""A stop from outside (issue 12, item 17): after a SIGSTOP sent to the
program by another process (reported as a signal, then as a group-stop),
`continue` runs it again, and Ctrl-C still interrupts it and is reported,
spawned (Ctrl-C reaches the program through the terminal) and attached
(Ctrl-C reaches layoutdbg), 5 times in a row each."""
import os
import signal
import sys

import ldtest
from ldtest import Pty, check

PROMPT = r"\(layoutdbg\) $"
t = ldtest.Tap(2)


def run_again(p, pid):
    """`continue` until the program runs again (blocked reading, state S):
    the first continue may report the group-stop that the SIGSTOP began."""
    for _ in range(3):
        mark = len(p.text)
        p.sendline("continue")
        while True:
            p.r.drain()
            st, nr = ldtest.proc_state(pid)
            if st == "S" and nr == ldtest.SYS_READ:
                return
            if "SIGSTOP" in p.text[mark:] and p.text.endswith("(layoutdbg) "):
                break
            os.sched_yield()
    raise AssertionError("the program never ran again:\n" + p.text[-1500:])


def once(p, pid):
    """The program runs (blocked reading): SIGSTOP from outside, run it
    again, Ctrl-C, run it again."""
    os.kill(pid, signal.SIGSTOP)
    p.expect(r"^Program received signal SIGSTOP")
    p.expect(PROMPT)
    run_again(p, pid)
    p.send("\x03")
    p.expect(r"^Program (interrupted\.|received signal SIGINT)")
    p.expect(r"in read \(\)")
    p.expect(PROMPT)
    run_again(p, pid)


def spawned():
    with Pty([ldtest.fixture("waiter")]) as p:
        p.expect(PROMPT)
        p.sendline("run")
        pid = int(p.expect(r"^pid (\d+) marker 0x[0-9a-f]+$").group(1))
        p.wait_blocked(pid, [ldtest.SYS_READ])
        for _ in range(5):
            once(p, pid)
        p.send("\x03")
        p.expect(r"^Program (interrupted\.|received signal SIGINT)")
        p.expect(PROMPT)
        p.sendline("kill")
        p.expect(r"^\[process %d killed\]" % pid)


def attached():
    with ldtest.Waiter() as w, Pty(["-p", str(w.pid)]) as p:
        p.expect(PROMPT)
        run_again(p, w.pid)
        for _ in range(5):
            once(p, w.pid)
        p.send("\x03")
        p.expect(r"^Program (interrupted\.|received signal SIGINT)")
        p.expect(PROMPT)
        p.sendline("detach")
        p.expect(r"^\[process %d detached\]" % w.pid)
        check(ldtest.tracer_pid(w.pid) == 0, "still traced")
        # if job control still holds it stopped (the kernel's own state,
        # which only SIGCONT ends, as without a debugger)
        os.kill(w.pid, signal.SIGCONT)
        w.close_stdin()
        check(w.wait() == 0, "the waiter failed after detach")


t.case("spawned: SIGSTOP from outside, continue, Ctrl-C interrupts (5 times)", spawned)
t.case("attached: SIGSTOP from outside, continue, Ctrl-C interrupts (5 times)", attached)
sys.exit(t.done())
