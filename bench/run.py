#!/usr/bin/env python3
"""layoutdbg benchmarks: each job timed for layoutdbg and, in the same run,
for its baseline (gdb where installed, the raw ptrace limit, a plain read),
reported as medians and ratios.  Never part of the ordinary test run.

    python3 bench/run.py --build build [--reps 5] [--hits 100000] [--quick] [--check]

--check: exit status 1 when a measurement misses its target (each target
is a relation such as "<= 1.2" on the ratio, or "< 100 ms" on the time;
"on NAME" limits it to the jobs naming NAME).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--build", default="build")
ap.add_argument("--reps", type=int, default=5)
ap.add_argument("--hits", type=int, default=100000)
ap.add_argument("--writes", type=int, default=1000000)
ap.add_argument("--depth", type=int, default=100000, help="frames for the bt job")
ap.add_argument("--quick", action="store_true", help="fewer hits and writes")
ap.add_argument("--only", choices=["smaps", "disasm", "hits", "values", "bigdwarf"],
                help="run one group of jobs (smaps: info proc smaps and the "
                     "snapshot with pages of 20,000 mappings; disasm: "
                     "disassemble and x/1000i against gdb; hits: ignored "
                     "breakpoint hits against the raw tracers and gdb; values: "
                     "a false condition's hits, info locals + bt full, against "
                     "gdb; bigdwarf: break + run + bt in the biggest program "
                     "with full DWARF, time and peak RSS against gdb)")
ap.add_argument("--disasm-rounds", type=int, default=9,
                help="interleaved rounds of the disassembler jobs")
ap.add_argument("--smaps-reps", type=int, default=21,
                help="interleaved rounds of the info proc smaps job")
ap.add_argument("--check", action="store_true",
                help="exit 1 when a measurement misses its target")
ap.add_argument("--selftest", action="store_true",
                help="check the target parser and exit")
args = ap.parse_args()
if args.quick:
    args.hits, args.writes, args.reps = 20000, 200000, 3
B = os.path.abspath(args.build)
LD = os.path.join(B, "src", "layoutdbg")
GDB = shutil.which("gdb")
rows = []


def timed(cmd, stdin=None, env=None):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    dt = time.perf_counter() - t0
    if p.returncode not in (0,):
        sys.stderr.write(f"bench: {cmd[0]} exited {p.returncode}: "
                         f"{p.stderr.decode(errors='replace')[-300:]}\n")
    return dt, p.stdout.decode(errors="replace")


def med(cmd, reps=None, **kw):
    return statistics.median(timed(cmd, **kw)[0] for _ in range(reps or args.reps))


TARGET = re.compile(r"(<=|<|>=|>)\s*([0-9]*\.?[0-9]+)\s*(ms|s|MiB|KiB)?\b")
UNIT = {"ms": 1e-3, "s": 1.0, "KiB": 1.0, "MiB": 1024.0}


def missed(job, ours, ratio, target, kib=False):
    """None when the measurement meets its target (or the target is for
    other jobs); else why not.  The last relation in the text counts
    (">= 5x faster: ratio <= 0.2" is "ratio <= 0.2"); with a unit it is
    on the measurement itself, else on the ratio."""
    found = TARGET.findall(target)
    if not found:
        return f"target {target!r} cannot be read"
    op, num, unit = found[-1]
    only = re.search(r"\bon (\S+)$", target)
    if only and only.group(1).lower() not in job.lower():
        return None
    if unit:
        if kib != (unit in ("KiB", "MiB")):
            return f"target {target!r}: unit {unit} does not fit the measurement"
        value, limit = ours, float(num) * UNIT[unit]
    else:
        value, limit = ratio, float(num)
    ok = {"<=": value <= limit, "<": value < limit, ">=": value >= limit,
          ">": value > limit}[op]
    return None if ok else f"{value:.4g} is not {op} {limit:.4g} (target {target})"


if args.selftest:
    cases = [("j", 0.05, 0.9, "<= 1.2", None), ("j", 0.05, 1.3, "<= 1.2", "not"),
             ("j", 0.05, 0.1, ">= 5x faster: ratio <= 0.2", None),
             ("j", 0.05, 0.3, ">= 5x faster: ratio <= 0.2", "not"),
             ("j", 0.099, 9, "< 100 ms", None), ("j", 0.1, 0.1, "< 100 ms", "not"),
             ("x: heap fixture", 1, 0.9, "<= 0.25 on clang", None),
             ("x: clang (libLLVM)", 1, 0.3, "<= 0.25 on clang", "not"),
             ("j", 1, 1, "fast", "cannot be read")]
    bad = [c for c in cases if (lambda m: (m is None) != (c[4] is None) or
                                (m and c[4] not in m))(missed(*c[:4]))]
    print("bench selftest: %d of %d target cases right" % (len(cases) - len(bad), len(cases)))
    for c in bad:
        print("  wrong:", c, "->", missed(*c[:4]))
    sys.exit(1 if bad else 0)


def row(job, ours, base, base_name, target=None, who="layoutdbg", kib=False):
    """One comparison: times in seconds, or peak memory in KiB (kib)."""
    ratio = ours / base if base else float("nan")
    rows.append((job, ours, base, base_name, ratio, target, who, kib))
    unit, scale = ("KiB", 1) if kib else ("ms", 1e3)
    print(f"{job:44s} {who} {ours*scale:9.2f} {unit}  {base_name} {base*scale:9.2f} "
          f"{unit}  ratio {ratio:6.3f}" + (f"  (target {target})" if target else ""),
          flush=True)


def timed_cpu(cmd):
    """(wall seconds, CPU seconds of the child: user + system) of cmd,
    its output read through a pipe as the other jobs' is."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    if status:
        sys.stderr.write(f"bench: {cmd[0]} exited with status {status}\n")
    return dt, ru.ru_utime + ru.ru_stime


