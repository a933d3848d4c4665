/* The decoder's text against GNU's (objdump 2.40 / gdb 13 print these
 * exactly so), in both flavours, for the forms where Capstone's own text
 * differs; lengths, targets, rip-relative references; never a byte past
 * len. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "layoutdbg/disasm.h"

struct want {
	const char *bytes;    /* hex, no spaces */
	const char *att, *intel;
};

static const struct want cases[] = {
	{ "55", "push   %rbp", "push   rbp" },
	{ "4889e5", "mov    %rsp,%rbp", "mov    rbp,rsp" },
	{ "b801000000", "mov    $0x1,%eax", "mov    eax,0x1" },
	{ "48c7c0ffffffff", "mov    $0xffffffffffffffff,%rax", "mov    rax,0xffffffffffffffff" },
	{ "4883e4f0", "and    $0xfffffffffffffff0,%rsp", "and    rsp,0xfffffffffffffff0" },
	{ "c745fc00000000", "movl   $0x0,-0x4(%rbp)", "mov    DWORD PTR [rbp-0x4],0x0" },
	{ "488b45f8", "mov    -0x8(%rbp),%rax", "mov    rax,QWORD PTR [rbp-0x8]" },
	{ "660f1f440000", "nopw   0x0(%rax,%rax,1)", "nop    WORD PTR [rax+rax*1+0x0]" },
	{ "2e660f1f840000000000", "cs nopw 0x0(%rax,%rax,1)", "cs nop WORD PTR [rax+rax*1+0x0]" },
	{ "66662e0f1f840000000000", "data16 cs nopw 0x0(%rax,%rax,1)",
	  "data16 cs nop WORD PTR [rax+rax*1+0x0]" },
	{ "6690", "xchg   %ax,%ax", "xchg   ax,ax" },
	{ "f30f1efa", "endbr64", "endbr64" },
	{ "f3ab", "rep stos %eax,%es:(%rdi)", "rep stos DWORD PTR es:[rdi],eax" },
	{ "f348a5", "rep movsq %ds:(%rsi),%es:(%rdi)",
	  "rep movs QWORD PTR es:[rdi],QWORD PTR ds:[rsi]" },
	{ "0fb600", "movzbl (%rax),%eax", "movzx  eax,BYTE PTR [rax]" },
	{ "4863d0", "movslq %eax,%rdx", "movsxd rdx,eax" },
	{ "4898", "cltq", "cdqe" },
	{ "f20f2a45ec", "cvtsi2sdl -0x14(%rbp),%xmm0", "cvtsi2sd xmm0,DWORD PTR [rbp-0x14]" },
	{ "d1e0", "shl    %eax", "shl    eax,1" },
	{ "d3e0", "shl    %cl,%eax", "shl    eax,cl" },
	{ "dec9", "fmulp  %st,%st(1)", "fmulp  st(1),st" },
	{ "dbf1", "fcomi  %st(1),%st", "fcomi  st,st(1)" },
	{ "3effe0", "notrack jmp *%rax", "notrack jmp rax" },
	{ "ff2500100000", "jmp    *0x1000(%rip)", "jmp    QWORD PTR [rip+0x1000]" },
	{ "64488b042528000000", "mov    %fs:0x28,%rax", "mov    rax,QWORD PTR fs:0x28" },
	{ "91", "xchg   %eax,%ecx", "xchg   ecx,eax" },
	{ "f3c3", "repz ret", "repz ret" },
	{ "ec", "in     (%dx),%al", "in     al,dx" },
	{ "488d05f0ffffff", "lea    -0x10(%rip),%rax", "lea    rax,[rip+0xfffffffffffffff0]" },
	{ "e800000000", "call   0x1005", "call   0x1005" },
	{ "c3", "ret", "ret" },
};

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		char b[3] = { h[0], h[1], 0 };

		out[n++] = (uint8_t)strtoul(b, NULL, 16);
	}
	return n;
}

static void text(const struct ld_insn *in, char *buf, size_t len)
{
	if (in->operands[0])
		snprintf(buf, len, "%-6s %s", in->mnemonic, in->operands);
	else
		snprintf(buf, len, "%s", in->mnemonic);
}

static void forms(struct ld_disasm *d)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t b[LD_INSN_MAX];
		size_t n = unhex(cases[i].bytes, b);
		struct ld_insn in;
		char t[256];

		ok(ld_disasm_one(d, LD_FLAVOR_ATT, b, n, 0x1000, &in) == n &&
		   (text(&in, t, sizeof t), !strcmp(t, cases[i].att)),
		   "att %s: %s", cases[i].att, (text(&in, t, sizeof t), t));
		ok(ld_disasm_one(d, LD_FLAVOR_INTEL, b, n, 0x1000, &in) == n &&
		   (text(&in, t, sizeof t), !strcmp(t, cases[i].intel)),
		   "intel %s: %s", cases[i].intel, (text(&in, t, sizeof t), t));
	}
}

static void facts(struct ld_disasm *d)
{
	static const uint8_t call[] = { 0xe8, 0xfb, 0xff, 0xff, 0xff };
	static const uint8_t lea[] = { 0x48, 0x8d, 0x05, 0x10, 0x00, 0x00, 0x00 };
	static const uint8_t cut[] = { 0x48, 0x8b, 0x05, 0x10 };
	struct ld_insn in;

	ld_disasm_one(d, LD_FLAVOR_ATT, call, sizeof call, 0x2000, &in);
	ok(in.has_target && in.target == 0x2000 && in.is_call, "call target 0x2000");
	ld_disasm_one(d, LD_FLAVOR_ATT, lea, sizeof lea, 0x2000, &in);
	ok(in.has_ref && in.ref == 0x2017 && !in.has_target, "rip-relative ref 0x2017");
	ok(ld_disasm_one(d, LD_FLAVOR_ATT, cut, sizeof cut, 0x2000, &in) == 1 && in.bad &&
	   !strcmp(in.mnemonic, "(bad)"), "cut off at len: (bad), 1 byte");
	ok(ld_insn_decode(cut, sizeof cut, &in) == 0 && in.bad, "ld_insn_decode: cut off: 0");
	ok(ld_insn_decode(lea, sizeof lea, &in) == 7 && in.kind == LD_INSN_OTHER &&
	   in.op[1].base == LD_GPR_RIP, "ld_insn_decode: lea, rip base");
}

/* The decoder is given exactly len bytes in a buffer that ends there:
 * under ASan a read past it would be reported. */
static void no_overread(struct ld_disasm *d)
{
	static const uint8_t full[] = { 0x48, 0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00 };
	bool all = true;

	for (size_t n = 1; n <= sizeof full; n++) {
		uint8_t *b = malloc(n);
		struct ld_insn in;
		size_t got;

		memcpy(b, full, n);
		got = ld_disasm_one(d, LD_FLAVOR_ATT, b, n, 0, &in);
		all = all && (n < sizeof full ? in.bad && got == 1 : got == n);
		free(b);
	}
	ok(all, "a prefix of an instruction is (bad), the whole one decodes");
}

int main(void)
{
	struct ld_disasm *d = ld_disasm_new();

	if (!ok(d != NULL, "decoder opens"))
		return tap_done();
	forms(d);
	facts(d);
	no_overread(d);
	ld_disasm_free(d);
	return tap_done();
}
