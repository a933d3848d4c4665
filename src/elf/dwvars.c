/* Variables from DWARF: scopes, lookup by name, location expressions. */
#include <dwarf.h>
#include <elfutils/known-dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/demangle.h"
#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/error.h"

int ld_dw_scopes(Dwarf *dw, uint64_t pc, Dwarf_Die **scopes)
{
	Dwarf_Die cu;
	int n;

	*scopes = NULL;
	if (!dw || !dwarf_addrdie(dw, pc, &cu))
		return 0;
	n = dwarf_getscopes(&cu, pc, scopes);
	if (n <= 0) {
		free(*scopes);
		*scopes = malloc(sizeof **scopes);
		if (!*scopes)
			return 0;
		(*scopes)[0] = cu;
		return 1;
	}
	return n;
}

int ld_dw_function(Dwarf_Die *scopes, int n)
{
	for (int i = 0; i < n; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
			return i;
	return -1;
}

bool ld_dw_is_var(Dwarf_Die *d, bool *is_param)
{
	int tag = dwarf_tag(d);

	if (is_param)
		*is_param = tag == DW_TAG_formal_parameter;
	return (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) &&
	       dwarf_diename(d);
}

/* Is C++ variable d, whose definition names its declaration in a
 * namespace or class (_ZN2ns6originE), out of reach by its bare name
 * from within (a function's qualifier)? */
static bool out_of_scope(Dwarf_Die *d, const char *within)
{
	Dwarf_Attribute a;
	const char *ln;
	char *full, *cut;
	size_t n;
	bool out;

	if (!dwarf_hasattr(d, DW_AT_specification) ||
	    !(ln = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_linkage_name, &a))) ||
	    strncmp(ln, "_ZN", 3) || !ld_dwt_is_cplus(d) || !(full = ld_demangle(ln, false)))
		return false;
	/* its qualifier must be within's or one enclosing it */
	cut = strrchr(full, ':');
	n = cut && cut > full ? (size_t)(cut - 1 - full) : 0;
	out = n && (!within || strncmp(within, full, n) ||
		    (within[n] && strncmp(within + n, "::", 2)));
	free(full);
	return out;
}

void ld_dw_qualifier(Dwarf_Die *fn, char *buf, size_t len)
{
	Dwarf_Attribute a;
	const char *ln;
	char *full, *cut;

	buf[0] = 0;
	if (!fn || !(ln = dwarf_formstring(dwarf_attr_integrate(fn, DW_AT_linkage_name,
							       &a))) ||
	    !(full = ld_demangle(ln, false)))
		return;
	if ((cut = strrchr(full, ':')) && cut > full)
		snprintf(buf, len, "%.*s", (int)(cut - 1 - full), full);
	free(full);
}

/* A child of scope called name that is a variable (a definition when
 * def_only; one within's scope reaches when within is not NULL). */
