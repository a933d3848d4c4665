/* Snapshots and diffs as JSON documents, to save, load (snapload.h) and
 * feed other tools.  Plain data in, a JSON value or a path out: no ptrace
 * here, and nothing is printed.
 *
 * ---- JSON snapshot, format "layoutdbg-snapshot", version 1 ----------
 *
 *   {"format": "layoutdbg-snapshot", "version": 1,
 *    "id": 3, "name": "before" | null,
 *    "time": "2024-05-01T12:34:56.789Z",   ISO 8601, UTC, milliseconds
 *    "time_ns": N,                          ns since the epoch (exact)
 *    "pid": N, "exe": "/path" | null, "reason": "breakpoint 1" | null,
 *    "aslr": bool,
 *    "brk": {"start": U, "start_hex": H, "current": U, "current_hex": H,
 *            "valid": bool},
 *    "mappings": [{"start": U, "start_hex": H, "end": U, "end_hex": H,
 *                  "size": U, "size_hex": H, "perms": "r-xp",
 *                  "offset": U, "offset_hex": H, "dev": "fd:01",
 *                  "inode": U, "inode_hex": H, "path": "/usr/lib/...",
 *                  "deleted": bool}, ...],
 *    "threads": [{"tid": N, "num": N,
 *                 "regs": {"r15": U, ..., "rip": U, ..., "gs": U} | null,
 *                 "regs_hex": {"r15": H, ...} | null,
 *                 "frames": [{"pc": U, "pc_hex": H, "sp": U, "sp_hex": H,
 *                             "cfa": U, "cfa_hex": H,
 *                             "function": "main" | null,
 *                             "offset": U, "offset_hex": H,
 *                             "object": "/path" | null}, ...],
 *                 "depth": N,
 *                 "window": {"innermost": N, "outermost": N}}, ...]}
 *
 * Unsigned 64-bit values (U above: addresses, sizes, offsets, inodes,
 * registers) are written twice.  X_hex ("0x" and lowercase hex digits) is
 * always there and is the value.  X is the same value as a JSON integer
 * when it is at most INT64_MAX, else null: jansson and most JSON readers
 * hold integers in int64 (jq and JavaScript even in doubles, exact only
 * below 2^53), and [vsyscall] at 0xffffffffff600000 or rax holding -ENOSYS
 * are above that.  Reading the integers is fine for user-space addresses;
 * read X_hex to be exact everywhere.  Registers: "regs" holds the integers,
 * "regs_hex" the strings, with the field names of struct user_regs_struct.
 * "size" is end - start; "deleted" says that the path ends in " (deleted)";
 * "dev" is major:minor in hex as /proc/PID/maps prints it.  The frames of a
 * thread are innermost first.  Of a deep stack only a window is kept:
 * "depth" counts every frame, "frames" holds window.innermost frames
 * (levels 0, 1, ...) then window.outermost (the last ones, up to depth -
 * 1).  Without "depth" and "window" (older files) "frames" is the whole
 * stack.
 *
 * Text (name, exe, reason, path, function, object) is UTF-8.  A value that
 * is not valid UTF-8 (a file name in Latin-1, say) is written with each bad
 * byte replaced by U+FFFD, and its exact bytes go into an extra field
 * X_bytes (hex digits, two per byte), which the loader prefers.
 *
 * Unknown fields are ignored when loading; fields are never renamed or
 * given another meaning within a version.
 *
 * ---- JSON diff, format "layoutdbg-diff", version 1 -----------------
 *
 *   {"format": "layoutdbg-diff", "version": 1,
 *    "a": SNAPREF, "b": SNAPREF,  SNAPREF = {"id", "name", "label", "pid",
 *                                            "time", "time_ns"}
 *    "different_process": bool,
 *    "changes": [{"kind": "added"|"removed"|"grown"|"shrunk"|"moved"|
 *                         "perms"|"split"|"merged",
 *                 "before": MAPPING | null, "after": MAPPING | null,
 *                 "perms_changed": bool,
 *                 "size_delta": N}, ...],       after size - before size,
 *                                               only when both are set
 *    "brk": {"valid": bool, "before": U, "before_hex": H, "after": U,
 *            "after_hex": H, "delta": N},     all but "valid" only if valid
 *    "threads": [{"tid", "num",
 *                 "state": "new" | "gone" | "present",
 *                 "common": N, "uncertain": N, "popped": N, "pushed": N,
 *                 "popped_frames": [FRAME...],  a's innermost ones
 *                 "pushed_frames": [FRAME...]}, ...]}   b's innermost ones
 *
 * Frames are compared from the outermost: "common" frames are shared,
 * then "uncertain" ones lie outside the kept windows of both snapshots
 * (each perhaps shared, perhaps popped and pushed again; 0 when the
 * change is inside the windows), and "popped"/"pushed" are the rest: at
 * least that many were popped and pushed.  The listed frames are those of
 * them that were kept, each with its "level".
 *
 * MAPPING and FRAME are as in a snapshot.  Changes come in ld_maps_diff's
 * order; kind names are ld_map_change_name()'s. */
#ifndef LAYOUTDBG_SNAPJSON_H
#define LAYOUTDBG_SNAPJSON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "layoutdbg/snapshot.h"

#define LD_SNAP_FORMAT "layoutdbg-snapshot"
#define LD_DIFF_FORMAT "layoutdbg-diff"
#define LD_FORMAT_VERSION 1

/* The snapshot as a JSON document (above).  New reference, or NULL when
 * memory ran out. */
json_t *ld_snapshot_to_json(const struct ld_snapshot *s);

/* The diff as a JSON document (above).  New reference, or NULL when memory
 * ran out. */
json_t *ld_snap_diff_to_json(const struct ld_snap_diff *d);
/* diff --by-object: {changes: [{key, kind ("added", "removed", "changed",
 * "touched"), size_/perms_before, size_/perms_after, and with page counts
 * pages_before, pages_after, pages_delta}], same, pages}. */
json_t *ld_objdiff_to_json(const struct ld_objdiff *d);

#endif
