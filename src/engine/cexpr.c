/* The C-subset expression parser: lexer and precedence climbing. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layoutdbg/cexpr.h"
#include "layoutdbg/error.h"

enum tok { T_END, T_NUM, T_FLOAT, T_CHAR, T_STR, T_IDENT, T_DOLLAR, T_PUNCT };

struct parser {
	const char *src, *p;
	enum tok tok;
	size_t start;          /* where the current token starts */
	int op;                /* T_PUNCT */
	uint64_t num;
	double fnum;
	bool is_unsigned, is_long, is_float;
	char text[256];        /* T_IDENT, T_DOLLAR (without '$'), T_STR */
	size_t textlen;
	ld_cx_istype_fn istype;
	void *arg;
	char *err;
	size_t errlen;
	bool failed;
	unsigned depth;
};

#define MAX_DEPTH 200

static void fail(struct parser *ps, const char *fmt, ...) LD_PRINTF(2, 3);
static void fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	va_start(ap, fmt);
	if (ps->err && ps->errlen)
		vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
}

static void fail_near(struct parser *ps)
{
	const char *at = ps->src + ps->start;

	if (!*at)
		fail(ps, "syntax error: the expression ends early");
	else
		fail(ps, "syntax error near `%.40s'", at);
}

static const struct { const char *s; int op; } two_char[] = {
	{ "<<", CX_OP_SHL }, { ">>", CX_OP_SHR }, { "<=", CX_OP_LE },
	{ ">=", CX_OP_GE }, { "==", CX_OP_EQ }, { "!=", CX_OP_NE },
	{ "&&", CX_OP_AND }, { "||", CX_OP_OR }, { "->*", CX_OP_ARROWSTAR },
	{ "->", '.' + 256 * 2 }, { ".*", CX_OP_DOTSTAR },
};
#define OP_ARROW ('.' + 256 * 2)

const char *ld_cx_op_name(int op)
{
	static char one[2];

	for (size_t i = 0; i < sizeof two_char / sizeof two_char[0]; i++)
		if (two_char[i].op == op)
			return two_char[i].s;
	one[0] = (char)op;
	one[1] = 0;
	return one;
}

static int escape(struct parser *ps)
{
	int c = *ps->p++;

	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case '0': return 0;
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	case 'e': return 27;
	case '\\': case '\'': case '"': case '?': return c;
	case 0: ps->p--; return -1;
	default: return c;
	}
}

