#!/usr/bin/env python3
"""Attach to a process that creates threads fast (the factory fixture:
N threads alive, chains of short-lived threads created by threads that are
not the leader).  Every attach succeeds, every thread is seized exactly
once (`info threads` lists each task of /proc/PID/task once, at that very
stop), the program computes its own result correctly afterwards.  Attaching
to what cannot be traced says what it is: a zombie, a kernel thread, a
process traced already -- by whom (never layoutdbg itself).

LD_FACTORY_THREADS sets N (default 1000), LD_FACTORY_ATTACHES the number
of attaches in a row (default 20)."""
import os
import re
import shutil
import subprocess
import sys
import time

import ldtest
from ldtest import check, search

N = int(os.environ.get("LD_FACTORY_THREADS", "1000"))
ATTACHES = int(os.environ.get("LD_FACTORY_ATTACHES", "20"))
# many chains: many threads in clone(2) at the moment they are seized, whose
# new threads the kernel attaches to us before we hear of them
CHAINS = 64
MASK = (1 << 64) - 1

t = ldtest.Tap(6)


def expected_sum(tickets):
    """The factory's sum for tickets 0..T-1 (unsigned long arithmetic)."""
    tri = [(200 + r) * (201 + r) // 2 for r in range(800)]
    full, rest = divmod(tickets, 800)
    return (full * sum(tri) + sum(tri[:rest])) & MASK


class Factory:
    def __init__(self, n=N, chains=CHAINS, leader_exit=False):
        argv = [ldtest.fixture("factory"), str(n), str(chains)]
        if leader_exit:
            argv.append("leader-exit")
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  env=ldtest.env())
        self.pid = self.p.pid
        self.out = ldtest.Reader(self.p.stdout.fileno())
        self.out.expect(r"^factory pid %d residents %d chains %d ready\n"
                        % (self.pid, n, chains), timeout=60)

    def tasks(self):
        return sorted(int(x) for x in os.listdir("/proc/%d/task" % self.pid))

    def finish(self):
        """Tell it to end; check its own result and its exit status."""
        self.p.stdin.write(b"end\n")
        self.p.stdin.flush()
        m = self.out.expect(r"^factory tickets (\d+) bad (\d+) sum (\d+)\n", timeout=60)
        tickets, bad, got = (int(x) for x in m.groups())
        check(bad == 0, "factory: %d wrong results" % bad)
        check(got == expected_sum(tickets), "factory sum %d over %d tickets, want %d"
              % (got, tickets, expected_sum(tickets)))
        check(self.p.wait(30) == 0, "factory exit status %r" % self.p.returncode)
        return tickets

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.p.stdin.close()
        self.p.stdout.close()


def tracer(tid):
    """TracerPid of a task; -1 when it is gone."""
    try:
        return ldtest.tracer_pid(tid)
    except (FileNotFoundError, ProcessLookupError):
        return -1


def task_facts(pid, tid):
    """Name, State and TracerPid of a task, from its status file: a dict,
    with "gone" set when the task no longer exists."""
    try:
        with open("/proc/%d/task/%d/status" % (pid, tid)) as st:
            return {k: v.strip() for k, v in (l.split(":", 1) for l in st if ":" in l)
                    if k in ("Name", "State", "TracerPid")}
    except OSError as e:
        return {"gone": e.strerror}


ROW = re.compile(r"^[ *] (\d+)\s+LWP (\d+) \"[^\"]*\"\s+(.*)$", re.M)


