/* Evaluating expressions: C's operators on values, as gdb applies them. */
#include <dwarf.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwcxx.h"
#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/valcxx.h"
#include "layoutdbg/valeval.h"
#include "valeval_int.h"

static int oom(struct ld_evalctx *c)
{
	return ld_eval_fail(c, "%s", strerror(ENOMEM));
}

static const char *type_str(const struct ld_ty *t, char *buf, size_t len)
{
	return ld_ty_name(t, "", buf, len);
}

/* Arrays and functions in memory become pointers (C's decay). */
static int coerce_ref(struct ld_evalctx *c, struct ld_val *v);

static int decay(struct ld_evalctx *c, struct ld_val *v)
{
	enum ld_kind k;
	struct ld_ty t;

	if (coerce_ref(c, v))
		return -1;
	k = ld_ty_kind(&v->ty);

	if ((k != K_ARRAY && k != K_FUNC) || v->lval != LV_MEM)
		return 0;
	if (k == K_ARRAY)
		ld_ty_target(&v->ty, &t);
	else
		t = v->ty;
	t = ld_ty_pointer(&t);
	uint64_t addr = v->addr;

	ld_val_release(v);
	return ld_val_scalar(v, &t, addr) ? oom(c) : 0;
}

static bool is_scalar(enum ld_kind k)
{
	return k == K_INT || k == K_BOOL || k == K_CHAR || k == K_ENUM ||
	       k == K_FLOAT || k == K_PTR;
}

/* A C++ pointer to a member (an offset, not an address). */
static bool is_member_pointer(const struct ld_ty *t)
{
	Dwarf_Die d;

	return !t->ptr && !t->rep && ld_ty_peeled(t, &d) &&
	       dwarf_tag(&d) == DW_TAG_ptr_to_member_type;
}

/* A C++ reference as what it refers to (gdb's coerce_ref). */
static int coerce_ref(struct ld_evalctx *c, struct ld_val *v)
{
	struct ld_val r;

	if (ld_ty_kind(&v->ty) != K_REF)
		return 0;
	if (v->optout)
		return ld_eval_fail(c, "value has been optimized out");
	if (ld_eval_deref_ref(c, v, &r))
		return -1;
	ld_val_release(v);
	*v = r;
	return 0;
}

static int need_scalar(struct ld_evalctx *c, const struct ld_val *v)
{
	char b[256];

	if (v->optout)
		return ld_eval_fail(c, "value has been optimized out");
	if (is_member_pointer(&v->ty))
		return ld_eval_fail(c, "argument to arithmetic operation not a "
				    "number or boolean");
	if (!is_scalar(ld_ty_kind(&v->ty)))
		return ld_eval_fail(c, "a value of type `%s' is not a number",
				    type_str(&v->ty, b, sizeof b));
	return 0;
}

/* The type C's integer promotions give v (int, unsigned int, long, ...). */
static struct ld_ty promoted(const struct ld_val *v)
{
	uint64_t size = v->bitfield ? 4 : ld_ty_size(&v->ty);
	bool sgn = ld_ty_signed(&v->ty);

	if (ld_ty_kind(&v->ty) == K_FLOAT)
		return ld_ty_synth(SY_DOUBLE);
	if (size < 4 || (v->bitfield && v->bitsize < 32))
		return ld_ty_synth(SY_INT);
	if (size == 4)
		return ld_ty_synth(sgn ? SY_INT : SY_UINT);
	return ld_ty_synth(sgn ? SY_LONG : SY_ULONG);
}

static bool truth(const struct ld_val *v)
{
	if (ld_ty_kind(&v->ty) == K_FLOAT)
		return ld_val_double(v) != 0;
	return ld_val_uint(v) != 0;
}

static int int_result(struct ld_evalctx *c, struct ld_val *out, int64_t x)
{
	/* C++: comparisons and logic give a bool (gdb prints true) */
	struct ld_ty t = ld_ty_synth(ld_cxx_lang(c) ? SY_CXXBOOL : SY_INT);

	return ld_val_scalar(out, &t, (uint64_t)x) ? oom(c) : 0;
}

