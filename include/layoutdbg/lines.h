/* Source lines from DWARF (libdw): address <-> FILE:LINE, and where a
 * breakpoint on a function or a line goes, chosen as gdb 13 chooses it.
 * Loaded lazily, per object, only when asked: the first query reads the
 * line tables, so the handle is not safe to share between threads.
 * No ptrace: link-time addresses; callers add the load bias. */
#ifndef LAYOUTDBG_LINES_H
#define LAYOUTDBG_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ld_lines;  /* opaque */

/* Open the DWARF line information of a linked ELF file (executable or
 * shared object).  Returns 0 and *out, or -1 and NULL with the reason in
 * err: "No such file or directory", "not an ELF file", "no DWARF line
 * information (stripped?)", "a relocatable object file: link it first",
 * "bad DWARF: ...".  Malformed DWARF found later never crashes a query:
 * what could be read answers. */
int ld_lines_open(const char *path, struct ld_lines **out, char *err,
		  size_t errlen);
void ld_lines_free(struct ld_lines *l);   /* NULL is fine */

struct ld_line {
	const char *file;    /* path as recorded, made absolute with the
			      * unit's DW_AT_comp_dir; lives until
			      * ld_lines_free */
	unsigned line;
	uint64_t addr;       /* link-time address where the row starts */
	bool is_stmt;
};

/* The row covering addr: the last row with row.addr <= addr inside the
 * same sequence (of several rows at that address, gdb's pick: a
 * statement one), or false (no sequence covers addr). */
bool ld_lines_at(const struct ld_lines *l, uint64_t addr, struct ld_line *out);

/* Where `break FILE:LINE` goes, as gdb 13 decides.  FILE matches a
 * recorded path whole, or (unless FILE is absolute) as a suffix after a
 * '/' ("heap.c" and "fixtures/heap.c" match "/x/fixtures/heap.c").  The
 * statement rows of LINE are used, or if there are none those of the
 * smallest later line that has some.  Of several rows in one lexical
 * block (a `for` header) only the lowest address is kept: one address
 * per function, inlined copy or block.  An address inside a function's
 * prologue (the opening brace, or lines before it) moves to the
 * function's ld_lines_after_prologue address.
 * Fills at most max addresses (max >= 1), sorted, each once, and returns
 * how many it filled; *actual_line gets the line gdb reports for the
 * first ("Breakpoint 1 at 0x...: file heap.c, line 11.": after the move
 * past a prologue, that row's line, or the call site's line if it lies
 * in inlined code).  Returns 0 when FILE matches but neither LINE nor a
 * later line has code, and -1 when FILE matches no file of any
 * compilation unit; err says which ("no line 18 in file 'heap.c'", "no
 * source file named 'x.c'"). */
int ld_lines_find(const struct ld_lines *l, const char *file, unsigned line,
		  uint64_t *addrs, size_t max, unsigned *actual_line,
		  char *err, size_t errlen);

/* `info line FILE:LINE`: the lowest address of LINE's rows, or of the
 * next line that has code (*actual_line says which), chosen as
 * ld_lines_find does but without the move past a prologue.  Returns 1,
 * or 0 / -1 with err as ld_lines_find. */
int ld_lines_line_start(const struct ld_lines *l, const char *file,
			unsigned line, uint64_t *addr, unsigned *actual_line,
			char *err, size_t errlen);

/* The row covering addr, and in *end where its range stops (the next
 * row's address: gdb's find_pc_line).  False when no row covers addr. */
bool ld_lines_range(const struct ld_lines *l, uint64_t addr,
		    struct ld_line *out, uint64_t *end);

/* Where `break FUNC` goes for the function at [func_addr, func_end), as
 * gdb 13 on x86-64 chooses it (symtab.c skip_prologue_sal):
 *  - the first row marked DW_LNS_set_prologue_end, if any (clang);
 *  - in units gdb trusts (optimised GCC code, with location lists) and in
 *    assembly, func_addr itself;
 *  - else, if the code begins `[endbr64] push %rbp; mov %rsp,%rbp`, the
 *    start of the next line-table row after those instructions (for
 *    GCC -O0 the function's second row, even on the same line), if it
 *    lies inside the function; a function without that frame setup stays
 *    at func_addr.
 * The DWARF function containing func_addr gives the bounds when there is
 * one; func_end is used only without (0: unknown).  Without the code (a
 * separate debug file) the frame setup is assumed.  Never below
 * func_addr. */
uint64_t ld_lines_after_prologue(const struct ld_lines *l, uint64_t func_addr,
				 uint64_t func_end);

/* The source file of the compilation unit containing addr (its DW_AT_name
 * made absolute), for `list`; NULL if no unit does.  Lives until
 * ld_lines_free. */
const char *ld_lines_file_of(const struct ld_lines *l, uint64_t addr);

/* The first row of the table (by address, then as read) starting in
 * [lo, hi), statement or not: the line gdb's `disassemble /s` starts its
 * listing from (do_mixed_source_and_assembly's first_le). */
bool ld_lines_first_row(const struct ld_lines *l, uint64_t lo, uint64_t hi,
			struct ld_line *out);

/* The statement rows starting in [lo, hi), sorted by address, one per
 * address (the row ld_lines_at reports there), for `next`/`step`.  Fills
 * at most max and returns how many it filled: max means there may be
 * more. */
size_t ld_lines_in_range(const struct ld_lines *l, uint64_t lo, uint64_t hi,
			 struct ld_line *out, size_t max);

/* The DWARF name of the function (not an inlined copy) holding addr
 * (link-time) in a C unit, or NULL: elsewhere the symbol's name is the
 * one gdb shows. */
const char *ld_lines_function_name(const struct ld_lines *l, uint64_t addr);

/* The libdw handle the lines were read from (for variables and types,
 * dwvars.h); lives until ld_lines_free.  NULL for NULL. */
struct Dwarf;
struct Dwarf *ld_lines_dwarf(const struct ld_lines *l);

#endif
