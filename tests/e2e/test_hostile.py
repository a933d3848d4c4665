#!/usr/bin/env python3
"""Hostile input: 100 KB command lines and arguments, malformed commands
(each one error line, the session goes on), program paths with spaces and
newlines, a program replaced while it runs, a tracee killed from outside,
ELF files `file` must refuse (truncated, empty, relocatable, core, type 0,
32-bit, AArch64, big-endian, huge header counts), and a valgrind run
of the walkthrough with no leaks or memory errors."""
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(31)
HEAP = ldtest.fixture("heap")
TMP = tempfile.mkdtemp(prefix="ldtest-hostile-")
BIG = "x" * 100000


def session_went_on(out):
    search(r"^New processes: address randomization (off|on)", out,
           "the final `info aslr` (the session went on)")


def no_crash(rc, err):
    check(rc >= 0, "layoutdbg died of signal %d" % -rc)
    check("AddressSanitizer" not in err and "runtime error" not in err, "sanitizer report:\n"
          + err[-2000:])


def error_lines(err):
    lines = err.splitlines()
    bad = [l for l in lines if not l.startswith("layoutdbg: ")]
    check(not bad, "stderr lines not in `layoutdbg: what: why` form: %r" % bad[:3])
    return lines


# -------------------------------------------------------- huge input

