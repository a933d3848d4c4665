/* info address SYM and info scope FUNCTION: where DWARF says a variable
 * or function is, in gdb's words (static storage, a register, a
 * thread-local offset, a DWARF expression listed operation by
 * operation).  0, or -1 after a one-line error. */
#ifndef LAYOUTDBG_INFOADDR_H
#define LAYOUTDBG_INFOADDR_H

#include "layoutdbg/session.h"

int ld_cmd_info_address(struct ld_session *s, char *args);
int ld_cmd_info_scope(struct ld_session *s, char *args);

#endif
