#!/usr/bin/env python3
"""Residency against /proc and pmap: the pages fixture touches 16 of 64
anonymous pages, mlocks 4, drops 4 (MADV_DONTNEED), writes one page of a
privately mapped file and forks.  At each stop (marker(step)) layoutdbg's
`info proc smaps` must equal /proc/PID/smaps and `pmap -X` read at the same
stop, and the diffs of the snapshots taken there must show the fixture's
own page counts."""
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile

import ldtest
from ldtest import check

t = ldtest.Tap(11)
PROG = ldtest.fixture("pages")
PG = os.sysconf("SC_PAGESIZE")
KIB = PG // 1024


def read_smaps(pid):
    """{start: {field: kB}} from /proc/PID/smaps."""
    out, cur = {}, None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+)-[0-9a-f]+ ", line)
            if m:
                cur = out.setdefault(int(m.group(1), 16), {})
                continue
            k, _, v = line.partition(":")
            v = v.split()
            if k == "VmFlags":
                cur[k] = v
            elif v:
                cur[k] = int(v[0])
    return out


def read_pmap(pid):
    """{start: {column: value}} from pmap -X."""
    lines = subprocess.run(["pmap", "-X", str(pid)], stdout=subprocess.PIPE,
                           text=True, check=True).stdout.splitlines()
    head = lines[1].split()
    out = {}
    for line in lines[2:]:
        f = line.split()
        # the totals line starts with a number too: rows have perms
        if len(f) < 2 or not re.match(r"^[r-][w-][x-][ps]$", f[1]):
            continue
        out[int(f[0], 16)] = dict(zip(head, f))
    return out


class Stops:
    """layoutdbg --json through pipes, stopping at marker(step)."""

    def __init__(self):
        self.s = ldtest.PipeSession([PROG], opts=("-q", "--json"))
        self.s.send("break marker")
        self.truth = []
        self.smaps = []
        self.snaps = []

    def doc(self, command):
        m = self.s.out.expect(r'^(\{"command":"%s".*\})\n' % re.escape(command))
        return json.loads(m.group(1))

    def next_stop(self, first):
        self.s.send("run" if first else "continue")
        m = self.s.out.expect(r"^step (\d) anon (0x[0-9a-f]+) resident (\d+) file (\S+)$")
        self.truth.append((int(m.group(1)), int(m.group(2), 16), int(m.group(3)),
                           m.group(4)))
        self.doc("run" if first else "continue")
        self.s.send("info proc smaps")
        d = self.doc("info proc smaps")
        # the oracles, read while the process is still stopped there
        self.smaps.append((d, read_smaps(d["pid"]),
                           read_pmap(d["pid"]) if shutil.which("pmap") else None))
        self.s.send("snapshot")
        self.snaps.append(self.doc("snapshot")["snapshot"])

    def diff(self, a, b):
        self.s.send("diff %s %s" % (a, b))
        return self.doc("diff")["diff"]


def session():
    st = Stops()
    try:
        for i in range(5):
            st.next_stop(i == 0)
        diffs = [st.diff("%%%d" % i, "%%%d" % (i + 1)) for i in range(1, 5)]
        st.s.send("show %2")
        st.show = st.doc("show")["snapshot"]
        st.s.send("diff --by-object %1 %2")
        st.objdiff = st.doc("diff")["by_object"]
        st.s.send("kill")
        st.s.finish()
    finally:
        st.s.kill()
    return st, diffs


S = None


def get():
    global S
    if S is None:
        ldtest.ptrace_probe()
        S = session()
    return S


