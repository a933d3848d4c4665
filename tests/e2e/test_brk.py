#!/usr/bin/env python3
"""The program break under layoutdbg's own seccomp filter (`trace memory`):
`info brk`, snapshots and diffs give the kernel's break, the one the
program prints of sbrk(0), never an error code; [heap] in /proc/PID/maps
ends at it.  And `info brk` on a static-pie program, whose heap the kernel
puts below the program's .bss: start_brk and the end of .bss against
/proc/PID/stat and readelf, related in words, not as an unsigned wrap."""
import json
import os
import re
import subprocess
import sys

import ldtest
from ldtest import check, search

t = ldtest.Tap(5)
PIE = ldtest.fixture("brkshow")
STATIC_PIE = ldtest.fixture("brkshow-static-pie")
PAGE = os.sysconf("SC_PAGE_SIZE")
HEX = r"(0x[0-9a-f]+)"


def page_up(v):
    return (v + PAGE - 1) // PAGE * PAGE


def stat_start_brk(pid):
    """Field 47 of /proc/PID/stat (proc(5)), counted after the last ')'."""
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[47 - 3])


def heap_end(pid):
    """End of the [heap] mapping, or None."""
    for line in ldtest.read_maps(pid):
        if line.endswith("[heap]"):
            return int(line.split()[0].split("-")[1], 16)
    return None


