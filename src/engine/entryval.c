/* Entry values of parameters through the caller's call site. */
#include "layoutdbg/entryval.h"

enum ld_entry_result ld_entry_value(struct ld_evalctx *c, Dwarf_Die *param,
				    int level, const struct ld_val *v,
				    struct ld_val *out)
{
	(void)c;
	(void)param;
	(void)level;
	(void)v;
	(void)out;
	return LD_ENTRY_NONE;
}
