#!/usr/bin/env python3
"""`save` and `export` never destroy or redirect the user's data: files are
replaced atomically (temporary file in the same directory, fsync, rename);
a symlink (even dangling), a device or FIFO at the final path, and a
directory of another user's that others may write are refused unless
--force; on failure (a full disk, no permission) the previous file is
intact, no temporary file is left, and the one-line message gives the real
cause.  Each case checks the message, the -batch exit status, that the
session went on, and what is on disk."""
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

import ldtest
from ldtest import check, search

t = ldtest.Tap(10)
HEAP = ldtest.fixture("heap")
TMP = tempfile.mkdtemp(prefix="ldtest-saves-")
os.chmod(TMP, 0o755)
SNAP = os.path.join(TMP, "snap.json")
PRECIOUS = "precious data\n"
# every way of writing a file: (command, extension)
WRITERS = [("save %%1 %s", "json"), ("export %%1 %s", "json"), ("export %%1 %s", "svg"),
           ("export %%1 %s", "html"), ("export %%1..%%1 %s", "json"), ("export %%1..%%1 %s", "svg")]


def make_snapshot():
    if not os.path.exists(SNAP):
        rc, out, err = ldtest.run_batch([HEAP], ["break main", "run", "snapshot",
                                                 "save %1 " + SNAP])
        check(rc == 0 and os.path.exists(SNAP), "could not make a snapshot: %s" % err)


def session(cmds, as_nobody=False):
    """layoutdbg -batch: load the snapshot, then cmds, then `info aslr`."""
    make_snapshot()
    argv = ldtest.layoutdbg_cmd([], ["load " + SNAP] + cmds + ["info aslr"])
    if as_nobody:
        argv = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"] + argv
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ldtest.env(), timeout=30)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    search(r"^New processes: address randomization", out, "the session went on")
    return p.returncode, out, err


def leftovers(d):
    """Temporary files (ours are hidden: .NAME.XXXXXX) left in d."""
    return [n for n in os.listdir(d) if n.startswith(".")]


def one_error(rc, err, pattern):
    lines = err.splitlines()
    check(len(lines) == 1, "want one error line, got %r" % lines)
    check(re.match(pattern, lines[0]), "error %r does not match /%s/" % (lines[0], pattern))
    check(rc == 1, "-batch exit status %d after a refused write" % rc)


def fresh_dir(name):
    d = os.path.join(TMP, name)
    os.makedirs(d)
    return d


def precious(path):
    with open(path, "w") as f:
        f.write(PRECIOUS)


def intact(path):
    with open(path) as f:
        check(f.read() == PRECIOUS, "%s was changed" % path)


def replaces_whole():
    d = fresh_dir("replace")
    for i, (cmd, ext) in enumerate(WRITERS):
        p = os.path.join(d, "out%d.%s" % (i, ext))
        precious(p)
        os.chmod(p, 0o640)
        ino = os.stat(p).st_ino
        keep = os.open(p, os.O_RDONLY)          # so that its inode is not reused
        try:
            rc, out, err = session([cmd % p, cmd % p])      # twice: scripts re-export
        finally:
            os.close(keep)
        check(rc == 0 and not err, "%s: exit %d, %r" % (cmd, rc, err))
        data = open(p, "rb").read()
        check(len(data) > 100 and PRECIOUS.encode() not in data, "%s: not replaced" % cmd)
        check(os.stat(p).st_ino != ino, "%s: written in place, not renamed over" % cmd)
        check(stat.S_IMODE(os.stat(p).st_mode) == 0o640, "%s: mode not kept" % cmd)
    check(not leftovers(d), "temporary files left: %r" % leftovers(d))


t.case("save/export replace an existing file whole (new inode, mode kept, no temp file)",
       replaces_whole)


