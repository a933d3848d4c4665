/* Inline frames: the physical frames an unwind finds made into the
 * logical frames gdb shows, one for each inlined copy of a function a pc
 * lies in (innermost first) and then the function's own. */
#ifndef LAYOUTDBG_INLFRAMES_H
#define LAYOUTDBG_INLFRAMES_H

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
