/* Breakpoints with several locations (gdb's breakpoint.c locations):
 * a function's out-of-line code plus each inlined copy of it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/bplocs.h"
#include "layoutdbg/demangle.h"
#include "layoutdbg/error.h"
#include "layoutdbg/infrun.h"
#include "layoutdbg/inlframes.h"
#include "layoutdbg/inlines.h"
#include "layoutdbg/source.h"

#define MAX_LOCS 1024

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort v[0..n) and drop repeats: the new count. */
static size_t sort_unique(uint64_t *v, size_t n)
{
	size_t i, m = 0;

	qsort(v, n, sizeof *v, cmp_u64);
	for (i = 0; i < n; i++)
		if (!m || v[m - 1] != v[i])
			v[m++] = v[i];
	return m;
}

/* Append to v[*n..MAX_LOCS) the inlined copies of sym in ob. */
static void copies_in(struct ld_obj *ob, const char *sym, uint64_t *v, size_t *n)
{
	struct ld_lines *l = ld_obj_lines(ob);
	size_t k, i;

	if (!l || *n >= MAX_LOCS)
		return;
	k = ld_lines_inlined_entries(l, sym, v + *n, MAX_LOCS - *n);
	if (k > MAX_LOCS - *n)
		k = MAX_LOCS - *n;
	for (i = 0; i < k; i++)
		v[*n + i] += ob->bias;
	*n += k;
}

/* Append to v[*n..MAX_LOCS) every overload of sym in ob (a C++ name
 * without parameters), past its prologue. */
static void overloads_in(struct ld_session *s, struct ld_obj *ob,
			 const char *sym, uint64_t *v, size_t *n)
{
	const struct ld_symbol *f[64];
	struct ld_elf *e = strchr(sym, ':') ? ld_obj_elf(ob) : NULL;
	size_t k, i;

	if (!e || ld_elf_lookup_any(e, sym))
		return;
	k = ld_elf_lookup_demangled_all(e, sym, f, 64);
	for (i = 0; i < k && i < 64 && *n < MAX_LOCS; i++)
		v[(*n)++] = ld_after_prologue(s, ob, ob->bias + f[i]->value);
}

/* "in helper at inlines.c:18" for location addr of bp; an overload is
 * named with its parameters, as gdb names it. */
static char *what_at(struct ld_session *s, const struct ld_bp *bp, uint64_t addr)
{
	const struct ld_symbol *sym;
	struct ld_line row;
	struct ld_obj *ob;
	char *w = NULL, *full = NULL;
	uint64_t off;

	const char *name = bp->sym;

	sym = ld_objs_symbol_at(&s->live.objs, addr, &ob, &off);
	if (sym && bp->sym && !strcmp(sym->display, bp->sym))
		full = ld_demangle(sym->name, true);
	/* out-of-line code: the function's own name (DWARF's: __libc_calloc
	 * for calloc), as gdb shows it */
	if (!full && sym && (!name || ld_inline_skip_at(&s->live.objs, addr) == 0))
		ld_objs_symbolize(&s->live.objs, addr, &ob, &name, &off);
	if (name && ld_objs_line_at(&s->live.objs, addr, &row) &&
	    asprintf(&w, "in %s at %s:%u", full ? full : name,
		     ld_source_shortname(row.file), row.line) < 0)
		w = NULL;
	free(full);
	return w;
}

void ld_bp_set_what(struct ld_session *s, struct ld_bp *bp)
{
	free(bp->loc_what);
	bp->loc_what = bp->pending ? NULL : what_at(s, bp, bp->addr);
}

void ld_bp_drop_locations(struct ld_session *s, struct ld_bp *bp)
{
	size_t i = 0;

	while (i < s->live.bps.n) {
		struct ld_bp *o = s->live.bps.v[i];

		if (o->parent != bp) {
			i++;
			continue;
		}
		if (s->live.proc && o->armed)
			ld_bp_disarm(&s->live.bps, ld_proc_mem_tid(s->live.proc), o);
		ld_bp_delete(&s->live.bps, o);
	}
	bp->nlocs = 0;
}

size_t ld_bp_find_locations(struct ld_session *s, struct ld_bp *bp,
			    bool have_addr)
{
	uint64_t *v = malloc(MAX_LOCS * sizeof *v);
	size_t n = 0, i;

	ld_bp_drop_locations(s, bp);
	if (!v)
		return have_addr;
	if (have_addr)
		v[n++] = bp->addr;
	for (i = 0; i < s->live.objs.n && bp->sym && !bp->file; i++) {
		struct ld_obj *ob = &s->live.objs.v[i];

		if (bp->lib && ob != ld_objs_find(&s->live.objs, bp->lib))
			continue;
		/* Not in the dynamic linker: with its debug file it has inlined
		 * copies of calloc, malloc... that gdb stops at while the
		 * program starts (a known difference, kept for now: a break
		 * on calloc means the program's calls) */
		if (!ob->is_interp)
			copies_in(ob, bp->sym, v, &n);
		overloads_in(s, ob, bp->sym, v, &n);
	}
	n = sort_unique(v, n);
	if (n > 1) {
		bp->addr = v[0];
		bp->nlocs = (unsigned)n;
		bp->loc = 1;
		free(bp->loc_what);
		bp->loc_what = what_at(s, bp, v[0]);
		for (i = 1; i < n; i++) {
			struct ld_bp *o = ld_bp_add_location(&s->live.bps, bp, v[i]);

			if (!o)
				break;
			o->loc = (unsigned)i + 1;
			o->loc_what = what_at(s, bp, v[i]);
		}
	} else if (n == 1) {
		bp->addr = v[0];
	}
	free(v);
	return n;
}

void ld_bp_enable_locations(struct ld_session *s, struct ld_bp *bp, bool on)
{
	size_t i;

	for (i = 0; i < s->live.bps.n; i++) {
		struct ld_bp *o = s->live.bps.v[i];

		if (o->parent == bp && o->enabled != on)
			ld_enable_bp(s, o, on);
	}
}

struct ld_bp *ld_bp_location_at(struct ld_bps *b, struct ld_bp *bp,
				uint64_t pc)
{
	size_t i;

	if (!bp || bp->addr == pc)
		return bp;
	for (i = 0; i < b->n; i++)
		if (b->v[i]->parent == bp && b->v[i]->addr == pc)
			return b->v[i];
	return NULL;
}

size_t ld_bp_static_locations(const struct ld_elf *e, struct ld_lines *l,
			      const char *sym, uint64_t *addr)
{
	uint64_t *v = malloc(MAX_LOCS * sizeof *v);
	const struct ld_symbol *f[64];
	size_t n = 0, k, i;

	if (!v)
		return *addr != 0;
	if (*addr)
		v[n++] = *addr;
	k = e && strchr(sym, ':') && !ld_elf_lookup_any(e, sym) ?
	    ld_elf_lookup_demangled_all(e, sym, f, 64) : 0;
	for (i = 0; i < k && i < 64; i++)
		v[n++] = ld_lines_after_prologue(l, f[i]->value,
						 f[i]->value + f[i]->size);
	k = ld_lines_inlined_entries(l, sym, v + n, MAX_LOCS - n);
	n += k < MAX_LOCS - n ? k : MAX_LOCS - n;
	n = sort_unique(v, n);
	if (n)
		*addr = v[0];
	free(v);
	return n;
}
