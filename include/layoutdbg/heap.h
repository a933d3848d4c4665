/* glibc malloc's heap: arenas, chunks and bins, walked over a memory
 * reader (no ptrace here: tests feed it a heap image).  Layouts are those
 * of glibc 2.27-2.40 on x86-64 (malloc/malloc.c, malloc/arena.c):
 *
 *   struct malloc_state (2200 bytes): mutex 0, flags 4, have_fastchunks 8,
 *     fastbinsY[10] 16, top 96, last_remainder 104, bins[254] 112,
 *     binmap[4] 2144, next 2160, next_free 2168, attached_threads 2176,
 *     system_mem 2184, max_system_mem 2192.
 *   A chunk: prev_size 0, size 8 (low bits PREV_INUSE 1, IS_MMAPPED 2,
 *     NON_MAIN_ARENA 4), fd 16, bk 24; user memory at +16.
 *   A thread arena's malloc_state follows the heap_info at the start of
 *     its heap, which is aligned to HEAP_MAX_SIZE (64 MiB); heap_info:
 *     ar_ptr 0, prev 8, size 16, mprotect_size 24.
 *   tcache_perthread_struct: uint16_t counts[64] then entries[64] (glibc
 *     >= 2.30; before: uint8_t counts), a chunk of 0x290 (0x250) bytes.
 *   Safe-linking (glibc >= 2.32): the fd of a fastbin or tcache chunk
 *     holds next ^ (address of the fd field >> 12).
 */
#ifndef LAYOUTDBG_HEAP_H
#define LAYOUTDBG_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/maps.h"

/* Reads len bytes at addr of the program; 0 or -errno. */
typedef int (*ld_heap_read_fn)(void *ctx, uint64_t addr, void *buf,
			       size_t len);

#define LD_PREV_INUSE      0x1
#define LD_IS_MMAPPED      0x2
#define LD_NON_MAIN_ARENA  0x4

enum ld_chunk_state {
	LD_CH_INUSE,
	LD_CH_TCACHE,      /* free, cached in a tcache bin */
	LD_CH_FAST,        /* free in a fastbin */
	LD_CH_UNSORTED,
	LD_CH_SMALL,
	LD_CH_LARGE,
	LD_CH_TOP,
	LD_CH_FREE,        /* free by its neighbour's PREV_INUSE, in no bin */
	LD_CH_FENCE,       /* fencepost at the end of a thread arena heap */
	LD_CH_MMAPPED,     /* in use, its own mapping */
	LD_CH_NSTATES
};

/* "in use", "tcache", "fastbin", "unsorted", "small bin", ... */
const char *ld_chunk_state_name(enum ld_chunk_state st);
/* Free bytes that glibc counts as free (fastbin, bins, top). */
bool ld_chunk_state_free(enum ld_chunk_state st);

struct ld_chunk {
	uint64_t addr;          /* the chunk (its prev_size field) */
	uint64_t size;          /* chunksize: flags cleared */
	uint8_t flags;          /* the size field's low three bits */
	uint8_t state;          /* enum ld_chunk_state */
	bool last_remainder;    /* av->last_remainder */
	bool tcache_struct;     /* a thread's tcache_perthread_struct */
	uint16_t bin;           /* tcache / fastbin / bin index */
};

/* The user pointer and malloc_usable_size of an in-use chunk. */
static inline uint64_t ld_chunk_mem(const struct ld_chunk *c)
{
	return c->addr + 16;
}
uint64_t ld_chunk_usable(const struct ld_chunk *c);

/* The bin a free chunk of that size goes to (glibc's index macros). */
unsigned ld_tcache_index(uint64_t size);       /* (size - 0x11) / 16 */
unsigned ld_fastbin_index(uint64_t size);      /* (size >> 4) - 2 */
unsigned ld_bin_index(uint64_t size);          /* small or large bin */

/* One heap of an arena: the sbrk heap of the main arena, or one
 * heap_info region of a thread arena. */
struct ld_heap_region {
	uint64_t info;          /* heap_info address; 0 for the main arena */
	uint64_t start, end;    /* where chunks lie */
	uint64_t reserved_end;  /* info + HEAP_MAX_SIZE (thread arenas) */
};

