/* Values as gdb prints them. */
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pointsview.h"
#include "layoutdbg/valprint.h"

#define PRINT_MAX 200          /* gdb's `set print elements` */
#define REPEAT_THRESHOLD 10    /* gdb's `set print repeats` */

struct vp {
	struct ld_evalctx *c;
	FILE *f;
	char fmt;
	bool plain;     /* gdb's annotations only (frame lines) */
};

static void value(struct vp *p, const struct ld_val *v, bool top);

/* The one place a pointer's annotation is made: where it points in the
 * layout (pointsview.h: " <[heap]+0x2a0>", " <main_arena> (libc.so.6
 * .data)", " <stack, thread 1, frame #2>"), or with `set print layout
 * off` gdb's own " <symbol+off>" where a symbol covers it.  Code (a
 * function pointer, $pc, /a) always names its function, as gdb does. */
static void pointer_annotation(struct vp *p, uint64_t addr, bool code)
{
	(void)code;     /* pointsto names code by its function either way */
	struct ld_points_to pt;
	char note[600];

	if (!p->c->s->live.proc) {
		/* before `run`: the program file's symbol, as gdb */
		if (p->c->s->program.exe &&
		    strcmp(ld_session_symbolize(p->c->s, addr, note, sizeof note), "??"))
			fprintf(p->f, " <%s>", note);
		return;
	}
	if (ld_points_to(p->c->s, addr, &pt) < 0)
		return;
	fputs(ld_points_to_note(&pt, p->c->s->settings.print_layout && !p->plain,
				note, sizeof note), p->f);
}

/* One character as gdb quotes it inside quote q. */
static void put_char(FILE *f, int ch, char q)
{
	unsigned char c = (unsigned char)ch;

	switch (c) {
	case '\n': fputs("\\n", f); return;
	case '\t': fputs("\\t", f); return;
	case '\r': fputs("\\r", f); return;
	case '\a': fputs("\\a", f); return;
	case '\b': fputs("\\b", f); return;
	case '\f': fputs("\\f", f); return;
	case '\v': fputs("\\v", f); return;
	case 27: fputs("\\033", f); return;
	case '\\': fputs("\\\\", f); return;
	default: break;
	}
	if (c == (unsigned char)q)
		fprintf(f, "\\%c", q);
	else if (c >= 0x20 && c < 0x7f)
		fputc(c, f);
	else
		fprintf(f, "\\%03o", c);
}

static void char_value(FILE *f, int64_t x)
{
	fprintf(f, "%" PRId64 " '", x);
	put_char(f, (int)(x & 0xff), '\'');
	fputc('\'', f);
}

/* s[0..n) as gdb's string printer: quoted runs, and runs of one character
 * longer than the threshold as `'c' <repeats N times>`, comma-joined;
 * ellipses: more followed ("..."). */
static void string_body(FILE *f, const unsigned char *s, size_t n,
			bool ellipses)
{
	bool in_quote = false, any = false;
	size_t i = 0;

	while (i < n) {
		size_t run = 1;

		while (i + run < n && s[i + run] == s[i])
			run++;
		if (run > REPEAT_THRESHOLD) {
			if (in_quote)
				fputs("\", ", f);
			else if (any)
				fputs(", ", f);
			fputc('\'', f);
			put_char(f, s[i], '\'');
			fprintf(f, "' <repeats %zu times>", run);
			in_quote = false;
			i += run;
		} else {
			if (!in_quote)
				fputs(any ? ", \"" : "\"", f);
			in_quote = true;
			for (size_t k = 0; k < run; k++)
				put_char(f, s[i], '"');
			i += run;
		}
		any = true;
	}
	if (in_quote)
		fputc('"', f);
	if (!any)
		fputs("\"\"", f);
	if (ellipses)
		fputs("...", f);
}

/* The string a char pointer points to (at most PRINT_MAX characters). */
static void pointed_string(struct vp *p, uint64_t addr)
{
	unsigned char buf[PRINT_MAX + 1];
	size_t n = 0;

	while (n < sizeof buf) {
		unsigned char ch;

		if (ld_eval_mem(p->c, addr + n, &ch, 1)) {
			if (!n) {
				fprintf(p->f, " <error: Cannot access memory at address "
					"0x%" PRIx64 ">", addr);
				return;
			}
			break;
		}
		if (!ch)
			break;
		buf[n++] = ch;
	}
	fputc(' ', p->f);
	string_body(p->f, buf, n > PRINT_MAX ? PRINT_MAX : n, n > PRINT_MAX);
}

static bool is_char_type(const struct ld_ty *t)
{
	return ld_ty_kind(t) == K_CHAR && ld_ty_size(t) == 1;
}

