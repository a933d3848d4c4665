"""Shared helpers for layoutdbg's end-to-end tests (stdlib only).

Every test file does:

    import ldtest
    t = ldtest.Tap(N)            # prints the plan; skips everything when
                                 # ptrace is impossible here (see probe)
    t.case("name", func)         # func raises AssertionError to fail,
                                 # ldtest.Skip to skip
    sys.exit(t.done())

Rules kept here so that every test keeps them:
  * real processes under real ptrace; no sleep() to synchronise -- we wait
    for output (expect) or for a process to exit (pidfd), with timeouts only
    as a safety net: a timeout is a failure, never a pass;
  * when ptrace itself is impossible (EPERM in a container, Yama), every
    case is reported as skipped, never as passed;
  * a case that trips over a known bug in src/ is reported as
    "not ok N - name # TODO bug: ..." (an expected failure); when the bug is
    fixed it turns into a plain "ok" by itself.
"""

import atexit
import errno
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.dirname(os.path.dirname(HERE))

# Absolute, so that a test may chdir or hand the path to another program.
LAYOUTDBG = os.path.abspath(os.environ.get("LAYOUTDBG") or os.path.join(
    SRC_ROOT, "build", "src", "layoutdbg"))
FIXTURE_DIR = os.path.abspath(os.environ.get("LD_FIXTURE_DIR") or os.path.join(
    SRC_ROOT, "build", "fixtures"))
DATA_DIR = os.path.abspath(os.environ.get("LD_TEST_DATA") or os.path.join(
    SRC_ROOT, "tests", "data"))

DEFAULT_TIMEOUT = 15.0

# A private HOME: no ~/.layoutdbgrc, no history file of the user's touched.
_HOME = tempfile.mkdtemp(prefix="ldtest-home-")
atexit.register(shutil.rmtree, _HOME, True)


