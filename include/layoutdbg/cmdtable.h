/* The command table: names, aliases, preconditions, help.  Commands do
 * not re-check what their flags promise (a live, stopped process). */
#ifndef LAYOUTDBG_CMDTABLE_H
#define LAYOUTDBG_CMDTABLE_H

#include <stddef.h>

#include "layoutdbg/session.h"

enum { LD_CMD_OK = 0, LD_CMD_FAIL = -1, LD_CMD_QUIT = 1 };

/* Run one command line.  Returns LD_CMD_OK, LD_CMD_FAIL (an error was
 * printed) or LD_CMD_QUIT. */
int ld_execute(struct ld_session *s, const char *line);

/* For completion: the i-th name of the command table (of NULL), or of
 * the sub-commands of command `of` (`info`, `set`, `show`, an alias or a
 * unique prefix of one); NULL past the end and for a command that has no
 * sub-commands. */
const char *ld_command_at(const char *of, size_t i);

#endif
