#!/usr/bin/env python3
"""--json: every command of the man page's JSON OUTPUT list prints exactly
one line (and each stop one {"event": "stop"} line before it), one document
that jq and python accept, with the documented
fields (unsigned 64-bit values as X and X_hex); errors are {"error": ...}.
Snapshots survive save/load byte for byte (but for id and name), compare
with live ones, and malformed or foreign files are refused in one line."""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(21)
HEAP = ldtest.fixture("heap")
# calloc as its symbol names it; __libc_calloc as DWARF (libc6-dbg) does
CALLOC = ("calloc", "__libc_calloc")
# what the heap fixture itself writes to the shared stdout
FIXTURE_LINES = {"Before calloc", "After calloc", "After free"}
TMP = tempfile.mkdtemp(prefix="ldtest-json-")

CMDS = [  # (command, the "command" field it must carry; None: an error document)
    ("break calloc", "break"), ("run", "run"),
    ("info proc mappings", "info proc mappings"), ("vmmap", "vmmap"),
    ("info sections", "info sections"), ("info segments", "info segments"),
    ("backtrace", "backtrace"), ("frame", "frame"), ("info frame", "info frame"),
    ("info registers", "info registers"), ("info threads", "info threads"),
    ("info breakpoints", "info breakpoints"), ("info brk", "info brk"),
    ("info aslr", "info aslr"), ("info sharedlibrary", "info sharedlibrary"),
    ("xinfo calloc", "xinfo"), ("info symbol calloc", "info symbol"),
    ("x/4xg $sp", "x"), ("layout", "layout"), ("snapshot", "snapshot"),
    ("show %1", "show"), ("snapshots", "snapshots"), ("frame 1", "frame"),
    ("frame 0", "frame"), ("finish", "finish"),
    ("snapshot", "snapshot"), ("diff", "diff"), ("xinfo $rax", "xinfo"),
    ("timeline", "timeline"), ("nosuchcommand", None), ("x/4xg 0", None),
    ("stepi", "stepi"), ("info line heap.c:12", "info line"),
    ("info line *0", "info line"), ("continue", "continue"),
]

_run = {}


def command_lines(out):
    """The commands' documents: not the program's output, not the stop
    documents printed before them."""
    return [l for l in out.splitlines() if l and l not in FIXTURE_LINES and
            not l.startswith('{"event":"stop"')]


def json_run():
    if "docs" not in _run:
        rc, out, err = ldtest.run_batch([HEAP], [c for c, _ in CMDS], opts=["--json"])
        lines = [l for l in out.splitlines() if l not in FIXTURE_LINES and l != ""]
        _run.update(rc=rc, out=out, err=err, lines=lines)
        docs = []
        for l in lines:
            try:
                docs.append(json.loads(l))
            except ValueError as e:
                raise AssertionError("not one JSON document: %r (%s)" % (l[:200], e))
        # a stop prints its own {"event": "stop"} document before the
        # command's (test_stop_json.py checks them)
        _run["events"] = [d for d in docs if d.get("event") == "stop"]
        _run["docs"] = [d for d in docs if d.get("event") != "stop"]
    return _run


def by_cmd():
    r = json_run()
    check(len(r["docs"]) == len(CMDS), "%d documents for %d commands"
          % (len(r["docs"]), len(CMDS)), r["out"])
    return {i: (CMDS[i][0], d) for i, d in enumerate(r["docs"])}


def has(d, keys, where):
    missing = [k for k in keys if k not in d]
    check(not missing, "%s lacks %r: %s" % (where, missing, json.dumps(d)[:600]))


def u64(d, keys, where):
    """Documented unsigned 64-bit values: X (int or null) and X_hex."""
    for k in keys:
        has(d, [k, k + "_hex"], where)
        h = d[k + "_hex"]
        check(isinstance(h, str) and re.match(r"^0x[0-9a-f]+$", h), "%s.%s_hex = %r"
              % (where, k, h))
        v = d[k]
        check(v is None or (isinstance(v, int) and not isinstance(v, bool)),
              "%s.%s = %r" % (where, k, v))
        if v is None:
            check(int(h, 16) >= 1 << 63, "%s.%s is null though %s fits" % (where, k, h))
        else:
            check(v == int(h, 16), "%s.%s = %r but %s_hex = %s" % (where, k, v, k, h))


def mapping(m, where):
    has(m, ["start", "end", "size", "perms", "offset", "dev", "inode", "path", "deleted"], where)
    u64(m, ["start", "end", "size", "offset"], where)
    check(int(m["size_hex"], 16) == int(m["end_hex"], 16) - int(m["start_hex"], 16),
          "%s: size != end - start" % where)


def frame(f, where):
    has(f, ["pc", "sp", "cfa", "function", "offset", "object"], where)
    u64(f, ["pc", "sp", "cfa"], where)


# ------------------------------------------------------------------ cases

