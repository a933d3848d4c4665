/* Snapshot storage and the snapshot diff. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/snapshot.h"

void ld_snapshots_init(struct ld_snapshots *ss)
{
	memset(ss, 0, sizeof *ss);
	ss->next_id = 1;
}

void ld_snap_thread_release(struct ld_snap_thread *t)
{
	size_t j;

	for (j = 0; j < t->nframes; j++) {
		free(t->frames[j].func);
		free(t->frames[j].obj);
		free(t->frames[j].file);
	}
	free(t->frames);
	t->frames = NULL;
	t->nframes = 0;
}

void ld_snapshot_free(struct ld_snapshot *snap)
{
	size_t i;

	if (!snap)
		return;
	for (i = 0; i < snap->nthreads; i++)
		ld_snap_thread_release(&snap->threads[i]);
	free(snap->threads);
	ld_maps_release(&snap->maps);
	free(snap->name);
	free(snap->exe);
	free(snap->reason);
	free(snap);
}

void ld_snapshots_release(struct ld_snapshots *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++)
		ld_snapshot_free(ss->v[i]);
	free(ss->v);
	ld_snapshots_init(ss);
}

struct ld_snapshot *ld_snapshot_new(struct ld_snapshots *ss, const char *name)
{
	struct ld_snapshot *snap;

	if (ss->n == ss->cap) {
		size_t cap = ss->cap ? 2 * ss->cap : 16;
		struct ld_snapshot **v = realloc(ss->v, cap * sizeof *v);

		if (!v)
			return NULL;
		ss->v = v;
		ss->cap = cap;
	}
	snap = calloc(1, sizeof *snap);
	if (!snap)
		return NULL;
	if (name && !(snap->name = strdup(name))) {
		free(snap);
		return NULL;
	}
	ld_maps_init(&snap->maps);
	clock_gettime(CLOCK_REALTIME, &snap->when);
	snap->id = ss->next_id++;
	ss->v[ss->n++] = snap;
	return snap;
}

void ld_snapshot_drop(struct ld_snapshots *ss, struct ld_snapshot *snap)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		if (ss->v[i] == snap) {
			memmove(&ss->v[i], &ss->v[i + 1],
				(ss->n - i - 1) * sizeof *ss->v);
			ss->n--;
			ld_snapshot_free(snap);
			return;
		}
	}
}

struct ld_snapshot *ld_snapshot_find(struct ld_snapshots *ss, const char *key)
{
	const char *num = key[0] == '$' ? key + 1 : key;
	char *end;
	unsigned long id;
	size_t i;

	if (!strcmp(key, "$"))
		return ss->n ? ss->v[ss->n - 1] : NULL;
	if (!strcmp(key, "$$"))
		return ss->n > 1 ? ss->v[ss->n - 2] : NULL;
	for (i = 0; i < ss->n; i++)
		if (ss->v[i]->name && !strcmp(ss->v[i]->name, key))
			return ss->v[i];
	if (!*num)
		return NULL;
	id = strtoul(num, &end, 10);
	if (*end)
		return NULL;
	for (i = 0; i < ss->n; i++)
		if (ss->v[i]->id == id)
			return ss->v[i];
	return NULL;
}

const char *ld_snapshot_label(const struct ld_snapshot *snap, char *buf,
			      size_t len)
{
	if (snap->name)
		snprintf(buf, len, "%s", snap->name);
	else
		snprintf(buf, len, "$%u", snap->id);
	return buf;
}

/* Frames match when they are the same activation: same CFA and the same
 * function (the pc moves inside a frame between stops). */
static bool same_frame(const struct ld_snap_frame *x,
		       const struct ld_snap_frame *y)
{
	if (x->cfa != y->cfa)
		return false;
	if (x->func && y->func)
		return !strcmp(x->func, y->func);
	return x->pc == y->pc;
}

static void diff_frames(const struct ld_snap_thread *a,
			const struct ld_snap_thread *b,
			struct ld_frame_change *fc)
{
	size_t i = a->nframes, j = b->nframes;

	/* Walk from the outermost frame (the end of each array) inward. */
	while (i > 0 && j > 0 && same_frame(&a->frames[i - 1], &b->frames[j - 1])) {
		i--;
		j--;
	}
	fc->common = a->nframes - i;
	fc->popped = i;
	fc->pushed = j;
	/* The innermost common frame itself may have moved on (a new pc);
	 * that is not a push or a pop. */
}

static const struct ld_snap_thread *thread_of(const struct ld_snapshot *s,
					      pid_t tid)
{
	size_t i;

	for (i = 0; i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			return &s->threads[i];
	return NULL;
}

static int diff_threads(const struct ld_snapshot *a, const struct ld_snapshot *b,
			struct ld_snap_diff *out)
{
	size_t i, n = 0;

	out->threads = calloc(a->nthreads + b->nthreads + 1, sizeof *out->threads);
	if (!out->threads)
		return -ENOMEM;
	for (i = 0; i < a->nthreads; i++) {
		struct ld_frame_change *fc = &out->threads[n++];

		fc->a = &a->threads[i];
		fc->b = thread_of(b, fc->a->tid);
		fc->tid = fc->a->tid;
		fc->num = fc->a->num;
		if (fc->b)
			diff_frames(fc->a, fc->b, fc);
		else
			fc->popped = fc->a->nframes;
	}
	for (i = 0; i < b->nthreads; i++) {
		struct ld_frame_change *fc;

		if (thread_of(a, b->threads[i].tid))
			continue;
		fc = &out->threads[n++];
		fc->b = &b->threads[i];
		fc->tid = fc->b->tid;
		fc->num = fc->b->num;
		fc->pushed = fc->b->nframes;
	}
	out->nthreads = n;
	return 0;
}

int ld_snap_diff(const struct ld_snapshot *a, const struct ld_snapshot *b,
		 struct ld_snap_diff *out)
{
	memset(out, 0, sizeof *out);
	out->a = a;
	out->b = b;
	ld_map_diff_init(&out->maps);
	if (ld_maps_diff(&a->maps, &b->maps, &out->maps) < 0)
		goto nomem;
	out->brk_valid = a->brk_valid && b->brk_valid;
	if (out->brk_valid)
		out->brk_delta = (int64_t)(b->brk - a->brk);
	out->different_process = a->pid != b->pid;
	if (!out->different_process && diff_threads(a, b, out) < 0)
		goto nomem;
	return 0;
nomem:
	ld_snap_diff_release(out);
	return -ENOMEM;
}

void ld_snap_diff_release(struct ld_snap_diff *d)
{
	ld_map_diff_release(&d->maps);
	free(d->threads);
	d->threads = NULL;
	d->nthreads = 0;
}
