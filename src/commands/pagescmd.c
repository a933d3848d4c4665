/* The residency commands: `info proc smaps`, `info proc smaps_rollup`.
 * Reads through resident.c, shows through present/pages.c. */
#include <stdio.h>

#include "layoutdbg/error.h"
#include "layoutdbg/pages.h"
#include "layoutdbg/pagescmd.h"

/* A smaps read for the command: the whole of it, or what came before a
 * failure with a note; NULL after an error. */
static const struct ld_smaps *smaps_for(struct ld_session *s, bool rollup,
					struct ld_smaps *own, char *note,
					size_t len)
{
	const char *cmd = rollup ? "info proc smaps_rollup" : "info proc smaps";
	const struct ld_smaps *sm = NULL;
	char err[256];
	int r;

	note[0] = 0;
	if (rollup) {
		ld_smaps_init(own);
		r = ld_smaps_read(s->live.proc->pid, true, own, err, sizeof err);
		sm = own;
		if (r < 0 && !own->maps.n) {
			ld_smaps_release(own);
			ld_error("%s: %s", cmd, err);
			return NULL;
		}
	} else {
		r = ld_session_smaps(s, &sm, err, sizeof err);
		if (!sm) {
			ld_error("%s: %s", cmd, err);
			return NULL;
		}
	}
	if (r < 0)
		snprintf(note, len, "/proc/%d/%s: %s: showing what was read "
			 "before it", (int)s->live.proc->pid,
			 rollup ? "smaps_rollup" : "smaps", err);
	else if (!sm->maps.n)
		snprintf(note, len, "no mappings: the process is exiting");
	return sm;
}

int ld_cmd_info_proc_smaps(struct ld_session *s, char *args, bool rollup)
{
	struct ld_smaps own;
	const struct ld_smaps *sm;
	char note[400];
	int r;

	(void)args;
	sm = smaps_for(s, rollup, &own, note, sizeof note);
	if (!sm)
		return -1;
	r = ld_show_smaps(sm, s->live.proc->pid, rollup, note);
	if (rollup)
		ld_smaps_release(&own);
	return r;
}
