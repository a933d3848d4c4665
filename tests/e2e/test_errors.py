#!/usr/bin/env python3
"""Errors: exactly one line on stderr, `layoutdbg: <what>: <why>`; the
session goes on (the next command still runs); -batch exits non-zero.
Also a tracee killed from outside while stopped."""
import atexit
import os
import re
import shutil
import signal
import sys
import tempfile

import ldtest
from ldtest import check, search

HEAP = ldtest.fixture("heap")
AFTER = "info aslr"                       # a command that needs nothing
AFTER_RX = r"^New processes: address randomization"

t = ldtest.Tap(12)
tmp = tempfile.mkdtemp(prefix="ldtest-errors-")
atexit.register(shutil.rmtree, tmp, True)


def one_error(args, cmds, rx, allow_warning=False):
    """Run -batch with cmds + AFTER; check the single error line."""
    rc, out, err = ldtest.run_batch(args, list(cmds) + [AFTER])
    lines = err.splitlines()
    if allow_warning:
        lines = [l for l in lines if not l.startswith("layoutdbg: warning: ")]
    check(len(lines) == 1, "want exactly one error line on stderr, got %r" % err, out)
    check(lines[0].startswith("layoutdbg: "), "error line %r" % lines[0])
    check(re.search(rx, lines[0]), "error line %r does not match /%s/" % (lines[0], rx))
    check(all(l.startswith("layoutdbg: ") for l in err.splitlines()),
          "stray stderr lines %r" % err)
    search(AFTER_RX, out, "the command after the error (%s) did not run" % AFTER)
    check(rc != 0, "-batch exit status is 0 after an error", out)
    return out, lines[0]


t.case("missing program", one_error, ["/nonexistent/prog"], [],
       r"^layoutdbg: /nonexistent/prog: No such file or directory$")


def not_elf():
    p = os.path.join(tmp, "notes.txt")
    with open(p, "w") as f:
        f.write("this is not an ELF file\n")
    os.chmod(p, 0o755)
    one_error([p], [], r"^layoutdbg: %s: not an ELF" % re.escape(p))


t.case("a text file is not an ELF file", not_elf)


def not_executable():
    p = os.path.join(tmp, "heap-noexec")
    shutil.copy(HEAP, p)
    os.chmod(p, 0o644)
    out, line = one_error([p], ["run"], r"^layoutdbg: run: .*(Permission denied|not executable)",
                          allow_warning=True)
    check("Starting program" not in out or "exited" not in out,
          "a non-executable program ran?", out)


t.case("a non-executable ELF: `run` fails with a clear message", not_executable)


def unknown_symbol():
    out, _ = one_error([HEAP], ["break main", "run", "break no_such_symbol_xyz",
                                "info breakpoints"],
                       r"^layoutdbg: break no_such_symbol_xyz: .*no_such_symbol_xyz")
    rows = re.findall(r"^\d+\s+breakpoint", out, re.M)
    check(len(rows) == 1, "a breakpoint was created for an unknown symbol", out)


t.case("unknown symbol after run", unknown_symbol)


def attach_no_such_process():
    pid = 999999
    with open("/proc/sys/kernel/pid_max") as f:
        pid_max = int(f.read())
    while pid < pid_max and os.path.exists("/proc/%d" % pid):
        pid += 1
    if pid >= pid_max:
        pid = pid_max + 1 if pid_max < 4194304 else 4194303
    one_error([], ["attach %d" % pid], r"^layoutdbg: attach %d: no such process" % pid)


t.case("attach to a pid that does not exist", attach_no_such_process)