def symlinks():
    d = fresh_dir("symlinks")
    target = os.path.join(d, "target")
    precious(target)
    for i, (cmd, ext) in enumerate(WRITERS):
        link = os.path.join(d, "link%d.%s" % (i, ext))
        os.symlink(target, link)
        dangling = os.path.join(d, "dangling%d.%s" % (i, ext))
        os.symlink(os.path.join(d, "nowhere%d" % i), dangling)
        for p in (link, dangling):
            rc, out, err = session([cmd % p])
            word = cmd.split()[0]
            one_error(rc, err, r"^layoutdbg: %s:? %s: is a symlink \(not followed; --force "
                      r"writes to its target\)$" % (word, re.escape(p)))
            check(os.path.islink(p), "the link was replaced")
        intact(target)
        check(not os.path.exists(os.path.join(d, "nowhere%d" % i)),
              "a dangling link's target was created")
    check(not leftovers(d), "temporary files left: %r" % leftovers(d))


t.case("a symlink (or a dangling one) at the path: refused, its target untouched",
       symlinks)


def forced_symlink():
    d = fresh_dir("forced")
    target = os.path.join(d, "target.json")
    precious(target)
    link = os.path.join(d, "link.json")
    os.symlink(target, link)
    rc, out, err = session(["save --force %1 " + link, "export --force %1 " + link])
    check(rc == 0 and not err, "exit %d, %r" % (rc, err))
    check(os.path.islink(link) and '"format": "layoutdbg-' in open(target).read(),
          "--force did not write the link's target")
    check(not leftovers(d), "temporary files left: %r" % leftovers(d))


t.case("--force writes through a symlink to its target", forced_symlink)


