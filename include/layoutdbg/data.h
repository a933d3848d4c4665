/* Data: x (examine memory), info registers.
 * Each command takes the rest of its line (args, which it may modify);
 * the command table (cmdtable.c) checked its preconditions.  0, or -1
 * after an error was printed. */
#ifndef LAYOUTDBG_DATA_H
#define LAYOUTDBG_DATA_H

#include "layoutdbg/session.h"

int ld_cmd_info_registers(struct ld_session *s, char *args);
int ld_cmd_x(struct ld_session *s, char *args);

#endif
