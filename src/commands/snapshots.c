/* Snapshots and the timeline: snapshot, snapshots, show SNAP, drop, diff,
 * save, load, export, trace memory, timeline. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/capture.h"
#include "layoutdbg/args.h"
#include "layoutdbg/error.h"
#include "layoutdbg/exportfile.h"
#include "layoutdbg/heapsnap.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/snapfile.h"
#include "layoutdbg/snapshots.h"
#include "layoutdbg/snapview.h"

int ld_cmd_snapshot(struct ld_session *s, char *args)
{
	char *name = ld_next_word(&args);
	struct ld_snapshot *snap;

	if (name && (name[0] == '%' || name[0] == '$' || name[0] == '@' ||
		     isdigit((unsigned char)name[0])))
		return ld_error("snapshot %s: names may not start with '%%', '$', "
				"'@' or a digit (%%N numbers snapshots, $N is the "
				"value history, @N a timeline entry)", name);
	snap = ld_session_snapshot(s, name);
	if (!snap)
		return -1;
	return ld_show_snapshot_taken(snap, name != NULL);
}

int ld_cmd_snapshots(struct ld_session *s, char *args)
{
	return ld_show_snapshot_list(&s->recording.snaps);
}

static struct ld_snapshot *find_snap(struct ld_session *s, const char *what,
				     const char *key)
{
	struct ld_snapshot *snap = ld_snapshot_find(&s->recording.snaps, key);

	if (!snap)
		ld_error("%s: no snapshot \"%s\" (see `snapshots`)%s", what, key,
			 ld_snapshot_hint(key));
	return snap;
}

/* diff --heap-only: only the chunk changes. */
static bool heap_only;

/* The mapping changes, then the chunk changes below them (when both
 * snapshots carry a heap). */
static void show_diff(const struct ld_snap_diff *d)
{
	struct ld_heap_diff hd;
	bool heap = d->a->heap && d->b->heap && !d->different_process &&
		    ld_heap_diff(d->a->heap, d->b->heap, &hd) == 0;

	ld_show_diff(d, heap ? &hd : NULL, heap_only);
	if (heap)
		ld_heap_diff_release(&hd);
}

/* "@N": the layout after timeline entry N; "@N-": before it.  The
 * snapshot is the caller's to free. */
static struct ld_snapshot *timeline_snap(struct ld_session *s, const char *key)
{
	unsigned long n;
	char *end;
	struct ld_tl_entry *e;
	bool before;

	n = strtoul(key + 1, &end, 10);
	before = *end == '-';
	if (end == key + 1 || (*end && strcmp(end, "-"))) {
		ld_error("diff: \"%s\": expected @N or @N- (timeline entry N)", key);
		return NULL;
	}
	e = ld_timeline_get(&s->recording.timeline, (unsigned)n);
	if (!e || (!before && !e->done)) {
		ld_error("diff: no finished timeline entry %lu", n);
		return NULL;
	}
	return ld_tl_as_snapshot(e, !before, s->program.exe_path);
}

int ld_cmd_show_snap(struct ld_session *s, const char *key)
{
	struct ld_snapshot *snap = find_snap(s, "show", key);

	if (!snap)
		return -1;
	return ld_show_snapshot(snap);
}

int ld_cmd_drop(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);
	struct ld_snapshot *snap;

	if (!w)
		return ld_error("drop: which snapshot? (drop SNAP)");
	snap = find_snap(s, "drop", w);
	if (!snap)
		return -1;
	ld_snapshot_drop(&s->recording.snaps, snap);
	return 0;
}

static int diff_by_object(struct ld_session *s, char *args)
{
	char *wa = ld_next_word(&args), *wb = ld_next_word(&args);
	struct ld_snapshot *a, *b;
	struct ld_objdiff d;

	if (!wa || !wb || ld_next_word(&args))
		return ld_error("diff --by-object: usage: diff --by-object A B");
	if (!(a = find_snap(s, "diff", wa)) || !(b = find_snap(s, "diff", wb)))
		return -1;
	if (ld_snap_diff_by_object(a, b, &d) < 0)
		return ld_error("diff: %s", strerror(ENOMEM));
	ld_show_objdiff(a, b, &d);
	ld_objdiff_release(&d);
	return 0;
}

