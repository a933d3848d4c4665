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

/* Execute the instruction in code[0..len) at r->rip on r and memory.
 * Returns its length (r->rip advanced, memory written) or 0 when it is not
 * one this emulator knows, or a memory access failed (then nothing was
 * changed: the caller single-steps instead). */
size_t ld_emulate(const uint8_t *code, size_t len, struct user_regs_struct *r,
		  const struct ld_emu_mem *mem);

#endif
