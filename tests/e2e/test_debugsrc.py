#!/usr/bin/env python3
"""Where symbols and DWARF come from (issue 15 item 1).  With libc6-dbg,
`break sysmalloc` resolves and stops, and the out-of-line frames of bt and
of the heap fixture's timeline are named as gdb names them.  Copies of the
`dbgsrc` fixture, stripped, get their static functions' names back from a
build-ID file under `set debug-file-directory`, from a .gnu_debuglink next
to them, in their .debug/ and under DIR/<their dir>/ (a debug file of
another build, found by its CRC, is not used), from MiniDebugInfo
(.gnu_debugdata made the Fedora way) and from a real debuginfod server
(Debian's `debuginfod -F DIR`), whose cache then serves them with the
server stopped.  A debug file that is not ELF or is cut short gives one
warning; the names fall back and the session goes on.  `info
sharedlibrary` says where each object's symbols came from."""
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import ldtest
from ldtest import check, search

HEAP = ldtest.fixture("heap")
PROG = ldtest.fixture("dbgsrc")
NOBID = ldtest.fixture("dbgsrc-nobid")
LIBC = "/lib/x86_64-linux-gnu/libc.so.6"
FRAME = re.compile(r"^\s*#(\d+)\s+(0x[0-9a-f]+) in (\S+) \(", re.M)
WORK = tempfile.mkdtemp(prefix="ldtest-debugsrc-")
t = ldtest.Tap(13)


