#!/usr/bin/env python3
"""SIGINT as gdb handles it.  At the prompt (a real pseudo-terminal) every
Ctrl-C clears the line and gives a new prompt at once -- 100 in a row, sent
the moment the echo of the previous key arrives (no waiting for the prompt
to settle),
so a signal landing between readline's work and the wait for the next key
is caught.  With commands from a pipe or a -x file, a SIGINT interrupts the
running command only: the next command is read, the program survives."""
import os
import re
import signal
import subprocess
import sys
import time

import ldtest
from ldtest import check, search, Pty

PROMPT = r"\(layoutdbg\) "
HEAP = ldtest.fixture("heap")
WAITER = ldtest.fixture("waiter")
ROUNDS = 100

t = ldtest.Tap(5)


def fresh_prompt(p, what, timeout=5):
    """A new, empty prompt line must come without any further key."""
    try:
        p.expect(r"^" + PROMPT + "$", timeout)
    except ldtest.Timeout:
        raise AssertionError("%s: no fresh prompt within %ss of the Ctrl-C (it waited for "
                             "a key)\n%s" % (what, timeout, ldtest._tail(p.text)))


def hundred_ctrl_c_racing():
    with Pty([HEAP]) as p:
        p.expect(PROMPT)
        start = time.monotonic()
        for i in range(ROUNDS):
            # the Ctrl-C follows the echo of the last key at once: it lands
            # while layoutdbg is still busy after that key, or just before
            # it waits for the next one (the terminal would discard keys
            # not yet read, so the echo is waited for)
            p.send("garbage%d" % i)
            p.expect(r"garbage%d$" % i)
            p.send("\x03")
            fresh_prompt(p, "Ctrl-C %d" % (i + 1))
        elapsed = time.monotonic() - start
        p.sendline("info aslr")
        p.expect(r"^New processes: ")
        p.expect(PROMPT)
        tail = p.text[p.text.rfind("info aslr"):]
        check("layoutdbg: garbage" not in p.text, "a dropped line was executed", p.text)
        check("garbage" not in tail, "a dropped line came back", p.text)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")
        print("# %d Ctrl-C at the prompt in %.2f s" % (ROUNDS, elapsed))


t.case("100 Ctrl-C in a row, each right after typing: a fresh prompt every time, at once",
       hundred_ctrl_c_racing)


def hundred_ctrl_c_waiting():
    with Pty([HEAP]) as p:
        p.expect(PROMPT)
        for i in range(ROUNDS):
            p.send("junk%d" % i)
            p.expect(r"junk%d$" % i)
            p.at_prompt()                   # asleep, waiting for a key
            p.send("\x03")
            fresh_prompt(p, "Ctrl-C %d" % (i + 1))
        p.sendline("info aslr")
        p.expect(r"^New processes: ")
        check("layoutdbg: junk" not in p.text, "a dropped line was executed", p.text)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("100 Ctrl-C in a row while waiting for a key: a fresh prompt every time",
       hundred_ctrl_c_waiting)


def pipe_sigint_between_commands():
    with ldtest.PipeSession([HEAP]) as s:
        for i in range(20):
            s.send("info aslr")
            s.out.expect(r"^New processes: ")
            ldtest.wait_blocked(s.pid, [ldtest.SYS_READ])     # reading the next line
            os.kill(s.pid, signal.SIGINT)
        s.send("break main")
        s.send("run")
        s.out.expect(ldtest.stop_rx(1, "main"))
        s.send("info aslr")
        rc = s.finish()
        out, err = s.out.text, s.err.text
    check(rc == 0, "exit status %d after 20 SIGINTs: %s" % (rc, err))
    check(not err, "errors: %r" % err)
    check(out.count("New processes: ") == 21, "%d of 21 `info aslr` ran"
          % out.count("New processes: "), out)


t.case("SIGINT while reading commands from a pipe (20 times): the next command is read",
       pipe_sigint_between_commands)


def pipe_sigint_while_running():
    # commands from a pipe, which the program reads too: nothing is sent
    # while it runs, so it blocks
    with ldtest.PipeSession([WAITER]) as s:
        s.send("run")
        pid = int(s.out.expect(r"^pid (\d+) marker").group(1))
        ldtest.wait_blocked(pid, [ldtest.SYS_READ])
        os.kill(s.pid, signal.SIGINT)
        s.out.expect(r"^Program (interrupted\.|received signal SIGINT)")
        s.send("info aslr")
        s.out.expect(r"^Process %d: " % pid)
        check(ldtest.pid_alive(pid), "the program died of the SIGINT")
        s.send("kill")
        s.out.expect(r"^\[process %d killed\]" % pid)
        s.send("info aslr")
        s.out.expect(r"^New processes: ")
        rc = s.finish()
    check(rc == 0, "exit status %d" % rc)


t.case("SIGINT while a piped `run` runs: the program stops, the next command is read",
       pipe_sigint_while_running)


def file_sigint_while_running():
    cmds = os.path.join(ldtest._HOME, "cmds")
    with open(cmds, "w") as f:
        f.write("run\ninfo aslr\nkill\ninfo aslr\n")
    os.chmod(cmds, 0o600)
    argv = ldtest.layoutdbg_cmd([WAITER], opts=["-x", cmds])
    rfd, wfd = os.pipe()            # the program's stdin: never written
    p = subprocess.Popen(argv, stdin=rfd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=ldtest.env())
    os.close(rfd)
    try:
        out = ldtest.Reader(p.stdout.fileno())
        pid = int(out.expect(r"^pid (\d+) marker").group(1))
        ldtest.wait_blocked(pid, [ldtest.SYS_READ])
        os.kill(p.pid, signal.SIGINT)
        out.expect(r"^Program (interrupted\.|received signal SIGINT)")
        out.expect(r"^Process %d: " % pid)
        out.expect(r"^\[process %d killed\]" % pid)
        out.expect(r"^New processes: ")
        rc = p.wait(15)
    finally:
        os.close(wfd)
        if p.poll() is None:
            p.kill()
            p.wait()
    err = p.stderr.read().decode()
    check(rc == 0 and not err, "exit status %d, %r" % (rc, err))


t.case("SIGINT while a -x file's `run` runs: the rest of the file still runs",
       file_sigint_while_running)

sys.exit(t.done())
