/* Values as gdb prints them. */
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutdbg/demangle.h"
#include "layoutdbg/dwcxx.h"
#include "layoutdbg/dwtypes.h"
#include "layoutdbg/dwvars.h"
#include "layoutdbg/elf.h"
#include "layoutdbg/objs.h"
#include "layoutdbg/output.h"
#include "layoutdbg/pointsview.h"
#include "layoutdbg/valcxx.h"
#include "layoutdbg/valcxxshow.h"
#include "layoutdbg/valprint.h"

#define PRINT_MAX 200          /* gdb's `set print elements` */
#define REPEAT_THRESHOLD 10    /* gdb's `set print repeats` */

struct vp {
	struct ld_evalctx *c;
	FILE *f;
	char fmt;
	bool nested;    /* inside an array or an object */
	Dwarf_Off vb[32];   /* virtual base classes shown (their types) */
	size_t nvb;
	uint64_t stat[64];  /* static members that are objects, shown */
	size_t nstat;
	bool plain;     /* gdb's annotations only (frame lines) */
	bool pretty;    /* set print pretty: a member a line */
	int depth;      /* gdb's recurse: how deep in arrays and objects */
};

static void value(struct vp *p, const struct ld_val *v, bool top);

/* gdb's print_spaces after a newline, under set print pretty. */
static void newline(struct vp *p, int spaces)
{
	fprintf(p->f, "\n%*s", spaces, "");
}

/* v, one level deeper (an element or a member). */
static void inner(struct vp *p, const struct ld_val *v)
{
	p->depth++;
	value(p, v, false);
	p->depth--;
}

static void value(struct vp *p, const struct ld_val *v, bool top);

/* Code in a C++ function, layout annotations off: gdb's minimal symbol
 * with its parameters (" <Base::get() const+4>").  False for C names. */
static bool cxx_code_symbol(struct vp *p, uint64_t addr)
{
	const struct ld_symbol *sym = NULL;
	struct ld_obj *ob;
	uint64_t off = 0;
	char *d;

	if (p->c->s->live.proc)
		sym = ld_objs_symbol_at(&p->c->s->live.objs, addr, &ob, &off);
	else if (p->c->s->program.exe)
		sym = ld_elf_symbol_at(p->c->s->program.exe, addr, &off);
	if (!sym || !(d = ld_demangle(sym->name, true)))
		return false;
	if (off)
		fprintf(p->f, " <%s+%" PRIu64 ">", d, off);
	else
		fprintf(p->f, " <%s>", d);
	free(d);
	return true;
}

/* The one place a pointer's annotation is made: where it points in the
 * layout (pointsview.h: " <[heap]+0x2a0>", " <main_arena> (libc.so.6
 * .data)", " <stack, thread 1, frame #2>"), or with `set print layout
 * off` gdb's own " <symbol+off>" where a symbol covers it.  Code (a
 * function pointer, $pc, /a) always names its function, as gdb does. */
