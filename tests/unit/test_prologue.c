/* ld_prologue_frame_setup: byte strings of real prologues, then gdb's own
 * answer for `break FUNC` on programs without debug information (where
 * gdb 13 places it by amd64_analyze_prologue alone), built here by gcc
 * and clang in several ways, against entry + ld_prologue_frame_setup of
 * the same bytes. */
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "layoutdbg/elf.h"
#include "layoutdbg/prologue.h"

#define B(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

static const struct {
	const char *what;
	const uint8_t *code;
	size_t len;
	size_t want;
} shapes[] = {
	/* gcc -O0: push %rbp; mov %rsp,%rbp; mov %edi,-0x14(%rbp) */
	{ "push; movq (89 e5)", B(0x55, 0x48, 0x89, 0xe5, 0x89, 0x7d, 0xec), 4 },
	{ "push; movq (8b ec)", B(0x55, 0x48, 0x8b, 0xec, 0x5d, 0xc3), 4 },
	/* -fcf-protection: endbr64 first */
	{ "endbr64; push; movq", B(0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5), 8 },
	{ "endbr64; push; movq (8b ec)",
	  B(0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x8b, 0xec), 8 },
	/* the stack allocation after the setup is the line table's business */
	{ "push; movq; sub $0x10,%rsp (imm8)",
	  B(0x55, 0x48, 0x89, 0xe5, 0x48, 0x83, 0xec, 0x10), 4 },
	{ "push; movq; sub $0x1010,%rsp (imm32)",
	  B(0x55, 0x48, 0x89, 0xe5, 0x48, 0x81, 0xec, 0x10, 0x10, 0, 0), 4 },
	{ "endbr64; push; movq; push %rbx",
	  B(0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5, 0x53), 8 },
	/* -fomit-frame-pointer and optimised code: no frame, the entry */
	{ "sub $0x18,%rsp", B(0x48, 0x83, 0xec, 0x18, 0x89, 0x7c, 0x24, 0x0c), 0 },
	{ "endbr64; sub $0x18,%rsp", B(0xf3, 0x0f, 0x1e, 0xfa, 0x48, 0x83, 0xec, 0x18), 0 },
	{ "lea 0x1(%rdi),%eax; ret", B(0x8d, 0x47, 0x01, 0xc3), 0 },
	{ "push %r12; push %rbp; push %rbx",
	  B(0x41, 0x54, 0x55, 0x53, 0x48, 0x89, 0xfb), 0 },
	{ "push %rbp; push %rbx (rbp as a plain register)",
	  B(0x55, 0x53, 0x48, 0x89, 0xfd), 0 },
	{ "endbr64; push %rbp; mov %rdi,%rbp (no frame)",
	  B(0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xfd), 0 },
	/* gdb takes movl %esp,%ebp only for x32 */
	{ "push; movl %esp,%ebp (89 e5)", B(0x55, 0x89, 0xe5, 0x5d, 0xc3), 0 },
	{ "push; movl %esp,%ebp (8b ec)", B(0x55, 0x8b, 0xec, 0x5d, 0xc3), 0 },
	{ "nop; push; movq", B(0x90, 0x55, 0x48, 0x89, 0xe5), 0 },
	/* stack realignment (amd64_analyze_stack_align) is not read */
	{ "lea 0x8(%rsp),%r10; and $-16,%rsp",
	  B(0x4c, 0x8d, 0x54, 0x24, 0x08, 0x48, 0x83, 0xe4, 0xf0), 0 },
};

/* Cut short: bytes past len are never read. */
static void test_short(void)
{
	static const uint8_t full[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5 };
	size_t n;

	for (n = 0; n < sizeof full; n++)
		ok(ld_prologue_frame_setup(full, n) == 0,
		   "endbr64; push; movq cut to %zu bytes: no frame", n);
	ok(ld_prologue_frame_setup(full + 4, 3) == 0,
	   "push; movq cut to 3 bytes: no frame");
	ok(ld_prologue_frame_setup(full + 4, 4) == 4, "push; movq in 4 bytes");
}

/* ---- against gdb ------------------------------------------------------ */

static const char c_src[] =
	"int g;\n"
	"__attribute__((noinline)) int leaf(int x) { return x + 1; }\n"
	"__attribute__((noinline)) int locals(int x)\n"
	"{ volatile char b[64]; b[0] = (char)x; return b[0] + g; }\n"
	"__attribute__((noinline)) int big(int x)\n"
	"{ volatile char b[8192]; b[0] = (char)x; return b[x & 1]; }\n"
	"__attribute__((noinline)) int calls(int x) { return leaf(x) * locals(x); }\n"
	"int movq2(void), pushonly(void), movl1(void), nopfirst(void);\n"
	"int main(void)\n"
	"{ return calls(g) + big(g) + movq2() + pushonly() + movl1() + nopfirst(); }\n";

/* Encodings compilers seldom emit. */
static const char asm_src[] =
	"\t.text\n"
	"\t.globl movq2, pushonly, movl1, nopfirst\n"
	"\t.type movq2,@function\n"
	"movq2:\tpush %rbp\n\t.byte 0x48,0x8b,0xec\n\tpop %rbp\n\tret\n"
	"\t.size movq2, .-movq2\n"
	"\t.type pushonly,@function\n"
	"pushonly:\tpush %rbp\n\tpush %rbx\n\tpop %rbx\n\tpop %rbp\n\tret\n"
	"\t.size pushonly, .-pushonly\n"
	"\t.type movl1,@function\n"
	"movl1:\tpush %rbp\n\t.byte 0x89,0xe5\n\tpop %rbp\n\tret\n"
	"\t.size movl1, .-movl1\n"
	"\t.type nopfirst,@function\n"
	"nopfirst:\tnop\n\tpush %rbp\n\tmov %rsp,%rbp\n\tpop %rbp\n\tret\n"
	"\t.size nopfirst, .-nopfirst\n"
	"\t.section .note.GNU-stack,\"\",@progbits\n";

