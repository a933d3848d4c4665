/* Rendering what run control reports (stopreport.h): gdb's text, and
 * under --json one {"event": "stop", ...} document per stop. */
#ifndef LAYOUTDBG_STOP_H
#define LAYOUTDBG_STOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "layoutdbg/session.h"
#include "layoutdbg/stopreport.h"

/* The session's observer: prints n as text, or the stop document. */
void ld_render_note(struct ld_session *s, const struct ld_note *n);

/* The stop document: {"event": "stop", "reason": {"kind": ...}, "pid",
 * "thread": {tid, num}, "frame": {...}, ...} (layoutdbg(1), JSON
 * OUTPUT). */
json_t *ld_json_stop(const struct ld_stop_report *r);

/* gdb's form of a location: "main () at heap.c:12" at the start of a line,
 * "0x... in main () at heap.c:12" inside one (line_form and f has a line),
 * else "0x00007ffff7e5a6e0 in calloc () from /usr/lib/.../libc.so.6". */
const char *ld_stop_where(const struct ld_stop_frame *f, bool line_form,
			  char *buf, size_t len);
/* The same with the frame's arguments a (frameargs.h; NULL: "()"). */
const char *ld_stop_where_args(const struct ld_stop_frame *f,
			       const struct ld_frame_args *a, bool line_form,
			       char *buf, size_t len);

/* The pc form of ld_stop_where for pc in s's process. */
const char *ld_describe_pc(struct ld_session *s, uint64_t pc, char *buf,
			   size_t len);

#endif
