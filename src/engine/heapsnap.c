/* Chunk lists in snapshots and their diff: a linear merge of two address-
 * ordered lists per arena.  Where both lists have a chunk of the same
 * extent, only its state can have changed; elsewhere the chunks are
 * grouped into the shortest runs that start and end at common boundaries,
 * and each run says what happened inside it (allocations, frees, a split,
 * a consolidation, the top moving). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/grow.h"
#include "layoutdbg/heapsnap.h"
#include "layoutdbg/output.h"

/* ---- capture ---------------------------------------------------------- */

static struct ld_snap_chunk *pack(const struct ld_chunk *v, size_t n)
{
	struct ld_snap_chunk *out = malloc((n ? n : 1) * sizeof *out);

	for (size_t i = 0; out && i < n; i++)
		out[i] = (struct ld_snap_chunk){ v[i].addr,
						 (v[i].size & ~15ULL) | v[i].state };
	return out;
}

struct ld_snap_heap *ld_snap_heap_from(const struct ld_heap *h,
				       const char *source)
{
	struct ld_snap_heap *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	snprintf(s->source, sizeof s->source, "%s", source);
	s->arenas = calloc(h->narenas ? h->narenas : 1, sizeof *s->arenas);
	s->mmapped = pack(h->mmapped, h->nmmapped);
	if (!s->arenas || !s->mmapped)
		goto fail;
	s->nmmapped = h->nmmapped;
	for (size_t i = 0; i < h->narenas; i++) {
		struct ld_snap_arena *a = &s->arenas[i];

		a->addr = h->arenas[i].addr;
		a->main = h->arenas[i].main;
		a->chunks = pack(h->arenas[i].chunks, h->arenas[i].nchunks);
		if (!a->chunks)
			goto fail;
		a->n = h->arenas[i].nchunks;
		s->narenas++;
	}
	return s;
fail:
	ld_snap_heap_free(s);
	return NULL;
}

void ld_snap_heap_free(struct ld_snap_heap *h)
{
	if (!h)
		return;
	for (size_t i = 0; h->arenas && i < h->narenas; i++)
		free(h->arenas[i].chunks);
	free(h->arenas);
	free(h->mmapped);
	free(h);
}

size_t ld_snap_heap_bytes(const struct ld_snap_heap *h)
{
	size_t n = h->nmmapped;

	for (size_t i = 0; i < h->narenas; i++)
		n += h->arenas[i].n;
	return n * sizeof(struct ld_snap_chunk);
}

/* ---- sums ------------------------------------------------------------- */

/* In the program's hands.  A chunk cached in a tcache counts as free
 * here (the program freed it), though glibc's totals count it in use. */
static bool used(unsigned st)
{
	return st == LD_CH_INUSE || st == LD_CH_MMAPPED;
}

void ld_heap_sums(const struct ld_snap_heap *h, struct ld_heap_sums *s)
{
	memset(s, 0, sizeof *s);
	if (!h)
		return;
	for (size_t i = 0; i < h->narenas; i++)
		for (size_t k = 0; k < h->arenas[i].n; k++) {
			const struct ld_snap_chunk *c = &h->arenas[i].chunks[k];
			unsigned st = ld_snap_chunk_state(c);

			if (st == LD_CH_TOP) {
				s->top += ld_snap_chunk_size(c);
			} else if (used(st)) {
				s->in_use += ld_snap_chunk_size(c);
				s->n_in_use++;
			} else if (st != LD_CH_FENCE) {
				s->free += ld_snap_chunk_size(c);
				s->n_free++;
			}
		}
	for (size_t i = 0; i < h->nmmapped; i++)
		s->mmapped += ld_snap_chunk_size(&h->mmapped[i]);
}

/* ---- diff ------------------------------------------------------------- */

static int add(struct ld_heap_diff *d, struct ld_heap_change c)
{
	if (LD_GROW(d->v, d->cap, d->n, 32) < 0)
		return -ENOMEM;
	d->v[d->n++] = c;
	return 0;
}

static uint64_t end_of(const struct ld_snap_chunk *c)
{
	uint64_t s = ld_snap_chunk_size(c);

	return c->addr + (s ? s : 16);
}

/* The chunk of run [v, v + n) covering addr, or NULL. */
static const struct ld_snap_chunk *covering(const struct ld_snap_chunk *v,
					    size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (addr >= v[i].addr && addr < end_of(&v[i]))
			return &v[i];
	return NULL;
}

