/* x86-64 prologues, read as gdb's amd64_analyze_prologue reads them, one
 * instruction at a time through the shared decoder (disasm.c). */
#include "layoutdbg/disasm.h"
#include "layoutdbg/prologue.h"

/* push %rbp in gdb's one encoding, 55 (a REX-prefixed form is no frame
 * setup for gdb). */
static bool push_rbp(const struct ld_insn *in)
{
	return in->kind == LD_INSN_PUSH && in->len == 1 && in->nops == 1 &&
		in->op[0].type == LD_OP_REG && in->op[0].reg == LD_GPR_RBP;
}

/* movq %rsp,%rbp in its two 3-byte encodings (48 89 e5, 48 8b ec); gdb
 * takes movl %esp,%ebp (89 e5, 8b ec) only for x32, so the operand size
 * must be 8. */
static bool mov_rsp_rbp(const struct ld_insn *in)
{
	return in->kind == LD_INSN_MOV && in->len == 3 && in->nops == 2 &&
		in->op[0].type == LD_OP_REG && in->op[0].reg == LD_GPR_RBP &&
		in->op[1].type == LD_OP_REG && in->op[1].reg == LD_GPR_RSP &&
		in->op[0].size == 8;
}

size_t ld_prologue_frame_setup(const uint8_t *code, size_t len)
{
	struct ld_insn in;
	size_t at = 0, n;

	if ((n = ld_insn_decode(code, len, &in)) && in.kind == LD_INSN_ENDBR64)
		at = n;
	if (!(n = ld_insn_decode(code + at, len - at, &in)) || !push_rbp(&in))
		return 0;
	at += n;
	if (!(n = ld_insn_decode(code + at, len - at, &in)) || !mov_rsp_rbp(&in))
		return 0;	/* push %rbp alone: frameless for gdb */
	return at + n;
}
