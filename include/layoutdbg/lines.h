/* Source lines from DWARF (libdw): address <-> FILE:LINE, and where a
 * function's prologue ends.  Loaded lazily, per object, only when asked.
 * No ptrace: link-time addresses; callers add the load bias. */
#ifndef LAYOUTDBG_LINES_H
#define LAYOUTDBG_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ld_lines;  /* opaque */

/* Open the DWARF line information of an ELF file.  Returns 0 and *out, or
 * -1 with the reason in err ("no DWARF line information (stripped?)",
 * "No such file or directory", ...). */
int ld_lines_open(const char *path, struct ld_lines **out, char *err,
		  size_t errlen);
void ld_lines_free(struct ld_lines *l);   /* NULL is fine */

struct ld_line {
	const char *file;    /* full path as recorded (comp dir joined) */
	unsigned line;
	uint64_t addr;       /* link-time address of the row */
	bool is_stmt;
};

/* The row covering addr (the last row with row.addr <= addr inside the
 * same sequence), or false. */
bool ld_lines_at(const struct ld_lines *l, uint64_t addr, struct ld_line *out);

/* Addresses where FILE:LINE begins: file matches by full path, or by a
 * path suffix on a '/' boundary ("heap.c" matches "/x/fixtures/heap.c").
 * If LINE has no code, the next line that has code is used (as gdb does)
 * and *actual_line says which.  Fills at most max addresses (one per
 * function/inlined copy, lowest is_stmt address of each), returns how many
 * (0: no such file or no code at/after that line), or -1 when file matches
 * no compilation unit's file (then err says so). */
int ld_lines_find(const struct ld_lines *l, const char *file, unsigned line,
		  uint64_t *addrs, size_t max, unsigned *actual_line,
		  char *err, size_t errlen);

/* The address after the prologue of the function that starts at
 * func_addr, the way gdb chooses it: the address of the second line-table
 * row (by address) of the function whose line differs ... i.e. the first
 * is_stmt row with addr > func_addr whose line is not the function's
 * opening line, provided it lies before func_end.  Returns func_addr when
 * unknown. */
uint64_t ld_lines_after_prologue(const struct ld_lines *l, uint64_t func_addr,
				 uint64_t func_end);

/* Iterate over rows of one source line range for `list`: the source file
 * path of the compilation unit containing addr. */
const char *ld_lines_file_of(const struct ld_lines *l, uint64_t addr);

/* Rows (is_stmt) in [lo, hi), sorted by address, for `next`/`step`: the
 * caller gets at most max. */
size_t ld_lines_in_range(const struct ld_lines *l, uint64_t lo, uint64_t hi,
			 struct ld_line *out, size_t max);

#endif