static bool same_in(const struct ld_snap_chunk *v, size_t n,
		    const struct ld_snap_chunk *c, bool want_used)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].addr == c->addr &&
		    ld_snap_chunk_size(&v[i]) == ld_snap_chunk_size(c) &&
		    used(ld_snap_chunk_state(&v[i])) == want_used)
			return true;
	return false;
}

static struct ld_heap_change chg(uint8_t what, int arena,
				 const struct ld_snap_chunk *c,
				 const struct ld_snap_chunk *other)
{
	struct ld_heap_change x = { .what = what, .arena = arena };

	if (c) {
		x.addr = c->addr;
		x.size = ld_snap_chunk_size(c);
		x.state_b = (uint8_t)ld_snap_chunk_state(c);
	}
	if (other) {
		x.addr2 = other->addr;
		x.size2 = ld_snap_chunk_size(other);
		x.state_a = (uint8_t)ld_snap_chunk_state(other);
	}
	return x;
}

/* One chunk of the same extent on both sides. */
static int same_extent(struct ld_heap_diff *d, int ar,
		       const struct ld_snap_chunk *a, const struct ld_snap_chunk *b)
{
	unsigned sa = ld_snap_chunk_state(a), sb = ld_snap_chunk_state(b);
	struct ld_heap_change x;

	if (sa == sb)
		return 0;
	x = chg(LD_HC_MOVED, ar, b, a);
	if (used(sa) && !used(sb))
		x.what = LD_HC_FREE;
	else if (!used(sa) && used(sb))
		x.what = LD_HC_ALLOC;
	if (sa == LD_CH_TOP || sb == LD_CH_TOP)
		x.what = LD_HC_TOP;
	return add(d, x);
}

/* A run of a-chunks and b-chunks covering the same bytes, boundaries
 * differing inside. */
static int run_diff(struct ld_heap_diff *d, int ar,
		    const struct ld_snap_chunk *a, size_t na,
		    const struct ld_snap_chunk *b, size_t nb)
{
	const struct ld_snap_chunk *ta = NULL, *tb = NULL;
	int r = 0;

	for (size_t i = 0; i < na; i++)
		if (ld_snap_chunk_state(&a[i]) == LD_CH_TOP)
			ta = &a[i];
	for (size_t i = 0; i < nb; i++)
		if (ld_snap_chunk_state(&b[i]) == LD_CH_TOP)
			tb = &b[i];
	for (size_t i = 0; !r && i < nb; i++) {
		unsigned st = ld_snap_chunk_state(&b[i]);
		const struct ld_snap_chunk *from = covering(a, na, b[i].addr);

		if (st == LD_CH_TOP || st == LD_CH_FENCE)
			continue;
		if (used(st) && !same_in(a, na, &b[i], true)) {
			r = add(d, chg(LD_HC_ALLOC, ar, &b[i], from));
		} else if (!used(st) && !same_in(a, na, &b[i], false)) {
			size_t k = 0;

			for (size_t j = 0; j < na; j++)
				k += a[j].addr >= b[i].addr && end_of(&a[j]) <= end_of(&b[i]);
			if (k > 1) {
				struct ld_heap_change x = chg(LD_HC_CONSOLIDATED, ar, &b[i], NULL);

				x.count = k;
				r = add(d, x);
			} else if (from && !used(ld_snap_chunk_state(from))) {
				r = add(d, chg(LD_HC_SPLIT, ar, &b[i], from));
			}
		}
	}
	for (size_t i = 0; !r && i < na; i++) {
		unsigned st = ld_snap_chunk_state(&a[i]);

		/* in use before, not the same chunk in use after: freed (into a
		 * bin, merged into a neighbour or into the top) */
		if (used(st) && !same_in(b, nb, &a[i], true)) {
			struct ld_heap_change x = chg(LD_HC_FREE, ar, NULL, &a[i]);
			const struct ld_snap_chunk *into = covering(b, nb, a[i].addr);

			x.addr = a[i].addr;
			x.size = ld_snap_chunk_size(&a[i]);
			x.state_a = (uint8_t)st;
			if (into) {
				x.addr2 = into->addr;
				x.size2 = ld_snap_chunk_size(into);
				x.state_b = (uint8_t)ld_snap_chunk_state(into);
			}
			r = add(d, x);
		}
	}
	if (!r && ta && tb && (ta->addr != tb->addr ||
			       ld_snap_chunk_size(ta) != ld_snap_chunk_size(tb)))
		r = add(d, chg(LD_HC_TOP, ar, tb, ta));
	return r;
}

