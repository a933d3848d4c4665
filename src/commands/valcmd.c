/* Values: print, output, ptype, whatis, info locals, info args. */
#include <ctype.h>
#include <errno.h>
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/args.h"
#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/error.h"
#include "layoutdbg/output.h"
#include "layoutdbg/regtable.h"
#include "layoutdbg/valcmd.h"
#include "layoutdbg/valeval.h"
#include "layoutdbg/valshow.h"

/* The selected frame of the selected thread. */
static int frame_ctx(struct ld_session *s, const char *what,
		     struct ld_evalctx *c)
{
	if (ld_eval_frame(c, s, s->live.cur_tid, s->live.frame)) {
		ld_eval_release(c);
		return ld_error("%s: %s", what, c->err);
	}
	return 0;
}

/* /FMT after a command: the letter (0: none). */
static int format_letter(const char *what, char **args, char *fmt)
{
	char *p = *args;

	*fmt = 0;
	if (*p != '/')
		return 0;
	p++;
	while (*p && !isspace((unsigned char)*p)) {
		if (!strchr("xduotcasz", *p))
			return ld_error("%s: undefined output format \"%c\"", what, *p);
		*fmt = *p++;
	}
	*args = ld_skip_ws(p);
	return 0;
}

/* Evaluate the expression src in the selected frame. */
static int evaluate(struct ld_session *s, const char *what, const char *src,
		    struct ld_evalctx *c, struct ld_val *v)
{
	struct ld_cx *e;
	int r;

	if (frame_ctx(s, what, c))
		return -1;
	if (!(e = ld_eval_parse(c, src))) {
		ld_eval_release(c);
		return ld_error("%s: %s", what, c->err);
	}
	r = ld_eval(c, e, v);
	ld_cx_free(e);
	if (r) {
		ld_eval_release(c);
		return ld_error("%s: %s", what, c->err);
	}
	return 0;
}

/* The '=' of an assignment at the top of src (not ==, !=, <=, >=, and
 * not inside brackets, quotes or a character constant), or NULL. */
static char *assignment_eq(char *src)
{
	int depth = 0;
	char q = 0;

	for (char *p = src; *p; p++) {
		if (q) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (strchr("([{", *p)) {
			depth++;
		} else if (strchr(")]}", *p)) {
			depth--;
		} else if (*p == '=' && !depth && p[1] != '=' && p > src &&
			   !strchr("=!<>", p[-1])) {
			return p;
		}
	}
	return NULL;
}

/* LVAL = EXPR (src, its '=' at eq) in the selected frame: the program's
 * memory written, the value as written in *v (c set up). */
static int assign(struct ld_session *s, const char *what, char *src, char *eq,
		  struct ld_evalctx *c, struct ld_val *v)
{
	struct ld_val lv, rv;
	struct ld_cx *e;
	int r;

	*eq = 0;
	ld_trim_end(src);
	if (!*ld_skip_ws(src) || !*ld_skip_ws(eq + 1))
		return ld_error("%s: an assignment is LVALUE = EXPRESSION", what);
	if (evaluate(s, what, src, c, &lv))
		return -1;
	if (!(e = ld_eval_parse(c, ld_skip_ws(eq + 1)))) {
		ld_val_release(&lv);
		ld_eval_release(c);
		return ld_error("%s: %s", what, c->err);
	}
	r = ld_eval(c, e, &rv);
	ld_cx_free(e);
	if (r == 0) {
		r = ld_eval_assign(c, &lv, &rv, v);
		ld_val_release(&rv);
	}
	ld_val_release(&lv);
	if (r) {
		ld_eval_release(c);
		return ld_error("%s: %s", what, c->err);
	}
	return 0;
}