static bool child_named(Dwarf_Die *scope, const char *name, bool def_only,
			const char *within, Dwarf_Die *out)
{
	Dwarf_Die c;

	if (dwarf_child(scope, &c) != 0)
		return false;
	do {
		if (!ld_dw_is_var(&c, NULL) || strcmp(dwarf_diename(&c), name))
			continue;
		if (def_only && dwarf_hasattr(&c, DW_AT_declaration))
			continue;
		if (within && out_of_scope(&c, within))
			continue;
		*out = c;
		return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

bool ld_dw_lookup_scoped(Dwarf_Die *scopes, int n, const char *name,
			 Dwarf_Die *out, int *scope_of)
{
	int fn = ld_dw_function(scopes, n);
	char within[256];

	ld_dw_qualifier(fn >= 0 ? &scopes[fn] : NULL, within, sizeof within);
	for (int i = 0; i < n; i++) {
		bool unit = dwarf_tag(&scopes[i]) == DW_TAG_compile_unit;

		if (child_named(&scopes[i], name, unit, unit ? within : NULL, out)) {
			*scope_of = i;
			return true;
		}
	}
	return false;
}

struct wanted {
	const char *name, *within;
	Dwarf_Die *out;
};

static bool global_in_unit(Dwarf_Die *cu, void *arg)
{
	struct wanted *w = arg;

	return child_named(cu, w->name, true, w->within ? w->within : "", w->out) &&
	       (dwarf_hasattr(w->out, DW_AT_location) ||
		dwarf_hasattr(w->out, DW_AT_const_value));
}

bool ld_dw_lookup_global(Dwarf *dw, const char *name, const char *within,
			 Dwarf_Die *out)
{
	struct wanted w = { name, within, out };

	return ld_dwt_each_unit(dw, global_in_unit, &w);
}

/* The expression of attribute at of die valid at pc. */
static int expr_at(Dwarf_Die *die, unsigned at, uint64_t pc, Dwarf_Op **ops,
		   size_t *n)
{
	Dwarf_Attribute a;

	if (!dwarf_attr_integrate(die, at, &a))
		return -1;
	return dwarf_getlocation_addr(&a, pc, ops, n, 1);
}

struct machine {
	const struct ld_dwctx *c;
	Dwarf_Die *fn;
	uint64_t stack[64];
	int sp;
	bool empty;     /* the last part had no operations */
	Dwarf_Attribute *attr;  /* the expression's (DW_OP_entry_value's
				   block), NULL: unknown */
	char *err;
	size_t errlen;
};

static int push(struct machine *m, uint64_t v)
{
	if (m->sp >= 64)
		return ld_fail(m->err, m->errlen, "DWARF expression too deep");
	m->stack[m->sp++] = v;
	return 0;
}

static int reg_value(struct machine *m, int r, uint64_t *v)
{
	if (!m->c->reg || m->c->reg(m->c->arg, r, v))
		return ld_fail(m->err, m->errlen, "register %d not available here", r);
	return 0;
}

static int eval(struct machine *m, Dwarf_Op *ops, size_t n,
		struct ld_dwloc *out);

static int frame_base(struct machine *m, uint64_t *fb)
{
	Dwarf_Op *ops;
	size_t n;
	struct ld_dwloc loc;
	struct machine sub = { .c = m->c, .err = m->err, .errlen = m->errlen };

	if (!m->fn || expr_at(m->fn, DW_AT_frame_base, m->c->pc, &ops, &n) <= 0)
		return ld_fail(m->err, m->errlen, "no frame base");
	if (eval(&sub, ops, n, &loc))
		return -1;
	if (loc.kind == LD_LOC_MEM)
		*fb = loc.addr;
	else if (loc.kind == LD_LOC_REG)
		return reg_value(m, loc.reg, fb);
	else
		return ld_fail(m->err, m->errlen, "bad frame base");
	return 0;
}

static int binop(struct machine *m, uint8_t atom)
{
	uint64_t b, a;

	if (m->sp < 2)
		return ld_fail(m->err, m->errlen, "DWARF stack underflow");
	b = m->stack[--m->sp];
	a = m->stack[m->sp - 1];
	switch (atom) {
	case DW_OP_plus: a += b; break;
	case DW_OP_minus: a -= b; break;
	case DW_OP_mul: a *= b; break;
	case DW_OP_and: a &= b; break;
	case DW_OP_or: a |= b; break;
	case DW_OP_xor: a ^= b; break;
	case DW_OP_shl: a = b < 64 ? a << b : 0; break;
	case DW_OP_shr: a = b < 64 ? a >> b : 0; break;
	case DW_OP_shra: a = (uint64_t)((int64_t)a >> (b < 63 ? b : 63)); break;
	case DW_OP_div:
		if (!b)
			return ld_fail(m->err, m->errlen, "DWARF division by zero");
		a = (uint64_t)((int64_t)a / (int64_t)b);
		break;
	case DW_OP_mod:
		if (!b)
			return ld_fail(m->err, m->errlen, "DWARF division by zero");
		a %= b;
		break;
	case DW_OP_eq: a = a == b; break;
	case DW_OP_ne: a = a != b; break;
	case DW_OP_lt: a = (int64_t)a < (int64_t)b; break;
	case DW_OP_gt: a = (int64_t)a > (int64_t)b; break;
	case DW_OP_le: a = (int64_t)a <= (int64_t)b; break;
	case DW_OP_ge: a = (int64_t)a >= (int64_t)b; break;
	default: return ld_fail(m->err, m->errlen, "unsupported DWARF operation 0x%x",
				atom);
	}
	m->stack[m->sp - 1] = a;
	return 0;
}

/* An operation on the top of the stack; 1 if op is not one of those. */
static int stack_op(struct machine *m, Dwarf_Op *op)
{
	uint64_t v;

	switch (op->atom) {
	case DW_OP_plus_uconst:
		if (!m->sp)
			return ld_fail(m->err, m->errlen, "DWARF stack underflow");
		m->stack[m->sp - 1] += op->number;
		return 0;
	case DW_OP_dup:
		if (!m->sp)
			return ld_fail(m->err, m->errlen, "DWARF stack underflow");
		return push(m, m->stack[m->sp - 1]);
	case DW_OP_drop:
		if (!m->sp)
			return ld_fail(m->err, m->errlen, "DWARF stack underflow");
		m->sp--;
		return 0;
	case DW_OP_deref:
		if (!m->sp || !m->c->mem ||
		    m->c->mem(m->c->arg, m->stack[m->sp - 1], &v, sizeof v))
			return ld_fail(m->err, m->errlen, "cannot read the location");
		m->stack[m->sp - 1] = v;
		return 0;
	case DW_OP_deref_size:
		v = 0;
		if (!m->sp || !m->c->mem || op->number > 8 ||
		    m->c->mem(m->c->arg, m->stack[m->sp - 1], &v, (size_t)op->number))
			return ld_fail(m->err, m->errlen, "cannot read the location");
		m->stack[m->sp - 1] = v;
		return 0;
	case DW_OP_neg:
		if (!m->sp)
			return ld_fail(m->err, m->errlen, "DWARF stack underflow");
		m->stack[m->sp - 1] = -m->stack[m->sp - 1];
		return 0;
	case DW_OP_not:
		if (!m->sp)
			return ld_fail(m->err, m->errlen, "DWARF stack underflow");
		m->stack[m->sp - 1] = ~m->stack[m->sp - 1];
		return 0;
	default:
		return 1;
	}
}

/* One operation that computes (no location of its own); 1 if op is not
 * one of those. */
static int compute(struct machine *m, Dwarf_Op *op)
{
	uint8_t a = op->atom;
	uint64_t v;

	if (a >= DW_OP_lit0 && a <= DW_OP_lit31)
		return push(m, a - DW_OP_lit0);
	if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
		if (reg_value(m, a - DW_OP_breg0, &v))
			return -1;
		return push(m, v + op->number);
	}
	switch (a) {
	case DW_OP_addr:
		return push(m, op->number + m->c->bias);
	case DW_OP_const1u: case DW_OP_const1s: case DW_OP_const2u:
	case DW_OP_const2s: case DW_OP_const4u: case DW_OP_const4s:
	case DW_OP_const8u: case DW_OP_const8s: case DW_OP_constu:
	case DW_OP_consts:
		return push(m, op->number);
	case DW_OP_bregx:
		if (reg_value(m, (int)op->number, &v))
			return -1;
		return push(m, v + op->number2);
	case DW_OP_fbreg:
		if (frame_base(m, &v))
			return -1;
		return push(m, v + op->number);
	case DW_OP_call_frame_cfa:
		if (!m->c->cfa)
			return ld_fail(m->err, m->errlen, "frame address unknown");
		return push(m, m->c->cfa);
	case DW_OP_form_tls_address:
	case DW_OP_GNU_push_tls_address:
		if (!m->sp || !m->c->tls ||
		    m->c->tls(m->c->arg, m->stack[m->sp - 1], &v))
			return ld_fail(m->err, m->errlen,
				       "cannot find thread-local storage");
		m->stack[m->sp - 1] = v;
		return 0;
	case DW_OP_plus: case DW_OP_minus: case DW_OP_mul: case DW_OP_and:
	case DW_OP_or: case DW_OP_xor: case DW_OP_shl: case DW_OP_shr:
	case DW_OP_shra: case DW_OP_div: case DW_OP_mod: case DW_OP_eq:
	case DW_OP_ne: case DW_OP_lt: case DW_OP_gt: case DW_OP_le:
	case DW_OP_ge:
		return binop(m, a);
	case DW_OP_nop:
		return 0;
	default:
		return stack_op(m, op);
	}
}

static bool is_piece(const Dwarf_Op *op)
{
	return op->atom == DW_OP_piece || op->atom == DW_OP_bit_piece;
}

/* A location that ends a part (register, value, implicit bytes, entry
 * value): 0 and *out, or 1 if op is none of those. */
static int terminal(struct machine *m, Dwarf_Op *op, struct ld_dwpart *out)
{
	uint8_t a = op->atom;

	if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
		out->kind = LD_LOC_REG;
		out->reg = a - DW_OP_reg0;
		return 0;
	}
	switch (a) {
	case DW_OP_regx:
		out->kind = LD_LOC_REG;
		out->reg = (int)op->number;
		return 0;
	case DW_OP_stack_value:
		if (!m->sp)
			return ld_fail(m->err, m->errlen, "DWARF stack underflow");
		out->kind = LD_LOC_VALUE;
		out->val = m->stack[m->sp - 1];
		return 0;
	case DW_OP_implicit_value:
		out->kind = LD_LOC_IMPLICIT;
		out->data = (const uint8_t *)(uintptr_t)op->number2;
		out->len = op->number;
		return 0;
	default:
		return 1;
	}
}

