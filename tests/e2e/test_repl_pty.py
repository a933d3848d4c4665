#!/usr/bin/env python3
"""The interactive REPL through a real pseudo-terminal: prompt, help, tab
completion (commands, `info` subcommands, symbols, catch kinds and system
call names), Ctrl-C at the prompt,
Ctrl-C while the program runs, Ctrl-D."""
import re
import sys

import ldtest
from ldtest import check, search, Pty

PROMPT = r"\(layoutdbg\) "
HEAP = ldtest.fixture("heap")
WAITER = ldtest.fixture("waiter")

t = ldtest.Tap(14)


def at_prompt(p):
    p.at_prompt()


def run_to_main(p):
    p.expect(PROMPT)
    p.sendline("break main")
    p.expect(r"Breakpoint 1 at ")
    p.expect(PROMPT)
    p.sendline("run")
    p.expect(ldtest.stop_rx(1, "main"))
    p.expect(PROMPT)


def prompt_and_banner():
    with Pty([HEAP], opts=()) as p:
        p.expect(r"^layoutdbg \S+: live memory-layout debugger\.")
        p.expect(r"^Reading symbols from \S+/heap\.\.\.")
        p.expect(r"^" + PROMPT + "$")
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("banner and the '(layoutdbg) ' prompt", prompt_and_banner)


def help_lists_commands():
    with Pty([HEAP]) as p:
        p.expect(PROMPT)
        p.sendline("help")
        for c in (r"run \[ARGS\]", r"break LOCATION", r"info WHAT", r"snapshot \[NAME\]",
                  r"diff\b", r"quit"):
            p.expect(r"^  " + c + r"(?=\s)")
        p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("help prints the commands", help_lists_commands)


def complete_command():
    with Pty([HEAP]) as p:
        p.expect(PROMPT)
        at_prompt(p)
        # `snapshot` and `snapshots` both match: the common prefix is
        # completed first, one more `s` makes it unique
        p.send("snaps\t")
        p.expect(r"\bsnapshot$")
        p.send("s\t")
        p.expect(r"s $")
        p.send("\r")
        p.expect(r"^No snapshots\.$")
        p.expect(PROMPT)
        p.send("dro\t")
        p.expect(r"drop $")
        at_prompt(p)                   # (a Ctrl-C racing a key is lost: case 7)
        p.send("\x03")                 # drop that line
        p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("tab completes commands: 'snaps<TAB>' -> snapshot(s)", complete_command)


def complete_info_sub():
    with Pty([HEAP]) as p:
        run_to_main(p)
        at_prompt(p)
        p.send("info pr\t")
        p.expect(r"\binfo proc $")
        p.send("mappings\r")
        p.expect(r"^Mapped address spaces:")
        p.expect(r"\[stack\]$")
        p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("tab completes 'info pr' to 'info proc'", complete_info_sub)


def complete_settings_and_snapshots():
    with Pty([HEAP]) as p:
        run_to_main(p)
        at_prompt(p)
        p.send("set step-em\t")         # the settings table, as `set` sees it
        p.expect(r"\bset step-emulation $")
        p.send("off\r")
        p.expect(PROMPT)
        p.send("show col\t\t")          # color has no `show`: nothing offered
        p.send("\x03")
        p.expect(PROMPT)
        p.send("show cpu\t")
        p.expect(r"\bshow cpu-pinning $")
        p.send("\r")
        p.expect(r"one CPU .* is on\.")
        p.expect(PROMPT)
        p.sendline("snapshot before")
        p.expect(PROMPT)
        p.send("show bef\t")            # a snapshot's name
        p.expect(r"\bshow before $")
        p.send("\x03")
        p.expect(PROMPT)
        p.send("drop bef\t")             # after drop too
        p.expect(r"\bdrop before $")
        p.send("\r")
        p.expect(PROMPT)
        p.sendline("show step-emulation")
        p.expect(r"is off\.")
        p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("tab completes settings after set and show, snapshot names after show and drop",
       complete_settings_and_snapshots)


