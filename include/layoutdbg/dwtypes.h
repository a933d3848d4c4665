/* C types from DWARF (libdw DIEs): peeling typedefs and qualifiers,
 * sizes, names spelled as gdb spells them, lookup by name.  A NULL die
 * means void.  No ptrace, no output. */
#ifndef LAYOUTDBG_DWTYPES_H
#define LAYOUTDBG_DWTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

/* The type a DIE refers to (DW_AT_type) in *out: out, or NULL for void. */
Dwarf_Die *ld_dwt_target(Dwarf_Die *die, Dwarf_Die *out);

/* Peel typedefs, const, volatile (and restrict, atomic) off t: out (a
 * copy of t when there is nothing to peel), or NULL for void. */
Dwarf_Die *ld_dwt_strip(Dwarf_Die *t, Dwarf_Die *out);

/* DW_TAG_* of t with typedefs and qualifiers peeled; 0 for void. */
int ld_dwt_tag(Dwarf_Die *t);

/* Size in bytes (arrays: all elements); 0 when unknown or void. */
uint64_t ld_dwt_size(Dwarf_Die *t);

/* A base type's DW_ATE_* encoding (0 if t is not one, peeled). */
int ld_dwt_encoding(Dwarf_Die *t);

/* The count of elements of an array's dimension dim (0 if unknown: a
 * flexible array member), and how many dimensions it has. */
uint64_t ld_dwt_array_count(Dwarf_Die *array, unsigned dim);
unsigned ld_dwt_array_dims(Dwarf_Die *array);

/* The type spelled as C declares it, with decl (a name, or "" for an
 * abstract type) in its place: "struct node *next", "int (*)(int)",
 * "char [16]", "const char *".  Into buf; returns buf. */
char *ld_dwt_name(Dwarf_Die *t, const char *decl, char *buf, size_t len);
/* The same for `dims` dimensions of array t left (dims >= 1, t an array
 * type, peeled). */
char *ld_dwt_name_dims(Dwarf_Die *t, unsigned skip, const char *decl,
		       char *buf, size_t len);

/* Is d in a C++ unit? */
bool ld_dwt_is_cplus(Dwarf_Die *d);
/* A struct, class, union or enum with its keyword: "struct ns::Class"
 * (C++: qualified), "struct {...}" for an anonymous one.  buf. */
char *ld_dwt_tagged(Dwarf_Die *t, char *buf, size_t len);

/* A type named as written ("struct node", "node_t", "long unsigned int")
 * in any unit of dw: true and *out. */
bool ld_dwt_find(Dwarf *dw, const char *name, Dwarf_Die *out);
/* fn(unit DIE, arg) for each compilation unit of dw until it returns true:
 * true then, false when none did (or dw is NULL). */
bool ld_dwt_each_unit(Dwarf *dw, bool (*fn)(Dwarf_Die *cu, void *arg), void *arg);

/* Does any unit of dw define a typedef called name? */
bool ld_dwt_is_typedef(Dwarf *dw, const char *name);

#endif
