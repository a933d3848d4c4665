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

/* The few kinds of instruction code outside disasm.c tells apart. */
enum ld_insn_kind {
	LD_INSN_OTHER,
	LD_INSN_ENDBR64,
	LD_INSN_NOP,             /* any form: none reads or writes anything */
	LD_INSN_PUSH,
	LD_INSN_MOV,             /* mov proper (88/89/8a/8b/c6/c7, b0-bf) */
};

enum ld_op_type { LD_OP_NONE, LD_OP_REG, LD_OP_IMM, LD_OP_MEM };

/* General-purpose registers by their encoding number (rax 0 ... r15 15),
 * whatever the width the operand's size says; rip as a base. */
#define LD_GPR_RSP 4
#define LD_GPR_RBP 5
#define LD_GPR_RIP 16

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
	/* what the prologue reader and the emulator ask (Capstone's own
	 * numbers stay inside disasm.c) */
	enum ld_insn_kind kind;
	unsigned nops;
	struct ld_insn_op {
		enum ld_op_type type;
		unsigned size;       /* bytes */
		int reg;             /* REG: LD_GPR_*, else -1 (xmm, segment...) */
		int64_t imm;
		int base, index;     /* MEM: LD_GPR_*, LD_GPR_RIP or -1 */
		unsigned scale;
		bool seg;            /* MEM: a segment override (%fs:...) */
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

/* Decode the instruction at code[0..len) without its text, through one
 * decoder kept for the process (the callers are not threaded): kind,
 * length and operands.  Returns its length, 0 when it is not a valid
 * instruction or is cut off at len (out->bad).  For the hot paths
 * (stepping off a breakpoint by emulation). */
size_t ld_insn_decode(const uint8_t *code, size_t len, struct ld_insn *out);

/* Capstone's version, "4.0" (for --version and the bench). */
const char *ld_disasm_version(char *buf, size_t len);

#endif