static int arena_diff(struct ld_heap_diff *d, int ar,
		      const struct ld_snap_arena *A, const struct ld_snap_arena *B)
{
	size_t i = 0, j = 0;
	int r = 0;

	while (!r && (i < A->n || j < B->n)) {
		size_t i0 = i, j0 = j;

		if (i < A->n && j < B->n && A->chunks[i].addr == B->chunks[j].addr &&
		    ld_snap_chunk_size(&A->chunks[i]) == ld_snap_chunk_size(&B->chunks[j])) {
			r = same_extent(d, ar, &A->chunks[i++], &B->chunks[j++]);
			continue;
		}
		/* grow the run until both sides end at the same address */
		if (i < A->n && j < B->n) {
			uint64_t ea = end_of(&A->chunks[i++]), eb = end_of(&B->chunks[j++]);

			while (ea != eb && (i < A->n || j < B->n)) {
				if ((ea < eb && i < A->n) || j == B->n)
					ea = end_of(&A->chunks[i++]);
				else
					eb = end_of(&B->chunks[j++]);
			}
		} else {
			i = A->n;
			j = B->n;
		}
		r = run_diff(d, ar, A->chunks + i0, i - i0, B->chunks + j0, j - j0);
	}
	return r;
}

static const struct ld_snap_arena *arena_by_addr(const struct ld_snap_heap *h,
						 uint64_t addr)
{
	for (size_t i = 0; i < h->narenas; i++)
		if (h->arenas[i].addr == addr)
			return &h->arenas[i];
	return NULL;
}

static int mmapped_diff(struct ld_heap_diff *d, const struct ld_snap_heap *a,
			const struct ld_snap_heap *b)
{
	int r = 0;

	for (size_t i = 0; !r && i < b->nmmapped; i++) {
		bool old = false;

		for (size_t k = 0; k < a->nmmapped; k++)
			old |= a->mmapped[k].size_state == b->mmapped[i].size_state &&
			       a->mmapped[k].addr == b->mmapped[i].addr;
		if (!old)
			r = add(d, chg(LD_HC_MMAP, -1, &b->mmapped[i], NULL));
	}
	for (size_t i = 0; !r && i < a->nmmapped; i++) {
		bool kept = false;

		for (size_t k = 0; k < b->nmmapped; k++)
			kept |= a->mmapped[i].size_state == b->mmapped[k].size_state &&
				a->mmapped[i].addr == b->mmapped[k].addr;
		if (!kept)
			r = add(d, chg(LD_HC_MUNMAP, -1, &a->mmapped[i], NULL));
	}
	return r;
}

int ld_heap_diff(const struct ld_snap_heap *a, const struct ld_snap_heap *b,
		 struct ld_heap_diff *out)
{
	static const struct ld_snap_arena none;
	int r = 0;

	memset(out, 0, sizeof *out);
	ld_heap_sums(a, &out->a);
	ld_heap_sums(b, &out->b);
	if (!a || !b)
		return 0;
	for (size_t i = 0; !r && i < b->narenas; i++) {
		const struct ld_snap_arena *A = arena_by_addr(a, b->arenas[i].addr);

		if (!A)
			r = add(out, (struct ld_heap_change){ .what = LD_HC_ARENA_NEW,
				.arena = (int)i, .addr = b->arenas[i].addr });
		if (!r)
			r = arena_diff(out, (int)i, A ? A : &none, &b->arenas[i]);
	}
	for (size_t i = 0; !r && i < a->narenas; i++)
		if (!arena_by_addr(b, a->arenas[i].addr))
			r = add(out, (struct ld_heap_change){ .what = LD_HC_ARENA_GONE,
				.arena = (int)i, .addr = a->arenas[i].addr });
	if (!r)
		r = mmapped_diff(out, a, b);
	if (r)
		ld_heap_diff_release(out);
	return r;
}

void ld_heap_diff_release(struct ld_heap_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof *d);
}

/* ---- words ------------------------------------------------------------ */

/* "tcache[15]", "unsorted", "top", "in use" */
const char *ld_heap_where(unsigned st, uint64_t size, char *buf, size_t len)
{
	switch (st) {
	case LD_CH_TCACHE:
		snprintf(buf, len, "tcache[%u]", ld_tcache_index(size));
		break;
	case LD_CH_FAST:
		snprintf(buf, len, "fastbin[%u]", ld_fastbin_index(size));
		break;
	case LD_CH_SMALL: case LD_CH_LARGE:
		snprintf(buf, len, "%s[%u]", ld_chunk_state_name(st), ld_bin_index(size));
		break;
	default:
		snprintf(buf, len, "%s", ld_chunk_state_name(st));
	}
	return buf;
}

