/* The stack as the commands show it: backtrace, frame, info frame. */
#ifndef LAYOUTDBG_STACKVIEW_H
#define LAYOUTDBG_STACKVIEW_H

#include <jansson.h>
#include <sys/types.h>

#include "layoutdbg/snapshot.h"
#include "layoutdbg/unwind.h"

/* A backtrace is shown a frame at a time (a stack can be 100,000 frames
 * deep; each is symbolized, shown and released): ld_bt_begin, then
 * ld_bt_frame for each, then ld_bt_end. */
struct ld_bt_out {
	const char *exe;    /* the program's path: frames in it say no "from" */
	json_t *doc, *frames;   /* --json: the document being built */
};

void ld_bt_begin(struct ld_bt_out *o, pid_t tid, int thread, const char *exe);
/* 0, or -ENOMEM (--json: the document could not grow). */
int ld_bt_frame(struct ld_bt_out *o, size_t level, const struct ld_snap_frame *f);
/* Frames [from, to) of depth were shown (more: frames follow). */
int ld_bt_end(struct ld_bt_out *o, size_t from, size_t to, size_t depth);
/* After frame info or ld_bt_frame failed with r: drop what was built
 * and report the error; -1. */
int ld_bt_fail(struct ld_bt_out *o, int r);

/* frame N, up, down: the frame just selected. */
int ld_show_selected_frame(long level, const struct ld_snap_frame *f,
			   const char *exe);

/* info frame: frame k of f[0..n); func its function's name or "??". */
struct ld_frame_view {
	const struct ld_frame *f;
	int n, k;
	const char *func;
	const struct ld_frame_args *args;   /* gdb's "args: n=1, ..."; NULL */
};
int ld_show_frame_info(const struct ld_frame_view *v);

#endif
