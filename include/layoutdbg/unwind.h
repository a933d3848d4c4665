/* Stack unwinding with libunwind-ptrace.  One address space per process,
 * cached (UNW_CACHE_GLOBAL) until the caller flushes it (after a library
 * load or an exec).  Names come from the project's own symbol index
 * (objs), not from unw_get_proc_name. */
#ifndef LAYOUTDBG_UNWIND_H
#define LAYOUTDBG_UNWIND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ld_frame {
	uint64_t pc;          /* frame 0: rip; others: return address */
	uint64_t sp;          /* the frame's stack pointer */
	uint64_t cfa;         /* canonical frame address (the caller's sp
				 after return); 0 if unknown */
	uint64_t rbp_at;      /* where rbp was saved, 0 if not saved */
	uint64_t rip_at;      /* where the return address is, 0 if unknown */
};

struct ld_unwinder;

struct ld_unwinder *ld_unwinder_new(void);
void ld_unwinder_free(struct ld_unwinder *u);   /* NULL is fine */
void ld_unwinder_flush(struct ld_unwinder *u);   /* code mappings changed */

/* Unwind thread tid (stopped) into at most max frames.  Returns the number
 * of frames (>= 1 when the registers could be read), or -errno. */
int ld_unwind(struct ld_unwinder *u, pid_t tid, struct ld_frame *out,
	      size_t max);

#endif
