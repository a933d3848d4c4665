/* The memory of heap walks (heap.c knows glibc; this does not):
 *   - buffers kept from one walk to the next, so that a walk writes into
 *     pages already there instead of faulting in and clearing fresh ones;
 *   - heap images read piece by piece as a walk reaches them, so that the
 *     walk finds each piece still in the cache;
 *   - an index of where chunks start (a bit per 16 bytes, and counts), so
 *     that a chunk is found from its address in constant time. */
#ifndef LAYOUTDBG_HEAPMEM_H
#define LAYOUTDBG_HEAPMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads len bytes at addr of the program; 0 or -errno.  The same type as
 * heap.h's ld_heap_read_fn (heap.c uses this module, so this header does
 * not include heap.h). */
typedef int (*ld_hmem_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

/* A buffer of len bytes or more: a kept one when one is idle (or can be
 * made), else malloc'd.  NULL on ENOMEM. */
void *ld_hbuf_get(size_t len);
/* Done with buf (from ld_hbuf_get or malloc; NULL is fine). */
void ld_hbuf_put(void *buf);
/* Is buf a kept buffer?  (Not for realloc or free.) */
bool ld_hbuf_kept(const void *buf);
/* Unmap the kept buffers no walk is using: they hold as much memory as
 * the last walks used (the heaps' size and 24 bytes a chunk). */
void ld_heap_drop_buffers(void);

/* [lo, hi) of the program, read into buf as far as have.  Nothing at or
 * above unused (the top chunk's body: memory no chunk holds) is read from
 * the program; it reads as zeros.  A read of memory never touched makes
 * it resident on kernels without the shared zero page, and a layout
 * debugger must not change the residency it reports. */
struct ld_himage {
	ld_hmem_read_fn read;
	void *ctx;
	uint64_t lo, hi, have, unused;
	uint8_t *buf;           /* from ld_hbuf_get: the caller puts it */
	int err;                /* why the last read failed */
};

/* 0, or -ENOMEM (m->buf is NULL then).  Nothing is read yet; unused is
 * hi until ld_himage_unused says otherwise. */
int ld_himage_open(struct ld_himage *m, ld_hmem_read_fn read, void *ctx,
		   uint64_t lo, uint64_t hi);
/* Read on up to upto (<= hi), a piece of 512 KiB at least: 0 or -errno
 * (in m->err too). */
int ld_himage_more(struct ld_himage *m, uint64_t upto);

/* Memory from addr on is not read from the program (the top chunk's body
 * when the top chunk is in [lo, hi)). */
void ld_himage_unused(struct ld_himage *m, uint64_t addr);

static inline int ld_himage_need(struct ld_himage *m, uint64_t upto)
{
	return upto <= m->have ? 0 : ld_himage_more(m, upto);
}

/* Chunk starts in [lo, hi), which is 16-aligned from lo: set them, then
 * ld_chunk_index_done, then find. */
struct ld_chunk_index {
	uint64_t lo, hi;
	uint64_t *bits;         /* bit (a - lo) / 16 */
	uint32_t *rank;         /* how many bits are set before bits[i] */
};

/* 0 or -ENOMEM. */
int ld_chunk_index_init(struct ld_chunk_index *x, uint64_t lo, uint64_t hi);
void ld_chunk_index_release(struct ld_chunk_index *x);

/* For loops: a chunk at lo + off (off < hi - lo, a multiple of 16). */
static inline void ld_chunk_index_put(uint64_t *bits, uint64_t off)
{
	bits[off >> 10] |= 1ULL << ((off >> 4) & 63);
}

/* A chunk at addr, when addr is in [lo, hi) and 16-aligned from lo. */
void ld_chunk_index_set(struct ld_chunk_index *x, uint64_t addr);
/* Count the bits: after the last set. */
void ld_chunk_index_done(struct ld_chunk_index *x);

/* addr in [lo, hi): 1 and *nth (the chunks before it) when a chunk starts
 * there, 0 when none does; -1 when addr is not 16-aligned from lo (the
 * index cannot tell). */
int ld_chunk_index_find(const struct ld_chunk_index *x, uint64_t addr,
			size_t *nth);

#endif
