#!/usr/bin/env python3
"""x/Ni and disassemble against gdb, run on the same fixture at the same
stop (-O0 and -O2): the listings must be equal line for line once our one
addition is dropped -- the region after a rip-relative operand's comment,
`# 0x4010 <counter> (.bss of code)` -- and, for /s, the file name line
(layoutdbg names source files by their full path, as in its stop lines).
Then what gdb cannot check: the regions themselves, int3s never shown,
never a byte past a mapping's end, one-line errors."""
import json
import os
import re
import subprocess
import sys

import ldtest
from ldtest import check, search

CODE = ldtest.fixture("code")
CODE_O2 = ldtest.fixture("code-O2")
t = ldtest.Tap(15)


def sections(out):
    """The output of each command after a `show disassembly-flavor`."""
    return re.split(r'^The disassembly flavor is "(?:att|intel)"\.\n', out, flags=re.M)[1:]


def interleave(cmds):
    seq = []
    for c in cmds:
        seq += ["show disassembly-flavor", c]
    return seq


def run_gdb(prog, start, cmds):
    argv = ["gdb", "-nx", "-q", "-batch"]
    for c in start + interleave(cmds):
        argv += ["-ex", c]
    p = subprocess.run(argv + [prog], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=ldtest.env({"DEBUGINFOD_URLS": None}), timeout=60,
                       stdin=subprocess.DEVNULL)
    return p.stdout.decode("utf-8", "replace")


def ours(prog, start, cmds, opts=()):
    rc, out, err = ldtest.run_batch([prog], start + interleave(cmds), opts=opts,
                                    timeout=60)
    check(rc == 0 and err == "", "rc %d, stderr %r" % (rc, err), out)
    return out


def drop_ours(text):
    """Our additions: the region after a comment, the /s file name line."""
    text = re.sub(r"^(.*        # 0x[0-9a-f]+(?: <[^>]*>)?) \([^()]*\)$", r"\1", text,
                  flags=re.M)
    return re.sub(r"^\S*\.c:$", "FILE:", text, flags=re.M)


def same_as_gdb(prog, start, cmds):
    if not ldtest.gdb_available():
        raise ldtest.Skip("gdb not installed")
    a = sections(ours(prog, start, cmds))
    g = sections(run_gdb(prog, start, cmds))
    check(len(a) == len(cmds) and len(g) == len(cmds),
          "sections: ours %d, gdb %d, want %d" % (len(a), len(g), len(cmds)))
    for c, x, y in zip(cmds, a, g):
        if c in UNCOMPARED:
            continue
        x, y = drop_ours(x), drop_ours(y)
        if x != y:
            xl, yl = x.splitlines(), y.splitlines()
            for k, (p, q) in enumerate(zip(xl, yl)):
                if p != q:
                    break
            else:
                k = min(len(xl), len(yl))
            raise AssertionError("%s: first difference at line %d:\n ours: %r\n  gdb: %r"
                                 % (c, k + 1, xl[k] if k < len(xl) else None,
                                    yl[k] if k < len(yl) else None))
    return len(cmds)


# selects a frame; its own output (the frame line) is not a listing
UNCOMPARED = {"up"}
LISTINGS = ["x/16i $pc", "disassemble main", "disassemble /r main",
            "disassemble classify", "disassemble /r sum", "x/3i 'write@plt'",
            "disassemble $pc,+24", "up", "x/4i $pc", "disassemble"]


def o0():
    cmds = [c for c in LISTINGS if "write@plt" not in c] + [
        "disassemble /s main", "disassemble /s classify", "disassemble /rs sum"]
    same_as_gdb(CODE, ["break marker", "run"], cmds)


def o2():
    same_as_gdb(CODE_O2, ["break marker", "run"],
                [c for c in LISTINGS if "write@plt" not in c])


def o2_source():
    same_as_gdb(CODE_O2, ["break marker", "run"],
                ["disassemble /s main", "disassemble /s classify", "disassemble /rs sum"])


def intel():
    same_as_gdb(CODE, ["break main", "run", "set disassembly-flavor intel"],
                ["disassemble main", "disassemble /r classify", "x/12i $pc"])


