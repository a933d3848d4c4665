#!/usr/bin/env python3
"""Deep stacks: no cap on frames.  A recursion 100,000 frames deep (the
`deep` fixture, at -O0 and at -O2) is listed whole by `bt`, numbered
#0..#N with main outermost; `bt N`, `bt -N`, `frame N`, `up`, `down` work
at any depth; every frame's pc and name equal gdb's (a 2,000-frame stack:
gdb is slow on deeper ones); snapshots keep a window of a deep stack, say
so, and their diff counts popped and pushed frames from the outermost frame
(`finish` at depth 500 and 100,000 pops exactly one) without ever calling a
frame outside the window a change."""
import json
import os
import re
import shutil
import subprocess
import sys

import ldtest
from ldtest import check, search

DEEP = ldtest.fixture("deep")
DEEP_O2 = ldtest.fixture("deep-O2")
FRAME = re.compile(r"^#(\d+)\s+(0x[0-9a-f]+) in (\S+) \(", re.M)
t = ldtest.Tap(12)


def plain_result(prog, depth):
    """What the program prints without layoutdbg: the oracle for its
    result under it."""
    p = subprocess.run([prog, str(depth)], stdout=subprocess.PIPE, timeout=30)
    return p.stdout.decode()


def frames(text):
    """[(level, pc, function)] of every frame line."""
    return [(int(n), int(pc, 16), f) for n, pc, f in FRAME.findall(text)]


def bt_all(prog, depth):
    cmds = ["break marker", "run", "bt", "continue"]
    rc, out, err = ldtest.run_batch([prog, str(depth)], cmds, timeout=60)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err[-500:]), out)
    fr = frames(out)
    levels = [f[0] for f in fr]
    check(levels == list(range(len(fr))), "frames not numbered #0..#%d in order"
          % (len(fr) - 1), out)
    names = [f[2] for f in fr]
    mi = names.index("main") if "main" in names else -1
    check(names[0] == "marker", "frame #0 is %r, want marker" % names[0], out)
    check(mi == depth + 1, "main at #%d, want #%d" % (mi, depth + 1), out)
    check(names[1:mi] == ["deep"] * depth,
          "frames #1..#%d are not all deep()" % depth, out)
    check(mi == len(names) - 1,
          "frames past main (gdb's past-main off): %r" % names[mi:], out)
    search(r"^" + re.escape(plain_result(prog, depth).strip()) + "$", out,
           "the program's own result, as without layoutdbg")


t.case("bt of 100,000 frames (-O0): all listed, #0..#100001, marker .. main "
       "(the last, as gdb's), the program's result unchanged", bt_all, DEEP, 100000)
t.case("bt of 100,000 frames at -O2 (call frame information only)",
       bt_all, DEEP_O2, 100000)


def gdb_frames(prog, depth):
    """gdb's frames (up to main, as its bt): level, pc, name of each."""
    return ldtest.gdb_frame_walk([prog, str(depth)], ["break marker", "run"])


def same_as_gdb():
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    for prog in (DEEP, DEEP_O2):
        g = gdb_frames(prog, 2000)
        rc, out, err = ldtest.run_batch([prog, "2000"], ["break marker", "run", "bt"])
        check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
        ours = frames(out)
        diffs = [(a, b) for a, b in zip(g, ours) if a != b]
        check(len(g) == 2002 and ours == g,
              "%s: gdb %d frames, ours %d; first differences (gdb, ours): %r"
              % (os.path.basename(prog), len(g), len(frames(out)), diffs[:4]))


t.case("2,000 frames at -O0 and -O2: level, pc and name of every frame "
       "equal gdb's", same_as_gdb)


def past_main():
    """set backtrace past-main on: the frames below main, equal gdb's with
    the same setting; off again: the stack ends at main; show says which."""
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    g = ldtest.gdb_frame_walk([DEEP, "3"], ["set backtrace past-main on",
                                           "break marker", "run"])
    rc, out, err = ldtest.run_batch([DEEP, "3"], [
        "show backtrace past-main", "set backtrace past-main on", "break marker", "run",
        "bt", "show backtrace past-main", "set backtrace past-main off", "bt -1",
        "up 100", "up", "set backtrace past-mane on"],
        env_over={"LAYOUTDBG_DEBUG_NAMES": None})   # libc's names as gdb's
    check(rc == 1 and err.strip().splitlines() == [
        "layoutdbg: up: initial frame selected; you cannot go up",
        'layoutdbg: set backtrace: no setting "past-mane" (there is past-main)'],
        "rc %d, stderr %r" % (rc, err), out)
    fr = frames(out)
    check(len(g) > 6 and fr[:len(g)] == g and g[-1][2] == "_start",
          "past-main on: gdb %r\nours %r" % (g, fr[:len(g)]), out)
    check([f[2] for f in fr[len(g):]] == ["main", "main"] and fr[len(g)][0] == 4,
          "past-main off: bt -1 and up 100 end at main (#4): %r" % fr[len(g):], out)
    search(r'^Whether backtraces should continue past "main" is off\.\n'
           r'(.|\n)*^Whether backtraces should continue past "main" is on\.$', out,
           "show backtrace past-main, as gdb words it")


