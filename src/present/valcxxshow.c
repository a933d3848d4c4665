/* C++ classes for ptype and print, as gdb 13 shows them. */
#include <ctype.h>
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwcxx.h"
#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/valcxxshow.h"

#define MAX_METHODS 512

/* The template's type parameter of class st whose argument is spelled
 * arg ("_Alloc" for "std::allocator<int>"), or NULL. */
static const char *template_param_named(Dwarf_Die *st, const char *arg)
{
	Dwarf_Die c, t;
	char name[512];

	if (dwarf_child(st, &c) != 0)
		return NULL;
	do {
		if (dwarf_tag(&c) == DW_TAG_template_type_parameter && dwarf_diename(&c) &&
		    !strcmp(ld_dwt_name(ld_dwt_target(&c, &t), "", name, sizeof name), arg))
			return dwarf_diename(&c);
	} while (dwarf_siblingof(&c, &c) == 0);
	return NULL;
}

/* The template's type parameter of class st whose type is DIE core
 * ("T" for int in Box<int>), or NULL. */
static const char *template_param(Dwarf_Die *st, Dwarf_Die *core)
{
	Dwarf_Die c, t;

	if (dwarf_child(st, &c) != 0)
		return NULL;
	do {
		if (dwarf_tag(&c) == DW_TAG_template_type_parameter && dwarf_diename(&c) &&
		    ld_dwt_target(&c, &t) && dwarf_dieoffset(&t) == dwarf_dieoffset(core))
			return dwarf_diename(&c);
	} while (dwarf_siblingof(&c, &c) == 0);
	return NULL;
}

/* The first typedef of class st, or else of its bases (depth first),
 * whose type is the DIE at offset want (typedefs peeled). */
static const char *typedef_for(Dwarf_Die *st, Dwarf_Off want, int depth)
{
	Dwarf_Die c, t, s;
	const char *n;

	if (depth > 8 || dwarf_child(st, &c) != 0)
		return NULL;
	do {
		if (dwarf_tag(&c) == DW_TAG_typedef && dwarf_diename(&c) &&
		    ld_dwt_strip(&c, &s) && dwarf_dieoffset(&s) == want)
			return dwarf_diename(&c);
	} while (dwarf_siblingof(&c, &c) == 0);
	dwarf_child(st, &c);
	do {
		if (dwarf_tag(&c) == DW_TAG_inheritance &&
		    ld_dwt_strip(ld_dwt_target(&c, &t), &s) &&
		    (n = typedef_for(&s, want, depth + 1)))
			return n;
	} while (dwarf_siblingof(&c, &c) == 0);
	return NULL;
}

/* A typedef core named inside class st as gdb does: the class's (or a
 * base's) own typedef of the same type ("allocator_type" for a base's
 * "_Tp_alloc_type"), or NULL. */
static const char *local_typedef(Dwarf_Die *st, Dwarf_Die *core)
{
	Dwarf_Die s;

	if (dwarf_tag(core) != DW_TAG_typedef || !ld_dwt_strip(core, &s))
		return NULL;
	return typedef_for(st, dwarf_dieoffset(&s), 0);
}

/* Template arguments of class st inside the names in[0..n) rewritten to
 * its parameters' names, as gdb does in its ptype ("std::vector<int,
 * std::allocator<int> >" inside std::vector<int> is
 * "std::vector<_Tp, _Alloc>"); appended to out. */