def complete_symbols():
    with Pty([HEAP]) as p:
        p.expect(PROMPT)
        at_prompt(p)
        p.send("break mai\t")              # before run: from the program
        p.expect(r"\bbreak main $")
        p.send("\r")
        p.expect(r"^Breakpoint 1 at ")
        p.expect(PROMPT)
        p.sendline("run")
        p.expect(r"Breakpoint 1, ")
        p.expect(PROMPT)
        at_prompt(p)
        p.send("break callo\t")            # after run: libc's names too
        p.expect(r"\bbreak calloc $")
        p.send("\r")
        p.expect(r"^Breakpoint 2 at 0x[0-9a-f]+: calloc in \S*/libc\.so\.6$")
        p.expect(PROMPT)
        at_prompt(p)
        # 'cal' is ambiguous (calloc, callrpc, ...): asking twice lists them
        p.send("break cal\t")
        p.expect(r"break cal")
        p.send("\t\t")
        p.expect(r"\bcalloc\b")
        p.expect(PROMPT)
        at_prompt(p)
        p.send("\x03")
        p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("tab completes symbols after break: main, then libc's calloc after run",
       complete_symbols)


def ctrl_c_at_prompt():
    with Pty([HEAP]) as p:
        run_to_main(p)
        p.send("garbage")
        p.expect(r"\bgarbage$")
        at_prompt(p)
        p.send("\x03")
        p.expect(r"^" + PROMPT + "$")
        at_prompt(p)
        p.sendline("info aslr")
        p.expect(r"^New processes: ")
        p.expect(PROMPT)
        check("garbage" not in p.text[p.text.rfind("info aslr"):],
              "the dropped line was executed", p.text)
        check("layoutdbg: garbage" not in p.text, "the dropped line was executed", p.text)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("Ctrl-C at the prompt drops the line and gives a fresh prompt", ctrl_c_at_prompt)


def ctrl_c_typeahead():
    # Ctrl-C followed at once by more keys (type-ahead, a paste, keys
    # pressed while a completion is computed): the line typed *before*
    # Ctrl-C must still be dropped.  The SIGINT handler only sets a flag
    # that the REPL looks at when select() fails with EINTR; when the
    # signal and the next key arrive together select() returns "readable"
    # and the flag is never looked at.
    with Pty([HEAP]) as p:
        run_to_main(p)
        for i in range(3):
            p.send("garbage")
            p.expect(r"\bgarbage$")
            at_prompt(p)
            p.send("\x03info aslr\r")
            m = p.expect(r"^(New processes: |layoutdbg: .*)")
            check(m.group(1) == "New processes: ",
                  "attempt %d: the line before Ctrl-C was not dropped: %r"
                  % (i + 1, m.group(1)), p.text)
            p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("Ctrl-C at the prompt followed at once by more keys drops the line",
       ctrl_c_typeahead)


def ctrl_d_exits():
    with Pty([HEAP]) as p:
        run_to_main(p)
        p.sendline("info proc mappings")
        pid = int(p.expect(r"^process (\d+)$").group(1))
        p.expect(PROMPT)
        check(ldtest.pid_alive(pid), "tracee not there before Ctrl-D")
        at_prompt(p)
        p.send("\x04")
        check(p.wait() == 0, "exit status %r after Ctrl-D" % p.status, p.text)
        check(ldtest.wait_pid_exit(pid), "tracee %d outlived layoutdbg" % pid)
        check(not ldtest.pid_alive(pid), "tracee %d still alive" % pid)


t.case("Ctrl-D on an empty line exits 0 and the tracee is gone", ctrl_d_exits)


def ctrl_c_while_running():
    with Pty([WAITER]) as p:
        p.expect(PROMPT)
        p.sendline("run")
        pid = int(p.expect(r"^pid (\d+) marker 0x[0-9a-f]+$").group(1))
        p.wait_blocked(pid, [ldtest.SYS_READ])      # waiter reads the tty
        p.send("\x03")
        p.expect(r"^Program (interrupted\.|received signal SIGINT)")
        p.expect(r"in read \(\)")
        p.expect(PROMPT)
        check(ldtest.pid_alive(pid), "the waiter died of the Ctrl-C", p.text)
        p.sendline("kill")
        p.expect(r"^\[process %d killed\]" % pid)
        p.expect(PROMPT)
        check(ldtest.wait_pid_exit(pid), "the waiter is still there after kill")
        at_prompt(p)
        p.send("\x04")
        check(p.wait() == 0, "exit status after Ctrl-D")


t.case("Ctrl-C while the program runs stops it at a prompt; kill", ctrl_c_while_running)


