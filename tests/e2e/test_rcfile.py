#!/usr/bin/env python3
"""Command files are trusted only when nobody else could have written them:
~/.layoutdbgrc, -x FILE and `source FILE` are read only when they are a
regular file owned by the user (or root), not writable by group or others,
and at most 64 MiB.  Each unsafe kind is refused in one line naming the
reason, -batch included; -nx skips the rc file; errors inside a command file
name the file and the line.  The ownership cases need a second user: the
test creates one when it runs as root (and skips them otherwise)."""
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(12, probe=False)
TMP = tempfile.mkdtemp(prefix="ldtest-rc-")
os.chmod(TMP, 0o755)
MARK = "rc-was-read"
RC_TEXT = "set args %s\n" % MARK
USER = "ldtest-rc-%d" % os.getpid()
user_made = False


def run(home, opts=(), cmds=("show args",), as_user=None, timeout=15):
    """layoutdbg -batch (no -nx) with HOME=home; returns (rc, out, err)."""
    argv = [ldtest.LAYOUTDBG, "-batch"] + list(opts)
    for c in cmds:
        argv += ["-ex", c]
    if as_user:
        pw = pwd.getpwnam(as_user)
        argv = ["setpriv", "--reuid", str(pw.pw_uid), "--regid", str(pw.pw_gid),
                "--clear-groups"] + argv
    e = ldtest.env()
    e["HOME"] = home
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=e, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("layoutdbg hung (a FIFO or device opened blocking?)")
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def new_home(owner=0):
    d = tempfile.mkdtemp(dir=TMP)
    os.chmod(d, 0o755)
    os.chown(d, owner, -1)
    return d


def was_read(out):
    return MARK in out


def write_rc(home, mode=0o644, owner=None, text=RC_TEXT):
    p = os.path.join(home, ".layoutdbgrc")
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)
    if owner is not None:
        os.chown(p, owner, -1)
    return p


def refused(home, why, opts=(), as_user=None):
    rc, out, err = run(home, opts, as_user=as_user)
    check(not was_read(out), "the unsafe rc file was run", out + err)
    lines = err.splitlines()
    check(len(lines) == 1, "want one line on stderr, got %r" % lines)
    # the file by its full path, as gdb names its ~/.gdbinit
    rc_path = re.escape(os.path.join(home, ".layoutdbgrc"))
    check(re.match(r"^layoutdbg: warning: %s: not read: %s$" % (rc_path, why), lines[0]),
          "unclear refusal: %r (want the reason /%s/)" % (lines[0], why))
    check(rc == 0, "-batch exit status %d: a skipped rc file is not a failed command" % rc)
    search(r'^Argument list to give program being debugged when it is started is ""\.$',
           out, "the session went on")


def need_root():
    if os.geteuid() != 0:
        raise ldtest.Skip("needs root (to create a test user and own files as it)")
    if not shutil.which("useradd") or not shutil.which("setpriv"):
        raise ldtest.Skip("useradd or setpriv is missing")


def test_uid():
    """The test user's uid, created on first use (root only)."""
    global user_made
    need_root()
    if not user_made:
        r = subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin",
                            "-d", "/nonexistent", USER],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise ldtest.Skip("useradd failed: %s" % r.stdout.decode().strip())
        user_made = True
    return pwd.getpwnam(USER).pw_uid


def safe_rc_is_read():
    home = new_home()
    write_rc(home, 0o644)
    rc, out, err = run(home)
    check(was_read(out) and not err and rc == 0, "a safe rc file was not read", out + err)
    rc, out, err = run(home, ["-nx"])
    check(not was_read(out) and not err, "-nx did not skip the rc file", out + err)


t.case("a safe ~/.layoutdbgrc is read in -batch; -nx skips it", safe_rc_is_read)


def group_world_writable():
    for mode, who in ((0o664, "group"), (0o666, "others"), (0o646, "others")):
        home = new_home()
        write_rc(home, mode)
        refused(home, r"writable by %s \(mode %04o\)" % (who, mode))


