/* info registers: gdb's three columns, or the --json document. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layoutdbg/error.h"
#include "layoutdbg/jsonout.h"
#include "layoutdbg/output.h"
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

static int registers_json(const struct ld_regs_view *v)
{
	json_t *d, *regs = regs_json(v);

	if (!regs && v->want)
		return -1;
	d = ld_jdoc("info registers");
	ld_jset(d, "tid", json_integer(v->tid));
	ld_jset(d, "thread", json_integer(v->thread));
	ld_jset(d, "registers", regs);
	return ld_emit_json(d);
}

int ld_show_registers(const struct ld_regs_view *v)
{
	const char *want = v->want;
	size_t i, shown = 0;
	char sym[256];

	if (ld_json_on())
		return registers_json(v);
	for (i = 0; i < ld_nregs; i++) {
		uint64_t x = ld_reg_value(&v->regs, &ld_reg_descs[i]);
		const char *name = ld_reg_descs[i].name;

		if (want && strcmp(want, name) && !(want[0] == '$' && !strcmp(want + 1, name)))
			continue;
		if (ld_reg_descs[i].show == LD_REG_CODE)
			ld_out("%-15s0x%-18" PRIx64 "0x%" PRIx64 " <%s>\n", name, x, x,
			       v->sym(v->sym_ctx, x, sym, sizeof sym));
		else if (ld_reg_descs[i].show == LD_REG_ADDR)
			ld_out("%-15s0x%-18" PRIx64 "0x%" PRIx64 "\n", name, x, x);
		else
			ld_out("%-15s0x%-18" PRIx64 "%" PRId64 "\n", name, x, (int64_t)x);
		shown++;
	}
	if (want && !shown)
		return ld_error("info registers: no register \"%s\"", want);
	return 0;
}
