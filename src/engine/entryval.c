/* Entry values of parameters through the caller's call site: the
 * parameter's location at the function's entry is a register; the call
 * site in the caller (found by the return address) says what was passed
 * in it, as an expression of the caller's frame, which may itself need
 * the caller's entry values (a recursion passing its own argument on). */
#include <dwarf.h>
#include <string.h>

#include "layoutdbg/callsites.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/entryval.h"

/* How many callers deep an entry value is followed (gdb follows any
 * number; a chain longer than this is rare and costs an unwind each). */
#define ENTRY_DEPTH_MAX 8

/* Is call site cs (in cc, the caller's frame) a call of c's function?
 * An indirect call's target is evaluated in the caller's frame (as gdb
 * does: its registers as they are now, the callee-saved ones restored). */
static bool call_of(struct ld_evalctx *cc, Dwarf_Die *cs, struct ld_evalctx *c)
{
	Dwarf_Die *callee = &c->scopes[c->fn];
	Dwarf_Addr lo;
	uint64_t to;
	int k = ld_dw_calls(cs, callee);

	if (k != LD_CALLS_IF)
		return k == LD_CALLS;
	return ld_eval_attr_value(cc, cs, DW_AT_call_target, &to) == 0 && c->ob &&
	       dwarf_lowpc(callee, &lo) == 0 && to == lo + c->ob->bias;
}

int ld_entry_reg(struct ld_evalctx *c, int dwreg, uint64_t *val)
{
	const struct ld_frames *fs = NULL;
	struct ld_evalctx cc;
	Dwarf_Die cs, param;
	uint64_t ret;
	int r = -1;

	if (!c->s->live.proc || c->fn < 0 || c->entry_depth >= ENTRY_DEPTH_MAX)
		return -1;
	/* an inlined copy was not called: it has no call site */
	if (ld_session_stack_ref(c->s, c->tid, (size_t)c->frame + 2, &fs) <=
	    c->frame + 1 || fs->v[c->frame].inlined)
		return -1;
	ret = fs->v[c->frame + 1].pc;
	if (ld_eval_frame_memo(&cc, c->s, c->tid, c->frame + 1, c->memo) == 0 &&
	    cc.ob &&
	    cc.nscopes > 0) {
		cc.entry_depth = c->entry_depth + 1;
		if (ld_dw_call_site(cc.scopes, cc.nscopes, ret - cc.ob->bias, &cs) &&
		    call_of(&cc, &cs, c) &&
		    ld_dw_call_param(&cs, dwreg, &param))
			r = ld_eval_attr_value(&cc, &param, DW_AT_call_value, val);
	}
	ld_eval_release(&cc);
	return r;
}

enum ld_entry_result ld_entry_value(struct ld_evalctx *c, Dwarf_Die *param,
				    const struct ld_val *v, struct ld_val *out)
{
	Dwarf_Addr entry;
	uint64_t x;
	int reg;

	memset(out, 0, sizeof *out);
	if (c->fn < 0 || !c->ob || dwarf_entrypc(&c->scopes[c->fn], &entry) != 0)
		return LD_ENTRY_NONE;
	/* gdb's rule: where the parameter is at the function's entry, a
	 * lone register (DW_OP_fbreg, a stack-passed argument, is not
	 * followed here) */
	if ((reg = ld_dw_reg_of(param, DW_AT_location, entry)) < 0)
		return LD_ENTRY_NONE;
	if (ld_ty_size(&v->ty) > 8 || ld_entry_reg(c, reg, &x) ||
	    ld_val_scalar(out, &v->ty, x))
		return LD_ENTRY_NONE;
	if (!v->optout && !v->optmask && v->bytes && v->len == out->len &&
	    !memcmp(v->bytes, out->bytes, v->len)) {
		ld_val_release(out);
		return LD_ENTRY_EQUAL;
	}
	return LD_ENTRY_KNOWN;
}