/* The common type of an arithmetic pair (usual conversions). */
static struct ld_ty common(const struct ld_val *a, const struct ld_val *b)
{
	struct ld_ty ta = promoted(a), tb = promoted(b);
	uint64_t sa = ld_ty_size(&ta), sb = ld_ty_size(&tb);

	if (ta.synth == SY_DOUBLE || tb.synth == SY_DOUBLE)
		return ld_ty_synth(SY_DOUBLE);
	if (sa != sb)
		return sa > sb ? ta : tb;
	return ld_ty_signed(&ta) ? tb : ta;
}

static int float_op(struct ld_evalctx *c, int op, double x, double y,
		    struct ld_val *out)
{
	struct ld_ty t = ld_ty_synth(SY_DOUBLE);
	double r;

	switch (op) {
	case '+': r = x + y; break;
	case '-': r = x - y; break;
	case '*': r = x * y; break;
	case '/': r = x / y; break;
	case '<': return int_result(c, out, x < y);
	case '>': return int_result(c, out, x > y);
	case CX_OP_LE: return int_result(c, out, x <= y);
	case CX_OP_GE: return int_result(c, out, x >= y);
	case CX_OP_EQ: return int_result(c, out, x == y);
	case CX_OP_NE: return int_result(c, out, x != y);
	default:
		return ld_eval_fail(c, "integer operands are needed for `%s'",
				    ld_cx_op_name(op));
	}
	return ld_val_float(out, &t, r) ? oom(c) : 0;
}

static int int_compare(struct ld_evalctx *c, int op, uint64_t x, uint64_t y,
		       bool sgn, struct ld_val *out)
{
	int64_t sx = (int64_t)x, sy = (int64_t)y;

	switch (op) {
	case '<': return int_result(c, out, sgn ? sx < sy : x < y);
	case '>': return int_result(c, out, sgn ? sx > sy : x > y);
	case CX_OP_LE: return int_result(c, out, sgn ? sx <= sy : x <= y);
	case CX_OP_GE: return int_result(c, out, sgn ? sx >= sy : x >= y);
	case CX_OP_EQ: return int_result(c, out, x == y);
	default: return int_result(c, out, x != y);
	}
}

static int int_op(struct ld_evalctx *c, int op, const struct ld_val *a,
		  const struct ld_val *b, struct ld_val *out)
{
	struct ld_ty t = op == CX_OP_SHL || op == CX_OP_SHR ? promoted(a) :
			 common(a, b);
	bool sgn = ld_ty_signed(&t);
	uint64_t x = sgn ? (uint64_t)ld_val_int(a) : ld_val_uint(a);
	uint64_t y = ld_ty_signed(&b->ty) ? (uint64_t)ld_val_int(b) : ld_val_uint(b);
	uint64_t r;
	unsigned bits = (unsigned)ld_ty_size(&t) * 8;

	if (bits == 32 && !sgn) {
		x &= UINT_MAX;
		y &= UINT_MAX;
	}
	switch (op) {
	case '+': r = x + y; break;
	case '-': r = x - y; break;
	case '*': r = x * y; break;
	case '/': case '%':
		if (!y)
			return ld_eval_fail(c, "division by zero");
		if (sgn && (int64_t)y == -1)
			r = op == '/' ? -x : 0;
		else if (sgn)
			r = op == '/' ? (uint64_t)((int64_t)x / (int64_t)y) :
					(uint64_t)((int64_t)x % (int64_t)y);
		else
			r = op == '/' ? x / y : x % y;
		break;
	case '&': r = x & y; break;
	case '|': r = x | y; break;
	case '^': r = x ^ y; break;
	case CX_OP_SHL: r = y < 64 ? x << y : 0; break;
	case CX_OP_SHR:
		r = y >= 64 ? 0 : sgn ? (uint64_t)((int64_t)x >> y) : x >> y;
		break;
	default:
		return int_compare(c, op, x, y, sgn, out);
	}
	return ld_val_scalar(out, &t, r) ? oom(c) : 0;
}

