/* Snapshot capture and the queries it shares with the commands: the
 * program break, what each mapping is.  Engine floor, above run control. */
#ifndef LAYOUTDBG_CAPTURE_H
#define LAYOUTDBG_CAPTURE_H

#include <stdint.h>

#include "layoutdbg/session.h"

/* The kernel's program break: start_brk (from /proc/PID/stat) and the
 * current break (brk(0) run in the tracee, registers restored).  0/-errno. */
int ld_session_brk(struct ld_session *s, uint64_t *start_brk, uint64_t *brk);

/* Capture a snapshot (named or numbered).  Returns it or NULL (error
 * printed). */
struct ld_snapshot *ld_session_snapshot(struct ld_session *s, const char *name);

/* What each mapping of m is (classify.h's ld_classify_regions) with s's
 * objects and stopped threads, and heap: the walk of this stop, or NULL.
 * out has m->n entries.  0. */
struct ld_heap;
struct ld_region;
int ld_session_classify(struct ld_session *s, const struct ld_maps *m,
			const struct ld_heap *heap, struct ld_region *out);

#endif