def equal_smaps():
    st, _ = get()
    fields = {"Size": "size", "Rss": "rss", "Pss": "pss", "Shared_Clean": "shared_clean",
              "Shared_Dirty": "shared_dirty", "Private_Clean": "private_clean",
              "Private_Dirty": "private_dirty", "Referenced": "referenced",
              "Anonymous": "anonymous", "Swap": "swap", "SwapPss": "swap_pss",
              "AnonHugePages": "anon_huge_pages", "Locked": "locked"}
    for d, truth, _ in st.smaps:
        ours = {int(m["start_hex"], 16): m["smaps"] for m in d["mappings"]}
        check(sorted(ours) == sorted(truth), "mappings differ from /proc/PID/smaps")
        for start, kv in truth.items():
            shared = kv.get("Shared_Clean", 0) + kv.get("Shared_Dirty", 0)
            for k, j in fields.items():
                if k in kv and not (shared and k == "Pss"):
                    check(ours[start].get(j) == kv[k] * 1024,
                          "0x%x %s: layoutdbg %s, smaps %s kB" % (start, k,
                                                                  ours[start].get(j), kv[k]))
            check(ours[start].get("vmflags") == kv.get("VmFlags"), "0x%x VmFlags" % start)
            if "THPeligible" in kv:
                check(ours[start].get("thp_eligible") == kv["THPeligible"], "THPeligible")


t.case("info proc smaps equals /proc/PID/smaps at each of 5 stops", equal_smaps)


def equal_pmap():
    st, _ = get()
    if st.smaps[0][2] is None:
        raise ldtest.Skip("pmap (procps) is not installed")
    cols = {"Size": "size", "Rss": "rss", "Pss": "pss", "Referenced": "referenced",
            "Anonymous": "anonymous", "Swap": "swap", "SwapPss": "swap_pss",
            "Locked": "locked", "THPeligible": "thp_eligible"}
    for d, _, pm in st.smaps:
        ours = {int(m["start_hex"], 16): m["smaps"] for m in d["mappings"]}
        check(sorted(ours) == sorted(pm), "mappings differ from pmap -X")
        for start, row in pm.items():
            shared = ours[start].get("shared_clean", 0) + ours[start].get("shared_dirty", 0)
            for c, j in cols.items():
                # Pss of a page other processes map (libc's text) moves
                # as they come and go: pmap itself maps libc
                if c not in row or (shared and c == "Pss"):
                    continue
                want = int(row[c]) * (1 if c == "THPeligible" else 1024)
                check(ours[start].get(j) == want,
                      "0x%x %s: layoutdbg %s, pmap -X %s" % (start, c, ours[start].get(j),
                                                            row[c]))


t.case("info proc smaps equals pmap -X at each stop", equal_pmap)


def entries(diff, addr):
    """The touched entries and changes whose mapping (after, else before)
    holds addr: the fixture's mapping may have merged with a neighbour."""
    out = []
    for c in diff["touched"] + diff["changes"]:
        m = c.get("after") or c.get("before")
        if m and m["start"] <= addr < m["end"]:
            out.append(c)
    return out


def in_range(diff, lo, hi):
    return [c for c in diff["touched"] + diff["changes"]
            if c.get("after") and lo <= c["after"]["start"] < hi]


def touched_pages():
    st, diffs = get()
    anon = st.truth[0][1]
    check(all(d["pages"] for d in diffs), "a diff without page counts")
    c = entries(diffs[0], anon)
    check(len(c) == 1 and c[0]["kind"] == "touched",
          "%%1 -> %%2: the anonymous mapping is not 'touched': %r" % c)
    dl = c[0]["pages_delta"]
    check(dl["rss"] == 16 * PG and dl["private_dirty"] == 16 * PG,
          "%%1 -> %%2: rss/private dirty delta %r, the fixture touched 16 pages" % dl)
    # mlock splits the mapping: the pieces' counts add up
    pieces = in_range(diffs[1], anon, anon + 64 * PG)
    check(len(pieces) == 2 and all(p["kind"] == "split" for p in pieces),
          "%%2 -> %%3: mlock should split the mapping in two: %r" % pieces)
    after = sum(p["pages_after"]["rss"] for p in pieces)
    check(after - pieces[0]["pages_before"]["rss"] == -4 * PG,
          "%%2 -> %%3: MADV_DONTNEED of 4 pages: rss %d -> %d" %
          (pieces[0]["pages_before"]["rss"], after))
    check(pieces[0]["pages_after"]["locked"] == 4 * PG and
          pieces[1]["pages_after"]["locked"] == 0, "%%3: 4 pages locked: %r" % pieces)


