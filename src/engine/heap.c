/* glibc malloc's heap walked over a memory reader: arenas from main_arena's
 * `next` list, chunks in address order from each heap's start (sizes
 * only), free chunks from the bins, tcaches from their chunks, mmapped
 * chunks from the anonymous mappings.  Every read is bounded by the heap
 * it belongs to, every chain by a step limit: a damaged heap ends a walk
 * with a message, never a crash or a hang.  Layouts: heap.h.
 * Chunk lookups, bins and tcaches: heapbins.c; glibc's layout and the
 * search for main_arena and mp_: heapglibc.c; shared: heap_int.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/grow.h"
#include "layoutdbg/heap.h"
#include "layoutdbg/heapmem.h"
#include "heap_int.h"


int ld_hw_read_mem(struct walk *w, uint64_t addr, void *buf, size_t len)
{
	for (size_t i = 0; i < w->nblocks; i++) {
		const struct block *b = &w->blocks[i];

		if (addr >= b->lo && addr <= b->hi && len <= b->hi - addr) {
			memcpy(buf, b->buf + (addr - b->lo), len);
			return 0;
		}
	}
	return w->p->read(w->p->ctx, addr, buf, len);
}

int ld_hw_read_word(struct walk *w, uint64_t addr, uint64_t *v)
{
	return ld_hw_read_mem(w, addr, v, sizeof *v);
}

/* A heap image, read piece by piece as the walk reaches it (heapmem.h),
 * is kept for the walk's other reads once all of it is read (keep), or
 * given back. */
static void image_close(struct walk *w, struct ld_himage *m, bool keep)
{
	if (keep)
		w->blocks[w->nblocks++] = (struct block){ m->lo, m->hi, m->buf };
	else
		ld_hbuf_put(m->buf);
}

static void release_blocks(struct walk *w)
{
	for (size_t i = 0; i < w->nblocks; i++)
		ld_hbuf_put(w->blocks[i].buf);
	free(w->blocks);
}

char *ld_hw_msg(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* Keep the first problem of an arena only: later ones follow from it. */
void ld_hw_note(char **slot, char *msg)
{
	if (!*slot)
		*slot = msg;
	else
		free(msg);
}

/* The end of the run of mappings that holds addr (maps may be NULL: then
 * a generous cap), so that a smashed size never makes us read the world. */
static uint64_t mapped_end(const struct ld_maps *m, uint64_t addr)
{
	uint64_t end = 0;

	if (!m)
		return addr + (4ULL << 30);
	for (size_t i = 0; i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];

		if (end && mp->start == end && mp->perms[0] == 'r')
			end = mp->end;
		else if (!end && addr >= mp->start && addr < mp->end)
			end = mp->end;
		else if (end)
			break;
	}
	return end;
}

/* ---- chunk lists ---------------------------------------------------------- */

