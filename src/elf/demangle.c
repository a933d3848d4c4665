/* Demangling through libiberty's cplus_demangle: C++ (_Z), Rust legacy
 * (_ZN...17h<hash>E) and Rust v0 (_R).  DMGL_AUTO lets libiberty pick the
 * style from the name, as gdb's demangler does for ELF minimal symbols. */
#include <stdlib.h>
#include <libiberty/demangle.h>

#include "layoutdbg/demangle.h"

/* Only the two prefixes are worth a call: C names are most of a C
 * program's symbols, and cplus_demangle would otherwise try each style. */
static bool mangled(const char *name)
{
	return name[0] == '_' && (name[1] == 'Z' || name[1] == 'R');
}

char *ld_demangle(const char *linkage, bool params)
{
	int opts = DMGL_ANSI | DMGL_AUTO;

	if (!linkage || !mangled(linkage))
		return NULL;
	if (params)
		opts |= DMGL_PARAMS;
	return cplus_demangle(linkage, opts);
}