static int single_reg(const Dwarf_Op *ops, size_t n)
{
	if (n != 1)
		return -1;
	if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		return ops[0].atom - DW_OP_reg0;
	if (ops[0].atom == DW_OP_regx)
		return (int)ops[0].number;
	return -1;
}

/* DW_OP_entry_value of a lone register (what compilers emit): the value
 * the register had on entry, from the caller's call site through the
 * context's entry callback.  0 (pushed), or 1: not known. */
static int entry_value(struct machine *m, const Dwarf_Op *op)
{
	Dwarf_Attribute block;
	Dwarf_Op *ops;
	size_t n;
	uint64_t v;
	int r;

	if (!m->c->entry || !m->attr ||
	    dwarf_getlocation_attr(m->attr, op, &block) != 0 ||
	    dwarf_getlocation(&block, &ops, &n) != 0 ||
	    (r = single_reg(ops, n)) < 0 ||
	    m->c->entry(m->c->arg, r, &v) || push(m, v))
		return 1;
	return 0;
}

/* DW_OP_const_type: a constant of a base type (a call site's double
 * argument), its bytes as the value (up to 8).  0, or 1: not known. */
static int typed_const(struct machine *m, const Dwarf_Op *op)
{
	Dwarf_Attribute a;
	Dwarf_Block b;
	uint64_t v = 0;

	if (!m->attr || dwarf_getlocation_attr(m->attr, op, &a) != 0 ||
	    dwarf_formblock(&a, &b) != 0 || b.length > 8)
		return 1;
	memcpy(&v, b.data, b.length);
	return push(m, v) ? 1 : 0;
}