int ld_cmd_diff(struct ld_session *s, char *args)
{
	char *wa, *wb;
	struct ld_snapshot *a, *b;
	struct ld_snap_diff d;

	if (!strncmp(ld_skip_ws(args), "--by-object", 11))
		return diff_by_object(s, ld_skip_ws(args) + 11);
	heap_only = !strncmp(ld_skip_ws(args), "--heap-only", 11);
	if (heap_only)
		args = ld_skip_ws(args) + 11;
	wa = ld_next_word(&args);
	wb = ld_next_word(&args);

	if (ld_next_word(&args))
		return ld_error("diff: usage: diff [A [B]]");
	if (!wa) {
		if (s->recording.snaps.n < 2)
			return ld_error("diff: two snapshots are needed (have %zu); "
					"take them with `snapshot`", s->recording.snaps.n);
		a = s->recording.snaps.v[s->recording.snaps.n - 2];
		b = s->recording.snaps.v[s->recording.snaps.n - 1];
	} else if (wa[0] == '@') {
		struct ld_snapshot *ta = timeline_snap(s, wa);
		struct ld_snapshot *tb = ta && wb ? (wb[0] == '@' ? timeline_snap(s, wb) :
						     find_snap(s, "diff", wb)) : NULL;
		int r = -1;

		if (ta && !wb) {
			/* @N alone: what the call did, before against after */
			char before[32];

			snprintf(before, sizeof before, "%s-", wa);
			tb = ta;
			ta = timeline_snap(s, before);
		}
		if (ta && tb && ld_snap_diff(ta, tb, &d) == 0) {
			show_diff(&d);
			ld_snap_diff_release(&d);
			r = 0;
		}
		ld_snapshot_free(ta);
		if (!wb || wb[0] == '@')
			ld_snapshot_free(tb);
		return r;
	} else {
		a = find_snap(s, "diff", wa);
		if (!a)
			return -1;
		if (wb && wb[0] == '@') {
			struct ld_snapshot *tb = timeline_snap(s, wb);
			int r = -1;

			if (tb && ld_snap_diff(a, tb, &d) == 0) {
				show_diff(&d);
				ld_snap_diff_release(&d);
				r = 0;
			}
			ld_snapshot_free(tb);
			return r;
		}
		if (wb) {
			b = find_snap(s, "diff", wb);
		} else {
			/* diff A: A against the layout now. */
			b = ld_session_snapshot(s, NULL);
			if (b)
				ld_show_captured_now(b->id);
		}
		if (!b)
			return -1;
	}
	if (ld_snap_diff(a, b, &d) < 0)
		return ld_error("diff: %s", strerror(ENOMEM));
	show_diff(&d);
	ld_snap_diff_release(&d);
	return 0;
}

/* "--force" (or "-force") as the first word of save and export. */
static bool take_force(char **args)
{
	char *p = ld_skip_ws(*args);
	size_t n = strcspn(p, " \t");

	if ((n == 7 && !strncmp(p, "--force", 7)) || (n == 6 && !strncmp(p, "-force", 6))) {
		*args = p + n;
		return true;
	}
	return false;
}

int ld_cmd_save(struct ld_session *s, char *args)
{
	bool force = take_force(&args);
	char *key = ld_next_word(&args), *path, err[512];
	struct ld_snapshot *snap;

	ld_trim_end(args);
	path = ld_skip_ws(args);
	if (!key || !*path)
		return ld_error("save: usage: save [--force] SNAP FILE");
	snap = find_snap(s, "save", key);
	if (!snap)
		return -1;
	if (ld_snapshot_save(snap, path, force, err, sizeof err) < 0)
		return ld_error("save: %s", err);
	ld_show_saved(key, path);
	return 0;
}

int ld_cmd_load(struct ld_session *s, char *args)
{
	struct ld_snapshot *snap;
	char err[512], *path;
	size_t i;

	ld_trim_end(args);
	path = ld_skip_ws(args);
	if (!*path)
		return ld_error("load: usage: load FILE");
	if (ld_snapshot_load(path, &s->recording.snaps, &snap, err, sizeof err) < 0)
		return ld_error("load: %s", err);
	/* A saved name may clash with one of this session: keep the number. */
	for (i = 0; snap->name && i < s->recording.snaps.n; i++) {
		if (s->recording.snaps.v[i] != snap && s->recording.snaps.v[i]->name &&
		    !strcmp(s->recording.snaps.v[i]->name, snap->name)) {
			ld_warn("load: a snapshot named \"%s\" exists; the loaded one "
				"is %%%u", snap->name, snap->id);
			free(snap->name);
			snap->name = NULL;
			break;
		}
	}
	ld_show_loaded(snap, path);
	return 0;
}

