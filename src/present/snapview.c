/* snapshot, snapshots, show, diff, save, load, export, trace, timeline:
 * their text, and their --json documents. */
#include <inttypes.h>
#include <stdio.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/heapjson.h"
#include "layoutdbg/heaptext.h"
#include "layoutdbg/json.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/snapjson.h"
#include "layoutdbg/snapview.h"
#include "layoutdbg/tlrender.h"

int ld_show_snapshot_taken(const struct ld_snapshot *snap, bool named)
{
	char label[64], brk[96];

	if (ld_json_on())
		return ld_emit_doc("snapshot", "snapshot", ld_snapshot_to_json(snap));
	ld_out("Snapshot %s: %zu mappings, %zu thread%s, brk %s (%s)\n",
	       ld_snapshot_label(snap, label, sizeof label), snap->maps.n,
	       snap->nthreads, snap->nthreads == 1 ? "" : "s",
	       ld_render_brk(snap, brk, sizeof brk), snap->reason);
	if (named)
		ld_out("(also %%%u)\n", snap->id);
	return 0;
}

int ld_show_snapshot_list(const struct ld_snapshots *ss)
{
	if (ld_json_on())
		return ld_emit_doc("snapshots", "snapshots", ld_json_snapshot_list(ss));
	ld_render_snapshot_list(stdout, ss);
	fflush(stdout);
	return 0;
}

int ld_show_snapshot(const struct ld_snapshot *snap)
{
	if (ld_json_on())
		return ld_emit_doc("show", "snapshot", ld_snapshot_to_json(snap));
	ld_render_snapshot(stdout, snap);
	fflush(stdout);
	return 0;
}

int ld_show_diff(const struct ld_snap_diff *d, const struct ld_heap_diff *hd,
		 bool heap_only)
{
	if (ld_json_on()) {
		json_t *j = heap_only ? json_object() : ld_snap_diff_to_json(d);

		if (j && hd)
			ld_jset(j, "heap", ld_heap_diff_to_json(hd));
		ld_emit_doc("diff", "diff", j);
		return 0;
	}
	if (!heap_only)
		ld_render_diff(stdout, d);
	if (hd)
		ld_render_heap_diff(stdout, hd);
	else if (heap_only)
		ld_out("no heap in %s of these snapshots\n",
		       d->a->heap || d->b->heap ? "one" : "either");
	fflush(stdout);
	return 0;
}

int ld_show_objdiff(const struct ld_snapshot *a, const struct ld_snapshot *b,
		    const struct ld_objdiff *d)
{
	if (ld_json_on())
		ld_emit_doc("diff", "by_object", ld_objdiff_to_json(d));
	else
		ld_render_objdiff(stdout, a, b, d);
	fflush(stdout);
	return 0;
}

void ld_show_captured_now(unsigned id)
{
	ld_out("(current layout captured as %%%u)\n", id);
}

void ld_show_saved(const char *key, const char *path)
{
	ld_out("Saved snapshot %s to %s\n", key, path);
}

void ld_show_loaded(const struct ld_snapshot *snap, const char *path)
{
	char label[64];

	ld_out("Loaded snapshot %s (%%%u) from %s: process %d, %zu mappings, %s\n",
	       ld_snapshot_label(snap, label, sizeof label), snap->id, path,
	       (int)snap->pid, snap->maps.n, snap->reason ? snap->reason : "");
}

void ld_show_exported(const char *a, const char *b, const char *path)
{
	ld_out("Exported %s%s%s to %s\n", a, b ? ".." : "", b ? b : "", path);
}

void ld_show_exported_timeline(size_t entries, const char *path)
{
	ld_out("Exported the timeline (%zu entries) to %s\n", entries, path);
}

void ld_show_trace_unfiltered(void)
{
	ld_out("(attached or started without a filter: tracing with "
	       "PTRACE_SYSCALL, every system call stops the process "
	       "briefly)\n");
}

int ld_show_timeline(const struct ld_timeline *tl, const char *exe)
{
	if (ld_json_on())
		return ld_emit_doc("timeline", "timeline", ld_timeline_to_json(tl));
	ld_render_timeline(stdout, tl, exe);
	fflush(stdout);
	return 0;
}

int ld_show_timeline_entry(const struct ld_timeline *tl, unsigned long n,
			   const struct ld_tl_entry *e, const char *exe)
{
	if (ld_json_on()) {
		json_t *all = ld_timeline_to_json(tl);
		json_t *one = all ? json_array_get(json_object_get(all, "entries"),
						   n - 1) : NULL;

		json_incref(one);
		json_decref(all);
		return ld_emit_doc("timeline", "entry", one);
	}
	ld_render_tl_entry(stdout, e, exe);
	fflush(stdout);
	return 0;
}
