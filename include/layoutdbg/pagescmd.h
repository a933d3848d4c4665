/* The residency commands (`info proc smaps`, `info proc smaps_rollup`)
 * and xinfo's page line. */
#ifndef LAYOUTDBG_PAGESCMD_H
#define LAYOUTDBG_PAGESCMD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "layoutdbg/session.h"

int ld_cmd_info_proc_smaps(struct ld_session *s, char *args, bool rollup);

/* xinfo: the state of addr's page from pagemap, as text lines, or into
 * the JSON document d ("page": {...}) when d is not NULL. */
void ld_xinfo_page(struct ld_session *s, uint64_t addr,
		   const struct ld_map *mp, json_t *d);

#endif
