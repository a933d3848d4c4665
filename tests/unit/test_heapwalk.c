/* The heap walker over a synthetic heap image (no process): a main_arena
 * in a fake libc data block and a heap laid out as glibc 2.36 lays it
 * out, then damaged in known ways; and a heap of 2 MiB, larger than the
 * pieces the walk reads it in, with thousands of chunks in fastbins. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/heapmem.h"
#include "tap.h"

#define DATA  0x7ffff7f00000ULL   /* fake libc .data */
#define ARENA (DATA + 0x1c60)
#define MP    (DATA + 0x1340)
#define HEAP  0x555555559000ULL
#define HLEN  0x21000

#define BIGLEN 0x200000

static uint8_t data[0x4000], heap[HLEN], big[BIGLEN];
static uint8_t *image = heap;           /* the heap rd serves: heap or big */
static uint64_t image_len = HLEN;
static uint64_t unreadable = ~0ULL;     /* rd fails from there on */

static int rd(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr >= DATA && addr - DATA <= sizeof data && len <= sizeof data - (addr - DATA)) {
		memcpy(buf, data + (addr - DATA), len);
		return 0;
	}
	if (addr >= HEAP && addr - HEAP <= image_len && len <= image_len - (addr - HEAP)) {
		if (len && addr + len > unreadable)
			return -EIO;
		memcpy(buf, image + (addr - HEAP), len);
		return 0;
	}
	return -EFAULT;
}

static void put(uint8_t *base, uint64_t origin, uint64_t addr, uint64_t v)
{
	memcpy(base + (addr - origin), &v, 8);
}
#define A(addr, v) put(data, DATA, addr, v)
#define H(addr, v) put(heap, HEAP, addr, v)

static uint64_t bin_head(unsigned i)
{
	return ARENA + 112 + 16 * (i - 1) - 16;
}

/* tcache struct 0x290 | X in use 0x110 | Y tcache[15] 0x110 | Z fastbin[1]
 * 0x30 | U unsorted 0x110 | G in use 0x20 | top */
enum { X = 0x290, Y = 0x3a0, Z = 0x4b0, U = 0x4e0, G = 0x5f0, TOP = 0x610 };

static void build(void)
{
	image = heap;
	image_len = HLEN;
	unreadable = ~0ULL;
	memset(data, 0, sizeof data);
	memset(heap, 0, sizeof heap);
	for (unsigned i = 1; i < 127; i++) {
		A(ARENA + 112 + 16 * (i - 1), bin_head(i));
		A(ARENA + 120 + 16 * (i - 1), bin_head(i));
	}
	A(ARENA + 96, HEAP + TOP);                 /* top */
	A(ARENA + 2160, ARENA);                    /* next */
	A(ARENA + 2176, 1);                        /* attached_threads */
	A(ARENA + 2184, HLEN);                     /* system_mem */
	A(ARENA + 16 + 8, HEAP + Z);               /* fastbinsY[1] */
	A(ARENA + 112, HEAP + U);                  /* unsorted fd, bk */
	A(ARENA + 120, HEAP + U);
	/* mp_ (2.35+ layout): n_mmaps_max 65536 at 64, sbrk_base at 96 */
	put(data, DATA, MP + 64, 65536);
	A(MP + 96, HEAP);
	A(MP + 104, 64);
	A(MP + 112, 1032);
	A(MP + 120, 7);
	H(HEAP + 8, 0x291);
	heap[16 + 15 * 2] = 1;                     /* counts[15] = 1 */
	H(HEAP + 16 + 128 + 8 * 15, HEAP + Y + 16);/* entries[15] */
	H(HEAP + X + 8, 0x111);
	H(HEAP + Y + 8, 0x111);
	H(HEAP + Y + 16, (HEAP + Y + 16) >> 12);   /* next: NULL, safe-linked */
	H(HEAP + Z + 8, 0x31);
	H(HEAP + Z + 16, (HEAP + Z + 16) >> 12);   /* fd: NULL, safe-linked */
	H(HEAP + U + 8, 0x111);
	H(HEAP + U + 16, bin_head(1));
	H(HEAP + U + 24, bin_head(1));
	H(HEAP + G, 0x110);                        /* prev_size of free U */
	H(HEAP + G + 8, 0x20);                     /* PREV_INUSE clear */
	H(HEAP + TOP + 8, (HLEN - TOP) | 1);
}

