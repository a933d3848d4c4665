/* What is read from a stopped process once per stop: its mappings, its
 * smaps, the unwound stack of each thread asked for.  Everything here is
 * valid while its generation equals gen; ld_stop_cache_invalidate, the one
 * place that moves gen on, is called by run control whenever the process
 * resumes (ld_resume in infrun.h) and when the process or its image
 * changes (run, attach, exec, a library load).  The registers of a thread
 * are kept on the thread itself (struct ld_thread's regs, read by ld_tregs
 * and dropped by ld_proc_resume). */
#ifndef LAYOUTDBG_STOPCACHE_H
#define LAYOUTDBG_STOPCACHE_H

#include <stddef.h>
#include <sys/types.h>

#include "layoutdbg/maps.h"
#include "layoutdbg/smaps.h"
#include "layoutdbg/unwind.h"

/* The stack of one thread: frames[0..n) of at most max asked for (n < max:
 * the whole stack). */
struct ld_stack_entry {
	pid_t tid;
	size_t max;
	struct ld_frames fs;
};

struct ld_stop_cache {
	unsigned gen;               /* moves on at each resume */
	struct ld_maps maps;        /* valid while maps_gen == gen */
	unsigned maps_gen;
	struct ld_smaps *smaps;     /* residency (resident.c); valid while
				       smaps_gen == gen */
	unsigned smaps_gen;
	pid_t smaps_pid;
	struct ld_stack_entry *stacks; /* valid while stacks_gen == gen */
	size_t nstacks, capstacks;
	unsigned stacks_gen;
	unsigned long unwinds;      /* stacks unwound, not taken from here */
};

void ld_stop_cache_init(struct ld_stop_cache *c);
void ld_stop_cache_release(struct ld_stop_cache *c);

/* The process ran (or changed): what was read at the last stop is stale. */
void ld_stop_cache_invalidate(struct ld_stop_cache *c);

/* Thread tid's stack of this stop into fs (its old frames replaced), at
 * most max frames, when a stack at least that deep (or whole) was kept:
 * the count; else -ENOENT (nothing kept) or -ENOMEM. */
int ld_stop_cache_stack(struct ld_stop_cache *c, pid_t tid, size_t max,
			struct ld_frames *fs);
/* Keep fs, unwound for tid with at most max frames, for this stop (a
 * failure to keep it only costs a later unwind). */
void ld_stop_cache_keep(struct ld_stop_cache *c, pid_t tid, size_t max,
			const struct ld_frames *fs);

#endif
