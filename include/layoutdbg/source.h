/* Source files for `list` and stop lines: read once, kept by path. */
#ifndef LAYOUTDBG_SOURCE_H
#define LAYOUTDBG_SOURCE_H

#include <stddef.h>

/* Line n (1-based) of path without its newline, or NULL (file unreadable
 * or shorter; errno says which: ENOENT..., or ERANGE). */
const char *ld_source_line(const char *path, unsigned n);
/* Number of lines of path, or -errno. */
long ld_source_count(const char *path);
/* Forget the cached files (a program was rebuilt). */
void ld_source_flush(void);

/* A short name for a source path: relative to the current directory when
 * it lies below it, else the path itself. */
const char *ld_source_shortname(const char *path);

#endif
