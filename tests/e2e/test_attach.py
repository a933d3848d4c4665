#!/usr/bin/env python3
"""attach / detach on the waiter fixture: detach leaves no int3 behind and
the process computes correctly afterwards; a breakpoint hit while attached
is reported; quitting while attached detaches, never kills."""
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(6)


def bp_addr(out, w):
    """Address of breakpoint 1 from `Breakpoint 1 at 0x...`: marker() or
    just past its prologue."""
    m = search(r"^Breakpoint 1 at (0x[0-9a-f]+)", out, "break marker")
    a = int(m.group(1), 16)
    check(w.marker <= a < w.marker + 32, "breakpoint at 0x%x, marker at 0x%x" % (a, w.marker),
          out)
    return a


def batch_attach_detach():
    with ldtest.Waiter() as w:
        before = ldtest.text_checksums(w.pid)
        orig = ldtest.read_mem(w.pid, w.marker, 32)
        rc, out, err = ldtest.run_batch(["-p", str(w.pid)],
                                        ["break marker", "info breakpoints", "detach"])
        check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
        bp = bp_addr(out, w)
        search(r"^1\s+breakpoint\s+keep y\s+0x0*%x .*marker" % bp, out, "info breakpoints")
        check(ldtest.pid_alive(w.pid), "waiter is gone after detach", out)
        check(ldtest.tracer_pid(w.pid) == 0, "waiter still traced after detach", out)
        after = ldtest.text_checksums(w.pid)
        check(ldtest.read_mem(w.pid, w.marker, 32) == orig,
              "marker's code is %r after detach (was %r)"
              % (ldtest.read_mem(w.pid, w.marker, 32), orig))
        changed = [k for k in before if before[k] != after.get(k)]
        check(before.keys() == after.keys() and not changed,
              "text changed after detach: %r" % [(hex(a), hex(b), p) for a, b, p in changed])
        w.write("hello\n")
        w.out.expect(r"^echo 6 hello\n")
        w.close_stdin()
        check(w.wait() == 0, "waiter exit status")


t.case("batch attach, break marker, detach: text unchanged, waiter alive", batch_attach_detach)


def detach_restores_after_hit():
    # A hit breakpoint is stepped over and re-inserted; after detach the
    # process must still run marker() correctly, more than once.
    with ldtest.Waiter() as w:
        before = ldtest.text_checksums(w.pid)
        with ldtest.PipeSession(["-p", str(w.pid)]) as s:
            s.out.expect(r"^Attached to process %d" % w.pid)
            s.send("break marker")
            s.out.expect(r"^Breakpoint 1 at 0x[0-9a-f]+.*\n")
            bp = bp_addr(s.out.text, w)
            s.send("continue")
            w.write("hi\n")
            s.out.expect(ldtest.stop_rx(1, "marker"))
            s.send("info registers rip")
            rip = int(s.out.expect(r"^rip\s+(0x[0-9a-f]+)").group(1), 16)
            check(rip == bp, "stopped at 0x%x, not at the breakpoint's 0x%x" % (rip, bp),
                  s.out.text)
            s.send("info registers rdi")
            m = s.out.expect(r"^rdi\s+(0x[0-9a-f]+)")
            check(int(m.group(1), 16) == 3, "marker(%s), want 3" % m.group(1), s.out.text)
            s.send("detach")
            s.send("quit")
            rc = s.finish()
            check(rc == 0, "layoutdbg exit status %d; stderr %r" % (rc, s.err.text), s.out.text)
            check(s.err.text == "", "stderr %r" % s.err.text)
        w.out.expect(r"^echo 3 hi\n")
        check(ldtest.text_checksums(w.pid) == before, "text changed after detach")
        w.write("again\n")
        w.out.expect(r"^echo 9 again\n")
        w.close_stdin()
        check(w.wait() == 0, "waiter exit status")


t.case("pipe session: break marker, continue, hit on input, detach: 'echo 3 hi'",
       detach_restores_after_hit)


def quit_while_attached_detaches():
    with ldtest.Waiter() as w:
        before = ldtest.text_checksums(w.pid)
        orig = ldtest.read_mem(w.pid, w.marker, 32)
        with ldtest.PipeSession(["-p", str(w.pid)]) as s:
            s.out.expect(r"^Attached to process %d" % w.pid)
            s.send("break marker")
            s.out.expect(r"^Breakpoint 1 at .*\n")
            rc = s.finish()        # EOF on layoutdbg's stdin
            check(rc == 0, "layoutdbg exit status %d; stderr %r" % (rc, s.err.text))
        check(ldtest.pid_alive(w.pid), "EOF on layoutdbg killed the attached waiter")
        check(ldtest.tracer_pid(w.pid) == 0, "waiter still traced")
        check(ldtest.text_checksums(w.pid) == before, "int3 left behind after EOF")
        check(ldtest.read_mem(w.pid, w.marker, 32) == orig, "marker's code changed")
        w.write("x\n")
        w.out.expect(r"^echo 2 x\n")
        w.close_stdin()
        check(w.wait() == 0, "waiter exit status")


t.case("EOF on layoutdbg's stdin while attached detaches, never kills", quit_while_attached_detaches)


def quit_while_stopped_at_bp():
    # Quitting while the tracee sits at a breakpoint (int3 executed, pc past
    # it): it must be detached with pc rewound and the byte restored.
    with ldtest.Waiter() as w:
        with ldtest.PipeSession(["-p", str(w.pid)]) as s:
            s.out.expect(r"^Attached to process %d" % w.pid)
            s.send("break marker")
            s.send("continue")
            w.write("abcd\n")
            s.out.expect(ldtest.stop_rx(1, "marker"))
            s.send("quit")
            rc = s.finish()
            check(rc == 0, "layoutdbg exit status %d; stderr %r" % (rc, s.err.text))
        w.out.expect(r"^echo 5 abcd\n")
        check(ldtest.pid_alive(w.pid), "waiter died")
        w.close_stdin()
        check(w.wait() == 0, "waiter exit status (a stray int3 would be SIGTRAP)")


t.case("quit at a breakpoint stop while attached: waiter finishes the call correctly",
       quit_while_stopped_at_bp)


def attach_command():
    with ldtest.Waiter() as w:
        rc, out, err = ldtest.run_batch([], ["attach %d" % w.pid, "info proc mappings",
                                             "detach", "info aslr"])
        check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
        search(r"^Attached to process %d" % w.pid, out, "attach")
        search(r"^process %d$" % w.pid, out, "mappings header")
        search(r"\S+/waiter$", out, "program rows")
        check(ldtest.pid_alive(w.pid) and ldtest.tracer_pid(w.pid) == 0, "after detach")
        w.write("z\n")
        w.out.expect(r"^echo 2 z\n")


t.case("`attach PID` command in an empty session", attach_command)


def kill_attached_not_required():
    # `kill` on an attached process kills it (gdb does the same); the
    # spec's rule is about *exiting*, which the cases above cover.  Here:
    # -batch ending while attached (no detach command) must detach.
    with ldtest.Waiter() as w:
        rc, out, err = ldtest.run_batch(["-p", str(w.pid)], ["break marker"])
        check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
        check(ldtest.pid_alive(w.pid), "-batch end killed the attached waiter")
        check(ldtest.tracer_pid(w.pid) == 0, "still traced")
        bp = bp_addr(out, w)
        check(ldtest.read_mem(w.pid, bp, 1) != b"\xcc", "int3 left in marker")
        w.write("hello\n")
        w.out.expect(r"^echo 6 hello\n")


t.case("-batch ending while attached detaches (no int3 left)", kill_attached_not_required)

sys.exit(t.done())
