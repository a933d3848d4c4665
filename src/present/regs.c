/* info registers: gdb's three columns, or the --json document. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pointsview.h"
#include "layoutdbg/regs.h"
#include "layoutdbg/regtable.h"

/* The registers object, or only want's value and its _hex twin. */
static json_t *regs_json(const struct ld_regs_view *v)
{
	json_t *regs = ld_json_registers(&v->regs), *one, *val;
	const char *name;
	char hex[64];

	if (!v->want || !regs)
		return regs;
	name = v->want[0] == '$' ? v->want + 1 : v->want;
	val = json_object_get(regs, name);
	if (!val) {
		json_decref(regs);
		ld_error("info registers: no register \"%s\"", v->want);
		return NULL;
	}
	one = json_object();
	snprintf(hex, sizeof hex, "%s_hex", name);
	json_object_set(one, name, val);
	json_object_set(one, hex, json_object_get(regs, hex));
	json_decref(regs);
	return one;
}

static bool wanted(const char *want, const char *name)
{
	return !want || !strcmp(want, name) || (want[0] == '$' && !strcmp(want + 1, name));
}

/* Code, addresses, and the registers holding a mapped address. */
static bool placed(const struct ld_reg_desc *d, const struct ld_points_to *p)
{
	return d->show == LD_REG_CODE || d->show == LD_REG_ADDR ||
	       (p->kind != LD_PT_NULL && p->kind != LD_PT_UNMAPPED);
}

/* {"rsp": {points_to}, ...} of the registers shown. */
static json_t *points_json(const struct ld_regs_view *v)
{
	json_t *o = json_object();
	struct ld_points_to p;

	for (size_t i = 0; i < ld_nregs; i++) {
		const struct ld_reg_desc *d = &ld_reg_descs[i];

		if (wanted(v->want, d->name) &&
		    !ld_points_to(v->layout, ld_reg_value(&v->regs, d), &p) && placed(d, &p))
			ld_jset(o, d->name, ld_points_to_json(&p));
	}
	return o;
}

static int registers_json(const struct ld_regs_view *v)
{
	json_t *d, *regs = regs_json(v);

	if (!regs && v->want)
		return -1;
	d = ld_jdoc("info registers");
	ld_jset(d, "tid", json_integer(v->tid));
	ld_jset(d, "thread", json_integer(v->thread));
	ld_jset(d, "registers", regs);
	if (v->layout)
		ld_jset(d, "points_to", points_json(v));
	return ld_emit_json(d);
}

/* The layout's word on a register's value: always for code and
 * addresses, for the others when they hold a mapped address. */
static const char *layout_note(const struct ld_regs_view *v,
			       const struct ld_reg_desc *d, uint64_t x,
			       char *buf, size_t len)
{
	struct ld_points_to p;

	buf[0] = 0;
	if (ld_points_to(v->layout, x, &p) < 0)
		return buf;
	if (placed(d, &p))
		ld_points_to_note(&p, true, buf, len);
	return buf;
}

static void show_one(const struct ld_regs_view *v, const struct ld_reg_desc *d)
{
	uint64_t x = ld_reg_value(&v->regs, d);
	char sym[256], note[600] = "";

	if (v->layout)
		layout_note(v, d, x, note, sizeof note);
	if (d->show == LD_REG_CODE && !v->layout)
		snprintf(note, sizeof note, " <%s>",
			 v->sym(v->sym_ctx, x, sym, sizeof sym));
	if (d->show == LD_REG_CODE || d->show == LD_REG_ADDR)
		ld_out("%-15s0x%-18" PRIx64 "0x%" PRIx64 "%s\n", d->name, x, x, note);
	else
		ld_out("%-15s0x%-18" PRIx64 "%" PRId64 "%s\n", d->name, x,
		       (int64_t)x, note);
}

int ld_show_registers(const struct ld_regs_view *v)
{
	const char *want = v->want;
	size_t i, shown = 0;

	if (ld_json_on())
		return registers_json(v);
	for (i = 0; i < ld_nregs; i++) {
		if (!wanted(want, ld_reg_descs[i].name))
			continue;
		show_one(v, &ld_reg_descs[i]);
		shown++;
	}
	if (want && !shown)
		return ld_error("info registers: no register \"%s\"", want);
	return 0;
}