t.case("a group- or world-writable ~/.layoutdbgrc is refused with its mode",
       group_world_writable)


def not_regular():
    home = new_home()
    os.mkfifo(os.path.join(home, ".layoutdbgrc"), 0o600)
    refused(home, "a FIFO")
    home = new_home()
    os.mkdir(os.path.join(home, ".layoutdbgrc"), 0o700)
    refused(home, "a directory")
    home = new_home()
    os.symlink("/dev/zero", os.path.join(home, ".layoutdbgrc"))
    refused(home, "a character device")


t.case("a FIFO, a directory or a device as ~/.layoutdbgrc: refused at once, no hang",
       not_regular)


def too_big():
    home = new_home()
    p = write_rc(home, 0o644)
    with open(p, "r+b") as f:          # sparse: no 64 MiB written to disk
        f.truncate(64 * 1024 * 1024 + 1)
    refused(home, r"larger than the 64 MiB limit \(67108865 bytes\)")
    rc, out, err = run(home, ["-nx", "-x", p])
    check(rc == 1 and re.match(r"^layoutdbg: %s: not read: larger than the 64 MiB limit"
                               % re.escape(p), err), "-x of a 64 MiB file: %r" % err)


t.case("a command file over 64 MiB is refused, rc and -x", too_big)


def other_owner():
    uid = test_uid()
    home = new_home()
    write_rc(home, 0o644, owner=uid)
    refused(home, r"owned by %s \(uid %d\), not by you or root" % (re.escape(USER), uid))
    home = new_home()
    write_rc(home, 0o600, owner=uid)
    refused(home, r"owned by %s \(uid %d\), not by you or root" % (re.escape(USER), uid))


t.case("root refuses a ~/.layoutdbgrc owned by another user (0644 and 0600)", other_owner)


def symlink_to_other():
    uid = test_uid()
    target = write_rc(new_home(), 0o644, owner=uid)
    home = new_home()
    os.symlink(target, os.path.join(home, ".layoutdbgrc"))
    refused(home, r"owned by %s \(uid %d\), not by you or root" % (re.escape(USER), uid))


t.case("root refuses a ~/.layoutdbgrc symlinked to another user's file", symlink_to_other)


def world_writable_other_owner():
    # the attack: another user's world-writable rc run by root
    uid = test_uid()
    home = new_home()
    write_rc(home, 0o666, owner=uid, text="set args %s\nrun\n" % MARK)
    refused(home, r"owned by %s \(uid %d\), not by you or root" % (re.escape(USER), uid))


t.case("root refuses another user's world-writable rc (the reported attack)",
       world_writable_other_owner)


def user_reads_own_and_roots():
    uid = test_uid()
    home = new_home(owner=uid)
    write_rc(home, 0o600, owner=uid)
    rc, out, err = run(home, as_user=USER)
    if "Permission denied" in err and "layoutdbg" not in err:
        raise ldtest.Skip("the test user cannot reach the layoutdbg binary")
    check(was_read(out) and not err and rc == 0, "the user's own 0600 rc was not read",
          out + err)
    home = new_home(owner=uid)
    write_rc(home, 0o644, owner=0)
    rc, out, err = run(home, as_user=USER)
    check(was_read(out) and not err, "a root-owned rc was not read by the user", out + err)
    home = new_home(owner=uid)
    write_rc(home, 0o620, owner=uid)
    refused(home, r"writable by group \(mode 0620\)", as_user=USER)


t.case("a user reads an rc of their own or root's, and refuses a group-writable one",
       user_reads_own_and_roots)


