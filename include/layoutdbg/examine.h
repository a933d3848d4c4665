/* x (examine memory): gdb's lines of values, or the --json document. */
#ifndef LAYOUTDBG_EXAMINE_H
#define LAYOUTDBG_EXAMINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "layoutdbg/cmddoc.h"
#include "layoutdbg/session.h"

/* gdb's `print elements` limit: x/s shows at most this many characters
 * of a string, then "...". */
#define LD_XSTRING_MAX 200

struct ld_examine {
	uint64_t addr;
	char fmt;                  /* x z d u o t c a f */
	size_t size;               /* unit: 1, 2, 4 or 8 bytes */
	size_t count;              /* units read at addr (all that could be) */
	const unsigned char *buf;  /* count * size bytes read at addr */
	ld_symbolize_fn sym;       /* <sym+off> labels at line starts */
	void *sym_ctx;
	/* Where values point (x/a always; x/gx and x/gz when layout is on and
	 * a value points into mapped memory); NULL: nowhere is said. */
	struct ld_session *session;
	bool layout;               /* `set print layout`: the layout forms */
};

/* The lines of x (or its JSON document).  A count cut short by
 * unreadable memory ends the lines where the values end. */
int ld_show_examine(const struct ld_examine *x);

/* x/s is shown a string at a time: begin, one string..., end. */
struct ld_xstrings_out {
	uint64_t addr;       /* the first string's address */
	json_t *rows;        /* --json: the array being built */
};
void ld_xstrings_begin(struct ld_xstrings_out *o, uint64_t addr);
/* One string of x/s: `0x402010 <sym>:	"text"` (no <sym> where no symbol
 * covers addr): gdb's C literal on one line, runs of more than ten equal
 * characters as `'a' <repeats 20 times>`, and `...` after it when cut
 * (the string is longer than LD_XSTRING_MAX).  str holds len bytes (no
 * NUL among them).  Only x->addr, x->sym and x->sym_ctx are used. */
void ld_show_xstring(struct ld_xstrings_out *o, const struct ld_examine *x,
		     const char *str, size_t len, bool cut);
/* One string of x/sh or x/sw: units[0..n) of x->size bytes (UTF-16 or
 * UTF-32) as gdb writes them: u"..." or U"...", characters the C.UTF-8
 * locale prints as they are, others as \ooo (up to 0777) or \xHEX. */
void ld_show_xwstring(struct ld_xstrings_out *o, const struct ld_examine *x,
		      const uint32_t *units, size_t n, bool cut);
/* The --json document (when any string was read: ok); frees the rows. */
int ld_xstrings_end(struct ld_xstrings_out *o, bool ok);

#endif
