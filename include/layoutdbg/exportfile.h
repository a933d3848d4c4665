/* export and save's sibling: a snapshot, a diff or the timeline written
 * to a file whose extension says the form (.json, .svg, .html), through
 * safefile.h (atomic; force: through a symlink, onto a device). */
#ifndef LAYOUTDBG_EXPORTFILE_H
#define LAYOUTDBG_EXPORTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "layoutdbg/snapshot.h"
#include "layoutdbg/timeline.h"

/* "svg" of "a/b.svg"; "" without one. */
const char *ld_export_ext(const char *path);

/* a (b NULL) or the diff a..b; pages: a's page strips (.svg).  0;
 * -EINVAL: unknown extension; other -errno
 * with the cause in err when it is known. */
int ld_export_snapshots(const struct ld_snapshot *a, const struct ld_snapshot *b,
			const char *path, bool force, bool pages, char *err,
			size_t len);

/* The timeline as .json: 0 or -errno with the cause in err. */
int ld_export_timeline(const struct ld_timeline *tl, const char *path,
		       bool force, char *err, size_t len);

#endif
