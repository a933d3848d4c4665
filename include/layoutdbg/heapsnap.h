/* The heap in a snapshot: the chunk list of every arena and the mmapped
 * chunks, 16 bytes a chunk; and the chunk-level diff of two snapshots.
 * Plain data (capture is ld_heap_snapshot, over a walk). */
#ifndef LAYOUTDBG_HEAPSNAP_H
#define LAYOUTDBG_HEAPSNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/heap.h"

/* size | state: sizes are multiples of 16, the state fits in the low 4 bits */
struct ld_snap_chunk {
	uint64_t addr;
	uint64_t size_state;
};

static inline uint64_t ld_snap_chunk_size(const struct ld_snap_chunk *c)
{
	return c->size_state & ~15ULL;
}

static inline unsigned ld_snap_chunk_state(const struct ld_snap_chunk *c)
{
	return (unsigned)(c->size_state & 15);
}

struct ld_snap_arena {
	uint64_t addr;
	bool main;
	struct ld_snap_chunk *chunks;   /* address order */
	size_t n;
};

struct ld_snap_heap {
	struct ld_snap_arena *arenas;
	size_t narenas;
	struct ld_snap_chunk *mmapped;
	size_t nmmapped;
	char source[32];                /* "debug symbols", "heuristics", ... */
};

/* From a walk.  NULL on ENOMEM. */
struct ld_snap_heap *ld_snap_heap_from(const struct ld_heap *h,
				       const char *source);
void ld_snap_heap_free(struct ld_snap_heap *h);
/* Bytes the chunk lists take. */
size_t ld_snap_heap_bytes(const struct ld_snap_heap *h);

enum ld_hchange {
	LD_HC_ALLOC,        /* + alloc ADDR SIZE (from ...) */
	LD_HC_FREE,         /* - free ADDR SIZE (into ... | merged into ...) */
	LD_HC_MOVED,        /* ~ moved ADDR SIZE: unsorted -> small bin[34] */
	LD_HC_TOP,          /* ~ top A -> B (size +-d) */
	LD_HC_SPLIT,        /* ~ split: a free chunk became several */
	LD_HC_CONSOLIDATED, /* ~ consolidated: several became one free chunk */
	LD_HC_ARENA_NEW, LD_HC_ARENA_GONE,
	LD_HC_MMAP, LD_HC_MUNMAP,
};

struct ld_heap_change {
	uint8_t what;            /* enum ld_hchange */
	uint8_t state_a, state_b;/* enum ld_chunk_state, where they apply */
	int arena;               /* index in b (in a for ARENA_GONE), -1 mmapped */
	uint64_t addr, size;     /* the chunk (b's, or a's when it is gone) */
	uint64_t addr2, size2;   /* the other side: origin, destination, old top */
	size_t count;            /* SPLIT, CONSOLIDATED: how many chunks */
};

struct ld_heap_sums {
	uint64_t in_use, free, top, mmapped;
	size_t n_in_use, n_free;
};

struct ld_heap_diff {
	struct ld_heap_change *v;
	size_t n, cap;
	struct ld_heap_sums a, b;
};

/* Compare two snapshots' heaps (either may be NULL: no lines).  0 or
 * -ENOMEM. */
int ld_heap_diff(const struct ld_snap_heap *a, const struct ld_snap_heap *b,
		 struct ld_heap_diff *out);
void ld_heap_diff_release(struct ld_heap_diff *d);
void ld_heap_sums(const struct ld_snap_heap *h, struct ld_heap_sums *s);

/* ---- words (printed by present/heaptext.c and present/heapjson.c) ---- */

/* Where a chunk of state st and size is: "tcache[15]", "unsorted", "top",
 * "in use". */
const char *ld_heap_where(unsigned st, uint64_t size, char *buf, size_t len);
/* The line of one change, without the sign and colour: "alloc 0x... 0x...
 * (272 B) (from unsorted)". */
void ld_heap_change_text(const struct ld_heap_change *c, char *buf, size_t len);
/* A walked chunk's state: "tcache[15]", "in use", "top", "unsorted, last
 * remainder", ... */
const char *ld_chunk_describe(const struct ld_chunk *c, char *buf, size_t len);

#endif