static void pointer_annotation(struct vp *p, uint64_t addr, bool code)
{
	struct ld_points_to pt;
	char note[600];

	if (code && !p->c->s->settings.print_layout && cxx_code_symbol(p, addr))
		return;

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
	char pre[512];

	if (ld_ty_peeled(&v->ty, &e) && dwarf_child(&e, &ch) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Sword sv;

			if (dwarf_tag(&ch) == DW_TAG_enumerator &&
			    dwarf_attr(&ch, DW_AT_const_value, &a) &&
			    dwarf_formsdata(&a, &sv) == 0 && sv == x) {
				fputs(ld_cxx_enumerator_prefix(&e, pre, sizeof pre), p->f);
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

/* A scalar with a format letter, as gdb 13: a float's bytes as an
 * integer of its size (p/x 1.5 is 0x3ff8000000000000), a bitfield as a
 * value of its declared type (a signed one sign-extended: 0xffffffff). */
static void formatted(struct vp *p, const struct ld_val *v)
{
	enum ld_kind k = ld_ty_kind(&v->ty);
	uint64_t size = v->bitfield ? ld_ty_size(&v->ty) : v->len;
	unsigned bits = size && size < 8 ? (unsigned)size * 8 : 64;
	uint64_t x = ld_ty_signed(&v->ty) ? (uint64_t)ld_val_int(v) : ld_val_uint(v);
	uint64_t mask = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
	int64_t sx;

	x &= mask;
	/* the signed reading of those bits: gdb's /d, whatever the type */
	sx = bits < 64 && (x >> (bits - 1)) & 1 ? (int64_t)(x | ~mask) : (int64_t)x;
	switch (p->fmt) {
	case 'x': fprintf(p->f, "0x%" PRIx64, x); break;
	case 'z': fprintf(p->f, "0x%0*" PRIx64, (int)(bits + 3) / 4, x); break;
	case 'o': fprintf(p->f, x ? "0%" PRIo64 : "0", x); break;
	case 't': binary_digits(p->f, x); break;
	case 'd': fprintf(p->f, "%" PRId64, sx); break;
	case 'u': fprintf(p->f, "%" PRIu64, x); break;
	case 'c': char_value(p->f, (int64_t)(signed char)((k == K_FLOAT ?
		(uint64_t)(int64_t)ld_val_double(v) : x) & 0xff)); break;
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
		if (ld_cxx_print_member_ptr(p->f, v))
			return;
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
		inner(p, &cur);
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

/* A static member that is an object is shown once per value (gdb, by
 * its address): true when v was shown already (or too many were). */
static bool static_seen(struct vp *p, const struct ld_val *v)
{
	if (ld_ty_kind(&v->ty) != K_STRUCT || v->lval != LV_MEM)
		return false;
	for (size_t i = 0; i < p->nstat; i++)
		if (p->stat[i] == v->addr)
			return true;
	if (p->nstat == sizeof p->stat / sizeof p->stat[0])
		return true;
	p->stat[p->nstat++] = v->addr;
	return false;
}

/* One field of a struct or class: a base class as gdb shows it
 * (<Base> = {...}), a static member (static count = 3), a data member. */
static void field(struct vp *p, const struct ld_val *v, Dwarf_Die *m)
{
	const char *name = dwarf_diename(m);
	bool is_static = ld_dwcxx_is_static(m);
	struct ld_val mv;
	char base[512];
	Dwarf_Die t;
	uint64_t off = is_static ? 0 : ld_dw_member_offset(m);

	if (dwarf_tag(m) == DW_TAG_inheritance) {
		fprintf(p->f, "<%s> = ", ld_dwt_name(ld_dwt_target(m, &t), "", base,
						     sizeof base));
		if (ld_cxx_base_offset(p->c, v, m, &off)) {
			fprintf(p->f, "<error: %s>", p->c->err);
			return;
		}
	} else if (is_static) {
		fprintf(p->f, "static %s = ", name);
	} else if (name) {
		fprintf(p->f, "%s = ", name);
	}
	if (ld_eval_member(p->c, v, m, off, &mv)) {
		if (is_static)
			fputs("<optimized out>", p->f);
		else
			fprintf(p->f, "<error: %s>", p->c->err);
		return;
	}
	if (is_static && static_seen(p, &mv))
		fputs("<same as static member of an already seen type>", p->f);
	else
		inner(p, &mv);
	ld_val_release(&mv);
}

/* A virtual base is shown once per value, where first met (gdb). */
static bool virtual_base_seen(struct vp *p, Dwarf_Die *inh)
{
	Dwarf_Die t, s;
	Dwarf_Off o;

	if (!dwarf_hasattr(inh, DW_AT_virtuality) ||
	    !ld_dwt_strip(ld_dwt_target(inh, &t), &s))
		return false;
	o = dwarf_dieoffset(&s);
	for (size_t i = 0; i < p->nvb; i++)
		if (p->vb[i] == o)
			return true;
	if (p->nvb < sizeof p->vb / sizeof p->vb[0])
		p->vb[p->nvb++] = o;
	return false;
}

/* gdb's cp_print_value_fields: the base classes, each followed by ", ",
 * then the members; pretty, each on a line of its own indented by depth,
 * a base class one level deeper, and "members of X:" between them. */
static void structure(struct vp *p, const struct ld_val *v)
{
	Dwarf_Die st, m;
	bool bases = false, fields = false, peeled = ld_ty_peeled(&v->ty, &st);
	int ind = 2 + 2 * p->depth;

	fputc('{', p->f);
	if (peeled && dwarf_child(&st, &m) == 0) {
		do {
			int tag = dwarf_tag(&m);

			if (tag != DW_TAG_member && tag != DW_TAG_inheritance &&
			    (tag != DW_TAG_variable || !dwarf_diename(&m)))
				continue;
			if (tag == DW_TAG_inheritance) {
				bases = true;   /* shown or not: gdb counts it */
				if (virtual_base_seen(p, &m))
					continue;
				if (p->pretty)
					newline(p, ind);
				field(p, v, &m);
				fputs(", ", p->f);
				continue;
			}
			if (fields)
				fputs(p->pretty ? "," : ", ", p->f);
			else if (bases && p->pretty)
				fprintf(p->f, "\n%*smembers of %s:", ind, "",
					dwarf_diename(&st) ? dwarf_diename(&st) : "");
			if (p->pretty)
				newline(p, ind);
			fields = true;
			field(p, v, &m);
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	/* gdb: after the base classes, when the class has no data itself */
	if (!fields) {
		fputs("<No data fields>}", p->f);
		return;
	}
	if (p->pretty)
		newline(p, 2 * p->depth);
	fputc('}', p->f);
}

static void function(struct vp *p, const struct ld_val *v)
{
	char name[512];

	fprintf(p->f, "{%s} 0x%" PRIx64, ld_ty_name(&v->ty, "", name, sizeof name),
		v->addr);
	pointer_annotation(p, v->addr, true);
}

/* A C++ reference: `(int &) @0x7ffe...: 5' at the top, `@0x7ffe...: 5'
 * as a variable of info locals/args, `@0x7ffe...' inside an object (as
 * gdb); with layout annotations, where the address lies. */
static void reference(struct vp *p, const struct ld_val *v, bool top)
{
	char name[512];
	struct ld_val r;
	uint64_t addr = ld_val_uint(v);

	if (top)
		fprintf(p->f, "(%s) ", ld_ty_name(&v->ty, "", name, sizeof name));
	fprintf(p->f, "@0x%" PRIx64, addr);
	if (p->c->s->settings.print_layout)
		pointer_annotation(p, addr, false);
	if (p->nested)
		return;
	fputs(": ", p->f);
	if (ld_eval_deref_ref(p->c, v, &r)) {
		fprintf(p->f, "<error: %s>", p->c->err);
		return;
	}
	value(p, &r, false);
	ld_val_release(&r);
}

static void value(struct vp *p, const struct ld_val *v, bool top)
{
	if (v->optout) {
		fputs("<optimized out>", p->f);
		return;
	}
	switch (ld_ty_kind(&v->ty)) {
	case K_VOID: fputs("void", p->f); return;
	case K_ARRAY:
	case K_STRUCT:
	case K_UNION: {
		bool nested = p->nested;

		p->nested = true;
		if (ld_ty_kind(&v->ty) == K_ARRAY)
			array(p, v);
		else
			structure(p, v);
		p->nested = nested;
		return;
	}
	case K_FUNC: function(p, v); return;
	case K_REF: reference(p, v, top); return;
	default: scalar(p, v, top);
	}
}

void ld_val_write(struct ld_evalctx *c, FILE *f, const struct ld_val *v,
		  char fmt, bool top)
{
	struct vp p = { .c = c, .f = f, .fmt = fmt,
			.pretty = c->s->settings.print_pretty };

	value(&p, v, top);
}

/* One stream kept open for the texts of values: open_memstream zeroes a
 * BUFSIZ buffer at each opening, a tenth of the time of a deep
 * backtrace's arguments.  Used by one text at a time (a text made while
 * another is being made gets a stream of its own). */
static struct textbuf {
	char *p;
	size_t len, cap;
	bool failed;
	FILE *f;
	bool busy;
} tb;

static ssize_t tb_write(void *cookie, const char *buf, size_t n)
{
	struct textbuf *b = cookie;

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->failed = true;
			return -1;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, buf, n);
	b->len += n;
	return (ssize_t)n;
}

static char *text_of(struct ld_evalctx *c, const struct ld_val *v, char fmt,
		     bool top, bool plain, int depth)
{
	char *buf = NULL;
	size_t len = 0;
	struct vp p = { .c = c, .fmt = fmt, .plain = plain, .depth = depth,
			.pretty = !plain && c->s->settings.print_pretty };

	if (!tb.busy && (tb.f || (tb.f = fopencookie(&tb, "w", (cookie_io_functions_t){
			.write = tb_write })))) {
		tb.busy = true;
		tb.len = 0;
		tb.failed = false;
		p.f = tb.f;
		value(&p, v, top);
		buf = fflush(tb.f) || tb.failed ? NULL : strndup(tb.p ? tb.p : "", tb.len);
		tb.busy = false;
		return buf;
	}
	if (!(p.f = open_memstream(&buf, &len)))
		return NULL;
	value(&p, v, top);
	if (fclose(p.f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *ld_val_text(struct ld_evalctx *c, const struct ld_val *v, char fmt,
		  bool top)
{
	return text_of(c, v, fmt, top, false, 0);
}

char *ld_val_text_depth(struct ld_evalctx *c, const struct ld_val *v, int depth)
{
	return text_of(c, v, 0, false, false, depth);
}

char *ld_val_text_plain(struct ld_evalctx *c, const struct ld_val *v)
{
	return text_of(c, v, 0, false, true, 0);
}