/* A bin's chain as walked from its head. */
struct ld_bin {
	uint8_t kind;           /* LD_CH_TCACHE, _FAST, _UNSORTED, _SMALL, _LARGE */
	uint16_t index;
	uint16_t count;         /* tcache: the counts[] entry */
	uint64_t *chunks;       /* chunk addresses, fd order */
	size_t n;
	char *error;            /* why the chain was cut, or NULL */
};

struct ld_tcache {
	uint64_t chunk;         /* the tcache_perthread_struct's chunk */
	int arena;              /* index into ld_heap.arenas */
	struct ld_bin *bins;    /* the non-empty ones */
	size_t nbins;
};

struct ld_heap_totals {
	uint64_t system;        /* av->system_mem */
	uint64_t in_use;        /* system - fast - rest - top (mallinfo) */
	uint64_t in_use_chunks, n_in_use;     /* the in-use chunks walked */
	uint64_t fast, n_fast;
	uint64_t rest, n_rest;  /* unsorted + small + large */
	uint64_t unsorted, n_unsorted, small, n_small, large, n_large;
	uint64_t tcache, n_tcache;            /* (counted in use by glibc) */
	uint64_t top;
};

struct ld_arena {
	uint64_t addr;          /* the malloc_state */
	bool main;
	uint64_t top, top_size, last_remainder;
	uint64_t system_mem, max_system_mem;
	uint32_t flags;
	struct ld_heap_region *heaps;   /* address order */
	size_t nheaps;
	struct ld_chunk *chunks;        /* address order, every heap */
	size_t nchunks;
	struct ld_bin *bins;            /* non-empty fastbins and bins */
	size_t nbins;
	struct ld_heap_totals t;
	char *error;            /* the first problem ("chunk at ...") */
};

struct ld_heap {
	struct ld_arena *arenas;        /* main arena first, then `next` order */
	size_t narenas;
	struct ld_tcache *tcaches;
	size_t ntcaches;
	struct ld_chunk *mmapped;       /* chunks served by mmap */
	size_t nmmapped;
	uint64_t mmapped_bytes;
	bool mp_valid;                  /* mp_ was read: n_mmaps, mmapped_mem */
	int mp_n_mmaps;
	uint64_t mp_mmapped_mem, mp_sbrk_base;
	bool initialized;               /* main_arena was set up (malloc ran) */
	char *error;                    /* arena list problem, or NULL */
};

struct ld_heap_params {
	ld_heap_read_fn read;
	void *ctx;
	uint64_t main_arena;    /* address of main_arena */
	uint64_t mp;            /* address of mp_, 0 when unknown */
	int glibc_minor;        /* 36 for 2.36; 0 when unknown (guessed) */
	const struct ld_maps *maps;  /* the mappings: bounds every read and
					finds mmapped chunks; may be NULL */
};

/* Walk the heap.  0, or -ENOMEM / -errno when main_arena cannot be read;
 * a damaged heap is not an error: what was found is in out and each
 * problem in the error fields.  Bounded: never loops on a cycle. */
int ld_heap_walk(const struct ld_heap_params *p, struct ld_heap *out);
void ld_heap_release(struct ld_heap *h);
/* (The walk keeps its buffers for the next one: ld_heap_drop_buffers,
 * heapmem.h, gives them back.) */

/* The chunk of any arena (or mmapped) holding addr, or NULL; *arena gets
 * its arena index (-1: mmapped). */
const struct ld_chunk *ld_heap_chunk_at(const struct ld_heap *h, uint64_t addr,
					int *arena);

/* Totals over all arenas. */
void ld_heap_sum(const struct ld_heap *h, struct ld_heap_totals *t);

/* Heuristics for a libc without symbols: main_arena is the 8-aligned
 * malloc_state in [lo, hi) (libc's writable data) whose `next` chain comes
 * back to itself, whose attached_threads is small and whose empty bins
 * point to themselves.  0 and *addr, or -ENOENT. */
int ld_heap_find_main_arena(ld_heap_read_fn read, void *ctx, uint64_t lo,
			    uint64_t hi, uint64_t *addr);
/* mp_: the malloc_par in [lo, hi) whose sbrk_base is sbrk_base and whose
 * tcache fields that follow hold plausible values (tcache_bins <= 64,
 * tcache_count <= 65535).  0 and *addr, or -ENOENT. */
int ld_heap_find_mp(ld_heap_read_fn read, void *ctx, uint64_t lo, uint64_t hi,
		    uint64_t sbrk_base, uint64_t *addr);

#endif
