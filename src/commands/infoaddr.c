/* info address SYM, info scope FUNCTION: where DWARF says variables are,
 * in gdb's words. */
#include <dwarf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/demangle.h"
#include "layoutdbg/dwcxx.h"
#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/error.h"
#include "layoutdbg/infoaddr.h"
#include "layoutdbg/valcxx.h"
#include "layoutdbg/valeval.h"
#include "layoutdbg/valshow.h"

#define TEXT_MAX 4096

static void cat(char *buf, const char *fmt, ...) LD_PRINTF(2, 3);
static void cat(char *buf, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	if (n < TEXT_MAX)
		vsnprintf(buf + n, TEXT_MAX - n, fmt, ap);
	va_end(ap);
}

/* One operation as gdb's disassembler of DWARF expressions lists it. */
static void op_line(char *buf, const Dwarf_Op *op)
{
	const char *name = ld_dw_op_name(op->atom);
	uint8_t a = op->atom;

	cat(buf, "     %u: %s", (unsigned)op->offset, name ? name : "DW_OP_?");
	if (a == DW_OP_fbreg || a == DW_OP_consts ||
	    (a >= DW_OP_breg0 && a <= DW_OP_breg31))
		cat(buf, " %" PRId64, (int64_t)op->number);
	else if (a == DW_OP_addr)
		cat(buf, " 0x%" PRIx64, op->number);
	else if (a == DW_OP_plus_uconst || a == DW_OP_constu || a == DW_OP_piece ||
		 (a >= DW_OP_const1u && a <= DW_OP_const8s))
		cat(buf, " %" PRIu64, op->number);
	cat(buf, "\n");
}

/* "is static storage at address 0x...": what var's location is. */
static void describe(char *buf, Dwarf_Die *var, struct ld_obj *ob)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	uint64_t bias = ob ? ob->bias : 0;

	if (!dwarf_attr_integrate(var, DW_AT_location, &a)) {
		cat(buf, dwarf_hasattr_integrate(var, DW_AT_const_value) ?
		    "constant" : "optimized out");
		return;
	}
	if (dwarf_getlocation(&a, &ops, &n) != 0) {
		cat(buf, "a variable with multiple locations");
		return;
	}
	if (n == 1 && ops[0].atom == DW_OP_addr) {
		cat(buf, "static storage at address 0x%" PRIx64, ops[0].number + bias);
	} else if (n == 2 && (ops[1].atom == DW_OP_form_tls_address ||
			      ops[1].atom == DW_OP_GNU_push_tls_address)) {
		cat(buf, "a thread-local variable at offset 0x%" PRIx64 " in the "
		    "thread-local storage for `%s'", ops[0].number,
		    ob ? ob->path : "?");
	} else if (n == 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31 &&
		   ld_reg_by_dwarf(ops[0].atom - DW_OP_reg0)) {
		cat(buf, "a variable in $%s", ld_reg_by_dwarf(ops[0].atom - DW_OP_reg0)->name);
	} else {
		cat(buf, "a complex DWARF expression:\n");
		for (size_t i = 0; i < n; i++)
			op_line(buf, &ops[i]);
	}
}

static int lookup(struct ld_session *s, const char *what, const char *name,
		  struct ld_evalctx *c, Dwarf_Die *d, struct ld_obj **ob)
{
	int fn, k;

	if (ld_eval_frame(c, s, s->live.cur_tid, s->live.frame)) {
		ld_eval_release(c);
		return ld_error("%s: %s", what, c->err);
	}
	if (strstr(name, "::"))
		k = ld_cxx_lookup(c, name, d, ob);
	else
		k = ld_eval_lookup(c, name, d, ob, &fn);
	if (!k) {
		ld_eval_release(c);
		return ld_error("%s: no symbol \"%s\" in current context", what, name);
	}
	return k;
}

int ld_cmd_info_address(struct ld_session *s, char *args)
{
	char *name = ld_next_word(&args), buf[TEXT_MAX] = "";
	struct ld_evalctx c;
	struct ld_obj *ob;
	Dwarf_Die d;
	Dwarf_Addr lo;
	int k;

	if (!name)
		return ld_error("info address: usage: info address SYMBOL");
	if (ld_eval_frame(&c, s, s->live.cur_tid, s->live.frame) == 0 &&
	    ld_cxx_is_this_member(&c, name)) {
		cat(buf, "Symbol \"%s\" is a field of the local class variable "
		    "`this'", name);
		ld_show_lines("info address", buf);
		ld_eval_release(&c);
		return 0;
	}
	ld_eval_release(&c);
	if ((k = lookup(s, "info address", name, &c, &d, &ob)) < 0)
		return -1;
	if (k == LD_FOUND_FUNC && dwarf_lowpc(&d, &lo) == 0) {
		const char *link = ld_dwcxx_linkage_name(&d);
		char *full = link ? ld_demangle(link, true) : NULL;

		/* C++: gdb names it with its parameters */
		cat(buf, "Symbol \"%s\" is a function at address 0x%" PRIx64,
		    full ? full : name, lo + (ob ? ob->bias : 0));
		free(full);
	} else {
		cat(buf, "Symbol \"%s\" is ", name);
		describe(buf, &d, ob);
	}
	cat(buf, ".");
	ld_show_lines("info address", buf);
	ld_eval_release(&c);
	return 0;
}

int ld_cmd_info_scope(struct ld_session *s, char *args)
{
	char *name = ld_next_word(&args), buf[TEXT_MAX] = "";
	struct ld_evalctx c;
	struct ld_obj *ob;
	Dwarf_Die fn, v;
	bool any = false;

	if (!name)
		return ld_error("info scope: usage: info scope FUNCTION");
	if (lookup(s, "info scope", name, &c, &fn, &ob) != LD_FOUND_FUNC) {
		if (c.s)
			ld_eval_release(&c);
		return c.s ? ld_error("info scope: \"%s\" is not a function", name) : -1;
	}
	cat(buf, "Scope for %s:\n", name);
	if (dwarf_child(&fn, &v) == 0) {
		do {
			Dwarf_Die t;

			if (!ld_dw_is_var(&v, NULL))
				continue;
			any = true;
			cat(buf, "Symbol %s is ", dwarf_diename(&v));
			describe(buf, &v, ob);
			cat(buf, ", length %" PRIu64 ".\n",
			    ld_dwt_size(ld_dwt_target(&v, &t)));
		} while (dwarf_siblingof(&v, &v) == 0);
	}
	if (!any)
		cat(buf, "Symbol %s has no locals or arguments.\n", name);
	buf[strlen(buf) - 1] = 0;
	ld_show_lines("info scope", buf);
	ld_eval_release(&c);
	return 0;
}
