/* The arguments a frame line shows, as gdb's `set print frame-arguments`
 * (scalars by default: a struct, union or array argument is "...") and
 * `set print entry-values default` show them: "(n=0x5555555592a0,
 * index=index@entry=0)".  Computed only for the frames a command shows. */
#ifndef LAYOUTDBG_FRAMEARGS_H
#define LAYOUTDBG_FRAMEARGS_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "layoutdbg/session.h"
#include "layoutdbg/snapshot.h"

/* The arguments of frame `level` (0: innermost) of thread tid, evaluated
 * in that frame; NULL when it has no DWARF (or no process, or no memory):
 * "()".  Free with ld_frame_args_free.  memo (valeval.h; NULL: none):
 * kept by a caller showing frame after frame of one stack, which would
 * otherwise walk every inner frame again for each outer one. */
struct ld_regmemo;
struct ld_frame_args *ld_frame_args_get(struct ld_session *s, pid_t tid,
					int level, struct ld_regmemo *memo);
/* sf->args = ld_frame_args_get(...), the old ones freed. */
void ld_frame_args_fill(struct ld_session *s, pid_t tid, int level,
			struct ld_regmemo *memo, struct ld_snap_frame *sf);

/* "(n=0x..., depth=2)", "(...)" (presence), "()" for NULL or none. */
void ld_frame_args_write(FILE *f, const struct ld_frame_args *a);
/* The same into buf (cut to len). */
const char *ld_frame_args_text(const struct ld_frame_args *a, char *buf,
			       size_t len);
/* [{"name", "value", "entry_value"?, "points_to"?}...]; [] for NULL;
 * NULL: out of memory. */
json_t *ld_frame_args_json(const struct ld_frame_args *a);
/* json.h's ld_json_frames with each frame's "args" where it has them. */
json_t *ld_json_frames_args(const struct ld_snap_frame *v, size_t n);

#endif