static uint64_t elem_size(const struct ld_ty *ptr)
{
	struct ld_ty t;
	uint64_t n;

	if (!ld_ty_target(ptr, &t))
		return 1;
	n = ld_ty_size(&t);
	return n && ld_ty_kind(&t) != K_VOID && ld_ty_kind(&t) != K_FUNC ? n : 1;
}

static int pointer_op(struct ld_evalctx *c, int op, const struct ld_val *a,
		      const struct ld_val *b, struct ld_val *out)
{
	bool pa = ld_ty_kind(&a->ty) == K_PTR, pb = ld_ty_kind(&b->ty) == K_PTR;
	uint64_t x = ld_val_uint(a), y = ld_val_uint(b);

	if (pa && pb && op == '-') {
		struct ld_ty t = ld_ty_synth(SY_LONG);
		int64_t d = ((int64_t)(x - y)) / (int64_t)elem_size(&a->ty);

		return ld_val_scalar(out, &t, (uint64_t)d) ? oom(c) : 0;
	}
	if ((op == '+' && (pa != pb)) || (op == '-' && pa && !pb)) {
		const struct ld_val *p = pa ? a : b, *n = pa ? b : a;
		int64_t k = ld_val_int(n) * (int64_t)elem_size(&p->ty);

		if (ld_ty_kind(&n->ty) == K_FLOAT)
			return ld_eval_fail(c, "a pointer offset must be an integer");
		return ld_val_scalar(out, &p->ty, op == '+' ? ld_val_uint(p) + (uint64_t)k :
				     ld_val_uint(p) - (uint64_t)k) ? oom(c) : 0;
	}
	switch (op) {
	case '<': case '>': case CX_OP_LE: case CX_OP_GE: case CX_OP_EQ:
	case CX_OP_NE:
		return int_compare(c, op, x, y, false, out);
	default:
		return ld_eval_fail(c, "the operator `%s' does not take pointers",
				    ld_cx_op_name(op));
	}
}

/* a@n: n objects like a from a's address on (gdb's artificial array). */
static int artificial(struct ld_evalctx *c, struct ld_val *a, struct ld_val *b,
		      struct ld_val *out)
{
	struct ld_ty t = a->ty;
	int64_t n;

	if (need_scalar(c, b) || ld_ty_kind(&b->ty) == K_PTR ||
	    ld_ty_kind(&b->ty) == K_FLOAT)
		return ld_eval_fail(c, "the count after `@' must be an integer");
	if ((n = ld_val_int(b)) <= 0)
		return ld_eval_fail(c, "invalid number %" PRId64 " of repetitions", n);
	if (a->lval != LV_MEM || a->bitfield || a->ty.rep)
		return ld_eval_fail(c, "only values in memory can be extended with `@'");
	t.rep = (uint64_t)n;
	return ld_eval_at(c, &t, a->addr, out);
}

static int binary(struct ld_evalctx *c, const struct ld_cx *e,
		  struct ld_val *out)
{
	struct ld_val a = { 0 }, b = { 0 };
	int r = -1;

