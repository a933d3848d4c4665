/* The symbol index of an ELF file: .symtab and .dynsym merged, sorted by
 * name and by address, built on the first symbol query (a session opens
 * every library the tracee maps, and most are never asked for a symbol). */
#include <gelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/demangle.h"
#include "layoutdbg/elf.h"
#include "elf_int.h"

#define VERSYM_HIDDEN 0x8000u


/* ---- symbols: reading ----------------------------------------------------- */

/* The string table of a symbol table, cut at its last NUL: any st_name below
 * the cut names a terminated string, anything else is rejected. */
struct strtab {
	const char *s;
	size_t lim;
};

static bool get_strtab(Elf *elf, size_t idx, struct strtab *t)
{
	Elf_Data *d = elf_getdata(elf_getscn(elf, idx), NULL);
	const char *nul;

	t->s = NULL;
	t->lim = 0;
	if (!d)
		return false;
	if (!d->d_buf || !d->d_size)
		return true;
	t->s = d->d_buf;
	nul = memrchr(t->s, '\0', d->d_size);
	t->lim = nul ? (size_t)(nul - t->s) + 1 : 0;
	return true;
}

/* Symbols we keep: defined, with an address-like value and a name.  Absolute
 * symbols go too: in .dynsym they are the version names (GLIBC_2.2.5 = 0). */
static bool keep_symbol(const GElf_Sym *sym)
{
	unsigned type = GELF_ST_TYPE(sym->st_info);

	if (type == STT_SECTION || type == STT_FILE)
		return false;
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS ||
	    sym->st_shndx == SHN_COMMON)
		return false;
	return sym->st_shndx < SHN_LORESERVE || sym->st_shndx == SHN_XINDEX;
}

/* A .dynsym entry is the default (@@) version unless its .gnu.version entry
 * has the hidden bit; no .gnu.version means no versions at all. */
static bool is_default_version(Elf_Data *versym, size_t i)
{
	GElf_Versym v;

	if (!versym || !gelf_getversym(versym, (int)i, &v))
		return true;
	return !(v & VERSYM_HIDDEN);
}

static size_t add_table(const struct ld_elf *e, size_t idx, bool dynamic,
			struct sym *out)
{
	Elf_Data *data = elf_getdata(elf_getscn(e->elf, idx), NULL);
	Elf_Data *versym = NULL;
	struct strtab str;
	size_t i, n = 0, count;
	GElf_Shdr sh;
	GElf_Sym sym;

	if (!data || !gelf_getshdr(elf_getscn(e->elf, idx), &sh) ||
	    !get_strtab(e->elf, sh.sh_link, &str))
		return 0;
	if (dynamic && e->versym)
		versym = elf_getdata(elf_getscn(e->elf, e->versym), NULL);
	count = data->d_size / sizeof(Elf64_Sym);
	if (count > INT_MAX)	/* gelf_getsym takes an int */
		count = INT_MAX;
	for (i = 1; i < count; i++) {
		struct sym *s = &out[n];

		if (!gelf_getsym(data, (int)i, &sym) || !keep_symbol(&sym) ||
		    sym.st_name >= str.lim || !str.s[sym.st_name])
			continue;
		*s = (struct sym){ .pub = { .name = str.s + sym.st_name,
			.value = sym.st_value, .size = sym.st_size,
			.type = GELF_ST_TYPE(sym.st_info),
			.bind = GELF_ST_BIND(sym.st_info),
			.visibility = GELF_ST_VISIBILITY(sym.st_other),
			.dynamic = dynamic,
			.default_version = !dynamic || is_default_version(versym, i) } };
		if (sym.st_shndx < SHN_LORESERVE && sym.st_shndx < e->nsections) {
			s->shndx = sym.st_shndx;
			s->outside = !ld_section_holds(&e->sections[s->shndx],
						    sym.st_value);
		}
		n++;
	}
	return n;
}

static size_t table_len(const struct ld_elf *e, size_t idx)
{
	return idx ? e->sections[idx].size / sizeof(Elf64_Sym) : 0;
}

/* ---- symbols: ranking ----------------------------------------------------- */

static int type_rank(const struct ld_symbol *s)
{
	switch (s->type) {
	case STT_FUNC: case STT_GNU_IFUNC:	return 0;
	case STT_OBJECT:			return 1;
	default:				return 2;
	}
}

static int bind_rank(const struct ld_symbol *s)
{
	switch (s->bind) {
	case STB_GLOBAL: case STB_GNU_UNIQUE:	return 0;
	case STB_WEAK:				return 1;
	default:				return 2;
	}
}

#define CMP(a, b) do { if ((a) != (b)) return (a) < (b) ? -1 : 1; } while (0)

