#!/usr/bin/env python3
"""`catch syscall` decodes what it catches as strace does: the syscalls
fixture makes openat, read, write, close, ioctl, rt_sigaction, futex,
clone, clone3, execve and exit_group with known arguments; every call
layoutdbg stops at (the return stop, or the call stop of a call that does
not return) must equal strace's line for it -- the whole argument list,
with only stack addresses (which differ with the environment layout), fd
paths (`3</dev/null>`, strace without -y prints `3`), child pids and a
racy thread id normalised."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check

t = ldtest.Tap(3)
FIXTURE = ldtest.fixture("syscalls")
CALLS = ("openat", "read", "write", "close", "clone", "clone3", "execve", "exit_group",
         "rt_sigaction", "futex", "ioctl")
STRACE_LINE = re.compile(r"^(\w+)\((.*)\)\s+= (.*)$")
STOP = re.compile(r"^Catchpoint \d+ \((call to|returned from) syscall (\w+)\).*\n  (.*)$", re.M)


def normalise(name, args, ret):
    args = re.sub(r"\b(-?\d+)<[^>]*>", r"\1", args)          # fd paths
    args = re.sub(r"0x7ffffff[0-9a-f]{5}\b", "STACK", args)  # stack addresses
    # the thread may have cleared its tid (CLONE_CHILD_CLEARTID) or not yet
    args = re.sub(r"=> \{parent_tid=\[\d+\]\}", "=> {parent_tid=[TID]}", args)
    if name in ("clone", "clone3") and re.match(r"\d+$", ret):
        ret = "PID"
    return (name, args, ret.strip())


def strace_calls():
    if not shutil.which("strace") or not shutil.which("setarch"):
        raise ldtest.Skip("strace or setarch is not installed")
    d = tempfile.mkdtemp(prefix="ldtest-strace-")
    try:
        log = os.path.join(d, "log")
        argv = ["setarch", os.uname().machine, "-R", "strace", "-qq", "-e",
                "trace=" + ",".join(CALLS), "-o", log, FIXTURE]
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=ldtest.env(), timeout=60)
        if p.returncode != 0 or not os.path.exists(log):
            raise ldtest.Skip("strace cannot trace here: %s" % p.stderr.decode()[-200:])
        with open(log) as f:
            lines = [STRACE_LINE.match(line.rstrip("\n")) for line in f]
        calls = [normalise(m.group(1), m.group(2), m.group(3)) for m in lines if m]
        # strace shows the execve that starts the program; layoutdbg starts
        # it itself and catches from the new image on
        check(calls and calls[0][0] == "execve", "strace's first call: %r" % calls[:1])
        return calls[1:]
    finally:
        shutil.rmtree(d, ignore_errors=True)


def layoutdbg_calls(n_continues):
    cmds = ["catch syscall " + " ".join(CALLS), "run"] + ["continue"] * n_continues
    _, out, err = ldtest.run_batch([FIXTURE], cmds, timeout=60)
    check("exited with code 0]" in out, "the program did not end normally: " + err[-300:], out)
    stops = [(m.group(1), m.group(2), m.group(3)) for m in STOP.finditer(out)]
    calls = []
    for i, (kind, name, text) in enumerate(stops):
        if kind == "returned from":
            m = re.match(r"(\w+)\((.*)\) = (.*)$", text)
            check(m and m.group(1) == name, "return stop text %r" % text, out)
            calls.append(normalise(name, m.group(2), m.group(3)))
        elif i + 1 == len(stops) or stops[i + 1][:2] != ("returned from", name):
            # exit_group, a successful execve: no return stop
            m = re.match(r"(\w+)\((.*)\)$", text)
            check(m and m.group(1) == name, "call stop text %r" % text, out)
            calls.append(normalise(name, m.group(2), "0" if name == "execve" else "?"))
    return calls, out


_run = {}


def both():
    if not _run:
        truth = strace_calls()
        mine, out = layoutdbg_calls(2 * len(truth) + 10)
        _run.update(truth=truth, mine=mine, out=out)
    return _run["truth"], _run["mine"], _run["out"]


def same_calls():
    truth, mine, out = both()
    names_t, names_m = [c[0] for c in truth], [c[0] for c in mine]
    check(names_t == names_m, "call sequence differs\nstrace:    %s\nlayoutdbg: %s"
          % (" ".join(names_t), " ".join(names_m)), out)
    check(set(names_t) == set(CALLS), "the fixture did not make every call: %s"
          % sorted(set(CALLS) - set(names_t)))


def same_text():
    truth, mine, out = both()
    for i, (a, b) in enumerate(zip(truth, mine)):
        check(a == b, "call %d differs\nstrace:    %s(%s) = %s\nlayoutdbg: %s(%s) = %s"
              % ((i + 1,) + a + b), out)


def call_stop_shows_inputs():
    _, _, out = both()
    # at the call stop output arguments are addresses, inputs are decoded
    ldtest.search(r"^Catchpoint 1 \(call to syscall read\).*\n  read\(3<[^>]*>, 0x[0-9a-f]+, 10\)$",
                  out, "read's call stop with the buffer as an address")
    ldtest.search(r"^Catchpoint 1 \(call to syscall write\).*\n  write\(4<pipe:\[\d+\]>, "
                  r"\"hello \\\"world\\\"\\t\\\\ line\\n\\1\\0027 and mor\"\.\.\., 47\)$",
                  out, "write's call stop with its string")


t.case("the calls caught are the calls strace sees, in order", same_calls)
t.case("each decoded call equals strace's line (args and result)", same_text)
t.case("call stops show inputs decoded and outputs as addresses", call_stop_shows_inputs)
sys.exit(t.done())
