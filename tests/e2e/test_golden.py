#!/usr/bin/env python3
"""Golden transcripts: the full text and --json output of command sequences
on the fixtures, byte for byte, against expected files checked in under
tests/golden/.  The safety net for refactoring: output must not change
unless a bug is fixed on purpose (then rerun with --update and say so).

    test_golden.py [--update] [CASE...]

A case is tests/golden/NAME.cmds, one directive or command per line:
    # comment                 (and blank lines: ignored)
    @prog FIXTURE [ARGS...]   the program (copied to the fixed directory
                              below) and its arguments; none: empty session
    @opt OPTION               a layoutdbg option (--json, --color=always...)
    @file NAME                a file the commands write (relative to the
                              working directory); its contents are compared
    anything else             one batch command (-ex), in order
The expected NAME.out holds the exit status, stdout, stderr and each file.

Deterministic on purpose, across runs, checkouts and machines of the same
kind (same distribution, kernel and libc):
  * ASLR is off under layoutdbg; the stack still depends on the environment,
    argv and AT_EXECFN, so the fixtures are copied to one fixed directory
    (FIXED, recreated each run, held under a lock so that two checkouts
    testing at once do not share it), layoutdbg runs there with a fixed
    minimal environment and a fixed stack limit (the mmap base follows it);
  * what still varies is rewritten by the NORMALISE table below, each entry
    saying why; addresses are never rewritten.
The fixtures are built without sanitizers in every build (fixtures/
meson.build: b_sanitize=none) and the tracee's environment is ENV whatever
the test runs under, so the ASan+UBSan build compares against the same
expected files (a sanitizer report on stderr fails the case, as it should).

Writing a case: stop only where every thread's position is forced (a
blocked thread must be provably asleep, as blockstep's main is; heapwalk's
and threads' second threads race); do not show registers after a fixture
printed its pid (the digit count leaks into r10 and eflags: brkshow); run
`test_golden.py --update NAME` and then the test three times.
"""
import fcntl
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys

import ldtest

GOLDEN_DIR = os.path.join(ldtest.SRC_ROOT, "tests", "golden")
FIXED = "/tmp/layoutdbg-golden"
WORK = os.path.join(FIXED, "work")
HOME = os.path.join(FIXED, "home")
LOCK = FIXED + ".lock"
TIMEOUT = 30.0

# The whole environment of layoutdbg and so of the program it starts (its
# size and contents move every stack address).
ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": HOME,
    "TERM": "dumb",
    "LANG": "C",
    "LC_ALL": "C",
    "COLUMNS": "80",
    "LINES": "24",
    "NO_COLOR": "1",
    "INPUTRC": "/dev/null",
}
STACK_LIMIT = 8 << 20       # the mmap base sits below the stack's limit

# Build and source directories differ between checkouts; they appear in
# DWARF paths (fixture sources) that layoutdbg prints.  Longest first.
_BUILD_ROOT = os.path.dirname(ldtest.FIXTURE_DIR)
_PATHS = sorted({(_BUILD_ROOT, "@BUILD@"), (ldtest.SRC_ROOT, "@SRC@")},
                key=lambda p: -len(p[0]))


def _maps_line(m):
    # /proc/PID/maps lines: the device and inode of a file differ per
    # checkout (the fixture copy is a new file every run) and per machine
    # (libc's inode).  The kernel pads the path to a column after the inode,
    # so that padding goes too.  Anonymous rows (00:00 0) are kept.
    if m.group(3) == "0" and m.group(2) == "00:00":
        return m.group(0)
    return "%s DEV INODE %s" % (m.group(1), m.group(4))


def _smaps_row(m):
    # `info proc smaps` table rows: the same device and inode, in columns of
    # their own ("%02x:%02x %7lu"): one fixed token of the format's width.
    if m.group(2) == "00:00" and m.group(3).strip() == "0":
        return m.group(0)
    return m.group(1) + "DEV     INODE"


def _pid_in_text(m):
    # A pid in running text, or in a padded table cell (two or more spaces
    # after it, maybe after a closing bracket): the padding is adjusted so
    # that the cell keeps its width whatever the number of digits.
    pad = m.group(4)
    if pad is None:
        return "%s PID%s" % (m.group(1), m.group(3))
    return "%s PID%s%s" % (m.group(1), m.group(3),
                           " " * max(2, len(m.group(2)) + len(pad) - 3))


def _blank_number(m):
    """Group 2 (a number with its leading padding) becomes '*' at the same
    width, so the columns after it stay where they were."""
    return m.group(1) + "*".rjust(len(m.group(2)))