def plt_names():
    """x/3i at a PLT stub found by address (the breakpoint on it is
    gdb's too): the stub's name and its GOT slot's."""
    out = ours(CODE, ["break main", "run"], ["disassemble main"])
    m = search(r"call\s+(0x[0-9a-f]+) <malloc@plt>", out, "call malloc@plt")
    out = ours(CODE, ["break main", "run"], ["x/3i " + m.group(1)])
    search(r"^   %s <malloc@plt>:\tjmp    \*0x[0-9a-f]+\(%%rip\)        # 0x[0-9a-f]+ "
           r"<malloc@got\.plt> \(\.got(\.plt)? of code\)$" % m.group(1), out, "stub")
    if ldtest.gdb_available():
        same_as_gdb(CODE, ["break main", "run"], ["x/3i " + m.group(1)])


def regions():
    out = ours(CODE, ["break marker", "run"], ["disassemble main"])
    search(r"# 0x[0-9a-f]+ <counter> \(\.bss of code\)$", out, "counter in .bss")
    search(r"# 0x[0-9a-f]+ <table\+24> \(\.data of code\)$", out, "table in .data")
    search(r"# 0x[0-9a-f]+ <msg> \(\.rodata of code\)$", out, "msg in .rodata")
    search(r"^=> 0x[0-9a-f]+ <\+\d+>:", ours(CODE, ["break marker", "run"], ["disassemble"]),
           "=> at the pc in marker")


def file_bytes(prog, vaddr, n):
    """n bytes at link-time address vaddr of the ELF file (its PT_LOADs)."""
    hdr = subprocess.run(["readelf", "-lW", prog], stdout=subprocess.PIPE,
                         text=True).stdout
    for m in re.finditer(r"^\s+LOAD\s+(0x\S+)\s+(0x\S+)\s+\S+\s+(0x\S+)", hdr, re.M):
        off, va, sz = (int(x, 16) for x in m.groups())
        if va <= vaddr < va + sz:
            with open(prog, "rb") as f:
                f.seek(off + vaddr - va)
                return f.read(n)
    raise AssertionError("0x%x in no PT_LOAD of %s" % (vaddr, prog))


def int3_hidden():
    """A breakpoint at main+20 (not the pc): x/i and /r show the original
    instruction and bytes, those of the file."""
    first = ours(CODE, ["break main", "run"], ["disassemble main"])
    at = search(r"^   (0x[0-9a-f]+) <\+20>:", first, "main+20").group(1)
    out = ours(CODE, ["break main", "run", "break *" + at],
               ["x/2i " + at, "disassemble /r main", "info breakpoints"])
    sec = sections(out)
    check("0xcc" not in sec[0] and "int3" not in sec[0], "int3 shown", sec[0])
    m = search(r"^   (0x[0-9a-f]+) <\+20>:\t([0-9a-f ]+?)\s*\t", sec[1], "main+20 /r")
    base = int(search(r"^   (0x[0-9a-f]+) <\+0>:", sec[1], "main+0").group(1), 16)
    nm = subprocess.run(["nm", CODE], stdout=subprocess.PIPE, text=True).stdout
    link_main = int(search(r"^([0-9a-f]+) T main$", nm, "nm main").group(1), 16)
    want = file_bytes(CODE, link_main + 20, 16)
    got = bytes(int(b, 16) for b in m.group(2).split())
    check(want.startswith(got) and got[0] != 0xcc,
          "bytes %s, file %s" % (got.hex(), want.hex()), sec[1])
    search(r"^2\s+breakpoint\s+keep\s+y", sec[2], "breakpoint 2 still set")


