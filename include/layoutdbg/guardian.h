/* The guardian: an attached process outlives layoutdbg's death with none of
 * layoutdbg's int3 bytes in its text.
 *
 * While a process is attached, every address that may hold one of our
 * int3s is kept, with its original byte, in a table in a MAP_SHARED
 * anonymous mapping (bp.c reports each site armed or disarmed through
 * ld_guardian_note).  Two ways of dying are covered:
 *
 *  - a crash of layoutdbg (SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL): the
 *    crash handler calls ld_guardian_crash_release, which interrupts and
 *    waits for every thread, restores every byte, rewinds a thread that has
 *    just executed one of our int3s, and detaches, with async-signal-safe
 *    calls only;
 *  - SIGKILL (or the OOM killer), which no handler sees: a small process
 *    forked at attach (the guardian) blocks on a pipe whose write end only
 *    layoutdbg holds.  EOF means layoutdbg is dying; the guardian waits
 *    until it is dead (the kernel then releases its tracees, which run on),
 *    seizes every thread, and does the same restore.  It holds no ptrace on
 *    anything before that, never kills the program, and exits quietly when
 *    told through the pipe (ld_guardian_stop).
 *
 * This module is the one exception to "only proc.c waits and only proc.c
 * and mem.c call ptrace": its calls run in a dying layoutdbg or in another
 * process, where the session's structures cannot be trusted or used. */
#ifndef LAYOUTDBG_GUARDIAN_H
#define LAYOUTDBG_GUARDIAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* At attach (pid already stopped and traced by us): empty the table, make
 * it live, fork the guardian.  0 or -errno; the crash path works without
 * the guardian process as long as the table could be mapped. */
int ld_guardian_start(pid_t pid);

/* The process is detached, killed or gone: tell the guardian to exit, reap
 * it, switch the table off.  Fine to call when nothing was started. */
void ld_guardian_stop(void);

/* From bp.c: the byte at addr may now hold our int3 (present, called
 * before the int3 is written) or no longer does (after the original byte
 * is back).  No-op when no attached process is guarded. */
void ld_guardian_note(uint64_t addr, uint8_t orig, bool present);

/* From watch.c: debug registers were written (before they are): the
 * guardian clears DR7 in every thread before it lets the process go, even
 * with no breakpoint byte to restore. */
void ld_guardian_note_debugregs(void);

/* From the crash handler (async-signal-safe): stop every thread of the
 * guarded process, restore every byte, rewind pcs, detach, tell the
 * guardian it has nothing left to do.  adjusted(tid) says whether
 * layoutdbg has already dealt with the pc of a stop it waited for (then a
 * pc one past a site is not rewound again).  0, or -1 when nothing is
 * guarded or the process could not be stopped or is being killed (the
 * caller falls back; the guardian still acts once layoutdbg is dead). */
int ld_guardian_crash_release(bool (*adjusted)(pid_t tid));

#endif