def attach_and_count(f, live_tasks):
    """Attach, `info threads`, compare with /proc at that stop, detach."""
    with ldtest.PipeSession(["-p", str(f.pid)]) as s:
        try:
            m = s.out.expect(r"^Attached to process %d \((\d+) threads?\)\n" % f.pid,
                             timeout=60)
        except ldtest.Timeout as e:
            raise AssertionError("%s\n--- stderr ---\n%s" % (e, s.err.drain(0.5)))
        said = int(m.group(1))
        s.send("info threads")
        s.send("info breakpoints")
        text = s.out.expect(r"(?s)^  Id .*?^No breakpoints", timeout=60).group(0)
        tasks = live_tasks()        # every thread is stopped: the set is still
        rows = ROW.findall(text)
        lwps = [int(r[1]) for r in rows]
        # What the kernel says of a task we do not list, read at once: one
        # that escaped (running, no tracer; an untraced thread that exits
        # is released at once, so one gone since the listing ran after the
        # attach too) or ours but not in the table.
        facts = {x: task_facts(f.pid, x) for x in sorted(set(tasks) - set(lwps))}
        tracers = {tracer(x) for x in tasks}
        # Nothing we hold can make a thread now: a task born since the
        # listing comes of one that escaped (a chain goes on in it).
        born = {x: task_facts(f.pid, x)
                for x in sorted(set(live_tasks()) - set(tasks) - set(lwps))}
        s.send("detach")
        s.out.expect(r"^\[process %d detached\]" % f.pid)
        rc = s.finish()
        check(rc == 0 and s.err.text == "", "rc %d, stderr %r" % (rc, s.err.text))
    check(len(lwps) == len(set(lwps)), "a thread listed twice: %r"
          % sorted(x for x in lwps if lwps.count(x) > 1))
    check(sorted(lwps) == tasks, "info threads lists %d, /proc/%d/task %d; only ours %r, "
          "only /proc's %r" % (len(lwps), f.pid, len(tasks), sorted(set(lwps) - set(tasks))[:10],
                               dict(list(facts.items())[:10])))
    check(not born, "threads born while every thread was held: %r"
          % dict(list(born.items())[:10]))
    check(said == len(tasks), "'Attached (%d threads)', /proc has %d" % (said, len(tasks)))
    check(tracers == {s.pid}, "tracers of the tasks at the stop: %r (layoutdbg %d)"
          % (tracers, s.pid))
    running = [r for r in rows if "(running)" in r[2]]
    check(not running, "threads not stopped: %r" % running[:5])
    check(ldtest.tracer_pid(f.pid) == 0, "still traced after detach")
    return len(tasks)


def attach_in_a_row():
    with Factory() as f:
        counts = [attach_and_count(f, f.tasks) for _ in range(ATTACHES)]
        tickets = f.finish()
    print("# %d attaches to the factory (%d residents, %d chains): %r threads; %d threads made"
          % (ATTACHES, N, CHAINS, counts, tickets))


t.case("%d attaches in a row to a %d-thread factory: each thread seized once, "
       "the factory's own result correct" % (ATTACHES, N), attach_in_a_row)


def leader_exited():
    # The leader called pthread_exit: a zombie whose threads live on.
    with Factory(n=50, chains=4, leader_exit=True) as f:
        ldtest.wait_blocked(f.pid, states=("Z",))

        def live():
            return [x for x in f.tasks() if x != f.pid]
        attach_and_count(f, live)
        f.finish()


t.case("attach when the leader has exited (pthread_exit): its threads are attached",
       leader_exited)


def one_error_line(args, what):
    rc, out, err = ldtest.run_batch(args, ["info threads"])
    lines = [l for l in err.splitlines() if l.startswith("layoutdbg: attach")]
    check(len(lines) == 1, "one attach error line: %r" % err)
    check("permission" not in lines[0].lower(), "%s called a permission problem: %r"
          % (what, lines[0]))
    return lines[0]


def attach_zombie():
    p = subprocess.Popen([ldtest.fixture("empty")])
    try:
        # exited, left unreaped (WNOWAIT): a zombie child of ours
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
        line = one_error_line(["-p", str(p.pid)], "a zombie")
        search(r"^layoutdbg: attach %d: process %d \(empty\) is a zombie: it has exited "
               r"and waits for its parent \(process %d\) to reap it$"
               % (p.pid, p.pid, os.getpid()), line, "zombie message")
    finally:
        p.wait()


t.case("attach to a zombie says it is a zombie, and whose", attach_zombie)


