/* C++ in expressions: members found through base classes, static data
 * members, names qualified with `::', a method's members by their bare
 * names (gdb's lookup through `this'), pointer casts to a base class.
 * Engine side of valeval.h; no output. */
#ifndef LAYOUTDBG_VALCXX_H
#define LAYOUTDBG_VALCXX_H

#include <stdbool.h>
#include <stdint.h>

#include "layoutdbg/valeval.h"

/* The member called name of struct or class st: its own members, then
 * those of its anonymous members and base classes (in declaration
 * order), static ones too.  True with *m and *off (added to). */
bool ld_cxx_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *m,
			uint64_t *off);

/* Method name of class st (bases searched) as a value: the function
 * ({int (const Base * const)} 0x... <Base::get() const>).  1 with *out,
 * 0 when st has no such method, -1 with c->err. */
int ld_cxx_method(struct ld_evalctx *c, Dwarf_Die *st, const char *name,
		  uint64_t bias, struct ld_val *out);

/* Where base class inh (a DW_TAG_inheritance of v's class) lies in v:
 * its DWARF offset, or for a virtual base what the object's vtable says.
 * 0, or -1 with c->err. */
int ld_cxx_base_offset(struct ld_evalctx *c, const struct ld_val *v,
		       Dwarf_Die *inh, uint64_t *off);

/* Member name of object v (of class st) found through its virtual bases
 * (ld_cxx_find_member does not cross those): 1 with *out, 0 none, -1
 * with c->err. */
int ld_cxx_member_rt(struct ld_evalctx *c, const struct ld_val *v,
		     Dwarf_Die *st, const char *name, struct ld_val *out);

/* The value of static data member m (its declaration) of a class whose
 * object has load bias bias.  0, or -1 with c->err. */
int ld_cxx_static_value(struct ld_evalctx *c, Dwarf_Die *m, uint64_t bias,
			struct ld_val *out);

/* obj.*pm, or ptr->*pm (arrow): the data member pm (a pointer to a
 * data member) points to in the object.  0, or -1 with c->err. */
int ld_cxx_apply_member_ptr(struct ld_evalctx *c, const struct ld_val *obj,
			    const struct ld_val *pm, bool arrow,
			    struct ld_val *out);

/* A name qualified with `::' as ld_eval_lookup answers (LD_FOUND_VAR,
 * LD_FOUND_FUNC with its DIE and object), or 0. */
int ld_cxx_lookup(struct ld_evalctx *c, const char *name, Dwarf_Die *out,
		  struct ld_obj **ob);
/* Does the bare name stand for a member of *this here (a method, no
 * local of that name)? */
bool ld_cxx_is_this_member(struct ld_evalctx *c, const char *name);

/* Is the expression C++ (the frame's unit; before `run' or without a
 * frame, the program's first unit), as gdb's language auto decides? */
bool ld_cxx_lang(struct ld_evalctx *c);

/* The names C++ adds to an expression: one with `::' (ld_cxx_qualified),
 * or, in a method, a member of *this when no local has the name.  1 with
 * *out, 0 when it is not one of those (ld_eval_name's turn), -1 with
 * c->err. */
int ld_cxx_name(struct ld_evalctx *c, const char *name, struct ld_val *out);

/* name (a bare identifier) as a member of *this in the frame's method:
 * 1 with *out, 0 when there is no `this' or no such member, -1 with
 * c->err. */
int ld_cxx_this_member(struct ld_evalctx *c, const char *name,
		       struct ld_val *out);

/* A name with `::' ("ns::counter", "Base::count"): 1 with *out, or -1
 * with c->err (gdb's words: no symbol "x" in namespace "ns"). */
int ld_cxx_qualified(struct ld_evalctx *c, const char *name,
		     struct ld_val *out);

/* A pointer to class D cast to a pointer to its base class B: the
 * address moved to B inside D (a virtual base: where D's vtable says).
 * True when it applies (*addr set); a null pointer stays null. */
bool ld_cxx_upcast(struct ld_evalctx *c, const struct ld_ty *from,
		   const struct ld_ty *to, uint64_t *addr);

#endif
