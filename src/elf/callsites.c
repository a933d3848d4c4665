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

bool ld_dw_calls(Dwarf_Die *cs, Dwarf_Die *callee, Dwarf_Attribute *a_out,
		 Dwarf_Op **target, size_t *n)
{
	Dwarf_Attribute a;
	Dwarf_Die o;
	Dwarf_Addr p, q;
	const char *x, *y;

	*target = NULL;
	*n = 0;
	if (!(dwarf_attr(cs, DW_AT_call_origin, &a) ||
	      dwarf_attr(cs, DW_AT_abstract_origin, &a)) ||
	    !dwarf_formref_die(&a, &o)) {
		/* an indirect call: the caller checks where it went */
		if ((dwarf_attr(cs, DW_AT_call_target, &a) ||
		     dwarf_attr(cs, DW_AT_GNU_call_site_target, &a)) &&
		    dwarf_getlocation(&a, target, n) == 0 && *n > 0) {
			*a_out = a;
			return true;
		}
		return false;
	}
	if (dwarf_lowpc(&o, &p) == 0 && dwarf_lowpc(callee, &q) == 0)
		return p == q;
	x = dwarf_diename(&o);
	y = dwarf_diename(callee);
	return x && y && !strcmp(x, y);
}

bool ld_dw_call_param(Dwarf_Die *cs, int dwreg, Dwarf_Attribute *a,
		      Dwarf_Op **ops, size_t *n)
{
	Dwarf_Die p;
	Dwarf_Op *loc;
	size_t nloc;

	if (dwarf_child(cs, &p) != 0)
		return false;
	do {
		int tag = dwarf_tag(&p);

		if (tag != DW_TAG_call_site_parameter &&
		    tag != DW_TAG_GNU_call_site_parameter)
			continue;
		if (!dwarf_attr(&p, DW_AT_location, a) ||
		    dwarf_getlocation(a, &loc, &nloc) != 0 ||
		    ld_dw_single_reg(loc, nloc) != dwreg)
			continue;
		if (!(dwarf_attr(&p, DW_AT_call_value, a) ||
		      dwarf_attr(&p, DW_AT_GNU_call_site_value, a)))
			return false;
		return dwarf_getlocation(a, ops, n) == 0 && *n > 0;
	} while (dwarf_siblingof(&p, &p) == 0);
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
