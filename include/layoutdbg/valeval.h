/* Evaluating expressions (cexpr.h) in a frame of the stopped tracee:
 * names through DWARF (locals and parameters of the frame's scopes, file
 * statics, globals of every loaded object), registers, the value history.
 * No calls into the tracee; writes only by ld_eval_assign (valassign.c). */
#ifndef LAYOUTDBG_VALEVAL_H
#define LAYOUTDBG_VALEVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layoutdbg/cexpr.h"
#include "layoutdbg/session.h"
#include "layoutdbg/values.h"

/* The registers of outer frames found so far, for a caller evaluating in
 * frame after frame of one stop (a backtrace's arguments): without it
 * each outer frame's register walks every frame inside it.  It keeps the
 * scopes of the last pc too: a recursion's frames share them.  Zeroed by
 * its owner, released by ld_regmemo_release; valid for one thread and
 * stop (it resets itself). */
#define LD_MEMO_REGS 17         /* DWARF rax .. r15, rip */
struct ld_regmemo {
	pid_t tid;
	unsigned gen;
	int level[LD_MEMO_REGS][2];    /* two levels each; 0: not known */
	uint64_t val[LD_MEMO_REGS][2];
	Dwarf *sc_dw;                  /* the scopes of sc_pc in sc_dw */
	uint64_t sc_pc;
	Dwarf_Die *sc;
	int nsc;
};

void ld_regmemo_release(struct ld_regmemo *m);

/* Where an expression is evaluated: one frame of one thread.  Set up by
 * ld_eval_frame, released by ld_eval_release. */
struct ld_evalctx {
	struct ld_session *s;
	pid_t tid;
	int frame;
	uint64_t pc;          /* runtime; of frames > 0 the call's address */
	uint64_t cfa, sp, rbp;
	ld_regs regs;
	bool regs_ok;
	struct ld_obj *ob;    /* the object holding pc (NULL: none) */
	Dwarf *dw;            /* its DWARF (NULL: none) */
	Dwarf_Die *scopes;    /* innermost first, the unit last */
	int nscopes, fn;      /* fn: index of the function, -1 none */
	bool own_scopes;      /* scopes are ours to free */
	bool cfa_tried;       /* frame 0: the unwind for cfa was done */
	bool whatis_type;     /* whatis/ptype: the argument was a type */
	int entry_depth;      /* entry values resolved through callers */
	struct ld_regmemo *memo;  /* NULL: none */
	char err[256];        /* why the last call failed */
};

/* The selected thread's frame `frame` (0: innermost).  0, or -1 with the
 * reason in c->err.  Before `run` (no process, a program file): no frame,
 * the file's globals and types, its bytes as memory. */
int ld_eval_frame(struct ld_evalctx *c, struct ld_session *s, pid_t tid,
		  int frame);
/* The same with a memo (NULL: none) of outer frames' registers. */
int ld_eval_frame_memo(struct ld_evalctx *c, struct ld_session *s, pid_t tid,
		       int frame, struct ld_regmemo *memo);
void ld_eval_release(struct ld_evalctx *c);
/* Frame 0 of thread tid without its scopes and without an unwind (the
 * frame address is found when a variable needs it): what a breakpoint
 * condition needs at each hit; hint is unused.  Then ld_eval_find_scopes
 * (or the caller's cached scopes, own_scopes false). */
int ld_eval_frame_lazy(struct ld_evalctx *c, struct ld_session *s, pid_t tid,
		       uint64_t hint);
void ld_eval_find_scopes(struct ld_evalctx *c);

/* len bytes of the tracee at addr, or before `run` of the program file
 * at link-time addr (ld_elf_read_at): 0 or -1, quietly. */
int ld_eval_mem(struct ld_evalctx *c, uint64_t addr, void *buf, size_t len);

/* Parse src with the frame's typedef names known.  NULL and c->err. */
struct ld_cx *ld_eval_parse(struct ld_evalctx *c, const char *src);

/* Evaluate e into *out (release it).  0, or -1 with c->err. */
int ld_eval(struct ld_evalctx *c, const struct ld_cx *e, struct ld_val *out);

/* The value of variable DIE var of the frame's scopes (fn: its function's
 * index in c->scopes, -1 for a global) in object ob. */
int ld_eval_var(struct ld_evalctx *c, Dwarf_Die *var, struct ld_obj *ob,
		int fn, struct ld_val *out);

/* The DWARF entity called name as an expression sees it (the frame's
 * scopes, its unit's statics, then every object's globals, then
 * functions): LD_FOUND_VAR or LD_FOUND_FUNC with its DIE, object and (a
 * local's) function index in c->scopes, or 0. */
enum { LD_FOUND_VAR = 1, LD_FOUND_FUNC = 2 };
/* Function fn (a DIE of an object loaded at bias) as a value: its code,
 * in memory.  0, or -1 (c->err) when it has no address. */
int ld_eval_function(struct ld_evalctx *c, Dwarf_Die *fn, uint64_t bias,
		     struct ld_val *out);
int ld_eval_lookup(struct ld_evalctx *c, const char *name, Dwarf_Die *out,
		   struct ld_obj **ob, int *fn);

/* Member m (a DW_TAG_member of v's struct, at byte off) of v. */
int ld_eval_member(struct ld_evalctx *c, const struct ld_val *v, Dwarf_Die *m,
		   uint64_t off, struct ld_val *out);

/* Element i of array a; the value a reference refers to. */
int ld_eval_element(struct ld_evalctx *c, const struct ld_val *a, uint64_t i,
		    struct ld_val *out);
int ld_eval_deref_ref(struct ld_evalctx *c, const struct ld_val *v,
		      struct ld_val *out);

/* v (arrays and functions in memory decayed) converted to type t, as a
 * cast does.  0 or -1 with c->err. */
int ld_eval_convert(struct ld_evalctx *c, struct ld_val *v,
		    const struct ld_ty *t, struct ld_val *out);

/* Write rv, converted to lv's type as a cast converts, where lv (a value
 * in memory) is: gdb's assignment.  Only writable memory is written
 * (never code: breakpoints keep their bytes).  The value written, an
 * lvalue at lv's place, in *out.  0 or -1 with c->err. */
int ld_eval_assign(struct ld_evalctx *c, const struct ld_val *lv,
		   struct ld_val *rv, struct ld_val *out);
/* Register d of the selected thread set to x, in frame 0 only (gdb's
 * `set $rax = 5`, `set $pc = ...`).  0 or -1 with c->err. */
struct ld_reg_desc;
int ld_eval_assign_reg(struct ld_evalctx *c, const struct ld_reg_desc *d,
		       uint64_t x);

/* The type written as t in a cast or sizeof.  0 or -1 with c->err. */
int ld_eval_type(struct ld_evalctx *c, const struct ld_cx_type *t,
		 struct ld_ty *out);

/* The value of the DWARF expression in attribute at of die (a call
 * site's DW_AT_call_value, DW_AT_call_target) in c's frame: 0, or -1
 * with c->err. */
int ld_eval_attr_value(struct ld_evalctx *c, Dwarf_Die *die, unsigned at,
		       uint64_t *val);
/* Register dwreg's value on entry to c's function, from its caller's call
 * site (entryval.c): 0, or -1 when it is not known. */
int ld_entry_reg(struct ld_evalctx *c, int dwreg, uint64_t *val);

/* Read len bytes of the tracee at addr (breakpoints hidden). */
int ld_eval_read(struct ld_evalctx *c, uint64_t addr, void *buf, size_t len);

#endif