def build_id(path):
    out = subprocess.run(["readelf", "-n", path], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    m = re.search(r"Build ID: ([0-9a-f]+)", out)
    return m.group(1) if m else None


def need_tools(*tools):
    for x in tools:
        if not shutil.which(x):
            raise ldtest.Skip("%s is not installed" % x)


def need_libc_dbg():
    need_tools("readelf")
    bid = build_id(os.path.realpath(LIBC))
    if not bid or not os.path.exists("/usr/lib/debug/.build-id/%s/%s.debug"
                                     % (bid[:2], bid[2:])):
        raise ldtest.Skip("libc6-dbg is not installed (bootstrap.sh test installs it)")


def gdb_outofline(argv, cmds):
    """gdb's frames at the stop cmds reach, inline frames left out:
    [(pc, name)] up to main."""
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    walk = ("python\nf = gdb.newest_frame()\nwhile f is not None:\n"
            "    print('F %#x %s %d' % (f.pc(), f.name(), f.type() == gdb.INLINE_FRAME))\n"
            "    f = f.older()\nend")
    gdb = ["gdb", "-nx", "-q", "-batch", "-ex", "set debuginfod enabled off",
           "-ex", "set startup-with-shell off", "-ex", "set breakpoint pending on"]
    for c in list(cmds) + [walk]:
        gdb += ["-ex", c]
    p = subprocess.run(gdb + ["--args"] + list(argv), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=ldtest.env({"DEBUGINFOD_URLS": ""}), timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    got = [(int(pc, 16), name) for pc, name, inline in
           re.findall(r"^F (0x[0-9a-f]+) (\S+) (\d)$", out, re.M) if inline == "0"]
    if not got:
        raise ldtest.Skip("gdb could not walk the frames: %s" % out[-300:])
    return got


INLINE_AWARE = re.compile(r"^\s*#(\d+)\s+(?:(0x[0-9a-f]+) in )?(\S+) \(", re.M)


def frames(out):
    """(pc, name) of the out-of-line frames printed, up to main: a frame
    shown without a pc is the function an inlined frame above it (the one
    with the pc) is inlined into, and names that pc."""
    got = []
    for _, pc, name in INLINE_AWARE.findall(out):
        if pc:
            got.append((int(pc, 16), name))
        elif got:
            got[-1] = (got[-1][0], name)
        if name == "main":
            break
    return got


def ours(args, cmds, env_over=None, timeout=60):
    """layoutdbg's output, names taken from debug files (the suite's
    baseline, LAYOUTDBG_DEBUG_NAMES=off, is left out here)."""
    e = {"LAYOUTDBG_DEBUG_NAMES": None}
    e.update(env_over or {})
    rc, out, err = ldtest.run_batch(args, cmds, timeout=timeout, env_over=e)
    return out, err


def break_sysmalloc():
    need_libc_dbg()
    out, err = ours([HEAP], ["break sysmalloc", "run", "bt"])
    search(r"^Breakpoint 1, sysmalloc \(", out, "the stop at sysmalloc")
    mine = frames(out)
    want = gdb_outofline([HEAP], ["break sysmalloc", "run"])
    # gdb names the out-of-line frames by their DWARF functions
    # (tcache_init for tcache_init.part.0, __libc_calloc for calloc)
    check(mine == want, "bt %r\ngdb %r" % (mine, want), out + err)


def timeline_names():
    need_libc_dbg()
    out, err = ours([HEAP], ["trace memory until exit", "timeline"], timeout=90)
    whos = re.findall(r"  <- (\S+)$", out, re.M)
    check(len(whos) >= 15, "timeline too short", out)
    check("??" not in whos, "unnamed callers %r" % whos, out)
    # the heap's growth: brk(ADDR), the last brk of the run
    n = [m.group(1) for m in re.finditer(r"^\s+(\d+)  \[1\] brk\(0x", out, re.M)]
    check(n, "no growing brk in the timeline", out)
    full, _ = ours([HEAP], ["trace memory until exit", "timeline %s" % n[0]], timeout=90)
    mine = frames(full)
    # gdb at the same call: its third brk (ld.so's, malloc's sbrk(0), this)
    want = gdb_outofline([HEAP], ["catch syscall brk", "run", "continue", "continue",
                                  "continue", "continue"])
    check(mine == want, "timeline %s %r\ngdb %r" % (n[0], mine, want), full)


def stripped_copy(src, where, name="prog"):
    """A stripped copy of src in where and its debug file (where/NAME.full
    keeps the debug sections).  Returns (binary, debugfile)."""
    need_tools("objcopy", "strip", "readelf")
    os.makedirs(where, exist_ok=True)
    b, d = os.path.join(where, name), os.path.join(where, name + ".full")
    shutil.copy(src, b)
    subprocess.run(["objcopy", "--only-keep-debug", b, d], check=True)
    subprocess.run(["strip", b], check=True)
    return b, d


def statics_named(prog, env_over=None, extra=()):
    """break s3 stops, bt names s3 <- s2 <- s1 <- main."""
    out, err = ours([prog], list(extra) + ["break s3", "run", "bt 4", "info sharedlibrary"],
                    env_over)
    search(r"^Breakpoint 1, (0x[0-9a-f]+ in )?s3 \(", out, "the stop at s3")
    names = [n for _, n in frames(out)]
    check(names == ["s3", "s2", "s1", "main"], "bt names %r" % names, out + err)
    return out, err


def unnamed(prog, extra=()):
    out, err = ours([prog], list(extra) + ["break s3", "run"])
    check(not re.search(r"^Breakpoint 1, ", out, re.M), "s3 found", out + err)
    return out, err


def by_build_id():
    d = os.path.join(WORK, "bid")
    prog, full = stripped_copy(PROG, os.path.join(d, "bin"))
    unnamed(prog, ["set debug-file-directory " + os.path.join(d, "none")])
    bid = build_id(prog)
    dbgdir = os.path.join(d, "debug")
    os.makedirs(os.path.join(dbgdir, ".build-id", bid[:2]))
    shutil.copy(full, os.path.join(dbgdir, ".build-id", bid[:2], bid[2:] + ".debug"))
    out, _ = statics_named(prog, extra=["set debug-file-directory " + dbgdir])
    # the stop line has the file's DWARF lines too
    search(r"^Breakpoint 1, s3 \(.*\) at \S*dbgsrc\.c:\d+", out, "lines from the debug file")
    search(r"^Symbols of %s: build-id %s/\.build-id/%s/%s\.debug$"
           % (re.escape(prog), re.escape(dbgdir), bid[:2], bid[2:]), out,
           "info sharedlibrary says where")


def by_debuglink():
    d = os.path.join(WORK, "link")
    for sub, place in (("same", "."), ("dotdebug", ".debug"), ("global", None)):
        bindir = os.path.join(d, sub, "bin")
        prog, full = stripped_copy(NOBID, bindir)
        gdir = os.path.join(d, sub, "global")
        if place is None:
            target = os.path.join(gdir + os.path.realpath(bindir))
        else:
            target = os.path.join(bindir, place)
        os.makedirs(target, exist_ok=True)
        shutil.move(full, os.path.join(target, "prog.debug"))
        # objcopy needs the debug file where it can read it for the CRC
        subprocess.run(["objcopy", "--add-gnu-debuglink=" +
                        os.path.join(target, "prog.debug"), prog], check=True)
        out, _ = statics_named(prog, extra=["set debug-file-directory " + gdir])
        search(r"^Symbols of %s: debuglink \S+/prog\.debug$" % re.escape(prog), out,
               "info sharedlibrary says debuglink (%s)" % sub)


def crc_mismatch():
    d = os.path.join(WORK, "crc")
    prog, full = stripped_copy(NOBID, os.path.join(d, "bin"))
    subprocess.run(["objcopy", "--add-gnu-debuglink=" + full, prog], check=True)
    # the same name, another build's contents: its CRC differs
    with open(os.path.join(WORK, "other.c"), "w") as f:
        f.write("static int s3(int x) { return x + 7; }\n"
                "int main(void) { return s3(1) == 8 ? 0 : 1; }\n")
    other = os.path.join(WORK, "other")
    subprocess.run(["cc", "-g", "-O0", "-Wl,--build-id=none", "-o", other,
                    os.path.join(WORK, "other.c")], check=True)
    subprocess.run(["objcopy", "--only-keep-debug", other, full], check=True)
    out, err = unnamed(prog, ["set debug-file-directory " + os.path.join(d, "none")])
    check("warning" not in err, "a warning for another build's file: %r" % err)


def bad_debug_file(kind):
    d = os.path.join(WORK, "bad-" + kind)
    prog, full = stripped_copy(PROG, os.path.join(d, "bin"))
    bid = build_id(prog)
    dbgdir = os.path.join(d, "debug")
    os.makedirs(os.path.join(dbgdir, ".build-id", bid[:2]))
    path = os.path.join(dbgdir, ".build-id", bid[:2], bid[2:] + ".debug")
    with open(path, "wb") as f:
        if kind == "not ELF":
            f.write(b"this is not an ELF file\n")
        else:
            with open(full, "rb") as g:
                f.write(g.read()[:3000])
    out, err = ours([prog], ["set debug-file-directory " + dbgdir, "break printf",
                             "run", "bt", "info symbol $pc", "info sharedlibrary"])
    warns = [l for l in err.splitlines() if path in l]
    check(len(warns) == 1 and warns[0].startswith("layoutdbg: warning: %s: " % path),
          "warnings %r" % warns, err)
    search(r"^Breakpoint 1, .*printf", out, "the session goes on")
    search(r"^#1\s+0x[0-9a-f]+ in \?\? \(\)$", out, "the program's frames fall back to ??")
    search(r"^Symbols of %s: own$" % re.escape(prog), out, "own symbols only")


def minidebuginfo():
    need_tools("nm", "xz", "objcopy", "strip")
    d = os.path.join(WORK, "mini")
    prog, full = stripped_copy(PROG, d)
    dyn = subprocess.run(["nm", "-D", "--format=posix", "--defined-only", prog],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    allsyms = subprocess.run(["nm", "--format=posix", "--defined-only", full],
                             stdout=subprocess.PIPE, check=True).stdout.decode()
    dynset = {l.split()[0] for l in dyn.splitlines() if l.split()}
    keep = sorted({l.split()[0] for l in allsyms.splitlines()
                   if len(l.split()) >= 2 and l.split()[1] in "TtD"} - dynset)
    check("s2" in keep, "no static functions to keep: %r" % keep)
    keepf = os.path.join(d, "keep")
    with open(keepf, "w") as f:
        f.write("\n".join(keep) + "\n")
    mini = os.path.join(d, "mini.debug")
    subprocess.run(["objcopy", "--only-keep-debug", full, mini], check=True)
    subprocess.run(["objcopy", "-S", "--remove-section", ".gdb_index", "--remove-section",
                    ".comment", "--keep-symbols=" + keepf, mini], check=True)
    subprocess.run(["xz", "-f", mini], check=True)
    subprocess.run(["objcopy", "--add-section", ".gnu_debugdata=" + mini + ".xz", prog],
                   check=True)
    out, _ = statics_named(prog, extra=["set debug-file-directory " + os.path.join(d, "no")])
    search(r"^Symbols of %s: minidebuginfo$" % re.escape(prog), out, "says minidebuginfo")
    search(r"^0x[0-9a-f]+\s+0x[0-9a-f]+\s+Yes \(\*\)\s+/", out, "no DWARF: Yes (*)")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_served(port, bid, proc, timeout=60):
    """Poll the server's port until it serves bid's debuginfo (it scans -F
    DIR after it starts listening); between tries wait for its log to say
    something (at most 0.2 s): it logs as it scans."""
    end = time.monotonic() + timeout
    url = "/buildid/%s/debuginfo" % bid
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError("debuginfod exited with %d" % proc.returncode)
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, url),
                                        timeout=5) as r:
                if r.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if select.select([proc.stdout], [], [], 0.2)[0]:
            os.read(proc.stdout.fileno(), 65536)
    raise AssertionError("debuginfod did not serve %s in %d s" % (bid, timeout))


def debuginfod():
    need_tools("debuginfod", "objcopy", "strip")
    d = os.path.join(WORK, "dinfod")
    prog, full = stripped_copy(PROG, os.path.join(d, "bin"))
    srv = os.path.join(d, "srv")
    os.makedirs(srv)
    shutil.move(full, os.path.join(srv, "prog.debug"))
    cache = os.path.join(d, "cache")
    port = free_port()
    p = subprocess.Popen(["debuginfod", "-v", "-F", srv, "-p", str(port), "-d",
                          os.path.join(d, "db.sqlite")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env=ldtest.env())
    envo = {"DEBUGINFOD_URLS": "http://127.0.0.1:%d" % port,
            "DEBUGINFOD_CACHE_PATH": cache}
    nodir = "set debug-file-directory " + os.path.join(d, "none")
    try:
        wait_served(port, build_id(prog), p)
        # off (the default, ask, is off without a terminal): not asked
        unnamed(prog, [nodir])
        out, err = statics_named(prog, envo, [nodir, "set debuginfod enabled on"])
        search(r"^Downloading separate debug info for %s" % re.escape(prog), err,
               "the progress line")
        search(r"^Symbols of %s: debuginfod %s/" % (re.escape(prog), re.escape(cache)),
               out, "says debuginfod and the cache")
    finally:
        p.terminate()
        p.communicate()
    # the server is gone: the cache answers
    out, err = statics_named(prog, envo, [nodir, "set debuginfod enabled on"])
    check(os.path.isdir(os.path.join(cache, build_id(prog))), "nothing in the cache")


def sharedlibrary_form():
    need_libc_dbg()
    out, _ = ours([HEAP], ["break main", "run", "info sharedlibrary"])
    want = subprocess.run(
        ["gdb", "-nx", "-q", "-batch", "-ex", "set debuginfod enabled off",
         "-ex", "break main", "-ex", "run", "-ex", "info sharedlibrary", HEAP],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ldtest.env(),
        timeout=60).stdout.decode()
    gtab = want[want.index("From "):].rstrip("\n").splitlines()
    mtab = out[out.index("From "):].splitlines()[:len(gtab)]
    check(mtab == gtab, "ours:\n%s\ngdb:\n%s" % ("\n".join(mtab), "\n".join(gtab)))
    search(r"^Symbols of /\S+/libc\.so\.6: build-id /usr/lib/debug/\.build-id/", out,
           "libc's symbols from libc6-dbg")


t.case("break sysmalloc stops; bt's out-of-line frames equal gdb's", break_sysmalloc)
t.case("heap timeline: no `<- ??`, the heap's growth named as gdb does", timeline_names)
t.case("build-ID file under set debug-file-directory", by_build_id)
t.case("debuglink: next to it, in .debug/, under DIR/<dir>/", by_debuglink)
t.case("debuglink to another build's file (CRC mismatch): not used", crc_mismatch)
t.case("a debug file that is not ELF: one warning, names fall back",
       bad_debug_file, "not ELF")
t.case("a truncated debug file: one warning, names fall back", bad_debug_file, "truncated")
t.case("MiniDebugInfo (.gnu_debugdata) names the static functions", minidebuginfo)
t.case("debuginfod server: names, progress line, then from its cache", debuginfod)
t.case("info sharedlibrary in gdb's form, with where symbols came from",
       sharedlibrary_form)


def show_settings():
    out, err = ours([], ["show debuginfod enabled", "set debuginfod enabled on",
                         "show debuginfod enabled", "set debuginfod enabled maybe",
                         "show debug-file-directory", "set debug-file-directory /x",
                         "show debug-file-directory"])
    check(out.splitlines() == [
        'Debuginfod functionality is currently set to "ask".',
        'Debuginfod functionality is currently set to "on".',
        'The directory of separate debug files is "/usr/lib/debug".',
        'The directory of separate debug files is "/x".'], "output %r" % out)
    check(err.count("layoutdbg: set debuginfod enabled: ") == 1, "error %r" % err)


def show_settings_gdb():
    """gdb says the same sentence for debuginfod."""
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb is not installed")
    g = subprocess.run(["gdb", "-nx", "-q", "-batch", "-ex", "show debuginfod enabled"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL, env=ldtest.env()).stdout.decode()
    out, _ = ours([], ["show debuginfod enabled"])
    check(out == g, "ours %r gdb %r" % (out, g))


def names_off():
    """LAYOUTDBG_DEBUG_NAMES=off: libc's own names only, the debug file
    still listed."""
    need_libc_dbg()
    out, err = ours([HEAP], ["break main", "run", "info sharedlibrary", "break sysmalloc",
                             "continue"], {"LAYOUTDBG_DEBUG_NAMES": "off"})
    check(not re.search(r"^Breakpoint 2, ", out, re.M), "sysmalloc found", out)
    search(r"^Symbols of /\S+/libc\.so\.6: build-id /usr/lib/debug/", out, "still found")


t.case("set/show debuginfod enabled, show debug-file-directory", show_settings)
t.case("LAYOUTDBG_DEBUG_NAMES=off: names from the objects alone", names_off)
t.case("show debuginfod enabled says what gdb says", show_settings_gdb)
shutil.rmtree(WORK, True)
sys.exit(t.done())