	if (ld_eval(c, e->a, &a))
		return -1;
	if (e->op == CX_OP_DOTSTAR || e->op == CX_OP_ARROWSTAR) {
		if (ld_eval(c, e->b, &b) == 0 && coerce_ref(c, &a) == 0)
			r = ld_cxx_apply_member_ptr(c, &a, &b, e->op == CX_OP_ARROWSTAR,
						    out);
		ld_val_release(&a);
		ld_val_release(&b);
		return r;
	}
	if (e->op == '@') {
		if (ld_eval(c, e->b, &b) == 0)
			r = artificial(c, &a, &b, out);
		ld_val_release(&a);
		ld_val_release(&b);
		return r;
	}
	if (e->op == CX_OP_AND || e->op == CX_OP_OR) {
		bool t;

		if (decay(c, &a) || need_scalar(c, &a))
			goto out;
		t = truth(&a);
		if (t == (e->op == CX_OP_OR)) {
			r = int_result(c, out, t);
			goto out;
		}
	}
	if (ld_eval(c, e->b, &b) || decay(c, &a) || decay(c, &b) ||
	    need_scalar(c, &a) || need_scalar(c, &b))
		goto out;
	if (e->op == CX_OP_AND || e->op == CX_OP_OR)
		r = int_result(c, out, truth(&b));
	else if (ld_ty_kind(&a.ty) == K_PTR || ld_ty_kind(&b.ty) == K_PTR)
		r = pointer_op(c, e->op, &a, &b, out);
	else if (ld_ty_kind(&a.ty) == K_FLOAT || ld_ty_kind(&b.ty) == K_FLOAT)
		r = float_op(c, e->op, ld_val_double(&a), ld_val_double(&b), out);
	else
		r = int_op(c, e->op, &a, &b, out);
out:
	ld_val_release(&a);
	ld_val_release(&b);
	return r;
}

/* *v: what a pointer points to. */
static int deref(struct ld_evalctx *c, struct ld_val *v, struct ld_val *out)
{
	struct ld_ty t;
	enum ld_kind k;

	if (decay(c, v))
		return -1;
	k = ld_ty_kind(&v->ty);
	if (v->optout)
		return ld_eval_fail(c, "value has been optimized out");
	if (is_member_pointer(&v->ty))
		return ld_eval_fail(c, "attempt to dereference pointer to member "
				    "without an object");
	if (k == K_INT || k == K_CHAR || k == K_ENUM || k == K_BOOL) {
		t = v->ty;      /* gdb: *n reads an n at address n */
	} else if (k != K_PTR || !ld_ty_target(&v->ty, &t)) {
		return ld_eval_fail(c, "attempt to take contents of a non-pointer value");
	}
	if (ld_ty_kind(&t) == K_VOID)
		return ld_eval_fail(c, "attempt to take contents of a non-pointer value");
	return ld_eval_at(c, &t, ld_val_uint(v), out);
}

static int unary(struct ld_evalctx *c, const struct ld_cx *e,
		 struct ld_val *out)
{
	struct ld_val a = { 0 };
	struct ld_ty t;
	int r = -1;

	if (ld_eval(c, e->a, &a))
		return -1;
	switch (e->op) {
	case '&':
		if (coerce_ref(c, &a))
			break;
		if (a.lval == LV_NONE && e->a->kind == CX_NAME) {
			/* gdb's words for a value assembled from pieces */
			r = ld_eval_fail(c, "can't take address of \"%s\" which "
					 "isn't an lvalue", e->a->name);
			break;
		}
		if (a.lval != LV_MEM || a.bitfield) {
			r = ld_eval_fail(c, "attempt to take address of value not "
					 "located in memory");
			break;
		}
		t = ld_ty_pointer(&a.ty);
		r = ld_val_scalar(out, &t, a.addr) ? oom(c) : 0;
		break;
	case '*':
		r = deref(c, &a, out);
		break;
	case '!':
		if (!decay(c, &a) && !need_scalar(c, &a))
			r = int_result(c, out, !truth(&a));
		break;
	default:        /* - + ~ */
		if (decay(c, &a) || need_scalar(c, &a))
			break;
		t = promoted(&a);
		if (ld_ty_kind(&a.ty) == K_PTR) {
			r = ld_eval_fail(c, "the operator `%c' does not take pointers",
					 e->op);
		} else if (t.synth == SY_DOUBLE) {
			r = e->op == '~' ? ld_eval_fail(c, "an integer is needed for `~'") :
			    ld_val_float(out, &t, e->op == '-' ? -ld_val_double(&a) :
					 ld_val_double(&a)) ? oom(c) : 0;
		} else {
			uint64_t x = ld_ty_signed(&a.ty) ? (uint64_t)ld_val_int(&a) :
							 ld_val_uint(&a);

			x = e->op == '-' ? -x : e->op == '~' ? ~x : x;
			r = ld_val_scalar(out, &t, x) ? oom(c) : 0;
		}
	}
	ld_val_release(&a);
	return r;
}

