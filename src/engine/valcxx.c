/* C++ in expressions: members through bases, static members, `::' names,
 * implicit `this', pointer casts to a base class. */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwcxx.h"
#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/lines.h"
#include "layoutdbg/objs.h"
#include "layoutdbg/valcxx.h"
#include "valeval_int.h"

/* "Base::b": member b of st's base class Base (or of st, so named). */
static bool qualified_member(Dwarf_Die *st, const char *name, Dwarf_Die *m,
			     uint64_t *off)
{
	const char *last = strrchr(name, ':');
	char cls[512];
	size_t k = (size_t)(last - name) - 1;
	Dwarf_Die ch, t, s;

	ld_dwt_name(st, "", cls, sizeof cls);
	if (strlen(cls) == k && !strncmp(cls, name, k))
		return ld_cxx_find_member(st, last + 1, m, off);
	if (dwarf_child(st, &ch) != 0)
		return false;
	do {
		uint64_t o = *off + ld_dw_member_offset(&ch);

		if (dwarf_tag(&ch) == DW_TAG_inheritance &&
		    ld_dwt_strip(ld_dwt_target(&ch, &t), &s) &&
		    qualified_member(&s, name, m, &o)) {
			*off = o;
			return true;
		}
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

bool ld_cxx_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *m,
			uint64_t *off)
{
	Dwarf_Die ch, t, s;

	if (strstr(name, "::"))
		return qualified_member(st, name, m, off);
	if (dwarf_child(st, &ch) != 0)
		return false;
	do {
		int tag = dwarf_tag(&ch);
		const char *n = dwarf_diename(&ch);
		uint64_t o;

		if (n && (tag == DW_TAG_member || tag == DW_TAG_variable) &&
		    !strcmp(n, name)) {
			*m = ch;
			if (tag == DW_TAG_member && !ld_dwcxx_is_static(&ch))
				*off += ld_dw_member_offset(&ch);
			return true;
		}
		if (tag != DW_TAG_inheritance && (tag != DW_TAG_member || n))
			continue;
		if (dwarf_hasattr(&ch, DW_AT_virtuality))
			continue;   /* where it is: ld_cxx_member_rt */
		if (!ld_dwt_strip(ld_dwt_target(&ch, &t), &s))
			continue;
		o = *off + ld_dw_member_offset(&ch);
		if (ld_cxx_find_member(&s, name, m, &o)) {
			*off = o;
			return true;
		}
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* The method called name of st or of a base (*off: that base's offset). */
static bool find_method(Dwarf_Die *st, const char *name, Dwarf_Die *m,
			uint64_t *off)
{
	Dwarf_Die ch, t, s;

	if (dwarf_child(st, &ch) != 0)
		return false;
	do {
		const char *n = dwarf_diename(&ch);

		if (dwarf_tag(&ch) == DW_TAG_subprogram && n && !strcmp(n, name)) {
			*m = ch;
			return true;
		}
	} while (dwarf_siblingof(&ch, &ch) == 0);
	dwarf_child(st, &ch);
	do {
		uint64_t o = ld_dw_member_offset(&ch);

		if (dwarf_tag(&ch) == DW_TAG_inheritance &&
		    ld_dwt_strip(ld_dwt_target(&ch, &t), &s) &&
		    find_method(&s, name, m, &o)) {
			*off += o;
			return true;
		}
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

int ld_cxx_method(struct ld_evalctx *c, Dwarf_Die *st, const char *name,
		  uint64_t bias, struct ld_val *out)
{
	Dwarf_Die m, def;
	Dwarf_Addr lo;
	uint64_t off = 0;

	if (!ld_dwt_is_cplus(st) || !find_method(st, name, &m, &off))
		return 0;
	if (off && !dwarf_hasattr(&m, DW_AT_virtuality))
		/* gdb 13 does not adjust `this' for it */
		return ld_eval_fail(c, "cannot take address of method %s", name);
	if (!ld_dwcxx_function_def(&m, &def) || dwarf_lowpc(&def, &lo))
		return ld_eval_fail(c, "the method %s has no code here (not "
				    "defined, or inlined)", name);
	memset(out, 0, sizeof *out);
	out->ty = ld_ty_die(&def, bias);
	out->lval = LV_MEM;
	out->addr = lo + bias;
	return 1;
}

/* The loaded object whose DWARF is dw, else one loaded at bias (NULL
 * before `run' or none). */
static struct ld_obj *object_of(struct ld_evalctx *c, Dwarf *dw, uint64_t bias)
{
	struct ld_objs *o = &c->s->live.objs;

	/* the object list may be new memory since the frame was set up */
	if (c->s->live.proc && c->ob)
		c->ob = ld_objs_at(&c->s->live.objs, c->pc);
	if (c->ob && c->dw == dw)
		return c->ob;
	for (size_t i = 0; c->s->live.proc && i < o->n; i++)
		if (ld_lines_dwarf(ld_obj_lines(&o->v[i])) == dw)
			return &o->v[i];
	for (size_t i = 0; c->s->live.proc && i < o->n; i++)
		if (o->v[i].bias == bias)
			return &o->v[i];
	return NULL;
}

int ld_cxx_static_value(struct ld_evalctx *c, Dwarf_Die *m, uint64_t bias,
			struct ld_val *out)
{
	Dwarf_Die def;
	struct ld_obj *ob;

	memset(out, 0, sizeof *out);
	if (!ld_dwcxx_definition(m, &def))
		return ld_eval_fail(c, "field %s is nonexistent or has been "
				    "optimized out", dwarf_diename(m));
	ob = object_of(c, dwarf_cu_getdwarf(def.cu), bias);
	return ld_eval_var(c, &def, ob, -1, out);
}

int ld_cxx_this_member(struct ld_evalctx *c, const char *name,
		       struct ld_val *out)
{
	Dwarf_Die thisd, st, m;
	struct ld_val tv = { 0 }, obj = { 0 };
	struct ld_ty t;
	uint64_t off = 0;
	int at, r;

	if (!c->nscopes || c->fn < 0 || !ld_dwt_is_cplus(&c->scopes[c->fn]) ||
	    !ld_dw_lookup_scoped(c->scopes, c->fn + 1, "this", &thisd, &at) ||
	    !dwarf_hasattr(&thisd, DW_AT_artificial))
		return 0;
	if (ld_eval_var(c, &thisd, c->ob, c->fn, &tv))
		return -1;
	if (ld_ty_kind(&tv.ty) != K_PTR || !ld_ty_target(&tv.ty, &t) ||
	    !ld_ty_peeled(&t, &st)) {
		ld_val_release(&tv);
		return 0;
	}
	if (tv.optout) {
		ld_val_release(&tv);
		if (!ld_cxx_find_member(&st, name, &m, &off))
			return 0;
		return ld_eval_fail(c, "value has been optimized out");
	}
	r = ld_eval_at(c, &t, ld_val_uint(&tv), &obj);
	ld_val_release(&tv);
	if (r)
		return -1;
	if (ld_cxx_find_member(&st, name, &m, &off))
		r = ld_eval_member(c, &obj, &m, off, out) ? -1 : 1;
	else
		r = ld_cxx_member_rt(c, &obj, &st, name, out);
	ld_val_release(&obj);
	return r;
}

/* Enumerator d of enumeration type e as a value. */
static int enumerator_value(struct ld_evalctx *c, Dwarf_Die *d, Dwarf_Die *e,
			    uint64_t bias, struct ld_val *out)
{
	Dwarf_Attribute a;
	Dwarf_Sword x = 0;
	struct ld_ty t = ld_ty_die(e, bias);

	if (!dwarf_attr(d, DW_AT_const_value, &a) || dwarf_formsdata(&a, &x))
		return ld_eval_fail(c, "the enumerator %s has no value",
				    dwarf_diename(d));
	return ld_val_scalar(out, &t, (uint64_t)x) ?
	       ld_eval_fail(c, "out of memory") : 1;
}

static int found(struct ld_evalctx *c, int kind, Dwarf_Die *d, Dwarf_Die *e,
		 struct ld_obj *ob, struct ld_val *out)
{
	uint64_t bias = ob ? ob->bias : 0;

	if (kind == LD_DWCXX_VAR)
		return ld_eval_var(c, d, ob, -1, out) ? -1 : 1;
	if (kind == LD_DWCXX_ENUMERATOR)
		return enumerator_value(c, d, e, bias, out);
	return ld_eval_function(c, d, bias, out) ? -1 : 1;
}

int ld_cxx_qualified(struct ld_evalctx *c, const char *name,
		     struct ld_val *out)
{
	struct ld_objs *o = &c->s->live.objs;
	char why[300] = "", one[300];
	Dwarf_Die d, e;
	int k;

	if (c->dw && (k = ld_dwcxx_lookup(c->dw, name, &d, &e, why, sizeof why)))
		return found(c, k, &d, &e, c->ob, out);
	for (size_t i = 0; c->s->live.proc && i < o->n; i++) {
		Dwarf *dw = ld_lines_dwarf(ld_obj_lines(&o->v[i]));

		if (!dw || dw == c->dw)
			continue;
		if ((k = ld_dwcxx_lookup(dw, name, &d, &e, one, sizeof one)))
			return found(c, k, &d, &e, &o->v[i], out);
		if (!why[0] || (strstr(why, "current context") &&
				!strstr(one, "current context")))
			snprintf(why, sizeof why, "%s", one);
	}
	if (!why[0])
		snprintf(why, sizeof why, "no symbol \"%s\" in current context", name);
	return ld_eval_fail(c, "%s", why);
}

/* The address of base class base inside the object of class d at addr
 * (virtual bases through the vtable): true and *out. */
static bool base_address(struct ld_evalctx *c, Dwarf_Die *d, uint64_t addr,
			 Dwarf_Die *base, const char *bname, uint64_t *out)
{
	Dwarf_Die ch, t, s;
	char name[512];

	if (!strcmp(ld_dwt_tagged(d, name, sizeof name), bname)) {
		*out = addr;
		return true;
	}
	if (dwarf_child(d, &ch) != 0)
		return false;
	do {
		struct ld_val v = { .lval = LV_MEM, .addr = addr };
		uint64_t off;

		if (dwarf_tag(&ch) != DW_TAG_inheritance ||
		    !ld_dwt_strip(ld_dwt_target(&ch, &t), &s))
			continue;
		if (ld_cxx_base_offset(c, &v, &ch, &off))
			continue;
		if (base_address(c, &s, addr + off, base, bname, out))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

bool ld_cxx_upcast(struct ld_evalctx *c, const struct ld_ty *from,
		   const struct ld_ty *to, uint64_t *addr)
{
	struct ld_ty ft, tt;
	Dwarf_Die fs, ts;
	char bname[512];
	uint64_t at;

	if (ld_ty_kind(from) != K_PTR || ld_ty_kind(to) != K_PTR ||
	    from->ptr > 1 || to->ptr > 1 ||
	    !ld_ty_target(from, &ft) || !ld_ty_target(to, &tt) ||
	    ld_ty_kind(&ft) != K_STRUCT || ld_ty_kind(&tt) != K_STRUCT ||
	    !ld_ty_peeled(&ft, &fs) || !ld_ty_peeled(&tt, &ts) || !*addr)
		return false;
	ld_dwt_tagged(&ts, bname, sizeof bname);
	if (!base_address(c, &fs, *addr, &ts, bname, &at))
		return false;
	*addr = at;
	return true;
}

int ld_cxx_name(struct ld_evalctx *c, const char *name, struct ld_val *out)
{
	Dwarf_Die d;
	struct ld_obj *ob;
	int fn;

	if (strstr(name, "::"))
		return ld_cxx_qualified(c, name, out);
	/* a local first, then a member of *this, then the globals; C frames
	   (breakpoint conditions) pay nothing */
	if (!c->nscopes || c->fn < 0 || !ld_dwt_is_cplus(&c->scopes[c->fn]))
		return 0;
	if (ld_eval_lookup(c, name, &d, &ob, &fn) == LD_FOUND_VAR && fn >= 0)
		return 0;
	return ld_cxx_this_member(c, name, out);
}

/* A DWARF expression of a virtual base's place, run on the object's
 * address (what GCC emits: dup, deref, constu, minus, deref, plus). */
static int run_location(struct ld_evalctx *c, Dwarf_Op *ops, size_t n,
			uint64_t obj, uint64_t *out)
{
	uint64_t st[16];
	int sp = 0;

	st[sp++] = obj;
	for (size_t i = 0; i < n; i++) {
		uint8_t a = ops[i].atom;

		if (sp >= 15)
			return ld_eval_fail(c, "a base class's location is too deep");
		if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			st[sp++] = a - DW_OP_lit0;
		} else if (a == DW_OP_constu || a == DW_OP_consts ||
			   a == DW_OP_const1u || a == DW_OP_const2u ||
			   a == DW_OP_const4u || a == DW_OP_const8u) {
			st[sp++] = ops[i].number;
		} else if (a == DW_OP_dup && sp >= 1) {
			st[sp] = st[sp - 1];
			sp++;
		} else if (a == DW_OP_deref && sp >= 1) {
			if (ld_eval_mem(c, st[sp - 1], &st[sp - 1], 8))
				return ld_eval_fail(c, "cannot access memory at address "
						    "0x%llx", (unsigned long long)st[sp - 1]);
		} else if ((a == DW_OP_plus || a == DW_OP_minus) && sp >= 2) {
			sp--;
			st[sp - 1] = a == DW_OP_plus ? st[sp - 1] + st[sp] :
				     st[sp - 1] - st[sp];
		} else if (a == DW_OP_plus_uconst && sp >= 1) {
			st[sp - 1] += ops[i].number;
		} else {
			return ld_eval_fail(c, "a base class's location uses an "
					    "unsupported DWARF operation 0x%x", a);
		}
	}
	*out = st[sp - 1];
	return 0;
}

int ld_cxx_base_offset(struct ld_evalctx *c, const struct ld_val *v,
		       Dwarf_Die *inh, uint64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	uint64_t at = 0;

	if (!dwarf_hasattr(inh, DW_AT_virtuality) ||
	    !dwarf_attr(inh, DW_AT_data_member_location, &a) ||
	    dwarf_getlocation(&a, &ops, &n) != 0) {
		*off = ld_dw_member_offset(inh);
		return 0;
	}
	if (v->lval != LV_MEM)
		return ld_eval_fail(c, "a virtual base of a value not in memory");
	if (run_location(c, ops, n, v->addr, &at))
		return -1;
	*off = at - v->addr;
	return 0;
}

int ld_cxx_member_rt(struct ld_evalctx *c, const struct ld_val *v,
		     Dwarf_Die *st, const char *name, struct ld_val *out)
{
	Dwarf_Die ch, t, bs, m;

	if (dwarf_child(st, &ch) != 0)
		return 0;
	do {
		struct ld_val bv;
		uint64_t off, moff = 0;
		int r;

		if (dwarf_tag(&ch) != DW_TAG_inheritance ||
		    !ld_dwt_strip(ld_dwt_target(&ch, &t), &bs))
			continue;
		if (ld_cxx_base_offset(c, v, &ch, &off) ||
		    ld_eval_member(c, v, &ch, off, &bv))
			return -1;
		if (dwarf_hasattr(&ch, DW_AT_virtuality) &&
		    ld_cxx_find_member(&bs, name, &m, &moff))
			r = ld_eval_member(c, &bv, &m, moff, out) ? -1 : 1;
		else
			r = ld_cxx_member_rt(c, &bv, &bs, name, out);
		ld_val_release(&bv);
		if (r)
			return r;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return 0;
}

static bool first_unit(Dwarf_Die *cu, void *arg)
{
	*(bool *)arg = ld_dwt_is_cplus(cu);
	return true;
}

bool ld_cxx_lang(struct ld_evalctx *c)
{
	bool cplus = false;

	if (c->nscopes)
		return ld_dwt_is_cplus(&c->scopes[c->nscopes - 1]);
	if (c->dw)
		ld_dwt_each_unit(c->dw, first_unit, &cplus);
	return cplus;
}

int ld_cxx_apply_member_ptr(struct ld_evalctx *c, const struct ld_val *obj,
			    const struct ld_val *pm, bool arrow,
			    struct ld_val *out)
{
	Dwarf_Die d, t, f;
	struct ld_ty mt, ot;
	uint64_t addr;
	int64_t off;

	if (pm->ty.ptr || pm->ty.rep || !ld_ty_peeled(&pm->ty, &d) ||
	    dwarf_tag(&d) != DW_TAG_ptr_to_member_type)
		return ld_eval_fail(c, "the right side of `%s' is not a pointer to "
				    "a member", arrow ? "->*" : ".*");
	if (ld_dwt_strip(ld_dwt_target(&d, &t), &f) &&
	    dwarf_tag(&f) == DW_TAG_subroutine_type)
		return ld_eval_fail(c, "pointers to methods are not supported");
	if (pm->optout || obj->optout)
		return ld_eval_fail(c, "value has been optimized out");
	if ((off = ld_val_int(pm)) == -1)
		return ld_eval_fail(c, "attempt to dereference a null pointer to member");
	if (arrow) {
		if (ld_ty_kind(&obj->ty) != K_PTR || !ld_ty_target(&obj->ty, &ot) ||
		    ld_ty_kind(&ot) != K_STRUCT)
			return ld_eval_fail(c, "the left side of `->*' is not a pointer "
					    "to an object");
		addr = ld_val_uint(obj);
	} else {
		if (ld_ty_kind(&obj->ty) != K_STRUCT || obj->lval != LV_MEM)
			return ld_eval_fail(c, "the left side of `.*' is not an object "
					    "in memory");
		addr = obj->addr;
	}
	mt = ld_ty_die(ld_dwt_target(&d, &t), pm->ty.bias);
	return ld_eval_at(c, &mt, addr + (uint64_t)off, out);
}

int ld_cxx_lookup(struct ld_evalctx *c, const char *name, Dwarf_Die *out,
		  struct ld_obj **ob)
{
	struct ld_objs *o = &c->s->live.objs;
	char why[300];
	Dwarf_Die e;
	int k;

	*ob = c->ob;
	if (c->dw && (k = ld_dwcxx_lookup(c->dw, name, out, &e, why, sizeof why)))
		return k == LD_DWCXX_VAR ? LD_FOUND_VAR : k == LD_DWCXX_FUNC ?
		       LD_FOUND_FUNC : 0;
	for (size_t i = 0; c->s->live.proc && i < o->n; i++) {
		Dwarf *dw = ld_lines_dwarf(ld_obj_lines(&o->v[i]));

		*ob = &o->v[i];
		if (dw && dw != c->dw &&
		    (k = ld_dwcxx_lookup(dw, name, out, &e, why, sizeof why)))
			return k == LD_DWCXX_VAR ? LD_FOUND_VAR : k == LD_DWCXX_FUNC ?
			       LD_FOUND_FUNC : 0;
	}
	*ob = NULL;
	return 0;
}

bool ld_cxx_is_this_member(struct ld_evalctx *c, const char *name)
{
	struct ld_val v;

	if (strstr(name, "::") || ld_cxx_name(c, name, &v) != 1)
		return false;
	ld_val_release(&v);
	return true;
}