def one_line_each():
    r = json_run()
    check(r["err"] == "", "stderr not empty with --json: %r" % r["err"][:500])
    docs = by_cmd()
    for i, (cmd, d) in docs.items():
        want = CMDS[i][1]
        check(isinstance(d, dict), "%r: not an object" % cmd)
        if want is None:
            check(list(d) == ["error"] and isinstance(d["error"], str) and d["error"],
                  "%r should give {\"error\": ...}: %r" % (cmd, d))
        else:
            check(d.get("command") == want, "%r: command field %r, want %r"
                  % (cmd, d.get("command"), want))
    check(r["rc"] == 1, "batch with failing commands should exit 1, got %d" % r["rc"])


t.case("--json -batch: one line per command, each a document with the right command field",
       one_line_each)


def jq_accepts():
    if not shutil.which("jq"):
        raise ldtest.Skip("jq is not installed")
    r = json_run()
    p = subprocess.run(["jq", "-c", "."], input="\n".join(r["lines"]).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    check(p.returncode == 0, "jq rejected the output: %s" % p.stderr.decode()[:500])
    n = len(p.stdout.decode().splitlines())
    check(n == len(r["lines"]), "jq read %d documents from %d lines" % (n, len(r["lines"])))


t.case("jq . accepts every line (one document per line)", jq_accepts)


def doc(cmd):
    for i, (c, d) in by_cmd().items():
        if c == cmd:
            return d
    raise AssertionError("no document for %r" % cmd)


def fields_process_and_layout():
    d = doc("run")
    has(d, ["ok", "process"], "run")
    has(d["process"], ["pid", "state", "threads", "aslr", "stop"], "run.process")
    st = d["process"]["stop"]
    has(st, ["event", "reason", "tid", "thread", "pc", "function", "offset", "object"],
        "run.process.stop")
    check(st["event"] == "breakpoint" and st["function"] in CALLOC, "stop %r" % st)
    u64(st, ["pc"], "run.process.stop")
    ev = json_run()["events"]
    check(ev and ev[0]["reason"]["kind"] == "breakpoint" and
          ev[0]["frame"]["pc"] == st["pc"] and ev[0]["thread"]["tid"] == st["tid"] and
          ev[0]["reason"]["text"] == st["reason"],
          "run's stop document %r disagrees with run.process.stop %r" % (ev[:1], st))
    d = doc("info proc mappings")
    has(d, ["pid", "mappings"], "info proc mappings")
    check(d["pid"] == doc("run")["process"]["pid"], "pid differs from run's")
    for i, m in enumerate(d["mappings"]):
        mapping(m, "mappings[%d]" % i)
    check(any(m["path"] == "[stack]" for m in d["mappings"]), "no [stack]")
    d = doc("vmmap")
    has(d, ["regions"], "vmmap")
    for i, m in enumerate(d["regions"]):
        mapping(m, "regions[%d]" % i)
        has(m, ["kind", "sections"], "regions[%d]" % i)
    kinds = {m["kind"] for m in d["regions"]}
    check({"segment", "stack", "vdso", "vsyscall"} <= kinds, "vmmap kinds %r" % kinds)
    seg = [m for m in d["regions"] if m["kind"] == "segment"][0]
    has(seg, ["owner", "object", "segment"], "a segment region")
    d = doc("layout")
    has(d, ["blocks", "start_brk", "brk"], "layout")
    u64(d, ["start_brk", "brk"], "layout")
    for i, b in enumerate(d["blocks"]):
        has(b, ["kind", "start", "end", "mappings", "detail", "gap_before"], "blocks[%d]" % i)
        u64(b, ["start", "end"], "blocks[%d]" % i)
    starts = [int(b["start_hex"], 16) for b in d["blocks"]]
    check(starts == sorted(starts), "layout blocks not in address order")


t.case("documented fields: run/stop, info proc mappings, vmmap, layout", fields_process_and_layout)


def fields_elf():
    d = doc("info sections")
    has(d, ["objects"], "info sections")
    exe = d["objects"][0]
    has(exe, ["path", "bias", "sections"], "info sections.objects[0]")
    u64(exe, ["bias"], "objects[0]")
    check(exe["path"] == HEAP, "first object is %r" % exe["path"])
    for s in exe["sections"]:
        has(s, ["index", "name", "start", "end", "size", "offset", "allocated", "flags"],
            "section %s" % s.get("name"))
        u64(s, ["start", "end", "size", "offset"], "section %s" % s["name"])
    text = [s for s in exe["sections"] if s["name"] == ".text"]
    check(text and text[0]["allocated"] and "CODE" in text[0]["flags"], ".text %r" % text)
    d = doc("info segments")
    exe = d["objects"][0]
    has(exe, ["path", "bias", "segments"], "info segments.objects[0]")
    loads = [s for s in exe["segments"] if s["type"] == "LOAD"]
    check(len(loads) == 4, "%d LOAD segments" % len(loads))
    for s in exe["segments"]:
        has(s, ["index", "type", "offset", "vaddr", "paddr", "filesz", "memsz", "flags",
                "align", "sections"], "segment %s" % s.get("index"))
        u64(s, ["offset", "vaddr", "paddr", "filesz", "memsz", "align"], "segment")
    for s in loads:
        has(s, ["runtime_start", "runtime_end", "mappings"], "LOAD %d" % s["index"])
        check(s["mappings"], "LOAD %d has no live mappings" % s["index"])
    check(any(len(s["mappings"]) == 2 for s in loads), "no LOAD split in two (RELRO)")
    d = doc("info sharedlibrary")
    for o in d["objects"]:
        has(o, ["path", "from", "to", "bias", "executable", "interpreter"], "sharedlibrary")
        u64(o, ["from", "to", "bias"], "sharedlibrary")
    check(sum(o["executable"] for o in d["objects"]) == 1 and
          sum(o["interpreter"] for o in d["objects"]) == 1, "executable/interpreter flags")


t.case("documented fields: info sections, info segments, info sharedlibrary", fields_elf)


def fields_frames_registers():
    d = doc("backtrace")
    has(d, ["tid", "thread", "frames", "more"], "backtrace")
    for f in d["frames"]:
        frame(f, "backtrace frame")
    check([f["function"] for f in d["frames"][:2]] in ([c, "main"] for c in CALLOC),
          "frames %r" % [f["function"] for f in d["frames"]])
    d = doc("info frame")
    has(d, ["level", "cfa", "pc", "saved_pc", "caller_cfa", "saved_registers"], "info frame")
    u64(d, ["cfa", "pc", "saved_pc", "caller_cfa"], "info frame")
    check("rip" in d["saved_registers"], "saved_registers %r" % d["saved_registers"])
    d = doc("info registers")
    has(d, ["tid", "thread", "registers"], "info registers")
    u64(d["registers"], ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "rip"],
        "registers")
    d = doc("info threads")
    check(len(d["threads"]) == 1, "threads %r" % d["threads"])
    has(d["threads"][0], ["num", "tid", "name", "current", "frame", "pc"], "threads[0]")
    d = doc("info breakpoints")
    has(d["breakpoints"][0], ["num", "type", "disposition", "enabled", "pending", "hits",
                              "ignore", "location", "address", "what"], "breakpoints[0]")
    check(d["breakpoints"][0]["hits"] == 1, "hits %r" % d["breakpoints"][0]["hits"])


