/* x86-64 decoding through Capstone 4, rendered in GNU's form.
 *
 * Capstone decodes; the text is ours, built from its operand details,
 * because Capstone's own AT&T text differs from GNU's in ways a user
 * comparing with gdb would trip on: size suffixes on every instruction
 * (`movl $1, %edi` for `mov $0x1,%edi`), decimal immediates and
 * displacements, `(%rax, %rax)` for `0x0(%rax,%rax,1)`, `callq`/`retq`.
 * Capstone's AT&T mnemonic is still asked for: it knows the names GNU
 * gives conversions (movzbl, cltq, movslq) and x87 forms (flds, fildll). */
#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/disasm.h"

struct ld_disasm {
	csh intel, att;
	cs_insn *ii, *ai;
};

struct ld_disasm *ld_disasm_new(void)
{
	struct ld_disasm *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->intel) != CS_ERR_OK) {
		free(d);
		return NULL;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->att) != CS_ERR_OK) {
		cs_close(&d->intel);
		free(d);
		return NULL;
	}
	cs_option(d->intel, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(d->att, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	d->ii = cs_malloc(d->intel);
	d->ai = cs_malloc(d->att);
	if (!d->ii || !d->ai) {
		ld_disasm_free(d);
		return NULL;
	}
	return d;
}

void ld_disasm_free(struct ld_disasm *d)
{
	if (!d)
		return;
	if (d->ii)
		cs_free(d->ii, 1);
	if (d->ai)
		cs_free(d->ai, 1);
	cs_close(&d->intel);
	cs_close(&d->att);
	free(d);
}

const char *ld_disasm_version(char *buf, size_t len)
{
	int major, minor;

	cs_version(&major, &minor);
	snprintf(buf, len, "%d.%d", major, minor);
	return buf;
}

/* Append to a fixed buffer, cutting at its end. */
struct text {
	char *p;
	size_t cap, at;
};

__attribute__((format(printf, 2, 3)))
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->at + 1 >= t->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->at, t->cap - t->at, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->at += (size_t)n < t->cap - t->at ? (size_t)n : t->cap - t->at - 1;
}

/* GNU prints a signed displacement as -0x8, an immediate as the unsigned
 * value of the operand's size ($0xffffffff for a 32-bit -1). */
static void put_signed(struct text *t, int64_t v)
{
	if (v < 0)
		put(t, "-0x%llx", (unsigned long long)-(uint64_t)v);
	else
		put(t, "0x%llx", (unsigned long long)v);
}

static uint64_t sized(int64_t v, unsigned size)
{
	return size >= 8 || size == 0 ? (uint64_t)v :
		(uint64_t)v & ((1ULL << (size * 8)) - 1);
}

/* Is this a direct or indirect transfer whose operand GNU prints as an
 * address (no $) or with a `*`? */
static bool in_group(const cs_insn *i, uint8_t g)
{
	for (uint8_t k = 0; k < i->detail->groups_count; k++)
		if (i->detail->groups[k] == g)
			return true;
	return false;
}

static bool is_branch(const cs_insn *i)
{
	return in_group(i, CS_GRP_JUMP) || in_group(i, CS_GRP_CALL);
}

static const char *reg(const struct ld_disasm *d, unsigned r)
{
	const char *n = cs_reg_name(d->intel, r);

	return n ? n : "?";
}

/* movs, cmps, stos, lods, scas: one-byte opcodes A4-A7 and AA-AF. */
static bool is_string_op(const cs_insn *i)
{
	uint8_t op = i->detail->x86.opcode[0];

	return i->detail->x86.opcode[1] == 0 &&
		((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf));
}

/* The segment GNU writes in a memory operand: %fs and %gs, which mean
 * something in 64-bit mode, and the implied %es:(%rdi) and %ds:(%rsi) of
 * string instructions; a cs/ds/es/ss override elsewhere is a prefix word
 * (`cs nopw`), written by prefix_words. */
