/* The heap commands shown, as text or (--json) their documents: each
 * function takes the walk the command asked the engine for. */
#ifndef LAYOUTDBG_HEAPVIEW_H
#define LAYOUTDBG_HEAPVIEW_H

#include <stdint.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/heapsrc.h"

/* `heap` and `heap N` (only: the arena to show, -1 for every one; the
 * JSON document always holds every arena). */
int ld_show_heap(const struct ld_heap_source *src, const struct ld_heap *h,
		 long only);
/* `heap chunk ADDR`: c is the chunk addr lies in (NULL: none), arena its
 * arena (-1 for mmapped). */
int ld_show_heap_chunk(uint64_t addr, const struct ld_chunk *c, int arena);
int ld_show_heap_bins(const struct ld_heap *h);
int ld_show_heap_arenas(const struct ld_heap_source *src,
			const struct ld_heap *h);
int ld_show_heap_mmapped(const struct ld_heap *h);
/* Why there is no walk: the heap is not glibc's (src->other says whose)
 * or no malloc state was found; cmd names the command in JSON. */
int ld_show_heap_not_glibc(const struct ld_heap_source *src, const char *cmd);

#endif