t.case("set backtrace past-main on: frames below main equal gdb's; off: bt and "
       "up end at main", past_main)

DEPTH = 100000
TOTAL = DEPTH + 2     # marker, the deep frames, main (the stack ends there)
res = {}


def limited_forms():
    rc, out, err = ldtest.run_batch([DEEP, str(DEPTH)], [
        "break marker", "run", "bt 5", "bt -5", "frame 99000", "up 2", "down 99002",
        "up 99999", "frame %d" % TOTAL], timeout=60)
    check(rc == 1, "rc %d: the last command (a frame too deep) must fail" % rc, out)
    got = [(n, f) for n, _, f in frames(out)]
    want = ([(0, "marker")] + [(i, "deep") for i in range(1, 5)] +
            [(i, "main" if i == DEPTH + 1 else "deep" if i <= DEPTH else None)
             for i in range(TOTAL - 5, TOTAL)] +
            [(99000, "deep"), (99002, "deep"), (0, "marker"), (99999, "deep")])
    check([n for n, _ in got] == [n for n, _ in want] and
          all(f == w for (_, f), (_, w) in zip(got, want) if w),
          "bt 5, bt -5, frame 99000, up 2, down 99002, up 99999: %r" % got, out)
    lines = out.splitlines()
    more = [i for i, l in enumerate(lines) if l == "(More stack frames follow...)"]
    fifth = [i for i, l in enumerate(lines) if l.startswith("#4 ")]
    check(len(more) == 1 and fifth and more[0] == fifth[0] + 1,
          "(More stack frames follow...) once, right after bt 5 (not after bt -5)", out)
    check(got[9][1] == "main", "bt -5 ends with main", out)
    search(r"layoutdbg: frame %d: no frame at level %d \(the stack has %d frames\)"
           % (TOTAL, TOTAL, TOTAL), err, "frame past the outermost")


t.case("bt 5 (then 'More stack frames follow'), bt -5, frame 99000, up, down "
       "at 100,000 frames", limited_forms)


def snap_finish(depth):
    rc, out, err = ldtest.run_batch([DEEP, str(depth)], [
        "break marker", "run", "snapshot", "finish", "snapshot", "diff"], timeout=60)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    m = search(r"^thread 1 \(LWP \d+\): (.*)$", out, "the frames line of the diff")
    check(m.group(1) == "1 frame popped, 0 pushed",
          "finish at depth %d: %r, want exactly 1 popped, 0 pushed" % (depth, m.group(1)),
          out)
    popped = re.findall(r"^  - (#\d+ .*)$", out, re.M)
    check(len(popped) == 1 and re.match(r"#0\s+0x[0-9a-f]+ in marker ", popped[0]),
          "the popped frame listed: %r" % popped, out)


t.case("snapshot, finish at depth 500, snapshot, diff: exactly 1 popped, 0 pushed",
       snap_finish, 500)
t.case("the same at depth 100,000 (snapshots keep a window): 1 popped, 0 pushed",
       snap_finish, DEPTH)


def same_stop():
    rc, out, err = ldtest.run_batch([DEEP, str(DEPTH)], [
        "break marker", "run", "snapshot", "snapshot", "diff", "show %1"], timeout=60)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    diff = out.split("diff %1 -> %2", 1)[-1].split("Snapshot %1", 1)[0]
    check("thread 1" not in diff, "a frame change at the same stop", diff)
    search(r"^Thread 1 \(LWP \d+\): %d frames, 512 kept: the 256 innermost and the "
           r"256 outermost$" % TOTAL, out, "show says what it kept")
    search(r"^\.\.\. %d frames not kept \(#256 to #%d\) \.\.\.$"
           % (TOTAL - 512, TOTAL - 257), out, "show marks the frames not kept")
    shown = [f[0] for f in frames(out.split("Snapshot %1", 1)[1])]
    check(shown == list(range(256)) + list(range(TOTAL - 256, TOTAL)),
          "show: levels of the kept frames", out)


t.case("two snapshots at one stop 100,000 deep: no frame change; show names the "
       "window", same_stop)


