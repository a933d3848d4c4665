/* What the pictures share (svg.c draws, html.c embeds the drawing and
 * tabulates): the scale that lays the address space out in rows, the kind
 * of each mapping and its colour, XML text, and the facts that head a
 * picture.  Plain data in, text on a FILE * out. */
#ifndef LAYOUTDBG_PICTURE_H
#define LAYOUTDBG_PICTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "layoutdbg/classify.h"
#include "layoutdbg/maps.h"
#include "layoutdbg/snapshot.h"

/* ---- kinds: from the mapping and its region (no ELF reading) --------- */

enum ld_kind {
	LD_K_EXE_CODE, LD_K_EXE_RO, LD_K_EXE_DATA,
	LD_K_LIB_CODE, LD_K_LIB_RO, LD_K_LIB_DATA,
	LD_K_HEAP, LD_K_STACK, LD_K_ANON, LD_K_SPECIAL,
	LD_K_THREAD,		/* a thread's stack, guard page or TLS */
	LD_K_SHARED,		/* /dev/zero, memfd, SysV shm */
	LD_K_FILE,		/* a file that is no loaded object */
	LD_K_DELETED,		/* such a file, unlinked since */
	LD_K_COUNT
};

struct ld_kind_look {
	const char *fill, *name;        /* "#e8743b", "program code" */
};
extern const struct ld_kind_look ld_kinds[LD_K_COUNT];

/* exe: the program's path (its own mappings are "program"), or NULL; r:
 * mp's region (ld_classify_snapshot), or NULL for the name alone. */
enum ld_kind ld_kind_of(const struct ld_map *mp, const struct ld_region *r,
			const char *exe);
/* What a picture calls mapping mp of region r (NULL: unknown): the file's
 * base name, the kernel's name, "thread 2 stack", "anonymous"; in buf. */
const char *ld_pic_name(const struct ld_map *mp, const struct ld_region *r,
			char *buf, size_t len);
/* s's regions (ld_classify_snapshot), or NULL when out of memory: free(). */
struct ld_region *ld_pic_regions(const struct ld_snapshot *s);

/* ---- the scale ---------------------------------------------------------- */

/* A row of the picture: the addresses [lo, hi), drawn from y to y + h. */
struct ld_row {
	uint64_t lo, hi;
	double y, h;
	bool gap;               /* no mapping shown covers it */
};

struct ld_scale {
	struct ld_row *v;
	size_t n;
	double top, bottom;
};

/* The rows of the nl mapping lists together, starting at y = top.  0 or
 * -ENOMEM; release with ld_scale_release. */
int ld_scale_build(struct ld_scale *sc, const struct ld_maps *const *lists,
		   size_t nl, double top);
void ld_scale_release(struct ld_scale *sc);
/* Where addr is drawn: linear inside its row, clamped to the picture. */
double ld_scale_y(const struct ld_scale *sc, uint64_t addr);

/* ---- text ----------------------------------------------------------- */

/* s escaped for XML, at most max characters of it ("…" marks a cut); a
 * byte that is not UTF-8 becomes U+FFFD. */
void ld_xml_text_n(FILE *f, const char *s, size_t max);
void ld_xml_text(FILE *f, const char *s);
/* "%3", or "%3 (name)" when named. */
const char *ld_snap_title(const struct ld_snapshot *s, char *buf, size_t len);
/* "process 1234 · stopped by REASON" (the reason cut to max characters)
 * and "TIME · ASLR off · 22 mappings", escaped. */
void ld_pic_facts_who(FILE *f, const struct ld_snapshot *s, size_t max);
void ld_pic_facts_when(FILE *f, const struct ld_snapshot *s);
/* out flushed, so that a full disk shows up here and not at fclose(): rc,
 * or -errno of the failed write when rc is 0. */
int ld_pic_finish(FILE *out, int rc);

#endif
