/* A parameter's value at its function's entry (DWARF 5 call sites,
 * DW_TAG_call_site_parameter's DW_AT_call_value evaluated in the caller's
 * frame), as gdb's `set print entry-values default` shows it beside the
 * current value: "index=index@entry=0" when they are equal, "n=<optimized
 * out>, n@entry=3" when they are not. */
#ifndef LAYOUTDBG_ENTRYVAL_H
#define LAYOUTDBG_ENTRYVAL_H

#include <elfutils/libdw.h>

#include "layoutdbg/valeval.h"

enum ld_entry_result {
	LD_ENTRY_NONE,    /* not known (no call site, other locations...) */
	LD_ENTRY_KNOWN,   /* *out holds it (release it): it differs from v */
	LD_ENTRY_EQUAL,   /* known and equal to v: nothing in *out */
};

/* The entry value of parameter param of c's function (c set up by
 * ld_eval_frame for its frame), compared with its current value v. */
enum ld_entry_result ld_entry_value(struct ld_evalctx *c, Dwarf_Die *param,
				    const struct ld_val *v, struct ld_val *out);

#endif
