/* The x86-64 general registers: the one table of their names, their places
 * in struct user_regs_struct (what PTRACE_GETREGS fills), their numbers in
 * DWARF and in instruction encodings, and how `info registers` shows them.
 * Data and lookups only: reading and writing a thread's registers is
 * mem.h's (ld_regs_get, ld_regs_set). */
#ifndef LAYOUTDBG_REGTABLE_H
#define LAYOUTDBG_REGTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

typedef struct user_regs_struct ld_regs;

/* What gdb's `info registers` prints after the hex value. */
enum ld_reg_show {
	LD_REG_INT,	/* the value as a signed decimal (rax, eflags, cs...) */
	LD_REG_ADDR,	/* the hex again (rsp, rbp: gdb's data_ptr) */
	LD_REG_CODE,	/* the hex and <symbol+offset> (rip: code_ptr) */
};

struct ld_reg_desc {
	const char *name;	/* gdb's name */
	size_t offset;		/* of its field in ld_regs */
	int dwarf;		/* DWARF number (psABI: 0 rax, 1 rdx, 2 rcx,
				 * 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15
				 * r8-r15, 16 the return address); -1 none */
	int enc;		/* number in ModRM/REX encodings (0 rax, 1 rcx,
				 * 2 rdx, 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi,
				 * 8-15 r8-r15); -1 none */
	enum ld_reg_show show;
};

/* Every field of ld_regs, in gdb's `info registers` order (orig_rax,
 * which gdb does not show, last). */
extern const struct ld_reg_desc ld_reg_descs[];
extern const size_t ld_nregs;

uint64_t ld_reg_value(const ld_regs *r, const struct ld_reg_desc *d);
/* The field of r that d describes. */
unsigned long long *ld_reg_slot(ld_regs *r, const struct ld_reg_desc *d);

/* By gdb's name without the '$' ("rip"), or by gdb's aliases pc, sp and
 * fp (rip, rsp, rbp).  NULL if there is no such register. */
const struct ld_reg_desc *ld_reg_by_name(const char *name);
/* By DWARF number (0-16) or encoding number (0-15); NULL outside. */
const struct ld_reg_desc *ld_reg_by_dwarf(unsigned n);
const struct ld_reg_desc *ld_reg_by_enc(unsigned n);
/* The i-th field of ld_regs in the struct's own order (i < ld_nregs). */
const struct ld_reg_desc *ld_reg_in_struct(size_t i);

#endif
