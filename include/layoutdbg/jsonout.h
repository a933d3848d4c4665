/* JSON documents of the session for the commands (--json): the process
 * and its stop, breakpoints, snapshots, frames, registers.  Field names
 * are stable and documented in layoutdbg(1), section JSON OUTPUT; written
 * with json.h (addresses as X and X_hex). */
#ifndef LAYOUTDBG_JSONOUT_H
#define LAYOUTDBG_JSONOUT_H

#include <jansson.h>

#include "layoutdbg/json.h"
#include "layoutdbg/session.h"

json_t *ld_json_process(struct ld_session *s);         /* state and stop */
json_t *ld_json_breakpoints(const struct ld_bps *b);
/* The same list, watchpoints only (info watchpoints). */
json_t *ld_json_watchpoints(const struct ld_bps *b);
json_t *ld_json_snapshot_list(const struct ld_snapshots *ss);
json_t *ld_json_thread_frames(const struct ld_snap_thread *t);
json_t *ld_json_registers(const ld_regs *r);

#endif