def devices_and_fifos():
    d = fresh_dir("fifo")
    for i, (cmd, ext) in enumerate(WRITERS):
        fifo = os.path.join(d, "pipe%d.%s" % (i, ext))
        os.mkfifo(fifo)
        rc, out, err = session([cmd % fifo])
        one_error(rc, err, r"^layoutdbg: %s:? %s: is a FIFO \(--force writes to it\)$"
                  % (cmd.split()[0], re.escape(fifo)))
        check(stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced")
    rc, out, err = session(["save %1 /dev/null"])
    one_error(rc, err, r"^layoutdbg: save: /dev/null: is a character device \(--force "
              r"writes to it\)$")
    rc, out, err = session(["save --force %1 /dev/null"])
    check(rc == 0 and not err, "--force onto /dev/null: exit %d, %r" % (rc, err))
    check(stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null was replaced")
    check(not leftovers(d), "temporary files left: %r" % leftovers(d))


t.case("a FIFO or a device at the path: refused at once (no hang); --force writes to it",
       devices_and_fifos)


def in_tmpfs(script):
    """Run a shell script in a private mount namespace with a 96 KiB tmpfs
    at $FS; skips when that cannot be done here."""
    if not shutil.which("unshare"):
        raise ldtest.Skip("no unshare(1)")
    fs = os.path.join(TMP, "tmpfs")
    os.makedirs(fs, exist_ok=True)
    probe = subprocess.run(["unshare", "-m", "sh", "-c",
                            "mount -t tmpfs -o size=96k,mode=0755 none %s" % fs],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if probe.returncode != 0:
        raise ldtest.Skip("cannot mount a small tmpfs here: %s"
                          % probe.stdout.decode().strip())
    e = ldtest.env()
    e["FS"] = fs
    p = subprocess.run(["unshare", "-m", "sh", "-ec",
                        "mount -t tmpfs -o size=96k,mode=0755 none \"$FS\"\n" + script],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def disk_full():
    make_snapshot()
    fs = os.path.join(TMP, "tmpfs")
    q = shlex.quote
    fill, runs = [], []
    for i, (cmd, ext) in enumerate(WRITERS):
        p = os.path.join(fs, "out%d.%s" % (i, ext))
        e = os.path.join(TMP, "err%d.txt" % i)
        fill.append("printf 'precious data\\n' > %s" % q(p))
        argv = ldtest.layoutdbg_cmd([], ["load " + SNAP, cmd % p, "info aslr"])
        runs.append("if %s >/dev/null 2>%s; then echo rc0 >> %s; else echo \"rc$?\" >> %s; fi"
                    % (" ".join(map(q, argv)), q(e), q(e), q(e)))
    # fill the file system to the last block: every snapshot file is larger
    script = "\n".join(fill + ["dd if=/dev/zero of=$FS/filler bs=1k count=200 "
                               "2>/dev/null || true"] + runs +
                        ["for f in $FS/out*; do grep -qx 'precious data' $f && "
                         "[ $(wc -c < $f) = 14 ] || echo \"CHANGED $f\"; done",
                         "ls -A $FS"])
    rc, out, err = in_tmpfs(script)
    check(rc == 0, "the script failed: %s" % err)
    check("CHANGED" not in out, "a previous file was changed: %s" % out)
    names = out.split()
    check(not [n for n in names if n.startswith(".")], "temporary files left: %r" % names)
    for i, (cmd, ext) in enumerate(WRITERS):
        e = open(os.path.join(TMP, "err%d.txt" % i)).read()
        word = cmd.split()[0]
        p = os.path.join(fs, "out%d.%s" % (i, ext))
        check(re.match(r"^layoutdbg: %s:? %s: No space left on device\nrc1\n$"
                       % (word, re.escape(p)), e),
              "%s: want one `No space left on device` line and exit 1, got %r" % (cmd, e))


t.case("a full disk (small tmpfs): `No space left on device`, previous file intact, "
       "no temporary file", disk_full)


def permission_denied():
    d = fresh_dir("readonly")
    p = os.path.join(d, "out.json")
    precious(p)
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            raise ldtest.Skip("root, and no setpriv to drop privileges")
        make_snapshot()
        os.chmod(SNAP, 0o644)                # nobody reads it
        nobody = True
    else:
        os.chmod(d, 0o555)
        nobody = False
    for cmd, ext in WRITERS[:2]:
        rc, out, err = session([cmd % p], as_nobody=nobody)
        one_error(rc, err, r"^layoutdbg: %s:? %s: Permission denied$"
                  % (cmd.split()[0], re.escape(p)))
    os.chmod(d, 0o755)
    intact(p)
    check(not leftovers(d), "temporary files left: %r" % leftovers(d))


t.case("a directory the user may not write: `Permission denied`, file intact",
       permission_denied)


def unsafe_directory():
    if os.geteuid() != 0:
        raise ldtest.Skip("needs root to make a directory another user owns")
    d = fresh_dir("shared")
    os.chown(d, 65534, 65534)
    os.chmod(d, 0o777)
    p = os.path.join(d, "out.json")
    rc, out, err = session(["save %1 " + p])
    one_error(rc, err, r"^layoutdbg: save: %s: the directory is \S+'s \(uid 65534\) and "
              r"writable by others \(mode 0777\); --force writes there anyway$"
              % re.escape(p))
    check(not os.path.exists(p), "written anyway")
    rc, out, err = session(["save --force %1 " + p])
    check(rc == 0 and os.path.exists(p), "--force did not write: %r" % err)


t.case("a directory another user owns and others may write: refused unless --force",
       unsafe_directory)


def real_errno():
    p = os.path.join(TMP, "no", "such", "dir", "x.json")
    for cmd, ext in WRITERS:
        q = p[:-4] + ext
        rc, out, err = session([cmd % q])
        one_error(rc, err, r"^layoutdbg: %s:? %s: No such file or directory$"
                  % (cmd.split()[0], re.escape(q)))
    rc, out, err = session(["export timeline " + p])
    one_error(rc, err, r"^layoutdbg: export timeline %s: No such file or directory$"
              % re.escape(p))


t.case("an export that cannot be written says why (not `Input/output error`)", real_errno)


def directory_path():
    d = fresh_dir("isdir")
    rc, out, err = session(["save %1 " + d])
    one_error(rc, err, r"^layoutdbg: save: %s: Is a directory$" % re.escape(d))


t.case("a directory as the path: `Is a directory`", directory_path)


def escaped_names():
    d = fresh_dir("names")
    p = os.path.join(d, "evil\x1b[2J\nname.json")
    rc, out, err = session(["save %1 " + p])
    check(rc == 0 and "\x1b" not in out and "evil\\e[2J\\nname.json" in out,
          "the file name reached the terminal raw: %r" % out)
    rc, out, err = session(["load " + p, "snapshots"])
    check("\x1b" not in out + err, "raw ESC in the output: %r" % (out + err))


t.case("a file name with ESC and newline is printed escaped", escaped_names)

rc = t.done()
shutil.rmtree(TMP, ignore_errors=True)
sys.exit(rc)