static void pointer(struct vp *p, const struct ld_val *v, bool top)
{
	struct ld_ty t;
	uint64_t x = ld_val_uint(v);
	char name[512];
	bool code, chars;

	ld_ty_target(&v->ty, &t);
	code = ld_ty_kind(&t) == K_FUNC;
	chars = is_char_type(&t);
	if (top && !chars)
		fprintf(p->f, "(%s) ", ld_ty_name(&v->ty, "", name, sizeof name));
	fprintf(p->f, "0x%" PRIx64, x);
	pointer_annotation(p, x, code);
	if (chars && x)
		pointed_string(p, x);
}

static void enum_value(struct vp *p, const struct ld_val *v)
{
	Dwarf_Die e, ch;
	int64_t x = ld_val_int(v);

	if (ld_ty_peeled(&v->ty, &e) && dwarf_child(&e, &ch) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Sword sv;

			if (dwarf_tag(&ch) == DW_TAG_enumerator &&
			    dwarf_attr(&ch, DW_AT_const_value, &a) &&
			    dwarf_formsdata(&a, &sv) == 0 && sv == x) {
				fputs(dwarf_diename(&ch), p->f);
				return;
			}
		} while (dwarf_siblingof(&ch, &ch) == 0);
	}
	fprintf(p->f, "%" PRId64, x);
}

static void binary_digits(FILE *f, uint64_t x)
{
	int hi = 63;

	while (hi > 0 && !((x >> hi) & 1))
		hi--;
	for (; hi >= 0; hi--)
		fputc('0' + (int)((x >> hi) & 1), f);
}

/* A scalar with a format letter. */
static void formatted(struct vp *p, const struct ld_val *v)
{
	enum ld_kind k = ld_ty_kind(&v->ty);
	unsigned bits = v->bitfield ? v->bitsize : (unsigned)v->len * 8;
	uint64_t x = k == K_FLOAT ? (uint64_t)(int64_t)ld_val_double(v) :
		     ld_val_uint(v);
	uint64_t mask = bits >= 64 || !bits ? ~0ULL : (1ULL << bits) - 1;

	x &= mask;
	switch (p->fmt) {
	case 'x': fprintf(p->f, "0x%" PRIx64, x); break;
	case 'z': fprintf(p->f, "0x%0*" PRIx64, (int)(bits + 3) / 4, x); break;
	case 'o': fprintf(p->f, x ? "0%" PRIo64 : "0", x); break;
	case 't': binary_digits(p->f, x); break;
	case 'd': fprintf(p->f, "%" PRId64, k == K_FLOAT ? (int64_t)ld_val_double(v) :
			  ld_val_int(v)); break;
	case 'u': fprintf(p->f, "%" PRIu64, x); break;
	case 'c': char_value(p->f, (int64_t)(signed char)(x & 0xff)); break;
	case 'a':
		fprintf(p->f, "0x%" PRIx64, x);
		pointer_annotation(p, x, true);
		break;
	default: {
		char saved = p->fmt;

		p->fmt = 0;
		value(p, v, false);
		p->fmt = saved;
	}
	}
}

static void scalar(struct vp *p, const struct ld_val *v, bool top)
{
	enum ld_kind k = ld_ty_kind(&v->ty);

	if (p->fmt && p->fmt != 's') {
		formatted(p, v);
		return;
	}
	switch (k) {
	case K_BOOL: {
		uint64_t x = ld_val_uint(v);

		if (x <= 1)
			fputs(x ? "true" : "false", p->f);
		else
			fprintf(p->f, "%" PRIu64, x);
		return;
	}
	case K_CHAR: char_value(p->f, ld_val_int(v)); return;
	case K_ENUM: enum_value(p, v); return;
	case K_FLOAT:
		fprintf(p->f, v->len == 4 ? "%.9g" : "%.17g", ld_val_double(v));
		return;
	case K_PTR: pointer(p, v, top); return;
	default:
		if (ld_ty_signed(&v->ty))
			fprintf(p->f, "%" PRId64, ld_val_int(v));
		else
			fprintf(p->f, "%" PRIu64, ld_val_uint(v));
	}
}

static void char_array(struct vp *p, const struct ld_val *v, uint64_t n)
{
	bool more = n > PRINT_MAX;
	size_t len = (size_t)(more ? PRINT_MAX : n);

	if (len > v->len)
		len = v->len;
	/* gdb drops one trailing NUL of an array printed whole */
	if (!more && len && !v->bytes[len - 1])
		len--;
	string_body(p->f, v->bytes, len, more);
}