def json_window():
    rc, out, err = ldtest.run_batch([DEEP, str(DEPTH)], [
        "break marker", "run", "snapshot", "finish", "snapshot", "diff", "show %1",
        "bt -3"], opts=["--json"], timeout=60)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    docs = {}
    for line in out.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            docs.setdefault(d.get("command"), d)
    th = docs["show"]["snapshot"]["threads"][0]
    check(th["depth"] == TOTAL and th["window"] == {"innermost": 256, "outermost": 256}
          and len(th["frames"]) == 512, "snapshot thread: depth %r window %r, %d frames"
          % (th.get("depth"), th.get("window"), len(th.get("frames", []))))
    check(th["frames"][256]["function"] == "deep" and th["frames"][-1]["function"] == "main",
          "the outermost frames follow the innermost")
    d = docs["diff"]["diff"]["threads"][0]
    check((d["popped"], d["pushed"], d["uncertain"], d["common"]) == (1, 0, 0, TOTAL - 1),
          "diff thread %r" % {k: v for k, v in d.items() if "frames" not in k})
    check([f["level"] for f in d["popped_frames"]] == [0], "popped_frames levels")
    b = docs["backtrace"]
    # after the finish: one frame less
    check(b["depth"] == TOTAL - 1 and b["from"] == TOTAL - 4 and not b["more"] and
          [f["function"] for f in b["frames"]][-1] == "main",
          "bt -3: depth %r from %r more %r" % (b.get("depth"), b.get("from"), b.get("more")))


t.case("--json: snapshot depth and window, diff popped/pushed/uncertain and levels, "
       "bt depth and from", json_window)


def beyond_window():
    """`frame 299` then finish pops 300 frames: more than the inner window
    (256) holds, so which of the frames outside both windows survived is
    not known.  The diff says so and never claims an exact count; 101 pops
    (inside the window) are counted exactly."""
    rc, out, err = ldtest.run_batch([DEEP, "5000"], [
        "break marker", "run", "snapshot", "frame 100", "finish", "snapshot", "diff",
        "frame 299", "finish", "snapshot", "diff"], timeout=60)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    lines = re.findall(r"^thread 1 \(LWP \d+\): (.*)$", out, re.M)
    check(len(lines) == 2, "two frame lines %r" % lines, out)
    check(lines[0] == "101 frames popped, 0 pushed", "frame 100, finish: %r" % lines[0],
          out)
    m = re.match(r"(\d+) to (\d+) frames popped, (\d+) to (\d+) pushed \((\d+) frames "
                 r"outside the kept windows not compared\)$", lines[1])
    check(m, "frame 299, finish: %r must give a range" % lines[1], out)
    lo, hi, plo, phi, u = map(int, m.groups())
    check(lo <= 300 <= hi and plo == 0 and phi == u and hi - lo == u,
          "the range %d..%d must hold the true 300 popped" % (lo, hi), out)


t.case("a finish popping more frames than the window holds: an honest range, "
       "exact inside the window", beyond_window)


def save_load():
    import tempfile
    d = tempfile.mkdtemp(prefix="ldtest-deep-")
    a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
    rc, out, err = ldtest.run_batch([DEEP, str(DEPTH)], [
        "break marker", "run", "snapshot", "finish", "snapshot",
        "save %1 " + a, "save %2 " + b], timeout=60)
    check(rc == 0, "rc %d, stderr %r" % (rc, err), out)
    rc, out, err = ldtest.run_batch([], ["load " + a, "load " + b, "diff", "show %1"])
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    search(r"^thread 1 \(LWP \d+\): 1 frame popped, 0 pushed$", out, "diff of loaded")
    search(r"^Thread 1 \(LWP \d+\): %d frames, 512 kept" % TOTAL, out, "show of loaded")


t.case("save and load keep the depth and the window (diff of loaded snapshots: "
       "1 popped)", save_load)


def memory_bounded():
    """The frames cost 40 bytes each, symbolized one at a time: bt of
    100,000 frames stays within a few MB of bt of a shallow stack.  GNU
    time measures: a child of Python would inherit Python's peak (the
    kernel keeps the peak of the image before exec)."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    if not os.path.exists(gnu_time):
        raise ldtest.Skip("GNU time is not installed")
    with open(ldtest.LAYOUTDBG, "rb") as f:
        if b"__asan_init" in f.read():
            raise ldtest.Skip("sanitizer build: its allocator's quarantine is not "
                              "layoutdbg's memory")

    def peak(depth):
        argv = ldtest.layoutdbg_cmd([DEEP, str(depth)], ["break marker", "run", "bt"])
        p = subprocess.run([gnu_time, "-f", "maxrss %M"] + argv, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=ldtest.env(), timeout=60)
        err = p.stderr.decode()
        check(p.returncode == 0, "rc %d at depth %d: %s" % (p.returncode, depth, err))
        return int(search(r"^maxrss (\d+)$", err, "GNU time's report").group(1))
    shallow, deep = peak(10), peak(DEPTH)
    print("# peak RSS: %d KiB at 10 frames, %d KiB at 100,000" % (shallow, deep))
    check(deep - shallow < 16 * 1024, "peak RSS %d KiB at 100,000 frames, %d KiB at "
          "10: more than 16 MiB apart" % (deep, shallow))


t.case("memory stays bounded: peak RSS of bt at 100,000 frames", memory_bounded)
sys.exit(t.done())