static unsigned shown_segment(const cs_insn *i, const cs_x86_op *op)
{
	unsigned seg = op->mem.segment, base = op->mem.base;

	if (seg == X86_REG_FS || seg == X86_REG_GS)
		return seg;
	if (!is_string_op(i))
		return X86_REG_INVALID;
	if (base == X86_REG_RDI || base == X86_REG_EDI)
		return X86_REG_ES;
	if (base == X86_REG_RSI || base == X86_REG_ESI)
		return seg == X86_REG_INVALID ? X86_REG_DS : seg;
	return X86_REG_INVALID;
}

/* disp(base,index,scale) with GNU's rule for the displacement: printed
 * when the encoding has one (so `0x0(%rax,%rax,1)` keeps its zero). */
static void att_mem(const struct ld_disasm *d, const cs_insn *i,
		    const cs_x86_op *op, struct text *t)
{
	const x86_op_mem *m = &op->mem;
	bool disp = i->detail->x86.encoding.disp_size > 0;

	if (shown_segment(i, op) != X86_REG_INVALID)
		put(t, "%%%s:", reg(d, shown_segment(i, op)));
	if (m->base == X86_REG_INVALID && m->index == X86_REG_INVALID) {
		put(t, "0x%llx", (unsigned long long)m->disp);
		return;
	}
	if (disp || m->base == X86_REG_RIP)
		put_signed(t, m->disp);
	put(t, "(");
	if (m->base != X86_REG_INVALID)
		put(t, "%%%s", reg(d, m->base));
	if (m->index != X86_REG_INVALID)
		put(t, ",%%%s,%d", reg(d, m->index), m->scale);
	put(t, ")");
}

static void att_op(const struct ld_disasm *d, const cs_insn *i,
		   const cs_x86_op *op, bool branch, struct text *t)
{
	if (branch && op->type != X86_OP_IMM)
		put(t, "*");
	switch (op->type) {
	case X86_OP_REG:
		/* in/out's port register is written as an address */
		if (op->reg == X86_REG_DX && (i->id == X86_INS_IN || i->id == X86_INS_OUT))
			put(t, "(%%dx)");
		else
			put(t, "%%%s", reg(d, op->reg));
		break;
	case X86_OP_IMM:
		if (branch)
			put(t, "0x%llx", (unsigned long long)op->imm);
		else
			put(t, "$0x%llx", (unsigned long long)sized(op->imm, op->size));
		break;
	case X86_OP_MEM:
		att_mem(d, i, op, t);
		break;
	default:
		put(t, "?");
	}
}

static const char *ptr_word(unsigned size)
{
	switch (size) {
	case 1: return "BYTE PTR ";
	case 2: return "WORD PTR ";
	case 4: return "DWORD PTR ";
	case 6: return "FWORD PTR ";
	case 8: return "QWORD PTR ";
	case 10: return "TBYTE PTR ";
	case 16: return "XMMWORD PTR ";
	case 32: return "YMMWORD PTR ";
	case 64: return "ZMMWORD PTR ";
	default: return "";
	}
}

static bool is_shift1(const cs_insn *i, const cs_x86_op *op)
{
	const cs_x86 *x = &i->detail->x86;

	return op->type == X86_OP_IMM && op->imm == 1 &&
		(x->opcode[0] == 0xd0 || x->opcode[0] == 0xd1);
}

