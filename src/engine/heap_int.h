/* Internals of the heap walk shared by heap.c (the walk: memory, chunk
 * runs, arenas, mmapped chunks, totals), heapbins.c (chunk lookups, bins,
 * tcaches) and heapglibc.c (glibc's layout: bin indexes, main_arena and
 * mp_ found without symbols).  Callers use layoutdbg/heap.h. */
#ifndef LD_HEAP_INT_H
#define LD_HEAP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/heapmem.h"

/* Offsets in glibc's struct malloc_state (x86-64) and malloc's limits. */
#define ARENA_SIZE      2200
#define OFF_FASTBINS    16
#define OFF_TOP         96
#define OFF_LAST_REM    104
#define OFF_BINS        112
#define OFF_NEXT        2160
#define OFF_ATTACHED    2176
#define OFF_SYSTEM      2184
#define OFF_MAX_SYSTEM  2192
#define NFASTBINS       10
#define NBINS           128
#define HEAP_MAX_SIZE   (64ULL << 20)   /* 2 * 4 MiB * sizeof(long) */
#define MINSIZE         32
#define TCACHE_BINS     64
#define MAX_ARENAS      4096
#define MAX_HEAPS       65536
#define WORD(buf, off)  (*(const uint64_t *)((const char *)(buf) + (off)))

/* ---- the walk's memory: blocks read once, words served from them -------- */

struct block {
	uint64_t lo, hi;
	uint8_t *buf;           /* from ld_hbuf_get */
};

/* Where the chunks of one heap start, so that a bin's chunk is found from
 * its address in constant time (a binary search per free chunk was a
 * third of a walk with 100,000 chunks in the fastbins). */
struct chunk_index {
	struct ld_chunk_index ix;       /* the heap (ld_heap_region) */
	struct ld_arena *a;
	size_t base;            /* index in a->chunks of its first chunk */
};

/* A chunk of the tcache_perthread_struct's size, to look at (arena index,
 * chunk index). */
struct candidate {
	size_t arena, k;
};

struct walk {
	const struct ld_heap_params *p;
	struct ld_heap *h;
	struct block *blocks;
	size_t nblocks;
	struct chunk_index *idx;        /* address order once all are walked */
	size_t nidx;
	struct candidate *cand;         /* chunk order */
	size_t ncand, capcand;
	int safe_linking;       /* 1, 0, or -1: decide per pointer */
	unsigned tcache_chunk;  /* 0x290, or 0x250 before glibc 2.30 */
};

/* Reads through the walk's blocks (heap images kept once read whole),
 * else through the caller's reader; 0 or the reader's error. */
int ld_hw_read_mem(struct walk *w, uint64_t addr, void *buf, size_t len);
int ld_hw_read_word(struct walk *w, uint64_t addr, uint64_t *v);

/* A message for ld_hw_note, malloc'd (NULL when out of memory). */
char *ld_hw_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Keep the first problem of an arena only: later ones follow from it. */
void ld_hw_note(char **slot, char *msg);

/* A chunk in use went into a bin of that kind. */
void ld_hw_count_move(struct ld_arena *a, uint64_t size, unsigned kind);

/* The chunk starting exactly at addr (and in *owner its arena, if owner),
 * or NULL: from the chunk index of the heap holding addr, else by
 * searching outside the heaps indexed (heapbins.c). */
struct ld_chunk *ld_hw_chunk_exact(struct walk *w, uint64_t addr,
				   struct ld_arena **owner);

/* The fastbins and bins of arena a, from st, its malloc_state. */
int ld_hw_arena_bins(struct walk *w, struct ld_arena *a, const uint8_t *st);

/* The chunks of a tcache_perthread_struct's size the walk noted, in
 * arena and address order. */
int ld_hw_find_tcaches(struct walk *w);

/* Where sbrk_base sits in mp_: 96 from glibc 2.35 (thp_pagesize,
 * hp_pagesize, hp_flags came first), 72 before.  n_mmaps_max (65536
 * unless M_MMAP_MAX changed it) is 32 bytes before it from 2.35, 28
 * before: it tells the layout when the version is unknown. */
uint64_t ld_heap_sbrk_base_offset(const uint8_t *sbrk_base_field, int minor);

#endif
