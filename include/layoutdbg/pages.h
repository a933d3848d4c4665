/* Memory residency shown: `info proc smaps` and `info proc smaps_rollup`
 * as text and JSON, and xinfo's page state.  The data comes from smaps.h
 * and resident.h. */
#ifndef LAYOUTDBG_PAGES_H
#define LAYOUTDBG_PAGES_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "layoutdbg/resident.h"
#include "layoutdbg/smaps.h"

/* The `info proc smaps` table (pmap -X's layout, a column only for the
 * fields the kernel printed), its totals line and the notes on missing
 * and unknown fields. */
void ld_smaps_render(FILE *f, const struct ld_smaps *sm, pid_t pid);
/* `info proc smaps` (rollup false) or `info proc smaps_rollup`, as text
 * (the rollup: one line a field, in kB and in words) or its document;
 * note (may be empty) says why it is partial. */
int ld_show_smaps(const struct ld_smaps *sm, pid_t pid, bool rollup,
		  const char *note);

/* xinfo's page line: the state of pi's page, or why it is unknown (r, a
 * -errno from ld_page_info).  mp is the mapping the page is in. */
void ld_page_render(pid_t pid, const struct ld_page_info *pi, int r,
		    const struct ld_map *mp);
/* The same into xinfo's document d: "page": {...}, or "page_note". */
void ld_page_json(json_t *d, const struct ld_page_info *pi, int r);

#endif
