#!/usr/bin/env python3
"""Libraries unloaded and loaded again (issue 12, items 6 and 7).

dlcycle dlopens, calls and dlcloses libraries in a loop and prints a
checksum of what they computed; run without layoutdbg, that checksum is
the oracle.  libdla.so and libdlb.so are loaded in turn at (usually) the
same address with different code there.  Checked, spawned and attached:
  * a breakpoint in a library loaded 5 times stops 5 times;
  * once its library is unloaded, a breakpoint is <PENDING> and `x` at
    its old address shows the bytes of whatever is there now;
  * delete / disable / detach while the other library occupies the
    address never write the old library's byte into it (the checksum
    stays the oracle's, the code the program prints stays pristine);
  * the same when code is replaced without the dynamic linker (jitter);
  * a program detached from (or left behind by follow-fork-mode child)
    runs on after layoutdbg exits.
"""
import os
import re
import subprocess
import sys

import ldtest
from ldtest import check, search

REPEAT = 3      # the removal cases, each way; the old bug was deterministic

t = ldtest.Tap(13)

LIBA = ldtest.fixture("libdla.so")
LIBB = ldtest.fixture("libdlb.so")
LOAD = re.compile(r"^load (\d+) (\S+) base (0x[0-9a-f]+) libfn (0x[0-9a-f]+) code ([0-9a-f]+)$",
                  re.M)


def loads(text):
    """[(round, lib, base, libfn, code bytes)] from dlcycle's output."""
    return [(int(r), lib, int(b, 16), int(f, 16), bytes.fromhex(c))
            for r, lib, b, f, c in LOAD.findall(text)]


def untraced(args):
    """(checksum, loads) of dlcycle run without layoutdbg."""
    wait = args[:1] == ["-w"]
    p = subprocess.run([ldtest.fixture("dlcycle")] + args, input=b"go\ngo\n" if wait else b"",
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ldtest.env(),
                       timeout=ldtest.DEFAULT_TIMEOUT)
    out = p.stdout.decode()
    check(p.returncode == 0, "dlcycle exit %d: %r" % (p.returncode, p.stderr), out)
    return int(search(r"^checksum (\d+)$", out, "untraced checksum").group(1)), loads(out)


