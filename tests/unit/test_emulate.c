/* ld_emulate against hand-computed results: registers, memory, and what
 * it must refuse (flag-setting, rip-relative, truncated, failing writes). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "layoutdbg/emulate.h"


static uint8_t stack[256];
static uint64_t base = 0x7000;	/* pretend address of stack[0] */

static int rd(uint64_t a, void *buf, size_t len, void *arg)
{
	(void)arg;
	if (a < base || a + len > base + sizeof stack)
		return -14;
	memcpy(buf, stack + (a - base), len);
	return 0;
}

static int wr(uint64_t a, const void *buf, size_t len, void *arg)
{
	(void)arg;
	if (a < base || a + len > base + sizeof stack)
		return -14;
	memcpy(stack + (a - base), buf, len);
	return 0;
}

static const struct ld_emu_mem mem = { rd, wr, NULL };

static struct user_regs_struct fresh(void)
{
	struct user_regs_struct r;

	memset(&r, 0, sizeof r);
	r.rip = 0x1000;
	r.rsp = base + 128;
	r.rbp = base + 192;
	r.rdi = 0x1122334455667788ULL;
	r.rax = 0xffffffffffffffffULL;
	r.r12 = 0xabcdef;
	memset(stack, 0, sizeof stack);
	return r;
}

/* A plan decoded once (per breakpoint site) runs at every hit on the
 * registers of that hit; a refused one never runs. */
static void plans(struct user_regs_struct *r)
{
	struct ld_emu_plan p, no;
	uint64_t v;

	*r = fresh();
	ok(ld_emu_plan((const uint8_t *)"\x8b\x45\xfc", 3, &p) == 3 && p.len == 3 &&
	   ld_emu_plan((const uint8_t *)"\x48\x83\xec\x10", 4, &no) == 0 && no.len == 0,
	   "plans: mov -0x4(%%rbp),%%eax kept, sub refused");
	memcpy(stack + 188, "\x01\x00\x00\x00", 4);
	ok(ld_emu_run(&p, r, &mem) && r->rax == 1 && r->rip == 0x1003, "plan: first hit");
	r->rip = 0x1000;
	r->rbp -= 64;
	memcpy(stack + 124, "\x07\x00\x00\x00", 4);
	ok(ld_emu_run(&p, r, &mem) && r->rax == 7 && r->rip == 0x1003,
	   "plan: second hit, another frame: the slot of that frame");
	v = r->rip;
	ok(!ld_emu_run(&no, r, &mem) && r->rip == v, "a refused plan changes nothing");
	r->rbp = 0x10;
	ok(!ld_emu_run(&p, r, &mem) && r->rip == v, "a failing read changes nothing");
}

int main(void)
{
	struct user_regs_struct r;
	uint64_t v;

	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x55", 1, &r, &mem) == 1 &&
	   r.rsp == base + 120 && r.rip == 0x1001 &&
	   (rd(base + 120, &v, 8, NULL), v == base + 192), "push %%rbp");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x41\x54", 2, &r, &mem) == 2 &&
	   (rd(r.rsp, &v, 8, NULL), v == 0xabcdef) && r.rip == 0x1002, "push %%r12");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x48\x89\xe5", 3, &r, &mem) == 3 &&
	   r.rbp == r.rsp, "mov %%rsp,%%rbp");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x89\x7d\xfc", 3, &r, &mem) == 3 &&
	   (rd(base + 188, &v, 4, NULL), (uint32_t)v == 0x55667788) &&
	   r.rip == 0x1003, "mov %%edi,-0x4(%%rbp)");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x48\x89\x7d\xf0", 4, &r, &mem) == 4 &&
	   (rd(base + 176, &v, 8, NULL), v == 0x1122334455667788ULL),
	   "mov %%rdi,-0x10(%%rbp)");
	r = fresh();
	wr(base + 188, "\x01\x02\x03\x04", 4, NULL);
	ok(ld_emulate((const uint8_t *)"\x8b\x45\xfc", 3, &r, &mem) == 3 &&
	   r.rax == 0x04030201, "mov -0x4(%%rbp),%%eax zero-extends");
	r = fresh();
	wr(base + 176, "\x11\x22\x33\x44\x55\x66\x77\x88", 8, NULL);
	ok(ld_emulate((const uint8_t *)"\x48\x8b\x45\xf0", 4, &r, &mem) == 4 &&
	   r.rax == 0x8877665544332211ULL, "mov -0x10(%%rbp),%%rax loads all 8 bytes");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\xf3\x0f\x1e\xfa", 4, &r, &mem) == 4 &&
	   r.rip == 0x1004, "endbr64");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x48\x83\xec\x10", 4, &r, &mem) == 0 &&
	   r.rip == 0x1000 && r.rsp == base + 128, "sub $0x10,%%rsp is refused (flags)");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x89\x3d\x00\x00\x00\x00", 6, &r, &mem) == 0,
	   "rip-relative store is refused");
	r = fresh();
	r.rbp = 0x10;	/* unmapped: the write fails, nothing changes */
	ok(ld_emulate((const uint8_t *)"\x89\x7d\xfc", 3, &r, &mem) == 0 &&
	   r.rip == 0x1000, "a failed write changes nothing");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x89", 1, &r, &mem) == 0, "truncated input");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x44\x89\x65\xfc", 4, &r, &mem) == 4 &&
	   (rd(base + 188, &v, 4, NULL), (uint32_t)v == 0xabcdef), "mov %%r12d,-0x4(%%rbp)");

	/* what the shared decoder lets the emulator take since it reads
	 * operands, not byte patterns */
	r = fresh();
	r.rbp = 0;
	ok(ld_emulate((const uint8_t *)"\x48\x8b\xec", 3, &r, &mem) == 3 &&
	   r.rbp == base + 128, "mov %%rsp,%%rbp in its other encoding (48 8b ec)");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x48\x89\x3c\x24", 4, &r, &mem) == 4 &&
	   (rd(base + 128, &v, 8, NULL), v == 0x1122334455667788ULL), "mov %%rdi,(%%rsp)");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x66\x0f\x1f\x44\x00\x00", 6, &r, &mem) == 6 &&
	   r.rip == 0x1006, "nopw 0x0(%%rax,%%rax,1) touches nothing");
	r = fresh();
	ok(ld_emulate((const uint8_t *)"\x48\x89\x7c\x05\xf0", 5, &r, &mem) == 0,
	   "mov %%rdi,-0x10(%%rbp,%%rax,1) is refused (an index)");
	ok(ld_emulate((const uint8_t *)"\x64\x48\x89\x7d\xf0", 5, &r, &mem) == 0,
	   "mov %%rdi,%%fs:-0x10(%%rbp) is refused (a segment)");
	ok(ld_emulate((const uint8_t *)"\x66\x89\x7d\xf0", 4, &r, &mem) == 0,
	   "mov %%di,-0x10(%%rbp) is refused (16-bit)");
	ok(ld_emulate((const uint8_t *)"\x48\x89\xc5", 3, &r, &mem) == 0,
	   "mov %%rax,%%rbp is refused (only rsp to rbp)");
	ok(ld_emulate((const uint8_t *)"\x48\x89\x7d", 3, &r, &mem) == 0 && r.rip == 0x1000,
	   "an instruction cut off at len is refused");
	ok(ld_emulate((const uint8_t *)"\x6a\x01", 2, &r, &mem) == 0, "push $0x1 is refused");
	plans(&r);
	return tap_done();
}
