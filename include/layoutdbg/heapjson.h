/* The heap as JSON: the documents of the `heap` commands (layoutdbg(1),
 * JSON OUTPUT), the "heap" of a snapshot file and of `diff --json`. */
#ifndef LAYOUTDBG_HEAPJSON_H
#define LAYOUTDBG_HEAPJSON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/heapsnap.h"
#include "layoutdbg/heapsrc.h"

/* One chunk: {"address", "size", "flags", "state", "description", "bin",
 * "last_remainder", "tcache_struct", "user", "usable"}. */
json_t *ld_json_chunk(const struct ld_chunk *c);
/* `heap` (chunks true) and `heap arenas` (chunks false): the source of the
 * arena information, every arena, the mmapped chunks and the totals. */
json_t *ld_json_heap(const struct ld_heap_source *src, const struct ld_heap *h,
		     const char *cmd, bool chunks);
/* `heap chunk ADDR`: the chunk addr lies in (null when none) and its
 * arena (-1 for mmapped or none). */
json_t *ld_json_heap_chunk(uint64_t addr, const struct ld_chunk *c, int arena);
json_t *ld_json_heap_bins(const struct ld_heap *h);
json_t *ld_json_heap_mmapped(const struct ld_heap *h);
/* {"command": cmd, "glibc": false, "allocator": ...}: the heap is not
 * glibc's. */
json_t *ld_json_not_glibc(const struct ld_heap_source *src, const char *cmd);

/* A snapshot's "heap": {"source", "arenas": [{"address", "main",
 * "chunks": [addr, size|state, ...]}], "mmapped": [...]}; read back by
 * the loader (snapload.c). */
json_t *ld_snap_heap_to_json(const struct ld_snap_heap *h);
/* The chunk-level diff: {"changes": [...], "before": SUMS, "after": SUMS}. */
json_t *ld_heap_diff_to_json(const struct ld_heap_diff *d);

#endif