def attach_already_traced():
    with ldtest.Waiter() as w:
        with ldtest.PipeSession(["-p", str(w.pid)]) as s:
            s.out.expect(r"^Attached to process %d" % w.pid)
            out, line = one_error(["-p", str(w.pid)], [], r"already traced")
            check(str(w.pid) in line, "the message does not name the process: %r" % line)
            # the first session is unharmed
            s.send("break marker")
            s.send("continue")
            w.write("ab\n")
            s.out.expect(r"^Breakpoint 1, ")
            s.send("detach")
            rc = s.finish()
            check(rc == 0, "first session exit %d, stderr %r" % (rc, s.err.text))
        w.out.expect(r"^echo 3 ab\n")


t.case("attach to a process another tracer holds: 'already traced'", attach_already_traced)

t.case("a command needing a process before `run`", one_error, [HEAP], ["info registers"],
       r"^layoutdbg: info registers: no process")


def unknown_command():
    one_error([HEAP], ["snapshto"], r"^layoutdbg: snapshto: unknown command.*`snapshot`")


t.case("unknown command `snapshto` suggests `snapshot`", unknown_command)


def diff_needs_two():
    one_error([HEAP], ["diff"], r"^layoutdbg: diff: .*two snapshots")
    one_error([HEAP], ["break main", "run", "snapshot", "diff"],
              r"^layoutdbg: diff: .*two snapshots.*\b1\b")


t.case("diff with fewer than two snapshots", diff_needs_two)


def x_null():
    out, line = one_error([HEAP], ["break main", "run", "x/4xg 0"],
                          r"^layoutdbg: x: cannot access memory at 0x0\b")


t.case("x/4xg 0: cannot access memory", x_null)


def killed_from_outside():
    with ldtest.PipeSession([HEAP]) as s:
        s.send("break calloc")
        s.send("run")
        s.out.expect(r"^Breakpoint 1, 0x[0-9a-f]+ in calloc \(\)")
        s.send("snapshot")
        s.send("info proc mappings")
        pid = int(s.out.expect(r"^process (\d+)$").group(1))
        s.out.expect(r"^\s+Start Addr\s+End Addr")
        check(pid in ldtest.children_of(s.pid), "pid %d is not layoutdbg's child" % pid)
        os.kill(pid, signal.SIGKILL)
        check(ldtest.wait_pid_exit(pid), "SIGKILL did not end the tracee %d" % pid)
        s.send("info registers")
        # Either an error naming the process or the exit report; then the
        # session goes on.
        s.send("snapshots")
        s.out.expect(r"^%1\s+")
        s.send("quit")
        rc = s.finish()
        both = s.out.text + s.err.text
        check(re.search(r"(\[process %d killed by SIGKILL\]|layoutdbg: info registers: .*"
                        r"(%d|process))" % (pid, pid), both),
              "no report of the killed process\n--- stdout ---\n%s\n--- stderr ---\n%s"
              % (s.out.text, s.err.text))
        for l in s.err.text.splitlines():
            check(l.startswith("layoutdbg: "), "stderr line %r" % l)
        check(rc == 0, "quit exit status %d" % rc, both)
        check(not ldtest.pid_alive(pid), "tracee %d still there" % pid)


t.case("tracee killed from outside while stopped: reported, session goes on, quit 0",
       killed_from_outside)


def error_line_format():
    # every error of the cases above in one session: each its own line,
    # lowercase after the prefix, no trailing full stop
    rc, out, err = ldtest.run_batch([HEAP], ["info registers", "snapshto", "diff",
                                             "break main", "run", "x/4xg 0",
                                             "break no_such_symbol_xyz", "frame 99",
                                             "ignore 7 1", "delete 9", AFTER])
    lines = err.splitlines()
    check(len(lines) >= 6, "only %d error lines: %r" % (len(lines), err), out)
    for l in lines:
        check(re.match(r"^layoutdbg: [^A-Z]", l), "error line %r" % l)
        check(not l.endswith("."), "error line ends with a full stop: %r" % l)
    search(AFTER_RX, out, "session went on")
    check(rc != 0, "exit status 0")


t.case("error lines: 'layoutdbg: ' + lowercase, no full stop", error_line_format)

sys.exit(t.done())
