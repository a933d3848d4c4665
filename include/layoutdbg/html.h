/* A snapshot, or the diff of two, as a self-contained HTML page. */
#ifndef LAYOUTDBG_HTML_H
#define LAYOUTDBG_HTML_H

#include <stdio.h>

#include "layoutdbg/snapshot.h"

/* A self-contained HTML page (inline CSS and SVG, nothing fetched): the
 * picture, the program break, a table of the mappings and each thread's
 * frames.  Returns as ld_export_svg(). */
int ld_export_html(const struct ld_snapshot *s, FILE *out);

/* The diff a -> b as such a page: the two-column picture, the program
 * break before and after, and a table of the changed mappings (what
 * `diff` says, in address order).  Returns as ld_export_svg(). */
int ld_export_diff_html(const struct ld_snapshot *a, const struct ld_snapshot *b,
			FILE *out);

#endif