/* One part of a location, from ops[*i] up to the next DW_OP_piece or the
 * end (*i left there).  An empty part is <optimized out>; so is one
 * computed from an entry value the context cannot find (no call site
 * information in the caller). */
static int eval_part(struct machine *m, Dwarf_Op *ops, size_t n, size_t *i,
		     struct ld_dwpart *out)
{
	memset(out, 0, sizeof *out);
	out->kind = LD_LOC_OPTOUT;
	m->sp = 0;
	m->empty = *i == n || is_piece(&ops[*i]);
	for (; *i < n && !is_piece(&ops[*i]); ++*i) {
		uint8_t a = ops[*i].atom;
		int r;

		if ((a == DW_OP_entry_value || a == DW_OP_GNU_entry_value) &&
		    entry_value(m, &ops[*i]) == 0)
			continue;
		if ((a == DW_OP_const_type || a == DW_OP_GNU_const_type) &&
		    typed_const(m, &ops[*i]) == 0)
			continue;
		if (a == DW_OP_entry_value || a == DW_OP_GNU_entry_value ||
		    a == DW_OP_GNU_parameter_ref) {
			while (*i < n && !is_piece(&ops[*i]))
				++*i;
			out->kind = LD_LOC_OPTOUT;
			return 0;
		}
		if ((r = terminal(m, &ops[*i], out)) <= 0) {
			if (r < 0)
				return -1;
			++*i;
			return *i == n || is_piece(&ops[*i]) ? 0 :
			       ld_fail(m->err, m->errlen, "bad register location");
		}
		if ((r = compute(m, &ops[*i])) < 0)
			return -1;
		if (r == 1)
			return ld_fail(m->err, m->errlen,
				       "unsupported DWARF operation 0x%x", a);
	}
	if (m->sp) {
		out->kind = LD_LOC_MEM;
		out->addr = m->stack[m->sp - 1];
	}
	return 0;
}

static void whole_from(struct ld_dwloc *out, const struct ld_dwpart *p)
{
	out->kind = p->kind;
	out->addr = p->addr;
	out->val = p->val;
	out->reg = p->reg;
	out->data = p->data;
	out->len = p->len;
}

/* A location of one part, or of pieces (DW_OP_piece SIZE after each part;
 * DW_OP_bit_piece only whole bytes). */
static int eval(struct machine *m, Dwarf_Op *ops, size_t n,
		struct ld_dwloc *out)
{
	size_t i = 0;

