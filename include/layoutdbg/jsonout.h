/* JSON documents of the commands (--json).  Field names are stable and
 * documented in layoutdbg(1), section JSON OUTPUT; addresses follow the
 * export.h rule (X as an integer when it fits in int64, X_hex always). */
#ifndef LAYOUTDBG_JSONOUT_H
#define LAYOUTDBG_JSONOUT_H

#include <jansson.h>

#include "layoutdbg/session.h"

json_t *ld_jdoc(const char *command);                  /* {"command": ...} */
json_t *ld_json_process(struct ld_session *s);         /* state and stop */
json_t *ld_json_breakpoints(const struct ld_bps *b);
json_t *ld_json_snapshot_list(const struct ld_snapshots *ss);
json_t *ld_json_thread_frames(const struct ld_snap_thread *t);
json_t *ld_json_registers(const ld_regs *r);

/* Set o[key] = v (stealing v); returns -1 when v is NULL or on ENOMEM. */
int ld_jset(json_t *o, const char *key, json_t *v);

#endif
