/* What print, output, ptype, whatis, info locals and info args show:
 * gdb's lines in text mode, one JSON document each under --json. */
#ifndef LAYOUTDBG_VALSHOW_H
#define LAYOUTDBG_VALSHOW_H

#include <stdbool.h>

#include "layoutdbg/valeval.h"

/* `$N = VALUE` (print), or VALUE alone (output, num 0). */
void ld_show_value(struct ld_evalctx *c, const char *command, int num,
		   const struct ld_val *v, char fmt);

/* ptype (expand true: a struct's members spelled out) / whatis. */
void ld_show_type(const struct ld_ty *t, bool expand);

/* One `NAME = VALUE` line of info locals/args (text), or an element of
 * the JSON document's list.  An error in place of the value: err. */
struct json_t;
void ld_show_var(struct ld_evalctx *c, const char *name,
		 const struct ld_val *v, const char *err, void *json_list,
		 int indent);
/* Begin/finish the document of info locals/args: the list to pass to
 * ld_show_var (NULL in text mode) and then its output.  none: the text
 * gdb prints for an empty list ("No locals.").  indent: spaces before each
 * text line (bt full's 8). */
void *ld_show_vars_begin(void);
void ld_show_vars_end(void *list, const char *command, const char *none,
		      int frame, int indent);

/* Lines of text (info address, info scope); under --json a document
 * {"command": command, "text": ...}. */
void ld_show_lines(const char *command, const char *text);

#endif
