/* Breakpoints and catchpoints: break, tbreak, delete, enable, disable,
 * ignore, info breakpoints, catch.
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_BREAKPOINTS_H
#define LAYOUTDBG_BREAKPOINTS_H

#include "layoutdbg/session.h"

int ld_cmd_break(struct ld_session *s, char *args);
int ld_cmd_tbreak(struct ld_session *s, char *args);
int ld_cmd_delete(struct ld_session *s, char *args);
int ld_cmd_enable(struct ld_session *s, char *args);
int ld_cmd_disable(struct ld_session *s, char *args);
int ld_cmd_ignore(struct ld_session *s, char *args);
int ld_cmd_info_breakpoints(struct ld_session *s, char *args);
int ld_cmd_catch(struct ld_session *s, char *args);
int ld_cmd_info_watchpoints(struct ld_session *s, char *args);
/* watch, rwatch, awatch: hardware watchpoints (watch.h) */
int ld_cmd_watch(struct ld_session *s, char *args);
int ld_cmd_rwatch(struct ld_session *s, char *args);
int ld_cmd_awatch(struct ld_session *s, char *args);

#endif
