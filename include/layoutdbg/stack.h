/* The stack: backtrace, frame, up, down, info frame.
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_STACK_H
#define LAYOUTDBG_STACK_H

#include "layoutdbg/session.h"

int ld_cmd_backtrace(struct ld_session *s, char *args);
int ld_cmd_frame(struct ld_session *s, char *args);
int ld_cmd_up(struct ld_session *s, char *args);
int ld_cmd_down(struct ld_session *s, char *args);
int ld_cmd_info_frame(struct ld_session *s, char *args);

#endif
