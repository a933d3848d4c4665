/* The regions as views show them: a region's kind name and owner text
 * (vmmap, xinfo), and vmmap's model: the classified mappings FILTER
 * selects, with their resident sizes. */
#ifndef LAYOUTDBG_REGIONS_H
#define LAYOUTDBG_REGIONS_H

#include <stddef.h>

#include "layoutdbg/classify.h"
#include "layoutdbg/session.h"
#include "layoutdbg/smaps.h"

/* "segment", "thread stack", "mmapped chunk" ... */
const char *ld_region_kind_name(enum ld_region_kind k);
/* Who owns the region, in words: "libc.so.6 LOAD[2]", "thread 2 (LWP
 * 1234)", "heap of arena 1, heap_info 0x...", the mapping's path. */
const char *ld_region_owner(const struct ld_region *r, const struct ld_map *mp,
			    char *buf, size_t len);

struct ld_vmmap {
	const struct ld_maps *m;
	struct ld_region *rg;         /* one per mapping of m */
	const struct ld_smaps *sm;    /* resident sizes; NULL: no column */
	size_t *rows;                 /* the mappings shown, in order */
	size_t nrows;
	const char *filter;           /* what selected them; NULL: all */
};

/* vmmap's rows at this stop: every mapping, or those filter names (an
 * address inside it, or text in its path, owner or kind).  The heap is
 * told apart when it was walked at this stop.  0, or -1 after an error
 * was reported. */
int ld_vmmap_rows(struct ld_session *s, const char *filter, struct ld_vmmap *v);
void ld_vmmap_release(struct ld_vmmap *v);

#endif
