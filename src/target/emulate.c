/* A tiny x86-64 emulator for the first instruction of a function (or of a
 * line after the prologue), where breakpoints sit.  Anything unknown is
 * refused, never guessed: the caller then single-steps. */
#include <string.h>

#include "layoutdbg/emulate.h"
#include "layoutdbg/regtable.h"

typedef struct user_regs_struct regs_t;

/* Register number (0-15, ModRM order with REX bit) to its slot. */
static unsigned long long *reg(regs_t *r, unsigned n)
{
	return ld_reg_slot(r, ld_reg_by_enc(n & 15));
}

/* push r64: 50+r, 41 50+r */
static size_t push(const uint8_t *c, size_t len, regs_t *r,
		   const struct ld_emu_mem *m, unsigned rex_b)
{
	uint64_t v = *reg(r, (unsigned)(c[0] - 0x50) + (rex_b ? 8 : 0));

	(void)len;
	if (m->write(r->rsp - 8, &v, 8, m->arg))
		return 0;
	r->rsp -= 8;
	return 1;
}

/* mov between a register and [rbp/rsp + disp8/disp32]: 89 /r (store),
 * 8b /r (load), with an optional REX (W: 64-bit; R: reg 8-15). */
static size_t mov_mem(const uint8_t *c, size_t len, regs_t *r,
		      const struct ld_emu_mem *m, uint8_t rex)
{
	unsigned modrm, mod, regn, rm, size = rex & 8 ? 8 : 4;
	size_t n = 2;
	int64_t disp;
	uint64_t addr, v = 0;

	if (len < 3)
		return 0;
	modrm = c[1];
	mod = modrm >> 6;
	regn = ((modrm >> 3) & 7) + (rex & 4 ? 8 : 0);
	rm = modrm & 7;
	if (mod == 3 || (rex & 1) || (rex & 2))
		return 0;			/* register form, REX.B/X: not here */
	if (rm == 4) {				/* SIB: only [rsp + disp] */
		if (c[2] != 0x24)
			return 0;
		n = 3;
		rm = 4;
	} else if (rm != 5) {
		return 0;			/* only rbp-based slots */
	}
	if (mod == 1) {
		if (len < n + 1)
			return 0;
		disp = (int8_t)c[n];
		n += 1;
	} else if (mod == 2) {
		int32_t d;

		if (len < n + 4)
			return 0;
		memcpy(&d, c + n, 4);
		disp = d;
		n += 4;
	} else {
		return 0;			/* mod 0 rm 5 is rip-relative */
	}
	addr = *reg(r, rm) + (uint64_t)disp;
	if (c[0] == 0x89) {
		v = *reg(r, regn);
		if (m->write(addr, &v, size, m->arg))
			return 0;
		return n;
	}
	if (m->read(addr, &v, size, m->arg))
		return 0;
	/* a 32-bit load zero-extends into the 64-bit register */
	*reg(r, regn) = size == 8 ? v : (uint32_t)v;
	return n;
}

size_t ld_emulate(const uint8_t *c, size_t len, regs_t *r,
		  const struct ld_emu_mem *m)
{
	static const uint8_t endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	size_t n = 0;
	uint8_t rex = 0;

	if (!len)
		return 0;
	if (len >= 4 && !memcmp(c, endbr64, 4)) {
		n = 4;
	} else if (c[0] == 0x90) {
		n = 1;
	} else if (c[0] >= 0x50 && c[0] <= 0x57) {
		n = push(c, len, r, m, 0);
	} else if (c[0] == 0x41 && len >= 2 && c[1] >= 0x50 && c[1] <= 0x57) {
		n = push(c + 1, len - 1, r, m, 1) ? 2 : 0;
	} else if (len >= 3 && c[0] == 0x48 && c[1] == 0x89 && c[2] == 0xe5) {
		r->rbp = r->rsp;		/* mov %rsp,%rbp */
		n = 3;
	} else {
		if ((c[0] & 0xf0) == 0x40) {
			rex = c[0];
			c++;
			len--;
		}
		if (len && (c[0] == 0x89 || c[0] == 0x8b)) {
			n = mov_mem(c, len, r, m, rex);
			if (n && rex)
				n++;
		}
	}
	if (n)
		r->rip += n;
	return n;
}
