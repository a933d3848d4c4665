/* C++ types and values as gdb shows them: a class's ptype body (access
 * labels, static members, methods with their signatures), its base
 * classes after the name, enumerators of an enum class, pointers to data
 * members.  Helpers of valshow.c and valprint.c. */
#ifndef LAYOUTDBG_VALCXXSHOW_H
#define LAYOUTDBG_VALCXXSHOW_H

#include <stdbool.h>
#include <stdio.h>

#include <elfutils/libdw.h>

#include "layoutdbg/valeval.h"

/* Writes one data member (its declaration, "int d;\n") at indentation. */
typedef void (*ld_cxx_member_fn)(FILE *f, Dwarf_Die *m, int ind);

/* Is st a C++ struct or class (gdb's C++ ptype applies)? */
bool ld_cxx_is_class(Dwarf_Die *st);
/* " : public Base, public Other" of class st (nothing without bases). */
void ld_cxx_ptype_bases(FILE *f, Dwarf_Die *st);
/* The members of class st, then its methods, as gdb 13's ptype lists
 * them (between the braces; member writes a data member). */
void ld_cxx_ptype_members(FILE *f, Dwarf_Die *st, int ind,
			  ld_cxx_member_fn member);
/* Of an enum in C++: " : int" when it has an underlying type, and what
 * its enumerators are prefixed with ("ns::Color::" for an enum class,
 * "ns::" for a plain enum in ns, "" in C).  buf. */
void ld_cxx_enum_underlying(FILE *f, Dwarf_Die *e);
char *ld_cxx_enumerator_prefix(Dwarf_Die *e, char *buf, size_t len);

/* A pointer to a data member (v's type peeled is one): gdb's
 * "&Plain::a", or its offset.  False when v is not one. */
bool ld_cxx_print_member_ptr(FILE *f, const struct ld_val *v);

#endif
