/* The register table (regtable.h). */
#include <string.h>

#include "layoutdbg/regtable.h"

#define R(n, dw, en, sh) { #n, offsetof(ld_regs, n), dw, en, LD_REG_##sh }
const struct ld_reg_desc ld_reg_descs[] = {
	R(rax, 0, 0, INT), R(rbx, 3, 3, INT), R(rcx, 2, 1, INT),
	R(rdx, 1, 2, INT), R(rsi, 4, 6, INT), R(rdi, 5, 7, INT),
	R(rbp, 6, 5, ADDR), R(rsp, 7, 4, ADDR),
	R(r8, 8, 8, INT), R(r9, 9, 9, INT), R(r10, 10, 10, INT),
	R(r11, 11, 11, INT), R(r12, 12, 12, INT), R(r13, 13, 13, INT),
	R(r14, 14, 14, INT), R(r15, 15, 15, INT),
	R(rip, 16, -1, CODE), R(eflags, -1, -1, INT),
	R(cs, -1, -1, INT), R(ss, -1, -1, INT), R(ds, -1, -1, INT),
	R(es, -1, -1, INT), R(fs, -1, -1, INT), R(gs, -1, -1, INT),
	R(fs_base, -1, -1, INT), R(gs_base, -1, -1, INT),
	R(orig_rax, -1, -1, INT),
};
#undef R
const size_t ld_nregs = sizeof ld_reg_descs / sizeof *ld_reg_descs;

/* A field added to the kernel's struct must be added to the table. */
_Static_assert(sizeof ld_reg_descs / sizeof *ld_reg_descs ==
	       sizeof(ld_regs) / sizeof(unsigned long long),
	       "ld_reg_descs does not cover struct user_regs_struct");

uint64_t ld_reg_value(const ld_regs *r, const struct ld_reg_desc *d)
{
	uint64_t v;

	memcpy(&v, (const char *)r + d->offset, sizeof v);
	return v;
}

unsigned long long *ld_reg_slot(ld_regs *r, const struct ld_reg_desc *d)
{
	return (unsigned long long *)(void *)((char *)r + d->offset);
}

const struct ld_reg_desc *ld_reg_by_name(const char *name)
{
	static const char *const alias[][2] = {
		{ "pc", "rip" }, { "sp", "rsp" }, { "fp", "rbp" },
	};
	size_t i;

	for (i = 0; i < sizeof alias / sizeof *alias; i++)
		if (!strcmp(name, alias[i][0]))
			name = alias[i][1];
	for (i = 0; i < ld_nregs; i++)
		if (!strcmp(name, ld_reg_descs[i].name))
			return &ld_reg_descs[i];
	return NULL;
}

const struct ld_reg_desc *ld_reg_by_dwarf(unsigned n)
{
	size_t i;

	for (i = 0; i < ld_nregs; i++)
		if (ld_reg_descs[i].dwarf >= 0 && (unsigned)ld_reg_descs[i].dwarf == n)
			return &ld_reg_descs[i];
	return NULL;
}

const struct ld_reg_desc *ld_reg_by_enc(unsigned n)
{
	size_t i;

	for (i = 0; i < ld_nregs; i++)
		if (ld_reg_descs[i].enc >= 0 && (unsigned)ld_reg_descs[i].enc == n)
			return &ld_reg_descs[i];
	return NULL;
}

const struct ld_reg_desc *ld_reg_in_struct(size_t i)
{
	size_t k;

	for (k = 0; k < ld_nregs; k++)
		if (ld_reg_descs[k].offset == i * sizeof(unsigned long long))
			return &ld_reg_descs[k];
	return NULL;
}