/* Which of several symbols at one address names it.  gdb sorts the
 * symbols of an address by name and takes the last, skipping bare labels
 * when a sized symbol is there (gdb/minsyms.c); we do the same so that the
 * two tools agree (calloc, not __libc_calloc; data_start, not
 * __data_start).  Before that: a symbol that lies in its own section beats
 * the end marker of the section before, and a function beats data beats a
 * label.  Negative when a is the better one. */
static int addr_rank(const struct sym *sa, const struct sym *sb)
{
	const struct ld_symbol *a = &sa->pub, *b = &sb->pub;

	CMP(sa->outside, sb->outside);
	CMP(a->size == 0, b->size == 0);
	CMP(type_rank(a), type_rank(b));
	return strcmp(b->name, a->name);
}

/* ld_elf_lookup_any's order among symbols of one name. */
static int any_rank(const struct ld_symbol *a, const struct ld_symbol *b)
{
	CMP(type_rank(a) != 0, type_rank(b) != 0);
	CMP(bind_rank(a), bind_rank(b));
	CMP(!a->default_version, !b->default_version);
	CMP(a->size == 0, b->size == 0);
	CMP(a->value, b->value);
	return 0;
}

/* ld_elf_lookup_global's order: what an unversioned reference binds to. */
static int global_rank(const struct ld_symbol *a, const struct ld_symbol *b)
{
	CMP(!a->default_version, !b->default_version);
	CMP(bind_rank(a), bind_rank(b));
	CMP(type_rank(a), type_rank(b));
	CMP(a->value, b->value);
	return 0;
}

/* By name, then value; for equal pairs the .symtab entry first, so merging
 * keeps it. */
static int cmp_name_value(const void *pa, const void *pb)
{
	const struct sym *a = pa, *b = pb;
	int c = strcmp(a->pub.name, b->pub.name);

	if (c)
		return c;
	CMP(a->pub.value, b->pub.value);
	CMP(a->pub.dynamic, b->pub.dynamic);
	return 0;
}

static int cmp_addr(const void *pa, const void *pb)
{
	const struct sym *a = *(struct sym *const *)pa;
	const struct sym *b = *(struct sym *const *)pb;

	CMP(a->pub.value, b->pub.value);
	return addr_rank(a, b);
}

/* ---- symbols: the index --------------------------------------------------- */

/* Fold src into dst (same name and value).  The .symtab entry stays, but
 * learns that the dynamic linker can see it, and at which version. */
static void merge(struct sym *dst, const struct sym *src)
{
	if (src->pub.dynamic) {
		dst->pub.default_version = dst->pub.dynamic ?
			dst->pub.default_version || src->pub.default_version :
			src->pub.default_version;
		dst->pub.dynamic = true;
	}
	if (!dst->pub.size)
		dst->pub.size = src->pub.size;
	if (!dst->shndx) {
		dst->shndx = src->shndx;
		dst->outside = src->outside;
	}
}

static size_t dedup(struct sym *s, size_t n)
{
	size_t i, out = 0;

	for (i = 0; i < n; i++) {
		if (out && !strcmp(s[out - 1].pub.name, s[i].pub.name) &&
		    s[out - 1].pub.value == s[i].pub.value)
			merge(&s[out - 1], &s[i]);
		else
			s[out++] = s[i];
	}
	return out;
}

static bool addressable(const struct ld_symbol *s)
{
	return s->type == STT_FUNC || s->type == STT_GNU_IFUNC ||
	       s->type == STT_OBJECT || s->type == STT_NOTYPE;
}

static int build_by_addr(struct symindex *x)
{
	size_t i, n = 0, out = 0;

	x->by_addr = malloc((x->nsyms ? x->nsyms : 1) * sizeof *x->by_addr);
	if (!x->by_addr)
		return -1;
	for (i = 0; i < x->nsyms; i++)
		if (addressable(&x->syms[i].pub))
			x->by_addr[n++] = &x->syms[i];
	qsort(x->by_addr, n, sizeof *x->by_addr, cmp_addr);
	for (i = 0; i < n; i++) {
		if (out && x->by_addr[out - 1]->pub.value == x->by_addr[i]->pub.value)
			continue;	/* sorted best first: keep the first */
		x->by_addr[out++] = x->by_addr[i];
		if (x->by_addr[i]->pub.size > x->max_size)
			x->max_size = x->by_addr[i]->pub.size;
	}
	x->naddr = out;
	return 0;
}

/* After dedup each entry is unique, so each demangled string has one
 * owner; ld_elf_free_symbols frees those that are not the name itself. */