static int grow_chunks(struct ld_chunk **v, size_t *cap)
{
	size_t nc = *cap ? *cap * 2 : 256;
	struct ld_chunk *nv;

	if (ld_hbuf_kept(*v)) {
		/* out of a kept buffer (its reserve was short): malloc'd
		 * from now on */
		nv = malloc(nc * sizeof *nv);
		if (nv) {
			memcpy(nv, *v, *cap * sizeof *nv);
			ld_hbuf_put(*v);
		}
	} else {
		nv = realloc(*v, nc * sizeof *nv);
	}
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

static inline int push_chunk(struct ld_chunk **v, size_t *n, size_t *cap,
			     const struct ld_chunk *c)
{
	if (*n == *cap && grow_chunks(v, cap))
		return -ENOMEM;
	(*v)[(*n)++] = *c;
	return 0;
}

struct chunk_vec {
	struct ld_chunk *v;
	size_t n, cap;
};

/* Room for every chunk the heaps can hold (MINSIZE each, and the fence-
 * posts), reserved once, in a kept buffer when the list is large: the
 * pages untouched cost nothing, and a list that doubles copies and faults
 * in twice what it keeps.  Without the room (a bogus size), the list
 * grows as it goes. */
static void reserve_chunks(struct chunk_vec *cv, const struct ld_arena *a)
{
	size_t n = 2, len;

	for (size_t i = 0; i < a->nheaps; i++)
		n += (a->heaps[i].end - a->heaps[i].start) / MINSIZE + 2;
	if (n >= (1u << 28))
		return;
	len = n * sizeof *cv->v;
	cv->v = len >= (1u << 20) ? ld_hbuf_get(len) : malloc(len);
	cv->cap = cv->v ? n : 0;
}

/* Give back the room the chunks did not take (not from a kept buffer). */
static void trim_chunks(struct chunk_vec *cv)
{
	struct ld_chunk *v;

	if (cv->cap - cv->n < 4096 || !cv->n || ld_hbuf_kept(cv->v))
		return;
	v = realloc(cv->v, cv->n * sizeof *v);
	if (v) {
		cv->v = v;
		cv->cap = cv->n;
	}
}

/* ---- totals, kept as the walk goes ------------------------------------- */

/* The totals counted again from every chunk's state (the walk keeps them
 * as it goes: this is for a heap whose chunks were dropped). */
static void arena_count(struct ld_arena *a)
{
	struct ld_heap_totals *t = &a->t;

	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < a->nchunks; i++) {
		const struct ld_chunk *c = &a->chunks[i];

		switch (c->state) {
		case LD_CH_INUSE: case LD_CH_FREE: case LD_CH_MMAPPED:
			t->in_use_chunks += c->size; t->n_in_use++; break;
		case LD_CH_TCACHE:
			t->in_use_chunks += c->size; t->n_in_use++;
			t->tcache += c->size; t->n_tcache++; break;
		case LD_CH_FAST: t->fast += c->size; t->n_fast++; break;
		case LD_CH_UNSORTED: t->unsorted += c->size; t->n_unsorted++; break;
		case LD_CH_SMALL: t->small += c->size; t->n_small++; break;
		case LD_CH_LARGE: t->large += c->size; t->n_large++; break;
		case LD_CH_TOP: t->top = c->size; break;
		default: break;
		}
	}
}

/* A chunk in use went into a bin of that kind. */
void ld_hw_count_move(struct ld_arena *a, uint64_t size, unsigned kind)
{
	struct ld_heap_totals *t = &a->t;

	switch (kind) {
	case LD_CH_TCACHE:      /* glibc counts it in use */
		t->tcache += size; t->n_tcache++; return;
	case LD_CH_FAST: t->fast += size; t->n_fast++; break;
	case LD_CH_UNSORTED: t->unsorted += size; t->n_unsorted++; break;
	case LD_CH_SMALL: t->small += size; t->n_small++; break;
	default: t->large += size; t->n_large++; break;
	}
	t->in_use_chunks -= size;
	t->n_in_use--;
}

/* ---- the chunk index ------------------------------------------------------ */

static struct chunk_index *new_index(struct walk *w, struct ld_arena *a,
				     const struct ld_heap_region *r, size_t base)
{
	struct chunk_index *nv = realloc(w->idx, (w->nidx + 1) * sizeof *nv);

	if (!nv)
		return NULL;
	w->idx = nv;
	nv[w->nidx] = (struct chunk_index){ .a = a, .base = base };
	if (ld_chunk_index_init(&nv[w->nidx].ix, r->start, r->end))
		return NULL;
	return &nv[w->nidx++];
}

static int index_cmp(const void *x, const void *y)
{
	const struct chunk_index *a = x, *b = y;

	return a->ix.lo < b->ix.lo ? -1 : a->ix.lo > b->ix.lo;
}

static void release_index(struct walk *w)
{
	for (size_t i = 0; i < w->nidx; i++)
		ld_chunk_index_release(&w->idx[i].ix);
	free(w->idx);
	w->idx = NULL;
	w->nidx = 0;
}

/* Once every heap is walked: address order, and no index at all where two
 * heaps overlap (a damaged arena): the lookups then search the lists. */
static void index_sort(struct walk *w)
{
	if (w->nidx > 1)
		qsort(w->idx, w->nidx, sizeof *w->idx, index_cmp);
	for (size_t i = 1; i < w->nidx; i++)
		if (w->idx[i].ix.lo < w->idx[i - 1].ix.hi) {
			release_index(w);
			return;
		}
}

/* ---- walking a heap ------------------------------------------------------- */

static int add_candidate(struct walk *w, const struct ld_arena *a, size_t k)
{
	if (LD_GROW(w->cand, w->capcand, w->ncand, 16) < 0)
		return -ENOMEM;
	w->cand[w->ncand++] = (struct candidate){ (size_t)(a - w->h->arenas), k };
	return 0;
}