int ld_cmd_print(struct ld_session *s, char *args)
{
	struct ld_evalctx c;
	struct ld_val v;
	char fmt, *eq;
	int num;

	ld_trim_end(args);
	args = ld_skip_ws(args);
	if (format_letter("print", &args, &fmt))
		return -1;
	/* gdb's words for `print` and `print $` on an empty history */
	if (!s->live.history.n && (!*args || !strcmp(args, "$")))
		return ld_error("print: the history is empty");
	if (*args == '$' && (eq = assignment_eq(args))) {
		/* print $k = EXPR: set it, then show it */
		if (ld_cmd_set_var(s, args) < 0)
			return -1;
		*eq = 0;
		ld_trim_end(args);
		if (evaluate(s, "print", args, &c, &v))
			return -1;
	} else if ((eq = assignment_eq(args))) {
		if (assign(s, "print", args, eq, &c, &v))
			return -1;
	} else if (evaluate(s, "print", *args ? args : "$", &c, &v)) {
		return -1;
	}
	/* void values are recorded too, as gdb records them */
	if ((num = ld_history_add(&s->live.history, &v)) < 0) {
		ld_error("print: out of memory");
	} else {
		ld_show_value(&c, "print", num, &v, fmt);
	}
	ld_val_release(&v);
	ld_eval_release(&c);
	return num < 0 ? -1 : 0;
}

int ld_cmd_output(struct ld_session *s, char *args)
{
	struct ld_evalctx c;
	struct ld_val v;
	char fmt;

	ld_trim_end(args);
	args = ld_skip_ws(args);
	if (format_letter("output", &args, &fmt))
		return -1;
	if (!*args)
		return ld_error("output: an expression is needed");
	if (evaluate(s, "output", args, &c, &v))
		return -1;
	ld_show_value(&c, "output", 0, &v, fmt);
	ld_val_release(&v);
	ld_eval_release(&c);
	return 0;
}

/* TYPE or EXPR: a type if "sizeof (ARG)" parses as sizeof of a type. */
static int type_of(struct ld_session *s, const char *what, char *args,
		   struct ld_evalctx *c, struct ld_ty *t)
{
	char *src;
	struct ld_cx *e;
	struct ld_val v;

	ld_trim_end(args);
	args = ld_skip_ws(args);
	if (!*args)
		return ld_error("%s: an expression or a type is needed", what);
	if (frame_ctx(s, what, c))
		return -1;
	if (asprintf(&src, "sizeof (%s)", args) < 0)
		return ld_error("%s: out of memory", what);
	e = ld_eval_parse(c, src);
	free(src);
	if (e && !e->a) {
		int r = ld_eval_type(c, &e->type, t);

		c->whatis_type = true;
		ld_cx_free(e);
		if (r)
			ld_error("%s: %s", what, c->err);
		return r;
	}
	ld_cx_free(e);
	ld_eval_release(c);
	if (evaluate(s, what, args, c, &v))
		return -1;
	*t = v.ty;
	ld_val_release(&v);
	return 0;
}

int ld_cmd_ptype(struct ld_session *s, char *args)
{
	struct ld_evalctx c;
	struct ld_ty t;

	if (*args == '/')
		return ld_error("ptype: /FLAGS are not supported");
	if (type_of(s, "ptype", args, &c, &t)) {
		ld_eval_release(&c);
		return -1;
	}
	ld_show_type(&t, true);
	ld_eval_release(&c);
	return 0;
}

int ld_cmd_whatis(struct ld_session *s, char *args)
{
	struct ld_evalctx c;
	struct ld_ty t;

	Dwarf_Die d;

	if (type_of(s, "whatis", args, &c, &t)) {
		ld_eval_release(&c);
		return -1;
	}
	/* whatis TYPEDEF names what it stands for (one level) */
	if (c.err[0] == 0 && t.has_die && !t.ptr && !t.skip && c.whatis_type &&
	    dwarf_tag(&t.die) == DW_TAG_typedef && ld_dwt_target(&t.die, &d))
		t.die = d;
	ld_show_type(&t, false);
	ld_eval_release(&c);
	return 0;
}

