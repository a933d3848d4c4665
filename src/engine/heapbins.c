/* The heap walk's chunk lookups by address, and the free lists checked
 * against them: fastbins and bins (single and double links, safe-linking
 * revealed), and the tcaches found from their chunks.  Every chain is
 * bounded by a step limit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/heapmem.h"
#include "heap_int.h"

/* ---- lookups -------------------------------------------------------------- */

static struct ld_chunk *find_in(struct ld_chunk *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr + (v[mid].size ? v[mid].size : 16) <= addr)
			lo = mid + 1;
		else if (v[mid].addr > addr)
			hi = mid;
		else
			return &v[mid];
	}
	return NULL;
}

/* The chunk starting exactly at addr in any arena (*owner), by searching. */
static struct ld_chunk *chunk_search(struct ld_heap *h, uint64_t addr,
				     struct ld_arena **owner)
{
	for (size_t i = 0; i < h->narenas; i++) {
		struct ld_arena *a = &h->arenas[i];
		struct ld_chunk *c = find_in(a->chunks, a->nchunks, addr);

		if (c) {
			*owner = a;
			return c->addr == addr ? c : NULL;
		}
	}
	return NULL;
}

/* The same (for the bins and tcaches) from the chunk index of the heap
 * holding addr; by searching outside the heaps indexed. */
struct ld_chunk *ld_hw_chunk_exact(struct walk *w, uint64_t addr,
				   struct ld_arena **owner)
{
	size_t lo = 0, hi = w->nidx, nth;
	struct ld_arena *ignored;

	if (!owner)
		owner = &ignored;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct chunk_index *x = &w->idx[mid];

		if (x->ix.hi <= addr) {
			lo = mid + 1;
		} else if (x->ix.lo > addr) {
			hi = mid;
		} else {
			int found = ld_chunk_index_find(&x->ix, addr, &nth);

			if (found < 0)
				break;
			if (!found)
				return NULL;
			*owner = x->a;
			return &x->a->chunks[x->base + nth];
		}
	}
	return chunk_search(w->h, addr, owner);
}

const struct ld_chunk *ld_heap_chunk_at(const struct ld_heap *h, uint64_t addr,
					int *arena)
{
	for (size_t i = 0; i < h->narenas; i++) {
		const struct ld_arena *a = &h->arenas[i];
		const struct ld_chunk *c = find_in(a->chunks, a->nchunks, addr);

		if (c) {
			if (arena)
				*arena = (int)i;
			return c;
		}
	}
	for (size_t i = 0; i < h->nmmapped; i++) {
		const struct ld_chunk *c = &h->mmapped[i];

		if (addr >= c->addr && addr - c->addr < c->size) {
			if (arena)
				*arena = -1;
			return c;
		}
	}
	return NULL;
}

/* ---- bins ----------------------------------------------------------------- */

/* A pointer that safe-linking protected (fd of fastbin and tcache chunks,
 * glibc >= 2.32: PROTECT_PTR).  When the version is unknown, take the
 * reading that gives a chunk. */
static uint64_t reveal(struct walk *w, uint64_t field, uint64_t stored,
		       uint64_t bias)
{
	uint64_t dec = stored ^ (field >> 12);

	if (w->safe_linking >= 0)
		return w->safe_linking ? dec : stored;
	if (!dec || ld_hw_chunk_exact(w, dec - bias, NULL))
		return dec;
	return stored;
}

static int bin_add(struct ld_bin *b, uint64_t addr, size_t *cap)
{
	if (b->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		uint64_t *nv = realloc(b->chunks, nc * sizeof *nv);

		if (!nv)
			return -ENOMEM;
		b->chunks = nv;
		*cap = nc;
	}
	b->chunks[b->n++] = addr;
	return 0;
}

/* Mark chunk addr as free in bin b; false (with b->error) when it is not
 * a chunk of the heap or not of the size the bin holds. */
