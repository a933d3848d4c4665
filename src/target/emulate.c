/* A tiny x86-64 emulator for the first instruction of a function (or of a
 * line after the prologue), where breakpoints sit.  The shared decoder
 * (disasm.c) says what the instruction is and how long; anything this
 * file does not know is refused, never guessed: the caller then
 * single-steps. */
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

/* push r64 */
static bool push(const struct ld_insn *in, regs_t *r, const struct ld_emu_mem *m)
{
	uint64_t v;

	if (in->nops != 1 || !is_gpr(&in->op[0], false))
		return false;
	v = *reg(r, in->op[0].reg);
	if (m->write(r->rsp - 8, &v, 8, m->arg))
		return false;
	r->rsp -= 8;
	return true;
}

/* A stack slot: [rbp + disp] or [rsp + disp], nothing else (no index, no
 * segment, not rip-relative). */
static bool stack_slot(const struct ld_insn_op *o, const regs_t *r, uint64_t *addr)
{
	if (o->type != LD_OP_MEM || o->seg || o->index >= 0 ||
	    (o->base != LD_GPR_RBP && o->base != LD_GPR_RSP))
		return false;
	*addr = (o->base == LD_GPR_RBP ? r->rbp : r->rsp) + (uint64_t)o->disp;
	return true;
}

/* mov between a 32- or 64-bit register and a stack slot, or mov
 * %rsp,%rbp. */
static bool mov(const struct ld_insn *in, regs_t *r, const struct ld_emu_mem *m)
{
	const struct ld_insn_op *dst = &in->op[0], *src = &in->op[1];
	uint64_t addr, v = 0;

	if (in->nops != 2)
		return false;
	if (is_gpr(dst, false) && is_gpr(src, false)) {
		if (dst->reg != LD_GPR_RBP || src->reg != LD_GPR_RSP)
			return false;
		r->rbp = r->rsp;
		return true;
	}
	if (is_gpr(src, true) && stack_slot(dst, r, &addr)) {
		v = *reg(r, src->reg);
		return m->write(addr, &v, src->size, m->arg) == 0;
	}
	if (is_gpr(dst, true) && stack_slot(src, r, &addr)) {
		if (m->read(addr, &v, dst->size, m->arg))
			return false;
		/* a 32-bit load zero-extends into the 64-bit register */
		*reg(r, dst->reg) = dst->size == 8 ? v : (uint32_t)v;
		return true;
	}
	return false;
}

size_t ld_emulate(const uint8_t *c, size_t len, regs_t *r,
		  const struct ld_emu_mem *m)
{
	struct ld_insn in;
	size_t n = ld_insn_decode(c, len, &in);
	bool done;

	if (!n)
		return 0;
	switch (in.kind) {
	case LD_INSN_ENDBR64:
	case LD_INSN_NOP:	/* no form touches memory or flags */
		done = true;
		break;
	case LD_INSN_PUSH:
		done = push(&in, r, m);
		break;
	case LD_INSN_MOV:
		done = mov(&in, r, m);
		break;
	default:
		done = false;
	}
	if (!done)
		return 0;
	r->rip += n;
	return n;
}
