/* gdb's convenience variables: $name set by `set $name = EXPR`, and the
 * ones layoutdbg itself sets ($_ and $__ after x, $_exitcode, $bpnum).
 * Kept by the session (live.conv) across runs; a value typed by an
 * object's DWARF goes when the objects do (its type would dangle). */
#ifndef LAYOUTDBG_CONVVARS_H
#define LAYOUTDBG_CONVVARS_H

#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/values.h"

struct ld_convvar {
	char *name;              /* without the $ */
	struct ld_val v;
};

struct ld_convvars {
	struct ld_convvar *v;
	size_t n, cap;
};

void ld_conv_release(struct ld_convvars *cv);
/* $name's value, or NULL when it was never set (gdb: void). */
const struct ld_val *ld_conv_get(const struct ld_convvars *cv, const char *name);
/* $name = a copy of v: 0 or -ENOMEM. */
int ld_conv_set(struct ld_convvars *cv, const char *name, const struct ld_val *v);
/* $name = x as a scalar of synthetic type sy with ptr pointer levels. */
int ld_conv_set_scalar(struct ld_convvars *cv, const char *name,
		       enum ld_synth sy, unsigned ptr, uint64_t x);
/* Drop the values whose type comes from a DWARF other than keep's (NULL:
 * any DWARF). */
void ld_conv_forget_typed(struct ld_convvars *cv, const Dwarf *keep);

#endif