static void rewrite_args(Dwarf_Die *st, const char *in, size_t n, char *out,
			 size_t len)
{
	size_t i = 0;

	while (i < n) {
		size_t o = strlen(out);
		const char *arg_end;

		if (in[i] != '<' || !i || !(isalnum((unsigned char)in[i - 1]) ||
					    in[i - 1] == '_')) {
			if (o + 1 < len) {
				out[o] = in[i];
				out[o + 1] = 0;
			}
			i++;
			continue;
		}
		/* the arguments, one at a time */
		strncat(out, "<", len - o - 1);
		i++;
		for (;;) {
			int depth = 0;
			size_t a = i, k;
			char one[512];
			const char *param;

			while (i < n && (depth || (in[i] != ',' && in[i] != '>'))) {
				depth += in[i] == '<' ? 1 : in[i] == '>' ? -1 : 0;
				i++;
			}
			while (a < i && in[a] == ' ')
				a++;
			k = i;
			while (k > a && in[k - 1] == ' ')
				k--;
			snprintf(one, sizeof one, "%.*s", (int)(k - a), in + a);
			if ((param = template_param_named(st, one)))
				strncat(out, param, len - strlen(out) - 1);
			else
				rewrite_args(st, in + a, k - a, out, len);
			if (i >= n || in[i] == '>')
				break;
			strncat(out, ", ", len - strlen(out) - 1);
			i++;
		}
		arg_end = out + strlen(out);
		strncat(out, arg_end > out && arg_end[-1] == '>' ? " >" : ">",
			len - strlen(out) - 1);
		i++;
	}
}

/* The type of d (a member, method, parameter, typedef) spelled as gdb
 * does inside class st: a template parameter's name for its argument
 * ("T val", "const T &"). */
/* raw with its core type spelled as st names it there: a template
 * parameter ("T"), or a typedef of st or a base without its scope. */
static void local_core(Dwarf_Die *st, Dwarf_Die *tp, bool typedefs, char *raw,
		       size_t len)
{
	Dwarf_Die core = *tp;
	const char *param;
	char cn[512], out[1024];
	int guard = 16;

	while (guard-- > 0) {
		int tag = dwarf_tag(&core);

		if (tag != DW_TAG_pointer_type && tag != DW_TAG_reference_type &&
		    tag != DW_TAG_rvalue_reference_type && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_array_type)
			break;
		if (!ld_dwt_target(&core, &core))
			return;
	}
	if (!(param = template_param(st, &core)) &&
	    (!typedefs || !(param = local_typedef(st, &core))))
		return;
	ld_dwt_name(&core, "", cn, sizeof cn);
	for (char *p = strstr(raw, cn); p; p = strstr(p + 1, cn)) {
		size_t k = strlen(cn);

		if ((p == raw || p[-1] == ' ' || p[-1] == '(') &&
		    (!p[k] || strchr(" *&[)", p[k]))) {
			snprintf(out, sizeof out, "%.*s%s%s", (int)(p - raw), raw, param,
				 p + k);
			snprintf(raw, len, "%s", out);
			return;
		}
	}
}

static char *tname(Dwarf_Die *st, Dwarf_Die *d, const char *decl, char *buf,
		   size_t len)
{
	Dwarf_Die t, *tp = ld_dwt_target(d, &t);
	char raw[1024];

	ld_dwt_name(tp, decl, raw, sizeof raw);
	/* a typedef's own line: template parameters, not the class's
	   typedefs (gdb) */
	if (tp)
		local_core(st, tp, dwarf_tag(d) != DW_TAG_typedef, raw, sizeof raw);
	buf[0] = 0;
	rewrite_args(st, raw, strlen(raw), buf, len);
	return buf;
}

/* A data member spelled by tname: named, not a bitfield, not of an
 * anonymous struct or union (valshow spells those out). */
static bool plain_member(Dwarf_Die *m)
{
	Dwarf_Die t, *tp;
	unsigned bp, bs;
	int tag;

	if (!dwarf_diename(m) || ld_dw_bitfield(m, &bp, &bs))
		return false;
	tp = ld_dwt_target(m, &t);
	tag = tp ? dwarf_tag(tp) : 0;
	return !((tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
		  tag == DW_TAG_class_type) && !dwarf_diename(tp));
}

/* " [with T = int]": the template's type arguments (gdb). */
static void template_args(FILE *f, Dwarf_Die *st)
{
	Dwarf_Die c, t;
	bool first = true;
	char name[512];

	if (dwarf_child(st, &c) != 0)
		return;
	do {
		if (dwarf_tag(&c) != DW_TAG_template_type_parameter || !dwarf_diename(&c))
			continue;
		fprintf(f, "%s%s = %s", first ? " [with " : ", ", dwarf_diename(&c),
			ld_dwt_name(ld_dwt_target(&c, &t), "", name, sizeof name));
		first = false;
	} while (dwarf_siblingof(&c, &c) == 0);
	if (!first)
		fputc(']', f);
}

