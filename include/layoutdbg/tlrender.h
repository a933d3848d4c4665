/* The memory timeline as text and JSON. */
#ifndef LAYOUTDBG_TLRENDER_H
#define LAYOUTDBG_TLRENDER_H

#include <stdio.h>

#include <jansson.h>

#include "layoutdbg/timeline.h"

/* One line per entry: number, thread, call = result, change summary. */
void ld_render_timeline(FILE *f, const struct ld_timeline *t, const char *exe);
/* One entry in full: call, result, brk, every mapping change, frames. */
void ld_render_tl_entry(FILE *f, const struct ld_tl_entry *e, const char *exe);

/* The timeline as JSON: {"format": "layoutdbg-timeline", "version": 1,
 * "entries": [{"n", "tid", "thread", "syscall", "nr", "args_hex": [...],
 * "call" (decoded text), "returned", "result", "result_hex", "done",
 * "brk": {"valid", "before", "before_hex", "after", "after_hex"} (no
 * before/after when valid is false: the break was not known), "changes":
 * [CHANGE...], "frames": [FRAME...]}]}  (CHANGE and FRAME as in json.h).
 * NULL on ENOMEM. */
json_t *ld_timeline_to_json(const struct ld_timeline *t);

#endif
