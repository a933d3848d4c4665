/* Snapshots and the timeline: snapshot, snapshots, show SNAP, drop, diff,
 * save, load, export, trace memory, timeline. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/args.h"
#include "layoutdbg/error.h"
#include "layoutdbg/export.h"
#include "layoutdbg/heapsnap.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/safefile.h"
#include "layoutdbg/snapshots.h"

int ld_cmd_snapshot(struct ld_session *s, char *args)
{
	char *name = ld_next_word(&args), label[64], brk[96];
	struct ld_snapshot *snap;

	if (name && (name[0] == '$' || isdigit((unsigned char)name[0])))
		return ld_error("snapshot %s: names may not start with '$' or a "
				"digit (those are snapshot numbers)", name);
	snap = ld_session_snapshot(s, name);
	if (!snap)
		return -1;
	if (ld_json_on())
		return ld_emit_doc("snapshot", "snapshot", ld_snapshot_to_json(snap));
	ld_out("Snapshot %s: %zu mappings, %zu thread%s, brk %s (%s)\n",
	       ld_snapshot_label(snap, label, sizeof label), snap->maps.n,
	       snap->nthreads, snap->nthreads == 1 ? "" : "s",
	       ld_render_brk(snap, brk, sizeof brk), snap->reason);
	if (name)
		ld_out("(also $%u)\n", snap->id);
	return 0;
}

int ld_cmd_snapshots(struct ld_session *s, char *args)
{
	if (ld_json_on())
		return ld_emit_doc("snapshots", "snapshots", ld_json_snapshot_list(&s->snaps));
	ld_render_snapshot_list(stdout, &s->snaps);
	fflush(stdout);
	return 0;
}

static struct ld_snapshot *find_snap(struct ld_session *s, const char *what,
				     const char *key)
{
	struct ld_snapshot *snap = ld_snapshot_find(&s->snaps, key);

	if (!snap)
		ld_error("%s: no snapshot \"%s\" (see `snapshots`)", what, key);
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

	if (ld_json_on()) {
		json_t *j = heap_only ? json_object() : ld_snap_diff_to_json(d);

		if (j && heap)
			ld_jset(j, "heap", ld_heap_diff_to_json(&hd));
		ld_emit_doc("diff", "diff", j);
	} else {
		if (!heap_only)
			ld_render_diff(stdout, d);
		if (heap)
			ld_render_heap_diff(stdout, &hd);
		else if (heap_only)
			ld_out("no heap in %s of these snapshots\n",
			       d->a->heap || d->b->heap ? "one" : "either");
		fflush(stdout);
	}
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
	e = ld_timeline_get(&s->timeline, (unsigned)n);
	if (!e || (!before && !e->done)) {
		ld_error("diff: no finished timeline entry %lu", n);
		return NULL;
	}
	return ld_tl_as_snapshot(e, !before, s->exe_path);
}

int ld_cmd_show_snap(struct ld_session *s, const char *key)
{
	struct ld_snapshot *snap = find_snap(s, "show", key);

	if (!snap)
		return -1;
	if (ld_json_on())
		return ld_emit_doc("show", "snapshot", ld_snapshot_to_json(snap));
	ld_render_snapshot(stdout, snap);
	fflush(stdout);
	return 0;
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
	ld_snapshot_drop(&s->snaps, snap);
	return 0;
}

static json_t *objdiff_json(const struct ld_objdiff *d)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct ld_objchange *c = &d->v[i];
		json_t *x = json_object();
		char kind[2] = { c->kind, 0 };

		ld_jset(x, "key", json_string(c->key));
		ld_jset(x, "kind", json_string(c->kind == '+' ? "added" :
					       c->kind == '-' ? "removed" : "changed"));
		(void)kind;
		if (c->kind != '+') {
			ld_json_put_u64(x, "size_before", c->size_a);
			ld_jset(x, "perms_before", json_string(c->perms_a));
		}
		if (c->kind != '-') {
			ld_json_put_u64(x, "size_after", c->size_b);
			ld_jset(x, "perms_after", json_string(c->perms_b));
		}
		json_array_append_new(arr, x);
	}
	ld_jset(o, "changes", arr);
	ld_jset(o, "same", json_integer((json_int_t)d->same));
	return o;
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
	if (ld_json_on())
		ld_emit_doc("diff", "by_object", objdiff_json(&d));
	else
		ld_render_objdiff(stdout, a, b, &d);
	fflush(stdout);
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
		if (s->snaps.n < 2)
			return ld_error("diff: two snapshots are needed (have %zu); "
					"take them with `snapshot`", s->snaps.n);
		a = s->snaps.v[s->snaps.n - 2];
		b = s->snaps.v[s->snaps.n - 1];
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
				ld_out("(current layout captured as $%u)\n", b->id);
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
	ld_out("Saved snapshot %s to %s\n", key, path);
	return 0;
}

int ld_cmd_load(struct ld_session *s, char *args)
{
	struct ld_snapshot *snap;
	char err[512], label[64], *path;
	size_t i;

	ld_trim_end(args);
	path = ld_skip_ws(args);
	if (!*path)
		return ld_error("load: usage: load FILE");
	if (ld_snapshot_load(path, &s->snaps, &snap, err, sizeof err) < 0)
		return ld_error("load: %s", err);
	/* A saved name may clash with one of this session: keep the number. */
	for (i = 0; snap->name && i < s->snaps.n; i++) {
		if (s->snaps.v[i] != snap && s->snaps.v[i]->name &&
		    !strcmp(s->snaps.v[i]->name, snap->name)) {
			ld_warn("load: a snapshot named \"%s\" exists; the loaded one "
				"is $%u", snap->name, snap->id);
			free(snap->name);
			snap->name = NULL;
			break;
		}
	}
	ld_out("Loaded snapshot %s ($%u) from %s: process %d, %zu mappings, %s\n",
	       ld_snapshot_label(snap, label, sizeof label), snap->id, path,
	       (int)snap->pid, snap->maps.n, snap->reason ? snap->reason : "");
	return 0;
}

