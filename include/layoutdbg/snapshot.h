/* Snapshots of a process's layout and their differences.  Plain data: no
 * ptrace here (capture is ld_session_snapshot), no printing (render.c). */
#ifndef LAYOUTDBG_SNAPSHOT_H
#define LAYOUTDBG_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "layoutdbg/maps.h"
#include "layoutdbg/mem.h"
#include "layoutdbg/smaps.h"

/* One argument as a frame line shows it (gdb's print_frame_args):
 * "name=value", "name=name@entry=value" (compact), or "name=value,
 * name@entry=entry". */
struct ld_frame_arg {
	char *name;
	char *value;            /* as shown: "...", "<optimized out>" too */
	char *entry;            /* the value at entry shown after it, or NULL */
	bool compact;           /* value equals the entry value */
	struct ld_points_to *points_to;  /* a pointer's place (JSON), or NULL */
};

/* The arguments of a frame with DWARF (a frame without has none: "()"). */
struct ld_frame_args {
	bool presence;          /* `set print frame-arguments presence` */
	size_t n;
	struct ld_frame_arg *v;
};
void ld_frame_args_free(struct ld_frame_args *a);

struct ld_snap_frame {
	uint64_t pc, sp, cfa;
	char *func;          /* symbol name, NULL when unknown */
	uint64_t off;        /* pc - symbol */
	char *obj;           /* object path, NULL when none */
	char *file;          /* source file (DWARF), NULL when unknown */
	unsigned line;       /* its line, 0 when unknown */
	bool fp_guess;       /* found by the frame-pointer chain (ld_frame) */
	char *linkage;       /* the function's linkage name where it differs
				from func (C++, Rust), else NULL */
	bool inlined;        /* an inlined copy's frame (gdb's INLINE_FRAME) */
	bool at_call;        /* its callee is inlined into it: line is the
				call site and pc says nothing (gdb shows none) */
	struct ld_frame_args *args;  /* shown frames only; NULL: "()" */
};

struct ld_snap_thread {
	pid_t tid;
	int num;
	ld_regs regs;
	bool regs_valid;
	struct ld_snap_frame *frames;
	size_t nframes;
	/* A deep stack is kept as a window: frames[0..ninner) are levels
	 * 0..ninner-1 (innermost), the rest its outermost levels, up to
	 * depth - 1.  depth 0 (or nframes): every frame is kept. */
	size_t depth;
	size_t ninner;
};

/* The stack's depth, every frame counted, kept or not. */
size_t ld_snap_depth(const struct ld_snap_thread *t);
/* The level (0: innermost) of t->frames[i]. */
size_t ld_snap_level(const struct ld_snap_thread *t, size_t i);
/* True when some of the stack's frames are not kept. */
bool ld_snap_windowed(const struct ld_snap_thread *t);

struct ld_snapshot {
	unsigned id;             /* 1, 2, ...: "%1" */
	char *name;              /* user's name or NULL */
	struct timespec when;    /* CLOCK_REALTIME */
	pid_t pid;
	char *exe;
	char *reason;            /* why the process was stopped */
	bool aslr;               /* the process ran randomized */
	struct ld_maps maps;
	char **sections;         /* per mapping: the allocated ELF sections it
				    holds, space-separated ("" if none); NULL
				    when not captured (a loaded snapshot) */
	uint64_t start_brk, brk; /* program break; brk_valid tells (both 0
				    when it is not valid) */
	bool brk_valid;
	int brk_err;             /* why not valid (errno), 0 if not told */
	struct ld_snap_thread *threads;
	size_t nthreads;
	struct ld_snap_heap *heap;   /* glibc malloc's chunks (heapsnap.h);
					NULL when not captured */
	/* What is in memory (`set snapshot-pages`, resident.c): per mapping,
	 * from smaps; NULL when not recorded (pages_err says why: -errno,
	 * 0 when switched off or loaded from a file without them). */
	struct ld_pages *pages;
	int pages_err;
	/* The state of each page (enum ld_page_state, one byte a page) of
	 * the mappings up to LD_STRIP_MAX_PAGES, in mapping order, from
	 * pagemap; NULL when not recorded (strip_err: -errno or 0). */
	uint8_t *strip;
	size_t nstrip;
	int strip_err;
};

