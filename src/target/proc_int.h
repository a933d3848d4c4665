/* Internals of process control shared by its files: proc.c (the thread
 * table, resuming, waiting and decoding stops), spawn.c (starting a
 * program), attach.c (seizing a running one) and stopall.c (stopping every
 * thread, cancelling waits).  Not a public header: callers use
 * layoutdbg/proc.h. */
#ifndef LD_PROC_INT_H
#define LD_PROC_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "layoutdbg/proc.h"

/* A new process record, its ptrace options set; no threads yet. */
struct ld_proc *ld_proc_new(pid_t pid, bool spawned);

/* A new thread entry (NULL when out of memory). */
struct ld_thread *ld_proc_add_thread(struct ld_proc *p, pid_t tid,
				     enum ld_thread_state state);

/* The live entry for tid, or NULL: an entry marked gone is another
 * thread that had the same id. */
struct ld_thread *ld_proc_live_thread(struct ld_proc *p, pid_t tid);

/* Wait until no thread runs (each interrupted already, or new). */
int ld_proc_collect_stops(struct ld_proc *p);

#endif
