/* x86-64 instruction decoding through Capstone, with the text in the form
 * GNU objdump and gdb print (AT&T or Intel flavour), so a listing reads
 * like gdb's.  A pure decoder: no ptrace, no ELF; the engine feeds it the
 * bytes it read (int3s hidden) and names the addresses it reports. */
#ifndef LAYOUTDBG_DISASM_H
#define LAYOUTDBG_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ld_flavor { LD_FLAVOR_ATT, LD_FLAVOR_INTEL };

/* The longest x86 instruction. */
#define LD_INSN_MAX 15

struct ld_insn {
	uint64_t addr;
	size_t len;                  /* 1 for an undecodable byte */
	uint8_t bytes[LD_INSN_MAX];
	bool bad;                    /* not an instruction: "(bad)" */
	char mnemonic[40];           /* with its prefixes: "rep stos", "cs nopw" */
	char operands[192];          /* without symbols; "" when none */
	bool has_target;             /* a direct jump or call: where it goes */
	uint64_t target;
	bool has_ref;                /* a rip-relative memory operand: the */
	uint64_t ref;                /* address it reaches */
	bool is_call, is_jump, is_ret;
	/* the operand facts the prologue and emulator readers ask for */
	unsigned id;                 /* Capstone's X86_INS_* */
	unsigned nops;
	struct ld_insn_op {
		enum { LD_OP_REG = 1, LD_OP_IMM, LD_OP_MEM } type;
		unsigned size;       /* bytes */
		unsigned reg;        /* X86_REG_* (REG) */
		int64_t imm;
		unsigned seg, base, index, scale;  /* X86_REG_* (MEM) */
		int64_t disp;
	} op[4];                     /* Intel order: destination first */
};

struct ld_disasm;  /* opaque: one Capstone handle per flavour */

/* A decoder; NULL when Capstone cannot be opened (out of memory). */
struct ld_disasm *ld_disasm_new(void);
void ld_disasm_free(struct ld_disasm *d);  /* NULL is fine */

/* Decode the instruction at code[0..len), which sits at address addr, in
 * flavour f.  Bytes past len are never read.  Returns its length; a byte
 * that starts no valid instruction (or one cut off at len) gives 1 and
 * out->bad, like gdb's "(bad)". */
size_t ld_disasm_one(struct ld_disasm *d, enum ld_flavor f, const uint8_t *code,
		     size_t len, uint64_t addr, struct ld_insn *out);

/* The length of the instruction at code[0..len), 0 when it is not a valid
 * one (or is cut off at len). */
size_t ld_insn_length(const uint8_t *code, size_t len);

/* Capstone's version, "4.0" (for --version and the bench). */
const char *ld_disasm_version(char *buf, size_t len);

#endif
