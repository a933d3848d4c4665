#!/usr/bin/env python3
"""Stress: random breakpoints with ignore counts on the stress fixture (4
threads calling noinline functions of the program and of a dlopened
library, one fork + exec of itself), spawned and attached.  Each iteration
sets 1-3 breakpoints with random ignore counts, then a few random
`continue` / `delete N` / `disable N` / `enable N`, and ends with running
to the end, `kill`, or (attached) `detach`.  After each: the program's own
output equals a run without layoutdbg (unless killed), no process of the
iteration is left, no signal of ours reached the program, and after a
detach every byte of text equals what it was before the attach.

Bounded in time: LD_STRESS_SECONDS (default 60, split between the two
modes).  The seed is printed; LD_STRESS_SEED repeats a run."""
import os
import random
import re
import subprocess
import sys
import time
import traceback

import ldtest
from ldtest import check

SECONDS = float(os.environ.get("LD_STRESS_SECONDS", "60"))
SEED = int(os.environ.get("LD_STRESS_SEED") or random.SystemRandom().randrange(1 << 31))
FUNCS = ("work_a", "work_b", "work_c", "mod_step", "child_work")
IGNORES = (0, 1, 3, 20, 100, 400)
SENTINEL = "show args"
SENT_RX = r"^Argument list to give program being debugged when it is started is .*\n"
# Not anchored: spawned, the program writes into layoutdbg's stdout, and the
# exec'd child's one write(2) may land inside a line of layoutdbg's.
RESULT_RX = re.compile(r"stress (?:child result \d+|child status -?\d+|sum \d+)")
# What may go wrong harmlessly in a random sequence: the program ended
# before a command that needs it, a breakpoint deleted earlier.
HARMLESS = re.compile(r"no process|not being run|[Nn]o breakpoint (number )?\d+")
CMD_TIMEOUT = 60.0

t = ldtest.Tap(3)
print("# seed %d (LD_STRESS_SEED=%d repeats it), %g s (LD_STRESS_SECONDS)"
      % (SEED, SEED, SECONDS))
sys.stdout.flush()


def reference():
    p = subprocess.run([ldtest.fixture("stress")], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                       env=ldtest.env())
    check(p.returncode == 0, "stress fixture alone: exit %d" % p.returncode)
    return RESULT_RX.findall(p.stdout.decode())


REF = []


def reference_case():
    REF.extend(reference())
    check(len(REF) == 3, "reference output %r" % REF)
    again = reference()
    check(again == REF, "the fixture is not deterministic: %r then %r" % (REF, again))


t.case("the stress fixture's own result, twice without layoutdbg", reference_case)


def plan(rng, attached):
    funcs = rng.sample(FUNCS, rng.randint(1, 3))
    setup = []
    for i, f in enumerate(funcs, 1):
        setup.append("break " + f)
        if rng.random() < 0.8:
            setup.append("ignore %d %d" % (i, rng.choice(IGNORES)))
    ops = []
    for _ in range(rng.randint(1, 5)):
        op = rng.choice(("continue", "continue", "continue", "delete", "disable", "enable"))
        ops.append(op if op == "continue" else "%s %d" % (op, rng.randint(1, len(funcs))))
    end = rng.choice(("finish", "finish", "kill") + (("detach",) if attached else ()))
    return setup, ops, end


