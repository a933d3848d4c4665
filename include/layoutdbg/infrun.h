/* Run control internals shared by session.c and infrun.c. */
#ifndef LAYOUTDBG_INFRUN_H
#define LAYOUTDBG_INFRUN_H

#include "layoutdbg/session.h"

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



/* "0x00007ffff7e5a6e0 in calloc () from /usr/lib/.../libc.so.6" */
const char *ld_describe_pc(struct ld_session *s, uint64_t pc, char *buf,
			   size_t len);

/* Between commands: notice a stopped process that died from outside.
 * Returns 1 (after reporting) when it is gone. */
int ld_poll_process(struct ld_session *s);
#endif