/* [base+index*scale+disp] as GNU's Intel form prints it. */
static void intel_mem(const struct ld_disasm *d, const cs_insn *i,
		      const cs_x86_op *op, struct text *t)
{
	const x86_op_mem *m = &op->mem;
	bool disp = i->detail->x86.encoding.disp_size > 0;

	/* Capstone 4 sizes the scalar compares' memory operand as a whole
	 * xmm register */
	if (i->id == X86_INS_COMISD || i->id == X86_INS_UCOMISD)
		put(t, "%s", ptr_word(8));
	else if (i->id == X86_INS_COMISS || i->id == X86_INS_UCOMISS)
		put(t, "%s", ptr_word(4));
	else if (i->id != X86_INS_LEA)
		put(t, "%s", ptr_word(op->size));
	if (shown_segment(i, op) != X86_REG_INVALID)
		put(t, "%s:", reg(d, shown_segment(i, op)));
	if (m->base == X86_REG_INVALID && m->index == X86_REG_INVALID) {
		put(t, "%s0x%llx", shown_segment(i, op) == X86_REG_INVALID ? "ds:" : "",
		    (unsigned long long)m->disp);
		return;
	}
	put(t, "[");
	if (m->base != X86_REG_INVALID)
		put(t, "%s", reg(d, m->base));
	if (m->index != X86_REG_INVALID)
		put(t, "%s%s*%d", m->base != X86_REG_INVALID ? "+" : "",
		    reg(d, m->index), m->scale);
	if (m->base == X86_REG_RIP) {
		/* GNU's Intel form writes a rip offset unsigned */
		put(t, "+0x%llx", (unsigned long long)m->disp);
	} else if (disp) {
		if (m->disp >= 0)
			put(t, "+");
		put_signed(t, m->disp);
	}
	put(t, "]");
}

static void intel_op(const struct ld_disasm *d, const cs_insn *i,
		     const cs_x86_op *op, bool branch, struct text *t)
{
	switch (op->type) {
	case X86_OP_REG:
		put(t, "%s", reg(d, op->reg));
		break;
	case X86_OP_IMM:
		if (is_shift1(i, op))
			put(t, "1");	/* the implied count of D0/D1 */
		else
			put(t, "0x%llx", (unsigned long long)(branch ? (uint64_t)op->imm :
					       sized(op->imm, op->size)));
		break;
	case X86_OP_MEM:
		intel_mem(d, i, op, t);
		break;
	default:
		put(t, "?");
	}
}

/* The operands GNU leaves out: the implicit 1 of the D0/D1 shifts and
 * rotates (`shl %eax`). */
static bool skip_op(const cs_insn *i, const cs_x86_op *op, enum ld_flavor f)
{
	return f == LD_FLAVOR_ATT && is_shift1(i, op);
}

/* x87 register forms Capstone gives one operand and GNU two: %st(i) is
 * the source of D8/DA/DB/DF (`fcomi %st(1),%st`), the destination of
 * DC/DE (`fmulp %st,%st(1)`). */
static bool x87_pair(const struct ld_disasm *d, const cs_insn *i,
		     enum ld_flavor f, struct text *t)
{
	const cs_x86 *x = &i->detail->x86;
	uint8_t op = x->opcode[0];
	bool st_dest = op == 0xdc || op == 0xde;
	const char *sti, *pct = f == LD_FLAVOR_ATT ? "%" : "";

	unsigned k, r = X86_REG_ST0;

	if (!(op == 0xd8 || op == 0xda || op == 0xdb || op == 0xdf || st_dest) ||
	    x->modrm < 0xc0 || x->op_count < 1 || x->op_count > 2)
		return false;
	/* the explicit %st(i): the operand that is not the implied st(0) */
	for (k = 0; k < x->op_count; k++) {
		if (x->operands[k].type != X86_OP_REG ||
		    x->operands[k].reg < X86_REG_ST0 || x->operands[k].reg > X86_REG_ST7)
			return false;
		if (x->operands[k].reg != X86_REG_ST0)
			r = x->operands[k].reg;
	}
	sti = reg(d, r);
	/* AT&T writes source first, Intel destination first */
	if (st_dest == (f == LD_FLAVOR_ATT))
		put(t, "%sst,%s%s", pct, pct, sti);
	else
		put(t, "%s%s,%sst", pct, sti, pct);
	return true;
}

static void operands(const struct ld_disasm *d, const cs_insn *i,
		     enum ld_flavor f, struct text *t)
{
	const cs_x86 *x = &i->detail->x86;
	bool branch = is_branch(i);
	/* AT&T reverses Intel's order, except enter's two immediates; the
	 * one-byte xchg with %eax (91-97) Capstone lists the other way */
	bool rev = (f == LD_FLAVOR_ATT) != (x->opcode[0] >= 0x91 &&
					   x->opcode[0] <= 0x97 && !x->opcode[1]);
	bool first = true;

