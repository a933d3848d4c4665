/* Where glibc malloc's state is in a live process: main_arena and mp_
 * from symbols (the C library's own .symtab, or its separate debug file
 * found by build ID under the debug directory), else by the heuristics
 * of heap.c over the C library's writable data.  And whether malloc is
 * glibc's at all. */
#ifndef LAYOUTDBG_HEAPSRC_H
#define LAYOUTDBG_HEAPSRC_H

#include <limits.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/session.h"

enum ld_heap_from { LD_HEAP_FROM_SYMBOLS, LD_HEAP_FROM_DEBUG_FILE,
		    LD_HEAP_FROM_HEURISTICS };

struct ld_heap_source {
	enum ld_heap_from from;
	char debug_file[PATH_MAX];   /* LD_HEAP_FROM_DEBUG_FILE */
	char glibc[16];              /* "2.36", "" when unknown */
	int glibc_minor;             /* 36, 0 when unknown */
	uint64_t main_arena, mp;     /* mp 0 when not found */
	struct ld_obj *libc;         /* the object holding them */
	char other[256];             /* not "": malloc comes from this object,
					not from the C library */
};

/* "symbols", "debug symbols", "heuristics" */
const char *ld_heap_from_name(enum ld_heap_from f);

/* Locate the state.  0; 1 when malloc is not glibc's (src->other says
 * whose, or is "" when no glibc state was found); -1 after printing an
 * error (nothing printed when quiet). */
int ld_heap_locate(struct ld_session *s, struct ld_heap_source *src, bool quiet);

/* `set debug-file-directory` (layoutdbg/debugsrc.h holds the directory):
 * forgets the state located through the old one. */
void ld_heap_set_debug_dir(const char *dir);

#endif
