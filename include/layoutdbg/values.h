/* Values and their types: what an expression evaluates to.  A type is a
 * DWARF type DIE (of one object) or one of C's own types, with pointer
 * levels on top; a value holds its bytes and where they came from.  Pure
 * data and arithmetic: reading the tracee is the evaluator's (valeval.h). */
#ifndef LAYOUTDBG_VALUES_H
#define LAYOUTDBG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

/* C's own types (casts, literals, arithmetic, registers). */
enum ld_synth {
	SY_NONE,        /* the DIE says (no DIE: void) */
	SY_VOID, SY_BOOL, SY_CHAR, SY_SCHAR, SY_UCHAR, SY_SHORT, SY_USHORT,
	SY_INT, SY_UINT, SY_LONG, SY_ULONG, SY_LLONG, SY_ULLONG,
	SY_FLOAT, SY_DOUBLE,
	SY_CODE,        /* void (), what $pc points to */
	SY_I8, SY_I16, SY_I32, SY_I64, /* gdb's int8_t .. int64_t: x's $_, $__ */
};

struct ld_ty {
	Dwarf_Die die;
	bool has_die;
	enum ld_synth synth;
	unsigned ptr;       /* pointer levels on top of die / synth */
	unsigned skip;      /* array dimensions of die already indexed */
	uint64_t rep;       /* gdb's artificial array (x@N): N of the type
			       this is with rep 0; 0: none */
	uint64_t bias;      /* load bias of die's object */
};

enum ld_kind {
	K_VOID, K_INT, K_BOOL, K_CHAR, K_FLOAT, K_ENUM, K_PTR, K_REF, K_ARRAY,
	K_STRUCT, K_UNION, K_FUNC,
};

enum ld_kind ld_ty_kind(const struct ld_ty *t);
bool ld_ty_signed(const struct ld_ty *t);
uint64_t ld_ty_size(const struct ld_ty *t);
/* What a pointer points to / an array holds / a reference refers to;
 * false for other kinds. */
bool ld_ty_target(const struct ld_ty *t, struct ld_ty *out);
/* Elements in an array's first (remaining) dimension; 0 unknown. */
uint64_t ld_ty_count(const struct ld_ty *t);
/* A pointer to t. */
struct ld_ty ld_ty_pointer(const struct ld_ty *t);
struct ld_ty ld_ty_synth(enum ld_synth s);
struct ld_ty ld_ty_die(Dwarf_Die *d, uint64_t bias);   /* NULL: void */
/* The DIE with typedefs and qualifiers peeled (has_die false: none). */
bool ld_ty_peeled(const struct ld_ty *t, Dwarf_Die *out);
/* Spelled as C (decl in the declarator's place, "" for none). */
char *ld_ty_name(const struct ld_ty *t, const char *decl, char *buf,
		 size_t len);
/* A C type name made of base words ("unsigned long", "char"): the synth
 * type, or SY_NONE. */
enum ld_synth ld_synth_by_words(const char *words);

enum ld_lval { LV_NONE, LV_MEM, LV_REG };

struct ld_val {
	struct ld_ty ty;
	enum ld_lval lval;
	uint64_t addr;          /* LV_MEM: where */
	int reg;                /* LV_REG: DWARF number */
	bool optout;            /* <optimized out> */
	bool bitfield;
	unsigned bitpos, bitsize; /* within bytes (little endian) */
	uint8_t *bytes;         /* the contents (malloc), len bytes */
	size_t len;
	bool unavailable;       /* too big: contents not read */
	uint8_t *optmask;       /* len flags, 1: that byte is optimized out
				   (an empty DW_OP_piece); NULL: none */
};

void ld_val_release(struct ld_val *v);   /* then empty */
/* Bytes [off, off + len) of v are optimized out: 0 or -ENOMEM. */
int ld_val_mark_optout(struct ld_val *v, size_t off, size_t len);
/* Part of from ([off, off + len)) became out (of out->len bytes): out
 * takes the flags of those bytes; a scalar with any byte optimized out,
 * or a value with all of them, is then <optimized out> as a whole, as gdb
 * prints it.  0 or -ENOMEM. */
int ld_val_sub_mask(struct ld_val *out, const struct ld_val *from, size_t off);
/* After v's mask was set: whole-value <optimized out> as above. */
void ld_val_settle(struct ld_val *v);
/* A copy (bytes duplicated): 0 or -ENOMEM. */
int ld_val_copy(struct ld_val *to, const struct ld_val *from);
/* A value of type t (bytes from src, len ld_ty_size). 0 / -ENOMEM. */
int ld_val_make(struct ld_val *v, const struct ld_ty *t, const void *src,
		size_t len);
/* Of an integer/pointer kind: the value, sign-extended as its type says
 * (bitfields too). */
int64_t ld_val_int(const struct ld_val *v);
uint64_t ld_val_uint(const struct ld_val *v);
double ld_val_double(const struct ld_val *v);
/* Is v true (non-zero) as a condition?  1, 0, or -1 with the reason in
 * err (not a scalar, optimized out). */
int ld_val_truth(const struct ld_val *v, char *err, size_t errlen);
/* A scalar of type t holding x (truncated to its size). */
int ld_val_scalar(struct ld_val *v, const struct ld_ty *t, uint64_t x);
int ld_val_float(struct ld_val *v, const struct ld_ty *t, double x);

/* The value history ($1, $2, ...): kept by the session (live.history). */
struct ld_history {
	struct ld_val *v;
	size_t n, cap;
};
void ld_history_release(struct ld_history *h);
/* A value whose type is of another DWARF than keep's (NULL: any DWARF)
 * becomes void, its number kept: its objects are gone (the process
 * ended), the program file's stay. */
void ld_history_forget_foreign(struct ld_history *h, const Dwarf *keep);
/* Is v's type one of keep's DIEs, or no DIE at all? */
bool ld_val_typed_by(const struct ld_val *v, const Dwarf *keep);
/* Record a copy of v: its number, or -1 (out of memory). */
int ld_history_add(struct ld_history *h, const struct ld_val *v);

#endif
