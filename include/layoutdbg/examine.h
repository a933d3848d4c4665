/* x (examine memory): gdb's lines of values, or the --json document. */
#ifndef LAYOUTDBG_EXAMINE_H
#define LAYOUTDBG_EXAMINE_H

#include <stddef.h>
#include <stdint.h>

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
/* One string of x/s: `0x402010 <sym>:	"text"` (no <sym> where no symbol
 * covers addr), the text a C literal on one line as gdb writes it.  Only
 * x->addr, x->sym and x->sym_ctx are used. */
void ld_show_xstring(const struct ld_examine *x, const char *str);

#endif
