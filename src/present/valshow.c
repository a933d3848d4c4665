/* print, output, ptype, whatis, info locals/args: the lines and the JSON
 * documents. */
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/json.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pointsview.h"
#include "layoutdbg/valcxxshow.h"
#include "layoutdbg/valprint.h"
#include "layoutdbg/valshow.h"

static json_t *value_json(struct ld_evalctx *c, const struct ld_val *v,
			  const char *text)
{
	char type[512];
	json_t *o = json_object();

	ld_json_put_text(o, "value", text ? text : "");
	ld_json_put_text(o, "type", ld_ty_name(&v->ty, "", type, sizeof type));
	if (v->lval == LV_MEM)
		ld_json_put_u64(o, "address", v->addr);
	if (v->optout)
		json_object_set_new(o, "optimized_out", json_true());
	if (ld_ty_kind(&v->ty) == K_PTR && !v->optout) {
		struct ld_points_to p;

		ld_json_put_u64(o, "pointer", ld_val_uint(v));
		if (c->s->live.proc && ld_points_to(c->s, ld_val_uint(v), &p) == 0)
			ld_jset(o, "points_to", ld_points_to_json(&p));
	}
	return o;
}

/* A value's text, whose lines (set print pretty) are its own: every
 * other control character in it is escaped already. */
static void out_text(const char *text)
{
	const char *nl;

	for (; (nl = strchr(text, '\n')); text = nl + 1)
		ld_out("%.*s\n", (int)(nl - text), text);
	ld_out("%s", text);
}

void ld_show_value(struct ld_evalctx *c, const char *command, int num,
		   const struct ld_val *v, char fmt)
{
	char *text = ld_val_text(c, v, fmt, true);

	if (ld_json_on()) {
		json_t *d = ld_jdoc(command);
		json_t *o = value_json(c, v, text);

		if (num > 0)
			json_object_set_new(d, "num", json_integer(num));
		json_object_update(d, o);
		json_decref(o);
		ld_emit_json(d);
	} else {
		if (num > 0)
			ld_out("$%d = ", num);
		out_text(text ? text : "");
		if (num > 0)
			ld_out("\n");
	}
	free(text);
}

static void indent(FILE *f, int n)
{
	fprintf(f, "%*s", n, "");
}

static void body(FILE *f, Dwarf_Die *st, int ind);

/* The enumerators: {RED, GREEN = 5, BLUE}, a value shown where it is not
 * the one after the last. */
static void enum_body(FILE *f, Dwarf_Die *e)
{
	Dwarf_Die ch;
	int64_t next = 0;
	bool any = false;
	char pre[512];

	ld_cxx_enumerator_prefix(e, pre, sizeof pre);
	fputs(" {", f);
	if (dwarf_child(e, &ch) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Sword sv = 0;

			if (dwarf_tag(&ch) != DW_TAG_enumerator)
				continue;
			if (dwarf_attr(&ch, DW_AT_const_value, &a))
				dwarf_formsdata(&a, &sv);
			fprintf(f, "%s%s%s", any ? ", " : "", pre, dwarf_diename(&ch));
			if (sv != next)
				fprintf(f, " = %" PRId64, (int64_t)sv);
			next = sv + 1;
			any = true;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	}
	fputc('}', f);
}

static void member(FILE *f, Dwarf_Die *m, int ind)
{
	Dwarf_Die t, s, *tp = ld_dwt_target(m, &t);
	const char *name = dwarf_diename(m);
	char decl[1024];
	unsigned bitpos, bitsize;
	int tag = tp ? dwarf_tag(tp) : 0;

	indent(f, ind);
	if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
	    !dwarf_diename(tp) && ld_dwt_strip(tp, &s)) {
		/* an anonymous struct or union is spelled out in place */
		fputs(tag == DW_TAG_union_type ? "union" : "struct", f);
		body(f, &s, ind);
		fprintf(f, "%s%s;\n", name ? " " : "", name ? name : "");
		return;
	}
	fputs(ld_dwt_name(tp, name ? name : "", decl, sizeof decl), f);
	if (ld_dw_bitfield(m, &bitpos, &bitsize))
		fprintf(f, " : %u", bitsize);
	fputs(";\n", f);
}

