#!/usr/bin/env python3
"""layoutdbg's own death leaves nothing behind in an attached program.

The hotloop fixture calls hot() when told through its stdin and prints a
checksum the test recomputes.  layoutdbg attaches, `break hot`, lets a few
hits be reported, then `continue 1000000` and is killed while the program
runs: with SIGKILL (the guardian process restores the text) and with
SIGSEGV/SIGABRT (the crash handler does).  Each time the program must live
on, compute the right checksum, and its text must equal the file's bytes.

The window that remains (documented in layoutdbg(1), SIGNALS): a thread
that reaches one of our int3s between layoutdbg's death and the guardian's
restore, or that sits in a breakpoint stop when layoutdbg is SIGKILLed,
gets the SIGTRAP with no tracer and the program dies.  The last two cases
measure it and check only that no surviving program is corrupted and that
the guardian never reports a byte it could not restore."""
import os
import re
import signal
import statistics
import subprocess
import sys
import time

import ldtest
from ldtest import check

RUNS = 20          # repetitions of each case that must hold every time
WINDOW_RUNS = 10   # repetitions of each measurement of the window
# To reproduce one case cheaply: LD_GUARDIAN_CASE=N (1-5) runs only that
# case (the others report skipped), LD_GUARDIAN_RUNS=K repeats it K times.
ONLY = int(os.environ.get("LD_GUARDIAN_CASE", "0"))
if os.environ.get("LD_GUARDIAN_RUNS"):
    RUNS = WINDOW_RUNS = int(os.environ["LD_GUARDIAN_RUNS"])

t = ldtest.Tap(5)
if ONLY:
    _case = t.case

    def _only(name, func, *args, **kw):
        if t.n + 1 != ONLY:
            t.skip(name, "LD_GUARDIAN_CASE=%d" % ONLY)
            return None
        return _case(name, func, *args, **kw)
    t.case = _only
HOTLOOP = ldtest.fixture("hotloop")
M64 = (1 << 64) - 1


def hot(k):
    return ((k ^ 0x5a5a5a5a) * 2654435761) & M64


def checksum(count):
    return sum(hot(k) for k in range(count)) & M64


