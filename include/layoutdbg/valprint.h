/* Values printed as gdb prints them: `$1 = {next = 0x5555555592c0,
 * val = 3}`, strings, arrays with `<repeats N times>` and the 200-element
 * limit, print/FMT letters.  The commands' lines and JSON documents are
 * valshow.h's. */
#ifndef LAYOUTDBG_VALPRINT_H
#define LAYOUTDBG_VALPRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "layoutdbg/valeval.h"

/* Write v to f.  fmt: 0 for the natural form, else one of gdb's print
 * format letters x d u o t c a s z.  top: the value is the whole result
 * (pointers then show their type: `(node_t *) 0x...`). */
void ld_val_write(struct ld_evalctx *c, FILE *f, const struct ld_val *v,
		  char fmt, bool top);
/* The same into a string from malloc (NULL: out of memory).  Under set
 * print pretty the text has lines: a member a line. */
char *ld_val_text(struct ld_evalctx *c, const struct ld_val *v, char fmt,
		  bool top);
/* The natural form of a value shown at depth (gdb's recurse: `bt full`
 * shows its locals at 4, and a pretty member is indented by that much). */
char *ld_val_text_depth(struct ld_evalctx *c, const struct ld_val *v, int depth);
/* The natural form as gdb's frame lines show it: pointers with gdb's
 * own <symbol+off> only, never placed in the layout. */
char *ld_val_text_plain(struct ld_evalctx *c, const struct ld_val *v);

#endif