static struct ld_maps maps;
static struct ld_map mv[2];

static struct ld_heap_params params(void)
{
	mv[0] = (struct ld_map){ .start = HEAP, .end = HEAP + image_len, .perms = "rw-p", .path = (char *)"[heap]" };
	mv[1] = (struct ld_map){ .start = DATA, .end = DATA + sizeof data, .perms = "rw-p", .path = (char *)"/libc.so.6" };
	maps.v = mv;
	maps.n = 2;
	return (struct ld_heap_params){ .read = rd, .main_arena = ARENA, .mp = MP,
					.glibc_minor = 36, .maps = &maps };
}

static const struct ld_chunk *at(const struct ld_heap *h, uint64_t off)
{
	const struct ld_chunk *c = ld_heap_chunk_at(h, HEAP + off, NULL);

	return c && c->addr == HEAP + off ? c : NULL;
}

static bool test_walk(void)
{
	struct ld_heap_params p = params();
	struct ld_heap h;

	build();
	CHECK(ld_heap_walk(&p, &h) == 0);
	CHECK(h.narenas == 1 && h.initialized && !h.arenas[0].error);
	CHECK(h.arenas[0].nchunks == 7);
	CHECK(at(&h, 0)->tcache_struct && at(&h, 0)->state == LD_CH_INUSE);
	CHECK(at(&h, X)->state == LD_CH_INUSE && ld_chunk_usable(at(&h, X)) == 0x108);
	CHECK(at(&h, Y)->state == LD_CH_TCACHE && at(&h, Y)->bin == 15);
	CHECK(at(&h, Z)->state == LD_CH_FAST && at(&h, Z)->bin == 1);
	CHECK(at(&h, U)->state == LD_CH_UNSORTED);
	CHECK(at(&h, G)->state == LD_CH_INUSE && at(&h, G)->flags == 0);
	CHECK(at(&h, TOP)->state == LD_CH_TOP && at(&h, TOP)->size == HLEN - TOP);
	CHECK(h.arenas[0].t.fast == 0x30 && h.arenas[0].t.unsorted == 0x110);
	CHECK(h.arenas[0].t.in_use == HLEN - 0x30 - 0x110 - (HLEN - TOP));
	CHECK(h.mp_valid && h.mp_sbrk_base == HEAP && h.ntcaches == 1);
	ld_heap_release(&h);
	return true;
}

static bool test_smashed_size(void)
{
	struct ld_heap_params p = params();
	struct ld_heap h;

	build();
	H(HEAP + Z + 8, 0x4141414141414141ULL);
	CHECK(ld_heap_walk(&p, &h) == 0);
	CHECK(h.arenas[0].error);
	CHECK(!strcmp(h.arenas[0].error, "chunk at 0x5555555594b0: size "
		      "0x4141414141414141 is not valid (stops the walk)"));
	CHECK(at(&h, Y)->state == LD_CH_TCACHE);   /* what was before it */
	CHECK(at(&h, TOP) && at(&h, TOP)->state == LD_CH_TOP);
	ld_heap_release(&h);
	return true;
}

static bool test_cycles(void)
{
	struct ld_heap_params p = params();
	struct ld_heap h;

	build();
	H(HEAP + U + 16, HEAP + U);                        /* unsorted fd: itself */
	H(HEAP + Z + 16, ((HEAP + Z + 16) >> 12) ^ (HEAP + Z)); /* fastbin: itself */
	CHECK(ld_heap_walk(&p, &h) == 0);
	CHECK(h.arenas[0].nbins == 2);
	CHECK(h.arenas[0].bins[0].error && h.arenas[0].bins[1].error);
	CHECK(strstr(h.arenas[0].bins[0].error, "in two bins"));
	ld_heap_release(&h);
	return true;
}

