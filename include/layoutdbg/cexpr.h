/* A C-subset expression parser: a lexer and a precedence parser giving a
 * syntax tree.  No session, no DWARF: a caller's callback answers whether
 * a lone name in parentheses names a type ("(node_t *) p").  Errors are
 * one line naming the failing part ("syntax error near `)'"). */
#ifndef LAYOUTDBG_CEXPR_H
#define LAYOUTDBG_CEXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ld_cx_kind {
	CX_NUM,       /* num (is_unsigned, is_long as the suffix says) */
	CX_CHAR,      /* 'a': num, of type char */
	CX_FLOAT,     /* 1.5, 2e3: fnum, a double (1.5f: is_float) */
	CX_STRING,    /* "abc": name holds the bytes */
	CX_NAME,      /* name */
	CX_REG,       /* $name: name without the '$' */
	CX_HIST,      /* $ ($: hist 0, rel), $N (absolute), $$N (rel) */
	CX_UNARY,     /* op a: '-', '+', '!', '~', '*', '&' */
	CX_BINARY,    /* a op b (op: a CX_OP_ value or a character) */
	CX_COND,      /* a ? b : c */
	CX_CAST,      /* (type) a */
	CX_SIZEOF,    /* sizeof a, or sizeof (type) when a is NULL */
	CX_MEMBER,    /* a.name */
	CX_ARROW,     /* a->name */
	CX_INDEX,     /* a[b] */
};

/* Two-character operators (single ones are their own character). */
enum {
	CX_OP_SHL = 256, CX_OP_SHR, CX_OP_LE, CX_OP_GE, CX_OP_EQ, CX_OP_NE,
	CX_OP_AND, CX_OP_OR,
	CX_OP_DOTSTAR, CX_OP_ARROWSTAR,     /* C++'s .* and ->* */
};

/* A type as written in a cast or sizeof: its base words ("struct node",
 * "unsigned int", "node_t"), the pointer stars after it and an array
 * bound ("char [4]"; 0: none). */
struct ld_cx_type {
	char *base;
	unsigned ptr;
	unsigned long array;
};

struct ld_cx {
	enum ld_cx_kind kind;
	int op;
	uint64_t num;
	bool is_unsigned, is_long, is_float;
	double fnum;
	bool hist_rel;       /* CX_HIST: $ / $$N count back from the last */
	long hist;
	char *name;
	size_t len;          /* CX_STRING: bytes in name */
	struct ld_cx_type type;
	struct ld_cx *a, *b, *c;
	size_t pos;          /* where it starts in the source */
};

/* Does name (a lone identifier in parentheses) name a type? */
typedef bool (*ld_cx_istype_fn)(void *arg, const char *name);

/* Parse src.  Returns the tree (ld_cx_free), or NULL with the reason in
 * err.  istype may be NULL (then only keywords start a type). */
struct ld_cx *ld_cx_parse(const char *src, ld_cx_istype_fn istype, void *arg,
			  char *err, size_t errlen);
void ld_cx_free(struct ld_cx *e);   /* NULL is fine */

/* The operator's spelling ("<<", "+"). */
const char *ld_cx_op_name(int op);

#endif