/* The ordinary chunks from *pp on, the loop of every walk: it stops (0,
 * and *pp where) at the top chunk, a fencepost, a bad size, or a chunk
 * whose end is not read yet; or fails (-ENOMEM).  All state in locals:
 * the list's uint8_t fields may alias anything, so a store into the list
 * would make the compiler reload every field it reads through a pointer.
 * Counts the chunks in use (the bins move them later). */
static int run_chunks(struct walk *w, struct ld_arena *a, const struct ld_heap_region *r,
		      const struct ld_himage *m, struct chunk_vec *cv, struct chunk_index *x,
		      uint64_t *pp)
{
	const uint8_t *buf = m->buf;
	const uint64_t start = r->start, end = r->end, top = a->top, have = m->have;
	/* no chunk runs past the top chunk when it lies in this heap */
	const uint64_t lim = top > start && top < end ? top : end;
	const uint64_t tsize = w->tcache_chunk;
	const bool fences = !a->main;
	uint64_t *bits = x->ix.bits;
	struct chunk_vec v = *cv;
	uint64_t p = *pp, used = 0, nused = 0;
	int res = 0;

	while (p + 16 <= have && p != top) {
		uint64_t raw = WORD(buf, p - start + 8), size = raw & ~7ULL;
		uint8_t state = LD_CH_INUSE;

		if ((fences && size == 16) || size < MINSIZE || size & 15 || size > lim - p)
			break;
		/* in use unless the next chunk says otherwise (PREV_INUSE);
		 * the bins refine this below */
		if (p + size + 16 <= end) {
			if (p + size + 16 > have)
				break;
			if (!(WORD(buf, p + size - start + 8) & LD_PREV_INUSE))
				state = LD_CH_FREE;
		}
		if ((v.n == v.cap && grow_chunks(&v.v, &v.cap)) ||
		    (size == tsize && add_candidate(w, a, v.n))) {
			res = -ENOMEM;
			break;
		}
		v.v[v.n++] = (struct ld_chunk){ .addr = p, .size = size, .flags = raw & 7,
						.state = state };
		ld_chunk_index_put(bits, p - start);
		used += size;
		nused++;
		p += size;
	}
	*cv = v;
	*pp = p;
	a->t.in_use_chunks += used;
	a->t.n_in_use += nused;
	return res;
}

/* The chunk at p where run_chunks stopped: the top chunk, fenceposts or a
 * bad size end the walk of the heap (1 for a bad size, with a->error);
 * a chunk whose end was not read yet is read (-1: go on from p; 2: the
 * read failed). */
static int chunk_stop(struct ld_arena *a, const struct ld_heap_region *r,
		      struct ld_himage *m, struct chunk_vec *cv, struct chunk_index *x,
		      uint64_t p)
{
	uint64_t raw, size;
	struct ld_chunk c;

	if (ld_himage_need(m, p + 16))
		return 2;
	raw = WORD(m->buf, p - r->start + 8);
	size = raw & ~7ULL;
	c = (struct ld_chunk){ .addr = p, .size = size, .flags = raw & 7 };
	if (p == a->top) {
		c.state = LD_CH_TOP;
		c.size = a->t.top = a->top_size;
		ld_chunk_index_set(&x->ix, p);
		return push_chunk(&cv->v, &cv->n, &cv->cap, &c);
	}
	if (!a->main && size == 16) {
		/* fenceposts: 0x10|PREV_INUSE, then a zero size */
		c.state = LD_CH_FENCE;
		ld_chunk_index_set(&x->ix, p);
		if (push_chunk(&cv->v, &cv->n, &cv->cap, &c))
			return -ENOMEM;
		if (p + 32 <= r->end) {
			if (ld_himage_need(m, p + 32))
				return 2;
			c = (struct ld_chunk){ .addr = p + 16, .state = LD_CH_FENCE,
					       .flags = WORD(m->buf, p - r->start + 24) & 7 };
			ld_chunk_index_set(&x->ix, p + 16);
			if (push_chunk(&cv->v, &cv->n, &cv->cap, &c))
				return -ENOMEM;
		}
		return 0;
	}
	if (size < MINSIZE || size & 15 || size > r->end - p ||
	    (a->top > p && a->top < r->end && size > a->top - p)) {
		ld_hw_note(&a->error, ld_hw_msg("chunk at 0x%llx: size 0x%llx is not valid "
					"(stops the walk)", (unsigned long long)p,
					(unsigned long long)raw));
		return 1;
	}
	return ld_himage_need(m, p + size + 16 <= r->end ? p + size + 16 : p + 16) ? 2 : -1;
}