	memset(out, 0, sizeof *out);
	for (;;) {
		struct ld_dwpart part;

		if (eval_part(m, ops, n, &i, &part))
			return -1;
		if (i == n && !out->npieces) {
			whole_from(out, &part);
			return m->empty ? ld_fail(m->err, m->errlen,
						  "empty DWARF location") : 0;
		}
		if (i == n)
			return 0;       /* nothing after the last piece */
		if (out->npieces == LD_DW_PIECES)
			return ld_fail(m->err, m->errlen, "too many DWARF pieces");
		part.size = ops[i].number;
		if (ops[i].atom == DW_OP_bit_piece) {
			if (ops[i].number % 8 || ops[i].number2)
				return ld_fail(m->err, m->errlen,
					       "unsupported DW_OP_bit_piece");
			part.size = ops[i].number / 8;
		}
		out->piece[out->npieces++] = part;
		out->kind = LD_LOC_PIECES;
		if (++i == n)
			return 0;
	}
}

int ld_dw_location(const struct ld_dwctx *c, Dwarf_Die *var, Dwarf_Die *fn,
		   struct ld_dwloc *out, char *err, size_t errlen)
{
	struct machine m = { .c = c, .fn = fn, .err = err, .errlen = errlen };
	Dwarf_Op *ops;
	size_t n;
	int r;

	memset(out, 0, sizeof *out);
	if (!dwarf_hasattr_integrate(var, DW_AT_location)) {
		out->kind = LD_LOC_OPTOUT;
		return 0;
	}
	Dwarf_Attribute a;

	m.attr = &a;
	if (!dwarf_attr_integrate(var, DW_AT_location, &a))
		return ld_fail(err, errlen, "bad DWARF location");
	r = dwarf_getlocation_addr(&a, c->pc, &ops, &n, 1);
	if (r < 0)
		return ld_fail(err, errlen, "bad DWARF location: %s",
			       dwarf_errmsg(-1));
	if (r == 0 || n == 0) {
		out->kind = LD_LOC_OPTOUT;
		return 0;
	}
	return eval(&m, ops, n, out);
}

int ld_dw_reg_of(Dwarf_Die *die, unsigned at, uint64_t pc)
{
	Dwarf_Op *ops;
	size_t n;

	if (expr_at(die, at, pc, &ops, &n) <= 0)
		return -1;
	return single_reg(ops, n);
}

/* GCC's names of the DWARF 5 call site attributes. */
static unsigned gnu_form(unsigned at)
{
	return at == DW_AT_call_value ? DW_AT_GNU_call_site_value :
	       at == DW_AT_call_target ? DW_AT_GNU_call_site_target : at;
}

int ld_dw_eval_attr(const struct ld_dwctx *c, Dwarf_Die *die, unsigned at,
		    Dwarf_Die *fn, struct ld_dwloc *out, char *err, size_t errlen)
{
	struct machine m = { .c = c, .fn = fn, .err = err, .errlen = errlen };
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(die, at, &a) && !dwarf_attr(die, gnu_form(at), &a))
		return 1;
	if (dwarf_getlocation(&a, &ops, &n) != 0 || !n)
		return ld_fail(err, errlen, "bad DWARF expression: %s",
			       dwarf_errmsg(-1));
	m.attr = &a;
	return eval(&m, ops, n, out) ? -1 : 0;
}

bool ld_dw_bitfield(Dwarf_Die *m, unsigned *bitpos, unsigned *bitsize)
{
	Dwarf_Attribute a;
	Dwarf_Word w, bs, bo, size;

	if (!dwarf_attr(m, DW_AT_bit_size, &a) || dwarf_formudata(&a, &bs))
		return false;
	*bitsize = (unsigned)bs;
	if (dwarf_attr(m, DW_AT_data_bit_offset, &a) &&
	    dwarf_formudata(&a, &w) == 0) {
		*bitpos = (unsigned)w;
		return true;
	}
	/* DWARF 2: counted from the most significant bit of the storage */
	if (!dwarf_attr(m, DW_AT_bit_offset, &a) || dwarf_formudata(&a, &bo))
		bo = 0;
	if (!dwarf_attr(m, DW_AT_byte_size, &a) || dwarf_formudata(&a, &size))
		size = 4;
	*bitpos = (unsigned)(ld_dw_member_offset(m) * 8 + size * 8 - bo - bs);
	return true;
}

uint64_t ld_dw_member_offset(Dwarf_Die *m)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (dwarf_attr(m, DW_AT_data_member_location, &a) &&
	    dwarf_formudata(&a, &w) == 0)
		return w;
	return 0;
}

const char *ld_dw_op_name(unsigned atom)
{
	switch (atom) {
#define DWARF_ONE_KNOWN_DW_OP(name, code) case code: return #code;
	DWARF_ALL_KNOWN_DW_OP
#undef DWARF_ONE_KNOWN_DW_OP
	default: return NULL;
	}
}