int ld_cmd_export(struct ld_session *s, char *args)
{
	bool force = take_force(&args);
	char *what = ld_next_word(&args), *path, *dots, err[512];
	struct ld_snapshot *a, *b = NULL;
	size_t n;
	bool pages = false;
	int r;

	ld_trim_end(args);
	path = ld_skip_ws(args);
	n = strlen(path);
	if (n > 8 && !strcmp(path + n - 8, " --pages")) {
		pages = true;
		path[n - 8] = 0;
		ld_trim_end(path);
	}
	if (!what || !*path)
		return ld_error("export: usage: export [--force] SNAP|A..B|timeline "
				"FILE.json|.svg|.html");
	if (!strcmp(what, "timeline")) {
		if (strcmp(ld_export_ext(path), "json"))
			return ld_error("export timeline: only .json is supported");
		r = ld_export_timeline(&s->recording.timeline, path, force, err, sizeof err);
		if (r < 0)
			return ld_error("export timeline %s", err);
		ld_show_exported_timeline(s->recording.timeline.n, path);
		return 0;
	}
	if ((dots = strstr(what, ".."))) {
		*dots = 0;
		a = find_snap(s, "export", what);
		b = a ? find_snap(s, "export", dots + 2) : NULL;
		if (!b)
			return -1;
	} else if (!(a = find_snap(s, "export", what))) {
		return -1;
	}
	if (pages && (b || strcmp(ld_export_ext(path), "svg")))
		return ld_error("export %s: --pages draws a snapshot's .svg", path);
	if (pages && !a->strip)
		return ld_error("export %s: --pages: %s has no page states (set "
				"snapshot-pages on before the snapshot)", path, what);
	*err = 0;
	r = ld_export_snapshots(a, b, path, force, pages, err, sizeof err);
	if (r < 0 && *err)
		return ld_error("export %s", err);
	if (r == -EINVAL)
		return ld_error("export %s: unknown file type \"%s\" (use .json, .svg "
				"or .html)", path, ld_export_ext(path));
	if (r < 0)
		return ld_error("export %s: %s", path, strerror(-r));
	ld_show_exported(what, b ? dots + 2 : NULL, path);
	return 0;
}

int ld_cmd_trace(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args), *u;
	unsigned long n = 0;
	bool until_exit = false;
	uint64_t sb, cur;

	if (!w || strcmp(w, "memory"))
		return ld_error("trace: usage: trace memory [until N|exit] "
				"(N: a breakpoint number)");
	ld_cmd_doc_name("trace memory");
	if ((u = ld_next_word(&args))) {
		char *what = ld_next_word(&args);

		if (strcmp(u, "until") || !what)
			return ld_error("trace memory: usage: trace memory "
					"[until N|exit] (N: a breakpoint number)");
		if (!strcmp(what, "exit"))
			until_exit = true;
		else if (!isdigit((unsigned char)*what))
			return ld_error("trace memory until %s: N is a breakpoint "
					"number (`break %s` first, then `trace memory "
					"until` its number)", what, what);
		else if (ld_parse_uint("trace memory until", what, INT_MAX, &n) < 0)
			return -1;
		else if (!ld_bp_by_num(&s->live.bps, (int)n))
			return ld_error("trace memory until %lu: no breakpoint number "
					"%lu (see `info breakpoints`)", n, n);
	}
	ld_trace_memory(s, (int)n, until_exit);
	if (!s->live.proc) {
		if (!s->program.exe)
			return ld_error("trace memory: no program loaded");
		return ld_run(s, false);
	}
	/* Learn the break while a call can still be run in the tracee: from
	 * here every brk stops it, and the timeline's break stays exact. */
	if (!s->recording.cur_brk_known && ld_session_brk(s, &sb, &cur) < 0)
		ld_warn("the program break is unknown until the first brk call");
	if (!s->recording.seccomp)
		ld_show_trace_unfiltered();
	return ld_continue(s, 1);
}

int ld_cmd_timeline(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);
	unsigned long n;
	struct ld_tl_entry *e;

	if (!w)
		return ld_show_timeline(&s->recording.timeline, s->program.exe_path);
	if (ld_parse_uint("timeline", w, UINT_MAX, &n) < 0)
		return -1;
	e = ld_timeline_get(&s->recording.timeline, (unsigned)n);
	if (!e)
		return ld_error("timeline %lu: no such entry (the timeline has %zu)",
				n, s->recording.timeline.n);
	return ld_show_timeline_entry(&s->recording.timeline, n, e, s->program.exe_path);
}
