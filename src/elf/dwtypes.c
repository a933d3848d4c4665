/* C types from DWARF DIEs, named as gdb names them. */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwtypes.h"

Dwarf_Die *ld_dwt_target(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	if (!die || !dwarf_attr_integrate(die, DW_AT_type, &a))
		return NULL;
	return dwarf_formref_die(&a, out);
}

static bool is_qualifier(int tag)
{
	return tag == DW_TAG_typedef || tag == DW_TAG_const_type ||
	       tag == DW_TAG_volatile_type || tag == DW_TAG_restrict_type ||
	       tag == DW_TAG_atomic_type;
}

Dwarf_Die *ld_dwt_strip(Dwarf_Die *t, Dwarf_Die *out)
{
	Dwarf_Die cur;
	int guard = 64;

	if (!t)
		return NULL;
	cur = *t;
	while (is_qualifier(dwarf_tag(&cur)) && guard--) {
		Dwarf_Die next;

		if (!ld_dwt_target(&cur, &next))
			return NULL;
		cur = next;
	}
	*out = cur;
	return out;
}

int ld_dwt_tag(Dwarf_Die *t)
{
	Dwarf_Die s;

	return ld_dwt_strip(t, &s) ? dwarf_tag(&s) : 0;
}

uint64_t ld_dwt_size(Dwarf_Die *t)
{
	Dwarf_Die s;
	Dwarf_Word w;
	int tag;

	if (!ld_dwt_strip(t, &s))
		return 0;
	tag = dwarf_tag(&s);
	if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
	    tag == DW_TAG_rvalue_reference_type) {
		Dwarf_Word bs;

		return dwarf_aggregate_size(&s, &bs) == 0 ? bs : 8;
	}
	if (tag == DW_TAG_subroutine_type || tag == DW_TAG_subprogram)
		return 1;
	if (tag == DW_TAG_ptr_to_member_type && !dwarf_hasattr(&s, DW_AT_byte_size)) {
		Dwarf_Die t2, f;

		/* the Itanium C++ ABI: an offset, or a method's pointer and
		   adjustment */
		return ld_dwt_strip(ld_dwt_target(&s, &t2), &f) &&
		       dwarf_tag(&f) == DW_TAG_subroutine_type ? 16 : 8;
	}
	return dwarf_aggregate_size(&s, &w) == 0 ? w : 0;
}

int ld_dwt_encoding(Dwarf_Die *t)
{
	Dwarf_Die s;
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!ld_dwt_strip(t, &s) || dwarf_tag(&s) != DW_TAG_base_type ||
	    !dwarf_attr(&s, DW_AT_encoding, &a) || dwarf_formudata(&a, &w))
		return 0;
	return (int)w;
}