class StressProgram(ldtest.Waiter):
    """`stress wait` started by the test (Waiter's pipes and cleanup):
    ready once its library is loaded, works after a line on stdin."""

    def __init__(self):
        self.p = subprocess.Popen([ldtest.fixture("stress"), "wait"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=ldtest.env())
        self.pid = self.p.pid
        self.out = ldtest.Reader(self.p.stdout.fileno())
        self.err = ldtest.Reader(self.p.stderr.fileno())
        self.err.expect(r"^stress pid %d ready\n" % self.pid, timeout=30)


class Failure(Exception):
    pass


class Iteration:
    """One random sequence; self.log is the transcript of commands and
    replies, for the failure report."""

    def __init__(self, attached, setup, ops, end):
        self.attached, self.setup, self.ops, self.end = attached, setup, ops, end
        self.fx = None
        self.log = []
        self.pids = set()
        self.errpos = 0

    def fail(self, msg):
        raise Failure("%s\n--- transcript ---\n%s" % (msg, ldtest._tail("\n".join(self.log))))

    def cmd(self, s, line):
        """Send one command; its reply ends where the sentinel's begins.  A
        `continue` that reaches the attached program's end finds it waiting
        for EOF on its stdin: that is given once its result is out."""
        self.log.append("(ldb) " + line)
        s.send(line)
        s.send(SENTINEL)
        start = s.out.pos
        deadline = time.monotonic() + CMD_TIMEOUT
        while True:
            try:
                m = s.out.expect(SENT_RX, timeout=0.2)
                break
            except ldtest.Timeout:
                pass
            # Only a `continue` waits on the program's end: after
            # `detach` the program runs free and must still be there
            # when its text is compared (closing its stdin then ended it
            # first, under load: "the program died after detach").
            if self.fx and line == "continue" and "stress sum" in self.fx.out.drain():
                self.fx.close_stdin()
            if time.monotonic() > deadline or s.p.poll() is not None:
                self.log.append(s.out.text[start:])
                self.fail("no reply to %r within %gs (stderr %r)"
                          % (line, CMD_TIMEOUT, s.err.drain()))
        reply = s.out.text[start:m.start()]
        self.log.append(reply.rstrip("\n"))
        errs = s.err.drain()
        for err in re.findall(r"^layoutdbg: .*$", errs[self.errpos:], re.M):
            self.log.append("[stderr] " + err)
        self.errpos = len(errs)
        return reply

    def run(self):
        try:
            self._run()
        finally:
            self.cleanup()

    def _run(self):
        before = None
        if self.attached:
            self.fx = StressProgram()
            self.pids.add(self.fx.pid)
            before = ldtest.text_checksums(self.fx.pid)
            args = ["-p", str(self.fx.pid)]
        else:
            args = [ldtest.fixture("stress")]
        with ldtest.PipeSession(args) as s:
            self.session = s
            if self.attached:
                s.out.expect(r"^Attached to process %d" % self.fx.pid, timeout=60)
            for c in self.setup:
                self.cmd(s, c)
            if self.attached:
                self.fx.write("go\n")
                self.log.append("[the program starts working]")
            else:
                self.cmd(s, "run")
            for c in self.ops:
                self.cmd(s, c)
            if self.end == "finish":
                self.cmd(s, "delete")
                self.cmd(s, "continue")
            else:
                self.cmd(s, self.end)
            self.log.append("(ldb) quit")
            s.send("quit")
            rc = s.finish(CMD_TIMEOUT)
            out, err = s.out.text, s.err.text
        self.check_session(rc, out, err)
        if self.attached:
            self.check_attached(before, out)
        else:
            self.check_spawned(out, err)

    def check_session(self, rc, out, err):
        if rc != 0:
            self.fail("layoutdbg exit status %d" % rc)
        bad = [l for l in re.findall(r"^layoutdbg: .*$", err, re.M) if not HARMLESS.search(l)]
        if bad:
            self.fail("layoutdbg errors: %r" % bad)
        sig = re.findall(r"Program received signal (SIG\w+)", out)
        if sig:
            self.fail("the program received %r" % sig)
        if "Program terminated" in out or re.search(r"\[process \d+ killed by", out):
            self.fail("the program was killed")

    def results_since(self, text):
        return RESULT_RX.findall(text)

    def check_spawned(self, out, err):
        pids = re.findall(r"^stress (?:child )?pid (\d+)", err, re.M)
        self.pids.update(int(p) for p in pids)
        m = re.search(r"^stress pid (\d+) ready", err, re.M)
        if not m:
            self.fail("the program never started (stderr %r)" % err[-500:])
        pid = int(m.group(1))
        if self.end == "kill":
            if "[process %d killed]" % pid not in out and \
               "[process %d exited with code 0]" % pid not in out:
                self.fail("no kill nor exit report")
            return
        if "[process %d exited with code 0]" % pid not in out:
            self.fail("no normal exit report for %d" % pid)
        got = self.results_since(out)
        if got != REF:
            self.fail("program output %r, want %r" % (got, REF))

    def check_attached(self, before, out):
        fx = self.fx
        if self.end == "kill":
            if fx.p.wait(CMD_TIMEOUT) not in (0, -9):
                self.fail("killed program's status %r" % fx.p.returncode)
            return
        if self.end == "detach" and "[process %d detached]" % fx.pid in out:
            if ldtest.tracer_pid(fx.pid) != 0:
                self.fail("still traced after detach")
            try:
                after = ldtest.text_checksums(fx.pid)
            except OSError:
                self.fail("the program died after detach: status %r" % fx.p.wait(CMD_TIMEOUT))
            changed = [k for k in before if before[k] != after.get(k)]
            if changed or before.keys() != after.keys():
                self.fail("text after detach differs: %r"
                          % [(hex(k[0]), k[2]) for k in changed or after.keys() ^ before.keys()])
        fx.out.expect(r"^stress sum \d+\n", timeout=CMD_TIMEOUT)
        fx.close_stdin()
        st = fx.p.wait(CMD_TIMEOUT)
        if st != 0:
            self.fail("program exit status %d" % st)
        got = self.results_since(fx.out.drain())
        if got != REF:
            self.fail("program output %r, want %r" % (got, REF))

    def cleanup(self):
        """Nothing of the iteration may outlive it; what does is a failure
        (reported once), then killed so the next iteration starts clean."""
        if self.fx:
            self.fx.err.drain()
            self.pids.update(int(p) for p in
                             re.findall(r"^stress child pid (\d+)", self.fx.err.text, re.M))
        left = [p for p in sorted(self.pids) if not ldtest.wait_pid_exit(p, 20)
                and ldtest.pid_alive(p)]
        if self.fx:
            self.fx.kill()
        for p in left:
            try:
                os.kill(p, 9)
            except ProcessLookupError:
                pass
        kids = [k for k in ldtest.children_of(os.getpid()) if ldtest.pid_alive(k)]
        if left or kids:
            raise Failure("left behind: processes %r, children of the test %r" % (left, kids))


def stress(attached, budget):
    if not REF:
        raise ldtest.Skip("no reference output")
    rng = random.Random(SEED * 2 + attached)
    deadline = time.monotonic() + budget
    n, failures, kinds, stops = 0, [], {}, 0
    while time.monotonic() < deadline:
        setup, ops, end = plan(rng, attached)
        it = Iteration(attached, setup, ops, end)
        n += 1
        kinds[end] = kinds.get(end, 0) + 1
        try:
            it.run()
            stops += len(ldtest.stops("\n".join(it.log)))
            if os.environ.get("LD_STRESS_VERBOSE"):
                print("# " + "\n# ".join("\n".join(it.log).splitlines()))
        except Exception as e:     # noqa: BLE001 -- every failure is reported with its plan
            why = str(e) if isinstance(e, (Failure, AssertionError)) else \
                "%s\n--- transcript ---\n%s" % (traceback.format_exc(),
                                                 ldtest._tail("\n".join(it.log)))
            failures.append("iteration %d (seed %d, %s): %s; %s"
                            % (n, SEED, "attached" if attached else "spawned",
                               " | ".join(setup + ops + [end]), why))
    print("# %s: %d iterations (%s), %d breakpoint stops, %d failed" % (
        "attached" if attached else "spawned", n,
        ", ".join("%s %d" % kv for kv in sorted(kinds.items())), stops, len(failures)))
    check(not failures, "%d of %d iterations failed:\n%s"
          % (len(failures), n, "\n\n".join(failures[:5])))


t.case("spawned: random breakpoints, ignore counts, continue/delete/disable/kill "
       "(seed %d)" % SEED, stress, False, SECONDS / 2)
t.case("attached: random breakpoints, ignore counts, continue/delete/disable/"
       "detach/kill (seed %d)" % SEED, stress, True, SECONDS / 2)
sys.exit(t.done())
