/* Values: print (p, inspect), output, ptype, whatis, info locals, info
 * args, in the selected frame, from DWARF.  Each command takes the rest
 * of its line; the command table checked its preconditions.  0, or -1
 * after a one-line error ("layoutdbg: print: no symbol "x" in current
 * context"). */
#ifndef LAYOUTDBG_VALCMD_H
#define LAYOUTDBG_VALCMD_H

#include <stdint.h>

#include "layoutdbg/session.h"

int ld_cmd_print(struct ld_session *s, char *args);
int ld_cmd_output(struct ld_session *s, char *args);
int ld_cmd_ptype(struct ld_session *s, char *args);
int ld_cmd_whatis(struct ld_session *s, char *args);
int ld_cmd_info_locals(struct ld_session *s, char *args);
int ld_cmd_info_args(struct ld_session *s, char *args);

/* bt full: the locals of frame level of the selected thread, indented
 * under its line (text only; nothing under --json).  0 or -1. */
int ld_show_frame_locals(struct ld_session *s, int level);

/* x's ADDRESS as gdb takes it: a C expression in the selected frame (its
 * value; an array's or function's address), a lone variable name too;
 * what the older address syntax covers (NUMBER, $REG,
 * [&]SYMBOL[@LIB][+OFFSET]) and names DWARF does not know go through
 * ld_eval_addr as before.  0, or -1 after an error. */
/* set $NAME = EXPR (and set var/variable $NAME = EXPR). */
bool ld_is_assignment(const char *args);
int ld_cmd_set_var(struct ld_session *s, char *args);

int ld_expr_address(struct ld_session *s, const char *what, const char *expr,
		    uint64_t *addr);

#endif