t.case("diff: 16 touched pages, then 4 dropped and 4 locked, as the fixture counts",
       touched_pages)


def file_and_fork():
    st, diffs = get()
    f = int(st.truth[3][3], 16)
    c = entries(diffs[2], f)
    check(len(c) == 1 and c[0]["kind"] == "added",
          "%%3 -> %%4: the file mapping is not added: %r" % c)
    pa = c[0]["pages_after"]
    check(pa["rss"] == 4 * PG and pa["private_dirty"] == PG and pa["anonymous"] == PG
          and pa["private_clean"] == 3 * PG,
          "%%4: 4 file pages read, one written (copied, dirty): %r" % pa)
    # the fixture's 12 resident pages become shared with the child (the
    # thread's TLS, merged into the same mapping, may be copied by it)
    anon = st.truth[0][1]
    pieces = in_range(diffs[3], anon, anon + 64 * PG)
    check(len(pieces) == 2 and all(p["kind"] == "touched" for p in pieces),
          "%%4 -> %%5: both pieces touched: %r" % pieces)
    shared = sum(p["pages_after"]["shared_dirty"] for p in pieces)
    check(shared >= 12 * PG and pieces[0]["pages_after"]["pss"] * 2 ==
          pieces[0]["pages_before"]["pss"],
          "%%4 -> %%5: after fork the resident pages are shared, Pss halves: %r" % pieces)


t.case("diff: a privately mapped file written once, then fork shares the pages",
       file_and_fork)


def strips():
    """Each page's state as pagemap had it: at step 3 pages 0-3 (locked,
    their own mapping), 4-7 and 12-15 present, 8-11 dropped, 16-63 never
    touched; at step 1 none."""
    st, _ = get()
    anon = st.truth[0][1]

    def strip_at(snap, addr):
        for m in snap["mappings"]:
            if int(m["start_hex"], 16) <= addr < int(m["end_hex"], 16):
                off = (addr - int(m["start_hex"], 16)) // PG
                return m.get("page_strip", "")[off:]
        return None

    s1 = strip_at(st.snaps[0], anon)
    check(s1 is not None and s1[:64] == "0" * 64, "step 1: %r" % s1)
    s3 = strip_at(st.snaps[2], anon)
    check(s3 == "1111", "step 3: the locked piece: %r" % s3)
    s3 = strip_at(st.snaps[2], anon + 4 * PG)
    check(s3 and s3[:60] == "1111" + "0000" + "1111" + "0" * 48,
          "step 3: pages 4-63: %r" % s3)


t.case("page strips (pagemap) of each snapshot: the fixture's pattern", strips)


def text_diff():
    ldtest.ptrace_probe()
    rc, out, err = ldtest.run_batch([PROG], ["break marker", "run", "snapshot",
                                             "continue", "snapshot", "diff"])
    check(rc == 0, "exit %d: %s" % (rc, err), out)
    ldtest.search(r"^~ touched 0x[0-9a-f]+-0x[0-9a-f]+ rw-p  \[anonymous\] rss \d+ KiB -> "
                  r"\d+ KiB \(\+64 KiB, private dirty \+64 KiB\)$", out, "the touched line")
    rc, out, err = ldtest.run_batch([PROG], ["set snapshot-pages off", "break marker", "run",
                                             "snapshot", "continue", "snapshot", "diff"])
    check("touched" not in out and "rss" not in out, "snapshot-pages off still compares", out)


t.case("text: '~ touched ... rss 64 KiB -> 48 KiB (...)'; snapshot-pages off", text_diff)