def _same_width(token):
    """A replacement of group 1 by token that keeps the width of group 1
    plus the padding after it (group 2), so table columns stay aligned
    whatever the number of digits was."""
    def repl(m):
        width = len(m.group(1)) + len(m.group(2))
        return token + " " * max(1, width - len(token))
    return repl


def _object_end(text, i):
    """Index just past the JSON object starting at text[i] ('{')."""
    depth, instr, esc = 0, False, False
    for j in range(i, len(text)):
        c = text[j]
        if instr:
            esc = c == "\\" and not esc
            if c == '"' and not esc:
                instr = False
            continue
        if c == '"':
            instr, esc = True, False
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


# diff's touched entries, and diff --by-object's (their key comes first)
_TOUCHED = re.compile(r'\{(?:"key": ?"[^"]*", ?)?"kind": ?"touched",')
_DELTA = re.compile(r'"pages_delta": ?\{([^{}]*)\}')


def _pss_only(obj):
    m = _DELTA.search(obj)
    if not m:
        return False
    fields = re.findall(r'"(\w+)": ?(-?\d+)', m.group(1))
    return all(v == "0" for k, v in fields
               if k not in ("pss", "shared_clean", "private_clean"))


def _drop_trailing_comma(out):
    """Remove the comma that ends the text kept so far (blanks after it
    stay)."""
    for i in range(len(out) - 1, -1, -1):
        kept = out[i].rstrip(" \n")
        if kept:
            if kept.endswith(","):
                out[i] = kept[:-1] + out[i][len(kept):]
            return


def drop_pss_only_touched(text):
    """A diff lists a mapping as touched when any page count moved, Pss
    included; when only Pss moved (another process mapped or unmapped the
    same libc pages between the two snapshots) the entry says nothing about
    this program and comes and goes from run to run: drop it.  In text it is
    the `~ touched ... rss X -> X (+0 B)` line, or `(+0 B, pss -N KiB)`.
    Whether a clean page counts as private or shared depends on who else
    maps the file at that moment (layoutdbg's own ELF reader included):
    those terms are dropped from text lines first."""
    while True:
        text, n = _SHARING_TERM.subn(r"\1", text)
        if not n:
            break
    text = _TOUCHED_LINE.sub("", text)
    out, pos = [], 0
    for m in _TOUCHED.finditer(text):
        if m.start() < pos:
            continue
        end = _object_end(text, m.start())
        if not _pss_only(text[m.start():end]):
            continue
        # the element and one comma next to it: after it, else before it
        cut_from, cut_to = m.start(), end
        if text.startswith(",", end):
            cut_to += 1
        else:
            k = cut_from - 1
            while k > 0 and text[k] in " \n":
                k -= 1
            if text[k] == "," and k >= pos:
                cut_from = k
            elif text[k] == ",":
                # that comma went with the element dropped just before
                # (the last two were Pss-only): the one before it goes
                _drop_trailing_comma(out)
        out.append(text[pos:max(pos, cut_from)])
        pos = cut_to
    out.append(text[pos:])
    return "".join(out)


_SHARING_TERM = re.compile(r"^((?:\x1b\[[0-9;]*m)?~ touched .*), (?:(?:private|shared) clean|pss) "
                           r"[-+]\S+ \S+(?=[,)])", re.M)
_TOUCHED_LINE = re.compile(r"^(?:\x1b\[[0-9;]*m)?~ touched .* rss (\S+ \S+) -> \1 "
                           r"\(\+0 B(?:, pss [-+]\S+ \S+)?\)(?:\x1b\[[0-9;]*m)?\n", re.M)

# (regex, replacement, why).  Applied in order to stdout, stderr and files,
# after drop_pss_only_touched().
NORMALISE = []


def _rule(rx, repl, why, flags=re.M):
    NORMALISE.append((re.compile(rx, flags), repl, why))


_rule(r"^([0-9a-f]+-[0-9a-f]+ [-r][-w][-x][ps] [0-9a-f]{8}) "
      r"([0-9a-f]{2}:[0-9a-f]{2}) (\d+) *(.*)$", _maps_line,
      "device and inode in /proc/PID/maps lines")
_rule(r"^( *[0-9a-f]+ [-r][-w][-x][ps] [0-9a-f]{8} )([0-9a-f]{2}:[0-9a-f]{2})( +\d+)",
      _smaps_row, "device and inode in `info proc smaps` rows")