static bool test_garbage(void)
{
	struct ld_heap_params p = params();
	struct ld_heap h;

	/* random sizes everywhere: any answer, but an answer */
	srand(17);
	for (int round = 0; round < 200; round++) {
		build();
		for (int k = 0; k < 8; k++)
			H(HEAP + 16 * (uint64_t)(rand() % (TOP / 16)),
			  ((uint64_t)rand() << 32) ^ (uint64_t)rand());
		A(ARENA + 16 + 8 * (uint64_t)(rand() % 10), HEAP + 16 * (uint64_t)(rand() % 0x80));
		CHECK(ld_heap_walk(&p, &h) == 0);
		ld_heap_release(&h);
	}
	return true;
}

/* A bin pointing into a chunk, or at an address no chunk can start at:
 * the bin says so, and the chunk keeps its state. */
static bool test_bin_into_chunk(void)
{
	struct ld_heap_params p = params();
	struct ld_heap h;
	uint64_t inside = HEAP + X + 0x20, odd = HEAP + X + 8;

	build();
	A(ARENA + 16 + 8, inside);                 /* fastbinsY[1] */
	A(ARENA + 16 + 16, odd);                   /* fastbinsY[2] */
	CHECK(ld_heap_walk(&p, &h) == 0);
	CHECK(h.arenas[0].nbins == 3);
	CHECK(h.arenas[0].bins[0].error && h.arenas[0].bins[1].error);
	CHECK(!strcmp(h.arenas[0].bins[0].error, "0x5555555592b0 is not a chunk of the heap"));
	CHECK(!strcmp(h.arenas[0].bins[1].error, "0x555555559298 is not a chunk of the heap"));
	CHECK(at(&h, X)->state == LD_CH_INUSE && at(&h, Z)->state == LD_CH_INUSE);
	ld_heap_release(&h);
	return true;
}

/* The big heap: the tcache struct, then chunks of 0x20 to 0x80 bytes, every
 * fifth one freed into its fastbin (chains in address order, safe-
 * linked), then the top; nbig counts the chunks (the top too). */
static size_t nbig, nbig_free;
static uint64_t big_fast_bytes, big_top;

static void build_big(void)
{
	uint64_t p = 0x290, last[7] = { 0 };

	build();
	image = big;
	image_len = BIGLEN;
	memset(big, 0, sizeof big);
	memcpy(big, heap, 0x290);                  /* the tcache struct, empty */
	memset(big + 16, 0, 0x280);
	A(ARENA + 16 + 8, 0);                      /* no fastbin, no unsorted */
	A(ARENA + 112, bin_head(1));
	A(ARENA + 120, bin_head(1));
	A(ARENA + 2184, BIGLEN);
	nbig = 1;
	nbig_free = 0;
	big_fast_bytes = 0;
	while (p < BIGLEN - 0x1000) {
		uint64_t size = 0x20 + 0x10 * (nbig % 7);
		unsigned fb = (unsigned)(size >> 4) - 2;

		put(big, HEAP, HEAP + p + 8, size | 1);
		if (nbig % 5 == 0) {
			/* freed: the last one freed comes first in the bin */
			put(big, HEAP, HEAP + p + 16, last[fb] ^ ((HEAP + p + 16) >> 12));
			last[fb] = HEAP + p;
			nbig_free++;
			big_fast_bytes += size;
		}
		p += size;
		nbig++;
	}
	for (unsigned i = 0; i < 7; i++)
		A(ARENA + 16 + 8 * i, last[i]);
	big_top = HEAP + p;
	put(big, HEAP, big_top + 8, (BIGLEN - p) | 1);
	A(ARENA + 96, big_top);
	nbig++;
}

static bool same_chunks(const struct ld_heap *a, const struct ld_heap *b)
{
	const struct ld_arena *x = &a->arenas[0], *y = &b->arenas[0];

	return x->nchunks == y->nchunks &&
	       !memcmp(x->chunks, y->chunks, x->nchunks * sizeof *x->chunks) &&
	       !memcmp(&x->t, &y->t, sizeof x->t);
}

/* Every chunk of a heap read in several pieces, every fastbin chunk found
 * (through the chunk index), the totals; the same again on a second walk
 * (into the buffers the first one kept), after the small heap and after
 * the buffers were given back. */
