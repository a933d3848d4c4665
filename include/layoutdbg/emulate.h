/* Emulating the instruction under a breakpoint, so stepping off it needs
 * no single-step round trip: only instructions that touch no flags and
 * whose effect is certain (push, mov between registers and rbp/rsp-based
 * stack slots, endbr64, nop).  A pure function: no ptrace; tests feed it
 * bytes and registers. */
#ifndef LAYOUTDBG_EMULATE_H
#define LAYOUTDBG_EMULATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

struct ld_emu_mem {
	/* 0 or -errno */
	int (*read)(uint64_t addr, void *buf, size_t len, void *arg);
	int (*write)(uint64_t addr, const void *buf, size_t len, void *arg);
	void *arg;
};

/* What to do for one instruction, decoded once (per breakpoint site) and
 * run at every hit.  len 0: not an instruction this emulator knows. */
enum ld_emu_op {
	LD_EMU_NONE,
	LD_EMU_NOP,       /* endbr64, any nop */
	LD_EMU_PUSH,      /* push reg */
	LD_EMU_RBP_RSP,   /* mov %rsp,%rbp */
	LD_EMU_STORE,     /* mov reg32/64 -> [base + disp] */
	LD_EMU_LOAD,      /* mov [base + disp] -> reg32/64 */
};

struct ld_emu_plan {
	uint8_t len;      /* the instruction's length; 0: refused */
	uint8_t op;       /* enum ld_emu_op */
	uint8_t reg;      /* the register by its encoding (0 rax ... 15 r15) */
	uint8_t size;     /* STORE, LOAD: 4 or 8 bytes */
	uint8_t base;     /* STORE, LOAD: LD_GPR_RBP or LD_GPR_RSP */
	int64_t disp;
};

/* Decode the instruction in code[0..len) into p.  Returns its length, or
 * 0 when it is not one this emulator knows (p then says so). */
size_t ld_emu_plan(const uint8_t *code, size_t len, struct ld_emu_plan *p);

/* Run plan p on r and memory.  False when p is refused or a memory
 * access failed: then nothing was changed. */
bool ld_emu_run(const struct ld_emu_plan *p, struct user_regs_struct *r,
		const struct ld_emu_mem *mem);

/* Execute the instruction in code[0..len) at r->rip on r and memory.
 * Returns its length (r->rip advanced, memory written) or 0 when it is not
 * one this emulator knows, or a memory access failed (then nothing was
 * changed: the caller single-steps instead). */
size_t ld_emulate(const uint8_t *code, size_t len, struct user_regs_struct *r,
		  const struct ld_emu_mem *mem);

#endif
