/* Inline frames: the physical frames an unwind finds made into the
 * logical frames gdb shows, one for each inlined copy of a function a pc
 * lies in (innermost first) and then the function's own. */
#ifndef LAYOUTDBG_INLFRAMES_H
#define LAYOUTDBG_INLFRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/objs.h"
#include "layoutdbg/snapshot.h"
#include "layoutdbg/stopcache.h"
#include "layoutdbg/stopreport.h"
#include "layoutdbg/unwind.h"

/* How many of frame 0's inlined copies gdb hides at a stop at pc: those
 * the pc begins, innermost first (inline-frame.c skip_inline_frames), so
 * a stop at an inlined call reads as a stop at the call site. */
unsigned ld_inline_skip_at(struct ld_objs *o, uint64_t pc);

/* The same at a stop by a user breakpoint set on function sym (its
 * display name; NULL: set on an address or a line): the copies the pc
 * begins are hidden up to the one of sym (gdb shows the function the
 * breakpoint was set on), none without sym. */
unsigned ld_inline_skip_for_bp(struct ld_objs *o, uint64_t pc, const char *sym);

/* Frame 0 of thread tid as a stop line names it (f filled for its pc by
 * ld_stop_frame_fill), made its logical frame: an inlined copy's name, or
 * the call site of a hidden one (c: this stop's choice, else gdb's rule). */
void ld_inline_stop_frame(struct ld_objs *o, pid_t tid,
			  const struct ld_stop_cache *c, struct ld_stop_frame *f);

/* How many of thread tid's inlined frames at pc the stop hides now (c:
 * this stop's choice, else gdb's rule). */
unsigned ld_inline_skip_now(struct ld_objs *o, const struct ld_stop_cache *c,
			    pid_t tid, uint64_t pc);

/* Where a line step begins: at pc with skip of its inlined frames hidden,
 * the depth of frame 0 (the inlined frames shown above its function);
 * when skip > 0, *file and *line get the call site frame 0 shows (left
 * alone otherwise). */
unsigned ld_inline_step_begin(struct ld_objs *o, uint64_t pc, unsigned skip,
			      const char **file, unsigned *line);

/* At the start of a new line at pc during next/step (infrun.c
 * process_event_stop_test, "calls" to inlined functions): */
enum ld_inline_step {
	LD_INL_NONE,    /* nothing inlined deeper than the step's frame:
			   the usual line rules */
	LD_INL_ON,      /* inside (or at) an inlined call: step on */
	LD_INL_STOP,    /* stop here, at an inlined call from the step's
			   frame (shown as that frame) */
	LD_INL_INSIDE,  /* stop here, inside an inlined copy (`step`) */
	LD_INL_ENTER,   /* stop here, one hidden inlined frame shown (`step`
			   at an inlined call on the line it began on) */
};
enum ld_inline_step ld_inline_step_at(struct ld_objs *o, uint64_t pc,
				      unsigned depth0, bool into,
				      const char *file, unsigned line);

/* The entry of copy inl (0: innermost) of those holding pc; 0 if none. */
uint64_t ld_inline_copy_entry(struct ld_objs *o, uint64_t pc, unsigned inl);
/* Is pc inside the inlined copy that begins at entry? */
bool ld_inline_in_copy(struct ld_objs *o, uint64_t pc, uint64_t entry);

/* Make fs's physical frames (as unwound) logical, at most max of them
 * (fs->v replaced).  skip0: how many of frame 0's innermost copies are
 * hidden (< 0: ld_inline_skip_at).  The count, or -ENOMEM (fs as it was). */
int ld_inline_expand(struct ld_objs *o, struct ld_frames *fs, size_t max,
		     int skip0);

/* The function name, linkage name and line of logical frame f whose pc
 * is looked up at look (pc, or pc - 1 for a return address), when f is
 * an inlined copy's frame or its callee is one (f->inl > 0): fills
 * sf->func, linkage, file, line, inlined, at_call and returns 1; 0 for a
 * frame inlining has nothing to do with (sf untouched); -ENOMEM. */
int ld_inline_frame_info(struct ld_objs *o, const struct ld_frame *f,
			 uint64_t look, struct ld_snap_frame *sf);

#endif