	if (i->id == X86_INS_ENTER)
		rev = false;
	if (x87_pair(d, i, f, t))
		return;

	for (int k = 0; k < x->op_count; k++) {
		const cs_x86_op *op = &x->operands[rev ? x->op_count - 1 - k : k];

		if (skip_op(i, op, f))
			continue;
		if (!first)
			put(t, ",");
		first = false;
		if (f == LD_FLAVOR_ATT)
			att_op(d, i, op, branch, t);
		else
			intel_op(d, i, op, branch, t);
	}
}

/* The last word of a Capstone mnemonic ("rep stosq" -> "stosq"). */
static const char *last_word(const char *m)
{
	const char *sp = strrchr(m, ' ');

	return sp ? sp + 1 : m;
}

/* GNU writes a size suffix only where no operand tells the size: a memory
 * operand without a register of its size (`movl $0x0,-0x4(%rbp)`,
 * `cvtsi2sdl (%rax),%xmm0`), never on transfers, whose size is the mode's. */
static bool keep_suffix(const cs_insn *i)
{
	const cs_x86 *x = &i->detail->x86;
	unsigned msize = 0;
	bool same_reg = false;

	switch (i->id) {
	case X86_INS_CALL: case X86_INS_JMP: case X86_INS_RET:
	case X86_INS_PUSH: case X86_INS_POP:
		return false;
	default:
		break;
	}
	for (int k = 0; k < x->op_count; k++)
		if (x->operands[k].type == X86_OP_MEM)
			msize = x->operands[k].size;
	for (int k = 0; k < x->op_count; k++)
		if (x->operands[k].type == X86_OP_REG &&
		    x->operands[k].size == msize)
			same_reg = true;
	return msize && !same_reg;
}

/* The AT&T name: Capstone's, without the suffix GNU leaves out. */
static void att_name(const cs_insn *ii, const cs_insn *ai, char *out, size_t len)
{
	const char *a = last_word(ai->mnemonic), *n = last_word(ii->mnemonic);
	size_t an = strlen(a), nn = strlen(n);

	snprintf(out, len, "%s", a);
	if (an == nn + 1 && !strncmp(a, n, nn) && strchr("bwlq", a[nn]) &&
	    !keep_suffix(ii))
		out[nn] = '\0';
}

/* Prefixes GNU writes as words: a repeated 66 (`data16`), a segment
 * override on an instruction that takes none in 64-bit mode (`cs nopw`),
 * 3e on an indirect branch (`notrack`), and rep/repne/lock. */
static void prefix_words(const cs_insn *i, struct text *t)
{
	const uint8_t *b = i->bytes;
	size_t n = 0, n66 = 0;
	bool branch = is_branch(i);

	while (n < i->size && strchr("\x66\x67\xf2\xf3\xf0\x2e\x3e\x26\x36\x64\x65", b[n]) &&
	       b[n])
		n66 += b[n++] == 0x66;
	/* with REX.W a 66 sizes nothing (`data16 data16 data16 mov %fs:0x0,
	 * %rax`, the TLS padding) unless it is an SSE opcode's own */
	if ((i->detail->x86.rex & 8) && i->detail->x86.opcode[0] != 0x0f)
		n66++;
	for (size_t k = 0; k < n; k++) {
		if (b[k] == 0x66 && n66 > 1) {
			put(t, "data16 ");
			n66--;
		} else if (b[k] == 0x2e && !branch) {
			put(t, "cs ");
		} else if (b[k] == 0x3e && branch) {
			put(t, "notrack ");
		} else if (b[k] == 0xf0) {
			put(t, "lock ");
		} else if (b[k] == 0xf2 && branch) {
			put(t, "bnd ");
		}
	}
	if (i->id == X86_INS_RET && b[0] == 0xf3)
		put(t, "repz ");		/* the AMD branch-predictor idiom */
	else if (!strncmp(i->mnemonic, "rep ", 4) || !strncmp(i->mnemonic, "repe ", 5))
		put(t, "%s ", i->mnemonic[3] == 'e' ? "repz" : "rep");
	else if (!strncmp(i->mnemonic, "repne ", 6))
		put(t, "repnz ");
}

