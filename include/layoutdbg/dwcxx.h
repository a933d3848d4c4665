/* C++ in DWARF (libdw): access of members, bases and methods, static data
 * members and namespace variables (a declaration in the class or
 * namespace, the definition elsewhere with DW_AT_specification), names
 * qualified with `::'.  No ptrace, no output. */
#ifndef LAYOUTDBG_DWCXX_H
#define LAYOUTDBG_DWCXX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

enum ld_access { LD_ACC_NONE, LD_ACC_PUBLIC, LD_ACC_PROTECTED, LD_ACC_PRIVATE };

/* The access of d (a member, base, method of the class or struct parent):
 * DW_AT_accessibility, else the default (private in a class); an
 * artificial member (a vptr) is private, as gdb takes it. */
enum ld_access ld_dwcxx_access(Dwarf_Die *d, Dwarf_Die *parent);
const char *ld_dwcxx_access_name(enum ld_access a);

/* DW_AT_linkage_name (or the MIPS one) of d, its specification's too;
 * NULL without. */
const char *ld_dwcxx_linkage_name(Dwarf_Die *d);

/* Is m a static data member (a variable inside a class, or an external
 * DW_TAG_member as DWARF 4 has it)? */
bool ld_dwcxx_is_static(Dwarf_Die *m);

/* The definition of decl (a static member or a namespace variable, a
 * declaration): the variable whose DW_AT_specification it is, in decl's
 * unit or any unit of its DWARF; decl itself when it has a location. */
bool ld_dwcxx_definition(Dwarf_Die *decl, Dwarf_Die *out);

/* The same for a method's declaration: the function with its code. */
bool ld_dwcxx_function_def(Dwarf_Die *decl, Dwarf_Die *out);

/* A name qualified with `::' ("ns::counter", "Base::count", "::g",
 * "ns::Color::Red"): the variable's definition (LD_DWCXX_VAR), a function
 * with code (LD_DWCXX_FUNC) or an enumerator (LD_DWCXX_ENUMERATOR, its
 * enumeration type in *owner) in dw; or 0 with why, in gdb's words (no
 * symbol "x" in namespace "ns"). */
enum { LD_DWCXX_VAR = 1, LD_DWCXX_FUNC = 2, LD_DWCXX_ENUMERATOR = 3 };
int ld_dwcxx_lookup(Dwarf *dw, const char *qname, Dwarf_Die *out,
		    Dwarf_Die *owner, char *why, size_t whylen);

#endif
