/* What the snapshot commands show: snapshot, snapshots, show, diff,
 * save, load, export, trace, timeline. */
#ifndef LAYOUTDBG_SNAPVIEW_H
#define LAYOUTDBG_SNAPVIEW_H

#include <stdbool.h>

#include "layoutdbg/heapsnap.h"
#include "layoutdbg/snapshot.h"
#include "layoutdbg/timeline.h"

/* snapshot [NAME]: the one just taken (named: its number too). */
int ld_show_snapshot_taken(const struct ld_snapshot *snap, bool named);
int ld_show_snapshot_list(const struct ld_snapshots *ss);
/* show SNAP */
int ld_show_snapshot(const struct ld_snapshot *snap);

/* diff: the mapping changes (unless heap_only), then the chunk changes
 * hd (NULL: not both snapshots carry a heap of the same process). */
int ld_show_diff(const struct ld_snap_diff *d, const struct ld_heap_diff *hd,
		 bool heap_only);
/* diff --by-object */
int ld_show_objdiff(const struct ld_snapshot *a, const struct ld_snapshot *b,
		    const struct ld_objdiff *d);
/* diff A: the layout now was captured as $id to compare against. */
void ld_show_captured_now(unsigned id);

void ld_show_saved(const char *key, const char *path);
void ld_show_loaded(const struct ld_snapshot *snap, const char *path);
/* export A[..B] FILE */
void ld_show_exported(const char *a, const char *b, const char *path);
void ld_show_exported_timeline(size_t entries, const char *path);

/* trace memory without the seccomp filter: every call stops. */
void ld_show_trace_unfiltered(void);
/* timeline: every entry; timeline N: entry n (e) in full. */
int ld_show_timeline(const struct ld_timeline *tl, const char *exe);
int ld_show_timeline_entry(const struct ld_timeline *tl, unsigned long n,
			   const struct ld_tl_entry *e, const char *exe);

#endif
