/* C++ in DWARF: access, static members, definitions of declarations and
 * names qualified with `::'. */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwcxx.h"
#include "layoutdbg/dwtypes.h"

#define MAX_COMPS 16

enum ld_access ld_dwcxx_access(Dwarf_Die *d, Dwarf_Die *parent)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	/* an artificial data member (a vptr) is private, whatever DWARF says,
	   as gdb reads it */
	if (dwarf_tag(d) == DW_TAG_member && dwarf_hasattr(d, DW_AT_artificial))
		return LD_ACC_PRIVATE;
	if (dwarf_attr(d, DW_AT_accessibility, &a) && dwarf_formudata(&a, &w) == 0) {
		if (w == DW_ACCESS_public)
			return LD_ACC_PUBLIC;
		if (w == DW_ACCESS_protected)
			return LD_ACC_PROTECTED;
		if (w == DW_ACCESS_private)
			return LD_ACC_PRIVATE;
	}
	return parent && dwarf_tag(parent) == DW_TAG_class_type ? LD_ACC_PRIVATE :
	       LD_ACC_PUBLIC;
}

const char *ld_dwcxx_access_name(enum ld_access a)
{
	return a == LD_ACC_PRIVATE ? "private" : a == LD_ACC_PROTECTED ?
	       "protected" : "public";
}

bool ld_dwcxx_is_static(Dwarf_Die *m)
{
	int tag = dwarf_tag(m);

	return tag == DW_TAG_variable ||
	       (tag == DW_TAG_member && dwarf_hasattr(m, DW_AT_external));
}

const char *ld_dwcxx_linkage_name(Dwarf_Die *d)
{
	Dwarf_Attribute a;

	if (!dwarf_attr_integrate(d, DW_AT_linkage_name, &a) &&
	    !dwarf_attr_integrate(d, DW_AT_MIPS_linkage_name, &a))
		return NULL;
	return dwarf_formstring(&a);
}

static bool has_code_or_place(Dwarf_Die *d)
{
	return dwarf_hasattr(d, DW_AT_location) || dwarf_hasattr(d, DW_AT_const_value) ||
	       dwarf_hasattr(d, DW_AT_low_pc) || dwarf_hasattr(d, DW_AT_ranges);
}

/* Does d's DW_AT_specification name decl (by offset; in another unit by
 * linkage name)? */
static bool specifies(Dwarf_Die *d, Dwarf_Die *decl, const char *link)
{
	Dwarf_Attribute a;
	Dwarf_Die s;
	const char *sl;

	if (!dwarf_attr(d, DW_AT_specification, &a) || !dwarf_formref_die(&a, &s))
		return false;
	if (dwarf_dieoffset(&s) == dwarf_dieoffset(decl))
		return true;
	sl = ld_dwcxx_linkage_name(&s);
	return link && sl && !strcmp(link, sl);
}

