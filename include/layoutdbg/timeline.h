/* The memory timeline: every memory system call recorded while tracing,
 * with the layout change it caused and the call site.  Plain data;
 * infrun.c fills it, present/tlrender.c shows it. */
#ifndef LAYOUTDBG_TIMELINE_H
#define LAYOUTDBG_TIMELINE_H

#include <stdio.h>
#include <time.h>

#include "layoutdbg/maps.h"
#include "layoutdbg/snapshot.h"
#include "layoutdbg/syscalls.h"

struct ld_tl_entry {
	unsigned n;                /* 1, 2, ... */
	pid_t pid, tid;
	struct timespec when;      /* the call's entry */
	int thread_num;            /* 0: a task of a child process (pid) */
	struct ld_syscall call;
	char *text;                /* the decoded call, formatted at entry */
	struct ld_maps before, after;
	uint64_t brk_before, brk_after;
	bool brk_known;            /* both hold the kernel's break (false:
				      the break was not known, e.g. just
				      after an attach) */
	struct ld_snap_frame *frames;  /* user-space backtrace at entry */
	size_t nframes;
	bool done;                 /* the return was seen */
};

struct ld_timeline {
	struct ld_tl_entry **v;
	size_t n, cap;
};

void ld_timeline_init(struct ld_timeline *t);
void ld_timeline_release(struct ld_timeline *t);
/* A new entry (owned by t) or NULL on ENOMEM. */
struct ld_tl_entry *ld_timeline_add(struct ld_timeline *t);
/* The unfinished entry of thread tid (its call has not returned). */
struct ld_tl_entry *ld_timeline_pending(struct ld_timeline *t, pid_t tid);
struct ld_tl_entry *ld_timeline_get(struct ld_timeline *t, unsigned n);

/* The layout after entry e as a snapshot-like view (maps and brk only;
 * no threads), for `diff`.  The snapshot borrows nothing: free it with
 * ld_snapshot_free. */
struct ld_snapshot *ld_tl_as_snapshot(const struct ld_tl_entry *e, bool after,
				      const char *exe);

#endif
