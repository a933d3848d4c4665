/* Internals of the evaluator shared by valeval.c (frames, names,
 * registers, history) and valexpr.c (operators).  Callers use
 * layoutdbg/valeval.h. */
#ifndef LD_VALEVAL_INT_H
#define LD_VALEVAL_INT_H

#include "layoutdbg/output.h"
#include "layoutdbg/valeval.h"

/* The reason into c->err; returns -1. */
int ld_eval_fail(struct ld_evalctx *c, const char *fmt, ...) LD_PRINTF(2, 3);
/* A value of type t read at addr (lval memory). */
int ld_eval_at(struct ld_evalctx *c, const struct ld_ty *t, uint64_t addr,
	       struct ld_val *out);
int ld_eval_name(struct ld_evalctx *c, const char *name, struct ld_val *out);
int ld_eval_reg(struct ld_evalctx *c, const char *name, struct ld_val *out);
int ld_eval_history(struct ld_evalctx *c, const struct ld_cx *e,
		    struct ld_val *out);

#endif
