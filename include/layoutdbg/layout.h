/* The address space as the kernel sees it: info proc, info brk,
 * info aslr.
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_LAYOUT_H
#define LAYOUTDBG_LAYOUT_H

#include "layoutdbg/session.h"

int ld_cmd_info_proc(struct ld_session *s, char *args);
int ld_cmd_info_brk(struct ld_session *s, char *args);
int ld_cmd_info_aslr(struct ld_session *s, char *args);

#endif
