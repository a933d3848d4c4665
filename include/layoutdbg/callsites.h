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

/* Does call site cs call callee?  LD_CALLS by its DW_AT_call_origin (the
 * same entry address, or the same name for a declaration); LD_CALLS_IF
 * for an indirect call: its DW_AT_call_target (dwvars.h's
 * ld_dw_eval_attr, in the calling frame) must be callee's address; 0 not. */
enum { LD_CALLS = 1, LD_CALLS_IF = 2 };
int ld_dw_calls(Dwarf_Die *cs, Dwarf_Die *callee);

/* The parameter of call site cs passed in register dwreg (its
 * DW_AT_call_value says what was passed): true and *param. */
bool ld_dw_call_param(Dwarf_Die *cs, int dwreg, Dwarf_Die *param);

#endif