/* The dim-th DW_TAG_subrange_type child of an array type. */
static bool subrange(Dwarf_Die *array, unsigned dim, Dwarf_Die *out)
{
	Dwarf_Die c;
	unsigned i = 0;

	if (dwarf_child(array, &c) != 0)
		return false;
	do {
		if (dwarf_tag(&c) == DW_TAG_subrange_type && i++ == dim) {
			*out = c;
			return true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

uint64_t ld_dwt_array_count(Dwarf_Die *array, unsigned dim)
{
	Dwarf_Die r;
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!subrange(array, dim, &r))
		return 0;
	if (dwarf_attr(&r, DW_AT_count, &a) && dwarf_formudata(&a, &w) == 0)
		return w;
	if (dwarf_attr(&r, DW_AT_upper_bound, &a) && dwarf_formudata(&a, &w) == 0)
		return w + 1;
	return 0;
}

unsigned ld_dwt_array_dims(Dwarf_Die *array)
{
	Dwarf_Die r;
	unsigned n = 0;

	while (subrange(array, n, &r))
		n++;
	return n ? n : 1;
}

static void cat(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, "%s", s);
}

static void params(Dwarf_Die *fn, char *buf, size_t len)
{
	Dwarf_Die c;
	bool any = false, proto = dwarf_hasattr(fn, DW_AT_prototyped) ||
				  ld_dwt_is_cplus(fn);

	cat(buf, len, "(");
	if (dwarf_child(fn, &c) == 0) {
		do {
			char one[256];
			Dwarf_Die t;
			int tag = dwarf_tag(&c);

			if (tag == DW_TAG_unspecified_parameters) {
				cat(buf, len, any ? ", ..." : "...");
				any = true;
			}
			if (tag != DW_TAG_formal_parameter)
				continue;
			cat(buf, len, any ? ", " : "");
			cat(buf, len, ld_dwt_name(ld_dwt_target(&c, &t), "", one,
						  sizeof one));
			any = true;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	if (!any && proto)
		cat(buf, len, "void");
	cat(buf, len, ")");
}

/* gdb's spelling of GCC's base type names ("long unsigned int" is
 * "unsigned long"). */
static const char *base_name(const char *n)
{
	static const char *const map[][2] = {
		{ "short int", "short" }, { "short unsigned int", "unsigned short" },
		{ "long int", "long" }, { "long unsigned int", "unsigned long" },
		{ "long long int", "long long" },
		{ "long long unsigned int", "unsigned long long" },
	};

	if (!n)
		return "<unknown type>";
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(n, map[i][0]))
			return map[i][1];
	return n;
}

/* prefix + (decl? " " decl) into buf. */
static char *leaf(const char *prefix, const char *decl, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", prefix, *decl ? " " : "", decl);
	return buf;
}

bool ld_dwt_is_cplus(Dwarf_Die *d)
{
	Dwarf_Die cu;
	int lang;

	if (!dwarf_diecu(d, &cu, NULL, NULL))
		return false;
	lang = dwarf_srclang(&cu);
	return lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
	       lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14;
}

/* d's name with its enclosing namespaces and classes ("ns::Class"). */
static void qualified(Dwarf_Die *d, char *buf, size_t len)
{
	Dwarf_Die *scopes = NULL;
	int n = dwarf_getscopes_die(d, &scopes);

	buf[0] = 0;
	for (int i = n - 1; i >= 1; i--) {
		int tag = dwarf_tag(&scopes[i]);
		const char *sn = dwarf_diename(&scopes[i]);

		if (sn && (tag == DW_TAG_namespace || tag == DW_TAG_structure_type ||
			   tag == DW_TAG_class_type || tag == DW_TAG_union_type))
			cat(buf, len, sn), cat(buf, len, "::");
		else if (tag == DW_TAG_namespace)   /* gdb's name for it */
			cat(buf, len, "(anonymous namespace)::");
	}
	free(scopes);
	cat(buf, len, dwarf_diename(d) ? dwarf_diename(d) : "{...}");
}

char *ld_dwt_tagged(Dwarf_Die *t, char *buf, size_t len)
{
	static const struct { int tag; const char *kw; } kws[] = {
		{ DW_TAG_structure_type, "struct" }, { DW_TAG_class_type, "class" },
		{ DW_TAG_union_type, "union" }, { DW_TAG_enumeration_type, "enum" },
	};
	const char *kw = "struct";
	char q[256];

	for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
		if (kws[i].tag == dwarf_tag(t))
			kw = kws[i].kw;
	if (ld_dwt_is_cplus(t))
		qualified(t, q, sizeof q);
	else
		snprintf(q, sizeof q, "%s", dwarf_diename(t) ? dwarf_diename(t) : "{...}");
	snprintf(buf, len, "%s %s", kw, q);
	return buf;
}

static char *tagged_name(Dwarf_Die *t, const char *kw, const char *decl,
			 char *buf, size_t len)
{
	char pre[256];
	const char *n = dwarf_diename(t);

	(void)kw;
	if (n && ld_dwt_is_cplus(t))     /* C++: "ns::Class", no keyword */
		qualified(t, pre, sizeof pre);
	else
		ld_dwt_tagged(t, pre, sizeof pre);
	return leaf(pre, decl, buf, len);
}

char *ld_dwt_name_dims(Dwarf_Die *t, unsigned skip, const char *decl,
		       char *buf, size_t len)
{
	char d[512];
	unsigned n = ld_dwt_array_dims(t);
	Dwarf_Die e;

	snprintf(d, sizeof d, "%s", decl);
	for (unsigned i = skip; i < n; i++) {
		char b[32];
		uint64_t k = ld_dwt_array_count(t, i);

		if (k)
			snprintf(b, sizeof b, "[%llu]", (unsigned long long)k);
		else
			snprintf(b, sizeof b, "[]");
		cat(d, sizeof d, b);
	}
	return ld_dwt_name(ld_dwt_target(t, &e), d, buf, len);
}

static char *pointer_name(Dwarf_Die *t, const char *star, const char *decl,
			  char *buf, size_t len)
{
	char d[512];
	Dwarf_Die target, *tp = ld_dwt_target(t, &target);
	int ttag = tp ? dwarf_tag(tp) : 0;

	if (ttag == DW_TAG_array_type || ttag == DW_TAG_subroutine_type)
		snprintf(d, sizeof d, "(%s%s)", star, decl);
	else
		snprintf(d, sizeof d, "%s%s", star, decl);
	return ld_dwt_name(tp, d, buf, len);
}

/* "int Plain::*pm": the containing class's name before the star. */
static char *member_pointer_name(Dwarf_Die *t, const char *decl, char *buf,
				 size_t len)
{
	Dwarf_Attribute a;
	Dwarf_Die cls;
	char star[300], cn[256];

	if (dwarf_attr(t, DW_AT_containing_type, &a) && dwarf_formref_die(&a, &cls))
		snprintf(star, sizeof star, "%s::*", ld_dwt_name(&cls, "", cn, sizeof cn));
	else
		snprintf(star, sizeof star, "::*");
	return pointer_name(t, star, decl, buf, len);
}

static char *qualified_name(Dwarf_Die *t, const char *q, const char *decl,
			    char *buf, size_t len)
{
	char d[512], inner[512];
	Dwarf_Die target, *tp = ld_dwt_target(t, &target);
	int ttag = tp ? dwarf_tag(tp) : 0;

	if (ttag == DW_TAG_pointer_type || ttag == DW_TAG_reference_type) {
		snprintf(d, sizeof d, "%s%s%s", q, *decl ? " " : "", decl);
		/* "char * const p": the qualifier after the star */
		pointer_name(tp, "* ", d, buf, len);
		return buf;
	}
	ld_dwt_name(tp, decl, inner, sizeof inner);
	snprintf(buf, len, "%s %s", q, inner);
	return buf;
}

char *ld_dwt_name(Dwarf_Die *t, const char *decl, char *buf, size_t len)
{
	char d[512];
	Dwarf_Die ret;

	if (!t)
		return leaf("void", decl, buf, len);
	switch (dwarf_tag(t)) {
	case DW_TAG_structure_type:
		return tagged_name(t, "struct", decl, buf, len);
	case DW_TAG_class_type:
		return tagged_name(t, "class", decl, buf, len);
	case DW_TAG_union_type:
		return tagged_name(t, "union", decl, buf, len);
	case DW_TAG_enumeration_type:
		return tagged_name(t, "enum", decl, buf, len);
	case DW_TAG_pointer_type:
		return pointer_name(t, "*", decl, buf, len);
	case DW_TAG_reference_type:
		return pointer_name(t, "&", decl, buf, len);
	case DW_TAG_rvalue_reference_type:
		return pointer_name(t, "&&", decl, buf, len);
	case DW_TAG_ptr_to_member_type:
		return member_pointer_name(t, decl, buf, len);
	case DW_TAG_const_type:
		return qualified_name(t, "const", decl, buf, len);
	case DW_TAG_volatile_type:
		return qualified_name(t, "volatile", decl, buf, len);
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return ld_dwt_name(ld_dwt_target(t, &ret), decl, buf, len);
	case DW_TAG_array_type:
		return ld_dwt_name_dims(t, 0, decl, buf, len);
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		snprintf(d, sizeof d, "%s", decl);
		params(t, d, sizeof d);
		return ld_dwt_name(ld_dwt_target(t, &ret), d, buf, len);
	case DW_TAG_base_type:
		return leaf(base_name(dwarf_diename(t)), decl, buf, len);
	case DW_TAG_typedef:
		if (dwarf_diename(t) && ld_dwt_is_cplus(t)) {
			char q[512];

			qualified(t, q, sizeof q);   /* std::string */
			return leaf(q, decl, buf, len);
		}
		return leaf(dwarf_diename(t), decl, buf, len);
	default: {
		const char *n = dwarf_diename(t);

		return leaf(n ? n : "<unknown type>", decl, buf, len);
	}
	}
}

static bool name_matches(Dwarf_Die *d, const char *name)
{
	static const struct { const char *kw; int tag; } kws[] = {
		{ "struct ", DW_TAG_structure_type }, { "union ", DW_TAG_union_type },
		{ "enum ", DW_TAG_enumeration_type }, { "class ", DW_TAG_class_type },
	};
	int tag = dwarf_tag(d);
	const char *n = dwarf_diename(d);

	if (!n || dwarf_hasattr(d, DW_AT_declaration))
		return false;
	for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
		size_t k = strlen(kws[i].kw);

		if (!strncmp(name, kws[i].kw, k))
			return tag == kws[i].tag && !strcmp(n, name + k);
	}
	if (strstr(name, "::")) {
		char q[256];

		if (!ld_dwt_is_cplus(d))
			return false;
		qualified(d, q, sizeof q);
		return !strcmp(q, name);
	}
	if (tag == DW_TAG_typedef || tag == DW_TAG_base_type)
		return !strcmp(n, name);
	/* C++: a class is named without its keyword */
	return (tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
		tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type) &&
	       !strcmp(n, name);
}

/* A child of parent (namespaces searched too) that name_matches. */
static bool find_in(Dwarf_Die *parent, const char *name, Dwarf_Die *out,
		    int depth)
{
	Dwarf_Die c;

	if (depth > 16 || dwarf_child(parent, &c) != 0)
		return false;
	do {
		if (name_matches(&c, name)) {
			*out = c;
			return true;
		}
		if (dwarf_tag(&c) == DW_TAG_namespace && strstr(name, "::") &&
		    find_in(&c, name, out, depth + 1))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

bool ld_dwt_each_unit(Dwarf *dw, bool (*fn)(Dwarf_Die *cu, void *arg), void *arg)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!dw)
		return false;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(dw, off + hsize, &cu) && fn(&cu, arg))
			return true;
		off = next;
	}
	return false;
}

struct named {
	const char *name;
	Dwarf_Die *out;
};

static bool type_in_unit(Dwarf_Die *cu, void *arg)
{
	struct named *n = arg;

	return find_in(cu, n->name, n->out, 0);
}

bool ld_dwt_find(Dwarf *dw, const char *name, Dwarf_Die *out)
{
	struct named n = { name, out };

	return ld_dwt_each_unit(dw, type_in_unit, &n);
}

bool ld_dwt_is_typedef(Dwarf *dw, const char *name)
{
	Dwarf_Die d;

	return ld_dwt_find(dw, name, &d) && dwarf_tag(&d) == DW_TAG_typedef;
}