def mapping_end():
    """x/8i four bytes before the end of [stack], which no mapping
    follows: what fits is listed, then one error at the end; nothing past
    it is read."""
    rc, out, err = ldtest.run_batch([CODE], ["break marker", "run", "info proc mappings"])
    m = search(r"^\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s.*\[stack\]$", out, "[stack]")
    end = int(m.group(1), 16)
    rc, out, err = ldtest.run_batch([CODE], ["break marker", "run",
                                             "x/8i 0x%x" % (end - 4)])
    lines = [l for l in out.splitlines() if re.match(r"^(   |=> )0x", l)]
    check(1 <= len(lines) <= 4, "%d instructions in 4 bytes" % len(lines), out)
    for l in lines:
        a = int(l.split()[0].rstrip(":"), 16)
        check(a < end, "instruction at 0x%x past the end 0x%x" % (a, end), out)
    check(err.strip() == "layoutdbg: cannot access memory at address 0x%x" % end,
          "stderr %r" % err, out)
    check(rc == 1, "rc %d" % rc, out)


def bad_input():
    cases = [("x/0i $pc", r"^layoutdbg: x: count must be from 1 to 65536$"),
             ("x/4i 0", r"^layoutdbg: x: cannot access memory at 0x0$"),
             ("disassemble /q main", r"^layoutdbg: disassemble: invalid modifier 'q'$"),
             ("disassemble nosuch", r"^layoutdbg: disassemble: .*nosuch"),
             ("disassemble main+8,main", r"^layoutdbg: disassemble: the end 0x[0-9a-f]+ "
              r"is below the start"),
             ("disassemble 0x10,+16", r"^layoutdbg: disassemble: cannot access memory at 0x10$"),
             ("disassemble 0x10", r"^layoutdbg: disassemble: no function contains "
              r"specified address 0x10$"),
             ("disassemble main,", r"^layoutdbg: disassemble: a range is START,END"),
             ("set disassembly-flavor amd", r"^layoutdbg: set disassembly-flavor: "
              r"expected \"att\" or \"intel\"$")]
    for cmd, want in cases:
        rc, out, err = ldtest.run_batch([CODE], ["break marker", "run", cmd])
        check(rc == 1, "%s: rc %d" % (cmd, rc), out + err)
        lines = err.strip().splitlines()
        check(len(lines) == 1 and re.search(want, lines[0]),
              "%s: stderr %r, want /%s/" % (cmd, err, want))


def no_process():
    """Before run: disassemble FUNC lists the program file's code as gdb's
    does; disassemble alone (no pc) is a one-line error."""
    rc, out, err = ldtest.run_batch([CODE], ["disassemble main", "disassemble"])
    check(rc == 1 and len(err.strip().splitlines()) == 1, "rc %d err %r" % (rc, err))
    g = ldtest.gdb_batch(CODE, ["disassemble main"])
    check(out.splitlines() == g.splitlines() and "End of assembler dump." in out,
          "ours:\n%s\ngdb's:\n%s" % (out, g))


def as_json():
    rc, out, err = ldtest.run_batch([CODE], ["break marker", "run", "disassemble main",
                                             "x/4i $pc", "disassemble /rs sum",
                                             "set disassembly-flavor intel",
                                             "show disassembly-flavor", "x/4i 0x10"],
                                    opts=["--json"])
    docs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    d = [x for x in docs if x.get("command") == "disassemble"]
    check(len(d) == 2, "%d disassemble documents (main, sum)" % len(d), out)
    check(all("line" in i for i in d[1]["instructions"]), "/s: every line of sum has line",
          out)
    ins = d[0]["instructions"]
    text = ours(CODE, ["break marker", "run"], ["disassemble main"])
    n = len([l for l in text.splitlines() if re.match(r"^(   |=> )0x", l)])
    check(len(ins) == n, "%d instructions in JSON, %d in text" % (len(ins), n))
    calls = [i for i in ins if i["mnemonic"] == "call"]
    check(any(i.get("target_symbol") == "malloc@plt" for i in calls), "no malloc@plt", out)
    check(any(i.get("ref_region") == ".bss of code" for i in ins), "no .bss ref", out)
    check(d[0]["function"] == "main", "function %r" % d[0].get("function"))
    x = [x for x in docs if x.get("command") == "x" and "instructions" in x]
    check(len(x) == 1 and len(x[0]["instructions"]) == 4 and x[0]["instructions"][0]["current"],
          "x/4i document", out)
    sh = [x for x in docs if x.get("command") == "show disassembly-flavor"]
    check(len(sh) == 1 and sh[0]["value"] == "intel", "show document %r" % sh, out)
    check(any("error" in x for x in docs), "x/4i 0x10: an error document", out)
    # every document valid against doc/json/layoutdbg.schema.json
    ldtest.check_json_output(out, "disassemble --json")


