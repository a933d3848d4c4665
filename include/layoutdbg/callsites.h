/* DWARF call sites (DW_TAG_call_site, GCC's DW_TAG_GNU_call_site): what
 * a caller passed in a register, for the entry values of the callee's
 * parameters.  No ptrace: the expressions are evaluated by the caller. */
#ifndef LAYOUTDBG_CALLSITES_H
#define LAYOUTDBG_CALLSITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

/* In scopes[0..n) (a caller's, innermost first, up to its function),
 * the call site returning to link-time ret: true and *cs. */
bool ld_dw_call_site(Dwarf_Die *scopes, int n, uint64_t ret, Dwarf_Die *cs);

/* Does call site cs call callee?  By its DW_AT_call_origin: the same
 * entry address, or the same name (a declaration).  An indirect call:
 * true with its DW_AT_call_target expression in *target (the caller
 * evaluates it in the calling frame and compares the address). */
bool ld_dw_calls(Dwarf_Die *cs, Dwarf_Die *callee, Dwarf_Attribute *a,
		 Dwarf_Op **target, size_t *n);

/* The expression (DW_AT_call_value, its attribute in *a) of the value
 * call site cs passed in register dwreg: false when it has none. */
bool ld_dw_call_param(Dwarf_Die *cs, int dwreg, Dwarf_Attribute *a,
		      Dwarf_Op **ops, size_t *n);

#endif
