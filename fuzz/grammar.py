#!/usr/bin/env python3
"""A grammar of layoutdbg command lines with hostile arguments: every
command with huge, negative, empty, unicode, 10 KB, format-string and
control-character arguments.  Used two ways:

    python3 fuzz/grammar.py SEED N DIR   write N seed inputs for fuzz_commands
                                         into DIR (first byte: session mode)
    import grammar; grammar.lines(rng, n) from tests/e2e/test_grammar.py,
                                         which runs them against a live process

Commands that spawn programs or write files are left out of what
`lines(..., safe=True)` produces (the fuzzer skips them anyway)."""
import os
import random
import sys

NUMBERS = ["0", "1", "2", "7", "-1", "-0", "+1", "2147483647", "2147483648", "4294967295",
           "4294967296", "9223372036854775807", "9223372036854775808",
           "18446744073709551615", "18446744073709551616", "99999999999999999999999",
           "0x", "0x0", "0xffffffffffffffff", "0x10000000000000000", "010", "1e9", "1.5",
           "", " ", "$rsp", "$sp", "$pc", "$rax", "&counter", "main", "*0"]
WORDS = ["main", "calloc", "malloc", "free", "marker", "depth", "nosuch", "heap.c",
         "libc.so.6", "main@libc.so.6", "calloc@nosuch", "heap.c:12", "heap.c:0",
         "heap.c:-1", "heap.c:99999", "nosuch.c:1", ":", "::", "@", "*", "$", "$$", "$1",
         "$99999999999", "$-1", "@1", "@0", "..", "$1..$2", "a..b", "%s%s%s%n", "%x%x%p",
         "%99999999d", "\u00e9t\u00e9", "\u2603", "\U0001f600", "\xff\xfe", "\x1b[2J",
         "\x1b]0;title\x07", "line\nbreak", "tab\there", "\x7f", "\x9b31m", "'quoted'",
         "\"dq\"", "back\\slash", "-", "--", "--force", "--by-object", "x" * 200]
BIG = ["A" * 10000, "9" * 5000, "%n" * 2000, "\x1b" * 1000]
FORMATS = ["/", "/x", "/4xg", "/s", "/i", "/8xb", "/2dw", "/-1xg", "/0xg",
           "/18446744073709551615xg", "/99999999999xg", "/q", "/xq", "/4", "/gx",
           "/1000000xg", "/\x1b"]
INFO = ["breakpoints", "proc mappings", "proc", "proc nosuch", "registers",
        "registers rip", "registers nosuch", "threads", "frame", "brk", "aslr", "sections",
        "sections libc", "segments", "line", "symbol", "sharedlibrary", "signals", "nosuch"]
SETS = ["args", "disable-randomization", "auto-snapshot", "follow-fork-mode",
        "step-emulation", "cpu-pinning", "color", "nosuch"]
VALUES = ["on", "off", "parent", "child", "maybe", "", "1", "0"]
SIGNALS = ["SIGUSR1", "SIGINT", "SIGSEGV", "SIGKILL", "SIG", "SIGNOSUCH", "10", "0", "65",
           "all", "usr1"]
ACTIONS = ["stop", "nostop", "pass", "nopass", "print", "noprint", "nosuch"]

SAFE = ["break", "tbreak", "delete", "disable", "enable", "ignore", "info", "thread",
        "backtrace", "bt", "frame", "up", "down", "x", "vmmap", "xinfo", "layout", "catch",
        "timeline", "handle", "snapshot", "snapshots", "show", "drop", "diff", "set", "list",
        "help", "continue", "stepi", "finish", "next", "step", "until", "kill", "detach",
        "frobnicate", "i", "b", "c", "n", "s", "bt", "p", "", "#"]
UNSAFE = ["run", "start", "attach", "file", "load", "source", "save", "export", "trace"]


def arg(rng):
    r = rng.random()
    if r < 0.35:
        return rng.choice(NUMBERS)
    if r < 0.9:
        return rng.choice(WORDS)
    if r < 0.97:
        return rng.choice(BIG)
    return "".join(chr(rng.randrange(1, 0x250)) for _ in range(rng.randrange(1, 20)))


def args(rng, most=3):
    return " ".join(arg(rng) for _ in range(rng.randrange(0, most + 1)))


def command(rng, safe=True):
    c = rng.choice(SAFE if safe or rng.random() < 0.8 else UNSAFE)
    if c == "x":
        return "x%s %s" % (rng.choice(FORMATS), args(rng, 2))
    if c in ("info", "i"):
        return "%s %s %s" % (c, rng.choice(INFO), args(rng, 1))
    if c in ("set", "show"):
        s = rng.choice(SETS)
        return "%s %s %s" % (c, s, rng.choice(VALUES) if rng.random() < 0.7 else args(rng))
    if c == "handle":
        return "handle %s %s" % (rng.choice(SIGNALS), " ".join(
            rng.choice(ACTIONS) for _ in range(rng.randrange(0, 3))))
    if c == "catch":
        return "catch %s %s" % (rng.choice(["syscall", "memory", "load", "fork", "exec",
                                             "nosuch", ""]), args(rng, 2))
    if c == "diff" and rng.random() < 0.3:
        return "diff --by-object %s" % args(rng, 2)
    return ("%s %s" % (c, args(rng))).rstrip()


def lines(rng, n, safe=True):
    return [command(rng, safe) for _ in range(n)]


def main():
    seed, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        mode = bytes([rng.randrange(4)])
        text = "\n".join(lines(rng, rng.randrange(1, 12))) + "\n"
        with open(os.path.join(out, "gen-%03d.txt" % i), "wb") as f:
            f.write(mode + text.encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main()
