/* Inlined code from DWARF (DW_TAG_inlined_subroutine): which inlined
 * copies of functions hold an address, innermost first, and where each
 * was called from, as gdb's inline frames show them.  Link-time
 * addresses; no ptrace.  Read from the handle of lines.h (its DWARF). */
#ifndef LAYOUTDBG_INLINES_H
#define LAYOUTDBG_INLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/lines.h"

/* One inlined copy holding an address.  Strings live until
 * ld_lines_free. */
struct ld_inline {
	const char *name;       /* the inlined function's DW_AT_name (through
				   its abstract origin); "??" without one */
	const char *linkage;    /* its DW_AT_linkage_name, NULL without */
	const char *call_file;  /* where it was called from (path as the line
				   table has it), NULL when unknown */
	unsigned call_line;     /* 0 when unknown */
	uint64_t entry;         /* gdb's BLOCK_ENTRY_PC: the start of its
				   first range */
	bool starts;            /* the address begins one of its ranges (gdb's
				   block_starting_point_at: addr - 1 lies
				   outside the copy) */
};

/* The inlined copies holding addr, innermost first, at most max of them:
 * how many were filled (0: addr is in no inlined code, or nothing is
 * known about it). */
size_t ld_lines_inlined_at(const struct ld_lines *l, uint64_t addr,
			   struct ld_inline *out, size_t max);

/* Where each inlined copy of the function called name begins (its
 * DW_AT_name; a C++ name "ns::f" against its linkage name demangled):
 * fills at most max entry addresses (unsorted) and returns how many
 * copies there are.  Reads every unit's DIEs: for `break`, not per stop. */
size_t ld_lines_inlined_entries(const struct ld_lines *l, const char *name,
				uint64_t *out, size_t max);

#endif
