/* Pictures of snapshots and diffs.
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
#ifndef LAYOUTDBG_SVG_H
#define LAYOUTDBG_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "layoutdbg/snapshot.h"

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

/* The snapshot's picture, standalone (with the XML declaration) or to
 * embed in a page; strip_at: each mapping's first page in s->strip
 * (SIZE_MAX: none), or NULL for no page strips.  0 or -ENOMEM; out is not
 * flushed. */
int ld_svg_snapshot(FILE *out, const struct ld_snapshot *s, bool standalone,
		    const size_t *strip_at);
/* The diff's picture, standalone or to embed.  0 or -ENOMEM; out is not
 * flushed. */
int ld_svg_diff(FILE *out, const struct ld_snapshot *a,
		const struct ld_snapshot *b, bool standalone);

#endif