bool ld_cxx_is_class(Dwarf_Die *st)
{
	int tag = dwarf_tag(st);

	return (tag == DW_TAG_class_type || tag == DW_TAG_structure_type ||
		tag == DW_TAG_union_type) && ld_dwt_is_cplus(st);
}

void ld_cxx_ptype_bases(FILE *f, Dwarf_Die *st)
{
	Dwarf_Die c, t;
	bool any = false;

	template_args(f, st);
	if (dwarf_child(st, &c) != 0)
		return;
	do {
		Dwarf_Attribute a;
		Dwarf_Word virt = 0;
		char name[512], rewritten[512];

		if (dwarf_tag(&c) != DW_TAG_inheritance)
			continue;
		if (dwarf_attr(&c, DW_AT_virtuality, &a))
			dwarf_formudata(&a, &virt);
		ld_dwt_name(ld_dwt_target(&c, &t), "", name, sizeof name);
		rewritten[0] = 0;
		rewrite_args(st, name, strlen(name), rewritten, sizeof rewritten);
		fprintf(f, "%s%s%s %s", any ? ", " : " : ",
			ld_dwcxx_access_name(ld_dwcxx_access(&c, st)),
			virt ? " virtual" : "", rewritten);
		any = true;
	} while (dwarf_siblingof(&c, &c) == 0);
}

static bool is_field(Dwarf_Die *m)
{
	int tag = dwarf_tag(m);

	return tag == DW_TAG_member || (tag == DW_TAG_variable && dwarf_diename(m));
}

static bool is_method(Dwarf_Die *m)
{
	return dwarf_tag(m) == DW_TAG_subprogram && dwarf_diename(m);
}