class Hot:
    """The hotloop fixture (argv[1]: spinning threads), driven by pipes."""

    def __init__(self, threads=2):
        self.p = subprocess.Popen([HOTLOOP, str(threads)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=ldtest.env())
        self.pid = self.p.pid
        self.out = ldtest.Reader(self.p.stdout.fileno())
        m = self.out.expect(r"^pid (\d+) hot (0x[0-9a-f]+)\n")
        self.hot = int(m.group(2), 16)

    def write(self, s):
        self.p.stdin.write(s.encode())
        self.p.stdin.flush()

    def finish(self):
        """Close stdin; (exit status, last line)."""
        self.p.stdin.close()
        try:
            rc = self.p.wait(ldtest.DEFAULT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ldtest.Timeout("hotloop %d did not exit" % self.pid)
        self.out.drain()
        return rc, self.out.text

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        ldtest.reap(self.p)


def text_vs_file(pid):
    """(address, differing byte count, what differs) of the program's r-xp
    mapping of its own file against the file's bytes."""
    exe = os.readlink("/proc/%d/exe" % pid)
    for line in ldtest.read_maps(pid):
        f = line.split()
        if f[1] == "r-xp" and len(f) > 5 and f[5] == exe:
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            with open(exe, "rb") as fh:
                fh.seek(int(f[2], 16))
                want = fh.read(hi - lo)
            got = ldtest.read_mem(pid, lo, len(want))
            diffs = [(lo + i, a, b) for i, (a, b) in enumerate(zip(got, want))
                     if a != b]
            what = ", ".join("0x%x: 0x%02x, file 0x%02x" % d for d in diffs[:4])
            return lo, len(diffs), what
    raise AssertionError("no r-xp mapping of %s in process %d" % (exe, pid))


def attach_and_run(h, s, spin):
    """Attach, break hot, three reported hits, then the program runs under
    `continue 1000000`: blocked in read, or (spin) calling hot() in every
    thread.  Returns the guardian's pid."""
    s.out.expect(r"^Attached to process %d" % h.pid)
    kids = ldtest.children_of(s.pid)
    check(len(kids) == 1, "layoutdbg's children after attach: %r (want the guardian)"
          % kids)
    check(ldtest.tracer_pid(kids[0]) == 0 and ldtest.tracer_pid(h.pid) == s.pid,
          "guardian %d traces or is traced; program traced by %d"
          % (kids[0], ldtest.tracer_pid(h.pid)))
    s.send("break hot")
    s.out.expect(r"^Breakpoint 1 at 0x[0-9a-f]+")
    s.send("continue")
    h.write("go 3\n")
    s.out.expect(ldtest.stop_rx(1, "hot"))
    s.send("continue 2")
    s.out.expect(ldtest.stop_rx(1, "hot"))
    s.send("continue 1000000")
    h.out.expect(r"^done 3 %d\n" % checksum(3))
    if spin:
        h.write("spin\n")
        h.out.expect(r"^spinning\n")
    else:
        ldtest.wait_blocked(h.pid, (ldtest.SYS_READ,))
    return kids[0]


def one_death(sig, spin):
    """One run; returns (None or a failure text, seconds from the signal to
    the restore message, program died)."""
    with Hot() as h, ldtest.PipeSession(["-p", str(h.pid)]) as s:
        guardian = attach_and_run(h, s, spin)
        t0 = time.monotonic()
        os.kill(s.pid, sig)
        s.wait()
        try:
            err = s.err.wait_eof()     # the guardian gone too: nobody holds it
        except ldtest.Timeout:
            return "stderr not closed: guardian %d still there" % guardian, None, False
        took = time.monotonic() - t0
        if not ldtest.wait_pid_exit(guardian, 5):
            return "guardian %d still alive" % guardian, took, False
        try:
            why, dead = after_death(h, err, spin)
        except (OSError, ldtest.Timeout) as e:
            # it was dying while we looked: a SIGTRAP in the window
            h.p.wait(5)
            why, dead = "program died (%d): %s" % (h.p.returncode, e), True
        return why, took, dead


def after_death(h, err, spin):
    """(None or a failure text, program died) once layoutdbg and the
    guardian are gone."""
    if "could not be" in err:
        # never acceptable: the guardian either restores every byte or
        # finds the program already being killed ("ended before")
        return "the guardian could not restore a byte: %r" % err, False
    if not ldtest.pid_alive(h.pid) or "ended before" in err:
        # (the guardian found it dying: its exit may not be over yet)
        h.p.wait(5)
        return "program died: %d; stderr %r" % (h.p.returncode, err), True
    lo, diff, what = text_vs_file(h.pid)
    if diff:
        try:
            then = "it then exited with %d" % h.p.wait(2)
        except subprocess.TimeoutExpired:
            then = "it runs on"
        return ("%d bytes of text in the mapping at 0x%x differ from the file "
                "(%s; hot at 0x%x); %s; stderr %r"
                % (diff, lo, what, h.hot, then, err)), False
    if ldtest.tracer_pid(h.pid):
        return "still traced by %d" % ldtest.tracer_pid(h.pid), False
    if spin:
        h.write("stop\n")
        m = h.out.expect(r"^spun (\d+) (\d+)\n")
        if m.group(2) != "0":
            return "%s wrong results of hot() while spinning" % m.group(2), False
    h.write("go 5\n")
    rc, out = h.finish()
    if rc == -signal.SIGTRAP:
        return "program died of SIGTRAP after the restore", True
    want = "total 8 %d 0" % checksum(8)
    if rc != 0 or want not in out:
        return "rc %d, want %r, output %r" % (rc, want, out[-300:]), False
    if not re.search(r"^layoutdbg: .*process %d .*breakpoint byte" % h.pid, err, re.M):
        return "no restore message on stderr: %r" % err, False
    return None, False


def repeated(cases, runs):
    fails, times = [], []
    for i in range(runs):
        sig, spin = cases[i % len(cases)]
        why, took, _ = one_death(sig, spin)
        if took is not None:
            times.append(took)
        if why:
            fails.append("run %d (%s%s): %s" % (i + 1, signal.Signals(sig).name,
                                                ", spinning" if spin else "", why))
    print("# %d runs, %d failures; signal to restore message: median %.1f ms, max %.1f ms"
          % (runs, len(fails), 1000 * statistics.median(times) if times else 0,
             1000 * max(times) if times else 0))
    check(not fails, "%d of %d runs failed:\n%s" % (len(fails), runs, "\n".join(fails)))


t.case("SIGKILL while the attached program runs (in read): %d of %d live on, "
       "text equal to the file" % (RUNS, RUNS),
       repeated, [(signal.SIGKILL, False)], RUNS)
t.case("SIGSEGV/SIGABRT while it runs, blocked or calling hot() in 2 threads: "
       "%d of %d live on" % (RUNS, RUNS),
       repeated, [(signal.SIGSEGV, False), (signal.SIGSEGV, True),
                  (signal.SIGABRT, True), (signal.SIGABRT, False)], RUNS)


def detach_reaps_guardian():
    with Hot() as h, ldtest.PipeSession(["-p", str(h.pid)]) as s:
        s.out.expect(r"^Attached to process %d" % h.pid)
        kids = ldtest.children_of(s.pid)
        check(len(kids) == 1, "children after attach: %r" % kids)
        g = kids[0]
        with open("/proc/%d/stat" % g) as f:
            st = f.read()
        check(int(st[st.rindex(")") + 2:].split()[2]) == g,
              "the guardian is not in its own process group: %r" % st)
        s.send("break hot")
        s.send("detach")
        s.out.expect(r"^\[process %d detached\]" % h.pid)
        s.send("info breakpoints")     # a round trip: detach is over
        s.out.expect(r"^Num\s+Type")
        check(not os.path.exists("/proc/%d" % g),
              "guardian %d still there (zombie or alive) after detach" % g)
        check(ldtest.children_of(s.pid) == [], "children %r" % ldtest.children_of(s.pid))
        s.send("attach %d" % h.pid)
        s.out.expect(r"^Attached to process %d" % h.pid)
        kids = ldtest.children_of(s.pid)
        check(len(kids) == 1 and kids[0] != g, "children after attach again: %r" % kids)
        rc = s.finish()        # EOF: detaches
        check(rc == 0, "layoutdbg rc %d: %s" % (rc, s.err.text))
        check(not os.path.exists("/proc/%d" % kids[0]),
              "guardian %d left after layoutdbg exited" % kids[0])
        h.write("go 2\n")
        rc, out = h.finish()
        check(rc == 0 and "total 2 %d 0" % checksum(2) in out, "program: %d %r" % (rc, out))


t.case("detach (and EOF) stop the guardian and reap it; none left behind",
       detach_reaps_guardian)


def window(spin):
    """SIGKILL with the program spinning through the breakpoint under an
    ignore count: how many of WINDOW_RUNS die, how many live on with a wrong
    result (a thread caught in a breakpoint stop layoutdbg had not finished
    handling is released by the kernel as it is, one byte into the
    instruction).  What must hold: the guardian restores every byte or
    finds the program already being killed (a thread that died of a SIGTRAP
    in the window takes it down, and it is read as dead, not as a survivor
    with an int3 in its text), a surviving program's text equals the file,
    and nothing is left traced or running."""
    died, wrong, killed, bad = 0, 0, 0, []
    for i in range(WINDOW_RUNS):
        why, _, dead = one_death(signal.SIGKILL, spin)
        died += dead
        killed += bool(dead and why and "ended before" in why)
        if why and "wrong results" in why:
            wrong += 1
        elif why and not dead:
            bad.append("run %d: %s" % (i + 1, why))
    print("# window, SIGKILL while 2 threads hit the breakpoint nonstop: of %d "
          "programs %d died of SIGTRAP (%d already being killed when the "
          "guardian came to restore), %d lived on with a wrong result"
          % (WINDOW_RUNS, died, killed, wrong))
    check(not bad, "after the restore:\n" + "\n".join(bad))


t.case("window: SIGKILL while 2 threads hit hot() nonstop (measured)", window, True)


def at_prompt():
    """SIGKILL at the prompt after a breakpoint hit: the thread that hit
    sits in the SIGTRAP's delivery stop, and the kernel delivers it once the
    tracer is gone (measured, see the man page)."""
    died = 0
    for i in range(WINDOW_RUNS // 2):
        with Hot() as h, ldtest.PipeSession(["-p", str(h.pid)]) as s:
            s.out.expect(r"^Attached")
            s.send("break hot")
            s.send("continue")
            h.write("go 1\n")
            s.out.expect(ldtest.stop_rx(1, "hot"))
            os.kill(s.pid, signal.SIGKILL)
            s.wait()
            err = s.err.wait_eof()
            check("could not be" not in err,
                  "the guardian could not restore a byte: %r" % err)
            if not ldtest.pid_alive(h.pid) or "ended before" in err:
                h.p.wait(5)
                died += 1
                continue
            lo, diff, what = text_vs_file(h.pid)
            check(not diff, "a surviving program's text differs (%s)" % what)
    print("# window, SIGKILL at the prompt after a hit: %d of %d programs died"
          % (died, WINDOW_RUNS // 2))


t.case("window: SIGKILL at the prompt after a hit (measured)", at_prompt)

sys.exit(t.done())
