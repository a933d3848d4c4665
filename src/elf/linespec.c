/* Where gdb would stop: the function and lexical block holding an address,
 * prologue analysis (the address `break FUNC` chooses) and the addresses
 * of FILE:LINE (gdb/linespec.c create_sals_line_offset).  See lines.c for
 * the rules followed and the known gaps.  Nothing here prints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <libelf.h>

#include "layoutdbg/error.h"
#include "layoutdbg/lines.h"
#include "layoutdbg/prologue.h"
#include "lines_int.h"

/* ---- functions and blocks ----------------------------------------------- */

/* gdb's block bounds: the lowest and highest address of the DIE's ranges;
 * the entry is the start of the first range listed.  False for a DIE
 * without addresses, as an abstract origin or a discarded function. */
static bool die_bounds(const struct ld_lines *l, Dwarf_Die *die,
		       struct func *f)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	bool any = false;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (!ld_lines_real_range(l, lo, hi))
			continue;
		if (!any) {
			f->entry = lo;
			f->end = hi;
		} else if (hi > f->end) {
			f->end = hi;
		}
		any = true;
	}
	return any;
}

int ld_lines_holds(const struct ld_lines *l, Dwarf_Die *die, uint64_t pc)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	int any = -1;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (ld_lines_real_range(l, lo, hi) && lo <= pc && pc < hi)
			return 1;
		any = 0;
	}
	return any;
}

/* A scope with no addresses of its own that may hold functions (C++
 * namespaces and classes, Fortran modules). */
static bool holds_code_by_name(int tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
	       tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_module;
}

/* Below die, the scopes holding pc; true once one is found.  Depth-
 * limited: a malformed tree must not exhaust the stack. */
static bool descend(const struct ld_lines *l, Dwarf_Die *die, uint64_t pc,
		    struct scopes *s, int depth)
{
	Dwarf_Die c;