t.case("documented fields: backtrace, info frame, info registers, info threads, breakpoints",
       fields_frames_registers)


def frame_is_a_frame():
    for cmd in ("frame", "frame 1"):
        d = doc(cmd)
        has(d, ["level", "frame"], cmd)
        check(isinstance(d["frame"], dict), "%r: \"frame\" is a %s, the man page documents a "
              "frame object {pc, sp, cfa, function, offset, object}"
              % (cmd, type(d["frame"]).__name__))
        frame(d["frame"], cmd)


t.case("frame: {level, frame} where frame is one frame object", frame_is_a_frame)


def fields_brk_aslr_xinfo():
    d = doc("info brk")
    has(d, ["start_brk", "brk", "heap_size", "bss_end"], "info brk")
    u64(d, ["start_brk", "brk", "heap_size", "bss_end"], "info brk")
    check(d["start_brk"] == d["brk"] and d["heap_size"] == 0, "no heap yet: %r" % d)
    d = doc("info aslr")
    has(d, ["randomize_va_space", "disable_randomization", "process_randomized"], "info aslr")
    check(d["disable_randomization"] is True and d["process_randomized"] is False,
          "default ASLR state %r" % d)
    docs = [dd for c, dd in by_cmd().values() if c.startswith("xinfo")]
    fn, heap = docs
    has(fn, ["address", "mapped", "mapping", "mapping_offset", "kind", "object", "bias",
             "object_offset", "segment", "section", "section_offset", "symbol",
             "symbol_offset"], "xinfo calloc")
    u64(fn, ["address", "mapping_offset", "bias", "object_offset"], "xinfo calloc")
    check(fn["symbol"] == "calloc" and fn["symbol_offset"] == 0 and fn["section"] == ".text",
          "xinfo calloc %r" % {k: fn[k] for k in ("symbol", "symbol_offset", "section")})
    mapping(fn["mapping"], "xinfo calloc mapping")
    has(heap, ["address", "mapped", "mapping", "kind", "heap_offset", "brk"], "xinfo $rax")
    check(heap["kind"] == "heap", "xinfo $rax kind %r" % heap["kind"])
    u64(heap, ["address", "heap_offset", "brk"], "xinfo $rax")
    d = doc("info symbol calloc")
    has(d, ["symbol", "offset", "section", "object"], "info symbol")
    d = doc("x/4xg $sp")
    has(d, ["address", "unit_size", "values"], "x")
    check(d["unit_size"] == 8 and len(d["values"]) == 4, "x %r" % d)
    for v in d["values"]:
        u64(v, ["value"], "x value")


t.case("documented fields: info brk, info aslr, xinfo, info symbol, x", fields_brk_aslr_xinfo)