int ld_eval_member(struct ld_evalctx *c, const struct ld_val *v, Dwarf_Die *m,
		   uint64_t off, struct ld_val *out)
{
	Dwarf_Die t;
	struct ld_ty mt = ld_ty_die(ld_dwt_target(m, &t), v->ty.bias);
	uint64_t size = ld_ty_size(&mt);
	unsigned bitpos, bitsize;

	if (ld_dwcxx_is_static(m))
		return ld_cxx_static_value(c, m, v->ty.bias, out);
	memset(out, 0, sizeof *out);
	out->ty = mt;
	if (v->optout) {
		out->optout = true;
		return 0;
	}
	if (ld_dw_bitfield(m, &bitpos, &bitsize)) {
		size_t first = bitpos / 8, n = v->len > first ? v->len - first : 0;

		if (ld_val_make(out, &mt, v->bytes + first, n < 8 ? n : 8) ||
		    ld_val_sub_mask(out, v, first))
			return oom(c);
		out->bitfield = true;
		out->bitpos = bitpos % 8;
		out->bitsize = bitsize;
		/* its storage's bytes, where an assignment writes them */
		if (v->lval == LV_MEM) {
			out->lval = LV_MEM;
			out->addr = v->addr + first;
		}
		return 0;
	}
	if (v->lval == LV_MEM && (v->unavailable || off + size > v->len))
		return ld_eval_at(c, &mt, v->addr + off, out);
	if (off + size > v->len)
		return ld_eval_fail(c, "the member lies outside its value");
	if (ld_val_make(out, &mt, v->bytes + off, (size_t)size) ||
	    ld_val_sub_mask(out, v, (size_t)off))
		return oom(c);
	if (v->lval == LV_MEM) {
		out->lval = LV_MEM;
		out->addr = v->addr + off;
	}
	return 0;
}

static int member(struct ld_evalctx *c, const struct ld_cx *e,
		  struct ld_val *out)
{
	struct ld_val a = { 0 }, d = { 0 }, *s = &a;
	Dwarf_Die st, m;
	uint64_t off = 0;
	int r = -1;
	enum ld_kind k;

	if (ld_eval(c, e->a, &a))
		return -1;
	if (coerce_ref(c, &a))
		goto out;
	k = ld_ty_kind(&a.ty);
	if (k == K_PTR && e->kind == CX_ARROW) {
		if (deref(c, &a, &d))
			goto out;
		s = &d;
		k = ld_ty_kind(&d.ty);
	}
	if ((k != K_STRUCT && k != K_UNION) || !ld_ty_peeled(&s->ty, &st)) {
		char b[256];

		r = ld_eval_fail(c, "attempt to extract a component of a value "
				 "that is not a structure%s (`%s')",
				 e->kind == CX_ARROW ? " pointer" : "",
				 type_str(&s->ty, b, sizeof b));
	} else if (!ld_cxx_find_member(&st, e->name, &m, &off)) {
		if ((r = ld_cxx_member_rt(c, s, &st, e->name, out)) != 0 ||
		    (r = ld_cxx_method(c, &st, e->name, s->ty.bias, out)) != 0) {
			r = r < 0 ? -1 : 0;
			goto out;
		}
		r = ld_eval_fail(c, "there is no member %snamed %s",
				 ld_dwt_is_cplus(&st) ? "or method " : "", e->name);
	} else {
		r = ld_eval_member(c, s, &m, off, out);
	}
out:
	ld_val_release(&a);
	ld_val_release(&d);
	return r;
}

static int element(struct ld_evalctx *c, struct ld_val *a, int64_t i,
		   struct ld_val *out)
{
	struct ld_ty et;
	uint64_t es;