def views():
    ldtest.ptrace_probe()
    rc, out, err = ldtest.run_batch([PROG], ["break marker", "run", "continue", "vmmap",
                                             "set vmmap-resident off", "vmmap"])
    anon = int(ldtest.search(r"^step 2 anon (0x[0-9a-f]+)", out).group(1), 16)
    ldtest.search(r"^0x%016x 0x[0-9a-f]+ rw-p\s+\d+ KiB\s+\d+ KiB\s+\S+" % anon, out,
                  "vmmap's resident column")
    tables = out.split("Start ")
    check(len(tables) == 3 and "Resident" in tables[1] and "Resident" not in tables[2],
          "set vmmap-resident off keeps the column", out)
    rc, out, err = ldtest.run_batch([PROG], ["break marker", "run", "continue",
                                             "xinfo 0x%x" % anon, "xinfo 0x%x" % (anon + 20 * PG),
                                             "continue", "continue",
                                             "xinfo 0x%x" % (anon + 40 * PG)])
    ldtest.search(r"^  page      0x%x: present, anonymous" % anon, out, "xinfo present")
    ldtest.search(r"^  page      0x%x: not present: never touched" % (anon + 20 * PG), out,
                  "xinfo not present")
    # step 4: page 40 was read, never written; the kernel tells the zero
    # page only to a privileged reader (its PFN and /proc/kpageflags)
    m = ldtest.search(r"^  page      0x%x: present, (.*)$" % (anon + 40 * PG), out,
                      "xinfo of the page read")
    if "PFN hidden" in m.group(1):
        pass
    elif kernel_maps_zero_page():
        check(m.group(1).startswith("the shared zero page"), "page 40: %s" % m.group(1))
    else:
        # some kernels (this kind of VM's) give a read fault a page of its own
        check(m.group(1).startswith("anonymous, exclusively mapped"),
              "page 40 on a kernel without the zero page: %s" % m.group(1))


def kernel_maps_zero_page():
    """Does a read of untouched anonymous memory map the shared zero page
    (no RSS), as most kernels do?  Asked of this very process."""
    import mmap
    n = 64 * PG
    mm = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        def rss():
            with open("/proc/self/smaps_rollup") as f:
                return int(re.search(r"^Rss:\s+(\d+)", f.read(), re.M).group(1))
        before = rss()
        for i in range(0, n, PG):
            mm[i]
        return rss() - before < n // 1024 // 2
    finally:
        mm.close()


t.case("vmmap's resident column, set vmmap-resident off, xinfo's page state", views)

CHROMIUM = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
PROBE = """<script>
var out = [];
document.querySelectorAll('rect.resident').forEach(function (e) {
  var box = e.parentNode.querySelector('rect').getBBox(), b = e.getBBox();
  out.push([+e.getAttribute('data-rss'), +e.getAttribute('data-size'), b.width,
            box.width, b.x - box.x, b.y + b.height - (box.y + box.height)]);
});
document.body.setAttribute('data-bars', JSON.stringify(out));
document.body.setAttribute('data-strips',
  document.querySelectorAll('g.page-strip').length);
</script>"""


def picture():
    """The resident bar as Chromium lays it out: width = box * rss / size,
    at the bottom-left of the box; the touched mapping's bar is there."""
    if not CHROMIUM:
        raise ldtest.Skip("chromium is not installed (/usr/bin/chromium)")
    ldtest.ptrace_probe()
    tmp = tempfile.mkdtemp(prefix="ld-pages-")
    svg = os.path.join(tmp, "p.svg")
    page = os.path.join(tmp, "p.html")
    rc, out, err = ldtest.run_batch([PROG], ["break marker", "run", "continue", "snapshot",
                                             "export %%1 %s --pages" % svg,
                                             "export %%1 %s" % page, "info proc smaps"])
    check(rc == 0, "export failed: %s" % err, out)
    anon = int(ldtest.search(r"^step 2 anon (0x[0-9a-f]+)", out).group(1), 16)
    rss = int(ldtest.search(r"^ *%x rw-p 00000000 00:00 +0 +\d+ +(\d+) " % anon, out,
                            "the mapping's row in info proc smaps").group(1))
    with open(page) as f:
        text = f.read()
    check("<th>Resident</th>" in text and re.search(
        r"<tr><td>0x%x</td>.*?<td class=\"n\">%d KiB</td>" % (anon, rss), text),
        "the HTML table lacks the resident %d KiB of 0x%x" % (rss, anon))
    html = os.path.join(tmp, "probe.html")
    with open(svg) as f, open(html, "w") as h:
        h.write("<html><body>" + f.read().split("?>", 1)[1] + PROBE + "</body></html>")
    p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--user-data-dir=" + os.path.join(tmp, "prof"),
                        "--dump-dom", "file://" + html], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=90, env=ldtest.env())
    m = re.search(r'data-bars="([^"]*)"', p.stdout.decode())
    check(m, "chromium gave no DOM: %s" % p.stderr.decode(errors="replace")[-500:])
    bars = json.loads(m.group(1).replace("&quot;", '"'))
    check(len(bars) > 10, "too few resident bars: %r" % bars)
    for rss, size, w, boxw, dx, dy in bars:
        check(abs(w - boxw * rss / size) < 0.05 and abs(dx) < 0.15 and abs(dy) < 0.15,
              "bar %r not proportional or not at the bottom left (box width %s)" % ([rss, size, w, dx, dy], boxw))
    check(any(rss >= 16 * PG and w > 0 for rss, size, w, *_ in bars),
          "no bar for the 16 touched pages: %r" % bars)
    strips = int(re.search(r'data-strips="(\d+)"', p.stdout.decode()).group(1))
    check(strips > 5, "--pages drew %d page strips" % strips)
    shutil.rmtree(tmp, ignore_errors=True)


