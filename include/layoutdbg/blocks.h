/* The layout diagram's model: the mappings grouped into blocks (the
 * program's segments, the heap, the libraries, anonymous memory, the
 * stack ...), with the program break and the resident sizes. */
#ifndef LAYOUTDBG_BLOCKS_H
#define LAYOUTDBG_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/classify.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/smaps.h"

enum ld_block_kind {
	LD_BLK_EXE, LD_BLK_HEAP, LD_BLK_DSO, LD_BLK_ANON, LD_BLK_SPECIAL,
	LD_BLK_STACK, LD_BLK_VSYSCALL,
	LD_BLK_THREAD_STACK,	/* a thread's stack, its guard page, its TLS */
	LD_BLK_TLS,		/* anonymous memory holding a thread's TLS */
	LD_BLK_DEVZERO, LD_BLK_MEMFD, LD_BLK_SHM,	/* see ld_file_kind */
	LD_BLK_DELETED,		/* a file unlinked since it was mapped */
	LD_BLK_FILE,		/* a file that is no loaded object */
};

/* Mappings first..last (indices in the maps), contiguous, of one kind. */
struct ld_block {
	enum ld_block_kind kind;
	size_t first, last;
};

struct ld_layout {
	const struct ld_maps *m;
	struct ld_block *v;
	size_t n;
	bool brk_valid;            /* start_brk and brk are known */
	uint64_t start_brk, brk;
	const struct ld_pages *pg; /* per mapping of m; NULL: not shown */
	const struct ld_region *rg; /* per mapping of m (classify.h); NULL:
				       the names alone decide */
};

/* Group m's mappings into l's blocks (exe: the program's path, NULL when
 * unknown); l->m is m, the other fields are the caller's (l->rg, when
 * set, names thread stacks, guard pages, TLS and files that are no
 * object).  0 or -ENOMEM.  An anonymous mapping right after a library's
 * file mapping is that library's .bss tail and joins it. */
int ld_layout_blocks(const struct ld_maps *m, const char *exe,
		     struct ld_layout *l);
void ld_layout_release(struct ld_layout *l);

/* Resident KiB of b's mappings (0 without l->pg). */
uint64_t ld_block_rss(const struct ld_layout *l, const struct ld_block *b);

#endif
