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

bool ld_cxx_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *m,
			uint64_t *off)
{
	Dwarf_Die ch, t, s;

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
	    !ld_ty_peeled(&t, &st) || !ld_cxx_find_member(&st, name, &m, &off)) {
		ld_val_release(&tv);
		return 0;
	}
	if (tv.optout) {
		ld_val_release(&tv);
		return ld_eval_fail(c, "value has been optimized out");
	}
	r = ld_eval_at(c, &t, ld_val_uint(&tv), &obj);
	ld_val_release(&tv);
	if (r)
		return -1;
	r = ld_eval_member(c, &obj, &m, off, out);
	ld_val_release(&obj);
	return r ? -1 : 1;
}

static int found(struct ld_evalctx *c, int kind, Dwarf_Die *d,
		 struct ld_obj *ob, struct ld_val *out)
{
	Dwarf_Addr lo;
	uint64_t bias = ob ? ob->bias : 0;

	if (kind == LD_DWCXX_VAR)
		return ld_eval_var(c, d, ob, -1, out) ? -1 : 1;
	if (dwarf_lowpc(d, &lo))
		return ld_eval_fail(c, "function without an address");
	memset(out, 0, sizeof *out);
	out->ty = ld_ty_die(d, bias);
	out->lval = LV_MEM;
	out->addr = lo + bias;
	return 1;
}

int ld_cxx_qualified(struct ld_evalctx *c, const char *name,
		     struct ld_val *out)
{
	struct ld_objs *o = &c->s->live.objs;
	char scope[300] = "", one[300];
	const char *last = strrchr(name, ':');
	Dwarf_Die d;
	int k;

	if (c->dw && (k = ld_dwcxx_lookup(c->dw, name, &d, scope, sizeof scope)))
		return found(c, k, &d, c->ob, out);
	for (size_t i = 0; c->s->live.proc && i < o->n; i++) {
		Dwarf *dw = ld_lines_dwarf(ld_obj_lines(&o->v[i]));

		if (!dw || dw == c->dw)
			continue;
		if ((k = ld_dwcxx_lookup(dw, name, &d, one, sizeof one)))
			return found(c, k, &d, &o->v[i], out);
		if (!scope[0])
			snprintf(scope, sizeof scope, "%s", one);
	}
	if (scope[0])
		return ld_eval_fail(c, "no symbol \"%s\" in %s", last + 1, scope);
	return ld_eval_fail(c, "no symbol \"%s\" in current context", name);
}

bool ld_cxx_upcast(const struct ld_ty *from, const struct ld_ty *to,
		   uint64_t *addr)
{
	struct ld_ty ft, tt;
	Dwarf_Die fs, ts;
	uint64_t off;

	if (ld_ty_kind(from) != K_PTR || ld_ty_kind(to) != K_PTR ||
	    from->ptr > 1 || to->ptr > 1 ||
	    !ld_ty_target(from, &ft) || !ld_ty_target(to, &tt) ||
	    ld_ty_kind(&ft) != K_STRUCT || ld_ty_kind(&tt) != K_STRUCT ||
	    !ld_ty_peeled(&ft, &fs) || !ld_ty_peeled(&tt, &ts) ||
	    !ld_dwcxx_base_offset(&fs, &ts, &off))
		return false;
	if (*addr)
		*addr += off;
	return true;
}