	if (depth >= MAX_SCOPES || dwarf_child(die, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c), h = 0;

		switch (tag) {
		case DW_TAG_subprogram:
		case DW_TAG_inlined_subroutine:
		case DW_TAG_lexical_block:
		case DW_TAG_try_block:
		case DW_TAG_catch_block:
			h = ld_lines_holds(l, &c, pc);
			break;
		default:
			if (holds_code_by_name(tag))
				h = -1;		/* no addresses, may hold code */
			break;
		}
		if (h == 1) {
			if (s->n < MAX_SCOPES)
				s->die[s->n++] = c;
			descend(l, &c, pc, s, depth + 1);
			return true;
		}
		/* gdb reads a lexical block without addresses as if its
		 * contents were outside it; no other scope is like that */
		if (h < 0 && (tag != DW_TAG_subprogram &&
			      tag != DW_TAG_inlined_subroutine) &&
		    dwarf_haschildren(&c) > 0 && descend(l, &c, pc, s, depth + 1))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Collect the ranges of the functions below die, looking inside
 * namespaces and classes but not inside functions. */
static int index_fns(const struct ld_lines *l, struct unit *u, Dwarf_Die *die,
		     int depth)
{
	Dwarf_Addr base, lo, hi;
	Dwarf_Die c;

	if (depth >= MAX_SCOPES || dwarf_child(die, &c) != 0)
		return 0;
	do {
		ptrdiff_t off = 0;
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_subprogram) {
			while ((off = dwarf_ranges(&c, off, &base, &lo, &hi)) > 0) {
				if (!ld_lines_real_range(l, lo, hi))
					continue;
				if (GROW(u, fns) < 0)
					return -ENOMEM;
				u->fns[u->nfns++] = (struct fn_range){ lo, hi, c };
			}
		} else if (holds_code_by_name(tag) &&
			   index_fns(l, u, &c, depth + 1) < 0) {
			return -ENOMEM;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

static int cmp_fns(const void *a, const void *b)
{
	const struct fn_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The outermost function of u holding pc, or NULL. */
static struct fn_range *fn_at(const struct ld_lines *l, struct unit *u,
			      uint64_t pc)
{
	size_t lo = 0, hi;

	if (!u->indexed) {
		u->indexed = true;
		if (index_fns(l, u, &u->die, 0) < 0)
			u->nfns = 0;
		else if (u->nfns)
			qsort(u->fns, u->nfns, sizeof *u->fns, cmp_fns);
	}
	for (hi = u->nfns; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->fns[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && pc < u->fns[lo - 1].hi ? &u->fns[lo - 1] : NULL;
}

uint32_t ld_lines_scopes_at(const struct ld_lines *l, struct table *t,
			    uint64_t pc, struct scopes *s)
{
	uint32_t u = ld_lines_unit_of(t, pc);
	struct fn_range *f;

	s->n = 0;
	if (u == NO_INDEX)
		return u;
	f = fn_at(l, &t->units[u], pc);
	if (f) {
		s->die[s->n++] = f->die;
		descend(l, &f->die, pc, s, 1);
	} else if (t->units[u].nfns == 0) {
		/* nothing indexed (out of memory?): walk the whole unit */
		descend(l, &t->units[u].die, pc, s, 0);
	}
	return u;
}

/* The innermost function (not an inlined copy: gdb's
 * find_pc_sect_function) containing pc. */
static bool func_at(const struct ld_lines *l, struct table *t, uint64_t pc,
		    struct func *f)
{
	struct scopes s;
	int i;

	f->unit = ld_lines_scopes_at(l, t, pc, &s);
	f->dwarf = false;
	for (i = s.n - 1; i >= 0 && !f->dwarf; i--)
		if (dwarf_tag(&s.die[i]) == DW_TAG_subprogram)
			f->dwarf = die_bounds(l, &s.die[i], f);
	return f->dwarf;
}

/* gdb makes a block of a lexical scope only when it declares something
 * (dwarf2/read.c read_lexical_block_scope). */
static bool declares(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die c;

	if (dwarf_child(die, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine)
			continue;
		if (dwarf_attr_integrate(&c, DW_AT_name, &a) ||
		    tag == DW_TAG_enumeration_type ||
		    tag == DW_TAG_imported_module ||
		    tag == DW_TAG_imported_declaration)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* gdb's block_for_pc: the innermost function, inlined copy or declaring
 * lexical block holding pc, else the unit (gdb's static block); as a
 * DIE offset, 0 when no unit holds pc. */
static Dwarf_Off block_at(const struct ld_lines *l, struct table *t,
			  uint64_t pc)
{
	struct scopes s;
	uint32_t u = ld_lines_scopes_at(l, t, pc, &s);
	int i;

	if (u == NO_INDEX)
		return 0;
	for (i = s.n - 1; i >= 0; i--) {
		int tag = dwarf_tag(&s.die[i]);

		if (tag == DW_TAG_subprogram ||
		    tag == DW_TAG_inlined_subroutine || declares(&s.die[i]))
			return dwarf_dieoffset(&s.die[i]);
	}
	return dwarf_dieoffset(&t->units[u].die);
}

/* When pc is in code inlined into a function, gdb names the line of the
 * outermost call (symtab.c skip_prologue_sal); 0 if pc is not. */
static unsigned call_line_at(const struct ld_lines *l, struct table *t,
			     uint64_t pc)
{
	Dwarf_Attribute a;
	Dwarf_Word line = 0;
	struct scopes s;
	int i, outer = -1;

	ld_lines_scopes_at(l, t, pc, &s);
	for (i = s.n - 1; i >= 0; i--) {
		int tag = dwarf_tag(&s.die[i]);

		if (tag == DW_TAG_subprogram)
			break;
		if (tag == DW_TAG_inlined_subroutine)
			outer = i;
	}
	if (outer < 0 ||
	    dwarf_formudata(dwarf_attr(&s.die[outer], DW_AT_call_line, &a),
			    &line) != 0 || line > UINT32_MAX)
		return 0;
	return (unsigned)line;
}

static bool is_loclist(Dwarf_Attribute *a)
{
	switch (dwarf_whatform(a)) {
	case DW_FORM_sec_offset:
	case DW_FORM_loclistx:
	case DW_FORM_data4:	/* DWARF 2 and 3 location list offsets */
	case DW_FORM_data8:
		return true;
	}
	return false;
}

/* Does any variable below die have a location list?  Depth-limited: a
 * malformed tree must not exhaust the stack. */
static bool has_loclist(Dwarf_Die *die, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die c;

	if (depth > 64 || dwarf_child(die, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);

		if ((tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) &&
		    dwarf_attr(&c, DW_AT_location, &a) && is_loclist(&a))
			return true;
		if (dwarf_haschildren(&c) > 0 && has_loclist(&c, depth + 1))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* gdb's locations_valid (dwarf2/read.c process_full_comp_unit): in an
 * optimised unit from GCC 4.5 or later, gdb trusts the function entry as
 * the place to stop and skips no prologue. */
static bool trusted(struct table *t, uint32_t unit)
{
	struct unit *u;

	if (unit == NO_INDEX)
		return false;
	u = &t->units[unit];
	if (u->trusted < 0)
		u->trusted = u->gcc45 && has_loclist(&u->die, 0);
	return u->trusted;
}

static bool is_asm(const struct table *t, uint32_t unit)
{
	return unit != NO_INDEX && t->units[unit].lang == DW_LANG_Mips_Assembler;
}

/* ---- prologues ---------------------------------------------------------- */

/* Up to len bytes of code at a link-time address, zero-padded past the
 * end of its section.  Returns how many bytes were real (0: none, as
 * when the file is separate debug info whose .text is NOBITS). */
static size_t read_code(const struct ld_lines *l, uint64_t addr,
			unsigned char *buf, size_t len)
{
	Elf_Scn *scn = NULL;

	memset(buf, 0, len);
	while ((scn = elf_nextscn(l->elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		uint64_t off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || addr < sh.sh_addr ||
		    addr - sh.sh_addr >= sh.sh_size)
			continue;
		off = addr - sh.sh_addr;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || off >= d->d_size)
			return 0;
		if (len > d->d_size - off)
			len = d->d_size - off;
		memcpy(buf, (const unsigned char *)d->d_buf + off, len);
		return len;
	}
	return 0;
}

/* gdb's amd64_analyze_prologue: past the frame setup (prologue.h), or
 * entry itself for a function without a frame pointer.  Returns false
 * when the code cannot be read. */
static bool frame_setup_end(const struct ld_lines *l, uint64_t entry,
			    uint64_t *pc)
{
	unsigned char c[8];	/* the longest frame setup: endbr64, push, movq */
	size_t n;

	if (!l->x86_64 || (n = read_code(l, entry, c, sizeof c)) == 0)
		return false;
	*pc = entry + ld_prologue_frame_setup(c, n);
	return true;
}

/* gdb 13 first trusts DW_LNS_set_prologue_end (clang emits it; GCC 12
 * does not): the first marked row of the entry's file within the
 * function (symtab.c skip_prologue_using_linetable). */
static bool marked_prologue_end(const struct table *t, const struct func *f,
				uint64_t *pc)
{
	const struct row *first = ld_lines_covering(t, f->entry, NULL);
	size_t i;

	if (!first)
		return false;
	for (i = ld_lines_lower_bound(t, f->entry); i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (r->addr > f->end)
			break;
		if (r->file == first->file && (r->flags & ROW_PROLOGUE_END)) {
			*pc = r->addr;
			return true;
		}
	}
	return false;
}

/* gdb's skip_prologue_sal: where a breakpoint on function f goes. */
static uint64_t skip_prologue(const struct ld_lines *l, struct table *t,
			      const struct func *f)
{
	const struct row *r;
	uint64_t pc, end;
	bool known;

	if (marked_prologue_end(t, f, &pc))
		return pc;
	/* locations_valid runs gdb's second pass, which skips nothing */
	if (f->dwarf && trusted(t, f->unit))
		return f->entry;
	known = frame_setup_end(l, f->entry, &pc);
	if (!known)	/* no code to read: assume the frame is set up */
		pc = f->entry;	/* inside the first row, as GCC does */
	r = ld_lines_covering(t, pc, &end);
	/* Left mid-row: go to the next row if it is in the same function. */
	if (r && (!known || r->addr != pc) && end && f->entry <= end &&
	    end < f->end)
		pc = end;
	return pc;
}

uint64_t ld_lines_after_prologue(const struct ld_lines *l, uint64_t func_addr,
				 uint64_t func_end)
{
	struct table *t = ld_lines_table_at(l, func_addr, func_end);
	struct func f;
	uint64_t pc;

	if (!func_at(l, t, func_addr, &f)) {
		/* gdb's minimal-symbol path: the caller's bounds */
		f.entry = func_addr;
		f.end = func_end > func_addr ? func_end : UINT64_MAX;
	}
	/* symtab.c find_function_start_sal_1: no skipping where gdb trusts
	 * the unit's locations, or in assembly */
	if (ld_lines_covering(t, func_addr, NULL) &&
	    (trusted(t, f.unit) || is_asm(t, f.unit)))
		return func_addr;
	pc = skip_prologue(l, t, &f);
	return pc > func_addr ? pc : func_addr;
}

/* ---- lookups by line ---------------------------------------------------- */

/* Does a recorded path name the file the user gave: the same path, or a
 * path ending in it after a '/' ("heap.c", "fixtures/heap.c")? */
static bool path_matches(const char *path, const char *want)
{
	size_t n = strlen(path), w = strlen(want);

	if (w == 0 || w > n)
		return false;
	if (memcmp(path + n - w, want, w) != 0)
		return false;
	/* an absolute path must match whole, as in gdb */
	return w == n || (want[0] != '/' && path[n - w - 1] == '/');
}

/* Which files match want; the number that do, or -ENOMEM. */
static int match_files(const struct table *t, const char *want, bool **out)
{
	size_t i;
	int n = 0;

	*out = calloc(t->nfiles ? t->nfiles : 1, sizeof **out);
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < t->nfiles; i++)
		if (path_matches(t->files[i].path, want)) {
			(*out)[i] = true;
			n++;
		}
	return n;
}

/* gdb's find_line_common over all matching files: the line itself if a
 * statement row has it, else the smallest later line that has one, else
 * 0. */
static unsigned pick_line(const struct table *t, const bool *match,
			  unsigned line)
{
	unsigned best = 0;
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (!match[r->file] || !(r->flags & ROW_STMT) ||
		    (r->flags & ROW_END) || r->line < line)
			continue;
		if (r->line == line)
			return line;
		if (best == 0 || r->line < best)
			best = r->line;
	}
	return best;
}

struct loc {
	uint64_t addr;
	unsigned line;
	Dwarf_Off block;
};

/* The statement rows of the line, lowest address first. */
static int collect(const struct table *t, const bool *match, unsigned line,
		   struct loc **out, size_t *n)
{
	size_t i, cap = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (!match[r->file] || !(r->flags & ROW_STMT) ||
		    (r->flags & ROW_END) || r->line != line)
			continue;
		if (ld_lines_grow((void **)out, &cap, *n, sizeof **out) < 0)
			return -ENOMEM;
		(*out)[(*n)++] = (struct loc){ r->addr, line, 0 };
	}
	return 0;
}

/* A line's code can be scattered over several ranges of one block (a
 * `for` header is); gdb keeps the first address of each block. */
static size_t one_per_block(const struct ld_lines *l, struct table *t,
			     struct loc *v, size_t n)
{
	size_t i, j, keep = 0;

	for (i = 0; i < n; i++)
		v[i].block = block_at(l, t, v[i].addr);
	for (i = 0; i < n; i++) {
		for (j = 0; j < keep; j++)
			if (v[i].block && v[j].block == v[i].block)
				break;
		if (j == keep)
			v[keep++] = v[i];
	}
	return keep;
}

/* gdb's skip_prologue_sal for a line: an address inside the prologue of
 * its function moves past it, and takes the line found there. */
static void past_prologue(const struct ld_lines *l, struct table *t,
			  struct loc *v)
{
	const struct row *r;
	unsigned line;
	struct func f;
	uint64_t pc;

	if (!func_at(l, t, v->addr, &f) || is_asm(t, f.unit))
		return;
	pc = skip_prologue(l, t, &f);
	if (v->addr >= pc)
		return;
	r = ld_lines_covering(t, pc, NULL);
	v->addr = pc;
	v->line = r ? r->line : v->line;
	if ((line = call_line_at(l, t, pc)) != 0)
		v->line = line;
}

static int cmp_locs(const void *a, const void *b)
{
	const struct loc *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sorted, duplicates gone, the first max copied out; how many copied. */
static size_t emit(struct loc *v, size_t n, uint64_t *addrs, size_t max,
		   unsigned *actual_line)
{
	size_t i, k = 0;

	qsort(v, n, sizeof *v, cmp_locs);
	for (i = 0; i < n && k < max; i++) {
		if (i > 0 && v[i].addr == v[i - 1].addr)
			continue;
		if (k == 0 && actual_line)
			*actual_line = v[i].line;
		addrs[k++] = v[i].addr;
	}
	return k;
}

static int find_rows(const struct ld_lines *l, const char *file,
		     unsigned line, uint64_t *addrs, size_t max,
		     unsigned *actual_line, bool past, char *err, size_t errlen)
{
	struct table *t = ld_lines_table(l);
	struct loc *v = NULL;
	bool *match = NULL;
	size_t i, n = 0;
	unsigned want;
	int ret;

	if (actual_line)
		*actual_line = 0;
	ret = match_files(t, file, &match);
	if (ret < 0)
		goto nomem;
	if (ret == 0) {
		ret = ld_fail(err, errlen, "no source file named '%s'", file);
		goto out;
	}
	want = line ? pick_line(t, match, line) : 0;
	if (want == 0) {
		ld_fail(err, errlen, "no line %u in file '%s'", line, file);
		ret = 0;
		goto out;
	}
	if (collect(t, match, want, &v, &n) < 0)
		goto nomem;
	n = one_per_block(l, t, v, n);
	for (i = 0; past && i < n; i++)
		past_prologue(l, t, &v[i]);
	ret = (int)emit(v, n, addrs, max, actual_line);
	goto out;
nomem:
	ret = ld_fail(err, errlen, "%s", strerror(ENOMEM));
out:
	free(match);
	free(v);
	return ret;
}

int ld_lines_find(const struct ld_lines *l, const char *file, unsigned line,
		  uint64_t *addrs, size_t max, unsigned *actual_line,
		  char *err, size_t errlen)
{
	return find_rows(l, file, line, addrs, max, actual_line, true, err,
			 errlen);
}

int ld_lines_line_start(const struct ld_lines *l, const char *file,
			unsigned line, uint64_t *addr, unsigned *actual_line,
			char *err, size_t errlen)
{
	return find_rows(l, file, line, addr, 1, actual_line, false, err, errlen);
}

/* gdb names a frame by its function's DWARF name, not the ELF symbol
 * (tcache_init for tcache_init.part.0, __libc_calloc for calloc). */
const char *ld_lines_function_name(const struct ld_lines *l, uint64_t pc)
{
	struct table *t = ld_lines_table_at(l, pc, pc + 1);
	struct scopes s;
	uint32_t u;
	int i;

	if (!t || (u = ld_lines_scopes_at(l, t, pc, &s)) == NO_INDEX)
		return NULL;
	if (t->units[u].lang != DW_LANG_C && t->units[u].lang != DW_LANG_C89 &&
	    t->units[u].lang != DW_LANG_C99 && t->units[u].lang != DW_LANG_C11)
		return NULL;	/* C++ names are qualified: the symbol's */
	for (i = s.n - 1; i >= 0; i--) {
		Dwarf_Attribute a;
		const char *n;

		if (dwarf_tag(&s.die[i]) != DW_TAG_subprogram)
			continue;
		/* an asm label (glibc's __GI___sbrk for __sbrk) is the
		 * name gdb shows */
		if (dwarf_attr_integrate(&s.die[i], DW_AT_linkage_name, &a) &&
		    (n = dwarf_formstring(&a)))
			return n;
		return dwarf_diename(&s.die[i]);
	}
	return NULL;
}