static const char *extension(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && !strchr(dot, '/') ? dot + 1 : "";
}

/* Through safefile.h: errors come back in err with the real cause. */
static int write_json(json_t *j, const char *path, bool force, char *err, size_t len)
{
	struct ld_safefile sf;
	int r;

	if (!j)
		return ld_fail(err, len, "%s: %s", path, strerror(ENOMEM)), -ENOMEM;
	r = ld_safefile_open(&sf, path, force, err, len);
	if (r == 0) {
		errno = 0;
		if (json_dumpf(j, sf.f, JSON_INDENT(2) | JSON_SORT_KEYS) ||
		    fputc('\n', sf.f) == EOF)
			r = errno ? -errno : -EIO;
		r = ld_safefile_commit(&sf, r, err, len);
	}
	json_decref(j);
	return r;
}

static int export_one(struct ld_snapshot *a, struct ld_snapshot *b,
		      const char *path, bool force, bool pages, char *err,
		      size_t len)
{
	const char *ext = extension(path);
	struct ld_safefile sf;
	int r;

	if (!strcmp(ext, "json")) {
		struct ld_snap_diff d;

		if (!b)
			return write_json(ld_snapshot_to_json(a), path, force, err, len);
		if (ld_snap_diff(a, b, &d) < 0)
			return ld_fail(err, len, "%s", strerror(ENOMEM)), -ENOMEM;
		r = write_json(ld_snap_diff_to_json(&d), path, force, err, len);
		ld_snap_diff_release(&d);
		return r;
	}
	if (strcmp(ext, "svg") && strcmp(ext, "html"))
		return -EINVAL;
	if (b && !strcmp(ext, "html"))
		return -ENOTSUP;
	if ((r = ld_safefile_open(&sf, path, force, err, len)) < 0)
		return r;
	if (b)
		r = ld_export_diff_svg(a, b, sf.f);
	else if (!strcmp(ext, "svg"))
		r = pages ? ld_export_svg_pages(a, sf.f) : ld_export_svg(a, sf.f);
	else
		r = ld_export_html(a, sf.f);
	return ld_safefile_commit(&sf, r, err, len);
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
		if (strcmp(extension(path), "json"))
			return ld_error("export timeline: only .json is supported");
		r = write_json(ld_timeline_to_json(&s->timeline), path, force, err,
			       sizeof err);
		if (r < 0)
			return ld_error("export timeline %s", err);
		ld_out("Exported the timeline (%zu entries) to %s\n", s->timeline.n, path);
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
	if (pages && (b || strcmp(extension(path), "svg")))
		return ld_error("export %s: --pages draws a snapshot's .svg", path);
	if (pages && !a->strip)
		return ld_error("export %s: --pages: %s has no page states (set "
				"snapshot-pages on before the snapshot)", path, what);
	*err = 0;
	r = export_one(a, b, path, force, pages, err, sizeof err);
	if (r < 0 && *err)
		return ld_error("export %s", err);
	if (r == -EINVAL)
		return ld_error("export %s: unknown file type \"%s\" (use .json, .svg "
				"or .html)", path, extension(path));
	if (r == -ENOTSUP)
		return ld_error("export %s: a diff is exported as .svg or .json", path);
	if (r < 0)
		return ld_error("export %s: %s", path, strerror(-r));
	ld_out("Exported %s%s%s to %s\n", what, b ? ".." : "", b ? dots + 2 : "",
	       path);
	return 0;
}