/* A definition of decl among scope's children (namespaces entered). */
static bool definition_in(Dwarf_Die *scope, Dwarf_Die *decl, const char *link,
			  int tag, Dwarf_Die *out)
{
	Dwarf_Die c;

	if (dwarf_child(scope, &c) != 0)
		return false;
	do {
		int t = dwarf_tag(&c);

		if (t == tag && has_code_or_place(&c) && specifies(&c, decl, link)) {
			*out = c;
			return true;
		}
		if (t == DW_TAG_namespace && definition_in(&c, decl, link, tag, out))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

struct defsearch {
	Dwarf_Die *decl;
	const char *link;
	int tag;
	Dwarf_Die *out;
};

static bool def_in_unit(Dwarf_Die *cu, void *arg)
{
	struct defsearch *w = arg;

	return definition_in(cu, w->decl, w->link, w->tag, w->out);
}

static bool definition_tag(Dwarf_Die *decl, int tag, Dwarf_Die *out)
{
	Dwarf_Die cu;
	struct defsearch w = { decl, ld_dwcxx_linkage_name(decl), tag, out };

	if (has_code_or_place(decl)) {
		*out = *decl;
		return true;
	}
	if (dwarf_diecu(decl, &cu, NULL, NULL) &&
	    definition_in(&cu, decl, NULL, tag, out))
		return true;
	return w.link && ld_dwt_each_unit(dwarf_cu_getdwarf(decl->cu), def_in_unit, &w);
}

bool ld_dwcxx_definition(Dwarf_Die *decl, Dwarf_Die *out)
{
	return definition_tag(decl, DW_TAG_variable, out);
}

struct qwalk {
	const char *comp[MAX_COMPS];
	size_t clen[MAX_COMPS];
	int n;
	Dwarf_Die *out, *owner;
	int found;
	int depth;           /* components before comp[depth] name scopes */
	Dwarf_Die deepest;   /* the scope of comp[depth] */
};

static bool named(Dwarf_Die *d, const char *s, size_t n)
{
	const char *name = dwarf_diename(d);

	return name && strlen(name) == n && !strncmp(name, s, n);
}

static bool is_scope_tag(int tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
	       tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_enumeration_type;
}

/* An enumerator called comp of a plain (not class) enum among scope's
 * children: C++ puts those in the enclosing scope. */
static bool plain_enumerator(Dwarf_Die *scope, const char *comp, size_t n,
			     Dwarf_Die *out, Dwarf_Die *owner)
{
	Dwarf_Die c, e;

	if (dwarf_child(scope, &c) != 0)
		return false;
	do {
		if (dwarf_tag(&c) != DW_TAG_enumeration_type ||
		    dwarf_hasattr(&c, DW_AT_enum_class) || dwarf_child(&c, &e) != 0)
			continue;
		do {
			if (dwarf_tag(&e) == DW_TAG_enumerator && named(&e, comp, n)) {
				*out = e;
				*owner = c;
				return true;
			}
		} while (dwarf_siblingof(&e, &e) == 0);
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* The last component among scope's children. */
static bool last_in(struct qwalk *w, Dwarf_Die *scope)
{
	Dwarf_Die c;
	int i = w->n - 1;

	if (dwarf_child(scope, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);

		if (!named(&c, w->comp[i], w->clen[i]))
			continue;
		if ((tag == DW_TAG_variable || ld_dwcxx_is_static(&c)) &&
		    ld_dwcxx_definition(&c, w->out)) {
			w->found = LD_DWCXX_VAR;
			return true;
		}
		if (tag == DW_TAG_subprogram && definition_tag(&c, tag, w->out)) {
			w->found = LD_DWCXX_FUNC;
			return true;
		}
		if (tag == DW_TAG_enumerator) {
			*w->out = c;
			*w->owner = *scope;
			w->found = LD_DWCXX_ENUMERATOR;
			return true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	if (dwarf_tag(scope) != DW_TAG_enumeration_type &&
	    plain_enumerator(scope, w->comp[i], w->clen[i], w->out, w->owner)) {
		w->found = LD_DWCXX_ENUMERATOR;
		return true;
	}
	return false;
}

static bool walk(struct qwalk *w, Dwarf_Die *scope, int i)
{
	Dwarf_Die c;

	if (i > w->depth) {
		w->depth = i;
		w->deepest = *scope;
	}
	if (i == w->n - 1)
		return last_in(w, scope);
	if (dwarf_child(scope, &c) != 0)
		return false;
	do {
		if (is_scope_tag(dwarf_tag(&c)) && named(&c, w->comp[i], w->clen[i]) &&
		    !dwarf_hasattr(&c, DW_AT_declaration) && walk(w, &c, i + 1))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Why the name was not found, in gdb's words. */
static void why_not(struct qwalk *w, char *why, size_t len)
{
	int d = w->depth;

	if (d > 0 && dwarf_tag(&w->deepest) != DW_TAG_namespace)
		snprintf(why, len, "there is no field named %.*s", (int)w->clen[d],
			 w->comp[d]);
	else if (d > 0)
		snprintf(why, len, "no symbol \"%.*s\" in namespace \"%.*s\"",
			 (int)w->clen[d], w->comp[d],
			 (int)(w->comp[d] - w->comp[0] - 2), w->comp[0]);
	else
		snprintf(why, len, "no symbol \"%.*s\" in current context",
			 (int)w->clen[0], w->comp[0]);
}

static bool walk_unit(Dwarf_Die *cu, void *arg)
{
	return walk(arg, cu, 0);
}

int ld_dwcxx_lookup(Dwarf *dw, const char *qname, Dwarf_Die *out,
		    Dwarf_Die *owner, char *why, size_t whylen)
{
	struct qwalk w = { .out = out, .owner = owner };
	const char *p = qname;

	if (!strncmp(p, "::", 2))
		p += 2;
	while (w.n < MAX_COMPS) {
		const char *e = strstr(p, "::");

		w.comp[w.n] = p;
		w.clen[w.n] = e ? (size_t)(e - p) : strlen(p);
		w.n++;
		if (!e)
			break;
		p = e + 2;
	}
	if (!w.n || !w.clen[w.n - 1] || !dw) {
		snprintf(why, whylen, "no symbol \"%s\" in current context", qname);
		return 0;
	}
	ld_dwt_each_unit(dw, walk_unit, &w);
	if (!w.found)
		why_not(&w, why, whylen);
	return w.found;
}

bool ld_dwcxx_function_def(Dwarf_Die *decl, Dwarf_Die *out)
{
	return definition_tag(decl, DW_TAG_subprogram, out);
}
