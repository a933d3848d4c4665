/* The heap of the live process at a stop, for the heap commands,
 * snapshots and views: walked once a stop, kept until the next. */
#ifndef LAYOUTDBG_HEAPSTOP_H
#define LAYOUTDBG_HEAPSTOP_H

#include <stdbool.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/heapsnap.h"
#include "layoutdbg/heapsrc.h"
#include "layoutdbg/session.h"

/* Locate glibc's malloc state and walk it.  0 (release h), 1 when the
 * heap is not glibc's (src->other says whose) or no state was found, -1
 * after printing an error (nothing printed when quiet). */
int ld_heap_capture(struct ld_session *s, struct ld_heap_source *src,
		    struct ld_heap *h, bool quiet);

/* Keep h, a walk of this stop made by ld_heap_capture that returned 0,
 * as the walk of this stop (owned from now on: do not release it). */
void ld_heap_keep(struct ld_session *s, const struct ld_heap_source *src,
		  struct ld_heap *h);

/* The heap for a snapshot (nothing printed); NULL when there is none
 * (not glibc's, malloc not used yet, ENOMEM). */
struct ld_snap_heap *ld_heap_snapshot(struct ld_session *s);

/* The walk of this stop when one was made already (by `heap`, a
 * snapshot, xinfo), else NULL: for views that must stay cheap. */
const struct ld_heap *ld_heap_cached(const struct ld_session *s);
/* The walk of this stop, made now (quietly) if needed; NULL when there is
 * no glibc heap.  Kept in the per-stop cache (stopcache.h): valid until
 * the process resumes. */
const struct ld_heap *ld_heap_at_stop(struct ld_session *s);

#endif
