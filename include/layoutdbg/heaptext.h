/* The chunk-level heap diff as text (diff, diff --heap-only). */
#ifndef LAYOUTDBG_HEAPTEXT_H
#define LAYOUTDBG_HEAPTEXT_H

#include <stdio.h>

#include "layoutdbg/heapsnap.h"

/* Each change on a line of its own ("+ alloc ...", "- free ...", "~ moved
 * ..."), coloured, under a "heap: arena N" line per arena, then the
 * totals line. */
void ld_render_heap_diff(FILE *f, const struct ld_heap_diff *d);

#endif