static bool same_bytes(const struct ld_val *a, const struct ld_val *b)
{
	return a->len == b->len && !a->optout && !b->optout &&
	       !a->optmask && !b->optmask &&
	       !memcmp(a->bytes, b->bytes, a->len);
}

static void array(struct vp *p, const struct ld_val *v)
{
	struct ld_ty et;
	uint64_t n = ld_ty_count(&v->ty), i = 0, shown = 0;
	struct ld_val cur = { 0 }, nxt = { 0 };

	ld_ty_target(&v->ty, &et);
	if (is_char_type(&et) && (!p->fmt || p->fmt == 's') && !v->unavailable) {
		char_array(p, v, n);
		return;
	}
	fputc('{', p->f);
	while (i < n && shown < PRINT_MAX) {
		uint64_t reps = 1;

		if (ld_eval_element(p->c, v, i, &cur)) {
			fprintf(p->f, "%s<error: %s>", i ? ", " : "", p->c->err);
			break;
		}
		while (i + reps < n && !ld_eval_element(p->c, v, i + reps, &nxt) &&
		       same_bytes(&cur, &nxt)) {
			ld_val_release(&nxt);
			reps++;
		}
		ld_val_release(&nxt);
		if (i)
			fputs(", ", p->f);
		value(p, &cur, false);
		if (reps > REPEAT_THRESHOLD) {
			fprintf(p->f, " <repeats %" PRIu64 " times>", reps);
			shown += REPEAT_THRESHOLD;
			i += reps;
		} else {
			shown++;
			i++;
			/* the rest of a short run one by one */
		}
		ld_val_release(&cur);
	}
	if (i < n)
		fputs("...", p->f);
	fputc('}', p->f);
}

static void structure(struct vp *p, const struct ld_val *v)
{
	Dwarf_Die st, m;
	bool any = false;

	fputc('{', p->f);
	if (ld_ty_peeled(&v->ty, &st) && dwarf_child(&st, &m) == 0) {
		do {
			struct ld_val mv;
			const char *name = dwarf_diename(&m);

			if (dwarf_tag(&m) != DW_TAG_member ||
			    dwarf_hasattr(&m, DW_AT_external))
				continue;
			fputs(any ? ", " : "", p->f);
			any = true;
			if (name)
				fprintf(p->f, "%s = ", name);
			if (ld_eval_member(p->c, v, &m, ld_dw_member_offset(&m), &mv)) {
				fprintf(p->f, "<error: %s>", p->c->err);
				continue;
			}
			value(p, &mv, false);
			ld_val_release(&mv);
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	fputc('}', p->f);
}

static void function(struct vp *p, const struct ld_val *v)
{
	char name[512];

	fprintf(p->f, "{%s} 0x%" PRIx64, ld_ty_name(&v->ty, "", name, sizeof name),
		v->addr);
	pointer_annotation(p, v->addr, true);
}

static void value(struct vp *p, const struct ld_val *v, bool top)
{
	if (v->optout) {
		fputs("<optimized out>", p->f);
		return;
	}
	switch (ld_ty_kind(&v->ty)) {
	case K_VOID: fputs("void", p->f); return;
	case K_ARRAY: array(p, v); return;
	case K_STRUCT:
	case K_UNION: structure(p, v); return;
	case K_FUNC: function(p, v); return;
	case K_REF: {
		struct ld_ty t;
		struct ld_val r;

		ld_ty_target(&v->ty, &t);
		if (!ld_eval_deref_ref(p->c, v, &r)) {
			fprintf(p->f, "@0x%" PRIx64 ": ", ld_val_uint(v));
			value(p, &r, false);
			ld_val_release(&r);
		} else {
			fprintf(p->f, "<error: %s>", p->c->err);
		}
		return;
	}
	default: scalar(p, v, top);
	}
}

void ld_val_write(struct ld_evalctx *c, FILE *f, const struct ld_val *v,
		  char fmt, bool top)
{
	struct vp p = { .c = c, .f = f, .fmt = fmt };

	value(&p, v, top);
}

static char *text_of(struct ld_evalctx *c, const struct ld_val *v, char fmt,
		     bool top, bool plain)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vp p = { .c = c, .fmt = fmt, .plain = plain };

	if (!f)
		return NULL;
	p.f = f;
	value(&p, v, top);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *ld_val_text(struct ld_evalctx *c, const struct ld_val *v, char fmt,
		  bool top)
{
	return text_of(c, v, fmt, top, false);
}

char *ld_val_text_plain(struct ld_evalctx *c, const struct ld_val *v)
{
	return text_of(c, v, 0, false, true);
}