static const char *const funcs[] = {
	"leaf", "locals", "big", "calls", "main",
	"movq2", "pushonly", "movl1", "nopfirst",
};
#define NFUNCS (sizeof funcs / sizeof funcs[0])

static char dir[] = "/tmp/ld-prologue-XXXXXX";

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static bool write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;
	bool good;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return false;
	good = fputs(text, f) >= 0;
	return fclose(f) == 0 && good;
}

/* gdb's addresses of `break FUNC` for every function, before running. */
static bool ask_gdb(const char *prog, uint64_t *addr)
{
	char cmd[4096], line[512];
	size_t used, i;
	unsigned n;
	uint64_t a;
	FILE *p;

	used = (size_t)snprintf(cmd, sizeof cmd, "gdb -nx -batch");
	for (i = 0; i < NFUNCS; i++)
		used += (size_t)snprintf(cmd + used, sizeof cmd - used,
					 " -ex 'break %s'", funcs[i]);
	snprintf(cmd + used, sizeof cmd - used, " %s 2>&1", prog);
	p = popen(cmd, "r");
	if (!p)
		return false;
	for (i = 0; i < NFUNCS; i++)
		addr[i] = 0;
	while (fgets(line, sizeof line, p))
		if (sscanf(line, "Breakpoint %u at 0x%" SCNx64, &n, &a) == 2 &&
		    n >= 1 && n <= NFUNCS)
			addr[n - 1] = a;
	return pclose(p) == 0;
}

/* The first bytes of function name in prog, as the file holds them. */
static bool code_of(struct ld_elf *e, const char *name, uint64_t *entry,
		    uint8_t *buf, size_t *len)
{
	const struct ld_symbol *sym = ld_elf_lookup_any(e, name);
	const struct ld_section *sec = sym ? ld_elf_section_at(e, sym->value) : NULL;
	int fd;
	ssize_t n;

	if (!sec || sec->type != SHT_PROGBITS)
		return false;
	fd = open(ld_elf_path(e), O_RDONLY);
	if (fd < 0)
		return false;
	n = pread(fd, buf, *len, (off_t)(sec->offset + sym->value - sec->addr));
	close(fd);
	*entry = sym->value;
	*len = n > 0 ? (size_t)n : 0;
	return n > 0;
}

static void compare(const char *what, const char *prog)
{
	uint64_t gdb[NFUNCS];
	struct ld_elf *e;
	char err[256];
	size_t i;

	if (!ok(ask_gdb(prog, gdb), "%s: gdb answers", what))
		return;
	if (!ok(ld_elf_open(prog, &e, err, sizeof err) == 0, "%s: opens (%s)",
		what, err))
		return;
	for (i = 0; i < NFUNCS; i++) {
		uint8_t code[8];
		size_t len = sizeof code;
		uint64_t entry = 0, ours;

		if (!code_of(e, funcs[i], &entry, code, &len)) {
			ok(false, "%s: %s: code found", what, funcs[i]);
			continue;
		}
		ours = entry + ld_prologue_frame_setup(code, len);
		if (!ok(ours == gdb[i], "%s: break %s as gdb", what, funcs[i]))
			diag("entry 0x%" PRIx64 ", ours 0x%" PRIx64 ", gdb 0x%" PRIx64,
			     entry, ours, gdb[i]);
	}
	ld_elf_free(e);
}

static void test_against_gdb(void)
{
	static const struct { const char *cc, *flags, *what; } v[] = {
		{ "gcc", "-O0 -fno-omit-frame-pointer", "gcc -O0" },
		{ "gcc", "-O0 -fcf-protection=full", "gcc -O0 endbr64" },
		{ "gcc", "-O0 -fomit-frame-pointer", "gcc -fomit-frame-pointer" },
		{ "gcc", "-O2", "gcc -O2" },
		{ "gcc", "-O2 -fno-omit-frame-pointer -fcf-protection=full",
		  "gcc -O2 frame pointer endbr64" },
		{ "clang", "-O0", "clang -O0" },
		{ "clang", "-O2 -fcf-protection=full", "clang -O2 endbr64" },
	};
	char cmd[1024], prog[512];
	size_t i;

	if (!have("gdb")) {
		skip("gdb not installed", "break FUNC as gdb");
		return;
	}
	if (!mkdtemp(dir) || !write_file("p.c", c_src) ||
	    !write_file("f.s", asm_src)) {
		ok(false, "a temporary directory with the sources");
		return;
	}
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (!have(v[i].cc)) {
			skip("compiler not installed", "%s", v[i].what);
			continue;
		}
		snprintf(prog, sizeof prog, "%s/p%zu", dir, i);
		/* -g0: without a line table gdb reads the prologue alone */
		snprintf(cmd, sizeof cmd, "%s -g0 %s -o %s %s/p.c %s/f.s",
			 v[i].cc, v[i].flags, prog, dir, dir);
		if (ok(system(cmd) == 0, "%s: builds", v[i].what))
			compare(v[i].what, prog);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		size_t got = ld_prologue_frame_setup(shapes[i].code, shapes[i].len);

		if (!ok(got == shapes[i].want, "%s: %zu", shapes[i].what,
			shapes[i].want))
			diag("got %zu", got);
	}
	test_short();
	test_against_gdb();
	return tap_done();
}