int ld_cmd_trace(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args), *u;
	unsigned long n = 0;
	uint64_t sb, cur;

	if (!w || strcmp(w, "memory"))
		return ld_error("trace: usage: trace memory [until BREAKPOINT|exit]");
	if ((u = ld_next_word(&args))) {
		char *what = ld_next_word(&args);

		if (strcmp(u, "until") || !what)
			return ld_error("trace memory: usage: trace memory "
					"[until BREAKPOINT|exit]");
		if (!strcmp(what, "exit"))
			s->trace_until_exit = true;
		else if (ld_parse_uint("trace memory until", what, INT_MAX, &n) < 0)
			return -1;
		else if (!ld_bp_by_num(&s->bps, (int)n))
			return ld_error("trace memory until %lu: no breakpoint number "
					"%lu", n, n);
	}
	s->trace_until = (int)n;
	s->tracing = true;
	if (!s->proc) {
		if (!s->exe)
			return ld_error("trace memory: no program loaded");
		return ld_run(s, false);
	}
	/* Learn the break while a call can still be run in the tracee: from
	 * here every brk stops it, and the timeline's break stays exact. */
	if (!s->cur_brk_known && ld_session_brk(s, &sb, &cur) < 0)
		ld_warn("the program break is unknown until the first brk call");
	if (!s->seccomp)
		ld_out("(attached or started without a filter: tracing with "
		       "PTRACE_SYSCALL, every system call stops the process "
		       "briefly)\n");
	return ld_continue(s, 1);
}

int ld_cmd_timeline(struct ld_session *s, char *args)
{
	char *w = ld_next_word(&args);
	unsigned long n;
	struct ld_tl_entry *e;

	if (!w && ld_json_on())
		return ld_emit_doc("timeline", "timeline", ld_timeline_to_json(&s->timeline));
	if (!w) {
		ld_render_timeline(stdout, &s->timeline, s->exe_path);
		fflush(stdout);
		return 0;
	}
	if (ld_parse_uint("timeline", w, UINT_MAX, &n) < 0)
		return -1;
	e = ld_timeline_get(&s->timeline, (unsigned)n);
	if (!e)
		return ld_error("timeline %lu: no such entry (the timeline has %zu)",
				n, s->timeline.n);
	if (ld_json_on()) {
		json_t *all = ld_timeline_to_json(&s->timeline);
		json_t *one = all ? json_array_get(json_object_get(all, "entries"),
						   n - 1) : NULL;

		json_incref(one);
		json_decref(all);
		return ld_emit_doc("timeline", "entry", one);
	}
	ld_render_tl_entry(stdout, e, s->exe_path);
	fflush(stdout);
	return 0;
}
