/* A tiny x86-64 emulator for the first instruction of a function (or of a
 * line after the prologue), where breakpoints sit.  The shared decoder
 * (disasm.c) says what the instruction is and how long; anything this
 * file does not know is refused, never guessed: the caller then
 * single-steps.  Decoding (Capstone, a few thousand instructions) is done
 * once per breakpoint site into a plan; running a plan is a few loads
 * and stores. */
#include <string.h>

#include "layoutdbg/disasm.h"
#include "layoutdbg/emulate.h"
#include "layoutdbg/regtable.h"

typedef struct user_regs_struct regs_t;

/* Register number (0-15, the encoding) to its slot. */
static unsigned long long *reg(regs_t *r, int n)
{
	return ld_reg_slot(r, ld_reg_by_enc((unsigned)n & 15));
}

static bool is_gpr(const struct ld_insn_op *o, bool allow32)
{
	return o->type == LD_OP_REG && o->reg >= 0 && o->reg < 16 &&
		(o->size == 8 || (allow32 && o->size == 4));
}

/* A stack slot: [rbp + disp] or [rsp + disp], nothing else (no index, no
 * segment, not rip-relative). */
static bool stack_slot(const struct ld_insn_op *o, struct ld_emu_plan *p)
{
	if (o->type != LD_OP_MEM || o->seg || o->index >= 0 ||
	    (o->base != LD_GPR_RBP && o->base != LD_GPR_RSP))
		return false;
	p->base = (uint8_t)o->base;
	p->disp = o->disp;
	return true;
}

/* mov between a 32- or 64-bit register and a stack slot, or mov
 * %rsp,%rbp. */
static bool plan_mov(const struct ld_insn *in, struct ld_emu_plan *p)
{
	const struct ld_insn_op *dst = &in->op[0], *src = &in->op[1];

	if (in->nops != 2)
		return false;
	if (is_gpr(dst, false) && is_gpr(src, false)) {
		p->op = LD_EMU_RBP_RSP;
		return dst->reg == LD_GPR_RBP && src->reg == LD_GPR_RSP;
	}
	if (is_gpr(src, true) && stack_slot(dst, p)) {
		p->op = LD_EMU_STORE;
		p->reg = (uint8_t)src->reg;
		p->size = (uint8_t)src->size;
		return true;
	}
	if (is_gpr(dst, true) && stack_slot(src, p)) {
		p->op = LD_EMU_LOAD;
		p->reg = (uint8_t)dst->reg;
		p->size = (uint8_t)dst->size;
		return true;
	}
	return false;
}

size_t ld_emu_plan(const uint8_t *c, size_t len, struct ld_emu_plan *p)
{
	struct ld_insn in;
	size_t n = ld_insn_decode(c, len, &in);
	bool known;

	memset(p, 0, sizeof *p);
	if (!n)
		return 0;
	switch (in.kind) {
	case LD_INSN_ENDBR64:
	case LD_INSN_NOP:	/* no form touches memory or flags */
		p->op = LD_EMU_NOP;
		known = true;
		break;
	case LD_INSN_PUSH:
		p->op = LD_EMU_PUSH;
		known = in.nops == 1 && is_gpr(&in.op[0], false);
		p->reg = known ? (uint8_t)in.op[0].reg : 0;
		break;
	case LD_INSN_MOV:
		known = plan_mov(&in, p);
		break;
	default:
		known = false;
	}
	if (!known) {
		memset(p, 0, sizeof *p);
		return 0;
	}
	p->len = (uint8_t)n;
	return n;
}

bool ld_emu_run(const struct ld_emu_plan *p, regs_t *r, const struct ld_emu_mem *m)
{
	uint64_t v = 0, addr = (p->base == LD_GPR_RBP ? r->rbp : r->rsp) + (uint64_t)p->disp;

	switch (p->op) {
	case LD_EMU_NOP:
		break;
	case LD_EMU_PUSH:
		v = *reg(r, p->reg);
		if (m->write(r->rsp - 8, &v, 8, m->arg))
			return false;
		r->rsp -= 8;
		break;
	case LD_EMU_RBP_RSP:
		r->rbp = r->rsp;
		break;
	case LD_EMU_STORE:
		v = *reg(r, p->reg);
		if (m->write(addr, &v, p->size, m->arg))
			return false;
		break;
	case LD_EMU_LOAD:
		if (m->read(addr, &v, p->size, m->arg))
			return false;
		/* a 32-bit load zero-extends into the 64-bit register */
		*reg(r, p->reg) = p->size == 8 ? v : (uint32_t)v;
		break;
	default:
		return false;	/* no plan */
	}
	r->rip += p->len;
	return true;
}

size_t ld_emulate(const uint8_t *c, size_t len, regs_t *r,
		  const struct ld_emu_mem *m)
{
	struct ld_emu_plan p;

	if (!ld_emu_plan(c, len, &p) || !ld_emu_run(&p, r, m))
		return 0;
	return p.len;
}
