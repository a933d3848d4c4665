/* The memory of heap walks: kept buffers, heap images read in pieces, the
 * chunk index.  Why each: heapmem.h.  Measured on a heap of 1,000,000
 * chunks (bench/heapbench.c): fresh buffers cost half the walk in page
 * faults and page clearing, and walking a 50 MiB image after reading all
 * of it waited on memory at every chunk. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "layoutdbg/heapmem.h"

/* ---- kept buffers ------------------------------------------------------- */

/* 2 MiB pages would save the faults of the first walk but not the
 * clearing, and the kernel may compact memory to find them: some first
 * walks were 3x slower with them on a loaded machine.  4 KiB pages. */
#define KEPT_MAX 64

static struct kept {
	uint8_t *buf;
	size_t cap;
	bool busy;
} kept[KEPT_MAX];

/* The smallest idle kept buffer of len bytes or more, or a new one in
 * place of the smallest idle one that is too small; NULL when every slot
 * is busy or mmap fails. */
static struct kept *take(size_t len)
{
	struct kept *best = NULL, *spare = NULL;

	for (size_t i = 0; i < KEPT_MAX; i++) {
		struct kept *k = &kept[i];

		if (k->busy)
			continue;
		if (k->cap >= len && (!best || k->cap < best->cap))
			best = k;
		else if (k->cap < len && (!spare || k->cap < spare->cap))
			spare = k;
	}
	if (!best && spare) {
		/* room for a heap that grows a little before the next walk */
		size_t cap = (len + len / 8 + 4095) & ~(size_t)4095;
		void *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED)
			return NULL;
		if (spare->buf)
			munmap(spare->buf, spare->cap);
		*spare = (struct kept){ buf, cap, false };
		best = spare;
	}
	if (best)
		best->busy = true;
	return best;
}

static struct kept *kept_at(const void *buf)
{
	for (size_t i = 0; buf && i < KEPT_MAX; i++)
		if (kept[i].buf == buf)
			return &kept[i];
	return NULL;
}

void *ld_hbuf_get(size_t len)
{
	struct kept *k = take(len ? len : 1);

	return k ? k->buf : malloc(len ? len : 1);
}

void ld_hbuf_put(void *buf)
{
	struct kept *k = kept_at(buf);

	if (k)
		k->busy = false;
	else
		free(buf);
}

bool ld_hbuf_kept(const void *buf)
{
	return kept_at(buf) != NULL;
}

void ld_heap_drop_buffers(void)
{
	for (size_t i = 0; i < KEPT_MAX; i++)
		if (kept[i].buf && !kept[i].busy) {
			munmap(kept[i].buf, kept[i].cap);
			kept[i] = (struct kept){ 0 };
		}
}

/* ---- heap images ---------------------------------------------------------- */

/* Small enough to stay in the cache (L2 here is 1 MiB a core) while the
 * walk goes through it, large enough that the reads cost little more
 * than one read of the whole heap. */
#define PIECE (512u << 10)

int ld_himage_open(struct ld_himage *m, ld_hmem_read_fn read, void *ctx,
		   uint64_t lo, uint64_t hi)
{
	*m = (struct ld_himage){ .read = read, .ctx = ctx, .lo = lo, .hi = hi,
				 .have = lo, .unused = hi };
	m->buf = ld_hbuf_get(hi - lo);
	return m->buf ? 0 : -ENOMEM;
}

void ld_himage_unused(struct ld_himage *m, uint64_t addr)
{
	if (addr >= m->lo && addr < m->unused)
		m->unused = addr < m->have ? m->have : addr;
}

int ld_himage_more(struct ld_himage *m, uint64_t upto)
{
	uint64_t to = upto - m->have < PIECE ? m->have + PIECE : upto, rd;

	if (to > m->hi)
		to = m->hi;
	rd = to < m->unused ? to : m->unused;
	if (rd > m->have) {
		m->err = m->read(m->ctx, m->have, m->buf + (m->have - m->lo), rd - m->have);
		if (m->err)
			return m->err;
		m->have = rd;
	}
	if (to > m->have) {
		memset(m->buf + (m->have - m->lo), 0, to - m->have);
		m->have = to;
	}
	m->err = 0;
	return 0;
}

/* ---- the chunk index ------------------------------------------------------ */

static size_t index_words(const struct ld_chunk_index *x)
{
	return ((x->hi - x->lo) / 16 + 63) / 64 + 1;
}

int ld_chunk_index_init(struct ld_chunk_index *x, uint64_t lo, uint64_t hi)
{
	*x = (struct ld_chunk_index){ .lo = lo, .hi = hi };
	x->bits = calloc(index_words(x), sizeof *x->bits);
	x->rank = malloc(index_words(x) * sizeof *x->rank);
	if (x->bits && x->rank)
		return 0;
	ld_chunk_index_release(x);
	return -ENOMEM;
}

void ld_chunk_index_release(struct ld_chunk_index *x)
{
	free(x->bits);
	free(x->rank);
	x->bits = NULL;
	x->rank = NULL;
}

void ld_chunk_index_set(struct ld_chunk_index *x, uint64_t addr)
{
	if (addr >= x->lo && addr < x->hi && !((addr - x->lo) & 15))
		ld_chunk_index_put(x->bits, addr - x->lo);
}

void ld_chunk_index_done(struct ld_chunk_index *x)
{
	uint32_t n = 0;

	for (size_t i = 0; i < index_words(x); i++) {
		x->rank[i] = n;
		n += (uint32_t)__builtin_popcountll(x->bits[i]);
	}
}

int ld_chunk_index_find(const struct ld_chunk_index *x, uint64_t addr,
			size_t *nth)
{
	uint64_t off = addr - x->lo, word, bit;

	if (off & 15)
		return -1;
	word = x->bits[off >> 10];
	bit = 1ULL << ((off >> 4) & 63);
	if (!(word & bit))
		return 0;
	*nth = x->rank[off >> 10] + (size_t)__builtin_popcountll(word & (bit - 1));
	return 1;
}
