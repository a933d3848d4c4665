/* The model of a code listing (`x/Ni`, `disassemble`): decoded
 * instructions of the tracee, with int3s hidden, each with the names of
 * the addresses it mentions and the region a rip-relative operand
 * reaches.  The presentation layer renders it. */
#ifndef LAYOUTDBG_CODE_H
#define LAYOUTDBG_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/disasm.h"
#include "layoutdbg/session.h"

struct ld_code_line {
	struct ld_insn in;
	/* names, in the listing's string pool ("" when none): */
	const char *where;       /* "main+8"; "" when no symbol covers it */
	const char *target;      /* symbol of in.target */
	const char *ref;         /* symbol of in.ref */
	const char *region;      /* what in.ref lies in: ".bss of heap",
				    "[heap]", "unmapped" */
	bool current;            /* the selected frame's pc */
	const char *file;        /* source of the address (with_source) */
	unsigned line;           /* 0: none */
};

struct ld_code {
	struct ld_code_line *v;
	size_t n, cap;
	char *pool;              /* the lines' names, NUL-separated */
	size_t pool_len, pool_cap;
	char func[128];          /* disassemble FUNC (or around an address):
				    its name; "" for a range or x/i */
	uint64_t lo, hi;         /* the range asked for ([lo, hi)) */
	uint64_t fault;          /* 0, or the first address not readable */
	unsigned first_line;     /* with_source: the line of the first row of
				    the line table in [lo, hi); 0: none */
};

void ld_code_release(struct ld_code *c);

/* Decode count instructions from addr (x/Ni).  0, or -1 after an error
 * was printed; a listing cut short by unreadable memory sets c->fault and
 * keeps what was decoded. */
int ld_code_count(struct ld_session *s, uint64_t addr, size_t count,
		  bool with_source, struct ld_code *c);

/* Decode the instructions starting in [lo, hi). */
int ld_code_range(struct ld_session *s, uint64_t lo, uint64_t hi,
		  bool with_source, struct ld_code *c);

/* The function covering addr: its name and [lo, hi).  0, or -1 after
 * printing an error that starts with what. */
int ld_code_function(struct ld_session *s, const char *what, uint64_t addr,
		     char *name, size_t len, uint64_t *lo, uint64_t *hi);

/* gdb's name for addr in a listing: a symbol, else a PLT stub or GOT slot
 * name ("write@plt"); "" when none.  Returns buf. */
const char *ld_code_symbolize(struct ld_session *s, uint64_t addr, char *buf,
			      size_t len);

#endif
