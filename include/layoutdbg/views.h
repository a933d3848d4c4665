/* The layout seen through the ELF objects: mapping classification (vmmap),
 * sections and segments at their runtime addresses, xinfo, the layout
 * diagram.  Computed from the session's maps and objects; printing is
 * text on stdout. */
#ifndef LAYOUTDBG_VIEWS_H
#define LAYOUTDBG_VIEWS_H

#include "layoutdbg/session.h"

enum ld_region_kind {
	LD_RK_SEGMENT,      /* file mapping of a loaded ELF object */
	LD_RK_BSS,          /* anonymous tail of an object's last PT_LOAD */
	LD_RK_HEAP,
	LD_RK_STACK,        /* the main thread's [stack] */
	LD_RK_THREAD_STACK, /* another thread's stack */
	LD_RK_GUARD,        /* ---p page below a thread stack */
	LD_RK_TLS,          /* anonymous mapping holding a thread's TCB (fs_base) */
	LD_RK_ANON,
	LD_RK_VDSO, LD_RK_VVAR, LD_RK_VSYSCALL,
	LD_RK_FILE,         /* a file that is not a loaded object */
	LD_RK_ARENA_HEAP,   /* a thread arena's heap (heap_info region) */
	LD_RK_MMAPPED,      /* chunks malloc served by mmap */
};

struct ld_region {
	enum ld_region_kind kind;
	struct ld_obj *obj;        /* SEGMENT, BSS */
	int segment;               /* program header index of the PT_LOAD, -1 */
	int thread_num;            /* THREAD_STACK, GUARD, TLS, STACK */
	pid_t tid;
	int arena;                 /* ARENA_HEAP: its index in `heap` */
	uint64_t chunk;            /* ARENA_HEAP: heap_info; MMAPPED: first chunk */
	size_t nchunks;            /* MMAPPED: chunks in the mapping */
};

/* Classify every mapping of m; out has m->n entries.  Arena heaps and
 * mmapped chunks are told from anonymous memory only when the heap was
 * walked at this stop already (ld_heap_cached).  0 or -ENOMEM. */
int ld_classify(struct ld_session *s, const struct ld_maps *m,
		struct ld_region *out);

/* Sections (allocated) of ob overlapping [lo, hi) at runtime, as a
 * space-separated list in buf. */
const char *ld_sections_in(struct ld_obj *ob, uint64_t lo, uint64_t hi,
			   char *buf, size_t len);

int ld_cmd_vmmap(struct ld_session *s, char *args);
int ld_cmd_info_sections(struct ld_session *s, char *args);
int ld_cmd_info_segments(struct ld_session *s, char *args);
int ld_cmd_xinfo(struct ld_session *s, char *args);
int ld_cmd_info_symbol(struct ld_session *s, char *args);
int ld_cmd_layout(struct ld_session *s, char *args);

#endif
