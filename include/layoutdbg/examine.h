/* x (examine memory): gdb's lines of values, or the --json document. */
#ifndef LAYOUTDBG_EXAMINE_H
#define LAYOUTDBG_EXAMINE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "layoutdbg/cmddoc.h"

struct ld_examine {
	uint64_t addr;
	char fmt;                  /* x d u o t c a */
	size_t size;               /* unit: 1, 2, 4 or 8 bytes */
	size_t count;
	const unsigned char *buf;  /* count * size bytes read at addr */
	ld_symbolize_fn sym;
	void *sym_ctx;
};

int ld_show_examine(const struct ld_examine *x);
/* x/s is shown a string at a time: begin, one string..., end. */
struct ld_xstrings_out {
	uint64_t addr;       /* the first string's address */
	json_t *rows;        /* --json: the array being built */
};
void ld_xstrings_begin(struct ld_xstrings_out *o, uint64_t addr);
/* One string of x/s: `0x402010 <sym>:	"text"` (no <sym> where no symbol
 * covers addr), the text a C literal on one line as gdb writes it.  Only
 * x->addr, x->sym and x->sym_ctx are used. */
void ld_show_xstring(struct ld_xstrings_out *o, const struct ld_examine *x,
		     const char *str);
/* The --json document (when any string was read: ok); frees the rows. */
int ld_xstrings_end(struct ld_xstrings_out *o, bool ok);

#endif