	ld_ty_target(&a->ty, &et);
	es = ld_ty_size(&et);
	if (i < 0 || (uint64_t)(i + 1) * es > a->len) {
		if (a->lval == LV_MEM)
			return ld_eval_at(c, &et, a->addr + (uint64_t)i * es, out);
		return ld_eval_fail(c, "no such vector element");
	}
	if (ld_val_make(out, &et, a->bytes + (uint64_t)i * es, (size_t)es) ||
	    ld_val_sub_mask(out, a, (size_t)((uint64_t)i * es)))
		return oom(c);
	if (a->lval == LV_MEM) {
		out->lval = LV_MEM;
		out->addr = a->addr + (uint64_t)i * es;
	}
	return 0;
}

int ld_eval_element(struct ld_evalctx *c, const struct ld_val *a, uint64_t i,
		    struct ld_val *out)
{
	if (a->optout) {
		memset(out, 0, sizeof *out);
		ld_ty_target(&a->ty, &out->ty);
		out->optout = true;
		return 0;
	}
	return element(c, (struct ld_val *)a, (int64_t)i, out);
}

int ld_eval_deref_ref(struct ld_evalctx *c, const struct ld_val *v,
		      struct ld_val *out)
{
	struct ld_ty t;

	if (!ld_ty_target(&v->ty, &t))
		return ld_eval_fail(c, "not a reference");
	return ld_eval_at(c, &t, ld_val_uint(v), out);
}

static int index_op(struct ld_evalctx *c, const struct ld_cx *e,
		    struct ld_val *out)
{
	struct ld_val a = { 0 }, b = { 0 }, p = { 0 }, *arr = &a, *idx = &b;
	int r = -1;

	if (ld_eval(c, e->a, &a) || ld_eval(c, e->b, &b) ||
	    coerce_ref(c, &a) || coerce_ref(c, &b))
		goto out;
	if (ld_ty_kind(&a.ty) != K_ARRAY && ld_ty_kind(&a.ty) != K_PTR) {
		arr = &b;       /* i[a] */
		idx = &a;
	}
	if (need_scalar(c, idx) || ld_ty_kind(&idx->ty) == K_PTR ||
	    ld_ty_kind(&idx->ty) == K_FLOAT) {
		if (!c->err[0] || ld_ty_kind(&idx->ty) != K_PTR)
			ld_eval_fail(c, "an array index must be an integer");
		goto out;
	}
	if (ld_ty_kind(&arr->ty) == K_ARRAY) {
		r = element(c, arr, ld_val_int(idx), out);
	} else if (ld_ty_kind(&arr->ty) == K_PTR) {
		struct ld_ty t;

		ld_ty_target(&arr->ty, &t);
		if (ld_ty_kind(&t) == K_VOID) {
			r = ld_eval_fail(c, "attempt to take contents of a non-pointer value");
			goto out;
		}
		r = ld_eval_at(c, &t, ld_val_uint(arr) +
			       (uint64_t)ld_val_int(idx) * ld_ty_size(&t), out);
	} else {
		char buf[256];

		r = ld_eval_fail(c, "cannot subscript something of type `%s'",
				 type_str(&a.ty, buf, sizeof buf));
	}
out:
	ld_val_release(&a);
	ld_val_release(&b);
	ld_val_release(&p);
	return r;
}

int ld_eval_convert(struct ld_evalctx *c, struct ld_val *v,
		    const struct ld_ty *t, struct ld_val *out)
{
	enum ld_kind kt = ld_ty_kind(t), kv;
	char b1[256], b2[256];

	if (decay(c, v))
		return -1;
	kv = ld_ty_kind(&v->ty);
	if (kt == K_VOID) {
		memset(out, 0, sizeof *out);
		out->ty = *t;
		return 0;
	}
	if (v->optout)
		return ld_eval_fail(c, "value has been optimized out");
	if ((kt == K_STRUCT || kt == K_UNION) && kv == kt &&
	    ld_ty_size(t) == v->len) {
		if (ld_val_copy(out, v))
			return oom(c);
		out->ty = *t;
		return 0;
	}
	if (!is_scalar(kt) || !is_scalar(kv))
		return ld_eval_fail(c, "invalid cast from `%s' to `%s'",
				    type_str(&v->ty, b1, sizeof b1),
				    type_str(t, b2, sizeof b2));
	if (kt == K_FLOAT)
		return ld_val_float(out, t, ld_val_double(v)) ? oom(c) : 0;
	uint64_t x = kv == K_FLOAT ? (uint64_t)(int64_t)ld_val_double(v) :
		     ld_ty_signed(&v->ty) ? (uint64_t)ld_val_int(v) : ld_val_uint(v);

	if (kt == K_BOOL)
		x = x != 0;
	ld_cxx_upcast(c, &v->ty, t, &x);
	return ld_val_scalar(out, t, x) ? oom(c) : 0;
}

