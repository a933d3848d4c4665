/* The residency commands (`info proc smaps`, `info proc smaps_rollup`). */
#ifndef LAYOUTDBG_PAGESCMD_H
#define LAYOUTDBG_PAGESCMD_H

#include <stdbool.h>

#include "layoutdbg/session.h"

int ld_cmd_info_proc_smaps(struct ld_session *s, char *args, bool rollup);

#endif
