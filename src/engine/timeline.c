/* The memory timeline: the entries infrun.c records (rendered by
 * present/tlrender.c). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/timeline.h"

void ld_timeline_init(struct ld_timeline *t)
{
	memset(t, 0, sizeof *t);
}

static void entry_free(struct ld_tl_entry *e)
{
	size_t i;

	for (i = 0; i < e->nframes; i++)
		ld_snap_frame_release(&e->frames[i]);
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