static void demangle_all(struct symindex *x)
{
	size_t i;

	for (i = 0; i < x->nsyms; i++) {
		char *d = ld_demangle(x->syms[i].pub.name, false);

		x->syms[i].pub.display = d ? d : x->syms[i].pub.name;
	}
}

static int build_index(struct ld_elf *e)
{
	struct symindex *x = &e->idx;
	size_t cap = table_len(e, e->symtab) + table_len(e, e->dynsym);

	x->syms = malloc((cap ? cap : 1) * sizeof *x->syms);
	if (!x->syms)
		return -1;
	if (e->symtab)
		x->nsyms = add_table(e, e->symtab, false, x->syms);
	if (e->dynsym)
		x->nsyms += add_table(e, e->dynsym, true, x->syms + x->nsyms);
	qsort(x->syms, x->nsyms, sizeof *x->syms, cmp_name_value);
	x->nsyms = dedup(x->syms, x->nsyms);
	demangle_all(x);
	return build_by_addr(x);
}

/* The index is a cache behind a const handle: built on the first symbol
 * query (not thread-safe; layoutdbg asks from one thread).  If it cannot be
 * built the object answers as if it had no symbols. */
static const struct symindex *symbols(const struct ld_elf *ce)
{
	struct ld_elf *e = (struct ld_elf *)ce;

	if (!e->index_tried) {
		e->index_tried = true;
		if (build_index(e)) {
			ld_elf_free_symbols(e);
			memset(&e->idx, 0, sizeof e->idx);
		}
	}
	return &e->idx;
}

/* ---- symbols: queries ----------------------------------------------------- */