/* gdb's fields (bases and the vptr too) or methods (artificial too). */
static bool has_fields_or_methods(Dwarf_Die *st)
{
	Dwarf_Die m;

	if (dwarf_child(st, &m) != 0)
		return false;
	do {
		if (is_field(&m) || is_method(&m) || dwarf_tag(&m) == DW_TAG_inheritance)
			return true;
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

/* gdb's need_access_label_p: a class with anything not private, a struct
 * with anything not public (artificial methods count). */
static bool need_labels(Dwarf_Die *st)
{
	bool is_class = dwarf_tag(st) == DW_TAG_class_type;
	Dwarf_Die m;

	if (dwarf_child(st, &m) != 0)
		return false;
	do {
		enum ld_access a;

		if (!is_field(&m) && !is_method(&m) &&
		    (dwarf_tag(&m) != DW_TAG_typedef || !dwarf_diename(&m)))
			continue;
		a = ld_dwcxx_access(&m, st);
		if (is_class ? a != LD_ACC_PRIVATE : a != LD_ACC_PUBLIC)
			return true;
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

static void label(FILE *f, enum ld_access *section, enum ld_access a, int ind)
{
	if (*section == a)
		return;
	*section = a;
	fprintf(f, "%*s%s:\n", ind + 2, "", ld_dwcxx_access_name(a));
}

/* The first parameter of method m when it is the artificial `this'. */
static bool this_param(Dwarf_Die *m, Dwarf_Die *out)
{
	if (dwarf_child(m, out) != 0)
		return false;
	do {
		if (dwarf_tag(out) == DW_TAG_formal_parameter)
			return dwarf_hasattr(out, DW_AT_artificial);
	} while (dwarf_siblingof(out, out) == 0);
	return false;
}

/* " const" / " volatile" of a method whose `this' points to such. */
static void this_quals(FILE *f, Dwarf_Die *thisp)
{
	Dwarf_Die t, p, *q;

	if (!ld_dwt_strip(ld_dwt_target(thisp, &t), &p) ||
	    dwarf_tag(&p) != DW_TAG_pointer_type)
		return;
	for (q = ld_dwt_target(&p, &t); q; q = ld_dwt_target(q, q)) {
		int tag = dwarf_tag(q);

		if (tag == DW_TAG_const_type)
			fputs(" const", f);
		else if (tag == DW_TAG_volatile_type)
			fputs(" volatile", f);
		else
			break;
	}
}

static void method(FILE *f, Dwarf_Die *st, Dwarf_Die *m, int ind)
{
	Dwarf_Die thisp, p;
	const char *name = dwarf_diename(m), *cls = dwarf_diename(st);
	bool has_this = this_param(m, &thisp), first = true;
	char buf[512];

	fprintf(f, "%*s", ind + 4, "");
	/* gdb calls a method virtual where DWARF gives its vtable slot (GCC
	   gives none for a virtual destructor) */
	if (dwarf_hasattr(m, DW_AT_vtable_elem_location))
		fputs("virtual ", f);
	else if (!has_this)
		fputs("static ", f);
	/* a constructor: the class's name without its template arguments */
	if (name[0] != '~' && !(cls && !strncmp(name, cls, strlen(name)) &&
				(!cls[strlen(name)] || cls[strlen(name)] == '<')))
		fprintf(f, "%s ", tname(st, m, "", buf, sizeof buf));
	fprintf(f, "%s(", name);
	if (dwarf_child(m, &p) == 0) {
		do {
			int tag = dwarf_tag(&p);

			if (tag == DW_TAG_unspecified_parameters) {
				fputs(first ? "..." : ", ...", f);
				first = false;
			}
			if (tag != DW_TAG_formal_parameter ||
			    dwarf_hasattr(&p, DW_AT_artificial))
				continue;
			fprintf(f, "%s%s", first ? "" : ", ",
				tname(st, &p, "", buf, sizeof buf));
			first = false;
		} while (dwarf_siblingof(&p, &p) == 0);
	}
	fputs(first ? "void)" : ")", f);
	if (has_this)
		this_quals(f, &thisp);
	fputs(";\n", f);
}

/* The methods to show, grouped by name in the order each name first
 * appears (gdb's lists of overloads); artificial ones left out. */
static size_t methods_of(Dwarf_Die *st, Dwarf_Die *out, size_t cap)
{
	Dwarf_Die all[MAX_METHODS], m;
	size_t n = 0, k = 0;

	if (dwarf_child(st, &m) != 0)
		return 0;
	do {
		if (is_method(&m) && n < MAX_METHODS)
			all[n++] = m;
	} while (dwarf_siblingof(&m, &m) == 0);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(dwarf_diename(&all[j]), dwarf_diename(&all[i]));
		for (size_t j = i; !seen && j < n; j++)
			if (!strcmp(dwarf_diename(&all[j]), dwarf_diename(&all[i])) &&
			    !dwarf_hasattr(&all[j], DW_AT_artificial) && k < cap)
				out[k++] = all[j];
	}
	return k;
}

/* The class's own typedefs, after a blank line (gdb 13). */
static void typedefs(FILE *f, Dwarf_Die *st, int ind, bool labels,
		     enum ld_access *section)
{
	Dwarf_Die m;
	bool any = false;

	if (dwarf_child(st, &m) != 0)
		return;
	do {
		char decl[1024];

		if (dwarf_tag(&m) != DW_TAG_typedef || !dwarf_diename(&m))
			continue;
		if (!any && has_fields_or_methods(st))
			fputc('\n', f);
		any = true;
		if (labels)
			label(f, section, ld_dwcxx_access(&m, st), ind);
		fprintf(f, "%*stypedef %s;\n", ind + 4, "",
			tname(st, &m, dwarf_diename(&m), decl, sizeof decl));
	} while (dwarf_siblingof(&m, &m) == 0);
}

void ld_cxx_ptype_members(FILE *f, Dwarf_Die *st, int ind,
			  ld_cxx_member_fn member)
{
	static Dwarf_Die ms[MAX_METHODS];
	enum ld_access section = LD_ACC_NONE;
	bool labels = need_labels(st);
	Dwarf_Die m;
	size_t n;

	if (dwarf_child(st, &m) == 0) {
		do {
			if (!is_field(&m) || dwarf_hasattr(&m, DW_AT_artificial))
				continue;
			if (labels)
				label(f, &section, ld_dwcxx_access(&m, st), ind);
			if (ld_dwcxx_is_static(&m)) {
				char decl[1024];

				fprintf(f, "%*sstatic %s;\n", ind + 4, "",
					tname(st, &m, dwarf_diename(&m), decl, sizeof decl));
			} else if (plain_member(&m)) {
				char decl[1024];

				fprintf(f, "%*s%s;\n", ind + 4, "",
					tname(st, &m, dwarf_diename(&m), decl, sizeof decl));
			} else {
				member(f, &m, ind + 4);
			}
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	n = methods_of(st, ms, MAX_METHODS);
	if (n && section != LD_ACC_NONE)
		fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		label(f, &section, ld_dwcxx_access(&ms[i], st), ind);
		method(f, st, &ms[i], ind);
	}
	typedefs(f, st, ind, labels, &section);
}

void ld_cxx_enum_underlying(FILE *f, Dwarf_Die *e)
{
	Dwarf_Die t, s;

	if (!ld_dwt_is_cplus(e) || !ld_dwt_strip(ld_dwt_target(e, &t), &s) ||
	    !dwarf_diename(&s))
		return;
	fprintf(f, " : %s", dwarf_diename(&s));
}

char *ld_cxx_enumerator_prefix(Dwarf_Die *e, char *buf, size_t len)
{
	char *cut;

	buf[0] = 0;
	if (!ld_dwt_is_cplus(e) || !dwarf_diename(e))
		return buf;
	ld_dwt_name(e, "", buf, len);
	if (dwarf_hasattr(e, DW_AT_enum_class)) {
		strncat(buf, "::", len - strlen(buf) - 1);
		return buf;
	}
	cut = strrchr(buf, ':');
	if (cut)
		cut[1] = 0;
	else
		buf[0] = 0;
	return buf;
}

/* The data member of st (bases searched) at byte offset off: its name
 * with the class that declares it ("Plain::a"). */
static bool member_at(Dwarf_Die *st, uint64_t off, char *buf, size_t len)
{
	Dwarf_Die c, t, s;
	char cls[256];

	if (dwarf_child(st, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);
		uint64_t o;

		if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
			continue;
		o = ld_dw_member_offset(&c);
		if (tag == DW_TAG_member && dwarf_diename(&c) && o == off &&
		    !ld_dwcxx_is_static(&c)) {
			snprintf(buf, len, "%s::%s", ld_dwt_name(st, "", cls, sizeof cls),
				 dwarf_diename(&c));
			return true;
		}
		if (tag == DW_TAG_inheritance && off >= o &&
		    ld_dwt_strip(ld_dwt_target(&c, &t), &s) &&
		    member_at(&s, off - o, buf, len))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

bool ld_cxx_print_member_ptr(FILE *f, const struct ld_val *v)
{
	Dwarf_Die d, t, cls, s;
	Dwarf_Attribute a;
	char name[600];
	int64_t off;

	if (v->ty.ptr || v->ty.rep || !ld_ty_peeled(&v->ty, &d) ||
	    dwarf_tag(&d) != DW_TAG_ptr_to_member_type)
		return false;
	if (ld_dwt_strip(ld_dwt_target(&d, &t), &s) &&
	    dwarf_tag(&s) == DW_TAG_subroutine_type)
		return false;       /* pointers to methods: not yet */
	off = ld_val_int(v);
	if (off == -1) {
		fputs("NULL", f);
		return true;
	}
	if (dwarf_attr(&d, DW_AT_containing_type, &a) && dwarf_formref_die(&a, &cls) &&
	    ld_dwt_strip(&cls, &s) && member_at(&s, (uint64_t)off, name, sizeof name))
		fprintf(f, "&%s", name);
	else
		fprintf(f, "%" PRId64, off);
	return true;
}
