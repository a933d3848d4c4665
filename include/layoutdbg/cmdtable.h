/* The command table: names, aliases, preconditions, help.  Commands do
 * not re-check what their flags promise (a live, stopped process). */
#ifndef LAYOUTDBG_CMDTABLE_H
#define LAYOUTDBG_CMDTABLE_H

#include "layoutdbg/session.h"

enum { LD_CMD_OK = 0, LD_CMD_FAIL = -1, LD_CMD_QUIT = 1 };

/* Run one command line.  Returns LD_CMD_OK, LD_CMD_FAIL (an error was
 * printed) or LD_CMD_QUIT. */
int ld_execute(struct ld_session *s, const char *line);

/* Command names for completion: the state-th name starting with prefix,
 * or NULL (readline's generator protocol). */
const char *ld_command_name(const char *prefix, int state);
/* Sub-command names of `info`, `set`, `show`: likewise. */
const char *ld_subcommand_name(const char *cmd, const char *prefix, int state);

#endif