/* The chunks of one heap image from its start by their size fields up to
 * the top chunk or its end: 0, -ENOMEM, 1 when a bad chunk stopped the
 * walk (message in a->error), 2 when a piece could not be read. */
static int walk_chunks(struct walk *w, struct ld_arena *a, const struct ld_heap_region *r,
		       struct ld_himage *m, struct chunk_vec *cv, struct chunk_index *x)
{
	uint64_t p = r->start;
	int res = -1;

	while (res == -1 && p + 16 <= r->end) {
		if (run_chunks(w, a, r, m, cv, x, &p))
			return -ENOMEM;
		if (p + 16 <= r->end)
			res = chunk_stop(a, r, m, cv, x, p);
	}
	return res == -1 ? 0 : res;
}

/* The heap could not be read: as if the walk had not begun (no chunks, no
 * index, and only that message when it is the arena's first). */
static int unread(struct walk *w, struct ld_arena *a, const struct ld_heap_region *r,
		  struct chunk_vec *cv, size_t base, bool had_error, int err)
{
	cv->n = base;
	while (w->ncand && w->cand[w->ncand - 1].arena == (size_t)(a - w->h->arenas) &&
	       w->cand[w->ncand - 1].k >= base)
		w->ncand--;
	a->chunks = cv->v;
	a->nchunks = cv->n;
	arena_count(a);
	if (w->nidx && w->idx[w->nidx - 1].a == a && w->idx[w->nidx - 1].base == base) {
		w->nidx--;
		ld_chunk_index_release(&w->idx[w->nidx].ix);
	}
	if (!had_error) {
		free(a->error);
		a->error = NULL;
	}
	ld_hw_note(&a->error, ld_hw_msg("heap 0x%llx-0x%llx: cannot read it (%s)",
				(unsigned long long)r->start,
				(unsigned long long)r->end, strerror(-err)));
	return 1;
}

/* Read one heap of the arena and walk it.  Returns 0, -ENOMEM, or 1 when
 * the walk was stopped (by a bad chunk, or the heap could not be read:
 * all of it but the top chunk's body is read, as the walk's other reads may need any of it);
 * *x gets the heap's chunk index (NULL when there is none). */
static int walk_region(struct walk *w, struct ld_arena *a,
		       const struct ld_heap_region *r, struct chunk_vec *cv,
		       struct chunk_index **x)
{
	struct ld_himage m;
	struct block *nb = realloc(w->blocks, (w->nblocks + 1) * sizeof *nb);
	size_t base = cv->n;
	bool had_error = a->error != NULL;
	int res;

	*x = NULL;
	if (!nb)
		return -ENOMEM;
	w->blocks = nb;
	if (ld_himage_open(&m, w->p->read, w->p->ctx, r->start, r->end))
		return -ENOMEM;
	/* the top chunk's header is read, its body is not */
	if (a->top >= r->start && a->top + 16 <= r->end)
		ld_himage_unused(&m, a->top + 16);
	*x = new_index(w, a, r, base);
	if (!*x) {
		ld_hbuf_put(m.buf);
		return -ENOMEM;
	}
	res = walk_chunks(w, a, r, &m, cv, *x);
	if (res >= 0 && res != 2 && ld_himage_need(&m, r->end))
		res = 2;
	if (res == 2) {
		image_close(w, &m, false);
		*x = NULL;
		return unread(w, a, r, cv, base, had_error, m.err);
	}
	image_close(w, &m, res >= 0);
	return res;
}

/* ---- arenas ---------------------------------------------------------------- */

static int add_region(struct ld_arena *a, uint64_t info, uint64_t start,
		      uint64_t end)
{
	struct ld_heap_region *nv = realloc(a->heaps, (a->nheaps + 1) * sizeof *nv);

	if (!nv)
		return -ENOMEM;
	a->heaps = nv;
	nv[a->nheaps++] = (struct ld_heap_region){
		info, start, end, info ? info + HEAP_MAX_SIZE : end };
	return 0;
}

