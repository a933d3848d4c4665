/* Writing the user's files (save, export) so that nothing is lost or
 * redirected: the data goes to a temporary file in the same directory,
 * which is flushed, fsync'ed and renamed over the final path, so an
 * existing file is replaced whole or not at all.
 *
 * Refused unless forced: a symlink at the final path (rename would replace
 * the link; writing through it is what an attacker who planted it wants),
 * a device, FIFO or socket there, and a directory owned by another user and
 * writable by others (root's sticky directories such as /tmp excepted:
 * there nobody else can replace or remove our file).  Forced, a symlink is
 * followed (its target replaced atomically when it is a regular file) and a
 * device or FIFO written directly.
 *
 * On any failure the previous file is intact, the temporary file removed,
 * and err says "PATH: <the real cause>". */
#ifndef LAYOUTDBG_SAFEFILE_H
#define LAYOUTDBG_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ld_safefile {
	FILE *f;         /* write here between open and commit */
	char *path;      /* the final path (the symlink's target when forced) */
	char *tmp;       /* the temporary file; NULL when writing directly */
	const char *shown;   /* the path as the user gave it, for messages */
};

/* Returns 0, or -errno with err set (-ELOOP: a symlink, -EINVAL: not a
 * regular file, -EPERM: an unsafe directory, -EISDIR, or open's error). */
int ld_safefile_open(struct ld_safefile *sf, const char *path, bool force,
		     char *err, size_t errlen);

/* Flush, fsync, close and rename into place.  rc: the writer's result so
 * far; a non-zero rc aborts instead.  Returns 0 or -errno with err set. */
int ld_safefile_commit(struct ld_safefile *sf, int rc, char *err, size_t errlen);

#endif