def seccomp_mode(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^Seccomp:\s+(\d+)", f.read(), re.M)
    return int(m.group(1)) if m else None


def is_errno(v):
    return v >= 2**64 - 4095


def info_brk(s):
    """Send `info brk`; (start_brk, brk, the rest of its output)."""
    s.send("info brk")
    m = s.out.expect(r"^start_brk\s+%s\nbrk\s+%s.*\nheap size .*\n(end of \.bss .*)\n"
                     % (HEX, HEX))
    return int(m.group(1), 16), int(m.group(2), 16), m.group(3)


def stop_and_check(s, n, snaps):
    """At stop n: the fixture's sbrk(0) equals `info brk`, the snapshot's
    break and (page-aligned) the end of [heap]; start_brk equals the
    kernel's.  Returns the break."""
    m = s.out.expect(r"^brk %d %s pid (\d+)$" % (n, HEX))
    truth, pid = int(m.group(1), 16), int(m.group(2))
    s.out.expect(ldtest.stop_rx(1, "at_brk"))
    check(seccomp_mode(pid) == 2, "the fixture runs without a seccomp filter "
          "(Seccomp: %r): the case tests nothing" % seccomp_mode(pid))
    start, cur, _ = info_brk(s)
    check(cur == truth, "stop %d: info brk says 0x%x, the program's sbrk(0) is 0x%x"
          % (n, cur, truth), s.out.text)
    check(start == stat_start_brk(pid), "stop %d: start_brk 0x%x, /proc says 0x%x"
          % (n, start, stat_start_brk(pid)))
    he = heap_end(pid)
    if cur > start:
        check(he == page_up(cur), "stop %d: [heap] ends at %s, brk is 0x%x"
              % (n, he and hex(he), cur), "\n".join(ldtest.read_maps(pid)))
    else:
        check(he is None, "stop %d: no heap yet but [heap] ends at 0x%x" % (n, he or 0))
    s.send("snapshot")
    m = s.out.expect(r"^Snapshot %(\d+): .* brk (\S+) ")
    check(m.group(2) == "0x%x" % truth, "stop %d: snapshot %%%s holds brk %s, the "
          "program's is 0x%x" % (n, m.group(1), m.group(2), truth), s.out.text)
    snaps.append(m.group(1))
    return truth


def under_filter(prog):
    """Stops 0, 1, 2 under `trace memory` (the seccomp filter), with a
    snapshot at each; the diffs give the printed breaks."""
    if not os.path.exists(prog):
        raise ldtest.Skip("no static libc here: the -static-pie fixture was not built")
    with ldtest.PipeSession([prog]) as s:
        snaps, breaks = [], []
        s.send("break at_brk")
        s.send("trace memory until 1")
        for n in range(3):
            if n:
                s.send("continue")
            breaks.append(stop_and_check(s, n, snaps))
        for a, b, ba, bb in ((snaps[0], snaps[1], breaks[0], breaks[1]),
                             (snaps[1], snaps[2], breaks[1], breaks[2])):
            s.send("diff %%%s %%%s" % (a, b))
            if ba == bb:
                s.out.expect(r"^program break: unchanged at 0x%x$" % bb)
            else:
                s.out.expect(r"^program break: 0x%x -> 0x%x \(\+0x%x " % (ba, bb, bb - ba))
        s.send("snapshots")
        s.send("kill")
        rc = s.finish()
        check(rc == 0, "exit status %d, stderr %r" % (rc, s.err.text), s.out.text)
        check(s.err.text == "", "stderr: %r" % s.err.text)
        for v in re.findall(r"0x[0-9a-f]{16}", s.out.text):
            check(not is_errno(int(v, 16)), "an error code as an address: %s" % v,
                  s.out.text)
        check(breaks[2] > breaks[1], "the second calloc did not grow the heap: %r"
              % breaks)


t.case("trace memory (seccomp filter): info brk, snapshots and diffs give the "
       "program's sbrk(0) and the end of [heap] at 3 stops", under_filter, PIE)


def unknown_is_said():
    # At a filtered system call (inside brk itself) with the break not
    # watched, nothing can be injected: `info brk` says why, and a
    # snapshot records the break as unknown, never a number.
    _, out, err = ldtest.run_batch([PIE], ["catch syscall write", "run", "continue",
                                           "continue", "info brk", "snapshot",
                                           "show %1"])
    check(len(re.findall(r"^Catchpoint 1 \(call to syscall write\)", out, re.M)) == 2,
          "not stopped at the second write (after the heap grew)", out)
    search(r"^layoutdbg: info brk: ", err, "info brk's error")
    search(r"^Snapshot %1: .* brk unknown \(.*\) ", out, "the snapshot line")
    search(r"^Program break: unknown", out, "show %1")


t.case("inside a filtered call with brk not watched: the break is 'unknown', "
       "said, never a stale or error value", unknown_is_said)


def readelf_data_end(prog):
    """(bias-free end of the last PT_LOAD, end of .bss) from readelf."""
    if not ldtest.readelf_available():
        raise ldtest.Skip("readelf is not installed")
    segs = subprocess.run(["readelf", "-lW", prog], stdout=subprocess.PIPE,
                          text=True, check=True).stdout
    end = max(int(m.group(1), 16) + int(m.group(2), 16) for m in re.finditer(
        r"^\s+LOAD\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+"
        r"(0x[0-9a-f]+)", segs, re.M))
    secs = subprocess.run(["readelf", "-SW", prog], stdout=subprocess.PIPE,
                          text=True, check=True).stdout
    m = search(r"\s\.bss\s+NOBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", secs, ".bss")
    return end, int(m.group(1), 16) + int(m.group(2), 16)


def static_pie():
    if not os.path.exists(STATIC_PIE):
        raise ldtest.Skip("no static libc here: the -static-pie fixture was not built")
    seg_end, bss_end = readelf_data_end(STATIC_PIE)
    with ldtest.PipeSession([STATIC_PIE]) as s:
        s.send("break at_brk")
        s.send("run")
        m = s.out.expect(r"^brk 0 %s pid (\d+)$" % HEX)
        truth, pid = int(m.group(1), 16), int(m.group(2))
        s.out.expect(ldtest.stop_rx(1, "at_brk"))
        start, cur, rel = info_brk(s)
        kernel_start = stat_start_brk(pid)
        bias = min(int(l.split("-")[0], 16) for l in ldtest.read_maps(pid)
                   if l.endswith(" " + STATIC_PIE))
        s.send("kill")
        s.finish()
    check(start == kernel_start, "start_brk 0x%x, /proc/%d/stat 0x%x"
          % (start, pid, kernel_start), s.out.text)
    check(cur == truth, "brk 0x%x, the program's sbrk(0) 0x%x" % (cur, truth), s.out.text)
    m = search(r"^end of \.bss\s+%s  \((.*)\)$" % HEX, rel, "the .bss line")
    shown, words = int(m.group(1), 16), m.group(2)
    check(shown == bias + seg_end, "end of .bss 0x%x, readelf: 0x%x + 0x%x"
          % (shown, bias, seg_end), s.out.text)
    check(bias + bss_end <= shown < bias + bss_end + PAGE,
          ".bss ends at 0x%x, shown 0x%x" % (bias + bss_end, shown))
    check("EiB" not in words, "an unsigned gap: %r" % words, s.out.text)
    if start < shown:
        search(r"^start_brk is 0x%x \([\d.]+ [KMGTP]?i?B\) below it: static-pie, so "
               r"the kernel put the heap at ELF_ET_DYN_BASE, apart from the program$"
               % (shown - start), words, "the relation")
    else:       # older kernels without randomization keep brk after .bss
        search(r"^gap to start_brk: 0x%x, " % (start - shown), words, "the gap")


def static_pie_json():
    if not os.path.exists(STATIC_PIE):
        raise ldtest.Skip("no static libc here: the -static-pie fixture was not built")
    _, out, _ = ldtest.run_batch([STATIC_PIE], ["break at_brk", "run", "info brk"],
                                 opts=["--json"])
    d = json.loads(out.strip().splitlines()[-1])
    check(d.get("command") == "info brk", "last document: %r" % d)
    check(d["start_brk_after_bss"] == (d["start_brk"] >= d["bss_end"]),
          "start_brk_after_bss disagrees: %r" % d)


t.case("static-pie: info brk relates start_brk to the end of .bss (readelf) in "
       "words, never an unsigned 16 EiB gap", static_pie)
t.case("static-pie: info brk --json says whether start_brk is after .bss",
       static_pie_json)
t.case("static-pie under trace memory: the break equals the program's sbrk(0)",
       under_filter, STATIC_PIE)

sys.exit(t.done())