static bool mark(struct walk *w, struct ld_bin *b, uint64_t addr)
{
	struct ld_arena *owner;
	struct ld_chunk *c = ld_hw_chunk_exact(w, addr, &owner);
	bool size_ok;

	if (!c) {
		ld_hw_note(&b->error, ld_hw_msg("0x%llx is not a chunk of the heap",
					(unsigned long long)addr));
		return false;
	}
	switch (b->kind) {
	case LD_CH_TCACHE: size_ok = ld_tcache_index(c->size) == b->index; break;
	case LD_CH_FAST: size_ok = ld_fastbin_index(c->size) == b->index; break;
	case LD_CH_UNSORTED: size_ok = true; break;
	default: size_ok = ld_bin_index(c->size) == b->index; break;
	}
	if (!size_ok) {
		ld_hw_note(&b->error, ld_hw_msg("chunk 0x%llx has size 0x%llx, not of this bin",
					(unsigned long long)addr,
					(unsigned long long)c->size));
		return false;
	}
	if (c->state != LD_CH_INUSE && c->state != LD_CH_FREE) {
		ld_hw_note(&b->error, ld_hw_msg("chunk 0x%llx is in two bins (cycle?)",
					(unsigned long long)addr));
		return false;
	}
	c->state = b->kind;
	c->bin = b->index;
	ld_hw_count_move(owner, c->size, b->kind);
	return true;
}

/* Steps allowed in a chain: no more chunks than the heap can hold. */
static size_t chain_limit(const struct ld_heap *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->narenas; i++)
		n += h->arenas[i].nchunks;
	return n + 1;
}

/* A singly linked chain (fastbin, tcache): first is a chunk address;
 * bias is where the fd field sits in the chunk minus the link target's
 * offset (tcache links user pointers). */
static int walk_single(struct walk *w, struct ld_bin *b, uint64_t first,
		       uint64_t bias, size_t max)
{
	size_t cap = 0, limit = chain_limit(w->h);
	uint64_t c = first;

	while (c && b->n < limit && b->n < max) {
		uint64_t stored;

		if (bin_add(b, c, &cap))
			return -ENOMEM;
		if (!mark(w, b, c))
			return 0;
		if (ld_hw_read_word(w, c + 16, &stored)) {
			ld_hw_note(&b->error, ld_hw_msg("cannot read the fd of 0x%llx",
						(unsigned long long)c));
			return 0;
		}
		c = reveal(w, c + 16, stored, bias);
		if (c)
			c -= bias;
	}
	if (c && b->n >= limit)
		ld_hw_note(&b->error, ld_hw_msg("chain longer than the heap (a cycle): cut"));
	return 0;
}

/* A doubly linked bin: fd from the head until the head again. */
static int walk_double(struct walk *w, struct ld_bin *b, uint64_t head,
		       uint64_t first)
{
	size_t cap = 0, limit = chain_limit(w->h);
	uint64_t c = first;

	while (c != head && b->n < limit) {
		if (bin_add(b, c, &cap))
			return -ENOMEM;
		if (!mark(w, b, c))
			return 0;
		if (ld_hw_read_word(w, c + 16, &c)) {
			ld_hw_note(&b->error, ld_hw_msg("cannot read the fd of 0x%llx",
						(unsigned long long)b->chunks[b->n - 1]));
			return 0;
		}
	}
	if (c != head)
		ld_hw_note(&b->error, ld_hw_msg("chain longer than the heap (a cycle): cut"));
	return 0;
}

static int add_bin(struct ld_bin **v, size_t *n, struct ld_bin *b)
{
	struct ld_bin *nv;

	if (!b->n && !b->error)
		return 0;
	nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv) {
		free(b->chunks);
		free(b->error);
		return -ENOMEM;
	}
	*v = nv;
	nv[(*n)++] = *b;
	return 0;
}

int ld_hw_arena_bins(struct walk *w, struct ld_arena *a, const uint8_t *st)
{
	for (unsigned i = 0; i < NFASTBINS; i++) {
		struct ld_bin b = { .kind = LD_CH_FAST, .index = (uint16_t)i };

		if (walk_single(w, &b, WORD(st, OFF_FASTBINS + 8 * i), 0, SIZE_MAX) ||
		    add_bin(&a->bins, &a->nbins, &b))
			return -ENOMEM;
	}
	for (unsigned i = 1; i < NBINS - 1; i++) {
		uint64_t head = a->addr + OFF_BINS + 16 * (i - 1) - 16;
		struct ld_bin b = { .kind = i == 1 ? LD_CH_UNSORTED :
				    i < 64 ? LD_CH_SMALL : LD_CH_LARGE,
				    .index = (uint16_t)i };

		if (walk_double(w, &b, head, WORD(st, OFF_BINS + 16 * (i - 1))) ||
		    add_bin(&a->bins, &a->nbins, &b))
			return -ENOMEM;
	}
	return 0;
}

