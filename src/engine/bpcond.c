/* Breakpoint conditions: parsed once, evaluated at each hit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/bpcond.h"
#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/error.h"
#include "layoutdbg/valeval.h"

struct cond {
	struct ld_cx *e;
	uint64_t pc;            /* the scopes below are of this pc */
	Dwarf *dw;              /* in this DWARF (of the object at pc) */
	Dwarf_Die *scopes;
	int nscopes, fn;
};

static void cond_free(void *state)
{
	struct cond *c = state;

	if (!c)
		return;
	ld_cx_free(c->e);
	free(c->scopes);
	free(c);
}

/* Typedef names of the program (the process may not run yet). */
static bool program_typedef(void *arg, const char *name)
{
	struct ld_session *s = arg;
	Dwarf *dw = ld_lines_dwarf(ld_session_exe_lines(s));

	return dw && ld_dwt_is_typedef(dw, name);
}

int ld_bp_set_condition(struct ld_session *s, struct ld_bp *bp,
			const char *expr, char *err, size_t errlen)
{
	struct cond *c;
	char *text;

	while (expr && (*expr == ' ' || *expr == '\t'))
		expr++;
	if (!expr || !*expr) {
		free(bp->cond);
		if (bp->cond_free)
			bp->cond_free(bp->cond_state);
		bp->cond = NULL;
		bp->cond_state = NULL;
		bp->cond_free = NULL;
		return 0;
	}
	if (!(c = calloc(1, sizeof *c)) || !(text = strdup(expr))) {
		free(c);
		return ld_fail(err, errlen, "out of memory");
	}
	if (!(c->e = ld_cx_parse(expr, program_typedef, s, err, errlen))) {
		free(text);
		free(c);
		return -1;
	}
	ld_bp_set_condition(s, bp, NULL, NULL, 0);
	bp->cond = text;
	bp->cond_state = c;
	bp->cond_free = cond_free;
	return 0;
}

/* The evaluation context of thread tid's frame 0, its scopes from the
 * cache when the pc is the one seen last. */
static int frame0(struct ld_session *s, struct cond *c, pid_t tid,
		  struct ld_evalctx *x)
{
	struct ld_obj *ob;

	if (ld_eval_frame_lazy(x, s, tid, c->pc))
		return -1;
	/* the objects may have been scanned again since (their list is new
	 * memory; a library's DWARF goes with its unloading): look again */
	ob = ld_objs_at(&s->live.objs, x->pc);
	if (x->pc != c->pc || !c->dw || !ob ||
	    ld_lines_dwarf(ld_obj_lines(ob)) != c->dw) {
		ld_eval_find_scopes(x);
		free(c->scopes);
		c->pc = x->pc;
		c->dw = x->dw;
		c->scopes = x->scopes;
		c->nscopes = x->nscopes;
		c->fn = x->fn;
		x->own_scopes = false;
		return 0;
	}
	x->ob = ob;
	x->dw = c->dw;
	x->scopes = c->scopes;
	x->nscopes = c->nscopes;
	x->fn = c->fn;
	x->own_scopes = false;
	return 0;
}

int ld_bp_test_condition(struct ld_session *s, struct ld_bp *bp, pid_t tid,
			 char *err, size_t errlen)
{
	struct cond *c = bp->cond_state;
	struct ld_evalctx x;
	struct ld_val v;
	int r = -1;

	if (!c)
		return 1;
	if (frame0(s, c, tid, &x) == 0 && ld_eval(&x, c->e, &v) == 0) {
		r = ld_val_truth(&v, x.err, sizeof x.err);
		ld_val_release(&v);
	}
	if (r < 0)
		snprintf(err, errlen, "%s", x.err);
	ld_eval_release(&x);
	return r;
}