/* First entry whose name is >= key (with n = strlen(key) when prefix). */
static size_t lower_bound_name(const struct symindex *x, const char *key,
			       bool prefix)
{
	size_t lo = 0, hi = x->nsyms, n = strlen(key);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = prefix ? strncmp(x->syms[mid].pub.name, key, n)
			       : strcmp(x->syms[mid].pub.name, key);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct ld_symbol *
best_named(const struct ld_elf *e, const char *name,
	   bool (*ok)(const struct ld_symbol *),
	   int (*rank)(const struct ld_symbol *, const struct ld_symbol *))
{
	const struct symindex *x = symbols(e);
	const struct ld_symbol *best = NULL;
	size_t i;

	for (i = lower_bound_name(x, name, false);
	     i < x->nsyms && !strcmp(x->syms[i].pub.name, name); i++) {
		const struct ld_symbol *s = &x->syms[i].pub;

		if (ok(s) && (!best || rank(s, best) < 0))
			best = s;
	}
	return best;
}

static bool bindable(const struct ld_symbol *s)
{
	bool type = s->type == STT_FUNC || s->type == STT_GNU_IFUNC ||
		    s->type == STT_OBJECT;
	bool bind = s->bind == STB_GLOBAL || s->bind == STB_WEAK ||
		    s->bind == STB_GNU_UNIQUE;
	bool vis = s->visibility == STV_DEFAULT ||
		   s->visibility == STV_PROTECTED;

	return s->dynamic && type && bind && vis;
}

static bool anything(const struct ld_symbol *s)
{
	(void)s;
	return true;
}

const struct ld_symbol *ld_elf_lookup_global(const struct ld_elf *e,
					     const char *name)
{
	return best_named(e, name, bindable, global_rank);
}

const struct ld_symbol *ld_elf_lookup_any(const struct ld_elf *e,
					  const char *name)
{
	return best_named(e, name, anything, any_rank);
}

/* Does the demangled name of s read as name?  Without '(' in name the
 * short form (ns::C::m) is compared, so every overload matches, as gdb's
 * `break ns::C::m`; with one, the full form with parameters. */
static bool demangled_is(const struct ld_symbol *s, const char *name)
{
	size_t n = strcspn(name, "(");
	char *full;
	bool same;

	if (s->display == s->name || strncmp(s->display, name, n))
		return false;
	if (!name[n])
		return !s->display[n];
	if (!(full = ld_demangle(s->name, true)))
		return false;
	same = !strcmp(full, name);
	free(full);
	return same;
}

const struct ld_symbol *ld_elf_lookup_demangled(const struct ld_elf *e,
						const char *name)
{
	const struct symindex *x = symbols(e);
	const struct ld_symbol *best = NULL;
	size_t i;

	/* A linear scan: the index is sorted by linkage name, and this runs
	 * once per `break` and per object, only after the exact lookup failed. */
	for (i = 0; i < x->nsyms; i++) {
		const struct ld_symbol *s = &x->syms[i].pub;

		if (s->type != STT_FUNC && s->type != STT_GNU_IFUNC)
			continue;
		if (demangled_is(s, name) && (!best || s->value < best->value))
			best = s;
	}
	return best;
}

size_t ld_elf_lookup_demangled_all(const struct ld_elf *e, const char *name,
				   const struct ld_symbol **out, size_t max)
{
	const struct symindex *x = symbols(e);
	size_t i, n = 0;

	for (i = 0; i < x->nsyms; i++) {
		const struct ld_symbol *s = &x->syms[i].pub;

		if ((s->type == STT_FUNC || s->type == STT_GNU_IFUNC) &&
		    demangled_is(s, name)) {
			if (n < max)
				out[n] = s;
			n++;
		}
	}
	return n;
}

const struct ld_symbol *ld_elf_lookup_name(const struct ld_elf *e,
					   const char *name)
{
	const struct ld_symbol *s = ld_elf_lookup_any(e, name);

	return s ? s : ld_elf_lookup_demangled(e, name);
}

static bool sized_holds(const struct sym *s, uint64_t addr)
{
	return s->pub.size && addr >= s->pub.value &&
	       addr - s->pub.value < s->pub.size;
}

/* A size-0 symbol (an assembler label, _start in old crt1) reaches up to the
 * next symbol, but not out of its section. */
static bool label_holds(const struct ld_elf *e, const struct sym *s,
			uint64_t addr)
{
	const struct ld_section *sec = s->shndx ? &e->sections[s->shndx]
						: ld_elf_section_at(e, s->pub.value);

	return sec && ld_section_holds(sec, addr);
}

/* Greatest i with by_addr[i]->value <= addr, or SIZE_MAX. */
static size_t floor_addr(const struct symindex *x, uint64_t addr)
{
	size_t lo = 0, hi = x->naddr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->by_addr[mid]->pub.value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : SIZE_MAX;
}

/* A sized symbol further back may still contain addr (a label inside a
 * function, nested objects).  Look back only as far as the largest symbol
 * could reach, and only a few entries: this stays O(log n). */
#define MAX_LOOKBACK 64

static const struct sym *sized_before(const struct symindex *x, size_t i,
				      uint64_t addr)
{
	size_t steps;

	for (steps = 0; i-- > 0 && steps < MAX_LOOKBACK; steps++) {
		const struct sym *s = x->by_addr[i];

		if (addr - s->pub.value >= x->max_size)
			break;
		if (sized_holds(s, addr))
			return s;
	}
	return NULL;
}

const struct ld_symbol *ld_elf_symbol_at(const struct ld_elf *e, uint64_t addr,
					 uint64_t *off)
{
	const struct symindex *x = symbols(e);
	size_t i = floor_addr(x, addr);
	const struct sym *s, *found = NULL;

	if (i == SIZE_MAX)
		return NULL;
	s = x->by_addr[i];
	if ((s->pub.value == addr && !s->outside) || sized_holds(s, addr))
		found = s;
	else if (!(found = sized_before(x, i, addr)) && !s->pub.size &&
		 label_holds(e, s, addr))
		found = s;
	if (found && off)
		*off = addr - found->pub.value;
	return found ? &found->pub : NULL;
}

/* The demangled names starting with prefix (C++, Rust): a linear pass,
 * as they are not in the index's order; overloads repeat a name, which
 * the caller offers once. */
static void foreach_demangled(const struct symindex *x, const char *prefix,
			      int (*fn)(const char *name, void *arg), void *arg)
{
	size_t n = strlen(prefix), i;

	for (i = 0; i < x->nsyms; i++) {
		const struct ld_symbol *s = &x->syms[i].pub;

		if (s->display != s->name && !strncmp(s->display, prefix, n) &&
		    fn(s->display, arg))
			return;
	}
}

void ld_elf_foreach_name(const struct ld_elf *e, const char *prefix,
			 int (*fn)(const char *name, void *arg), void *arg)
{
	const struct symindex *x = symbols(e);
	size_t n = strlen(prefix), i;
	const char *last = NULL;

	for (i = lower_bound_name(x, prefix, true); i < x->nsyms; i++) {
		const char *name = x->syms[i].pub.name;

		if (strncmp(name, prefix, n))
			break;
		if (last && !strcmp(last, name))
			continue;
		last = name;
		if (fn(name, arg))
			return;
	}
	foreach_demangled(x, prefix, fn, arg);
}

void ld_elf_free_symbols(struct ld_elf *e)
{
	size_t i;

	for (i = 0; i < e->idx.nsyms; i++)
		if (e->idx.syms[i].pub.display != e->idx.syms[i].pub.name)
			free((char *)e->idx.syms[i].pub.display);
	free(e->idx.syms);
	free(e->idx.by_addr);
}