/* Each variable (params: the parameters) of scope sc, in order. */
static int scope_vars(struct ld_evalctx *c, Dwarf_Die *sc, bool params,
		      void *list, int indent)
{
	Dwarf_Die d;
	int n = 0;

	if (dwarf_child(sc, &d) != 0)
		return 0;
	do {
		bool is_param;
		struct ld_val v;

		if (!ld_dw_is_var(&d, &is_param) || is_param != params)
			continue;
		/* printing a pointer may scan the objects again (pointsto):
		 * the frame's object is looked up anew for each variable */
		c->ob = ld_objs_at(&c->s->live.objs, c->pc);
		if (ld_eval_var(c, &d, c->ob, c->fn, &v))
			ld_show_var(c, dwarf_diename(&d), NULL, c->err, list, indent);
		else
			ld_show_var(c, dwarf_diename(&d), &v, NULL, list, indent);
		ld_val_release(&v);
		n++;
	} while (dwarf_siblingof(&d, &d) == 0);
	return n;
}

/* The locals (params: the arguments) of frame level, as info locals
 * shows them (indent: bt full's). */
static int frame_vars(struct ld_session *s, const char *what, bool params,
		      int level, int indent)
{
	struct ld_evalctx c;
	void *list;
	int n = 0;

	if (ld_eval_frame(&c, s, s->live.cur_tid, level)) {
		ld_eval_release(&c);
		return ld_error("%s: %s", what, c.err);
	}
	if (c.fn < 0) {
		ld_eval_release(&c);
		if (indent)
			return ld_show_vars_end(NULL, what, "No symbol table info "
						"available.", level, 0), 0;
		return ld_error("%s: no symbol table info available", what);
	}
	list = indent ? NULL : ld_show_vars_begin();
	if (params) {
		n = scope_vars(&c, &c.scopes[c.fn], true, list, indent);
	} else {
		for (int i = 0; i <= c.fn; i++)
			n += scope_vars(&c, &c.scopes[i], false, list, indent);
	}
	/* gdb's bt full prints these at the margin, not indented */
	ld_show_vars_end(list, what, n ? NULL : params ? "No arguments." :
			 "No locals.", level, 0);
	ld_eval_release(&c);
	return 0;
}

int ld_show_frame_locals(struct ld_session *s, int level)
{
	if (ld_json_on())
		return 0;
	return frame_vars(s, "backtrace full", false, level, 8);
}

int ld_cmd_info_locals(struct ld_session *s, char *args)
{
	(void)args;
	return frame_vars(s, "info locals", false, s->live.frame, 0);
}

int ld_cmd_info_args(struct ld_session *s, char *args)
{
	(void)args;
	return frame_vars(s, "info args", true, s->live.frame, 0);
}

/* What x's expression is: 2 C beyond the older syntax, 1 a lone name
 * (a variable's value when DWARF knows it, else the symbol's address), 0
 * NUMBER, $REG, [&]SYM[@LIB][+OFF] as before. */