def fields_snapshots_diff():
    s = doc("snapshot")["snapshot"]
    check(s["format"] == "layoutdbg-snapshot" and s["version"] == 1, "format %r %r"
          % (s.get("format"), s.get("version")))
    for i, m in enumerate(s["mappings"]):
        mapping(m, "snapshot mappings[%d]" % i)
    check(doc("show %1")["snapshot"] == s, "show %1 differs from the snapshot document")
    d = doc("snapshots")
    for e in d["snapshots"]:
        has(e, ["id", "name", "time_ns", "pid", "mappings", "threads", "reason", "start_brk",
                "brk"], "snapshots entry")
    d = doc("diff")["diff"]
    check(d.get("format") == "layoutdbg-diff", "diff format %r" % d.get("format"))
    has(d, ["a", "b", "changes", "brk", "threads"], "diff")
    added = [c for c in d["changes"] if c["kind"] == "added"]
    check(len(added) == 1 and added[0]["after"]["path"] == "[heap]" and
          added[0]["after"]["size"] == 0x21000 and added[0]["before"] is None,
          "diff changes %r" % d["changes"])
    for c in d["changes"]:
        has(c, ["kind", "before", "after", "perms_changed"], "diff change")
    check(d["brk"]["after"] - d["brk"]["before"] == 0x21000, "diff brk %r" % d["brk"])
    d = doc("timeline")["timeline"]
    check(d.get("format") == "layoutdbg-timeline" and d["entries"] == [],
          "timeline without tracing %r" % d)


t.case("documented fields: snapshot/show, snapshots, diff ([heap] added), timeline format",
       fields_snapshots_diff)


def timeline_entries():
    rc, out, err = ldtest.run_batch([HEAP], ["trace memory until exit", "timeline"],
                                    opts=["--json"])
    lines = command_lines(out)
    check(len(lines) == 2, "%d documents for 2 commands" % len(lines), out)
    d = json.loads(lines[1])["timeline"]
    check(len(d["entries"]) >= 3, "too few entries", out)
    for e in d["entries"]:
        has(e, ["n", "tid", "thread", "syscall", "nr", "args_hex", "call", "returned", "result",
                "done", "brk", "changes", "frames"], "entry %s" % e.get("n"))
    last = d["entries"][-1]
    check(last["syscall"] == "brk" and last["changes"][0]["after"]["path"] == "[heap]",
          "last entry %r" % {k: last[k] for k in ("call", "result")})
    check([f["function"] for f in last["frames"]].count("main") == 1, "no main frame")


t.case("timeline entries carry the documented fields; the last brk adds [heap]",
       timeline_entries)


def exit_document():
    d = doc("continue")
    has(d, ["ok", "process"], "continue")
    st = d["process"].get("stop")
    check(isinstance(st, dict) and st.get("event") == "exited",
          "the exit is not reported as process.stop.event \"exited\": %r" % d)
    check("pid" in d["process"], "no pid in the exit document: %r" % d)


t.case("continue to the end: process.stop.event is \"exited\"", exit_document)