_rule(r'"inode":( ?)[1-9]\d*', r'"inode":\1"INODE"', "inode in JSON")
_rule(r'"inode_hex":( ?)"0x[1-9a-f][0-9a-f]*"', r'"inode_hex":\1"INODE"', "inode in JSON")
_rule(r'"dev":( ?)"(?!00:00")[0-9a-f]+:[0-9a-f]+"', r'"dev":\1"DEV"', "device in JSON")
_rule(r'<td>(?!00:00<)[0-9a-f]+:[0-9a-f]+</td><td class="n">\d+</td>',
      '<td>DEV</td><td class="n">INODE</td>', "device and inode in the HTML table")
# The fixtures' .debug_line_str holds the build directory (DW_AT_comp_dir),
# so its size differs between checkouts (and build and build-san).
_rule(r"^( \[\d+\] +0x0+->)0x[0-9a-f]+( at 0x[0-9a-f]+: \.debug_line_str )",
      r"\g<1>0xSIZE\2", "size of .debug_line_str in `info sections`")
_rule(r'("name": ?"\.debug_line_str","start":0,"start_hex":"0x0",)"end":\d+,'
      r'"end_hex":"0x[0-9a-f]+","size":\d+,"size_hex":"0x[0-9a-f]+"',
      r'\1"end":"SIZE","end_hex":"SIZE","size":"SIZE","size_hex":"SIZE"',
      "size of .debug_line_str in `info sections` JSON")
_rule(r'("name": ?"\.debug_line_str",[^{}]*?"file_size":)\d+,"file_size_hex":"0x[0-9a-f]+"',
      r'\1"SIZE","file_size_hex":"SIZE"',
      "file size of .debug_line_str in `info sections` JSON")
_rule(r'("name": ?"\.(?:symtab|strtab|shstrtab)",[^{}]*?"offset":)\d+,"offset_hex":"0x[0-9a-f]+"',
      r'\1"OFFSET","offset_hex":"OFFSET"',
      "file offset of the sections laid out after it, in `info sections` JSON")
# Wall-clock times of snapshots and timeline entries.
_rule(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", "YYYY-MM-DDTHH:MM:SS.mmmZ",
      "date and time (JSON, SVG, HTML)")
_rule(r"\b\d{2}:\d{2}:\d{2}\.\d{3}\b", "HH:MM:SS.mmm", "time of day")
_rule(r'"time_ns":( ?)\d+', r'"time_ns":\1"TIME"', "time in JSON")
# pids and tids are the kernel's choice.  In tables the token keeps the
# column width (the snapshot list's PID column, info threads' Target Id).
_rule(r"(?<=HH:MM:SS\.mmm )(\d+)( +)", _same_width("PID"),
      "PID column of the snapshot list (after the time rule above)")
_rule(r'\bLWP (\d+) (".*?")( +)',
      lambda m: "LWP PID %s%s" % (m.group(2), " " * max(
          1, len(m.group(1)) + len(m.group(3)) - 3)),
      "info threads' Target Id column")
_rule(r"\b(process|Process|LWP|pid) (\d+)\b([^ \n]*)( {2,})?", _pid_in_text,
      "pid/tid in text")
_rule(r"/proc/\d+/", "/proc/PID/", "pid in a /proc path")
_rule(r'"(pid|tid|lwp)":( ?)[1-9]\d*', r'"\1":\2"PID"', "pid/tid in JSON")
# Proportional set sizes: a shared page counts 1/N for N processes mapping
# it at that instant, so libc's and ld.so's Pss follow whatever else runs on
# the machine.  (Rss, resident strips and every other page count stay: they
# did not vary over runs, even under load.)
_rule(r'"(pss|pss_[a-z]+|swap_pss)":( ?)-?\d+', r'"\1":\2"PSS"', "Pss in JSON")
_rule(r"^( *[0-9a-f]+ [-r][-w][-x][ps] [0-9a-f]{8} +\S+ +\S+ +\d+ +\d+)( +\d+)",
      _blank_number, "Pss column of `info proc smaps` rows")
_rule(r"^( {30,}\d+ +\d+)( +\d+)(?= .* KB \(\d+ mappings\)$)", _blank_number,
      "Pss total of `info proc smaps`")
_rule(r"^(Pss\w*:)( +\d+)(?= kB  )", _blank_number, "Pss lines of smaps_rollup")
_rule(r"^(Pss\w*: +\* kB  ).*$", r"\1*", "Pss lines of smaps_rollup, in units")
# Scratch registers of a thread that is not the one stopped (snapshot
# JSON): r10 and r11 are whatever libc's last syscall or call left there,
# and whether a futex call ran depends on scheduling (a value past 2^53,
# as a kernel address or -1, is null in the decimal field).
_rule(r'"(r10|r11)":( ?)(?:\d+|null|"0x[0-9a-f]+")', r'"\1":\2"SCRATCH"',
      "r10 and r11 in JSON")