def flavor_setting():
    out = ours(CODE, ["set disassembly-flavor intel", "show disassembly-flavor",
                      "set disassembly-flavor att"], [])
    search(r'^The disassembly flavor is "intel"\.$', out, "show")


t.case("-O0: x/16i $pc, disassemble [/r] [/s] main, ranges, up: equal to gdb", o0)
t.case("-O2: the same listings equal to gdb", o2)
t.case("-O2: disassemble /s of main, classify, sum equal to gdb", o2_source)
t.case("set disassembly-flavor intel: equal to gdb", intel)
t.case("x/3i at a PLT stub: <malloc@plt> and <malloc@got.plt>", plt_names)
t.case("rip-relative operands name .bss, .data, .rodata of code; => at pc", regions)
t.case("a breakpoint's int3 is never shown: bytes equal the file's", int3_hidden)
t.case("x/8i at a mapping's end: nothing past it, one error", mapping_end)
t.case("bad input: one-line errors", bad_input)
t.case("disassemble before run: FUNC as gdb's from the file; no pc: one-line error",
       no_process)
t.case("--json: one document, same instructions, targets and regions", as_json)
t.case("set/show disassembly-flavor", flavor_setting)


def big_function():
    """The benchmark's function: more than 10,000 instructions, all of
    them listed, the last one ret."""
    rc, out, err = ldtest.run_batch([ldtest.fixture("bigfunc")], ["break main", "run",
                                                                   "disassemble big"],
                                    timeout=60)
    lines = [l for l in out.splitlines() if re.match(r"^(   |=> )0x", l)]
    check(len(lines) > 10000, "%d instructions" % len(lines), out[-2000:])
    check(lines[-1].endswith("\tret"), "last %r" % lines[-1])


t.case("disassemble of a 12,000-instruction function: all of it", big_function)


def x_count():
    out = ours(CODE, ["break marker", "run"], ["x/1000i $pc"])
    n = len([l for l in out.splitlines() if re.match(r"^(   |=> )0x", l)])
    check(n == 1000, "%d lines for x/1000i" % n, out[-2000:])


t.case("x/1000i: 1000 lines", x_count)


def asm_demangle():
    """C++ labels in x/i, x/gx and disassemble as gdb's: linkage names
    (`<_Z7throweri+14>`, `<_ZTISt13runtime_error@GLIBCXX_3.4>`) under
    `set print asm-demangle off`, the default; demangled with parameters,
    the @VERSION and @plt kept, when on; the header's name mangled in
    both; `info symbol` names the program as gdb does once it runs."""
    cxx = ldtest.fixture("cxxnames")
    if not os.path.exists(cxx):
        raise ldtest.Skip("no C++ compiler: fixture cxxnames not built")
    listings = ["x/3i $pc", "x/2gx thrower", "disassemble", "show print asm-demangle",
                "set print asm-demangle on", "x/3i $pc", "x/2gx thrower", "disassemble",
                "show print asm-demangle", "info symbol $pc"]
    same_as_gdb(cxx, ["break thrower", "run"], listings)
    out = ours(cxx, ["break thrower", "run"], listings)
    for want in (r"^=> 0x[0-9a-f]+ <_Z7throweri\+14>:", r"^=> 0x[0-9a-f]+ <thrower\(int\)\+14>:",
                 r"<std::runtime_error::runtime_error\(char const\*\)@plt>$",
                 r"^Dump of assembler code for function _Z7throweri:$",
                 r"^thrower\(int\) \+ 14 in section \.text of %s$" % re.escape(cxx)):
        search(want, out, "our listing")


t.case("set print asm-demangle off|on: C++ labels as gdb's in both", asm_demangle)
sys.exit(t.done())