def interleaved(jobs, rounds):
    """Each job once per round, in turn, so a busy moment of the machine
    falls on all of them; {name: [(wall, cpu), ...]}."""
    res = {name: [] for name in jobs}
    for _ in range(rounds):
        for name, cmd in jobs.items():
            res[name].append(timed_cpu(cmd))
    return res


def paired_rows(job, res, ours, bases, target=None):
    """Ratios of each round's pair (ours, base), their median: the load of
    a shared machine cancels within a round.  Wall time and CPU time."""
    for base, base_name, tgt in bases:
        for k, what in ((0, ""), (1, " (CPU time)")):
            r = [a[k] / b[k] for a, b in zip(res[ours], res[base]) if b[k]]
            o = statistics.median(x[k] for x in res[ours])
            b = statistics.median(x[k] for x in res[base])
            rows.append((job + what, o, b, base_name, statistics.median(r) if r else
                         float("nan"), tgt if not k else None, "layoutdbg", False))
            print(f"{job + what:44s} layoutdbg {o*1e3:9.2f} ms  {base_name} {b*1e3:9.2f} ms"
                  f"  median paired ratio {rows[-1][4]:6.3f}" +
                  (f"  (target {tgt})" if tgt and not k else ""), flush=True)


def smaps_jobs():
    """info proc smaps of a 20,000-mapping process against cat of its
    smaps and pmap -X, interleaved; then the in-process snapshot jobs."""
    many = subprocess.Popen([os.path.join(B, "bench", "bench-manymaps"), "20000"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    pid = int(many.stdout.readline().split()[1])
    out = timed(ld_cmd("info proc smaps", "detach", pid=pid))[1]
    if " KB (200" not in out:
        sys.exit("bench: info proc smaps did not print the table's totals:\n" + out[-500:])
    jobs = {"ld": ld_cmd("info proc smaps", "detach", pid=pid),
            "cat": ["cat", f"/proc/{pid}/smaps"]}
    if shutil.which("pmap"):
        jobs["pmap"] = ["pmap", "-X", str(pid)]
    res = interleaved(jobs, args.smaps_reps)
    bases = [("cat", "cat smaps", "<= 1.5")]
    if "pmap" in jobs:
        bases.append(("pmap", "pmap -X", "< 1"))
    paired_rows("attach, info proc smaps, detach: 20k maps", res, "ld", bases)
    many.stdin.close()
    many.wait()


def batch_cmd(base, *ex, prog=None, pid=None):
    """base -ex E... [-p PID] [PROG...]: gdb and layoutdbg take the same."""
    c = list(base)
    for e in ex:
        c += ["-ex", e]
    if pid:
        c += ["-p", str(pid)]
    if prog:
        c += prog
    return c


def gdb_cmd(*ex, prog=None, **kw):
    # --args: without it gdb reads the program's arguments as its own
    # (`clang --version` would print gdb's version and time nothing)
    return batch_cmd([GDB, "-nx", "-q", "-batch"], *ex,
                     prog=["--args"] + prog if prog else None, **kw)


def ld_cmd(*ex, **kw):
    return batch_cmd([LD, "-batch", "-nx"], *ex, **kw)


def did_job(name, cmd):
    """A baseline that skipped the work would time nothing: each side
    must have stopped in main and printed the table."""
    out = timed(cmd)[1]
    if "[stack]" not in out or "main" not in out:
        sys.exit(f"bench: {name} did not stop at main and print the mappings:"
                 f" {' '.join(cmd)}\n{out[-500:]}")


def disasm_jobs():
    """disassemble of the 12,600-instruction function big() and x/1000i,
    against gdb in the same rounds.  Each tool's cost of the command is
    its run with the command less its run without (start, break main,
    run, which for gdb alone is ~0.25 s of symbol reading): the ratio of
    those differences, per round, median (target: a quarter of gdb's)."""
    prog = [os.path.join(B, "fixtures", "bigfunc")]
    start = ("break main", "run")
    cmds = {"disassemble big": "disassemble big", "x/1000i $pc": "x/1000i $pc"}
    for label, c in cmds.items():
        out = timed(ld_cmd(*start, c, prog=prog))[1]
        n = len([l for l in out.splitlines() if re.match(r"^(   |=> )0x", l)])
        if n < (10000 if "big" in c else 1000):
            sys.exit(f"bench: layoutdbg listed {n} instructions for {c}:\n{out[-500:]}")
        if not GDB:
            print(f"{label}: gdb not installed: no ratio")
            continue
        jobs = {"ld0": ld_cmd(*start, prog=prog), "ld1": ld_cmd(*start, c, prog=prog),
                "gdb0": gdb_cmd(*start, prog=prog), "gdb1": gdb_cmd(*start, c, prog=prog)}
        res = interleaved(jobs, args.disasm_rounds)
        for k, what in ((0, ""), (1, " (CPU time)")):
            ours = [r1[k] - r0[k] for r0, r1 in zip(res["ld0"], res["ld1"])]
            theirs = [r1[k] - r0[k] for r0, r1 in zip(res["gdb0"], res["gdb1"])]
            ratios = [o / t for o, t in zip(ours, theirs) if t > 0]
            job = f"{label}: the command's own time{what}"
            rows.append((job, statistics.median(ours), statistics.median(theirs), "gdb",
                         statistics.median(ratios) if ratios else float("nan"),
                         "<= 0.25" if k == 0 and "big" in c else None, "layoutdbg", False))
            print(f"{job:44s} layoutdbg {rows[-1][1]*1e3:9.2f} ms  gdb {rows[-1][2]*1e3:9.2f} ms"
                  f"  median paired ratio {rows[-1][4]:6.3f}", flush=True)


MAXRSS = os.path.join(B, "bench", "bench-maxrss")


def measured(cmd):
    """(seconds, peak RSS in KiB, stdout) of cmd, run by bench-maxrss:
    forked from Python, the child's ru_maxrss would be Python's peak."""
    p = subprocess.run([MAXRSS] + cmd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode(errors="replace")
    m = re.search(r"^bench-maxrss: (\d+) KiB (\S+) s$", err, re.M)
    if p.returncode or not m:
        sys.exit(f"bench: {' '.join(cmd)} exited {p.returncode}: {err[-300:]}")
    return float(m.group(2)), int(m.group(1)), p.stdout.decode(errors="replace")


HITS = os.path.join(B, "bench", "bench-hits")
ONE_CPU = ["taskset", "-c", "0"] if shutil.which("taskset") else None


def raw_hits(variant, pin=None):
    """Seconds of bench-raw's loop (step: int3, single-step, re-insert;
    emulate: the instruction under the int3 executed on the registers,
    one stop per hit), at marker's entry."""
    nm = subprocess.run(["nm", HITS], stdout=subprocess.PIPE, text=True).stdout
    marker = int(re.search(r"^([0-9a-f]+) T marker$", nm, re.M).group(1), 16)
    out = timed((pin or []) + [os.path.join(B, "bench", "bench-raw"), HITS,
                               str(args.hits), hex(marker), variant])[1]
    # the tracee's own output comes first: take the tracer's line
    line = [l for l in out.splitlines() if l.startswith("raw_hits")]
    if not line or int(line[0].split()[1]) != args.hits:
        sys.exit(f"bench: bench-raw {variant} did not count {args.hits} hits:\n{out[-300:]}")
    return float(line[0].split()[2])


def hits_jobs():
    """100,000 ignored hits: layoutdbg against the two raw tracers (both
    pinned on one CPU, as layoutdbg pins itself and the program for such
    a loop) and gdb, interleaved round by round; hits/s of each."""
    ex = ("break marker", f"ignore 1 {args.hits}", "run")
    reps = max(3, args.reps // 2)
    out = timed(ld_cmd(*ex, prog=[HITS, str(args.hits)]))[1]
    if f"{args.hits // 2}" not in out or "exited with code 0" not in out:
        sys.exit(f"bench: layoutdbg did not run through {args.hits} hits:\n{out[-300:]}")
    res = {"ld": [], "step": [], "emu": []}
    for _ in range(reps):
        res["ld"].append(timed(ld_cmd(*ex, prog=[HITS, str(args.hits)]))[0])
        res["step"].append(raw_hits("step", ONE_CPU))
        res["emu"].append(raw_hits("emulate", ONE_CPU))
    job = f"{args.hits} breakpoint hits (ignore)"
    for k, name, tgt in (("emu", "raw ptrace, emulating, one CPU (taskset)", "<= 2"),
                         ("step", "raw ptrace, single-step, one CPU (taskset)", None)):
        ratios = [a / b for a, b in zip(res["ld"], res[k])]
        rows.append((job, statistics.median(res["ld"]), statistics.median(res[k]), name,
                     statistics.median(ratios), tgt, "layoutdbg", False))
        print(f"{job:44s} layoutdbg {rows[-1][1]*1e3:9.2f} ms  {name} "
              f"{rows[-1][2]*1e3:9.2f} ms  median paired ratio {rows[-1][4]:6.3f}"
              + (f"  (target {tgt})" if tgt else ""), flush=True)
    print("hits/s: layoutdbg %.0f, raw emulating %.0f, raw single-step %.0f" %
          tuple(args.hits / statistics.median(res[k]) for k in ("ld", "emu", "step")),
          flush=True)
    if GDB:
        row(job, statistics.median(res["ld"]),
            med(gdb_cmd(*ex, prog=[HITS, str(args.hits)]), max(1, reps // 2)), "gdb",
            ">= 5x faster: ratio <= 0.2")


def unsupported(out, err):
    """layoutdbg's one-line error for a command or form it does not have."""
    m = re.search(r"^layoutdbg: .*(unknown|undefined|not supported|unsupported|"
                  r"no command|usage).*$", err + out, re.M | re.I)
    return m.group(0) if m else None


def own_time(label, start, cmds, prog, rounds, target):
    """Each tool's time of cmds: its run with them less its run without
    (start only), per round, the ratio of the two differences, median."""
    jobs = {"ld0": ld_cmd(*start, prog=prog), "ld1": ld_cmd(*start, *cmds, prog=prog),
            "gdb0": gdb_cmd(*start, prog=prog), "gdb1": gdb_cmd(*start, *cmds, prog=prog)}
    res = interleaved(jobs, rounds)
    ours = [r1[0] - r0[0] for r0, r1 in zip(res["ld0"], res["ld1"])]
    theirs = [r1[0] - r0[0] for r0, r1 in zip(res["gdb0"], res["gdb1"])]
    ratios = [o / t for o, t in zip(ours, theirs) if t > 0]
    rows.append((label, statistics.median(ours), statistics.median(theirs), "gdb",
                 statistics.median(ratios) if ratios else float("nan"), target,
                 "layoutdbg", False))
    print(f"{label:44s} layoutdbg {rows[-1][1]*1e3:9.2f} ms  gdb {rows[-1][2]*1e3:9.2f} ms"
          f"  median paired ratio {rows[-1][4]:6.3f}  (target {target})", flush=True)


def values_jobs():
    """Issue 16's two jobs against gdb, skipped (with the reason) while
    layoutdbg lacks conditions or info locals / bt full:
    100,000 hits of `break marker if i < 0` (never true: the program runs
    to its end), and info locals + bt full at the bottom of 50 frames."""
    prog = [HITS, str(args.hits)]
    ex = ("break marker if i < 0", "run")
    # conditions work when `if i == 1` stops once in 3 calls, and the
    # false one never: a breakpoint left pending on "marker if i < 0", or
    # one that ignores its condition, times nothing
    p = subprocess.run(ld_cmd("break marker if i == 1", "run", "continue",
                              prog=[HITS, "3"]),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    q = subprocess.run(ld_cmd(*ex, prog=[HITS, "3"]), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    why = unsupported(p.stdout + q.stdout, p.stderr + q.stderr)
    if not why and (len(re.findall(r"^Breakpoint 1, ", p.stdout, re.M)) != 1 or
                    "Breakpoint 1, " in q.stdout or "exited with code 0" not in q.stdout):
        why = (p.stdout.strip().splitlines() or ["no output"])[0]
    if why:
        print(f"{args.hits} hits of a false condition: skipped: layoutdbg has no "
              f"conditions yet ({why})")
    elif not GDB:
        print(f"{args.hits} hits of a false condition: skipped: gdb not installed")
    else:
        reps = max(1, args.reps // 2)
        row(f"{args.hits} hits of `break marker if i < 0` (false)",
            med(ld_cmd(*ex, prog=prog), reps), med(gdb_cmd(*ex, prog=prog), reps),
            "gdb", ">= 10x faster: ratio <= 0.1")
    deep = [os.path.join(B, "bench", "bench-deep"), "50"]
    start = ("break leaf", "run")
    cmds = ("info locals", "bt full")
    p = subprocess.run(ld_cmd(*start, *cmds, prog=deep), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    why = unsupported(p.stdout, p.stderr)
    if why or not re.search(r"^#51\s.* in main ", p.stdout, re.M):
        print("info locals + bt full, 50 frames: skipped: layoutdbg has no "
              f"info locals / bt full yet ({why or 'no 52-frame bt full'})")
    elif not GDB:
        print("info locals + bt full, 50 frames: skipped: gdb not installed")
    else:
        own_time("info locals + bt full: 52 frames (own time)", start, cmds, deep,
                 args.disasm_rounds, "<= 0.25")


BIG_DWARF = [("/usr/bin/python3.11d", "PyLong_FromLong", ["-c", "pass"])]


def bigdwarf_job():
    """Issue 15: from start to the first stop of `break FUNC` and `bt` in
    the biggest program with full DWARF here (python3.11-dbg: 10 MiB of
    .debug_info in the executable), time and peak RSS against gdb."""
    found = [b for b in BIG_DWARF if os.path.exists(b[0])]
    if not found:
        print("break + run + bt with full DWARF: skipped: python3.11-dbg not "
              "installed (apt-get install python3.11-dbg)")
        return
    path, func, argv = found[0]
    ex = (f"break {func}", "run", "bt")
    runs = {"ld": [], "gdb": []}
    for _ in range(args.reps):
        runs["ld"].append(measured(ld_cmd(*ex, prog=[path] + argv)))
        if GDB:
            runs["gdb"].append(measured(gdb_cmd("set debuginfod enabled off", *ex,
                                                prog=[path] + argv)))
    for who, rs in runs.items():
        for _, _, out in rs:
            if not re.search(r"^#\d+\s.* in main ", out, re.M):
                sys.exit(f"bench: {who} did not list frames down to main:\n{out[-500:]}")
    job = f"break {func} + run + bt: {os.path.basename(path)}"
    t = statistics.median(r[0] for r in runs["ld"])
    kib = max(r[1] for r in runs["ld"])
    if not GDB:
        print(f"{job}: {t*1e3:.1f} ms, peak RSS {kib} KiB (gdb not installed: no ratio)")
        return
    row(job, t, statistics.median(r[0] for r in runs["gdb"]), "gdb", "<= 0.25")
    row(job + ": peak RSS", kib, max(r[1] for r in runs["gdb"]), "gdb", "<= 0.5",
        kib=True)


def table_and_exit():
    print("\n| job | measured | baseline | ratio |\n|---|---|---|---|")
    for job, ours, base, name, ratio, target, who, kib in rows:
        unit = (lambda v: f"{v / 1024:.1f} MiB") if kib else (lambda v: f"{v*1e3:.2f} ms")
        print(f"| {job} | {who} {unit(ours)} | {name} {unit(base)} | {ratio:.3f} |")
    misses = [(j, w) for j, o, b, n, r, t, wh, k in rows if t and (w := missed(j, o, r, t, k))]
    for job, why in misses:
        print(f"bench: missed: {job}: {why}", file=sys.stderr)
    sys.exit(1 if args.check and misses else 0)


if args.only == "disasm":
    disasm_jobs()
    print("\n| job | measured | baseline | ratio |\n|---|---|---|---|")
    for job, ours, base, name, ratio, target, who, kib in rows:
        print(f"| {job} | {who} {ours*1e3:.2f} ms | {name} {base*1e3:.2f} ms | {ratio:.3f} |")
    sys.exit(1 if args.check and any(
        t and missed(j, o, r, t) for j, o, b, n, r, t, w, k in rows) else 0)

if args.only == "smaps":
    smaps_jobs()
    out = timed([os.path.join(B, "bench", "bench-core"), B, "pages"])[1]
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and not line.startswith("#"):
            row(f[0], float(f[1]) / 1e6, float(f[2]) / 1e6, "read(2) of /proc/PID/smaps",
                "<= 1.5" if "cpu" not in f[0] else None)
    sys.exit(0)


if args.only in ("hits", "values", "bigdwarf"):
    {"hits": hits_jobs, "values": values_jobs, "bigdwarf": bigdwarf_job}[args.only]()
    table_and_exit()


def start_job(job, prog):
    ex = ("break main", "run", "info proc mappings")
    did_job("layoutdbg", ld_cmd(*ex, prog=prog))
    ours = med(ld_cmd(*ex, prog=prog))
    if GDB:
        did_job("gdb", gdb_cmd(*ex, prog=prog))
        row(job, ours, med(gdb_cmd(*ex, prog=prog)), "gdb", "<= 0.25 on clang")
    else:
        print(f"{job}: {ours*1e3:.2f} ms (gdb not installed: no ratio)")


start_job("start, break main, run, maps: heap fixture",
          [os.path.join(B, "fixtures", "heap")])
clang = "/usr/lib/llvm-14/bin/clang"
if os.path.exists(clang):
    start_job("start, break main, run, maps: clang (libLLVM)", [clang, "--version"])

hits_jobs()
values_jobs()
bigdwarf_job()

many = subprocess.Popen([os.path.join(B, "bench", "bench-manymaps"), "20000"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
pid = int(many.stdout.readline().split()[1])
ours = med(ld_cmd("info proc mappings", "detach", pid=pid))
plain = med(["cat", f"/proc/{pid}/maps"])
row("attach, info proc mappings, detach: 20k maps", ours, plain, "cat maps")
if GDB:
    row("attach, info proc mappings, detach: 20k maps", ours,
        med(gdb_cmd("info proc mappings", "detach", pid=pid)), "gdb")
many.stdin.close()
many.wait()
# residency: `info proc smaps` against reading the file and pmap -X
smaps_jobs()
# the disassembler against gdb's
disasm_jobs()

def attach_job(nthreads, chains):
    """Attach to the factory fixture (nthreads alive, chains of short-lived
    threads created all the time), `info threads`, detach."""
    fac = subprocess.Popen([os.path.join(B, "fixtures", "factory"), str(nthreads),
                            str(chains)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    pid = int(fac.stdout.readline().split()[2])
    ex = ("info threads", "detach")
    job = f"attach, info threads, detach: {nthreads} threads, {chains} chains"
    # each side must have listed every thread, or it timed nothing
    for name, cmd in (("layoutdbg", ld_cmd(*ex, pid=pid)),
                      ("gdb", gdb_cmd(*ex, pid=pid) if GDB else None)):
        if cmd and len(re.findall(r"^[ *] +\d+ +(?:Thread|LWP)", timed(cmd)[1],
                                  re.M)) < nthreads:
            sys.exit(f"bench: {name} did not list {nthreads} threads: {' '.join(cmd)}")
    ours = med(ld_cmd(*ex, pid=pid))
    if GDB:
        row(job, ours, med(gdb_cmd(*ex, pid=pid)), "gdb")
    else:
        print(f"{job}: {ours*1e3:.2f} ms (gdb not installed: no ratio)")
    fac.stdin.write(b"end\n")
    fac.stdin.close()
    if fac.wait() != 0 or b" bad 0 " not in fac.stdout.read():
        sys.exit("bench: the factory did not finish correctly after the attaches")


attach_job(2000, 1)
attach_job(2000, 8)


writer = os.path.join(B, "bench", "bench-writer")
untraced = med([writer, str(args.writes)])
ours = med(ld_cmd("trace memory until exit", prog=[writer, str(args.writes)]))
row(f"trace memory: {args.writes} writes", ours, untraced, "untraced", "<= 1.2")
# The kernel's share: the same filter, no tracer at all.
filtered = med([os.path.join(B, "bench", "bench-filter-only"), writer, str(args.writes)])
row(f"trace memory: {args.writes} writes", filtered, untraced, "untraced",
    who="the seccomp filter alone (no tracer)")
row(f"trace memory: {args.writes} writes", ours, filtered,
    "the same seccomp filter alone, no tracer")
if shutil.which("strace"):
    # strace stops twice per write: one run is plenty for the comparison
    row(f"trace memory: {args.writes} writes", ours,
        med(["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=memory", writer,
             str(args.writes)], reps=1), "strace -e trace=memory (PTRACE_SYSCALL)")

def deep_bt(cmd, reps):
    """Median time and largest peak RSS of `bt` at the bottom of the deep
    fixture; each run must have listed every frame down to main."""
    runs = [measured(cmd) for _ in range(reps)]
    for _, _, out in runs:
        if not re.search(r"^#%d\s.* in main " % (args.depth + 1), out, re.M):
            sys.exit(f"bench: {cmd[0]} did not list {args.depth + 2} frames down "
                     f"to main:\n{out[-500:]}")
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


deep_prog = [os.path.join(B, "fixtures", "deep"), str(args.depth)]
ex = ("break marker", "run", "bt")
ours_t, ours_kib = deep_bt(ld_cmd(*ex, prog=deep_prog), args.reps)
job = f"bt of {args.depth} frames"
if GDB:
    # gdb takes seconds per run here: fewer runs
    gdb_t, gdb_kib = deep_bt(gdb_cmd("set debuginfod enabled off", *ex, prog=deep_prog),
                             1 if args.quick else max(1, args.reps // 2))
    row(job, ours_t, gdb_t, "gdb")
    row(job + ": peak RSS", ours_kib, gdb_kib, "gdb", kib=True)
else:
    print(f"{job}: {ours_t*1e3:.2f} ms, peak RSS {ours_kib} KiB (gdb not installed: "
          "no ratio)")

out = timed([os.path.join(B, "bench", "bench-core"), B])[1]
for line in out.splitlines():
    if line.startswith("# 1000 snapshots"):
        print(line[2:])
    f = line.split()
    if len(f) == 3 and not line.startswith("#"):
        base = {"unwind": "process_vm_readv of the stack",
                "unwindlib": "libunwind-ptrace (same accessors)",
                "memread": "PTRACE_PEEKDATA loop",
                "maps": "read(2) of /proc/PID/maps",
                "snapshot": "read(2) of /proc/PID/maps",
                "smapsread": "read(2) of /proc/PID/smaps",
                "snapshotpages": "read(2) of /proc/PID/smaps",
                "smapsreadcpu": "read(2) of /proc/PID/smaps (CPU time)",
                "snapshotpagescpu": "read(2) of /proc/PID/smaps (CPU time)"}[f[0].split("_")[0]]
        row(f[0], float(f[1]) / 1e6, float(f[2]) / 1e6, base)

out = timed([os.path.join(B, "bench", "bench-heap")])[1]
for line in out.splitlines():
    f = line.split()
    if line.startswith("#"):
        print(line[2:])
    elif len(f) == 3:
        row(f[0], float(f[1]) / 1e9, float(f[2]) / 1e9,
            "one process_vm_readv of [heap]",
            {"heapwalk_1M": "<= 3", "heapdiff_1M": "< 100 ms"}.get(f[0]))


def fmt(sec, kib=False):
    if kib:
        return f"{sec / 1024:.1f} MiB"
    if sec >= 1:
        return f"{sec:.2f} s"
    if sec >= 1e-3:
        return f"{sec*1e3:.1f} ms"
    return f"{sec*1e6:.1f} us"


print("\n| job | measured | baseline | ratio |\n|---|---|---|---|")
for job, ours, base, name, ratio, target, who, kib in rows:
    print(f"| {job} | {who} {fmt(ours, kib)} | {name} {fmt(base, kib)} | {ratio:.3f} |")

if args.check:
    misses = [(job, why) for job, ours, base, name, ratio, target, who, kib in rows
              if target and (why := missed(job, ours, ratio, target, kib))]
    for job, why in misses:
        print(f"bench: missed: {job}: {why}", file=sys.stderr)
    print(f"bench --check: {len([r for r in rows if r[5]]) - len(misses)} targets met, "
          f"{len(misses)} missed")
    sys.exit(1 if misses else 0)
