/* Inlined copies of functions holding an address (gdb's inline frames,
 * inline-frame.c): the chain of DW_TAG_inlined_subroutine scopes from
 * the block walk of linespec.c, each with its DW_AT_call_file and
 * DW_AT_call_line. */
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "layoutdbg/demangle.h"
#include "layoutdbg/inlines.h"
#include "lines_int.h"

/* The path of file index idx of unit u as the line table keeps it (so it
 * lives as long as l), or NULL. */
static const char *unit_file(const struct table *t, uint32_t u, Dwarf_Word idx)
{
	Dwarf_Die cu = t->units[u].die;
	Dwarf_Attribute a;
	const char *name, *dir;
	Dwarf_Files *files;
	size_t n, i;
	char *path;
	const char *found = NULL;

	if (dwarf_getsrcfiles(&cu, &files, &n) != 0 || idx >= n)
		return NULL;
	name = dwarf_filesrc(files, idx, NULL, NULL);
	dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &a));
	if (!name || !(path = ld_lines_join_path(dir, name)))
		return NULL;
	for (i = 0; i < t->nfiles && !found; i++)
		if (t->files[i].unit == u && strcmp(t->files[i].path, path) == 0)
			found = t->files[i].path;
	free(path);
	return found;
}

static unsigned udata(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute a;
	Dwarf_Word v = 0;

	if (dwarf_formudata(dwarf_attr(die, name, &a), &v) != 0 || v > UINT32_MAX)
		return 0;
	return (unsigned)v;
}

static void describe_names(Dwarf_Die *die, struct ld_inline *in)
{
	Dwarf_Attribute a;

	in->name = dwarf_diename(die);
	if (!in->name)
		in->name = "??";
	in->linkage = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	if (!in->linkage)
		in->linkage = dwarf_formstring(dwarf_attr_integrate(die,
						DW_AT_MIPS_linkage_name, &a));
}

static void describe(const struct ld_lines *l, const struct table *t,
		     uint32_t u, Dwarf_Die *die, uint64_t addr,
		     struct ld_inline *in)
{
	Dwarf_Addr base, lo, hi;
	Dwarf_Attribute a;
	Dwarf_Word file;
	ptrdiff_t off = 0;

	describe_names(die, in);
	in->call_line = udata(die, DW_AT_call_line);
	in->call_file = NULL;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &a), &file) == 0)
		in->call_file = unit_file(t, u, file);
	in->entry = 0;
	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0)
		if (ld_lines_real_range(l, lo, hi)) {
			in->entry = lo;
			break;
		}
	in->starts = addr == in->entry || ld_lines_holds(l, die, addr - 1) != 1;
}

size_t ld_lines_inlined_at(const struct ld_lines *l, uint64_t addr,
			   struct ld_inline *out, size_t max)
{
	struct table *t = ld_lines_table_at(l, addr, addr + 1);
	struct scopes s;
	uint32_t u;
	size_t n = 0;
	int i;

	if (!t || max == 0)
		return 0;
	u = ld_lines_scopes_at(l, t, addr, &s);
	if (u == NO_INDEX)
		return 0;
	for (i = s.n - 1; i >= 0 && n < max; i--) {
		int tag = dwarf_tag(&s.die[i]);

		if (tag == DW_TAG_subprogram)
			break;
		if (tag == DW_TAG_inlined_subroutine)
			describe(l, t, u, &s.die[i], addr, &out[n++]);
	}
	return n;
}

/* Does die (an inlined copy) copy a function called name: its DW_AT_name,
 * or its linkage name demangled without parameters? */
static bool copies(Dwarf_Die *die, const char *name)
{
	struct ld_inline c;
	char *d;
	bool same;

	c.name = dwarf_diename(die);
	if (c.name && strcmp(c.name, name) == 0)
		return !strchr(name, ':');	/* C++: the qualified name decides */
	if (!strchr(name, ':'))
		return false;
	describe_names(die, &c);
	d = c.linkage ? ld_demangle(c.linkage, false) : NULL;
	same = d && strcmp(d, name) == 0;
	free(d);
	return same;
}

struct entries {
	const struct ld_lines *l;
	const char *name;
	uint64_t *out;
	size_t max, n;
};

static void add_entry(struct entries *e, Dwarf_Die *die)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0)
		if (ld_lines_real_range(e->l, lo, hi)) {
			if (e->n < e->max)
				e->out[e->n] = lo;
			e->n++;
			return;
		}
}

static void walk_entries(struct entries *e, Dwarf_Die *die, int depth)
{
	Dwarf_Die c;

	if (depth >= MAX_SCOPES || dwarf_child(die, &c) != 0)
		return;
	do {
		if (dwarf_tag(&c) == DW_TAG_inlined_subroutine && copies(&c, e->name))
			add_entry(e, &c);
		if (dwarf_haschildren(&c) > 0)
			walk_entries(e, &c, depth + 1);
	} while (dwarf_siblingof(&c, &c) == 0);
}

/* May a DIE of unit cu refer to another unit's (DW_FORM_ref_addr and the
 * like: LTO's inlined copies name their function so)?  Its abbreviations
 * tell, without reading its DIEs. */
static bool refers_out(Dwarf_Die *cu)
{
	Dwarf_Off off = 0;
	Dwarf_Abbrev *ab;
	unsigned name, form;
	size_t len, i;

	while ((ab = dwarf_getabbrev(cu, off, &len)) && ab != DWARF_END_ABBREV) {
		for (i = 0; dwarf_getabbrevattr(ab, i, &name, &form, NULL) == 0; i++)
			if (form == DW_FORM_ref_addr || form == DW_FORM_ref_sig8 ||
			    form == DW_FORM_GNU_ref_alt || form == DW_FORM_ref_sup4 ||
			    form == DW_FORM_ref_sup8)
				return true;
		off += len;
	}
	return ab == NULL;	/* unreadable: walk it */
}

/* Can unit cu hold an inlined copy of name?  Only when one of its
 * outermost DIEs is the abstract instance of a function so named (it
 * has DW_AT_inline), unless its DIEs may refer to other units'.  A
 * C++ name is always looked for (its abstract instances may sit in
 * namespaces).  Saves walking every DIE of a big program. */
static bool may_copy(Dwarf_Die *cu, const char *name)
{
	const char *n;
	Dwarf_Die c;

	if (strchr(name, ':') || refers_out(cu))
		return true;
	if (dwarf_child(cu, &c) != 0)
		return false;
	do {
		if (dwarf_tag(&c) == DW_TAG_subprogram &&
		    dwarf_hasattr(&c, DW_AT_inline) &&
		    (n = dwarf_diename(&c)) && strcmp(n, name) == 0)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

size_t ld_lines_inlined_entries(const struct ld_lines *l, const char *name,
				uint64_t *out, size_t max)
{
	struct entries e = { l, name, out, max, 0 };
	struct table *t = ld_lines_units(l);
	size_t i;

	for (i = 0; t && i < t->nunits; i++)
		if (may_copy(&t->units[i].die, name))
			walk_entries(&e, &t->units[i].die, 0);
	return e.n;
}
