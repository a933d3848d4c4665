/* Conditions: `break LOC if EXPR`, `tbreak LOC if EXPR`, `condition N
 * [EXPR]`.  Each command takes the rest of its line; 0, or -1 after a
 * one-line error.  The expression is parsed before the breakpoint is
 * made, so a syntax error costs no breakpoint. */
#ifndef LAYOUTDBG_CONDCMD_H
#define LAYOUTDBG_CONDCMD_H

#include <stdbool.h>

#include "layoutdbg/session.h"

int ld_break_if(struct ld_session *s, char *args, bool temporary);
int ld_cmd_condition(struct ld_session *s, char *args);

#endif