/* Mappings up to this many pages get a page strip in a snapshot. */
#define LD_STRIP_MAX_PAGES 1024

struct ld_snapshots {
	struct ld_snapshot **v;
	size_t n, cap;
	unsigned next_id;
};

void ld_snapshots_init(struct ld_snapshots *ss);
void ld_snapshots_release(struct ld_snapshots *ss);

/* A new, empty snapshot (numbered, added to the list).  NULL on ENOMEM. */
struct ld_snapshot *ld_snapshot_new(struct ld_snapshots *ss, const char *name);
void ld_snapshot_drop(struct ld_snapshots *ss, struct ld_snapshot *snap);
void ld_snapshot_free(struct ld_snapshot *snap);
void ld_snap_thread_release(struct ld_snap_thread *t);
void ld_snap_frame_release(struct ld_snap_frame *f);

/* "%2", "2", "NAME", "%" (the last), "%%" (the one before): NULL if none.
 * Snapshots are %N, never $N: $N is gdb's value history (finish). */
struct ld_snapshot *ld_snapshot_find(struct ld_snapshots *ss, const char *key);

/* "%3" or the name, for messages. */
const char *ld_snapshot_label(const struct ld_snapshot *snap, char *buf,
			      size_t len);
/* What follows "no snapshot KEY" when KEY looks like gdb's value history
 * ("; $N is ..."), else "". */
const char *ld_snapshot_hint(const char *key);

/* Frames of one thread compared from the outermost frame: how many of
 * a's innermost frames were popped and b's pushed.  Where a stack is kept
 * as a window, the frames outside it are not compared: the count of
 * frames whose fate is unknown is `uncertain` (0 when the change lies
 * inside the windows, as it does for fewer pushes and pops than the
 * inner window holds). */
struct ld_frame_change {
	pid_t tid;
	int num;
	size_t common;           /* frames known shared at the bottom */
	size_t uncertain;        /* then frames perhaps shared, perhaps not */
	size_t popped, pushed;   /* at least: depth - common - uncertain of
				    a and of b */
	const struct ld_snap_thread *a, *b;  /* NULL: thread absent */
};

struct ld_snap_diff {
	const struct ld_snapshot *a, *b;
	struct ld_map_diff maps;
	int64_t brk_delta;       /* b->brk - a->brk, when both valid */
	bool brk_valid;
	struct ld_frame_change *threads;
	size_t nthreads;
	bool different_process;  /* other pid: addresses not comparable */
	/* Page counts (both snapshots have them): mappings whose range did
	 * not change but whose pages did, in address order. */
	bool pages;
	struct ld_touched {
		const struct ld_map *before, *after;
	} *touched;
	size_t ntouched;
};

/* The page counts snap keeps for mp (one of its mappings), or NULL. */
const struct ld_pages *ld_snap_pages(const struct ld_snapshot *snap,
				     const struct ld_map *mp);

int ld_snap_diff(const struct ld_snapshot *a, const struct ld_snapshot *b,
		 struct ld_snap_diff *out);   /* 0 or -ENOMEM */
void ld_snap_diff_release(struct ld_snap_diff *d);

/* diff --by-object: mappings keyed by what they are rather than where
 * (object path and offset from the object's first mapping; [heap], [stack]
 * and the other named regions by name; an anonymous mapping by the named
 * mapping before it and its rank after it), so two runs with different
 * bases compare cleanly. */
struct ld_objchange {
	char *key;               /* "libc.so.6 +0x1cf000", "[heap]", ... */
	char kind;               /* '+' added, '-' removed, '~' changed,
				    't' touched: the same, other pages */
	uint64_t size_a, size_b;
	char perms_a[5], perms_b[5];
	uint64_t start_a, start_b;
	/* page counts of each side (into the snapshots), NULL for a side
	 * without the mapping or when the diff has no pages */
	const struct ld_pages *pages_a, *pages_b;
};

struct ld_objdiff {
	struct ld_objchange *v;
	size_t n;
	size_t same;             /* keys present and equal in both (the
				    touched ones too) */
	bool pages;              /* both snapshots recorded page counts */
};

int ld_snap_diff_by_object(const struct ld_snapshot *a,
			   const struct ld_snapshot *b, struct ld_objdiff *out);
void ld_objdiff_release(struct ld_objdiff *d);

#endif
