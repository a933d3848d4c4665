/* All text output of tables, snapshots and diffs.  Renderers take data and
 * a FILE *, and never touch the process, so tests can feed them. */
#ifndef LAYOUTDBG_RENDER_H
#define LAYOUTDBG_RENDER_H

#include <stdio.h>

#include "layoutdbg/bp.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/snapshot.h"

/* gdb's `info proc mappings` table, byte for byte (gdb 12+ columns). */
void ld_render_gdb_mappings(FILE *f, const struct ld_maps *m);

/* One line as the kernel prints it in /proc/PID/maps. */
void ld_render_maps_line(FILE *f, const struct ld_map *mp);

void ld_render_breakpoints(FILE *f, const struct ld_bps *b);
/* info watchpoints: the watchpoints alone ("No watchpoints."). */
void ld_render_watchpoints(FILE *f, const struct ld_bps *b);

/* A snapshot's break: "0x55555557a000", or "unknown (why)" when it
 * could not be read.  Returns buf. */
const char *ld_render_brk(const struct ld_snapshot *s, char *buf, size_t len);

void ld_render_snapshot_list(FILE *f, const struct ld_snapshots *ss);
void ld_render_snapshot(FILE *f, const struct ld_snapshot *snap);
void ld_render_diff(FILE *f, const struct ld_snap_diff *d);
void ld_render_objdiff(FILE *f, const struct ld_snapshot *a,
		       const struct ld_snapshot *b, const struct ld_objdiff *d);
/* One mapping change: "+ added   0x...-0x... rw-p  0x21000 (132 KiB)  [heap]" */
void ld_render_change(FILE *f, const struct ld_map_change *c);

/* One frame line of a backtrace: "#1  0x... in main () from ..." */
void ld_render_frame(FILE *f, int level, const struct ld_snap_frame *fr,
		     const char *exe);

#endif
