/* A pointer value as every command prints it: the address and where it
 * points in the layout (pointsto.h), or gdb's own form when `set print
 * layout` is off. */
#ifndef LAYOUTDBG_POINTSVIEW_H
#define LAYOUTDBG_POINTSVIEW_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "layoutdbg/pointsto.h"
#include "layoutdbg/session.h"

/* addr as a printed pointer, in buf (returned; cut to len):
 *   0x401136 <main+4>                       code (gdb's form)
 *   0x7ffff7fa5c60 <main_arena> (libc.so.6 .data)   a data symbol
 *   0x5555555592a0 <[heap]+0x2a0>           a region (the heap, anonymous
 *                                           memory, an object's section)
 *   0x7fffffffe3d0 <stack, thread 1, frame #2>
 *   0x7ffff7dcf740 <TLS of thread 1>
 *   0x0 <null>     0x10 <unmapped>
 * With `set print layout off`: gdb's `0x401136 <main+4>` where a symbol
 * covers addr, else the bare address.  Never prints, never fails (without
 * a process: the bare address). */
const char *ld_points_to_text(struct ld_session *s, uint64_t addr,
			      char *buf, size_t len);

/* Only the annotation of p after the address: " <[heap]+0x2a0>",
 * " <main_arena> (libc.so.6 .data)", "" for nothing to say; layout false:
 * gdb's " <sym+off>" or "". */
const char *ld_points_to_note(const struct ld_points_to *p, bool layout,
			      char *buf, size_t len);

/* The "points_to" object of p for --json documents (new reference):
 * {"kind", and what the kind has: "object", "section", "symbol",
 * "symbol_offset", "region", "region_offset", "thread", "frame"}. */
json_t *ld_points_to_json(const struct ld_points_to *p);

#endif