/* 66 90: Capstone calls it nop, GNU by its encoding's name. */
static bool is_xchg_ax(const cs_insn *i)
{
	return i->size == 2 && i->bytes[0] == 0x66 && i->bytes[1] == 0x90;
}

/* Names where GNU and Capstone part: */
static void gnu_names(const cs_insn *i, enum ld_flavor f, char *name,
		      size_t len)
{
	const cs_x86 *x = &i->detail->x86;
	size_t n = strlen(name);

	if (is_xchg_ax(i))
		snprintf(name, len, "xchg");
	else if (i->id == X86_INS_WAIT)
		snprintf(name, len, "fwait");
	/* movq between a 64-bit register and %xmm (66 REX.W 0F 6E/7E) */
	else if (i->id == X86_INS_MOVQ || (i->id == X86_INS_MOVD && (x->rex & 8)))
		snprintf(name, len, "movq");
	/* string instructions: sized by their operands in Intel, and in
	 * AT&T by the register operand of stos/lods/scas (`rep stos
	 * %eax,%es:(%rdi)`, `movsb %ds:(%rsi),%es:(%rdi)`) */
	else if (is_string_op(i) && n > 1 && x->op_count == 2 &&
		 (f == LD_FLAVOR_INTEL || x->operands[0].type == X86_OP_REG ||
		  x->operands[1].type == X86_OP_REG))
		name[n - 1] = '\0';
}

/* Capstone's register as an encoding number (LD_GPR_*), or -1. */
static int gpr(unsigned r)
{
	static const unsigned q[] = { X86_REG_RAX, X86_REG_RCX, X86_REG_RDX,
		X86_REG_RBX, X86_REG_RSP, X86_REG_RBP, X86_REG_RSI, X86_REG_RDI,
		X86_REG_R8, X86_REG_R9, X86_REG_R10, X86_REG_R11, X86_REG_R12,
		X86_REG_R13, X86_REG_R14, X86_REG_R15 };
	static const unsigned d[] = { X86_REG_EAX, X86_REG_ECX, X86_REG_EDX,
		X86_REG_EBX, X86_REG_ESP, X86_REG_EBP, X86_REG_ESI, X86_REG_EDI,
		X86_REG_R8D, X86_REG_R9D, X86_REG_R10D, X86_REG_R11D, X86_REG_R12D,
		X86_REG_R13D, X86_REG_R14D, X86_REG_R15D };

	if (r == X86_REG_RIP)
		return LD_GPR_RIP;
	for (int k = 0; k < 16; k++)
		if (r == q[k] || r == d[k])
			return k;
	return -1;
}

static enum ld_insn_kind kind_of(unsigned id)
{
	switch (id) {
	case X86_INS_ENDBR64: return LD_INSN_ENDBR64;
	case X86_INS_NOP: return LD_INSN_NOP;
	case X86_INS_PUSH: return LD_INSN_PUSH;
	case X86_INS_MOV: return LD_INSN_MOV;
	default: return LD_INSN_OTHER;
	}
}

static void fill_op(const cs_insn *i, const cs_x86_op *o, struct ld_insn *out,
		    struct ld_insn_op *p)
{
	p->type = o->type == X86_OP_REG ? LD_OP_REG : o->type == X86_OP_IMM ?
		LD_OP_IMM : o->type == X86_OP_MEM ? LD_OP_MEM : LD_OP_NONE;
	p->size = o->size;
	p->reg = p->base = p->index = -1;
	if (o->type == X86_OP_REG)
		p->reg = gpr(o->reg);
	if (o->type == X86_OP_IMM)
		p->imm = o->imm;
	if (o->type == X86_OP_MEM) {
		p->seg = o->mem.segment != X86_REG_INVALID;
		p->base = o->mem.base == X86_REG_INVALID ? -1 : gpr(o->mem.base);
		p->index = o->mem.index == X86_REG_INVALID ? -1 : gpr(o->mem.index);
		p->scale = (unsigned)o->mem.scale;
		p->disp = o->mem.disp;
		if (o->mem.base == X86_REG_RIP) {
			out->has_ref = true;
			out->ref = i->address + i->size + (uint64_t)o->mem.disp;
		}
	}
	if (o->type == X86_OP_IMM && is_branch(i)) {
		out->has_target = true;
		out->target = (uint64_t)o->imm;
	}
}

