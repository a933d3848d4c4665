/* Snapshots and diffs written out: JSON (with jansson) to save, load and
 * feed other tools; SVG and HTML drawings of the address space.  Plain data
 * in, a FILE * or a path out: no ptrace here, and nothing is printed.
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
 * order; kind names are ld_map_change_name()'s.
 *
 * ---- Pictures --------------------------------------------------------
 *
 * The SVG shows the address space as one column, low addresses at the top.
 * A mapping's height grows with log2 of its size, so a 4 KiB page and a
 * 1.6 MiB libc text are both readable; an unmapped gap is a small band of
 * fixed height labelled with its size, so the whole 64-bit space fits.
 * Colours tell the kind of a mapping, decided from the mapping alone: the
 * executable's code, read-only data and data; the same three for libraries
 * and other files; [heap]; [stack]; anonymous; [vdso], [vvar], [vsyscall]
 * and other kernel mappings.  ELF sections are not drawn: a snapshot does
 * not hold them. */
#ifndef LAYOUTDBG_EXPORT_H
#define LAYOUTDBG_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "layoutdbg/snapshot.h"

/* The snapshot as a JSON document (above).  New reference, or NULL when
 * memory ran out. */
json_t *ld_snapshot_to_json(const struct ld_snapshot *s);

/* Check a JSON document and build a snapshot from it.  Every field is
 * checked (type, range, the _hex and integer forms agreeing, "format"
 * being "layoutdbg-snapshot" and "version" 1, mappings sorted and not
 * overlapping, perms matching [r-][w-][x-][ps], size = end - start,
 * "time" matching "time_ns").  On success the snapshot is added to ss
 * with a new id (the saved id is not kept, so ids stay unique) and its
 * saved name, even when another snapshot has that name: the caller
 * decides what a clash means.  Returns 0 and sets *out; -EINVAL for a
 * document that is not a valid snapshot, with err saying where and why
 * ("mappings[3].start: expected an integer, got a string", "not a
 * layoutdbg snapshot (format \"x\")"); -ENOMEM.  On failure ss is
 * unchanged, *out is NULL.  err is truncated to errlen; may be NULL. */
int ld_snapshot_from_json(json_t *j, struct ld_snapshots *ss,
			  struct ld_snapshot **out, char *err, size_t errlen);

/* Write the snapshot's JSON (indented, ending in a newline) to path,
 * atomically and only where safefile.h allows (force: also through a
 * symlink, onto a device or into an unsafe directory).  Returns 0, -errno
 * (the real cause) or -ENOMEM; err then starts with the path: "PATH: No
 * space left on device", "PATH: is a symlink (...)".  On failure the
 * previous file is intact. */
int ld_snapshot_save(const struct ld_snapshot *s, const char *path, bool force,
		     char *err, size_t errlen);

/* The largest snapshot file `load` reads (a file with a million mappings
 * is about 300 MiB; a real process has a few thousand). */
#define LD_SNAPSHOT_MAX_BYTES (64u << 20)

/* Read path and ld_snapshot_from_json() it.  A file (or stream) over
 * LD_SNAPSHOT_MAX_BYTES is refused with -EFBIG ("PATH: larger than the 64
 * MiB limit (N bytes)").  Returns 0, -errno when the
 * file cannot be read ("PATH: No such file or directory"), -EINVAL when it
 * is not JSON ("PATH: line 3, column 7: premature end of input") or not a
 * valid snapshot ("PATH: mappings[3].perms: ..."), or -ENOMEM.  Duplicate
 * keys in an object are rejected. */
int ld_snapshot_load(const char *path, struct ld_snapshots *ss,
		     struct ld_snapshot **out, char *err, size_t errlen);

/* The diff as a JSON document (above).  New reference, or NULL when memory
 * ran out. */
json_t *ld_snap_diff_to_json(const struct ld_snap_diff *d);

/* A standalone SVG 1.1 picture of the snapshot's address space: every
 * mapping labelled with its object's file name, permissions, size and
 * start address, the unmapped gaps with their sizes, the program break
 * (when known), a legend and a title naming the program, the pid and why
 * it stopped.  Returns 0, -ENOMEM, or -errno when writing out failed (out
 * is flushed to find out). */
int ld_export_svg(const struct ld_snapshot *s, FILE *out);

/* The same with a page strip inside each mapping of at most
 * LD_STRIP_MAX_PAGES pages (the snapshot's strip): one cell per page, to
 * scale, green present, orange swapped, light grey not present.  With page
 * counts, every picture also draws each mapping's resident fraction
 * (class "resident", data-rss and data-size in bytes) as a bar along the
 * bottom of its box, BOX_W * rss / size wide. */
int ld_export_svg_pages(const struct ld_snapshot *s, FILE *out);

/* Two such columns side by side, a on the left and b on the right, their
 * rows lined up by address: mappings added in b are green, removed from a
 * red, changed (grown, shrunk, moved, permissions, split, merged) yellow,
 * the rest faded.  Returns as ld_export_svg(). */
int ld_export_diff_svg(const struct ld_snapshot *a,
		       const struct ld_snapshot *b, FILE *out);

/* A self-contained HTML page (inline CSS and SVG, nothing fetched): the
 * picture, the program break, a table of the mappings and each thread's
 * frames.  Returns as ld_export_svg(). */
int ld_export_html(const struct ld_snapshot *s, FILE *out);

/* Building blocks shared with the other JSON documents (--json, the
 * timeline): the same field names and the same U/X_hex rule as above.
 * put functions return 0 or -ENOMEM; the others a new reference or NULL. */
int ld_json_put_u64(json_t *o, const char *key, uint64_t v);
int ld_json_put_text(json_t *o, const char *key, const char *s);
json_t *ld_json_mapping(const struct ld_map *mp);
json_t *ld_json_mappings(const struct ld_maps *m);
json_t *ld_json_frames(const struct ld_snap_frame *v, size_t n);
json_t *ld_json_change(const struct ld_map_change *c);
/* Page counts in bytes: {"rss": N, "pss": N, "shared_clean": N, ...}. */
json_t *ld_json_pages(const struct ld_pages *p);
/* "pages_before", "pages_after" (null for a side without the mapping)
 * and "pages_delta" (after - before, a missing side counting as zeros). */
int ld_json_put_pages_change(json_t *o, const struct ld_pages *a,
			     const struct ld_pages *b);

#endif