def readelf(flag):
    p = subprocess.run(["readelf", "-W", flag, HEAP], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    check(p.returncode == 0, "readelf %s failed: %s" % (flag, p.stderr.decode()[:300]))
    return p.stdout.decode()


def values_match():
    """The values, not only the names: the same commands in text mode (the
    same addresses: ASLR is off) and readelf agree with the documents."""
    if not ldtest.readelf_available():
        raise ldtest.Skip("readelf is not installed")
    rc, tout, terr = ldtest.run_batch([HEAP], [c for c, _ in CMDS])
    check(rc == 1, "text run: exit status %d" % rc, tout)
    # info brk
    d = doc("info brk")
    for k in ("start_brk", "brk"):
        v = int(search(r"^%s\s+(0x[0-9a-f]+)" % k, tout, "info brk").group(1), 16)
        check(d[k] == v, "info brk %s = %#x, the text says %#x" % (k, d[k], v))
    # info proc mappings: the whole table
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(tout))
    # (X_hex: X is null above 2^63, as for [vsyscall])
    js = [{"start": int(m["start_hex"], 16), "end": int(m["end_hex"], 16),
           "size": int(m["size_hex"], 16), "offset": int(m["offset_hex"], 16),
           "perms": m["perms"], "objfile": m["path"]} for m in doc("info proc mappings")["mappings"]]
    diff = [(a, b) for a, b in zip(js, rows) if a != b]
    check(len(js) == len(rows) and not diff, "info proc mappings --json differs from the "
          "table: %d vs %d rows; first differing %r" % (len(js), len(rows), diff[:1]))
    # backtrace: the pcs and functions
    d = doc("backtrace")
    tb = re.findall(r"^#(\d+)\s+0x([0-9a-f]+) in (\S+) \(", tout.split("\nsnapshot")[0], re.M)
    bt = [(int(n), int(pc, 16), fn) for n, pc, fn in tb[:len(d["frames"])]]
    check([(i, f["pc"], f["function"] or "??") for i, f in enumerate(d["frames"])] == bt,
          "backtrace --json %r, text %r" % ([(f["pc_hex"], f["function"]) for f in d["frames"]],
                                            bt))
    # registers at the calloc stop: calloc(10, 1)
    r = doc("info registers")["registers"]
    for k in ("rip", "rsp", "rdi", "rsi"):
        check(r[k] == ldtest.register(tout, k), "register %s = %#x, text %#x"
              % (k, r[k], ldtest.register(tout, k)))
    check((r["rdi"], r["rsi"]) == (10, 1), "calloc's arguments %r" % ((r["rdi"], r["rsi"]),))
    check(r["rip"] == doc("run")["process"]["stop"]["pc"], "rip is not the stop pc")
    # x/4xg $sp
    # (no <SYM> after a stack address: no symbol covers it, as in gdb; a
    # value pointing into mapped memory is placed in the layout)
    v = r"(0x[0-9a-f]{16})(?: <[^>\t]*>(?: \([^)\t]*\))?)?"
    xs = re.search(r"^0x[0-9a-f]+(?: <[^>]*>)?:\s+%s\s+%s\n"
                   r"0x[0-9a-f]+(?: <[^>]*>)?:\s+%s\s+%s$" % (v, v, v, v),
                   tout, re.M)
    check(xs, "no x/4xg lines", tout)
    d = doc("x/4xg $sp")
    check([v["value"] for v in d["values"]] == [int(x, 16) for x in xs.groups()],
          "x/4xg --json %r, text %r" % ([v["value_hex"] for v in d["values"]], xs.groups()))
    check(d["address"] == r["rsp"], "x $sp address %#x, rsp %#x" % (d["address"], r["rsp"]))
    # info sections and segments of the program against readelf
    exe = doc("info sections")["objects"][0]
    bias = exe["bias"]
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\.text|\.data|\.bss|\.rodata)\s+\S+\s+"
                         r"([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", readelf("-S"), re.M):
        name, addr, off, size = m.group(1), *(int(x, 16) for x in m.groups()[1:])
        sec = [x for x in exe["sections"] if x["name"] == name]
        check(len(sec) == 1, "section %s: %r" % (name, sec))
        check((sec[0]["start"], sec[0]["size"], sec[0]["offset"]) == (bias + addr, size, off),
              "%s: start %#x size %#x offset %#x, readelf: %#x+%#x %#x %#x" % (
                  name, sec[0]["start"], sec[0]["size"], sec[0]["offset"], bias, addr, size,
                  off))
    loads = [(int(a, 16), int(b, 16), int(c, 16), int(e, 16)) for a, b, c, e in re.findall(
        r"^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+"
        r"(0x[0-9a-f]+)", readelf("-l"), re.M)]
    segs = [(s_["offset"], s_["vaddr"], s_["filesz"], s_["memsz"])
            for s_ in doc("info segments")["objects"][0]["segments"] if s_["type"] == "LOAD"]
    check(segs == loads, "LOAD segments %r, readelf %r" % (segs, loads))
    # the finish value lands in the [heap] that the diff adds
    heap = doc("xinfo $rax")
    added = [c for c in doc("diff")["diff"]["changes"] if c["kind"] == "added"][0]["after"]
    check(added["start"] <= heap["address"] < added["end"], "calloc's pointer %#x not in the "
          "added heap %#x-%#x" % (heap["address"], added["start"], added["end"]))
    check(heap["heap_offset"] == heap["address"] - added["start"], "heap_offset %r"
          % heap["heap_offset"])


t.case("values: brk, mappings, backtrace, registers, x, sections and segments (readelf), "
       "xinfo agree with the text and readelf", values_match)


# ------------------------------------------------------- save and load

def save_load_round_trip():
    f = os.path.join(TMP, "s1.json")
    a = os.path.join(TMP, "a.json")
    rc, out, err = ldtest.run_batch([HEAP], ["break calloc", "run", "snapshot",
                                             "save %1 " + f, "load " + f, "diff %1 %2",
                                             "export %1 " + a], opts=["--json"])
    check(rc == 0, "exit status %d, stderr %r" % (rc, err), out)
    docs = [json.loads(l) for l in command_lines(out)]
    check(len(docs) == 7, "%d documents" % len(docs), out)
    d = docs[5]["diff"]
    check(d["changes"] == [], "diff %%1 %%2 (saved and reloaded) has changes: %r"
          % d["changes"][:3])
    check(d["brk"]["after"] == d["brk"]["before"], "break moved in a round trip")
    saved, exported = json.load(open(f)), json.load(open(a))
    for x in (saved, exported):
        x.pop("id", None)
        x.pop("name", None)
    check(saved == exported, "export %%1 differs from the saved file beyond id/name: keys %r"
          % [k for k in saved if saved.get(k) != exported.get(k)])
    if shutil.which("jq"):
        p = subprocess.run(["jq", "-S", "del(.id, .name)", f], stdout=subprocess.PIPE,
                           timeout=30)
        q = subprocess.run(["jq", "-S", "del(.id, .name)", a], stdout=subprocess.PIPE,
                           timeout=30)
        check(p.returncode == 0 and p.stdout == q.stdout, "jq sees a difference")