t.case("picture: resident bars proportional in Chromium's layout; --pages strips", picture)


def show_and_by_object():
    """show's snapshot and diff --by-object carry the page counts: the
    fixture's 16 touched pages, in JSON and in text."""
    st, _ = get()
    anon = st.truth[1][1]
    truth = st.smaps[1][1]   # /proc/PID/smaps at the second stop
    m = [x for x in st.show["mappings"]
         if int(x["start_hex"], 16) <= anon < int(x["end_hex"], 16)]
    check(len(m) == 1, "show %%2: no mapping holds 0x%x" % anon)
    start = int(m[0]["start_hex"], 16)
    check(m[0]["pages"]["rss"] == truth[start]["Rss"] * 1024 and
          m[0]["pages"]["private_dirty"] == truth[start]["Private_Dirty"] * 1024 and
          m[0]["pages"]["rss"] >= st.truth[1][2] * PG,
          "show %%2: 0x%x's pages %r, smaps %r, the fixture's %d pages"
          % (start, m[0]["pages"], truth[start], st.truth[1][2]))
    check(all(x["pages"]["rss"] == truth[int(x["start_hex"], 16)]["Rss"] * 1024
              for x in st.show["mappings"]), "show %2: rss differs from smaps")
    d = st.objdiff
    check(d["pages"], "diff --by-object without page counts: %r" % d)
    touched = [c for c in d["changes"] if c["kind"] == "touched" and
               c["pages_delta"]["rss"] == 16 * PG and
               c["pages_delta"]["private_dirty"] == 16 * PG]
    check(len(touched) == 1 and touched[0]["key"].startswith("anonymous #"),
          "diff --by-object %%1 %%2: no touched anonymous mapping of +16 pages: %r"
          % d["changes"])
    rc, out, err = ldtest.run_batch([PROG], ["break marker", "run", "snapshot", "continue",
                                             "snapshot", "show %2", "diff --by-object %1 %2"])
    check(rc == 0, "exit %d: %s" % (rc, err), out)
    a2 = int(ldtest.search(r"^step 2 anon (0x[0-9a-f]+) resident (\d+)", out).group(1), 16)
    m = ldtest.search(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x0\s+rw-p\s+"
                      r"(\d+) KiB\s*$", out, "show's resident column")
    rows = re.findall(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x0\s+rw-p\s+"
                      r"(\d+) KiB\s*$", out, re.M)
    check(any(int(lo, 16) <= a2 < int(hi, 16) and int(kb) >= 16 * KIB
              for lo, hi, kb in rows),
          "show: the touched mapping's row lacks its 16 pages: %r" % rows, out)
    ldtest.search(r"^Resident: \S+ \S+ of \S+ \S+ mapped \(private dirty", out,
                  "show's resident total")
    ldtest.search(r"^~ touched anonymous #\d+ after \S+: rss \d+ KiB -> \d+ KiB "
                  r"\(\+%d KiB, private dirty \+%d KiB\)$" % (16 * KIB, 16 * KIB), out,
                  "diff --by-object's touched line")