def kernel_threads():
    """(pid, name) of kernel threads visible here: kthreadd first."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as fh:
                st = fh.read()
        except OSError:
            continue
        flags = int(st[st.rindex(")") + 2:].split()[6])
        if flags & 0x00200000:      # PF_KTHREAD
            out.append((int(d), st[st.index("(") + 1:st.rindex(")")]))
    return sorted(out)


def attach_kernel_thread():
    kts = kernel_threads()
    if not kts:
        raise ldtest.Skip("no kernel thread visible (a pid namespace)")
    picks = [kts[0]] + [k for k in kts if k[1].startswith("kworker")][:1]
    for pid, name in picks:
        line = one_error_line(["-p", str(pid)], "a kernel thread")
        check(line == "layoutdbg: attach %d: process %d (%s) is a kernel thread: it "
              "cannot be traced" % (pid, pid, name), "kernel thread %d: %r" % (pid, line))
    print("# kernel threads tried: %r" % picks)


t.case("attach to kthreadd and a kworker says 'kernel thread'", attach_kernel_thread)


def traced_by_another_layoutdbg():
    with Factory(n=200) as f:
        with ldtest.PipeSession(["-p", str(f.pid)]) as a:
            a.out.expect(r"^Attached to process %d" % f.pid, timeout=60)
            with ldtest.PipeSession() as b:
                b.send("attach %d" % f.pid)
                m = b.err.expect(r"^layoutdbg: attach %d: (.*)\n" % f.pid, timeout=60)
                check(m.group(1) == "process %d (factory) is already traced by process %d "
                      "(layoutdbg)" % (f.pid, a.pid), "second layoutdbg %d said %r"
                      % (b.pid, m.group(0)))
                b.send("info breakpoints")     # the session goes on
                b.out.expect(r"^No breakpoints")
                check(b.finish() == 0, "second layoutdbg's exit status")
            a.send("detach")
            a.out.expect(r"^\[process %d detached\]" % f.pid)
            check(a.finish() == 0, "first layoutdbg's exit status")
        f.finish()


t.case("'already traced' names the other layoutdbg, not this one", traced_by_another_layoutdbg)


def in_read(pid, tid):
    """Whether a task sits in read(2) (system call 0) now."""
    try:
        with open("/proc/%d/task/%d/syscall" % (pid, tid)) as f:
            return f.read().split()[0] == "0"
    except (OSError, IndexError):
        return False


def traced_thread_by_strace():
    # strace holds one thread that is not the leader: this layoutdbg seizes
    # the others first, must name strace, and must let go of what it took.
    if not shutil.which("strace"):
        raise ldtest.Skip("strace not installed")
    with Factory(n=100) as f:
        # a task may be one of the short-lived chain threads, gone before
        # strace seizes it: then strace exits, and another task is taken
        # (strace may need long on a loaded machine: each try has its own
        # deadline, 120 s)
        # A resident (parked in read(2) for good) is taken first: a chain
        # thread that ends while strace holds it leaves nothing traced by
        # another, and the attach then rightly succeeds (no error to see).
        # (not the leader: thread ids wrap at pid_max, so the lowest
        # is not always the leader's)
        others = [x for x in f.tasks() if x != f.pid]
        residents = [x for x in others if in_read(f.pid, x)]
        for victim in residents or others:
            deadline = time.monotonic() + 120
            st = subprocess.Popen(["strace", "-qq", "-o", "/dev/null", "-p", str(victim)],
                                  stderr=subprocess.PIPE)
            while tracer(victim) != st.pid and st.poll() is None:
                check(time.monotonic() < deadline, "strace never attached to %d" % victim)
                os.sched_yield()
            if tracer(victim) == st.pid:
                break
            st.wait()
        check(tracer(victim) == st.pid, "strace attached to no thread")
        try:
            with ldtest.PipeSession() as b:
                b.send("attach %d" % f.pid)
                m = b.err.expect(r"^layoutdbg: attach %d: (.*)\n" % f.pid, timeout=60)
                check(m.group(1) == "thread %d of process %d is already traced by "
                      "process %d (strace)" % (victim, f.pid, st.pid), "said %r (layoutdbg %d)"
                      % (m.group(0), b.pid))
                b.send("info breakpoints")
                b.out.expect(r"^No breakpoints")
                # the session lives on, and holds no thread of the factory
                held = [x for x in f.tasks() if tracer(x) == b.pid]
                check(not held, "threads still traced by the failed attach: %r" % held[:10])
                check(b.finish() == 0, "exit status")
        finally:
            st.terminate()
            st.wait()
        f.finish()


t.case("a thread traced by strace: the error names strace, nothing stays seized",
       traced_thread_by_strace)

sys.exit(t.done())