static int number(struct ld_evalctx *c, const struct ld_cx *e,
		  struct ld_val *out)
{
	enum ld_synth s;

	if (e->kind == CX_CHAR)
		s = SY_CHAR;
	else if (e->is_unsigned)
		s = e->is_long || e->num > UINT_MAX ? SY_ULONG : SY_UINT;
	else if (e->is_long || e->num > INT_MAX)
		s = e->num > LONG_MAX ? SY_ULONG : SY_LONG;
	else
		s = SY_INT;
	struct ld_ty t = ld_ty_synth(s);

	return ld_val_scalar(out, &t, e->num) ? oom(c) : 0;
}

static int size_of(struct ld_evalctx *c, const struct ld_cx *e,
		   struct ld_val *out)
{
	struct ld_ty t, u = ld_ty_synth(SY_INT);    /* gdb 13's type of sizeof */
	struct ld_val v = { 0 };

	if (e->a) {
		if (ld_eval(c, e->a, &v))
			return -1;
		t = v.ty;
		ld_val_release(&v);
	} else if (ld_eval_type(c, &e->type, &t)) {
		return -1;
	}
	if (ld_ty_kind(&t) == K_REF)   /* C++: the size of what it refers to */
		ld_ty_target(&t, &t);
	return ld_val_scalar(out, &u, ld_ty_size(&t)) ? oom(c) : 0;
}

int ld_eval(struct ld_evalctx *c, const struct ld_cx *e, struct ld_val *out)
{
	struct ld_val a = { 0 };
	struct ld_ty t;
	int r;

	memset(out, 0, sizeof *out);
	switch (e->kind) {
	case CX_NUM:
	case CX_CHAR: return number(c, e, out);
	case CX_FLOAT:
		t = ld_ty_synth(e->is_float ? SY_FLOAT : SY_DOUBLE);
		return ld_val_float(out, &t, e->fnum) ? oom(c) : 0;
	case CX_STRING:
		return ld_eval_fail(c, "string literals are not supported");
	case CX_NAME:
		if ((r = ld_cxx_name(c, e->name, out)) != 0)
			return r < 0 ? -1 : 0;
		return ld_eval_name(c, e->name, out);
	case CX_REG: return ld_eval_reg(c, e->name, out);
	case CX_HIST: return ld_eval_history(c, e, out);
	case CX_UNARY: return unary(c, e, out);
	case CX_BINARY: return binary(c, e, out);
	case CX_MEMBER:
	case CX_ARROW: return member(c, e, out);
	case CX_INDEX: return index_op(c, e, out);
	case CX_SIZEOF: return size_of(c, e, out);
	case CX_COND:
		if (ld_eval(c, e->a, &a) || decay(c, &a) || need_scalar(c, &a)) {
			ld_val_release(&a);
			return -1;
		}
		r = ld_eval(c, truth(&a) ? e->b : e->c, out);
		ld_val_release(&a);
		return r;
	case CX_CAST:
		if (ld_eval_type(c, &e->type, &t) || ld_eval(c, e->a, &a))
			return -1;
		r = ld_eval_convert(c, &a, &t, out);
		ld_val_release(&a);
		return r;
	}
	return ld_eval_fail(c, "unknown expression");
}
