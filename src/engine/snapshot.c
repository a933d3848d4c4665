/* Snapshot storage and the snapshot diff. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/heapsnap.h"
#include "layoutdbg/snapshot.h"

void ld_snapshots_init(struct ld_snapshots *ss)
{
	memset(ss, 0, sizeof *ss);
	ss->next_id = 1;
}

void ld_frame_args_free(struct ld_frame_args *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].value);
		free(a->v[i].entry);
		free(a->v[i].points_to);
	}
	free(a->v);
	free(a);
}

void ld_snap_frame_release(struct ld_snap_frame *f)
{
	ld_frame_args_free(f->args);
	f->args = NULL;
	free(f->func);
	free(f->obj);
	free(f->file);
	free(f->linkage);
	f->func = f->obj = f->file = f->linkage = NULL;
}

void ld_snap_thread_release(struct ld_snap_thread *t)
{
	size_t j;

	for (j = 0; j < t->nframes; j++)
		ld_snap_frame_release(&t->frames[j]);
	free(t->frames);
	t->frames = NULL;
	t->nframes = t->depth = t->ninner = 0;
}

bool ld_snap_windowed(const struct ld_snap_thread *t)
{
	return t->depth > t->nframes && t->ninner <= t->nframes;
}

size_t ld_snap_depth(const struct ld_snap_thread *t)
{
	return ld_snap_windowed(t) ? t->depth : t->nframes;
}

size_t ld_snap_level(const struct ld_snap_thread *t, size_t i)
{
	if (!ld_snap_windowed(t) || i < t->ninner)
		return i;
	return t->depth - (t->nframes - i);
}

void ld_snapshot_free(struct ld_snapshot *snap)
{
	size_t i;

	if (!snap)
		return;
	for (i = 0; i < snap->nthreads; i++)
		ld_snap_thread_release(&snap->threads[i]);
	for (i = 0; snap->sections && i < snap->maps.n; i++)
		free(snap->sections[i]);
	free(snap->sections);
	free(snap->threads);
	ld_snap_heap_free(snap->heap);
	free(snap->pages);
	free(snap->strip);
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
	const char *num = key[0] == '%' ? key + 1 : key;
	char *end;
	unsigned long id;
	size_t i;

	if (!strcmp(key, "%"))
		return ss->n ? ss->v[ss->n - 1] : NULL;
	if (!strcmp(key, "%%"))
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
		snprintf(buf, len, "%%%u", snap->id);
	return buf;
}

const char *ld_snapshot_hint(const char *key)
{
	if (key[0] == '$')
		return "; $N is the value history (finish), snapshots are %N";
	return "";
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

/* Distances count from the outermost frame (0).  The first distance at
 * or after d whose frame t keeps; the depth if none. */
static size_t kept_from(const struct ld_snap_thread *t, size_t d)
{
	size_t depth = ld_snap_depth(t);

	if (!ld_snap_windowed(t) || d < t->nframes - t->ninner)
		return d;
	return d < depth - t->ninner ? depth - t->ninner : d;
}

/* The kept frame at distance d (kept_from(t, d) == d). */
static const struct ld_snap_frame *at_distance(const struct ld_snap_thread *t,
					       size_t d)
{
	size_t level = ld_snap_depth(t) - 1 - d;

	if (!ld_snap_windowed(t) || level < t->ninner)
		return &t->frames[level];
	return &t->frames[t->nframes - 1 - d];
}

/* A frame outlives the frames above it: if the one at distance d is the
 * same in both, so is every one below it.  So the shared frames are
 * those below the first mismatch; between the last match and the first
 * mismatch seen in the kept frames, nothing is known. */
static void diff_frames(const struct ld_snap_thread *a,
			const struct ld_snap_thread *b,
			struct ld_frame_change *fc)
{
	size_t da = ld_snap_depth(a), db = ld_snap_depth(b);
	size_t lo = 0, hi = da < db ? da : db, d = 0;