/* The sbrk heap: from sbrk_base (mp_) or, without mp_, from the top
 * chunk's end minus system_mem (the main arena is contiguous: sysmalloc
 * counts every byte from sbrk_base to the top's end in system_mem). */
static int main_regions(struct walk *w, struct ld_arena *a)
{
	uint64_t end = a->top + a->top_size, start;
	uint64_t cap = mapped_end(w->p->maps, a->top);

	if (cap && end > cap)
		end = cap;
	start = w->h->mp_sbrk_base ? w->h->mp_sbrk_base : end - a->system_mem;
	start = (start + 15) & ~15ULL;
	if (!a->top || start > a->top || end < a->top || end - start > (1ULL << 40)) {
		ld_hw_note(&a->error, ld_hw_msg("main arena: top 0x%llx and system_mem 0x%llx "
					"do not describe a heap",
					(unsigned long long)a->top,
					(unsigned long long)a->system_mem));
		return 0;
	}
	return add_region(a, 0, start, end);
}

static int region_cmp(const void *x, const void *y)
{
	const struct ld_heap_region *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* A thread arena: the heap holding top, then the heap_info prev list. */
static int thread_regions(struct walk *w, struct ld_arena *a)
{
	uint64_t hinfo = a->top & ~(HEAP_MAX_SIZE - 1);
	uint64_t first = a->addr & ~(HEAP_MAX_SIZE - 1);
	uint64_t info_size = a->addr - first;  /* sizeof(heap_info): 48 or 32 */

	for (unsigned n = 0; hinfo && n < MAX_HEAPS; n++) {
		uint64_t hi[4], start, end;

		if (ld_hw_read_mem(w, hinfo, hi, sizeof hi) || hi[0] != a->addr ||
		    hi[2] > HEAP_MAX_SIZE) {
			ld_hw_note(&a->error, ld_hw_msg("arena 0x%llx: heap_info at 0x%llx is "
						"not valid (stops the walk)",
						(unsigned long long)a->addr,
						(unsigned long long)hinfo));
			break;
		}
		start = hinfo == first ? (a->addr + ARENA_SIZE + 15) & ~15ULL :
			hinfo + info_size;
		end = hinfo + hi[2];
		if (hinfo == (a->top & ~(HEAP_MAX_SIZE - 1)) &&
		    a->top + a->top_size <= end)
			end = a->top + a->top_size;
		if (start < end && add_region(a, hinfo, start, end))
			return -ENOMEM;
		if (hinfo == first)
			break;
		hinfo = hi[1];
	}
	qsort(a->heaps, a->nheaps, sizeof *a->heaps, region_cmp);
	return 0;
}

/* The walk stopped at a bad chunk: the top chunk is still known (from the
 * arena), so that the totals and `heap chunk` keep it. */
static int top_after_stop(struct ld_arena *a, struct chunk_vec *cv,
			  struct chunk_index *x)
{
	struct ld_chunk c = { .addr = a->top, .size = a->top_size,
			      .flags = LD_PREV_INUSE, .state = LD_CH_TOP };

	if (!a->top || (cv->n && cv->v[cv->n - 1].addr >= a->top))
		return 0;
	if (x)
		ld_chunk_index_set(&x->ix, a->top);
	a->t.top = a->top_size;
	return push_chunk(&cv->v, &cv->n, &cv->cap, &c);
}

/* The top chunk must end inside the heap that holds it. */
static void check_top(struct walk *w, struct ld_arena *a)
{
	uint64_t end = mapped_end(w->p->maps, a->top);

	if (!end || a->top_size <= end - a->top)
		return;
	ld_hw_note(&a->error, ld_hw_msg("top chunk at 0x%llx: size 0x%llx runs past the "
				"heap's end 0x%llx (counted up to there)",
				(unsigned long long)a->top,
				(unsigned long long)a->top_size,
				(unsigned long long)end));
	a->top_size = end - a->top;
}

static int walk_arena(struct walk *w, struct ld_arena *a, const uint8_t *st)
{
	struct chunk_vec cv = { 0 };
	uint64_t tsize;
	int r = 0;

	a->top = WORD(st, OFF_TOP);
	a->last_remainder = WORD(st, OFF_LAST_REM);
	a->system_mem = WORD(st, OFF_SYSTEM);
	a->max_system_mem = WORD(st, OFF_MAX_SYSTEM);
	a->flags = *(const uint32_t *)(st + 4);
	memset(&a->t, 0, sizeof a->t);
	if (a->top && !ld_hw_read_word(w, a->top + 8, &tsize))
		a->top_size = tsize & ~7ULL;
	if (a->top)
		check_top(w, a);
	r = a->main ? main_regions(w, a) : thread_regions(w, a);
	if (!r)
		reserve_chunks(&cv, a);
	for (size_t i = 0; !r && i < a->nheaps; i++) {
		struct chunk_index *x;

		r = walk_region(w, a, &a->heaps[i], &cv, &x);
		if (r > 0)
			r = top_after_stop(a, &cv, x);
		if (x)
			ld_chunk_index_done(&x->ix);
	}
	trim_chunks(&cv);
	a->chunks = cv.v;
	a->nchunks = cv.n;
	return r;
}

/* av->last_remainder, once the chunk lists are indexed. */
static void mark_last_remainder(struct walk *w, struct ld_arena *a)
{
	struct ld_chunk *c = a->last_remainder ?
		ld_hw_chunk_exact(w, a->last_remainder, NULL) : NULL;

	if (c && c >= a->chunks && c < a->chunks + a->nchunks && c->state != LD_CH_TOP)
		c->last_remainder = true;
}

static int arena_list(struct walk *w, uint8_t (*states)[ARENA_SIZE],
		      size_t *n)
{
	uint64_t addr = w->p->main_arena;

	*n = 0;
	do {
		int r;

		if (*n == MAX_ARENAS) {
			ld_hw_note(&w->h->error, ld_hw_msg("more than %d arenas: the list is cut",
						   MAX_ARENAS));
			break;
		}
		r = ld_hw_read_mem(w, addr, states[*n], ARENA_SIZE);
		if (r) {
			if (!*n)
				return r;
			ld_hw_note(&w->h->error, ld_hw_msg("arena at 0x%llx cannot be read (%s): "
						   "the list is cut",
						   (unsigned long long)addr, strerror(-r)));
			break;
		}
		w->h->arenas[*n].addr = addr;
		w->h->arenas[*n].main = *n == 0;
		addr = WORD(states[*n], OFF_NEXT);
		(*n)++;
		if (addr & 7 || !addr) {
			ld_hw_note(&w->h->error, ld_hw_msg("arena list: next 0x%llx is not valid",
						   (unsigned long long)addr));
			break;
		}
	} while (addr != w->p->main_arena);
	return 0;
}

/* ---- mmapped chunks and mp_ ---------------------------------------------- */

static bool inside_arena_heap(const struct ld_heap *h, uint64_t addr)
{
	for (size_t i = 0; i < h->narenas; i++)
		for (size_t k = 0; k < h->arenas[i].nheaps; k++) {
			const struct ld_heap_region *r = &h->arenas[i].heaps[k];
			uint64_t lo = r->info ? r->info : r->start;

			if (addr >= lo && addr < r->reserved_end)
				return true;
		}
	return false;
}

/* An anonymous rw mapping that starts with chunks whose size field says
 * IS_MMAPPED only, page-sized, prev_size 0 (no memalign offset): mmap'd
 * chunks.  Adjacent ones share one mapping in /proc/PID/maps. */
static int scan_mmapped(struct walk *w)
{
	const struct ld_maps *m = w->p->maps;
	size_t cap = 0;

	for (size_t i = 0; m && i < m->n; i++) {
		const struct ld_map *mp = &m->v[i];
		uint64_t p = mp->start;

		if (mp->path[0] || strcmp(mp->perms, "rw-p") ||
		    inside_arena_heap(w->h, mp->start))
			continue;
		while (p + 16 <= mp->end) {
			uint64_t hdr[2];
			struct ld_chunk c;

			if (w->p->read(w->p->ctx, p, hdr, sizeof hdr) || hdr[0] ||
			    (hdr[1] & 7) != LD_IS_MMAPPED || (hdr[1] & ~7ULL) & 4095 ||
			    hdr[1] - LD_IS_MMAPPED > mp->end - p || hdr[1] < 4096)
				break;
			c = (struct ld_chunk){ .addr = p, .size = hdr[1] & ~7ULL,
					       .flags = LD_IS_MMAPPED,
					       .state = LD_CH_MMAPPED };
			if (push_chunk(&w->h->mmapped, &w->h->nmmapped, &cap, &c))
				return -ENOMEM;
			w->h->mmapped_bytes += c.size;
			p += c.size;
		}
	}
	return 0;
}

static void read_mp(struct walk *w)
{
	uint8_t buf[136];
	uint64_t off;

	if (!w->p->mp || ld_hw_read_mem(w, w->p->mp, buf, sizeof buf))
		return;
	off = ld_heap_sbrk_base_offset(buf + 72, w->p->glibc_minor);
	w->h->mp_valid = true;
	w->h->mp_sbrk_base = WORD(buf, off);
	w->h->mp_mmapped_mem = WORD(buf, off - 16);
	/* n_mmaps: just before n_mmaps_max */
	w->h->mp_n_mmaps = *(const int32_t *)(buf + off - (off == 96 ? 36 : 32));
}

/* ---- totals ---------------------------------------------------------------- */

static void arena_totals(struct ld_arena *a)
{
	struct ld_heap_totals *t = &a->t;

	t->system = a->system_mem;
	t->rest = t->unsorted + t->small + t->large;
	t->n_rest = t->n_unsorted + t->n_small + t->n_large;
	t->in_use = t->system - t->fast - t->rest - t->top;
}

void ld_heap_sum(const struct ld_heap *h, struct ld_heap_totals *t)
{
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < h->narenas; i++) {
		const struct ld_heap_totals *a = &h->arenas[i].t;
		const uint64_t *src = (const uint64_t *)a;
		uint64_t *dst = (uint64_t *)t;

		for (size_t k = 0; k < sizeof *t / sizeof(uint64_t); k++)
			dst[k] += src[k];
	}
}

