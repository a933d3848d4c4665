#!/usr/bin/env python3
"""The closing lines of a test run: every case (TAP subtest) counted, every
skipped case printed with its reason, and a non-zero exit status when a
case failed or was skipped without a reason on the allow-list below.

    python3 tests/summary.py build/meson-logs/testlog.json [more.json ...]
    python3 tests/summary.py --selftest

Reads meson's testlog.json files (one JSON object per line, one per test
program, with the program's TAP output in "stdout").  A program that
failed without a failing case (it crashed, or its plan was short) counts
as one failed case; a program meson skipped as a whole counts as one
skipped case.  Expected failures (`not ok N - name # TODO bug`) are
counted and listed, never as passed."""
import json
import re
import sys

# Skips that are right on a complete Debian 12 set-up (bootstrap.sh), each
# with why.  (test program, reason pattern): anything else skipped fails
# the run -- a missing package or a broken probe must not pass silently.
ALLOWED = [
    (r"test_hostile", r"built with AddressSanitizer",
     "valgrind cannot run a program built with AddressSanitizer (build-san only)"),
    (r"test_deep", r"sanitizer build",
     "peak memory means nothing under ASan's quarantine (build-san only)"),
    (r"test_watch|test_frameargs", r"hardware watchpoints do not fire on this machine",
     "the hypervisor takes debug-register writes and never traps (fixtures/hwprobe); "
     "the machine decides, not the set-up"),
    (r".*", r"one CPU here",
     "cpu-pinning needs a second CPU; the machine decides, not the set-up"),
]

TAP_LINE = re.compile(r"^(not )?ok\s+(\d+)\s*(?:-\s*)?(.*?)(?:\s+#\s*(SKIP|TODO)\b\s*(.*))?$",
                      re.I)


def cases(stdout):
    """(status, number, name, reason) of each TAP line; status is one of
    pass, fail, skip, todo."""
    out = []
    for line in stdout.splitlines():
        if line.startswith("1..0"):
            m = re.search(r"#\s*SKIP\b\s*(.*)", line, re.I)
            out.append(("skip", 0, "(whole program)", m.group(1) if m else "no reason given"))
            continue
        m = TAP_LINE.match(line)
        if not m:
            continue
        bad, num, name, directive, why = m.groups()
        d = (directive or "").upper()
        if d == "SKIP":
            out.append(("skip", int(num), name, why or "no reason given"))
        elif d == "TODO":
            out.append(("todo" if bad else "pass", int(num), name, why or ""))
        else:
            out.append(("fail" if bad else "pass", int(num), name, ""))
    return out


def short(name):
    return name.split("/")[-1].strip()


def allowed(prog, reason):
    for p, r, why in ALLOWED:
        if re.fullmatch(p, prog) and re.search(r, reason):
            return why
    return None


def summarize(logs, out=sys.stdout):
    counts = {"pass": 0, "fail": 0, "skip": 0, "todo": 0}
    skips, todos, fails, unexplained = [], [], [], 0
    for where, t in logs:
        prog = short(t.get("name", "?"))
        result = t.get("result")
        cs = cases(t.get("stdout") or "")
        if result == "SKIP" and not any(c[0] == "skip" for c in cs):
            cs.append(("skip", 0, "(whole program)", "meson: SKIP (exit status 77)"))
        if result not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(c[0] == "fail" for c in cs):
            cs.append(("fail", 0, "(the program itself)", "result %s" % result))
        for st, num, name, why in cs:
            counts[st] += 1
            label = "%s %s #%d %s" % (where, prog, num, name)
            if st == "skip":
                ok = allowed(prog, why)
                unexplained += ok is None
                skips.append("skip: %s: %s%s" % (label, why,
                                                  "" if ok else "  [NOT ON THE ALLOW-LIST]"))
            elif st == "todo":
                todos.append("todo: %s: %s" % (label, why))
            elif st == "fail":
                fails.append("FAIL: %s%s" % (label, ": " + why if why else ""))
    for line in fails + todos + skips:
        print(line, file=out)
    print("%d passed, %d failed, %d skipped (%d not allowed), %d expected failures"
          % (counts["pass"], counts["fail"], counts["skip"], unexplained, counts["todo"]),
          file=out)
    return 1 if counts["fail"] or unexplained else 0


def read_logs(paths):
    logs, missing = [], 0
    for path in paths:
        try:
            lines = open(path).read().splitlines()
        except OSError as e:
            print("summary: %s: %s" % (path, e), file=sys.stderr)
            missing += 1
            continue
        where = path.split("/meson-logs/")[0].split("/")[-1] or path
        logs += [(where, json.loads(l)) for l in lines if l.strip()]
    return logs, missing


def selftest():
    import io
    tap = ("ok 1 - a\nnot ok 2 - b\nok 3 - c # SKIP valgrind is not installed\n"
           "ok 4 - d # SKIP layoutdbg is built with AddressSanitizer, which\n"
           "not ok 5 - e # TODO bug: x\nok 6 - f \\# not a directive\n1..6\n")
    logs = [("build", {"name": "layoutdbg:e2e / test_hostile", "result": "FAIL", "stdout": tap}),
            ("build", {"name": "layoutdbg:unit / test_x", "result": "ERROR", "stdout": "ok 1\n"}),
            ("build", {"name": "layoutdbg:e2e / test_y", "result": "SKIP", "stdout": ""})]
    buf = io.StringIO()
    rc = summarize(logs, buf)
    text = buf.getvalue()
    want = "3 passed, 2 failed, 3 skipped (2 not allowed), 1 expected failures"
    good = (rc == 1 and text.splitlines()[-1] == want and
            "valgrind is not installed  [NOT ON THE ALLOW-LIST]" in text and
            "test_hostile #4 d: layoutdbg is built with AddressSanitizer, which\n" in text)
    buf2 = io.StringIO()
    good = good and summarize([("b", {"name": "x / test_z", "result": "OK",
                                      "stdout": "ok 1 - a\n1..1\n"})], buf2) == 0
    print("summary selftest: %s" % ("ok" if good else "WRONG\n" + text))
    return 0 if good else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--selftest"]:
        sys.exit(selftest())
    logs, missing = read_logs(sys.argv[1:])
    rc = summarize(logs)
    sys.exit(1 if rc or missing else 0)
