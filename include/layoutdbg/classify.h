/* The one mapping classifier: what each mapping of a process is (a
 * segment of a loaded object, its .bss tail, the heap, a thread's stack,
 * its guard page, its TLS block, a malloc arena's heap...), from the
 * mappings, the loaded objects, the threads' registers and, when one was
 * made, the heap walk.  A pure function of those (no ptrace, no output);
 * ld_session_classify (session.h) gathers them from a session. */
#ifndef LAYOUTDBG_CLASSIFY_H
#define LAYOUTDBG_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "layoutdbg/heap.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/objs.h"

/* What the kernel's name of a mapping says on its own. */
enum ld_map_name {
	LD_MN_FILE,		/* a path: a file mapping */
	LD_MN_ANON,		/* no name */
	LD_MN_ANON_NAMED,	/* "[anon:NAME]" (PR_SET_VMA_ANON_NAME) */
	LD_MN_HEAP,		/* "[heap]" */
	LD_MN_STACK,		/* "[stack]": the leader's */
	LD_MN_THREAD_STACK,	/* "[stack:TID]" (kernels before 4.5) */
	LD_MN_VDSO,		/* "[vdso]" */
	LD_MN_VVAR,		/* "[vvar]", "[vvar_vclock]" */
	LD_MN_VSYSCALL,		/* "[vsyscall]" */
	LD_MN_OTHER,		/* another "[...]" of the kernel's ("[uprobes]") */
	LD_MN_UNKNOWN,		/* other text ("anon_inode:[perf_event]") */
};
enum ld_map_name ld_map_name_of(const struct ld_map *mp);

/* What the kernel's name of a file mapping says it is (mm/shmem.c,
 * ipc/shm.c, mm/memfd.c name these files; d_path adds " (deleted)"). */
enum ld_file_kind {
	LD_FK_PLAIN,		/* a file on a file system */
	LD_FK_DEVZERO,		/* "/dev/zero (deleted)": a shared /dev/zero mapping */
	LD_FK_MEMFD,		/* "/memfd:NAME (deleted)" */
	LD_FK_SHM,		/* "/SYSV%08x (deleted)": a SysV shm segment */
	LD_FK_DELETED,		/* another file, unlinked since it was mapped */
};
enum ld_file_kind ld_file_kind_of(const struct ld_map *mp);

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

/* A stopped thread as the classifier sees it. */
struct ld_class_thread {
	pid_t tid;
	int num;		/* gdb's thread number */
	uint64_t sp, fs_base;
};

struct ld_classify_in {
	const struct ld_maps *maps;
	struct ld_objs *objs;		/* NULL: no object is known */
	const struct ld_class_thread *threads;
	size_t nthreads;
	pid_t leader;			/* its stack is [stack], not a thread's */
	const struct ld_heap *heap;	/* the walk of this stop, or NULL */
};

/* Classify every mapping of in->maps into out (in->maps->n entries).
 * Arena heaps and mmapped chunks are told from anonymous memory only
 * with a heap walk. */
void ld_classify_regions(const struct ld_classify_in *in, struct ld_region *out);

struct ld_snapshot;
/* Classify a snapshot's mappings into out (snap->maps.n entries) from what
 * it kept: the threads' registers (stacks, guards, TLS) and the sections
 * per mapping.  No objects: a file mapping is LD_RK_SEGMENT (obj NULL,
 * segment -1) when some mapping of its path held sections, LD_RK_FILE
 * when none did; a loaded snapshot (no sections kept) calls every file
 * mapping a segment, as its name is all that is known. */
void ld_classify_snapshot(const struct ld_snapshot *snap, struct ld_region *out);

/* The PT_LOAD (program header index) of ob whose file pages mp maps, or
 * -1. */
int ld_classify_segment_of(struct ld_obj *ob, const struct ld_map *mp);
/* The PT_LOAD of ob whose memsz reaches into the anonymous mapping mp
 * (its zero-filled .bss tail), or -1. */
int ld_classify_bss_of(struct ld_obj *ob, const struct ld_map *mp);
/* Is mp a mapping of ob's file (same inode and path)? */
bool ld_classify_maps_obj(const struct ld_obj *ob, const struct ld_map *mp);

/* Sections (allocated) of ob overlapping [lo, hi) at runtime, as a
 * space-separated list in buf. */
const char *ld_sections_in(struct ld_obj *ob, uint64_t lo, uint64_t hi,
			   char *buf, size_t len);

#endif