/* ---- the walk ---------------------------------------------------------- */

static int walk_all(struct walk *w, uint8_t (*states)[ARENA_SIZE])
{
	struct ld_heap *h = w->h;
	int r;

	for (size_t i = 0; i < h->narenas; i++)
		if ((r = walk_arena(w, &h->arenas[i], states[i])))
			return r;
	index_sort(w);
	for (size_t i = 0; i < h->narenas; i++)
		mark_last_remainder(w, &h->arenas[i]);
	if ((r = ld_hw_find_tcaches(w)))
		return r;
	for (size_t i = 0; i < h->narenas; i++)
		if ((r = ld_hw_arena_bins(w, &h->arenas[i], states[i])))
			return r;
	for (size_t i = 0; i < h->narenas; i++)
		arena_totals(&h->arenas[i]);
	return scan_mmapped(w);
}

int ld_heap_walk(const struct ld_heap_params *p, struct ld_heap *out)
{
	struct walk w = { .p = p, .h = out };
	uint8_t (*states)[ARENA_SIZE] = malloc(MAX_ARENAS * sizeof *states);
	size_t n;
	int r = -ENOMEM;

	memset(out, 0, sizeof *out);
	out->arenas = calloc(MAX_ARENAS, sizeof *out->arenas);
	w.safe_linking = p->glibc_minor ? p->glibc_minor >= 32 : -1;
	w.tcache_chunk = p->glibc_minor && p->glibc_minor < 30 ? 0x250 : 0x290;
	if (!states || !out->arenas)
		goto out;
	read_mp(&w);
	r = arena_list(&w, states, &n);
	if (r)
		goto out;
	out->narenas = n;
	/* main_arena is static data: its top is 0 until malloc_init ran */
	out->initialized = WORD(states[0], OFF_TOP) != 0;
	if (out->initialized)
		r = walk_all(&w, states);
out:
	release_blocks(&w);
	release_index(&w);
	free(w.cand);
	free(states);
	if (r)
		ld_heap_release(out);
	return r;
}

static void bins_free(struct ld_bin *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(b[i].chunks);
		free(b[i].error);
	}
	free(b);
}

void ld_heap_release(struct ld_heap *h)
{
	for (size_t i = 0; h->arenas && i < h->narenas; i++) {
		struct ld_arena *a = &h->arenas[i];

		free(a->heaps);
		ld_hbuf_put(a->chunks);
		bins_free(a->bins, a->nbins);
		free(a->error);
	}
	for (size_t i = 0; i < h->ntcaches; i++)
		bins_free(h->tcaches[i].bins, h->tcaches[i].nbins);
	free(h->tcaches);
	free(h->arenas);
	free(h->mmapped);
	free(h->error);
	memset(h, 0, sizeof *h);
}
