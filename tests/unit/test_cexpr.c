/* The expression parser: trees for gdb's common expressions (printed as
 * S-expressions), precedence, casts, history, and one-line errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "layoutdbg/cexpr.h"

static void dump(const struct ld_cx *e, char *buf, size_t len)
{
	size_t n = strlen(buf);
	char *p = buf + n;
	size_t room = len - n;

	switch (e->kind) {
	case CX_NUM: snprintf(p, room, "%llu%s", (unsigned long long)e->num,
			      e->is_unsigned ? "u" : ""); return;
	case CX_CHAR: snprintf(p, room, "'%c'", (char)e->num); return;
	case CX_FLOAT: snprintf(p, room, "%g%s", e->fnum, e->is_float ? "f" : ""); return;
	case CX_STRING: snprintf(p, room, "\"%s\"", e->name); return;
	case CX_NAME: snprintf(p, room, "%s", e->name); return;
	case CX_REG: snprintf(p, room, "$%s", e->name); return;
	case CX_HIST: snprintf(p, room, "(hist %s%ld)", e->hist_rel ? "-" : "",
			       e->hist); return;
	case CX_UNARY: snprintf(p, room, "(%s ", ld_cx_op_name(e->op)); break;
	case CX_BINARY: snprintf(p, room, "(%s ", ld_cx_op_name(e->op)); break;
	case CX_COND: snprintf(p, room, "(? "); break;
	case CX_CAST: snprintf(p, room, "(cast [%s %u %lu] ", e->type.base,
			       e->type.ptr, e->type.array); break;
	case CX_SIZEOF:
		if (!e->a) {
			snprintf(p, room, "(sizeof [%s %u])", e->type.base, e->type.ptr);
			return;
		}
		snprintf(p, room, "(sizeof ");
		break;
	case CX_MEMBER: snprintf(p, room, "(. %s ", e->name); break;
	case CX_ARROW: snprintf(p, room, "(-> %s ", e->name); break;
	case CX_INDEX: snprintf(p, room, "([] "); break;
	}
	dump(e->a, buf, len);
	if (e->b) {
		strncat(buf, " ", len - strlen(buf) - 1);
		dump(e->b, buf, len);
	}
	if (e->c) {
		strncat(buf, " ", len - strlen(buf) - 1);
		dump(e->c, buf, len);
	}
	strncat(buf, ")", len - strlen(buf) - 1);
}

static bool is_typedef(void *arg, const char *name)
{
	(void)arg;
	return !strcmp(name, "node_t") || !strcmp(name, "Box<int>");
}

static void tree(const char *src, const char *want)
{
	char err[256], buf[1024] = "";
	struct ld_cx *e = ld_cx_parse(src, is_typedef, NULL, err, sizeof err);

	if (e)
		dump(e, buf, sizeof buf);
	if (!ok(e && !strcmp(buf, want), "%s -> %s", src, want))
		diag("got %s", e ? buf : err);
	ld_cx_free(e);
}

static void error(const char *src, const char *want)
{
	char err[256] = "";
	struct ld_cx *e = ld_cx_parse(src, is_typedef, NULL, err, sizeof err);

	if (!ok(!e && !strcmp(err, want), "%s fails: %s", src, want))
		diag("got %s", e ? "a tree" : err);
	ld_cx_free(e);
}

int main(void)
{
	tree("1 + 2 * 3", "(+ 1 (* 2 3))");
	tree("(1 + 2) * 3", "(* (+ 1 2) 3)");
	tree("a - b - c", "(- (- a b) c)");
	tree("n == 3 && p || !q", "(|| (&& (== n 3) p) (! q))");
	tree("1 << 2 < 3 & 4 ^ 5 | 6", "(| (^ (& (< (<< 1 2) 3) 4) 5) 6)");
	tree("*head->next", "(* (-> next head))");
	tree("&arr[2].val", "(& (. val ([] arr 2)))");
	tree("-x % 4u", "(% (- x) 4u)");
	tree("(struct node *) p", "(cast [struct node 1 0] p)");
	tree("(unsigned long)x >> 3", "(>> (cast [unsigned long 0 0] x) 3)");
	tree("(node_t*)0x10", "(cast [node_t 1 0] 16)");
	tree("(x) * y", "(* x y)");
	tree("(const char **) argv", "(cast [char 2 0] argv)");
	tree("sizeof(struct node)", "(sizeof [struct node 0])");
	tree("sizeof x + 1", "(+ (sizeof x) 1)");
	tree("sizeof (x)", "(sizeof x)");
	tree("$rsp + 8", "(+ $rsp 8)");
	tree("$", "(hist -0)");
	tree("$2", "(hist 2)");
	tree("$$3", "(hist -3)");
	tree("$$", "(hist -1)");
	tree("'a' == c", "(== 'a' c)");
	tree("\"a\\tb\"", "\"a\tb\"");
	tree("a ? b : c ? d : e", "(? a b (? c d e))");
	tree("~0x0fUL", "(~ 15u)");
	tree("ns::counter + ::g", "(+ ns::counter ::g)");
	tree("gm.Base::b", "(. Base::b gm)");
	tree("::ns::Color::Red", "::ns::Color::Red");
	error("ns::", "syntax error near `::'");
	tree("Box<int>::made + 1", "(+ Box<int>::made 1)");
	tree("(Box<int> *)p", "(cast [Box<int> 1 0] p)");
	tree("a<b", "(< a b)");
	tree("o.*pm + 1", "(+ (.* o pm) 1)");
	tree("p->*pm * 2", "(* (->* p pm) 2)");
	tree("a<b>c", "(> (< a b) c)");
	tree("x<y && y>z", "(&& (< x y) (> y z))");
	error(":: x", "syntax error near `:: x'");
	error("1 +", "syntax error: the expression ends early");
	error("a b", "syntax error near `b'");
	error("(int", "syntax error: the expression ends early");
	error("f(1)", "calls into the program are not supported: `f(1)'");
	error("x = 3", "assignment is not supported: `= 3'");
	tree("10 / 3.0", "(/ 10 3)");
	tree("*p@n + 1", "(@ (* p) (+ n 1))");
	tree("a || b @ 2", "(@ (|| a b) 2)");
	tree("w > 1.5e1f", "(> w 15f)");
	tree("0x1e + 1", "(+ 30 1)");
	error("1.5.2", "invalid number `1.5.2'");
	error("12ab", "invalid number `12ab'");
	error("a # b", "invalid character '#' in expression");
	error("", "an expression is needed");
	error("'ab'", "bad character constant `'ab''");
	error("\"abc", "unterminated string");
	error("int", "a type is not a value: `int'");
	error("(struct) x", "syntax error near `) x'");
	error("a->", "syntax error: the expression ends early");
	error("$1x", "bad history reference `$1x'");
	{
		char deep[2000];

		memset(deep, '(', 1000);
		deep[1000] = 0;
		error(deep, "expression nested too deeply");
		memset(deep, '-', 1000);
		error(deep, "expression nested too deeply");
	}
	return tap_done();
}
