/* Run control: the only code that resumes the tracee and decides what a
 * stop means (src/engine/infrun.c).  It prints nothing: what it has to
 * say goes to the session's observer as a stop report or a note
 * (stopreport.h). */
#ifndef LAYOUTDBG_INFRUN_H
#define LAYOUTDBG_INFRUN_H

#include "layoutdbg/session.h"
#include "layoutdbg/stopreport.h"

/* The process is gone or let go: forget it.  With kill_or_detach, a
 * spawned process is killed and an attached one detached (breakpoint
 * bytes restored first). */
void ld_end_process(struct ld_session *s, bool kill_or_detach);

/* A new program was loaded: breakpoints become pending against it. */
void ld_rearm_for_file(struct ld_session *s);

/* Run one system call in stopped thread t (all registers and the two text
 * bytes used are restored).  *ret gets rax.  0 or -errno. */
int ld_inject_syscall(struct ld_session *s, struct ld_thread *t, long nr,
		      uint64_t arg0, uint64_t *ret);

/* The last stop reported (or the end of the last process); kind
 * LD_SK_NONE before any.  Owned by run control. */
const struct ld_stop_report *ld_last_stop(const struct ld_session *s);

/* Give the observer n (nothing when none is set). */
void ld_notify(struct ld_session *s, const struct ld_note *n);

/* Symbol, object and source line of pc, into f (release it); alias, when
 * not NULL, names the function instead of the symbol table. */
void ld_stop_frame_fill(struct ld_session *s, uint64_t pc, const char *alias,
			struct ld_stop_frame *f);
/* r->source from r->frame's file and line (or r->source_errno). */
void ld_stop_source_fill(struct ld_stop_report *r);

/* Between commands: notice a stopped process that died from outside.
 * Returns 1 (after reporting) when it is gone. */
int ld_poll_process(struct ld_session *s);
#endif
