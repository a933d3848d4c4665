/* The heap walker over a synthetic heap image (no process): a main_arena
 * in a fake libc data block and a heap laid out as glibc 2.36 lays it
 * out, then damaged in known ways. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/heap.h"
#include "tap.h"

#define DATA  0x7ffff7f00000ULL   /* fake libc .data */
#define ARENA (DATA + 0x1c60)
#define MP    (DATA + 0x1340)
#define HEAP  0x555555559000ULL
#define HLEN  0x21000

static uint8_t data[0x4000], heap[HLEN];

static int rd(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr >= DATA && addr - DATA <= sizeof data && len <= sizeof data - (addr - DATA)) {
		memcpy(buf, data + (addr - DATA), len);
		return 0;
	}
	if (addr >= HEAP && addr - HEAP <= HLEN && len <= HLEN - (addr - HEAP)) {
		memcpy(buf, heap + (addr - HEAP), len);
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
	mv[0] = (struct ld_map){ .start = HEAP, .end = HEAP + HLEN, .perms = "rw-p", .path = (char *)"[heap]" };
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
	run("heuristics find main_arena and mp_", test_find);
	run("bin indexes as glibc's macros", test_bin_index);
	return tap_done();
}