def resumed_or_reported(p, pid, timeout=ldtest.DEFAULT_TIMEOUT):
    """After `continue`: True once the waiter sleeps in read() again, False
    if layoutdbg reports another stop instead."""
    deadline = ldtest.time.monotonic() + timeout
    while ldtest.time.monotonic() < deadline:
        if ldtest.proc_state(pid) == ("S", ldtest.SYS_READ):
            return True
        if re.search(r"^Program received signal|^Program interrupted", p.text[p.r.pos:], re.M):
            return False
        p.r._fill(0)
        ldtest.os.sched_yield()
    raise ldtest.Timeout("neither resumed nor stopped\n" + p.text)


def one_ctrl_c_one_stop():
    # gdb runs the program in its own process group and hands it the
    # terminal while it runs: a Ctrl-C is one SIGINT, one stop, and
    # `continue` resumes.  Here the program shares layoutdbg's process
    # group, so the terminal's SIGINT reaches both: layoutdbg stops the
    # program ("Program interrupted.") and the program's own SIGINT is
    # reported again at the next `continue` -- in about 40% of the tries.
    with Pty([WAITER]) as p:
        p.expect(PROMPT)
        p.sendline("run")
        pid = int(p.expect(r"^pid (\d+) marker 0x[0-9a-f]+$").group(1))
        for i in range(6):
            p.wait_blocked(pid, [ldtest.SYS_READ])
            p.send("\x03")
            p.expect(r"^Program (interrupted\.|received signal SIGINT)")
            p.expect(PROMPT)
            at_prompt(p)
            p.sendline("continue")
            check(resumed_or_reported(p, pid),
                  "Ctrl-C %d: `continue` stopped again at once (a second SIGINT)" % (i + 1),
                  p.text)
        p.sendline("hi")
        p.expect(r"^echo 3 hi$")
        check(ldtest.pid_alive(pid), "the waiter died")


t.case("one Ctrl-C while running is one stop: `continue` resumes the program",
       one_ctrl_c_one_stop)


def ctrl_c_at_prompt_not_for_program():
    with Pty([HEAP]) as p:
        run_to_main(p)
        at_prompt(p)
        p.send("\x03")                 # only meant to clear the (empty) line
        p.expect(PROMPT)
        at_prompt(p)
        p.sendline("continue")
        m = p.expect(r"^(\[process \d+ exited with code 0\]|Program received signal .*)$")
        check(m.group(1).startswith("[process"),
              "a Ctrl-C typed at the prompt was delivered to the stopped program: %r"
              % m.group(1), p.text)
        p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("Ctrl-C at the prompt does not reach the stopped program",
       ctrl_c_at_prompt_not_for_program)


def history_up_arrow():
    with Pty([HEAP]) as p:
        p.expect(PROMPT)
        p.sendline("info aslr")
        p.expect(r"^New processes: ")
        p.expect(PROMPT)
        at_prompt(p)
        p.send("\x10")                   # Ctrl-P: previous history line
        p.expect(r"info aslr$")
        p.send("\r")
        p.expect(r"^New processes: ")
        p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("history: Ctrl-P recalls the previous command", history_up_arrow)

def complete_catch():
    with Pty([HEAP]) as p:
        p.expect(PROMPT)
        at_prompt(p)
        p.send("catch sys\t")            # the kind
        p.expect(r"\bcatch syscall $")
        p.send("mpro\t")                 # a name from the kernel's table
        p.expect(r"mprotect $")         # (readline echoes what it adds)
        p.send("munm\t")                 # and another after it
        p.expect(r"munmap $")
        p.send("\r")
        p.expect(r"^Catchpoint 1 \(syscall mprotect munmap\)$")
        p.expect(PROMPT)
        at_prompt(p)
        p.send("catch me\t")
        p.expect(r"memory $")
        p.send("\x03")
        p.expect(PROMPT)
        at_prompt(p)
        # 'f' is fork alone; 'e' exec; several kinds start with nothing
        # typed: asking twice lists them all
        p.send("catch \t\t")
        for k in ("exec", "fork", "load", "memory", "syscall", "vfork"):
            p.expect(r"\b%s\b" % k)
        p.send("\x03")
        p.expect(PROMPT)
        p.sendline("quit")
        check(p.wait() == 0, "quit exit status")


t.case("tab completes catch kinds and system call names after 'catch syscall'",
       complete_catch)

sys.exit(t.done())