class Dlcycle:
    """dlcycle -w ARGS started by the test (for attach): it prints its pid
    and waits for a line before it starts and before its checksum."""

    def __init__(self, args):
        self.p = subprocess.Popen([ldtest.fixture("dlcycle"), "-w"] + args,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=ldtest.env())
        self.out = ldtest.Reader(self.p.stdout.fileno())
        self.pid = int(self.out.expect(r"^pid (\d+) ready\n").group(1))

    def go(self):
        self.p.stdin.write(b"go\n")
        self.p.stdin.flush()

    def finish(self):
        """The second line; then its exit status and all it printed."""
        self.go()
        self.p.stdin.close()
        try:
            rc = self.p.wait(ldtest.DEFAULT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ldtest.Timeout("dlcycle %d did not finish" % self.pid)
        return rc, self.out.wait_eof()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        ldtest.reap(self.p)


def start(attached, args):
    """(session, program or None): layoutdbg running dlcycle ARGS, or
    attached to it, at its first line of commands; `go` lets it run."""
    if not attached:
        s = ldtest.PipeSession([ldtest.fixture("dlcycle")] + args)
        return s, None
    prog = Dlcycle(args)
    s = ldtest.PipeSession(["-p", str(prog.pid)])
    s.out.expect(r"^Attached to process %d" % prog.pid)
    return s, prog


def go(s, prog):
    if prog:
        s.send("continue")
        prog.go()
    else:
        s.send("run")


def program_text(s, prog):
    return prog.out.text if prog else s.out.text


def wait_loads(s, prog, n):
    """The first n loads the program reported (they are printed before
    the stop that follows them, into another pipe when attached)."""
    if prog:
        prog.out.expect(r"(?:^load .*\n(?:.*\n)*){%d}" % n)
    got = loads(program_text(s, prog))
    check(len(got) >= n, "loads so far: %r" % got, program_text(s, prog))
    return got[:n]


# ------------------------------------------------------ 5 loads, 5 stops

def five_stops(attached):
    args = ["5", LIBA]
    want, _ = untraced(args)
    s, prog = start(attached, args)
    with s:
        # attached, a symbol no loaded object defines needs its @LIB
        spec = "libfn@libdla" if attached else "libfn"
        s.send("break " + spec)
        s.out.expect(r"^Breakpoint 1 \(%s\) pending" % spec)
        go(s, prog)
        for i in range(5):
            s.out.expect(ldtest.stop_rx(1, "libfn"))
            s.send("continue")
        if prog:
            prog.finish()
        s.out.expect(r"exited with code 0\]")
        s.send("info breakpoints")
        s.out.expect(r"breakpoint already hit 5 times")
        s.send("quit")
        lrc = s.finish()
        out = program_text(s, prog)
    check(len(ldtest.stops(s.out.text)) == 5, "stops: %r" % ldtest.stops(s.out.text),
          s.out.text)
    check(lrc == 0, "layoutdbg exit %d: %r" % (lrc, s.err.text), s.out.text)
    got = int(search(r"^checksum (\d+)$", out, "checksum").group(1))
    check(got == want, "checksum %d, untraced %d" % (got, want), out)


t.case("break libfn, dlopen/dlclose 5 times (spawned): 5 stops, same checksum",
       five_stops, False)
t.case("break libfn, dlopen/dlclose 5 times (attached): 5 stops, same checksum",
       five_stops, True)


# --------------------------------- two libraries at one address, removal

def swap_once(attached, action):
    """Breakpoint 1 in libdla's libfn; stopped when libdlb has taken its
    place: <PENDING>, `x` shows libdlb's bytes; then ACTION and let the
    program end.  Its checksum and the code it prints must be the
    oracle's."""
    args = ["2", LIBA, LIBB]
    want, truth = untraced(args)
    a0, b0 = truth[0], truth[1]
    if a0[2] != b0[2] or a0[3] - a0[2] != b0[3] - b0[2]:
        raise ldtest.Skip("libdlb did not load at libdla's address untraced")
    s, prog = start(attached, args)
    with s:
        s.send("break libfn@libdla")
        s.out.expect(r"^Breakpoint 1 \(libfn@libdla\) pending")
        s.send("break loaded")
        s.out.expect(r"^Breakpoint 2 ")
        go(s, prog)
        s.out.expect(ldtest.stop_rx(2, "loaded"))
        addr = int(search(r"^Breakpoint 1 at (0x[0-9a-f]+): libfn in \S*libdla\.so",
                          s.out.text, "breakpoint 1 armed in libdla").group(1), 16)
        s.send("continue")
        s.out.expect(ldtest.stop_rx(1, "libfn"))
        s.send("continue")
        s.out.expect(ldtest.stop_rx(2, "loaded"))
        got = wait_loads(s, prog, 2)
        if got[0][2] != got[1][2]:
            raise ldtest.Skip("libdlb did not load at libdla's address here")
        off = addr - got[0][3]
        check(0 < off < 24, "breakpoint at libfn+%d" % off)
        check(a0[4][off] != b0[4][off], "premise: libdla and libdlb have the same "
              "byte at libfn+%d" % off)
        s.send("info breakpoints")
        s.out.expect(r"^1\s+breakpoint\s+keep y\s+<PENDING>\s+libfn@libdla\s*$")
        s.send("x/8xb %#x" % addr)
        m = s.out.expect(r"^0x0*%x.*:\s+((?:0x[0-9a-f]{2}\s*){8})$" % addr)
        shown = bytes(int(b, 16) for b in m.group(1).split())
        check(shown == b0[4][off:off + 8], "x shows %s, libdlb has %s there"
              % (shown.hex(), b0[4][off:off + 8].hex()), s.out.text)
        s.send(action)
        if action != "detach":
            s.send("delete 2")
            s.send("continue")
        if prog:
            rc, out = prog.finish()
        if action != "detach":
            s.out.expect(r"exited with code 0\]")
        s.send("quit")
        lrc = s.finish()
        if not prog:
            out = s.out.wait_eof()
            rc = 0
    check(lrc == 0, "layoutdbg exit %d: %r" % (lrc, s.err.text), s.out.text)
    check(rc == 0, "dlcycle exit status %d" % rc, out)
    check("could not restore" not in s.err.text, "stderr %r" % s.err.text)
    got = int(search(r"^checksum (\d+)$", out, "checksum").group(1))
    check(got == want, "checksum %d after %s, untraced %d" % (got, action, want), out)
    after = loads(out)[2:]
    check([x[4] for x in after] == [x[4] for x in truth[2:]],
          "code printed after %s differs from the untraced run: %r" % (action, after), out)


def swap(attached, action):
    for _ in range(REPEAT):
        swap_once(attached, action)


for how in ("spawned", "attached"):
    for act in ("delete 1", "disable 1", "detach"):
        t.case("break in libdla, libdlb at its address (%s): pending, x shows libdlb, "
               "`%s` keeps the checksum (x%d)" % (how, act, REPEAT),
               swap, how == "attached", act)


# ------------------------------- code replaced behind the linker's back

def jit_once(action):
    """jitter replaces an executable page by another one at the same
    address with no dynamic linker involved: nothing tells layoutdbg.  A
    breakpoint in the first page must still never put its byte into the
    second: `x` shows the new code, ACTION leaves it alone."""
    with ldtest.PipeSession([ldtest.fixture("jitter")]) as s:
        s.send("break code_ready")
        s.out.expect(r"^Breakpoint 1 at ")
        s.send("run")
        s.out.expect(ldtest.stop_rx(1, "code_ready"))
        s.send("info registers rdi")
        addr = int(s.out.expect(r"^rdi\s+(0x[0-9a-f]+)").group(1), 16)
        s.send("break *%#x" % addr)
        s.out.expect(r"^Breakpoint 2 at 0x0*%x" % addr)
        s.send("continue")
        s.out.expect(r"^Breakpoint 2, 0x0*%x " % addr)
        s.send("continue")
        s.out.expect(ldtest.stop_rx(1, "code_ready"))
        s.send("x/2xb %#x" % addr)
        s.out.expect(r"^0x0*%x.*:\s+0x31\s+0xc0\s*$" % addr)
        s.send(action)
        if action != "detach":
            s.send("delete 1")
            s.send("continue")
            s.out.expect(r"exited with code 0\]")
        s.send("quit")
        rc = s.finish()
        out = s.out.wait_eof()
    check(rc == 0, "layoutdbg exit %d: %r" % (rc, s.err.text), out)
    search(r"^results 1 2$", out, "the program's result after %s" % action)


def jit(action):
    for _ in range(REPEAT):
        jit_once(action)


for act in ("delete 2", "disable 2", "detach"):
    t.case("code page replaced under a *ADDRESS breakpoint: x shows the new code, "
           "`%s` leaves it intact (x%d)" % (act, REPEAT), jit, act)


# ---------------------------------------------------- detach for good

def lingerer(cmds, args=()):
    """Run lingerer under layoutdbg -batch with CMDS; after layoutdbg has
    exited, send the line the program waits for.  Returns (layoutdbg's
    output, all the program printed, the program's pid)."""
    argv = ldtest.layoutdbg_cmd([ldtest.fixture("lingerer")] + list(args), cmds)
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=ldtest.env())
    out = ldtest.Reader(p.stdout.fileno())
    # stderr is the program's too: drain it, never read it to its end
    err = ldtest.Reader(p.stderr.fileno())
    try:
        pid = int(out.expect(r"^pid (\d+)$").group(1))
        try:
            rc = p.wait(ldtest.DEFAULT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ldtest.Timeout("layoutdbg did not exit")
        check(rc == 0, "layoutdbg exit %d: %r" % (rc, err.drain()), out.text)
        check(ldtest.pid_alive(pid), "program %d died with layoutdbg" % pid, out.drain())
        check(ldtest.tracer_pid(pid) == 0, "program %d still traced" % pid)
        p.stdin.write(b"bye\n")
        p.stdin.close()
        text = out.wait_eof()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()
    return text, pid


def detach_spawned():
    text, pid = lingerer(["break marker", "run", "detach"])
    search(r"^\[process %d detached\]$" % pid, text, "detached")
    search(r"^result 21 bye$", text, "the program's result after layoutdbg exited")


t.case("spawned, detached, layoutdbg exits: the program runs on and prints its result",
       detach_spawned)


def follow_child_parent_lives():
    text, pid = lingerer(["set follow-fork-mode child", "break marker", "run", "continue"],
                         ["fork"])
    search(r"^\[Detaching after fork from parent process %d\]" % pid, text, "follow child")
    search(r"^child status 0$", text, "the child's end, seen by the parent")
    search(r"^result 5 bye$", text, "the parent's result after layoutdbg exited")


t.case("follow-fork-mode child: the parent left behind runs on after layoutdbg exits",
       follow_child_parent_lives)

sys.exit(t.done())
