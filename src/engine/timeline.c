/* The memory timeline. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layoutdbg/export.h"
#include "layoutdbg/output.h"
#include "layoutdbg/render.h"
#include "layoutdbg/timeline.h"

void ld_timeline_init(struct ld_timeline *t)
{
	memset(t, 0, sizeof *t);
}

static void entry_free(struct ld_tl_entry *e)
{
	size_t i;

	for (i = 0; i < e->nframes; i++) {
		free(e->frames[i].func);
		free(e->frames[i].obj);
		free(e->frames[i].file);
	}
	free(e->frames);
	free(e->text);
	ld_maps_release(&e->before);
	ld_maps_release(&e->after);
	free(e);
}

void ld_timeline_release(struct ld_timeline *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		entry_free(t->v[i]);
	free(t->v);
	ld_timeline_init(t);
}

struct ld_tl_entry *ld_timeline_add(struct ld_timeline *t)
{
	struct ld_tl_entry *e;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct ld_tl_entry **v = realloc(t->v, cap * sizeof *v);

		if (!v)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	ld_maps_init(&e->before);
	ld_maps_init(&e->after);
	e->n = (unsigned)t->n + 1;
	t->v[t->n++] = e;
	return e;
}

struct ld_tl_entry *ld_timeline_pending(struct ld_timeline *t, pid_t tid)
{
	size_t i;

	for (i = t->n; i-- > 0;)
		if (t->v[i]->tid == tid && !t->v[i]->done)
			return t->v[i];
	return NULL;
}

struct ld_tl_entry *ld_timeline_get(struct ld_timeline *t, unsigned n)
{
	return n >= 1 && n <= t->n ? t->v[n - 1] : NULL;
}

/* The first frame outside the C library's and the dynamic linker's
 * system-call wrappers: who asked for the memory. */
static const struct ld_snap_frame *caller_frame(const struct ld_tl_entry *e)
{
	size_t i;

	for (i = 0; i < e->nframes; i++) {
		const char *o = e->frames[i].obj;

		if (!o || (!strstr(o, "/libc.so") && !strstr(o, "/ld-linux")))
			return &e->frames[i];
	}
	return e->nframes ? &e->frames[e->nframes - 1] : NULL;
}

static void change_summary(FILE *f, const struct ld_tl_entry *e)
{
	struct ld_map_diff d;
	size_t i;

	if (!e->done) {
		ld_fout(f, "(no return seen)");
		return;
	}
	ld_map_diff_init(&d);
	if (ld_maps_diff(&e->before, &e->after, &d) < 0) {
		ld_fout(f, "(out of memory)");
		return;
	}
	for (i = 0; i < d.n; i++) {
		const struct ld_map_change *c = &d.v[i];
		const struct ld_map *m = c->kind == LD_MC_MERGED || !c->after ?
					 c->before : c->after;

		ld_fout(f, "%s%s %s 0x%" PRIx64 "-0x%" PRIx64 " %s", i ? "; " : "",
			c->kind == LD_MC_ADDED ? "+" : c->kind == LD_MC_REMOVED ? "-" : "~",
			ld_map_change_name(c->kind), m->start, m->end, m->perms);
	}
	if (e->brk_known && e->brk_after != e->brk_before)
		ld_fout(f, "%sbrk 0x%" PRIx64 " -> 0x%" PRIx64, d.n ? "; " : "",
			e->brk_before, e->brk_after);
	if (!d.n && (!e->brk_known || e->brk_after == e->brk_before))
		ld_fout(f, "no layout change");
	ld_map_diff_release(&d);
}

void ld_render_timeline(FILE *f, const struct ld_timeline *t, const char *exe)
{
	size_t i;

	if (!t->n) {
		ld_fout(f, "The timeline is empty: `trace memory` or `catch memory` "
			"records memory system calls.\n");
		return;
	}
	for (i = 0; i < t->n; i++) {
		const struct ld_tl_entry *e = t->v[i];
		const struct ld_snap_frame *who = caller_frame(e);
		char ret[128];

		/* a child process's call: "[pid N]" as strace -f says it */
		if (e->thread_num > 0)
			ld_fout(f, "%4u  [%d] ", e->n, e->thread_num);
		else
			ld_fout(f, "%4u  [pid %d] ", e->n, (int)e->pid);
		ld_fout(f, "%s = %s\n", e->text,
			ld_syscall_format_ret(&e->call, ret, sizeof ret));
		ld_fout(f, "        ");
		change_summary(f, e);
		if (who)
			ld_fout(f, "  <- %s", who->func ? who->func : "??");
		ld_fout(f, "\n");
	}
}

