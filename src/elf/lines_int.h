/* Internals of the DWARF line reader shared by lines.c (opening, reading
 * the line tables, lookups by address) and linespec.c (functions, blocks,
 * prologues and lookups by FILE:LINE).  Callers use layoutdbg/lines.h. */
#ifndef LD_LINES_INT_H
#define LD_LINES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>
#include <libelf.h>

#include "layoutdbg/lines.h"

#define NO_INDEX UINT32_MAX

enum {
	ROW_STMT = 1 << 0,		/* DWARF is_stmt: a place to stop */
	ROW_END = 1 << 1,		/* end of a sequence: covers nothing */
	ROW_PROLOGUE_END = 1 << 2,	/* DW_LNS_set_prologue_end */
};

struct row {
	uint64_t addr;
	uint32_t line;
	uint32_t file;		/* index in table.files */
	uint32_t order;		/* read order: keeps the sort stable */
	uint8_t flags;
};

struct file {
	char *path;		/* as recorded, comp dir joined */
	uint32_t unit;		/* index in table.units */
};

struct fn_range {		/* an address range of a function */
	uint64_t lo, hi;
	Dwarf_Die die;
};

struct unit {
	Dwarf_Die die;
	uint32_t name;		/* index in table.files, or NO_INDEX */
	int lang;		/* DW_LANG_* */
	bool gcc45;		/* produced by GCC 4.5 or later */
	signed char trusted;	/* gdb's locations_valid; -1: not known yet */
	/* Its ranges: uspans[span0 .. span0 + nspan), sorted; ranged: it
	 * listed some (kept or not).  Its rows are read on the first query
	 * of an address in them (rows_loaded); a unit without ranges at
	 * the first query of any address. */
	uint32_t span0, nspan;
	bool ranged, rows_loaded;
	/* The outermost functions' ranges, sorted, built on first need:
	 * without them each lookup would walk every DIE of the unit. */
	bool indexed;
	struct fn_range *fns;
	size_t nfns, fns_cap;
};

struct span {			/* an address range of one unit */
	uint64_t lo, hi;
	uint32_t unit;
};

/* The ranges of the unit being read, and where the rows are in them. */
struct spans {
	const struct span *v;
	size_t n, k;
	bool any;		/* the unit has ranges (some maybe dropped) */
};

struct table {
	bool indexed;		/* units and their ranges listed */
	bool loaded;		/* the rows of every unit read */
	struct row *rows;
	size_t nrows, rows_cap;
	uint32_t order;
	struct file *files;
	size_t nfiles, files_cap;
	struct unit *units;
	size_t nunits, units_cap;
	struct span *spans;	/* every unit's, sorted by address */
	size_t nspans, spans_cap;
	struct span *uspans;	/* by unit (struct unit span0, nspan) */
	size_t nuspans, uspans_cap;
};

struct code {			/* an executable section */
	uint64_t lo, hi;
};

struct ld_lines {
	int fd;
	Elf *elf;
	Dwarf *dwarf;
	bool x86_64;		/* the prologue analysis reads x86-64 code */
	/* Where code can be.  Addresses of functions the linker discarded
	 * are relocated to 0; gdb ignores them unless a section really is
	 * at 0 (dwarf2/read.c has_section_at_zero). */
	bool section_at_zero;
	struct code *code;
	size_t ncode;
	/* Behind a pointer so that queries, which take a const handle, can
	 * fill it on first use: loading lazily is not a visible change. */
	struct table *t;
};

/* A function as gdb's symbol reader sees it: a DW_TAG_subprogram's block,
 * or, without one, the caller's bounds (gdb's minimal symbol). */
struct func {
	uint64_t entry;		/* gdb's BLOCK_ENTRY_PC */
	uint64_t end;		/* exclusive */
	uint32_t unit;		/* NO_INDEX: no unit covers it */
	bool dwarf;		/* found in .debug_info */
};

/* Make room for one more element in a growable array. */
int ld_lines_grow(void **v, size_t *cap, size_t n, size_t size);
#define GROW(t, what) \
	ld_lines_grow((void **)&(t)->what, &(t)->what##_cap, (t)->n##what, \
		      sizeof *(t)->what)

/* Could [lo, hi) hold code?  Not if the linker discarded it: gdb skips
 * such ranges and functions (dwarf2/read.c dwarf2_ranges_read,
 * read_func_scope). */
bool ld_lines_real_range(const struct ld_lines *l, uint64_t lo, uint64_t hi);

/* The table, read on first use.  Out of memory leaves it empty.
 * ld_lines_table: every unit's rows (lookups by file and line);
 * ld_lines_table_at: the rows of the units holding an address of
 * [lo, hi), read on first need (lookups by address: a stop, a frame, a
 * function's prologue read one unit, not all of a big program's). */
struct table *ld_lines_table(const struct ld_lines *l);
struct table *ld_lines_table_at(const struct ld_lines *l, uint64_t lo, uint64_t hi);
/* The units and their ranges only, no rows (a walk of the DIEs). */
struct table *ld_lines_units(const struct ld_lines *l);

/* Index of the first row with an address at or above pc. */
size_t ld_lines_lower_bound(const struct table *t, uint64_t pc);

/* gdb's find_pc_line: the row covering pc, or NULL, and in *end where
 * its range stops (the next row's address; 0 if none). */
const struct row *ld_lines_covering(const struct table *t, uint64_t pc,
				    uint64_t *end);

/* The unit whose ranges hold pc, or else the unit of the row covering
 * it (for units without ranges); NO_INDEX if none. */
uint32_t ld_lines_unit_of(const struct table *t, uint64_t pc);

/* name made absolute with dir (a unit's DW_AT_comp_dir), malloc'd; NULL
 * when out of memory. */
char *ld_lines_join_path(const char *dir, const char *name);

#define MAX_SCOPES 64

/* The DIEs with addresses that hold pc, outermost first: gdb's chain of
 * blocks.  Not libdw's dwarf_getscopes: it does not look inside
 * namespaces, where clang puts the definitions of C++ functions. */
struct scopes {
	Dwarf_Die die[MAX_SCOPES];
	int n;
};

/* Fill s with the scopes holding pc; the unit holding pc, or NO_INDEX
 * (s empty). */
uint32_t ld_lines_scopes_at(const struct ld_lines *l, struct table *t,
			    uint64_t pc, struct scopes *s);

/* Does die have addresses (1 if they hold pc, 0 if not), or none (-1)? */
int ld_lines_holds(const struct ld_lines *l, Dwarf_Die *die, uint64_t pc);

#endif
