/* Snapshots as files: `save` and `load`. */
#ifndef LAYOUTDBG_SNAPFILE_H
#define LAYOUTDBG_SNAPFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "layoutdbg/snapshot.h"

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

#endif