/* " {\n members \n}" of struct or union st at indentation ind. */
static void body(FILE *f, Dwarf_Die *st, int ind)
{
	Dwarf_Die m;

	if (dwarf_tag(st) == DW_TAG_enumeration_type) {
		enum_body(f, st);
		return;
	}
	fputs(" {\n", f);
	if (dwarf_hasattr(st, DW_AT_declaration)) {
		indent(f, ind + 4);
		fputs("<incomplete type>\n", f);
	} else if (ld_cxx_is_class(st)) {
		ld_cxx_ptype_members(f, st, ind, member);
	} else if (dwarf_child(st, &m) == 0) {
		do {
			if (dwarf_tag(&m) == DW_TAG_member)
				member(f, &m, ind + 4);
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	indent(f, ind);
	fputc('}', f);
}

/* The type a declarator ends at: t with pointers and arrays walked. */
static Dwarf_Die *core_of(const struct ld_ty *t, Dwarf_Die *out)
{
	Dwarf_Die d = t->die, q;
	int guard = 64;

	while (guard--) {
		int tag = dwarf_tag(&d);

		if ((tag == DW_TAG_const_type || tag == DW_TAG_volatile_type) &&
		    ld_dwt_target(&d, &q)) {
			/* "Derived * const": the qualifier of a pointer */
			int qt = dwarf_tag(&q);

			if (qt == DW_TAG_pointer_type || qt == DW_TAG_reference_type ||
			    qt == DW_TAG_rvalue_reference_type) {
				d = q;
				continue;
			}
		}
		if (tag != DW_TAG_pointer_type && tag != DW_TAG_array_type &&
		    tag != DW_TAG_reference_type && tag != DW_TAG_rvalue_reference_type)
			break;
		if (!ld_dwt_target(&d, &d))
			return NULL;
	}
	*out = d;
	return out;
}

/* Multi-line text through ld_out, a line at a time (ld_out escapes a
 * newline inside an argument). */
static void out_lines(const char *prefix, const char *text)
{
	const char *p = text;

	ld_out("%s", prefix);
	for (;;) {
		size_t n = strcspn(p, "\n");

		ld_out("%.*s\n", (int)n, p);
		if (!p[n])
			break;
		p += n + 1;
	}
}

void ld_show_lines(const char *command, const char *text)
{
	if (ld_json_on()) {
		json_t *d = ld_jdoc(command);

		ld_json_put_text(d, "text", text);
		ld_emit_json(d);
		return;
	}
	out_lines("", text);
}

/* ptype: the type with its struct, union or enum spelled out and typedefs
 * at its core resolved. */
static void ptype_text(FILE *f, const struct ld_ty *t)
{
	char full[1024], core_name[512], inner[512];
	Dwarf_Die core, s;
	size_t k;
	int tag;

	ld_ty_name(t, "", full, sizeof full);
	if (!t->has_die || !core_of(t, &core) || !ld_dwt_strip(&core, &s)) {
		fputs(full, f);
		return;
	}
	tag = dwarf_tag(&s);
	ld_dwt_name(&core, "", core_name, sizeof core_name);
	k = strlen(core_name);
	if (tag == DW_TAG_subroutine_type || strncmp(full, core_name, k)) {
		fputs(full, f);
		return;
	}
	if (dwarf_tag(&core) == DW_TAG_const_type)
		fputs("const ", f);
	if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	    tag == DW_TAG_enumeration_type || tag == DW_TAG_class_type) {
		ld_dwt_tagged(&s, inner, sizeof inner);
		if (!dwarf_diename(&s))   /* "struct {...}" */
			inner[strcspn(inner, " ")] = 0;
		if (tag == DW_TAG_enumeration_type && ld_dwt_is_cplus(&s) &&
		    dwarf_hasattr(&s, DW_AT_enum_class))
			fputs("enum class", f), fputs(inner + 4, f);
		else
			fputs(inner, f);
		if (tag == DW_TAG_enumeration_type)
			ld_cxx_enum_underlying(f, &s);
		else if (ld_cxx_is_class(&s))
			ld_cxx_ptype_bases(f, &s);
		body(f, &s, 0);
	} else {
		fputs(ld_dwt_name(&s, "", inner, sizeof inner), f);
	}
	fputs(full + k, f);
}

void ld_show_type(const struct ld_ty *t, bool expand)
{
	char *buf = NULL, name[1024];
	size_t len = 0;
	FILE *f;

	if (!expand) {
		ld_ty_name(t, "", name, sizeof name);
		if (ld_json_on()) {
			json_t *d = ld_jdoc("whatis");

			ld_json_put_text(d, "type", name);
			ld_emit_json(d);
		} else {
			ld_out("type = %s\n", name);
		}
		return;
	}
	if (!(f = open_memstream(&buf, &len)))
		return;
	ptype_text(f, t);
	fclose(f);
	if (ld_json_on()) {
		json_t *d = ld_jdoc("ptype");

		ld_json_put_text(d, "type", buf ? buf : "");
		ld_emit_json(d);
	} else {
		out_lines("type = ", buf ? buf : "");
	}
	free(buf);
}

void *ld_show_vars_begin(void)
{
	return ld_json_on() ? json_array() : NULL;
}

void ld_show_var(struct ld_evalctx *c, const char *name,
		 const struct ld_val *v, const char *err, void *json_list,
		 int indent)
{
	char *text = err ? NULL : ld_val_text_depth(c, v, indent / 2);

	if (json_list) {
		json_t *o = err ? json_object() : value_json(c, v, text);

		ld_json_put_text(o, "name", name);
		if (err)
			ld_json_put_text(o, "error", err);
		json_array_append_new(json_list, o);
	} else if (err) {
		ld_out("%*s%s = <error: %s>\n", indent, "", name, err);
	} else {
		ld_out("%*s%s = ", indent, "", name);
		out_text(text ? text : "");
		ld_out("\n");
	}
	free(text);
}

void ld_show_vars_end(void *list, const char *command, const char *none,
		      int frame, int indent)
{
	if (list) {
		json_t *d = ld_jdoc(command);

		json_object_set_new(d, "frame", json_integer(frame));
		ld_jset(d, "variables", list);
		ld_emit_json(d);
	} else if (none) {
		ld_out("%*s%s\n", indent, "", none);
	}
}
