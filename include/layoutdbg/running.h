/* Running the program: run, start, attach, detach, kill, continue,
 * stepi, next, step, until, finish, thread, info threads, handle, info
 * signals.
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_RUNNING_H
#define LAYOUTDBG_RUNNING_H

#include "layoutdbg/session.h"

int ld_cmd_run(struct ld_session *s, char *args);
int ld_cmd_start(struct ld_session *s, char *args);
int ld_cmd_kill(struct ld_session *s, char *args);
int ld_cmd_attach(struct ld_session *s, char *args);
int ld_cmd_detach(struct ld_session *s, char *args);
int ld_cmd_continue(struct ld_session *s, char *args);
int ld_cmd_stepi(struct ld_session *s, char *args);
int ld_cmd_finish(struct ld_session *s, char *args);
int ld_cmd_next(struct ld_session *s, char *args);
int ld_cmd_step(struct ld_session *s, char *args);
int ld_cmd_until(struct ld_session *s, char *args);
int ld_cmd_info_threads(struct ld_session *s, char *args);
int ld_cmd_thread(struct ld_session *s, char *args);
int ld_cmd_handle(struct ld_session *s, char *args);
int ld_cmd_info_signals(struct ld_session *s, char *args);

#endif