static int x_kind(const char *expr)
{
	if (strpbrk(expr, "*[]()->!~|^/%<=? "))
		return 2;
	/* members and C++ names: the evaluator, else the objects' symbols
	   (a compiler's "f.part.0") */
	if (strchr(expr, '.') || strstr(expr, "::"))
		return 1;
	if (!isalpha((unsigned char)expr[0]) && expr[0] != '_')
		return 0;
	return !expr[strspn(expr, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_")];
}

/* The address x examines for value v (gdb's value_as_address). */
static int x_value_address(const char *what, const char *expr,
			   const struct ld_val *v, uint64_t *addr)
{
	enum ld_kind k = ld_ty_kind(&v->ty);

	if ((k == K_ARRAY || k == K_FUNC) && v->lval == LV_MEM)
		*addr = v->addr;
	else if (k == K_PTR || k == K_INT || k == K_CHAR || k == K_ENUM || k == K_BOOL)
		*addr = ld_val_uint(v);
	else
		return ld_error("%s: the value of `%s' is not an address", what, expr);
	return 0;
}

int ld_expr_address(struct ld_session *s, const char *what, const char *expr,
		    uint64_t *addr)
{
	struct ld_evalctx c;
	struct ld_val v;
	struct ld_cx *e = NULL;
	int kind = x_kind(expr), r;

	/* before `run`: the expression's value from the program file
	 * (link-time addresses), a number or $REG as it is */
	if (!s->live.proc)
		kind = kind || (expr[0] != '$' && !isdigit((unsigned char)expr[0])) ? 2 : 0;
	if (kind == 2) {
		if (evaluate(s, what, expr, &c, &v))
			return -1;
	} else if (kind == 1 && ld_eval_frame(&c, s, s->live.cur_tid, s->live.frame) == 0 &&
		   (e = ld_eval_parse(&c, expr)) && ld_eval(&c, e, &v) == 0) {
		ld_cx_free(e);
	} else {
		if (kind == 1) {
			ld_cx_free(e);
			ld_eval_release(&c);
		}
		return ld_eval_addr(s, what, expr, addr);
	}
	r = x_value_address(what, expr, &v, addr);
	ld_val_release(&v);
	ld_eval_release(&c);
	return r;
}

/* p past gdb's `var` or `variable` (and the blanks after), else p. */
static const char *past_var(const char *p)
{
	size_t n = strcspn(p, " \t$=");

	if ((n == 3 && !strncmp(p, "var", 3)) || (n == 8 && !strncmp(p, "variable", 8)))
		return p + n + strspn(p + n, " \t");
	return p;
}

/* `set $name = EXPR`, `set var[iable] $name = EXPR`: what set takes
 * instead of a setting's name. */
bool ld_is_assignment(const char *args)
{
	const char *p = args + strspn(args, " \t");

	return *p == '$' || past_var(p) != p;
}

/* gdb's assignment to a convenience variable, or with `var` to the
 * program's memory (`set var g_counter = 5`, `set var n->next->val = 3`). */
int ld_cmd_set_var(struct ld_session *s, char *args)
{
	const struct ld_reg_desc *reg;
	struct ld_evalctx c;
	struct ld_val v;
	char name[64], *p = ld_skip_ws(args), *eq;
	size_t n;
	int r;

	p += past_var(p) - p;
	if (*p != '$') {
		if (!(eq = assignment_eq(p)))
			return ld_error("set var: expected LVALUE = EXPRESSION");
		if (assign(s, "set var", p, eq, &c, &v))
			return -1;
		ld_val_release(&v);
		ld_eval_release(&c);
		return 0;
	}
	n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_");
	eq = ld_skip_ws(p + 1 + n);
	if (!n || n >= sizeof name || *eq != '=' || eq[1] == '=')
		return ld_error("set: expected $NAME = EXPRESSION");
	snprintf(name, sizeof name, "%.*s", (int)n, p + 1);
	if (isdigit((unsigned char)name[0]))
		return ld_error("set $%s: the value history cannot be set", name);
	ld_trim_end(eq + 1);
	if (!*ld_skip_ws(eq + 1))
		return ld_error("set $%s: an expression is needed", name);
	if (evaluate(s, "set", ld_skip_ws(eq + 1), &c, &v))
		return -1;
	if ((reg = ld_reg_by_name(name))) {
		/* gdb's set $rax = 5, set $pc = ADDRESS: the innermost frame's */
		uint64_t x;

		r = x_value_address("set", ld_skip_ws(eq + 1), &v, &x);
		if (r == 0 && ld_eval_assign_reg(&c, reg, x))
			r = ld_error("set $%s: %s", name, c.err);
		ld_val_release(&v);
		ld_eval_release(&c);
		return r;
	}
	r = ld_conv_set(&s->live.conv, name, &v);
	ld_val_release(&v);
	ld_eval_release(&c);
	return r ? ld_error("set $%s: %s", name, strerror(-r)) : 0;
}