t.case("show and diff --by-object carry page counts (JSON and text)", show_and_by_object)


def by_object_no_pages():
    ldtest.ptrace_probe()
    rc, out, err = ldtest.run_batch([PROG], ["set snapshot-pages off", "break marker", "run",
                                             "snapshot", "continue", "snapshot", "show %2",
                                             "diff --by-object %1 %2"])
    check(rc == 0, "exit %d: %s" % (rc, err), out)
    check("Resident" not in out and "touched" not in out and "rss" not in out,
          "snapshot-pages off: show and diff --by-object still show pages", out)
    ldtest.search(r"^\s+Start Addr\s+End Addr\s+Size\s+Offset\s+Perms\s+objfile$", out,
                  "show's gdb table without the column")


t.case("snapshot-pages off: show and diff --by-object as before", by_object_no_pages)


def unprivileged():
    """Without CAP_SYS_ADMIN the kernel hides the page frame numbers
    (pagemap reads as zeros there, fs/proc/task_mmu.c): run as a plain
    user, xinfo says the PFN is hidden and prints none, JSON has no pfn,
    and the rest of the report is there."""
    if os.geteuid() != 0:
        raise ldtest.Skip("needs root to run layoutdbg as a test user")
    if not shutil.which("useradd") or not shutil.which("setpriv"):
        raise ldtest.Skip("useradd or setpriv is missing")
    ldtest.ptrace_probe()
    user = "ldtest-pg-%d" % os.getpid()
    r = subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-d",
                        "/nonexistent", user], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise ldtest.Skip("useradd failed: %s" % r.stdout.decode().strip())
    try:
        pw = pwd.getpwnam(user)
        as_user = ["setpriv", "--reuid", str(pw.pw_uid), "--regid", str(pw.pw_gid),
                   "--clear-groups"]
        if subprocess.run(as_user + [ldtest.LAYOUTDBG, "--version"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            raise ldtest.Skip("the test user cannot run the layoutdbg binary here")
        def run(opts, cmds):
            argv = as_user + [ldtest.LAYOUTDBG, "-batch", "-nx"] + list(opts)
            for c in cmds:
                argv += ["-ex", c]
            p = subprocess.run(argv + [PROG], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=ldtest.env(), timeout=60)
            if "--json" in opts:
                ldtest.check_json_output(p.stdout, " ".join(argv))
            return p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")

        # randomization is off: the second run's mapping is where the
        # first one's was
        first = run((), ("break marker", "run", "continue"))
        m = re.search(r"^step 2 anon (0x[0-9a-f]+)", first, re.M)
        if not m and "Operation not permitted" in first:
            raise ldtest.Skip("the test user may not trace its own child here")
        check(m, "the fixture did not reach step 2 as the test user", first)
        cmds = ("break marker", "run", "continue", "snapshot", "xinfo " + m.group(1))
        outs = [run((), cmds), run(("--json",), cmds)]
    finally:
        subprocess.run(["userdel", user], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    out, js = outs
    ldtest.search(r"^  page      0x[0-9a-f]+: present, anonymous.*; PFN hidden "
                  r"\(needs CAP_SYS_ADMIN\)$", out, "xinfo as a plain user")
    check("PFN 0x" not in out, "a PFN shown without privilege", out)
    ldtest.search(r"^Snapshot %1: ", out, "the snapshot as a plain user")
    x = [json.loads(l) for l in js.splitlines() if l.startswith('{"command":"xinfo"')]
    check(len(x) == 1 and x[0]["page"]["present"] and "pfn" not in x[0]["page"],
          "xinfo --json as a plain user: %r" % x, js)


t.case("as a plain user: pagemap's PFNs hidden, xinfo says so, the rest is there",
       unprivileged)
t.done()
