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
ap.add_argument("--only", choices=["smaps", "disasm"],
                help="run one group of jobs (smaps: info proc smaps and the "
                     "snapshot with pages of 20,000 mappings; disasm: "
                     "disassemble and x/1000i against gdb)")
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

hits = os.path.join(B, "bench", "bench-hits")
nm = subprocess.run(["nm", hits], stdout=subprocess.PIPE, text=True).stdout
marker = int(re.search(r"^([0-9a-f]+) T marker$", nm, re.M).group(1), 16)
ex = ("break marker", f"ignore 1 {args.hits}", "run")
reps = max(1, args.reps // 2)
ours = med(ld_cmd(*ex, prog=[hits, str(args.hits)]), reps)
ONE_CPU = ["taskset", "-c", "0"] if shutil.which("taskset") else None


def raw_hits(pin=None):
    out = timed((pin or []) + [os.path.join(B, "bench", "bench-raw"), hits,
                               str(args.hits), hex(marker)])[1]
    # the tracee's own output comes first: take the tracer's line
    line = [l for l in out.splitlines() if l.startswith("raw_hits")][0]
    return float(line.split()[2])


raw = statistics.median(raw_hits() for _ in range(reps))
row(f"{args.hits} breakpoint hits (ignore)", ours, raw, "raw ptrace")
if ONE_CPU:
    # layoutdbg pins itself and the program for such a loop (set
    # cpu-pinning): the raw tracer given the same advantage
    row(f"{args.hits} breakpoint hits (ignore)", ours,
        statistics.median(raw_hits(ONE_CPU) for _ in range(reps)),
        "raw ptrace, both on one CPU (taskset)")
if GDB:
    row(f"{args.hits} breakpoint hits (ignore)", ours,
        med(gdb_cmd(*ex, prog=[hits, str(args.hits)]), reps), "gdb",
        ">= 5x faster: ratio <= 0.2")
    if ONE_CPU:
        row(f"{args.hits} breakpoint hits (ignore)", ours,
            med(ONE_CPU + gdb_cmd(*ex, prog=[hits, str(args.hits)]), reps),
            "gdb, both on one CPU (taskset)")

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
