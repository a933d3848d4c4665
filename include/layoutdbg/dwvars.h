/* Variables from DWARF (libdw): the scopes at a pc (function, lexical
 * blocks), locals and parameters, file statics and globals by name, and
 * DWARF location expressions evaluated through the caller's registers
 * and memory.  No ptrace: the caller's callbacks read the tracee.
 * Addresses here are link-time; the caller gives the load bias. */
#ifndef LAYOUTDBG_DWVARS_H
#define LAYOUTDBG_DWVARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

/* The scopes holding link-time pc, innermost first, the unit last (what
 * dwarf_getscopes gives, from malloc: free it).  The count (0: none). */
int ld_dw_scopes(Dwarf *dw, uint64_t pc, Dwarf_Die **scopes);

/* The innermost function (DW_TAG_subprogram) of scopes, or -1. */
int ld_dw_function(Dwarf_Die *scopes, int n);

/* Is d a variable or a parameter with a name? */
bool ld_dw_is_var(Dwarf_Die *d, bool *is_param);

/* The variable called name visible from scopes (innermost first, then
 * the unit's statics and globals): true with *out and in *scope_of the
 * index of the scope holding it. */
bool ld_dw_lookup_scoped(Dwarf_Die *scopes, int n, const char *name,
			 Dwarf_Die *out, int *scope_of);

/* A global or file static called name defined in any unit of dw (a
 * definition, not a declaration): true and *out.  A C++ variable of a
 * namespace or class (ns::origin) is found by its bare name only from
 * within that scope, as gdb finds it: within is the qualifier of the
 * function asking ("ns::Class" for ns::Class::method), NULL or "" for
 * the global scope. */
bool ld_dw_lookup_global(Dwarf *dw, const char *name, const char *within,
			 Dwarf_Die *out);
/* The qualifier of C++ function fn ("ns::Class" for ns::Class::method)
 * in buf; "" for a C function, one at the global scope, or NULL. */
void ld_dw_qualifier(Dwarf_Die *fn, char *buf, size_t len);

/* How a location expression reads the tracee. */
struct ld_dwctx {
	uint64_t pc;            /* link-time pc, for location lists */
	uint64_t bias;          /* runtime - link-time address */
	uint64_t cfa;           /* the frame's canonical frame address, 0:
				   unknown */
	/* A register by DWARF number: 0, or -1 when the frame does not
	 * know it. */
	int (*reg)(void *arg, int dwreg, uint64_t *val);
	int (*mem)(void *arg, uint64_t addr, void *buf, size_t len);
	/* The runtime address of offset in this module's TLS block of the
	 * current thread: 0 or -1. */
	int (*tls)(void *arg, uint64_t off, uint64_t *addr);
	/* DW_OP_entry_value: register dwreg's value on entry to the
	 * function, 0; -1 when not known (<optimized out>).  NULL: never. */
	int (*entry)(void *arg, int dwreg, uint64_t *val);
	void *arg;
};

enum ld_dwloc_kind {
	LD_LOC_MEM,       /* at addr (runtime) */
	LD_LOC_REG,       /* in register reg (DWARF number) */
	LD_LOC_VALUE,     /* value is val (DW_OP_stack_value) */
	LD_LOC_IMPLICIT,  /* the bytes at data (DW_OP_implicit_value) */
	LD_LOC_OPTOUT,    /* <optimized out> */
	LD_LOC_PIECES,    /* assembled from piece[0..npieces) (DW_OP_piece) */
};

/* One piece of a value: where its size bytes are (kind LD_LOC_OPTOUT:
 * nowhere, the piece was empty). */
struct ld_dwpart {
	enum ld_dwloc_kind kind;
	uint64_t addr, val;
	int reg;
	const uint8_t *data;
	size_t len;
	uint64_t size;
};

#define LD_DW_PIECES 16

struct ld_dwloc {
	enum ld_dwloc_kind kind;
	uint64_t addr, val;
	int reg;
	const uint8_t *data;
	size_t len;
	unsigned npieces;
	struct ld_dwpart piece[LD_DW_PIECES];
};

/* Where variable var is, at c->pc in function fn (for DW_AT_frame_base;
 * NULL for a global).  0, or -1 with the reason in err ("unsupported
 * DWARF operation 0x.."). */
int ld_dw_location(const struct ld_dwctx *c, Dwarf_Die *var, Dwarf_Die *fn,
		   struct ld_dwloc *out, char *err, size_t errlen);

/* The register (DWARF number) that attribute at of die (a location,
 * DW_AT_location) names at link-time pc, when it is a lone DW_OP_regN or
 * DW_OP_regx; else -1. */
int ld_dw_reg_of(Dwarf_Die *die, unsigned at, uint64_t pc);
/* Evaluate the DWARF expression in attribute at of die (a call site's
 * DW_AT_call_value or DW_AT_call_target, GCC's DW_AT_GNU_call_site_*
 * form too) as a location in c (fn: the function for DW_OP_fbreg): 0,
 * 1 when die has no such attribute, or -1 with err. */
int ld_dw_eval_attr(const struct ld_dwctx *c, Dwarf_Die *die, unsigned at,
		    Dwarf_Die *fn, struct ld_dwloc *out, char *err, size_t errlen);

/* The bit offset from the start of the member's storage and width of a
 * bitfield member (DW_AT_data_bit_offset or the DWARF 2 DW_AT_bit_offset
 * form), and its byte offset: false when m is no bitfield. */
bool ld_dw_bitfield(Dwarf_Die *m, unsigned *bitpos, unsigned *bitsize);

/* A member's byte offset in its struct (0 for a union member). */
uint64_t ld_dw_member_offset(Dwarf_Die *m);

/* "DW_OP_fbreg" for its code; NULL unknown. */
const char *ld_dw_op_name(unsigned atom);

#endif
