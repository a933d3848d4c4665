#!/usr/bin/env python3
"""The harness itself: the ptrace probe skips only when ptrace really is
refused (a layoutdbg that fails saying "Operation not permitted" fails the
cases, it does not skip them); tests/summary.py counts cases and refuses
skips off its allow-list; bench/run.py --check reads its targets right."""
import os
import stat
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check

t = ldtest.Tap(4, probe=False)
ROOT = ldtest.SRC_ROOT


def probe_decides():
    why = ldtest.ptrace_probe()
    check(why is None or why.startswith("ptrace is not permitted here: PTRACE_ATTACH"),
          "probe said %r" % why)
    check(ldtest.ptrace_probe() is why, "the probe ran twice")
    if why:
        raise ldtest.Skip(why)


t.case("the ptrace probe (PTRACE_ATTACH to a child via ctypes) says ptrace works here",
       probe_decides)


def eperm_is_a_failure():
    """A fake layoutdbg that fails with 'Operation not permitted': a test
    using it must report not ok, never skip."""
    with tempfile.TemporaryDirectory() as d:
        fake = os.path.join(d, "layoutdbg")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\necho 'layoutdbg: run: ptrace: Operation not permitted' >&2\n"
                    "exit 1\n")
        os.chmod(fake, stat.S_IRWXU)
        case = os.path.join(d, "case.py")
        with open(case, "w") as f:
            f.write("import sys\nsys.path.insert(0, %r)\nimport ldtest\n"
                    "t = ldtest.Tap(1)\n"
                    "def c():\n    rc, o, e = ldtest.run_batch(['x'], ['run'])\n"
                    "    ldtest.check(rc == 0, e)\n"
                    "t.case('run', c)\nsys.exit(t.done())\n" % ldtest.HERE)
        e = ldtest.env({"LAYOUTDBG": fake})
        p = subprocess.run([sys.executable, case], env=e, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        out = p.stdout.decode()
    check(p.returncode == 1 and "not ok 1 - run" in out and "SKIP" not in out,
          "rc %d:\n%s" % (p.returncode, out))


t.case("a layoutdbg failing with 'Operation not permitted' fails the case, no skip",
       eperm_is_a_failure)


def selftest(argv, what):
    p = subprocess.run([sys.executable] + argv, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    check(p.returncode == 0, "%s:\n%s" % (what, p.stdout.decode()))


t.case("tests/summary.py --selftest: cases counted, skips off the allow-list fail",
       selftest, [os.path.join(ROOT, "tests", "summary.py"), "--selftest"], "summary")
t.case("bench/run.py --selftest: targets read (ratio, ms, 'on NAME')", selftest,
       [os.path.join(ROOT, "bench", "run.py"), "--selftest"], "bench")
sys.exit(t.done())