	while (d < hi) {
		size_t ka = kept_from(a, d), kb = kept_from(b, d);

		if (ka != d || kb != d) {
			d = ka > kb ? ka : kb;
			continue;
		}
		if (!same_frame(at_distance(a, d), at_distance(b, d))) {
			hi = d;
			break;
		}
		lo = ++d;
	}
	fc->common = lo;
	fc->uncertain = hi - lo;
	fc->popped = da - hi;
	fc->pushed = db - hi;
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
			fc->popped = ld_snap_depth(fc->a);
	}
	for (i = 0; i < b->nthreads; i++) {
		struct ld_frame_change *fc;

		if (thread_of(a, b->threads[i].tid))
			continue;
		fc = &out->threads[n++];
		fc->b = &b->threads[i];
		fc->tid = fc->b->tid;
		fc->num = fc->b->num;
		fc->pushed = ld_snap_depth(fc->b);
	}
	out->nthreads = n;
	return 0;
}

const struct ld_pages *ld_snap_pages(const struct ld_snapshot *snap,
				     const struct ld_map *mp)
{
	if (!snap->pages || !mp || mp < snap->maps.v ||
	    mp >= snap->maps.v + snap->maps.n)
		return NULL;
	return &snap->pages[mp - snap->maps.v];
}

static bool same_mapping(const struct ld_map *x, const struct ld_map *y)
{
	return x->end == y->end && x->offset == y->offset && x->inode == y->inode &&
	       !strcmp(x->perms, y->perms) && !strcmp(x->path, y->path);
}

/* Unchanged mappings whose page counts changed: one merge by start. */
static int diff_touched(const struct ld_snapshot *a, const struct ld_snapshot *b,
			struct ld_snap_diff *out)
{
	size_t i = 0, j = 0, n = 0;

	out->pages = a->pages && b->pages;
	if (!out->pages)
		return 0;
	out->touched = calloc(a->maps.n + 1, sizeof *out->touched);
	if (!out->touched)
		return -ENOMEM;
	while (i < a->maps.n && j < b->maps.n) {
		const struct ld_map *x = &a->maps.v[i], *y = &b->maps.v[j];

		if (x->start < y->start) {
			i++;
		} else if (x->start > y->start) {
			j++;
		} else {
			if (same_mapping(x, y) &&
			    !ld_pages_equal(&a->pages[i], &b->pages[j])) {
				out->touched[n].before = x;
				out->touched[n++].after = y;
			}
			i++;
			j++;
		}
	}
	out->ntouched = n;
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
	if (!out->different_process && diff_touched(a, b, out) < 0)
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
	free(d->touched);
	d->touched = NULL;
	d->ntouched = 0;
}

/* ---- diff --by-object ---------------------------------------------- */

struct keyed {
	char *key;               /* what the user reads */
	char *match;             /* what pairs it with the other side: the
				    key, or in one process its address */
	const struct ld_map *m;
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int key_cmp(const void *x, const void *y)
{
	return strcmp(((const struct keyed *)x)->match, ((const struct keyed *)y)->match);
}

/* The key of mapping i of m into buf ("libc.so.6 +0x1cf000", "[heap]",
 * "anonymous #2 after [heap]"); *anchor and *rank follow the walk. */
static void key_of(const struct ld_maps *m, size_t i, const char **anchor,
		   unsigned *rank, char *buf, size_t len)
{
	const struct ld_map *mp = &m->v[i];

	if (mp->path[0] == '/') {
		uint64_t first = mp->start;

		/* offsets count from the object's first mapping */
		for (size_t p = 0; p < i; p++)
			if (!strcmp(m->v[p].path, mp->path)) {
				first = m->v[p].start;
				break;
			}
		snprintf(buf, len, "%s +%#llx", base_name(mp->path),
			 (unsigned long long)(mp->start - first));
		*anchor = base_name(mp->path);
		*rank = 0;
	} else if (mp->path[0]) {
		snprintf(buf, len, "%s", mp->path);
		*anchor = mp->path;
		*rank = 0;
	} else {
		snprintf(buf, len, "anonymous #%u after %s", ++*rank, *anchor);
	}
}

static void keys_free(struct keyed *k, size_t n)
{
	for (size_t i = 0; k && i < n; i++) {
		if (k[i].match != k[i].key)
			free(k[i].match);
		free(k[i].key);
	}
	free(k);
}

/* One key per mapping; sorted by what pairs them.  Within one process
 * (same_process) anonymous memory pairs by its start address: its rank
 * after a neighbour moves whenever a mapping appears before it (a thread
 * stack, the heap), and would pair a mapping with another one. */
static struct keyed *keys_of(const struct ld_maps *m, bool same_process)
{
	struct keyed *k = calloc(m->n + 1, sizeof *k);
	const char *anchor = "start";
	unsigned rank = 0;
	size_t i;