def x_and_source_refuse():
    home = new_home()
    bad = os.path.join(TMP, "bad-cmds")
    with open(bad, "w") as f:
        f.write(RC_TEXT)
    os.chmod(bad, 0o666)
    rc, out, err = run(home, ["-x", bad], ["show args", "info aslr"])
    check(not was_read(out), "-x ran a world-writable file", out)
    check(err.splitlines() == ["layoutdbg: %s: not read: writable by others (mode 0666)"
                               % bad], "-x refusal: %r" % err)
    check(rc == 1, "-batch exit status %d after a refused -x" % rc)
    rc, out, err = run(home, [], ["source " + bad, "show args", "info aslr"])
    check(not was_read(out), "source ran a world-writable file", out)
    check(err.splitlines() == ["layoutdbg: %s: not read: writable by others (mode 0666)"
                               % bad], "source refusal: %r" % err)
    search(r"^New processes: address randomization", out, "the session went on")
    check(rc == 1, "-batch exit status %d after a refused source" % rc)
    os.chmod(bad, 0o644)
    rc, out, err = run(home, [], ["source " + bad, "show args"])
    check(was_read(out) and not err and rc == 0, "source of a safe file did not run it",
          out + err)


t.case("-x and source refuse a world-writable file (error, exit 1) and read a safe one",
       x_and_source_refuse)


def errors_name_file_and_line():
    home = new_home()
    write_rc(home, 0o644, text="# comment\n\nfrobnicate\nset args %s\nlist 0x\n" % MARK)
    rc, out, err = run(home)
    lines = err.splitlines()
    check(len(lines) == 2, "want two error lines, got %r" % lines)
    rc_path = os.path.join(home, ".layoutdbgrc")
    check(lines[0] == "layoutdbg: %s:3: frobnicate: unknown command; type "
          "`help` for the list" % rc_path, "first error: %r" % lines[0])
    check(lines[1].startswith("layoutdbg: %s:5: list" % rc_path), "second error: %r"
          % lines[1])
    check(was_read(out), "the rc went on after its error", out)
    check(rc == 1, "-batch exit status %d after errors in the rc" % rc)
    # and a -x file, nested through source
    inner = os.path.join(home, "inner")
    with open(inner, "w") as f:
        f.write("info aslr\nnosuchcmd\n")
    outer = os.path.join(home, "outer")
    with open(outer, "w") as f:
        f.write("source %s\nalsonosuch\n" % inner)
    rc, out, err = run(home, ["-nx", "-x", outer], [])
    check(err.splitlines() == [
        "layoutdbg: %s:2: nosuchcmd: unknown command; type `help` for the list" % inner,
        "layoutdbg: %s:2: alsonosuch: unknown command; type `help` for the list" % outer],
        "nested errors: %r" % err)


t.case("errors inside a command file name the file and the line (rc, -x, nested source)",
       errors_name_file_and_line)


def self_sourcing():
    home = new_home()
    p = os.path.join(home, "loop")
    with open(p, "w") as f:
        f.write("source %s\n" % p)
    rc, out, err = run(home, ["-nx"], ["source " + p, "info aslr"])
    check(rc == 1, "exit status %d" % rc)
    lines = err.splitlines()
    check(len(lines) == 1 and "nested more than 16 deep" in lines[0],
          "want one error about the depth: %r" % lines[:3])
    search(r"^New processes: address randomization", out, "the session went on")


t.case("a file that sources itself stops at a depth limit with one error", self_sourcing)


def control_chars_in_name():
    home = new_home()
    name = os.path.join(TMP, "evil\x1b[2J\nname")
    with open(name, "w") as f:
        f.write("nosuch\n")
    os.chmod(name, 0o666)
    rc, out, err = run(home, ["-nx"], ["source " + name])
    check("\x1b" not in err and err.count("\n") == 1, "raw control characters: %r" % err)
    check("evil\\e[2J\\nname: not read" in err, "name not escaped: %r" % err)


t.case("a command file name with ESC and newline is shown escaped in one line",
       control_chars_in_name)

rc = t.done()
if user_made:
    subprocess.run(["userdel", USER], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
shutil.rmtree(TMP, ignore_errors=True)
sys.exit(rc)
