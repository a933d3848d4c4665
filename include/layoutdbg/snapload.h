/* The snapshot loader: a saved "layoutdbg-snapshot" document (format in
 * snapjson.h) back into a snapshot, every field checked. */
#ifndef LAYOUTDBG_SNAPLOAD_H
#define LAYOUTDBG_SNAPLOAD_H

#include <stddef.h>

#include <jansson.h>

#include "layoutdbg/snapshot.h"

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

#endif