/* The facts other readers need, in Intel order. */
static void fill_ops(const cs_insn *i, struct ld_insn *out)
{
	const cs_x86 *x = &i->detail->x86;

	out->kind = kind_of(i->id);
	out->nops = x->op_count < 4 ? x->op_count : 4;
	for (unsigned k = 0; k < out->nops; k++)
		fill_op(i, &x->operands[k], out, &out->op[k]);
	out->is_call = in_group(i, CS_GRP_CALL);
	out->is_jump = in_group(i, CS_GRP_JUMP);
	out->is_ret = in_group(i, CS_GRP_RET);
}

static void set_bad(const uint8_t *code, uint64_t addr, struct ld_insn *out)
{
	memset(out, 0, sizeof *out);
	out->addr = addr;
	out->len = 1;
	out->bytes[0] = code[0];
	out->bad = true;
	snprintf(out->mnemonic, sizeof out->mnemonic, "(bad)");
}

size_t ld_disasm_one(struct ld_disasm *d, enum ld_flavor f, const uint8_t *code,
		     size_t len, uint64_t addr, struct ld_insn *out)
{
	const uint8_t *c = code;
	size_t n = len < LD_INSN_MAX ? len : LD_INSN_MAX;
	uint64_t a = addr;
	struct text t;
	char name[32];

	if (!len)
		return 0;
	if (!cs_disasm_iter(d->intel, &c, &n, &a, d->ii)) {
		set_bad(code, addr, out);
		return 1;
	}
	memset(out, 0, sizeof *out);
	out->addr = addr;
	out->len = d->ii->size;
	memcpy(out->bytes, code, out->len);
	fill_ops(d->ii, out);
	t = (struct text){ out->mnemonic, sizeof out->mnemonic, 0 };
	prefix_words(d->ii, &t);
	if (f == LD_FLAVOR_ATT) {
		c = code;
		n = out->len;
		a = addr;
		if (cs_disasm_iter(d->att, &c, &n, &a, d->ai))
			att_name(d->ii, d->ai, name, sizeof name);
		else
			snprintf(name, sizeof name, "%s", last_word(d->ii->mnemonic));
	} else {
		snprintf(name, sizeof name, "%s", last_word(d->ii->mnemonic));
	}
	t.p[t.at] = '\0';
	gnu_names(d->ii, f, name, sizeof name);
	put(&t, "%s", name);
	t = (struct text){ out->operands, sizeof out->operands, 0 };
	if (is_xchg_ax(d->ii))
		put(&t, f == LD_FLAVOR_ATT ? "%%ax,%%ax" : "ax,ax");
	else if (d->ii->id == X86_INS_XABORT)
		put(&t, "%s0x%x", f == LD_FLAVOR_ATT ? "$" : "",
		    (unsigned)(d->ii->detail->x86.operands[0].imm & 0xff));
	else
		operands(d, d->ii, f, &t);
	return out->len;
}

size_t ld_insn_decode(const uint8_t *code, size_t len, struct ld_insn *out)
{
	static struct ld_disasm *d;  /* one per process: callers are not threaded */
	const uint8_t *c = code;
	size_t n = len < LD_INSN_MAX ? len : LD_INSN_MAX;
	uint64_t a = 0;

	memset(out, 0, sizeof *out);
	out->bad = true;
	if (!len || (!d && !(d = ld_disasm_new())) ||
	    !cs_disasm_iter(d->intel, &c, &n, &a, d->ii))
		return 0;
	out->bad = false;
	out->len = d->ii->size;
	memcpy(out->bytes, code, out->len);
	fill_ops(d->ii, out);
	return out->len;
}
