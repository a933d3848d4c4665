/* What is read from a stopped process once per stop: its mappings, its
 * smaps, the unwound stack of each thread asked for, the walk of its
 * malloc heap.  Everything here is
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

#include "layoutdbg/heap.h"
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

enum ld_heap_state {
	LD_HEAP_NOT_WALKED,
	LD_HEAP_NONE,               /* walked: no glibc heap at this stop */
	LD_HEAP_WALKED,
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
	/* The heap walk (heapstop.c): heap, and from, where its arena info
	 * came from, when heap_state says so; valid while heap_gen == gen. */
	enum ld_heap_state heap_state;
	unsigned heap_gen;
	struct ld_heap heap;
	const char *heap_from;
	unsigned long heap_walks;   /* walks kept here */
	/* How many of thread inline_tid's innermost inlined frames this stop
	 * hides (inlframes.h); for other threads, or inline_skip < 0, gdb's
	 * rule at a pc.  Set by run control before the stack is read. */
	pid_t inline_tid;
	int inline_skip;
};

void ld_stop_cache_init(struct ld_stop_cache *c);
void ld_stop_cache_release(struct ld_stop_cache *c);

/* The process ran (or changed): what was read at the last stop is stale. */
void ld_stop_cache_invalidate(struct ld_stop_cache *c);

/* Thread tid's stack of this stop, when a stack at least max deep (or
 * whole) was kept: the kept frames (possibly more than max), valid until
 * the cache is invalidated or a stack is kept again; else NULL. */
const struct ld_frames *ld_stop_cache_stack(struct ld_stop_cache *c, pid_t tid,
					    size_t max);
/* Keep fs, unwound for tid with at most max frames, for this stop: its
 * frames are taken (fs is left empty) and the kept stack returned; NULL
 * (-ENOMEM) leaves fs as it was. */
const struct ld_frames *ld_stop_cache_keep(struct ld_stop_cache *c, pid_t tid,
					   size_t max, struct ld_frames *fs);
/* Was the heap walked at this stop?  With LD_HEAP_WALKED, *h and *from
 * (either pointer may be NULL) say what was found; else they are NULL. */
enum ld_heap_state ld_stop_cache_heap(const struct ld_stop_cache *c,
				      const struct ld_heap **h, const char **from);
/* Keep h, walked at this stop, as its heap (owned from now on; NULL: no
 * glibc heap here); from: a static string. */
void ld_stop_cache_keep_heap(struct ld_stop_cache *c, struct ld_heap *h,
			     const char *from);

#endif
