/* Stack unwinding: our own evaluation of each object's call frame
 * information (rules compiled once per pc), with libunwind-ptrace taking
 * over an unwind the fast path cannot finish.  Both cache until the caller
 * flushes (after a library load or an exec).  Names come from the
 * project's own symbol index (objs), not from unw_get_proc_name. */
#ifndef LAYOUTDBG_UNWIND_H
#define LAYOUTDBG_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ld_frame {
	uint64_t pc;          /* frame 0: rip; others: return address */
	uint64_t sp;          /* the frame's stack pointer */
	uint64_t cfa;         /* canonical frame address (the caller's sp
				 after return); 0 if unknown */
	uint64_t rbp_at;      /* where rbp was saved, 0 if not saved */
	uint64_t rip_at;      /* where the return address is, 0 if unknown */
	bool fp_guess;        /* found by the frame-pointer chain: its callee
				 had no call frame information */
	/* The session's stacks are logical (engine/inlframes.c): a frame
	 * whose pc lies in inlined code is shown as one frame per inlined
	 * copy holding it, innermost first, then its function's, all with
	 * the same registers.  The unwinder leaves these zero. */
	uint16_t inl;         /* which copy (0: the innermost holding the pc)
				 this frame names; their count: the function */
	bool inlined;         /* an inlined copy's frame */
	bool in_frame0;       /* of the innermost real frame: pc is where the
				 thread is, not a return address */
};

struct ld_unwinder;

struct ld_unwinder *ld_unwinder_new(void);
void ld_unwinder_free(struct ld_unwinder *u);   /* NULL is fine */
void ld_unwinder_flush(struct ld_unwinder *u);   /* code mappings changed */

/* Where the call frame information of a runtime address is: the object's
 * libdw CFI (owned by the caller, alive until the next flush) and its
 * load bias.  False when no object holds pc. */
struct ld_cfi;	/* libdw's Dwarf_CFI (elf.h) */
typedef bool (*ld_cfi_lookup_fn)(void *arg, uint64_t pc,
				 struct ld_cfi **cfi, uint64_t *bias);

/* Without a lookup every unwind goes through libunwind. */
void ld_unwinder_set_lookup(struct ld_unwinder *u, ld_cfi_lookup_fn fn,
			    void *arg);

/* Off: libunwind only (tests compare the two). */
void ld_unwinder_set_fast(struct ld_unwinder *u, bool on);

/* How many unwinds each path has done. */
struct ld_unwind_stats {
	unsigned long fast, libunwind;
};
struct ld_unwind_stats ld_unwinder_stats(const struct ld_unwinder *u);

/* Unwind thread tid (stopped) into at most max frames.  Returns the number
 * of frames (>= 1 when the registers could be read), or -errno. */
int ld_unwind(struct ld_unwinder *u, pid_t tid, struct ld_frame *out,
	      size_t max);

/* Every frame of a stack, however deep: innermost first, grown on the
 * heap as the unwind goes (56 bytes a frame). */
struct ld_frames {
	struct ld_frame *v;
	size_t n, cap;
};

void ld_frames_release(struct ld_frames *fs);   /* then empty again */
/* The first n frames of from into to (its old frames replaced): 0, or
 * -ENOMEM (to unchanged). */
int ld_frames_copy(struct ld_frames *to, const struct ld_frames *from, size_t n);

/* As ld_unwind, into fs (its old frames replaced), at most max frames
 * (SIZE_MAX: all; a count past INT_MAX is cut there).  -ENOMEM when fs
 * could not grow. */
int ld_unwind_frames(struct ld_unwinder *u, pid_t tid, struct ld_frames *fs,
		     size_t max);

#endif