static const char *signed_hex(int64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%s0x%" PRIx64, v < 0 ? "-" : "+",
		 v < 0 ? (uint64_t)-v : (uint64_t)v);
	return buf;
}

void ld_heap_change_text(const struct ld_heap_change *c, char *buf, size_t len)
{
	char h[32], w1[48], w2[48];

	ld_human_size(c->size, h, sizeof h);
	switch (c->what) {
	case LD_HC_ALLOC:
		snprintf(buf, len, "alloc 0x%" PRIx64 " 0x%" PRIx64 " (%s)%s%s%s", c->addr,
			 c->size, h, c->size2 ? " (from " : "",
			 c->size2 ? ld_heap_where(c->state_a, c->size2, w1, sizeof w1) : "",
			 c->size2 ? ")" : "");
		break;
	case LD_HC_FREE:
		if (c->addr2 == c->addr && c->size2 == c->size)
			snprintf(buf, len, "free 0x%" PRIx64 " 0x%" PRIx64 " (%s) (into %s)",
				 c->addr, c->size, h, ld_heap_where(c->state_b, c->size, w1, sizeof w1));
		else if (c->size2)
			snprintf(buf, len, "free 0x%" PRIx64 " 0x%" PRIx64 " (%s) (merged into "
				 "%s 0x%" PRIx64 " 0x%" PRIx64 ")", c->addr, c->size, h,
				 ld_heap_where(c->state_b, c->size2, w1, sizeof w1), c->addr2, c->size2);
		else
			snprintf(buf, len, "free 0x%" PRIx64 " 0x%" PRIx64 " (%s)", c->addr,
				 c->size, h);
		break;
	case LD_HC_MOVED:
		snprintf(buf, len, "moved 0x%" PRIx64 " 0x%" PRIx64 " (%s): %s -> %s",
			 c->addr, c->size, h, ld_heap_where(c->state_a, c->size, w1, sizeof w1),
			 ld_heap_where(c->state_b, c->size, w2, sizeof w2));
		break;
	case LD_HC_TOP:
		snprintf(buf, len, "top 0x%" PRIx64 " -> 0x%" PRIx64 " (size %s)", c->addr2,
			 c->addr, signed_hex((int64_t)(c->size - c->size2), w1, sizeof w1));
		break;
	case LD_HC_SPLIT:
		snprintf(buf, len, "split 0x%" PRIx64 " 0x%" PRIx64 " -> free 0x%" PRIx64
			 " 0x%" PRIx64 " (%s)", c->addr2, c->size2, c->addr, c->size,
			 ld_heap_where(c->state_b, c->size, w1, sizeof w1));
		break;
	case LD_HC_CONSOLIDATED:
		snprintf(buf, len, "consolidated %zu chunks -> 0x%" PRIx64 " 0x%" PRIx64
			 " (%s) (%s)", c->count, c->addr, c->size, h,
			 ld_heap_where(c->state_b, c->size, w1, sizeof w1));
		break;
	case LD_HC_ARENA_NEW: case LD_HC_ARENA_GONE:
		snprintf(buf, len, "arena 0x%" PRIx64, c->addr);
		break;
	case LD_HC_MMAP: case LD_HC_MUNMAP:
		snprintf(buf, len, "mmapped chunk 0x%" PRIx64 " 0x%" PRIx64 " (%s)",
			 c->addr, c->size, h);
		break;
	}
}

const char *ld_chunk_describe(const struct ld_chunk *c, char *buf, size_t len)
{
	switch (c->state) {
	case LD_CH_TCACHE: case LD_CH_FAST: case LD_CH_SMALL: case LD_CH_LARGE:
		snprintf(buf, len, "%s[%u]%s", ld_chunk_state_name(c->state), c->bin,
			 c->last_remainder ? ", last remainder" : "");
		break;
	case LD_CH_INUSE:
		snprintf(buf, len, "in use%s", c->tcache_struct ? " (tcache struct)" : "");
		break;
	default:
		snprintf(buf, len, "%s%s", ld_chunk_state_name(c->state),
			 c->last_remainder ? ", last remainder" : "");
	}
	return buf;
}