/* ---- tcaches --------------------------------------------------------------- */

/* Is the chunk at c a tcache_perthread_struct?  Every count matches its
 * chain, which ends in NULL and holds chunks of the bin's size.  Read
 * only, nothing marked. */
static bool looks_like_tcache(struct walk *w, const struct ld_chunk *c,
			      bool first, bool *empty)
{
	uint8_t buf[640];
	bool wide = w->tcache_chunk == 0x290;
	size_t limit = chain_limit(w->h);

	if (c->size != w->tcache_chunk || c->state != LD_CH_INUSE ||
	    ld_hw_read_mem(w, c->addr + 16, buf, wide ? 640 : 576))
		return false;
	*empty = true;
	for (unsigned i = 0; i < TCACHE_BINS; i++) {
		unsigned count = wide ? ((const uint16_t *)buf)[i] : buf[i];
		uint64_t e = WORD(buf, (wide ? 128 : 64) + 8 * i);

		if (!count != !e || e & 15)
			return false;
		*empty &= count == 0;
		/* the first chunk of a heap is its creator's tcache: the
		 * structure is enough there (its chains may be damaged) */
		for (unsigned k = 0; !first && k < count; k++) {
			struct ld_chunk *x;
			uint64_t stored;

			if (!e || k >= limit || e & 15 || !(x = ld_hw_chunk_exact(w, e - 16, NULL)) ||
			    ld_tcache_index(x->size) != i || ld_hw_read_word(w, e, &stored))
				return false;
			e = reveal(w, e, stored, 16);
		}
		if (e && !first)
			return false;
	}
	/* An all-zero block is a tcache only where one is sure to be: the
	 * first chunk of an arena's heap (tcache_init's allocation). */
	return first || !*empty;
}

static int read_tcache(struct walk *w, uint64_t chunk, int arena)
{
	uint8_t buf[640];
	bool wide = w->tcache_chunk == 0x290;
	struct ld_tcache t = { .chunk = chunk, .arena = arena };
	struct ld_tcache *nv;

	if (ld_hw_read_mem(w, chunk + 16, buf, wide ? 640 : 576))
		return 0;
	for (unsigned i = 0; i < TCACHE_BINS; i++) {
		unsigned count = wide ? ((const uint16_t *)buf)[i] : buf[i];
		uint64_t e = WORD(buf, (wide ? 128 : 64) + 8 * i);
		struct ld_bin b = { .kind = LD_CH_TCACHE, .index = (uint16_t)i,
				    .count = (uint16_t)count };

		if (e && (walk_single(w, &b, e - 16, 16, count) ||
			  add_bin(&t.bins, &t.nbins, &b)))
			return -ENOMEM;
	}
	nv = realloc(w->h->tcaches, (w->h->ntcaches + 1) * sizeof *nv);
	if (!nv) {
		for (size_t i = 0; i < t.nbins; i++) {
			free(t.bins[i].chunks);
			free(t.bins[i].error);
		}
		free(t.bins);
		return -ENOMEM;
	}
	w->h->tcaches = nv;
	nv[w->h->ntcaches++] = t;
	return 0;
}

/* The chunks of a tcache_perthread_struct's size the walk noted, in
 * arena and address order. */
int ld_hw_find_tcaches(struct walk *w)
{
	for (size_t j = 0; j < w->ncand; j++) {
		struct ld_arena *a = &w->h->arenas[w->cand[j].arena];
		struct ld_chunk *c = &a->chunks[w->cand[j].k];
		bool first = false, empty;

		for (size_t i = 0; i < a->nheaps; i++)
			first |= c->addr == a->heaps[i].start;
		if (!looks_like_tcache(w, c, first, &empty))
			continue;
		c->tcache_struct = true;
		if (read_tcache(w, c->addr, (int)w->cand[j].arena))
			return -ENOMEM;
	}
	return 0;
}
