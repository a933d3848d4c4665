/* C++ and Rust (legacy and v0) symbol names as people read them, through
 * libiberty's demangler (the one gdb and c++filt use). */
#ifndef LAYOUTDBG_DEMANGLE_H
#define LAYOUTDBG_DEMANGLE_H

#include <stdbool.h>

/* The demangled form of a linkage name in a malloc'd string, or NULL when
 * the name is not mangled (C names, "main") or cannot be demangled.
 * params: with the parameter list, as gdb's `info symbol` prints a
 * minimal symbol ("ns::C::m(int)"); without, as gdb's `bt` names a
 * function from its DWARF ("ns::C::m", "add<int>"). */
char *ld_demangle(const char *linkage, bool params);

#endif