# Shared against private clean: a file page counts as shared while any
# other process maps it at that instant, so libc's split between the two
# follows whatever else runs on the machine (their sum, Rss, stays).
_rule(r'"(shared_clean|private_clean)":( ?)-?\d+', r'"\1":\2"CLEAN"', "clean split in JSON")
_rule(r"^( *[0-9a-f]+ [-r][-w][-x][ps] [0-9a-f]{8} +\S+ +\S+ +\d+ +\d+ +\*)( +\d+)",
      _blank_number, "Shared_Clean column of `info proc smaps` rows")
_rule(r"^( *[0-9a-f]+ [-r][-w][-x][ps] [0-9a-f]{8} +\S+ +\S+ +\d+ +\d+ +\* +\* +\d+)( +\d+)",
      _blank_number, "Private_Clean column of `info proc smaps` rows")
_rule(r"^( {30,}\d+ +\d+ +\*)( +\d+)(?= .* KB \(\d+ mappings\)$)", _blank_number,
      "Shared_Clean total of `info proc smaps`")
_rule(r"^( {30,}\d+ +\d+ +\* +\* +\d+)( +\d+)(?= .* KB \(\d+ mappings\)$)", _blank_number,
      "Private_Clean total of `info proc smaps`")
_rule(r"^((?:Shared|Private)_Clean:) +\d+ kB  .*$", r"\1 * kB  *", "clean lines of smaps_rollup")
# Physical page frame numbers (pagemap, shown to root only).
_rule(r"\bPFN 0x[0-9a-f]+", "PFN 0xPFN", "physical page frame in text")
_rule(r'"pfn":( ?)\d+', r'"pfn":\1"PFN"', "physical page frame in JSON")
_rule(r'"pfn_hex":( ?)"0x[0-9a-f]+"', r'"pfn_hex":\1"PFN"', "physical page frame in JSON")
# The pages fixture's mkstemp() file (unlinked: shown as deleted).
_rule(r"/tmp/ld-pages-[A-Za-z0-9]{6}", "/tmp/ld-pages-XXXXXX", "mkstemp name")


_CACHE_MMAP = re.compile(r"mmap\(NULL, (\d+) \((0x[0-9a-f]+), [\d.]+ KiB\), PROT_READ, "
                         r"MAP_PRIVATE, \d+</etc/ld\.so\.cache>")


def blank_cache_size(text):
    """ld.so's cache grows with every library installed on the machine (the
    test's own packages included): its length, wherever the mmap that maps
    it and the munmap that drops it show it, is the machine's, not the
    program's.  The mapping stays the same, page-rounded, unless it crosses
    a page."""
    m = _CACHE_MMAP.search(text)
    if not m:
        return text
    size, hexsize = m.group(1), m.group(2)
    text = re.sub(r"\b%s \(%s, [\d.]+ KiB\)" % (size, hexsize), "CACHESIZE", text)
    return text.replace('"%s"' % hexsize, '"CACHESIZE"')


def normalise(text):
    for src, dst in _PATHS:
        text = text.replace(src, dst)
    text = blank_cache_size(text)
    text = drop_pss_only_touched(text)
    for rx, repl, _ in NORMALISE:
        text = rx.sub(repl, text)
    return text


# ------------------------------------------------------------- the cases

class Case:
    def __init__(self, name):
        self.name = name
        self.prog = None
        self.opts = []
        self.files = []
        self.cmds = []
        with open(os.path.join(GOLDEN_DIR, name + ".cmds")) as f:
            for line in f.read().splitlines():
                s = line.strip()
                if not s or s.startswith("#"):
                    continue
                if s.startswith("@prog "):
                    self.prog = shlex.split(s[6:])
                elif s.startswith("@opt "):
                    self.opts.append(s[5:].strip())
                elif s.startswith("@file "):
                    self.files.append(s[6:].strip())
                else:
                    self.cmds.append(s)

    def argv(self):
        argv = [ldtest.LAYOUTDBG, "-nx", "-batch"] + self.opts
        for c in self.cmds:
            argv += ["-ex", c]
        if self.prog:
            argv += [os.path.join(FIXED, self.prog[0])] + self.prog[1:]
        return argv

    def run(self):
        """The transcript: exit status, stdout, stderr, written files."""
        shutil.rmtree(WORK, ignore_errors=True)
        os.mkdir(WORK)
        try:
            p = subprocess.run(self.argv(), cwd=WORK, env=ENV,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=TIMEOUT,
                               preexec_fn=_limits)
        except subprocess.TimeoutExpired as e:
            raise ldtest.Timeout("%s timed out after %ss\n%s"
                                 % (self.name, TIMEOUT, ldtest._tail(e.stdout or b"")))
        if "--json" in self.opts:
            ldtest.check_json_output(p.stdout, self.name)
        parts = ["exit %d\n" % p.returncode,
                 _section("stdout", p.stdout), _section("stderr", p.stderr)]
        for name in self.files:
            try:
                with open(os.path.join(WORK, name), "rb") as f:
                    data = f.read()
            except OSError as e:
                data = ("(not written: %s)\n" % e.strerror).encode()
            else:
                if name.endswith(".json"):
                    ldtest.check_json_file(data, "%s: %s" % (self.name, name))
            parts.append(_section("file " + name, data))
        return normalise("".join(parts))