void ld_render_tl_entry(FILE *f, const struct ld_tl_entry *e, const char *exe)
{
	struct ld_snapshot a = { 0 }, b = { 0 };
	struct ld_snap_diff d;
	char ret[128];
	size_t i;

	if (e->thread_num > 0)
		ld_fout(f, "#%u thread %d (LWP %d)\n", e->n, e->thread_num, (int)e->tid);
	else
		ld_fout(f, "#%u child process %d (LWP %d)\n", e->n, (int)e->pid,
			(int)e->tid);
	ld_fout(f, "  %s = %s\n", e->text, ld_syscall_format_ret(&e->call, ret, sizeof ret));
	/* the break is followed in the traced process only */
	if (e->thread_num > 0 && e->brk_known)
		ld_fout(f, "  program break 0x%" PRIx64 " -> 0x%" PRIx64 "\n",
			e->brk_before, e->brk_after);
	else if (e->thread_num > 0)
		ld_fout(f, "  program break unknown (not watched before this call)\n");
	if (e->done) {
		a.maps = e->before;
		b.maps = e->after;
		a.id = b.id = e->n;
		a.exe = b.exe = (char *)exe;
		memset(&d, 0, sizeof d);
		ld_map_diff_init(&d.maps);
		if (ld_maps_diff(&a.maps, &b.maps, &d.maps) == 0) {
			for (i = 0; i < d.maps.n; i++)
				ld_render_change(f, &d.maps.v[i]);
			if (!d.maps.n)
				ld_fout(f, "  mappings: no change\n");
		}
		ld_map_diff_release(&d.maps);
	}
	ld_fout(f, "  called from:\n");
	for (i = 0; i < e->nframes; i++) {
		ld_fout(f, "  ");
		ld_render_frame(f, (int)i, &e->frames[i], exe);
	}
}

struct ld_snapshot *ld_tl_as_snapshot(const struct ld_tl_entry *e, bool after,
				      const char *exe)
{
	struct ld_snapshot *s = calloc(1, sizeof *s);
	char why[64];

	if (!s)
		return NULL;
	ld_maps_init(&s->maps);
	snprintf(why, sizeof why, "timeline #%u (%s)", e->n, after ? "after" : "before");
	s->name = strdup(why);
	s->reason = strdup(why);
	s->exe = strdup(exe ? exe : "");
	s->pid = e->pid;
	s->when = e->when;
	s->brk_valid = e->brk_known && e->thread_num > 0;
	if (s->brk_valid)
		s->brk = after ? e->brk_after : e->brk_before;
	if (!s->name || !s->reason || !s->exe ||
	    ld_maps_copy(&s->maps, after ? &e->after : &e->before) < 0) {
		ld_snapshot_free(s);
		return NULL;
	}
	return s;
}

static json_t *entry_json(const struct ld_tl_entry *e)
{
	json_t *o = json_object(), *args = json_array(), *brk = json_object();
	json_t *changes = json_array();
	struct ld_map_diff d;
	const char *name = ld_syscall_name(e->call.nr);
	char ret[128], hex[32];
	size_t i;
	int bad = !o || !args || !brk || !changes;

	for (i = 0; !bad && i < 6; i++) {
		snprintf(hex, sizeof hex, "0x%" PRIx64, e->call.args[i]);
		bad |= json_array_append_new(args, json_string(hex));
	}
	ld_map_diff_init(&d);
	if (!bad && e->done && ld_maps_diff(&e->before, &e->after, &d) == 0)
		for (i = 0; i < d.n; i++)
			bad |= json_array_append_new(changes, ld_json_change(&d.v[i]));
	ld_map_diff_release(&d);
	if (!bad) {
		bad |= json_object_set_new(o, "n", json_integer(e->n));
		bad |= json_object_set_new(o, "pid", json_integer(e->pid));
		bad |= json_object_set_new(o, "tid", json_integer(e->tid));
		bad |= json_object_set_new(o, "thread", json_integer(e->thread_num));
		bad |= json_object_set_new(o, "syscall", name ? json_string(name) : json_null());
		bad |= json_object_set_new(o, "nr", json_integer(e->call.nr));
		bad |= json_object_set_new(o, "args_hex", args);
		args = NULL;
		bad |= ld_json_put_text(o, "call", e->text ? e->text : "");
		bad |= json_object_set_new(o, "returned", json_boolean(e->call.returned));
		bad |= ld_json_put_text(o, "result",
					ld_syscall_format_ret(&e->call, ret, sizeof ret));
		bad |= json_object_set_new(o, "done", json_boolean(e->done));
		bad |= json_object_set_new(brk, "valid", json_boolean(e->brk_known));
		if (e->brk_known) {
			bad |= ld_json_put_u64(brk, "before", e->brk_before);
			bad |= ld_json_put_u64(brk, "after", e->brk_after);
		}
		bad |= json_object_set_new(o, "brk", brk);
		brk = NULL;
		bad |= json_object_set_new(o, "changes", changes);
		changes = NULL;
		bad |= json_object_set_new(o, "frames", ld_json_frames(e->frames, e->nframes));
	}
	json_decref(args);
	json_decref(brk);
	json_decref(changes);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ld_timeline_to_json(const struct ld_timeline *t)
{
	json_t *o = json_pack("{s:s, s:i}", "format", "layoutdbg-timeline",
			      "version", 1);
	json_t *v = json_array();
	size_t i;

	if (!o || !v)
		goto fail;
	for (i = 0; i < t->n; i++) {
		json_t *e = entry_json(t->v[i]);

		if (!e || json_array_append_new(v, e) < 0)
			goto fail;
	}
	if (json_object_set_new(o, "entries", v) < 0) {
		v = NULL;
		goto fail;
	}
	return o;
fail:
	json_decref(v);
	json_decref(o);
	return NULL;
}