	if (!k)
		return NULL;
	for (i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];
		char buf[4200];

		key_of(m, i, &anchor, &rank, buf, sizeof buf);
		k[i].m = mp;
		k[i].match = k[i].key = strdup(buf);
		if (k[i].key && same_process &&
		    (!mp->path[0] || !strncmp(mp->path, "[anon", 5)) &&
		    asprintf(&k[i].match, "\x01%016llx",
			     (unsigned long long)mp->start) < 0)
			k[i].match = NULL;
		if (!k[i].key || !k[i].match) {
			if (k[i].match == k[i].key)
				k[i].match = NULL;
			keys_free(k, i + 1);
			return NULL;
		}
	}
	qsort(k, m->n, sizeof *k, key_cmp);
	return k;
}

static int add_objchange(struct ld_objdiff *d, const char *key, char kind,
			 const struct ld_snapshot *sa, const struct ld_map *a,
			 const struct ld_snapshot *sb, const struct ld_map *b)
{
	struct ld_objchange *v = realloc(d->v, (d->n + 1) * sizeof *v), *c;

	if (!v)
		return -ENOMEM;
	d->v = v;
	c = &v[d->n];
	memset(c, 0, sizeof *c);
	if (!(c->key = strdup(key)))
		return -ENOMEM;
	d->n++;
	c->kind = kind;
	if (a) {
		c->size_a = a->end - a->start;
		c->start_a = a->start;
		memcpy(c->perms_a, a->perms, 5);
		c->pages_a = d->pages ? ld_snap_pages(sa, a) : NULL;
	}
	if (b) {
		c->size_b = b->end - b->start;
		c->start_b = b->start;
		memcpy(c->perms_b, b->perms, 5);
		c->pages_b = d->pages ? ld_snap_pages(sb, b) : NULL;
	}
	return 0;
}

/* Same key on both sides: changed, or the same (and touched when its
 * pages moved). */
static int match_objchange(struct ld_objdiff *d, const char *key,
			   const struct ld_snapshot *a, const struct ld_map *x,
			   const struct ld_snapshot *b, const struct ld_map *y)
{
	if (x->end - x->start != y->end - y->start ||
	    strcmp(x->perms, y->perms) || x->offset != y->offset)
		return add_objchange(d, key, '~', a, x, b, y);
	d->same++;
	if (d->pages && !ld_pages_equal(ld_snap_pages(a, x), ld_snap_pages(b, y)))
		return add_objchange(d, key, 't', a, x, b, y);
	return 0;
}

static int change_cmp(const void *x, const void *y)
{
	return strcmp(((const struct ld_objchange *)x)->key,
		      ((const struct ld_objchange *)y)->key);
}

int ld_snap_diff_by_object(const struct ld_snapshot *a,
			   const struct ld_snapshot *b, struct ld_objdiff *out)
{
	bool one = a->pid == b->pid;
	struct keyed *ka = keys_of(&a->maps, one), *kb = keys_of(&b->maps, one);
	size_t i = 0, j = 0;
	int r = 0;

	memset(out, 0, sizeof *out);
	out->pages = a->pages && b->pages;
	if (!ka || !kb) {
		r = -ENOMEM;
		goto done;
	}
	/* a merge of the two sorted lists; a pair is named as B has it */
	while (!r && (i < a->maps.n || j < b->maps.n)) {
		int c = i == a->maps.n ? 1 : j == b->maps.n ? -1 :
			strcmp(ka[i].match, kb[j].match);

		if (c < 0) {
			r = add_objchange(out, ka[i].key, '-', a, ka[i].m, b, NULL);
			i++;
		} else if (c > 0) {
			r = add_objchange(out, kb[j].key, '+', a, NULL, b, kb[j].m);
			j++;
		} else {
			r = match_objchange(out, kb[j].key, a, ka[i].m, b, kb[j].m);
			i++;
			j++;
		}
	}
done:
	keys_free(ka, a->maps.n);
	keys_free(kb, b->maps.n);
	if (r)
		ld_objdiff_release(out);
	else if (one && out->n)	/* in key order, as across processes */
		qsort(out->v, out->n, sizeof *out->v, change_cmp);
	return r;
}

void ld_objdiff_release(struct ld_objdiff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].key);
	free(d->v);
	memset(d, 0, sizeof *d);
}