def _limits():
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if hard == resource.RLIM_INFINITY or hard >= STACK_LIMIT:
        resource.setrlimit(resource.RLIMIT_STACK, (STACK_LIMIT, hard))


def _section(title, data):
    text = data.decode("utf-8", "replace")
    if text and not text.endswith("\n"):
        text += "\n\\ no newline at end\n"
    return "--- %s\n%s" % (title, text)


def prepare():
    """The fixed directory, fresh, with every fixture program and library
    (programs that dlopen look next to themselves)."""
    shutil.rmtree(FIXED, ignore_errors=True)
    os.makedirs(HOME)
    for name in sorted(os.listdir(ldtest.FIXTURE_DIR)):
        src = os.path.join(ldtest.FIXTURE_DIR, name)
        if os.path.isfile(src) and os.access(src, os.X_OK):
            dst = os.path.join(FIXED, name)
            shutil.copy2(src, dst)
            # Written back now: a dirty page-cache page of the program counts
            # as dirty in its smaps until the kernel's writeback, whose
            # moment we do not control.
            fd = os.open(dst, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    cache_system_libraries()


def cache_system_libraries():
    """Every page of the system libraries the fixtures map, in the page
    cache.  A file page fault maps the pages around it that are cached
    (fault-around), so libc's and ld.so's resident sizes depend on which
    of their pages some process read since boot: on a fresh machine fewer
    than on one that ran for hours.  Read whole, they are the same
    everywhere (the expected files were written this way)."""
    libs = set()
    for name in os.listdir(FIXED):
        path = os.path.join(FIXED, name)
        if not os.access(path, os.X_OK) or os.path.isdir(path):
            continue
        out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
        libs.update(m for m in re.findall(r"(/\S+) \(0x", out) if m.startswith(("/lib", "/usr/lib")))
        libs.update(re.findall(r"=> (/\S+) ", out))
    for lib in sorted(l for l in libs if l.startswith(("/lib", "/usr/lib"))):
        with open(lib, "rb") as f:
            while f.read(1 << 20):
                pass


def unified(expected, got, name):
    """A unified diff, and for long lines (JSON documents) where in the line
    they first differ."""
    import difflib
    a, b = expected.splitlines(True), got.splitlines(True)
    text = "".join(difflib.unified_diff(a, b, "tests/golden/%s.out" % name,
                                        "actual", n=2))
    for x, y in zip(a, b):
        if x != y and max(len(x), len(y)) > 200:
            k = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q),
                     min(len(x), len(y)))
            text += ("first difference in a long line, at column %d:\n"
                     "- ...%s\n+ ...%s\n" % (k, x[max(0, k - 120):k + 80].rstrip("\n"),
                                              y[max(0, k - 120):k + 80].rstrip("\n")))
    return text


def main():
    args = sys.argv[1:]
    update = "--update" in args
    only = [a for a in args if not a.startswith("--")]
    names = sorted(f[:-5] for f in os.listdir(GOLDEN_DIR) if f.endswith(".cmds"))
    if only:
        names = [n for n in names if n in only]
    t = ldtest.Tap(len(names))
    if t.skip_all:
        for n in names:
            t.skip(n, t.skip_all)
        return t.done()
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        prepare()
        for n in names:
            t.case(n, check_case, n, update)
    return t.done()


def check_case(name, update):
    got = Case(name).run()
    path = os.path.join(GOLDEN_DIR, name + ".out")
    if update:
        with open(path, "w") as f:
            f.write(got)
        return
    try:
        with open(path) as f:
            expected = f.read()
    except FileNotFoundError:
        raise AssertionError("no %s (run test_golden.py --update)" % path)
    if got != expected:
        raise AssertionError("transcript differs:\n" + unified(expected, got, name))


if __name__ == "__main__":
    sys.exit(main())
