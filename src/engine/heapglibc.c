/* What glibc's malloc layout says without reading the heap: chunk states
 * and sizes, the bin a size falls in, where mp_'s fields sit, and how to
 * find main_arena and mp_ in libc's data when there are no symbols. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/heapmem.h"
#include "heap_int.h"

/* ---- names and sizes ---------------------------------------------------- */

const char *ld_chunk_state_name(enum ld_chunk_state st)
{
	static const char *const names[LD_CH_NSTATES] = {
		[LD_CH_INUSE] = "in use", [LD_CH_TCACHE] = "tcache",
		[LD_CH_FAST] = "fastbin", [LD_CH_UNSORTED] = "unsorted",
		[LD_CH_SMALL] = "small bin", [LD_CH_LARGE] = "large bin",
		[LD_CH_TOP] = "top", [LD_CH_FREE] = "free (no bin)",
		[LD_CH_FENCE] = "fencepost", [LD_CH_MMAPPED] = "mmapped",
	};

	return (unsigned)st < LD_CH_NSTATES ? names[st] : "?";
}

bool ld_chunk_state_free(enum ld_chunk_state st)
{
	return st == LD_CH_FAST || st == LD_CH_UNSORTED || st == LD_CH_SMALL ||
	       st == LD_CH_LARGE || st == LD_CH_TOP;
}

uint64_t ld_chunk_usable(const struct ld_chunk *c)
{
	/* malloc_usable_size: the next chunk's prev_size field is ours while
	 * we are in use; an mmapped chunk has no next chunk. */
	if (c->size < 16)
		return 0;
	return c->size - (c->flags & LD_IS_MMAPPED ? 16 : 8);
}

unsigned ld_tcache_index(uint64_t size)
{
	return size < 0x20 ? 0 : (unsigned)((size - 0x11) / 16);
}

unsigned ld_fastbin_index(uint64_t size)
{
	return (unsigned)(size >> 4) - 2;
}

/* smallbin_index / largebin_index_64 of malloc.c */
unsigned ld_bin_index(uint64_t sz)
{
	if (sz < 0x400)
		return (unsigned)(sz >> 4);
	if ((sz >> 6) <= 48)
		return 48 + (unsigned)(sz >> 6);
	if ((sz >> 9) <= 20)
		return 91 + (unsigned)(sz >> 9);
	if ((sz >> 12) <= 10)
		return 110 + (unsigned)(sz >> 12);
	if ((sz >> 15) <= 4)
		return 119 + (unsigned)(sz >> 15);
	if ((sz >> 18) <= 2)
		return 124 + (unsigned)(sz >> 18);
	return 126;
}


/* Where sbrk_base sits in mp_: 96 from glibc 2.35 (thp_pagesize,
 * hp_pagesize, hp_flags came first), 72 before.  n_mmaps_max (65536
 * unless M_MMAP_MAX changed it) is 32 bytes before it from 2.35, 28
 * before: it tells the layout when the version is unknown. */
uint64_t ld_heap_sbrk_base_offset(const uint8_t *sbrk_base_field, int minor)
{
	if (minor)
		return minor >= 35 ? 96 : 72;
	return *(const uint32_t *)(sbrk_base_field - 28) == 65536 ? 72 : 96;
}

/* ---- finding main_arena and mp_ without symbols ----------------------- */

static bool plausible_arena(const uint8_t *st, uint64_t addr)
{
	uint64_t top = WORD(st, OFF_TOP), att = WORD(st, OFF_ATTACHED);

	if (att > 100000 || (top & 15) || WORD(st, OFF_SYSTEM) > (1ULL << 44))
		return false;
	if (!top)        /* not initialised yet: everything else is zero */
		return !WORD(st, OFF_BINS) && !WORD(st, OFF_SYSTEM);
	/* an empty bin points to itself (bin_at(i) = &bins[2i-2] - 16) */
	for (unsigned i = 1; i < NBINS - 1; i++) {
		uint64_t fd = WORD(st, OFF_BINS + 16 * (i - 1));
		uint64_t bk = WORD(st, OFF_BINS + 16 * (i - 1) + 8);
		uint64_t head = addr + OFF_BINS + 16 * (i - 1) - 16;

		if (!fd || !bk || (fd & 15) || (bk & 15) || ((fd == head) != (bk == head)))
			return false;
	}
	return true;
}

/* Is there a main_arena at buf + off (address a, libc data [lo, hi))? */
static bool arena_here(ld_heap_read_fn read, void *ctx, const uint8_t *buf,
		       uint64_t a, uint64_t lo, uint64_t hi)
{
	uint64_t next = WORD(buf, OFF_NEXT), st[ARENA_SIZE / 8];
	unsigned hops = 0;

	if (next == a)
		return plausible_arena(buf, a);
	/* several arenas: next leaves libc's data and comes back */
	if (!next || next & 7 || (next >= lo && next < hi) ||
	    !WORD(buf, OFF_TOP) || !plausible_arena(buf, a))
		return false;
	while (next != a && hops++ < MAX_ARENAS && !(next & 7) &&
	       !read(ctx, next, st, sizeof st))
		next = st[OFF_NEXT / 8];
	return next == a;
}

/* Read [lo, hi) of the program (at most 64 MiB).  NULL and *err. */
static uint8_t *read_range(ld_heap_read_fn read, void *ctx, uint64_t lo,
			   uint64_t hi, int *err)
{
	uint8_t *buf;

	*err = -EINVAL;
	if (hi <= lo || hi - lo > (64ULL << 20))
		return NULL;
	*err = -ENOMEM;
	buf = malloc(hi - lo);
	if (!buf)
		return NULL;
	*err = read(ctx, lo, buf, hi - lo);
	if (*err) {
		free(buf);
		return NULL;
	}
	return buf;
}

int ld_heap_find_main_arena(ld_heap_read_fn read, void *ctx, uint64_t lo,
			    uint64_t hi, uint64_t *addr)
{
	int err;
	uint8_t *buf = read_range(read, ctx, lo, hi, &err);

	if (!buf)
		return err;
	err = -ENOENT;
	for (uint64_t off = 0; off + ARENA_SIZE <= hi - lo; off += 8)
		if (WORD(buf, off + OFF_NEXT) &&
		    arena_here(read, ctx, buf + off, lo + off, lo, hi)) {
			*addr = lo + off;
			err = 0;
			break;
		}
	free(buf);
	return err;
}

int ld_heap_find_mp(ld_heap_read_fn read, void *ctx, uint64_t lo, uint64_t hi,
		    uint64_t sbrk_base, uint64_t *addr)
{
	int err;
	uint8_t *buf = read_range(read, ctx, lo, hi, &err);

	if (!buf)
		return err;
	err = -ENOENT;
	for (uint64_t off = 96; sbrk_base && off + 40 <= hi - lo; off += 8) {
		uint64_t bins = WORD(buf, off + 8), maxb = WORD(buf, off + 16);
		uint64_t count = WORD(buf, off + 24);

		/* sbrk_base, then tcache_bins, tcache_max_bytes, tcache_count
		 * (defaults 64, 1032, 7) */
		if (WORD(buf, off) != sbrk_base || !bins || bins > 64 ||
		    maxb != (bins - 1) * 16 + 24 || count > 65535)
			continue;
		*addr = lo + off - ld_heap_sbrk_base_offset(buf + off, 0);
		err = 0;
		break;
	}
	free(buf);
	return err;
}
