/* The validating loader: a "layoutdbg-snapshot" document (format in
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

#endif