static bool test_big_heap(void)
{
	struct ld_heap_params p;
	struct ld_heap h, again;
	const struct ld_arena *a;
	uint64_t q = 0x290;

	build_big();
	p = params();
	CHECK(ld_heap_walk(&p, &h) == 0);
	a = &h.arenas[0];
	CHECK(!a->error && a->nchunks == nbig && a->nbins == 7);
	for (size_t i = 1; i + 1 < a->nchunks; i++) {
		const struct ld_chunk *c = &a->chunks[i];

		CHECK(c->addr == HEAP + q && c->size == 0x20 + 0x10 * (i % 7));
		CHECK(c->state == (i % 5 ? LD_CH_INUSE : LD_CH_FAST));
		CHECK(i % 5 || c->bin == ld_fastbin_index(c->size));
		q += c->size;
	}
	CHECK(a->chunks[a->nchunks - 1].addr == big_top);
	CHECK(a->chunks[a->nchunks - 1].state == LD_CH_TOP);
	CHECK(a->t.n_fast == nbig_free && a->t.fast == big_fast_bytes);
	CHECK(a->t.n_in_use == nbig - 1 - nbig_free && a->t.top == BIGLEN - (big_top - HEAP));
	CHECK(a->t.in_use == BIGLEN - big_fast_bytes - a->t.top);
	CHECK(ld_heap_walk(&p, &again) == 0 && same_chunks(&h, &again));
	ld_heap_release(&again);
	build();
	p = params();
	CHECK(ld_heap_walk(&p, &again) == 0 && again.arenas[0].nchunks == 7);
	CHECK(at(&again, Y)->state == LD_CH_TCACHE && at(&again, Z)->state == LD_CH_FAST);
	ld_heap_release(&again);
	ld_heap_drop_buffers();
	build_big();
	p = params();
	CHECK(ld_heap_walk(&p, &again) == 0 && same_chunks(&h, &again));
	ld_heap_release(&again);
	ld_heap_release(&h);
	return true;
}

/* A heap that cannot be read past its first piece: as when none of it
 * can be read (the message, no chunk but the top from the arena). */
static bool test_big_unreadable(void)
{
	struct ld_heap_params p;
	struct ld_heap h;
	char want[128];

	build_big();
	unreadable = HEAP + 0x90000;
	p = params();
	CHECK(ld_heap_walk(&p, &h) == 0);
	/* the top's size is past the readable part too: the heap ends at
	 * the top chunk */
	snprintf(want, sizeof want, "heap 0x555555559000-0x%llx: cannot read it "
		 "(Input/output error)", (unsigned long long)big_top);
	CHECK(h.arenas[0].error && !strcmp(h.arenas[0].error, want));
	CHECK(h.arenas[0].nchunks == 1 && h.arenas[0].chunks[0].addr == big_top);
	CHECK(h.arenas[0].t.n_in_use == 0 && h.arenas[0].t.n_fast == 0);
	ld_heap_release(&h);
	unreadable = ~0ULL;
	return true;
}

static bool test_find(void)
{
	uint64_t a = 0, m = 0;

	build();
	CHECK(ld_heap_find_main_arena(rd, NULL, DATA, DATA + sizeof data, &a) == 0);
	CHECK(a == ARENA);
	CHECK(ld_heap_find_mp(rd, NULL, DATA, DATA + sizeof data, HEAP, &m) == 0);
	CHECK(m == MP);
	A(ARENA + 2160, 0);   /* no arena any more */
	CHECK(ld_heap_find_main_arena(rd, NULL, DATA, DATA + sizeof data, &a) == -ENOENT);
	return true;
}

static bool test_bin_index(void)
{
	CHECK(ld_bin_index(0x220) == 34 && ld_bin_index(0x510) == 68);
	CHECK(ld_tcache_index(0x110) == 15 && ld_fastbin_index(0x30) == 1);
	return true;
}

int main(void)
{
	run("walk: every state of a synthetic heap", test_walk);
	run("smashed size: the message, and the rest", test_smashed_size);
	run("cycles in a fastbin and the unsorted bin are cut", test_cycles);
	run("random damage: always an answer", test_garbage);
	run("a bin pointing into a chunk or at an odd address", test_bin_into_chunk);
	run("a heap read in pieces: every chunk, every fastbin chunk, kept buffers", test_big_heap);
	run("a heap unreadable past its first piece: no chunk of it", test_big_unreadable);
	run("heuristics find main_arena and mp_", test_find);
	run("bin indexes as glibc's macros", test_bin_index);
	return tap_done();
}