/* 1.5, .5 is not C here; 2e3, 1.5f: a double (or float) literal. */
static void lex_float(struct parser *ps)
{
	char *end;

	errno = 0;
	ps->fnum = strtod(ps->p, &end);
	ps->p = end;
	ps->is_float = *ps->p == 'f' || *ps->p == 'F';
	if (ps->is_float || *ps->p == 'l' || *ps->p == 'L')
		ps->p++;
	if (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.')
		fail(ps, "invalid number `%.40s'", ps->src + ps->start);
	ps->tok = T_FLOAT;
}

static void lex_number(struct parser *ps)
{
	char *end;

	errno = 0;
	ps->num = strtoull(ps->p, &end, 0);
	if (errno) {
		fail(ps, "number too large: `%.40s'", ps->p);
		return;
	}
	if ((*end == '.' || *end == 'e' || *end == 'E') &&
	    strncasecmp(ps->p, "0x", 2)) {
		lex_float(ps);
		return;
	}
	if ((*end && isalpha((unsigned char)*end) && !strchr("uUlL", *end))) {
		fail(ps, "invalid number `%.40s'", ps->p);
		return;
	}
	ps->p = end;
	ps->is_unsigned = ps->is_long = false;
	while (*ps->p && strchr("uUlL", *ps->p)) {
		if (*ps->p == 'u' || *ps->p == 'U')
			ps->is_unsigned = true;
		else
			ps->is_long = true;
		ps->p++;
	}
	if (isalnum((unsigned char)*ps->p) || *ps->p == '_')
		fail(ps, "invalid number `%.40s'", ps->src + ps->start);
	ps->tok = T_NUM;
}

static void lex_quoted(struct parser *ps, char q)
{
	ps->textlen = 0;
	ps->p++;
	while (*ps->p && *ps->p != q) {
		int c = (unsigned char)*ps->p++;

		if (c == '\\' && (c = escape(ps)) < 0)
			break;
		if (ps->textlen + 1 >= sizeof ps->text) {
			fail(ps, "string too long");
			return;
		}
		ps->text[ps->textlen++] = (char)c;
	}
	if (*ps->p != q) {
		fail(ps, "unterminated %s", q == '"' ? "string" : "character constant");
		return;
	}
	ps->p++;
	ps->text[ps->textlen] = 0;
	if (q == '"') {
		ps->tok = T_STR;
		return;
	}
	if (ps->textlen != 1) {
		fail(ps, "bad character constant `%.*s'",
		     (int)(ps->p - ps->src - ps->start), ps->src + ps->start);
		return;
	}
	ps->tok = T_CHAR;
	ps->num = (uint64_t)(int64_t)(signed char)ps->text[0];
}

static void lex_word(struct parser *ps);

/* C++: a name followed at once by <...> that names a template's instance
 * ("Box<int>", "Box<int>::made") is one name, when a `::' follows it or
 * it is a type; else the '<' is less-than and nothing is taken. */
static void lex_template(struct parser *ps)
{
	const char *p = ps->p;
	int depth = 0;
	size_t n = ps->textlen, k;
	char save[sizeof ps->text];

	do {
		if (*p == '<')
			depth++;
		else if (*p == '>')
			depth--;
		else if (!*p || !(isalnum((unsigned char)*p) || strchr("_ ,*&:", *p)))
			return;
		p++;
	} while (depth > 0);
	k = (size_t)(p - ps->p);
	if (n + k + 1 >= sizeof ps->text)
		return;
	memcpy(save, ps->text, n + 1);
	memcpy(ps->text + n, ps->p, k);
	ps->text[n + k] = 0;
	if (p[0] == ':' && p[1] == ':' && (isalpha((unsigned char)p[2]) || p[2] == '_')) {
		/* the rest of the qualified name */
		char head[sizeof ps->text];

		memcpy(head, ps->text, n + k + 1);
		ps->p = p + 2;
		lex_word(ps);
		if (strlen(head) + 2 + ps->textlen + 1 > sizeof ps->text) {
			fail(ps, "name too long");
			return;
		}
		memmove(ps->text + strlen(head) + 2, ps->text, ps->textlen + 1);
		memcpy(ps->text, head, strlen(head));
		memcpy(ps->text + strlen(head), "::", 2);
		ps->textlen = strlen(ps->text);
		return;
	}
	if (ps->istype && ps->istype(ps->arg, ps->text)) {
		ps->p = p;
		ps->textlen = n + k;
		return;
	}
	memcpy(ps->text, save, n + 1);
}

static void lex_word(struct parser *ps)
{
	size_t n = 0;

	while (isalnum((unsigned char)*ps->p) || *ps->p == '_' ||
	       (ps->tok == T_DOLLAR && *ps->p == '$' && n < 1 &&
		ps->p[-1] == '$') ||
	       /* C++ scopes: ns::Class is one name */
	       (ps->tok == T_IDENT && n && ps->p[0] == ':' && ps->p[1] == ':' &&
		(isalpha((unsigned char)ps->p[2]) || ps->p[2] == '_'))) {
		if (*ps->p == ':') {
			if (n + 3 >= sizeof ps->text) {
				fail(ps, "name too long");
				return;
			}
			ps->text[n++] = *ps->p++;
		}
		if (n + 1 >= sizeof ps->text) {
			fail(ps, "name too long");
			return;
		}
		ps->text[n++] = *ps->p++;
	}
	ps->text[n] = 0;
	ps->textlen = n;
	if (ps->tok == T_IDENT && *ps->p == '<')
		lex_template(ps);
}

static void next(struct parser *ps)
{
	if (ps->failed) {
		ps->tok = T_END;
		return;
	}
	while (isspace((unsigned char)*ps->p))
		ps->p++;
	ps->start = (size_t)(ps->p - ps->src);
	if (!*ps->p) {
		ps->tok = T_END;
	} else if (isdigit((unsigned char)*ps->p)) {
		lex_number(ps);
	} else if (*ps->p == '\'' || *ps->p == '"') {
		lex_quoted(ps, *ps->p);
	} else if (isalpha((unsigned char)*ps->p) || *ps->p == '_') {
		ps->tok = T_IDENT;
		lex_word(ps);
	} else if (ps->p[0] == ':' && ps->p[1] == ':' &&
		   (isalpha((unsigned char)ps->p[2]) || ps->p[2] == '_')) {
		/* ::name, C++'s global scope: one name with its `::' */
		ps->tok = T_IDENT;
		ps->p += 2;
		lex_word(ps);
		if (ps->textlen + 3 > sizeof ps->text) {
			fail(ps, "name too long");
		} else {
			memmove(ps->text + 2, ps->text, ps->textlen + 1);
			memcpy(ps->text, "::", 2);
			ps->textlen += 2;
		}
	} else if (*ps->p == '$') {
		ps->tok = T_DOLLAR;
		ps->p++;
		lex_word(ps);
	} else {
		for (size_t i = 0; i < sizeof two_char / sizeof two_char[0]; i++)
			if (!strncmp(ps->p, two_char[i].s, strlen(two_char[i].s))) {
				ps->tok = T_PUNCT;
				ps->op = two_char[i].op;
				ps->p += strlen(two_char[i].s);
				return;
			}
		if (!strchr("+-*/%<>&|^!~()[].?:,=@{}", *ps->p)) {
			fail(ps, "invalid character '%c' in expression", *ps->p);
			ps->tok = T_END;
			return;
		}
		ps->tok = T_PUNCT;
		ps->op = *ps->p++;
	}
	if (ps->failed)
		ps->tok = T_END;
}

static bool is_punct(const struct parser *ps, int op)
{
	return ps->tok == T_PUNCT && ps->op == op;
}

static struct ld_cx *node(struct parser *ps, enum ld_cx_kind k, size_t pos)
{
	struct ld_cx *e = calloc(1, sizeof *e);

	if (!e) {
		fail(ps, "out of memory");
		return NULL;
	}
	e->kind = k;
	e->pos = pos;
	return e;
}

void ld_cx_free(struct ld_cx *e)
{
	if (!e)
		return;
	ld_cx_free(e->a);
	ld_cx_free(e->b);
	ld_cx_free(e->c);
	free(e->name);
	free(e->type.base);
	free(e);
}

static const char *const type_words[] = {
	"struct", "union", "enum", "class", "unsigned", "signed", "int", "char",
	"short", "long", "float", "double", "void", "_Bool", "bool", "const",
	"volatile", NULL,
};

static bool is_type_word(const char *w)
{
	for (size_t i = 0; type_words[i]; i++)
		if (!strcmp(w, type_words[i]))
			return true;
	return false;
}

/* Does the token after '(' start a type? */
static bool starts_type(struct parser *ps)
{
	if (ps->tok != T_IDENT)
		return false;
	if (is_type_word(ps->text))
		return true;
	return ps->istype && ps->istype(ps->arg, ps->text);
}

static bool append_word(struct parser *ps, char *buf, size_t len,
			const char *w)
{
	size_t n = strlen(buf);

	if (n + strlen(w) + 2 > len) {
		fail(ps, "type name too long");
		return false;
	}
	snprintf(buf + n, len - n, "%s%s", n ? " " : "", w);
	return true;
}

/* TYPE: words, then '*'s (const between ignored), then [N]; at ')'. */
static bool parse_type(struct parser *ps, struct ld_cx_type *t)
{
	char buf[256] = "";
	bool tagged = false, named = false;

	while (ps->tok == T_IDENT) {
		bool kw = is_type_word(ps->text);

		if (!kw && (named || (buf[0] && !tagged)))
			break;
		if (!strcmp(ps->text, "const") || !strcmp(ps->text, "volatile")) {
			next(ps);
			continue;
		}
		if (!kw)
			named = true;
		if (tagged)
			named = true;
		tagged = !strcmp(ps->text, "struct") || !strcmp(ps->text, "union") ||
			 !strcmp(ps->text, "enum") || !strcmp(ps->text, "class");
		if (!append_word(ps, buf, sizeof buf, ps->text))
			return false;
		next(ps);
	}
	if (!buf[0] || tagged) {
		fail_near(ps);
		return false;
	}
	for (;;) {
		if (is_punct(ps, '*'))
			t->ptr++;
		else if (!(ps->tok == T_IDENT && (!strcmp(ps->text, "const") ||
						  !strcmp(ps->text, "volatile"))))
			break;
		next(ps);
	}
	if (is_punct(ps, '[')) {
		next(ps);
		if (ps->tok != T_NUM || !ps->num) {
			fail_near(ps);
			return false;
		}
		t->array = (unsigned long)ps->num;
		next(ps);
		if (!is_punct(ps, ']')) {
			fail_near(ps);
			return false;
		}
		next(ps);
	}
	t->base = strdup(buf);
	if (!t->base)
		fail(ps, "out of memory");
	return t->base != NULL;
}

static struct ld_cx *parse_expr(struct parser *ps);
static struct ld_cx *parse_unary(struct parser *ps);

static bool expect(struct parser *ps, int op)
{
	if (!is_punct(ps, op)) {
		fail_near(ps);
		return false;
	}
	next(ps);
	return true;
}

static struct ld_cx *parse_dollar(struct parser *ps, size_t pos)
{
	struct ld_cx *e = node(ps, CX_HIST, pos);
	const char *w = ps->text;

	if (!e)
		return NULL;
	if (!*w) {                            /* $ */
		e->hist_rel = true;
	} else if (w[0] == '$') {             /* $$ or $$N */
		e->hist_rel = true;
		e->hist = w[1] ? strtol(w + 1, NULL, 10) : 1;
		if (w[1] && strspn(w + 1, "0123456789") != strlen(w + 1))
			goto bad;
	} else if (isdigit((unsigned char)w[0])) {
		if (strspn(w, "0123456789") != strlen(w))
			goto bad;
		e->hist = strtol(w, NULL, 10);
	} else {
		e->kind = CX_REG;
		e->name = strdup(w);
		if (!e->name)
			fail(ps, "out of memory");
	}
	next(ps);
	return e;
bad:
	fail(ps, "bad history reference `$%s'", w);
	ld_cx_free(e);
	return NULL;
}

static struct ld_cx *parse_primary(struct parser *ps)
{
	size_t pos = ps->start;
	struct ld_cx *e;

	switch (ps->tok) {
	case T_FLOAT:
		if (!(e = node(ps, CX_FLOAT, pos)))
			return NULL;
		e->fnum = ps->fnum;
		e->is_float = ps->is_float;
		next(ps);
		return e;
	case T_NUM:
	case T_CHAR:
		if (!(e = node(ps, ps->tok == T_NUM ? CX_NUM : CX_CHAR, pos)))
			return NULL;
		e->num = ps->num;
		e->is_unsigned = ps->is_unsigned;
		e->is_long = ps->is_long;
		next(ps);
		return e;
	case T_STR:
	case T_IDENT:
		if (ps->tok == T_IDENT && is_type_word(ps->text)) {
			fail(ps, "a type is not a value: `%.40s'", ps->src + pos);
			return NULL;
		}
		if (!(e = node(ps, ps->tok == T_STR ? CX_STRING : CX_NAME, pos)))
			return NULL;
		e->name = malloc(ps->textlen + 1);
		if (!e->name) {
			ld_cx_free(e);
			fail(ps, "out of memory");
			return NULL;
		}
		memcpy(e->name, ps->text, ps->textlen + 1);
		e->len = ps->textlen;
		next(ps);
		return e;
	case T_DOLLAR:
		return parse_dollar(ps, pos);
	case T_PUNCT:
		if (ps->op == '(') {
			next(ps);
			e = parse_expr(ps);
			if (e && !expect(ps, ')')) {
				ld_cx_free(e);
				return NULL;
			}
			return e;
		}
		/* fall through */
	default:
		fail_near(ps);
		return NULL;
	}
}

static struct ld_cx *parse_postfix(struct parser *ps)
{
	struct ld_cx *e = parse_primary(ps);

	while (e && !ps->failed) {
		struct ld_cx *n;
		size_t pos = ps->start;

		if (is_punct(ps, '[')) {
			next(ps);
			if (!(n = node(ps, CX_INDEX, pos)))
				break;
			n->a = e;
			e = n;
			n->b = parse_expr(ps);
			if (!n->b || !expect(ps, ']'))
				break;
		} else if (is_punct(ps, '.') || is_punct(ps, OP_ARROW)) {
			if (!(n = node(ps, is_punct(ps, '.') ? CX_MEMBER : CX_ARROW, pos)))
				break;
			n->a = e;
			e = n;
			next(ps);
			if (ps->tok != T_IDENT) {
				fail_near(ps);
				break;
			}
			if (!(n->name = strdup(ps->text)))
				fail(ps, "out of memory");
			next(ps);
		} else if (is_punct(ps, '(')) {
			fail(ps, "calls into the program are not supported: `%.40s'",
			     ps->src + e->pos);
		} else {
			return e;
		}
	}
	ld_cx_free(e);
	return NULL;
}

/* After '(' when a type starts: (TYPE) UNARY. */
static struct ld_cx *parse_cast(struct parser *ps, size_t pos)
{
	struct ld_cx *e = node(ps, CX_CAST, pos);

	if (!e)
		return NULL;
	if (!parse_type(ps, &e->type) || !expect(ps, ')') ||
	    !(e->a = parse_unary(ps))) {
		ld_cx_free(e);
		return NULL;
	}
	return e;
}

static struct ld_cx *parse_sizeof(struct parser *ps, size_t pos)
{
	struct ld_cx *e = node(ps, CX_SIZEOF, pos);

	if (!e)
		return NULL;
	next(ps);
	if (is_punct(ps, '(')) {
		const char *save_p = ps->p;
		size_t save_start = ps->start;

		next(ps);
		if (starts_type(ps)) {
			if (!parse_type(ps, &e->type) || !expect(ps, ')')) {
				ld_cx_free(e);
				return NULL;
			}
			return e;
		}
		ps->p = save_p;       /* an expression in parentheses */
		ps->start = save_start;
		ps->tok = T_PUNCT;
		ps->op = '(';
	}
	if (!(e->a = parse_unary(ps))) {
		ld_cx_free(e);
		return NULL;
	}
	return e;
}

static struct ld_cx *parse_unary(struct parser *ps)
{
	size_t pos = ps->start;
	struct ld_cx *e;

	if (++ps->depth > MAX_DEPTH) {
		fail(ps, "expression nested too deeply");
		return NULL;
	}
	if (ps->tok == T_IDENT && !strcmp(ps->text, "sizeof")) {
		e = parse_sizeof(ps, pos);
	} else if (ps->tok == T_PUNCT && strchr("-+!~*&", ps->op) && ps->op < 256) {
		if ((e = node(ps, CX_UNARY, pos))) {
			e->op = ps->op;
			next(ps);
			if (!(e->a = parse_unary(ps))) {
				ld_cx_free(e);
				e = NULL;
			}
		}
	} else if (is_punct(ps, '(')) {
		const char *save_p = ps->p;

		next(ps);
		if (starts_type(ps)) {
			e = parse_cast(ps, pos);
		} else {
			ps->p = save_p;
			ps->start = pos;
			ps->tok = T_PUNCT;
			ps->op = '(';
			e = parse_postfix(ps);
		}
	} else {
		e = parse_postfix(ps);
	}
	ps->depth--;
	return e;
}

/* Binding strength of a binary operator, 0 if op is none. */
static int prec(int op)
{
	switch (op) {
	case '@': return 1;     /* gdb's artificial arrays bind loosest */
	case CX_OP_OR: return 2;
	case CX_OP_AND: return 3;
	case '|': return 4;
	case '^': return 5;
	case '&': return 6;
	case CX_OP_EQ: case CX_OP_NE: return 7;
	case '<': case '>': case CX_OP_LE: case CX_OP_GE: return 8;
	case CX_OP_SHL: case CX_OP_SHR: return 9;
	case '+': case '-': return 10;
	case '*': case '/': case '%': return 11;
	case CX_OP_DOTSTAR: case CX_OP_ARROWSTAR: return 12;
	default: return 0;
	}
}

static struct ld_cx *parse_binary(struct parser *ps, int min)
{
	struct ld_cx *lhs = parse_unary(ps);

	while (lhs && ps->tok == T_PUNCT && prec(ps->op) >= min) {
		int op = ps->op, p = prec(op);
		struct ld_cx *n = node(ps, CX_BINARY, lhs->pos);

		if (!n)
			break;
		n->op = op;
		n->a = lhs;
		lhs = n;
		next(ps);
		if (!(n->b = parse_binary(ps, p + 1)))
			break;
	}
	if (ps->failed) {
		ld_cx_free(lhs);
		return NULL;
	}
	return lhs;
}

static struct ld_cx *parse_expr(struct parser *ps)
{
	struct ld_cx *c = parse_binary(ps, 1), *e;

	if (!c || !is_punct(ps, '?'))
		return c;
	if (!(e = node(ps, CX_COND, c->pos))) {
		ld_cx_free(c);
		return NULL;
	}
	e->a = c;
	next(ps);
	if (++ps->depth > MAX_DEPTH)
		fail(ps, "expression nested too deeply");
	if (!ps->failed && (e->b = parse_expr(ps)) && expect(ps, ':'))
		e->c = parse_expr(ps);
	ps->depth--;
	if (ps->failed || !e->c) {
		ld_cx_free(e);
		return NULL;
	}
	return e;
}

struct ld_cx *ld_cx_parse(const char *src, ld_cx_istype_fn istype, void *arg,
			  char *err, size_t errlen)
{
	struct parser ps = { .src = src, .p = src, .istype = istype,
			     .arg = arg, .err = err, .errlen = errlen };
	struct ld_cx *e;

	if (err && errlen)
		err[0] = 0;
	next(&ps);
	if (ps.tok == T_END && !ps.failed) {
		fail(&ps, "an expression is needed");
		return NULL;
	}
	e = parse_expr(&ps);
	if (e && ps.tok != T_END) {
		if (is_punct(&ps, '='))
			fail(&ps, "assignment is not supported: `%.40s'",
			     src + ps.start);
		else
			fail_near(&ps);
	}
	if (ps.failed) {
		ld_cx_free(e);
		return NULL;
	}
	return e;
}