t.case("save %1 FILE; load FILE: diff %1 %2 is empty, export %1 equals FILE but for id/name",
       save_load_round_trip)


def loaded_vs_live():
    f = os.path.join(TMP, "before.json")
    _, out, err = ldtest.run_batch([HEAP], ["break calloc", "run", "snapshot", "save %1 " + f])
    check(os.path.exists(f), "snapshot not saved: %s" % err, out)
    # a new session: the loaded snapshot against the live layout after calloc
    rc, out, err = ldtest.run_batch([HEAP], ["load " + f, "break calloc", "run", "finish",
                                             "diff %1"])
    check(rc == 0, "exit status %d, stderr %r" % (rc, err), out)
    ldtest.search(r"^\+ added\s+0x[0-9a-f]+-0x[0-9a-f]+ rw-p\s+0x21000 \(132 KiB\)\s+\[heap\]$",
                  out, "loaded %1 vs live: [heap] added")
    ldtest.search(r"^program break: 0x[0-9a-f]+ -> 0x[0-9a-f]+ \(\+0x21000", out, "break")


t.case("diff between a loaded snapshot and the live process shows the heap appearing",
       loaded_vs_live)


def malformed(content, what):
    f = os.path.join(TMP, what)
    with open(f, "w") as fh:
        fh.write(content)
    rc, out, err = ldtest.run_batch([], ["load " + f, "snapshots"])
    lines = err.splitlines()
    check(rc == 1, "exit status %d for a failed load" % rc)
    check(len(lines) == 1 and lines[0].startswith("layoutdbg: load: "),
          "want one `layoutdbg: load: ...` line, got %r" % lines)
    check("Loaded" not in out and re.search(r"^No snapshots", out, re.M),
          "a snapshot was created from %s: %r" % (what, out))
    rc, out, err = ldtest.run_batch([], ["load " + f], opts=["--json"])
    d = json.loads(out.strip())
    check(list(d) == ["error"] and d["error"].startswith("load: "), "--json: %r" % d)
    return lines[0]


