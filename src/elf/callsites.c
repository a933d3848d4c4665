/* Call sites and their parameters (DWARF 5 section 3.4.1.3, and GCC's
 * DW_TAG_GNU_call_site before it). */
#include <dwarf.h>
#include <string.h>

#include "layoutdbg/callsites.h"
#include "layoutdbg/dwvars.h"

static bool is_call_site(Dwarf_Die *d)
{
	int tag = dwarf_tag(d);

	return tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site;
}

/* The return address a call site names: DW_AT_call_return_pc, or GCC's
 * DW_AT_low_pc (which is the return address too). */
static bool return_pc(Dwarf_Die *cs, uint64_t *pc)
{
	Dwarf_Attribute a;
	Dwarf_Addr v;

	if ((dwarf_attr(cs, DW_AT_call_return_pc, &a) ||
	     dwarf_attr(cs, DW_AT_low_pc, &a)) && dwarf_formaddr(&a, &v) == 0) {
		*pc = v;
		return true;
	}
	return false;
}

int ld_dw_calls(Dwarf_Die *cs, Dwarf_Die *callee)
{
	Dwarf_Attribute a;
	Dwarf_Die o;
	Dwarf_Addr p, q;
	const char *x, *y;

	if (!(dwarf_attr(cs, DW_AT_call_origin, &a) ||
	      dwarf_attr(cs, DW_AT_abstract_origin, &a)) ||
	    !dwarf_formref_die(&a, &o))
		return dwarf_hasattr(cs, DW_AT_call_target) ||
		       dwarf_hasattr(cs, DW_AT_GNU_call_site_target) ? LD_CALLS_IF : 0;
	if (dwarf_lowpc(&o, &p) == 0 && dwarf_lowpc(callee, &q) == 0)
		return p == q ? LD_CALLS : 0;
	x = dwarf_diename(&o);
	y = dwarf_diename(callee);
	return x && y && !strcmp(x, y) ? LD_CALLS : 0;
}

bool ld_dw_call_param(Dwarf_Die *cs, int dwreg, Dwarf_Die *param)
{
	if (dwarf_child(cs, param) != 0)
		return false;
	do {
		int tag = dwarf_tag(param);

		if ((tag == DW_TAG_call_site_parameter ||
		     tag == DW_TAG_GNU_call_site_parameter) &&
		    ld_dw_reg_of(param, DW_AT_location, 0) == dwreg)
			return true;
	} while (dwarf_siblingof(param, param) == 0);
	return false;
}

bool ld_dw_call_site(Dwarf_Die *scopes, int n, uint64_t ret, Dwarf_Die *cs)
{
	for (int i = 0; i < n; i++) {
		uint64_t pc;

		if (dwarf_child(&scopes[i], cs) != 0)
			continue;
		do {
			if (is_call_site(cs) && return_pc(cs, &pc) && pc == ret)
				return true;
		} while (dwarf_siblingof(cs, cs) == 0);
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
			break;
	}
	return false;
}