def env(over=None):
    """Environment for layoutdbg and the programs it starts; `over` sets
    variables (a value of None removes one)."""
    e = dict(os.environ)
    e["HOME"] = _HOME
    e["NO_COLOR"] = "1"
    e["INPUTRC"] = "/dev/null"
    e["LC_ALL"] = "C"
    # libc's names and lines as its own symbols give them, whether
    # libc6-dbg is installed or not (test_debugsrc and the goldens use it)
    e["LAYOUTDBG_DEBUG_NAMES"] = "off"
    e.pop("LD_PRELOAD", None)
    for k, v in (over or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    return e


def fixture(name):
    """Path of a built fixture program."""
    return os.path.join(FIXTURE_DIR, name)


def data(name):
    return os.path.join(DATA_DIR, name)


def gdb_available():
    return shutil.which("gdb") is not None


def readelf_available():
    return shutil.which("readelf") is not None


class Skip(Exception):
    """Raise in a case to report it skipped (with the reason)."""


def check_errors(prog, before, bad):
    """Run prog under -batch: the commands before, then each key of bad
    (a command), then kill; the "layoutdbg:" lines on stderr must be
    bad's values, one for each command, in order."""
    rc, out, err = run_batch([prog], list(before) + list(bad) + ["kill"])
    lines = [ln for ln in err.splitlines() if ln.startswith("layoutdbg:")]
    want = ["layoutdbg: " + v for v in bad.values()]
    check(lines == want, "errors %r, want %r" % (lines, want))


def gdb_batch(prog, cmds, cwd=None, timeout=90, keep_stderr=True):
    """gdb -nx -batch on PROG with CMDS (debuginfod off, no shell): its
    stdout as text, stderr merged in unless keep_stderr is false.  Skips
    the case when gdb is missing or does not finish."""
    if not gdb_available():
        raise Skip("gdb is not installed")
    argv = ["gdb", "-nx", "-q", "-batch", "-ex", "set debuginfod enabled off",
            "-ex", "set startup-with-shell off"]
    for c in cmds:
        argv += ["-ex", c]
    try:
        p = subprocess.run(argv + [prog], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT if keep_stderr else subprocess.DEVNULL,
                           env=env({"DEBUGINFOD_URLS": ""}), timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise Skip("gdb did not finish in %d s" % timeout)
    return p.stdout.decode("utf-8", "replace")


def gdb_frame_walk(argv, cmds, timeout=90):
    """gdb's frames at the stop cmds reach in a run of argv, walked with its
    Python API (every frame gdb's settings let it find): a list of (level,
    pc, name).  Skip when gdb gives none."""
    e = env()
    e["DEBUGINFOD_URLS"] = ""
    walk = ("python\nf = gdb.newest_frame()\nwhile f is not None:\n"
            "    print('F %d %#x %s' % (f.level(), f.pc(), f.name()))\n"
            "    f = f.older()\nend")
    gdb = ["gdb", "-nx", "-q", "-batch", "-ex", "set debuginfod enabled off",
           "-ex", "set startup-with-shell off"]
    for c in list(cmds) + [walk]:
        gdb += ["-ex", c]
    try:
        p = subprocess.run(gdb + ["--args"] + list(argv), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=e,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Skip("gdb did not finish in %d s" % timeout)
    out = p.stdout.decode("utf-8", "replace")
    got = [(int(n), int(pc, 16), f) for n, pc, f in
           re.findall(r"^F (\d+) (0x[0-9a-f]+) (\S+)$", out, re.M)]
    if not got:
        raise Skip("gdb could not walk the frames here: " +
                   (out.strip().splitlines() or ["?"])[-1])
    return got


_hw_probe = []


def need_hw_watchpoints():
    """Skip unless a hardware watchpoint set through ptrace fires here
    (fixtures/hwprobe: some hypervisors take debug-register writes and never
    trap).  Asked once per test program."""
    if not _hw_probe:
        p = subprocess.run([fixture("hwprobe")], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=DEFAULT_TIMEOUT)
        why = p.stdout.decode("utf-8", "replace").strip()
        _hw_probe.append(None if p.returncode == 0 else
                         why or "the hardware watchpoint probe failed (exit %d)"
                         % p.returncode)
    if _hw_probe[0]:
        raise Skip(_hw_probe[0])


class Timeout(AssertionError):
    pass


# --------------------------------------------------------------------- TAP

class Tap:
    """TAP 13 output.  The plan is printed at once; when layoutdbg cannot
    ptrace here, every case is reported skipped (check `self.skip_all`)."""

    def __init__(self, planned, probe=True):
        self.planned = planned
        self.n = 0
        self.failed = 0
        self.skip_all = None
        print("TAP version 13")
        print("1..%d" % planned)
        sys.stdout.flush()
        if probe:
            self.skip_all = ptrace_probe()

    def _emit(self, status, rest, diag=None):
        self.n += 1
        print("%s %d - %s" % (status, self.n, rest))
        if diag:
            for d in str(diag).rstrip("\n").splitlines():
                print("# " + d)
        sys.stdout.flush()

    def ok(self, name):
        self._emit("ok", _clean(name))

    def not_ok(self, name, diag=None, todo=None):
        if todo:
            self._emit("not ok", _clean(name) + " # TODO " + _clean(todo), diag)
        else:
            self.failed += 1
            self._emit("not ok", _clean(name), diag)

    def skip(self, name, why):
        self._emit("ok", _clean(name) + " # SKIP " + _clean(why))

    def check(self, name, cond, diag=None, todo=None):
        """One TAP line from a boolean."""
        if self.skip_all:
            self.skip(name, self.skip_all)
        elif cond:
            self.ok(name)
        else:
            self.not_ok(name, diag, todo)
        return bool(cond)

    def case(self, name, func, *args, todo=None):
        """Run func(*args); AssertionError (or any exception) fails it,
        Skip skips it.  `todo` names a known bug in src/: a failure is then
        reported as an expected failure, a pass as a plain ok."""
        if self.skip_all:
            self.skip(name, self.skip_all)
            return None
        try:
            r = func(*args)
        except Skip as e:
            self.skip(name, str(e))
            return None
        except AssertionError as e:
            self.not_ok(name, str(e) or traceback.format_exc(), todo)
            return None
        except Exception:
            self.not_ok(name, traceback.format_exc(), todo)
            return None
        self.ok(name)
        return r

    def done(self):
        """Exit status for the file: 0 when every case passed (or was
        skipped / an expected failure)."""
        while self.n < self.planned:
            self.not_ok("missing test (plan said %d)" % self.planned)
        if self.n > self.planned:
            print("# ran %d cases, planned %d" % (self.n, self.planned))
            self.failed += 1
        return 1 if self.failed else 0


def _clean(s):
    return str(s).replace("\n", " ").replace("#", "\\#")


# ------------------------------------------------------------ assertions

def check(cond, msg, output=None):
    if not cond:
        if output is not None:
            msg = "%s\n--- output ---\n%s" % (msg, _tail(output))
        raise AssertionError(msg)


def search(pattern, text, what=None, flags=re.M):
    """re.search or fail showing the text."""
    m = re.search(pattern, text, flags)
    if not m:
        raise AssertionError("%s: no match for /%s/\n--- output ---\n%s"
                             % (what or "output", pattern, _tail(text)))
    return m


def _tail(text, n=4000):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return text if len(text) <= n else "...\n" + text[-n:]


# ----------------------------------------------------------- batch runs

def layoutdbg_cmd(args=(), cmds=(), batch=True, opts=()):
    """argv for layoutdbg: options (and every -ex) first, then ARGS (the
    PROGRAM and its arguments, or -p PID): after PROGRAM everything is the
    program's."""
    argv = [LAYOUTDBG, "-nx"]
    if batch:
        argv.append("-batch")
    argv += list(opts)
    for c in cmds:
        argv += ["-ex", c]
    return argv + list(args)


def run_batch(args, cmds=(), timeout=DEFAULT_TIMEOUT, opts=(), stdin=None, env_over=None):
    """Run `layoutdbg -batch -ex CMD ... ARGS`; returns (rc, stdout, stderr)
    as text.  A timeout fails the case (the process is killed)."""
    argv = layoutdbg_cmd(args, cmds, True, opts)
    try:
        p = subprocess.run(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env(env_over), timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise Timeout("timed out after %ss: %s\n--- stdout ---\n%s\n--- stderr ---\n%s"
                      % (timeout, " ".join(argv), _tail(e.stdout or b""),
                         _tail(e.stderr or b"")))
    out = p.stdout.decode("utf-8", "replace")
    if _json_session(argv, cmds):
        check_json_output(p.stdout, " ".join(argv))
    return (p.returncode, out, p.stderr.decode("utf-8", "replace"))


_probe_result = []


def ptrace_probe():
    """None when ptrace works here; otherwise why every case must be
    skipped.  Decided once per process, by tracing a child of our own
    with PTRACE_ATTACH through ctypes -- never from layoutdbg's output, so
    a layoutdbg error (even one saying "Operation not permitted") fails
    the cases instead of skipping them.  Yama's ptrace_scope 1 allows
    this (a descendant), as it allows layoutdbg's own runs; scope 3 or a
    seccomp filter refuses it, and then layoutdbg could not work either."""
    if not _probe_result:
        _probe_result.append(_ptrace_attach_child())
    return _probe_result[0]


def _ptrace_attach_child():
    import ctypes
    PTRACE_ATTACH, PTRACE_DETACH = 16, 17
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.restype = ctypes.c_long
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:            # the child: wait on the pipe until told to go
        os.close(w)
        try:
            os.read(r, 1)
        finally:
            os._exit(0)
    os.close(r)
    why = None
    try:
        if libc.ptrace(PTRACE_ATTACH, pid, None, None) == -1:
            e = ctypes.get_errno()
            if e in (errno.EPERM, errno.EACCES, errno.ENOSYS):
                why = "ptrace is not permitted here: PTRACE_ATTACH to a child: %s" % (
                    os.strerror(e))
            else:
                raise OSError(e, "ptrace probe: PTRACE_ATTACH: " + os.strerror(e))
        else:
            os.waitpid(pid, 0)      # the attach stop (__WALL not needed: a process)
            libc.ptrace(PTRACE_DETACH, pid, None, None)
    finally:
        os.close(w)                 # the child reads EOF and exits
        os.waitpid(pid, 0)
    return why


# ------------------------------------------------------- process helpers

def wait_pid_exit(pid, timeout=DEFAULT_TIMEOUT):
    """Wait for a process that is not our child to go away (pidfd becomes
    readable when it exits).  True when it is gone."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    except OSError as e:
        if e.errno == errno.ESRCH:
            return True
        if e.errno != errno.ENOENT:
            raise
        # ENOENT: the kernel has no pidfd for a process whose exit is under
        # way (its leader gone, its threads not yet): watch /proc instead.
        deadline = time.monotonic() + timeout
        while pid_alive(pid):
            if time.monotonic() > deadline:
                return False
            select.select([], [], [], 0.01)
        return True
    try:
        r, _, _ = select.select([fd], [], [], timeout)
        return bool(r)
    finally:
        os.close(fd)


def pid_alive(pid):
    """True when pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except FileNotFoundError:
        return False
    state = stat[stat.rindex(")") + 2]
    return state not in ("Z", "X")


def proc_state(pid):
    """(state letter, syscall number or None) from /proc/PID/stat and
    /proc/PID/syscall; ('', None) when the process is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
        state = stat[stat.rindex(")") + 2]
    except (FileNotFoundError, ProcessLookupError):
        return "", None
    nr = None
    try:
        with open("/proc/%d/syscall" % pid) as f:
            first = f.read().split()
        if first and first[0].lstrip("-").isdigit():
            nr = int(first[0])
    except OSError:
        pass
    return state, nr


def wait_blocked(pid, syscalls=None, states=("S",), timeout=DEFAULT_TIMEOUT):
    """Wait until pid sleeps (state in `states`) inside one of `syscalls`
    (x86-64 numbers; None: any).  This waits on the process's own state,
    re-reading it until the condition holds -- not a guessed delay.  Fails
    on timeout."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        st, nr = proc_state(pid)
        if st in states and (syscalls is None or nr in syscalls):
            return
        if not seen or seen[-1] != (st, nr):
            seen.append((st, nr))
        if st == "" or time.monotonic() > deadline:
            raise Timeout("process %d never blocked in %r; (state, syscall) seen: %r\n%s"
                          % (pid, syscalls, seen[:20], _proc_diag(pid)))
        os.sched_yield()


def _proc_diag(pid):
    """A few /proc facts about pid, for failure messages."""
    out = []
    try:
        with open("/proc/%d/status" % pid) as f:
            out += [l for l in f.read().splitlines()
                    if l.split(":")[0] in ("State", "TracerPid", "SigPnd", "ShdPnd",
                                           "SigBlk", "SigIgn", "SigCgt")]
        with open("/proc/%d/wchan" % pid) as f:
            out.append("wchan: " + f.read())
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
        fields = st[st.rindex(")") + 2:].split()
        out.append("pgrp %s session %s tty_nr %s tpgid %s" % tuple(fields[2:6]))
    except OSError as e:
        out.append(str(e))
    return "\n".join(out)


SYS_READ = 0
SYS_SELECT = 23
SYS_WAIT4 = 61
SYS_PSELECT6 = 270
SYS_PPOLL = 271
SYS_POLL = 7
PROMPT_WAITS = (SYS_SELECT, SYS_PSELECT6, SYS_POLL, SYS_PPOLL, SYS_READ)


def tracer_pid(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("TracerPid:"):
                return int(line.split()[1])
    return 0


def children_of(pid):
    """Direct children of pid (from /proc/PID/task/*/children)."""
    kids = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                    kids += [int(x) for x in f.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return kids


def read_maps(pid):
    with open("/proc/%d/maps" % pid) as f:
        return f.read().splitlines()


def text_checksums(pid):
    """{(start, end, path): bytes} of every r-xp mapping's contents, read
    through /proc/PID/mem (not [vsyscall], which cannot be read)."""
    import hashlib
    out = {}
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        for line in read_maps(pid):
            f = line.split()
            if f[1] != "r-xp" or (len(f) > 5 and f[5] == "[vsyscall]"):
                continue
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            mem.seek(lo)
            out[(lo, hi, f[5] if len(f) > 5 else "")] = hashlib.sha256(
                mem.read(hi - lo)).hexdigest()
    return out


def read_mem(pid, addr, n):
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        mem.seek(addr)
        return mem.read(n)


# ------------------------------------------------------ the JSON contract

SCHEMA_PATH = os.path.join(SRC_ROOT, "doc", "json", "layoutdbg.schema.json")
_validator = []


def _json_session(argv, cmds=()):
    """Whether a run prints JSON documents: --json, or `set json on`."""
    return "--json" in argv or any(re.match(r"\s*set\s+json\s+on\b", c) for c in cmds)


def json_validator():
    """The Draft 2020-12 validator of doc/json/layoutdbg.schema.json, or
    None when python3-jsonschema is not installed (test_json.py then
    reports a skip that tests/summary.py does not allow: CI fails)."""
    if not _validator:
        try:
            import jsonschema
        except ImportError:
            _validator.append(None)
            return None
        with open(SCHEMA_PATH) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        _validator.append(jsonschema.Draft202012Validator(schema))
    return _validator[0]


def check_json_output(raw, where):
    """Every document layoutdbg printed under --json (a stdout line that
    starts with '{'; the program's own lines do not) is one valid JSON
    value that the schema accepts.  Fails the case otherwise."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    corpus = os.environ.get("LD_JSON_CORPUS")
    v = json_validator()
    for n, line in enumerate(raw.split(b"\n"), 1):
        if not line.startswith(b"{"):
            continue
        try:
            d = json.loads(line.decode("utf-8"))
        except ValueError as e:
            raise AssertionError("%s: line %d is not one JSON document (%s): %r"
                                 % (where, n, e, line[:300]))
        if corpus:
            with open(corpus, "a") as f:
                f.write(json.dumps(d) + "\n")
        bad = key_order_error(d)
        if bad:
            raise AssertionError("%s: line %d breaks the key-order rule of doc/json (%s): %s"
                                 % (where, n, bad, line[:600].decode("utf-8", "replace")))
        if v is None:
            continue
        errs = sorted(v.iter_errors(d), key=lambda e: list(e.absolute_path))
        if errs:
            e = errs[0]
            raise AssertionError("%s: line %d breaks doc/json (%s at /%s; %d errors): %s"
                                 % (where, n, e.message[:300],
                                    "/".join(str(x) for x in e.absolute_path), len(errs),
                                    line[:600].decode("utf-8", "replace")))


NAMING_KEYS = ("command", "event", "error", "warning", "format")


def key_order_error(d):
    """The key-order rule of doc/json/README.md: the first key names the
    document (a file's "format" is followed by "version"), and a command's
    keys come in the order its schema lists them.  None when kept."""
    keys = list(d)
    if not keys or keys[0] not in NAMING_KEYS:
        return "first key %r" % (keys[:1] or None)
    if keys[0] == "format" and keys[1:2] != ["version"]:
        return "a file's second key is %r, not 'version'" % (keys[1:2] or None)
    if keys[0] != "command" or not _schema_defs():
        return None
    import re as _re
    cdef = _schema_defs().get("cmd_" + _re.sub(r"[^a-z0-9]+", "_", str(d["command"])), {})
    for branch in cdef.get("oneOf", [cdef]):
        order = list(branch.get("properties", {}))
        if set(keys) <= set(order):
            if keys != sorted(keys, key=order.index):
                return "keys %r, schema order %r" % (keys, order)
            return None
    return None


_defs = []


def _schema_defs():
    if not _defs:
        with open(SCHEMA_PATH) as f:
            _defs.append(json.load(f)["$defs"])
    return _defs[0]


def check_json_file(raw, where):
    """A file layoutdbg wrote (save, export .json): one document the
    schema accepts."""
    check_json_output(json.dumps(json.loads(raw)).encode(), where)


# --------------------------------------------------------- expect on fds

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|[\r\x07]")


class Reader:
    """Accumulates what comes out of one fd; expect() waits (select, not
    sleep) for a regex to appear after the previous match."""

    def __init__(self, fd, strip_ansi=False):
        self.fd = fd
        self.raw = b""
        self.pos = 0
        self.eof = False
        self.strip_ansi = strip_ansi

    @property
    def text(self):
        t = self.raw.decode("utf-8", "replace")
        return _ANSI.sub("", t) if self.strip_ansi else t

    def _fill(self, timeout):
        if self.eof:
            return False
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError as e:
            if e.errno != errno.EIO:     # EIO: pty slave closed
                raise
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.raw += chunk
        return True

    def drain(self, timeout=0.0):
        """Read what is available now (nothing is waited for)."""
        while self._fill(timeout):
            pass
        return self.text

    def expect(self, pattern, timeout=DEFAULT_TIMEOUT, flags=re.M):
        """Wait until `pattern` matches past the last match; returns the
        match.  Fails (never passes) on timeout or end of file."""
        rx = re.compile(pattern, flags)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.text, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or self.eof:
                why = "end of output" if self.eof else "timeout after %ss" % timeout
                raise Timeout("%s waiting for /%s/\n--- output since last match ---\n%s"
                              % (why, pattern, _tail(self.text[self.pos:])))
            self._fill(left)

    def wait_eof(self, timeout=DEFAULT_TIMEOUT):
        deadline = time.monotonic() + timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("timeout waiting for end of output")
            self._fill(left)
        return self.text


def reap(p):
    """Kill a subprocess.Popen if it still runs, wait for it, close its
    pipes."""
    if p.poll() is None:
        p.kill()
        p.wait()
    for f in (p.stdin, p.stdout, p.stderr):
        try:
            if f:
                f.close()
        except OSError:
            pass


class PipeSession:
    """layoutdbg driven through pipes (stdin not a terminal: commands are
    read line by line).  .out and .err are Readers."""

    def __init__(self, args=(), opts=("-q",)):
        self.argv = layoutdbg_cmd(args, (), batch=False, opts=opts)
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env())
        self.pid = self.p.pid
        self.out = Reader(self.p.stdout.fileno())
        self.err = Reader(self.p.stderr.fileno())

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def close_stdin(self):
        if not self.p.stdin.closed:
            self.p.stdin.close()

    def wait(self, timeout=DEFAULT_TIMEOUT):
        """Exit status; a timeout kills it and fails."""
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise Timeout("layoutdbg did not exit within %ss" % timeout)

    def finish(self, timeout=DEFAULT_TIMEOUT):
        """Close stdin, wait, collect the rest of both outputs."""
        self.close_stdin()
        rc = self.wait(timeout)
        self.out.drain()
        self.err.drain()
        self._check_json()
        return rc

    def _check_json(self):
        if _json_session(self.argv) and not getattr(self, "_json_checked", False):
            self._json_checked = True
            # the last line may be cut short by a kill: only whole lines
            check_json_output(self.out.raw[:self.out.raw.rfind(b"\n") + 1],
                              " ".join(self.argv))

    def kill(self):
        reap(self.p)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None and not self.out.eof:
            self.out.drain()
        self.kill()
        if exc[0] is None:
            self._check_json()


class Pty:
    """layoutdbg on a real pseudo-terminal (it is the controlling terminal
    of layoutdbg and of the programs it runs, so Ctrl-C reaches both).
    Output is read with ANSI escapes and CRs stripped."""

    # rows: tall enough that no test's output meets the pager (gdb's
    # --Type <RET> for more-- prompt, after rows-1 rows); pager tests
    # ask for a short window.
    def __init__(self, args=(), opts=("-q",), rows=1000, cols=200, env_over=None):
        import fcntl
        import pty
        import struct
        import termios
        argv = layoutdbg_cmd(args, (), batch=False, opts=opts)
        e = env(env_over)
        e["TERM"] = "dumb"
        pid, fd = pty.fork()
        if pid == 0:    # child: set a wide window so readline never wraps
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ,
                            struct.pack("HHHH", rows, cols, 0, 0))
                os.execve(argv[0], argv, e)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.status = None
        self.r = Reader(fd, strip_ansi=True)

    def expect(self, pattern, timeout=DEFAULT_TIMEOUT):
        return self.r.expect(pattern, timeout)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        os.write(self.fd, data)

    def sendline(self, line):
        self.send(line + "\r")

    @property
    def text(self):
        return self.r.text

    def wait_blocked(self, pid, syscalls=None, states=("S",), timeout=DEFAULT_TIMEOUT):
        """wait_blocked(), adding what the terminal showed to a failure."""
        try:
            wait_blocked(pid, syscalls, states, timeout)
        except Timeout as e:
            self.r.drain()
            raise Timeout("%s\nlayoutdbg %d: %r\n%s\n--- terminal ---\n%s"
                          % (e, self.pid, proc_state(self.pid), _proc_diag(self.pid),
                             _tail(self.text)))

    def at_prompt(self):
        """layoutdbg printed its prompt and sleeps waiting for a key (so a
        key or a signal sent now finds it at the prompt)."""
        self.wait_blocked(self.pid, PROMPT_WAITS)

    def wait(self, timeout=DEFAULT_TIMEOUT):
        """Exit status (as from os.waitstatus_to_exitcode); fails on
        timeout.  Keeps reading the pty so the child never blocks on it."""
        if self.status is not None:
            return self.status
        pfd = os.pidfd_open(self.pid)
        try:
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout("layoutdbg did not exit within %ss\n%s"
                                  % (timeout, _tail(self.text)))
                fds = [pfd] if self.r.eof else [pfd, self.fd]
                r, _, _ = select.select(fds, [], [], left)
                if self.fd in r:
                    self.r._fill(0)
                if pfd in r:
                    break
        finally:
            os.close(pfd)
        _, st = os.waitpid(self.pid, 0)
        self.status = os.waitstatus_to_exitcode(st)
        self.r.drain()
        return self.status

    def close(self):
        """Kill it if still there; release the pty."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.wait(5)
            except (Timeout, ChildProcessError):
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Waiter:
    """The waiter fixture, started by the test with pipes.  It prints
    "pid N marker 0xADDR" and then blocks in read(2) on stdin."""

    def __init__(self):
        self.p = subprocess.Popen([fixture("waiter")], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env())
        self.pid = self.p.pid
        self.out = Reader(self.p.stdout.fileno())
        m = self.out.expect(r"^pid (\d+) marker (0x[0-9a-f]+)\n")
        check(int(m.group(1)) == self.pid, "waiter printed another pid", self.out.text)
        self.marker = int(m.group(2), 16)

    def write(self, s):
        self.p.stdin.write(s.encode())
        self.p.stdin.flush()

    def close_stdin(self):
        if not self.p.stdin.closed:
            self.p.stdin.close()

    def wait(self, timeout=DEFAULT_TIMEOUT):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Timeout("waiter %d did not exit within %ss" % (self.pid, timeout))

    def kill(self):
        if self.p.poll() is None:
            try:
                self.p.kill()
            except ProcessLookupError:
                pass
            # A tracee stopped under a dead/detaching tracer still dies of
            # SIGKILL; wait() reaps it.
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for f in (self.p.stdin, self.p.stdout, self.p.stderr):
            try:
                f.close()
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


# ------------------------------------------------- parsing layoutdbg output

GDB_ROW = re.compile(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+"
                     r"(0x[0-9a-f]+)\s+([-r][-w][-x][ps])(?:\s+(.*?))?\s*$")
MAPS_LINE = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) ([-r][-w][-x][ps]) ([0-9a-f]+) "
                       r"([0-9a-f]+:[0-9a-f]+) (\d+)\s*(.*?)\s*$")


def _rows_after(text, header, row, what):
    """The lines matching row right after the first line matching header."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if re.match(header, l):
            rows = []
            for r in lines[i + 1:]:
                if not row.match(r):
                    break
                rows.append(r)
            return rows
    raise AssertionError("no %s\n" % what + _tail(text))


def gdb_table_lines(text):
    """The rows (raw lines) of the first gdb-style mappings table."""
    return _rows_after(text, r"^\s+Start Addr\s+End Addr\s+Size\s+Offset\s+Perms\s+objfile",
                       GDB_ROW, "`Start Addr ... objfile` table")


def parse_gdb_rows(rows):
    out = []
    for r in rows:
        m = GDB_ROW.match(r)
        out.append({"start": int(m.group(1), 16), "end": int(m.group(2), 16),
                    "size": int(m.group(3), 16), "offset": int(m.group(4), 16),
                    "perms": m.group(5), "objfile": m.group(6) or ""})
    return out


def raw_maps_lines(text):
    """The first run of /proc/PID/maps lines (what `info proc maps` prints)."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if MAPS_LINE.match(l):
            rows = []
            for r in lines[i:]:
                if not MAPS_LINE.match(r):
                    break
                rows.append(r)
            return rows
    raise AssertionError("no /proc/PID/maps lines (`info proc maps`)\n" + _tail(text))


def parse_maps_lines(lines):
    out = []
    for l in lines:
        m = MAPS_LINE.match(l)
        check(m, "not a maps line: %r" % l)
        out.append({"start": int(m.group(1), 16), "end": int(m.group(2), 16),
                    "size": int(m.group(2), 16) - int(m.group(1), 16),
                    "offset": int(m.group(4), 16), "perms": m.group(3),
                    "objfile": m.group(7)})
    return out


def loc(func):
    """A location as gdb prints it in a stop line, a frame or after finish:
    `0x... in FUNC (ARGS) [<+N>] [from LIB | at FILE:LINE]`, where the
    address is left out when the pc starts a source line."""
    return r"(?:0x[0-9a-f]+ in )?%s \([^)]*\)" % re.escape(func)


def stop_rx(num, func, temporary=False):
    return r"^%s %d, %s" % ("Temporary breakpoint" if temporary else "Breakpoint",
                            num, loc(func))


# Every breakpoint report: (kind, number, function)
STOP_LINE = re.compile(r"^(Temporary breakpoint|Breakpoint) (\d+), "
                       r"(?:0x[0-9a-f]+ in )?(\S+) \(", re.M)


def stops(out):
    return [(int(n), f) for _, n, f in STOP_LINE.findall(out)]


def register(out, name):
    """Value of the last `info registers NAME` line."""
    v = re.findall(r"^%s\s+(0x[0-9a-f]+)" % name, out, re.M)
    check(v, "no `%s` register line" % name, out)
    return int(v[-1], 16)


def count_frames(bt_text):
    return len(re.findall(r"^#\d+\s", bt_text, re.M))