def malformed_files():
    msg = malformed("this is not json\n", "notjson.json")
    check("line 1" in msg, "no position in %r" % msg)
    msg = malformed('{"format": "foo", "version": 1}\n', "foreign.json")
    check('"foo"' in msg, "the foreign format is not named: %r" % msg)
    msg = malformed("", "empty.json")
    # a good file of its own (not one an earlier case may have left), then
    # broken copies of it
    good = os.path.join(TMP, "good-for-malformed.json")
    rc, out, err = ldtest.run_batch([HEAP], ["break calloc", "run", "snapshot",
                                             "save %1 " + good])
    check(rc == 0 and os.path.exists(good), "cannot save a snapshot: %r" % err, out)
    text = open(good).read()
    rc, out, err = ldtest.run_batch([], ["load " + good, "snapshots"])
    check(rc == 0 and err == "", "the good file does not load: %r" % err, out)
    malformed(text[:len(text) // 2], "truncated.json")
    d = json.loads(text)
    d["version"] = 99
    msg = malformed(json.dumps(d), "v99.json")
    check("99" in msg, "version not named: %r" % msg)
    d = json.loads(text)
    d["mappings"][0]["start"] = "zz"
    malformed(json.dumps(d), "badfield.json")


t.case("load: not JSON, format \"foo\", empty, truncated, version 99, bad field: one-line error",
       malformed_files)


def cleanup():
    shutil.rmtree(TMP, ignore_errors=True)


# ------------------------------------------------------- the contract

def schema_available():
    """The hook in ldtest validates every --json run against doc/json; here
    its absence is a visible skip (tests/summary.py does not allow it)."""
    if ldtest.json_validator() is None:
        raise ldtest.Skip("python3-jsonschema is not installed: --json output not validated")
    bad = {"command": "info proc mappings", "pid": 1, "mappings": [], "extra": 1}
    check(list(ldtest.json_validator().iter_errors(bad)), "the schema accepts an unknown key")
    try:
        ldtest.check_json_output(json.dumps({"command": "vmmap"}).encode(), "probe")
    except AssertionError:
        return
    raise AssertionError("a document without its required fields passed the hook")


def key_order_hook():
    """The hook refuses a document whose first key does not name it, a
    file whose "format" is not followed by "version", and a command whose
    keys are out of the schema's order."""
    if ldtest.json_validator() is None:
        raise ldtest.Skip("python3-jsonschema is not installed: --json output not validated")
    for bad in [{"ok": True, "command": "quit", "process": {"state": "none"}},
                {"format": "layoutdbg-timeline", "entries": [], "version": 1},
                {"command": "info brk", "brk": 1, "brk_hex": "0x1", "start_brk": 0,
                 "start_brk_hex": "0x0", "heap_size": 1, "heap_size_hex": "0x1"}]:
        try:
            ldtest.check_json_output(json.dumps(bad).encode(), "probe")
        except AssertionError as e:
            check("key-order" in str(e), "refused for another reason: %s" % e)
            continue
        raise AssertionError("the hook accepted %r" % bad)
    good = {"command": "info brk", "start_brk": 0, "start_brk_hex": "0x0", "brk": 1,
            "brk_hex": "0x1", "heap_size": 1, "heap_size_hex": "0x1"}
    ldtest.check_json_output(json.dumps(good).encode(), "probe")


t.case("the hook checks the key order: naming key first, files' version second, "
       "schema order", key_order_hook)


t.case("the schema is there and the hook refuses what it does not describe", schema_available)


def documents(out):
    return [json.loads(l) for l in out.splitlines()
            if l.startswith("{") and not l.startswith('{"event":')]


def one_document_each():
    cmds = ["break calloc", "delete 1 2 99 x", "enable 7 8", "disable 7 x",
            "x \udcff", "break \udcff\udcfe", "nosuch\udcff", "info signals",
            "show args", "list main"]
    rc, out, err = ldtest.run_batch([HEAP], cmds, opts=["--json"])
    docs = documents(out)
    check(len(docs) == len(cmds), "%d documents for %d commands" % (len(docs), len(cmds)), out)
    d = docs[1]
    check(d.get("errors") == ["delete: no breakpoint number 2", "delete: no breakpoint number 99",
                              'delete: "x" is not a number from 0 to 2147483647'] and
          d["error"] == d["errors"][0], "delete 1 2 99 x: %r" % d)
    check(len(docs[2].get("errors", [])) == 2 and len(docs[3].get("errors", [])) == 2,
          "enable/disable with two bad numbers: %r %r" % (docs[2], docs[3]))
    check("error" in docs[4] and docs[6]["error"].startswith("nosuch?"),
          "an error with byte 0xff: %r %r" % (docs[4], docs[6]))
    check(docs[7]["command"] == "info signals" and
          {"signal": "SIGINT", "number": 2, "stop": True, "pass": False,
           "description": "Interrupt"} in docs[7]["signals"], "info signals: %r" % docs[7])
    check(docs[8] == {"command": "show args", "value": []}, "show args: %r" % docs[8])
    check(docs[9]["command"] == "list" and docs[9]["lines"][0]["line"] > 0 and
          any("calloc" in l["text"] for l in docs[9]["lines"]), "list main: %r" % docs[9])


t.case("one document per command: several bad numbers, bytes that are not UTF-8, "
       "info signals, show, list", one_document_each)

FUZZ_WORDS = ["delete", "enable", "disable", "ignore", "x", "xinfo", "frame", "show", "drop",
              "info symbol", "info line", "list", "thread", "handle", "catch syscall",
              "timeline", "heap chunk", "set args", "show args", "info signals",
              "info breakpoints", "tbreak", "snapshot", "diff", "nosuch", "info nosuch",
              "set auto-snapshot", "info proc mappings", "vmmap", "backtrace"]
FUZZ_ARGS = ["1", "2", "99", "x", "-1", "$1", "0x0", "calloc", "on", "\udcff", "\udcc3",
             "SIGUSR1", "\\", "\"", "main", "9999999999999"]


def fuzz_one_document():
    rng = random.Random(19)
    cmds = ["break calloc", "run"]
    for _ in range(300):
        cmds.append(" ".join([rng.choice(FUZZ_WORDS)] +
                             [rng.choice(FUZZ_ARGS) for _ in range(rng.randint(0, 3))]))
    rc, out, err = ldtest.run_batch([HEAP], cmds, opts=["--json"], timeout=120)
    docs = documents(out)
    check(len(docs) == len(cmds), "%d documents for %d commands" % (len(docs), len(cmds)), out)


t.case("300 generated commands through one session: one valid document each", fuzz_one_document)


RUN_CONTROL = {"run", "start", "continue", "next", "step", "stepi", "finish", "until",
               "attach", "detach", "kill", "trace memory"}


def check_stops_repeated(out):
    """Each run-control document's "stop" is the last stop event printed
    since the previous command's document, or null when there was none."""
    last, seen = None, 0
    for l in out.splitlines():
        if not l.startswith("{"):
            continue
        d = json.loads(l)
        if d.get("event") == "stop":
            last = d
            continue
        if d.get("command") in RUN_CONTROL:
            seen += 1
            check(d.get("stop", "absent") == last, "%s: stop %r, event %r"
                  % (d["command"], d.get("stop", "absent"), last))
        last = None
    return seen


def run_control_stop():
    rc, out, err = ldtest.run_batch([HEAP], ["break calloc", "run", "stepi", "finish",
                                             "next", "continue"], opts=["--json"])
    check(check_stops_repeated(out) == 5, "not 5 run-control documents", out)
    docs = documents(out)
    check(docs[1]["stop"]["reason"]["kind"] == "breakpoint" and
          docs[1]["stop"]["reason"]["number"] == 1, "run: %r" % docs[1])
    check(docs[-1]["stop"]["reason"]["kind"] == "exited" and
          docs[-1]["process"]["state"] == "exited", "continue: %r" % docs[-1])
    rc, out, err = ldtest.run_batch([HEAP], ["break calloc", "run", "kill"], opts=["--json"])
    check(check_stops_repeated(out) == 2, "not 2 run-control documents", out)
    kill = documents(out)[-1]
    check(kill["command"] == "kill" and kill["stop"] is None and
          kill["process"]["state"] != "stopped", "kill: %r" % kill)


t.case("run-control commands repeat the stop they led to as \"stop\" (null after kill)",
       run_control_stop)


def rodata_string_address():
    """The runtime address of "Before calloc" in the heap fixture: .rodata's
    start (info sections) plus the string's place in the file."""
    rc, out, err = ldtest.run_batch([HEAP], ["break calloc", "run", "info sections"],
                                    opts=["--json"])
    exe = [o for o in documents(out)[-1]["objects"] if o["executable"]][0]
    ro = [x for x in exe["sections"] if x["name"] == ".rodata"][0]
    data = open(HEAP, "rb").read()
    at = data.index(b"Before calloc\n")
    nxt = data[at + 15:data.index(b"\0", at + 15)]
    return ro["start"] + at - ro["offset"], nxt.decode()


def x_every_form():
    addr, second = rodata_string_address()
    forms = ["x/2%s%s $sp" % (f, u) for f in "xduotca" for u in "bhwg"]
    cmds = ["break calloc", "run", "x/2s 0x%x" % addr, "x/16xb $sp", "x/2xg $sp",
            "x/s 0", "x/0s $sp"] + forms
    rc, out, err = ldtest.run_batch([HEAP], cmds, opts=["--json"])
    docs = documents(out)[2:]
    check(len(docs) == len(cmds) - 2, "%d documents" % len(docs), out)
    xs = docs[0]
    check(xs["format"] == "s" and xs["address"] == addr and
          [(v["address"], v["text"]) for v in xs["strings"]] ==
          [(addr, "Before calloc\n"), (addr + 15, second)], "x/2s: %r" % xs)
    b, g = docs[1]["values"], docs[2]["values"]
    check([sum(b[i * 8 + k]["value"] << (8 * k) for k in range(8)) for i in range(2)] ==
          [v["value"] for v in g], "x/16xb and x/2xg disagree: %r %r" % (b, g))
    check("error" in docs[3] and "error" in docs[4], "x/s 0, x/0s: %r %r" % tuple(docs[3:5]))
    for c, d in zip(forms, docs[5:]):
        fmt, unit = c[3], c[4]
        # x/a is a pointer whatever the unit; x/cw is words, as gdb's
        size = 8 if fmt == "a" else {"b": 1, "h": 2, "w": 4, "g": 8}[unit]
        check(d.get("command") == "x" and "ok" not in d and d["format"] == fmt and
              d["unit_size"] == size and len(d["values"]) == 2, "%s: %r" % (c, d))
    rc, out, err = ldtest.run_batch([HEAP], cmds[:3])
    check('0x%x:\t"Before calloc\\n"' % addr in out, "x/2s text: %r" % out)


t.case("x: every format and size, x/s, errors: data, never {ok, process}", x_every_form)


def heap_and_files():
    snap, tl = os.path.join(TMP, "hs.json"), os.path.join(TMP, "tl.json")
    cmds = ["break free", "trace memory until 1", "snapshot", "heap", "heap arenas",
            "heap bins", "heap mmapped", "heap chunk $rdi", "xinfo $rdi", "timeline 1",
            "finish", "snapshot", "diff", "diff --heap-only", "diff --by-object %1 %2",
            "save %1 " + snap, "export timeline " + tl]
    rc, out, err = ldtest.run_batch([HEAP], cmds, opts=["--json"])
    docs = documents(out)
    check(len(docs) == len(cmds), "%d documents for %d commands" % (len(docs), len(cmds)), out)
    for c, d in zip(cmds, docs):
        check(list(d)[0] == "command", "%s: %r" % (c, d))
        if c.split()[0] in ("heap", "xinfo", "timeline", "diff"):
            check("ok" not in d, "%s gives only the process: %r" % (c, d))
    check(docs[3]["totals"]["in_use_chunks"] >= 1, "heap: %r" % docs[3]["totals"])
    check(docs[7]["chunk"]["state"] == "in use", "heap chunk $rdi: %r" % docs[7])
    check(docs[8]["heap_chunk"]["state"] == "in use", "xinfo $rdi: %r" % docs[8])
    heap = docs[13]["diff"]["heap"]["changes"]
    check(any(c["kind"] == "free" for c in heap), "diff --heap-only: %r" % heap)
    for f in (snap, tl):
        raw = open(f).read()
        ldtest.check_json_file(raw, f)
        check(list(json.loads(raw))[:2] == ["format", "version"], "%s: %s" % (f, raw[:80]))


t.case("heap, heap arenas/bins/mmapped/chunk, xinfo, timeline N, diffs, saved snapshot and "
       "timeline files: closed shapes, key order", heap_and_files)


rc = t.done()
cleanup()
sys.exit(rc)
