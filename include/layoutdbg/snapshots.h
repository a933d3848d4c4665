/* Snapshots and the timeline: snapshot, snapshots, show SNAP, drop,
 * diff, save, load, export, trace memory, timeline.
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_SNAPSHOTS_H
#define LAYOUTDBG_SNAPSHOTS_H

#include "layoutdbg/session.h"

int ld_cmd_snapshot(struct ld_session *s, char *args);
int ld_cmd_snapshots(struct ld_session *s, char *args);
int ld_cmd_show_snap(struct ld_session *s, const char *key);
int ld_cmd_drop(struct ld_session *s, char *args);
int ld_cmd_diff(struct ld_session *s, char *args);
int ld_cmd_save(struct ld_session *s, char *args);
int ld_cmd_load(struct ld_session *s, char *args);
int ld_cmd_export(struct ld_session *s, char *args);
int ld_cmd_trace(struct ld_session *s, char *args);
int ld_cmd_timeline(struct ld_session *s, char *args);

#endif
