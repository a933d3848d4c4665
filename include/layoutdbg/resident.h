/* What is in memory, per mapping and per page, at a stop: `info proc
 * smaps`, `info proc smaps_rollup`, the resident column of vmmap and
 * layout, xinfo's page state, and the page counts a snapshot keeps.  Reads
 * /proc/PID/smaps and pagemap (smaps.c); shown by present/pages.c. */
#ifndef LAYOUTDBG_RESIDENT_H
#define LAYOUTDBG_RESIDENT_H

#include "layoutdbg/session.h"
#include "layoutdbg/smaps.h"

/* The smaps at this stop, read once per stop like the maps, into *out.
 * Returns 0 (err ""), or -errno with err set ("/proc/PID/smaps:
 * Permission denied") and *out NULL; a read cut short by a malformed line
 * or a failed read (the process exiting) returns its error with *out
 * holding what came before (not cached). */
int ld_session_smaps(struct ld_session *s, const struct ld_smaps **out,
		     char *err, size_t errlen);

/* Before a snapshot: with snapshot-pages on and the maps not read at this
 * stop, read the smaps and take the maps from them (one read of /proc
 * instead of two). */
void ld_resident_prime(struct ld_session *s);

/* True when sm describes exactly the mappings of m (same ranges). */
bool ld_smaps_matches(const struct ld_smaps *sm, const struct ld_maps *m);

/* For vmmap and layout: the smaps to take the resident column from, or
 * NULL (the column is off, or a note said why it is left out). */
const struct ld_smaps *ld_resident_column(struct ld_session *s,
					  const struct ld_maps *m,
					  const char *cmd);

/* One page's state from pagemap, for xinfo. */
struct ld_page_info {
	uint64_t page;          /* the page's address */
	uint64_t entry;         /* its pagemap entry (LD_PM_...) */
	bool zero;              /* the shared zero page (needs CAP_SYS_ADMIN
				   to be known) */
};
/* The page addr lies in.  0, or -errno when pagemap cannot be read. */
int ld_page_info(pid_t pid, uint64_t addr, struct ld_page_info *out);

/* Record the page counts (and page strips) of snap, whose maps were read
 * at this stop.  Failures leave pages NULL with pages_err set and are
 * noted, not errors: the rest of the snapshot stands.  0 or -ENOMEM. */
int ld_snapshot_pages(struct ld_session *s, struct ld_snapshot *snap);

#endif