def huge_break_line():
    for how in ("-ex", "stdin"):
        if how == "-ex":
            rc, out, err = ldtest.run_batch([HEAP], ["break " + BIG, "info breakpoints",
                                                     "info aslr"], timeout=30)
        else:
            p = subprocess.run(ldtest.layoutdbg_cmd([HEAP], (), batch=False, opts=["-q"]),
                               input=("break %s\ninfo breakpoints\ninfo aslr\n" % BIG).encode(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=ldtest.env(), timeout=30)
            rc, out, err = p.returncode, p.stdout.decode(), p.stderr.decode()
        no_crash(rc, err)
        error_lines(err)
        check(len(err.splitlines()) <= 1, "%s: more than one error line for one command" % how)
        # either refused in one line, or kept (pending) in full
        if not err:
            check(BIG in out, "%s: the 100 KB location was truncated" % how, out[:500])
        session_went_on(out)


t.case("a 100 KB `break xxx...` line (-ex and stdin): one clear error or kept whole, no crash",
       huge_break_line)


def huge_args():
    with ldtest.PipeSession([HEAP]) as s:
        s.send("set args " + BIG)
        s.send("show args")
        s.out.expect(r"^Argument list to give program being debugged when it is started is "
                     r"\"%s\"\.?$" % BIG)
        s.send("break main")
        s.send("run")
        s.out.expect(r"^Breakpoint 1, main \(\)")
        s.send("info proc mappings")
        pid = int(s.out.expect(r"^process (\d+)$").group(1))
        s.out.expect(r"\[vsyscall\]")
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            argv = f.read().split(b"\0")
        check(argv[1:] == [BIG.encode(), b""], "the program's argv[1] is not the 100 KB "
              "argument (%d arguments, lengths %r)" % (len(argv) - 2, [len(a) for a in argv]))
        s.send("info aslr")
        rc = s.finish()
        check(rc == 0, "exit status %d: %s" % (rc, s.err.text[-500:]))
        session_went_on(s.out.text)


t.case("set args with a 100 KB argument: shown and passed to the program intact", huge_args)


# ---------------------------------------------------- malformed commands

BAD = ["x/", "x/4q 0", "frame -1", "ignore", "ignore 1", "delete abc", "catch",
       "catch syscall nosuch", "trace", "trace memory until", "diff a b c", "export",
       "load /nonexistent", "list 99999", "set follow-fork-mode sideways",
       "set step-emulation maybe", "set cpu-pinning maybe", "diff --by-object a",
       "info registers nosuch", "info line nosuch", "info line 0", "info line nosuch.c:1",
       "info line *zzz"]


def malformed(live):
    pre = ["break calloc", "run"] if live else []
    rc, out, err = ldtest.run_batch([HEAP], pre + BAD + ["info aslr"])
    no_crash(rc, err)
    lines = error_lines(err)
    check(len(lines) == len(BAD), "%d error lines for %d bad commands:\n%s"
          % (len(lines), len(BAD), "\n".join(lines)))
    for cmd, line in zip(BAD, lines):
        word = cmd.split("/")[0].split()[0]
        check(line.startswith("layoutdbg: " + word), "error for %r does not name it: %r"
              % (cmd, line))
    check(rc == 1, "batch exit status %d after failures" % rc)
    session_went_on(out)
    if live:
        search(r"^Process \d+: not randomized$", out, "the process survived the bad commands")


t.case("malformed commands without a process: one `layoutdbg: ` line each, session goes on",
       malformed, False)
t.case("malformed commands at a live stop: one `layoutdbg: ` line each, process intact",
       malformed, True)


def unknown_commands():
    cmds = ["frobnicate", "info nosuch", "set nosuch on", "show %99", "drop %7",
            "thread 99", "frame 99", "x/4xg nosuchsym", "help nosuchcmd"]
    rc, out, err = ldtest.run_batch([HEAP], ["break calloc", "run"] + cmds + ["info aslr"])
    no_crash(rc, err)
    lines = error_lines(err)
    check(len(lines) == len(cmds), "%d error lines for %d bad commands:\n%s"
          % (len(lines), len(cmds), "\n".join(lines)))
    session_went_on(out)


t.case("unknown commands and out-of-range numbers: one error line each", unknown_commands)


# -------------------------------------------------------- odd paths

def copy_fixture(name, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy(ldtest.fixture(name), dst)
    os.chmod(dst, 0o755)
    return dst


def odd_path_works(path):
    rc, out, err = ldtest.run_batch([path], ["break main", "run", "bt", "vmmap",
                                             "info proc maps", "continue"])
    no_crash(rc, err)
    check(rc == 0, "exit status %d, stderr %r" % (rc, err), out)
    search(r"^Breakpoint 1, main \(\) at \S*heap\.c:\d+$", out, "stop at main")
    search(r"^#0\s+0x[0-9a-f]+ in main \(\)", out, "bt")
    check(not re.search(r"^#\d+\s+0x[0-9a-f]+ in \?\? \(\)$", out, re.M),
          "a frame outside any object (garbage unwind)", out)
    rows = [l for l in out.splitlines()
            if re.match(r"^0x[0-9a-f]{16} 0x[0-9a-f]{16} r-xp .* segment ", l)]
    check(rows and "LOAD[" in rows[0], "the program's text is not a classified LOAD segment: %r"
          % rows[:1], out)
    raw = ldtest.parse_maps_lines(ldtest.raw_maps_lines(out))
    want = path.replace("\n", "\\012")
    check(raw[0]["objfile"] == want, "first mapping %r, want %r" % (raw[0]["objfile"], want), out)
    search(r"^After free$", out, "the program ran to its end")


t.case("a program path with spaces: runs, stops at main, vmmap and bt work",
       lambda: odd_path_works(copy_fixture("heap", os.path.join(TMP, "dir with space",
                                                                "my heap"))))
t.case("a program path with a newline: runs, stops at main, vmmap and bt work",
       lambda: odd_path_works(copy_fixture("heap", os.path.join(TMP, "new\nline", "heap"))))


def replaced_while_running(check_bt):
    path = copy_fixture("heap", os.path.join(TMP, "replaced", "heap"))
    with ldtest.PipeSession([path]) as s:
        s.send("break calloc")
        s.send("run")
        s.out.expect(r"^Breakpoint 1, ")
        os.unlink(path)
        shutil.copy(ldtest.fixture("empty"), path)          # another program, same name
        for c in ["info proc mappings", "vmmap", "bt", "info sections", "finish", "info aslr"]:
            s.send(c)
        rc = s.finish()
        out, err = s.out.text, s.err.text
    no_crash(rc, err)
    rows = ldtest.parse_gdb_rows(ldtest.gdb_table_lines(out))
    check(rows[0]["objfile"] == path + " (deleted)", "first mapping %r does not end in "
          "\" (deleted)\"" % rows[0]["objfile"], out)
    vm = [l for l in out.splitlines()
          if re.match(r"^0x[0-9a-f]{16} 0x[0-9a-f]{16} r-xp .* segment\s+heap LOAD\[\d+\]", l)]
    check(vm, "vmmap no longer classifies the deleted program's text", out)
    session_went_on(out)
    if check_bt:
        search(r"^#1\s+0x[0-9a-f]+ in main \(\) <\+\d+> at \S*heap\.c:\d+$", out,
               "bt still knows main's line")
        check(not re.search(r"^#\d+\s+0x[0-9a-f]+ in \?\? \(\)$", out, re.M),
              "garbage frame outside any object", out)
        search(r"^0x[0-9a-f]+ in main \(\) at \S*heap\.c:\d+$", out, "finish location")


t.case("a program replaced while it runs: ` (deleted)` in info proc mappings, vmmap works",
       replaced_while_running, False)
t.case("a program replaced while it runs: bt and finish still use the running image",
       replaced_while_running, True)


def killed_from_outside():
    with ldtest.PipeSession([HEAP]) as s:
        s.send("break calloc")
        s.send("run")
        s.out.expect(r"^Breakpoint 1, ")
        s.send("info proc mappings")
        pid = int(s.out.expect(r"^process (\d+)$").group(1))
        s.out.expect(r"\[vsyscall\]")
        os.kill(pid, signal.SIGKILL)
        check(ldtest.wait_pid_exit(pid), "tracee did not die")
        for c in ["bt", "vmmap", "snapshot", "continue", "info aslr"]:
            s.send(c)
        rc = s.finish()
        out, err = s.out.text, s.err.text
    no_crash(rc, err)
    search(r"^\[process %d killed by SIGKILL\]$" % pid, out, "the death is reported")
    error_lines(err)
    check(len(err.splitlines()) == 4, "want one error for each of bt, vmmap, snapshot, "
          "continue: %r" % err)
    session_went_on(out)


t.case("a tracee killed from outside at a stop: reported, then one error per command",
       killed_from_outside)


# ----------------------------------------------------------- bad ELFs

def patched(src, *edits):
    """src with each (offset, struct format, value) written over it."""
    data = bytearray(src)
    for off, fmt, val in edits:
        data[off:off + struct.calcsize(fmt)] = struct.pack(fmt, val)
    return bytes(data)


def relocatable():
    """A real .o from the compiler when there is one, else the fixture
    marked ET_REL."""
    if shutil.which("gcc"):
        c = os.path.join(TMP, "rel.c")
        with open(c, "w") as f:
            f.write("int f(void) { return 1; }\n")
        o = os.path.join(TMP, "rel.o")
        if subprocess.run(["gcc", "-c", c, "-o", o]).returncode == 0:
            return open(o, "rb").read()
    return patched(open(HEAP, "rb").read(), (16, "<H", 1))


def core_file():
    """A real core file from gdb's gcore of a live fixture, else the
    fixture's header marked ET_CORE."""
    src = open(HEAP, "rb").read()
    if not shutil.which("gcore"):
        return patched(src, (16, "<H", 4))
    p = subprocess.Popen([ldtest.fixture("waiter")], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    try:
        pid = int(p.stdout.readline().split()[1])
        prefix = os.path.join(TMP, "core")
        subprocess.run(["gcore", "-o", prefix, str(pid)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
    finally:
        p.stdin.close()
        p.wait()
    path = "%s.%d" % (prefix, pid)
    if not os.path.exists(path):
        return patched(src, (16, "<H", 4))
    data = open(path, "rb").read()
    os.unlink(path)
    check(data[16:18] == b"\x04\x00", "gcore did not write a core file")
    return data


def make_bad(name):
    p = os.path.join(TMP, name)
    src = open(HEAP, "rb").read()
    shoff = struct.unpack_from("<Q", src, 40)[0]
    if name == "truncated":
        data = src[:1000]
    elif name == "aarch64":
        data = src[:18] + b"\xb7\x00" + src[20:]        # e_machine = EM_AARCH64
    elif name == "empty":
        data = b""
    elif name == "relocatable":
        data = relocatable()
    elif name == "core":
        data = core_file()
    elif name == "type0":
        data = patched(src, (16, "<H", 0))              # e_type = ET_NONE
    elif name == "elf32":
        data = patched(src, (4, "B", 1))                # EI_CLASS = ELFCLASS32
    elif name == "bigendian":
        data = patched(src, (5, "B", 2))                # EI_DATA = ELFDATA2MSB
    elif name == "huge-phnum":
        data = patched(src, (56, "<H", 0xfffe))         # e_phnum
    elif name == "huge-shnum":
        data = patched(src, (60, "<H", 0xfffe))         # e_shnum
    elif name == "xnum-phnum":
        # e_phnum = PN_XNUM: the count is section 0's sh_info
        data = patched(src, (56, "<H", 0xffff), (shoff + 44, "<I", 0x7fffffff))
    elif name == "xnum-zero":
        # PN_XNUM with sh_info 0: no program header at all
        data = patched(src, (56, "<H", 0xffff))
    else:
        data = b"#!/bin/nothing\n"
    with open(p, "wb") as f:
        f.write(data)
    os.chmod(p, 0o755)
    return p


def bad_elf(name, why):
    p = make_bad(name)
    for args, cmds in (([p], ["info aslr"]), ([], ["file " + p, "info aslr"]),
                       ([HEAP], ["file " + p, "info sections", "info aslr"])):
        rc, out, err = ldtest.run_batch(args, cmds)
        no_crash(rc, err)
        lines = error_lines(err)
        check(len(lines) == 1, "want one error line, got %r" % lines)
        check(lines[0].startswith("layoutdbg: %s: " % p) and re.search(why, lines[0]),
              "unclear error: %r" % lines[0])
        check(rc != 0, "exit status 0 after a failed load")
        session_went_on(out)
        if args == [HEAP]:
            # a failed `file` keeps the program loaded before it
            search(r"^Exec file: `%s', file type elf64-x86-64\.$"
                   % re.escape(os.path.realpath(HEAP)), out,
                   "the previous program is still loaded")
    rc, out, err = ldtest.run_batch([], ["file " + p, "run", "info aslr"])
    no_crash(rc, err)
    check(not re.search(r"^Starting program", out, re.M), "tried to run a broken file", out)


BAD_ELFS = [
    ("truncated", r"truncated|corrupt"),
    ("aarch64", r"not an x86-64 ELF file \(machine 183: AArch64\)$"),
    ("empty", r"not an ELF|empty"),
    ("relocatable", r"not an executable \(a relocatable object file, ELF type 1\)$"),
    ("core", r"not an executable \(a core file, ELF type 4\)$"),
    ("type0", r"not an executable \(ELF type 0, ET_NONE\)$"),
    ("elf32", r"not an x86-64 ELF file \(ELFCLASS32, machine 62\)$"),
    ("bigendian", r"not an x86-64 ELF file \(big-endian, machine \d+\)$"),
    ("huge-phnum", r"corrupt ELF file: 65534 program headers at offset 0x40 extend past "
                   r"end of file$"),
    ("huge-shnum", r"corrupt ELF file: 65534 section headers at offset 0x[0-9a-f]+ extend "
                   r"past end of file$"),
    ("xnum-phnum", r"corrupt ELF file: 2147483647 program headers"),
    ("xnum-zero", r"not an executable \(no loadable segment\)$"),
]
for name, why in BAD_ELFS:
    t.case("a %s ELF given to `file` and as PROGRAM: one clear error line, session goes on"
           % name, bad_elf, name, why)


# ------------------------------------------------------- terminal hygiene

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")     # controls but tab and newline


def no_raw_controls(text, what):
    m = RAW.search(text)
    check(not m, "%s: a raw control character %r reached the terminal near %r"
          % (what, m and m.group(), m and text[max(0, m.start() - 40):m.end() + 40]))


def hygiene_commands():
    cmds = ["frob\x1b[2Jnicate", "break \x1b]0;pwned\x07", "list \x7f", "info line \x1b[A",
            "vmmap \x1b[2J", "snapshot \x1b[2J", "snapshots", "show \x1b[2J",
            "drop \x1b[1mX", "x/4xg \x9b31m"]
    rc, out, err = ldtest.run_batch([HEAP], ["break main", "run"] + cmds + ["info aslr"])
    no_crash(rc, err)
    no_raw_controls(out, "stdout")
    no_raw_controls(err, "stderr")
    lines = error_lines(err)
    for want in ("layoutdbg: frob\\e[2Jnicate: unknown command",
                 'layoutdbg: break \\e]0;pwned\\x07: no symbol "\\e]0;pwned\\x07"',
                 "layoutdbg: list \\x7f:", 'layoutdbg: drop: no snapshot "\\e[1mX"'):
        check([l for l in lines if l.startswith(want)], "no error line starting %r in %r"
              % (want, lines))
    search(r"^%1\s+\\e\[2J\s", out, "the snapshot name escaped in `snapshots`")
    search(r"^Snapshot \\e\[2J of process", out, "the snapshot name escaped in `show`")
    session_went_on(out)


t.case("control characters in commands and snapshot names are printed escaped",
       hygiene_commands)


def hygiene_loaded_snapshot():
    f = os.path.join(TMP, "names.json")
    rc, out, err = ldtest.run_batch([HEAP], ["break main", "run", "snapshot evil",
                                             "save evil " + f])
    check(rc == 0, "could not save a snapshot: %s" % err)
    doc = json.load(open(f))
    doc["name"] = "\x1b[2J\nsecond line"
    doc["exe"] = "/tmp/\x1b]0;title\x07prog"
    doc["mappings"][0]["path"] = "/tmp/\x1b[31mred\nlib.so"
    doc["threads"][0]["frames"][0]["function"] = "fn\x1b[2J"
    json.dump(doc, open(f, "w"))
    rc, out, err = ldtest.run_batch([], ["load " + f, "load " + f, "snapshots", "show %1",
                                         "diff %1 %2", "info aslr"])
    no_crash(rc, err)
    no_raw_controls(out, "stdout")
    no_raw_controls(err, "stderr")
    lines = error_lines(err)
    check(len(lines) == 1 and 'a snapshot named "\\e[2J\\nsecond line" exists' in lines[0],
          "the clash warning is not one escaped line: %r" % lines)
    search(r"\\e\[31mred\\nlib\.so", out, "the mapping path escaped")
    search(r"fn\\e\[2J", out, "the function name escaped")
    session_went_on(out)
    # JSON escapes them as JSON does
    argv = ldtest.layoutdbg_cmd([], ["load " + f, "snapshots"], opts=["--json"])
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ldtest.env(), timeout=30)
    text = p.stdout.decode()
    ldtest.check_json_output(p.stdout, " ".join(argv))
    no_raw_controls(text, "--json")
    docs = [json.loads(l) for l in text.splitlines()]
    names = [sn.get("name") for d in docs for sn in d.get("snapshots", [])]
    check(names == ["\x1b[2J\nsecond line"], "the name did not survive as JSON text: %r"
          % text[:500])


t.case("a loaded snapshot with control characters in its names: escaped in text, "
       "JSON-escaped in --json", hygiene_loaded_snapshot)


def hygiene_program_path():
    path = copy_fixture("heap", os.path.join(TMP, "esc\x1b[2Jdir", "he\x1bap"))
    rc, out, err = ldtest.run_batch([path], ["break main", "run", "info proc mappings",
                                             "vmmap", "bt", "info sharedlibrary"])
    no_crash(rc, err)
    no_raw_controls(out, "stdout")
    no_raw_controls(err, "stderr")
    search(r"^Starting program: .*esc\\e\[2Jdir/he\\eap$", out, "the program path escaped")


t.case("a program path with ESC: run, mappings and vmmap print it escaped",
       hygiene_program_path)


# ----------------------------------------------------------------- limits

def numbers_out_of_range():
    cmds = ["list 9223372036854775808", "list 18446744073709551615",
            "list 99999999999999999999999", "list heap.c:4294967296", "list 99999",
            "x/18446744073709551615xg $sp", "x/99999999999999999999xg $sp",
            "frame 4294967296", "frame 18446744073709551616", "ignore 1 18446744073709551616",
            "ignore 99999999999999999999 1", "continue 99999999999999999999",
            "continue 18446744073709551615"]
    rc, out, err = ldtest.run_batch([HEAP], ["break main", "run"] + cmds + ["info aslr"])
    no_crash(rc, err)
    lines = error_lines(err)
    check(len(lines) == len(cmds), "%d error lines for %d commands:\n%s"
          % (len(lines), len(cmds), "\n".join(lines)))
    for cmd, line in zip(cmds, lines):
        check(line.startswith("layoutdbg: " + cmd.split("/")[0].split()[0]),
              "error for %r does not name it: %r" % (cmd, line))
        check("(null)" not in line, "%r: (null) in %r" % (cmd, line))
    check(lines[0] == "layoutdbg: list: line 9223372036854775808 is out of range (at most "
          "4294967295)", "list 2^63: %r" % lines[0])
    check(re.match(r'^layoutdbg: list: line 99999 is out of range for "\S*heap\.c" '
                   r'\(\d+ lines\)$', lines[4]), "list 99999: %r" % lines[4])
    check(not re.search(r"^\d{6,}\t", out, re.M), "bogus line numbers listed", out)
    search(r"^Process \d+: not randomized$", out, "the process survived")
    check(rc == 1, "batch exit status %d" % rc)


t.case("numbers out of range (list, x, frame, ignore, continue N): one error each",
       numbers_out_of_range)


def long_error_keeps_reason():
    for cmd, reason in (("list " + "x" * 10000, r'" with line information$'),
                        ("info line " + "y" * 10000, r"not defined$"),
                        ("load /" + "z" * 5000, r"(File name too long|No such file or "
                                                 r"directory)$")):
        rc, out, err = ldtest.run_batch([HEAP], [cmd, "info aslr"])
        no_crash(rc, err)
        lines = error_lines(err)
        check(len(lines) == 1, "%s...: want one line, got %d" % (cmd[:20], len(lines)))
        check(len(lines[0]) < 4200, "%s...: %d bytes" % (cmd[:20], len(lines[0])))
        check(re.search(reason, lines[0]), "%s...: the reason was lost: ...%r"
              % (cmd[:20], lines[0][-200:]))
        session_went_on(out)


t.case("an error about a 10 KB argument keeps its reason (the argument is cut)",
       long_error_keeps_reason)


def size_limits():
    big = os.path.join(TMP, "big")
    with open(big, "wb") as f:
        f.truncate(64 * 1024 * 1024 + 1)          # sparse
    rc, out, err = ldtest.run_batch([], ["load " + big, "info aslr"])
    check(err == "layoutdbg: load: %s: larger than the 64 MiB limit (67108865 bytes)\n" % big,
          "load of 64 MiB + 1: %r" % err)
    session_went_on(out)
    rc, out, err = ldtest.run_batch([], ["info aslr"], opts=["-x", big])
    check(err == "layoutdbg: %s: not read: larger than the 64 MiB limit (67108865 bytes)\n"
          % big and rc == 1, "-x of 64 MiB + 1: %r" % err)
    session_went_on(out)
    rc, out, err = ldtest.run_batch([], ["info aslr"], opts=["-x", "/dev/zero"], timeout=10)
    check(err == "layoutdbg: /dev/zero: not read: a character device\n" and rc == 1,
          "-x /dev/zero: %r" % err)
    # an endless stream to load: stops at the limit, in bounded time and memory
    yes = subprocess.Popen(["yes", ""], stdout=subprocess.PIPE)
    try:
        argv = ldtest.layoutdbg_cmd([], ["load /dev/stdin", "info aslr"])
        p = subprocess.run(argv, stdin=yes.stdout, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=ldtest.env(), timeout=30)
    finally:
        yes.kill()
        yes.wait()
    check(p.stderr.decode() == "layoutdbg: load: /dev/stdin: more than the 64 MiB limit\n",
          "load of an endless stream: %r" % p.stderr[-300:])
    session_went_on(p.stdout.decode())


t.case("-x and load refuse inputs over 64 MiB (files, devices, endless streams)",
       size_limits)


def aslr_of_setuid():
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        raise ldtest.Skip("needs root (a set-user-ID copy) and setpriv")
    os.chmod(TMP, 0o711)                # nobody reaches the program
    d = os.path.join(TMP, "suid")
    os.makedirs(d)
    os.chmod(d, 0o755)
    prog = os.path.join(d, "heap")
    shutil.copy(HEAP, prog)
    os.chmod(prog, 0o4755)
    argv = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"] + \
        ldtest.layoutdbg_cmd([prog], ["break main", "run", "info aslr", "info proc mappings"])
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ldtest.env(), timeout=30)
    out = p.stdout.decode()
    if "Operation not permitted" in p.stderr.decode():
        raise ldtest.Skip("nobody cannot trace here: %s" % p.stderr.decode().strip())
    base = re.search(r"^\s+0x([0-9a-f]+)\s.*%s$" % re.escape(prog), out, re.M)
    check(base, "no mapping of the program", out)
    moved = not base.group(1).startswith("5555555")
    check(moved, "the kernel did not randomize the set-user-ID program here", out)
    search(r"^Process \d+: randomized$", out, "`info aslr` reports what the kernel did")
    rc, out, err = ldtest.run_batch([HEAP], ["break main", "run", "info aslr"])
    search(r"^Process \d+: not randomized$", out, "an ordinary program is not randomized")


t.case("info aslr: a set-user-ID program run by an unprivileged user is reported "
       "randomized, as the kernel did", aslr_of_setuid)


# ------------------------------------------------------------ valgrind

def built_with_asan():
    """The sanitizer build: valgrind cannot run an ASan binary (and ASan
    checks it already)."""
    try:
        out = subprocess.run(["ldd", ldtest.LAYOUTDBG], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
    except OSError:
        return False
    return "libasan" in out


def valgrind(cmds, prog):
    if not shutil.which("valgrind"):
        raise ldtest.Skip("valgrind is not installed")
    if built_with_asan():
        raise ldtest.Skip("layoutdbg is built with AddressSanitizer, which "
                          "valgrind cannot run (ASan checks this build)")
    argv = ["valgrind", "-q", "--leak-check=full", "--errors-for-leak-kinds=definite",
            "--error-exitcode=9"] + ldtest.layoutdbg_cmd([prog], cmds)
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=ldtest.env(), timeout=120)
    except subprocess.TimeoutExpired:
        raise AssertionError("valgrind run did not finish in 120 s")
    err = p.stderr.decode("utf-8", "replace")
    vg = [l for l in err.splitlines() if l.startswith("==")]
    check(p.returncode != 9 and not vg, "valgrind found problems (exit %d):\n%s"
          % (p.returncode, "\n".join(vg[:60])))
    return p.returncode, p.stdout.decode("utf-8", "replace"), err


def valgrind_walkthrough():
    f = os.path.join(TMP, "vg.json")
    svg = os.path.join(TMP, "vg.svg")
    rc, out, err = valgrind(["break calloc", "run", "snapshot", "info proc mappings", "vmmap",
                             "info brk", "bt", "info frame", "finish", "snapshot", "diff",
                             "layout", "xinfo $rax", "info sections", "info segments",
                             "export %1..%2 " + svg, "save %2 " + f, "load " + f,
                             "diff %2 %3", "continue"], HEAP)
    check(rc == 0, "exit status %d: %s" % (rc, err[-1000:]), out)
    search(r"^\+ added\s+0x[0-9a-f]+-0x[0-9a-f]+ rw-p\s+0x21000", out, "the walkthrough ran")


t.case("valgrind: the heap walkthrough (snapshots, diff, export, save/load) is clean",
       valgrind_walkthrough)


def valgrind_threads_and_errors():
    # (not `trace memory`: valgrind does not implement seccomp(2), which
    # layoutdbg needs to start a traced run)
    rc, out, err = valgrind(["break marker", "run", "info threads", "snapshot", "show %1",
                             "continue", "continue", "vmmap", "layout", "snapshot", "diff",
                             "continue"] + BAD + ["info aslr"], ldtest.fixture("threadsync"))
    search(r"^threads done 23 marker 11$", out, "the threaded run finished")
    session_went_on(out)


t.case("valgrind: threads, snapshots, diff and every malformed command are clean",
       valgrind_threads_and_errors)

rc = t.done()
shutil.rmtree(TMP, ignore_errors=True)
sys.exit(rc)
